#pragma once

#include "dora.h"

#include <QList>
#include <QStringList>

namespace fd {

class RepositoryCache;
class Store;
struct Workspace;

/// The raw history DORA is computed from: the backends' deployments and runs (the estate),
/// the stored timeline and the incidents.
struct DoraSources
{
    QList<Deployment> deployments;
    QList<Run> runs;
    QList<TimelineEvent> events;
    QList<Incident> incidents;
};

/**
 * Turns the history into DORA deployments. Deployment records come first; deploy events on
 * the timeline add the deployments no backend lists any more (same service, environment and
 * version within ten minutes are one deployment). Lead time per deployment comes from git
 * when the service's repository is known (the commits between the previous deployment to the
 * same environment and this one, each with its commit time); otherwise from backend
 * timestamps: the first CI run of the deployed commit, else the first deployment of the same
 * version to another environment. @p git may be null (no git at all). Uses libgit2 when @p git is
 * set: call it on a worker thread. @p notes receives what fell back and why.
 */
DoraInput doraInput(const DoraSources &sources,
                    const Workspace &workspace,
                    RepositoryCache *git,
                    QStringList *notes = nullptr);

/// Reads the timeline and incidents of [from − failure window, to) from the store.
bool readDoraSources(Store &store,
                     const QDateTime &from,
                     const QDateTime &to,
                     DoraSources *sources,
                     QString *error = nullptr);

/// DORA options from the workspace: the production environment unless @p environment is
/// given, and policies.changeFailureWindowHours.
DoraOptions doraOptions(const Workspace &workspace,
                        const QString &service,
                        const QString &environment,
                        const QDateTime &from,
                        const QDateTime &to);

} // namespace fd
