#include "gatesmodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

namespace fd {

GatesModel::GatesModel(Estate *estate, QObject *parent)
    : RecordTableModel(estate, RecordKind::Gates, parent)
{
    // Whether a gate is one, and the version it names, come from rollouts and deployments,
    // which may arrive after the gate (the estate merges gates first).
    connect(estate, &Estate::changed, this, [this](RecordKind kind) {
        if (kind == RecordKind::Rollouts || kind == RecordKind::Deployments)
            recheck(allKeys());
    });
    loadInitial();
}

bool GatesModel::accepts(const QString &key) const
{
    const auto it = estate()->gates().constFind(key);
    return it != estate()->gates().cend() && !isTimedPause(*estate(), *it);
}

namespace {

const Rollout *rolloutOf(const Estate &estate, const Gate &gate)
{
    if (gate.kind != GateKind::RolloutPause)
        return nullptr;
    const auto it = estate.rollouts().constFind(gate.runId);
    return it == estate.rollouts().cend() ? nullptr : &*it;
}

} // namespace

bool GatesModel::isTimedPause(const Estate &estate, const Gate &gate)
{
    const Rollout *r = rolloutOf(estate, gate);
    if (!r || r->currentStepIndex < 0 || r->currentStepIndex >= r->steps.size())
        return false;
    // Paused by an operator (or by the controller for another reason) waits for a human even
    // at a timed step; only the step's own pause ends by itself.
    for (const QString &reason : r->pauseReasons)
        if (reason != QLatin1String("CanaryPauseStep"))
            return false;
    const RolloutStep &step = r->steps.at(r->currentStepIndex);
    return step.kind == RolloutStep::Kind::Pause && step.pauseSeconds >= 0;
}

QString GatesModel::version(const Estate &estate, const Gate &gate)
{
    if (const Rollout *r = rolloutOf(estate, gate))
        return r->canaryVersion;
    if (gate.runId.isEmpty())
        return {};
    for (const Deployment &d : estate.deployments())
        if (d.connectionId == gate.connectionId && d.runId == gate.runId && !d.version.isEmpty())
            return d.version;
    return {};
}

QString GatesModel::describe(const Estate &estate, const Gate &gate)
{
    const QString v = version(estate, gate);
    if (v.isEmpty() || gate.title.contains(v))
        return gate.title;
    return tr("%1 (%2 %3)").arg(gate.title, gate.service, v);
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
        return QStringList{describe(*estate(), g),
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
        return describe(*estate(), g);
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
