#include "githubbackend.h"

#include "http/backoff.h"
#include "http/httplog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <climits>
#include <cmath>

namespace fd::github {

namespace {

constexpr int kMaxInFlight = 6;          // GitHub's guidance; fdhttp caps per host as well
constexpr int kMutationSpacingMs = 1000; // GitHub: mutations at least a second apart

/// When the last mutation went to each host, across every GitHub connection of the process.
QHash<QString, qint64> &lastMutationAt()
{
    static QHash<QString, qint64> times;
    return times;
}

QString hostKey(const QUrl &url)
{
    return url.host() + QLatin1Char(':') +
           QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QString runsKey(const QString &repo)
{
    return repo.toLower();
}

bool isTransportOrServerError(const http::Response &r)
{
    return r.error == http::Response::Error::Timeout ||
           r.error == http::Response::Error::Connection || r.error == http::Response::Error::Tls ||
           r.status >= 500 || r.status == 408;
}

bool isRateLimited(const http::Response &r)
{
    if (r.status == 429)
        return true;
    if (r.status == 403) {
        if (r.header("x-ratelimit-remaining") == "0" || !r.header("retry-after").isEmpty())
            return true;
        return errorMessage(r.body).contains(QLatin1String("rate limit"), Qt::CaseInsensitive);
    }
    return false;
}

template <typename T>
QList<T> mergeKeepingRejected(QList<T> fresh, const QList<T> &old, const QList<qint64> &rejected)
{
    for (const qint64 id : rejected)
        for (const T &o : old)
            if (o.id == id)
                fresh.append(o);
    return fresh;
}

QString shortError(const http::Response &r)
{
    QString text = r.errorText.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : r.errorText;
    const QString message = errorMessage(r.body);
    if (!message.isEmpty())
        text += QStringLiteral(" (%1)").arg(message.left(200));
    return text;
}

} // namespace

PollSettings PollSettings::fromOptions(const QVariantMap &o)
{
    PollSettings s;
    for (const char *key : {"pollInterval", "pollIntervalSeconds"}) {
        bool ok = false;
        const double seconds = o.value(QLatin1String(key)).toDouble(&ok);
        if (ok && seconds > 0)
            s.intervalMs = std::max(50, int(seconds * 1000));
    }
    const auto number = [&](const char *key, int &out, int min, int max) {
        bool ok = false;
        const int v = o.value(QLatin1String(key)).toInt(&ok);
        if (ok)
            out = std::clamp(v, min, max);
    };
    number("runDepth", s.runDepth, 1, 100);
    number("jobsDepth", s.jobsDepth, 0, 100);
    number("deploymentDepth", s.deploymentDepth, 1, 100);
    number("requestTimeoutMs", s.requestTimeoutMs, 100, 300000);
    number("maxAttempts", s.maxAttempts, 1, 10);
    number("maxBackoffMs", s.maxBackoffMs, 100, 3600000);
    number("ownerRelistPolls", s.ownerRelistPolls, 1, 1000);
    return s;
}

GitHubBackend::GitHubBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_mapping(config)
    , m_settings(PollSettings::fromOptions(config.options))
    , m_problems("github", config.id, sink)
    , m_executor(new http::ActionExecutor(this, http::ExecutorSettings::of(config), this))
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &GitHubBackend::beginCycle);
    for (const QString &repo : m_mapping.repos()) {
        RepoSync sync;
        sync.snap.repo = repo;
        m_repos.insert(runsKey(repo), sync);
    }
    // scope.owners: a list, or one string "acme, octo-dev" like scope.repos.
    const QVariant owners = config.scope.value(QStringLiteral("owners"));
    QStringList names;
    if (owners.typeId() == QMetaType::QString)
        names = owners.toString().split(QLatin1Char(','));
    else
        for (const QVariant &v : owners.toList())
            names.append(v.toString());
    for (const QString &name : std::as_const(names)) {
        const QString owner = name.trimmed();
        if (owner.isEmpty() || owner.contains(QLatin1Char('/')))
            continue;
        if (!m_owners.contains(owner.toLower()))
            m_owners.insert(owner.toLower(), OwnerListing{owner, false, false, {}});
    }
}

GitHubBackend::~GitHubBackend()
{
    m_running = false;
    m_queue.clear();
    delete m_client; // aborts its requests without calling back
}

