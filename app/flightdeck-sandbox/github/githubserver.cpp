// The GitHub REST API (Actions, deployments, environments) as ENDPOINTS.md §A.1 and the
// OpenAPI subset in ../shared/api-reference/github describe it. Runs are plans on the clock:
// their status is derived from simulated time, so they progress without any mutation.

#include "core/backends.h"
#include "core/ziparchive.h"
#include "githubrepos.h"

#include <httplib.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <map>
#include <optional>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
const QString kDocs = u"https://docs.github.com/rest"_s;

struct Step
{
    QString name;
    qint64 durationMs;
};

struct JobPlan
{
    qint64 id = 0;
    QString name;
    qint64 offsetMs = 0; // after the run (or its gate) starts
    QList<Step> steps;
    bool fails = false; // this attempt's planned outcome
    bool gated = false; // waits for the run's environment gate
    qint64 durationMs() const
    {
        qint64 d = 0;
        for (const Step &s : steps)
            d += s.durationMs;
        return d;
    }
};

struct Approval
{
    QString state, comment, user;
    qint64 atMs = 0;
};

struct Run
{
    qint64 id = 0;
    QString repo; // owner/name
    qint64 workflowId = 0;
    QString workflowFile, workflowName;
    int runNumber = 0, attempt = 1;
    QString event, branch, sha, title, actor;
    qint64 createdMs = 0, startMs = 0;
    QList<JobPlan> jobs;
    QString gateEnv;   // environment the gated job deploys to
    QString gateState; // "" | waiting | approved | rejected
    qint64 gateResolvedMs = 0;
    qint64 cancelledMs = 0;
    QString version; // the release a deploy run ships
    QList<Approval> approvals;
    qint64 deploymentId = 0; // created when the gated deploy job starts
    bool deploymentDone = false;
};

struct DeploymentStatus
{
    qint64 id = 0;
    QString state, description, environment, creator;
    qint64 atMs = 0;
};

struct Deployment
{
    qint64 id = 0;
    QString repo, sha, ref, task = u"deploy"_s, environment, description, creator;
    qint64 createdMs = 0;
    bool production = false;
    QList<DeploymentStatus> statuses; // oldest first
};

struct Environment
{
    qint64 id = 0;
    QString name;
    bool protectedEnv = false;
    qint64 createdMs = 0;
};

struct Repo
{
    qint64 id = 0;
    QString owner, name;
    const SimService *service = nullptr; // null for a repository without pipelines
    QList<Environment> environments;
    qint64 createdMs = 0;
    bool archived = false;
    QString full() const { return owner + u'/' + name; }
};

struct Workflow
{
    qint64 id = 0;
    QString repo, file, name;
    qint64 createdMs = 0;
};

struct JobState
{
    QString status;
    QString conclusion; // "" = null
    qint64 startedMs = 0, completedMs = 0;
};

QString login(const QString &by)
{
    return QString(by).replace(u'.', u'-');
}

QJsonObject user(const QString &loginName, const QString &api)
{
    const qint64 id = qint64(stableHash(loginName) % 90'000'000) + 1000;
    const QString u = api + u"/users/"_s + QString::fromLatin1(QUrl::toPercentEncoding(loginName));
    return {{u"login"_s, loginName},
            {u"id"_s, id},
            {u"node_id"_s, QString::fromLatin1(("U_" + QByteArray::number(id)).toBase64())},
            {u"avatar_url"_s, u"https://avatars.githubusercontent.com/u/%1?v=4"_s.arg(id)},
            {u"gravatar_id"_s, u""_s},
            {u"url"_s, u},
            {u"html_url"_s, api.section(u"/api/v3"_s, 0, 0) + u'/' +
                                QString::fromLatin1(QUrl::toPercentEncoding(loginName))},
            {u"followers_url"_s, u + u"/followers"_s},
            {u"following_url"_s, u + u"/following{/other_user}"_s},
            {u"gists_url"_s, u + u"/gists{/gist_id}"_s},
            {u"starred_url"_s, u + u"/starred{/owner}{/repo}"_s},
            {u"subscriptions_url"_s, u + u"/subscriptions"_s},
            {u"organizations_url"_s, u + u"/orgs"_s},
            {u"repos_url"_s, u + u"/repos"_s},
            {u"events_url"_s, u + u"/events{/privacy}"_s},
            {u"received_events_url"_s, u + u"/received_events"_s},
            {u"type"_s, loginName == u"acme"_s           ? u"Organization"_s
                        : loginName.endsWith(u"[bot]"_s) ? u"Bot"_s
                                                         : u"User"_s},
            {u"site_admin"_s, false}};
}

QString nodeId(const char *prefix, qint64 id)
{
    return QLatin1String(prefix) + u'_' +
           QString::fromLatin1(QByteArray::number(id).toBase64(QByteArray::OmitTrailingEquals));
}

QJsonValue timeOrNull(qint64 ms)
{
    return ms ? QJsonValue(isoTime(ms)) : QJsonValue();
}

class GitHubServer final : public BackendServer
{
public:
    GitHubServer(QString name, Sandbox &sandbox)
        : BackendServer(std::move(name), sandbox)
    {
        m_token = u"ghp_"_s + stableHex(u"github-token/%1"_s.arg(sandbox.world().seed), 36);
        build();
    }

    QJsonObject credentials() const override { return {{u"token"_s, m_token}}; }

    void writeError(httplib::Response &res, int status, const QString &message) override
    {
        sendJson(res, status,
                 QJsonDocument(QJsonObject{{u"message"_s, message},
                                           {u"documentation_url"_s, kDocs},
                                           {u"status"_s, QString::number(status)}}));
    }

    void writeRateLimited(httplib::Response &res) override
    {
        // The secondary limit: 403 with retry-after, remaining untouched (it is not primary).
        writeError(res, 403,
                   u"You have exceeded a secondary rate limit. Please wait a few minutes before "
                   "you try again. If you reach out to GitHub Support for help, please include "
                   "the request ID."_s);
        res.set_header("retry-after", "60");
        rateHeaders(res);
    }

    void writeExpiredToken(httplib::Response &res) override
    {
        writeError(res, 401, u"Bad credentials"_s);
    }

    void reset() override
    {
        std::lock_guard guard(sandbox().lock());
        build();
    }

    void tick(qint64 now) override
    {
        // A gated deploy job that has started gets its deployment; when it ends, success.
        // A deploy to an unprotected environment has no gate: its deploy job deploys at once.
        for (Run &r : m_runs) {
            const bool ungated = r.gateState.isEmpty() && !r.gateEnv.isEmpty();
            if ((r.gateState != u"approved"_s && !ungated) || r.deploymentDone)
                continue;
            const JobPlan *job = ungated ? deployJob(r) : gatedJob(r);
            if (!job)
                continue;
            const JobState st = jobState(r, *job, now);
            if (st.status == u"queued"_s)
                continue;
            if (!r.deploymentId) {
                Deployment &d =
                    addDeployment(r.repo, r.sha, r.version, r.gateEnv, r.actor, st.startedMs);
                d.statuses.append({++m_nextStatusId, u"in_progress"_s, u"Deploying"_s, r.gateEnv,
                                   u"github-actions[bot]"_s, st.startedMs});
                r.deploymentId = d.id;
            }
            if (st.status == u"completed"_s) {
                if (Deployment *d = deployment(r.deploymentId))
                    d->statuses.append({++m_nextStatusId,
                                        st.conclusion == u"success"_s ? u"success"_s : u"failure"_s,
                                        u"Deployment finished"_s, r.gateEnv,
                                        u"github-actions[bot]"_s, st.completedMs});
                r.deploymentDone = true;
                const Repo *rp = repo(r.repo.section(u'/', 0, 0), r.repo.section(u'/', 1));
                if (st.conclusion == u"success"_s && rp && rp->service)
                    sandbox().deployed(rp->service->name, r.gateEnv, r.version, st.completedMs);
            }
        }
    }

    void installRoutes(httplib::Server &server) override;

private:
    // ---- the scenario ----

    void build()
    {
        m_repos.clear();
        m_archivedRepos.clear();
        m_workflows.clear();
        m_runs.clear();
        m_deployments.clear();
        m_nextRunId = 9'100'000'000LL;
        m_nextJobId = 25'100'000'000LL;
        m_nextDeploymentId = 1'800'000'000LL;
        m_nextStatusId = 3'400'000'000LL;
        m_remaining = sandbox().options().githubRateLimit;
        m_resetSec = 0;
        const World &w = sandbox().world();
        const qint64 epoch = w.epochMs;
        qint64 repoId = 700'000'000;
        for (const SimService &s : w.services) {
            const bool ci = s.ciBackend == u"github"_s;
            bool deploys = false;
            for (const SimTarget &t : s.targets)
                deploys = deploys || t.backend == u"github"_s;
            if (!ci && !deploys)
                continue;
            Repo repo;
            repo.id = repoId + qint64(stableHash(s.name) % 1'000'000);
            repo.owner = (ci ? s.ciObject : s.targets.first().object).section(u'/', 0, 0);
            repo.name = (ci ? s.ciObject : s.targets.first().object).section(u'/', 1);
            repo.service = &s;
            const qint64 created = epoch - 400LL * 24 * 3600 * 1000;
            repo.createdMs = created - qint64(stableHash(s.name) % 1000) * kMinute;
            for (const SimTarget &t : s.targets)
                if (t.backend == u"github"_s)
                    repo.environments.append(
                        {qint64(stableHash(repo.full() + t.environment) % 900'000'000) +
                             100'000'000,
                         t.environment, t.protectedEnv, created});
            m_repos.append(repo);
            const qint64 wfBase = qint64(stableHash(repo.full()) % 90'000'000) + 10'000'000;
            if (ci)
                m_workflows.append({wfBase, repo.full(), u"ci.yml"_s, u"CI"_s, created});
            if (deploys)
                m_workflows.append(
                    {wfBase + 1, repo.full(), u"deploy.yml"_s, u"Deploy"_s, created});
        }
        // CI history: one push run per release, the newest commit's run in progress.
        std::vector<Run> runs;
        for (const Repo &repo : m_repos) {
            const SimService &s = *repo.service;
            if (s.ciBackend == u"github"_s) {
                int number = 300 + int(stableHash(s.name) % 500);
                for (const SimRelease &rel : s.releases) {
                    const SimCommit *c = commit(s, rel.sha);
                    Run r = ciRun(repo, rel.sha, c ? c->subject : rel.version,
                                  c ? login(c->email.section(u'@', 0, 0)) : u"acme-bot"_s,
                                  rel.builtAtMs - 4 * kMinute, ++number);
                    runs.push_back(r);
                }
                // The flaky one: the newest release's previous run failed its tests.
                if (runs.size() >= 2 && s.name == u"payments"_s)
                    runs[runs.size() - 2].jobs[1].fails = true;
                if (!s.commits.isEmpty()) {
                    const SimCommit &head = s.commits.last();
                    runs.push_back(ciRun(repo, head.sha, head.subject,
                                         login(head.email.section(u'@', 0, 0)), epoch - 2 * kMinute,
                                         ++number));
                }
            }
            // Deploy history on GitHub environments, and the run waiting at the gate.
            for (const SimTarget &t : s.targets) {
                if (t.backend != u"github"_s)
                    continue;
                for (const SimDeploy &d : t.history) {
                    Run r = deployRun(repo, t, d.version, d.sha, login(d.by), d.atMs - 6 * kMinute,
                                      d.number);
                    r.gateState = t.protectedEnv ? u"approved"_s : QString();
                    r.gateResolvedMs = t.protectedEnv ? d.atMs - 5 * kMinute : 0;
                    if (t.protectedEnv)
                        r.approvals.append(
                            {u"approved"_s, u"Ship it"_s, u"mina-park"_s, r.gateResolvedMs});
                    runs.push_back(r);
                    Deployment &dep = addDeployment(repo.full(), d.sha, d.version, t.environment,
                                                    login(d.by), d.atMs - 4 * kMinute);
                    dep.statuses.append({++m_nextStatusId, u"in_progress"_s, u"Deploying"_s,
                                         t.environment, u"github-actions[bot]"_s,
                                         d.atMs - 4 * kMinute});
                    dep.statuses.append({++m_nextStatusId,
                                         d.succeeded ? u"success"_s : u"failure"_s,
                                         u"Deployment finished"_s, t.environment,
                                         u"github-actions[bot]"_s, d.atMs});
                }
                if (t.pendingApproval) {
                    const int number = t.history.isEmpty() ? 1 : t.history.last().number + 1;
                    Run r = deployRun(repo, t, t.pendingVersion, t.pendingSha, u"priya-raman"_s,
                                      epoch - 30 * kMinute, number);
                    r.gateState = u"waiting"_s;
                    runs.push_back(r);
                }
            }
        }
        std::stable_sort(runs.begin(), runs.end(),
                         [](const Run &a, const Run &b) { return a.createdMs < b.createdMs; });
        for (Run &r : runs) {
            r.id = ++m_nextRunId;
            for (JobPlan &j : r.jobs)
                j.id = ++m_nextJobId;
            m_runs.append(r);
        }
        // Deployments were made in plan order: mark which ones a run owns.
        for (Run &r : m_runs)
            if (r.gateState == u"approved"_s || (r.gateState.isEmpty() && !r.gateEnv.isEmpty()))
                r.deploymentDone = true;
        // Every real organisation has a retired repository: listed with its owner's
        // repositories (archived: true), so clients can show they leave it out.
        Repo legacy;
        legacy.owner = w.org;
        legacy.name = u"legacy-monolith"_s;
        legacy.id = repoId + 1'000'000 + qint64(stableHash(legacy.name) % 1'000'000);
        legacy.createdMs = epoch - 2000LL * 24 * 3600 * 1000;
        legacy.archived = true;
        m_archivedRepos.append(legacy);
        tick(sandbox().clock().nowMs());
    }

