#include "json.h"

#include <cmath>

#include <array>
#include <utility>

namespace fd {

namespace {

QString str(const QJsonObject &o, QLatin1String key)
{
    return o.value(key).toString();
}

int integer(const QJsonObject &o, QLatin1String key, int fallback)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toInt(fallback) : fallback;
}

qint64 integer64(const QJsonObject &o, QLatin1String key, qint64 fallback)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toInteger(fallback) : fallback;
}

bool boolean(const QJsonObject &o, QLatin1String key, bool fallback)
{
    const QJsonValue v = o.value(key);
    return v.isBool() ? v.toBool() : fallback;
}

QStringList strings(const QJsonObject &o, QLatin1String key)
{
    QStringList out;
    const QJsonArray a = o.value(key).toArray();
    for (const auto &e : a)
        if (e.isString())
            out.append(e.toString());
    return out;
}

QJsonArray toArray(const QStringList &l)
{
    return QJsonArray::fromStringList(l);
}

QJsonValue urlToJson(const QUrl &u)
{
    return u.isEmpty() ? QJsonValue() : QJsonValue(u.toString(QUrl::FullyEncoded));
}

QUrl url(const QJsonObject &o, QLatin1String key)
{
    const QString s = str(o, key);
    return s.isEmpty() ? QUrl() : QUrl(s, QUrl::StrictMode);
}

QVariantMap map(const QJsonObject &o, QLatin1String key)
{
    return o.value(key).toObject().toVariantMap();
}

