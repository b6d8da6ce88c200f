#pragma once

#include "recordtablemodel.h"

namespace fd {

/// Every run from every backend, one row each.
class RunsModel : public RecordTableModel
{
    Q_OBJECT
public:
    enum Column {
        Backend,
        Service,
        Pipeline,
        Number,
        Branch,
        Commit,
        Actor,
        Status,
        Stages,
        Duration,
        Started,
        ColumnCount
    };

    explicit RunsModel(Estate *estate, QObject *parent = nullptr);

    /// The run on @p row (default-constructed when out of range).
    Run run(int row) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Milliseconds the run took, or has taken so far when still running.
    static qint64 durationMs(const Run &run);

protected:
    bool accepts(const QString &key) const override;
    QStringList allKeys() const override;
};

} // namespace fd