    static const SimCommit *commit(const SimService &s, const QString &sha)
    {
        for (const SimCommit &c : s.commits)
            if (c.sha == sha)
                return &c;
        return nullptr;
    }

    const Workflow *workflowByFile(const QString &repo, const QString &file) const
    {
        for (const Workflow &w : m_workflows)
            if (w.repo == repo && (w.file == file || QString::number(w.id) == file))
                return &w;
        return nullptr;
    }

    Run ciRun(const Repo &repo,
              const QString &sha,
              const QString &title,
              const QString &actor,
              qint64 createdMs,
              int number)
    {
        const Workflow *wf = workflowByFile(repo.full(), u"ci.yml"_s);
        Run r;
        r.repo = repo.full();
        r.workflowId = wf->id;
        r.workflowFile = wf->file;
        r.workflowName = wf->name;
        r.runNumber = number;
        r.event = u"push"_s;
        r.branch = repo.service->defaultBranch;
        r.sha = sha;
        r.title = title;
        r.actor = actor;
        r.createdMs = createdMs;
        r.startMs = createdMs + 8 * kSecond;
        r.jobs.append({0,
                       u"build"_s,
                       0,
                       {{u"Set up job"_s, 2 * kSecond},
                        {u"Run actions/checkout@v4"_s, 3 * kSecond},
                        {u"Build image"_s, 70 * kSecond},
                        {u"Push image"_s, 15 * kSecond},
                        {u"Complete job"_s, 1 * kSecond}},
                       false,
                       false});
        r.jobs.append({0,
                       u"test"_s,
                       91 * kSecond,
                       {{u"Set up job"_s, 2 * kSecond},
                        {u"Run actions/checkout@v4"_s, 3 * kSecond},
                        {u"Run tests"_s, 120 * kSecond},
                        {u"Complete job"_s, 1 * kSecond}},
                       false,
                       false});
        return r;
    }

    Run deployRun(const Repo &repo,
                  const SimTarget &t,
                  const QString &version,
                  const QString &sha,
                  const QString &actor,
                  qint64 createdMs,
                  int number)
    {
        const Workflow *wf = workflowByFile(repo.full(), u"deploy.yml"_s);
        Run r;
        r.repo = repo.full();
        r.workflowId = wf->id;
        r.workflowFile = wf->file;
        r.workflowName = wf->name;
        r.runNumber = number;
        r.event = u"workflow_dispatch"_s;
        r.branch = repo.service->defaultBranch;
        r.sha = sha;
        r.title = u"Deploy %1 to %2"_s.arg(version, t.environment);
        r.actor = actor;
        r.createdMs = createdMs;
        r.startMs = createdMs + 5 * kSecond;
        r.version = version;
        r.gateEnv = t.environment;
        r.jobs.append({0,
                       u"plan"_s,
                       0,
                       {{u"Set up job"_s, 2 * kSecond},
                        {u"Render manifests"_s, 20 * kSecond},
                        {u"Complete job"_s, 1 * kSecond}},
                       false,
                       false});
        r.jobs.append({0,
                       u"deploy (%1)"_s.arg(t.environment),
                       23 * kSecond,
                       {{u"Set up job"_s, 2 * kSecond},
                        {u"Deploy %1"_s.arg(version), 90 * kSecond},
                        {u"Smoke test"_s, 30 * kSecond},
                        {u"Complete job"_s, 1 * kSecond}},
                       false,
                       t.protectedEnv});
        return r;
    }

    Deployment &addDeployment(const QString &repo,
                              const QString &sha,
                              const QString &ref,
                              const QString &env,
                              const QString &creator,
                              qint64 atMs)
    {
        Deployment d;
        d.id = ++m_nextDeploymentId;
        d.repo = repo;
        d.sha = sha;
        d.ref = ref;
        d.environment = env;
        d.creator = creator;
        d.createdMs = atMs;
        d.production = env == u"prod"_s;
        d.description = u"Deploy %1 to %2"_s.arg(ref, env);
        m_deployments.append(d);
        return m_deployments.last();
    }

    Deployment *deployment(qint64 id)
    {
        for (Deployment &d : m_deployments)
            if (d.id == id)
                return &d;
        return nullptr;
    }

    static const JobPlan *deployJob(const Run &r)
    {
        for (const JobPlan &j : r.jobs)
            if (j.name.startsWith(u"deploy ("_s))
                return &j;
        return nullptr;
    }

    static const JobPlan *gatedJob(const Run &r)
    {
        for (const JobPlan &j : r.jobs)
            if (j.gated)
                return &j;
        return nullptr;
    }

    // ---- status on the clock ----

    JobState jobState(const Run &r, const JobPlan &j, qint64 now) const
    {
        JobState s;
        qint64 start = r.startMs + j.offsetMs;
        if (j.gated) {
            if (r.gateState == u"waiting"_s || r.gateState == u"rejected"_s) {
                const bool rejected = r.gateState == u"rejected"_s;
                if (r.cancelledMs && now >= r.cancelledMs)
                    return {u"completed"_s, u"cancelled"_s, 0, r.cancelledMs};
                if (rejected)
                    return {u"completed"_s, u"failure"_s, 0, r.gateResolvedMs};
                return {now >= start ? u"waiting"_s : u"queued"_s, QString(), 0, 0};
            }
            if (r.gateState == u"approved"_s)
                start = std::max(start, r.gateResolvedMs + 3 * kSecond);
        }
        const qint64 end = start + j.durationMs();
        if (r.cancelledMs && r.cancelledMs <= now && r.cancelledMs < end) {
            return {u"completed"_s, u"cancelled"_s, r.cancelledMs > start ? start : 0,
                    r.cancelledMs};
        }
        if (now < start)
            return {u"queued"_s, QString(), 0, 0};
        if (now < end)
            return {u"in_progress"_s, QString(), start, 0};
        return {u"completed"_s, j.fails ? u"failure"_s : u"success"_s, start, end};
    }

    /// Run status and conclusion: waiting while a gate holds, otherwise from its jobs.
    std::pair<QString, QString> runState(const Run &r, qint64 now, qint64 *updated) const
    {
        *updated = r.createdMs;
        if (r.cancelledMs && now >= r.cancelledMs) {
            *updated = r.cancelledMs;
            bool allDone = true;
            for (const JobPlan &j : r.jobs)
                allDone = allDone && jobState(r, j, now).status == u"completed"_s;
            if (allDone)
                return {u"completed"_s, u"cancelled"_s};
        }
        if (now < r.startMs)
            return {u"queued"_s, QString()};
        bool anyWaiting = false, allDone = true, anyFailed = false, anyCancelled = false;
        for (const JobPlan &j : r.jobs) {
            const JobState s = jobState(r, j, now);
            anyWaiting = anyWaiting || s.status == u"waiting"_s;
            allDone = allDone && s.status == u"completed"_s;
            anyFailed = anyFailed || s.conclusion == u"failure"_s;
            anyCancelled = anyCancelled || s.conclusion == u"cancelled"_s;
            *updated = std::max({*updated, s.startedMs, s.completedMs});
        }
        if (anyWaiting)
            return {u"waiting"_s, QString()};
        if (!allDone)
            return {u"in_progress"_s, QString()};
        return {u"completed"_s, anyFailed      ? u"failure"_s
                                : anyCancelled ? u"cancelled"_s
                                               : u"success"_s};
    }

    // ---- JSON ----

    QJsonObject repoJson(const Repo &repo, const QString &api) const
    {
        const QString u = api + u"/repos/"_s + repo.full();
        QJsonObject o{{u"id"_s, repo.id},
                      {u"node_id"_s, nodeId("R", repo.id)},
                      {u"name"_s, repo.name},
                      {u"full_name"_s, repo.full()},
                      {u"owner"_s, user(repo.owner, api)},
                      {u"private"_s, true},
                      {u"html_url"_s, htmlBase(api) + u'/' + repo.full()},
                      {u"description"_s, u"The %1 service"_s.arg(repo.name)},
                      {u"fork"_s, false},
                      {u"url"_s, u}};
        const char *const templated[][2] = {
            {"archive_url", "/{archive_format}{/ref}"},
            {"assignees_url", "/assignees{/user}"},
            {"blobs_url", "/git/blobs{/sha}"},
            {"branches_url", "/branches{/branch}"},
            {"collaborators_url", "/collaborators{/collaborator}"},
            {"comments_url", "/comments{/number}"},
            {"commits_url", "/commits{/sha}"},
            {"compare_url", "/compare/{base}...{head}"},
            {"contents_url", "/contents/{+path}"},
            {"contributors_url", "/contributors"},
            {"deployments_url", "/deployments"},
            {"downloads_url", "/downloads"},
            {"events_url", "/events"},
            {"forks_url", "/forks"},
            {"git_commits_url", "/git/commits{/sha}"},
            {"git_refs_url", "/git/refs{/sha}"},
            {"git_tags_url", "/git/tags{/sha}"},
            {"hooks_url", "/hooks"},
            {"issue_comment_url", "/issues/comments{/number}"},
            {"issue_events_url", "/issues/events{/number}"},
            {"issues_url", "/issues{/number}"},
            {"keys_url", "/keys{/key_id}"},
            {"labels_url", "/labels{/name}"},
            {"languages_url", "/languages"},
            {"merges_url", "/merges"},
            {"milestones_url", "/milestones{/number}"},
            {"notifications_url", "/notifications{?since,all,participating}"},
            {"pulls_url", "/pulls{/number}"},
            {"releases_url", "/releases{/id}"},
            {"stargazers_url", "/stargazers"},
            {"statuses_url", "/statuses/{sha}"},
            {"subscribers_url", "/subscribers"},
            {"subscription_url", "/subscription"},
            {"tags_url", "/tags"},
            {"teams_url", "/teams"},
            {"trees_url", "/git/trees{/sha}"}};
        for (const auto &t : templated)
            o.insert(QLatin1String(t[0]), u + QLatin1String(t[1]));
        return o;
    }

