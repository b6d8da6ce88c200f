#include "backends.h"
#include "sandbox.h"

#include "chat/chatserver.h"

#include <httplib.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrlQuery>

#include <chrono>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

qint64 realNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 resolveEpoch(const Options &o)
{
    if (o.epochMs != 0)
        return o.epochMs;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return now - now % 60'000;
}

Options resolveOptions(Options o)
{
    o.epochMs = resolveEpoch(o);
    if (o.gitDir.isEmpty() && !o.workspaceFile.isEmpty()) {
        const bool wantsGit =
            o.scenario == QLatin1String("demo") || o.scenario == QLatin1String("incident");
        if (wantsGit)
            o.gitDir = QFileInfo(o.workspaceFile).absolutePath() + QStringLiteral("/git");
    }
    return o;
}

const QStringList kBackends{u"github"_s, u"jenkins"_s, u"gitlab"_s, u"argocd"_s, u"metrics"_s};

} // namespace

// ---- helpers ----

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

std::string toStd(const QString &s)
{
    return s.toStdString();
}

void sendJson(httplib::Response &res, int status, const QJsonDocument &doc)
{
    sendJson(res, status, doc, "application/json; charset=utf-8");
}

void sendJson(httplib::Response &res, int status, const QJsonDocument &doc, const char *contentType)
{
    res.status = status;
    res.set_content(doc.toJson(QJsonDocument::Compact).toStdString(), contentType);
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms - ms % 1000, Qt::UTC).toString(Qt::ISODate);
}

QString stableHex(const QString &seed, int length)
{
    QString out;
    QByteArray block = seed.toUtf8();
    while (out.size() < length) {
        block = QCryptographicHash::hash(block, QCryptographicHash::Sha1);
        out += QString::fromLatin1(block.toHex());
    }
    return out.left(length);
}

quint64 stableHash(const QString &seed)
{
    quint64 h = 1469598103934665603ULL;
    for (const char c : seed.toUtf8()) {
        h ^= quint8(c);
        h *= 1099511628211ULL;
    }
    return h;
}

// ---- clock ----

Clock::Clock(qint64 epochMs, double speed)
    : m_epochMs(epochMs)
    , m_speed(speed)
    , m_realStartMs(realNowMs())
{}

qint64 Clock::nowMs() const
{
    std::lock_guard guard(m_mutex);
    return m_epochMs + m_baseSimMs + qint64(double(realNowMs() - m_realStartMs) * m_speed) +
           m_advancedMs;
}

void Clock::advance(qint64 ms)
{
    std::lock_guard guard(m_mutex);
    m_advancedMs += ms;
}

void Clock::setSpeed(double speed)
{
    std::lock_guard guard(m_mutex);
    const qint64 now = realNowMs();
    m_baseSimMs += qint64(double(now - m_realStartMs) * m_speed);
    m_realStartMs = now;
    m_speed = speed;
}

double Clock::speed() const
{
    std::lock_guard guard(m_mutex);
    return m_speed;
}

void Clock::restart()
{
    std::lock_guard guard(m_mutex);
    m_realStartMs = realNowMs();
    m_advancedMs = 0;
    m_baseSimMs = 0;
}

// ---- faults ----

