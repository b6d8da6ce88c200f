#include "gitlabplanner.h"

#include "http/actionexecutor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace fd::gitlab {

namespace {

using V = ReleaseAction::Verb;

struct Target
{
    enum class Kind { None, Deployment, Job, Pipeline };
    Kind kind = Kind::None;
    qint64 id = 0;
};

Target parseTarget(const QString &raw, const QString &connection)
{
    QString t = raw;
    if (!connection.isEmpty() && t.startsWith(connection + QLatin1Char('/')))
        t = t.mid(connection.size() + 1);
    Target out;
    bool ok = false;
    if (t.startsWith(QLatin1String("deployment/"))) {
        out.id = t.mid(11).toLongLong(&ok);
        out.kind = ok ? Target::Kind::Deployment : Target::Kind::None;
    } else if (t.startsWith(QLatin1String("job/"))) {
        out.id = t.mid(4).toLongLong(&ok);
        out.kind = ok ? Target::Kind::Job : Target::Kind::None;
    } else if (t.contains(QLatin1Char('/'))) {
        // "<pipeline>/<job id>" names a job (a Stage id of a step); "<pipeline>/<stage>" the run.
        out.id = t.section(QLatin1Char('/'), 1, 1).toLongLong(&ok);
        out.kind = ok ? Target::Kind::Job : Target::Kind::Pipeline;
        if (!ok)
            out.id = t.section(QLatin1Char('/'), 0, 0).toLongLong(&ok);
        if (!ok)
            out.kind = Target::Kind::None;
    } else if (!t.isEmpty()) {
        out.id = t.toLongLong(&ok);
        out.kind = ok ? Target::Kind::Pipeline : Target::Kind::None;
    }
    return out;
}

ActionPlan infeasible(ActionPlan plan, const QString &reason, const QStringList &alternatives = {})
{
    plan.feasible = false;
    plan.blockedReason = reason;
    plan.alternatives = alternatives;
    return plan;
}

class Planner
{
public:
    Planner(const ReleaseAction &action, const PlanningState &st)
        : a(action)
        , st(st)
    {
        plan.action = action;
        target = parseTarget(action.target, st.mapping ? st.mapping->config().id : QString());
    }

    ActionPlan run()
    {
        if (!st.mapping)
            return infeasible(plan, QStringLiteral("the GitLab connection is not set up"));
        if (!a.target.isEmpty() && target.kind == Target::Kind::None)
            return infeasible(
                plan,
                QStringLiteral("'%1' names no GitLab deployment, job or pipeline").arg(a.target));
        switch (a.verb) {
        case V::Promote:
        case V::PromoteFull:
            return promote();
        case V::Approve:
            return review(true);
        case V::Reject:
        case V::Pause:
            return review(false);
        case V::Cancel:
            return target.kind == Target::Kind::Job ? cancelJob() : cancelPipeline();
        case V::Abort:
            return target.kind == Target::Kind::Pipeline ? cancelPipeline() : cancelJob();
        case V::Rollback:
            return rollback();
        case V::Retry:
            return target.kind == Target::Kind::Pipeline ? retryPipeline() : retryJob();
        case V::Rerun:
        case V::RerunFailed:
            return target.kind == Target::Kind::Job ? retryJob() : retryPipeline();
        case V::Resume:
        case V::Sync:
        case V::Restart:
            break;
        }
        return infeasible(plan, QStringLiteral("GitLab has no '%1' action").arg(toString(a.verb)),
                          {QStringLiteral("promote, approve, reject, cancel, abort, retry, rerun "
                                          "and rollback work on GitLab")});
    }

private:
    const ReleaseAction &a;
    const PlanningState &st;
    ActionPlan plan;
    Target target;
    QVariantList checks;

    QString projectPath(const ProjectSnapshot &p) const
    {
        return st.apiPrefix + QStringLiteral("/projects/") + encodeProject(p.ref);
    }
    static QString name(const ProjectSnapshot &p) { return p.path.isEmpty() ? p.ref : p.path; }

