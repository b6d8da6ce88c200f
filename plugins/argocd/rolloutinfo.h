#pragma once

// What `kubectl argo rollouts get rollout NAME` shows about one Rollout, derived by the rules of
// that official tool (argo-rollouts pkg/kubectl-argo-rollouts/info and utils/rollout) from the
// Rollout object and the objects of its namespace it may own. Pure functions of JSON values, so
// they run on a worker and are tested on the upstream test objects.
//
// Where the tool would print a number it cannot know (an unreadable ReplicaSet list, a weight
// outside 0..maxTrafficWeight) we print nothing and say why in `unknown`: the tool's zero is a
// default, not an observation.

#include "domain/records.h"

#include <QJsonObject>
#include <QList>

namespace fd::argocd {

/// The Rollout and candidate owned objects. The lists may hold objects of other Rollouts (a
/// namespace-wide read, a Rollout of the same name that was deleted and re-created): only an
/// ownerReferences uid equal to the Rollout's (or its Experiment's) uid makes an object its own.
struct RolloutObjects
{
    QJsonObject rollout;
    QList<QJsonObject> replicaSets;
    QList<QJsonObject> pods;
    QList<QJsonObject> experiments;
    QList<QJsonObject> analysisRuns;
    /// Non-empty when that kind could not be read: why (a value derived from it is unknown).
    QString replicaSetsError;
    QString podsError;
    QString experimentsError;
    QString analysisRunsError;
};

/// The derived view of one Rollout.
struct RolloutInfo
{
    QString name;
    QString nameSpace;
    RolloutPhase phase = RolloutPhase::Unknown;
    QString statusReason; // see Rollout::statusReason
    QString message;      // the tool's "Message:" line (empty: the tool prints none)
    QString strategy;     // Canary | BlueGreen | "" (neither)
    QString step;         // "i/N"; empty where the tool prints an empty Step
    int setWeight = -1;   // canary only; -1 unknown or not a canary
    int actualWeight = -1;
    int maxWeight = 100; // spec.strategy.canary.trafficRouting.maxTrafficWeight, else 100
    RolloutReplicas replicas;
    QList<RolloutImage> images;
    QList<RolloutRevision> revisions;
    QString stableHash;  // status.stableRS
    QString currentHash; // status.currentPodHash
    QMap<QString, QString> unknown; // field -> why it cannot be known
    QStringList notes;              // input oddities that did not stop the derivation

    bool operator==(const RolloutInfo &) const = default;
};

/// Derives everything the official tool shows, in its precedence (see rolloutinfo.cpp).
RolloutInfo deriveRolloutInfo(const RolloutObjects &objects);

/// Copies the derived values onto @p rollout (phase, reason, message, step, weights,
/// replicas, images, revisions, unknown; canaryWeight/stableWeight follow the actual weight;
/// stable/canary versions from the images' tags).
void applyRolloutInfo(const RolloutInfo &info, Rollout *rollout);

} // namespace fd::argocd
