#include "palettemodel.h"

#include <algorithm>

namespace fd {

namespace {

bool isWordStart(const QString &text, int i)
{
    if (i == 0)
        return true;
    const QChar prev = text.at(i - 1);
    const QChar cur = text.at(i);
    return !prev.isLetterOrNumber() || (prev.isLower() && cur.isUpper());
}

// One alignment of query in text that starts with query[0] at text[start], greedy after that.
int scoreFrom(const QString &q, const QString &folded, const QString &text, int start)
{
    int score = 0;
    int pos = start;
    int prevMatch = -2;
    for (int qi = 0; qi < q.size(); ++qi) {
        if (qi > 0)
            pos = int(folded.indexOf(q.at(qi), pos));
        if (pos < 0)
            return -1;
        score += 1;
        if (pos == prevMatch + 1)
            score += 5;
        else if (prevMatch >= 0)
            score -= std::min(pos - prevMatch - 1, 5);
        if (isWordStart(text, pos))
            score += 8;
        if (pos == 0)
            score += 10;
        prevMatch = pos;
        ++pos;
    }
    return score;
}

} // namespace

int fuzzyScore(const QString &query, const QString &text)
{
    const QString q = query.toCaseFolded();
    if (q.isEmpty())
        return 0;
    const QString folded = text.toCaseFolded();
    // Case folding keeps the length for the scripts we show (Latin, Hangul); if it ever does
    // not, positions would not line up with the original text, so fall back to the folded one.
    const QString &shape = folded.size() == text.size() ? text : folded;
    int best = -1;
    for (qsizetype start = folded.indexOf(q.at(0)); start >= 0;
         start = folded.indexOf(q.at(0), start + 1))
        best = std::max(best, scoreFrom(q, folded, shape, int(start)));
    if (best >= 0 && folded.startsWith(q))
        best += 20;
    return best;
}

PaletteModel::PaletteModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void PaletteModel::setEntries(const QList<PaletteEntry> &entries)
{
    m_entries = entries;
    rebuild();
}

void PaletteModel::setQuery(const QString &query)
{
    if (query == m_query)
        return;
    m_query = query;
    rebuild();
}

void PaletteModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    const QStringList tokens = m_query.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int i = 0; i < m_entries.size(); ++i) {
        const PaletteEntry &e = m_entries.at(i);
        int total = 0;
        bool all = true;
        for (const QString &t : tokens) {
            const int inText = fuzzyScore(t, e.text);
            const int inDetail = fuzzyScore(t, e.detail);
            const int s = std::max(inText, inDetail >= 0 ? inDetail / 2 : -1);
            if (s < 0) {
                all = false;
                break;
            }
            total += s;
        }
        if (all)
            m_rows.append({i, total});
    }
    // Stable: equal scores keep the order the entries were given in (pages, then services...),
    // except that a shorter text wins, being the closer match.
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](const auto &a, const auto &b) {
        if (a.second != b.second)
            return a.second > b.second;
        return m_entries.at(a.first).text.size() < m_entries.at(b.first).text.size();
    });
    if (tokens.isEmpty()) // nothing typed: the given order, not the length order
        std::sort(m_rows.begin(), m_rows.end());
    if (m_rows.size() > MaxRows)
        m_rows.resize(MaxRows);
    endResetModel();
}

const PaletteEntry *PaletteModel::entryAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return nullptr;
    return &m_entries.at(m_rows.at(row).first);
}

int PaletteModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PaletteModel::data(const QModelIndex &index, int role) const
{
    const PaletteEntry *e = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!e)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return e->text;
    case Qt::ToolTipRole:
        return e->detail.isEmpty() ? e->text : e->text + QStringLiteral(" — ") + e->detail;
    case DetailRole:
        return e->detail;
    case KindRole:
        return int(e->kind);
    case ScoreRole:
        return m_rows.at(index.row()).second;
    default:
        return {};
    }
}

QString PaletteModel::kindText(PaletteEntry::Kind kind)
{
    using K = PaletteEntry::Kind;
    switch (kind) {
    case K::Page:
        return tr("Page");
    case K::Service:
        return tr("Service");
    case K::Cell:
        return tr("Deployment");
    case K::Environment:
        return tr("Environment");
    case K::Run:
        return tr("Run");
    case K::Gate:
        return tr("Approval");
    case K::Rollout:
        return tr("Canary");
    case K::Action:
        return tr("Action");
    }
    return {};
}

} // namespace fd
