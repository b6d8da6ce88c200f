#include "gatesmodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

namespace fd {

GatesModel::GatesModel(Estate *estate, QObject *parent)
    : RecordTableModel(estate, RecordKind::Gates, parent)
{
    loadInitial();
}

bool GatesModel::accepts(const QString &key) const
{
    return estate()->gates().contains(key);
}

QStringList GatesModel::allKeys() const
{
    return QStringList(estate()->gates().keyBegin(), estate()->gates().keyEnd());
}

Gate GatesModel::gate(int row) const
{
    return estate()->gates().value(keyAt(row));
}

int GatesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GatesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto it = estate()->gates().constFind(keyAt(index.row()));
    if (it == estate()->gates().cend())
        return {};
    const Gate &g = *it;
    switch (role) {
    case Roles::KeyRole:
        return g.key();
    case Roles::ConnectionRole:
        return g.connectionId;
    case Roles::ServiceRole:
        return g.service;
    case Roles::EnvironmentRole:
        return g.environment;
    case Roles::StatusRole:
        return int(g.kind);
    case Roles::UrlRole:
        return g.url;
    case Roles::StartedRole:
        return g.since;
    case Roles::FilterTextRole:
        return QStringList{g.title,
                           g.service,
                           g.environment,
                           g.connectionId,
                           Wording::gateKind(g.kind),
                           g.approvers.join(QLatin1Char(' '))}
            .join(QLatin1Char(' '));
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != Roles::SortRole)
        return {};
    const bool sort = role == Roles::SortRole;
    switch (Column(index.column())) {
    case What:
        return g.title;
    case Kind:
        return sort ? QVariant(int(g.kind)) : QVariant(Wording::gateKind(g.kind));
    case Service:
        return g.service;
    case Environment:
        return g.environment;
    case Backend:
        return g.connectionId;
    case Since:
        if (sort)
            return g.since;
        return g.since.isValid() ? Wording::age(g.since.secsTo(QDateTime::currentDateTimeUtc()))
                                 : QString();
    case Approvers:
        return g.approvers.isEmpty() ? tr("anyone with access")
                                     : g.approvers.join(QStringLiteral(", "));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant GatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return RecordTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case What:
        return tr("Waiting for");
    case Kind:
        return tr("Kind");
    case Service:
        return tr("Service");
    case Environment:
        return tr("Environment");
    case Backend:
        return tr("Backend");
    case Since:
        return tr("Since");
    case Approvers:
        return tr("Who may approve");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace fd
