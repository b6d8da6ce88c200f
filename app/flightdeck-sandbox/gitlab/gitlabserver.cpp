#include "gitlabserver.h"

#include "core/backends.h"
#include "gitlabcommits.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLocale>
#include <QUrl>
#include <QUrlQuery>

#include <httplib.h>

#include <algorithm>

namespace fd::sandbox {

namespace {

// GitLab answers JSON as exactly "application/json"; python-gitlab parses nothing else.
void sendGitLabJson(httplib::Response &res, int status, const QJsonDocument &doc)
{
    sendJson(res, status, doc, "application/json");
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}
std::string s(const QString &q)
{
    return q.toStdString();
}
QLatin1String k(const char *name)
{
    return QLatin1String(name);
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}
QJsonValue isoOrNull(qint64 ms)
{
    return ms < 0 ? QJsonValue() : QJsonValue(iso(ms));
}
qint64 parseIso(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}
QString httpDate(qint64 ms)
{
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC),
                                 QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")) +
           QStringLiteral(" GMT");
}
bool finished(const QString &st)
{
    return st == QLatin1String("success") || st == QLatin1String("failed") ||
           st == QLatin1String("canceled") || st == QLatin1String("skipped");
}

} // namespace

struct GitLabServer::Request
{
    const httplib::Request &http;
    QString method;
    QStringList segments; // decoded per segment (a %2F inside a segment stays inside it)
    QString path;         // raw path, for Link
    int userId = 0;
    QString token;
    QString param(const char *name) const { return q(http.get_param_value(name)); }
    bool has(const char *name) const { return http.has_param(name); }
    QStringList params(const char *name) const
    {
        QStringList out;
        for (size_t i = 0; i < http.get_param_value_count(name); ++i)
            out.append(q(http.get_param_value(name, i)));
        return out;
    }
};

GitLabServer::GitLabServer(Sandbox &sandbox)
    : BackendServer(QStringLiteral("gitlab"), sandbox)
{
    build();
}

std::unique_ptr<BackendServer> makeGitLabServer(Sandbox &sandbox)
{
    return std::make_unique<GitLabServer>(sandbox);
}

QJsonObject GitLabServer::credentials() const
{
    return QJsonObject{{k("token"), token()}, {k("approverToken"), approverToken()}};
}

void GitLabServer::reset()
{
    std::lock_guard guard(sandbox().lock());
    m_users.clear();
    m_projects.clear();
    m_pipelines.clear();
    m_jobs.clear();
    m_deployments.clear();
    m_environments.clear();
    m_requestWindow.clear();
    m_pipelineCreates.clear();
    m_nextPipeline = m_nextJob = m_nextDeployment = m_nextEnvironment = 1;
    build();
}

// ---- the estate ----

GitLabServer::Project &GitLabServer::addProject(const QString &path, const QString &service)
{
    for (Project &p : m_projects) {
        if (p.path == path)
            return p;
    }
    Project p;
    p.id = 100 + int(m_projects.size()) + 1;
    p.path = path;
    p.service = service;
    return *m_projects.insert(p.id, p);
}

GitLabServer::Pipeline &
GitLabServer::addPipeline(Project &p, const QString &sha, qint64 createdMs, int userId)
{
    Pipeline pl;
    pl.id = m_nextPipeline++;
    pl.iid = p.nextPipelineIid++;
    pl.projectId = p.id;
    pl.sha = sha;
    const int idx = int(p.commits.indexOf(sha));
    pl.beforeSha = idx > 0 ? p.commits.at(idx - 1) : QString(40, QLatin1Char('0'));
    pl.createdMs = pl.updatedMs = createdMs;
    pl.userId = userId;
    p.pipelineIds.append(pl.id);
    return *m_pipelines.insert(pl.id, pl);
}

GitLabServer::Job &GitLabServer::addJob(
    Pipeline &pl, const QString &name, const QString &stage, int stageIndex, qint64 durationMs)
{
    Job j;
    j.id = m_nextJob++;
    j.projectId = pl.projectId;
    j.pipelineId = pl.id;
    j.name = name;
    j.stage = stage;
    j.stageIndex = stageIndex;
    j.status = QStringLiteral("created");
    j.createdMs = pl.createdMs;
    j.durationPlanMs = durationMs;
    j.userId = pl.userId;
    pl.jobIds.append(j.id);
    return *m_jobs.insert(j.id, j);
}

GitLabServer::Deployment &GitLabServer::addDeployment(Project &p, Job &job, int environmentId)
{
    Deployment d;
    d.id = m_nextDeployment++;
    d.iid = p.nextDeploymentIid++;
    d.projectId = p.id;
    d.environmentId = environmentId;
    d.jobId = job.id;
    d.userId = job.userId;
    d.sha = m_pipelines.value(job.pipelineId).sha;
    d.createdMs = d.updatedMs = job.createdMs;
    job.deploymentId = d.id;
    job.environment = m_environments.value(environmentId).name;
    return *m_deployments.insert(d.id, d);
}

GitLabServer::Environment *GitLabServer::environmentByName(const Project &p, const QString &name)
{
    for (int id : p.environmentIds) {
        if (m_environments[id].name == name)
            return &m_environments[id];
    }
    return nullptr;
}