    /// The project and GitLab environment of the action's service × environment.
    const ProjectSnapshot *projectOf(QString *gitlabEnv) const
    {
        if (const ServiceBinding *b = st.mapping->binding(a.service, a.environment)) {
            if (gitlabEnv)
                *gitlabEnv = GitLabMapping::gitlabEnvironmentOf(*b);
            return snapshot(b->object);
        }
        // A service with only a pipeline binding (or named by its project) on this connection.
        for (const ProjectSnapshot &p : st.projects) {
            if (st.mapping->serviceFor(p.ref) != a.service)
                continue;
            if (gitlabEnv)
                *gitlabEnv = a.environment;
            return &p;
        }
        return nullptr;
    }

    const ProjectSnapshot *snapshot(const QString &ref) const
    {
        for (const ProjectSnapshot &p : st.projects)
            if (sameProject(p.ref, ref) || sameProject(p.path, ref))
                return &p;
        return nullptr;
    }

    const ProjectSnapshot *projectOfPipeline(qint64 id, const WirePipeline **out) const
    {
        for (const ProjectSnapshot &p : st.projects)
            if (const WirePipeline *pl = p.pipeline(id)) {
                *out = pl;
                return &p;
            }
        return nullptr;
    }

    const ProjectSnapshot *projectOfJob(qint64 id, WireJob *out) const
    {
        for (const ProjectSnapshot &p : st.projects) {
            if (const WireJob *j = p.job(id)) {
                *out = *j;
                return &p;
            }
            for (const WireDeployment &d : p.deployments)
                if (d.jobId == id) {
                    out->id = d.jobId;
                    out->name = d.jobName;
                    out->status = d.jobStatus;
                    out->pipelineId = d.pipelineId;
                    out->environment = d.environment;
                    out->sha = d.sha;
                    return &p;
                }
        }
        return nullptr;
    }

    const ProjectSnapshot *projectOfDeployment(qint64 id, WireDeployment *out) const
    {
        for (const ProjectSnapshot &p : st.projects)
            for (const WireDeployment &d : p.deployments)
                if (d.id == id) {
                    *out = d;
                    return &p;
                }
        return nullptr;
    }

    QString flightdeckEnv(const ProjectSnapshot &p, const QString &gitlabEnv) const
    {
        const QString env = st.mapping->environmentFor(p.ref, gitlabEnv);
        return env.isEmpty() ? gitlabEnv : env;
    }

    int addPrecondition(const QString &description,
                        const QString &path,
                        const QString &field,
                        const QString &expected)
    {
        plan.preconditions.append(Precondition{description, path, field, expected});
        return int(plan.preconditions.size()) - 1;
    }

    void addRequest(const QByteArray &method,
                    const QString &path,
                    const QByteArray &body,
                    const QString &purpose,
                    const QList<int> &before)
    {
        PlannedRequest r;
        r.method = method;
        r.path = path;
        r.body = body;
        if (!body.isEmpty())
            r.contentType = "application/json";
        r.purpose = purpose;
        plan.requests.append(r);
        QVariantList list;
        for (int i : before)
            list.append(i);
        checks.append(QVariant(list));
        plan.context.insert(QStringLiteral("checks"), checks);
    }

    int deploymentBlocked(const ProjectSnapshot &p, const WireDeployment &d)
    {
        return addPrecondition(QStringLiteral("deployment %1 (#%2) to %3 is still blocked")
                                   .arg(d.id)
                                   .arg(d.iid)
                                   .arg(d.environment),
                               projectPath(p) + QStringLiteral("/deployments/%1").arg(d.id),
                               QStringLiteral("deployment.status"), QStringLiteral("blocked"));
    }

    int jobIs(const ProjectSnapshot &p,
              qint64 jobId,
              const QString &jobName,
              const QString &expected,
              const QString &words)
    {
        return addPrecondition(
            QStringLiteral("job %1 (%2) is still %3").arg(jobId).arg(jobName, words),
            projectPath(p) + QStringLiteral("/jobs/%1").arg(jobId), QStringLiteral("job.status"),
            expected);
    }

