#pragma once

// The simulated Jenkins: folders, pipeline / freestyle / multibranch jobs, builds that run
// through their stages on the sandbox clock, the build queue, input steps, progressive logs
// and the crumb issuer. Written from ../shared/api-reference/jenkins and ENDPOINTS.md §A.2.

#include "core/sandbox.h"

#include <QByteArray>
#include <QMap>

namespace fd::sandbox {

class JenkinsSelection;

class JenkinsServer : public BackendServer
{
public:
    explicit JenkinsServer(Sandbox &sandbox);

    void installRoutes(httplib::Server &server) override;
    void tick(qint64 simNowMs) override;
    void reset() override;
    void writeError(httplib::Response &res, int status, const QString &message) override;
    QJsonObject credentials() const override;

    QString user() const { return m_user; }
    QString token() const { return m_token; }
    /// A password: basic auth with it (or a login session) needs a crumb on POST, as in Jenkins.
    QString password() const { return m_password; }
    /// How many `depth=` requests arrived: plugins must poll with `tree=` only.
    int depthRequestCount() const;
    int jobCount() const;

    enum class JobKind { Folder, MultiBranch, Workflow, Freestyle };
    enum class InputState { None, Pending, Waiting, Proceeded, Aborted };

    struct Stage
    {
        QString name;
        qint64 durationMs = 0;
        bool input = false;
        qint64 startMs = -1;
        qint64 endMs = -1;
        QString status; // set when the stage ends: SUCCESS, FAILED, ABORTED
    };

    struct Build
    {
        int number = 0;
        int queueId = 0;
        qint64 startMs = 0;
        qint64 endMs = -1;
        qint64 estimatedMs = 0;
        QString result; // empty while building
        bool building = true;
        QList<QPair<QString, QString>> params;
        QString sha;
        QString branch = QStringLiteral("main");
        QString commitSubject, commitAuthor, commitEmail;
        qint64 commitTimeMs = 0;
        QString causeUser; // empty: started by an SCM change
        QList<Stage> stages;
        int current = 0;
        int failStage = -1;
        InputState input = InputState::None;
        QString inputId, inputMessage, inputAnsweredBy;
        qint64 inputAnsweredMs = -1;
        QString artifact;
        QByteArray log;
    };

    struct Job
    {
        QString key; // percent-encoded segments joined by '/'
        QString name;
        JobKind kind = JobKind::Workflow;
        QStringList children; // keys
        QList<Build> builds;  // ascending by number
        int nextBuildNumber = 1;
        QList<QPair<QString, QString>> paramDefs; // name, default
        bool concurrent = false;
        QString description;
        QString service, environment, kindHint; // kindHint: deploy | ci | smoke | branch
        QStringList stagePlan;
        QList<qint64> stageDurations;
        int inputStage = -1;
    };

    struct QueueItem
    {
        int id = 0;
        QString jobKey;
        QList<QPair<QString, QString>> params;
        QString causeUser;
        qint64 inQueueSinceMs = 0;
        qint64 readyAtMs = 0;
        bool left = false;
        bool cancelled = false;
        int buildNumber = 0;
    };

private:
    struct Request;
    void serve(const httplib::Request &req, httplib::Response &res);
    void route(Request &r, httplib::Response &res);
    void routeJob(Request &r, httplib::Response &res, Job &job, const QStringList &rest);
    void
    routeBuild(Request &r, httplib::Response &res, Job &job, Build &build, const QStringList &rest);
    bool authenticate(Request &r, httplib::Response &res);

    void build();
    Job &addJob(const QString &parentKey, const QString &name, JobKind kind);
    void ensureFolders(const QStringList &segments, QString *parentKey);
    void addHistoryBuild(Job &job, const SimDeploy &deploy, qint64 durationScale);
    Build makeBuild(Job &job,
                    qint64 startMs,
                    const QList<QPair<QString, QString>> &params,
                    const QString &causeUser);
    void startBuild(Job &job, Build &build);
    void advanceBuild(Job &job, Build &build, qint64 now);
    /// advanceBuild for a build started after the sandbox came up: a deploy that finishes
    /// successfully switches what the metrics backend serves (history builds do not).
    void advanceLive(Job &job, Build &build, qint64 now);
    void finishBuild(Build &build, qint64 at, const QString &result);
    void advanceTo(qint64 now);
    int enqueue(Job &job,
                const QList<QPair<QString, QString>> &params,
                qint64 delayMs,
                const QString &causeUser);
    Build *findBuild(Job &job, const QString &ref);
    Build *runningBuild(Job &job);

    QJsonObject renderRoot(const Request &r, const JenkinsSelection &sel) const;
    QJsonObject renderJob(const Request &r, const Job &job, const JenkinsSelection &sel) const;
    QJsonObject renderBuild(const Request &r,
                            const Job &job,
                            const Build &build,
                            const JenkinsSelection &sel) const;
    QJsonValue renderBuildRef(const Request &r,
                              const Job &job,
                              const Build *build,
                              const JenkinsSelection &sel) const;
    QJsonObject
    renderQueueItem(const Request &r, const QueueItem &item, const JenkinsSelection &sel) const;
    QJsonArray
    renderBuildActions(const Job &job, const Build &build, const JenkinsSelection &sel) const;
    QJsonObject renderRun(const Request &r, const Job &job, const Build &build) const;
    QJsonArray renderPendingInputs(const Request &r, const Job &job, const Build &build) const;
    QString color(const Job &job) const;
    QString jobUrl(const QString &root, const Job &job) const;
    QString jobPath(const Job &job) const; // "/job/a/job/b/"
    QString runStatus(const Build &build) const;
    QString stageStatus(const Build &build, const Stage &stage) const;

    void sendHtml(httplib::Response &res, int status, const QString &title, const QString &text);

    QString m_user, m_token, m_password;
    QHash<QString, Job> m_jobs;
    QStringList m_root;
    QMap<int, QueueItem> m_queue;
    int m_nextQueueId = 1;
    QList<QPair<QString, int>> m_active; // running builds: job key, number
    QHash<QString, QString> m_sessions;  // session id -> crumb
    int m_nextSession = 1;
    std::atomic<int> m_depthRequests{0};
    qint64 m_lastTickMs = 0;
};

} // namespace fd::sandbox
