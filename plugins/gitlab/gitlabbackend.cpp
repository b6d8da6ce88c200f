#include "gitlabbackend.h"

#include "http/backoff.h"
#include "http/httplog.h"
#include "http/pagination.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <climits>

namespace fd::gitlab {

namespace {

constexpr int kMaxInFlight = 6;

QString keyOf(const QString &project)
{
    return project.toLower();
}

bool isTransportOrServerError(const http::Response &r)
{
    return r.error == http::Response::Error::Timeout ||
           r.error == http::Response::Error::Connection || r.error == http::Response::Error::Tls ||
           r.status >= 500 || r.status == 408;
}

QString shortError(const http::Response &r)
{
    QString text = r.errorText.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : r.errorText;
    const QString message = errorMessage(r.body);
    if (!message.isEmpty() && !text.contains(message))
        text += QStringLiteral(" (%1)").arg(message.left(200));
    return text;
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

/// Joins the JSON arrays of several pages into one body for the parsers.
QByteArray joinPages(const QList<http::Response> &pages)
{
    if (pages.size() == 1)
        return pages.first().body;
    QJsonArray all;
    for (const http::Response &p : pages) {
        const QJsonDocument doc = QJsonDocument::fromJson(p.body);
        if (!doc.isArray())
            return p.body; // let the parser name the unreadable page
        for (const QJsonValue &v : doc.array())
            all.append(v);
    }
    return QJsonDocument(all).toJson(QJsonDocument::Compact);
}

bool isKeysetRefusal(const http::Response &r)
{
    return r.status == 405 && errorMessage(r.body).contains(QLatin1String("eyset"));
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
    if (o.contains(QStringLiteral("honourPollInterval")))
        s.honourPollInterval = o.value(QStringLiteral("honourPollInterval")).toBool();
    const auto number = [&](const char *key, int &out, int min, int max) {
        bool ok = false;
        const int v = o.value(QLatin1String(key)).toInt(&ok);
        if (ok)
            out = std::clamp(v, min, max);
    };
    number("runDepth", s.runDepth, 1, 1000);
    number("jobsDepth", s.jobsDepth, 0, 100);
    number("deploymentDepth", s.deploymentDepth, 1, 100);
    number("protectedEvery", s.protectedEvery, 1, 1000);
    number("requestTimeoutMs", s.requestTimeoutMs, 100, 300000);
    number("maxAttempts", s.maxAttempts, 1, 10);
    number("maxBackoffMs", s.maxBackoffMs, 100, 3600000);
    number("rateLimitBackoffMs", s.rateLimitBackoffMs, 100, 3600000);
    number("deploymentsFullEvery", s.deploymentsFullEvery, 1, 1000);
    number("environmentsEvery", s.environmentsEvery, 1, 1000);
    if (o.contains(QStringLiteral("requestsPerMinute"))) {
        number("requestsPerMinute", s.requestsPerMinute, 1, 1000000);
        s.requestsPerMinuteSet = true;
    }
    return s;
}

QString apiPrefixFor(const QUrl &baseUrl)
{
    QString path = baseUrl.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path.endsWith(QLatin1String("/api/v4")) ? QString() : QStringLiteral("/api/v4");
}

GitLabBackend::GitLabBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_mapping(config)
    , m_settings(PollSettings::fromOptions(config.options))
    , m_apiPrefix(apiPrefixFor(config.baseUrl))
    , m_pacer(PacerSettings{m_settings.requestsPerMinute, m_settings.requestsPerMinuteSet})
    , m_problems("gitlab", config.id, sink)
    , m_executor(new http::ActionExecutor(this, http::ExecutorSettings::of(config, 2, 200), this))
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &GitLabBackend::beginCycle);
    m_paceTimer.setSingleShot(true);
    connect(&m_paceTimer, &QTimer::timeout, this, &GitLabBackend::pumpQueue);
    m_partialPublish.setSingleShot(true);
    m_partialPublish.setInterval(500);
    connect(&m_partialPublish, &QTimer::timeout, this, [this] {
        if (m_cycleActive)
            publishRecords();
    });
    int index = 0;
    for (const QString &project : m_mapping.projects()) {
        ProjectSync sync;
        sync.index = index++;
        sync.snap.ref = project;
        bool numeric = false;
        project.toLongLong(&numeric);
        if (!numeric)
            sync.snap.path = project;
        m_projects.insert(keyOf(project), sync);
    }
}

GitLabBackend::~GitLabBackend()
{
    m_running = false;
    m_queue.clear();
    delete m_client; // aborts its requests without calling back
}

Capabilities GitLabBackend::capabilities() const
{
    return int(Capability::Pipelines) | int(Capability::Environments) |
           int(Capability::Deployments) | int(Capability::Approvals) | int(Capability::Rollback);
}

QString GitLabBackend::projectPath(const ProjectSync &sync) const
{
    return m_apiPrefix + QStringLiteral("/projects/") + encodeProject(sync.snap.ref);
}

void GitLabBackend::start()
{
    if (m_running && !m_authFailed) {
        // Already polling: look now (or right after the poll in flight).
        if (m_cycleActive)
            m_refreshWanted = true;
        else
            beginCycle();
        return;
    }
    if (!m_client) {
        http::ClientOptions options = http::ClientOptions::fromConnection(m_config);
        options.maxPerHost = kMaxInFlight;
        // A server asking for a long wait is not retried inside the client: polling pauses and
        // the health says "rate limited until" instead.
        options.retry.maxWaitMs = 5000;
        m_client = new http::Client(m_config.baseUrl, options, this);
        const QString token = m_config.secret(QStringLiteral("token"));
        const QString scheme = m_config.options.value(QStringLiteral("authScheme")).toString();
        if (!token.isEmpty()) {
            // OAuth tokens only work as Bearer; personal, project and group tokens either way.
            if (scheme.compare(QLatin1String("bearer"), Qt::CaseInsensitive) == 0)
                m_client->setAuthorization("Authorization", "Bearer " + token.toUtf8());
            else
                m_client->setAuthorization("PRIVATE-TOKEN", token.toUtf8());
        }
        m_client->setDefaultHeaders({{"Accept", "application/json"}});
    }
    if (m_config.scope.contains(QStringLiteral("groups")))
        m_problems.report(QStringLiteral("scope.groups"),
                          QStringLiteral("listing every project of a group is not supported yet; "
                                         "name the projects under scope.projects"));
    if (m_projects.isEmpty())
        m_problems.report(QStringLiteral("scope"),
                          QStringLiteral("no project in scope.projects and no "
                                         "service binding names one"));
    m_running = true;
    m_authFailed = false;
    ++m_generation;
    m_cycleActive = false;
    beginCycle();
}

void GitLabBackend::stop()
{
    m_running = false;
    m_pollTimer.stop();
    m_paceTimer.stop();
    m_partialPublish.stop();
    m_queue.clear();
    ++m_generation;
    m_cycleActive = false;
    m_active = 0;
    m_inFlight.fill(0);
    for (ProjectSync &sync : m_projects)
        sync.pending = 0;
    if (m_client)
        m_client->cancelAll();
}

QDateTime GitLabBackend::limitedUntil() const
{
    QDateTime until = m_limitedUntil;
    if (m_client) {
        const http::RateLimitState limit = m_client->rateLimit();
        if (limit.limitedUntil.isValid() && (!until.isValid() || limit.limitedUntil > until))
            until = limit.limitedUntil;
    }
    return until;
}

void GitLabBackend::beginCycle()
{
    if (!m_running || m_authFailed || m_cycleActive)
        return;
    m_pollTimer.stop();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (const QDateTime until = limitedUntil(); until.isValid() && until > now) {
        scheduleNext(int(std::clamp<qint64>(now.msecsTo(until) + 50, 50, INT_MAX)));
        return;
    }
    m_cycleActive = true;
    m_refreshWanted = false;
    m_cycleFailures = 0;
    m_cycleLimited = false;
    m_cycleLastError.clear();
    ++m_cycles;
    const QVariantMap stats = m_client->statistics();
    m_cycleStartRequests = stats.value(QStringLiteral("requestsSent")).toLongLong();
    m_cycleStartNotModified = stats.value(QStringLiteral("notModified")).toLongLong();

    if (!m_userId && !m_projects.isEmpty()) {
        // Who the token is: approval rules naming one user are checked against it. Counted
        // against the first project so the poll waits for it.
        const QString first = m_projects.cbegin()->snap.ref;
        get(first, m_apiPrefix + QStringLiteral("/user"), {},
            [this](ProjectSync &, const http::Response &r) {
                if (r.ok())
                    m_userId = parseUserId(r.body);
            });
    }
    for (auto it = m_projects.begin(); it != m_projects.end(); ++it) {
        ProjectSync &sync = *it;
        const QString ref = sync.snap.ref;
        const QString base = projectPath(sync);
        if (sync.snap.path.isEmpty()) {
            get(ref, base, {}, [this](ProjectSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("project"), r))
                    return;
                const QJsonObject o = QJsonDocument::fromJson(r.body).object();
                s.snap.path = o.value(QLatin1String("path_with_namespace")).toString();
            });
        }
        // Deployments (with the blocked ones) and environments go first: what runs where and
        // what waits for a human matter more than pipeline stages when requests are paced.
        readDeployments(sync);
        readPipelines(sync);
        if (!sync.protectedRead || ((m_cycles + sync.index) % m_settings.protectedEvery) == 0) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
            get(
                ref, base + QStringLiteral("/protected_environments"), q,
                [this](ProjectSync &s, const http::Response &r) {
                    // Protected environments are a Premium feature: a 403/404 here only means
                    // there are no approval rules to show.
                    if (r.status == 403 || r.status == 404) {
                        s.protectedRead = true;
                        return;
                    }
                    if (!r.ok())
                        return;
                    const auto parsed = parseProtectedEnvironments(r.body);
                    m_problems.markReadable(r.url, parsed.bodyOk);
                    if (!parsed.bodyOk)
                        return;
                    s.snap.protectedEnvironments = parsed.items;
                    s.protectedRead = true;
                },
                10, Rules);
        }
    }
    if (m_projects.isEmpty())
        finishCycle();
}