Capabilities GitHubBackend::capabilities() const
{
    return int(Capability::Pipelines) | int(Capability::Environments) |
           int(Capability::Deployments) | int(Capability::Approvals) | int(Capability::Rollback);
}

void GitHubBackend::start()
{
    if (!m_client) {
        http::ClientOptions options = http::ClientOptions::fromConnection(m_config);
        options.maxPerHost = kMaxInFlight;
        // A server asking for a long wait is not retried inside the client: we pause polling
        // and show "rate limited until" instead.
        options.retry.maxWaitMs = 5000;
        m_client = new http::Client(m_config.baseUrl, options, this);
        const QString token = m_config.secret(QStringLiteral("token"));
        if (!token.isEmpty())
            m_client->setAuthorization("Authorization", "Bearer " + token.toUtf8());
        m_client->setDefaultHeaders(
            {{"Accept", "application/vnd.github+json"}, {"X-GitHub-Api-Version", "2022-11-28"}});
    }
    if (m_repos.isEmpty() && m_owners.isEmpty())
        m_problems.report(QStringLiteral("scope"),
                          QStringLiteral("no repository in scope.repos, no "
                                         "owner in scope.owners and no "
                                         "service binding names one"));
    m_running = true;
    m_authFailed = false;
    ++m_generation;
    m_cycleActive = false;
    beginCycle();
}

void GitHubBackend::stop()
{
    m_running = false;
    m_pollTimer.stop();
    m_queue.clear();
    ++m_generation;
    m_cycleActive = false;
    for (RepoSync &sync : m_repos)
        sync.pending = 0; // answers of this generation are dropped, so nobody counts them down
    if (m_client)
        m_client->cancelAll();
}

void GitHubBackend::beginCycle()
{
    if (!m_running || m_authFailed || m_cycleActive)
        return;
    const http::RateLimitState limit = m_client->rateLimit();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (limit.isLimited(now)) {
        scheduleNext(int(std::clamp<qint64>(now.msecsTo(limit.limitedUntil) + 50, 50, INT_MAX)));
        return;
    }
    m_cycleActive = true;
    m_cycleFailures = 0;
    m_cycleLimited = false;
    m_cycleLastError.clear();
    ++m_cycles;
    // Owners' repository lists change rarely: re-read them on a slow cadence (conditionally,
    // so an unchanged list costs no quota), and before the first poll.
    bool relist = false;
    for (const OwnerListing &o : std::as_const(m_owners))
        relist = relist || !o.listed;
    relist = relist || (m_cycles - 1) % m_settings.ownerRelistPolls == 0;
    if (!m_owners.isEmpty() && relist) {
        m_ownersPending = int(m_owners.size());
        const QStringList keys = m_owners.keys();
        for (const QString &key : keys)
            listOwner(key);
        return;
    }
    pollRepositories();
}

void GitHubBackend::listOwner(const QString &ownerKey)
{
    const OwnerListing &o = m_owners[ownerKey];
    http::Request req;
    req.path = (o.asUser ? QStringLiteral("/users/") : QStringLiteral("/orgs/")) +
               QString::fromLatin1(QUrl::toPercentEncoding(o.owner)) + QStringLiteral("/repos");
    req.query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
    req.timeoutMs = m_settings.requestTimeoutMs;
    req.maxAttempts = m_settings.maxAttempts;
    req.conditional = !m_problems.mustReadFresh(
        http::joinUrl(m_client->baseUrl(), req.path, req.query).toString());
    const int generation = m_generation;
    m_client->fetchAllPages(req, this,
                            [this, ownerKey, generation](const QList<http::Response> &pages,
                                                         const http::Response &last) {
                                if (generation != m_generation ||
                                    last.error == http::Response::Error::Cancelled)
                                    return;
                                ownerListed(ownerKey, pages, last);
                            });
}

