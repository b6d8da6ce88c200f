#pragma once

#include "gitlabplanner.h"

#include "backend/backend.h"
#include "backend/snapshotpublisher.h"
#include "http/client.h"

#include <QObject>
#include <QQueue>
#include <QSet>
#include <QTimer>

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

    static PollSettings fromOptions(const QVariantMap &options);
};

/// The base URL's path already ends in /api/v4 (self-managed configs often include it).
QString apiPrefixFor(const QUrl &baseUrl);

/**
 * One GitLab connection: polls every project in scope with conditional GETs, keeps the last
 * good state of each, publishes normalized records, reports health, plans and executes
 * release actions. Lives on the thread that created it; all I/O is asynchronous.
 */
class GitLabBackend : public QObject, public Backend
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
    };
    struct Execution;
    using Handler = std::function<void(ProjectSync &, const http::Response &)>;

    void beginCycle();
    void finishCycle();
    void scheduleNext(int delayMs);
    void get(const QString &project,
             const QString &path,
             const QUrlQuery &query,
             Handler handler,
             int maxPages = 1);
    void pumpQueue();
    void requestDone(const QString &project);
    bool readOk(ProjectSync &sync, const QString &what, const http::Response &response);
    void readPipelines(ProjectSync &sync);
    void afterPipelines(ProjectSync &sync);
    void afterDeployments(ProjectSync &sync);
    void afterEnvironments(ProjectSync &sync);
    void authFailed(const http::Response &response);
    void reportProblem(const QString &where, const QString &message);
    void clearProblem(const QString &where);
    void setHealth(const ConnectionHealth &health);
    void publishRecords();
    PlanningState planningState() const;
    int backoffMs() const;
    QString projectPath(const ProjectSync &sync) const;

    void runExecution(const std::shared_ptr<Execution> &exec);
    void checkPreconditions(const std::shared_ptr<Execution> &exec,
                            QList<int> indices,
                            std::function<void()> onHold);
    void sendRequest(const std::shared_ptr<Execution> &exec);
    void finishExecution(const std::shared_ptr<Execution> &exec,
                         bool ok,
                         const QString &message,
                         int status);

    ConnectionConfig m_config;
    BackendSink *m_sink;
    GitLabMapping m_mapping;
    PollSettings m_settings;
    QString m_apiPrefix;
    http::Client *m_client = nullptr;
    QTimer m_pollTimer;
    QHash<QString, ProjectSync> m_projects; // by lowercased workspace ref
    QQueue<std::function<void()>> m_queue;
    int m_active = 0;
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
    QSet<QString> m_reported;
    QSet<QString> m_freshPaths; // unreadable bodies: read unconditionally next time
    SnapshotPublisher m_publisher;
    quint64 m_nextTicket = 1;
};

} // namespace fd::gitlab