void GitLabBackend::readDeployments(ProjectSync &sync)
{
    const bool whole = sync.deploymentsCursor.isEmpty() ||
                       ((m_cycles + sync.index) % m_settings.deploymentsFullEvery) == 0;
    QUrlQuery q;
    if (whole) {
        q.addQueryItem(QStringLiteral("order_by"), QStringLiteral("id"));
        q.addQueryItem(QStringLiteral("sort"), QStringLiteral("desc"));
        q.addQueryItem(QStringLiteral("per_page"), QString::number(m_settings.deploymentDepth));
    } else {
        // GitLab gives deployment lists no ETag, so an unchanged list costs its whole body
        // every poll. Ask only for what changed since the newest change seen; a whole read
        // every deploymentsFullEvery polls catches anything this could miss (a deletion).
        q.addQueryItem(QStringLiteral("updated_after"), sync.deploymentsCursor);
        q.addQueryItem(QStringLiteral("order_by"), QStringLiteral("updated_at"));
        q.addQueryItem(QStringLiteral("sort"), QStringLiteral("asc"));
        q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
    }
    get(sync.snap.ref, projectPath(sync) + QStringLiteral("/deployments"), q,
        [this, whole](ProjectSync &s, const http::Response &r) {
            if (!readOk(s, QStringLiteral("deployments"), r))
                return;
            const auto parsed = parseDeployments(r.body);
            const QString where = QStringLiteral("project %1: deployments").arg(s.snap.ref);
            if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors,
                                   whole || !parsed.items.isEmpty()))
                return;
            QList<WireDeployment> list;
            if (whole) {
                list = mergeKeepingRejected(parsed.items, s.snap.deployments, parsed.rejectedIds);
            } else {
                list = s.snap.deployments;
                for (const WireDeployment &d : parsed.items) {
                    auto it = std::find_if(list.begin(), list.end(),
                                           [&](const WireDeployment &o) { return o.id == d.id; });
                    if (it != list.end())
                        *it = d;
                    else
                        list.append(d);
                }
            }
            std::sort(list.begin(), list.end(),
                      [](const WireDeployment &a, const WireDeployment &b) { return a.id > b.id; });
            if (list.size() > m_settings.deploymentDepth)
                list = list.mid(0, m_settings.deploymentDepth);
            s.snap.deployments = list;
            // The cursor is the server's own updated_at, so no clock skew enters. It stays put
            // while an item in the delta is unreadable, so that item is asked for again.
            if (whole || parsed.rejectedIds.isEmpty()) {
                QDateTime newest = QDateTime::fromString(s.deploymentsCursor, Qt::ISODateWithMs);
                if (whole)
                    newest = QDateTime();
                for (const WireDeployment &d : parsed.items) {
                    const QDateTime t = (d.updated.isValid() ? d.updated : d.created).addMSecs(1);
                    if (t.isValid() && (!newest.isValid() || t > newest))
                        newest = t;
                }
                if (newest.isValid())
                    s.deploymentsCursor = newest.toUTC().toString(Qt::ISODateWithMs);
            }
            if (whole || !parsed.items.isEmpty())
                s.environmentsWanted = true;
            afterDeployments(s);
        });
}

