#include "githubmapping.h"

#include <algorithm>

namespace fd::github {

namespace {

QString idText(qint64 id)
{
    return QString::number(id);
}

bool sameRepo(const QString &a, const QString &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

/// Names teams use for the same stage; a GitHub "production" is Flightdeck's "prod".
QString canonicalStage(const QString &name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("production") || n == QLatin1String("prd") || n == QLatin1String("live"))
        return QStringLiteral("prod");
    if (n == QLatin1String("stage") || n == QLatin1String("stg") || n == QLatin1String("preprod"))
        return QStringLiteral("staging");
    if (n == QLatin1String("development") || n == QLatin1String("develop"))
        return QStringLiteral("dev");
    return n;
}

Stage stageOf(const WireJob &job)
{
    Stage s;
    s.id = idText(job.id);
    s.name = job.name;
    s.status = job.mapped;
    s.started = job.started;
    s.finished = job.completed;
    if (job.started.isValid() && job.completed.isValid())
        s.durationMs = job.started.msecsTo(job.completed);
    for (const WireStep &ws : job.steps) {
        Stage step;
        step.id = idText(job.id) + QLatin1Char('/') + QString::number(ws.number);
        step.name = ws.name;
        step.status = ws.mapped;
        step.started = ws.started;
        step.finished = ws.completed;
        if (ws.started.isValid() && ws.completed.isValid())
            step.durationMs = ws.started.msecsTo(ws.completed);
        s.steps.append(step);
    }
    return s;
}

} // namespace

const WireRun *RepoSnapshot::run(qint64 id) const
{
    for (const auto &r : runs)
        if (r.id == id)
            return &r;
    return nullptr;
}

const WireEnvironment *RepoSnapshot::environment(const QString &name) const
{
    for (const auto &e : environments)
        if (e.name.compare(name, Qt::CaseInsensitive) == 0)
            return &e;
    return nullptr;
}

const WireEnvironment *RepoSnapshot::environment(qint64 id) const
{
    for (const auto &e : environments)
        if (e.id == id)
            return &e;
    return nullptr;
}

DeployStatus RepoSnapshot::deploymentStatus(qint64 deploymentId) const
{
    const auto it = statuses.constFind(deploymentId);
    if (it == statuses.constEnd())
        return DeployStatus::Created;
    const WireDeploymentStatus *newest = newestStatus(*it);
    return newest ? newest->mapped : DeployStatus::Created;
}

QString DeploymentView::version() const
{
    if (!wire.payloadVersion.isEmpty())
        return wire.payloadVersion;
    return wire.ref.isEmpty() ? wire.sha : wire.ref;
}

GitHubMapping::GitHubMapping(const ConnectionConfig &config)
    : m_config(config)
{
    const auto add = [this](const QString &repo) {
        const QString r = repo.trimmed();
        if (r.count(QLatin1Char('/')) != 1)
            return;
        for (const QString &known : std::as_const(m_repos))
            if (sameRepo(known, r))
                return;
        m_repos.append(r);
    };
    for (const QVariant &v : config.scope.value(QStringLiteral("repos")).toList())
        add(v.toString());
    // A scope written as one string ("acme/a, acme/b") is accepted too.
    if (config.scope.value(QStringLiteral("repos")).typeId() == QMetaType::QString) {
        const auto parts =
            config.scope.value(QStringLiteral("repos")).toString().split(QLatin1Char(','));
        for (const QString &p : parts)
            add(p);
    }
    for (const ServiceBinding &b : config.bindings)
        add(b.object);
}

QString GitHubMapping::serviceFor(const QString &repo, const QString &workflowFile) const
{
    QString first;
    for (const ServiceBinding &b : m_config.bindings) {
        if (!sameRepo(b.object, repo))
            continue;
        if (!workflowFile.isEmpty() && workflowOf(b) == workflowFile)
            return b.service;
        if (first.isEmpty())
            first = b.service;
    }
    return first.isEmpty() ? repo.section(QLatin1Char('/'), -1) : first;
}

QString GitHubMapping::environmentFor(const QString &repo, const QString &githubEnvironment) const
{
    for (const ServiceBinding &b : m_config.bindings) {
        if (!b.environment.isEmpty() && sameRepo(b.object, repo) &&
            githubEnvironmentOf(b).compare(githubEnvironment, Qt::CaseInsensitive) == 0)
            return b.environment;
    }
    // Conventions: the same name, any case; then the usual aliases of a stage.
    for (const QString &env : m_config.environments)
        if (env.compare(githubEnvironment, Qt::CaseInsensitive) == 0)
            return env;
    const QString stage = canonicalStage(githubEnvironment);
    for (const QString &env : m_config.environments)
        if (canonicalStage(env) == stage)
            return env;
    return githubEnvironment;
}

const ServiceBinding *GitHubMapping::binding(const QString &service,
                                             const QString &environment) const
{
    for (const ServiceBinding &b : m_config.bindings)
        if (b.service == service && b.environment == environment)
            return &b;
    return nullptr;
}

QString GitHubMapping::githubEnvironmentOf(const ServiceBinding &binding)
{
    for (const char *key : {"environment", "backendEnvironment"}) {
        const QString v = binding.options.value(QLatin1String(key)).toString();
        if (!v.isEmpty())
            return v;
    }
    return binding.environment;
}

QString GitHubMapping::workflowOf(const ServiceBinding &binding)
{
    return binding.options.value(QStringLiteral("workflow")).toString();
}

QString GitHubMapping::previousEnvironment(const QString &environment) const
{
    const qsizetype i = m_config.environments.indexOf(environment);
    return i > 0 ? m_config.environments.at(i - 1) : QString();
}

QList<DeploymentView> deploymentsTo(const RepoSnapshot &snapshot, const QString &githubEnvironment)
{
    QList<DeploymentView> out;
    for (const WireDeployment &d : snapshot.deployments) {
        if (d.environment.compare(githubEnvironment, Qt::CaseInsensitive) != 0)
            continue;
        DeploymentView v;
        v.wire = d;
        v.status = snapshot.deploymentStatus(d.id);
        const auto it = snapshot.statuses.constFind(d.id);
        if (it != snapshot.statuses.constEnd()) {
            if (const WireDeploymentStatus *newest = newestStatus(*it)) {
                if (isTerminalDeploymentState(newest->state))
                    v.finished = newest->created;
            }
            for (const auto &s : *it) {
                if (const qint64 run = runIdFromStatus(s)) {
                    v.runId = run;
                    break;
                }
            }
        }
        out.append(v);
    }
    std::sort(out.begin(), out.end(), [](const DeploymentView &a, const DeploymentView &b) {
        return a.wire.created != b.wire.created ? a.wire.created > b.wire.created
                                                : a.wire.id > b.wire.id;
    });
    return out;
}

QString gateId(qint64 runId, qint64 environmentId)
{
    return QStringLiteral("run/%1/env/%2").arg(runId).arg(environmentId);
}

RecordSet buildRecords(const GitHubMapping &mapping, const RepoSnapshot &snap)
{
    RecordSet out;
    const QString conn = mapping.config().id;
    const QString repo = snap.repo;

    // Which environment a run deploys to: its pending gate, a deployment status naming it,
    // or the only environment whose binding uses the run's workflow.
    QHash<qint64, QString> runEnvironment;
    for (auto it = snap.pending.cbegin(); it != snap.pending.cend(); ++it)
        if (!it->isEmpty())
            runEnvironment.insert(it.key(),
                                  mapping.environmentFor(repo, it->first().environmentName));
    for (const WireDeployment &d : snap.deployments) {
        for (const auto &s : snap.statuses.value(d.id))
            if (const qint64 run = runIdFromStatus(s); run && !runEnvironment.contains(run))
                runEnvironment.insert(run, mapping.environmentFor(repo, d.environment));
    }

    for (const WireRun &wr : snap.runs) {
        Run r;
        r.connectionId = conn;
        r.id = idText(wr.id);
        r.service = mapping.serviceFor(repo, wr.workflowFile);
        r.environment = runEnvironment.value(wr.id);
        if (r.environment.isEmpty()) {
            QStringList envs;
            for (const ServiceBinding &b : mapping.config().bindings)
                if (!b.environment.isEmpty() && sameRepo(b.object, repo) &&
                    GitHubMapping::workflowOf(b) == wr.workflowFile)
                    envs.append(b.environment);
            if (envs.size() == 1)
                r.environment = envs.first();
        }
        r.pipeline = wr.name.isEmpty() ? wr.workflowFile : wr.name;
        r.number = QString::number(wr.runNumber);
        r.attempt = wr.attempt;
        r.branch = wr.headBranch;
        r.commit = wr.headSha;
        r.actor = wr.actor;
        r.event = wr.event;
        r.status = wr.mapped;
        r.created = wr.created;
        r.started = wr.started.isValid() ? wr.started : wr.created;
        if (isFinished(wr.mapped))
            r.finished = wr.updated;
        r.url = wr.htmlUrl;
        for (const WireJob &j : snap.jobs.value(wr.id))
            r.stages.append(stageOf(j));
        out.runs.append(r);

        const QString base = QStringLiteral("run/%1/%2").arg(wr.id).arg(wr.attempt);
        TimelineEvent started;
        started.source = conn;
        started.sourceId = base + QStringLiteral("/started");
        started.kind = TimelineEvent::Kind::RunStarted;
        started.time = r.started;
        started.service = r.service;
        started.environment = r.environment;
        started.actor = r.actor;
        started.version = wr.headSha.left(12);
        started.title = QStringLiteral("%1 #%2 started").arg(r.pipeline, r.number);
        started.detail = repo;
        started.link = r.url;
        if (wr.mapped != RunStatus::Queued)
            out.events.append(started);
        if (isFinished(wr.mapped)) {
            TimelineEvent done = started;
            done.sourceId = base + QStringLiteral("/finished");
            done.time = r.finished;
            switch (wr.mapped) {
            case RunStatus::Failed:
                done.kind = TimelineEvent::Kind::RunFailed;
                done.title = QStringLiteral("%1 #%2 failed").arg(r.pipeline, r.number);
                break;
            case RunStatus::Cancelled:
                done.kind = TimelineEvent::Kind::RunCancelled;
                done.title = QStringLiteral("%1 #%2 cancelled").arg(r.pipeline, r.number);
                break;
            default:
                done.kind = TimelineEvent::Kind::RunSucceeded;
                done.title =
                    QStringLiteral("%1 #%2 finished (%3)").arg(r.pipeline, r.number, wr.conclusion);
                break;
            }
            out.events.append(done);
        }
    }

    // Deployments, and what each environment runs.
    QHash<QString, QList<DeploymentView>> byEnvironment; // GitHub environment name → newest first
    QStringList githubEnvs;
    for (const WireDeployment &d : snap.deployments)
        if (!githubEnvs.contains(d.environment, Qt::CaseInsensitive))
            githubEnvs.append(d.environment);
    for (const QString &ge : std::as_const(githubEnvs))
        byEnvironment.insert(ge, deploymentsTo(snap, ge));

    for (const QString &ge : std::as_const(githubEnvs)) {
        const QString env = mapping.environmentFor(repo, ge);
        QString service;
        for (const ServiceBinding &b : mapping.config().bindings)
            if (b.environment == env && sameRepo(b.object, repo))
                service = b.service;
        if (service.isEmpty())
            service = mapping.serviceFor(repo);
        for (const DeploymentView &v : byEnvironment.value(ge)) {
            Deployment d;
            d.connectionId = conn;
            d.id = idText(v.wire.id);
            d.service = service;
            d.environment = env;
            d.version = v.version();
            d.commit = v.wire.sha;
            d.ref = v.wire.ref;
            d.status = v.status;
            d.created = v.wire.created;
            d.finished = v.finished;
            d.actor = v.wire.creator;
            if (const WireEnvironment *we = snap.environment(ge))
                d.url = we->htmlUrl;
            if (v.runId)
                d.runId = idText(v.runId);
            out.deployments.append(d);

            TimelineEvent created;
            created.source = conn;
            created.sourceId = QStringLiteral("deployment/%1/created").arg(v.wire.id);
            created.kind = TimelineEvent::Kind::DeployStarted;
            created.time = v.wire.created;
            created.service = service;
            created.environment = env;
            created.actor = v.wire.creator;
            created.version = d.version;
            created.title = QStringLiteral("Deploy %1 %2 to %3").arg(service, d.version, env);
            created.detail = repo;
            created.link = d.url;
            out.events.append(created);
            if (v.status == DeployStatus::Succeeded || v.status == DeployStatus::Failed) {
                TimelineEvent end = created;
                const bool ok = v.status == DeployStatus::Succeeded;
                end.sourceId = QStringLiteral("deployment/%1/%2")
                                   .arg(v.wire.id)
                                   .arg(ok ? QLatin1String("succeeded") : QLatin1String("failed"));
                end.kind =
                    ok ? TimelineEvent::Kind::DeploySucceeded : TimelineEvent::Kind::DeployFailed;
                end.time = v.finished.isValid() ? v.finished : v.wire.updated;
                end.title = QStringLiteral("%1 %2 %3 in %4")
                                .arg(service, d.version,
                                     ok ? QLatin1String("deployed") : QLatin1String("failed"), env);
                out.events.append(end);
            }
        }
    }

    // One environment state per bound environment and per environment deployed to.
    QList<QPair<QString, QString>> cells; // (service, GitHub environment)
    for (const ServiceBinding &b : mapping.config().bindings)
        if (!b.environment.isEmpty() && sameRepo(b.object, repo))
            cells.append({b.service, GitHubMapping::githubEnvironmentOf(b)});
    for (const QString &ge : std::as_const(githubEnvs)) {
        const QString env = mapping.environmentFor(repo, ge);
        bool bound = false;
        for (const auto &c : std::as_const(cells))
            if (mapping.environmentFor(repo, c.second) == env)
                bound = true;
        if (!bound)
            cells.append({mapping.serviceFor(repo), ge});
    }
    for (const auto &[service, ge] : std::as_const(cells)) {
        EnvironmentState s;
        s.connectionId = conn;
        s.service = service;
        s.environment = mapping.environmentFor(repo, ge);
        s.object = repo;
        if (const WireEnvironment *we = snap.environment(ge))
            s.url = we->htmlUrl;
        const QList<DeploymentView> list = byEnvironment.value(ge, deploymentsTo(snap, ge));
        for (const DeploymentView &v : list) {
            if (v.status != DeployStatus::Succeeded)
                continue;
            s.version = v.version();
            s.commit = v.wire.sha;
            s.deployedAt = v.finished.isValid() ? v.finished : v.wire.created;
            s.deployedBy = v.wire.creator;
            s.deploymentId = idText(v.wire.id);
            break;
        }
        s.sync = SyncState::Unknown;
        if (!list.isEmpty()) {
            const DeploymentView &newest = list.first();
            switch (newest.status) {
            case DeployStatus::Succeeded:
                s.health = Health::Healthy;
                break;
            case DeployStatus::Failed:
                s.health = Health::Degraded;
                s.healthMessage = QStringLiteral("deployment of %1 failed").arg(newest.version());
                break;
            case DeployStatus::Created:
            case DeployStatus::Queued:
            case DeployStatus::Running:
                s.health = Health::Progressing;
                s.operationRunning = true;
                s.healthMessage = QStringLiteral("deploying %1").arg(newest.version());
                break;
            default:
                break;
            }
        }
        out.environments.append(s);
    }

    // Gates: pending deployments of waiting runs.
    for (auto it = snap.pending.cbegin(); it != snap.pending.cend(); ++it) {
        const WireRun *wr = snap.run(it.key());
        if (!wr || wr->mapped != RunStatus::Waiting)
            continue;
        for (const WirePendingDeployment &p : *it) {
            Gate g;
            g.connectionId = conn;
            g.id = gateId(wr->id, p.environmentId);
            g.kind = GateKind::GitHubPendingDeployment;
            g.environment = mapping.environmentFor(repo, p.environmentName);
            g.service = mapping.serviceFor(repo, wr->workflowFile);
            for (const ServiceBinding &b : mapping.config().bindings)
                if (b.environment == g.environment && sameRepo(b.object, repo))
                    g.service = b.service;
            g.title = QStringLiteral("Deploy %1 to %2 (%3 #%4)")
                          .arg(g.service, g.environment, wr->name)
                          .arg(wr->runNumber);
            g.runId = idText(wr->id);
            g.since = p.waitTimerStarted.isValid() ? p.waitTimerStarted : wr->updated;
            g.approvers = p.reviewers;
            if (g.approvers.isEmpty()) {
                if (const WireEnvironment *we = snap.environment(p.environmentId))
                    g.approvers = we->reviewers;
            }
            g.currentUserCanApprove = p.currentUserCanApprove;
            g.waitTimerMinutes = p.waitTimerMinutes;
            g.url = wr->htmlUrl;
            g.details = {
                {QStringLiteral("environmentIds"), QVariantList{p.environmentId}},
                {QStringLiteral("githubEnvironment"), p.environmentName},
                {QStringLiteral("runId"), wr->id},
                {QStringLiteral("runAttempt"), wr->attempt},
                {QStringLiteral("repo"), repo},
                {QStringLiteral("commit"), wr->headSha},
            };
            out.gates.append(g);

            TimelineEvent e;
            e.source = conn;
            e.sourceId = g.id + QStringLiteral("/requested");
            e.kind = TimelineEvent::Kind::ApprovalRequested;
            e.time = g.since;
            e.service = g.service;
            e.environment = g.environment;
            e.actor = wr->actor;
            e.version = wr->headSha.left(12);
            e.title = QStringLiteral("Approval requested: %1").arg(g.title);
            e.detail = repo;
            e.link = g.url;
            out.events.append(e);
        }
    }

    // Approval decisions read after a gate went away.
    for (auto it = snap.approvals.cbegin(); it != snap.approvals.cend(); ++it) {
        const WireRun *wr = snap.run(it.key());
        for (const WireApproval &a : *it) {
            const bool approved = a.state == QLatin1String("approved");
            if (!approved && a.state != QLatin1String("rejected"))
                continue;
            for (qsizetype i = 0; i < a.environmentIds.size(); ++i) {
                TimelineEvent e;
                e.source = conn;
                e.sourceId = gateId(it.key(), a.environmentIds.at(i)) +
                             (approved ? QStringLiteral("/approved") : QStringLiteral("/rejected"));
                e.kind = approved ? TimelineEvent::Kind::ApprovalGranted
                                  : TimelineEvent::Kind::ApprovalRejected;
                e.time = snap.approvalsSeen.value(it.key());
                e.environment = mapping.environmentFor(repo, a.environmentNames.value(i));
                e.service = mapping.serviceFor(repo, wr ? wr->workflowFile : QString());
                for (const ServiceBinding &b : mapping.config().bindings)
                    if (b.environment == e.environment && sameRepo(b.object, repo))
                        e.service = b.service;
                e.actor = a.user;
                e.title = QStringLiteral("%1 %2 deploy of %3 to %4")
                              .arg(a.user.isEmpty() ? QStringLiteral("someone") : a.user,
                                   approved ? QLatin1String("approved") : QLatin1String("rejected"),
                                   e.service, e.environment);
                e.detail = a.comment;
                if (wr)
                    e.link = wr->htmlUrl;
                out.events.append(e);
            }
        }
    }
    return out;
}

} // namespace fd::github