bool parseFault(const QString &spec, Fault *out, QString *error)
{
    static const QStringList backends{u"github"_s,  u"jenkins"_s, u"gitlab"_s, u"argocd"_s,
                                      u"metrics"_s, u"chat"_s,    u"all"_s};
    static const QStringList kinds{
        u"latency"_s,   u"5xx"_s,           u"rate-limit"_s, u"timeout"_s,
        u"malformed"_s, u"expired-token"_s, u"drop"_s,       u"rate-limit-noretry"_s};
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("fault '%1': %2").arg(spec, why);
        return false;
    };
    const QStringList parts = spec.trimmed().split(u':');
    if (parts.size() < 2 || parts.size() > 3)
        return fail(u"expected backend:kind[:arg]"_s);
    Fault f;
    f.spec = spec.trimmed();
    f.backend = parts[0].toLower();
    f.kind = parts[1].toLower();
    if (!backends.contains(f.backend))
        return fail(
            u"unknown backend '%1' (github, jenkins, gitlab, argocd, metrics, chat, all)"_s.arg(
                f.backend));
    if (!kinds.contains(f.kind))
        return fail(u"unknown kind '%1' (%2)"_s.arg(f.kind, kinds.join(u", "_s)));
    if (f.kind == QLatin1String("latency"))
        f.durationMs = 1000;
    if (f.kind == QLatin1String("timeout"))
        f.durationMs = 30'000;
    if (parts.size() == 3) {
        const QString arg = parts[2].trimmed().toLower();
        bool ok = false;
        if (arg.endsWith(u'%')) {
            const double p = arg.chopped(1).toDouble(&ok);
            if (!ok || p < 0 || p > 100)
                return fail(u"bad probability '%1' (0%..100%)"_s.arg(arg));
            f.probability = p / 100.0;
        } else {
            double scale = 1000;
            QString num = arg;
            if (arg.endsWith(u"ms"_s)) {
                scale = 1;
                num = arg.chopped(2);
            } else if (arg.endsWith(u's')) {
                num = arg.chopped(1);
            } else if (arg.endsWith(u'm')) {
                scale = 60'000;
                num = arg.chopped(1);
            } else {
                return fail(
                    u"argument '%1' is neither a probability (20%) nor a duration (2s, 500ms)"_s
                        .arg(arg));
            }
            const double v = num.toDouble(&ok);
            if (!ok || v < 0)
                return fail(u"bad duration '%1'"_s.arg(arg));
            if (f.kind != QLatin1String("latency") && f.kind != QLatin1String("timeout"))
                return fail(u"a duration only applies to latency and timeout"_s);
            f.durationMs = qint64(v * scale);
        }
    }
    *out = f;
    return true;
}

void BackendServer::writeRateLimited(httplib::Response &res)
{
    writeError(res, 429, QStringLiteral("Too Many Requests"));
    res.set_header("Retry-After", "30");
}

void BackendServer::writeExpiredToken(httplib::Response &res)
{
    writeError(res, 401, QStringLiteral("token expired"));
}

// ---- sandbox ----

Sandbox::Sandbox(Options options)
    : m_options(resolveOptions(std::move(options)))
    , m_clock(m_options.epochMs, m_options.clockSpeed)
    , m_rng(m_options.seed)
    , m_faultRng(m_options.seed ^ 0xFA17FA17ULL)
{}

Sandbox::~Sandbox()
{
    stop();
}