void GitLabBackend::readPipelines(ProjectSync &sync)
{
    const int depth = m_settings.runDepth;
    const int perPage = std::min(depth, 100);
    const int pages = (depth + perPage - 1) / perPage;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order_by"), QStringLiteral("id"));
    q.addQueryItem(QStringLiteral("sort"), QStringLiteral("desc"));
    q.addQueryItem(QStringLiteral("per_page"), QString::number(perPage));
    // Deep offset pages get slow on big tables; keyset is cheaper where GitLab offers it and
    // answers 405 where it does not, after which this connection pages by offset.
    const bool keyset = pages > 1 && !m_keysetUnsupported;
    if (keyset)
        q.addQueryItem(QStringLiteral("pagination"), QStringLiteral("keyset"));
    get(
        sync.snap.ref, projectPath(sync) + QStringLiteral("/pipelines"), q,
        [this, depth, keyset](ProjectSync &s, const http::Response &r) {
            if (keyset && isKeysetRefusal(r)) {
                m_keysetUnsupported = true;
                qCInfo(http::lcNet).noquote()
                    << "gitlab" << m_config.id
                    << "keyset pagination refused (405); paging by offset";
                readPipelines(s);
                return;
            }
            if (!readOk(s, QStringLiteral("pipelines"), r))
                return;
            const auto parsed = parsePipelines(r.body);
            const QString where = QStringLiteral("project %1: pipelines").arg(s.snap.ref);
            if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                return;
            QList<WirePipeline> list =
                mergeKeepingRejected(parsed.items, s.snap.pipelines, parsed.rejectedIds);
            std::sort(list.begin(), list.end(),
                      [](const WirePipeline &a, const WirePipeline &b) { return a.id > b.id; });
            if (list.size() > depth)
                list = list.mid(0, depth);
            // The list omits the user; keep what a detail read or the jobs said before.
            for (WirePipeline &p : list)
                if (p.user.isEmpty())
                    if (const WirePipeline *old = s.snap.pipeline(p.id))
                        p.user = old->user;
            s.snap.pipelines = list;
            afterPipelines(s);
        },
        pages, Pipelines);
}

