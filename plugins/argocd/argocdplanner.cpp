#include "argocdplanner.h"

#include "argocdparsers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>

namespace fd::argocd {

namespace {

using Verb = ReleaseAction::Verb;

ActionPlan blocked(ActionPlan plan, const QString &reason, const QStringList &alternatives = {})
{
    plan.feasible = false;
    plan.blockedReason = reason;
    plan.alternatives = alternatives;
    plan.requests.clear();
    plan.preconditions.clear();
    return plan;
}

QString resourceQuery(const AppState &app, const Rollout &r)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("namespace"), r.nameSpace);
    q.addQueryItem(QStringLiteral("resourceName"), r.name);
    q.addQueryItem(QStringLiteral("group"), QStringLiteral("argoproj.io"));
    q.addQueryItem(QStringLiteral("kind"), QStringLiteral("Rollout"));
    q.addQueryItem(QStringLiteral("version"), QStringLiteral("v1alpha1"));
    if (!app.appNamespace.isEmpty())
        q.addQueryItem(QStringLiteral("appNamespace"), app.appNamespace);
    return q.toString(QUrl::FullyEncoded);
}

QString why(const QString &action)
{
    if (action == QLatin1String("resume"))
        return QStringLiteral("the rollout is not paused, so there is no step to promote");
    if (action == QLatin1String("promote-full"))
        return QStringLiteral("the rollout is already fully promoted");
    if (action == QLatin1String("abort"))
        return QStringLiteral("the rollout is fully promoted or already aborted");
    if (action == QLatin1String("retry"))
        return QStringLiteral("the rollout is not aborted");
    if (action == QLatin1String("pause"))
        return QStringLiteral("the rollout is already paused, aborted or fully promoted");
    return QStringLiteral("Argo CD marks it disabled for the rollout's current state");
}

QString verbWords(Verb v)
{
    switch (v) {
    case Verb::Promote:
        return QStringLiteral("promote one step");
    case Verb::PromoteFull:
        return QStringLiteral("promote fully");
    case Verb::Pause:
        return QStringLiteral("pause");
    case Verb::Resume:
        return QStringLiteral("resume");
    case Verb::Abort:
        return QStringLiteral("abort");
    case Verb::Retry:
        return QStringLiteral("retry");
    case Verb::Restart:
        return QStringLiteral("restart");
    case Verb::Approve:
        return QStringLiteral("approve (promote one step)");
    case Verb::Reject:
        return QStringLiteral("reject (abort)");
    default:
        return toString(v);
    }
}

QString historyLabel(const HistoryEntry &h)
{
    QString s = QStringLiteral("history %1").arg(h.id);
    if (!h.version.isEmpty())
        s += QStringLiteral(" (%1, revision %2)").arg(h.version, h.revision.left(7));
    else if (!h.revision.isEmpty())
        s += QStringLiteral(" (revision %1)").arg(h.revision.left(7));
    return s;
}

Precondition operationIdle(const AppState &app)
{
    return {QStringLiteral("no operation running on %1").arg(app.name), applicationPath(app.name),
            QStringLiteral("app.operationRunning"), QStringLiteral("false")};
}

Precondition currentHistory(const AppState &app)
{
    return {QStringLiteral("%1 is at history %2")
                .arg(app.name, QString::number(app.currentHistoryId())),
            applicationPath(app.name), QStringLiteral("app.history.lastId"),
            QString::number(app.currentHistoryId())};
}