bool Sandbox::start(QString *error)
{
    for (const QString &spec : m_options.faults) {
        Fault f;
        if (!parseFault(spec, &f, error))
            return false;
        m_faults.append(f);
    }
    QString werr;
    m_world = buildWorld(m_options, &werr);
    if (!werr.isEmpty()) {
        if (error)
            *error = werr;
        return false;
    }
    m_backends.push_back(makeGitHubServer(*this));
    m_backends.push_back(makeJenkinsServer(*this));
    m_backends.push_back(makeGitLabServer(*this));
    m_backends.push_back(makeArgoCdServer(*this));
    m_backends.push_back(makeMetricsServer(*this));
    m_backends.push_back(makeChatServer(*this));
    const int ports[] = {m_options.githubPort, m_options.jenkinsPort, m_options.gitlabPort,
                         m_options.argocdPort, m_options.metricsPort, m_options.chatPort};
    m_running = true;
    for (size_t i = 0; i < m_backends.size(); ++i) {
        BackendServer *backend = m_backends[i].get();
        auto server = std::make_unique<httplib::Server>();
        const QString name = backend->name();
        server->set_pre_routing_handler([this, backend](const httplib::Request &req,
                                                        httplib::Response &res) {
            return applyFaults(*backend, req, res) ? httplib::Server::HandlerResponse::Handled
                                                   : httplib::Server::HandlerResponse::Unhandled;
        });
        server->set_post_routing_handler(
            [this, name](const httplib::Request &, httplib::Response &res) {
                applyPostFaults(name, res);
            });
        server->set_error_handler([backend](const httplib::Request &, httplib::Response &res) {
            // Only unmatched routes reach here with an empty body; handlers' own errors stand.
            if (res.body.empty()) {
                const int status = res.status;
                backend->writeError(res, status,
                                    status == 404 ? u"Not Found"_s : u"Request failed"_s);
            }
        });
        server->set_logger([this, name](const httplib::Request &req, const httplib::Response &res) {
            LoggedRequest r;
            r.backend = name;
            r.method = fromStd(req.method);
            r.path = fromStd(req.target.empty() ? req.path : req.target);
            r.body = fromStd(req.body);
            r.simTimeMs = m_clock.nowMs();
            r.realTimeMs = QDateTime::currentMSecsSinceEpoch();
            r.status = res.status;
            logRequest(r);
        });
        backend->installRoutes(*server);
        if (!serve(name, std::move(server), ports[i], error)) {
            stop();
            return false;
        }
    }
    auto control = std::make_unique<httplib::Server>();
    installControlRoutes(*control);
    if (!serve(u"control"_s, std::move(control), m_options.controlPort, error)) {
        stop();
        return false;
    }
    {
        std::lock_guard guard(m_stateMutex);
        const qint64 now = m_clock.nowMs();
        for (auto &b : m_backends)
            b->tick(now);
    }
    m_ticker = std::thread([this] { runTicker(); });
    if (!m_options.workspaceFile.isEmpty() && !writeWorkspace(m_options.workspaceFile, error)) {
        stop();
        return false;
    }
    return true;
}

namespace {
constexpr size_t kServerThreads = 64;
} // namespace

