#pragma once

// From parsed Argo CD state to the estate's domain records and timeline events. Pure
// functions of their inputs, so the first list can be turned into records on a worker.

#include "appstate.h"

#include "domain/connection.h"

#include <QHash>
#include <QUrl>

#include <optional>

namespace fd::argocd {

/// Which service and environment an application stands for, and its bound Rollout if any.
struct AppMapping
{
    QString service;
    QString environment;
    QString rollout;          // binding option "rollout"
    QString rolloutNamespace; // binding option "namespace"
    bool bound = false;       // written in the workspace (not only a naming convention)
    QString repo;             // binding option "repo": the service's source repository URL
};

/// True when the app deploys straight from the service's own repository (binding option
/// "repo", else a repoURL whose last path part is the service name), so its sync revision is
/// a source commit and not a GitOps one.
bool sourceIsServiceRepo(const AppState &app, const AppMapping &mapping);
/// The source commit of what the app runs when it can be known honestly: the synced revision
/// of a service-repository source, else the pod template revision learned for @p version.
QString sourceCommit(const AppState &app, const AppMapping &mapping, const QString &version);

/// Workspace bindings first, then the `<service>-<env>` convention, else service = app name.
class AppMapper
{
public:
    AppMapper() = default;
    explicit AppMapper(const ConnectionConfig &config);

    AppMapping map(const QString &application) const;
    /// The application that serves @p service in @p environment (binding or convention).
    QString applicationFor(const QString &service, const QString &environment) const;

private:
    QHash<QString, AppMapping> m_bound;    // by app name
    QHash<QString, QString> m_appByTarget; // "service\nenv" -> app
    QStringList m_environments;
};

/// A Rollout as last read: the record plus what preconditions and events need.
struct RolloutState
{
    RolloutDetails details;
    bool actionsKnown = false;
};

QString applicationUrlPath(const AppState &app);
/// Deployment ids are "<app>/<history id>": history ids count per application.
QString deploymentId(const QString &application, qint64 historyId);

EnvironmentState environmentState(const QString &connectionId,
                                  const QUrl &baseUrl,
                                  const AppState &app,
                                  const AppMapping &mapping,
                                  const Rollout *rollout);
QList<Deployment> deployments(const QString &connectionId,
                              const QUrl &baseUrl,
                              const AppState &app,
                              const AppMapping &mapping);
/// A paused, not aborted Rollout is a gate waiting for a human to promote.
std::optional<Gate> rolloutGate(const QString &connectionId,
                                const QUrl &baseUrl,
                                const AppState &app,
                                const RolloutDetails &rollout);

/// Timeline events between two reads of one application; @p before is null at first sight,
/// when only the newest @p firstSightHistory history entries become deploy events.
QList<TimelineEvent> applicationEvents(const QString &connectionId,
                                       const AppState *before,
                                       const AppState &after,
                                       const AppMapping &mapping,
                                       const QDateTime &now,
                                       int firstSightHistory = 3);
/// Canary step, weight, pause, resume, promote, abort and retry events between two reads.
QList<TimelineEvent> rolloutEvents(const QString &connectionId,
                                   const Rollout *before,
                                   const Rollout &after,
                                   const QDateTime &now);

} // namespace fd::argocd
