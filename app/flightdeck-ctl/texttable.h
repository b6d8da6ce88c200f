#pragma once

#include <QString>
#include <QStringList>

namespace fd {

/// A plain-text table for terminals: columns padded to their widest cell (by display width,
/// so Korean text lines up), long cells cut with an ellipsis.
class TextTable
{
public:
    explicit TextTable(QStringList headers, int maxCellWidth = 48);
    void addRow(QStringList cells);
    bool isEmpty() const { return m_rows.isEmpty(); }
    QString render() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
    int m_maxCellWidth;
};

/// Terminal columns a string takes (wide East Asian characters count two).
int displayWidth(const QString &s);

} // namespace fd
