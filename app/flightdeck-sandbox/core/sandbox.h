#pragma once

// flightdeck-sandbox core: a deterministic simulated delivery estate. Each backend is a
// BackendServer with its own loopback port, its own mutable state derived from the shared
// World, and its own wire format written from ../shared/api-reference. Nothing here is
// shared with the plugins: the two sides of the wire are written independently.

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace fd::sandbox {

struct Options
{
    int githubPort = 0, jenkinsPort = 0, gitlabPort = 0, argocdPort = 0, metricsPort = 0,
        controlPort = 0, chatPort = 0;
    QString scenario = QStringLiteral("demo"); // demo | incident | scale:N | gitlab-scale:N | empty
    quint64 seed = 1;
    double clockSpeed = 1.0; // simulated seconds per real second
    qint64 epochMs = 0;      // simulated start time; 0 = now (rounded down to a minute)
    QString argocdVersion = QStringLiteral("3.5"); // 2.14 | 3.5
    QStringList faults;    // "github:rate-limit", "argocd:5xx:20%", "jenkins:latency:2s", ...
    QString workspaceFile; // --write-workspace
    QString gitDir; // where the scenario's git repositories are made; "" = beside the workspace, or
                    // none
    int githubRateLimit = 5000; // GitHub primary limit per hour (tests lower it to reach 0)
};

// ---- the world: what the scenario says exists, shared read-only by every backend ----

struct SimCommit
{
    QString
        sha; // real sha of the commit in the service's git repository (or synthetic when no git)
    QString subject;
    QString author;
    QString email;
    qint64 timeMs = 0;
    QStringList parents;
};

struct SimRelease
{
    QString version; // v1.4.2
    QString sha;     // the commit it was built from
    qint64 builtAtMs = 0;
    bool bad = false; // the incident scenario's bad release errors more
};

struct SimDeploy
{
    QString version;
    QString sha;
    qint64 atMs = 0;
    QString by;
    bool succeeded = true;
    int historyId = 0; // Argo CD history id; a running counter per target
    QString
        gitopsRevision; // sha of the gitops commit that set this version (synthetic without git)
    int number = 0;     // run/build/pipeline number of the deploy on its backend, rising per target
};

/// One environment of one service: where it is deployed and what it ran, oldest first.
struct SimTarget
{
    QString environment; // dev | staging | prod
    QString backend;     // github | jenkins | gitlab | argocd
    QString object;      // owner/repo, Jenkins job path, GitLab group/project, Argo CD app name
    bool protectedEnv = false;
    bool canary = false;          // an Argo Rollout canary stands behind the app
    bool autoSync = false;        // Argo CD automated sync policy
    bool pendingApproval = false; // the scenario leaves a gate waiting here
    /// The version waiting at the gate when pendingApproval. For a canary target the canary
    /// version is already synced: it is history.last(), and history[size-2] is the stable one.
    /// For every other gated target history.last() runs and pendingVersion waits to go out.
    QString pendingVersion;
    QString pendingSha;
    QString rollout;          // Argo Rollout name when canary ("" otherwise)
    QList<SimDeploy> history; // oldest first; a failed deploy does not change what runs
    /// What runs now: the newest succeeded deploy (nullptr when none).
    const SimDeploy *current() const;
};

struct SimService
{
    QString name;      // checkout, payments, ...
    QString ciBackend; // github | jenkins | gitlab: where its build pipeline runs
    QString ciObject;  // owner/repo, Jenkins job path, GitLab project path
    QString gitPath;   // absolute path of its git repository ("" when none was made)
    QString defaultBranch = QStringLiteral("main");
    QList<SimCommit> commits;   // main branch, oldest first
    QList<SimRelease> releases; // oldest first
    QList<SimTarget> targets;   // one per environment, in promotion order
    QStringList dependsOn;
    QString releaseBranch; // e.g. release/1.4 ("" when none)

    const SimRelease *release(const QString &version) const;
    const SimTarget *target(const QString &environment) const;
};

struct World
{
    QString scenario;
    quint64 seed = 1;
    qint64 epochMs = 0;
    QStringList environments{QStringLiteral("dev"), QStringLiteral("staging"),
                             QStringLiteral("prod")};
    QList<SimService> services;
    QString gitRoot;    // directory holding one repository per service + "gitops"
    QString gitopsPath; // the GitOps repository (kustomize overlays, values-<env>.yaml)
    QString org = QStringLiteral("acme"); // GitHub owner / GitLab group of every repository

    const SimService *service(const QString &name) const;
    /// Targets served by one backend, as (service, target) pairs.
    std::vector<std::pair<const SimService *, const SimTarget *>>
    targetsOn(const QString &backend) const;
};

/// Builds the world of a scenario: services, histories and (when gitDir is set) real git
/// repositories whose commit SHAs are the ones the APIs report. Deterministic in (scenario, seed,
/// epoch).
World buildWorld(const Options &options, QString *error);
/// The world as JSON (services, targets, histories, current versions): GET /_sandbox/world.
QJsonObject worldToJson(const World &world);

// ---- time, faults and the request log ----

/// Simulated time: epoch + (real elapsed × speed) + manual advances. Thread-safe.
class Clock
{
public:
    explicit Clock(qint64 epochMs = 0, double speed = 1.0);
    qint64 nowMs() const;
    void advance(qint64 ms);
    void setSpeed(double speed);
    double speed() const;
    qint64 epochMs() const { return m_epochMs; }
    /// Back to the epoch (reset): drops advances and the real time elapsed so far.
    void restart();

private:
    mutable std::mutex m_mutex;
    qint64 m_epochMs;
    double m_speed;
    qint64 m_realStartMs;
    qint64 m_advancedMs = 0;
    qint64 m_baseSimMs = 0; // sim time accumulated before the last speed change
};

struct Fault
{
    QString backend; // github | jenkins | gitlab | argocd | metrics | chat | all
    QString kind;    // latency | 5xx | rate-limit | rate-limit-noretry | timeout | malformed |
                     // expired-token | drop
    double probability = 1.0;
    qint64 durationMs = 0; // latency / timeout length
    QString spec;          // as given
};

/// Parses "backend:kind[:arg]" where arg is a probability ("20%") or a duration ("2s", "500ms").
bool parseFault(const QString &spec, Fault *out, QString *error);

struct LoggedRequest
{
    QString backend;
    QString method;
    QString path; // with query
    QString body;
    qint64 simTimeMs = 0;
    qint64 realTimeMs = 0;
    int status = 0;
};

class Sandbox;

/// One simulated backend. Handlers run on httplib's worker threads: take lock() around state.
class BackendServer
{
public:
    BackendServer(QString name, Sandbox &sandbox)
        : m_name(std::move(name))
        , m_sandbox(sandbox)
    {}
    virtual ~BackendServer() = default;

    const QString &name() const { return m_name; }
    /// Register the routes of this API on @p server.
    virtual void installRoutes(httplib::Server &server) = 0;
    /// Advance the simulation to @p simNowMs (called by the ticker about 10×/s and after clock
    /// advances).
    virtual void tick(qint64 simNowMs) { (void)simNowMs; }
    /// Back to the scenario's initial state.
    virtual void reset() {}
    /// Write this API's own error shape (GitHub {"message","documentation_url"}, Argo CD
    /// grpc-gateway, ...).
    virtual void writeError(httplib::Response &res, int status, const QString &message) = 0;
    /// Credentials this backend accepts, for the ready line: e.g. {"token": "..."}.
    virtual QJsonObject credentials() const = 0;
    /// The rate-limit fault's answer. Default: 429 with Retry-After: 30 and writeError().
    virtual void writeRateLimited(httplib::Response &res);
    /// The expired-token fault's answer. Default: writeError(401, "token expired").
    virtual void writeExpiredToken(httplib::Response &res);
    /// Another backend finished a deploy of @p version to (service, environment): the metrics
    /// backend starts serving that version's series, so alerts follow real rollbacks.
    /// @p atMs is the simulated time the deploy finished (it may lie before the current tick).
    virtual void onDeployed(const QString &service,
                            const QString &environment,
                            const QString &version,
                            qint64 atMs)
    {
        (void)service, (void)environment, (void)version, (void)atMs;
    }

protected:
    Sandbox &sandbox() const { return m_sandbox; }

private:
    QString m_name;
    Sandbox &m_sandbox;
};

/// The whole estate: world, clock, faults, request log, one server per backend, control API.
class Sandbox
{
public:
    explicit Sandbox(Options options);
    ~Sandbox();

    /// Build the world, bind every port on 127.0.0.1, start serving. False with *error on failure.
    bool start(QString *error);
    void stop();

    int port(const QString &backend) const; // github jenkins gitlab argocd metrics control
    /// The one JSON line printed when every port listens (see README: "The sandbox").
    QByteArray readyLine() const;
    /// Writes a flightdeck.yaml pointing at this sandbox (credentials as env: references).
    bool writeWorkspace(const QString &file, QString *error) const;
    /// Environment variables the written workspace references, with their values.
    QHash<QString, QString> workspaceEnvironment() const;
    /// The chat hook the written workspace's `notify:` target posts to (FD_SANDBOX_CHAT_URL).
    QString chatUrl() const;

    const World &world() const { return m_world; }
    const Options &options() const { return m_options; }
    Clock &clock() { return m_clock; }
    std::recursive_mutex &lock() { return m_stateMutex; }
    std::mt19937_64 &rng() { return m_rng; } // under lock()

    // faults
    void setFaults(const QList<Fault> &faults);
    QList<Fault> faults() const;
    /// Called before routing: applies latency/5xx/rate-limit/timeout/expired-token faults for
    /// @p backend. Returns true when the fault wrote the response (the handler must not run).
    bool applyFaults(BackendServer &backend, const httplib::Request &req, httplib::Response &res);
    /// Called after routing: the malformed fault mangles the body.
    void applyPostFaults(const QString &backend, httplib::Response &res);

    // request log (all requests; `mutating` = not GET/HEAD)
    void logRequest(const LoggedRequest &r);
    QList<LoggedRequest> requests(const QString &backend = QString(),
                                  bool mutatingOnly = false) const;
    void clearRequests();

    void advance(qint64 ms); // clock advance + tick every backend
    void reset();

    BackendServer *backend(const QString &name) const;
    /// A backend finished a successful deploy: tells every backend (see onDeployed). Call it
    /// whenever what runs in (service, environment) changes, rollbacks included.
    /// @p atMs: when it finished in simulated time; -1 = now.
    void deployed(const QString &service,
                  const QString &environment,
                  const QString &version,
                  qint64 atMs = -1);

private:
    void runTicker();
    bool
    serve(const QString &name, std::unique_ptr<httplib::Server> server, int port, QString *error);
    void installControlRoutes(httplib::Server &server);
    bool rollFault(double probability); // under m_metaMutex

    Options m_options;
    World m_world;
    Clock m_clock;
    std::recursive_mutex m_stateMutex;
    std::mt19937_64 m_rng;
    mutable std::mutex m_metaMutex; // faults + request log
    QList<Fault> m_faults;
    QList<LoggedRequest> m_requests;
    std::vector<std::unique_ptr<BackendServer>> m_backends;
    std::vector<std::unique_ptr<httplib::Server>> m_servers;
    std::vector<std::thread> m_threads;
    QHash<QString, int> m_ports;
    std::atomic<bool> m_running{false};
    std::thread m_ticker;
    std::mt19937_64 m_faultRng; // under m_metaMutex; separate so faults never shift the world
};

// ---- small helpers every backend uses ----

/// Send a JSON body (compact) with status and content type in one write. The content type is
/// each server's own: GitHub "application/json; charset=utf-8", GitLab and Argo CD
/// "application/json" (python-gitlab reads a body only on that exact value), Jenkins
/// "application/json;charset=utf-8".
void sendJson(httplib::Response &res, int status, const QJsonDocument &doc);
void sendJson(httplib::Response &res,
              int status,
              const QJsonDocument &doc,
              const char *contentType);
QString isoTime(qint64 ms); // 2026-11-26T06:31:00Z
/// Deterministic hex id from parts (for synthetic shas, node ids, etags).
QString stableHex(const QString &seed, int length = 40);
/// Deterministic 64-bit number from a string (FNV-1a), for ids and per-object seeds.
quint64 stableHash(const QString &seed);
QString fromStd(const std::string &s);
std::string toStd(const QString &s);

} // namespace fd::sandbox
