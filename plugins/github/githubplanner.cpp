#include "githubplanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace fd::github {

namespace {

struct GateRef
{
    const RepoSnapshot *repo = nullptr;
    const WireRun *run = nullptr;
    WirePendingDeployment pending;
};

struct RunRef
{
    const RepoSnapshot *repo = nullptr;
    const WireRun *run = nullptr;
};

QString repoPath(const QString &repo)
{
    return QStringLiteral("/repos/") + repo;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

ActionPlan infeasible(ActionPlan plan, const QString &reason, const QStringList &alternatives = {})
{
    plan.feasible = false;
    plan.blockedReason = reason;
    plan.alternatives = alternatives;
    return plan;
}

QString gateServiceEnv(const GitHubMapping &m,
                       const RepoSnapshot &repo,
                       const WireRun &run,
                       const WirePendingDeployment &p,
                       QString *service)
{
    const QString env = m.environmentFor(repo.repo, p.environmentName);
    *service = m.serviceFor(repo.repo, run.workflowFile);
    for (const ServiceBinding &b : m.config().bindings)
        if (b.environment == env && b.object.compare(repo.repo, Qt::CaseInsensitive) == 0)
            *service = b.service;
    return env;
}

/// The gate an action names: a gate id, a run id, or the service × environment.
std::optional<GateRef> findGate(const ReleaseAction &a, const PlanningState &st)
{
    for (const RepoSnapshot &repo : st.repos) {
        for (auto it = repo.pending.cbegin(); it != repo.pending.cend(); ++it) {
            const WireRun *run = repo.run(it.key());
            if (!run || run->mapped != RunStatus::Waiting)
                continue;
            for (const WirePendingDeployment &p : *it) {
                if (!a.target.isEmpty()) {
                    if (a.target == gateId(run->id, p.environmentId) ||
                        (a.target == QString::number(run->id) &&
                         (a.environment.isEmpty() ||
                          st.mapping->environmentFor(repo.repo, p.environmentName) ==
                              a.environment)))
                        return GateRef{&repo, run, p};
                    continue;
                }
                QString service;
                const QString env = gateServiceEnv(*st.mapping, repo, *run, p, &service);
                if (service == a.service && env == a.environment)
                    return GateRef{&repo, run, p};
            }
        }
    }
    return std::nullopt;
}

RunRef findRun(const QString &runId, const PlanningState &st)
{
    bool ok = false;
    const qint64 id = runId.toLongLong(&ok);
    if (!ok)
        return {};
    for (const RepoSnapshot &repo : st.repos)
        if (const WireRun *run = repo.run(id))
            return RunRef{&repo, run};
    return {};
}

/// The newest unfinished run of the environment's deploy workflow (for cancel without a target).
RunRef activeDeployRun(const ReleaseAction &a, const PlanningState &st)
{
    const ServiceBinding *b = st.mapping->binding(a.service, a.environment);
    if (!b)
        return {};
    const auto it = st.repos.constFind(b->object.toLower());
    if (it == st.repos.constEnd())
        return {};
    for (const WireRun &run : it->runs)
        if (!isFinished(run.mapped) && run.workflowFile == GitHubMapping::workflowOf(*b))
            return RunRef{&*it, &run};
    return {};
}

ActionPlan planReview(ActionPlan plan, const PlanningState &st, bool approve)
{
    const ReleaseAction &a = plan.action;
    const auto gate = findGate(a, st);
    if (!gate) {
        return infeasible(plan,
                          a.target.isEmpty()
                              ? QStringLiteral("no pending deployment waits for %1 in %2")
                                    .arg(a.service, a.environment)
                              : QStringLiteral("no pending deployment %1 is waiting").arg(a.target),
                          {QStringLiteral("refresh and look at the approvals inbox")});
    }
    QString service;
    const QString env =
        gateServiceEnv(*st.mapping, *gate->repo, *gate->run, gate->pending, &service);
    const QString verb = approve ? QStringLiteral("approved") : QStringLiteral("rejected");
    const QString runPath =
        repoPath(gate->repo->repo) + QStringLiteral("/actions/runs/%1").arg(gate->run->id);
    QString comment = a.comment;
    if (comment.isEmpty())
        comment = QStringLiteral("%1 from Flightdeck")
                      .arg(approve ? QStringLiteral("Approved") : QStringLiteral("Rejected"));
    PlannedRequest r;
    r.method = "POST";
    r.path = runPath + QStringLiteral("/pending_deployments");
    r.contentType = "application/json";
    r.body = compact(
        {{QStringLiteral("environment_ids"), QJsonArray{double(gate->pending.environmentId)}},
         {QStringLiteral("state"), verb},
         {QStringLiteral("comment"), comment}});
    r.purpose =
        QStringLiteral("%1 pending deployment of %2 to %3 (run %4)")
            .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject"), service, env)
            .arg(gate->run->id);
    plan.requests.append(r);
    plan.preconditions.append({QStringLiteral("run %1 still waiting at attempt %2")
                                   .arg(gate->run->id)
                                   .arg(gate->run->attempt),
                               runPath, QStringLiteral("run.run_attempt"),
                               QString::number(gate->run->attempt)});
    plan.preconditions.append({QStringLiteral("run %1 waits for %2").arg(gate->run->id).arg(env),
                               runPath, QStringLiteral("run.status"), QStringLiteral("waiting")});
    plan.preconditions.append(
        {QStringLiteral("deployment to %1 still pending").arg(gate->pending.environmentName),
         runPath + QStringLiteral("/pending_deployments"),
         QStringLiteral("pending.environment_ids"), QString::number(gate->pending.environmentId)});
    plan.summary = QStringLiteral("%1 the deployment of %2 to %3 waiting in %4 #%5")
                       .arg(approve ? QStringLiteral("Approve") : QStringLiteral("Reject"), service,
                            env, gate->run->name)
                       .arg(gate->run->runNumber);
    if (!gate->pending.currentUserCanApprove)
        plan.warnings.append(
            QStringLiteral("GitHub says this token may not review deployments to %1 "
                           "(reviewers: %2)")
                .arg(gate->pending.environmentName,
                     gate->pending.reviewers.join(QStringLiteral(", "))));
    plan.context = {{QStringLiteral("repo"), gate->repo->repo},
                    {QStringLiteral("runId"), gate->run->id},
                    {QStringLiteral("gateId"), gateId(gate->run->id, gate->pending.environmentId)}};
    return plan;
}

/// A workflow_dispatch of the environment's deploy workflow with a version.
ActionPlan
planDispatch(ActionPlan plan, const PlanningState &st, const QString &version, const QString &why)
{
    const ReleaseAction &a = plan.action;
    const ServiceBinding *b = st.mapping->binding(a.service, a.environment);
    const QString workflow = b ? GitHubMapping::workflowOf(*b) : QString();
    if (workflow.isEmpty())
        return infeasible(plan,
                          QStringLiteral("the workspace names no deploy workflow for %1 in %2")
                              .arg(a.service, a.environment));
    const QString repo = b->object;
    const QString githubEnv = GitHubMapping::githubEnvironmentOf(*b);
    QString ref = b->options.value(QStringLiteral("ref")).toString();
    if (ref.isEmpty())
        ref = a.options.value(QStringLiteral("ref"), QStringLiteral("main")).toString();
    QJsonObject inputs{{QStringLiteral("version"), version},
                       {QStringLiteral("environment"), githubEnv}};
    PlannedRequest r;
    r.method = "POST";
    r.path = repoPath(repo) + QStringLiteral("/actions/workflows/%1/dispatches").arg(workflow);
    r.contentType = "application/json";
    r.body = compact({{QStringLiteral("ref"), ref}, {QStringLiteral("inputs"), inputs}});
    r.purpose =
        QStringLiteral("run %1 on %2 to deploy %3 to %4").arg(workflow, ref, version, githubEnv);
    plan.requests.append(r);

    const auto snap = st.repos.constFind(repo.toLower());
    const QList<DeploymentView> deployments =
        snap == st.repos.constEnd() ? QList<DeploymentView>() : deploymentsTo(*snap, githubEnv);
    const QString newest = deployments.isEmpty() ? QStringLiteral("none")
                                                 : QString::number(deployments.first().wire.id);
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("environment"), githubEnv);
    q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("1"));
    plan.preconditions.append(
        {QStringLiteral("nothing newer was deployed to %1 (newest deployment %2)")
             .arg(githubEnv, newest),
         repoPath(repo) + QStringLiteral("/deployments?") + q.toString(QUrl::FullyEncoded),
         QStringLiteral("deployments.newest_id"), newest});
    plan.summary = why;
    plan.context = {{QStringLiteral("repo"), repo},
                    {QStringLiteral("workflow"), workflow},
                    {QStringLiteral("version"), version},
                    {QStringLiteral("githubEnvironment"), githubEnv}};
    return plan;
}