    /// When the repository last saw a push: its newest run that has started, else its creation.
    qint64 pushedMs(const Repo &repo, qint64 now) const
    {
        qint64 at = repo.createdMs;
        for (const Run &r : m_runs)
            if (r.repo == repo.full() && r.createdMs <= now)
                at = std::max(at, r.createdMs);
        return at;
    }

    /// The "minimal-repository" shape the owner listings answer with.
    QJsonObject listedRepoJson(const Repo &repo, const QString &api, qint64 now) const
    {
        QJsonObject o = repoJson(repo, api);
        const QString html = htmlBase(api);
        const QString host = QUrl(html).host();
        const QString pushed = isoTime(pushedMs(repo, now));
        o.insert(u"git_url"_s, u"git://%1/%2.git"_s.arg(host, repo.full()));
        o.insert(u"ssh_url"_s, u"git@%1:%2.git"_s.arg(host, repo.full()));
        o.insert(u"clone_url"_s, html + u'/' + repo.full() + u".git"_s);
        o.insert(u"svn_url"_s, html + u'/' + repo.full());
        o.insert(u"mirror_url"_s, QJsonValue());
        o.insert(u"homepage"_s, QJsonValue());
        o.insert(u"language"_s, repo.service ? u"Go"_s : u"Java"_s);
        o.insert(u"forks_count"_s, 0);
        o.insert(u"forks"_s, 0);
        o.insert(u"stargazers_count"_s, 0);
        o.insert(u"watchers_count"_s, 0);
        o.insert(u"watchers"_s, 0);
        o.insert(u"size"_s, 1024 + int(stableHash(repo.name) % 50000));
        o.insert(u"default_branch"_s, u"main"_s);
        o.insert(u"open_issues_count"_s, 0);
        o.insert(u"open_issues"_s, 0);
        o.insert(u"is_template"_s, false);
        o.insert(u"topics"_s, QJsonArray());
        o.insert(u"has_issues"_s, true);
        o.insert(u"has_projects"_s, false);
        o.insert(u"has_wiki"_s, false);
        o.insert(u"has_pages"_s, false);
        o.insert(u"has_downloads"_s, true);
        o.insert(u"has_discussions"_s, false);
        o.insert(u"archived"_s, repo.archived);
        o.insert(u"disabled"_s, false);
        o.insert(u"visibility"_s, u"private"_s);
        o.insert(u"pushed_at"_s, pushed);
        o.insert(u"created_at"_s, isoTime(repo.createdMs));
        o.insert(u"updated_at"_s, pushed);
        o.insert(u"permissions"_s, QJsonObject{{u"admin"_s, false},
                                               {u"maintain"_s, false},
                                               {u"push"_s, true},
                                               {u"triage"_s, true},
                                               {u"pull"_s, true}});
        o.insert(u"allow_forking"_s, false);
        o.insert(u"web_commit_signoff_required"_s, false);
        o.insert(u"license"_s, QJsonValue());
        return o;
    }

