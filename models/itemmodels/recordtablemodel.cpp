#include "recordtablemodel.h"

#include "estate/estate.h"

#include <algorithm>

namespace fd {

RecordTableModel::RecordTableModel(Estate *estate, RecordKind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_estate(estate)
    , m_kind(kind)
{
    connect(estate, &Estate::changed, this, &RecordTableModel::onChanged);
}

int RecordTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

void RecordTableModel::loadInitial()
{
    QStringList keys = allKeys();
    keys.sort(); // deterministic first order, whatever the hash order was
    onChanged(m_kind, keys, {}, {});
}

void RecordTableModel::reload()
{
    beginResetModel();
    m_keys.clear();
    m_rows.clear();
    QStringList keys = allKeys();
    keys.sort();
    for (const auto &k : std::as_const(keys)) {
        if (accepts(k)) {
            m_rows.insert(k, int(m_keys.size()));
            m_keys << k;
        }
    }
    endResetModel();
}

void RecordTableModel::onChanged(RecordKind kind,
                                 const QStringList &inserted,
                                 const QStringList &updated,
                                 const QStringList &removed)
{
    if (kind != m_kind)
        return;
    QStringList gone = removed;
    QStringList added;
    const int lastColumn = columnCount() - 1;
    for (const auto &key : updated) {
        const int row = m_rows.value(key, -1);
        const bool ok = accepts(key);
        if (row >= 0 && ok)
            Q_EMIT dataChanged(index(row, 0), index(row, lastColumn));
        else if (row >= 0)
            gone << key;
        else if (ok)
            added << key;
    }
    for (const auto &key : inserted)
        if (!m_rows.contains(key) && accepts(key))
            added << key;
    removeKeys(gone);
    if (!added.isEmpty()) {
        const int first = int(m_keys.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const auto &k : std::as_const(added)) {
            m_rows.insert(k, int(m_keys.size()));
            m_keys << k;
        }
        endInsertRows();
    }
}

void RecordTableModel::removeKeys(const QStringList &keys)
{
    QList<int> rows;
    for (const auto &k : keys) {
        const int r = m_rows.value(k, -1);
        if (r >= 0)
            rows << r;
    }
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // Contiguous runs of rows go in one removal each, highest first so indexes stay valid.
    int i = 0;
    while (i < rows.size()) {
        int last = rows.at(i);
        int first = last;
        int j = i + 1;
        while (j < rows.size() && rows.at(j) == first - 1)
            first = rows.at(j++);
        beginRemoveRows({}, first, last);
        for (int r = last; r >= first; --r)
            m_rows.remove(m_keys.at(r));
        m_keys.remove(first, last - first + 1);
        endRemoveRows();
        i = j;
    }
    reindexFrom(rows.last());
}

void RecordTableModel::reindexFrom(int row)
{
    for (int r = row; r < m_keys.size(); ++r)
        m_rows.insert(m_keys.at(r), r);
}

} // namespace fd