void GitHubBackend::ownerListed(const QString &ownerKey,
                                const QList<http::Response> &pages,
                                const http::Response &last)
{
    if (const QByteArray interval = last.header("x-poll-interval"); !interval.isEmpty())
        m_serverPollIntervalMs = std::max(0, interval.toInt() * 1000);
    if (last.status == 401) {
        authFailed(last);
        return;
    }
    OwnerListing &o = m_owners[ownerKey];
    const QString where = QStringLiteral("owner %1").arg(o.owner);
    if (last.status == 404 && !o.asUser) {
        // Not an organisation (or not visible as one): try the user account of that name.
        o.asUser = true;
        listOwner(ownerKey);
        return;
    }
    if (last.status == 404) {
        o.asUser = false; // the name may become an organisation later: start over next time
        o.listed = true;
        o.repos.clear();
        m_problems.report(where,
                          QStringLiteral("GitHub answers 404 for both the organisation and the "
                                         "user '%1': the owner does not exist or this token "
                                         "cannot see it")
                              .arg(o.owner));
    } else if (isRateLimited(last)) {
        m_cycleLimited = true;
        m_cycleLastError = shortError(last);
    } else if (isTransportOrServerError(last)) {
        ++m_cycleFailures;
        m_cycleLastError = shortError(last);
    } else if (!last.ok()) {
        o.listed = true; // asked again at the relist cadence, not every poll
        m_problems.report(where + QStringLiteral(": repositories"), shortError(last));
    } else {
        QStringList active;
        QStringList errors;
        bool bodyOk = true;
        for (const http::Response &page : pages) {
            const Parsed<WireRepository> parsed = parseRepositories(page.body);
            m_problems.markReadable(page.url, parsed.bodyOk);
            bodyOk = bodyOk && parsed.bodyOk;
            errors += parsed.errors;
            for (const WireRepository &r : parsed.items)
                if (!r.archived && !r.disabled)
                    active.append(r.fullName);
        }
        const QString listWhere = where + QStringLiteral(": repositories");
        if (!bodyOk) {
            m_problems.report(listWhere, QStringLiteral("unreadable answer, keeping the last good "
                                                        "list: %1")
                                             .arg(errors.join(QStringLiteral("; "))));
        } else {
            m_problems.clear(where);
            errors.isEmpty() ? m_problems.clear(listWhere)
                             : m_problems.report(listWhere, errors.join(QStringLiteral("; ")));
            o.repos = active;
            o.listed = true;
        }
    }
    if (--m_ownersPending > 0)
        return;
    mergeOwnerRepositories();
    pollRepositories();
}

void GitHubBackend::mergeOwnerRepositories()
{
    // scope.repos and bindings first, then every owner's active repositories; a repository
    // that left every owner's list (archived, deleted, moved) is dropped with its records.
    QStringList wanted = m_mapping.repos();
    QSet<QString> keys;
    for (const QString &r : std::as_const(wanted))
        keys.insert(runsKey(r));
    for (const OwnerListing &o : std::as_const(m_owners))
        for (const QString &r : o.repos)
            if (!keys.contains(runsKey(r))) {
                keys.insert(runsKey(r));
                wanted.append(r);
            }
    for (auto it = m_repos.begin(); it != m_repos.end();)
        it = keys.contains(it.key()) ? std::next(it) : m_repos.erase(it);
    for (const QString &r : std::as_const(wanted))
        if (!m_repos.contains(runsKey(r))) {
            RepoSync sync;
            sync.snap.repo = r;
            m_repos.insert(runsKey(r), sync);
        }
}

void GitHubBackend::pollRepositories()
{
    for (auto it = m_repos.begin(); it != m_repos.end(); ++it) {
        const QString repo = it->snap.repo;
        const QString base = QStringLiteral("/repos/") + repo;
        QUrlQuery runsQuery;
        runsQuery.addQueryItem(QStringLiteral("per_page"), QString::number(m_settings.runDepth));
        get(repo, base + QStringLiteral("/actions/runs"), runsQuery,
            [this](RepoSync &sync, const http::Response &r) {
                if (!readOk(sync, QStringLiteral("workflow runs"), r))
                    return;
                // A 304 means the last good parse still stands; only the follow-ups run.
                if (r.notModified) {
                    afterRuns(sync);
                    return;
                }
                const Parsed<WireRun> parsed = parseRuns(r.body);
                const QString where = QStringLiteral("repo %1: workflow runs").arg(sync.snap.repo);
                if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                    return;
                QList<WireRun> runs =
                    mergeKeepingRejected(parsed.items, sync.snap.runs, parsed.rejectedIds);
                std::sort(runs.begin(), runs.end(), [](const WireRun &a, const WireRun &b) {
                    return a.created != b.created ? a.created > b.created : a.id > b.id;
                });
                sync.snap.runs = runs;
                afterRuns(sync);
            });
        QUrlQuery depQuery;
        depQuery.addQueryItem(QStringLiteral("per_page"),
                              QString::number(m_settings.deploymentDepth));
        get(repo, base + QStringLiteral("/deployments"), depQuery,
            [this](RepoSync &sync, const http::Response &r) {
                if (!readOk(sync, QStringLiteral("deployments"), r))
                    return;
                if (r.notModified) {
                    afterDeployments(sync);
                    return;
                }
                const auto parsed = parseDeployments(r.body);
                const QString where = QStringLiteral("repo %1: deployments").arg(sync.snap.repo);
                if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                    return;
                sync.snap.deployments = parsed.items;
                afterDeployments(sync);
            });
    }
    if (m_repos.isEmpty())
        finishCycle();
}

