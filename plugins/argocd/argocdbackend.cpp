#include "argocdbackend.h"

#include "argocdparsers.h"
#include "rolloutobjects.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFuture>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace fd::argocd {

namespace {

int option(const ConnectionConfig &c, const char *name, int fallback)
{
    bool ok = false;
    const int v = c.options.value(QLatin1String(name)).toInt(&ok);
    return ok && v > 0 ? v : fallback;
}

ReconnectPolicy::Settings policySettings(const ConnectionConfig &c)
{
    ReconnectPolicy::Settings s;
    s.baseMs = option(c, "reconnectBaseMs", s.baseMs);
    s.capMs = option(c, "reconnectCapMs", s.capMs);
    s.maxReconnects = option(c, "maxReconnects", s.maxReconnects);
    s.windowMs = option(c, "reconnectWindowMs", int(s.windowMs));
    s.healthyAfterMs = option(c, "reconnectHealthyAfterMs", int(s.healthyAfterMs));
    return s;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString describe(const http::Response &r)
{
    if (r.status > 0)
        return QStringLiteral("HTTP %1: %2").arg(r.status).arg(errorMessage(r.body));
    return r.errorText.isEmpty() ? http::errorName(r.error) : r.errorText;
}

bool isRollout(const ResourceRef &r)
{
    return r.kind == QLatin1String("Rollout") && r.group == QLatin1String("argoproj.io");
}

} // namespace

struct ArgoCdBackend::ListResult
{
    AppList list;            // its apps moved into `apps`
    QList<RecordSet> chunks; // kListChunk apps each, published one per event-loop turn
    // built on the worker, so the GUI thread swaps a finished table instead of filling one
    QHash<QString, AppState> apps;
    QStringList gone;        // known before, not listed now
    QStringList rolloutApps; // apps that may have a Rollout (read before the sync counts done)
    qint64 parseMs = 0;
};

namespace {
// Apps per published chunk of the first list: the estate's merge of one chunk stays well
// under the 50 ms stall budget at 10,000 apps.
constexpr int kListChunk = 1000;
} // namespace

ArgoCdBackend::ArgoCdBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_client(new http::Client(config.baseUrl, http::ClientOptions::fromConnection(config), this))
    , m_mapper(config)
    , m_policy(policySettings(config))
    , m_retryTimer(new QTimer(this))
    , m_windowTimer(new QTimer(this))
    , m_executor(new http::ActionExecutor(this, http::ExecutorSettings::of(config, 3, 500), this))
{
    // (Argo CD actions are sent up to three times, 500 ms apart at the base, each behind a
    // fresh read: a Rollout action lost to a restarting API server is common and harmless.)
    // windows open and close on a schedule, with no stream event: re-read them
    m_windowTimer->setInterval(option(config, "syncWindowPollMs", 60000));
    connect(m_windowTimer, &QTimer::timeout, this, &ArgoCdBackend::fetchProjectWindows);
    m_client->setStreamIdleTimeout(option(config, "streamIdleTimeoutMs", 45000));
    // Argo CD gzips its answers when asked; Qt 6.4 reading a large gzipped application list
    // as a stream stalled until the idle timeout (2,500 apps: 450 KB gzipped, 4.5 MB plain),
    // so the plugin asks for the plain body, which every Argo CD serves.
    m_client->setDefaultHeaders({{"Accept", "application/json"}, {"Accept-Encoding", "identity"}});
    m_token = config.secret(QStringLiteral("token"));
    if (!m_token.isEmpty())
        m_client->setAuthorization("Authorization", "Bearer " + m_token.toUtf8());
    m_retryTimer->setSingleShot(true);
}

ArgoCdBackend::~ArgoCdBackend()
{
    ++m_generation;
    m_stream.cancel();
    failAllManaged(QStringLiteral("the Argo CD connection %1 was closed").arg(m_config.id));
}

Capabilities ArgoCdBackend::capabilities() const
{
    return int(Capability::Environments) | int(Capability::Deployments) | int(Capability::Canary) |
           int(Capability::Approvals) | int(Capability::Rollback) | int(Capability::Streaming);
}

bool ArgoCdBackend::sessionMode() const
{
    return m_config.secret(QStringLiteral("token")).isEmpty() &&
           !m_config.secret(QStringLiteral("password")).isEmpty();
}

http::Request ArgoCdBackend::request(const QString &path, int timeoutMs) const
{
    http::Request r;
    r.path = path;
    r.timeoutMs = timeoutMs > 0 ? timeoutMs : option(m_config, "requestTimeoutMs", 15000);
    r.conditional = false; // Argo CD sends no ETags; the cache would only cost memory
    return r;
}

void ArgoCdBackend::addScope(QUrlQuery &q) const
{
    for (const auto &p : m_config.scope.value(QStringLiteral("projects")).toStringList())
        q.addQueryItem(QStringLiteral("projects"), p);
    const QString selector = m_config.scope.value(QStringLiteral("selector")).toString();
    if (!selector.isEmpty())
        q.addQueryItem(QStringLiteral("selector"), selector);
}

// ---- transport ----

void ArgoCdBackend::send(http::Request req, ResponseFn done, bool mayRelogin)
{
    const quint64 gen = m_generation;
    m_client->send(req, this, [this, req, done, mayRelogin, gen](const http::Response &r) {
        if (gen != m_generation)
            return;
        if (r.status == 401 && mayRelogin && sessionMode()) {
            // The session token expired: log in once more and replay (a 401 was not acted on).
            login([this, req, done](const http::Response &lr) {
                if (!lr.ok()) {
                    done(lr);
                    return;
                }
                send(req, done, false);
            });
            return;
        }
        done(r);
    });
}

void ArgoCdBackend::login(std::function<void(const http::Response &)> done)
{
    http::Request r = request(QStringLiteral("/api/v1/session"));
    r.method = "POST";
    r.contentType = "application/json";
    QString user = m_config.secret(QStringLiteral("username"));
    if (user.isEmpty())
        user = m_config.secret(QStringLiteral("user"));
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("username"), user},
                                       {QStringLiteral("password"),
                                        m_config.secret(QStringLiteral("password"))}})
                 .toJson(QJsonDocument::Compact);
    m_client->clearAuthorization();
    const quint64 gen = m_generation;
    m_client->send(r, this, [this, done, gen](const http::Response &resp) {
        if (gen != m_generation)
            return;
        if (resp.ok()) {
            m_token = QJsonDocument::fromJson(resp.body)
                          .object()
                          .value(QLatin1String("token"))
                          .toString();
            if (m_token.isEmpty()) {
                http::Response bad = resp;
                bad.status = 401;
                bad.errorText = QStringLiteral("POST /api/v1/session answered without a token");
                done(bad);
                return;
            }
            m_client->setAuthorization("Authorization", "Bearer " + m_token.toUtf8());
        }
        done(resp);
    });
}

