#pragma once

#include <QHash>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace fd {

/**
 * Filters rows of a record table by exact values of row roles (backend, service, status,
 * branch, ...) and by free text (every word must occur in the row's FilterTextRole), and
 * sorts by Roles::SortRole so columns sort by raw values rather than formatted text.
 */
class RecordFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RecordFilterProxyModel(QObject *parent = nullptr);

    /// Keep only rows whose @p role equals @p value (compared as text); empty clears it.
    void setRoleFilter(int role, const QString &value);
    QString roleFilter(int role) const { return m_roleFilters.value(role); }
    /// Whitespace-separated words, all of which must appear (case-insensitive).
    void setFilterText(const QString &text);
    QString filterText() const { return m_words.join(QLatin1Char(' ')); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QHash<int, QString> m_roleFilters;
    QStringList m_words;
};

} // namespace fd