void GitLabServer::build()
{
    const World &world = sandbox().world();
    const qint64 epoch = sandbox().clock().epochMs();
    m_lastTickMs = epoch;
    m_building = true;
    const QString seed = QString::number(world.seed);
    m_users.insert(
        1,
        User{1, QStringLiteral("flightdeck"), QStringLiteral("Flightdeck"),
             QStringLiteral("glpat-") + stableHex(QStringLiteral("gitlab-token:") + seed, 20), 40});
    m_users.insert(
        2, User{2, QStringLiteral("release-approver"), QStringLiteral("Release Approver"),
                QStringLiteral("glpat-") + stableHex(QStringLiteral("gitlab-approver:") + seed, 20),
                40});
    m_users.insert(
        3, User{3, QStringLiteral("release-bot"), QStringLiteral("Release Bot"), QString(), 30});

    bool approverRulePlaced = false;
    bool runningPlaced = false;
    for (const SimService &svc : world.services) {
        QList<const SimTarget *> targets;
        for (const SimTarget &t : svc.targets) {
            if (t.backend == QLatin1String("gitlab"))
                targets.append(&t);
        }
        const bool ci = svc.ciBackend == QLatin1String("gitlab");
        if (targets.isEmpty() && !ci)
            continue;
        const QString path = !targets.isEmpty()        ? targets.first()->object
                             : !svc.ciObject.isEmpty() ? svc.ciObject
                                                       : world.org + QLatin1Char('/') + svc.name;
        Project &p = addProject(path, svc.name);
        for (const SimCommit &c : svc.commits) {
            p.commits.append(c.sha);
            m_commitSubjects.insert(c.sha, c.subject);
            m_commitParents.insert(c.sha, c.parents);
        }
        for (const SimTarget *t : targets) {
            Environment e;
            e.id = m_nextEnvironment++;
            e.projectId = p.id;
            e.name = t->environment;
            e.tier = t->environment == QLatin1String("prod")      ? QStringLiteral("production")
                     : t->environment == QLatin1String("staging") ? QStringLiteral("staging")
                                                                  : QStringLiteral("development");
            e.isProtected = t->protectedEnv || t->environment == QLatin1String("prod");
            e.requiredApprovals = e.isProtected ? 1 : 0;
            if (e.isProtected && t->pendingApproval && !approverRulePlaced) {
                e.approverUserId = 2; // only the release approver may approve here
                approverRulePlaced = true;
            }
            e.createdMs =
                t->history.isEmpty() ? epoch - 90LL * 86400000 : t->history.first().atMs - 86400000;
            e.updatedMs = e.createdMs;
            m_environments.insert(e.id, e);
            p.environmentIds.append(e.id);
        }
        // Everything that happens on this project, oldest first, so ids rise with time.
        struct Event
        {
            qint64 at;
            int kind;
            const SimTarget *target;
            SimDeploy deploy;
            QString version, sha;
        };
        QList<Event> events;
        for (const SimRelease &rel : svc.releases)
            events.append({rel.builtAtMs - 300000, 0, nullptr, {}, rel.version, rel.sha});
        for (const SimTarget *t : targets) {
            for (const SimDeploy &d : t->history)
                events.append({d.atMs, 1, t, d, d.version, d.sha});
            if (t->pendingApproval && !t->pendingSha.isEmpty())
                events.append({epoch - 10 * 60000, 2, t, {}, t->pendingVersion, t->pendingSha});
        }
        std::stable_sort(events.begin(), events.end(),
                         [](const Event &a, const Event &b) { return a.at < b.at; });
        QHash<QString, int> pipelineOfSha;
        auto pipelineFor = [&](const QString &sha, qint64 at) -> Pipeline & {
            auto it = pipelineOfSha.find(sha);
            if (it != pipelineOfSha.end())
                return m_pipelines[*it];
            Pipeline &pl = addPipeline(p, sha, at, 3);
            Job &b = addJob(pl, QStringLiteral("build"), QStringLiteral("build"), 0, 120000);
            Job &t = addJob(pl, QStringLiteral("test"), QStringLiteral("test"), 1, 150000);
            for (Job *j : {&b, &t}) {
                j->status = QStringLiteral("success");
                j->queuedAtMs = at;
                j->startedMs = at + (j->stageIndex ? 125000 : 3000);
                j->finishedMs = j->startedMs + j->durationPlanMs - 5000;
                j->log = QStringLiteral(
                             "Running with gitlab-runner 17.5.0\n$ make %1\n%1 ok\nJob succeeded\n")
                             .arg(j->name);
            }
            pipelineOfSha.insert(sha, pl.id);
            return pl;
        };
        for (const Event &ev : std::as_const(events)) {
            if (ev.kind == 0) {
                pipelineFor(ev.sha, ev.at);
                continue;
            }
            Pipeline &pl = pipelineFor(ev.sha, ev.at - 600000);
            Environment *env = environmentByName(p, ev.target->environment);
            const QString jobName = QStringLiteral("deploy-") + ev.target->environment;
            // A second deploy of the same commit to the same environment is a retry of its job.
            Job *prev = nullptr;
            for (int id : pl.jobIds) {
                if (m_jobs[id].name == jobName && !m_jobs[id].retried)
                    prev = &m_jobs[id];
            }
            Job &j = addJob(pl, jobName, QStringLiteral("deploy"), 2, 40000);
            if (prev)
                prev->retried = true;
            j.when = env->isProtected ? QStringLiteral("manual") : QStringLiteral("on_success");
            j.createdMs = prev ? ev.at - 45000 : pl.createdMs;
            Deployment &d = addDeployment(p, j, env->id);
            d.createdMs = j.createdMs;
            if (ev.kind == 1) {
                j.queuedAtMs = ev.at - 45000;
                j.startedMs = ev.at - 40000;
                j.finishedMs = ev.at;
                j.status =
                    ev.deploy.succeeded ? QStringLiteral("success") : QStringLiteral("failed");
                j.failureReason =
                    ev.deploy.succeeded ? QString() : QStringLiteral("script_failure");
                j.log = QStringLiteral("$ ./deploy.sh %1 %2\n").arg(env->name, ev.version) +
                        (ev.deploy.succeeded
                             ? QStringLiteral("Job succeeded\n")
                             : QStringLiteral("ERROR: rollout failed\nJob failed: exit code 1\n"));
                d.updatedMs = ev.at;
                if (env->isProtected)
                    d.approvals.append(Approval{env->approverUserId ? env->approverUserId : 1,
                                                QStringLiteral("approved"), QString(),
                                                ev.at - 50000});
                env->updatedMs = qMax(env->updatedMs, ev.at);
            } else {
                j.status = QStringLiteral("manual");
                j.log.clear();
            }
        }
        if (!runningPlaced && !p.commits.isEmpty() && !pipelineOfSha.contains(p.commits.last())) {
            // A pipeline in progress on the head of main.
            Pipeline &pl = addPipeline(p, p.commits.last(), epoch - 60000, 1);
            addJob(pl, QStringLiteral("build"), QStringLiteral("build"), 0, 120000);
            addJob(pl, QStringLiteral("test"), QStringLiteral("test"), 1, 150000);
            runningPlaced = true;
        }
    }
    if (world.scenario.startsWith(QLatin1String("scale:"))) {
        // A long-lived monorepo: twelve pipelines per scale unit, so scale:1000 crosses the
        // 10,000-record line above which GitLab stops counting.
        const int n = world.scenario.mid(6).toInt() * 12;
        Project &p = addProject(world.org + QStringLiteral("/monorepo"), QString());
        for (int i = 0; i < n; ++i) {
            Pipeline &pl = addPipeline(p, stableHex(QStringLiteral("mono:%1").arg(i)),
                                       epoch - qint64(n - i) * 600000, 3);
            pl.fixedStatus = i % 17 == 0 ? QStringLiteral("failed") : QStringLiteral("success");
        }
    }
    advanceTo(epoch);
    m_building = false;
}

// ---- the clock ----

void GitLabServer::advancePipeline(Pipeline &pl, qint64 now)
{
    // Stages run in order: a stage starts when every job of the stages before it is done.
    for (;;) {
        bool changed = false;
        int maxStage = 0;
        for (int id : pl.jobIds)
            maxStage = qMax(maxStage, m_jobs[id].stageIndex);
        qint64 stageReady = pl.createdMs;
        bool blocked = false;
        for (int stage = 0; stage <= maxStage && !blocked; ++stage) {
            qint64 stageEnd = stageReady;
            for (int id : pl.jobIds) {
                Job &j = m_jobs[id];
                if (j.stageIndex != stage || j.retried)
                    continue;
                if (j.status == QLatin1String("created") && j.when != QLatin1String("manual")) {
                    j.status = QStringLiteral("pending");
                    j.queuedAtMs = qMax(stageReady, j.createdMs);
                    jobChanged(j, j.queuedAtMs);
                    changed = true;
                } else if (j.status == QLatin1String("created")) {
                    j.status = QStringLiteral("manual");
                    changed = true;
                }
                if (j.status == QLatin1String("pending") && now >= j.queuedAtMs + 3000) {
                    j.status = QStringLiteral("running");
                    j.startedMs = j.queuedAtMs + 3000;
                    j.log = QStringLiteral("Running with gitlab-runner 17.5.0\nPreparing the "
                                           "\"docker\" executor\n$ make %1\n")
                                .arg(j.name);
                    jobChanged(j, j.startedMs);
                    changed = true;
                }
                if (j.status == QLatin1String("running") && now >= j.startedMs + j.durationPlanMs) {
                    j.finishedMs = j.startedMs + j.durationPlanMs;
                    j.status = j.failPlanned ? QStringLiteral("failed") : QStringLiteral("success");
                    j.log += j.failPlanned ? QStringLiteral("ERROR: Job failed: exit code 1\n")
                                           : QStringLiteral("%1 ok\nJob succeeded\n").arg(j.name);
                    jobChanged(j, j.finishedMs);
                    changed = true;
                }
                if (!finished(j.status) && !(j.status == QLatin1String("manual")))
                    blocked = true;
                if (j.status == QLatin1String("failed") && !j.allowFailure)
                    blocked = true;
                if (j.status == QLatin1String("manual") && !j.allowFailure)
                    blocked = blocked || false;
                if (j.finishedMs > stageEnd)
                    stageEnd = j.finishedMs;
            }
            stageReady = stageEnd;
        }
        if (changed)
            pl.updatedMs = qMax(pl.updatedMs, qMin(now, pl.createdMs + 86400000LL * 365));
        if (!changed)
            break;
    }
}

void GitLabServer::advanceTo(qint64 now)
{
    if (now < m_lastTickMs)
        now = m_lastTickMs;
    m_lastTickMs = now;
    for (Pipeline &pl : m_pipelines) {
        if (pl.fixedStatus.isEmpty() && !finished(pipelineStatus(pl)))
            advancePipeline(pl, now);
    }
}

void GitLabServer::jobChanged(Job &j, qint64 at)
{
    if (!j.deploymentId || !m_deployments.contains(j.deploymentId))
        return;
    Deployment &d = m_deployments[j.deploymentId];
    d.updatedMs = qMax(d.updatedMs, at);
    if (!finished(j.status))
        return;
    Environment &e = m_environments[d.environmentId];
    e.updatedMs = qMax(e.updatedMs, at);
    if (m_building || j.status != QLatin1String("success"))
        return;
    // What runs there changed (a played deploy, a retried job for a rollback): the metrics
    // backend serves the new version's series from now on.
    const Project &p = m_projects[d.projectId];
    QString version = d.sha.left(8);
    if (const SimService *svc = sandbox().world().service(p.service)) {
        for (const SimRelease &rel : svc->releases)
            if (rel.sha == d.sha)
                version = rel.version;
    }
    sandbox().deployed(p.service, e.name, version, at);
}

bool GitLabServer::overrideStatus(const QString &kind,
                                  int id,
                                  const QString &status,
                                  QString *error)
{
    std::lock_guard guard(sandbox().lock());
    const qint64 now = qMax(m_lastTickMs, sandbox().clock().nowMs());
    if (kind == QLatin1String("pipeline") && m_pipelines.contains(id)) {
        m_pipelines[id].statusOverride = status;
        m_pipelines[id].updatedMs = now;
        return true;
    }
    if (kind == QLatin1String("deployment") && m_deployments.contains(id)) {
        m_deployments[id].statusOverride = status;
        m_deployments[id].updatedMs = now;
        return true;
    }
    if (error)
        *error = QStringLiteral("no %1 %2 (kind is pipeline or deployment)").arg(kind).arg(id);
    return false;
}

void GitLabServer::setRateLimitHeadersOnThrottle(bool on)
{
    std::lock_guard guard(sandbox().lock());
    m_rateLimitHeadersOnThrottle = on;
}