    /// Logins the scenario knows as people: run actors, deployment creators, reviewers.
    bool knownUser(const QString &name) const
    {
        for (const Run &r : m_runs) {
            if (r.actor.compare(name, Qt::CaseInsensitive) == 0)
                return true;
            for (const Approval &a : r.approvals)
                if (a.user.compare(name, Qt::CaseInsensitive) == 0)
                    return true;
        }
        for (const Deployment &d : m_deployments)
            if (d.creator.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        return false;
    }

    const Repo *repo(const QString &owner, const QString &name) const
    {
        for (const Repo &r : m_repos)
            if (r.owner.compare(owner, Qt::CaseInsensitive) == 0 &&
                r.name.compare(name, Qt::CaseInsensitive) == 0)
                return &r;
        return nullptr;
    }

    static QString htmlBase(const QString &api) { return api.section(u"/api/v3"_s, 0, 0); }

    QJsonObject runJson(const Run &r, const QString &api, qint64 now) const
    {
        const Repo *rp = repo(r.repo.section(u'/', 0, 0), r.repo.section(u'/', 1));
        const QString u = api + u"/repos/%1/actions/runs/%2"_s.arg(r.repo).arg(r.id);
        qint64 updated = 0;
        const auto [status, conclusion] = runState(r, now, &updated);
        const SimCommit *c = rp ? commit(*rp->service, r.sha) : nullptr;
        QJsonObject headCommit{
            {u"id"_s, r.sha},
            {u"tree_id"_s, stableHex(u"tree/"_s + r.sha)},
            {u"message"_s, c ? c->subject : r.title},
            {u"timestamp"_s, isoTime(c ? c->timeMs : r.createdMs)},
            {u"author"_s, QJsonObject{{u"name"_s, c ? c->author : r.actor},
                                      {u"email"_s, c ? c->email : r.actor + u"@acme.dev"_s}}},
            {u"committer"_s, QJsonObject{{u"name"_s, c ? c->author : r.actor},
                                         {u"email"_s, c ? c->email : r.actor + u"@acme.dev"_s}}}};
        const QJsonObject repoObj = rp ? repoJson(*rp, api) : QJsonObject();
        const qint64 checkSuite = r.id + 11'000'000'000LL;
        return {
            {u"id"_s, r.id},
            {u"name"_s, r.workflowName},
            {u"node_id"_s, nodeId("WFR", r.id)},
            {u"check_suite_id"_s, checkSuite},
            {u"check_suite_node_id"_s, nodeId("CS", checkSuite)},
            {u"head_branch"_s, r.branch},
            {u"head_sha"_s, r.sha},
            {u"path"_s, u".github/workflows/%1"_s.arg(r.workflowFile)},
            {u"run_number"_s, r.runNumber},
            {u"run_attempt"_s, r.attempt},
            {u"referenced_workflows"_s, QJsonArray()},
            {u"event"_s, r.event},
            {u"status"_s, status},
            {u"conclusion"_s, conclusion.isEmpty() ? QJsonValue() : QJsonValue(conclusion)},
            {u"workflow_id"_s, r.workflowId},
            {u"url"_s, u},
            {u"html_url"_s, htmlBase(api) + u"/%1/actions/runs/%2"_s.arg(r.repo).arg(r.id)},
            {u"pull_requests"_s, QJsonArray()},
            {u"created_at"_s, isoTime(r.createdMs)},
            {u"updated_at"_s, isoTime(updated)},
            {u"actor"_s, user(r.actor, api)},
            {u"triggering_actor"_s, user(r.actor, api)},
            {u"run_started_at"_s, isoTime(r.startMs)},
            {u"jobs_url"_s, u + u"/jobs"_s},
            {u"logs_url"_s, u + u"/logs"_s},
            {u"check_suite_url"_s,
             api + u"/repos/%1/check-suites/%2"_s.arg(r.repo).arg(checkSuite)},
            {u"artifacts_url"_s, u + u"/artifacts"_s},
            {u"cancel_url"_s, u + u"/cancel"_s},
            {u"rerun_url"_s, u + u"/rerun"_s},
            {u"previous_attempt_url"_s,
             r.attempt > 1 ? QJsonValue(u + u"/attempts/%1"_s.arg(r.attempt - 1)) : QJsonValue()},
            {u"workflow_url"_s,
             api + u"/repos/%1/actions/workflows/%2"_s.arg(r.repo).arg(r.workflowId)},
            {u"head_commit"_s, headCommit},
            {u"repository"_s, repoObj},
            {u"head_repository"_s, repoObj},
            {u"head_repository_id"_s, rp ? rp->id : 0},
            {u"display_title"_s, r.title}};
    }

    struct StepLog
    {
        int number = 0;
        QString name, text;
    };
    /// The log of a job so far, one piece per started step; a failure ends the last one.
    QList<StepLog> jobLog(const Run &r, const JobPlan &j, qint64 now) const
    {
        const JobState s = jobState(r, j, now);
        QList<StepLog> out;
        qint64 t = s.startedMs;
        for (const Step &st : j.steps) {
            if (!t || t > now)
                break;
            QString text = u"%1 ##[group]%2\n"_s.arg(isoTime(t), st.name);
            text += u"%1 %2: %3 on %4\n"_s.arg(
                isoTime(t), st.name, r.version.isEmpty() ? r.sha.left(7) : r.version, r.branch);
            text += u"%1 ##[endgroup]\n"_s.arg(isoTime(t));
            out.append({int(out.size()) + 1, st.name, text});
            t += st.durationMs;
        }
        if (s.conclusion == u"failure"_s && !out.isEmpty())
            out.last().text +=
                u"%1 ##[error]Process completed with exit code 1.\n"_s.arg(isoTime(s.completedMs));
        return out;
    }

    /// A signed, short-lived download URL on this server, as GitHub's log redirects give.
    QString signedUrl(const QString &api, const QString &what, qint64 id, qint64 now) const
    {
        const qint64 expires = now / 1000 + 60;
        const QString sig =
            stableHex(u"log/%1/%2/%3/%4"_s.arg(what).arg(id).arg(expires).arg(m_token), 32);
        return htmlBase(api) + u"/_signed/%1/%2/logs?urlExpires=%3&urlSignature=%4"_s.arg(what)
                                   .arg(id)
                                   .arg(expires)
                                   .arg(sig);
    }
    bool
    signatureValid(const httplib::Request &req, const QString &what, qint64 id, qint64 now) const
    {
        const qint64 expires = fromStd(req.get_param_value("urlExpires")).toLongLong();
        const QString sig = fromStd(req.get_param_value("urlSignature"));
        return sig == stableHex(u"log/%1/%2/%3/%4"_s.arg(what).arg(id).arg(expires).arg(m_token),
                                32) &&
               now / 1000 <= expires;
    }

    QJsonObject jobJson(const Run &r, const JobPlan &j, const QString &api, qint64 now) const
    {
        const JobState s = jobState(r, j, now);
        QJsonArray steps;
        qint64 t = s.startedMs;
        int number = 0;
        for (const Step &st : j.steps) {
            ++number;
            QString status = u"queued"_s, conclusion;
            qint64 started = 0, completed = 0;
            if (s.startedMs) {
                const qint64 end = t + st.durationMs;
                const qint64 limit = s.completedMs ? s.completedMs : now;
                if (limit >= end) {
                    status = u"completed"_s;
                    conclusion =
                        (j.fails && number == j.steps.size() - 1) ? u"failure"_s : u"success"_s;
                    started = t;
                    completed = end;
                } else if (limit >= t) {
                    status = s.completedMs ? u"completed"_s : u"in_progress"_s;
                    conclusion = s.completedMs ? s.conclusion : QString();
                    started = t;
                    completed = s.completedMs;
                } else if (s.completedMs) {
                    status = u"completed"_s;
                    conclusion = u"skipped"_s;
                }
                t = end;
            }
            steps.append(QJsonObject{
                {u"name"_s, st.name},
                {u"status"_s, status},
                {u"conclusion"_s, conclusion.isEmpty() ? QJsonValue() : QJsonValue(conclusion)},
                {u"number"_s, number},
                {u"started_at"_s, timeOrNull(started)},
                {u"completed_at"_s, timeOrNull(completed)}});
        }
        const QString u = api + u"/repos/%1/actions/jobs/%2"_s.arg(r.repo).arg(j.id);
        const bool running = s.startedMs != 0;
        return {{u"id"_s, j.id},
                {u"run_id"_s, r.id},
                {u"run_url"_s, api + u"/repos/%1/actions/runs/%2"_s.arg(r.repo).arg(r.id)},
                {u"run_attempt"_s, r.attempt},
                {u"node_id"_s, nodeId("CR", j.id)},
                {u"head_sha"_s, r.sha},
                {u"url"_s, u},
                {u"html_url"_s,
                 htmlBase(api) + u"/%1/actions/runs/%2/job/%3"_s.arg(r.repo).arg(r.id).arg(j.id)},
                {u"status"_s, s.status},
                {u"conclusion"_s, s.conclusion.isEmpty() ? QJsonValue() : QJsonValue(s.conclusion)},
                {u"created_at"_s, isoTime(r.startMs)},
                {u"started_at"_s, isoTime(s.startedMs ? s.startedMs : r.startMs)},
                {u"completed_at"_s, timeOrNull(s.completedMs)},
                {u"name"_s, j.name},
                {u"steps"_s, steps},
                {u"check_run_url"_s, api + u"/repos/%1/check-runs/%2"_s.arg(r.repo).arg(j.id)},
                {u"labels"_s, QJsonArray{u"ubuntu-latest"_s}},
                {u"runner_id"_s, running ? QJsonValue(qint64(j.id % 1000 + 1)) : QJsonValue()},
                {u"runner_name"_s,
                 running ? QJsonValue(u"GitHub Actions %1"_s.arg(j.id % 1000 + 1)) : QJsonValue()},
                {u"runner_group_id"_s, running ? QJsonValue(2) : QJsonValue()},
                {u"runner_group_name"_s, running ? QJsonValue(u"GitHub Actions"_s) : QJsonValue()},
                {u"workflow_name"_s, r.workflowName},
                {u"head_branch"_s, r.branch}};
    }

    QJsonObject workflowJson(const Workflow &w, const QString &api) const
    {
        return {
            {u"id"_s, w.id},
            {u"node_id"_s, nodeId("W", w.id)},
            {u"name"_s, w.name},
            {u"path"_s, u".github/workflows/"_s + w.file},
            {u"state"_s, u"active"_s},
            {u"created_at"_s, isoTime(w.createdMs)},
            {u"updated_at"_s, isoTime(w.createdMs)},
            {u"url"_s, api + u"/repos/%1/actions/workflows/%2"_s.arg(w.repo).arg(w.id)},
            {u"html_url"_s,
             htmlBase(api) + u"/%1/blob/main/.github/workflows/%2"_s.arg(w.repo, w.file)},
            {u"badge_url"_s, htmlBase(api) + u"/%1/workflows/%2/badge.svg"_s.arg(w.repo, w.name)}};
    }

    QJsonObject deploymentJson(const Deployment &d, const QString &api) const
    {
        const QString u = api + u"/repos/%1/deployments/%2"_s.arg(d.repo).arg(d.id);
        const qint64 updated = d.statuses.isEmpty() ? d.createdMs : d.statuses.last().atMs;
        return {{u"url"_s, u},
                {u"id"_s, d.id},
                {u"node_id"_s, nodeId("DE", d.id)},
                {u"sha"_s, d.sha},
                {u"ref"_s, d.ref},
                {u"task"_s, d.task},
                {u"payload"_s, QJsonObject()},
                {u"original_environment"_s, d.environment},
                {u"environment"_s, d.environment},
                {u"description"_s, d.description},
                {u"creator"_s, user(d.creator, api)},
                {u"created_at"_s, isoTime(d.createdMs)},
                {u"updated_at"_s, isoTime(updated)},
                {u"statuses_url"_s, u + u"/statuses"_s},
                {u"repository_url"_s, api + u"/repos/"_s + d.repo},
                {u"transient_environment"_s, false},
                {u"production_environment"_s, d.production}};
    }

    QJsonObject statusJson(const Deployment &d, const DeploymentStatus &s, const QString &api) const
    {
        const QString du = api + u"/repos/%1/deployments/%2"_s.arg(d.repo).arg(d.id);
        return {{u"url"_s, du + u"/statuses/%1"_s.arg(s.id)},
                {u"id"_s, s.id},
                {u"node_id"_s, nodeId("DES", s.id)},
                {u"state"_s, s.state},
                {u"creator"_s, user(s.creator, api)},
                {u"description"_s, s.description},
                {u"environment"_s, s.environment},
                {u"target_url"_s, htmlBase(api) + u"/%1/deployments/%2"_s.arg(d.repo).arg(d.id)},
                {u"log_url"_s, htmlBase(api) + u"/%1/deployments/%2"_s.arg(d.repo).arg(d.id)},
                {u"environment_url"_s,
                 u"https://%1.%2.acme.test"_s.arg(d.repo.section(u'/', 1), s.environment)},
                {u"created_at"_s, isoTime(s.atMs)},
                {u"updated_at"_s, isoTime(s.atMs)},
                {u"deployment_url"_s, du},
                {u"repository_url"_s, api + u"/repos/"_s + d.repo}};
    }

    QJsonObject environmentJson(const Repo &repo, const Environment &e, const QString &api) const
    {
        QJsonArray rules;
        if (e.protectedEnv) {
            rules.append(QJsonObject{{u"id"_s, e.id + 1},
                                     {u"node_id"_s, nodeId("GA", e.id + 1)},
                                     {u"type"_s, u"wait_timer"_s},
                                     {u"wait_timer"_s, 0}});
            rules.append(
                QJsonObject{{u"id"_s, e.id + 2},
                            {u"node_id"_s, nodeId("GA", e.id + 2)},
                            {u"type"_s, u"required_reviewers"_s},
                            {u"prevent_self_review"_s, false},
                            {u"reviewers"_s,
                             QJsonArray{QJsonObject{{u"type"_s, u"User"_s},
                                                    {u"reviewer"_s, user(u"mina-park"_s, api)}}}}});
            rules.append(QJsonObject{{u"id"_s, e.id + 3},
                                     {u"node_id"_s, nodeId("GA", e.id + 3)},
                                     {u"type"_s, u"branch_policy"_s}});
        }
        QJsonObject o{{u"id"_s, e.id},
                      {u"node_id"_s, nodeId("EN", e.id)},
                      {u"name"_s, e.name},
                      {u"url"_s, api + u"/repos/%1/environments/%2"_s.arg(repo.full(), e.name)},
                      {u"html_url"_s,
                       htmlBase(api) + u"/%1/deployments/activity_log?environments_filter=%2"_s.arg(
                                           repo.full(), e.name)},
                      {u"created_at"_s, isoTime(e.createdMs)},
                      {u"updated_at"_s, isoTime(e.createdMs)},
                      {u"protection_rules"_s, rules}};
        o.insert(u"deployment_branch_policy"_s,
                 e.protectedEnv ? QJsonValue(QJsonObject{{u"protected_branches"_s, false},
                                                         {u"custom_branch_policies"_s, true}})
                                : QJsonValue());
        return o;
    }

    QJsonObject environmentRef(const Repo &repo, const Environment &e, const QString &api) const
    {
        return {{u"id"_s, e.id},
                {u"node_id"_s, nodeId("EN", e.id)},
                {u"name"_s, e.name},
                {u"url"_s, api + u"/repos/%1/environments/%2"_s.arg(repo.full(), e.name)},
                {u"html_url"_s,
                 htmlBase(api) + u"/%1/deployments/activity_log?environments_filter=%2"_s.arg(
                                     repo.full(), e.name)},
                {u"created_at"_s, isoTime(e.createdMs)},
                {u"updated_at"_s, isoTime(e.createdMs)}};
    }

    const Environment *environment(const Repo &repo, const QString &name) const
    {
        for (const Environment &e : repo.environments)
            if (e.name == name)
                return &e;
        return nullptr;
    }

    // ---- request plumbing ----

    struct Reply
    {
        int status = 200;
        QJsonValue body;   // undefined = no body
        bool list = false; // paginated list: set by paginate()
        std::vector<std::pair<std::string, std::string>> headers;
        bool counted = true;
    };

    using Handler = std::function<Reply(const httplib::Request &, const QString &api, qint64 now)>;

    void route(httplib::Server &server, const char *method, const std::string &pattern, Handler h);
    void rateHeaders(httplib::Response &res);
    bool authorized(const httplib::Request &req, httplib::Response &res);
    Reply error(int status, const QString &message) const
    {
        Reply r;
        r.status = status;
        r.body = QJsonObject{{u"message"_s, message},
                             {u"documentation_url"_s, kDocs},
                             {u"status"_s, QString::number(status)}};
        return r;
    }
    Reply validation(const QString &resource,
                     const QString &field,
                     const QString &code,
                     const QString &message = QString()) const
    {
        QJsonObject e{{u"resource"_s, resource}, {u"code"_s, code}, {u"field"_s, field}};
        if (!message.isEmpty())
            e.insert(u"message"_s, message);
        Reply r;
        r.status = 422;
        r.body = QJsonObject{{u"message"_s, u"Validation Failed"_s},
                             {u"errors"_s, QJsonArray{e}},
                             {u"documentation_url"_s, kDocs},
                             {u"status"_s, u"422"_s}};
        return r;
    }
    Reply paginate(const httplib::Request &req,
                   const QString &api,
                   const QJsonArray &items,
                   const QString &key) const;
    /// GET /orgs/{org}/repos and /users/{username}/repos: filter by type, then sort.
    Reply ownerRepos(
        const httplib::Request &req, const QString &api, qint64 now, bool org, bool publicOnly)
    {
        const QString type = req.has_param("type") ? fromStd(req.get_param_value("type"))
                                                   : (org ? u"all"_s : u"owner"_s);
        const QStringList types =
            org ? QStringList{u"all"_s,     u"public"_s, u"private"_s, u"forks"_s,
                              u"sources"_s, u"member"_s, u"internal"_s}
                : QStringList{u"all"_s, u"owner"_s, u"member"_s};
        const QString sort = req.has_param("sort") ? fromStd(req.get_param_value("sort"))
                                                   : (org ? u"created"_s : u"full_name"_s);
        const QStringList sorts{u"created"_s, u"updated"_s, u"pushed"_s, u"full_name"_s};
        const QString direction = req.has_param("direction")
                                      ? fromStd(req.get_param_value("direction"))
                                      : (sort == u"full_name"_s ? u"asc"_s : u"desc"_s);
        if (!types.contains(type))
            return validation(u"Repository"_s, u"type"_s, u"invalid"_s);
        if (!sorts.contains(sort))
            return validation(u"Repository"_s, u"sort"_s, u"invalid"_s);
        if (direction != u"asc"_s && direction != u"desc"_s)
            return validation(u"Repository"_s, u"direction"_s, u"invalid"_s);
        const QString owner = fromStd(req.matches[1]);
        // Every simulated repository is private and none is a fork or internal.
        const bool none =
            publicOnly || type == u"public"_s || type == u"forks"_s || type == u"internal"_s;
        QList<const Repo *> picked;
        if (!none) {
            for (const QList<Repo> *list : {&m_repos, &m_archivedRepos})
                for (const Repo &r : *list)
                    if (r.owner.compare(owner, Qt::CaseInsensitive) == 0)
                        picked.append(&r);
        }
        const auto key = [&](const Repo *r) -> QString {
            if (sort == u"full_name"_s)
                return r->full().toLower();
            const qint64 at = sort == u"created"_s ? r->createdMs : pushedMs(*r, now);
            return u"%1"_s.arg(at, 16, 10, QLatin1Char('0'));
        };
        std::stable_sort(picked.begin(), picked.end(), [&](const Repo *a, const Repo *b) {
            const QString ka = key(a), kb = key(b);
            if (ka == kb)
                return direction == u"asc"_s ? a->id < b->id : a->id > b->id;
            return direction == u"asc"_s ? ka < kb : ka > kb;
        });
        QJsonArray items;
        for (const Repo *r : std::as_const(picked))
            items.append(listedRepoJson(*r, api, now));
        return paginate(req, api, items, QString());
    }

    Run *run(const QString &repoName, const std::string &id)
    {
        const qint64 n = QString::fromStdString(id).toLongLong();
        for (Run &r : m_runs)
            if (r.id == n && r.repo.compare(repoName, Qt::CaseInsensitive) == 0)
                return &r;
        return nullptr;
    }

    QString m_token;
    QList<Repo> m_repos;
    QList<Repo> m_archivedRepos; // listed with their owner, no pipelines
    QList<Workflow> m_workflows;
    QList<Run> m_runs;
    QList<Deployment> m_deployments;
    qint64 m_nextRunId = 0, m_nextJobId = 0, m_nextDeploymentId = 0, m_nextStatusId = 0;
    int m_remaining = 5000;
    qint64 m_resetSec = 0;
    quint64 m_requestCounter = 0;
};

bool GitHubServer::authorized(const httplib::Request &req, httplib::Response &res)
{
    const QString auth = fromStd(req.get_header_value("Authorization"));
    if (auth.isEmpty()) {
        writeError(res, 401, u"Requires authentication"_s);
        return false;
    }
    const QString scheme = auth.section(u' ', 0, 0).toLower();
    const QString token = auth.section(u' ', 1).trimmed();
    if ((scheme != u"bearer"_s && scheme != u"token"_s) || token != m_token) {
        writeError(res, 401, u"Bad credentials"_s);
        return false;
    }
    return true;
}

void GitHubServer::rateHeaders(httplib::Response &res)
{
    const int limit = sandbox().options().githubRateLimit;
    res.set_header("X-RateLimit-Limit", std::to_string(limit));
    res.set_header("X-RateLimit-Remaining", std::to_string(m_remaining));
    res.set_header("X-RateLimit-Reset", std::to_string(m_resetSec));
    res.set_header("X-RateLimit-Used", std::to_string(limit - m_remaining));
    res.set_header("X-RateLimit-Resource", "core");
}

GitHubServer::Reply GitHubServer::paginate(const httplib::Request &req,
                                           const QString &api,
                                           const QJsonArray &items,
                                           const QString &key) const
{
    int perPage = req.has_param("per_page") ? fromStd(req.get_param_value("per_page")).toInt() : 30;
    int page = req.has_param("page") ? fromStd(req.get_param_value("page")).toInt() : 1;
    perPage = std::clamp(perPage <= 0 ? 30 : perPage, 1, 100);
    page = std::max(page, 1);
    const int total = int(items.size());
    const int last = std::max(1, (total + perPage - 1) / perPage);
    QJsonArray slice;
    for (int i = (page - 1) * perPage; i < std::min(total, page * perPage); ++i)
        slice.append(items[i]);
    Reply r;
    r.list = true;
    r.body = key.isEmpty() ? QJsonValue(slice)
                           : QJsonValue(QJsonObject{{u"total_count"_s, total}, {key, slice}});
    if (last > 1) {
        // Links keep the request's own path and query, only page changes.
        QUrlQuery q;
        for (const auto &[k, v] : req.params)
            if (k != "page")
                q.addQueryItem(fromStd(k), fromStd(v));
        const QString prefix = api.section(u"/api/v3"_s, 0, 0) + fromStd(req.path) + u'?';
        const auto link = [&](int p, const char *rel) {
            QUrlQuery qq = q;
            qq.addQueryItem(u"page"_s, QString::number(p));
            return u"<%1%2>; rel=\"%3\""_s.arg(prefix, qq.toString(QUrl::FullyEncoded),
                                               QLatin1String(rel));
        };
        QStringList links;
        if (page > 1)
            links << link(page - 1, "prev");
        if (page < last)
            links << link(page + 1, "next");
        links << link(last, "last");
        if (page > 1)
            links << link(1, "first");
        r.headers.emplace_back("Link", links.join(u", "_s).toStdString());
    }
    return r;
}

void GitHubServer::route(httplib::Server &server,
                         const char *method,
                         const std::string &pattern,
                         Handler h)
{
    auto handler = [this, h](const httplib::Request &req, httplib::Response &res) {
        std::lock_guard guard(sandbox().lock());
        const qint64 now = sandbox().clock().nowMs();
        if (m_resetSec == 0 || now / 1000 >= m_resetSec) {
            m_resetSec = now / 1000 + 3600;
            m_remaining = sandbox().options().githubRateLimit;
        }
        const bool ghes = req.path.rfind("/api/v3", 0) == 0;
        const std::string host = req.get_header_value("Host");
        // Behind a TLS front (a GHES load balancer, the real-clients test) URLs say https.
        const QString scheme =
            req.get_header_value("X-Forwarded-Proto") == "https" ? u"https"_s : u"http"_s;
        const QString api = scheme + u"://"_s + fromStd(host.empty() ? "127.0.0.1" : host) +
                            (ghes ? u"/api/v3"_s : QString());
        res.set_header("X-GitHub-Media-Type", "github.v3; format=json");
        res.set_header("X-GitHub-Api-Version-Selected", "2022-11-28");
        res.set_header("X-GitHub-Request-Id",
                       stableHex(u"req/%1"_s.arg(++m_requestCounter), 20).toUpper().toStdString());
        res.set_header("Access-Control-Expose-Headers",
                       "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, "
                       "X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, "
                       "X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, "
                       "X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, "
                       "Deprecation, Sunset");
        res.set_header("Access-Control-Allow-Origin", "*");
        res.set_header("Strict-Transport-Security", "max-age=31536000; includeSubdomains; preload");
        res.set_header("X-Frame-Options", "deny");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("X-XSS-Protection", "0");
        res.set_header("Referrer-Policy",
                       "origin-when-cross-origin, strict-origin-when-cross-origin");
        res.set_header("Content-Security-Policy", "default-src 'none'");
        res.set_header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
        res.set_header("X-OAuth-Scopes", "repo, workflow");
        res.set_header("X-Accepted-OAuth-Scopes", "repo");
        res.set_header("Date", QDateTime::fromMSecsSinceEpoch(now, Qt::UTC)
                                   .toString(u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s)
                                   .toStdString());
        if (!authorized(req, res))
            return;
        const bool isRateLimit = req.path.find("/rate_limit") != std::string::npos;
        if (m_remaining <= 0 && !isRateLimit) {
            writeError(res, 403, u"API rate limit exceeded for user ID 1."_s);
            rateHeaders(res);
            return;
        }
        Reply r;
        QJsonParseError perr{};
        if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
            !req.body.empty()) {
            QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &perr);
            if (perr.error != QJsonParseError::NoError) {
                r = error(400, u"Problems parsing JSON"_s);
            }
        }
        if (r.status == 200)
            r = h(req, api, now);
        for (const auto &[k, v] : r.headers)
            res.set_header(k, v);
        std::string body;
        if (!r.body.isUndefined())
            body = (r.body.isArray() ? QJsonDocument(r.body.toArray())
                                     : QJsonDocument(r.body.toObject()))
                       .toJson(QJsonDocument::Compact)
                       .toStdString();
        const bool counted = r.counted && !isRateLimit;
        if (req.method == "GET" && r.status == 200) {
            const QByteArray hash = QCryptographicHash::hash(QByteArray::fromStdString(body),
                                                             QCryptographicHash::Sha256)
                                        .toHex();
            const std::string etag = (r.list ? "W/\"" : "\"") + hash.toStdString() + "\"";
            res.set_header("ETag", etag);
            res.set_header("Cache-Control", "private, max-age=60, s-maxage=60");
            const std::string inm = req.get_header_value("If-None-Match");
            const auto bare = [](std::string s) { return s.rfind("W/", 0) == 0 ? s.substr(2) : s; };
            bool match = false;
            for (const QString &tag : fromStd(inm).split(u',', Qt::SkipEmptyParts))
                match = match || bare(tag.trimmed().toStdString()) == bare(etag) ||
                        tag.trimmed() == u"*"_s;
            if (match) {
                res.status = 304;
                rateHeaders(res);
                return;
            }
        }
        if (counted)
            --m_remaining;
        rateHeaders(res);
        res.status = r.status;
        if (!body.empty())
            res.set_content(body, "application/json; charset=utf-8");
    };
    for (const char *prefix : {"", "/api/v3"}) {
        const std::string p = std::string(prefix) + pattern;
        if (std::string(method) == "GET")
            server.Get(p, handler);
        else if (std::string(method) == "POST")
            server.Post(p, handler);
    }
}

