#pragma once

#include "jenkinsplanner.h"

#include "backend/backend.h"
#include "backend/snapshotpublisher.h"
#include "http/actionexecutor.h"
#include "http/client.h"
#include "http/problemledger.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace fd::jenkins {

/// Polling settings read from ConnectionConfig::options.
struct PollSettings
{
    int intervalMs = 30000;      // pollInterval / pollIntervalSeconds (seconds): idle jobs
    int activeIntervalMs = 5000; // activePollInterval (seconds): running builds, paused inputs
    int runDepth = 20;           // builds per job per read ({0,runDepth})
    int stagesDepth = 1;         // newest finished builds per job whose stages are read (once)
    int listingLevels = 3;       // folder nesting read by one listing
    int requestTimeoutMs = 15000;
    int maxBackoffMs = 10 * 60 * 1000;
    int queueFollowMs = 30000; // how long execute() follows a queue item to its build
    int queuePollMs = 500;

    static PollSettings fromOptions(const QVariantMap &options);
};

/**
 * One Jenkins connection. Each poll lists the jobs in scope with a narrow `tree=` (name,
 * colour, next build number) and reads a job's builds only when that signature changed or a
 * build of it is running; stages come from wfapi/describe (read once per finished build),
 * pending input steps from wfapi/pendingInputActions. Running builds are polled on a faster
 * interval than idle jobs. A failed read keeps the last good state of that job, is reported
 * as a problem naming the job, and backs the next poll off. Lives on the thread that created
 * it; all I/O is asynchronous.
 */
class JenkinsBackend : public QObject, public Backend, private http::ActionBackend
{
    Q_OBJECT

public:
    JenkinsBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent = nullptr);
    ~JenkinsBackend() override;

    Capabilities capabilities() const override;
    void start() override;
    void stop() override;
    ConnectionHealth health() const override { return m_health; }
    ActionPlan plan(const ReleaseAction &action) const override;
    quint64 execute(const ActionPlan &plan) override;
    void fetchLogTail(const QString &runId,
                      const QString &stageId,
                      qint64 maxBytes,
                      std::function<void(const QString &text, const QString &error)> done) override;
    /// The client's counters plus polls, fullPolls, lastPollBytes, lastPollRequests,
    /// firstPollBytes, firstPollRequests, jobs.
    QVariantMap statistics() const override;

private:
    using Handler = std::function<void(const http::Response &)>;

    void tick();
    void beginCycle(bool full);
    void finishCycle();
    void get(const QString &path,
             const QString &tree,
             const QString &where,
             Handler onOk,
             Handler onFail = {});
    void readListing(const QString &path, const JobPath &parent, bool folder);
    void acceptJob(const WireJob &job);
    void readDetail(const QString &key);
    void readStages(const QString &key, int number);
    void readInputs(const QString &key, int number);
    void authFailed(const http::Response &response);
    void setHealth(const ConnectionHealth &health);
    void publishRecords();
    int backoffMs() const;
    bool anyActive() const;

    // the executor's view of this backend
    QString refuseAction(const ActionPlan &plan) override;
    void sendForAction(const http::Request &request, Reply reply) override;
    http::PreconditionReading readPrecondition(const Precondition &pc,
                                               const http::Response &r) override;
    http::MutationVerdict interpretMutation(const std::shared_ptr<http::ActionRun> &run,
                                            const PlannedRequest &planned,
                                            const http::Response &r) override;
    void actionEnded(const http::ActionRun &run, const ActionResult &result) override;
    void fetchCrumb(const std::shared_ptr<http::ActionRun> &run,
                    std::function<void(const QString &failure)> done);
    /// A started build waits in the queue: follow it until it has a number, or give up.
    void followQueue(const std::shared_ptr<http::ActionRun> &run, int queueId, qint64 startedMs);

    ConnectionConfig m_config;
    BackendSink *m_sink;
    JenkinsMapping m_mapping;
    PollSettings m_settings;
    http::Client *m_client = nullptr;
    QTimer m_timer;
    Snapshot m_snapshot;
    QSet<QString> m_listedThisCycle;
    bool m_running = false;
    bool m_cycleActive = false;
    bool m_cycleFull = false;
    bool m_authFailed = false;
    bool m_initialDone = false;
    int m_generation = 0;
    int m_pending = 0;
    int m_cycleReads = 0;
    int m_cycleFailures = 0;
    int m_cycleTransportFailures = 0;
    QString m_cycleLastError;
    int m_failStreak = 0;
    QElapsedTimer m_sinceFull;
    qint64 m_polls = 0;
    qint64 m_fullPolls = 0;
    qint64 m_cycleStartBytes = 0;
    qint64 m_cycleStartRequests = 0;
    qint64 m_lastPollBytes = 0;
    qint64 m_lastPollRequests = 0;
    qint64 m_firstPollBytes = -1;
    qint64 m_firstPollRequests = -1;
    ConnectionHealth m_health;
    QList<Gate> m_openGates; // gates last published, for "input proceeded/aborted" events
    SnapshotPublisher m_publisher;
    QByteArray m_crumbField, m_crumb, m_cookie;
    struct LogCursor
    {
        qint64 offset = 0;
        QByteArray tail;
    };
    QHash<QString, LogCursor> m_logs;
    http::ProblemLedger m_problems;
    http::ActionExecutor *m_executor; // made in the constructor, after everything it uses
};

} // namespace fd::jenkins