ActionPlan planRolloutAction(ActionPlan plan, const QString &actionName, const PlanInput &in)
{
    const AppState &app = *in.app;
    if (!in.rollout) {
        QStringList alts;
        if (plan.action.verb == Verb::Promote)
            alts << QStringLiteral(
                        "Promote the environment with a GitOps commit of the new version, "
                        "then sync %1")
                        .arg(app.name);
        return blocked(plan,
                       QStringLiteral("application %1 has no Argo Rollout in flight (none found "
                                      "in its resources), so there is nothing to %2")
                           .arg(app.name, verbWords(plan.action.verb)),
                       alts);
    }
    const RolloutDetails &d = in.rollout->details;
    const Rollout &r = d.rollout;
    if (actionName == QLatin1String("pause") && in.server.known && !in.server.hasV2Actions()) {
        return blocked(
            plan,
            QStringLiteral("pause needs Argo CD 3.1 or newer; this server runs %1, "
                           "which has no pause action for Rollouts")
                .arg(in.server.version),
            {QStringLiteral("Do not promote: the canary holds at its next pause step by itself"),
             QStringLiteral("Abort the rollout (traffic goes back to stable)")});
    }
    if (!in.rollout->actionsKnown)
        return blocked(plan,
                       QStringLiteral("the actions Argo CD offers for rollout %1 are not read yet; "
                                      "try again in a moment")
                           .arg(r.name));
    const RolloutAction *offered = nullptr;
    for (const auto &a : r.actions)
        if (a.name == actionName)
            offered = &a;
    if (!offered)
        return blocked(plan,
                       QStringLiteral("Argo CD does not offer '%1' for rollout %2 (offered: %3)")
                           .arg(actionName, r.name, [&] {
                               QStringList n;
                               for (const auto &a : r.actions)
                                   n << a.name;
                               return n.join(QStringLiteral(", "));
                           }()));
    if (offered->disabled)
        return blocked(plan, QStringLiteral("Argo CD has '%1' disabled for rollout %2: %3")
                                 .arg(actionName, r.name, why(actionName)));

    const int total = int(r.steps.size());
    plan.summary =
        QStringLiteral("%1 canary %2 of %3 (rollout %4, step %5/%6, canary %7%)")
            .arg(verbWords(plan.action.verb), r.canaryVersion.isEmpty() ? r.name : r.canaryVersion,
                 in.mapping.environment.isEmpty()
                     ? in.mapping.service
                     : in.mapping.service + QLatin1Char(' ') + in.mapping.environment,
                 r.name)
            .arg(std::min(r.currentStepIndex + 1, total))
            .arg(total)
            .arg(r.canaryWeight);

    PlannedRequest req;
    req.method = "POST";
    req.contentType = "application/json";
    if (in.server.hasV2Actions()) {
        req.path = QStringLiteral("/api/v1/applications/%1/resource/actions/v2").arg(app.name);
        QJsonObject body{{QStringLiteral("action"), actionName},
                         {QStringLiteral("namespace"), r.nameSpace},
                         {QStringLiteral("resourceName"), r.name},
                         {QStringLiteral("group"), QStringLiteral("argoproj.io")},
                         {QStringLiteral("kind"), QStringLiteral("Rollout")},
                         {QStringLiteral("version"), QStringLiteral("v1alpha1")}};
        if (!app.appNamespace.isEmpty())
            body.insert(QStringLiteral("appNamespace"), app.appNamespace);
        if (!app.project.isEmpty())
            body.insert(QStringLiteral("project"), app.project);
        req.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    } else {
        req.path = QStringLiteral("/api/v1/applications/%1/resource/actions?").arg(app.name) +
                   resourceQuery(app, r);
        // v1 takes the action name as a JSON string body.
        req.body = '"' + actionName.toUtf8() + '"';
    }
    req.purpose = QStringLiteral("run Rollout action '%1' on %2 (Argo CD %3 action API)")
                      .arg(actionName, r.name,
                           in.server.hasV2Actions() ? QStringLiteral("v2") : QStringLiteral("v1"));
    plan.requests << req;

    const QString rPath = resourcePath(app, r);
    plan.preconditions << Precondition{
        QStringLiteral("rollout %1 at step %2").arg(r.name, QString::number(r.currentStepIndex)),
        rPath, QStringLiteral("rollout.currentStepIndex"), QString::number(r.currentStepIndex)};
    plan.preconditions << Precondition{
        QStringLiteral("Argo CD still offers '%1' for %2").arg(actionName, r.name),
        actionsPath(app, r), QStringLiteral("action.%1.enabled").arg(actionName),
        QStringLiteral("true")};
    if (actionName == QLatin1String("restart"))
        plan.preconditions << Precondition{
            QStringLiteral("rollout %1 not restarted since").arg(r.name), rPath,
            QStringLiteral("rollout.restartAt"), d.restartAt};
    if (!in.server.known)
        plan.warnings << QStringLiteral("the server version is unknown; using the v1 action API");
    plan.context.insert(QStringLiteral("kind"), QStringLiteral("rollout-action"));
    plan.context.insert(QStringLiteral("action"), actionName);
    plan.context.insert(QStringLiteral("rollout"), r.name);
    plan.context.insert(QStringLiteral("rolloutNamespace"), r.nameSpace);
    plan.context.insert(QStringLiteral("targetKey"), app.name + QLatin1Char('/') + r.name);
    return plan;
}