bool Sandbox::serve(const QString &name,
                    std::unique_ptr<httplib::Server> server,
                    int port,
                    QString *error)
{
    server->set_tcp_nodelay(true);
    server->set_keep_alive_max_count(1000);
    // httplib serves a connection on one pool thread until the client closes it or it idles
    // out. Its default pool (8 threads) is taken by two clients that keep six connections each,
    // as Qt does, and everyone else queues: a real server does not. A larger pool and a short
    // idle time let a console, the CLI and a score of scripts share the sandbox.
    server->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
    server->set_keep_alive_timeout(2);
    int bound = -1;
    if (port == 0)
        bound = server->bind_to_any_port("127.0.0.1");
    else if (server->bind_to_port("127.0.0.1", port))
        bound = port;
    if (bound <= 0) {
        if (error)
            *error = QStringLiteral("sandbox %1: cannot bind 127.0.0.1:%2").arg(name).arg(port);
        return false;
    }
    m_ports.insert(name, bound);
    httplib::Server *raw = server.get();
    m_servers.push_back(std::move(server));
    m_threads.emplace_back([raw] { raw->listen_after_bind(); });
    // httplib's stop() does nothing until listen has begun: a stop right after start (a test
    // restarting the sandbox) would otherwise leave this thread serving forever.
    for (int i = 0; i < 5000 && !raw->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return true;
}

void Sandbox::stop()
{
    const bool wasRunning = m_running.exchange(false);
    if (m_ticker.joinable())
        m_ticker.join();
    for (auto &s : m_servers)
        s->stop();
    for (auto &t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
    m_servers.clear();
    (void)wasRunning;
}

void Sandbox::runTicker()
{
    while (m_running) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::lock_guard guard(m_stateMutex);
        const qint64 now = m_clock.nowMs();
        for (auto &b : m_backends)
            b->tick(now);
    }
}

int Sandbox::port(const QString &backend) const
{
    return m_ports.value(backend, 0);
}

void Sandbox::deployed(const QString &service,
                       const QString &environment,
                       const QString &version,
                       qint64 atMs)
{
    const qint64 at = atMs < 0 ? m_clock.nowMs() : qMin(atMs, m_clock.nowMs());
    for (const auto &b : m_backends)
        b->onDeployed(service, environment, version, at);
}

BackendServer *Sandbox::backend(const QString &name) const
{
    for (const auto &b : m_backends)
        if (b->name() == name)
            return b.get();
    return nullptr;
}

void Sandbox::advance(qint64 ms)
{
    m_clock.advance(ms);
    std::lock_guard guard(m_stateMutex);
    const qint64 now = m_clock.nowMs();
    for (auto &b : m_backends)
        b->tick(now);
}

void Sandbox::reset()
{
    {
        std::lock_guard guard(m_stateMutex);
        m_clock.restart();
        m_rng.seed(m_options.seed);
        for (auto &b : m_backends)
            b->reset();
        const qint64 now = m_clock.nowMs();
        for (auto &b : m_backends)
            b->tick(now);
    }
    QList<Fault> faults;
    for (const QString &spec : m_options.faults) {
        Fault f;
        if (parseFault(spec, &f, nullptr))
            faults.append(f);
    }
    std::lock_guard meta(m_metaMutex);
    m_faults = faults;
    m_requests.clear();
    m_faultRng.seed(m_options.seed ^ 0xFA17FA17ULL);
}

void Sandbox::setFaults(const QList<Fault> &faults)
{
    std::lock_guard guard(m_metaMutex);
    m_faults = faults;
}

QList<Fault> Sandbox::faults() const
{
    std::lock_guard guard(m_metaMutex);
    return m_faults;
}

bool Sandbox::rollFault(double probability)
{
    if (probability >= 1.0)
        return true;
    if (probability <= 0.0)
        return false;
    return double(m_faultRng() % 1'000'000) / 1'000'000.0 < probability;
}

bool Sandbox::applyFaults(BackendServer &backend,
                          const httplib::Request &req,
                          httplib::Response &res)
{
    QList<Fault> hits;
    {
        std::lock_guard guard(m_metaMutex);
        for (const Fault &f : m_faults) {
            if (f.backend != backend.name() && f.backend != QLatin1String("all"))
                continue;
            if (f.kind == QLatin1String("malformed"))
                continue; // applied after routing
            if (rollFault(f.probability))
                hits.append(f);
        }
    }
    (void)req;
    for (const Fault &f : std::as_const(hits)) {
        if (f.kind == QLatin1String("latency")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(f.durationMs));
        } else if (f.kind == QLatin1String("timeout")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(f.durationMs));
            backend.writeError(res, 504, u"Gateway Timeout"_s);
            return true;
        } else if (f.kind == QLatin1String("5xx")) {
            int status = 500;
            {
                std::lock_guard guard(m_metaMutex);
                static const int codes[] = {500, 502, 503};
                status = codes[m_faultRng() % 3];
            }
            backend.writeError(res, status,
                               status == 500   ? u"Internal Server Error"_s
                               : status == 502 ? u"Bad Gateway"_s
                                               : u"Service Unavailable"_s);
            return true;
        } else if (f.kind == QLatin1String("rate-limit")) {
            backend.writeRateLimited(res);
            return true;
        } else if (f.kind == QLatin1String("rate-limit-noretry")) {
            // Some proxies and older GitLab versions answer 429 with no Retry-After at all:
            // the client has to pick its own wait.
            backend.writeRateLimited(res);
            res.headers.erase("Retry-After");
            return true;
        } else if (f.kind == QLatin1String("expired-token")) {
            backend.writeExpiredToken(res);
            return true;
        } else if (f.kind == QLatin1String("drop")) {
            // The provider fails at once: headers go out, then the connection closes mid-body.
            res.status = 200;
            res.set_chunked_content_provider("application/json",
                                             [](size_t, httplib::DataSink &) { return false; });
            return true;
        }
    }
    return false;
}