void GitHubBackend::afterRuns(RepoSync &sync)
{
    const QString base =
        QStringLiteral("/repos/") + sync.snap.repo + QStringLiteral("/actions/runs/");
    QSet<qint64> inWindow;
    QHash<QString, int> finishedSeen; // per workflow file, newest first
    for (qsizetype i = 0; i < sync.snap.runs.size(); ++i) {
        const WireRun &run = sync.snap.runs.at(i);
        inWindow.insert(run.id);
        const int finishedRank = isFinished(run.mapped) ? finishedSeen[run.workflowFile]++ : -1;
        const QString marker = run.updated.toString(Qt::ISODate) + QLatin1Char('#') +
                               QString::number(run.attempt) + run.status + run.conclusion;
        // Finished runs never change again: the jobs of the newest jobsDepth finished runs of
        // each workflow are read once; unfinished runs are re-read every poll (304s are free).
        const bool unfinished = !isFinished(run.mapped);
        const bool known = sync.jobsMarker.contains(run.id);
        const bool needJobs = unfinished || (sync.jobsMarker.value(run.id) != marker &&
                                             (finishedRank < m_settings.jobsDepth || known));
        if (needJobs) {
            const qint64 id = run.id;
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
            get(
                sync.snap.repo, base + QString::number(id) + QStringLiteral("/jobs"), q,
                [this, id, marker](RepoSync &s, const http::Response &r) {
                    if (!readOk(s, QStringLiteral("jobs of run %1").arg(id), r))
                        return;
                    if (r.notModified) {
                        s.jobsMarker.insert(id, marker);
                        return;
                    }
                    const auto parsed = parseJobs(r.body);
                    const QString where = QStringLiteral("repo %1: jobs of run %2")
                                              .arg(s.snap.repo, QString::number(id));
                    if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                        return;
                    s.snap.jobs.insert(id, mergeKeepingRejected(parsed.items, s.snap.jobs.value(id),
                                                                parsed.rejectedIds));
                    s.jobsMarker.insert(id, marker);
                },
                true);
        }
        if (run.mapped == RunStatus::Waiting) {
            const qint64 id = run.id;
            get(sync.snap.repo, base + QString::number(id) + QStringLiteral("/pending_deployments"),
                {}, [this, id](RepoSync &s, const http::Response &r) {
                    if (!readOk(s, QStringLiteral("pending deployments of run %1").arg(id), r))
                        return;
                    if (r.notModified)
                        return;
                    const auto parsed = parsePendingDeployments(r.body);
                    const QString where = QStringLiteral("repo %1: pending deployments of run %2")
                                              .arg(s.snap.repo, QString::number(id));
                    // A readable list's record errors are not shown: an unknown entry is skipped.
                    if (!m_problems.accept(where, r.url, parsed.bodyOk,
                                           parsed.bodyOk ? QStringList() : parsed.errors))
                        return;
                    if (parsed.items.isEmpty()) {
                        s.snap.pending.remove(id);
                    } else {
                        s.snap.pending.insert(id, parsed.items);
                        s.gatedRuns.insert(id);
                    }
                });
        }
    }
    // Gates that went away: read the run's review history once to tell granted from rejected.
    const QList<qint64> gated(sync.gatedRuns.cbegin(), sync.gatedRuns.cend());
    for (const qint64 id : gated) {
        const WireRun *run = sync.snap.run(id);
        if (run && run->mapped == RunStatus::Waiting)
            continue;
        sync.gatedRuns.remove(id);
        sync.snap.pending.remove(id);
        if (!run)
            continue;
        get(sync.snap.repo, base + QString::number(id) + QStringLiteral("/approvals"), {},
            [this, id](RepoSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("approvals of run %1").arg(id), r))
                    return;
                const auto parsed = parseApprovals(r.body);
                if (!parsed.bodyOk)
                    return;
                s.snap.approvals.insert(id, parsed.items);
                s.snap.approvalsSeen.insert(id, QDateTime::currentDateTimeUtc());
            });
    }
    // Forget what fell out of the window.
    for (auto it = sync.snap.jobs.begin(); it != sync.snap.jobs.end();)
        it = inWindow.contains(it.key()) ? std::next(it) : sync.snap.jobs.erase(it);
    for (auto it = sync.jobsMarker.begin(); it != sync.jobsMarker.end();)
        it = inWindow.contains(it.key()) ? std::next(it) : sync.jobsMarker.erase(it);
    for (auto it = sync.snap.pending.begin(); it != sync.snap.pending.end();) {
        const WireRun *run = sync.snap.run(it.key());
        it = run && run->mapped == RunStatus::Waiting ? std::next(it) : sync.snap.pending.erase(it);
    }
    for (auto it = sync.snap.approvals.begin(); it != sync.snap.approvals.end();)
        it = inWindow.contains(it.key()) ? std::next(it) : sync.snap.approvals.erase(it);
}