ActionPlan planPromote(ActionPlan plan, const PlanningState &st)
{
    const ReleaseAction &a = plan.action;
    if (findGate(a, st)) {
        ActionPlan p = planReview(plan, st, true);
        if (!a.version.isEmpty()) {
            const auto gate = findGate(a, st);
            p.warnings.append(QStringLiteral("the waiting run deploys commit %1; --version %2 is "
                                             "not checked against it")
                                  .arg(gate->run->headSha.left(12), a.version));
        }
        return p;
    }
    QString version = a.version;
    if (version.isEmpty()) {
        // The version the environment below runs, when this connection knows it.
        const QString below = st.mapping->previousEnvironment(a.environment);
        const ServiceBinding *b = below.isEmpty() ? nullptr : st.mapping->binding(a.service, below);
        if (b) {
            const auto snap = st.repos.constFind(b->object.toLower());
            if (snap != st.repos.constEnd())
                for (const DeploymentView &v :
                     deploymentsTo(*snap, GitHubMapping::githubEnvironmentOf(*b)))
                    if (v.status == DeployStatus::Succeeded) {
                        version = v.version();
                        break;
                    }
        }
    }
    if (version.isEmpty())
        return infeasible(plan,
                          QStringLiteral("no pending deployment waits for %1 in %2 and no "
                                         "version was given to deploy")
                              .arg(a.service, a.environment),
                          {QStringLiteral("promote with an explicit version")});
    return planDispatch(
        plan, st, version,
        QStringLiteral("Deploy %1 %2 to %3").arg(a.service, version, a.environment));
}