    /// The blocked deployment the action names (a gate id or a job), or of its service × env.
    std::optional<WireDeployment> blockedDeployment(const ProjectSnapshot **project) const
    {
        if (target.kind == Target::Kind::Deployment) {
            WireDeployment d;
            *project = projectOfDeployment(target.id, &d);
            if (*project && d.mapped == DeployStatus::Blocked)
                return d;
            return std::nullopt;
        }
        QString gitlabEnv;
        *project = projectOf(&gitlabEnv);
        if (!*project)
            return std::nullopt;
        for (const WireDeployment &d : (*project)->deploymentsTo(gitlabEnv))
            if (d.mapped == DeployStatus::Blocked &&
                (target.kind != Target::Kind::Job || d.jobId == target.id))
                return d;
        return std::nullopt;
    }

    QString approvalWarning(const ProjectSnapshot &p, const WireDeployment &d) const
    {
        QList<WireApprovalRule> rules = d.rules;
        if (rules.isEmpty())
            if (const WireProtectedEnvironment *pe = p.protectedEnvironment(d.environment))
                rules = pe->rules;
        QStringList only;
        bool open = rules.isEmpty();
        for (const WireApprovalRule &r : std::as_const(rules)) {
            if (!r.userId || !st.userId || r.userId == st.userId)
                open = true;
            else
                only.append(r.description.isEmpty() ? QStringLiteral("user %1").arg(r.userId)
                                                    : r.description);
        }
        if (open)
            return {};
        return QStringLiteral("the approval rules of %1 name only %2: GitLab will likely refuse "
                              "this token's approval (403)")
            .arg(d.environment, only.join(QStringLiteral(", ")));
    }

    QByteArray approvalBody(bool approve) const
    {
        QString comment = a.comment;
        if (comment.isEmpty())
            comment = QStringLiteral("%1 from Flightdeck%2")
                          .arg(approve ? QStringLiteral("Approved") : QStringLiteral("Rejected"),
                               a.actor.isEmpty() ? QString() : QStringLiteral(" by ") + a.actor);
        return QJsonDocument(
                   QJsonObject{{QStringLiteral("status"),
                                approve ? QStringLiteral("approved") : QStringLiteral("rejected")},
                               {QStringLiteral("comment"), comment}})
            .toJson(QJsonDocument::Compact);
    }

    ActionPlan promote()
    {
        const ProjectSnapshot *p = nullptr;
        if (const auto d = blockedDeployment(&p)) {
            const QString env = flightdeckEnv(*p, d->environment);
            const int blocked = deploymentBlocked(*p, *d);
            const int manual =
                jobIs(*p, d->jobId, d->jobName, QStringLiteral("manual"), QStringLiteral("manual"));
            addRequest("POST",
                       projectPath(*p) + QStringLiteral("/deployments/%1/approval").arg(d->id),
                       approvalBody(true),
                       QStringLiteral("approve deployment #%1 of %2 to %3")
                           .arg(d->iid)
                           .arg(versionOf(*d), env),
                       {blocked, manual});
            addRequest("POST", projectPath(*p) + QStringLiteral("/jobs/%1/play").arg(d->jobId), {},
                       QStringLiteral("play the manual deploy job %1 (%2): GitLab runs an approved "
                                      "job only when it is played")
                           .arg(d->jobId)
                           .arg(d->jobName),
                       {manual});
            plan.summary =
                QStringLiteral("Promote %1 %2 to %3: approve blocked deployment #%4, then "
                               "play job %5")
                    .arg(a.service.isEmpty() ? name(*p) : a.service, versionOf(*d), env)
                    .arg(d->iid)
                    .arg(d->jobId);
            if (const QString w = approvalWarning(*p, *d); !w.isEmpty())
                plan.warnings.append(w);
            return plan;
        }
        if (target.kind == Target::Kind::Deployment)
            return infeasible(
                plan, QStringLiteral("deployment %1 is not blocked (any more)").arg(target.id),
                {QStringLiteral("refresh and look at the approvals inbox")});
        // No approval needed: play the environment's waiting manual deploy job.
        QString gitlabEnv;
        p = projectOf(&gitlabEnv);
        if (!p)
            return infeasible(plan,
                              QStringLiteral("%1 in %2 is not mapped to a GitLab project on this "
                                             "connection")
                                  .arg(a.service, a.environment));
        for (const WireDeployment &d : p->deploymentsTo(gitlabEnv)) {
            if (d.mapped != DeployStatus::Created || d.jobStatus != QLatin1String("manual"))
                continue;
            if (!a.version.isEmpty() && versionOf(d) != a.version && !d.sha.startsWith(a.version) &&
                d.ref != a.version)
                continue;
            const int manual =
                jobIs(*p, d.jobId, d.jobName, QStringLiteral("manual"), QStringLiteral("manual"));
            addRequest("POST", projectPath(*p) + QStringLiteral("/jobs/%1/play").arg(d.jobId), {},
                       QStringLiteral("play the manual deploy job %1 (%2) of pipeline %3")
                           .arg(d.jobId)
                           .arg(d.jobName)
                           .arg(d.pipelineId),
                       {manual});
            plan.summary = QStringLiteral("Promote %1 %2 to %3: play manual job %4")
                               .arg(a.service, versionOf(d), a.environment)
                               .arg(d.jobId);
            return plan;
        }
        return infeasible(plan,
                          QStringLiteral("nothing waits to be deployed to %1 (%2): no blocked "
                                         "deployment and no manual deploy job")
                              .arg(a.environment, name(*p)),
                          {QStringLiteral("rollback %1 %2 re-deploys the previous version")
                               .arg(a.service, a.environment),
                           QStringLiteral("run a pipeline on %1 in GitLab").arg(name(*p))});
    }

