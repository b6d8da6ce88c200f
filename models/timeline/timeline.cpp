#include "timeline.h"

#include "store/store.h"
#include "workspace/workspace.h"

namespace fd {

TimelineLane laneOf(TimelineEvent::Kind kind)
{
    using K = TimelineEvent::Kind;
    switch (kind) {
    case K::RunStarted:
    case K::RunSucceeded:
    case K::RunFailed:
    case K::RunCancelled:
    case K::DeployStarted:
    case K::DeploySucceeded:
    case K::DeployFailed:
    case K::DeployBlocked:
    case K::SyncStarted:
    case K::SyncSucceeded:
    case K::SyncFailed:
    case K::HealthChanged:
    case K::Rollback:
        return TimelineLane::Deploys;
    case K::CanaryStep:
    case K::CanaryWeight:
    case K::CanaryPaused:
    case K::CanaryResumed:
    case K::CanaryPromoted:
    case K::CanaryAborted:
    case K::CanaryRetried:
        return TimelineLane::Canary;
    case K::AlertFiring:
    case K::AlertResolved:
        return TimelineLane::Alerts;
    case K::ApprovalRequested:
    case K::ApprovalGranted:
    case K::ApprovalRejected:
    case K::OperatorAction:
        return TimelineLane::Actions;
    case K::Note:
        return TimelineLane::Notes;
    }
    return TimelineLane::Notes;
}

QString toString(TimelineLane lane)
{
    switch (lane) {
    case TimelineLane::Deploys:
        return QStringLiteral("deploys");
    case TimelineLane::Canary:
        return QStringLiteral("canary");
    case TimelineLane::Alerts:
        return QStringLiteral("alerts");
    case TimelineLane::Actions:
        return QStringLiteral("actions");
    case TimelineLane::Notes:
        return QStringLiteral("notes");
    }
    return {};
}

bool isChange(TimelineEvent::Kind kind)
{
    using K = TimelineEvent::Kind;
    switch (kind) {
    case K::DeployStarted:
    case K::DeploySucceeded:
    case K::DeployFailed:
    case K::SyncSucceeded:
    case K::CanaryStep:
    case K::CanaryWeight:
    case K::CanaryPromoted:
    case K::Rollback:
        return true;
    default:
        return false;
    }
}

bool TimelineFilter::accepts(const TimelineEvent &event) const
{
    if (from.isValid() && event.time < from)
        return false;
    if (to.isValid() && event.time >= to)
        return false;
    // Events without a service (a note on the whole estate) stay visible under any filter.
    if (!services.isEmpty() && !event.service.isEmpty() && !services.contains(event.service))
        return false;
    if (!environment.isEmpty() && !event.environment.isEmpty() && event.environment != environment)
        return false;
    return true;
}

int timelineRetentionDays(const Workspace &workspace)
{
    bool ok = false;
    const int days = workspace.policies.value(QStringLiteral("timelineRetentionDays")).toInt(&ok);
    return ok && days > 0 ? days : 90;
}

std::optional<int>
pruneTimeline(Store &store, const Workspace &workspace, const QDateTime &now, QString *error)
{
    return store.pruneEvents(now.addDays(-timelineRetentionDays(workspace)), error);
}

std::optional<QList<TimelineEvent>>
loadTimeline(Store &store, const TimelineFilter &filter, QString *error)
{
    const QDateTime from =
        filter.from.isValid() ? filter.from : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    const QDateTime to =
        filter.to.isValid() ? filter.to : QDateTime(QDate(9999, 1, 1), QTime(0, 0), Qt::UTC);
    // The store's filters are exact matches, so they would drop the events without a service
    // or environment that accepts() keeps; filter here instead.
    auto events = store.events(from, to, QString(), QString(), error);
    if (!events)
        return std::nullopt;
    QList<TimelineEvent> out;
    out.reserve(events->size());
    for (const TimelineEvent &e : std::as_const(*events))
        if (filter.accepts(e))
            out << e;
    return out;
}

QString productionEnvironment(const Workspace &workspace)
{
    const QString named =
        workspace.policies.value(QStringLiteral("productionEnvironment")).toString();
    if (!named.isEmpty() && workspace.environment(named))
        return named;
    return workspace.environments.isEmpty() ? QString() : workspace.environments.last().name;
}

} // namespace fd
