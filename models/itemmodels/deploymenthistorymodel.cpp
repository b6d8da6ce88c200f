#include "deploymenthistorymodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

namespace fd {

DeploymentHistoryModel::DeploymentHistoryModel(Estate *estate, QObject *parent)
    : RecordTableModel(estate, RecordKind::Deployments, parent)
{
    loadInitial();
}

void DeploymentHistoryModel::setTarget(const QString &service, const QString &environment)
{
    if (service == m_service && environment == m_environment)
        return;
    m_service = service;
    m_environment = environment;
    reload();
}

bool DeploymentHistoryModel::accepts(const QString &key) const
{
    const auto it = estate()->deployments().constFind(key);
    return it != estate()->deployments().cend() && !m_service.isEmpty() &&
           it->service == m_service && it->environment == m_environment;
}

QStringList DeploymentHistoryModel::allKeys() const
{
    return QStringList(estate()->deployments().keyBegin(), estate()->deployments().keyEnd());
}

Deployment DeploymentHistoryModel::deployment(int row) const
{
    return estate()->deployments().value(keyAt(row));
}

int DeploymentHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeploymentHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto it = estate()->deployments().constFind(keyAt(index.row()));
    if (it == estate()->deployments().cend())
        return {};
    const Deployment &d = *it;
    switch (role) {
    case Roles::KeyRole:
        return d.key();
    case Roles::ConnectionRole:
        return d.connectionId;
    case Roles::ServiceRole:
        return d.service;
    case Roles::EnvironmentRole:
        return d.environment;
    case Roles::StatusRole:
        return int(d.status);
    case Roles::UrlRole:
        return d.url;
    case Roles::StartedRole:
        return d.created;
    case Roles::FilterTextRole:
        return QStringList{d.version, d.commit, d.actor, d.connectionId}.join(QLatin1Char(' '));
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != Roles::SortRole)
        return {};
    const bool sort = role == Roles::SortRole;
    switch (Column(index.column())) {
    case Version:
        return d.version;
    case Status:
        return sort ? QVariant(int(d.status)) : QVariant(Wording::deployStatus(d.status));
    case Actor:
        return d.actor;
    case Deployed:
        return sort ? QVariant(d.created) : QVariant(Wording::dateTime(d.created));
    case Commit:
        return sort ? d.commit : Wording::shortCommit(d.commit);
    case Backend:
        return d.connectionId;
    case Link:
        return d.url.toDisplayString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant
DeploymentHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return RecordTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Version:
        return tr("Version");
    case Status:
        return tr("Status");
    case Actor:
        return tr("By");
    case Deployed:
        return tr("Deployed");
    case Commit:
        return tr("Commit");
    case Backend:
        return tr("Backend");
    case Link:
        return tr("Link");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace fd
