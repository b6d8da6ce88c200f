#pragma once

#include "recordtablemodel.h"

#include <QAbstractListModel>

namespace fd {

/// Every rollout (canary or blue-green) the estate knows, one row each.
class RolloutsModel : public RecordTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Service,
        Environment,
        Phase,
        Step,
        CanaryWeight,
        Analysis,
        CanaryVersion,
        StableVersion,
        ColumnCount
    };

    explicit RolloutsModel(Estate *estate, QObject *parent = nullptr);
    Rollout rollout(int row) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    bool accepts(const QString &key) const override;
    QStringList allKeys() const override;
};

/// The steps of one rollout, with the current step and the steps already passed marked.
class RolloutStepsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit RolloutStepsModel(Estate *estate, QObject *parent = nullptr);

    /// Show the steps of the rollout with this key (empty: none).
    void setRolloutKey(const QString &key);
    QString rolloutKey() const { return m_key; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void onChanged(RecordKind kind,
                   const QStringList &inserted,
                   const QStringList &updated,
                   const QStringList &removed);
    void sync();

    Estate *m_estate;
    QString m_key;
    QList<RolloutStep> m_steps;
    int m_current = -1;
    bool m_finished = false;
};

} // namespace fd
