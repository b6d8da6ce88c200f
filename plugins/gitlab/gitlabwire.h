#pragma once

// GitLab REST v4 wire objects, as much of them as Flightdeck reads, and their parsers.
// Written from ../shared/api-reference/ENDPOINTS.md §A.3 and the GitLab doc examples. The
// examples come from different GitLab versions, so every field is optional unless an item
// cannot be identified without it (its id). A parser never throws: it returns the items it
// could read and one error per item or field it could not, naming the place
// ("[3].status: unknown status 'exploded'").

#include "domain/enums.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace fd::gitlab {

struct WirePipeline
{
    qint64 id = 0;
    int iid = 0;
    qint64 projectId = 0;
    QString status; // raw GitLab status
    RunStatus mapped = RunStatus::Unknown;
    QString source;
    QString ref;
    QString sha;
    QString name;
    QString user; // username; only the single-pipeline GET carries it
    QDateTime created;
    QDateTime updated;
    QDateTime started;
    QDateTime finished;
    QUrl webUrl;

    bool operator==(const WirePipeline &) const = default;
};

struct WireJob
{
    qint64 id = 0;
    qint64 pipelineId = 0;
    QString name;
    QString stage;
    QString status;
    RunStatus mapped = RunStatus::Unknown;
    bool allowFailure = false;
    bool manual = false; // when: manual (newer releases) or still in the manual state
    QString ref;
    QString sha;
    bool tag = false;
    QString user;
    QString environment; // environment.name when the job deploys
    QString failureReason;
    QDateTime created;
    QDateTime started;
    QDateTime finished;
    qint64 durationMs = -1;
    QUrl webUrl;

    bool operator==(const WireJob &) const = default;
};

struct WireApproval
{
    qint64 userId = 0;
    QString user;   // username
    QString status; // approved | rejected
    QString comment;
    QDateTime created;

    bool operator==(const WireApproval &) const = default;
};

/// One approval rule of a protected environment (or of a deployment's approval_summary).
struct WireApprovalRule
{
    qint64 userId = 0;
    qint64 groupId = 0;
    int accessLevel = -1;
    QString description; // access_level_description: "Maintainers", a group or user name
    int requiredApprovals = 0;
    QList<WireApproval> approvals; // deployment_approvals (approval_summary only)

    bool operator==(const WireApprovalRule &) const = default;
};

struct WireDeployment
{
    qint64 id = 0;
    int iid = 0;
    QString ref;
    QString sha;
    QString status;
    DeployStatus mapped = DeployStatus::Unknown;
    QString user;
    QDateTime created;
    QDateTime updated;
    QDateTime finished;
    qint64 environmentId = 0;
    QString environment;
    // The deployable (the job that deploys): retried for a rollback, played for a promote.
    qint64 jobId = 0;
    QString jobName;
    QString jobStatus;
    bool jobTag = false;
    qint64 pipelineId = 0;
    QUrl jobUrl;
    // Premium: approvals.
    int pendingApprovalCount = -1; // -1 when the server did not say
    QList<WireApproval> approvals;
    QList<WireApprovalRule> rules;

    bool operator==(const WireDeployment &) const = default;
};

struct WireEnvironment
{
    qint64 id = 0;
    QString name;
    QString slug;
    QString state;
    QString tier;
    QUrl externalUrl;
    QDateTime created;
    QDateTime updated;
    bool detailed = false; // read through the single-environment GET (has last_deployment)
    std::optional<WireDeployment> lastDeployment;

    bool operator==(const WireEnvironment &) const = default;
};

struct WireProtectedEnvironment
{
    QString name;
    int requiredApprovals = 0; // required_approval_count, else the sum of the rules
    QList<WireApprovalRule> rules;
    QStringList deployers; // deploy_access_levels descriptions

    bool operator==(const WireProtectedEnvironment &) const = default;
};

/// Items read from one response plus the problems met on the way.
template <typename T>
struct Parsed
{
    QList<T> items;
    QStringList errors;        // per item/field, naming the place
    bool bodyOk = true;        // false when the body was not the JSON shape expected at all
    QList<qint64> rejectedIds; // items with an unreadable field: keep their last good state
};

/// Maps a pipeline or job status; nullopt for a value this code does not know.
std::optional<RunStatus> mapRunStatus(const QString &status);
std::optional<DeployStatus> mapDeploymentStatus(const QString &status);
/// True for pipeline/job statuses that will not change by themselves.
bool isFinishedStatus(const QString &status);

Parsed<WirePipeline> parsePipelines(const QByteArray &body); // [pipeline]
std::optional<WirePipeline> parsePipeline(const QByteArray &body, QString *error);
Parsed<WireJob> parseJobs(const QByteArray &body); // [job]
std::optional<WireJob> parseJob(const QByteArray &body, QString *error);
Parsed<WireEnvironment>
parseEnvironments(const QByteArray &body); // [environment], no last_deployment
std::optional<WireEnvironment> parseEnvironment(const QByteArray &body, QString *error);
Parsed<WireDeployment> parseDeployments(const QByteArray &body); // [deployment]
std::optional<WireDeployment> parseDeployment(const QByteArray &body, QString *error);
Parsed<WireProtectedEnvironment> parseProtectedEnvironments(const QByteArray &body);
std::optional<WireApproval> parseApproval(const QByteArray &body, QString *error);
/// The user id of GET /user, 0 when unreadable.
qint64 parseUserId(const QByteArray &body, QString *username = nullptr);

/// The words of a GitLab error body: {"message": "..."}, {"message": {"field": ["msg"]}},
/// {"error": "..."}, or a short plain-text body ("Retry later"); empty when there are none.
QString errorMessage(const QByteArray &body);

/// "acme/auth" → "acme%2Fauth"; a numeric id stays as it is.
QString encodeProject(const QString &project);

} // namespace fd::gitlab