ActionPlan planRollback(ActionPlan plan, const PlanningState &st)
{
    const ReleaseAction &a = plan.action;
    const ServiceBinding *b = st.mapping->binding(a.service, a.environment);
    if (!b)
        return infeasible(plan,
                          QStringLiteral("%1 in %2 is not deployed through this GitHub connection")
                              .arg(a.service, a.environment));
    const auto snap = st.repos.constFind(b->object.toLower());
    const QList<DeploymentView> list =
        snap == st.repos.constEnd() ? QList<DeploymentView>()
                                    : deploymentsTo(*snap, GitHubMapping::githubEnvironmentOf(*b));
    const DeploymentView *current = nullptr;
    const DeploymentView *previous = nullptr;
    for (const DeploymentView &v : list) {
        if (v.status != DeployStatus::Succeeded)
            continue;
        if (!current) {
            current = &v;
        } else if (v.wire.sha != current->wire.sha) {
            previous = &v;
            break;
        }
    }
    if (!current || !previous)
        return infeasible(plan,
                          QStringLiteral("%1 in %2 has no earlier successful deployment of a "
                                         "different version to roll back to")
                              .arg(a.service, a.environment),
                          {QStringLiteral("promote a known good version explicitly")});
    // workflow_dispatch takes a branch or tag as ref, never a bare sha: the version input
    // names the release, whose commit is the previous deployment's sha (shown in the plan).
    ActionPlan p =
        planDispatch(plan, st, previous->version(),
                     QStringLiteral("Roll %1 in %2 back from %3 to %4 (%5, deployment %6)")
                         .arg(a.service, a.environment, current->version(), previous->version(),
                              previous->wire.sha.left(12))
                         .arg(previous->wire.id));
    p.context.insert(QStringLiteral("fromVersion"), current->version());
    p.context.insert(QStringLiteral("toVersion"), previous->version());
    p.context.insert(QStringLiteral("toCommit"), previous->wire.sha);
    p.context.insert(QStringLiteral("toDeployment"), previous->wire.id);
    return p;
}

ActionPlan planRunVerb(ActionPlan plan,
                       const PlanningState &st,
                       const char *endpoint,
                       const QString &expectStatus,
                       const QString &expectConclusion,
                       const QString &verbText)
{
    const ReleaseAction &a = plan.action;
    RunRef ref = a.target.isEmpty() ? RunRef{} : findRun(a.target, st);
    if (!ref.run && a.target.startsWith(QLatin1String("run/")))
        ref = findRun(a.target.section(QLatin1Char('/'), 1, 1), st);
    if (!ref.run && a.target.isEmpty() && QLatin1String(endpoint) == QLatin1String("cancel"))
        ref = activeDeployRun(a, st);
    if (!ref.run)
        return infeasible(
            plan, a.target.isEmpty()
                      ? QStringLiteral("name the run to %1").arg(verbText)
                      : QStringLiteral("run %1 is not known on this connection").arg(a.target));
    const WireRun &run = *ref.run;
    const QString runPath =
        repoPath(ref.repo->repo) + QStringLiteral("/actions/runs/%1").arg(run.id);
    const QStringList allowedStatus = expectStatus.split(QLatin1Char('|'));
    if (!allowedStatus.contains(run.status))
        return infeasible(
            plan, QStringLiteral("run %1 is %2; cannot %3 it")
                      .arg(run.id)
                      .arg(run.conclusion.isEmpty() ? run.status : run.conclusion, verbText));
    if (!expectConclusion.isEmpty() &&
        !expectConclusion.split(QLatin1Char('|')).contains(run.conclusion))
        return infeasible(plan,
                          QStringLiteral("run %1 ended with %2; only a failed run has failed jobs")
                              .arg(run.id)
                              .arg(run.conclusion));
    PlannedRequest r;
    r.method = "POST";
    r.path = runPath + QLatin1Char('/') + QLatin1String(endpoint);
    if (QLatin1String(endpoint) != QLatin1String("cancel")) {
        r.contentType = "application/json";
        r.body = "{}";
    }
    r.purpose =
        QStringLiteral("%1 %2 #%3 (run %4)")
            .arg(verbText, run.name, QString::number(run.runNumber), QString::number(run.id));
    plan.requests.append(r);
    plan.preconditions.append({QStringLiteral("run %1 is %2").arg(run.id).arg(expectStatus),
                               runPath, QStringLiteral("run.status"), expectStatus});
    plan.preconditions.append(
        {QStringLiteral("run %1 is at attempt %2").arg(run.id).arg(run.attempt), runPath,
         QStringLiteral("run.run_attempt"), QString::number(run.attempt)});
    if (!expectConclusion.isEmpty())
        plan.preconditions.append(
            {QStringLiteral("run %1 ended with %2").arg(run.id).arg(expectConclusion), runPath,
             QStringLiteral("run.conclusion"), expectConclusion});
    plan.summary = QStringLiteral("%1 %2 #%3 of %4")
                       .arg(verbText.left(1).toUpper() + verbText.mid(1), run.name,
                            QString::number(run.runNumber), ref.repo->repo);
    plan.context = {{QStringLiteral("repo"), ref.repo->repo}, {QStringLiteral("runId"), run.id}};
    return plan;
}

