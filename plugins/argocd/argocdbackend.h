#pragma once

#include "appstate.h"
#include "argocdplanner.h"
#include "argocdrecords.h"
#include "reconnectpolicy.h"

#include "backend/backend.h"
#include "http/actionexecutor.h"
#include "http/client.h"
#include "http/streamparsers.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QSet>

#include <memory>

class QTimer;

namespace fd::argocd {

/**
 * One Argo CD connection: the application list once (parsed off the GUI thread), then the
 * watch stream; Rollouts read through the resource endpoints on every event of their app;
 * actions planned from cached state and executed behind re-read preconditions.
 *
 * Connection options (all optional, for tests and slow links): streamIdleTimeoutMs (45000),
 * reconnectBaseMs (1000), reconnectCapMs (60000), maxReconnects (30), reconnectWindowMs
 * (600000), requestTimeoutMs (15000), listTimeoutMs (120000), syncWindowPollMs (60000: how often
 * sync windows are re-read for the apps a project window applies to).
 */
class ArgoCdBackend : public QObject, public Backend, private http::ActionBackend
{
    Q_OBJECT
public:
    ArgoCdBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent = nullptr);
    ~ArgoCdBackend() override;

    Capabilities capabilities() const override;
    void start() override;
    void stop() override;
    ConnectionHealth health() const override { return m_health; }
    ActionPlan plan(const ReleaseAction &action) const override;
    quint64 execute(const ActionPlan &plan) override;
    QVariantMap statistics() const override;
    /// GET /api/v1/applications/{name}/managed-resources (with the app's appNamespace and
    /// project when known), parsed on a worker. Options: managedResourcesTimeoutMs (30000).
    void fetchManagedResources(
        const QString &object,
        std::function<void(const QList<ManagedResource> &, const QString &error)> done) override;

private:
    using ResponseFn = std::function<void(const http::Response &)>;
    struct ListResult;

    // transport with auth: a 401 in session mode logs in again once and replays
    void send(http::Request request, ResponseFn done, bool mayRelogin = true);
    void login(std::function<void(const http::Response &)> done);
    bool sessionMode() const;
    http::Request request(const QString &path, int timeoutMs = -1) const;
    void addScope(QUrlQuery &query) const;

    // sync
    void begin();
    void fetchVersion();
    void fetchList();
    void applyList(ListResult result);
    void publishListChunk(std::shared_ptr<QList<RecordSet>> chunks,
                          qsizetype index,
                          std::shared_ptr<ListResult> rest,
                          quint64 generation);
    void finishList(ListResult result);
    void openStream();
    void onStreamChunk(quint64 generation, const QByteArray &chunk);
    void onStreamEnd(quint64 generation, const http::Response &response);
    void handleStreamData(const QByteArray &data);
    void scheduleReconnect(const QString &reason);
    void retryStartLater(const QString &reason, const http::Response &response);
    void authFailed(const QString &reason);
    void firstReadEnded();
    void setHealth(ConnectionHealth::State state, const QString &reason = {});
    void noteResourceVersion(const QString &rv);

    // records
    void upsertApp(const AppState &app);
    void removeApp(const QString &name);
    void queueCommitRead(const QString &app);
    void pumpCommitReads();
    void learnCommit(const QString &app, const QString &tag, const QString &sha);
    void fetchProjectWindows();
    void queueWindowRead(const QString &app);
    void pumpWindowReads();
    void publishApp(const AppState &app, bool withHistory, QList<TimelineEvent> events);
    void publishGates(bool force = false);
    void publishEverything(RecordKinds replace);
    void reportProblems(const QString &key, const QList<ParseProblem> &problems);
    const Rollout *primaryRollout(const QString &app) const;
    bool mayHaveRollout(const AppState &app) const;

    // rollouts
    void refreshRollouts(const QString &app);
    void finishRefresh(const QString &app, const QList<RolloutState> &states, quint64 generation);
    void initialRefreshDone();

    // actions
    QString resolveApplication(const ReleaseAction &action, QString *rolloutName) const;
    // the executor's view of this backend
    QString refuseAction(const ActionPlan &plan) override;
    void sendForAction(const http::Request &request, Reply reply) override;
    http::PreconditionReading readPrecondition(const Precondition &pc,
                                               const http::Response &r) override;
    http::MutationVerdict interpretMutation(const std::shared_ptr<http::ActionRun> &run,
                                            const PlannedRequest &planned,
                                            const http::Response &r) override;
    void actionEnded(const http::ActionRun &run, const ActionResult &result) override;

    ConnectionConfig m_config;
    BackendSink *m_sink;
    http::Client *m_client;
    AppMapper m_mapper;
    ServerInfo m_server;
    ConnectionHealth m_health;
    QString m_token;
    bool m_running = false;
    bool m_authFailed = false;
    bool m_reloggedIn = false; // one fresh login per failure, never a login loop
    bool m_initialDone = false;
    bool m_listDone = false;
    quint64 m_generation = 0; // bumped by stop(): late replies of an older run drop silently

    QHash<QString, AppState> m_apps;
    QHash<QString, QList<RolloutState>> m_rollouts; // by app
    QHash<QString, Gate> m_gates;                   // by gate id
    QHash<QString, QStringList> m_reportedProblems; // by place, so a stream does not repeat them
    QSet<QString> m_refreshing;
    QSet<QString> m_refreshAgain;
    QSet<QString> m_initialRefresh; // apps whose first Rollout read is pending

    http::SseParser m_sse;
    http::StreamHandle m_stream;
    QString m_resourceVersion;
    qint64 m_streamOpenedAt = 0;
    bool m_streamHealthy = false;
    ReconnectPolicy m_policy;
    QTimer *m_retryTimer;
    int m_startFailures = 0;

    using ManagedDone = std::function<void(const QList<ManagedResource> &, const QString &error)>;
    void finishManaged(quint64 id, const QList<ManagedResource> &resources, const QString &error);
    void failAllManaged(const QString &why);
    QHash<quint64, ManagedDone> m_managedPending; // each answered exactly once
    quint64 m_nextManagedId = 0;

    QHash<QString, QList<ProjectWindow>> m_projectWindows; // by project, as last read
    QQueue<QString> m_windowQueue;                         // apps whose sync windows are to be read
    int m_windowInFlight = 0;
    QTimer *m_windowTimer;
    QQueue<QString> m_commitQueue; // apps whose Deployment's revision stamp is to be read
    QSet<QString> m_commitTried;   // "app\nversion": read once, stamped or not
    int m_commitInFlight = 0;

    http::ActionExecutor *m_executor; // made in the constructor, after everything it uses

    // figures for benchmarks
    qint64 m_listResponseStartMs = 0;
    qint64 m_listBytes = 0;
    qint64 m_listParseMs = 0;
    qint64 m_listPublishedMs = 0;
    qint64 m_listPublishMs = 0;         // GUI time of all chunks together
    qint64 m_listPublishChunkMaxMs = 0; // the longest single chunk
    qint64 m_streamEvents = 0;
    qint64 m_malformedEvents = 0;
    qint64 m_streamReconnects = 0;
    qint64 m_rolloutRefreshes = 0;
};

} // namespace fd::argocd
