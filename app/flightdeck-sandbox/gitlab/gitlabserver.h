#pragma once

// The simulated GitLab REST v4: projects, pipelines and jobs that run on the sandbox clock,
// environments, deployments with approvals, protected environments, offset and keyset
// pagination, ETags with Poll-Interval and RateLimit headers. Written from
// ../shared/api-reference/gitlab and ENDPOINTS.md §A.3.

#include "core/sandbox.h"

#include <QMap>

namespace fd::sandbox {

class GitLabServer : public BackendServer
{
public:
    explicit GitLabServer(Sandbox &sandbox);

    void installRoutes(httplib::Server &server) override;
    void tick(qint64 simNowMs) override;
    void reset() override;
    void writeError(httplib::Response &res, int status, const QString &message) override;
    void writeRateLimited(httplib::Response &res) override;
    QJsonObject credentials() const override;

    QString token() const { return m_users.value(1).token; }
    /// A second user: the only one allowed to approve the first gated environment.
    QString approverToken() const { return m_users.value(2).token; }
    /// Requests per minute POST /projects/:id/pipeline accepts per user (GitLab's
    /// application limit `pipelines_create`); beyond it a 429 without Retry-After.
    static constexpr int kPipelineCreateLimit = 25;

    /// Test control (also POST /_sandbox/gitlab/status?kind=pipeline|deployment&id=N&status=S
    /// on the GitLab port): from now on the pipeline or deployment reports @p status as it is,
    /// whatever the string; an empty status goes back to the simulated one. False when there is
    /// no such object.
    bool overrideStatus(const QString &kind, int id, const QString &status, QString *error);
    /// Test control (also POST /_sandbox/gitlab/rate-limit-headers?on=0|1): whether a throttled
    /// answer carries the RateLimit-* headers. Some limiters in front of GitLab send none.
    void setRateLimitHeadersOnThrottle(bool on);
    /// Test control (also POST /_sandbox/gitlab/rate-limit?per_minute=N): the RateLimit-Limit
    /// stated per user and minute. GitLab.com states 2,000; self-managed instances set their own.
    void setRateLimitPerMinute(int perMinute);

    struct User
    {
        int id = 0;
        QString username, name, token;
        int accessLevel = 40;
    };
    struct Job
    {
        int id = 0, projectId = 0, pipelineId = 0;
        QString name, stage, status, when = QStringLiteral("on_success");
        int stageIndex = 0;
        bool allowFailure = false, retried = false, failPlanned = false;
        qint64 createdMs = 0, queuedAtMs = -1, startedMs = -1, finishedMs = -1,
               durationPlanMs = 60000;
        QString environment, failureReason;
        int deploymentId = 0, userId = 1;
        QString log;
    };
    struct Pipeline
    {
        int id = 0, iid = 0, projectId = 0, userId = 1;
        QString sha, beforeSha, ref = QStringLiteral("main"), source = QStringLiteral("push");
        qint64 createdMs = 0, updatedMs = 0;
        QString fixedStatus;    // scale pipelines without jobs
        QString statusOverride; // set through the control route: reported as it is
        QList<int> jobIds;
    };
    struct Approval
    {
        int userId = 0;
        QString status, comment;
        qint64 createdMs = 0;
    };
    struct Deployment
    {
        int id = 0, iid = 0, projectId = 0, environmentId = 0, jobId = 0, userId = 1;
        QString ref = QStringLiteral("main"), sha;
        qint64 createdMs = 0, updatedMs = 0;
        QList<Approval> approvals;
        QString statusOverride; // set through the control route: reported as it is
    };
    struct Environment
    {
        int id = 0, projectId = 0;
        QString name, tier, state = QStringLiteral("available");
        qint64 createdMs = 0, updatedMs = 0;
        bool isProtected = false;
        int requiredApprovals = 0;
        int approverUserId = 0; // 0: any maintainer may approve
    };
    struct Project
    {
        int id = 0;
        QString path, service;
        QList<int> pipelineIds; // ascending
        QList<int> environmentIds;
        QStringList commits; // shas, oldest first
        int nextPipelineIid = 1, nextDeploymentIid = 1;
    };

private:
    struct Request;
    void serve(const httplib::Request &req, httplib::Response &res);
    void serveControl(const httplib::Request &req, httplib::Response &res);
    void route(Request &r, httplib::Response &res);
    void routeProject(Request &r, httplib::Response &res, Project &p, const QStringList &rest);

    void build();
    Project &addProject(const QString &path, const QString &service);
    Pipeline &addPipeline(Project &p, const QString &sha, qint64 createdMs, int userId);
    Job &addJob(
        Pipeline &pl, const QString &name, const QString &stage, int stageIndex, qint64 durationMs);
    Deployment &addDeployment(Project &p, Job &job, int environmentId);
    Environment *environmentByName(const Project &p, const QString &name);
    Job &retryJob(Job &old, int userId);
    void advanceTo(qint64 now);
    void advancePipeline(Pipeline &pl, qint64 now);
    /// A job moved: its deployment's updated_at moves with it (as GitLab's state machine does),
    /// and a deploy that succeeded tells the sandbox what now runs where.
    void jobChanged(Job &j, qint64 at);

    QString pipelineStatus(const Pipeline &pl) const;
    QString deploymentStatus(const Deployment &d) const;
    int pendingApprovals(const Deployment &d) const;
    qint64 pipelineStarted(const Pipeline &pl) const;
    qint64 pipelineFinished(const Pipeline &pl) const;

    QJsonObject userJson(int id, bool full = false) const;
    QJsonObject projectJson(const Project &p) const;
    QJsonObject pipelineJson(const Pipeline &pl, bool detail) const;
    QJsonObject jobJson(const Job &j) const;
    QJsonObject commitJson(const Project &p, const QString &sha) const;
    QJsonObject environmentJson(const Environment &e, bool detail) const;
    QJsonObject deploymentJson(const Deployment &d) const;
    QJsonObject approvalJson(const Approval &a) const;
    QJsonObject protectedJson(const Environment &e) const;

    void sendPage(Request &r, httplib::Response &res, const QJsonArray &all);
    void sendWithEtag(Request &r, httplib::Response &res, const QJsonDocument &doc);
    void sendMessage(httplib::Response &res, int status, const QString &message);
    void rateLimitHeaders(httplib::Response &res, const QString &token, bool exhausted);

    QString m_root; // http://host:port/ of the last request, for web_url
    QMap<int, User> m_users;
    QMap<int, Project> m_projects;
    QMap<int, Pipeline> m_pipelines;
    QMap<int, Job> m_jobs;
    QMap<int, Deployment> m_deployments;
    QMap<int, Environment> m_environments;
    QHash<QString, QString> m_commitSubjects;
    QHash<QString, QStringList> m_commitParents;
    QHash<QString, QPair<qint64, int>> m_requestWindow; // token -> (minute, count)
    QHash<QString, QList<qint64>> m_pipelineCreates;    // user -> sim times
    int m_nextPipeline = 1, m_nextJob = 1, m_nextDeployment = 1, m_nextEnvironment = 1;
    qint64 m_lastTickMs = 0;
    bool m_building = false; // build(): the world's history is not a new deploy
    bool m_rateLimitHeadersOnThrottle = true;
    int m_rateLimitPerMinute = 2000;
};

} // namespace fd::sandbox