const QString kActive = QStringLiteral("queued|in_progress|waiting|requested|pending");

} // namespace

ActionPlan planAction(const ReleaseAction &action, const PlanningState &state)
{
    ActionPlan plan;
    plan.action = action;
    if (state.mapping && state.mapping->config().readOnly)
        return infeasible(
            plan, QStringLiteral("connection %1 is read-only").arg(state.mapping->config().id));
    using V = ReleaseAction::Verb;
    switch (action.verb) {
    case V::Promote:
    case V::PromoteFull:
        return planPromote(plan, state);
    case V::Approve:
        return planReview(plan, state, true);
    case V::Reject:
    case V::Pause:
        if (action.verb == V::Pause && !findGate(action, state))
            return infeasible(plan,
                              QStringLiteral("nothing waits for approval for %1 in %2; GitHub "
                                             "Actions can only hold a deployment at its gate")
                                  .arg(action.service, action.environment),
                              {QStringLiteral("cancel the deploy run")});
        return planReview(plan, state, false);
    case V::Cancel:
    case V::Abort:
        return planRunVerb(plan, state, "cancel", kActive, QString(), QStringLiteral("cancel"));
    case V::Rerun:
    case V::Retry:
        return planRunVerb(plan, state, "rerun", QStringLiteral("completed"), QString(),
                           QStringLiteral("re-run"));
    case V::RerunFailed:
        return planRunVerb(plan, state, "rerun-failed-jobs", QStringLiteral("completed"),
                           QStringLiteral("failure|cancelled|timed_out|startup_failure"),
                           QStringLiteral("re-run the failed jobs of"));
    case V::Rollback:
        return planRollback(plan, state);
    case V::Resume:
    case V::Sync:
    case V::Restart:
        break;
    }
    return infeasible(
        plan, QStringLiteral("GitHub Actions has no '%1' action").arg(toString(action.verb)));
}

bool preconditionHolds(const Precondition &pc, const QByteArray &body, QString *found)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QStringList expected = pc.expected.split(QLatin1Char('|'));
    if (pc.field.startsWith(QLatin1String("run."))) {
        const QJsonValue v = doc.object().value(pc.field.mid(4));
        const QString value = v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString();
        *found = value.isEmpty() ? QStringLiteral("nothing") : value;
        return !value.isEmpty() && expected.contains(value);
    }
    if (pc.field == QLatin1String("pending.environment_ids")) {
        const Parsed<WirePendingDeployment> p = parsePendingDeployments(body);
        QStringList ids;
        for (const auto &item : p.items)
            ids.append(QString::number(item.environmentId));
        *found = ids.isEmpty()
                     ? QStringLiteral("no pending deployment")
                     : QStringLiteral("pending for environment ids %1").arg(ids.join(u','));
        return ids.contains(pc.expected);
    }
    if (pc.field == QLatin1String("deployments.newest_id")) {
        const Parsed<WireDeployment> p = parseDeployments(body);
        if (!p.bodyOk) {
            *found = QStringLiteral("an unreadable deployment list");
            return false;
        }
        const WireDeployment *newest = nullptr;
        for (const auto &d : p.items)
            if (!newest || d.created > newest->created ||
                (d.created == newest->created && d.id > newest->id))
                newest = &d;
        *found = newest ? QString::number(newest->id) : QStringLiteral("none");
        return *found == pc.expected;
    }
    *found = QStringLiteral("a field this plugin does not check (%1)").arg(pc.field);
    return false;
}

} // namespace fd::github