// A deny window Argo CD enforces now refuses manual syncs and rollbacks (unless it allows
// manual syncs); say so in the plan rather than let the server refuse it.
std::optional<QString> windowBlocks(const AppState &app, const QString &what)
{
    if (!app.windows.known || app.windows.canSync)
        return std::nullopt;
    const QString deny = app.windows.activeDenyText();
    return QStringLiteral("a sync window blocks %1 of %2 now: %3")
        .arg(what, app.name,
             deny.isEmpty() ? QStringLiteral("Argo CD reports canSync=false") : deny);
}

QStringList windowAlternatives(const AppState &app)
{
    return {QStringLiteral("Wait until the window closes (schedule above)"),
            QStringLiteral("Ask a project admin to allow manual syncs in project %1's window")
                .arg(app.project)};
}

ActionPlan planSync(ActionPlan plan, const PlanInput &in)
{
    const AppState &app = *in.app;
    const QString revision = plan.action.version;
    if (const auto why = windowBlocks(app, QStringLiteral("syncs")))
        return blocked(plan, *why, windowAlternatives(app));
    if (app.operationRunning())
        return blocked(plan,
                       QStringLiteral("another operation is already running on %1 (%2)")
                           .arg(app.name, app.operationPhase),
                       {QStringLiteral("Wait for the running operation to finish"),
                        QStringLiteral("Cancel (terminate) the running operation first")});
    if (app.autoSync && !revision.isEmpty() && revision != app.targetRevision)
        return blocked(
            plan,
            QStringLiteral("auto-sync is on for %1 and follows '%2'; Argo CD refuses a "
                           "sync to another revision (%3) while it is on")
                .arg(app.name, app.targetRevision, revision),
            {QStringLiteral("Disable auto-sync on %1 first, then sync to %2")
                 .arg(app.name, revision),
             QStringLiteral("Commit the change to the GitOps repository (auto-sync deploys it)")});
    QJsonObject body{{QStringLiteral("prune"), false}, {QStringLiteral("dryRun"), false}};
    if (!revision.isEmpty())
        body.insert(QStringLiteral("revision"), revision);
    if (!app.appNamespace.isEmpty())
        body.insert(QStringLiteral("appNamespace"), app.appNamespace);
    PlannedRequest req{
        "POST", QStringLiteral("/api/v1/applications/%1/sync").arg(app.name),
        QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json",
        QStringLiteral("sync %1 to %2")
            .arg(app.name, revision.isEmpty() ? QStringLiteral("its target revision") : revision)};
    plan.requests << req;
    plan.preconditions << operationIdle(app) << currentHistory(app);
    plan.summary =
        QStringLiteral("sync %1 (%2) to %3")
            .arg(app.name, in.mapping.service,
                 revision.isEmpty() ? QStringLiteral("%1 (target revision)").arg(app.targetRevision)
                                    : revision);
    plan.context.insert(QStringLiteral("kind"), QStringLiteral("sync"));
    plan.context.insert(QStringLiteral("targetKey"), app.name);
    return plan;
}

