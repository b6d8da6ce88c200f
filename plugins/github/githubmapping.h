#pragma once

// From GitHub wire objects to Flightdeck records: which service a repository is, which
// Flightdeck environment a GitHub environment is, and the records one repository yields.

#include "githubwire.h"

#include "domain/connection.h"
#include "domain/records.h"

#include <QHash>

namespace fd::github {

/// The last good wire state of one repository. Each part is replaced only by a good read.
struct RepoSnapshot
{
    QString repo;                       // owner/name
    QList<WireRun> runs;                // newest first
    QHash<qint64, QList<WireJob>> jobs; // by run id
    QList<WireEnvironment> environments;
    QList<WireDeployment> deployments;                   // newest first
    QHash<qint64, QList<WireDeploymentStatus>> statuses; // by deployment id
    QHash<qint64, QList<WirePendingDeployment>> pending; // by run id, waiting runs only
    QHash<qint64, QList<WireApproval>> approvals;        // by run id
    QHash<qint64, QDateTime> approvalsSeen;              // when approvals were read

    const WireRun *run(qint64 id) const;
    const WireEnvironment *environment(const QString &name) const;
    const WireEnvironment *environment(qint64 id) const;
    /// The deployment's record status: its newest status, Created when it has none.
    DeployStatus deploymentStatus(qint64 deploymentId) const;
};

/// A deployment as the planner and the environment matrix need it.
struct DeploymentView
{
    WireDeployment wire;
    DeployStatus status = DeployStatus::Unknown;
    QDateTime finished;
    qint64 runId = 0;
    QString version() const;
};

/// Workspace knowledge about one connection: repositories, services, environment names.
class GitHubMapping
{
public:
    explicit GitHubMapping(const ConnectionConfig &config);

    const ConnectionConfig &config() const { return m_config; }
    /// scope.repos first, then repositories named by bindings; "owner/name", no duplicates.
    QStringList repos() const { return m_repos; }

    /// The service a repository (and optionally a workflow file of it) belongs to; the
    /// repository's name when no binding names it.
    QString serviceFor(const QString &repo, const QString &workflowFile = {}) const;
    /// The Flightdeck environment of a GitHub environment name of @p repo.
    QString environmentFor(const QString &repo, const QString &githubEnvironment) const;
    /// The binding of a service in an environment on this connection, or nullptr.
    const ServiceBinding *binding(const QString &service, const QString &environment) const;
    /// The GitHub environment name a binding deploys to (options.environment, else the
    /// Flightdeck environment's name).
    static QString githubEnvironmentOf(const ServiceBinding &binding);
    static QString workflowOf(const ServiceBinding &binding);
    /// The environment below @p environment in the promotion order, or empty.
    QString previousEnvironment(const QString &environment) const;

private:
    ConnectionConfig m_config;
    QStringList m_repos;
};

/// Deployments of one repository to one GitHub environment, newest first.
QList<DeploymentView> deploymentsTo(const RepoSnapshot &snapshot, const QString &githubEnvironment);

/// Everything one repository yields. Events carry stable source ids; the caller de-duplicates.
RecordSet buildRecords(const GitHubMapping &mapping, const RepoSnapshot &snapshot);

/// Gate id of a pending deployment: "run/<runId>/env/<envId>".
QString gateId(qint64 runId, qint64 environmentId);

} // namespace fd::github