// ---- start, version, list ----

void ArgoCdBackend::start()
{
    if (m_running)
        return;
    m_running = true;
    m_authFailed = false;
    ++m_generation;
    begin();
}

void ArgoCdBackend::stop()
{
    m_running = false;
    ++m_generation;
    m_retryTimer->stop();
    m_stream.cancel();
    m_windowTimer->stop();
    m_windowQueue.clear();
    m_windowInFlight = 0;
    m_commitQueue.clear();
    m_commitInFlight = 0;
    m_commitTried.clear();
    m_client->cancelAll();
    failAllManaged(QStringLiteral("the Argo CD connection %1 was stopped").arg(m_config.id));
}

void ArgoCdBackend::begin()
{
    if (sessionMode() && m_token.isEmpty()) {
        login([this](const http::Response &r) {
            if (r.status == 401 || r.status == 403)
                authFailed(QStringLiteral("Argo CD refused the username and password (%1)")
                               .arg(describe(r)));
            else if (!r.ok())
                retryStartLater(QStringLiteral("could not log in"), r);
            else
                fetchVersion();
        });
        return;
    }
    if (m_config.secret(QStringLiteral("token")).isEmpty() && !sessionMode()) {
        authFailed(QStringLiteral("no credentials: set `token`, or `username` and `password`"));
        return;
    }
    fetchVersion();
}

void ArgoCdBackend::retryStartLater(const QString &reason, const http::Response &r)
{
    ++m_startFailures;
    setHealth(r.status == 0 ? ConnectionHealth::State::Unreachable
                            : ConnectionHealth::State::Degraded,
              QStringLiteral("%1: %2").arg(reason, describe(r)));
    firstReadEnded();
    const int delay = m_policy.nextDelayMs(0);
    m_retryTimer->disconnect();
    const quint64 gen = m_generation;
    connect(m_retryTimer, &QTimer::timeout, this, [this, gen] {
        if (gen == m_generation && m_running)
            begin();
    });
    m_retryTimer->start(delay);
}

void ArgoCdBackend::fetchVersion()
{
    send(request(QStringLiteral("/api/version")), [this](const http::Response &r) {
        if (r.status == 401 || r.status == 403) {
            authFailed(QStringLiteral("Argo CD refused the credentials (%1)").arg(describe(r)));
            return;
        }
        if (!r.ok()) {
            retryStartLater(QStringLiteral("GET /api/version failed"), r);
            return;
        }
        ServerInfo info;
        info.known = parseServerVersion(r.body, &info.major, &info.minor, &info.version);
        if (!info.known)
            m_sink->problem(
                m_config.id, QStringLiteral("GET /api/version"),
                QStringLiteral("the server version could not be read; using the v1 action API"));
        m_server = info;
        fetchList();
    });
}

void ArgoCdBackend::fetchList()
{
    http::Request req = request(QStringLiteral("/api/v1/applications"));
    req.query.addQueryItem(QStringLiteral("fields"), listFieldsProjection());
    addScope(req.query);
    // The list goes through openStream so the first byte is seen: the parse budget is
    // measured from the response start, and a long body is never cut by a total timeout.
    auto body = std::make_shared<QByteArray>();
    m_listResponseStartMs = 0;
    const quint64 gen = m_generation;
    m_client->openStream(
        req, this,
        [this, body, gen](const QByteArray &chunk) {
            if (gen != m_generation)
                return;
            if (body->isEmpty())
                m_listResponseStartMs = nowMs();
            body->append(chunk);
        },
        [this, body, gen](const http::Response &r) {
            if (gen != m_generation || r.error == http::Response::Error::Cancelled)
                return;
            if (r.status == 401 && sessionMode() && !m_reloggedIn) {
                m_reloggedIn = true;
                m_token.clear();
                begin();
                return;
            }
            if (r.status == 401 || r.status == 403) {
                authFailed(
                    QStringLiteral("Argo CD refused the credentials listing applications (%1)")
                        .arg(describe(r)));
                return;
            }
            if (r.status < 200 || r.status >= 300 || r.error != http::Response::Error::None) {
                retryStartLater(QStringLiteral("GET /api/v1/applications failed"), r);
                return;
            }
            m_listBytes = body->size();
            const QString connectionId = m_config.id;
            const QUrl baseUrl = m_config.baseUrl;
            const AppMapper mapper = m_mapper;
            const QHash<QString, AppState> previous = m_apps;
            const QHash<QString, QList<RolloutState>> rollouts = m_rollouts;
            const QDateTime now = QDateTime::currentDateTimeUtc();
            // The first list is a snapshot, not news: no first-sight timeline event per app.
            // A later list (after the stream lost its resume point) reports what changed.
            const bool initial = !m_listDone;
            // Only the worker holds the bytes from here, so the parser can free them.
            QByteArray bytes = std::move(*body);
            *body = QByteArray();
            QFuture<ListResult> future = QtConcurrent::run([=, bytes = std::move(bytes)]() mutable {
                QElapsedTimer t;
                t.start();
                ListResult out;
                out.list = parseApplicationList(std::move(bytes));
                const qsizetype n = out.list.apps.size();
                out.chunks.reserve(n / kListChunk + 1);
                for (qsizetype i = 0; i < n; ++i) {
                    if (i % kListChunk == 0) {
                        out.chunks.append(RecordSet{});
                        out.chunks.last().environments.reserve(
                            std::min<qsizetype>(kListChunk, n - i));
                    }
                    RecordSet &chunk = out.chunks.last();
                    AppState &app = out.list.apps[i];
                    const auto before = previous.constFind(app.name);
                    if (before != previous.constEnd()) { // learned from other reads
                        app.commits = before->commits;
                        app.windows = before->windows;
                    }
                    const AppMapping m = mapper.map(app.name);
                    const auto rs = rollouts.constFind(app.name);
                    const Rollout *r = rs != rollouts.constEnd() && !rs->isEmpty()
                                           ? &rs->first().details.rollout
                                           : nullptr;
                    chunk.environments << environmentState(connectionId, baseUrl, app, m, r);
                    chunk.deployments << deployments(connectionId, baseUrl, app, m);
                    if (before != previous.constEnd())
                        chunk.events << applicationEvents(connectionId, &*before, app, m, now);
                    else if (!initial)
                        chunk.events << applicationEvents(connectionId, nullptr, app, m, now);
                }
                if (out.chunks.isEmpty())
                    out.chunks.append(RecordSet{}); // an empty list still replaces the old one
                out.apps.reserve(n);
                for (auto &app : out.list.apps) {
                    const QString name = app.name;
                    if (!app.rollouts.isEmpty() || !mapper.map(name).rollout.isEmpty())
                        out.rolloutApps << name;
                    out.apps.insert(name, std::move(app));
                }
                out.list.apps.clear();
                for (auto it = previous.cbegin(); it != previous.cend(); ++it)
                    if (!out.apps.contains(it.key()))
                        out.gone << it.key();
                out.parseMs = t.elapsed();
                return out;
            });
            // takeResult: the future keeps no copy, so each published chunk is really freed
            // and moving the apps out does not deep-copy them on the GUI thread
            future.then(this, [this, gen](QFuture<ListResult> done) {
                ListResult result = done.takeResult();
                if (gen != m_generation)
                    return;
                applyList(std::move(result));
            });
        });
}