    ActionPlan review(bool approve)
    {
        const ProjectSnapshot *p = nullptr;
        const auto d = blockedDeployment(&p);
        if (!d)
            return infeasible(
                plan,
                target.kind == Target::Kind::Deployment
                    ? QStringLiteral("deployment %1 is not waiting for approval").arg(target.id)
                    : QStringLiteral("no blocked deployment waits for %1 in %2")
                          .arg(a.service, a.environment),
                {QStringLiteral("refresh and look at the approvals inbox"),
                 QStringLiteral("cancel the pipeline instead")});
        const QString env = flightdeckEnv(*p, d->environment);
        const int blocked = deploymentBlocked(*p, *d);
        addRequest("POST", projectPath(*p) + QStringLiteral("/deployments/%1/approval").arg(d->id),
                   approvalBody(approve),
                   QStringLiteral("%1 deployment #%2 of %3 to %4")
                       .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject"))
                       .arg(d->iid)
                       .arg(versionOf(*d), env),
                   {blocked});
        plan.summary = QStringLiteral("%1 deployment #%2 of %3 %4 to %5")
                           .arg(approve ? QStringLiteral("Approve") : QStringLiteral("Reject"))
                           .arg(d->iid)
                           .arg(a.service.isEmpty() ? name(*p) : a.service, versionOf(*d), env);
        if (approve)
            plan.warnings.append(
                QStringLiteral("GitLab runs an approved job only when it is played: "
                               "promote plays it after approving"));
        if (const QString w = approve ? approvalWarning(*p, *d) : QString(); !w.isEmpty())
            plan.warnings.append(w);
        return plan;
    }

    /// The pipeline the action names, or the newest unfinished one of the environment's deploys
    /// (else of the service's project).
    const ProjectSnapshot *pipelineFor(const WirePipeline **out, bool unfinished, bool failed) const
    {
        if (target.kind == Target::Kind::Pipeline)
            return projectOfPipeline(target.id, out);
        QString gitlabEnv;
        const ProjectSnapshot *p = projectOf(&gitlabEnv);
        if (!p)
            return nullptr;
        const auto wanted = [&](const WirePipeline &pl) {
            return (unfinished && !isFinished(pl.mapped) && pl.mapped != RunStatus::Waiting) ||
                   (failed &&
                    (pl.mapped == RunStatus::Failed || pl.mapped == RunStatus::Cancelled));
        };
        for (const WireDeployment &d : p->deploymentsTo(gitlabEnv))
            if (const WirePipeline *pl = p->pipeline(d.pipelineId); pl && wanted(*pl)) {
                *out = pl;
                return p;
            }
        for (const WirePipeline &pl : p->pipelines)
            if (wanted(pl)) {
                *out = &pl;
                return p;
            }
        return nullptr;
    }

