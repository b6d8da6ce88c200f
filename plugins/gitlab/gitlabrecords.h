#pragma once

// From GitLab wire objects to Flightdeck records: which service a project is, which Flightdeck
// environment a GitLab environment is, and the records one project yields.

#include "gitlabwire.h"

#include "domain/connection.h"
#include "domain/records.h"

#include <QHash>

namespace fd::gitlab {

/// The last good wire state of one project. Each part is replaced only by a good read.
struct ProjectSnapshot
{
    QString ref;                   // as the workspace names it: "group/project" or a numeric id
    QString path;                  // path_with_namespace when known (= ref for a path)
    QList<WirePipeline> pipelines; // newest first
    QHash<qint64, QList<WireJob>> jobs;  // by pipeline id
    QList<WireEnvironment> environments; // list entries, replaced by details when read
    QList<WireDeployment> deployments;   // newest first (by id)
    QList<WireProtectedEnvironment> protectedEnvironments;

    const WirePipeline *pipeline(qint64 id) const;
    const WireEnvironment *environment(const QString &name) const;
    const WireProtectedEnvironment *protectedEnvironment(const QString &name) const;
    /// The job with this id in any pipeline read, or nullptr.
    const WireJob *job(qint64 id) const;
    /// Deployments to one GitLab environment, newest first.
    QList<WireDeployment> deploymentsTo(const QString &environment) const;
    /// What the environment runs: last_deployment of the detailed GET, else the newest
    /// successful deployment read.
    std::optional<WireDeployment> current(const QString &environment) const;
};

/// Workspace knowledge about one connection: projects, services, environment names.
class GitLabMapping
{
public:
    explicit GitLabMapping(const ConnectionConfig &config);

    const ConnectionConfig &config() const { return m_config; }
    /// scope.projects first, then projects named by bindings; no duplicates.
    QStringList projects() const { return m_projects; }

    /// The service a project belongs to; the project's last path segment when no binding names it.
    QString serviceFor(const QString &project) const;
    /// The Flightdeck environment of a GitLab environment of @p project; empty when it is none
    /// of the workspace's environments (review apps and the like).
    QString environmentFor(const QString &project, const QString &gitlabEnvironment) const;
    /// The binding of a service in an environment on this connection, or nullptr.
    const ServiceBinding *binding(const QString &service, const QString &environment) const;
    /// The GitLab environment a binding deploys to (options.environment, else the
    /// Flightdeck environment's name).
    static QString gitlabEnvironmentOf(const ServiceBinding &binding);

private:
    ConnectionConfig m_config;
    QStringList m_projects;
};

/// True when @p a names the same project as @p b (path case-insensitive, or equal id).
bool sameProject(const QString &a, const QString &b);

/// Gate id of a blocked deployment: "deployment/<id>".
QString gateId(qint64 deploymentId);
/// The version a deployment placed: the tag when it deployed a tag, else the short sha.
QString versionOf(const WireDeployment &deployment);

/// Everything one project yields. Events carry stable source ids; the caller de-duplicates.
/// @p userId is the token's user (0 when unknown): gates say whether it may approve.
RecordSet
buildRecords(const GitLabMapping &mapping, const ProjectSnapshot &snapshot, qint64 userId = 0);

} // namespace fd::gitlab