void ArgoCdBackend::applyList(ListResult result)
{
    if (!result.list.error.isEmpty()) {
        m_sink->problem(m_config.id, QStringLiteral("GET /api/v1/applications"), result.list.error);
        http::Response r;
        r.status = 200;
        r.errorText = result.list.error;
        retryStartLater(QStringLiteral("the application list could not be read"), r);
        return;
    }
    m_listParseMs = result.parseMs;
    QElapsedTimer t;
    t.start();
    // Learned while the worker ran (windows, commits) is kept for apps still listed.
    for (auto it = result.apps.begin(); it != result.apps.end(); ++it) {
        const auto old = m_apps.constFind(it.key());
        if (old != m_apps.constEnd()) {
            it->commits = old->commits;
            it->windows = old->windows;
        }
    }
    m_apps.swap(result.apps);
    for (const auto &name : std::as_const(result.gone))
        m_rollouts.remove(name);
    // the old table is freed on a worker: at 10,000 apps that is not free
    if (!result.apps.isEmpty())
        (void)QtConcurrent::run([old = std::move(result.apps)] { Q_UNUSED(old) });
    const QStringList &gone = result.gone;
    if (!gone.isEmpty())
        publishEverything(int(RecordKind::Rollouts) | int(RecordKind::Gates));
    m_listPublishMs = t.elapsed();
    m_listPublishChunkMaxMs = 0;
    // Chunks are for the first list only. A list read again after the stream dropped goes out
    // as one replacing publish: chunked, its first chunk's replace would take every app of the
    // later chunks off the screen until their chunk came.
    if (m_initialDone && result.chunks.size() > 1) {
        RecordSet all;
        for (RecordSet &c : result.chunks) {
            all.environments += std::move(c.environments);
            all.deployments += std::move(c.deployments);
            all.events += std::move(c.events);
        }
        result.chunks = {std::move(all)};
    }
    auto chunks = std::make_shared<QList<RecordSet>>(std::move(result.chunks));
    auto rest = std::make_shared<ListResult>(std::move(result));
    publishListChunk(chunks, 0, rest, m_generation);
}

void ArgoCdBackend::publishListChunk(std::shared_ptr<QList<RecordSet>> chunks,
                                     qsizetype index,
                                     std::shared_ptr<ListResult> rest,
                                     quint64 generation)
{
    if (generation != m_generation)
        return;
    QElapsedTimer t;
    t.start();
    // The first chunk replaces (apps gone since drop out); the others merge. One chunk per
    // event-loop turn, so the GUI never waits for the whole estate at once.
    RecordSet chunk = std::move((*chunks)[index]);
    (*chunks)[index] = RecordSet{};
    m_sink->publish(m_config.id, chunk,
                    index == 0 ? int(RecordKind::Environments) | int(RecordKind::Deployments) : 0);
    chunk = RecordSet{}; // dropped now, not when the last chunk is out
    m_listPublishChunkMaxMs = std::max(m_listPublishChunkMaxMs, t.elapsed());
    m_listPublishMs += t.elapsed();
    if (index + 1 < chunks->size()) {
        QTimer::singleShot(0, this, [this, chunks, index, rest, generation] {
            publishListChunk(chunks, index + 1, rest, generation);
        });
        return;
    }
    m_listPublishedMs = nowMs();
    finishList(std::move(*rest));
}

void ArgoCdBackend::finishList(ListResult result)
{
    QHash<QString, QList<ParseProblem>> byPlace;
    for (const auto &p : std::as_const(result.list.problems))
        byPlace[p.where] << p;
    for (auto it = byPlace.cbegin(); it != byPlace.cend(); ++it)
        reportProblems(it.key(), it.value());
    noteResourceVersion(result.list.resourceVersion);
    m_resourceVersion = result.list.resourceVersion;
    m_startFailures = 0;
    m_reloggedIn = false;
    m_listDone = true;
    setHealth(ConnectionHealth::State::Ok);
    openStream();

    // Every app with a Rollout is read once before the first sync counts as done, so the CLI
    // sees canaries when it waits for initialSyncDone.
    for (const auto &name : std::as_const(result.rolloutApps)) {
        if (!m_apps.contains(name))
            continue;
        if (!m_initialDone)
            m_initialRefresh.insert(name);
        refreshRollouts(name);
    }
    if (m_apps.size() <= option(m_config, "commitReadLimit", 1000))
        for (auto it = m_apps.cbegin(); it != m_apps.cend(); ++it)
            queueCommitRead(it.key());
    initialRefreshDone();
    fetchProjectWindows();
}

void ArgoCdBackend::initialRefreshDone()
{
    if (!m_initialDone && m_listDone && m_initialRefresh.isEmpty()) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
}

// ---- the watch stream ----

void ArgoCdBackend::openStream()
{
    if (!m_running || m_authFailed)
        return;
    http::Request req = request(QStringLiteral("/api/v1/stream/applications"));
    req.headers << qMakePair(QByteArray("Accept"), QByteArray("text/event-stream"));
    addScope(req.query);
    req.query.addQueryItem(QStringLiteral("fields"), streamFieldsProjection());
    if (!m_resourceVersion.isEmpty())
        req.query.addQueryItem(QStringLiteral("resourceVersion"), m_resourceVersion);
    m_sse.reset();
    m_streamHealthy = false;
    m_streamOpenedAt = nowMs();
    const quint64 gen = m_generation;
    m_stream = m_client->openStream(
        req, this, [this, gen](const QByteArray &chunk) { onStreamChunk(gen, chunk); },
        [this, gen](const http::Response &r) { onStreamEnd(gen, r); });
}

void ArgoCdBackend::onStreamChunk(quint64 generation, const QByteArray &chunk)
{
    if (generation != m_generation)
        return;
    if (!m_streamHealthy) {
        m_streamHealthy = true;
        m_reloggedIn = false;
        if (m_health.state != ConnectionHealth::State::Ok)
            setHealth(ConnectionHealth::State::Ok);
    }
    const QList<http::SseEvent> events = m_sse.feed(chunk);
    for (const auto &e : events) {
        if (e.kind == http::SseEvent::Kind::KeepAlive)
            continue;
        handleStreamData(e.data);
        if (generation != m_generation || m_authFailed)
            return;
    }
    if (m_sse.overflowed()) {
        m_sink->problem(m_config.id, QStringLiteral("application stream"),
                        QStringLiteral("an event larger than the buffer limit was dropped"));
        m_sse.reset();
    }
}