QJsonObject unknownToJson(const QMap<QString, QString> &unknown)
{
    QJsonObject o;
    for (auto it = unknown.begin(); it != unknown.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

bool asObject(const QJsonValue &json, const char *type, QJsonObject *o, QString *error)
{
    if (!json.isObject()) {
        if (error)
            *error = QStringLiteral("%1: expected a JSON object").arg(QLatin1String(type));
        return false;
    }
    *o = json.toObject();
    return true;
}

constexpr std::array stepKindNames{
    std::pair{RolloutStep::Kind::SetWeight, "setWeight"},
    std::pair{RolloutStep::Kind::Pause, "pause"},
    std::pair{RolloutStep::Kind::Analysis, "analysis"},
    std::pair{RolloutStep::Kind::Experiment, "experiment"},
    std::pair{RolloutStep::Kind::Other, "other"},
};

} // namespace

std::optional<qint64> int64FromJson(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    // 2^63 exactly is out of range; every double below it converts.
    if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return std::nullopt;
    return qint64(d);
}

QJsonValue dateToJson(const QDateTime &dt)
{
    if (!dt.isValid())
        return QJsonValue(QJsonValue::Null);
    return dt.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime dateFromJson(const QJsonValue &v)
{
    if (!v.isString())
        return {};
    QDateTime dt = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(v.toString(), Qt::ISODate);
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

QString toString(RolloutStep::Kind k)
{
    for (const auto &[v, n] : stepKindNames)
        if (v == k)
            return QLatin1String(n);
    return QStringLiteral("other");
}

RolloutStep::Kind rolloutStepKindFromString(const QString &s)
{
    for (const auto &[v, n] : stepKindNames)
        if (s.compare(QLatin1String(n), Qt::CaseInsensitive) == 0)
            return v;
    return RolloutStep::Kind::Other;
}

using L = QLatin1String;

// ---- Stage / Run ---------------------------------------------------------------------------

QJsonObject toJson(const Stage &v)
{
    return {{L("name"), v.name},
            {L("id"), v.id},
            {L("status"), toString(v.status)},
            {L("started"), dateToJson(v.started)},
            {L("finished"), dateToJson(v.finished)},
            {L("durationMs"), v.durationMs},
            {L("steps"), toJsonArray(v.steps)}};
}

bool fromJson(const QJsonValue &json, Stage *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Stage", &o, error))
        return false;
    Stage v;
    v.name = str(o, L("name"));
    v.id = str(o, L("id"));
    v.status = runStatusFromString(str(o, L("status")));
    v.started = dateFromJson(o.value(L("started")));
    v.finished = dateFromJson(o.value(L("finished")));
    v.durationMs = integer64(o, L("durationMs"), -1);
    v.steps = listFromJson<Stage>(o.value(L("steps")));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const Run &v)
{
    return {{L("connectionId"), v.connectionId},
            {L("id"), v.id},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("pipeline"), v.pipeline},
            {L("number"), v.number},
            {L("attempt"), v.attempt},
            {L("branch"), v.branch},
            {L("commit"), v.commit},
            {L("actor"), v.actor},
            {L("event"), v.event},
            {L("status"), toString(v.status)},
            {L("created"), dateToJson(v.created)},
            {L("started"), dateToJson(v.started)},
            {L("finished"), dateToJson(v.finished)},
            {L("stages"), toJsonArray(v.stages)},
            {L("url"), urlToJson(v.url)}};
}

bool fromJson(const QJsonValue &json, Run *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Run", &o, error))
        return false;
    Run v;
    v.connectionId = str(o, L("connectionId"));
    v.id = str(o, L("id"));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.pipeline = str(o, L("pipeline"));
    v.number = str(o, L("number"));
    v.attempt = integer(o, L("attempt"), 1);
    v.branch = str(o, L("branch"));
    v.commit = str(o, L("commit"));
    v.actor = str(o, L("actor"));
    v.event = str(o, L("event"));
    v.status = runStatusFromString(str(o, L("status")));
    v.created = dateFromJson(o.value(L("created")));
    v.started = dateFromJson(o.value(L("started")));
    v.finished = dateFromJson(o.value(L("finished")));
    v.stages = listFromJson<Stage>(o.value(L("stages")));
    v.url = url(o, L("url"));
    *out = std::move(v);
    return true;
}

// ---- Deployment / EnvironmentState ---------------------------------------------------------

QJsonObject toJson(const Deployment &v)
{
    return {{L("connectionId"), v.connectionId},
            {L("id"), v.id},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("version"), v.version},
            {L("commit"), v.commit},
            {L("ref"), v.ref},
            {L("status"), toString(v.status)},
            {L("created"), dateToJson(v.created)},
            {L("finished"), dateToJson(v.finished)},
            {L("actor"), v.actor},
            {L("url"), urlToJson(v.url)},
            {L("runId"), v.runId}};
}

bool fromJson(const QJsonValue &json, Deployment *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Deployment", &o, error))
        return false;
    Deployment v;
    v.connectionId = str(o, L("connectionId"));
    v.id = str(o, L("id"));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.version = str(o, L("version"));
    v.commit = str(o, L("commit"));
    v.ref = str(o, L("ref"));
    v.status = deployStatusFromString(str(o, L("status")));
    v.created = dateFromJson(o.value(L("created")));
    v.finished = dateFromJson(o.value(L("finished")));
    v.actor = str(o, L("actor"));
    v.url = url(o, L("url"));
    v.runId = str(o, L("runId"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const EnvironmentState &v)
{
    return {{L("connectionId"), v.connectionId},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("object"), v.object},
            {L("version"), v.version},
            {L("commit"), v.commit},
            {L("deployedAt"), dateToJson(v.deployedAt)},
            {L("deployedBy"), v.deployedBy},
            {L("health"), toString(v.health)},
            {L("healthMessage"), v.healthMessage},
            {L("sync"), toString(v.sync)},
            {L("autoSync"), v.autoSync},
            {L("operationRunning"), v.operationRunning},
            {L("driftCount"), v.driftCount},
            {L("canaryWeight"), v.canaryWeight},
            {L("url"), urlToJson(v.url)},
            {L("deploymentId"), v.deploymentId},
            {L("freeze"), v.freeze}};
}

bool fromJson(const QJsonValue &json, EnvironmentState *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "EnvironmentState", &o, error))
        return false;
    EnvironmentState v;
    v.connectionId = str(o, L("connectionId"));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.object = str(o, L("object"));
    v.version = str(o, L("version"));
    v.commit = str(o, L("commit"));
    v.deployedAt = dateFromJson(o.value(L("deployedAt")));
    v.deployedBy = str(o, L("deployedBy"));
    v.health = healthFromString(str(o, L("health")));
    v.healthMessage = str(o, L("healthMessage"));
    v.sync = syncStateFromString(str(o, L("sync")));
    v.autoSync = boolean(o, L("autoSync"), false);
    v.operationRunning = boolean(o, L("operationRunning"), false);
    v.driftCount = integer(o, L("driftCount"), 0);
    v.canaryWeight = integer(o, L("canaryWeight"), -1);
    v.url = url(o, L("url"));
    v.deploymentId = str(o, L("deploymentId"));
    v.freeze = str(o, L("freeze"));
    *out = std::move(v);
    return true;
}