void Sandbox::applyPostFaults(const QString &backend, httplib::Response &res)
{
    bool mangle = false;
    {
        std::lock_guard guard(m_metaMutex);
        for (const Fault &f : std::as_const(m_faults))
            if ((f.backend == backend || f.backend == QLatin1String("all")) &&
                f.kind == QLatin1String("malformed") && rollFault(f.probability))
                mangle = true;
    }
    if (mangle && !res.body.empty()) {
        // Cut the body mid-token and leave a stray byte: no JSON parser accepts it.
        const std::string type = res.get_header_value("Content-Type");
        const std::string cut = res.body.substr(0, res.body.size() / 2) + "\x01{";
        // httplib has already sized (and maybe compressed) the body when this runs: the
        // cut body goes out plain, with its own length, or the client waits for bytes that
        // never come.
        res.headers.erase("Content-Length");
        res.headers.erase("Content-Type");
        res.headers.erase("Content-Encoding");
        res.set_content(cut, type.c_str());
        res.set_header("Content-Length", std::to_string(cut.size()));
    }
}

void Sandbox::logRequest(const LoggedRequest &r)
{
    // Chat posts are kept by the chat backend (GET /_sandbox/chat); here they would count as
    // mutations of the delivery estate, which they are not.
    if (r.backend == QLatin1String("chat"))
        return;
    std::lock_guard guard(m_metaMutex);
    m_requests.append(r);
}

QList<LoggedRequest> Sandbox::requests(const QString &backend, bool mutatingOnly) const
{
    std::lock_guard guard(m_metaMutex);
    QList<LoggedRequest> out;
    for (const LoggedRequest &r : m_requests) {
        if (!backend.isEmpty() && r.backend != backend)
            continue;
        if (mutatingOnly && (r.method == QLatin1String("GET") || r.method == QLatin1String("HEAD")))
            continue;
        out.append(r);
    }
    return out;
}

void Sandbox::clearRequests()
{
    std::lock_guard guard(m_metaMutex);
    m_requests.clear();
}

// ---- ready line and workspace ----

QString Sandbox::chatUrl() const
{
    const auto *chat = dynamic_cast<const ChatServer *>(backend(u"chat"_s));
    return chat ? u"http://127.0.0.1:%1/hooks/slack/%2"_s.arg(port(u"chat"_s)).arg(chat->key())
                : QString();
}

QHash<QString, QString> Sandbox::workspaceEnvironment() const
{
    const auto cred = [this](const char *b, const char *key) {
        const BackendServer *s = backend(QLatin1String(b));
        return s ? s->credentials().value(QLatin1String(key)).toString() : QString();
    };
    return {{u"FD_SANDBOX_GITHUB_TOKEN"_s, cred("github", "token")},
            {u"FD_SANDBOX_JENKINS_USER"_s, cred("jenkins", "user")},
            {u"FD_SANDBOX_JENKINS_TOKEN"_s, cred("jenkins", "token")},
            {u"FD_SANDBOX_GITLAB_TOKEN"_s, cred("gitlab", "token")},
            {u"FD_SANDBOX_ARGOCD_TOKEN"_s, cred("argocd", "token")},
            {u"FD_SANDBOX_CHAT_URL"_s, chatUrl()}};
}

QByteArray Sandbox::readyLine() const
{
    // Written by hand so the key order is the documented one; scripts read it as JSON.
    const auto compact = [](const QJsonObject &o) {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    };
    QByteArray ports = "{";
    const QStringList names{u"github"_s,  u"jenkins"_s, u"gitlab"_s, u"argocd"_s,
                            u"metrics"_s, u"chat"_s,    u"control"_s};
    for (const QString &n : names) {
        if (ports.size() > 1)
            ports += ',';
        ports += '"' + n.toLatin1() + "\":" + QByteArray::number(port(n));
    }
    ports += '}';
    QByteArray creds = "{";
    for (const QString &n : {u"github"_s, u"jenkins"_s, u"gitlab"_s, u"argocd"_s}) {
        if (creds.size() > 1)
            creds += ',';
        const BackendServer *b = backend(n);
        creds += '"' + n.toLatin1() + "\":" + compact(b ? b->credentials() : QJsonObject());
    }
    creds += '}';
    QJsonObject env;
    const auto vars = workspaceEnvironment();
    for (auto it = vars.cbegin(); it != vars.cend(); ++it)
        env.insert(it.key(), it.value());
    const QString ws = m_options.workspaceFile.isEmpty()
                           ? QString()
                           : QFileInfo(m_options.workspaceFile).absoluteFilePath();
    const QByteArray wsJson = QJsonDocument(QJsonArray{ws}).toJson(QJsonDocument::Compact);
    return "{\"ready\":true,\"ports\":" + ports + ",\"credentials\":" + creds +
           ",\"env\":" + compact(env) + ",\"workspace\":" + wsJson.mid(1, wsJson.size() - 2) + '}';
}