void GitHubBackend::afterDeployments(RepoSync &sync)
{
    // Environments only matter for a repository that deploys (or is bound to environments):
    // a CI-only repository costs one request less per poll.
    bool boundToEnvironment = false;
    for (const ServiceBinding &b : m_config.bindings)
        boundToEnvironment =
            boundToEnvironment || (!b.environment.isEmpty() &&
                                   b.object.compare(sync.snap.repo, Qt::CaseInsensitive) == 0);
    if (boundToEnvironment || !sync.snap.deployments.isEmpty()) {
        QUrlQuery envQuery;
        envQuery.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
        get(sync.snap.repo,
            QStringLiteral("/repos/") + sync.snap.repo + QStringLiteral("/environments"), envQuery,
            [this](RepoSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("environments"), r))
                    return;
                if (r.notModified)
                    return;
                const auto parsed = parseEnvironments(r.body);
                const QString where = QStringLiteral("repo %1: environments").arg(s.snap.repo);
                if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                    return;
                s.snap.environments = parsed.items;
            });
    }
    const QString base =
        QStringLiteral("/repos/") + sync.snap.repo + QStringLiteral("/deployments/");
    QSet<qint64> known;
    for (const WireDeployment &d : std::as_const(sync.snap.deployments)) {
        known.insert(d.id);
        const auto statuses = sync.snap.statuses.constFind(d.id);
        const WireDeploymentStatus *newest =
            statuses == sync.snap.statuses.constEnd() ? nullptr : newestStatus(*statuses);
        const bool settled = newest && isTerminalDeploymentState(newest->state) &&
                             sync.statusesMarker.value(d.id) == d.updated;
        if (settled)
            continue;
        const qint64 id = d.id;
        const QDateTime updated = d.updated;
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
        get(sync.snap.repo, base + QString::number(id) + QStringLiteral("/statuses"), q,
            [this, id, updated](RepoSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("statuses of deployment %1").arg(id), r))
                    return;
                if (r.notModified) {
                    s.statusesMarker.insert(id, updated);
                    return;
                }
                const auto parsed = parseDeploymentStatuses(r.body);
                const QString where = QStringLiteral("repo %1: statuses of deployment %2")
                                          .arg(s.snap.repo, QString::number(id));
                if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                    return;
                s.snap.statuses.insert(id,
                                       mergeKeepingRejected(parsed.items, s.snap.statuses.value(id),
                                                            parsed.rejectedIds));
                s.statusesMarker.insert(id, updated);
            });
    }
    for (auto it = sync.snap.statuses.begin(); it != sync.snap.statuses.end();)
        it = known.contains(it.key()) ? std::next(it) : sync.snap.statuses.erase(it);
    for (auto it = sync.statusesMarker.begin(); it != sync.statusesMarker.end();)
        it = known.contains(it.key()) ? std::next(it) : sync.statusesMarker.erase(it);
}

