#pragma once

#include "recordtablemodel.h"

namespace fd {

/// The approval inbox: every gate waiting for a human, across backends.
class GatesModel : public RecordTableModel
{
    Q_OBJECT
public:
    enum Column { What, Kind, Service, Environment, Backend, Since, Approvers, ColumnCount };

    explicit GatesModel(Estate *estate, QObject *parent = nullptr);
    Gate gate(int row) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    bool accepts(const QString &key) const override;
    QStringList allKeys() const override;
};

} // namespace fd