void ArgoCdBackend::handleStreamData(const QByteArray &data)
{
    ++m_streamEvents;
    const StreamEvent ev = parseStreamEvent(data.trimmed());
    switch (ev.type) {
    case StreamEvent::Type::Malformed:
        ++m_malformedEvents;
        m_sink->problem(m_config.id, QStringLiteral("application stream"),
                        QStringLiteral("%1; event skipped, the stream continues").arg(ev.error));
        return;
    case StreamEvent::Type::Error:
        if (ev.httpCode == 401) {
            m_stream.cancel();
            authFailed(QStringLiteral("the application stream says: %1").arg(ev.error));
            return;
        }
        if (ev.httpCode == 410 || ev.error.contains(QLatin1String("too old"))) {
            // The resume point is gone: read the list again, then stream from its version.
            m_resourceVersion.clear();
            m_stream.cancel();
            fetchList();
            return;
        }
        m_sink->problem(m_config.id, QStringLiteral("application stream"),
                        QStringLiteral("server error on the stream: %1").arg(ev.error));
        return;
    case StreamEvent::Type::Deleted:
        noteResourceVersion(ev.app.resourceVersion);
        removeApp(ev.app.name);
        return;
    case StreamEvent::Type::Added:
    case StreamEvent::Type::Modified:
        noteResourceVersion(ev.app.resourceVersion);
        reportProblems(QStringLiteral("application %1").arg(ev.app.name), ev.problems);
        upsertApp(ev.app);
        return;
    }
}

void ArgoCdBackend::onStreamEnd(quint64 generation, const http::Response &r)
{
    if (generation != m_generation || !m_running)
        return;
    if (r.error == http::Response::Error::Cancelled && !m_stream.isActive() && m_authFailed)
        return;
    if (r.status == 401) {
        if (sessionMode() && !m_reloggedIn) {
            m_reloggedIn = true;
            login([this](const http::Response &lr) {
                if (lr.ok())
                    openStream();
                else
                    authFailed(
                        QStringLiteral("the session expired and logging in again failed (%1)")
                            .arg(describe(lr)));
            });
            return;
        }
        authFailed(QStringLiteral("Argo CD refused the token on the application stream (401); "
                                  "not reconnecting until the credentials are fixed"));
        return;
    }
    if (r.status == 403) {
        authFailed(
            QStringLiteral("Argo CD denied the application stream (403): %1").arg(describe(r)));
        return;
    }
    QString reason;
    if (r.error == http::Response::Error::Timeout)
        reason = QStringLiteral("no keep-alive for %1 s")
                     .arg(m_client->options().streamIdleTimeoutMs / 1000.0);
    else if (r.error == http::Response::Error::Cancelled)
        reason = QStringLiteral("stream cancelled");
    else if (r.status >= 300)
        reason = describe(r);
    else if (r.error != http::Response::Error::None)
        reason = describe(r);
    else
        reason = QStringLiteral("the server closed the stream");
    scheduleReconnect(reason);
}

void ArgoCdBackend::scheduleReconnect(const QString &reason)
{
    const int delay = m_policy.nextDelayMs(m_streamHealthy ? m_streamOpenedAt : 0);
    ++m_streamReconnects;
    setHealth(
        ConnectionHealth::State::Degraded,
        QStringLiteral("live updates interrupted (%1); reconnecting in %2 s (%3 reconnects in the "
                       "last %4 min)")
            .arg(reason, QString::number(delay / 1000.0, 'f', 1),
                 QString::number(m_policy.recentReconnects()),
                 QString::number(m_policy.settings().windowMs / 60000)));
    m_retryTimer->disconnect();
    const quint64 gen = m_generation;
    connect(m_retryTimer, &QTimer::timeout, this, [this, gen] {
        if (gen == m_generation && m_running)
            openStream();
    });
    m_retryTimer->start(delay);
}

void ArgoCdBackend::authFailed(const QString &reason)
{
    m_authFailed = true;
    m_retryTimer->stop();
    m_stream.cancel();
    setHealth(ConnectionHealth::State::AuthFailed, reason);
    firstReadEnded();
}

void ArgoCdBackend::firstReadEnded()
{
    // A first read that failed has ended too: whoever waits for it (the CLI) reports the
    // failure now instead of waiting out its own timeout. Health says what went wrong.
    if (!m_initialDone) {
        m_initialDone = true;
        m_initialRefresh.clear();
        m_sink->initialSyncDone(m_config.id);
    }
}

void ArgoCdBackend::setHealth(ConnectionHealth::State state, const QString &reason)
{
    ConnectionHealth h = m_health;
    h.state = state;
    h.reason = reason;
    if (state == ConnectionHealth::State::Ok)
        h.lastSuccess = QDateTime::currentDateTimeUtc();
    if (h == m_health)
        return;
    m_health = h;
    m_sink->healthChanged(m_config.id, h);
}

void ArgoCdBackend::noteResourceVersion(const QString &rv)
{
    if (rv.isEmpty())
        return;
    bool a = false, b = false;
    const qint64 next = rv.toLongLong(&a);
    const qint64 cur = m_resourceVersion.toLongLong(&b);
    if (!a || !b || next > cur)
        m_resourceVersion = rv;
}

// ---- records ----

bool ArgoCdBackend::mayHaveRollout(const AppState &app) const
{
    if (!app.rollouts.isEmpty())
        return true;
    return !m_mapper.map(app.name).rollout.isEmpty();
}

const Rollout *ArgoCdBackend::primaryRollout(const QString &app) const
{
    const auto it = m_rollouts.constFind(app);
    if (it == m_rollouts.constEnd() || it->isEmpty())
        return nullptr;
    const QString bound = m_mapper.map(app).rollout;
    for (const auto &r : *it)
        if (r.details.rollout.name == bound)
            return &r.details.rollout;
    return &it->first().details.rollout;
}

void ArgoCdBackend::upsertApp(const AppState &fresh)
{
    const auto it = m_apps.constFind(fresh.name);
    const bool known = it != m_apps.constEnd();
    AppState app = fresh;
    if (known) {
        app.commits = it->commits;
        app.windows = it->windows;
    }
    QList<TimelineEvent> events;
    bool historyChanged = true;
    if (known) {
        const AppMapping m = m_mapper.map(app.name);
        events = applicationEvents(m_config.id, &*it, app, m, QDateTime::currentDateTimeUtc());
        // the newest deployment's version (and commit) may come from the images
        historyChanged = it->history != app.history || it->images != app.images;
    } else {
        events = applicationEvents(m_config.id, nullptr, app, m_mapper.map(app.name),
                                   QDateTime::currentDateTimeUtc());
    }
    m_apps.insert(app.name, app);
    publishApp(app, historyChanged, events);
    if (mayHaveRollout(app))
        refreshRollouts(app.name);
    else if (m_rollouts.remove(app.name) > 0)
        publishEverything(int(RecordKind::Rollouts) | int(RecordKind::Gates));
    else
        queueCommitRead(app.name);
    if (!known)
        queueWindowRead(app.name);
}