void GitLabBackend::afterPipelines(ProjectSync &sync)
{
    const QString base = projectPath(sync) + QStringLiteral("/pipelines/");
    QSet<qint64> inWindow;
    int finishedRank = 0;
    for (const WirePipeline &p : std::as_const(sync.snap.pipelines)) {
        inWindow.insert(p.id);
        const bool finished = isFinished(p.mapped);
        // A pipeline held at a manual job changes only when someone acts, and then its
        // updated_at moves: like a finished one, it is read again only when that happens.
        const bool waiting = p.mapped == RunStatus::Waiting;
        const QString marker = p.updated.toString(Qt::ISODateWithMs) + QLatin1Char('#') + p.status;
        const bool known = sync.jobsMarker.contains(p.id);
        // Running pipelines are re-read every poll; finished ones once, and only the newest
        // jobsDepth of them (older ones keep their stages from earlier reads, if any).
        const bool need =
            (!finished && !waiting) || (sync.jobsMarker.value(p.id) != marker &&
                                        (waiting || finishedRank < m_settings.jobsDepth || known));
        if (finished)
            ++finishedRank;
        if (!need)
            continue;
        const qint64 id = p.id;
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
        get(
            sync.snap.ref, base + QString::number(id) + QStringLiteral("/jobs"), q,
            [this, id, marker](ProjectSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("jobs of pipeline %1").arg(id), r))
                    return;
                const auto parsed = parseJobs(r.body);
                const QString where = QStringLiteral("project %1: jobs of pipeline %2")
                                          .arg(s.snap.ref, QString::number(id));
                if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                    return;
                s.snap.jobs.insert(id, mergeKeepingRejected(parsed.items, s.snap.jobs.value(id),
                                                            parsed.rejectedIds));
                if (parsed.errors.isEmpty())
                    s.jobsMarker.insert(id, marker);
            },
            10, Jobs);
    }
    for (auto it = sync.snap.jobs.begin(); it != sync.snap.jobs.end();)
        it = inWindow.contains(it.key()) ? std::next(it) : sync.snap.jobs.erase(it);
    for (auto it = sync.jobsMarker.begin(); it != sync.jobsMarker.end();)
        it = inWindow.contains(it.key()) ? std::next(it) : sync.jobsMarker.erase(it);
}

void GitLabBackend::afterDeployments(ProjectSync &sync)
{
    // The environments list has no ETag and no updated_after either. An environment changes
    // with its deployments (read above) or by being stopped or created by hand: the list is read
    // when a deployment moved, and otherwise once in environmentsEvery polls.
    const bool due = sync.environmentsWanted || sync.snap.environments.isEmpty() ||
                     ((m_cycles + sync.index) % m_settings.environmentsEvery) == 0;
    if (!due)
        return;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
    get(
        sync.snap.ref, projectPath(sync) + QStringLiteral("/environments"), q,
        [this](ProjectSync &s, const http::Response &r) {
            if (!readOk(s, QStringLiteral("environments"), r))
                return;
            const auto parsed = parseEnvironments(r.body);
            const QString where = QStringLiteral("project %1: environments").arg(s.snap.ref);
            if (!m_problems.accept(where, r.url, parsed.bodyOk, parsed.errors))
                return;
            QList<WireEnvironment> list;
            for (WireEnvironment e : parsed.items) {
                // The list carries no last_deployment: keep the detail read before.
                for (const WireEnvironment &old : std::as_const(s.snap.environments))
                    if (old.id == e.id && old.detailed) {
                        e.detailed = true;
                        e.lastDeployment = old.lastDeployment;
                    }
                list.append(e);
            }
            for (const qint64 id : parsed.rejectedIds)
                for (const WireEnvironment &old : std::as_const(s.snap.environments))
                    if (old.id == id)
                        list.append(old);
            s.snap.environments = list;
            s.environmentsWanted = false;
            afterEnvironments(s);
        },
        10);
}

void GitLabBackend::afterEnvironments(ProjectSync &sync)
{
    // The single-environment GET is the one that says what runs there. Read it again only
    // when the environment or its deployments moved since the last read.
    for (const WireEnvironment &e : std::as_const(sync.snap.environments)) {
        if (m_mapping.environmentFor(sync.snap.ref, e.name).isEmpty() &&
            (sync.snap.path.isEmpty() ||
             m_mapping.environmentFor(sync.snap.path, e.name).isEmpty()))
            continue; // review apps and other environments no service maps
        QString marker = e.updated.toString(Qt::ISODateWithMs) + QLatin1Char('|') + e.state;
        for (const WireDeployment &d : std::as_const(sync.snap.deployments))
            if (d.environment == e.name) {
                marker += QStringLiteral("|%1:%2").arg(d.id).arg(d.status);
                break;
            }
        if (e.detailed && sync.envMarker.value(e.id) == marker)
            continue;
        const qint64 id = e.id;
        get(sync.snap.ref, projectPath(sync) + QStringLiteral("/environments/%1").arg(id), {},
            [this, id, marker](ProjectSync &s, const http::Response &r) {
                if (!readOk(s, QStringLiteral("environment %1").arg(id), r))
                    return;
                QString error;
                const auto env = parseEnvironment(r.body, &error);
                const QString where = QStringLiteral("project %1: environment %2")
                                          .arg(s.snap.ref, QString::number(id));
                if (!m_problems.accept(where, r.url, env.has_value(),
                                       env ? QStringList() : QStringList{error}))
                    return;
                for (WireEnvironment &old : s.snap.environments)
                    if (old.id == id)
                        old = *env;
                s.envMarker.insert(id, marker);
            });
    }
}

void GitLabBackend::get(const QString &project,
                        const QString &path,
                        const QUrlQuery &query,
                        Handler handler,
                        int maxPages,
                        Priority priority)
{
    const QString key = keyOf(project);
    auto it = m_projects.find(key);
    if (it == m_projects.end())
        return;
    ++it->pending;
    auto fetch = std::make_shared<Fetch>();
    fetch->key = key;
    fetch->path = path;
    fetch->query = query;
    fetch->handler = std::move(handler);
    fetch->priority = priority;
    fetch->maxPages = std::max(1, maxPages);
    fetch->generation = m_generation;
    enqueue(fetch, false);
    pumpQueue();
}

