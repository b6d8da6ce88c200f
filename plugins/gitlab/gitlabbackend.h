#pragma once

#include "gitlabpacer.h"
#include "gitlabplanner.h"

#include "backend/backend.h"
#include "backend/snapshotpublisher.h"
#include "http/actionexecutor.h"
#include "http/client.h"
#include "http/problemledger.h"

#include <QMap>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QTimer>
#include <QUrlQuery>

#include <array>
#include <functional>
#include <memory>

namespace fd::gitlab {

/// Polling settings read from ConnectionConfig::options.
struct PollSettings
{
    int intervalMs = 30000; // pollInterval / pollIntervalSeconds (seconds, fractions allowed)
    bool honourPollInterval = true; // wait at least the server's Poll-Interval between polls
    int runDepth = 20;              // newest pipelines per project per poll
    int jobsDepth = 5;        // newest finished pipelines whose jobs are read (unfinished: all)
    int deploymentDepth = 50; // newest deployments per project (history, rollback targets)
    int protectedEvery = 10;  // protected environments (approval rules) are read every Nth poll
    int requestTimeoutMs = 15000;
    int maxAttempts = 4; // per GET, including the first
    int maxBackoffMs = 15 * 60 * 1000;
    /// First ceiling of the own backoff after a 429 that says neither Retry-After nor
    /// RateLimit-Reset; it doubles per 429 in a row up to maxBackoffMs (full jitter, 1 s floor).
    int rateLimitBackoffMs = 5000;
    /// Requests per minute when GitLab states no RateLimit-Limit (option requestsPerMinute;
    /// when set it also caps 80 % of a stated limit). GitLab.com states 2,000 for a user.
    int requestsPerMinute = 600;
    bool requestsPerMinuteSet = false;
    /// Every Nth poll (per project, staggered) the deployments are read whole; in between only
    /// those updated since the newest one seen (updated_after, order_by=updated_at).
    int deploymentsFullEvery = 30;
    /// Every Nth poll (staggered) the environments list is read even when no deployment moved.
    int environmentsEvery = 5;

    static PollSettings fromOptions(const QVariantMap &options);
};

/// The base URL's path already ends in /api/v4 (self-managed configs often include it).
QString apiPrefixFor(const QUrl &baseUrl);

/**
 * One GitLab connection: polls every project in scope with conditional GETs, keeps the last
 * good state of each, publishes normalized records, reports health, plans and executes
 * release actions. Lives on the thread that created it; all I/O is asynchronous.
 */
class GitLabBackend : public QObject, public Backend, private http::ActionBackend
{
    Q_OBJECT

public:
    GitLabBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent = nullptr);
    ~GitLabBackend() override;

    Capabilities capabilities() const override;
    /// Starts syncing; called again while running, it polls at once (a manual refresh).
    void start() override;
    void stop() override;
    ConnectionHealth health() const override { return m_health; }
    ActionPlan plan(const ReleaseAction &action) const override;
    quint64 execute(const ActionPlan &plan) override;
    void fetchLogTail(const QString &runId,
                      const QString &stageId,
                      qint64 maxBytes,
                      std::function<void(const QString &text, const QString &error)> done) override;
    QVariantMap statistics() const override;

private:
    struct ProjectSync
    {
        ProjectSnapshot snap;
        int pending = 0;
        QHash<qint64, QString> jobsMarker; // pipeline id → updated_at + status the jobs match
        QHash<qint64, QString> envMarker;  // environment id → what its detail GET matched
        bool protectedRead = false;
        int index = 0;             // staggers the every-Nth reads across projects
        QString deploymentsCursor; // updated_after for the next delta read ("" = read whole)
        bool environmentsWanted = true;
    };
    using Handler = std::function<void(ProjectSync &, const http::Response &)>;
    /// Read order within a poll: what runs where and what waits for a human first.
    enum Priority { Environments = 0, Pipelines = 1, Rules = 2, Jobs = 3 };
    struct Fetch
    {
        QString key;
        QString path;
        QUrlQuery query;
        QUrl next; // the following page, absolute
        Handler handler;
        Priority priority = Environments;
        int maxPages = 1;
        int attempt = 1;
        int generation = 0;
        QList<http::Response> pages;
    };