ActionPlan planRollback(ActionPlan plan, const PlanInput &in)
{
    const AppState &app = *in.app;
    if (app.history.isEmpty())
        return blocked(plan,
                       QStringLiteral("application %1 has no deployment history to roll back to")
                           .arg(app.name));
    // The target: a history id ("12" or "<app>/12"), else a version or revision, else the
    // entry before the current one.
    const HistoryEntry *target = nullptr;
    QString wanted = plan.action.target;
    if (wanted.contains(QLatin1Char('/')))
        wanted = wanted.section(QLatin1Char('/'), -1);
    bool numeric = false;
    const qint64 wantedId = wanted.toLongLong(&numeric);
    if (!wanted.isEmpty() && numeric) {
        target = app.historyEntry(wantedId);
        if (!target) {
            QStringList ids;
            for (const auto &h : app.history)
                ids << QString::number(h.id);
            return blocked(plan, QStringLiteral("application %1 has no history id %2 (it has %3)")
                                     .arg(app.name, wanted, ids.join(QStringLiteral(", "))));
        }
    } else if (!plan.action.version.isEmpty()) {
        for (auto it = app.history.crbegin(); it != app.history.crend() && !target; ++it)
            if (it->version == plan.action.version || it->revision.startsWith(plan.action.version))
                target = &*it;
        if (!target)
            return blocked(plan, QStringLiteral("no history entry of %1 ran version %2")
                                     .arg(app.name, plan.action.version));
    } else {
        if (app.history.size() < 2)
            return blocked(plan,
                           QStringLiteral("application %1 has only one history entry; there is "
                                          "nothing earlier to roll back to")
                               .arg(app.name));
        target = &app.history.at(app.history.size() - 2);
    }
    const HistoryEntry &current = app.history.last();
    if (target->id == current.id)
        return blocked(plan,
                       QStringLiteral("%1 already runs %2").arg(app.name, historyLabel(current)));
    plan.summary = QStringLiteral("roll back %1 from %2 to %3")
                       .arg(app.name, historyLabel(current), historyLabel(*target));
    const auto window = windowBlocks(app, QStringLiteral("rollbacks"));
    if (app.autoSync) {
        return blocked(
            plan,
            QStringLiteral("auto-sync is on for %1: Argo CD refuses a rollback while "
                           "automated sync is enabled, and would sync back to Git "
                           "right after%2")
                .arg(app.name, window ? QStringLiteral("; besides, ") + *window : QString()),
            {QStringLiteral("Disable auto-sync on %1 first, then roll back to %2")
                 .arg(app.name, historyLabel(*target)),
             QStringLiteral("Revert in Git instead: commit %1 back to the GitOps "
                            "repository; auto-sync deploys it (auto-sync safe)")
                 .arg(target->version.isEmpty() ? QStringLiteral("revision ") + target->revision
                                                : target->version)});
    }
    if (window)
        return blocked(plan, *window, windowAlternatives(app));
    if (app.operationRunning())
        return blocked(plan,
                       QStringLiteral("another operation is already running on %1 (%2)")
                           .arg(app.name, app.operationPhase),
                       {QStringLiteral("Wait for the running operation to finish")});
    QJsonObject body{{QStringLiteral("id"), double(target->id)},
                     {QStringLiteral("prune"), false},
                     {QStringLiteral("dryRun"), false}};
    if (!app.appNamespace.isEmpty())
        body.insert(QStringLiteral("appNamespace"), app.appNamespace);
    plan.requests << PlannedRequest{
        "POST", QStringLiteral("/api/v1/applications/%1/rollback").arg(app.name),
        QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json",
        QStringLiteral("roll %1 back to %2").arg(app.name, historyLabel(*target))};
    plan.preconditions << currentHistory(app) << operationIdle(app)
                       << Precondition{QStringLiteral("auto-sync still off for %1").arg(app.name),
                                       applicationPath(app.name), QStringLiteral("app.autoSync"),
                                       QStringLiteral("false")};
    plan.context.insert(QStringLiteral("kind"), QStringLiteral("rollback"));
    plan.context.insert(QStringLiteral("historyId"), target->id);
    plan.context.insert(QStringLiteral("version"), target->version);
    plan.context.insert(QStringLiteral("targetKey"), app.name);
    return plan;
}

ActionPlan planCancel(ActionPlan plan, const PlanInput &in)
{
    const AppState &app = *in.app;
    if (!app.operationRunning())
        return blocked(plan, QStringLiteral("no operation is running on %1").arg(app.name));
    plan.summary = QStringLiteral("terminate the running operation on %1").arg(app.name);
    plan.requests << PlannedRequest{
        "DELETE",
        QStringLiteral("/api/v1/applications/%1/operation").arg(app.name),
        {},
        {},
        QStringLiteral("terminate the operation on %1").arg(app.name)};
    plan.preconditions << Precondition{
        QStringLiteral("an operation is running on %1").arg(app.name), applicationPath(app.name),
        QStringLiteral("app.operationRunning"), QStringLiteral("true")};
    plan.context.insert(QStringLiteral("kind"), QStringLiteral("terminate"));
    plan.context.insert(QStringLiteral("targetKey"), app.name);
    return plan;
}

} // namespace

QString rolloutActionFor(Verb verb)
{
    switch (verb) {
    case Verb::Promote:
    case Verb::Resume:
    case Verb::Approve:
        return QStringLiteral("resume");
    case Verb::PromoteFull:
        return QStringLiteral("promote-full");
    case Verb::Pause:
        return QStringLiteral("pause");
    case Verb::Abort:
    case Verb::Reject:
        return QStringLiteral("abort");
    case Verb::Retry:
        return QStringLiteral("retry");
    case Verb::Restart:
        return QStringLiteral("restart");
    default:
        return {};
    }
}