void GitLabServer::setRateLimitPerMinute(int perMinute)
{
    std::lock_guard guard(sandbox().lock());
    m_rateLimitPerMinute = qMax(1, perMinute);
}

void GitLabServer::serveControl(const httplib::Request &req, httplib::Response &res)
{
    const QString path = q(req.path);
    const auto answer = [&](int status, const QString &message) {
        sendGitLabJson(res, status, QJsonDocument(QJsonObject{{k("message"), message}}));
    };
    if (req.method != "POST")
        return answer(405, QStringLiteral("control routes take POST"));
    if (path == QLatin1String("/_sandbox/gitlab/status")) {
        bool ok = false;
        const int id = q(req.get_param_value("id")).toInt(&ok);
        QString error;
        if (!ok || !overrideStatus(q(req.get_param_value("kind")), id,
                                   q(req.get_param_value("status")), &error))
            return answer(404, error.isEmpty() ? QStringLiteral("id must be a number") : error);
        return answer(200, QStringLiteral("ok"));
    }
    if (path == QLatin1String("/_sandbox/gitlab/rate-limit-headers")) {
        const QString on = q(req.get_param_value("on"));
        setRateLimitHeadersOnThrottle(on != QLatin1String("0") && on != QLatin1String("false"));
        return answer(200, QStringLiteral("ok"));
    }
    if (path == QLatin1String("/_sandbox/gitlab/rate-limit")) {
        bool ok = false;
        const int perMinute = q(req.get_param_value("per_minute")).toInt(&ok);
        if (!ok || perMinute < 1)
            return answer(400, QStringLiteral("per_minute must be a number >= 1"));
        setRateLimitPerMinute(perMinute);
        return answer(200, QStringLiteral("ok"));
    }
    answer(404, QStringLiteral("no control route %1").arg(path));
}

void GitLabServer::tick(qint64 simNowMs)
{
    std::lock_guard guard(sandbox().lock());
    advanceTo(simNowMs);
}

GitLabServer::Job &GitLabServer::retryJob(Job &old, int userId)
{
    Pipeline &pl = m_pipelines[old.pipelineId];
    Job &j = addJob(pl, old.name, old.stage, old.stageIndex, old.durationPlanMs);
    Job &o = m_jobs[old.id]; // addJob may have rehashed
    o.retried = true;
    j.userId = userId;
    j.createdMs = m_lastTickMs;
    j.when = o.when == QLatin1String("manual") ? QStringLiteral("on_success") : o.when;
    j.status = QStringLiteral("pending");
    j.queuedAtMs = m_lastTickMs;
    if (o.deploymentId) {
        const Deployment old = m_deployments.value(o.deploymentId);
        Deployment &d = addDeployment(m_projects[pl.projectId], j, old.environmentId);
        d.sha = old.sha;
        d.ref = old.ref;
        d.userId = userId;
        d.createdMs = d.updatedMs = m_lastTickMs;
    }
    pl.updatedMs = m_lastTickMs;
    return j;
}

// ---- derived state ----

QString GitLabServer::pipelineStatus(const Pipeline &pl) const
{
    if (!pl.statusOverride.isEmpty())
        return pl.statusOverride;
    if (!pl.fixedStatus.isEmpty())
        return pl.fixedStatus;
    bool anyRunning = false, anyPending = false, anyFailed = false, anyCanceled = false,
         anyManual = false, anyCreated = false;
    for (int id : pl.jobIds) {
        const Job &j = m_jobs[id];
        if (j.retried)
            continue;
        anyRunning |= j.status == QLatin1String("running");
        anyPending |= j.status == QLatin1String("pending");
        anyCreated |= j.status == QLatin1String("created");
        anyFailed |= j.status == QLatin1String("failed") && !j.allowFailure;
        anyCanceled |= j.status == QLatin1String("canceled");
        anyManual |= j.status == QLatin1String("manual");
    }
    if (anyRunning)
        return QStringLiteral("running");
    if (anyFailed)
        return QStringLiteral("failed");
    if (anyPending)
        return QStringLiteral("pending");
    if (anyCreated)
        return QStringLiteral("created");
    if (anyCanceled)
        return QStringLiteral("canceled");
    if (anyManual)
        return QStringLiteral("manual");
    return QStringLiteral("success");
}

int GitLabServer::pendingApprovals(const Deployment &d) const
{
    const Environment &e = m_environments[d.environmentId];
    int approved = 0;
    for (const Approval &a : d.approvals)
        approved += a.status == QLatin1String("approved");
    return qMax(0, e.requiredApprovals - approved);
}

QString GitLabServer::deploymentStatus(const Deployment &d) const
{
    if (!d.statusOverride.isEmpty())
        return d.statusOverride;
    const Job &j = m_jobs[d.jobId];
    for (const Approval &a : d.approvals) {
        if (a.status == QLatin1String("rejected"))
            return QStringLiteral("canceled");
    }
    if (j.status == QLatin1String("manual") || j.status == QLatin1String("created"))
        return pendingApprovals(d) > 0 ? QStringLiteral("blocked") : QStringLiteral("created");
    if (j.status == QLatin1String("pending") || j.status == QLatin1String("running"))
        return QStringLiteral("running");
    return j.status; // success, failed, canceled, skipped
}

qint64 GitLabServer::pipelineStarted(const Pipeline &pl) const
{
    qint64 t = -1;
    for (int id : pl.jobIds) {
        const qint64 st = m_jobs[id].startedMs;
        if (st >= 0 && (t < 0 || st < t))
            t = st;
    }
    if (!pl.fixedStatus.isEmpty())
        return pl.createdMs + 5000;
    return t;
}

qint64 GitLabServer::pipelineFinished(const Pipeline &pl) const
{
    if (!pl.fixedStatus.isEmpty())
        return pl.createdMs + 300000;
    if (!finished(pipelineStatus(pl)))
        return -1;
    qint64 t = -1;
    for (int id : pl.jobIds)
        t = qMax(t, m_jobs[id].finishedMs);
    return t;
}

// ---- JSON ----

QJsonObject GitLabServer::userJson(int id, bool full) const
{
    const User u = m_users.value(id, m_users.value(3));
    QJsonObject o{
        {k("id"), u.id},
        {k("username"), u.username},
        {k("name"), u.name},
        {k("state"), QStringLiteral("active")},
        {k("locked"), false},
        {k("avatar_url"), QStringLiteral("https://www.gravatar.com/avatar/%1?s=80&d=identicon")
                              .arg(stableHex(u.username, 32))},
        {k("web_url"), m_root + u.username}};
    if (full) {
        o.insert(k("created_at"), iso(sandbox().clock().epochMs() - 400LL * 86400000));
        o.insert(k("bio"), QString());
        o.insert(k("location"), QString());
        o.insert(k("public_email"), QString());
        o.insert(k("skype"), QString());
        o.insert(k("linkedin"), QString());
        o.insert(k("twitter"), QString());
        o.insert(k("discord"), QString());
        o.insert(k("website_url"), QString());
        o.insert(k("organization"), QString());
        o.insert(k("job_title"), QString());
        o.insert(k("pronouns"), QJsonValue());
        o.insert(k("bot"), u.id == 3);
    }
    return o;
}

QJsonObject GitLabServer::projectJson(const Project &p) const
{
    const QString name = p.path.section(QLatin1Char('/'), -1);
    const QString ns = p.path.section(QLatin1Char('/'), 0, -2);
    return QJsonObject{{k("id"), p.id},
                       {k("description"), QStringLiteral("The %1 service").arg(p.service)},
                       {k("name"), name},
                       {k("name_with_namespace"), ns + QStringLiteral(" / ") + name},
                       {k("path"), name},
                       {k("path_with_namespace"), p.path},
                       {k("created_at"), iso(sandbox().clock().epochMs() - 400LL * 86400000)},
                       {k("default_branch"), QStringLiteral("main")},
                       {k("web_url"), m_root + p.path},
                       {k("http_url_to_repo"), m_root + p.path + QStringLiteral(".git")},
                       {k("visibility"), QStringLiteral("private")},
                       {k("archived"), false},
                       {k("namespace"), QJsonObject{{k("id"), 10},
                                                    {k("name"), ns},
                                                    {k("path"), ns},
                                                    {k("kind"), QStringLiteral("group")},
                                                    {k("full_path"), ns}}}};
}

QJsonObject GitLabServer::commitJson(const Project &p, const QString &sha) const
{
    // The world's commit when the sha is one of its service's; a synthetic one otherwise.
    const SimService *svc = sandbox().world().service(p.service);
    if (const SimCommit *c = svc ? gitlabCommit(*svc, sha) : nullptr)
        return gitlabCommitJson(*c, m_root + p.path);
    const QString subject =
        m_commitSubjects.value(sha, QStringLiteral("Update %1").arg(sha.left(8)));
    return QJsonObject{{k("id"), sha},
                       {k("short_id"), sha.left(8)},
                       {k("title"), subject},
                       {k("message"), subject + QLatin1Char('\n')},
                       {k("author_name"), QStringLiteral("Release Bot")},
                       {k("author_email"), QStringLiteral("release-bot@example.com")},
                       {k("authored_date"), iso(sandbox().clock().epochMs() - 86400000)},
                       {k("committer_name"), QStringLiteral("Release Bot")},
                       {k("committer_email"), QStringLiteral("release-bot@example.com")},
                       {k("committed_date"), iso(sandbox().clock().epochMs() - 86400000)},
                       {k("created_at"), iso(sandbox().clock().epochMs() - 86400000)},
                       {k("parent_ids"), QJsonArray::fromStringList(m_commitParents.value(sha))}};
}