namespace {

QString yq(const QString &s)
{
    QString out = s;
    out.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + out + u'"';
}

QString yList(const QStringList &items)
{
    QStringList quoted;
    for (const QString &i : items)
        quoted.append(yq(i));
    return u'[' + quoted.join(u", "_s) + u']';
}

} // namespace

bool Sandbox::writeWorkspace(const QString &file, QString *error) const
{
    const auto url = [this](const char *b) {
        return yq(QStringLiteral("http://127.0.0.1:%1").arg(port(QLatin1String(b))));
    };
    QStringList repos, folders, projects;
    for (const SimService &s : m_world.services) {
        if (s.ciBackend == QLatin1String("github") && !repos.contains(s.ciObject))
            repos.append(s.ciObject);
        if (s.ciBackend == QLatin1String("gitlab") && !projects.contains(s.ciObject))
            projects.append(s.ciObject);
        if (s.ciBackend == QLatin1String("jenkins")) {
            const QString folder = s.ciObject.section(u'/', 0, 0);
            if (!folders.contains(folder))
                folders.append(folder);
        }
        for (const SimTarget &t : s.targets) {
            if (t.backend == QLatin1String("github") && !repos.contains(t.object))
                repos.append(t.object);
            if (t.backend == QLatin1String("gitlab") && !projects.contains(t.object))
                projects.append(t.object);
            if (t.backend == QLatin1String("jenkins")) {
                const QString folder = t.object.section(u'/', 0, 0);
                if (!folders.contains(folder))
                    folders.append(folder);
            }
        }
    }
    QString y;
    y += u"# Written by flightdeck-sandbox (scenario %1, seed %2): points at this sandbox.\n"_s
             .arg(m_world.scenario)
             .arg(m_world.seed);
    y += u"version: 1\n"_s;
    y += u"name: Flightdeck %1 estate\n"_s.arg(m_world.scenario.section(u':', 0, 0));
    y += u"connections:\n"_s;
    y +=
        u"  github: {kind: github, url: %1, credentials: {token: \"env:FD_SANDBOX_GITHUB_TOKEN\"}, scope: {repos: %2}}\n"_s
            .arg(url("github"), yList(repos));
    y +=
        u"  jenkins: {kind: jenkins, url: %1, credentials: {user: \"env:FD_SANDBOX_JENKINS_USER\", token: \"env:FD_SANDBOX_JENKINS_TOKEN\"}, scope: {folders: %2}}\n"_s
            .arg(url("jenkins"), yList(folders));
    y +=
        u"  gitlab: {kind: gitlab, url: %1, credentials: {token: \"env:FD_SANDBOX_GITLAB_TOKEN\"}, scope: {projects: %2}}\n"_s
            .arg(url("gitlab"), yList(projects));
    // The simulated Argo CD keeps one AppProject per environment, as many teams do.
    y +=
        u"  argocd: {kind: argocd, url: %1, credentials: {token: \"env:FD_SANDBOX_ARGOCD_TOKEN\"}, scope: {projects: %2}}\n"_s
            .arg(url("argocd"), yList(m_world.environments));
    y += u"  signals: {kind: prometheus, url: %1, options: {alertmanagerUrl: %1}}\n"_s.arg(
        url("metrics"));
    y += u"environments:\n"_s;
    for (const QString &env : m_world.environments)
        y += env == QLatin1String("prod") ? u"  - {name: prod, protected: true}\n"_s
                                          : u"  - {name: %1}\n"_s.arg(env);
    y += m_world.services.isEmpty() ? u"services: {}\n"_s : u"services:\n"_s;
    for (const SimService &s : m_world.services) {
        y += u"  %1:\n"_s.arg(s.name);
        if (!s.gitPath.isEmpty())
            y += u"    repository: {path: %1, mainBranch: %2}\n"_s.arg(yq(s.gitPath),
                                                                       s.defaultBranch);
        if (s.ciBackend == QLatin1String("github"))
            y += u"    pipelines: [{connection: github, repo: %1, workflow: ci.yml}]\n"_s.arg(
                s.ciObject);
        else if (s.ciBackend == QLatin1String("jenkins"))
            y += u"    pipelines: [{connection: jenkins, job: %1}]\n"_s.arg(s.ciObject);
        else if (s.ciBackend == QLatin1String("gitlab"))
            y += u"    pipelines: [{connection: gitlab, project: %1}]\n"_s.arg(s.ciObject);
        y += u"    environments:\n"_s;
        for (const SimTarget &t : s.targets) {
            QString b;
            if (t.backend == QLatin1String("argocd"))
                b = u"{connection: argocd, app: %1%2}"_s.arg(
                    t.object, t.rollout.isEmpty() ? QString() : u", rollout: "_s + t.rollout);
            else if (t.backend == QLatin1String("github"))
                b = u"{connection: github, repo: %1, workflow: deploy.yml, environment: %2}"_s.arg(
                    t.object, t.environment);
            else if (t.backend == QLatin1String("jenkins"))
                b = u"{connection: jenkins, job: %1, versionParameter: VERSION}"_s.arg(t.object);
            else if (t.backend == QLatin1String("gitlab"))
                b = u"{connection: gitlab, project: %1, environment: %2}"_s.arg(t.object,
                                                                                t.environment);
            y += u"      %1: %2\n"_s.arg(t.environment, b);
        }
        if (!s.dependsOn.isEmpty())
            y += u"    dependsOn: [%1]\n"_s.arg(s.dependsOn.join(u", "_s));
    }
    if (!m_world.gitopsPath.isEmpty())
        y += u"gitops: {path: %1}\n"_s.arg(yq(m_world.gitopsPath));
    // Each environment runs its own number of replicas on purpose: the comparison should not
    // list that as a difference to promote.
    y += u"policies: {compare: {perEnvironment: [spec.replicas, replicaCount]}}\n"_s;
    // The team's chat: the sandbox's own Slack-shaped hook, its URL a secret in the environment.
    y +=
        u"notify:\n"_s
        u"  - {name: team-chat, kind: slack, url: \"env:FD_SANDBOX_CHAT_URL\", channel: \"#releases\", "_s
        u"events: [promotion-planned, deploy-started, deploy-finished, deploy-failed, rollback, "_s
        u"canary-step, canary-aborted, incident-declared, incident-phase, incident-note], "_s
        u"environments: [prod]}\n"_s;

    const QFileInfo info(file);
    QDir().mkpath(info.absolutePath());
    QSaveFile out(info.absoluteFilePath());
    if (!out.open(QIODevice::WriteOnly) || out.write(y.toUtf8()) < 0 || !out.commit()) {
        if (error)
            *error = QStringLiteral("writeWorkspace: cannot write %1: %2")
                         .arg(info.absoluteFilePath(), out.errorString());
        return false;
    }
    return true;
}