void GitLabBackend::enqueue(const std::shared_ptr<Fetch> &fetch, bool front)
{
    auto &queue = m_queue[fetch->priority];
    if (front)
        queue.prepend(fetch);
    else
        queue.enqueue(fetch);
}

void GitLabBackend::dropQueued()
{
    // Once the server said "wait", nothing more goes out this poll: what is queued counts as
    // done, and the last good state stays.
    const auto queue = std::exchange(m_queue, {});
    for (const auto &q : queue)
        for (const auto &fetch : q)
            if (fetch->generation == m_generation)
                requestDone(fetch->key);
}

void GitLabBackend::pumpQueue()
{
    if (!m_running || m_authFailed || !m_client)
        return;
    const QDateTime until = limitedUntil();
    if (m_cycleLimited || (until.isValid() && until > QDateTime::currentDateTimeUtc())) {
        m_cycleLimited = true;
        dropQueued();
        return;
    }
    // After a 429 one request probes at a time, so a server still throttling sees one request
    // per backoff, not a burst.
    const int maxInFlight = m_probing ? 1 : kMaxInFlight;
    while (m_active < maxInFlight) {
        auto q = m_queue.begin();
        while (q != m_queue.end() && q->isEmpty())
            q = m_queue.erase(q);
        if (q == m_queue.end())
            return;
        if (q->head()->generation != m_generation) {
            q->dequeue();
            continue;
        }
        // Strictly in order: a more important read still out may queue more of its kind
        // (deployments lead to environments, then to their details), which go before anything
        // less important.
        const int priority = q.key();
        for (int p = 0; p < priority; ++p)
            if (m_inFlight[p] > 0)
                return;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 wait = m_pacer.delayMs(now);
        if (wait > 0) {
            // Over the per-minute budget: wait for the window to free a slot.
            if (!m_paceTimer.isActive()) {
                // Show what has been read so far (environments and gates come first) instead
                // of nothing until the whole paced poll is done.
                if (m_cycleActive)
                    publishRecords();
                ++m_pacedWaits;
                m_pacedMs += wait;
                m_paceTimer.start(int(std::min<qint64>(wait, INT_MAX)));
            }
            return;
        }
        send(q->dequeue());
    }
}

void GitLabBackend::send(const std::shared_ptr<Fetch> &fetch)
{
    http::Request req;
    if (fetch->next.isValid()) {
        req.path = fetch->next.toString(QUrl::FullyEncoded);
    } else {
        req.path = fetch->path;
        req.query = fetch->query;
    }
    req.timeoutMs = m_settings.requestTimeoutMs;
    // Retries happen here, not in the client, so that each one is paced and counted, and a 429
    // stops the whole connection instead of being retried request by request.
    req.maxAttempts = 1;
    const QString url =
        fetch->next.isValid()
            ? fetch->next.toString()
            : http::joinUrl(m_client->baseUrl(), fetch->path, fetch->query).toString();
    req.conditional = !m_problems.mustReadFresh(url);
    ++m_active;
    ++m_inFlight[fetch->priority];
    m_pacer.sent(QDateTime::currentMSecsSinceEpoch());
    m_client->send(req, this, [this, fetch](const http::Response &r) { fetched(fetch, r); });
}

void GitLabBackend::fetched(const std::shared_ptr<Fetch> &fetch, http::Response r)
{
    // stop() and authFailed() zero the count and move the generation on: answers of an older
    // generation no longer hold a slot.
    if (fetch->generation != m_generation)
        return;
    --m_active;
    --m_inFlight[fetch->priority];
    if (r.error == http::Response::Error::Cancelled) {
        pumpQueue();
        return;
    }
    {
        bool okLimit = false, okRemaining = false;
        const int limit = r.header("ratelimit-limit").trimmed().toInt(&okLimit);
        const int remaining = r.header("ratelimit-remaining").trimmed().toInt(&okRemaining);
        const qint64 reset = r.header("ratelimit-reset").trimmed().toLongLong();
        if (okLimit || okRemaining)
            m_pacer.answered(QDateTime::currentMSecsSinceEpoch(), okLimit ? limit : -1,
                             okRemaining ? remaining : -1, reset > 1000000000 ? reset * 1000 : 0,
                             m_active);
    }
    if (const QByteArray interval = r.header("poll-interval"); !interval.isEmpty()) {
        // GitLab sends milliseconds; -1 asks clients not to poll, which a release
        // console cannot honour fully: it slows to a five-minute beat instead.
        const int ms = interval.trimmed().toInt();
        m_serverPollIntervalMs = ms < 0 ? 300000 : ms;
    }
    if (r.status == 401) {
        authFailed(r);
        return;
    }
    if (r.status == 429) {
        throttled(r);
        m_cycleLimited = true;
        m_cycleLastError = shortError(r);
        requestDone(fetch->key);
        pumpQueue();
        return;
    }
    m_probing = false;
    if (isTransportOrServerError(r)) {
        if (fetch->attempt < m_settings.maxAttempts) {
            const int delay = http::fullJitterDelayMs(m_client->options().retry, fetch->attempt);
            ++fetch->attempt;
            ++m_retries;
            qCInfo(http::lcNet).noquote()
                << r.errorText << "; retry" << fetch->attempt << "in" << delay << "ms";
            QTimer::singleShot(delay, this, [this, fetch] {
                if (fetch->generation != m_generation)
                    return;
                enqueue(fetch, true);
                pumpQueue();
            });
            pumpQueue();
            return;
        }
        ++m_cycleFailures;
        m_cycleLastError = shortError(r);
        requestDone(fetch->key);
        pumpQueue();
        return;
    }
    if (fetch->maxPages > 1 && r.ok()) {
        fetch->pages.append(r);
        const auto next = http::nextPageUrl(r);
        if (next && fetch->pages.size() < fetch->maxPages) {
            fetch->next = *next;
            fetch->attempt = 1;
            enqueue(fetch, true);
            pumpQueue();
            return;
        }
        if (fetch->pages.size() > 1) {
            r.body = joinPages(fetch->pages);
        }
    }
    auto projectIt = m_projects.find(fetch->key);
    if (projectIt != m_projects.end())
        fetch->handler(*projectIt, r);
    // While a paced poll waits for its budget, what arrived is shown every half second.
    if (m_paceTimer.isActive() && !m_partialPublish.isActive())
        m_partialPublish.start();
    requestDone(fetch->key);
    pumpQueue();
}