QJsonObject GitLabServer::pipelineJson(const Pipeline &pl, bool detail) const
{
    const Project &p = m_projects[pl.projectId];
    const QString status = pipelineStatus(pl);
    const QString webUrl =
        m_root + p.path + QStringLiteral("/-/pipelines/") + QString::number(pl.id);
    QJsonObject o{{k("id"), pl.id},
                  {k("iid"), pl.iid},
                  {k("project_id"), pl.projectId},
                  {k("sha"), pl.sha},
                  {k("ref"), pl.ref},
                  {k("status"), status},
                  {k("source"), pl.source},
                  {k("name"), QStringLiteral("Build pipeline")},
                  {k("created_at"), iso(pl.createdMs)},
                  {k("updated_at"), iso(pl.updatedMs)},
                  {k("web_url"), webUrl}};
    if (!detail)
        return o;
    const qint64 started = pipelineStarted(pl), fin = pipelineFinished(pl);
    o.insert(k("before_sha"), pl.beforeSha);
    o.insert(k("tag"), false);
    o.insert(k("yaml_errors"), QJsonValue());
    o.insert(k("user"), userJson(pl.userId));
    o.insert(k("started_at"), isoOrNull(started));
    o.insert(k("finished_at"), isoOrNull(fin));
    o.insert(k("committed_at"), QJsonValue());
    o.insert(k("duration"),
             started >= 0 && fin >= 0 ? QJsonValue(int((fin - started) / 1000)) : QJsonValue());
    o.insert(k("queued_duration"),
             started >= 0 ? QJsonValue(double(started - pl.createdMs) / 1000.0) : QJsonValue());
    o.insert(k("coverage"), QJsonValue());
    const QString label = status == QLatin1String("success")  ? QStringLiteral("passed")
                          : status == QLatin1String("manual") ? QStringLiteral("blocked")
                                                              : status;
    o.insert(k("detailed_status"),
             QJsonObject{
                 {k("icon"), QStringLiteral("status_") + status},
                 {k("text"), label},
                 {k("label"), label},
                 {k("group"), status},
                 {k("tooltip"), label},
                 {k("has_details"), true},
                 {k("details_path"), QLatin1Char('/') + p.path + QStringLiteral("/-/pipelines/") +
                                         QString::number(pl.id)},
                 {k("illustration"), QJsonValue()},
                 {k("favicon"),
                  QStringLiteral("/assets/ci_favicons/favicon_status_%1.png").arg(status)}});
    return o;
}

QJsonObject GitLabServer::jobJson(const Job &j) const
{
    const Project &p = m_projects[j.projectId];
    const Pipeline &pl = m_pipelines[j.pipelineId];
    const qint64 now = m_lastTickMs;
    QJsonValue duration, queued;
    if (j.startedMs >= 0)
        duration = double((j.finishedMs >= 0 ? j.finishedMs : now) - j.startedMs) / 1000.0;
    if (j.queuedAtMs >= 0)
        queued = double((j.startedMs >= 0 ? j.startedMs : now) - j.queuedAtMs) / 1000.0;
    QJsonArray artifacts;
    if (finished(j.status) && j.status != QLatin1String("skipped"))
        artifacts.append(QJsonObject{{k("file_type"), QStringLiteral("trace")},
                                     {k("size"), int(j.log.size())},
                                     {k("filename"), QStringLiteral("job.log")},
                                     {k("file_format"), QJsonValue()}});
    QJsonObject o{
        {k("id"), j.id},
        {k("name"), j.name},
        {k("stage"), j.stage},
        {k("status"), j.status},
        {k("allow_failure"), j.allowFailure},
        {k("when"), j.when},
        {k("manual"), j.when == QLatin1String("manual")},
        {k("ref"), pl.ref},
        {k("tag"), false},
        {k("coverage"), QJsonValue()},
        {k("archived"), false},
        {k("created_at"), iso(j.createdMs)},
        {k("started_at"), isoOrNull(j.startedMs)},
        {k("finished_at"), isoOrNull(j.finishedMs)},
        {k("erased_at"), QJsonValue()},
        {k("duration"), duration},
        {k("queued_duration"), queued},
        {k("failure_reason"),
         j.failureReason.isEmpty() ? QJsonValue() : QJsonValue(j.failureReason)},
        {k("web_url"), m_root + p.path + QStringLiteral("/-/jobs/") + QString::number(j.id)},
        {k("pipeline"),
         QJsonObject{{k("id"), pl.id},
                     {k("iid"), pl.iid},
                     {k("project_id"), pl.projectId},
                     {k("ref"), pl.ref},
                     {k("sha"), pl.sha},
                     {k("status"), pipelineStatus(pl)},
                     {k("source"), pl.source},
                     {k("created_at"), iso(pl.createdMs)},
                     {k("updated_at"), iso(pl.updatedMs)},
                     {k("web_url"),
                      m_root + p.path + QStringLiteral("/-/pipelines/") + QString::number(pl.id)}}},
        {k("user"), userJson(j.userId, true)},
        {k("commit"), commitJson(p, pl.sha)},
        {k("artifacts"), artifacts},
        {k("artifacts_expire_at"),
         j.finishedMs >= 0 ? QJsonValue(iso(j.finishedMs + 30LL * 86400000)) : QJsonValue()},
        {k("artifacts_file"),
         QJsonObject{{k("filename"), QStringLiteral("job.log")}, {k("size"), int(j.log.size())}}},
        {k("tag_list"), QJsonArray{QStringLiteral("docker"), QStringLiteral("linux")}},
        {k("runner"), j.startedMs >= 0 ? QJsonValue(QJsonObject{
                                             {k("id"), 7},
                                             {k("description"), QStringLiteral("shared-runner-1")},
                                             {k("active"), true},
                                             {k("paused"), false},
                                             {k("is_shared"), true},
                                             {k("runner_type"), QStringLiteral("instance_type")},
                                             {k("name"), QStringLiteral("gitlab-runner")},
                                             {k("online"), true},
                                             {k("status"), QStringLiteral("online")}})
                                       : QJsonValue()},
        {k("project"), QJsonObject{{k("ci_job_token_scope_enabled"), false}}}};
    if (!j.environment.isEmpty())
        o.insert(k("environment"),
                 QJsonObject{{k("name"), j.environment}, {k("action"), QStringLiteral("start")}});
    return o;
}

QJsonObject GitLabServer::approvalJson(const Approval &a) const
{
    return QJsonObject{{k("user"), userJson(a.userId)},
                       {k("status"), a.status},
                       {k("created_at"), iso(a.createdMs)},
                       {k("comment"), a.comment.isEmpty() ? QJsonValue() : QJsonValue(a.comment)}};
}

QJsonObject GitLabServer::deploymentJson(const Deployment &d) const
{
    const Environment &e = m_environments[d.environmentId];
    const Job &j = m_jobs[d.jobId];
    QJsonObject deployable = jobJson(j);
    QJsonArray approvals, ruleApprovals;
    for (const Approval &a : d.approvals) {
        approvals.append(approvalJson(a));
        ruleApprovals.append(approvalJson(a));
    }
    QJsonObject rule{{k("user_id"), e.approverUserId ? QJsonValue(e.approverUserId) : QJsonValue()},
                     {k("group_id"), QJsonValue()},
                     {k("access_level"), e.approverUserId ? QJsonValue() : QJsonValue(40)},
                     {k("access_level_description"), e.approverUserId
                                                         ? m_users.value(e.approverUserId).name
                                                         : QStringLiteral("Maintainers")},
                     {k("required_approvals"), e.requiredApprovals},
                     {k("deployment_approvals"), ruleApprovals}};
    const QString status = deploymentStatus(d);
    return QJsonObject{
        {k("id"), d.id},
        {k("iid"), d.iid},
        {k("ref"), d.ref},
        {k("sha"), d.sha},
        {k("created_at"), iso(d.createdMs)},
        {k("updated_at"), iso(qMax(d.updatedMs, j.finishedMs))},
        {k("finished_at"), finished(status) ? isoOrNull(j.finishedMs) : QJsonValue()},
        {k("status"), status},
        {k("user"), userJson(d.userId)},
        {k("environment"),
         QJsonObject{{k("id"), e.id},
                     {k("name"), e.name},
                     {k("external_url"), QStringLiteral("https://%1.%2.example.com")
                                             .arg(e.name, m_projects[e.projectId].service)}}},
        {k("deployable"), deployable},
        {k("pending_approval_count"), e.requiredApprovals ? pendingApprovals(d) : 0},
        {k("approvals"), approvals},
        {k("approval_summary"),
         QJsonObject{{k("rules"), e.requiredApprovals ? QJsonArray{rule} : QJsonArray{}}}}};
}