// ---- control API ----

namespace {

QJsonObject requestJson(const LoggedRequest &r)
{
    return {{u"backend"_s, r.backend},
            {u"method"_s, r.method},
            {u"path"_s, r.path},
            {u"body"_s, r.body},
            {u"status"_s, r.status},
            {u"time"_s, isoTime(r.simTimeMs)},
            {u"simTimeMs"_s, double(r.simTimeMs)},
            {u"realTimeMs"_s, double(r.realTimeMs)}};
}

void controlError(httplib::Response &res, int status, const QString &message)
{
    sendJson(res, status, QJsonDocument(QJsonObject{{u"error"_s, message}}));
}

} // namespace

void Sandbox::installControlRoutes(httplib::Server &server)
{
    server.set_error_handler([](const httplib::Request &req, httplib::Response &res) {
        if (res.body.empty())
            controlError(res, res.status,
                         res.status == 404 ? u"no control route %1 %2"_s.arg(fromStd(req.method),
                                                                             fromStd(req.path))
                                           : u"bad request (POST needs Content-Length)"_s);
    });
    const auto clockJson = [this] {
        const qint64 now = m_clock.nowMs();
        return QJsonDocument(QJsonObject{{u"now"_s, isoTime(now)},
                                         {u"nowMs"_s, double(now)},
                                         {u"epochMs"_s, double(m_clock.epochMs())},
                                         {u"speed"_s, m_clock.speed()}});
    };
    server.Get("/_sandbox/clock", [clockJson](const httplib::Request &, httplib::Response &res) {
        sendJson(res, 200, clockJson());
    });
    server.Post("/_sandbox/clock/advance",
                [this, clockJson](const httplib::Request &req, httplib::Response &res) {
                    bool ok = false;
                    const double seconds = fromStd(req.get_param_value("seconds")).toDouble(&ok);
                    if (!ok || seconds < 0) {
                        controlError(res, 400, u"seconds must be a number >= 0"_s);
                        return;
                    }
                    advance(qint64(seconds * 1000));
                    sendJson(res, 200, clockJson());
                });
    server.Get("/_sandbox/faults", [this](const httplib::Request &, httplib::Response &res) {
        QJsonArray a;
        for (const Fault &f : faults())
            a.append(f.spec);
        sendJson(res, 200, QJsonDocument(a));
    });
    server.Put("/_sandbox/faults", [this](const httplib::Request &req, httplib::Response &res) {
        QJsonParseError perr;
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &perr);
        if (perr.error != QJsonParseError::NoError || !doc.isArray()) {
            controlError(res, 400, u"body must be a JSON array of fault specs"_s);
            return;
        }
        QList<Fault> parsed;
        for (const QJsonValue &v : doc.array()) {
            Fault f;
            QString err;
            if (!v.isString() || !parseFault(v.toString(), &f, &err)) {
                controlError(res, 400, err.isEmpty() ? u"fault specs must be strings"_s : err);
                return;
            }
            parsed.append(f);
        }
        setFaults(parsed);
        QJsonArray a;
        for (const Fault &f : parsed)
            a.append(f.spec);
        sendJson(res, 200, QJsonDocument(a));
    });
    server.Post("/_sandbox/reset",
                [this, clockJson](const httplib::Request &, httplib::Response &res) {
                    reset();
                    sendJson(res, 200, clockJson());
                });
    server.Get("/_sandbox/requests", [this](const httplib::Request &req, httplib::Response &res) {
        const QString mut = fromStd(req.get_param_value("mutating"));
        const bool mutating = mut == QLatin1String("1") || mut == QLatin1String("true");
        QJsonArray a;
        for (const LoggedRequest &r : requests(fromStd(req.get_param_value("backend")), mutating))
            a.append(requestJson(r));
        sendJson(res, 200, QJsonDocument(a));
    });
    server.Delete("/_sandbox/requests", [this](const httplib::Request &, httplib::Response &res) {
        clearRequests();
        res.status = 204;
    });
    server.Get("/_sandbox/chat", [this](const httplib::Request &, httplib::Response &res) {
        const auto *chat = dynamic_cast<const ChatServer *>(backend(u"chat"_s));
        sendJson(res, 200, QJsonDocument(chat ? chat->posts() : QJsonArray()));
    });
    server.Delete("/_sandbox/chat", [this](const httplib::Request &, httplib::Response &res) {
        if (auto *chat = dynamic_cast<ChatServer *>(backend(u"chat"_s)))
            chat->clear();
        res.status = 204;
    });
    server.Get("/_sandbox/world", [this](const httplib::Request &, httplib::Response &res) {
        sendJson(res, 200, QJsonDocument(worldToJson(m_world)));
    });
    server.Get("/_sandbox/ready", [this](const httplib::Request &, httplib::Response &res) {
        res.status = 200;
        res.set_content(readyLine().toStdString(), "application/json");
    });
}

} // namespace fd::sandbox
