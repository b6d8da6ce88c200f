#include "jenkinsplanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <optional>

namespace fd::jenkins {

namespace {

using Verb = ReleaseAction::Verb;

struct GateRef
{
    QString job;
    int number = 0;
    WireInput input;
    QString service;
    QString environment;
};

ActionPlan infeasible(ActionPlan plan, const QString &reason, const QStringList &alternatives = {})
{
    plan.feasible = false;
    plan.blockedReason = reason;
    plan.alternatives = alternatives;
    return plan;
}

QString jobUrl(const QString &key)
{
    return JobPath::fromKey(key).urlPath();
}

QString buildPath(const QString &key, int number)
{
    return jobUrl(key) + QLatin1Char('/') + QString::number(number);
}

/// The target without the "<connection>/" prefix an estate key carries.
QString localTarget(const ReleaseAction &a, const JenkinsMapping &m)
{
    const QString prefix = m.config().id + QLatin1Char('/');
    return a.target.startsWith(prefix) ? a.target.mid(prefix.size()) : a.target;
}

std::optional<GateRef>
findGate(const ReleaseAction &a, const JenkinsMapping &m, const Snapshot &snap)
{
    const QString target = localTarget(a, m);
    for (auto it = snap.cbegin(); it != snap.cend(); ++it) {
        for (auto in = it->inputs.cbegin(); in != it->inputs.cend(); ++in) {
            const WireBuild *b = it->build(in.key());
            if (!b || !b->building)
                continue;
            for (const WireInput &input : *in) {
                GateRef ref{it.key(), in.key(), input, m.serviceFor(it.key()),
                            m.environmentFor(it.key())};
                if (!target.isEmpty()) {
                    if (target == gateId(it.key(), in.key(), input.id) ||
                        target == runId(it.key(), in.key()))
                        return ref;
                    continue;
                }
                if (ref.service == a.service && ref.environment == a.environment)
                    return ref;
            }
        }
    }
    return std::nullopt;
}

/// The precondition every input action carries: the input is still pending.
Precondition inputPending(const GateRef &g)
{
    Precondition pc;
    pc.description = QStringLiteral("input %1 of %2 #%3 still waits")
                         .arg(g.input.id, g.job, QString::number(g.number));
    pc.path = buildPath(g.job, g.number) + QStringLiteral("/wfapi/pendingInputActions");
    pc.field = QStringLiteral("pendingInput.id");
    pc.expected = g.input.id;
    return pc;
}

ActionPlan planInput(ActionPlan plan, const GateRef &g, bool proceed)
{
    const ReleaseAction &a = plan.action;
    const QString base = buildPath(g.job, g.number) + QStringLiteral("/input/") + g.input.id;
    PlannedRequest r;
    r.method = "POST";
    if (proceed) {
        QList<QPair<QString, QString>> values;
        const QVariantMap given = a.options.value(QStringLiteral("parameters")).toMap();
        for (const WireInputParameter &p : g.input.inputs)
            values.append(
                {p.name, given.contains(p.name) ? given.value(p.name).toString() : p.defaultValue});
        if (values.isEmpty()) {
            r.path = base + QStringLiteral("/proceedEmpty");
        } else {
            r.path = base + QStringLiteral("/proceed");
            r.body = proceedBody(values);
            r.contentType = "application/x-www-form-urlencoded";
        }
        r.purpose = QStringLiteral("proceed the input \"%1\" of %2 #%3")
                        .arg(g.input.message, g.job, QString::number(g.number));
        plan.summary = QStringLiteral("Proceed %1 #%2 past \"%3\"")
                           .arg(g.job, QString::number(g.number), g.input.message);
    } else {
        r.path = base + QStringLiteral("/abort");
        r.purpose = QStringLiteral("abort the input \"%1\" of %2 #%3 (the build ends ABORTED)")
                        .arg(g.input.message, g.job, QString::number(g.number));
        plan.summary =
            QStringLiteral("Abort the input of %1 #%2").arg(g.job, QString::number(g.number));
    }
    plan.requests = {r};
    plan.preconditions = {inputPending(g)};
    plan.context = {
        {QStringLiteral("op"), QString::fromLatin1(proceed ? op::Proceed : op::AbortInput)},
        {QStringLiteral("job"), g.job},
        {QStringLiteral("build"), g.number},
        {QStringLiteral("inputId"), g.input.id}};
    if (plan.action.service.isEmpty())
        plan.action.service = g.service;
    if (plan.action.environment.isEmpty())
        plan.action.environment = g.environment;
    return plan;
}

/// Newest successful build of a deploy job (the window, else lastSuccessfulBuild).
const WireBuild *currentBuild(const JobSnapshot &job)
{
    for (const WireBuild &b : job.detail.builds)
        if (!b.building && b.result == QLatin1String("SUCCESS"))
            return &b;
    return job.detail.hasLastSuccessful ? &job.detail.lastSuccessful : nullptr;
}

ActionPlan planBuild(ActionPlan plan,
                     const QString &job,
                     const JobSnapshot &snap,
                     const QList<QPair<QString, QString>> &parameters,
                     const QString &purpose)
{
    QString path = jobUrl(job);
    QStringList query;
    for (const auto &[name, value] : parameters)
        query.append(QString::fromLatin1(QUrl::toPercentEncoding(name)) + QLatin1Char('=') +
                     QString::fromLatin1(QUrl::toPercentEncoding(value)));
    // No quiet period: the operator asked for it now.
    query.append(QStringLiteral("delay=0sec"));
    path +=
        parameters.isEmpty() ? QStringLiteral("/build?") : QStringLiteral("/buildWithParameters?");
    path += query.join(QLatin1Char('&'));
    PlannedRequest r;
    r.method = "POST";
    r.path = path;
    r.purpose = purpose;
    plan.requests = {r};
    Precondition idle;
    idle.description =
        QStringLiteral("nobody started %1 since it was read (next build #%2, nothing queued)")
            .arg(job, QString::number(snap.detail.nextBuildNumber));
    idle.path = jobUrl(job) + QStringLiteral("/api/json?tree=nextBuildNumber,inQueue");
    idle.field = QStringLiteral("job.idle");
    idle.expected = QString::number(snap.detail.nextBuildNumber);
    plan.preconditions.prepend(idle);
    plan.context.insert(QStringLiteral("op"), QString::fromLatin1(op::Build));
    plan.context.insert(QStringLiteral("job"), job);
    if (!snap.activeBuilds().isEmpty())
        plan.warnings.append(
            QStringLiteral("%1 #%2 is still running: the new build waits in the queue "
                           "until it ends")
                .arg(job, QString::number(snap.activeBuilds().first())));
    return plan;
}

ActionPlan planDeploy(ActionPlan plan, const JenkinsMapping &m, const Snapshot &snap, bool rollback)
{
    const ReleaseAction &a = plan.action;
    const ServiceBinding *b = m.deployBinding(a.service, a.environment);
    if (!b)
        return infeasible(plan,
                          QStringLiteral("no Jenkins deploy job is mapped for %1 in %2")
                              .arg(a.service, a.environment),
                          {QStringLiteral("map the environment to a job (convention: %1/deploy-%2)")
                               .arg(a.service, a.environment)});
    const auto it = snap.constFind(b->object);
    if (it == snap.constEnd() || !it->detailRead)
        return infeasible(plan,
                          QStringLiteral("deploy job %1 has not been read yet").arg(b->object),
                          {QStringLiteral("wait for the next poll and plan again")});
    const JobSnapshot &job = *it;
    const QString param = m.versionParameter(b->object);
    QString version = a.version;
    const WireBuild *current = currentBuild(job);
    if (rollback) {
        const QString target = localTarget(a, m);
        QString key;
        int number = 0;
        if (version.isEmpty() && splitRunId(target, &key, &number) && key == b->object) {
            const WireBuild *named = job.build(number);
            if (!named)
                return infeasible(
                    plan, QStringLiteral("build %1 is not among the builds read").arg(target));
            version = versionOf(*named, param);
        }
        if (version.isEmpty() && current) {
            const QString now = versionOf(*current, param);
            for (const WireBuild &old : job.detail.builds)
                if (old.number < current->number && !old.building &&
                    old.result == QLatin1String("SUCCESS") && versionOf(old, param) != now &&
                    !versionOf(old, param).isEmpty()) {
                    version = versionOf(old, param);
                    break;
                }
        }
        if (version.isEmpty())
            return infeasible(plan,
                              QStringLiteral("no earlier successful deploy of %1 to %2 is known")
                                  .arg(a.service, a.environment),
                              {QStringLiteral("name the version with --version")});
        if (current) {
            Precondition still;
            still.description = QStringLiteral("%1 still runs %2 (last successful build #%3)")
                                    .arg(a.environment, versionOf(*current, param),
                                         QString::number(current->number));
            still.path =
                jobUrl(b->object) + QStringLiteral("/lastSuccessfulBuild/api/json?tree=number");
            still.field = QStringLiteral("build.number");
            still.expected = QString::number(current->number);
            plan.preconditions.append(still);
        }
        plan.summary = QStringLiteral("Roll %1 in %2 back to %3 (%4)")
                           .arg(a.service, a.environment, version, b->object);
    } else {
        if (version.isEmpty()) {
            const QString previous = m.previousEnvironment(a.environment);
            const ServiceBinding *pb =
                previous.isEmpty() ? nullptr : m.deployBinding(a.service, previous);
            const auto pit = pb ? snap.constFind(pb->object) : snap.constEnd();
            if (pit != snap.constEnd())
                if (const WireBuild *pc = currentBuild(*pit))
                    version = versionOf(*pc, m.versionParameter(pb->object));
        }
        if (version.isEmpty())
            return infeasible(plan,
                              QStringLiteral("no version to promote %1 to %2: nothing waits at an "
                                             "input and the previous environment's version is "
                                             "not known here")
                                  .arg(a.service, a.environment),
                              {QStringLiteral("name the version with --version")});
        if (current && versionOf(*current, param) == version)
            plan.warnings.append(
                QStringLiteral("%1 already runs %2 in %3").arg(a.service, version, a.environment));
        plan.summary = QStringLiteral("Deploy %1 %2 to %3 (%4)")
                           .arg(a.service, version, a.environment, b->object);
    }
    QList<QPair<QString, QString>> params{{param, version}};
    const QVariantMap extra = a.options.value(QStringLiteral("parameters")).toMap();
    for (auto e = extra.cbegin(); e != extra.cend(); ++e)
        if (e.key() != param)
            params.append({e.key(), e.value().toString()});
    plan.context.insert(QStringLiteral("version"), version);
    return planBuild(plan, b->object, job, params,
                     QStringLiteral("run %1 with %2=%3").arg(b->object, param, version));
}

/// The build an abort/cancel names: a run id, a gate's run, or the deploy job's running build.
bool findBuildTarget(const ReleaseAction &a,
                     const JenkinsMapping &m,
                     const Snapshot &snap,
                     QString *job,
                     int *number)
{
    QString target = localTarget(a, m);
    const qsizetype input = target.indexOf(QStringLiteral("/input/"));
    if (input > 0)
        target = target.left(input);
    if (!target.isEmpty())
        return splitRunId(target, job, number) && snap.contains(*job);
    const ServiceBinding *b = m.deployBinding(a.service, a.environment);
    if (!b || !snap.contains(b->object))
        return false;
    const QList<int> active = snap.value(b->object).activeBuilds();
    *job = b->object;
    *number = active.isEmpty() ? 0 : active.first();
    return true;
}

ActionPlan planStop(ActionPlan plan, const JenkinsMapping &m, const Snapshot &snap)
{
    const ReleaseAction &a = plan.action;
    const QString target = localTarget(a, m);
    if (target.startsWith(QLatin1String("queue/"))) {
        const int id = target.mid(6).toInt();
        if (id <= 0)
            return infeasible(plan, QStringLiteral("%1 is not a queue item").arg(target));
        PlannedRequest r{"POST",
                         QStringLiteral("/queue/cancelItem?id=%1").arg(id),
                         {},
                         {},
                         QStringLiteral("cancel queue item %1").arg(id)};
        Precondition pc{QStringLiteral("queue item %1 still waits").arg(id),
                        QStringLiteral("/queue/item/%1/api/json?tree=%2")
                            .arg(QString::number(id), queueItemTree()),
                        QStringLiteral("queue.waiting"), QStringLiteral("true")};
        plan.requests = {r};
        plan.preconditions = {pc};
        plan.summary = QStringLiteral("Cancel queue item %1").arg(id);
        plan.context = {{QStringLiteral("op"), QString::fromLatin1(op::CancelQueued)},
                        {QStringLiteral("queueId"), id}};
        return plan;
    }
    QString job;
    int number = 0;
    if (!findBuildTarget(a, m, snap, &job, &number))
        return infeasible(
            plan, target.isEmpty()
                      ? QStringLiteral("no Jenkins deploy job is mapped (or read) for %1 in %2")
                            .arg(a.service, a.environment)
                      : QStringLiteral("%1 is not a known build").arg(target));
    const JobSnapshot &js = *snap.constFind(job);
    if (number == 0) {
        if (js.detail.inQueue && js.detail.queueItemId > 0) {
            ReleaseAction q = a;
            q.target = QStringLiteral("queue/%1").arg(js.detail.queueItemId);
            plan.action.target = q.target;
            ActionPlan p = planStop(plan, m, snap);
            p.action = a;
            return p;
        }
        return infeasible(plan, QStringLiteral("nothing of %1 is running or queued").arg(job));
    }
    const WireBuild *b = js.build(number);
    if (!b || !b->building)
        return infeasible(
            plan, QStringLiteral("%1 #%2 is not running").arg(job, QString::number(number)));
    PlannedRequest r{
        "POST",
        buildPath(job, number) + QStringLiteral("/stop"),
        {},
        {},
        QStringLiteral("stop %1 #%2 (it ends ABORTED)").arg(job, QString::number(number))};
    Precondition pc{QStringLiteral("%1 #%2 is still running").arg(job, QString::number(number)),
                    buildPath(job, number) + QStringLiteral("/api/json?tree=number,building"),
                    QStringLiteral("build.building"), QStringLiteral("true")};
    plan.requests = {r};
    plan.preconditions = {pc};
    plan.summary = QStringLiteral("Stop %1 #%2").arg(job, QString::number(number));
    plan.context = {{QStringLiteral("op"), QString::fromLatin1(op::Stop)},
                    {QStringLiteral("job"), job},
                    {QStringLiteral("build"), number}};
    if (plan.action.service.isEmpty())
        plan.action.service = m.serviceFor(job);
    if (plan.action.environment.isEmpty())
        plan.action.environment = m.environmentFor(job);
    return plan;
}

ActionPlan planRerun(ActionPlan plan, const JenkinsMapping &m, const Snapshot &snap)
{
    QString job;
    int number = 0;
    if (!splitRunId(localTarget(plan.action, m), &job, &number) || !snap.contains(job))
        return infeasible(plan, QStringLiteral("name the build to run again (\"<job>#<number>\")"));
    const JobSnapshot &js = *snap.constFind(job);
    const WireBuild *b = js.build(number);
    if (!b)
        return infeasible(plan, QStringLiteral("%1 #%2 is not among the builds read")
                                    .arg(job, QString::number(number)));
    plan.summary =
        QStringLiteral("Run %1 again with the parameters of #%2").arg(job, QString::number(number));
    return planBuild(plan, job, js, b->parameters,
                     QStringLiteral("run %1 again with the parameters of #%2")
                         .arg(job, QString::number(number)));
}

} // namespace

ActionPlan
planAction(const ReleaseAction &action, const JenkinsMapping &mapping, const Snapshot &snapshot)
{
    ActionPlan plan;
    plan.action = action;
    plan.action.connectionId = mapping.config().id;
    switch (action.verb) {
    case Verb::Approve:
    case Verb::Promote:
    case Verb::PromoteFull: {
        if (const auto gate = findGate(action, mapping, snapshot))
            return planInput(plan, *gate, true);
        if (action.verb == Verb::Approve || !action.target.isEmpty())
            return infeasible(plan,
                              action.target.isEmpty()
                                  ? QStringLiteral("no Jenkins input step waits for %1 in %2")
                                        .arg(action.service, action.environment)
                                  : QStringLiteral("no pending input step %1").arg(action.target),
                              {QStringLiteral("refresh and look at the approvals inbox")});
        return planDeploy(plan, mapping, snapshot, false);
    }
    case Verb::Reject:
    case Verb::Pause: {
        if (const auto gate = findGate(action, mapping, snapshot))
            return planInput(plan, *gate, false);
        return infeasible(
            plan,
            action.verb == Verb::Pause
                ? QStringLiteral("Jenkins cannot pause a running build; only a build "
                                 "waiting at an input step can be held")
                : QStringLiteral("no Jenkins input step waits for %1")
                      .arg(action.target.isEmpty()
                               ? action.service + QLatin1Char(' ') + action.environment
                               : action.target),
            {QStringLiteral("abort the build instead")});
    }
    case Verb::Abort:
    case Verb::Cancel: {
        const QString target = localTarget(action, mapping);
        if (target.contains(QLatin1String("/input/")))
            if (const auto gate = findGate(action, mapping, snapshot))
                return planInput(plan, *gate, false);
        return planStop(plan, mapping, snapshot);
    }
    case Verb::Rollback:
        return planDeploy(plan, mapping, snapshot, true);
    case Verb::Retry:
    case Verb::Rerun:
        return planRerun(plan, mapping, snapshot);
    case Verb::RerunFailed:
    case Verb::Resume:
    case Verb::Sync:
    case Verb::Restart:
        break;
    }
    return infeasible(plan,
                      QStringLiteral("Jenkins has no \"%1\" action").arg(toString(action.verb)));
}

bool preconditionHolds(const Precondition &pc, const QByteArray &body, QString *found)
{
    QString error;
    if (pc.field == QLatin1String("pendingInput.id")) {
        QList<WireInput> inputs;
        if (!parsePendingInputs(body, &inputs, &error)) {
            *found = error;
            return false;
        }
        QStringList ids;
        for (const WireInput &in : inputs)
            ids.append(in.id);
        *found = ids.isEmpty() ? QStringLiteral("no pending input") : ids.join(QLatin1Char(','));
        return ids.contains(pc.expected);
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        const QString title = htmlErrorTitle(body);
        *found = title.isEmpty() ? QStringLiteral("an unreadable answer") : title;
        return false;
    }
    const QJsonObject o = doc.object();
    if (pc.field == QLatin1String("build.building")) {
        const bool building = o.value(QLatin1String("building")).toBool();
        *found = building ? QStringLiteral("true") : QStringLiteral("false");
        return *found == pc.expected;
    }
    if (pc.field == QLatin1String("build.number")) {
        *found = QString::number(qint64(o.value(QLatin1String("number")).toDouble()));
        return *found == pc.expected;
    }
    if (pc.field == QLatin1String("job.idle")) {
        const QString next =
            QString::number(qint64(o.value(QLatin1String("nextBuildNumber")).toDouble()));
        const bool queued = o.value(QLatin1String("inQueue")).toBool();
        *found = QStringLiteral("next build #%1%2")
                     .arg(next, queued ? QStringLiteral(", a build queued") : QString());
        return next == pc.expected && !queued;
    }
    if (pc.field == QLatin1String("queue.waiting")) {
        WireQueueItem item;
        if (!parseQueueItem(body, &item, &error)) {
            *found = error;
            return false;
        }
        *found = item.cancelled ? QStringLiteral("cancelled")
                 : item.left    ? QStringLiteral("left the queue (build #%1)").arg(item.buildNumber)
                                : QStringLiteral("waiting");
        return !item.left && !item.cancelled;
    }
    *found = QStringLiteral("an unknown precondition field %1").arg(pc.field);
    return false;
}

QByteArray proceedBody(const QList<QPair<QString, QString>> &parameters)
{
    QJsonArray list;
    for (const auto &[name, value] : parameters)
        list.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    const QByteArray json = QJsonDocument(QJsonObject{{QStringLiteral("parameter"), list}})
                                .toJson(QJsonDocument::Compact);
    return "json=" + QUrl::toPercentEncoding(QString::fromUtf8(json));
}

} // namespace fd::jenkins