void GitHubServer::installRoutes(httplib::Server &server)
{
    const std::string repoP = R"(/repos/([^/]+)/([^/]+))";
    const auto repoOf = [this](const httplib::Request &req) -> const Repo * {
        return repo(fromStd(req.matches[1]), fromStd(req.matches[2]));
    };
    const auto body = [](const httplib::Request &req) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(req.body)).object();
    };

    route(server, "GET", "/rate_limit", [this](const httplib::Request &, const QString &, qint64) {
        const int limit = sandbox().options().githubRateLimit;
        const QJsonObject core{{u"limit"_s, limit},
                               {u"remaining"_s, m_remaining},
                               {u"reset"_s, m_resetSec},
                               {u"used"_s, limit - m_remaining}};
        const auto other = [this](int l) {
            return QJsonObject{
                {u"limit"_s, l}, {u"remaining"_s, l}, {u"reset"_s, m_resetSec}, {u"used"_s, 0}};
        };
        Reply r;
        r.body = QJsonObject{{u"resources"_s, QJsonObject{{u"core"_s, core},
                                                          {u"search"_s, other(30)},
                                                          {u"graphql"_s, other(5000)},
                                                          {u"integration_manifest"_s, other(5000)},
                                                          {u"code_search"_s, other(10)}}},
                             {u"rate"_s, core}};
        r.counted = false;
        return r;
    });

    // ---- runs ----
    const auto listRuns = [this, repoOf](const httplib::Request &req, const QString &api,
                                         qint64 now, const Workflow *wf) {
        const Repo *rp = repoOf(req);
        QJsonArray items;
        const QString branch = fromStd(req.get_param_value("branch"));
        const QString status = fromStd(req.get_param_value("status"));
        const QString event = fromStd(req.get_param_value("event"));
        const QString actor = fromStd(req.get_param_value("actor"));
        const QString headSha = fromStd(req.get_param_value("head_sha"));
        const QString created = fromStd(req.get_param_value("created"));
        for (auto it = m_runs.crbegin(); it != m_runs.crend(); ++it) {
            const Run &r = *it;
            if (r.repo != rp->full() || (wf && r.workflowId != wf->id))
                continue;
            if (r.createdMs > now)
                continue;
            if (!branch.isEmpty() && r.branch != branch)
                continue;
            if (!event.isEmpty() && r.event != event)
                continue;
            if (!actor.isEmpty() && r.actor != actor)
                continue;
            if (!headSha.isEmpty() && r.sha != headSha)
                continue;
            if (!status.isEmpty()) {
                qint64 updated = 0;
                const auto [st, concl] = runState(r, now, &updated);
                if (st != status && concl != status)
                    continue;
            }
            if (!created.isEmpty()) {
                // ">=T", "<=T", "T1..T2" or a date: compare on the ISO text, as GitHub does.
                const QString at = isoTime(r.createdMs);
                if (created.startsWith(u">="_s) && at < created.mid(2))
                    continue;
                if (created.startsWith(u"<="_s) && at > created.mid(2) + u"~"_s)
                    continue;
                if (created.startsWith(u'>') && !created.startsWith(u">="_s) &&
                    at <= created.mid(1))
                    continue;
                if (created.contains(u".."_s)) {
                    const QString from = created.section(u".."_s, 0, 0);
                    const QString to = created.section(u".."_s, 1);
                    if (at < from || (to != u"*"_s && at > to + u"~"_s))
                        continue;
                }
            }
            items.append(runJson(r, api, now));
        }
        return paginate(req, api, items, u"workflow_runs"_s);
    };
    route(server, "GET", repoP + "/actions/runs",
          [this, repoOf, listRuns](const httplib::Request &req, const QString &api, qint64 now) {
              if (!repoOf(req))
                  return error(404, u"Not Found"_s);
              return listRuns(req, api, now, nullptr);
          });
    route(server, "GET", repoP + "/actions/workflows/([^/]+)/runs",
          [this, repoOf, listRuns](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Workflow *wf =
                  rp ? workflowByFile(rp->full(), fromStd(req.matches[3])) : nullptr;
              if (!wf)
                  return error(404, u"Not Found"_s);
              return listRuns(req, api, now, wf);
          });
    const auto getRun = [this, repoOf](const httplib::Request &req, const QString &api,
                                       qint64 now) {
        const Repo *rp = repoOf(req);
        const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
        if (!r || r->createdMs > now)
            return error(404, u"Not Found"_s);
        if (req.matches.size() > 4) {
            const int attempt = fromStd(req.matches[4]).toInt();
            if (attempt < 1 || attempt > r->attempt)
                return error(404, u"Not Found"_s);
            QJsonObject o = runJson(*r, api, now);
            o.insert(u"run_attempt"_s, attempt);
            Reply rep;
            rep.body = o;
            return rep;
        }
        Reply rep;
        rep.body = runJson(*r, api, now);
        return rep;
    };
    route(server, "GET", repoP + R"(/actions/runs/(\d+))", getRun);
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/attempts/(\d+))", getRun);

    const auto jobs = [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
        const Repo *rp = repoOf(req);
        const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
        if (!r || r->createdMs > now)
            return error(404, u"Not Found"_s);
        QJsonArray items;
        for (const JobPlan &j : r->jobs)
            items.append(jobJson(*r, j, api, now));
        return paginate(req, api, items, u"jobs"_s);
    };
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/jobs)", jobs);
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/attempts/(\d+)/jobs)", jobs);

    const auto findJob = [this](const QString &repoName, const std::string &id, const Run **run,
                                const JobPlan **job) {
        const qint64 n = QString::fromStdString(id).toLongLong();
        for (const Run &r : m_runs)
            if (r.repo == repoName)
                for (const JobPlan &j : r.jobs)
                    if (j.id == n) {
                        *run = &r;
                        *job = &j;
                        return true;
                    }
        return false;
    };
    route(server, "GET", repoP + R"(/actions/jobs/(\d+))",
          [this, repoOf, findJob](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = nullptr;
              const JobPlan *j = nullptr;
              if (!rp || !findJob(rp->full(), req.matches[3], &r, &j) || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.body = jobJson(*r, *j, api, now);
              return rep;
          });
    route(server, "GET", repoP + R"(/actions/jobs/(\d+)/logs)",
          [this, repoOf, findJob](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = nullptr;
              const JobPlan *j = nullptr;
              if (!rp || !findJob(rp->full(), req.matches[3], &r, &j) || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.status = 302;
              rep.headers.emplace_back("Location",
                                       signedUrl(api, u"jobs"_s, j->id, now).toStdString());
              return rep;
          });
    // The signed log target: no Authorization (a browser-style URL), checked by signature.
    server.Get(R"(/_signed/jobs/(\d+)/logs)",
               [this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   const qint64 now = sandbox().clock().nowMs();
                   const qint64 id = fromStd(req.matches[1]).toLongLong();
                   if (!signatureValid(req, u"jobs"_s, id, now)) {
                       res.status = 403;
                       res.set_content("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                                       "AuthenticationFailed</Code></Error>",
                                       "application/xml");
                       return;
                   }
                   for (const Run &r : m_runs)
                       for (const JobPlan &j : r.jobs) {
                           if (j.id != id)
                               continue;
                           QString text;
                           for (const StepLog &step : jobLog(r, j, now))
                               text += step.text;
                           res.status = 200;
                           res.set_content(text.toStdString(), "text/plain; charset=utf-8");
                           return;
                       }
                   res.status = 404;
               });

    // Run logs: a 302 to a signed URL serving a zip, one "<job>/<n>_<step>.txt" per step and
    // one "<i>_<job>.txt" per job, which is the layout gh run view --log reads.
    const auto runLogs = [this, repoOf](const httplib::Request &req, const QString &api,
                                        qint64 now) {
        const Repo *rp = repoOf(req);
        const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
        if (!r || r->createdMs > now)
            return error(404, u"Not Found"_s);
        Reply rep;
        rep.status = 302;
        rep.headers.emplace_back("Location", signedUrl(api, u"runs"_s, r->id, now).toStdString());
        return rep;
    };
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/logs)", runLogs);
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/attempts/(\d+)/logs)", runLogs);
    server.Get(R"(/_signed/runs/(\d+)/logs)",
               [this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   const qint64 now = sandbox().clock().nowMs();
                   const qint64 id = fromStd(req.matches[1]).toLongLong();
                   if (!signatureValid(req, u"runs"_s, id, now)) {
                       res.status = 403;
                       res.set_content("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                                       "AuthenticationFailed</Code></Error>",
                                       "application/xml");
                       return;
                   }
                   for (const Run &r : m_runs) {
                       if (r.id != id)
                           continue;
                       QList<ZipEntry> entries;
                       int index = 0;
                       for (const JobPlan &j : r.jobs) {
                           const QString job = QString(j.name).replace(u'/', u'_');
                           QByteArray whole;
                           for (const StepLog &step : jobLog(r, j, now)) {
                               const QByteArray text = step.text.toUtf8();
                               whole += text;
                               entries.append({u"%1/%2_%3.txt"_s.arg(job)
                                                   .arg(step.number)
                                                   .arg(QString(step.name).replace(u'/', u'_')),
                                               text});
                           }
                           entries.append({u"%1_%2.txt"_s.arg(index++).arg(job), whole});
                       }
                       const QByteArray zip = zipArchive(entries, now);
                       res.status = 200;
                       res.set_content(zip.constData(), size_t(zip.size()), "application/zip");
                       res.set_header("Content-Disposition",
                                      "attachment; filename=logs_" + std::to_string(id) + ".zip");
                       return;
                   }
                   res.status = 404;
               });

    // Artifacts: a successful build run uploads one, named after what it built.
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/artifacts)",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
              if (!r || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              qint64 updated = 0;
              const auto [status, conclusion] = runState(*r, now, &updated);
              if (r->version.isEmpty() && conclusion == u"success"_s) {
                  const qint64 id =
                      qint64(stableHash(u"artifact/%1/%2"_s.arg(r->id).arg(r->attempt)) %
                             9'000'000'000) +
                      1'000'000'000;
                  const QString u = api + u"/repos/%1/actions/artifacts/%2"_s.arg(r->repo).arg(id);
                  const qint64 expires = updated + 90LL * 24 * 3600 * 1000;
                  items.append(QJsonObject{
                      {u"id"_s, id},
                      {u"node_id"_s,
                       QString::fromLatin1(("08:Artifact" + QByteArray::number(id)).toBase64())},
                      {u"name"_s, u"%1-%2"_s.arg(rp->name, r->sha.left(7))},
                      {u"size_in_bytes"_s, qint64(stableHash(r->sha) % 40'000'000) + 1'000'000},
                      {u"url"_s, u},
                      {u"archive_download_url"_s, u + u"/zip"_s},
                      {u"expired"_s, now > expires},
                      {u"digest"_s, u"sha256:"_s + stableHex(u"digest/%1"_s.arg(id), 64)},
                      {u"created_at"_s, isoTime(updated)},
                      {u"updated_at"_s, isoTime(updated)},
                      {u"expires_at"_s, isoTime(expires)},
                      {u"workflow_run"_s, QJsonObject{{u"id"_s, r->id},
                                                      {u"repository_id"_s, rp->id},
                                                      {u"head_repository_id"_s, rp->id},
                                                      {u"head_branch"_s, r->branch},
                                                      {u"head_sha"_s, r->sha}}}});
              }
              return paginate(req, api, items, u"artifacts"_s);
          });

    // Billable time: each finished job rounded up to whole minutes, all on Ubuntu runners.
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/timing)",
          [this, repoOf](const httplib::Request &req, const QString &, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
              if (!r || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              QJsonArray jobRuns;
              qint64 total = 0;
              for (const JobPlan &j : r->jobs) {
                  const JobState st = jobState(*r, j, now);
                  if (!st.startedMs || !st.completedMs)
                      continue;
                  const qint64 ms =
                      (st.completedMs - st.startedMs + kMinute - 1) / kMinute * kMinute;
                  total += ms;
                  jobRuns.append(QJsonObject{{u"job_id"_s, j.id}, {u"duration_ms"_s, ms}});
              }
              qint64 updated = 0;
              runState(*r, now, &updated);
              Reply rep;
              rep.body = QJsonObject{
                  {u"billable"_s,
                   QJsonObject{{u"UBUNTU"_s, QJsonObject{{u"total_ms"_s, total},
                                                         {u"jobs"_s, int(jobRuns.size())},
                                                         {u"job_runs"_s, jobRuns}}}}},
                  {u"run_duration_ms"_s, std::max<qint64>(0, updated - r->startMs)}};
              return rep;
          });

    // Annotations of a job's check run: a failed job carries its exit-code line, as on GitHub.
    route(server, "GET", repoP + R"(/check-runs/(\d+)/annotations)",
          [this, repoOf, findJob](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = nullptr;
              const JobPlan *j = nullptr;
              if (!rp || !findJob(rp->full(), req.matches[3], &r, &j) || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              if (jobState(*r, *j, now).conclusion == u"failure"_s)
                  items.append(
                      QJsonObject{{u"path"_s, u".github"_s},
                                  {u"blob_href"_s, htmlBase(api) + u'/' + r->repo + u"/blob/"_s +
                                                       r->sha + u"/.github"_s},
                                  {u"start_line"_s, 1},
                                  {u"start_column"_s, QJsonValue()},
                                  {u"end_line"_s, 1},
                                  {u"end_column"_s, QJsonValue()},
                                  {u"annotation_level"_s, u"failure"_s},
                                  {u"title"_s, u""_s},
                                  {u"message"_s, u"Process completed with exit code 1."_s},
                                  {u"raw_details"_s, u""_s}});
              return paginate(req, api, items, QString());
          });

    route(server, "POST",
          repoP + R"(/actions/runs/(\d+)/(rerun|rerun-failed-jobs|cancel|force-cancel))",
          [this, repoOf](const httplib::Request &req, const QString &, qint64 now) {
              const Repo *rp = repoOf(req);
              Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
              if (!r || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              const std::string op = req.matches[4];
              qint64 updated = 0;
              const auto [status, conclusion] = runState(*r, now, &updated);
              Reply rep;
              rep.body = QJsonObject();
              if (op == "cancel" || op == "force-cancel") {
                  if (status == u"completed"_s) {
                      Reply e = error(409, u"Cannot cancel a workflow run that is completed."_s);
                      e.counted = true;
                      return e;
                  }
                  r->cancelledMs = now;
                  if (r->gateState == u"waiting"_s)
                      r->gateState = u"rejected"_s, r->gateResolvedMs = now;
                  rep.status = 202;
                  return rep;
              }
              if (status != u"completed"_s)
                  return error(403, u"This workflow is already running"_s);
              if (op == "rerun-failed-jobs" && conclusion == u"success"_s)
                  return error(403, u"This workflow run has no failed jobs"_s);
              // A new attempt: same run id, jobs start over; the flaky failure passes now.
              r->attempt += 1;
              r->startMs = now + 5 * kSecond;
              r->cancelledMs = 0;
              for (JobPlan &j : r->jobs) {
                  j.fails = false;
                  j.id = ++m_nextJobId;
              }
              if (!r->gateEnv.isEmpty() && gatedJob(*r)) {
                  r->gateState = u"waiting"_s;
                  r->deploymentId = 0;
                  r->deploymentDone = false;
              }
              rep.status = 201;
              return rep;
          });

    route(
        server, "GET", repoP + R"(/actions/runs/(\d+)/pending_deployments)",
        [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
            const Repo *rp = repoOf(req);
            const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
            if (!r || r->createdMs > now)
                return error(404, u"Not Found"_s);
            QJsonArray items;
            const Environment *e = environment(*rp, r->gateEnv);
            if (e && r->gateState == u"waiting"_s && !(r->cancelledMs && now >= r->cancelledMs))
                items.append(QJsonObject{
                    {u"environment"_s,
                     QJsonObject{
                         {u"id"_s, e->id},
                         {u"node_id"_s, nodeId("EN", e->id)},
                         {u"name"_s, e->name},
                         {u"url"_s, api + u"/repos/%1/environments/%2"_s.arg(rp->full(), e->name)},
                         {u"html_url"_s,
                          htmlBase(api) + u"/%1/deployments/activity_log?environments_filter=%2"_s
                                              .arg(rp->full(), e->name)}}},
                    {u"wait_timer"_s, 0},
                    {u"wait_timer_started_at"_s, isoTime(r->startMs)},
                    {u"current_user_can_approve"_s, true},
                    {u"reviewers"_s,
                     QJsonArray{QJsonObject{{u"type"_s, u"User"_s},
                                            {u"reviewer"_s, user(u"mina-park"_s, api)}}}}});
            Reply rep;
            rep.body = items;
            return rep;
        });
    route(server, "POST", repoP + R"(/actions/runs/(\d+)/pending_deployments)",
          [this, repoOf, body](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
              if (!r || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              const QJsonObject b = body(req);
              const QString state = b.value(u"state"_s).toString();
              if (!b.value(u"environment_ids"_s).isArray())
                  return validation(u"DeploymentReview"_s, u"environment_ids"_s,
                                    u"missing_field"_s);
              if (state != u"approved"_s && state != u"rejected"_s)
                  return validation(u"DeploymentReview"_s, u"state"_s, u"invalid"_s);
              if (!b.value(u"comment"_s).isString())
                  return validation(u"DeploymentReview"_s, u"comment"_s, u"missing_field"_s);
              const Environment *e = environment(*rp, r->gateEnv);
              bool named = false;
              for (const QJsonValue &v : b.value(u"environment_ids"_s).toArray())
                  named = named || (e && v.toInteger() == e->id);
              if (!e || r->gateState != u"waiting"_s || !named)
                  return validation(u"DeploymentReview"_s, u"environment_ids"_s, u"invalid"_s,
                                    u"No pending deployment requests to approve or reject"_s);
              r->gateState = state;
              r->gateResolvedMs = now;
              r->approvals.append({state, b.value(u"comment"_s).toString(), u"mina-park"_s, now});
              QJsonArray out;
              if (state == u"approved"_s) {
                  // The deployment exists from the approval on; its job then runs and reports.
                  Deployment &d =
                      addDeployment(rp->full(), r->sha, r->version, r->gateEnv, r->actor, now);
                  d.statuses.append({++m_nextStatusId, u"queued"_s, u"Approved by mina-park"_s,
                                     r->gateEnv, u"github-actions[bot]"_s, now});
                  r->deploymentId = d.id;
                  out.append(deploymentJson(d, api));
              }
              Reply rep;
              rep.body = out;
              return rep;
          });
    route(server, "GET", repoP + R"(/actions/runs/(\d+)/approvals)",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Run *r = rp ? run(rp->full(), req.matches[3]) : nullptr;
              if (!r || r->createdMs > now)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              const Environment *e = environment(*rp, r->gateEnv);
              for (const Approval &a : r->approvals)
                  items.append(
                      QJsonObject{{u"environments"_s,
                                   e ? QJsonArray{environmentRef(*rp, *e, api)} : QJsonArray()},
                                  {u"state"_s, a.state},
                                  {u"user"_s, user(a.user, api)},
                                  {u"comment"_s, a.comment}});
              Reply rep;
              rep.body = items;
              return rep;
          });

    // ---- workflows and dispatch ----
    route(server, "GET", repoP + "/actions/workflows",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              for (const Workflow &w : m_workflows)
                  if (w.repo == rp->full())
                      items.append(workflowJson(w, api));
              return paginate(req, api, items, u"workflows"_s);
          });
    route(server, "GET", repoP + "/actions/workflows/([^/]+)",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              const Workflow *wf =
                  rp ? workflowByFile(rp->full(), fromStd(req.matches[3])) : nullptr;
              if (!wf)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.body = workflowJson(*wf, api);
              return rep;
          });
    route(
        server, "POST", repoP + "/actions/workflows/([^/]+)/dispatches",
        [this, repoOf, body](const httplib::Request &req, const QString &api, qint64 now) {
            const Repo *rp = repoOf(req);
            const Workflow *wf = rp ? workflowByFile(rp->full(), fromStd(req.matches[3])) : nullptr;
            if (!wf)
                return error(404, u"Not Found"_s);
            const QJsonObject b = body(req);
            const QString ref = b.value(u"ref"_s).toString();
            if (ref.isEmpty())
                return error(422, u"Invalid request.\n\n\"ref\" wasn't supplied."_s);
            const QJsonObject inputs = b.value(u"inputs"_s).toObject();
            if (inputs.size() > 25)
                return error(
                    422, u"you may only define up to 25 `inputs` for a workflow_dispatch event"_s);
            const SimService &s = *rp->service;
            QString sha;
            const QString bare = QString(ref).remove(u"refs/heads/"_s).remove(u"refs/tags/"_s);
            if (bare == s.defaultBranch && !s.commits.isEmpty())
                sha = s.commits.last().sha;
            if (const SimRelease *rel = s.release(bare))
                sha = rel->sha;
            if (sha.isEmpty())
                return error(422, u"No ref found for: %1"_s.arg(ref));
            Run r;
            if (wf->file == u"deploy.yml"_s) {
                const QString env = inputs.value(u"environment"_s).toString(u"prod"_s);
                const SimTarget *t = s.target(env);
                if (!t || t->backend != u"github"_s)
                    return error(422, u"Unexpected inputs provided: environment"_s);
                const QString version =
                    inputs.value(u"version"_s)
                        .toString(s.release(bare)        ? bare
                                  : s.releases.isEmpty() ? bare
                                                         : s.releases.last().version);
                const SimRelease *rel = s.release(version);
                r = deployRun(*rp, *t, version, rel ? rel->sha : sha, u"mina-park"_s, now, 0);
                if (t->protectedEnv)
                    r.gateState = u"waiting"_s;
                else
                    r.gateState = QString();
            } else {
                r = ciRun(*rp, sha, u"CI"_s, u"mina-park"_s, now, 0);
            }
            int number = 0;
            for (const Run &o : m_runs)
                if (o.workflowId == wf->id)
                    number = std::max(number, o.runNumber);
            r.runNumber = number + 1;
            r.event = u"workflow_dispatch"_s;
            r.branch = bare;
            r.id = ++m_nextRunId;
            for (JobPlan &j : r.jobs)
                j.id = ++m_nextJobId;
            m_runs.append(r);
            Reply rep;
            if (b.value(u"return_run_details"_s).toBool()) {
                rep.status = 200;
                rep.body = QJsonObject{
                    {u"workflow_run_id"_s, r.id},
                    {u"run_url"_s, api + u"/repos/%1/actions/runs/%2"_s.arg(rp->full()).arg(r.id)},
                    {u"html_url"_s,
                     htmlBase(api) + u"/%1/actions/runs/%2"_s.arg(rp->full()).arg(r.id)}};
            } else {
                rep.status = 204;
            }
            return rep;
        });

    // ---- deployments ----
    route(server, "GET", repoP + "/deployments",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              const QString sha = fromStd(req.get_param_value("sha"));
              const QString ref = fromStd(req.get_param_value("ref"));
              const QString task = fromStd(req.get_param_value("task"));
              const QString env = fromStd(req.get_param_value("environment"));
              QJsonArray items;
              for (auto it = m_deployments.crbegin(); it != m_deployments.crend(); ++it) {
                  const Deployment &d = *it;
                  if (d.repo != rp->full() || d.createdMs > now)
                      continue;
                  if ((!sha.isEmpty() && d.sha != sha) || (!ref.isEmpty() && d.ref != ref) ||
                      (!task.isEmpty() && d.task != task) ||
                      (!env.isEmpty() && d.environment != env))
                      continue;
                  items.append(deploymentJson(d, api));
              }
              return paginate(req, api, items, QString());
          });
    route(server, "POST", repoP + "/deployments",
          [this, repoOf, body](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              const QJsonObject b = body(req);
              const QString ref = b.value(u"ref"_s).toString();
              if (ref.isEmpty())
                  return validation(u"Deployment"_s, u"ref"_s, u"missing_field"_s);
              const SimService &s = *rp->service;
              QString sha;
              if (ref == s.defaultBranch && !s.commits.isEmpty())
                  sha = s.commits.last().sha;
              else if (const SimRelease *rel = s.release(ref))
                  sha = rel->sha;
              else
                  for (const SimCommit &c : s.commits)
                      if (c.sha == ref || (ref.size() >= 7 && c.sha.startsWith(ref)))
                          sha = c.sha;
              if (sha.isEmpty())
                  return validation(u"Deployment"_s, u"ref"_s, u"invalid"_s,
                                    u"No ref found for: %1"_s.arg(ref));
              const QString env = b.value(u"environment"_s).toString(u"production"_s);
              Deployment &d = addDeployment(rp->full(), sha, ref, env, u"mina-park"_s, now);
              d.task = b.value(u"task"_s).toString(u"deploy"_s);
              if (b.contains(u"description"_s))
                  d.description = b.value(u"description"_s).toString();
              if (b.contains(u"production_environment"_s))
                  d.production = b.value(u"production_environment"_s).toBool();
              Reply rep;
              rep.status = 201;
              rep.body = deploymentJson(d, api);
              return rep;
          });
    route(server, "GET", repoP + R"(/deployments/(\d+))",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Deployment *d = deployment(fromStd(req.matches[3]).toLongLong());
              if (!rp || !d || d->repo != rp->full() || d->createdMs > now)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.body = deploymentJson(*d, api);
              return rep;
          });
    route(server, "GET", repoP + R"(/deployments/(\d+)/statuses)",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Deployment *d = deployment(fromStd(req.matches[3]).toLongLong());
              if (!rp || !d || d->repo != rp->full() || d->createdMs > now)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              for (auto it = d->statuses.crbegin(); it != d->statuses.crend(); ++it)
                  if (it->atMs <= now)
                      items.append(statusJson(*d, *it, api));
              return paginate(req, api, items, QString());
          });
    route(server, "GET", repoP + R"(/deployments/(\d+)/statuses/(\d+))",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              const Deployment *d = deployment(fromStd(req.matches[3]).toLongLong());
              if (!rp || !d || d->repo != rp->full() || d->createdMs > now)
                  return error(404, u"Not Found"_s);
              const qint64 sid = fromStd(req.matches[4]).toLongLong();
              for (const DeploymentStatus &s : d->statuses)
                  if (s.id == sid) {
                      Reply rep;
                      rep.body = statusJson(*d, s, api);
                      return rep;
                  }
              return error(404, u"Not Found"_s);
          });
    route(server, "POST", repoP + R"(/deployments/(\d+)/statuses)",
          [this, repoOf, body](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              Deployment *d = deployment(fromStd(req.matches[3]).toLongLong());
              if (!rp || !d || d->repo != rp->full())
                  return error(404, u"Not Found"_s);
              const QJsonObject b = body(req);
              static const QStringList states{u"error"_s,      u"failure"_s, u"inactive"_s,
                                              u"pending"_s,    u"success"_s, u"queued"_s,
                                              u"in_progress"_s};
              const QString state = b.value(u"state"_s).toString();
              if (!states.contains(state))
                  return validation(u"DeploymentStatus"_s, u"state"_s,
                                    state.isEmpty() ? u"missing_field"_s : u"invalid"_s);
              d->statuses.append({++m_nextStatusId, state, b.value(u"description"_s).toString(),
                                  b.value(u"environment"_s).toString(d->environment),
                                  u"mina-park"_s, now});
              Reply rep;
              rep.status = 201;
              rep.body = statusJson(*d, d->statuses.last(), api);
              return rep;
          });

    // ---- the token's user, one repository, its git history ----
    route(server, "GET", "/user", [this](const httplib::Request &, const QString &api, qint64) {
        // The token belongs to the scenario's release manager, who approves its gates.
        QJsonObject o = user(u"mina-park"_s, api);
        const qint64 created = sandbox().world().epochMs - 3LL * 365 * 24 * 3600 * 1000;
        o.insert(u"user_view_type"_s, u"private"_s);
        o.insert(u"name"_s, u"Mina Park"_s);
        o.insert(u"company"_s, u"@acme"_s);
        o.insert(u"blog"_s, u""_s);
        o.insert(u"location"_s, QJsonValue());
        o.insert(u"email"_s, QJsonValue());
        o.insert(u"hireable"_s, QJsonValue());
        o.insert(u"bio"_s, QJsonValue());
        o.insert(u"twitter_username"_s, QJsonValue());
        o.insert(u"notification_email"_s, QJsonValue());
        o.insert(u"public_repos"_s, 0);
        o.insert(u"public_gists"_s, 0);
        o.insert(u"followers"_s, 0);
        o.insert(u"following"_s, 0);
        o.insert(u"created_at"_s, isoTime(created));
        o.insert(u"updated_at"_s, isoTime(created));
        o.insert(u"private_gists"_s, 0);
        o.insert(u"total_private_repos"_s, 0);
        o.insert(u"owned_private_repos"_s, 0);
        o.insert(u"disk_usage"_s, 0);
        o.insert(u"collaborators"_s, 0);
        o.insert(u"two_factor_authentication"_s, true);
        Reply rep;
        rep.body = o;
        return rep;
    });
    route(server, "GET", repoP,
          [this, repoOf](const httplib::Request &req, const QString &api, qint64 now) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              // The "full-repository" shape: the listed one plus what only a single read has.
              QJsonObject o = listedRepoJson(*rp, api, now);
              QJsonObject org = user(rp->owner, api);
              o.insert(u"organization"_s, org);
              o.insert(u"network_count"_s, 0);
              o.insert(u"subscribers_count"_s, 3);
              o.insert(u"allow_squash_merge"_s, true);
              o.insert(u"allow_merge_commit"_s, false);
              o.insert(u"allow_rebase_merge"_s, false);
              o.insert(u"allow_auto_merge"_s, false);
              o.insert(u"delete_branch_on_merge"_s, true);
              o.insert(u"allow_update_branch"_s, false);
              o.insert(u"use_squash_pr_title_as_default"_s, true);
              o.insert(u"squash_merge_commit_title"_s, u"PR_TITLE"_s);
              o.insert(u"squash_merge_commit_message"_s, u"COMMIT_MESSAGES"_s);
              o.insert(u"merge_commit_title"_s, u"MERGE_MESSAGE"_s);
              o.insert(u"merge_commit_message"_s, u"PR_TITLE"_s);
              Reply rep;
              rep.body = o;
              return rep;
          });
    const auto userOf = [](const QString &api) {
        return [api](const QString &login) { return user(login, api); };
    };
    const auto urlsOf = [](const Repo &rp, const QString &api) {
        return github::RepoUrls{api + u"/repos/"_s + rp.full(), htmlBase(api) + u'/' + rp.full()};
    };
    route(server, "GET", repoP + "/commits/([^/]+)",
          [this, repoOf, userOf, urlsOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              const QString ref =
                  QUrl::fromPercentEncoding(QByteArray::fromStdString(req.matches[3]));
              const int index = rp->service ? github::commitIndex(*rp->service, ref) : -1;
              if (index < 0)
                  return error(422, u"No commit found for SHA: %1"_s.arg(ref));
              Reply rep;
              rep.body = github::commitJson(*rp->service, index, urlsOf(*rp, api), userOf(api));
              return rep;
          });
    route(server, "GET", repoP + "/branches",
          [this, repoOf, urlsOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              return paginate(req, api,
                              rp->service ? github::branchesJson(*rp->service, urlsOf(*rp, api))
                                          : QJsonArray(),
                              QString());
          });
    route(server, "GET", repoP + "/branches/([^/]+)",
          [this, repoOf, userOf, urlsOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              const QString name =
                  QUrl::fromPercentEncoding(QByteArray::fromStdString(req.matches[3]));
              const QJsonValue b =
                  rp && rp->service
                      ? github::branchJson(*rp->service, name, urlsOf(*rp, api), userOf(api))
                      : QJsonValue(QJsonValue::Undefined);
              if (b.isUndefined())
                  return error(404, u"Branch not found"_s);
              Reply rep;
              rep.body = b;
              return rep;
          });
    route(server, "GET", repoP + R"(/compare/(.+))",
          [this, repoOf, userOf, urlsOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              const QString spec =
                  QUrl::fromPercentEncoding(QByteArray::fromStdString(req.matches[3]));
              const qsizetype dots = spec.indexOf(u"..."_s);
              const QString base = dots < 0 ? spec.section(u".."_s, 0, 0) : spec.left(dots);
              const QString head = dots < 0 ? spec.section(u".."_s, 1) : spec.mid(dots + 3);
              const int b = rp->service ? github::commitIndex(*rp->service, base) : -1;
              const int h = rp->service ? github::commitIndex(*rp->service, head) : -1;
              if (b < 0 || h < 0)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.body =
                  github::compareJson(*rp->service, b, h, spec, urlsOf(*rp, api), userOf(api));
              return rep;
          });

    // ---- repositories of an owner ----
    route(server, "GET", R"(/orgs/([^/]+)/repos)",
          [this](const httplib::Request &req, const QString &api, qint64 now) {
              if (fromStd(req.matches[1]).compare(sandbox().world().org, Qt::CaseInsensitive) != 0)
                  return error(404, u"Not Found"_s);
              return ownerRepos(req, api, now, true, false);
          });
    route(server, "GET", R"(/users/([^/]+)/repos)",
          [this](const httplib::Request &req, const QString &api, qint64 now) {
              const QString name = fromStd(req.matches[1]);
              const bool isOrg = name.compare(sandbox().world().org, Qt::CaseInsensitive) == 0;
              if (!isOrg && !knownUser(name))
                  return error(404, u"Not Found"_s);
              // For an organisation this lists only its public repositories, as GitHub does;
              // the people of the scenario own none.
              return ownerRepos(req, api, now, false, isOrg);
          });

    // ---- environments ----
    route(server, "GET", repoP + "/environments",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              if (!rp)
                  return error(404, u"Not Found"_s);
              QJsonArray items;
              for (const Environment &e : rp->environments)
                  items.append(environmentJson(*rp, e, api));
              return paginate(req, api, items, u"environments"_s);
          });
    route(server, "GET", repoP + "/environments/([^/]+)",
          [this, repoOf](const httplib::Request &req, const QString &api, qint64) {
              const Repo *rp = repoOf(req);
              const Environment *e =
                  rp ? environment(*rp, QUrl::fromPercentEncoding(
                                            QByteArray::fromStdString(req.matches[3])))
                     : nullptr;
              if (!e)
                  return error(404, u"Not Found"_s);
              Reply rep;
              rep.body = environmentJson(*rp, *e, api);
              return rep;
          });

    // Last: any other path is GitHub's JSON 404, with the usual headers and quota accounting.
    const auto unknown = [this](const httplib::Request &, const QString &, qint64) {
        return error(404, u"Not Found"_s);
    };
    route(server, "GET", ".*", unknown);
    route(server, "POST", ".*", unknown);
}

} // namespace

std::unique_ptr<BackendServer> makeGitHubServer(Sandbox &sandbox)
{
    return std::make_unique<GitHubServer>(u"github"_s, sandbox);
}

} // namespace fd::sandbox