    void beginCycle();
    void finishCycle();
    void scheduleNext(int delayMs);
    void get(const QString &project,
             const QString &path,
             const QUrlQuery &query,
             Handler handler,
             int maxPages = 1,
             Priority priority = Environments);
    void enqueue(const std::shared_ptr<Fetch> &fetch, bool front);
    void pumpQueue();
    void send(const std::shared_ptr<Fetch> &fetch);
    void fetched(const std::shared_ptr<Fetch> &fetch, http::Response r);
    void throttled(const http::Response &r);
    void dropQueued();
    QDateTime limitedUntil() const;
    void readDeployments(ProjectSync &sync);
    void requestDone(const QString &project);
    bool readOk(ProjectSync &sync, const QString &what, const http::Response &response);
    void readPipelines(ProjectSync &sync);
    void afterPipelines(ProjectSync &sync);
    void afterDeployments(ProjectSync &sync);
    void afterEnvironments(ProjectSync &sync);
    void authFailed(const http::Response &response);
    void setHealth(const ConnectionHealth &health);
    void publishRecords();
    PlanningState planningState() const;
    int backoffMs() const;
    QString projectPath(const ProjectSync &sync) const;

    // the executor's view of this backend
    void sendForAction(const http::Request &request, Reply reply) override;
    http::PreconditionReading readPrecondition(const Precondition &pc,
                                               const http::Response &r) override;
    http::MutationVerdict interpretMutation(const std::shared_ptr<http::ActionRun> &run,
                                            const PlannedRequest &planned,
                                            const http::Response &r) override;
    void actionEnded(const http::ActionRun &run, const ActionResult &result) override;

    ConnectionConfig m_config;
    BackendSink *m_sink;
    GitLabMapping m_mapping;
    PollSettings m_settings;
    QString m_apiPrefix;
    http::Client *m_client = nullptr;
    QTimer m_pollTimer;
    QHash<QString, ProjectSync> m_projects;            // by lowercased workspace ref
    QMap<int, QQueue<std::shared_ptr<Fetch>>> m_queue; // by Priority
    RequestPacer m_pacer;
    QTimer m_paceTimer;
    QTimer m_partialPublish;
    QDateTime m_limitedUntil; // after a 429: nothing goes out before this
    bool m_probing = false;   // after a 429: one request at a time until one gets through
    qint64 m_retries = 0;
    qint64 m_throttled = 0;
    qint64 m_pacedWaits = 0;
    qint64 m_pacedMs = 0;
    int m_active = 0;
    std::array<int, 4> m_inFlight{}; // by Priority
    bool m_running = false;
    bool m_cycleActive = false;
    bool m_refreshWanted = false;
    bool m_authFailed = false;
    bool m_initialDone = false;
    bool m_keysetUnsupported = false;
    int m_generation = 0;
    int m_cycleFailures = 0;
    bool m_cycleLimited = false;
    QString m_cycleLastError;
    int m_failStreak = 0;
    int m_limitStreak = 0;
    int m_serverPollIntervalMs = 0;
    qint64 m_userId = 0;
    qint64 m_cycles = 0;
    qint64 m_cycleStartRequests = 0;
    qint64 m_cycleStartNotModified = 0;
    QVariantList m_cycleRequests;    // requests sent per finished poll, oldest first (last 50)
    QVariantList m_cycleNotModified; // of which answered 304
    ConnectionHealth m_health;
    SnapshotPublisher m_publisher;
    http::ProblemLedger m_problems;
    http::ActionExecutor *m_executor; // made in the constructor, after everything it uses
};

} // namespace fd::gitlab
