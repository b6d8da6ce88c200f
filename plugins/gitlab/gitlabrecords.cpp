#include "gitlabrecords.h"

#include <algorithm>

namespace fd::gitlab {

const WirePipeline *ProjectSnapshot::pipeline(qint64 id) const
{
    for (const WirePipeline &p : pipelines)
        if (p.id == id)
            return &p;
    return nullptr;
}

const WireEnvironment *ProjectSnapshot::environment(const QString &name) const
{
    for (const WireEnvironment &e : environments)
        if (e.name == name)
            return &e;
    return nullptr;
}

const WireProtectedEnvironment *ProjectSnapshot::protectedEnvironment(const QString &name) const
{
    for (const WireProtectedEnvironment &e : protectedEnvironments)
        if (e.name == name)
            return &e;
    return nullptr;
}

const WireJob *ProjectSnapshot::job(qint64 id) const
{
    for (const QList<WireJob> &list : jobs)
        for (const WireJob &j : list)
            if (j.id == id)
                return &j;
    return nullptr;
}

QList<WireDeployment> ProjectSnapshot::deploymentsTo(const QString &environment) const
{
    QList<WireDeployment> out;
    for (const WireDeployment &d : deployments)
        if (d.environment == environment)
            out.append(d);
    return out;
}

std::optional<WireDeployment> ProjectSnapshot::current(const QString &environment) const
{
    const WireEnvironment *env = this->environment(environment);
    if (env && env->detailed)
        return env->lastDeployment;
    for (const WireDeployment &d : deployments)
        if (d.environment == environment && d.mapped == DeployStatus::Succeeded)
            return d;
    return std::nullopt;
}

namespace {

QStringList stringsOf(const QVariant &v)
{
    QStringList out;
    if (v.typeId() == QMetaType::QString) {
        out.append(v.toString());
        return out;
    }
    for (const QVariant &item : v.toList()) {
        const QString s = item.toString().trimmed();
        if (!s.isEmpty())
            out.append(s);
    }
    return out;
}

} // namespace

bool sameProject(const QString &a, const QString &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

GitLabMapping::GitLabMapping(const ConnectionConfig &config)
    : m_config(config)
{
    const auto add = [this](const QString &project) {
        if (project.isEmpty())
            return;
        for (const QString &known : std::as_const(m_projects))
            if (sameProject(known, project))
                return;
        m_projects.append(project);
    };
    for (const QString &p : stringsOf(config.scope.value(QStringLiteral("projects"))))
        add(p);
    for (const ServiceBinding &b : config.bindings)
        add(b.object);
}

QString GitLabMapping::serviceFor(const QString &project) const
{
    // A pipeline binding (no environment) names the project's service most directly.
    QString fromEnvironment;
    for (const ServiceBinding &b : m_config.bindings) {
        if (!sameProject(b.object, project))
            continue;
        if (b.environment.isEmpty())
            return b.service;
        if (fromEnvironment.isEmpty())
            fromEnvironment = b.service;
    }
    return fromEnvironment.isEmpty() ? project.section(QLatin1Char('/'), -1) : fromEnvironment;
}

QString GitLabMapping::environmentFor(const QString &project,
                                      const QString &gitlabEnvironment) const
{
    for (const ServiceBinding &b : m_config.bindings)
        if (!b.environment.isEmpty() && sameProject(b.object, project) &&
            gitlabEnvironmentOf(b) == gitlabEnvironment)
            return b.environment;
    if (m_config.environments.contains(gitlabEnvironment))
        return gitlabEnvironment;
    return {};
}

const ServiceBinding *GitLabMapping::binding(const QString &service,
                                             const QString &environment) const
{
    for (const ServiceBinding &b : m_config.bindings)
        if (b.service == service && b.environment == environment)
            return &b;
    return nullptr;
}

QString GitLabMapping::gitlabEnvironmentOf(const ServiceBinding &binding)
{
    const QString named = binding.options.value(QStringLiteral("environment")).toString();
    return named.isEmpty() ? binding.environment : named;
}

QString gateId(qint64 deploymentId)
{
    return QStringLiteral("deployment/%1").arg(deploymentId);
}

QString versionOf(const WireDeployment &d)
{
    if (d.jobTag && !d.ref.isEmpty())
        return d.ref;
    return d.sha.left(8);
}

namespace {

RunStatus stageStatus(const QList<WireJob> &jobs)
{
    bool running = false, queued = false, waiting = false, failed = false, cancelled = false,
         succeeded = false;
    for (const WireJob &j : jobs) {
        switch (j.mapped) {
        case RunStatus::Running:
            running = true;
            break;
        case RunStatus::Queued:
            queued = true;
            break;
        case RunStatus::Waiting:
            waiting = true;
            break;
        case RunStatus::Failed:
            (j.allowFailure ? succeeded : failed) = true;
            break;
        case RunStatus::Cancelled:
            cancelled = true;
            break;
        case RunStatus::Succeeded:
            succeeded = true;
            break;
        default:
            break;
        }
    }
    if (running)
        return RunStatus::Running;
    if (failed)
        return RunStatus::Failed;
    if (queued)
        return RunStatus::Queued;
    if (waiting)
        return RunStatus::Waiting;
    if (cancelled)
        return RunStatus::Cancelled;
    return succeeded ? RunStatus::Succeeded : RunStatus::Skipped;
}

Stage stageOfJob(const WireJob &j)
{
    Stage s;
    s.name = j.name;
    s.status = j.mapped;
    s.started = j.started;
    s.finished = j.finished;
    s.durationMs = j.durationMs;
    s.id = QString::number(j.id);
    return s;
}

QList<Stage> stagesOf(qint64 pipelineId, QList<WireJob> jobs)
{
    // GitLab lists jobs newest first; stages run in the order their first job was created.
    std::sort(jobs.begin(), jobs.end(),
              [](const WireJob &a, const WireJob &b) { return a.id < b.id; });
    QStringList order;
    QHash<QString, QList<WireJob>> byStage;
    for (const WireJob &j : jobs) {
        if (!byStage.contains(j.stage))
            order.append(j.stage);
        byStage[j.stage].append(j);
    }
    QList<Stage> out;
    for (const QString &name : order) {
        const QList<WireJob> &stageJobs = byStage[name];
        Stage s;
        s.name = name;
        s.id = QStringLiteral("%1/%2").arg(pipelineId).arg(name);
        s.status = stageStatus(stageJobs);
        bool allFinished = true;
        for (const WireJob &j : stageJobs) {
            s.steps.append(stageOfJob(j));
            if (j.started.isValid() && (!s.started.isValid() || j.started < s.started))
                s.started = j.started;
            if (j.finished.isValid() && (!s.finished.isValid() || j.finished > s.finished))
                s.finished = j.finished;
            allFinished = allFinished && isFinished(j.mapped);
        }
        if (!allFinished)
            s.finished = QDateTime();
        if (s.started.isValid() && s.finished.isValid())
            s.durationMs = s.started.msecsTo(s.finished);
        out.append(s);
    }
    return out;
}

QString approverText(const WireApprovalRule &r)
{
    if (!r.description.isEmpty())
        return r.description;
    if (r.userId)
        return QStringLiteral("user %1").arg(r.userId);
    if (r.groupId)
        return QStringLiteral("group %1").arg(r.groupId);
    return QStringLiteral("access level %1").arg(r.accessLevel);
}

QString sourceId(const QString &connection, const QString &what)
{
    return QStringLiteral("gitlab:%1:%2").arg(connection, what);
}

} // namespace

RecordSet buildRecords(const GitLabMapping &mapping, const ProjectSnapshot &snap, qint64 userId)
{
    RecordSet out;
    const QString connection = mapping.config().id;
    const QString project = snap.path.isEmpty() ? snap.ref : snap.path;
    const QString service = mapping.serviceFor(snap.ref);
    const auto envOf = [&](const QString &gitlabEnv) {
        QString env = mapping.environmentFor(snap.ref, gitlabEnv);
        if (env.isEmpty() && !sameProject(snap.ref, project))
            env = mapping.environmentFor(project, gitlabEnv);
        return env;
    };
    const auto serviceOf = [&](const QString &env) {
        for (const ServiceBinding &b : mapping.config().bindings)
            if (b.environment == env &&
                (sameProject(b.object, snap.ref) || sameProject(b.object, project)))
                return b.service;
        return service;
    };

    for (const WirePipeline &p : snap.pipelines) {
        Run r;
        r.connectionId = connection;
        r.id = QString::number(p.id);
        r.service = service;
        r.pipeline = project;
        r.number = QString::number(p.iid ? p.iid : p.id);
        r.branch = p.ref;
        r.commit = p.sha;
        r.actor = p.user;
        r.event = p.source;
        r.status = p.mapped;
        r.created = p.created;
        r.started = p.started;
        r.finished = isFinished(p.mapped) ? p.finished : QDateTime();
        r.url = p.webUrl;
        const QList<WireJob> jobs = snap.jobs.value(p.id);
        r.stages = stagesOf(p.id, jobs);
        QStringList envs;
        for (const WireJob &j : jobs) {
            if (r.actor.isEmpty())
                r.actor = j.user;
            if (j.started.isValid() && (!r.started.isValid() || j.started < r.started))
                r.started = j.started;
            if (isFinished(p.mapped) && j.finished.isValid() &&
                (!r.finished.isValid() || j.finished > r.finished))
                r.finished = j.finished;
            const QString env = j.environment.isEmpty() ? QString() : envOf(j.environment);
            if (!env.isEmpty() && !envs.contains(env))
                envs.append(env);
        }
        if (envs.size() == 1) // a pipeline that deploys to one environment is that deploy
            r.environment = envs.first();
        out.runs.append(r);

        TimelineEvent started;
        started.source = connection;
        started.service = service;
        started.environment = r.environment;
        started.actor = r.actor;
        started.version = p.sha.left(8);
        started.link = p.webUrl;
        if (r.started.isValid() || p.mapped == RunStatus::Running) {
            started.sourceId =
                sourceId(connection, QStringLiteral("pipeline/%1/started").arg(p.id));
            started.kind = TimelineEvent::Kind::RunStarted;
            started.time = r.started.isValid() ? r.started : p.created;
            started.title =
                QStringLiteral("pipeline #%1 of %2 started on %3").arg(r.number, project, p.ref);
            out.events.append(started);
        }
        if (isFinished(p.mapped) && p.mapped != RunStatus::Skipped) {
            TimelineEvent done = started;
            const char *word = p.mapped == RunStatus::Succeeded ? "finished"
                               : p.mapped == RunStatus::Failed  ? "failed"
                                                                : "was canceled";
            done.kind = p.mapped == RunStatus::Succeeded ? TimelineEvent::Kind::RunSucceeded
                        : p.mapped == RunStatus::Failed  ? TimelineEvent::Kind::RunFailed
                                                         : TimelineEvent::Kind::RunCancelled;
            done.sourceId =
                sourceId(connection, QStringLiteral("pipeline/%1/%2").arg(p.id).arg(p.status));
            done.time = r.finished.isValid() ? r.finished : p.updated;
            done.title =
                QStringLiteral("pipeline #%1 of %2 %3").arg(r.number, project, QLatin1String(word));
            out.events.append(done);
        }
        for (const WireJob &j : jobs) {
            // A manual job that left the manual state was played by someone.
            if (!j.manual || j.mapped == RunStatus::Waiting || j.mapped == RunStatus::Skipped ||
                !j.started.isValid())
                continue;
            TimelineEvent played;
            played.sourceId = sourceId(connection, QStringLiteral("job/%1/played").arg(j.id));
            played.source = connection;
            played.kind = TimelineEvent::Kind::OperatorAction;
            played.time = j.started;
            played.service = service;
            played.environment = j.environment.isEmpty() ? QString() : envOf(j.environment);
            played.actor = j.user;
            played.version = p.sha.left(8);
            played.title = QStringLiteral("manual job %1 played by %2").arg(j.name, j.user);
            played.link = j.webUrl;
            out.events.append(played);
        }
    }

    for (const WireDeployment &d : snap.deployments) {
        const QString env = envOf(d.environment);
        if (env.isEmpty())
            continue;
        const QString svc = serviceOf(env);
        Deployment dep;
        dep.connectionId = connection;
        dep.id = QString::number(d.id);
        dep.service = svc;
        dep.environment = env;
        dep.version = versionOf(d);
        dep.commit = d.sha;
        dep.ref = d.ref;
        dep.status = d.mapped;
        dep.created = d.created;
        dep.finished = d.finished;
        dep.actor = d.user;
        dep.url = d.jobUrl;
        dep.runId = d.pipelineId ? QString::number(d.pipelineId) : QString();
        out.deployments.append(dep);

        TimelineEvent e;
        e.source = connection;
        e.service = svc;
        e.environment = env;
        e.actor = d.user;
        e.version = dep.version;
        e.link = d.jobUrl;
        e.sourceId = sourceId(connection, QStringLiteral("deployment/%1/created").arg(d.id));
        e.kind = TimelineEvent::Kind::DeployStarted;
        e.time = d.created;
        e.title = QStringLiteral("deployment #%1 of %2 %3 to %4 created")
                      .arg(d.iid)
                      .arg(svc, dep.version, env);
        out.events.append(e);
        if (d.mapped == DeployStatus::Succeeded || d.mapped == DeployStatus::Failed ||
            d.mapped == DeployStatus::Blocked) {
            TimelineEvent s = e;
            s.kind = d.mapped == DeployStatus::Succeeded ? TimelineEvent::Kind::DeploySucceeded
                     : d.mapped == DeployStatus::Failed  ? TimelineEvent::Kind::DeployFailed
                                                         : TimelineEvent::Kind::DeployBlocked;
            s.sourceId =
                sourceId(connection, QStringLiteral("deployment/%1/%2").arg(d.id).arg(d.status));
            s.time = d.mapped == DeployStatus::Blocked
                         ? d.created
                         : (d.finished.isValid() ? d.finished : d.updated);
            s.title = QStringLiteral("deployment #%1 of %2 %3 to %4 %5")
                          .arg(d.iid)
                          .arg(svc, dep.version, env,
                               d.mapped == DeployStatus::Succeeded ? QStringLiteral("succeeded")
                               : d.mapped == DeployStatus::Failed
                                   ? QStringLiteral("failed")
                                   : QStringLiteral("is waiting for approval"));
            out.events.append(s);
        }
        for (const WireApproval &a : d.approvals) {
            TimelineEvent ap = e;
            ap.kind = a.status == QLatin1String("rejected") ? TimelineEvent::Kind::ApprovalRejected
                                                            : TimelineEvent::Kind::ApprovalGranted;
            ap.sourceId = sourceId(
                connection,
                QStringLiteral("deployment/%1/approval/%2/%3").arg(d.id).arg(a.user, a.status));
            ap.time = a.created;
            ap.actor = a.user;
            ap.title = QStringLiteral("%1 %2 deployment #%3 of %4 to %5")
                           .arg(a.user, a.status)
                           .arg(d.iid)
                           .arg(svc, env);
            ap.detail = a.comment;
            out.events.append(ap);
        }

        if (d.mapped != DeployStatus::Blocked)
            continue;
        Gate g;
        g.connectionId = connection;
        g.id = gateId(d.id);
        g.kind = GateKind::GitLabBlockedDeployment;
        g.service = svc;
        g.environment = env;
        g.title = QStringLiteral("Deploy %1 %2 to %3").arg(svc, dep.version, env);
        g.runId = dep.runId;
        g.since = d.created;
        g.url = d.jobUrl;
        QList<WireApprovalRule> rules = d.rules;
        if (rules.isEmpty())
            if (const WireProtectedEnvironment *pe = snap.protectedEnvironment(d.environment))
                rules = pe->rules;
        int required = 0;
        bool mayApprove = rules.isEmpty();
        for (const WireApprovalRule &r : std::as_const(rules)) {
            g.approvers.append(approverText(r));
            required += r.requiredApprovals;
            // A rule by role or group cannot be checked from here: GitLab decides. A rule that
            // names one user shuts everyone else out.
            if (!r.userId || !userId || r.userId == userId)
                mayApprove = true;
        }
        if (const WireProtectedEnvironment *pe = snap.protectedEnvironment(d.environment))
            required = std::max(required, pe->requiredApprovals);
        g.currentUserCanApprove = mayApprove;
        g.details.insert(QStringLiteral("deploymentId"), d.id);
        g.details.insert(QStringLiteral("jobId"), d.jobId);
        g.details.insert(QStringLiteral("requiredApprovals"), required);
        g.details.insert(QStringLiteral("pendingApprovals"), d.pendingApprovalCount);
        g.details.insert(QStringLiteral("project"), project);
        g.details.insert(QStringLiteral("gitlabEnvironment"), d.environment);
        out.gates.append(g);
    }

    for (const WireEnvironment &e : snap.environments) {
        const QString env = envOf(e.name);
        if (env.isEmpty())
            continue;
        EnvironmentState st;
        st.connectionId = connection;
        st.service = serviceOf(env);
        st.environment = env;
        st.object = project;
        st.url = e.externalUrl;
        const std::optional<WireDeployment> current = snap.current(e.name);
        if (current) {
            st.version = versionOf(*current);
            st.commit = current->sha;
            st.deployedAt = current->finished.isValid() ? current->finished : current->created;
            st.deployedBy = current->user;
            st.deploymentId = QString::number(current->id);
            st.health = Health::Healthy;
            st.sync = SyncState::Synced;
        }
        const QList<WireDeployment> history = snap.deploymentsTo(e.name);
        if (!history.isEmpty()) {
            const WireDeployment &newest = history.first();
            if (newest.mapped == DeployStatus::Running || newest.mapped == DeployStatus::Created) {
                st.operationRunning = newest.mapped == DeployStatus::Running;
                st.health = Health::Progressing;
                st.healthMessage = QStringLiteral("deployment #%1 of %2 is %3")
                                       .arg(newest.iid)
                                       .arg(versionOf(newest), newest.status);
            } else if (newest.mapped == DeployStatus::Failed) {
                st.health = Health::Degraded;
                st.healthMessage = QStringLiteral("the last deployment (#%1 of %2) failed")
                                       .arg(newest.iid)
                                       .arg(versionOf(newest));
            } else if (newest.mapped == DeployStatus::Blocked) {
                st.healthMessage = QStringLiteral("deployment #%1 of %2 waits for approval")
                                       .arg(newest.iid)
                                       .arg(versionOf(newest));
            }
            if (current && newest.sha != current->sha && newest.mapped != DeployStatus::Failed &&
                newest.mapped != DeployStatus::Cancelled)
                st.sync = SyncState::OutOfSync;
        }
        if (e.state == QLatin1String("stopped")) {
            st.health = Health::Missing;
            st.healthMessage = QStringLiteral("environment %1 is stopped").arg(e.name);
        }
        out.environments.append(st);
    }
    return out;
}

} // namespace fd::gitlab