// ---- Rollout -------------------------------------------------------------------------------

QJsonObject toJson(const RolloutStep &v)
{
    return {{L("kind"), toString(v.kind)},
            {L("weight"), v.weight},
            {L("pauseSeconds"), v.pauseSeconds},
            {L("text"), v.text}};
}

bool fromJson(const QJsonValue &json, RolloutStep *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutStep", &o, error))
        return false;
    RolloutStep v;
    v.kind = rolloutStepKindFromString(str(o, L("kind")));
    v.weight = integer(o, L("weight"), -1);
    v.pauseSeconds = integer(o, L("pauseSeconds"), -1);
    v.text = str(o, L("text"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const RolloutAction &v)
{
    return {{L("name"), v.name}, {L("disabled"), v.disabled}};
}

bool fromJson(const QJsonValue &json, RolloutAction *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutAction", &o, error))
        return false;
    out->name = str(o, L("name"));
    out->disabled = boolean(o, L("disabled"), false);
    return true;
}

QJsonObject toJson(const RolloutReplicas &v)
{
    return {{L("desired"), v.desired},
            {L("current"), v.current},
            {L("updated"), v.updated},
            {L("ready"), v.ready},
            {L("available"), v.available}};
}

bool fromJson(const QJsonValue &json, RolloutReplicas *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutReplicas", &o, error))
        return false;
    out->desired = integer(o, L("desired"), -1);
    out->current = integer(o, L("current"), -1);
    out->updated = integer(o, L("updated"), -1);
    out->ready = integer(o, L("ready"), -1);
    out->available = integer(o, L("available"), -1);
    return true;
}

QJsonObject toJson(const RolloutImage &v)
{
    return {{L("image"), v.image}, {L("roles"), toArray(v.roles)}};
}

bool fromJson(const QJsonValue &json, RolloutImage *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutImage", &o, error))
        return false;
    out->image = str(o, L("image"));
    out->roles = strings(o, L("roles"));
    return true;
}

QJsonObject toJson(const RolloutRevisionItem &v)
{
    return {{L("kind"), v.kind},
            {L("name"), v.name},
            {L("status"), v.status},
            {L("roles"), toArray(v.roles)},
            {L("podsReady"), v.podsReady},
            {L("podsTotal"), v.podsTotal},
            {L("successful"), v.successful},
            {L("failed"), v.failed},
            {L("inconclusive"), v.inconclusive},
            {L("errors"), v.errors}};
}

bool fromJson(const QJsonValue &json, RolloutRevisionItem *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutRevisionItem", &o, error))
        return false;
    RolloutRevisionItem v;
    v.kind = str(o, L("kind"));
    v.name = str(o, L("name"));
    v.status = str(o, L("status"));
    v.roles = strings(o, L("roles"));
    v.podsReady = integer(o, L("podsReady"), 0);
    v.podsTotal = integer(o, L("podsTotal"), 0);
    v.successful = integer(o, L("successful"), 0);
    v.failed = integer(o, L("failed"), 0);
    v.inconclusive = integer(o, L("inconclusive"), 0);
    v.errors = integer(o, L("errors"), 0);
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const RolloutRevision &v)
{
    return {{L("revision"), v.revision}, {L("items"), toJsonArray(v.items)}};
}

bool fromJson(const QJsonValue &json, RolloutRevision *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RolloutRevision", &o, error))
        return false;
    out->revision = integer(o, L("revision"), 0);
    out->items = listFromJson<RolloutRevisionItem>(o.value(L("items")));
    return true;
}

QJsonObject toJson(const Rollout &v)
{
    return {{L("connectionId"), v.connectionId},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("application"), v.application},
            {L("name"), v.name},
            {L("namespace"), v.nameSpace},
            {L("strategy"), v.strategy},
            {L("steps"), toJsonArray(v.steps)},
            {L("currentStepIndex"), v.currentStepIndex},
            {L("step"), v.step},
            {L("setWeight"), v.setWeight},
            {L("actualWeight"), v.actualWeight},
            {L("canaryWeight"), v.canaryWeight},
            {L("stableWeight"), v.stableWeight},
            {L("phase"), toString(v.phase)},
            {L("statusReason"), v.statusReason},
            {L("message"), v.message},
            {L("replicas"), toJson(v.replicas)},
            {L("images"), toJsonArray(v.images)},
            {L("revisions"), toJsonArray(v.revisions)},
            {L("unknown"), unknownToJson(v.unknown)},
            {L("pauseReasons"), toArray(v.pauseReasons)},
            {L("paused"), v.paused},
            {L("aborted"), v.aborted},
            {L("fullyPromoted"), v.fullyPromoted},
            {L("analysisStatus"), v.analysisStatus},
            {L("stableVersion"), v.stableVersion},
            {L("canaryVersion"), v.canaryVersion},
            {L("actions"), toJsonArray(v.actions)},
            {L("updated"), dateToJson(v.updated)}};
}

bool fromJson(const QJsonValue &json, Rollout *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Rollout", &o, error))
        return false;
    Rollout v;
    v.connectionId = str(o, L("connectionId"));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.application = str(o, L("application"));
    v.name = str(o, L("name"));
    v.nameSpace = str(o, L("namespace"));
    v.strategy = str(o, L("strategy"));
    v.steps = listFromJson<RolloutStep>(o.value(L("steps")));
    v.currentStepIndex = integer(o, L("currentStepIndex"), -1);
    v.step = str(o, L("step"));
    v.setWeight = integer(o, L("setWeight"), -1);
    v.canaryWeight = integer(o, L("canaryWeight"), 0);
    // Snapshots written before actualWeight existed carried the actual weight as canaryWeight.
    v.actualWeight = integer(o, L("actualWeight"), v.canaryWeight);
    v.stableWeight = integer(o, L("stableWeight"), 100);
    v.phase = rolloutPhaseFromString(str(o, L("phase")));
    v.statusReason = str(o, L("statusReason"));
    v.message = str(o, L("message"));
    fromJson(o.value(L("replicas")).toObject(), &v.replicas);
    v.images = listFromJson<RolloutImage>(o.value(L("images")));
    v.revisions = listFromJson<RolloutRevision>(o.value(L("revisions")));
    const QJsonObject unknown = o.value(L("unknown")).toObject();
    for (auto it = unknown.begin(); it != unknown.end(); ++it)
        v.unknown.insert(it.key(), it.value().toString());
    v.pauseReasons = strings(o, L("pauseReasons"));
    v.paused = boolean(o, L("paused"), false);
    v.aborted = boolean(o, L("aborted"), false);
    v.fullyPromoted = boolean(o, L("fullyPromoted"), false);
    v.analysisStatus = str(o, L("analysisStatus"));
    v.stableVersion = str(o, L("stableVersion"));
    v.canaryVersion = str(o, L("canaryVersion"));
    v.actions = listFromJson<RolloutAction>(o.value(L("actions")));
    v.updated = dateFromJson(o.value(L("updated")));
    *out = std::move(v);
    return true;
}

// ---- Gate / TimelineEvent / RecordSet ------------------------------------------------------

QJsonObject toJson(const Gate &v)
{
    return {{L("connectionId"), v.connectionId},
            {L("id"), v.id},
            {L("kind"), toString(v.kind)},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("title"), v.title},
            {L("runId"), v.runId},
            {L("since"), dateToJson(v.since)},
            {L("approvers"), toArray(v.approvers)},
            {L("currentUserCanApprove"), v.currentUserCanApprove},
            {L("waitTimerMinutes"), v.waitTimerMinutes},
            {L("url"), urlToJson(v.url)},
            {L("details"), QJsonObject::fromVariantMap(v.details)}};
}