    ActionPlan cancelPipeline()
    {
        const WirePipeline *pl = nullptr;
        const ProjectSnapshot *p = pipelineFor(&pl, true, false);
        if (!p || !pl)
            return infeasible(
                plan,
                target.kind == Target::Kind::Pipeline
                    ? QStringLiteral("pipeline %1 is not known on this connection").arg(target.id)
                    : QStringLiteral("no pipeline of %1 in %2 is running")
                          .arg(a.service, a.environment));
        if (isFinished(pl->mapped))
            return infeasible(plan, QStringLiteral("pipeline %1 has already finished (%2)")
                                        .arg(pl->id)
                                        .arg(pl->status));
        const int pc =
            addPrecondition(QStringLiteral("pipeline %1 has not finished").arg(pl->id),
                            projectPath(*p) + QStringLiteral("/pipelines/%1").arg(pl->id),
                            QStringLiteral("pipeline.status"),
                            QStringLiteral("created|waiting_for_resource|preparing|pending|"
                                           "running|manual|scheduled"));
        addRequest(
            "POST", projectPath(*p) + QStringLiteral("/pipelines/%1/cancel").arg(pl->id), {},
            QStringLiteral("cancel pipeline #%1 of %2 (%3)").arg(pl->iid).arg(name(*p), pl->ref),
            {pc});
        plan.summary =
            QStringLiteral("Cancel pipeline %1 (#%2) of %3").arg(pl->id).arg(pl->iid).arg(name(*p));
        plan.warnings.append(
            QStringLiteral("GitLab answers success to a cancel whatever the state; "
                           "the next poll shows what stopped"));
        return plan;
    }

    ActionPlan cancelJob()
    {
        WireJob job;
        const ProjectSnapshot *p = nullptr;
        if (target.kind == Target::Kind::Job) {
            p = projectOfJob(target.id, &job);
        } else {
            QString gitlabEnv;
            p = projectOf(&gitlabEnv);
            if (p)
                for (const WireDeployment &d : p->deploymentsTo(gitlabEnv))
                    if (d.mapped == DeployStatus::Running) {
                        projectOfJob(d.jobId, &job);
                        break;
                    }
        }
        if (!p || !job.id)
            return infeasible(
                plan,
                target.kind == Target::Kind::Job
                    ? QStringLiteral("job %1 is not known on this connection").arg(target.id)
                    : QStringLiteral("no deploy job of %1 in %2 is running")
                          .arg(a.service, a.environment),
                {QStringLiteral("cancel the pipeline instead")});
        if (isFinishedStatus(job.status))
            return infeasible(
                plan,
                QStringLiteral("job %1 has already finished (%2)").arg(job.id).arg(job.status));
        const int pc =
            jobIs(*p, job.id, job.name,
                  QStringLiteral(
                      "created|waiting_for_resource|preparing|pending|running|manual|scheduled"),
                  QStringLiteral("unfinished"));
        addRequest("POST", projectPath(*p) + QStringLiteral("/jobs/%1/cancel").arg(job.id), {},
                   QStringLiteral("cancel job %1 (%2) of pipeline %3")
                       .arg(job.id)
                       .arg(job.name)
                       .arg(job.pipelineId),
                   {pc});
        plan.summary =
            QStringLiteral("Abort job %1 (%2) of %3").arg(job.id).arg(job.name, name(*p));
        return plan;
    }