QString applicationPath(const QString &application)
{
    return QStringLiteral("/api/v1/applications/%1").arg(application);
}

QString resourcePath(const AppState &app, const Rollout &r)
{
    return QStringLiteral("/api/v1/applications/%1/resource?").arg(app.name) +
           resourceQuery(app, r);
}

QString actionsPath(const AppState &app, const Rollout &r)
{
    return QStringLiteral("/api/v1/applications/%1/resource/actions?").arg(app.name) +
           resourceQuery(app, r);
}

ActionPlan planAction(const ReleaseAction &action, const PlanInput &in)
{
    ActionPlan plan;
    plan.action = action;
    plan.summary = QStringLiteral("%1 %2").arg(verbWords(action.verb), in.applicationName);
    if (!in.app)
        return blocked(plan, QStringLiteral("Argo CD application %1 is not known on connection %2 "
                                            "(not in scope, or not read yet)")
                                 .arg(in.applicationName, in.connectionId));
    plan.context.insert(QStringLiteral("application"), in.app->name);
    plan.context.insert(QStringLiteral("service"), in.mapping.service);
    plan.context.insert(QStringLiteral("environment"), in.mapping.environment);
    const QString rolloutAction = rolloutActionFor(action.verb);
    if (!rolloutAction.isEmpty())
        return planRolloutAction(plan, rolloutAction, in);
    switch (action.verb) {
    case Verb::Sync:
        return planSync(plan, in);
    case Verb::Rollback:
        return planRollback(plan, in);
    case Verb::Cancel:
        return planCancel(plan, in);
    default:
        return blocked(
            plan,
            QStringLiteral("Argo CD has no '%1' for applications").arg(toString(action.verb)));
    }
}

QString readPreconditionField(const QString &field, const QByteArray &body, QString *error)
{
    if (field.startsWith(QLatin1String("rollout."))) {
        const RolloutDetails d = parseRolloutResource(body, {});
        if (d.rollout.name.isEmpty()) {
            *error = d.problems.isEmpty() ? QStringLiteral("rollout could not be read")
                                          : d.problems.first().message;
            return {};
        }
        const Rollout &r = d.rollout;
        const auto b = [](bool v) { return v ? QStringLiteral("true") : QStringLiteral("false"); };
        if (field == QLatin1String("rollout.currentStepIndex"))
            return QString::number(r.currentStepIndex);
        if (field == QLatin1String("rollout.paused"))
            return b(r.paused);
        if (field == QLatin1String("rollout.aborted"))
            return b(r.aborted);
        if (field == QLatin1String("rollout.fullyPromoted"))
            return b(r.fullyPromoted);
        if (field == QLatin1String("rollout.restartAt"))
            return d.restartAt;
    } else if (field.startsWith(QLatin1String("action.")) &&
               field.endsWith(QLatin1String(".enabled"))) {
        const QString name = field.mid(7, field.size() - 7 - 8);
        const QList<RolloutAction> actions = parseResourceActions(body, error);
        if (!error->isEmpty())
            return {};
        for (const auto &a : actions)
            if (a.name == name)
                return a.disabled ? QStringLiteral("false") : QStringLiteral("true");
        return QStringLiteral("false"); // not offered at all
    } else if (field.startsWith(QLatin1String("app."))) {
        QList<ParseProblem> problems;
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        if (!doc.isObject()) {
            *error = QStringLiteral("application reply is not JSON");
            return {};
        }
        const AppState app = parseApplication(doc.object(), &problems);
        if (app.name.isEmpty()) {
            *error = QStringLiteral("application reply has no name");
            return {};
        }
        if (field == QLatin1String("app.operationRunning"))
            return app.operationRunning() ? QStringLiteral("true") : QStringLiteral("false");
        if (field == QLatin1String("app.history.lastId"))
            return QString::number(app.currentHistoryId());
        if (field == QLatin1String("app.autoSync"))
            return app.autoSync ? QStringLiteral("true") : QStringLiteral("false");
        if (field == QLatin1String("app.sync.revision"))
            return app.syncRevision;
    }
    *error = QStringLiteral("unknown precondition field '%1'").arg(field);
    return {};
}

} // namespace fd::argocd