bool fromJson(const QJsonValue &json, Gate *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Gate", &o, error))
        return false;
    Gate v;
    v.connectionId = str(o, L("connectionId"));
    v.id = str(o, L("id"));
    v.kind = gateKindFromString(str(o, L("kind")));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.title = str(o, L("title"));
    v.runId = str(o, L("runId"));
    v.since = dateFromJson(o.value(L("since")));
    v.approvers = strings(o, L("approvers"));
    v.currentUserCanApprove = boolean(o, L("currentUserCanApprove"), true);
    v.waitTimerMinutes = integer(o, L("waitTimerMinutes"), 0);
    v.url = url(o, L("url"));
    v.details = map(o, L("details"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const TimelineEvent &v)
{
    return {{L("sourceId"), v.sourceId},   {L("source"), v.source},
            {L("kind"), toString(v.kind)}, {L("time"), dateToJson(v.time)},
            {L("service"), v.service},     {L("environment"), v.environment},
            {L("actor"), v.actor},         {L("version"), v.version},
            {L("title"), v.title},         {L("detail"), v.detail},
            {L("link"), urlToJson(v.link)}};
}

bool fromJson(const QJsonValue &json, TimelineEvent *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "TimelineEvent", &o, error))
        return false;
    TimelineEvent v;
    v.sourceId = str(o, L("sourceId"));
    v.source = str(o, L("source"));
    v.kind = timelineKindFromString(str(o, L("kind")));
    v.time = dateFromJson(o.value(L("time")));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.actor = str(o, L("actor"));
    v.version = str(o, L("version"));
    v.title = str(o, L("title"));
    v.detail = str(o, L("detail"));
    v.link = url(o, L("link"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const RecordSet &v)
{
    return {{L("runs"), toJsonArray(v.runs)},
            {L("deployments"), toJsonArray(v.deployments)},
            {L("environments"), toJsonArray(v.environments)},
            {L("gates"), toJsonArray(v.gates)},
            {L("rollouts"), toJsonArray(v.rollouts)},
            {L("events"), toJsonArray(v.events)}};
}

bool fromJson(const QJsonValue &json, RecordSet *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "RecordSet", &o, error))
        return false;
    RecordSet v;
    v.runs = listFromJson<Run>(o.value(L("runs")));
    v.deployments = listFromJson<Deployment>(o.value(L("deployments")));
    v.environments = listFromJson<EnvironmentState>(o.value(L("environments")));
    v.gates = listFromJson<Gate>(o.value(L("gates")));
    v.rollouts = listFromJson<Rollout>(o.value(L("rollouts")));
    v.events = listFromJson<TimelineEvent>(o.value(L("events")));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const ServiceBinding &v)
{
    return {{L("service"), v.service},
            {L("environment"), v.environment},
            {L("object"), v.object},
            {L("options"), QJsonObject::fromVariantMap(v.options)},
            {L("conventional"), v.conventional}};
}