    ActionPlan rollback()
    {
        QString gitlabEnv;
        const ProjectSnapshot *p = projectOf(&gitlabEnv);
        if (!p)
            return infeasible(plan,
                              QStringLiteral("%1 in %2 is not mapped to a GitLab project on this "
                                             "connection")
                                  .arg(a.service, a.environment));
        const std::optional<WireDeployment> current = p->current(gitlabEnv);
        const QList<WireDeployment> history = p->deploymentsTo(gitlabEnv);
        if (!current)
            return infeasible(
                plan,
                QStringLiteral("%1 has no successful deployment to roll back from").arg(gitlabEnv));
        // GitLab's own "Rollback environment": retry the job of an older successful deployment.
        const WireDeployment *previous = nullptr;
        for (const WireDeployment &d : history) {
            if (d.mapped != DeployStatus::Succeeded || d.id >= current->id || !d.jobId)
                continue;
            if (a.version.isEmpty() ? d.sha == current->sha
                                    : !(versionOf(d) == a.version || d.sha.startsWith(a.version) ||
                                        d.ref == a.version))
                continue;
            previous = &d;
            break;
        }
        if (!previous)
            return infeasible(
                plan,
                a.version.isEmpty()
                    ? QStringLiteral("no earlier successful deployment of another version "
                                     "to %1 is in the history read")
                          .arg(gitlabEnv)
                    : QStringLiteral("no earlier successful deployment of %1 to %2 is in "
                                     "the history read")
                          .arg(a.version, gitlabEnv),
                {QStringLiteral("raise deploymentDepth to read a longer history")});
        const QString newest =
            history.isEmpty() ? QStringLiteral("none") : QString::number(history.first().id);
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("environment"), gitlabEnv);
        q.addQueryItem(QStringLiteral("order_by"), QStringLiteral("id"));
        q.addQueryItem(QStringLiteral("sort"), QStringLiteral("desc"));
        q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("1"));
        const int noNewer = addPrecondition(
            QStringLiteral("the newest deployment to %1 is still %2").arg(gitlabEnv, newest),
            projectPath(*p) + QStringLiteral("/deployments?") + q.toString(QUrl::FullyEncoded),
            QStringLiteral("deployments.newest_id"), newest);
        const int finished =
            jobIs(*p, previous->jobId, previous->jobName, QStringLiteral("success|failed|canceled"),
                  QStringLiteral("finished"));
        const QString env = flightdeckEnv(*p, gitlabEnv);
        addRequest(
            "POST", projectPath(*p) + QStringLiteral("/jobs/%1/retry").arg(previous->jobId), {},
            QStringLiteral("retry job %1 (%2) of pipeline %3, the deploy of %4 in deployment #%5: "
                           "GitLab creates a new deployment of %6")
                .arg(previous->jobId)
                .arg(previous->jobName)
                .arg(previous->pipelineId)
                .arg(versionOf(*previous))
                .arg(previous->iid)
                .arg(previous->sha),
            {noNewer, finished});
        plan.summary = QStringLiteral("Roll back %1 in %2 from %3 to %4: retry job %5 of previous "
                                      "deployment #%6")
                           .arg(a.service, env, versionOf(*current), versionOf(*previous))
                           .arg(previous->jobId)
                           .arg(previous->iid);
        plan.context.insert(QStringLiteral("rollbackSha"), previous->sha);
        plan.context.insert(QStringLiteral("rollbackJob"), previous->jobId);
        for (const WireDeployment &d : history)
            if (d.mapped == DeployStatus::Blocked || d.mapped == DeployStatus::Running) {
                plan.warnings.append(
                    QStringLiteral("deployment #%1 of %2 to %3 is %4; the rollback "
                                   "does not stop it")
                        .arg(d.iid)
                        .arg(versionOf(d), gitlabEnv, d.status));
                break;
            }
        return plan;
    }

    ActionPlan retryJob()
    {
        WireJob job;
        const ProjectSnapshot *p = nullptr;
        if (target.kind == Target::Kind::Job) {
            p = projectOfJob(target.id, &job);
        } else {
            QString gitlabEnv;
            p = projectOf(&gitlabEnv);
            // The newest deployment when it failed (a success since makes a retry pointless).
            if (p) {
                const QList<WireDeployment> history = p->deploymentsTo(gitlabEnv);
                for (const WireDeployment &d : history) {
                    if (d.mapped == DeployStatus::Blocked || d.mapped == DeployStatus::Created)
                        continue;
                    if (d.mapped == DeployStatus::Failed || d.mapped == DeployStatus::Cancelled)
                        projectOfJob(d.jobId, &job);
                    break;
                }
            }
        }
        if (!p || !job.id) {
            if (target.kind == Target::Kind::None)
                return retryPipeline();
            return infeasible(
                plan, QStringLiteral("job %1 is not known on this connection").arg(target.id));
        }
        if (job.status != QLatin1String("failed") && job.status != QLatin1String("canceled"))
            return infeasible(
                plan,
                QStringLiteral("job %1 (%2) is %3, not failed")
                    .arg(job.id)
                    .arg(job.name, job.status),
                {QStringLiteral("rollback re-deploys an older successful deployment")});
        const int pc = jobIs(*p, job.id, job.name, QStringLiteral("failed|canceled"),
                             QStringLiteral("failed or canceled"));
        addRequest("POST", projectPath(*p) + QStringLiteral("/jobs/%1/retry").arg(job.id), {},
                   QStringLiteral("retry job %1 (%2) of pipeline %3")
                       .arg(job.id)
                       .arg(job.name)
                       .arg(job.pipelineId),
                   {pc});
        plan.summary =
            QStringLiteral("Retry job %1 (%2) of %3").arg(job.id).arg(job.name, name(*p));
        return plan;
    }

    ActionPlan retryPipeline()
    {
        const WirePipeline *pl = nullptr;
        const ProjectSnapshot *p = pipelineFor(&pl, false, true);
        if (!p || !pl)
            return infeasible(
                plan,
                target.kind == Target::Kind::Pipeline
                    ? QStringLiteral("pipeline %1 is not known on this connection").arg(target.id)
                    : QStringLiteral("no failed pipeline of %1 to retry").arg(a.service));
        if (pl->mapped != RunStatus::Failed && pl->mapped != RunStatus::Cancelled)
            return infeasible(plan, QStringLiteral("pipeline %1 is %2: GitLab retries failed or "
                                                   "canceled jobs only")
                                        .arg(pl->id)
                                        .arg(pl->status));
        const int pc =
            addPrecondition(QStringLiteral("pipeline %1 is still failed or canceled").arg(pl->id),
                            projectPath(*p) + QStringLiteral("/pipelines/%1").arg(pl->id),
                            QStringLiteral("pipeline.status"), QStringLiteral("failed|canceled"));
        addRequest("POST", projectPath(*p) + QStringLiteral("/pipelines/%1/retry").arg(pl->id), {},
                   QStringLiteral("retry the failed and canceled jobs of pipeline #%1 of %2")
                       .arg(pl->iid)
                       .arg(name(*p)),
                   {pc});
        plan.summary =
            QStringLiteral("Retry pipeline %1 (#%2) of %3").arg(pl->id).arg(pl->iid).arg(name(*p));
        return plan;
    }
};

} // namespace

ActionPlan planAction(const ReleaseAction &action, const PlanningState &state)
{
    return Planner(action, state).run();
}

QList<int> checksBefore(const ActionPlan &plan, int index)
{
    return http::ActionExecutor::checksBefore(plan, index);
}

bool preconditionHolds(const Precondition &pc, const QByteArray &body, QString *found)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QString value;
    if (pc.field == QLatin1String("deployments.newest_id")) {
        const QJsonArray list = doc.array();
        value = list.isEmpty()
                    ? QStringLiteral("none")
                    : QString::number(
                          qint64(list.first().toObject().value(QLatin1String("id")).toDouble()));
        if (found)
            *found = value;
        return doc.isArray() && value == pc.expected;
    }
    if (pc.field.endsWith(QLatin1String(".status"))) {
        value = doc.object().value(QLatin1String("status")).toString();
        if (found)
            *found = value.isEmpty() ? QStringLiteral("no status") : value;
        return !value.isEmpty() && pc.expected.split(QLatin1Char('|')).contains(value);
    }
    if (found)
        *found = QStringLiteral("unknown field %1").arg(pc.field);
    return false;
}

} // namespace fd::gitlab