QJsonObject GitLabServer::environmentJson(const Environment &e, bool detail) const
{
    const Project &p = m_projects[e.projectId];
    QJsonObject o{
        {k("id"), e.id},
        {k("name"), e.name},
        {k("slug"), e.name + QLatin1Char('-') + stableHex(p.path + e.name, 6)},
        {k("external_url"), QStringLiteral("https://%1.%2.example.com").arg(e.name, p.service)},
        {k("state"), e.state},
        {k("tier"), e.tier},
        {k("created_at"), iso(e.createdMs)},
        {k("updated_at"), iso(e.updatedMs)},
        {k("enable_advanced_logs_querying"), false},
        {k("logs_api_path"),
         QStringLiteral("/%1/-/logs/k8s.json?environment_name=%2").arg(p.path, e.name)},
        {k("auto_stop_at"), QJsonValue()},
        {k("description"), QJsonValue()},
        {k("kubernetes_namespace"), p.service + QLatin1Char('-') + e.name},
        {k("flux_resource_path"), QJsonValue()}};
    if (!detail)
        return o;
    // The newest successful deployment, as GitLab's last_deployment.
    const Deployment *last = nullptr;
    for (const Deployment &d : m_deployments) {
        if (d.environmentId == e.id && deploymentStatus(d) == QLatin1String("success") &&
            (!last || m_jobs[d.jobId].finishedMs >= m_jobs[last->jobId].finishedMs))
            last = &d;
    }
    if (last) {
        QJsonObject ld = deploymentJson(*last);
        ld.remove(k("environment"));
        QJsonObject deployable = ld.value(k("deployable")).toObject();
        const Pipeline &pl = m_pipelines[m_jobs[last->jobId].pipelineId];
        deployable.insert(k("pipeline"), pipelineJson(pl, false));
        ld.insert(k("deployable"), deployable);
        o.insert(k("last_deployment"), ld);
    } else {
        o.insert(k("last_deployment"), QJsonValue());
    }
    o.insert(k("cluster_agent"),
             QJsonObject{
                 {k("id"), 1},
                 {k("name"), QStringLiteral("%1-agent").arg(e.tier)},
                 {k("config_project"),
                  QJsonObject{{k("id"), 1},
                              {k("description"), QString()},
                              {k("name"), QStringLiteral("cluster-config")},
                              {k("name_with_namespace"), QStringLiteral("acme / cluster-config")},
                              {k("path"), QStringLiteral("cluster-config")},
                              {k("path_with_namespace"), QStringLiteral("acme/cluster-config")},
                              {k("created_at"), iso(e.createdMs)}}},
                 {k("created_at"), iso(e.createdMs)},
                 {k("created_by_user_id"), 1}});
    return o;
}

QJsonObject GitLabServer::protectedJson(const Environment &e) const
{
    QJsonObject rule{{k("id"), e.id},
                     {k("user_id"), e.approverUserId ? QJsonValue(e.approverUserId) : QJsonValue()},
                     {k("group_id"), QJsonValue()},
                     {k("access_level"), e.approverUserId ? QJsonValue() : QJsonValue(40)},
                     {k("access_level_description"), e.approverUserId
                                                         ? m_users.value(e.approverUserId).name
                                                         : QStringLiteral("Maintainers")},
                     {k("required_approvals"), e.requiredApprovals},
                     {k("group_inheritance_type"), 0}};
    return QJsonObject{
        {k("name"), e.name},
        {k("deploy_access_levels"),
         QJsonArray{QJsonObject{{k("id"), e.id},
                                {k("access_level"), 40},
                                {k("access_level_description"), QStringLiteral("Maintainers")},
                                {k("user_id"), QJsonValue()},
                                {k("group_id"), QJsonValue()},
                                {k("group_inheritance_type"), 0}}}},
        {k("required_approval_count"), e.requiredApprovals},
        {k("approval_rules"), QJsonArray{rule}}};
}

// ---- HTTP plumbing ----

void GitLabServer::sendMessage(httplib::Response &res, int status, const QString &message)
{
    sendGitLabJson(res, status, QJsonDocument(QJsonObject{{k("message"), message}}));
}

void GitLabServer::writeError(httplib::Response &res, int status, const QString &message)
{
    sendMessage(res, status, QStringLiteral("%1 %2").arg(status).arg(message));
}

void GitLabServer::rateLimitHeaders(httplib::Response &res, const QString &token, bool exhausted)
{
    const qint64 now = sandbox().clock().nowMs();
    const qint64 minute = now / 60000;
    auto &w = m_requestWindow[token];
    if (w.first != minute)
        w = {minute, 0};
    if (!exhausted)
        ++w.second;
    const int limit = m_rateLimitPerMinute;
    const qint64 resetMs = (minute + 1) * 60000;
    res.set_header("RateLimit-Name", "throttle_authenticated_api");
    res.set_header("RateLimit-Limit", std::to_string(limit));
    res.set_header("RateLimit-Observed", std::to_string(exhausted ? limit + 1 : w.second));
    res.set_header("RateLimit-Remaining",
                   std::to_string(exhausted ? 0 : qMax(0, limit - w.second)));
    res.set_header("RateLimit-Reset", std::to_string(resetMs / 1000));
    res.set_header("RateLimit-ResetTime", s(httpDate(resetMs)));
}

void GitLabServer::writeRateLimited(httplib::Response &res)
{
    // Rack::Attack's answer: plain text, Retry-After in seconds and the RateLimit-* set.
    std::lock_guard guard(sandbox().lock());
    if (m_rateLimitHeadersOnThrottle)
        rateLimitHeaders(res, QString(), true);
    const qint64 now = sandbox().clock().nowMs();
    res.set_header("Retry-After", std::to_string(qMax<qint64>(1, 60 - (now / 1000) % 60)));
    res.status = 429;
    res.set_content("Retry later\n", "text/plain");
}

void GitLabServer::sendWithEtag(Request &r, httplib::Response &res, const QJsonDocument &doc)
{
    const QByteArray body = doc.toJson(QJsonDocument::Compact);
    const QString etag = QStringLiteral("W/\"%1\"")
                             .arg(QString::fromLatin1(
                                 QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex()));
    res.set_header("ETag", s(etag));
    res.set_header("Poll-Interval", "10000");
    res.set_header("Cache-Control", "max-age=0, private, must-revalidate");
    const QString inm = q(r.http.get_header_value("If-None-Match"));
    if (!inm.isEmpty() && (inm == etag || inm == etag.mid(2))) {
        res.status = 304;
        res.body.clear();
        res.set_header("Content-Length", "0");
        return;
    }
    res.status = 200;
    res.set_content(body.constData(), size_t(body.size()), "application/json");
}

void GitLabServer::sendPage(Request &r, httplib::Response &res, const QJsonArray &all)
{
    const int perPage = qBound(1, r.has("per_page") ? r.param("per_page").toInt() : 20, 100);
    const int page = qMax(1, r.has("page") ? r.param("page").toInt() : 1);
    const int total = int(all.size());
    const int totalPages = qMax(1, (total + perPage - 1) / perPage);
    const bool counted = total <= 10000;
    QJsonArray out;
    for (int i = (page - 1) * perPage; i < qMin(total, page * perPage); ++i)
        out.append(all.at(i));
    const bool hasNext = page * perPage < total;
    auto pageUrl = [&](int n) {
        QUrlQuery query;
        for (const auto &[name, value] : r.http.params) {
            if (name != "page" && name != "per_page")
                query.addQueryItem(q(name), q(value));
        }
        query.addQueryItem(QStringLiteral("page"), QString::number(n));
        query.addQueryItem(QStringLiteral("per_page"), QString::number(perPage));
        return m_root.chopped(1) + r.path + QLatin1Char('?') + query.toString(QUrl::FullyEncoded);
    };
    QStringList links;
    if (page > 1)
        links.append(QStringLiteral("<%1>; rel=\"prev\"").arg(pageUrl(page - 1)));
    if (hasNext)
        links.append(QStringLiteral("<%1>; rel=\"next\"").arg(pageUrl(page + 1)));
    links.append(QStringLiteral("<%1>; rel=\"first\"").arg(pageUrl(1)));
    if (counted)
        links.append(QStringLiteral("<%1>; rel=\"last\"").arg(pageUrl(totalPages)));
    res.set_header("Link", s(links.join(QStringLiteral(", "))));
    res.set_header("x-page", std::to_string(page));
    res.set_header("x-per-page", std::to_string(perPage));
    res.set_header("x-next-page", hasNext ? std::to_string(page + 1) : std::string());
    res.set_header("x-prev-page", page > 1 ? std::to_string(page - 1) : std::string());
    if (counted) {
        res.set_header("x-total", std::to_string(total));
        res.set_header("x-total-pages", std::to_string(totalPages));
    }
    sendGitLabJson(res, 200, QJsonDocument(out));
}

