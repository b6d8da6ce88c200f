#pragma once

#include "githubplanner.h"

#include "backend/backend.h"
#include "backend/snapshotpublisher.h"
#include "http/actionexecutor.h"
#include "http/client.h"
#include "http/problemledger.h"

#include <QElapsedTimer>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace fd::github {

/// Polling settings read from ConnectionConfig::options.
struct PollSettings
{
    int intervalMs = 60000; // pollInterval / pollIntervalSeconds (seconds, fractions allowed)
    int runDepth = 20;      // runs per repository per poll (per_page)
    int jobsDepth = 1; // newest finished runs per workflow whose jobs are read (unfinished: all)
    int deploymentDepth = 30;
    int requestTimeoutMs = 15000;
    int maxAttempts = 4; // per GET, including the first
    int maxBackoffMs = 15 * 60 * 1000;
    int ownerRelistPolls =
        10; // scope.owners: the owner's repository list is re-read every Nth poll

    static PollSettings fromOptions(const QVariantMap &options);
};

/**
 * One GitHub connection: polls every repository in scope with conditional GETs, keeps the
 * last good state of each, publishes normalized records, reports health, plans and executes
 * release actions. Lives on the thread that created it; all I/O is asynchronous.
 */
class GitHubBackend : public QObject, public Backend, private http::ActionBackend
{
    Q_OBJECT

public:
    GitHubBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent = nullptr);
    ~GitHubBackend() override;

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
    QVariantMap statistics() const override;

private:
    struct RepoSync
    {
        RepoSnapshot snap;
        int pending = 0;
        QHash<qint64, QString> jobsMarker;       // run id → updated_at + attempt the jobs match
        QHash<qint64, QDateTime> statusesMarker; // deployment id → updated_at statuses match
        QSet<qint64> gatedRuns;                  // runs that had a pending deployment last read
    };
    /// One entry of scope.owners and what its last good listing said.
    struct OwnerListing
    {
        QString owner;
        bool asUser = false; // /orgs/{owner}/repos answered 404: a user account
        bool listed = false; // a good listing has been read
        QStringList repos;   // active (not archived, not disabled) repositories, owner/name
    };

    using Handler = std::function<void(RepoSync &, const http::Response &)>;

    void beginCycle();
    void pollRepositories();
    void listOwner(const QString &ownerKey);
    void ownerListed(const QString &ownerKey,
                     const QList<http::Response> &pages,
                     const http::Response &last);
    void mergeOwnerRepositories();
    void finishCycle();
    void scheduleNext(int delayMs);
    void get(const QString &repo,
             const QString &path,
             const QUrlQuery &query,
             Handler handler,
             bool allPages = false);
    void pumpQueue();
    void requestDone(const QString &repo);
    bool readOk(RepoSync &repo, const QString &what, const http::Response &response);
    void afterRuns(RepoSync &repo);
    void afterDeployments(RepoSync &repo);
    void authFailed(const http::Response &response);
    void setHealth(const ConnectionHealth &health);
    void publishRecords();
    PlanningState planningState() const;
    int backoffMs() const;

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
    GitHubMapping m_mapping;
    PollSettings m_settings;
    http::Client *m_client = nullptr;
    QTimer m_pollTimer;
    QHash<QString, RepoSync> m_repos;      // by lowercased owner/name
    QHash<QString, OwnerListing> m_owners; // scope.owners, by lowercased login
    int m_ownersPending = 0;
    QQueue<std::function<void()>> m_queue;
    int m_active = 0;
    bool m_running = false;
    bool m_cycleActive = false;
    bool m_authFailed = false;
    bool m_initialDone = false;
    int m_generation = 0;
    int m_cycleFailures = 0;
    bool m_cycleLimited = false;
    QString m_cycleLastError;
    int m_failStreak = 0;
    int m_serverPollIntervalMs = 0;
    qint64 m_cycles = 0;
    ConnectionHealth m_health;
    SnapshotPublisher m_publisher;
    http::ProblemLedger m_problems;
    http::ActionExecutor *m_executor; // after m_problems and m_config: made in the constructor
};

} // namespace fd::github
