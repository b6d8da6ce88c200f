#pragma once

#include "recordtablemodel.h"

namespace fd {

/// The deployments of one service in one environment, from every backend that reports them.
class DeploymentHistoryModel : public RecordTableModel
{
    Q_OBJECT
public:
    enum Column { Version, Status, Actor, Deployed, Commit, Backend, Link, ColumnCount };

    explicit DeploymentHistoryModel(Estate *estate, QObject *parent = nullptr);

    /// Which service x environment to show; a new target reloads the rows.
    void setTarget(const QString &service, const QString &environment);
    QString service() const { return m_service; }
    QString environment() const { return m_environment; }
    Deployment deployment(int row) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

protected:
    bool accepts(const QString &key) const override;
    QStringList allKeys() const override;

private:
    QString m_service;
    QString m_environment;
};

} // namespace fd
