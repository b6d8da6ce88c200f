#pragma once

#include "domain/records.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

namespace fd {

class Estate;

/**
 * A table with one row per estate record of one kind, kept in step with Estate::changed
 * row by row: inserted records are appended, changed ones get one dataChanged for their
 * row, removed ones are removed. Rows keep their place, so selection and scroll position
 * survive a refresh; sorting is a proxy's job.
 */
class RecordTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    QString keyAt(int row) const { return m_keys.value(row); }
    int rowOf(const QString &key) const { return m_rows.value(key, -1); }
    Estate *estate() const { return m_estate; }

    int rowCount(const QModelIndex &parent = {}) const override;

protected:
    RecordTableModel(Estate *estate, RecordKind kind, QObject *parent);
    /// Whether the record under @p key (present in the estate) belongs in this table.
    virtual bool accepts(const QString &key) const = 0;
    /// Re-select every row from the estate; for a change of question (a new filter target),
    /// never for a refresh.
    void reload();
    /// Call at the end of a subclass constructor: merges what the estate already holds.
    void loadInitial();
    virtual QStringList allKeys() const = 0;
    /// Asks accepts() again for these records after something else they depend on changed:
    /// rows come, go or get a dataChanged as the answers say.
    void recheck(const QStringList &keys) { onChanged(m_kind, {}, keys, {}); }

private:
    void onChanged(RecordKind kind,
                   const QStringList &inserted,
                   const QStringList &updated,
                   const QStringList &removed);
    void removeKeys(const QStringList &keys);
    void reindexFrom(int row);

    Estate *m_estate;
    RecordKind m_kind;
    QStringList m_keys;
    QHash<QString, int> m_rows;
};

} // namespace fd
