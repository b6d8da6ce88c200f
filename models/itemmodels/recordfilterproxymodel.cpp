#include "recordfilterproxymodel.h"

#include "itemroles.h"

namespace fd {

RecordFilterProxyModel::RecordFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(Roles::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // Live updates must re-filter and re-sort the changed rows, not only new ones.
    setDynamicSortFilter(true);
}

void RecordFilterProxyModel::setRoleFilter(int role, const QString &value)
{
    if (m_roleFilters.value(role) == value)
        return;
    if (value.isEmpty())
        m_roleFilters.remove(role);
    else
        m_roleFilters.insert(role, value);
    invalidateFilter();
}

void RecordFilterProxyModel::setFilterText(const QString &text)
{
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateFilter();
}

bool RecordFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    for (auto it = m_roleFilters.cbegin(); it != m_roleFilters.cend(); ++it)
        if (idx.data(it.key()).toString().compare(*it, Qt::CaseInsensitive) != 0)
            return false;
    if (m_words.isEmpty())
        return true;
    const QString text = idx.data(Roles::FilterTextRole).toString();
    for (const auto &w : m_words)
        if (!text.contains(w, Qt::CaseInsensitive))
            return false;
    return true;
}

} // namespace fd