bool fromJson(const QJsonValue &json, ServiceBinding *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "ServiceBinding", &o, error))
        return false;
    ServiceBinding v;
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.object = str(o, L("object"));
    v.options = map(o, L("options"));
    v.conventional = boolean(o, L("conventional"), false);
    *out = std::move(v);
    return true;
}

// ---- Actions -------------------------------------------------------------------------------

QJsonObject toJson(const ReleaseAction &v)
{
    return {{L("verb"), toString(v.verb)},
            {L("connectionId"), v.connectionId},
            {L("service"), v.service},
            {L("environment"), v.environment},
            {L("target"), v.target},
            {L("version"), v.version},
            {L("comment"), v.comment},
            {L("actor"), v.actor},
            {L("options"), QJsonObject::fromVariantMap(v.options)}};
}

bool fromJson(const QJsonValue &json, ReleaseAction *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "ReleaseAction", &o, error))
        return false;
    ReleaseAction v;
    const QString verb = str(o, L("verb"));
    // An unknown verb must not silently become "promote".
    if (!verbFromString(verb, &v.verb)) {
        if (error)
            *error = QStringLiteral("ReleaseAction.verb: unknown verb \"%1\"").arg(verb);
        return false;
    }
    v.connectionId = str(o, L("connectionId"));
    v.service = str(o, L("service"));
    v.environment = str(o, L("environment"));
    v.target = str(o, L("target"));
    v.version = str(o, L("version"));
    v.comment = str(o, L("comment"));
    v.actor = str(o, L("actor"));
    v.options = map(o, L("options"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const PlannedRequest &v)
{
    QJsonObject o{{L("method"), QString::fromLatin1(v.method)},
                  {L("path"), v.path},
                  {L("contentType"), QString::fromLatin1(v.contentType)},
                  {L("purpose"), v.purpose}};
    // Bodies are JSON or form text almost always; binary ones survive as base64.
    const auto decoded = QString::fromUtf8(v.body);
    if (decoded.toUtf8() == v.body)
        o.insert(L("body"), decoded);
    else
        o.insert(L("bodyBase64"), QString::fromLatin1(v.body.toBase64()));
    return o;
}

bool fromJson(const QJsonValue &json, PlannedRequest *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "PlannedRequest", &o, error))
        return false;
    PlannedRequest v;
    v.method = str(o, L("method")).toLatin1();
    v.path = str(o, L("path"));
    v.contentType = str(o, L("contentType")).toLatin1();
    v.purpose = str(o, L("purpose"));
    if (o.contains(L("bodyBase64")))
        v.body = QByteArray::fromBase64(str(o, L("bodyBase64")).toLatin1());
    else
        v.body = str(o, L("body")).toUtf8();
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const Precondition &v)
{
    return {{L("description"), v.description},
            {L("path"), v.path},
            {L("field"), v.field},
            {L("expected"), v.expected}};
}