// ---- sync windows ----

void ArgoCdBackend::fetchProjectWindows()
{
    QSet<QString> projects;
    for (const auto &app : std::as_const(m_apps))
        if (!app.project.isEmpty())
            projects.insert(app.project);
    const quint64 gen = m_generation;
    for (const auto &project : std::as_const(projects)) {
        http::Request req =
            request(QStringLiteral("/api/v1/projects/%1/syncwindows")
                        .arg(QString::fromLatin1(QUrl::toPercentEncoding(project))));
        send(req, [this, project, gen](const http::Response &r) {
            if (gen != m_generation)
                return;
            const QString place = QStringLiteral("sync windows of project %1").arg(project);
            if (!r.ok()) {
                reportProblems(place, {{place, QStringLiteral("could not be read (%1); a freeze "
                                                              "Argo CD enforces is not shown")
                                                   .arg(describe(r))}});
                return;
            }
            QString error;
            const QList<ProjectWindow> windows = parseProjectSyncWindows(r.body, &error);
            reportProblems(place, error.isEmpty() ? QList<ParseProblem>{}
                                                  : QList<ParseProblem>{{place, error}});
            if (!error.isEmpty())
                return;
            m_projectWindows.insert(project, windows);
            // one read per app and poll: bounded, so a window over thousands of apps costs a
            // known amount (the rest are named as a problem rather than silently unread)
            const int limit = option(m_config, "syncWindowAppLimit", 500);
            int matched = 0;
            for (auto it = m_apps.begin(); it != m_apps.end(); ++it) {
                if (it->project != project)
                    continue;
                bool applies = false;
                for (const auto &w : windows)
                    applies = applies || windowApplies(w, *it);
                if (applies && ++matched <= limit) {
                    queueWindowRead(it.key());
                } else if (applies) {
                    continue;
                } else if (it->windows.known) { // the window was removed from the project
                    it->windows = {};
                    publishApp(*it, false, {});
                }
            }
            const QString capped = QStringLiteral("sync window reads of project %1").arg(project);
            reportProblems(capped,
                           matched <= limit
                               ? QList<ParseProblem>{}
                               : QList<ParseProblem>{
                                     {capped, QStringLiteral("windows apply to %1 apps; only %2 "
                                                             "are read (syncWindowAppLimit)")
                                                  .arg(matched)
                                                  .arg(limit)}});
        });
    }
    if (!m_windowTimer->isActive())
        m_windowTimer->start();
}

void ArgoCdBackend::queueWindowRead(const QString &appName)
{
    const auto it = m_apps.constFind(appName);
    if (it == m_apps.constEnd() || m_windowQueue.contains(appName))
        return;
    const auto windows = m_projectWindows.constFind(it->project);
    if (windows == m_projectWindows.constEnd())
        return; // the project's windows are not read yet; that read queues the app
    bool applies = false;
    for (const auto &w : *windows)
        applies = applies || windowApplies(w, *it);
    if (!applies)
        return;
    m_windowQueue.enqueue(appName);
    pumpWindowReads();
}

void ArgoCdBackend::pumpWindowReads()
{
    while (m_windowInFlight < 2 && !m_windowQueue.isEmpty()) {
        const QString appName = m_windowQueue.dequeue();
        const auto it = m_apps.constFind(appName);
        if (it == m_apps.constEnd())
            continue;
        http::Request req =
            request(QStringLiteral("/api/v1/applications/%1/syncwindows").arg(appName));
        if (!it->appNamespace.isEmpty())
            req.query.addQueryItem(QStringLiteral("appNamespace"), it->appNamespace);
        if (!it->project.isEmpty())
            req.query.addQueryItem(QStringLiteral("project"), it->project);
        ++m_windowInFlight;
        const quint64 gen = m_generation;
        send(req, [this, appName, gen](const http::Response &r) {
            if (gen != m_generation)
                return;
            --m_windowInFlight;
            const QString place = QStringLiteral("sync windows of %1").arg(appName);
            QString error = r.ok() ? QString() : describe(r);
            SyncWindows windows;
            if (r.ok())
                windows = parseSyncWindows(r.body, &error);
            reportProblems(place, error.isEmpty() ? QList<ParseProblem>{}
                                                  : QList<ParseProblem>{{place, error}});
            auto app = m_apps.find(appName);
            if (error.isEmpty() && app != m_apps.end() && !(app->windows == windows)) {
                app->windows = windows;
                publishApp(*app, false, {});
            }
            pumpWindowReads();
        });
    }
}

// ---- source commits of Deployment workloads ----

void ArgoCdBackend::queueCommitRead(const QString &appName)
{
    // One small read per app and version: fine for a team's estate, not for ten thousand apps
    // at start-up, where the estate resolves tags to commits through git instead.
    if (m_apps.size() > option(m_config, "commitReadLimit", 1000))
        return;
    const auto it = m_apps.constFind(appName);
    if (it == m_apps.constEnd() || it->workload.kind.isEmpty() || mayHaveRollout(*it))
        return;
    const AppMapping m = m_mapper.map(appName);
    const QString version = versionFromImages(it->images, m.service);
    if (version.isEmpty() || sourceIsServiceRepo(*it, m) || it->commits.contains(version))
        return;
    const QString key = appName + QLatin1Char('\n') + version;
    if (m_commitTried.contains(key) || m_commitQueue.contains(appName))
        return;
    m_commitTried.insert(key);
    m_commitQueue.enqueue(appName);
    pumpCommitReads();
}

void ArgoCdBackend::pumpCommitReads()
{
    while (m_commitInFlight < 2 && !m_commitQueue.isEmpty()) {
        const QString appName = m_commitQueue.dequeue();
        const auto it = m_apps.constFind(appName);
        if (it == m_apps.constEnd())
            continue;
        const ResourceRef w = it->workload;
        http::Request req =
            request(QStringLiteral("/api/v1/applications/%1/resource").arg(appName));
        req.query.addQueryItem(QStringLiteral("namespace"), w.nameSpace);
        req.query.addQueryItem(QStringLiteral("resourceName"), w.name);
        req.query.addQueryItem(QStringLiteral("group"), w.group);
        req.query.addQueryItem(QStringLiteral("kind"), w.kind);
        req.query.addQueryItem(QStringLiteral("version"), w.version);
        if (!it->appNamespace.isEmpty())
            req.query.addQueryItem(QStringLiteral("appNamespace"), it->appNamespace);
        if (!it->project.isEmpty())
            req.query.addQueryItem(QStringLiteral("project"), it->project);
        ++m_commitInFlight;
        const quint64 gen = m_generation;
        send(req, [this, appName, gen](const http::Response &r) {
            if (gen != m_generation)
                return;
            --m_commitInFlight;
            if (r.ok()) {
                QString error, image, revision;
                const QJsonObject manifest = parseResourceEnvelope(r.body, &error);
                if (!error.isEmpty())
                    reportProblems(QStringLiteral("workload of %1").arg(appName),
                                   {{QStringLiteral("application %1").arg(appName), error}});
                else if (podTemplateRevision(manifest, m_mapper.map(appName).service, &image,
                                             &revision))
                    learnCommit(appName, imageTag(image), revision);
            }
            pumpCommitReads();
        });
    }
}