void GitHubBackend::get(const QString &repo,
                        const QString &path,
                        const QUrlQuery &query,
                        Handler handler,
                        bool allPages)
{
    const QString key = runsKey(repo);
    auto it = m_repos.find(key);
    if (it == m_repos.end())
        return;
    ++it->pending;
    const int generation = m_generation;
    m_queue.enqueue([this, key, repo, path, query, handler, allPages, generation] {
        if (generation != m_generation)
            return;
        // Once the server said "wait" or "who are you", nothing more goes out this cycle.
        if (m_authFailed || m_cycleLimited || m_client->rateLimit().isLimited()) {
            m_cycleLimited = m_cycleLimited || !m_authFailed;
            requestDone(repo);
            return;
        }
        http::Request req;
        req.path = path;
        req.query = query;
        req.timeoutMs = m_settings.requestTimeoutMs;
        req.maxAttempts = m_settings.maxAttempts;
        const QString url = http::joinUrl(m_client->baseUrl(), path, query).toString();
        req.conditional = !m_problems.mustReadFresh(url);
        ++m_active;
        const auto onResponse = [this, key, repo, handler, generation](const http::Response &r) {
            --m_active;
            if (generation != m_generation || r.error == http::Response::Error::Cancelled) {
                pumpQueue();
                return;
            }
            if (const QByteArray interval = r.header("x-poll-interval"); !interval.isEmpty())
                m_serverPollIntervalMs = std::max(0, interval.toInt() * 1000);
            if (r.status == 401) {
                authFailed(r);
                return;
            }
            auto repoIt = m_repos.find(key);
            if (repoIt != m_repos.end()) {
                if (isRateLimited(r)) {
                    m_cycleLimited = true;
                    m_cycleLastError = shortError(r);
                } else if (isTransportOrServerError(r)) {
                    ++m_cycleFailures;
                    m_cycleLastError = shortError(r);
                } else {
                    handler(*repoIt, r);
                }
            }
            requestDone(repo);
            pumpQueue();
        };
        if (allPages) {
            m_client->fetchAllPages(
                req, this,
                [onResponse](const QList<http::Response> &pages, const http::Response &last) {
                    if (!last.ok() || pages.size() <= 1) {
                        onResponse(last);
                        return;
                    }
                    // Join the pages' jobs into one body for the parser.
                    QJsonArray jobs;
                    for (const http::Response &p : pages)
                        for (const QJsonValue &j : QJsonDocument::fromJson(p.body)
                                                       .object()
                                                       .value(QLatin1String("jobs"))
                                                       .toArray())
                            jobs.append(j);
                    http::Response joined = last;
                    joined.body =
                        QJsonDocument(QJsonObject{{QStringLiteral("total_count"), jobs.size()},
                                                  {QStringLiteral("jobs"), jobs}})
                            .toJson(QJsonDocument::Compact);
                    onResponse(joined);
                });
        } else {
            m_client->send(req, this, onResponse);
        }
    });
    pumpQueue();
}

void GitHubBackend::pumpQueue()
{
    while (m_active < kMaxInFlight && !m_queue.isEmpty()) {
        const auto next = m_queue.dequeue();
        next();
    }
}

void GitHubBackend::requestDone(const QString &repo)
{
    auto it = m_repos.find(runsKey(repo));
    if (it == m_repos.end())
        return;
    if (--it->pending > 0)
        return;
    for (const RepoSync &sync : std::as_const(m_repos))
        if (sync.pending > 0)
            return;
    if (m_cycleActive)
        finishCycle();
}

bool GitHubBackend::readOk(RepoSync &sync, const QString &what, const http::Response &r)
{
    return m_problems.readOk(QStringLiteral("repo ") + sync.snap.repo, what, r, shortError,
                             [](const http::Response &) {
                                 return QStringLiteral("GitHub answers 404: the repository does "
                                                       "not exist or this token cannot see it");
                             });
}

