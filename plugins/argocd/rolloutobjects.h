#pragma once

// Which objects to read for a Rollout's derivation (rolloutinfo.h), found in the application's
// resource tree, and how a read object lands in RolloutObjects. Argo CD serves one object per
// GET …/resource, so the reads are bounded per kind: the newest ReplicaSets, their pods, the
// experiments and analysis runs. What is cut off is said, never silently missing.

#include "appstate.h"
#include "rolloutinfo.h"

#include <QByteArray>
#include <QHash>

namespace fd::argocd {

/// The objects under one Rollout in the resource tree (by parentRefs uid).
struct OwnedObjectRefs
{
    QString rolloutUid;
    QList<ResourceRef> refs;
    QHash<QString, int> leftOut; // kind -> how many were not read because of the bound
};

/// The most objects of one kind read for one Rollout per refresh.
constexpr int kMaxOwnedPerKind = 12;

/// GET …/resource-tree body -> owned object refs per Rollout name. ReplicaSets keep the
/// @p maxPerKind newest revisions (node info "Revision"), pods those of the kept ReplicaSets.
QHash<QString, OwnedObjectRefs> rolloutOwnedRefs(const QByteArray &treeBody,
                                                 int maxPerKind = kMaxOwnedPerKind);

/// "/api/v1/applications/<app>/resource?…" for any object of the application.
QString objectResourcePath(const AppState &app, const ResourceRef &ref);

/// Files the manifest of a read object under its kind; @p error (a failed read or an
/// unreadable body) marks that kind unreadable instead.
void addOwnedObject(RolloutObjects *objects,
                    const ResourceRef &ref,
                    const QByteArray &body,
                    const QString &readError);

/// Marks the kinds @p refs left out as not fully read.
void noteLeftOut(RolloutObjects *objects, const OwnedObjectRefs &refs);

} // namespace fd::argocd