void ArgoCdBackend::learnCommit(const QString &appName, const QString &tag, const QString &sha)
{
    auto it = m_apps.find(appName);
    if (it == m_apps.end() || tag.isEmpty() || it->commits.value(tag) == sha)
        return;
    it->commits.insert(tag, sha);
    publishApp(*it, true, {});
}

void ArgoCdBackend::removeApp(const QString &name)
{
    if (!m_apps.remove(name))
        return;
    m_rollouts.remove(name);
    m_refreshAgain.remove(name);
    // Replace is per connection: a snapshot without the app removes its rows.
    publishEverything(int(RecordKind::Environments) | int(RecordKind::Deployments) |
                      int(RecordKind::Rollouts) | int(RecordKind::Gates));
}

void ArgoCdBackend::publishApp(const AppState &app, bool withHistory, QList<TimelineEvent> events)
{
    const AppMapping m = m_mapper.map(app.name);
    RecordSet set;
    set.environments << environmentState(m_config.id, m_config.baseUrl, app, m,
                                         primaryRollout(app.name));
    if (withHistory)
        set.deployments = deployments(m_config.id, m_config.baseUrl, app, m);
    set.events = std::move(events);
    m_sink->publish(m_config.id, set);
}

void ArgoCdBackend::publishGates(bool force)
{
    QHash<QString, Gate> next;
    for (auto it = m_rollouts.cbegin(); it != m_rollouts.cend(); ++it) {
        const auto app = m_apps.constFind(it.key());
        if (app == m_apps.constEnd())
            continue;
        for (const auto &r : it.value())
            if (auto g = rolloutGate(m_config.id, m_config.baseUrl, *app, r.details))
                next.insert(g->id, *g);
    }
    if (next == m_gates && !force)
        return;
    m_gates = next;
    RecordSet set;
    set.gates = next.values();
    m_sink->publish(m_config.id, set, int(RecordKind::Gates));
}

void ArgoCdBackend::publishEverything(RecordKinds replace)
{
    RecordSet set;
    if (replace & int(RecordKind::Environments) || replace & int(RecordKind::Deployments)) {
        for (auto it = m_apps.cbegin(); it != m_apps.cend(); ++it) {
            const AppMapping m = m_mapper.map(it.key());
            if (replace & int(RecordKind::Environments))
                set.environments << environmentState(m_config.id, m_config.baseUrl, *it, m,
                                                     primaryRollout(it.key()));
            if (replace & int(RecordKind::Deployments))
                set.deployments << deployments(m_config.id, m_config.baseUrl, *it, m);
        }
    }
    if (replace & int(RecordKind::Rollouts)) {
        for (const auto &list : std::as_const(m_rollouts))
            for (const auto &r : list)
                set.rollouts << r.details.rollout;
    }
    const RecordKinds withoutGates = replace & ~int(RecordKind::Gates);
    if (withoutGates)
        m_sink->publish(m_config.id, set, withoutGates);
    if (replace & int(RecordKind::Gates))
        publishGates(true);
}

void ArgoCdBackend::reportProblems(const QString &where, const QList<ParseProblem> &problems)
{
    QStringList messages;
    for (const auto &p : problems)
        messages << p.message;
    QStringList &last = m_reportedProblems[where];
    if (messages == last)
        return;
    last = messages;
    for (const auto &p : problems)
        m_sink->problem(m_config.id, p.where, p.message);
}

// ---- Rollouts ----

void ArgoCdBackend::refreshRollouts(const QString &appName)
{
    if (m_refreshing.contains(appName)) {
        m_refreshAgain.insert(appName);
        return;
    }
    const auto appIt = m_apps.constFind(appName);
    if (appIt == m_apps.constEnd())
        return;
    m_refreshing.insert(appName);
    ++m_rolloutRefreshes;
    const AppState app = *appIt;
    const quint64 gen = m_generation;
    http::Request treeReq =
        request(QStringLiteral("/api/v1/applications/%1/resource-tree").arg(appName));
    if (!app.appNamespace.isEmpty())
        treeReq.query.addQueryItem(QStringLiteral("appNamespace"), app.appNamespace);
    send(treeReq, [this, app, gen](const http::Response &tr) {
        if (gen != m_generation)
            return;
        ResourceTree tree;
        if (tr.ok()) {
            QString error;
            tree = parseResourceTree(tr.body, &error);
            if (!error.isEmpty())
                reportProblems(QStringLiteral("application %1 resource tree").arg(app.name),
                               {{QStringLiteral("application %1").arg(app.name), error}});
        }
        const QHash<QString, OwnedObjectRefs> owned =
            tr.ok() ? rolloutOwnedRefs(tr.body) : QHash<QString, OwnedObjectRefs>();
        QList<ResourceRef> refs = tree.rollouts;
        if (refs.isEmpty())
            refs = app.rollouts;
        const AppMapping m = m_mapper.map(app.name);
        if (refs.isEmpty() && !m.rollout.isEmpty())
            refs << ResourceRef{
                QStringLiteral("argoproj.io"), QStringLiteral("v1alpha1"),
                QStringLiteral("Rollout"),
                m.rolloutNamespace.isEmpty() ? app.destNamespace : m.rolloutNamespace, m.rollout};
        refs.erase(std::remove_if(refs.begin(), refs.end(),
                                  [](const ResourceRef &r) { return !isRollout(r); }),
                   refs.end());
        if (refs.isEmpty()) {
            finishRefresh(app.name, {}, gen);
            return;
        }
        struct Pending
        {
            QList<RolloutState> states;
            QList<RolloutObjects> objects; // for deriveRolloutInfo, one per Rollout
            int outstanding = 0;
        };
        auto pending = std::make_shared<Pending>();
        pending->states.resize(refs.size());
        pending->objects.resize(refs.size());
        pending->outstanding = int(refs.size()) * 2;
        for (const auto &ref : std::as_const(refs))
            pending->outstanding += int(owned.value(ref.name).refs.size());
        const auto images = tree.imageByPodHash;
        for (int i = 0; i < refs.size(); ++i) {
            Rollout probe;
            probe.name = refs.at(i).name;
            probe.nameSpace = refs.at(i).nameSpace;
            const auto doneOne = [this, pending, app, gen] {
                if (--pending->outstanding != 0)
                    return;
                for (int k = 0; k < pending->states.size(); ++k)
                    if (!pending->objects.at(k).rollout.isEmpty())
                        applyRolloutInfo(deriveRolloutInfo(pending->objects.at(k)),
                                         &pending->states[k].details.rollout);
                finishRefresh(app.name, pending->states, gen);
            };
            // The objects the kubectl plugin reads, one …/resource read each, bounded per kind.
            RolloutObjects &objects = pending->objects[i];
            const auto ownedIt = owned.constFind(probe.name);
            if (!tr.ok())
                objects.replicaSetsError = objects.podsError =
                    QStringLiteral("the resource tree could not be read: %1").arg(describe(tr));
            else if (ownedIt != owned.constEnd())
                noteLeftOut(&objects, *ownedIt);
            if (ownedIt != owned.constEnd()) {
                for (const ResourceRef &child : ownedIt->refs)
                    send(request(objectResourcePath(app, child)),
                         [pending, i, child, doneOne](const http::Response &r) {
                             addOwnedObject(&pending->objects[i], child, r.body,
                                            r.ok() ? QString() : describe(r));
                             doneOne();
                         });
            }
            send(request(resourcePath(app, probe)), [this, pending, i, images, app, probe,
                                                     doneOne](const http::Response &r) {
                RolloutState &s = pending->states[i];
                QList<RolloutAction> actions = s.details.rollout.actions;
                if (r.ok()) {
                    s.details = parseRolloutResource(r.body, images);
                    QString ignored; // parseRolloutResource already reported a bad body
                    pending->objects[i].rollout = parseResourceEnvelope(r.body, &ignored);
                } else {
                    s.details.rollout.name = probe.name;
                    s.details.rollout.nameSpace = probe.nameSpace;
                    s.details.problems << ParseProblem{
                        QStringLiteral("rollout %1").arg(probe.name),
                        QStringLiteral("its live manifest could not be read: %1").arg(describe(r))};
                }
                s.details.rollout.actions = actions;
                doneOne();
            });
            send(request(actionsPath(app, probe)), [pending, i, probe,
                                                    doneOne](const http::Response &r) {
                RolloutState &s = pending->states[i];
                if (r.ok()) {
                    QString error;
                    s.details.rollout.actions = parseResourceActions(r.body, &error);
                    s.actionsKnown = error.isEmpty();
                    if (!error.isEmpty())
                        s.details.problems
                            << ParseProblem{QStringLiteral("rollout %1").arg(probe.name), error};
                } else {
                    s.details.problems << ParseProblem{
                        QStringLiteral("rollout %1").arg(probe.name),
                        QStringLiteral("its actions could not be read: %1").arg(describe(r))};
                }
                doneOne();
            });
        }
    });
}