void GitLabServer::installRoutes(httplib::Server &server)
{
    auto handler = [this](const httplib::Request &req, httplib::Response &res) { serve(req, res); };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Delete(".*", handler);
}

void GitLabServer::serve(const httplib::Request &req, httplib::Response &res)
{
    std::lock_guard guard(sandbox().lock());
    advanceTo(sandbox().clock().nowMs());
    const std::string host = req.get_header_value("Host");
    m_root = QStringLiteral("http://") + (host.empty() ? QStringLiteral("127.0.0.1") : q(host)) +
             QLatin1Char('/');
    const std::string target = req.target.empty() ? req.path : req.target;
    const QString path = q(target.substr(0, target.find('?')));
    Request r{req, q(req.method), {}, path, 0, QString()};
    for (const QString &seg : path.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        r.segments.append(QUrl::fromPercentEncoding(seg.toUtf8()));
    res.set_header("X-Gitlab-Meta", "{\"correlation_id\":\"sandbox\",\"version\":\"1\"}");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "SAMEORIGIN");
    if (path.startsWith(QLatin1String("/_sandbox/gitlab/")))
        return serveControl(req, res);
    QString token = q(req.get_header_value("PRIVATE-TOKEN"));
    const QString auth = q(req.get_header_value("Authorization"));
    if (token.isEmpty() && auth.startsWith(QLatin1String("Bearer ")))
        token = auth.mid(7).trimmed();
    for (const User &u : std::as_const(m_users)) {
        if (!u.token.isEmpty() && u.token == token)
            r.userId = u.id;
    }
    if (r.segments.size() < 2 || r.segments.at(0) != QLatin1String("api") ||
        r.segments.at(1) != QLatin1String("v4")) {
        res.status = 404;
        res.set_content("<html><body><h1>404 Not Found</h1></body></html>",
                        "text/html; charset=utf-8");
        return;
    }
    if (!r.userId) {
        sendMessage(res, 401, QStringLiteral("401 Unauthorized"));
        return;
    }
    r.token = token;
    rateLimitHeaders(res, token, false);
    r.segments = r.segments.mid(2);
    route(r, res);
}

void GitLabServer::route(Request &r, httplib::Response &res)
{
    const QStringList &seg = r.segments;
    if (seg == QStringList{QStringLiteral("version")} && r.method == QLatin1String("GET")) {
        // GET /version needs any valid token, like every other read here.
        sendGitLabJson(res, 200,
                       QJsonDocument(QJsonObject{{k("version"), QStringLiteral("17.5.2-ee")},
                                                 {k("revision"), QStringLiteral("b0e8a4a1f2c")}}));
        return;
    }
    if (seg == QStringList{QStringLiteral("user")} && r.method == QLatin1String("GET")) {
        sendGitLabJson(res, 200, QJsonDocument(userJson(r.userId, true)));
        return;
    }
    if (seg.size() >= 2 && seg.at(0) == QLatin1String("projects")) {
        Project *p = nullptr;
        bool numeric = false;
        const int id = seg.at(1).toInt(&numeric);
        for (Project &candidate : m_projects) {
            if ((numeric && candidate.id == id) || candidate.path == seg.at(1))
                p = &candidate;
        }
        if (!p)
            return sendMessage(res, 404, QStringLiteral("404 Project Not Found"));
        return routeProject(r, res, *p, seg.mid(2));
    }
    if (seg == QStringList{QStringLiteral("projects")}) {
        QJsonArray all;
        for (const Project &p : std::as_const(m_projects))
            all.append(projectJson(p));
        return sendPage(r, res, all);
    }
    sendMessage(res, 404, QStringLiteral("404 Not Found"));
}

