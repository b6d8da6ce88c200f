#pragma once

// GitHub REST wire objects, as much of them as Flightdeck reads, and their parsers.
// Written from ../shared/api-reference/github (OpenAPI subset + examples). A parser never
// throws: it returns the items it could read and one error per item or field it could not,
// each naming the place ("workflow_runs[3].status: unknown value 'exploded'").

#include "domain/enums.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace fd::github {

struct WireRun
{
    qint64 id = 0;
    QString name; // workflow name
    QString displayTitle;
    QString workflowFile; // "deploy.yml" from path ".github/workflows/deploy.yml[@ref]"
    qint64 workflowId = 0;
    int runNumber = 0;
    int attempt = 1;
    QString event;
    QString status;     // raw GitHub status
    QString conclusion; // raw GitHub conclusion, may be empty
    RunStatus mapped = RunStatus::Unknown;
    QString headBranch;
    QString headSha;
    QString actor;
    QDateTime created;
    QDateTime updated;
    QDateTime started;
    QUrl htmlUrl;

    bool operator==(const WireRun &) const = default;
};

struct WireStep
{
    QString name;
    int number = 0;
    RunStatus mapped = RunStatus::Unknown;
    QDateTime started;
    QDateTime completed;

    bool operator==(const WireStep &) const = default;
};

struct WireJob
{
    qint64 id = 0;
    qint64 runId = 0;
    int runAttempt = 1;
    QString name;
    RunStatus mapped = RunStatus::Unknown;
    QDateTime started;
    QDateTime completed;
    QList<WireStep> steps;
    QUrl htmlUrl;

    bool operator==(const WireJob &) const = default;
};

struct WireEnvironment
{
    qint64 id = 0;
    QString name;
    QUrl htmlUrl;
    int waitTimerMinutes = 0;
    bool requiresReviewers = false;
    bool preventSelfReview = false;
    bool branchPolicy = false;
    QStringList reviewers; // user logins and team slugs

    bool isProtected() const { return requiresReviewers || waitTimerMinutes > 0 || branchPolicy; }
    bool operator==(const WireEnvironment &) const = default;
};

struct WireDeployment
{
    qint64 id = 0;
    QString sha;
    QString ref;
    QString task;
    QString environment;
    QString payloadVersion; // payload.version when the payload carries one
    QString creator;
    QDateTime created;
    QDateTime updated;
    bool production = false;

    bool operator==(const WireDeployment &) const = default;
};

struct WireDeploymentStatus
{
    qint64 id = 0;
    QString state; // raw: error failure inactive pending success queued in_progress
    DeployStatus mapped = DeployStatus::Unknown;
    QString creator;
    QDateTime created;
    QString description;
    QUrl targetUrl;
    QUrl logUrl;

    bool operator==(const WireDeploymentStatus &) const = default;
};

struct WirePendingDeployment
{
    qint64 environmentId = 0;
    QString environmentName;
    int waitTimerMinutes = 0;
    QDateTime waitTimerStarted;
    bool currentUserCanApprove = false;
    QStringList reviewers;

    bool operator==(const WirePendingDeployment &) const = default;
};

struct WireApproval
{
    QList<qint64> environmentIds;
    QStringList environmentNames;
    QString state; // approved | rejected | pending
    QString user;
    QString comment;

    bool operator==(const WireApproval &) const = default;
};

/// Items read from one response plus the problems met on the way.
/// One entry of an owner's repository list (the "minimal-repository" shape).
struct WireRepository
{
    qint64 id = 0;
    QString fullName; // owner/name
    bool archived = false;
    bool disabled = false;

    bool operator==(const WireRepository &) const = default;
};

template <typename T>
struct Parsed
{
    QList<T> items;
    QStringList errors;  // per item/field, naming the place
    bool bodyOk = true;  // false when the body was not the JSON shape expected at all
    int totalCount = -1; // total_count when the list carries one
    QList<qint64>
        rejectedIds; // items with an id that could not be read: keep their last good state
};

/// Maps a run/job/step status + conclusion; nullopt for a value this code does not know.
std::optional<RunStatus> mapRunStatus(const QString &status, const QString &conclusion);
std::optional<DeployStatus> mapDeploymentState(const QString &state);
/// True for deployment states that will not move on by themselves.
bool isTerminalDeploymentState(const QString &state);

Parsed<WireRun> parseRuns(const QByteArray &body); // {total_count, workflow_runs}
std::optional<WireRun> parseRun(const QByteArray &body, QString *error); // one run object
Parsed<WireJob> parseJobs(const QByteArray &body);                       // {total_count, jobs}
Parsed<WireEnvironment> parseEnvironments(const QByteArray &body); // {total_count, environments}
Parsed<WireDeployment> parseDeployments(const QByteArray &body);   // [deployment]
Parsed<WireDeploymentStatus> parseDeploymentStatuses(const QByteArray &body);  // [status]
Parsed<WirePendingDeployment> parsePendingDeployments(const QByteArray &body); // [pending]
Parsed<WireApproval> parseApprovals(const QByteArray &body);                   // [approval]
Parsed<WireRepository> parseRepositories(const QByteArray &body); // [minimal-repository]

/// The newest status by created_at (ties: higher id); nullptr for an empty list.
const WireDeploymentStatus *newestStatus(const QList<WireDeploymentStatus> &statuses);
/// A run id named by a status's log_url or target_url (".../actions/runs/123..."), else 0.
qint64 runIdFromStatus(const WireDeploymentStatus &status);
/// The "message" of a GitHub error body, or an empty string.
QString errorMessage(const QByteArray &body);

} // namespace fd::github
