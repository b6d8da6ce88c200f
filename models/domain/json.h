#pragma once

#include <optional>

// JSON form of the domain types. This is the CLI's `--json` output and the store's snapshot
// format: keys are camelCase and stable, enums use the names of the toString() helpers, dates
// are ISO-8601 UTC with milliseconds (null when unset). Readers are lenient: a missing or
// mistyped key leaves the default, so an old snapshot still loads after a field is added.
// ConnectionConfig has no JSON form on purpose: it carries resolved secrets.

#include "action.h"
#include "connection.h"
#include "incident.h"
#include "records.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace fd {

/// A JSON number as a whole qint64: nullopt when it is not a number, not finite, or outside
/// qint64 (converting such a double is undefined behaviour); a fraction is cut off.
std::optional<qint64> int64FromJson(const QJsonValue &v);

QJsonValue dateToJson(const QDateTime &dt);
QDateTime dateFromJson(const QJsonValue &v);

QString toString(RolloutStep::Kind k);
RolloutStep::Kind rolloutStepKindFromString(const QString &s);

QJsonObject toJson(const Stage &v);
QJsonObject toJson(const Run &v);
QJsonObject toJson(const Deployment &v);
QJsonObject toJson(const EnvironmentState &v);
QJsonObject toJson(const RolloutStep &v);
QJsonObject toJson(const RolloutAction &v);
QJsonObject toJson(const RolloutReplicas &v);
QJsonObject toJson(const RolloutImage &v);
QJsonObject toJson(const RolloutRevisionItem &v);
QJsonObject toJson(const RolloutRevision &v);
/// A Rollout. Weights: `setWeight` is what the current step asks for, `actualWeight` the
/// traffic the canary really gets (router report, else its share of available pods), -1 when
/// unknown (then `unknown` says why). `canaryWeight` is the ACTUAL weight, the same number as
/// `actualWeight`, kept for older readers; `stableWeight` is the rest of it (-1 when unknown).
QJsonObject toJson(const Rollout &v);
QJsonObject toJson(const Gate &v);
QJsonObject toJson(const TimelineEvent &v);
QJsonObject toJson(const RecordSet &v);
QJsonObject toJson(const ServiceBinding &v);
QJsonObject toJson(const ReleaseAction &v);
QJsonObject toJson(const PlannedRequest &v);
QJsonObject toJson(const Precondition &v);
QJsonObject toJson(const ActionPlan &v);
QJsonObject toJson(const ActionResult &v);
QJsonObject toJson(const ConnectionHealth &v);
QJsonObject toJson(const Incident &v);

/// Each reader returns false (and names the problem in *error) only when the value is not a
/// JSON object, or, for ReleaseAction, when the verb is unknown; everything else is lenient.
bool fromJson(const QJsonValue &json, Stage *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Run *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Deployment *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, EnvironmentState *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutStep *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutAction *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutReplicas *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutImage *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutRevisionItem *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RolloutRevision *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Rollout *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Gate *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, TimelineEvent *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, RecordSet *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, ServiceBinding *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, ReleaseAction *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, PlannedRequest *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Precondition *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, ActionPlan *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, ActionResult *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, ConnectionHealth *out, QString *error = nullptr);
bool fromJson(const QJsonValue &json, Incident *out, QString *error = nullptr);

/// A list of values as a JSON array, in order.
template <typename T>
QJsonArray toJsonArray(const QList<T> &list)
{
    QJsonArray a;
    for (const auto &v : list)
        a.append(toJson(v));
    return a;
}

/// Reads every element of an array; elements that are not objects are skipped and counted in
/// *skipped so a caller can report them.
template <typename T>
QList<T> listFromJson(const QJsonValue &json, int *skipped = nullptr)
{
    QList<T> out;
    const QJsonArray a = json.toArray();
    out.reserve(a.size());
    for (const auto &e : a) {
        T v;
        if (fromJson(e, &v))
            out.append(std::move(v));
        else if (skipped)
            ++*skipped;
    }
    return out;
}

} // namespace fd