bool fromJson(const QJsonValue &json, Precondition *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Precondition", &o, error))
        return false;
    out->description = str(o, L("description"));
    out->path = str(o, L("path"));
    out->field = str(o, L("field"));
    out->expected = str(o, L("expected"));
    return true;
}

QJsonObject toJson(const ActionPlan &v)
{
    return {{L("action"), toJson(v.action)},
            {L("summary"), v.summary},
            {L("requests"), toJsonArray(v.requests)},
            {L("preconditions"), toJsonArray(v.preconditions)},
            {L("warnings"), toArray(v.warnings)},
            {L("feasible"), v.feasible},
            {L("blockedReason"), v.blockedReason},
            {L("alternatives"), toArray(v.alternatives)},
            {L("context"), QJsonObject::fromVariantMap(v.context)}};
}

bool fromJson(const QJsonValue &json, ActionPlan *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "ActionPlan", &o, error))
        return false;
    ActionPlan v;
    if (!fromJson(o.value(L("action")), &v.action, error))
        return false;
    v.summary = str(o, L("summary"));
    v.requests = listFromJson<PlannedRequest>(o.value(L("requests")));
    v.preconditions = listFromJson<Precondition>(o.value(L("preconditions")));
    v.warnings = strings(o, L("warnings"));
    v.feasible = boolean(o, L("feasible"), true);
    v.blockedReason = str(o, L("blockedReason"));
    v.alternatives = strings(o, L("alternatives"));
    v.context = map(o, L("context"));
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const ActionResult &v)
{
    return {{L("ok"), v.ok},
            {L("message"), v.message},
            {L("httpStatus"), v.httpStatus},
            {L("finished"), dateToJson(v.finished)},
            {L("steps"), toArray(v.steps)}};
}

