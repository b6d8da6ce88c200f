#pragma once

#include "domain/records.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace fd {

class Store;
struct Workspace;

/// The horizontal bands of the timeline chart, top to bottom.
enum class TimelineLane { Deploys, Canary, Alerts, Actions, Notes };
constexpr int timelineLaneCount = 5;

TimelineLane laneOf(TimelineEvent::Kind kind);
QString toString(TimelineLane lane);

/// True for events that change what runs somewhere: the candidates for an incident's suspects.
bool isChange(TimelineEvent::Kind kind);

/// What part of the timeline to show: a time window and optional service/environment.
struct TimelineFilter
{
    QDateTime from;       // inclusive; invalid = unbounded
    QDateTime to;         // exclusive; invalid = unbounded
    QStringList services; // empty = every service
    QString environment;  // empty = every environment

    bool accepts(const TimelineEvent &event) const;
    bool operator==(const TimelineFilter &) const = default;
};

/// Days events are kept: policies.timelineRetentionDays, 90 when unset or not positive.
int timelineRetentionDays(const Workspace &workspace);
/// Deletes events older than the retention period before @p now; how many went.
std::optional<int> pruneTimeline(Store &store,
                                 const Workspace &workspace,
                                 const QDateTime &now,
                                 QString *error = nullptr);

/// The events the filter accepts, oldest first. Several services are read in one query and
/// filtered here because the store filters by one service at a time.
std::optional<QList<TimelineEvent>>
loadTimeline(Store &store, const TimelineFilter &filter, QString *error = nullptr);

/// The production environment: policies.productionEnvironment when it names an environment,
/// else the last environment of the promotion order ("" when the workspace has none).
QString productionEnvironment(const Workspace &workspace);

} // namespace fd