void ArgoCdBackend::finishRefresh(const QString &appName,
                                  const QList<RolloutState> &fresh,
                                  quint64 generation)
{
    if (generation != m_generation)
        return;
    m_refreshing.remove(appName);
    auto appIt = m_apps.constFind(appName);
    if (appIt != m_apps.constEnd()) {
        const AppMapping m = m_mapper.map(appName);
        const QList<RolloutState> before = m_rollouts.value(appName);
        QList<RolloutState> states;
        RecordSet set;
        QList<ParseProblem> problems;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (RolloutState s : fresh) {
            problems << s.details.problems;
            if (s.details.rollout.name.isEmpty())
                continue;
            Rollout &r = s.details.rollout;
            r.connectionId = m_config.id;
            r.service = m.service;
            r.environment = m.environment;
            r.application = appName;
            const RolloutState *old = nullptr;
            for (const auto &b : before)
                if (b.details.rollout.name == r.name)
                    old = &b;
            if (old) {
                if (!s.actionsKnown) { // keep the last known list rather than an empty one
                    r.actions = old->details.rollout.actions;
                    s.actionsKnown = old->actionsKnown;
                }
                r.updated = old->details.rollout.updated;
                Rollout cmpOld = old->details.rollout;
                Rollout cmpNew = r;
                cmpOld.updated = cmpNew.updated = {};
                if (!(cmpOld == cmpNew))
                    r.updated = now;
                set.events << rolloutEvents(m_config.id, &old->details.rollout, r, now);
            } else {
                r.updated = now;
            }
            set.rollouts << r;
            states << s;
        }
        bool removedSome = false;
        for (const auto &b : before) {
            bool still = false;
            for (const auto &s : std::as_const(states))
                still = still || s.details.rollout.name == b.details.rollout.name;
            removedSome = removedSome || !still;
        }
        bool learned = false;
        for (const auto &st : std::as_const(states)) {
            const QString tag = imageTag(st.details.podImage);
            if (!st.details.podRevision.isEmpty() && !tag.isEmpty() &&
                appIt->commits.value(tag) != st.details.podRevision) {
                m_apps[appName].commits.insert(tag, st.details.podRevision);
                learned = true;
            }
        }
        appIt = m_apps.constFind(appName); // an insert may have detached the hash
        if (learned)
            set.deployments = deployments(m_config.id, m_config.baseUrl, *appIt, m);
        reportProblems(QStringLiteral("rollouts of %1").arg(appName), problems);
        if (states.isEmpty())
            m_rollouts.remove(appName);
        else
            m_rollouts.insert(appName, states);
        set.environments << environmentState(m_config.id, m_config.baseUrl, *appIt, m,
                                             primaryRollout(appName));
        if (removedSome) {
            publishEverything(int(RecordKind::Rollouts));
            set.rollouts.clear();
        }
        m_sink->publish(m_config.id, set);
        publishGates();
    }
    if (m_initialRefresh.remove(appName))
        initialRefreshDone();
    if (m_refreshAgain.remove(appName))
        refreshRollouts(appName);
}

// ---- plans ----

QString ArgoCdBackend::resolveApplication(const ReleaseAction &action, QString *rolloutName) const
{
    QString target = action.target;
    if (target.startsWith(m_config.id + QLatin1Char('/')))
        target = target.mid(m_config.id.size() + 1);
    if (target.startsWith(QLatin1String("rollout:")))
        target = target.mid(8);
    if (!target.isEmpty()) {
        const QString first = target.section(QLatin1Char('/'), 0, 0);
        if (m_apps.contains(first)) {
            const QString rest = target.section(QLatin1Char('/'), 1);
            bool numeric = false;
            rest.toLongLong(&numeric);
            if (!rest.isEmpty() && !numeric)
                *rolloutName = rest;
            return first;
        }
    }
    return m_mapper.applicationFor(action.service, action.environment);
}

