#include "texttable.h"
#include "terminaltext.h"

namespace fd {

int displayWidth(const QString &s)
{
    int w = 0;
    for (const QChar c : s) {
        const ushort u = c.unicode();
        const bool wide = (u >= 0x1100 && u <= 0x115F) || (u >= 0x2E80 && u <= 0xA4CF) ||
                          (u >= 0xAC00 && u <= 0xD7A3) || (u >= 0xF900 && u <= 0xFAFF) ||
                          (u >= 0xFF00 && u <= 0xFF60);
        w += wide ? 2 : 1;
    }
    return w;
}

TextTable::TextTable(QStringList headers, int maxCellWidth)
    : m_headers(std::move(headers))
    , m_maxCellWidth(maxCellWidth)
{}

void TextTable::addRow(QStringList cells)
{
    while (cells.size() < m_headers.size())
        cells << QString();
    for (QString &c : cells) {
        for (const char ws : {'\n', '\t', '\r'})
            c.replace(QLatin1Char(ws), QLatin1Char(' '));
        c = terminalSafe(c); // names and messages come from backends and arguments
        if (displayWidth(c) > m_maxCellWidth) {
            while (displayWidth(c) > m_maxCellWidth - 1)
                c.chop(1);
            c += QChar(0x2026);
        }
    }
    m_rows << cells;
}

QString TextTable::render() const
{
    QList<int> widths;
    for (const QString &h : m_headers)
        widths << displayWidth(h);
    for (const auto &row : m_rows)
        for (int i = 0; i < widths.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row.value(i)));
    auto line = [&](const QStringList &cells) {
        QString out;
        for (int i = 0; i < widths.size(); ++i) {
            const QString &c = cells.value(i);
            out += c;
            if (i + 1 < widths.size())
                out += QString(widths[i] - displayWidth(c) + 2, QLatin1Char(' '));
        }
        while (out.endsWith(QLatin1Char(' ')))
            out.chop(1);
        return out + QLatin1Char('\n');
    };
    QString out = line(m_headers);
    for (const auto &row : m_rows)
        out += line(row);
    return out;
}

} // namespace fd