void GitLabServer::routeProject(Request &r,
                                httplib::Response &res,
                                Project &p,
                                const QStringList &rest)
{
    const bool get = r.method == QLatin1String("GET");
    const bool post = r.method == QLatin1String("POST");
    const qint64 now = m_lastTickMs;
    auto notFound = [&](const QString &what) {
        sendMessage(res, 404,
                    what.isEmpty() ? QStringLiteral("404 Not Found")
                                   : QStringLiteral("404 %1 Not Found").arg(what));
    };
    auto methodNotAllowed = [&] {
        sendMessage(res, 405, QStringLiteral("405 Method Not Allowed"));
    };
    auto head = [&](int i) { return i < rest.size() ? rest.at(i) : QString(); };
    if (r.param("pagination") == QLatin1String("keyset")) {
        // Keyset exists on a few endpoints only; of ours, project jobs ordered by id.
        const bool jobs = rest == QStringList{QStringLiteral("jobs")};
        const QString order = r.has("order_by") ? r.param("order_by") : QStringLiteral("id");
        if (!jobs || order != QLatin1String("id")) {
            sendGitLabJson(
                res, 405,
                QJsonDocument(QJsonObject{
                    {k("error"),
                     QStringLiteral(
                         "Keyset pagination is not yet available for this type of request")}}));
            return;
        }
    }
    if (rest.isEmpty()) {
        if (!get)
            return methodNotAllowed();
        sendGitLabJson(res, 200, QJsonDocument(projectJson(p)));
        return;
    }
    const QString what = rest.first();
    if (what == QLatin1String("pipeline") && rest.size() == 1) {
        if (!post)
            return methodNotAllowed();
        if (!r.has("ref"))
            return sendGitLabJson(
                res, 400,
                QJsonDocument(QJsonObject{{k("error"), QStringLiteral("ref is missing")}}));
        auto &times = m_pipelineCreates[r.token];
        times.erase(
            std::remove_if(times.begin(), times.end(), [&](qint64 t) { return t <= now - 60000; }),
            times.end());
        if (times.size() >= kPipelineCreateLimit) {
            // GitLab's application rate limiter: no Retry-After, unlike Rack::Attack.
            sendGitLabJson(
                res, 429,
                QJsonDocument(QJsonObject{
                    {k("message"),
                     QJsonObject{{k("error"), QStringLiteral("This endpoint has been requested too "
                                                             "many times. Try again later.")}}}}));
            return;
        }
        times.append(now);
        if (r.param("ref") != QLatin1String("main"))
            return sendGitLabJson(
                res, 400,
                QJsonDocument(QJsonObject{
                    {k("message"), QJsonObject{{k("base"), QJsonArray{QStringLiteral(
                                                               "Reference not found")}}}}}));
        const QString sha = p.commits.isEmpty() ? stableHex(p.path) : p.commits.last();
        Pipeline &pl = addPipeline(p, sha, now, r.userId);
        pl.source = QStringLiteral("api");
        addJob(pl, QStringLiteral("build"), QStringLiteral("build"), 0, 120000);
        addJob(pl, QStringLiteral("test"), QStringLiteral("test"), 1, 150000);
        advancePipeline(pl, now);
        sendGitLabJson(res, 201, QJsonDocument(pipelineJson(pl, true)));
        return;
    }
    if (what == QLatin1String("pipelines")) {
        if (rest.size() == 1) {
            if (!get)
                return methodNotAllowed();
            QList<const Pipeline *> list;
            const QString scope = r.param("scope"), status = r.param("status"),
                          ref = r.param("ref"), sha = r.param("sha"), source = r.param("source"),
                          username = r.param("username");
            const qint64 ua = r.has("updated_after") ? parseIso(r.param("updated_after")) : -1;
            const qint64 ub = r.has("updated_before") ? parseIso(r.param("updated_before")) : -1;
            const qint64 ca = r.has("created_after") ? parseIso(r.param("created_after")) : -1;
            const qint64 cb = r.has("created_before") ? parseIso(r.param("created_before")) : -1;
            for (int id : p.pipelineIds) {
                const Pipeline &pl = m_pipelines[id];
                const QString st = pipelineStatus(pl);
                if (!status.isEmpty() && st != status)
                    continue;
                if (!ref.isEmpty() && pl.ref != ref)
                    continue;
                if (!sha.isEmpty() && pl.sha != sha)
                    continue;
                if (!source.isEmpty() && pl.source != source)
                    continue;
                if (!username.isEmpty() && m_users.value(pl.userId).username != username)
                    continue;
                if (scope == QLatin1String("running") && st != QLatin1String("running"))
                    continue;
                if (scope == QLatin1String("pending") && st != QLatin1String("pending"))
                    continue;
                if (scope == QLatin1String("finished") && !finished(st))
                    continue;
                if (scope == QLatin1String("tags"))
                    continue;
                if (ua >= 0 && pl.updatedMs <= ua)
                    continue;
                if (ub >= 0 && pl.updatedMs >= ub)
                    continue;
                if (ca >= 0 && pl.createdMs <= ca)
                    continue;
                if (cb >= 0 && pl.createdMs >= cb)
                    continue;
                list.append(&pl);
            }
            const QString order = r.has("order_by") ? r.param("order_by") : QStringLiteral("id");
            const bool asc = r.param("sort") == QLatin1String("asc");
            std::stable_sort(list.begin(), list.end(), [&](const Pipeline *a, const Pipeline *b) {
                if (order == QLatin1String("updated_at") && a->updatedMs != b->updatedMs)
                    return asc ? a->updatedMs < b->updatedMs : a->updatedMs > b->updatedMs;
                return asc ? a->id < b->id : a->id > b->id;
            });
            // Render only the page asked for; the list can hold more than 10,000 pipelines.
            const int perPage =
                qBound(1, r.has("per_page") ? r.param("per_page").toInt() : 20, 100);
            const int page = qMax(1, r.has("page") ? r.param("page").toInt() : 1);
            QJsonArray all;
            for (int i = 0; i < list.size(); ++i)
                all.append(i >= (page - 1) * perPage && i < page * perPage
                               ? QJsonValue(pipelineJson(*list.at(i), false))
                               : QJsonValue());
            sendPage(r, res, all);
            const std::string body = res.body;
            QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(body));
            sendWithEtag(r, res, doc);
            return;
        }
        if (head(1) == QLatin1String("latest") && rest.size() == 2) {
            const QString ref = r.has("ref") ? r.param("ref") : QStringLiteral("main");
            for (int i = p.pipelineIds.size() - 1; i >= 0; --i) {
                const Pipeline &pl = m_pipelines[p.pipelineIds.at(i)];
                if (pl.ref == ref)
                    return sendWithEtag(r, res, QJsonDocument(pipelineJson(pl, true)));
            }
            return notFound(QStringLiteral("Pipeline"));
        }
        const int pid = head(1).toInt();
        if (!m_pipelines.contains(pid) || m_pipelines[pid].projectId != p.id)
            return notFound(QString());
        Pipeline &pl = m_pipelines[pid];
        if (rest.size() == 2) {
            if (!get)
                return methodNotAllowed();
            return sendWithEtag(r, res, QJsonDocument(pipelineJson(pl, true)));
        }
        if (rest.size() == 3 && head(2) == QLatin1String("jobs")) {
            if (!get)
                return methodNotAllowed();
            QStringList scopes = r.params("scope[]") + r.params("scope");
            const bool includeRetried = r.param("include_retried") == QLatin1String("true");
            QJsonArray all;
            for (int i = pl.jobIds.size() - 1; i >= 0; --i) {
                const Job &j = m_jobs[pl.jobIds.at(i)];
                if (j.retried && !includeRetried)
                    continue;
                if (!scopes.isEmpty() && !scopes.contains(j.status))
                    continue;
                all.append(jobJson(j));
            }
            return sendPage(r, res, all);
        }
        if (rest.size() == 3 &&
            (head(2) == QLatin1String("retry") || head(2) == QLatin1String("cancel"))) {
            if (!post)
                return methodNotAllowed();
            if (head(2) == QLatin1String("cancel")) {
                // Cancel answers success whatever the state: finished jobs simply stay as they are.
                for (int id : pl.jobIds) {
                    Job &j = m_jobs[id];
                    if (j.status == QLatin1String("created") ||
                        j.status == QLatin1String("pending") ||
                        j.status == QLatin1String("running")) {
                        j.status = QStringLiteral("canceled");
                        j.finishedMs = now;
                        j.log += QStringLiteral("ERROR: Job was canceled\n");
                        jobChanged(j, now);
                    }
                }
                pl.updatedMs = now;
                sendGitLabJson(res, 200, QJsonDocument(pipelineJson(pl, true)));
                return;
            }
            bool any = false;
            const QList<int> ids = pl.jobIds;
            for (int id : ids) {
                const Job j = m_jobs[id];
                if (!j.retried && (j.status == QLatin1String("failed") ||
                                   j.status == QLatin1String("canceled"))) {
                    retryJob(m_jobs[id], r.userId);
                    any = true;
                }
            }
            if (!any)
                return sendMessage(res, 403, QStringLiteral("403 Forbidden"));
            advancePipeline(pl, now);
            sendGitLabJson(res, 201, QJsonDocument(pipelineJson(pl, true)));
            return;
        }
        return notFound(QString());
    }
    if (what == QLatin1String("jobs")) {
        if (rest.size() == 1) {
            if (!get)
                return methodNotAllowed();
            const QStringList scopes = r.params("scope[]") + r.params("scope");
            QList<const Job *> list;
            for (const Job &j : std::as_const(m_jobs)) {
                if (j.projectId == p.id && (scopes.isEmpty() || scopes.contains(j.status)))
                    list.append(&j);
            }
            const bool asc = r.param("sort") == QLatin1String("asc");
            std::sort(list.begin(), list.end(), [&](const Job *a, const Job *b) {
                return asc ? a->id < b->id : a->id > b->id;
            });
            if (r.param("pagination") == QLatin1String("keyset")) {
                const int perPage =
                    qBound(1, r.has("per_page") ? r.param("per_page").toInt() : 20, 100);
                const int after = r.has("id_after") ? r.param("id_after").toInt() : -1;
                QJsonArray out;
                int lastId = 0;
                bool more = false;
                for (const Job *j : list) {
                    if (after >= 0 && (asc ? j->id <= after : j->id >= after))
                        continue;
                    if (out.size() == perPage) {
                        more = true;
                        break;
                    }
                    out.append(jobJson(*j));
                    lastId = j->id;
                }
                if (more) {
                    QUrlQuery query;
                    for (const auto &[name, value] : r.http.params) {
                        if (name != "id_after")
                            query.addQueryItem(q(name), q(value));
                    }
                    query.addQueryItem(QStringLiteral("id_after"), QString::number(lastId));
                    res.set_header("Link", s(QLatin1Char('<') + m_root.chopped(1) + r.path +
                                             QLatin1Char('?') + query.toString(QUrl::FullyEncoded) +
                                             QStringLiteral(">; rel=\"next\"")));
                }
                sendGitLabJson(res, 200, QJsonDocument(out));
                return;
            }
            QJsonArray all;
            for (const Job *j : list)
                all.append(jobJson(*j));
            return sendPage(r, res, all);
        }
        const int jid = head(1).toInt();
        if (!m_jobs.contains(jid) || m_jobs[jid].projectId != p.id)
            return notFound(QString());
        Job &j = m_jobs[jid];
        if (rest.size() == 2) {
            if (!get)
                return methodNotAllowed();
            sendGitLabJson(res, 200, QJsonDocument(jobJson(j)));
            return;
        }
        const QString verb = head(2);
        if (rest.size() == 3 && verb == QLatin1String("trace")) {
            if (!get)
                return methodNotAllowed();
            res.status = 200;
            res.set_content(s(j.log), "text/plain");
            return;
        }
        if (rest.size() != 3 || !post) {
            if (rest.size() == 3 &&
                (verb == QLatin1String("play") || verb == QLatin1String("retry") ||
                 verb == QLatin1String("cancel")))
                return methodNotAllowed();
            return notFound(QString());
        }
        if (verb == QLatin1String("play")) {
            if (j.status != QLatin1String("manual"))
                return sendMessage(res, 400, QStringLiteral("400 Bad request - Unplayable Job"));
            if (j.deploymentId &&
                deploymentStatus(m_deployments[j.deploymentId]) == QLatin1String("blocked"))
                return sendMessage(res, 403, QStringLiteral("403 Forbidden"));
            j.status = QStringLiteral("pending");
            j.queuedAtMs = now;
            j.userId = r.userId;
            jobChanged(j, now);
            m_pipelines[j.pipelineId].updatedMs = now;
            sendGitLabJson(res, 200, QJsonDocument(jobJson(j)));
            return;
        }
        if (verb == QLatin1String("retry")) {
            if (!finished(j.status) || j.status == QLatin1String("skipped"))
                return sendMessage(res, 403,
                                   QStringLiteral("403 Forbidden  - Job is not retryable"));
            Job &nj = retryJob(j, r.userId);
            sendGitLabJson(res, 201, QJsonDocument(jobJson(nj)));
            return;
        }
        if (verb == QLatin1String("cancel")) {
            if (j.status == QLatin1String("created") || j.status == QLatin1String("pending") ||
                j.status == QLatin1String("running")) {
                j.status = QStringLiteral("canceled");
                j.finishedMs = now;
                jobChanged(j, now);
                m_pipelines[j.pipelineId].updatedMs = now;
            }
            sendGitLabJson(res, 201, QJsonDocument(jobJson(j)));
            return;
        }
        return notFound(QString());
    }
    if (what == QLatin1String("repository") && head(1) == QLatin1String("commits")) {
        if (!get)
            return methodNotAllowed();
        const SimService *svc = sandbox().world().service(p.service);
        const QString web = m_root + p.path;
        if (rest.size() == 2) {
            GitLabCommitFilter f;
            f.refName = r.param("ref_name");
            f.sinceMs = r.has("since") ? parseIso(r.param("since")) : -1;
            f.untilMs = r.has("until") ? parseIso(r.param("until")) : -1;
            QList<const SimCommit *> list;
            QJsonArray all;
            // git log of a ref that does not exist lists nothing; GitLab answers [] too.
            if (svc && gitlabCommitList(*svc, f, &list))
                for (const SimCommit *c : std::as_const(list))
                    all.append(gitlabCommitJson(*c, web));
            return sendPage(r, res, all);
        }
        const SimCommit *c = svc && rest.size() == 3 ? gitlabCommit(*svc, rest.at(2)) : nullptr;
        if (!c)
            return notFound(QStringLiteral("Commit"));
        QJsonObject o = gitlabCommitJson(*c, web);
        o.insert(k("project_id"), p.id);
        return sendGitLabJson(res, 200, QJsonDocument(o));
    }
    if (what == QLatin1String("environments")) {
        if (rest.size() == 1) {
            if (!get)
                return methodNotAllowed();
            const QString name = r.param("name"), search = r.param("search"),
                          states = r.param("states");
            if (!search.isEmpty() && search.size() < 3)
                return sendGitLabJson(
                    res, 400,
                    QJsonDocument(QJsonObject{
                        {k("message"),
                         QStringLiteral(
                             "400 Bad request - search must be at least 3 characters")}}));
            QJsonArray all;
            for (int id : p.environmentIds) {
                const Environment &e = m_environments[id];
                if (!name.isEmpty() && e.name != name)
                    continue;
                if (!search.isEmpty() && !e.name.contains(search))
                    continue;
                if (!states.isEmpty() && e.state != states)
                    continue;
                all.append(environmentJson(e, false));
            }
            return sendPage(r, res, all);
        }
        const int eid = head(1).toInt();
        if (!p.environmentIds.contains(eid))
            return notFound(QStringLiteral("Environment"));
        Environment &e = m_environments[eid];
        if (rest.size() == 2) {
            if (!get)
                return methodNotAllowed();
            sendGitLabJson(res, 200, QJsonDocument(environmentJson(e, true)));
            return;
        }
        if (rest.size() == 3 && head(2) == QLatin1String("stop")) {
            if (!post)
                return methodNotAllowed();
            e.state = QStringLiteral("stopped");
            e.updatedMs = now;
            sendGitLabJson(res, 200, QJsonDocument(environmentJson(e, false)));
            return;
        }
        return notFound(QString());
    }
    if (what == QLatin1String("deployments")) {
        if (rest.size() == 1) {
            if (!get)
                return methodNotAllowed();
            const QString env = r.param("environment"), status = r.param("status");
            const QString order = r.has("order_by") ? r.param("order_by") : QStringLiteral("id");
            static const QStringList orders{
                QStringLiteral("id"),          QStringLiteral("iid"),
                QStringLiteral("created_at"),  QStringLiteral("updated_at"),
                QStringLiteral("finished_at"), QStringLiteral("ref")};
            if (!orders.contains(order))
                return sendGitLabJson(
                    res, 400,
                    QJsonDocument(QJsonObject{
                        {k("error"), QStringLiteral("order_by does not have a valid value")}}));
            static const QStringList statuses{QStringLiteral("created"),  QStringLiteral("running"),
                                              QStringLiteral("success"),  QStringLiteral("failed"),
                                              QStringLiteral("canceled"), QStringLiteral("skipped"),
                                              QStringLiteral("blocked")};
            if (!status.isEmpty() && !statuses.contains(status))
                return sendGitLabJson(
                    res, 400,
                    QJsonDocument(QJsonObject{
                        {k("error"), QStringLiteral("status does not have a valid value")}}));
            const bool finishedFilter = r.has("finished_after") || r.has("finished_before");
            if (finishedFilter &&
                (order != QLatin1String("finished_at") || status != QLatin1String("success")))
                return sendMessage(
                    res, 400,
                    QStringLiteral("400 Bad request - `finished_at` filter and `finished_at` "
                                   "sorting must be used together with `success` status filter"));
            const qint64 ua = r.has("updated_after") ? parseIso(r.param("updated_after")) : -1;
            const qint64 ub = r.has("updated_before") ? parseIso(r.param("updated_before")) : -1;
            const qint64 fa = r.has("finished_after") ? parseIso(r.param("finished_after")) : -1;
            const qint64 fb = r.has("finished_before") ? parseIso(r.param("finished_before")) : -1;
            QList<const Deployment *> list;
            for (const Deployment &d : std::as_const(m_deployments)) {
                if (d.projectId != p.id)
                    continue;
                if (!env.isEmpty() && m_environments[d.environmentId].name != env)
                    continue;
                if (!status.isEmpty() && deploymentStatus(d) != status)
                    continue;
                const qint64 updated = qMax(d.updatedMs, m_jobs[d.jobId].finishedMs);
                if (ua >= 0 && updated < ua)
                    continue;
                if (ub >= 0 && updated > ub)
                    continue;
                if (fa >= 0 && m_jobs[d.jobId].finishedMs < fa)
                    continue;
                if (fb >= 0 && m_jobs[d.jobId].finishedMs > fb)
                    continue;
                list.append(&d);
            }
            const bool desc = r.param("sort") == QLatin1String("desc"); // GitLab's default is asc
            auto keyOf = [&](const Deployment *d) -> qint64 {
                if (order == QLatin1String("created_at"))
                    return d->createdMs;
                if (order == QLatin1String("updated_at"))
                    return qMax(d->updatedMs, m_jobs[d->jobId].finishedMs);
                if (order == QLatin1String("finished_at"))
                    return m_jobs[d->jobId].finishedMs;
                if (order == QLatin1String("iid"))
                    return d->iid;
                return d->id;
            };
            std::stable_sort(list.begin(), list.end(),
                             [&](const Deployment *a, const Deployment *b) {
                                 const qint64 ka = keyOf(a), kb = keyOf(b);
                                 if (ka != kb)
                                     return desc ? ka > kb : ka < kb;
                                 return desc ? a->id > b->id : a->id < b->id;
                             });
            QJsonArray all;
            for (const Deployment *d : list)
                all.append(deploymentJson(*d));
            return sendPage(r, res, all);
        }
        const int did = head(1).toInt();
        if (!m_deployments.contains(did) || m_deployments[did].projectId != p.id)
            return notFound(QString());
        Deployment &d = m_deployments[did];
        if (rest.size() == 2) {
            if (!get)
                return methodNotAllowed();
            sendGitLabJson(res, 200, QJsonDocument(deploymentJson(d)));
            return;
        }
        if (rest.size() == 3 && head(2) == QLatin1String("approval")) {
            if (!post)
                return methodNotAllowed();
            QString status = r.param("status");
            QString comment = r.param("comment");
            if (status.isEmpty() && !r.http.body.empty()) {
                const QJsonObject body =
                    QJsonDocument::fromJson(QByteArray::fromStdString(r.http.body)).object();
                status = body.value(k("status")).toString();
                comment = body.value(k("comment")).toString();
            }
            if (status.isEmpty())
                return sendGitLabJson(
                    res, 400,
                    QJsonDocument(QJsonObject{{k("error"), QStringLiteral("status is missing")}}));
            if (status != QLatin1String("approved") && status != QLatin1String("rejected"))
                return sendGitLabJson(
                    res, 400,
                    QJsonDocument(QJsonObject{
                        {k("error"), QStringLiteral("status does not have a valid value")}}));
            const Environment &e = m_environments[d.environmentId];
            if (e.requiredApprovals == 0 || deploymentStatus(d) != QLatin1String("blocked"))
                return sendMessage(res, 400,
                                   QStringLiteral("This deployment is not waiting for approvals."));
            if (e.approverUserId && e.approverUserId != r.userId)
                return sendMessage(
                    res, 403,
                    QStringLiteral("You don't have permission to review this deployment. Contact "
                                   "the project or group owner for help."));
            for (const Approval &a : d.approvals) {
                if (a.userId == r.userId)
                    return sendMessage(
                        res, 400, QStringLiteral("You have already reviewed this deployment."));
            }
            Approval a{r.userId, status, comment, now};
            d.approvals.append(a);
            d.updatedMs = now;
            if (status == QLatin1String("rejected")) {
                Job &j = m_jobs[d.jobId];
                j.status = QStringLiteral("canceled");
                j.finishedMs = now;
            }
            sendGitLabJson(res, 201, QJsonDocument(approvalJson(a)));
            return;
        }
        return notFound(QString());
    }
    if (what == QLatin1String("protected_environments")) {
        if (!get)
            return methodNotAllowed();
        if (rest.size() == 1) {
            QJsonArray all;
            for (int id : p.environmentIds) {
                if (m_environments[id].isProtected)
                    all.append(protectedJson(m_environments[id]));
            }
            return sendPage(r, res, all);
        }
        if (rest.size() == 2) {
            for (int id : p.environmentIds) {
                if (m_environments[id].isProtected && m_environments[id].name == head(1))
                    return sendGitLabJson(res, 200,
                                          QJsonDocument(protectedJson(m_environments[id])));
            }
            return notFound(QString());
        }
    }
    notFound(QString());
}

} // namespace fd::sandbox