void GitHubBackend::finishCycle()
{
    m_cycleActive = false;
    if (m_authFailed || !m_running)
        return;
    publishRecords();

    ConnectionHealth h = m_health;
    const http::RateLimitState limit = m_client->rateLimit();
    h.rateLimitLimit = limit.limit;
    h.rateLimitRemaining = limit.remaining;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int delay = std::max(m_settings.intervalMs, m_serverPollIntervalMs);
    if (limit.isLimited(now) || m_cycleLimited) {
        h.state = ConnectionHealth::State::RateLimited;
        h.rateLimitedUntil =
            limit.limitedUntil.isValid() ? limit.limitedUntil : now.addMSecs(delay);
        h.reason =
            QStringLiteral("connection %1: GitHub rate limit reached; polling paused until %2")
                .arg(m_config.id,
                     h.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
        delay = int(std::clamp<qint64>(now.msecsTo(h.rateLimitedUntil) + 50, 50, INT_MAX));
    } else if (m_cycleFailures > 0) {
        ++m_failStreak;
        delay = backoffMs();
        h.state = ConnectionHealth::State::Degraded;
        h.rateLimitedUntil = QDateTime();
        h.reason =
            QStringLiteral("connection %1: %2 request(s) failed (last: %3); next try in %4 s")
                .arg(m_config.id, QString::number(m_cycleFailures), m_cycleLastError,
                     QString::number(delay / 1000.0, 'f', 1));
    } else {
        m_failStreak = 0;
        h.state = ConnectionHealth::State::Ok;
        h.reason.clear();
        h.rateLimitedUntil = QDateTime();
        h.lastSuccess = now;
    }
    setHealth(h);
    if (!m_initialDone) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
    scheduleNext(delay);
}

int GitHubBackend::backoffMs() const
{
    // Exponential in the failed polls in a row, with equal jitter: connections do not come
    // back in step, and none probes a failing server sooner than half its backoff.
    const int base = std::max(m_settings.intervalMs, m_serverPollIntervalMs);
    http::RetryTiming timing;
    timing.baseMs = base;
    timing.capMs = std::max(m_settings.maxBackoffMs, base);
    return std::max(1, http::equalJitterDelayMs(timing, std::min(m_failStreak, 16) + 1));
}

void GitHubBackend::scheduleNext(int delayMs)
{
    if (!m_running || m_authFailed)
        return;
    m_pollTimer.start(std::max(1, delayMs));
}

void GitHubBackend::authFailed(const http::Response &r)
{
    if (m_authFailed)
        return;
    m_authFailed = true;
    m_pollTimer.stop();
    m_queue.clear();
    ++m_generation; // drop every answer still on its way
    m_cycleActive = false;
    for (RepoSync &sync : m_repos)
        sync.pending = 0;
    ConnectionHealth h = m_health;
    h.state = ConnectionHealth::State::AuthFailed;
    const QString message = errorMessage(r.body);
    h.reason = QStringLiteral("connection %1: GitHub rejected the token (401%2); polling is paused "
                              "until the credential changes")
                   .arg(m_config.id,
                        message.isEmpty() ? QString() : QStringLiteral(" ") + message.left(120));
    setHealth(h);
    m_problems.report(QStringLiteral("connection %1").arg(m_config.id), h.reason);
    if (!m_initialDone) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
}

void GitHubBackend::setHealth(const ConnectionHealth &health)
{
    if (health == m_health)
        return;
    const bool stateChanged = health.state != m_health.state || health.reason != m_health.reason ||
                              health.rateLimitedUntil != m_health.rateLimitedUntil;
    m_health = health;
    // lastSuccess and quota figures move every poll; only a change a user sees is signalled.
    if (stateChanged)
        m_sink->healthChanged(m_config.id, m_health);
}

void GitHubBackend::publishRecords()
{
    RecordSet all;
    for (const RepoSync &sync : std::as_const(m_repos)) {
        const RecordSet part = buildRecords(m_mapping, sync.snap);
        all.runs += part.runs;
        all.deployments += part.deployments;
        all.environments += part.environments;
        all.gates += part.gates;
        all.events += part.events;
    }
    m_publisher.publish(m_sink, m_config.id, all, all.events, !m_initialDone);
}

PlanningState GitHubBackend::planningState() const
{
    PlanningState st;
    st.mapping = &m_mapping;
    for (auto it = m_repos.cbegin(); it != m_repos.cend(); ++it)
        st.repos.insert(it.key(), it->snap);
    return st;
}

ActionPlan GitHubBackend::plan(const ReleaseAction &action) const
{
    ActionPlan p = planAction(action, planningState());
    p.action.connectionId = m_config.id;
    return p;
}

quint64 GitHubBackend::execute(const ActionPlan &plan)
{
    return m_executor->execute(plan);
}

http::PreconditionReading GitHubBackend::readPrecondition(const Precondition &pc,
                                                          const http::Response &r)
{
    if (!r.ok())
        return http::PreconditionReading::unreadable(shortError(r));
    QString found;
    const bool holds = preconditionHolds(pc, r.body, &found);
    return http::PreconditionReading::compared(holds, found);
}

void GitHubBackend::actionEnded(const http::ActionRun &run, const ActionResult &result)
{
    m_sink->actionFinished(m_config.id, run.ticket, result);
    // Look again soon so the change shows without waiting a whole poll interval.
    if (result.ok && m_running && !m_authFailed && !m_cycleActive)
        scheduleNext(std::min(m_settings.intervalMs, 500));
}

void GitHubBackend::sendForAction(const http::Request &request, Reply reply)
{
    if (!m_client)
        start();
    http::Request req = request;
    req.timeoutMs = m_settings.requestTimeoutMs;
    if (req.method != "GET") {
        const QString host = hostKey(m_config.baseUrl);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 last = lastMutationAt().value(host, 0);
        if (now - last < kMutationSpacingMs) {
            QTimer::singleShot(int(kMutationSpacingMs - (now - last)), this,
                               [this, req, reply] { sendForAction(req, reply); });
            return;
        }
        lastMutationAt().insert(host, now);
    }
    m_client->send(req, this, std::move(reply));
}

http::MutationVerdict GitHubBackend::interpretMutation(const std::shared_ptr<http::ActionRun> &run,
                                                       const PlannedRequest &planned,
                                                       const http::Response &r)
{
    using Kind = http::MutationVerdict::Kind;
    if (r.ok()) {
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        if (!answer.contains(QLatin1String("workflow_run_id")))
            return {Kind::Done, {}};
        const QString summary = run->plan.summary;
        return {
            Kind::Done,
            (summary.isEmpty() ? QStringLiteral("done") : summary + QStringLiteral(": done")) +
                QStringLiteral(" (run ") +
                QString::number(qint64(answer.value(QLatin1String("workflow_run_id")).toDouble())) +
                QLatin1Char(')')};
    }
    if (r.status == 409 && planned.path.endsWith(QLatin1String("/cancel")))
        return {Kind::Failed, QStringLiteral("GitHub answers 409: the run can no longer be "
                                             "cancelled (it has finished or is finishing)")};
    if (r.status == 401) {
        authFailed(r);
        return {Kind::Failed, shortError(r)};
    }
    // The request may or may not have acted; only a fresh read says whether to send again.
    if (isTransportOrServerError(r) || isRateLimited(r))
        return {Kind::Lost, shortError(r)};
    return {Kind::Failed, shortError(r)};
}

void GitHubBackend::fetchLogTail(const QString &runId,
                                 const QString &stageId,
                                 qint64 maxBytes,
                                 std::function<void(const QString &, const QString &)> done)
{
    bool ok = false;
    const qint64 run = runId.toLongLong(&ok);
    const RepoSync *owner = nullptr;
    for (const RepoSync &sync : std::as_const(m_repos))
        if (ok && sync.snap.run(run))
            owner = &sync;
    if (!owner || !m_client) {
        done(QString(),
             QStringLiteral("run %1 is not known on connection %2").arg(runId, m_config.id));
        return;
    }
    QString job = stageId.section(QLatin1Char('/'), 0, 0);
    if (job.isEmpty()) {
        const QList<WireJob> jobs = owner->snap.jobs.value(run);
        for (const WireJob &j : jobs)
            if (j.mapped == RunStatus::Failed)
                job = QString::number(j.id);
        if (job.isEmpty() && !jobs.isEmpty())
            job = QString::number(jobs.last().id);
    }
    if (job.isEmpty()) {
        done(QString(), QStringLiteral("run %1 has no job whose log could be read").arg(runId));
        return;
    }
    http::Request req;
    req.path = QStringLiteral("/repos/%1/actions/jobs/%2/logs").arg(owner->snap.repo, job);
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    // GitHub answers 302 to a short-lived storage URL; the client follows it and sends the
    // token only to GitHub's own origin.
    m_client->send(req, this, [done, maxBytes](const http::Response &r) {
        if (!r.ok()) {
            done(QString(), shortError(r));
            return;
        }
        const QByteArray tail =
            maxBytes > 0 && r.body.size() > maxBytes ? r.body.right(maxBytes) : r.body;
        done(QString::fromUtf8(tail), QString());
    });
}

QVariantMap GitHubBackend::statistics() const
{
    QVariantMap stats = m_client ? m_client->statistics() : QVariantMap();
    stats.insert(QStringLiteral("polls"), m_cycles);
    stats.insert(QStringLiteral("repositories"), qint64(m_repos.size()));
    return stats;
}

} // namespace fd::github
