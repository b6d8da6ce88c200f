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

    /// A Rollout paused at a step with a duration resumes by itself: no human is waited for,
    /// so it is not a gate (Argo Rollouts lists it as paused all the same).
    static bool isTimedPause(const Estate &estate, const Gate &gate);
    /// The version the gate lets through: the canary's for a Rollout, else the version of the
    /// deployment the held run makes; "" when no backend says.
    static QString version(const Estate &estate, const Gate &gate);
    /// What the gate waits for, with its version when the backend's title leaves it out
    /// (a Jenkins input says only "Deploy to prod?").
    static QString describe(const Estate &estate, const Gate &gate);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    bool accepts(const QString &key) const override;
    QStringList allKeys() const override;
};

} // namespace fd