void GitLabBackend::throttled(const http::Response &r)
{
    ++m_throttled;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_probing = true;
    // The other requests of the burst that met the same limit: the wait is already chosen, and
    // they must not each double it.
    if (m_limitedUntil.isValid() && now < m_limitedUntil)
        return;
    // Retry-After first; else RateLimit-Reset (Unix time) when the server sent it; else an own
    // capped exponential backoff with full jitter. Some limiters in front of GitLab send
    // neither header.
    std::optional<qint64> wait = http::serverRequestedWaitMs(r.headers, now);
    QString source = QStringLiteral("as the server asked");
    if (!wait) {
        bool ok = false;
        const qint64 reset = r.header("ratelimit-reset").trimmed().toLongLong(&ok);
        if (ok && reset > 1000000000) {
            const qint64 ms = now.msecsTo(QDateTime::fromSecsSinceEpoch(reset, Qt::UTC));
            if (ms > 0 && ms <= 3600000)
                wait = ms;
        }
    }
    if (!wait) {
        ++m_limitStreak;
        http::RetryTiming timing;
        timing.baseMs = m_settings.rateLimitBackoffMs;
        timing.capMs = m_settings.maxBackoffMs;
        wait = std::max<qint64>(1000, http::fullJitterDelayMs(timing, std::min(m_limitStreak, 21)));
        source = QStringLiteral("no Retry-After or RateLimit-Reset: own backoff, 429 #%1 in a row")
                     .arg(m_limitStreak);
    }
    const QDateTime until = now.addMSecs(*wait);
    if (!m_limitedUntil.isValid() || until > m_limitedUntil)
        m_limitedUntil = until;
    ConnectionHealth h = m_health;
    h.state = ConnectionHealth::State::RateLimited;
    h.rateLimitedUntil = limitedUntil();
    h.reason =
        QStringLiteral("connection %1: GitLab rate limit reached (%2); polling paused until "
                       "%3 (%4)")
            .arg(m_config.id, shortError(r),
                 h.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm:ss")), source);
    setHealth(h);
}

void GitLabBackend::requestDone(const QString &key)
{
    auto it = m_projects.find(key);
    if (it == m_projects.end())
        return;
    if (--it->pending > 0)
        return;
    for (const ProjectSync &sync : std::as_const(m_projects))
        if (sync.pending > 0)
            return;
    if (m_cycleActive)
        finishCycle();
}

bool GitLabBackend::readOk(ProjectSync &sync, const QString &what, const http::Response &r)
{
    // One 404 wording for every request of the project, so the problem is shown once.
    return m_problems.readOk(
        QStringLiteral("project ") + sync.snap.ref, what, r, shortError,
        [](const http::Response &response) {
            const QString message = errorMessage(response.body);
            return QStringLiteral("GitLab answers 404") +
                   (message.isEmpty() ? QString()
                                      : QStringLiteral(" (") + message + QLatin1Char(')')) +
                   QStringLiteral(": the project does not exist or this token cannot see it; the "
                                  "other projects are still read");
        });
}

void GitLabBackend::finishCycle()
{
    m_cycleActive = false;
    if (m_authFailed || !m_running)
        return;
    const QVariantMap stats = m_client->statistics();
    m_cycleRequests.append(stats.value(QStringLiteral("requestsSent")).toLongLong() -
                           m_cycleStartRequests);
    m_cycleNotModified.append(stats.value(QStringLiteral("notModified")).toLongLong() -
                              m_cycleStartNotModified);
    while (m_cycleRequests.size() > 50) {
        m_cycleRequests.removeFirst();
        m_cycleNotModified.removeFirst();
    }
    publishRecords();

    ConnectionHealth h = m_health;
    const http::RateLimitState limit = m_client->rateLimit();
    h.rateLimitLimit = limit.limit;
    h.rateLimitRemaining = limit.remaining;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const int interval = m_settings.honourPollInterval
                             ? std::max(m_settings.intervalMs, m_serverPollIntervalMs)
                             : m_settings.intervalMs;
    int delay = interval;
    const QDateTime until = limitedUntil();
    if (m_cycleLimited || (until.isValid() && until > now)) {
        // throttled() chose the wait: the server's (Retry-After, RateLimit-Reset) or its own
        // backoff. The next poll starts with a single probing request.
        h.state = ConnectionHealth::State::RateLimited;
        h.rateLimitedUntil = until.isValid() && until > now ? until : now.addMSecs(1000);
        h.reason =
            QStringLiteral("connection %1: GitLab rate limit reached (%2); polling paused until %3")
                .arg(m_config.id,
                     m_cycleLastError.isEmpty() ? QStringLiteral("429") : m_cycleLastError,
                     h.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
        delay = int(std::clamp<qint64>(now.msecsTo(h.rateLimitedUntil) + 50, 50, INT_MAX));
    } else if (m_cycleFailures > 0) {
        m_limitStreak = 0;
        ++m_failStreak;
        delay = backoffMs();
        h.state = ConnectionHealth::State::Degraded;
        h.rateLimitedUntil = QDateTime();
        h.reason =
            QStringLiteral("connection %1: %2 request(s) failed (last: %3); showing the last "
                           "good state; next try in %4 s")
                .arg(m_config.id, QString::number(m_cycleFailures), m_cycleLastError,
                     QString::number(delay / 1000.0, 'f', 1));
    } else {
        m_failStreak = 0;
        m_limitStreak = 0;
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
    if (m_refreshWanted && h.state == ConnectionHealth::State::Ok)
        delay = 1;
    scheduleNext(delay);
}

int GitLabBackend::backoffMs() const
{
    // Exponential in the failed polls in a row, with equal jitter: connections do not come
    // back in step, and none probes a failing server sooner than half its backoff.
    http::RetryTiming timing;
    timing.baseMs = m_settings.intervalMs;
    timing.capMs = std::max(m_settings.maxBackoffMs, m_settings.intervalMs);
    return std::max(1, http::equalJitterDelayMs(timing, std::min(m_failStreak, 16) + 1));
}

void GitLabBackend::scheduleNext(int delayMs)
{
    if (!m_running || m_authFailed)
        return;
    m_pollTimer.start(std::max(1, delayMs));
}

void GitLabBackend::authFailed(const http::Response &r)
{
    if (m_authFailed)
        return;
    m_authFailed = true;
    m_pollTimer.stop();
    m_queue.clear();
    ++m_generation; // drop every answer still on its way
    m_cycleActive = false;
    m_active = 0;
    m_inFlight.fill(0);
    for (ProjectSync &sync : m_projects)
        sync.pending = 0;
    ConnectionHealth h = m_health;
    h.state = ConnectionHealth::State::AuthFailed;
    const QString message = errorMessage(r.body);
    h.reason = QStringLiteral("connection %1: auth failed: GitLab rejected the token (401%2); "
                              "polling is paused until the credential changes")
                   .arg(m_config.id,
                        message.isEmpty() ? QString() : QStringLiteral(" ") + message.left(120));
    setHealth(h);
    m_problems.report(QStringLiteral("connection %1").arg(m_config.id), h.reason);
    if (!m_initialDone) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
}

void GitLabBackend::setHealth(const ConnectionHealth &health)
{
    if (health == m_health)
        return;
    const bool stateChanged = health.state != m_health.state || health.reason != m_health.reason ||
                              health.rateLimitedUntil != m_health.rateLimitedUntil;
    m_health = health;
    if (stateChanged)
        m_sink->healthChanged(m_config.id, m_health);
}

void GitLabBackend::publishRecords()
{
    RecordSet all;
    for (const ProjectSync &sync : std::as_const(m_projects)) {
        const RecordSet part = buildRecords(m_mapping, sync.snap, m_userId);
        all.runs += part.runs;
        all.deployments += part.deployments;
        all.environments += part.environments;
        all.gates += part.gates;
        all.events += part.events;
    }
    m_publisher.publish(m_sink, m_config.id, all, all.events, !m_initialDone);
}

PlanningState GitLabBackend::planningState() const
{
    PlanningState st;
    st.mapping = &m_mapping;
    st.apiPrefix = m_apiPrefix;
    st.userId = m_userId;
    for (auto it = m_projects.cbegin(); it != m_projects.cend(); ++it)
        st.projects.insert(it.key(), it->snap);
    return st;
}

ActionPlan GitLabBackend::plan(const ReleaseAction &action) const
{
    ActionPlan p = planAction(action, planningState());
    p.action.connectionId = m_config.id;
    return p;
}

quint64 GitLabBackend::execute(const ActionPlan &plan)
{
    return m_executor->execute(plan);
}

void GitLabBackend::sendForAction(const http::Request &request, Reply reply)
{
    if (!m_client)
        start();
    http::Request req = request;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, std::move(reply));
}

http::PreconditionReading GitLabBackend::readPrecondition(const Precondition &pc,
                                                          const http::Response &r)
{
    if (!r.ok()) {
        if (r.status == 401)
            authFailed(r);
        return http::PreconditionReading::unreadable(shortError(r));
    }
    QString found;
    const bool holds = preconditionHolds(pc, r.body, &found);
    return http::PreconditionReading::compared(holds, found);
}

void GitLabBackend::actionEnded(const http::ActionRun &run, const ActionResult &result)
{
    m_sink->actionFinished(m_config.id, run.ticket, result);
    // Look again soon so the change shows without waiting a whole poll interval.
    if (!result.ok || !m_running || m_authFailed)
        return;
    if (m_cycleActive)
        m_refreshWanted = true;
    else
        scheduleNext(std::min(m_settings.intervalMs, 500));
}

http::MutationVerdict GitLabBackend::interpretMutation(const std::shared_ptr<http::ActionRun> &exec,
                                                       const PlannedRequest &planned,
                                                       const http::Response &r)
{
    const http::ActionRun &run = *exec;
    using Kind = http::MutationVerdict::Kind;
    if (r.ok()) {
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        if (!planned.path.endsWith(QLatin1String("/retry")) ||
            !answer.contains(QLatin1String("id")))
            return {Kind::Done, {}};
        const QString summary = run.plan.summary;
        return {Kind::Done,
                (summary.isEmpty() ? QStringLiteral("done") : summary + QStringLiteral(": done")) +
                    QStringLiteral(" (new job ") +
                    QString::number(qint64(answer.value(QLatin1String("id")).toDouble())) +
                    QLatin1Char(')')};
    }
    if (r.status == 401) {
        authFailed(r);
        return {Kind::Failed, QStringLiteral("auth failed: ") + shortError(r)};
    }
    if (planned.path.endsWith(QLatin1String("/approval")) && r.status == 403) {
        const QString env = run.plan.action.environment;
        return {Kind::Failed,
                QStringLiteral("GitLab refused the approval (403: %1): the token's user is not "
                               "allowed to approve deployments to %2. Nothing was retried%3; ask "
                               "an approver named by the environment's approval rules")
                    .arg(errorMessage(r.body).left(200),
                         env.isEmpty() ? QStringLiteral("this environment") : env,
                         run.plan.requests.size() > 1
                             ? QStringLiteral(" and the job was not played")
                             : QString())};
    }
    // The request may or may not have acted; only a fresh read says whether to send again.
    if (isTransportOrServerError(r) || r.status == 429)
        return {Kind::Lost, shortError(r), r.status == 429 ? 1000 : 0};
    if (run.request == 0)
        return {Kind::Failed, shortError(r)};
    return {Kind::Failed, QStringLiteral("step %1 of %2 failed after the earlier step(s) went "
                                         "through: %3")
                              .arg(QString::number(run.request + 1),
                                   QString::number(run.plan.requests.size()), shortError(r))};
}

void GitLabBackend::fetchLogTail(const QString &runId,
                                 const QString &stageId,
                                 qint64 maxBytes,
                                 std::function<void(const QString &, const QString &)> done)
{
    bool ok = false;
    const qint64 pipeline = runId.section(QLatin1Char('/'), -1).toLongLong(&ok);
    const ProjectSync *owner = nullptr;
    for (const ProjectSync &sync : std::as_const(m_projects))
        if (ok && sync.snap.pipeline(pipeline))
            owner = &sync;
    if (!owner || !m_client) {
        done(QString(),
             QStringLiteral("pipeline %1 is not known on connection %2").arg(runId, m_config.id));
        return;
    }
    // A step's id is the job id; a stage's is "<pipeline>/<stage>"; none: the failed (else last)
    // job.
    QString job;
    bool numeric = false;
    stageId.section(QLatin1Char('/'), -1).toLongLong(&numeric);
    if (numeric)
        job = stageId.section(QLatin1Char('/'), -1);
    const QList<WireJob> jobs = owner->snap.jobs.value(pipeline);
    const QString stage = numeric ? QString() : stageId.section(QLatin1Char('/'), -1);
    if (job.isEmpty()) {
        const WireJob *pick = nullptr;
        for (const WireJob &j : jobs) {
            if (!stage.isEmpty() && j.stage != stage)
                continue;
            if (!pick || (j.mapped == RunStatus::Failed && pick->mapped != RunStatus::Failed) ||
                (j.mapped == pick->mapped && j.id > pick->id))
                pick = &j;
        }
        if (pick)
            job = QString::number(pick->id);
    }
    if (job.isEmpty()) {
        done(QString(),
             QStringLiteral("pipeline %1 has no job whose log could be read").arg(runId));
        return;
    }
    http::Request req;
    req.path = projectPath(*owner) + QStringLiteral("/jobs/%1/trace").arg(job);
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    // The trace has no offset protocol: the whole text comes and the tail is cut here.
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

QVariantMap GitLabBackend::statistics() const
{
    QVariantMap stats = m_client ? m_client->statistics() : QVariantMap();
    stats.insert(QStringLiteral("polls"), m_cycles);
    stats.insert(QStringLiteral("projects"), qint64(m_projects.size()));
    stats.insert(QStringLiteral("requestsPerPoll"), m_cycleRequests);
    stats.insert(QStringLiteral("notModifiedPerPoll"), m_cycleNotModified);
    stats.insert(QStringLiteral("keysetFallback"), m_keysetUnsupported);
    stats.insert(QStringLiteral("serverPollIntervalMs"), m_serverPollIntervalMs);
    // Retries are made here (the client sends each request once), so they are counted here.
    stats.insert(QStringLiteral("retries"), m_retries);
    stats.insert(QStringLiteral("throttled"), m_throttled);
    stats.insert(QStringLiteral("budgetPerMinute"), m_pacer.budget());
    stats.insert(QStringLiteral("learnedLimit"), m_pacer.learnedLimit());
    stats.insert(QStringLiteral("pacedWaits"), m_pacedWaits);
    stats.insert(QStringLiteral("pacedMs"), m_pacedMs);
    return stats;
}

} // namespace fd::gitlab