bool fromJson(const QJsonValue &json, ActionResult *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "ActionResult", &o, error))
        return false;
    ActionResult v;
    v.ok = boolean(o, L("ok"), false);
    v.message = str(o, L("message"));
    v.httpStatus = integer(o, L("httpStatus"), 0);
    v.finished = dateFromJson(o.value(L("finished")));
    v.steps = strings(o, L("steps"));
    *out = std::move(v);
    return true;
}

// ---- Health / Incident ---------------------------------------------------------------------

QJsonObject toJson(const ConnectionHealth &v)
{
    return {{L("state"), toString(v.state)},
            {L("reason"), v.reason},
            {L("rateLimitedUntil"), dateToJson(v.rateLimitedUntil)},
            {L("lastSuccess"), dateToJson(v.lastSuccess)},
            {L("rateLimitRemaining"), v.rateLimitRemaining},
            {L("rateLimitLimit"), v.rateLimitLimit}};
}

bool fromJson(const QJsonValue &json, ConnectionHealth *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "ConnectionHealth", &o, error))
        return false;
    using S = ConnectionHealth::State;
    ConnectionHealth v;
    const QString state = str(o, L("state"));
    for (S s : {S::Unknown, S::Ok, S::Degraded, S::AuthFailed, S::Unreachable, S::RateLimited})
        if (toString(s) == state)
            v.state = s;
    v.reason = str(o, L("reason"));
    v.rateLimitedUntil = dateFromJson(o.value(L("rateLimitedUntil")));
    v.lastSuccess = dateFromJson(o.value(L("lastSuccess")));
    v.rateLimitRemaining = integer(o, L("rateLimitRemaining"), -1);
    v.rateLimitLimit = integer(o, L("rateLimitLimit"), -1);
    *out = std::move(v);
    return true;
}

QJsonObject toJson(const Incident &v)
{
    return {{L("id"), v.id},
            {L("title"), v.title},
            {L("severity"), v.severity},
            {L("services"), toArray(v.services)},
            {L("environment"), v.environment},
            {L("phase"), toString(v.phase)},
            {L("detectedAt"), dateToJson(v.detectedAt)},
            {L("reportedAt"), dateToJson(v.reportedAt)},
            {L("mitigatedAt"), dateToJson(v.mitigatedAt)},
            {L("recoveredAt"), dateToJson(v.recoveredAt)},
            {L("summary"), v.summary}};
}

bool fromJson(const QJsonValue &json, Incident *out, QString *error)
{
    QJsonObject o;
    if (!asObject(json, "Incident", &o, error))
        return false;
    Incident v;
    v.id = integer64(o, L("id"), 0);
    v.title = str(o, L("title"));
    v.severity = str(o, L("severity"));
    v.services = strings(o, L("services"));
    v.environment = str(o, L("environment"));
    v.phase = incidentPhaseFromString(str(o, L("phase")));
    v.detectedAt = dateFromJson(o.value(L("detectedAt")));
    v.reportedAt = dateFromJson(o.value(L("reportedAt")));
    v.mitigatedAt = dateFromJson(o.value(L("mitigatedAt")));
    v.recoveredAt = dateFromJson(o.value(L("recoveredAt")));
    v.summary = str(o, L("summary"));
    *out = std::move(v);
    return true;
}

} // namespace fd