ActionPlan ArgoCdBackend::plan(const ReleaseAction &action) const
{
    QString rolloutName;
    PlanInput in;
    in.connectionId = m_config.id;
    in.applicationName = resolveApplication(action, &rolloutName);
    const auto it = m_apps.constFind(in.applicationName);
    in.app = it == m_apps.constEnd() ? nullptr : &*it;
    in.mapping = m_mapper.map(in.applicationName);
    in.server = m_server;
    if (rolloutName.isEmpty())
        rolloutName = in.mapping.rollout;
    const auto rs = m_rollouts.constFind(in.applicationName);
    if (rs != m_rollouts.constEnd() && !rs->isEmpty()) {
        in.rollout = &rs->first();
        for (const auto &r : *rs)
            if (r.details.rollout.name == rolloutName)
                in.rollout = &r;
    }
    ActionPlan p = planAction(action, in);
    if (m_config.readOnly && p.feasible && !p.requests.isEmpty())
        p.warnings << QStringLiteral("connection %1 is read-only").arg(m_config.id);
    return p;
}

// ---- execute ----

quint64 ArgoCdBackend::execute(const ActionPlan &plan)
{
    return m_executor->execute(plan);
}

QString ArgoCdBackend::refuseAction(const ActionPlan &)
{
    return m_authFailed ? m_health.reason : QString();
}

void ArgoCdBackend::sendForAction(const http::Request &req, Reply reply)
{
    http::Request r = req;
    r.timeoutMs = request(req.path).timeoutMs;
    r.conditional = false;
    send(r, std::move(reply));
}

http::PreconditionReading ArgoCdBackend::readPrecondition(const Precondition &pc,
                                                          const http::Response &r)
{
    if (!r.ok())
        return http::PreconditionReading::unreadable(describe(r));
    QString error;
    const QString value = readPreconditionField(pc.field, r.body, &error);
    if (!error.isEmpty())
        return http::PreconditionReading::unreadable(error);
    return http::PreconditionReading::compared(value == pc.expected, value);
}

http::MutationVerdict ArgoCdBackend::interpretMutation(const std::shared_ptr<http::ActionRun> &,
                                                       const PlannedRequest &,
                                                       const http::Response &r)
{
    using Kind = http::MutationVerdict::Kind;
    if (r.ok())
        return {Kind::Done, {}};
    // No answer, or the server failed: a fresh read decides whether it acted.
    if (r.status == 0 || r.status >= 500)
        return {Kind::Lost, describe(r)};
    return {Kind::Failed, QStringLiteral("Argo CD refused: ") + describe(r)};
}

void ArgoCdBackend::actionEnded(const http::ActionRun &run, const ActionResult &result)
{
    m_sink->actionFinished(m_config.id, run.ticket, result);
    // Read the Rollout now rather than wait for the app's next stream event.
    const QString app = run.plan.context.value(QStringLiteral("application")).toString();
    if (result.ok && m_apps.contains(app) && mayHaveRollout(m_apps.value(app)))
        refreshRollouts(app);
}

// ---- desired vs live ----

void ArgoCdBackend::fetchManagedResources(const QString &object, ManagedDone done)
{
    const quint64 id = ++m_nextManagedId;
    m_managedPending.insert(id, std::move(done));
    QString name = object;
    if (name.startsWith(m_config.id + QLatin1Char('/')))
        name = name.mid(m_config.id.size() + 1);
    if (name.isEmpty()) {
        QTimer::singleShot(0, this, [this, id] {
            finishManaged(id, {}, QStringLiteral("managed resources: no application named"));
        });
        return;
    }
    http::Request req = request(QStringLiteral("/api/v1/applications/%1/managed-resources")
                                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(name))),
                                option(m_config, "managedResourcesTimeoutMs", 30000));
    req.maxAttempts = 2; // someone waits for this read: one retry, not a long backoff series
    const auto app = m_apps.constFind(name);
    if (app != m_apps.constEnd()) {
        // Argo CD answers 403 for an app outside the default namespace or project unless told
        if (!app->appNamespace.isEmpty())
            req.query.addQueryItem(QStringLiteral("appNamespace"), app->appNamespace);
        if (!app->project.isEmpty())
            req.query.addQueryItem(QStringLiteral("project"), app->project);
    }
    const QString place = QStringLiteral("GET /api/v1/applications/%1/managed-resources").arg(name);
    send(req, [this, id, name, place](const http::Response &r) {
        if (!r.ok()) {
            QString why = describe(r);
            if (r.status == 403 || r.status == 404)
                why += QStringLiteral(" (Argo CD says this when application %1 does not exist or "
                                      "the token may not read it)")
                           .arg(name);
            finishManaged(id, {}, QStringLiteral("%1: %2").arg(place, why));
            return;
        }
        struct Parsed
        {
            QList<ManagedResource> resources;
            QString error;
        };
        // the states are JSON inside JSON: large for big apps, so parsed on a worker
        QFuture<Parsed> parsed = QtConcurrent::run([body = r.body, name] {
            Parsed p;
            p.resources = parseManagedResources(body, name, &p.error);
            return p;
        });
        parsed.then(this, [this, id, place](const Parsed &p) {
            finishManaged(id, p.resources,
                          p.error.isEmpty() ? QString()
                                            : QStringLiteral("%1: %2").arg(place, p.error));
        });
    });
}

void ArgoCdBackend::finishManaged(quint64 id,
                                  const QList<ManagedResource> &resources,
                                  const QString &error)
{
    ManagedDone done = m_managedPending.take(id);
    if (done)
        done(resources, error);
}

void ArgoCdBackend::failAllManaged(const QString &why)
{
    const QList<quint64> ids = m_managedPending.keys();
    for (quint64 id : ids)
        finishManaged(id, {}, why);
}

QVariantMap ArgoCdBackend::statistics() const
{
    QVariantMap s = m_client->statistics();
    s.insert(QStringLiteral("apps"), m_apps.size());
    s.insert(QStringLiteral("rollouts"), [&] {
        int n = 0;
        for (const auto &l : m_rollouts)
            n += int(l.size());
        return n;
    }());
    s.insert(QStringLiteral("listResponseStartMs"), m_listResponseStartMs);
    s.insert(QStringLiteral("listBytes"), m_listBytes);
    s.insert(QStringLiteral("listParseMs"), m_listParseMs);
    s.insert(QStringLiteral("listPublishMs"), m_listPublishMs);
    s.insert(QStringLiteral("listPublishChunkMaxMs"), m_listPublishChunkMaxMs);
    s.insert(QStringLiteral("listPublishedMs"), m_listPublishedMs);
    s.insert(QStringLiteral("streamEvents"), m_streamEvents);
    s.insert(QStringLiteral("malformedEvents"), m_malformedEvents);
    s.insert(QStringLiteral("streamReconnects"), m_streamReconnects);
    s.insert(QStringLiteral("rolloutRefreshes"), m_rolloutRefreshes);
    s.insert(QStringLiteral("resourceVersion"), m_resourceVersion);
    s.insert(QStringLiteral("serverVersion"), m_server.version);
    return s;
}

} // namespace fd::argocd
