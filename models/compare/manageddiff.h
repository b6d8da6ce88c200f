#pragma once

#include "compare/configdiff.h"
#include "domain/records.h"

namespace fd {

/// The managed resources (Argo CD `managed-resources`) of one environment of one service, as
/// fetched on the GUI thread before the comparison and handed to the worker by value.
struct ManagedResources
{
    QString connectionId;  // the Argo CD connection serving the environment
    QString application;   // the Argo CD application; empty when no GitOps backend serves it
    bool answered = false; // the backend replied (resources or error)
    QString error;         // fetch failure or timeout, in words
    QList<ManagedResource> resources;

    bool requested() const { return !application.isEmpty(); }
    bool usable() const { return answered && error.isEmpty(); }
};

/// What the comparison keeps of one side's managed resources besides the diff.
struct ManagedSummary
{
    QString connectionId;
    QString application;   // empty when no GitOps backend serves the environment
    bool compared = false; // the resources were read and compared
    int resources = 0;
    QString error;

    static ManagedSummary of(const ManagedResources &side);
    bool operator==(const ManagedSummary &) const = default;
};

/// One resource whose live state was compared with its desired state in one environment.
struct ResourceDrift
{
    QString environment;
    QString application;
    QString group;
    QString kind;
    QString ns;
    QString name;
    bool modified = false;    // the backend itself reports live != desired
    bool missingLive = false; // desired, but not in the cluster
    bool prunable = false;    // in the cluster, but Git no longer wants it
    /// Desired vs live by key path: `a` is the desired value, `b` the live one. Added = set
    /// in the desired manifest but absent live; fields only the cluster sets are not drift.
    QList<ConfigChange> changes;
    QString error; // the backend could not read one of the states

    QString label() const { return kind + QLatin1Char('/') + name; }
    bool drifted() const
    {
        return modified || missingLive || prunable || !changes.isEmpty() || !error.isEmpty();
    }
    bool operator==(const ResourceDrift &) const = default;
};

/// The file label a resource's config changes carry: "argocd:Deployment/checkout".
QString managedResourceLabel(const ManagedResource &resource);

/// A manifest as key paths, with what the cluster and Argo CD write into it left out (status,
/// resourceVersion, uid, managedFields, generation, creationTimestamp, Argo CD's annotations,
/// the last-applied annotation): none of it is something Git tells an environment to run.
FlatYaml flattenManifest(const QJsonObject &manifest);

/// Desired manifests of A against B: resources paired by group/kind/name (an environment's
/// name inside a resource name is normalized, so "web-staging" pairs with "web-prod"; a
/// Deployment pairs with an Argo Rollout of the same name, labelled "Deployment|Rollout"),
/// each pair diffed by key path with @p rules; resources only in A or only in B as whole-file
/// changes. Images of both go to @p images (may be null).
QList<ConfigChange> diffDesired(const QList<ManagedResource> &a,
                                const QList<ManagedResource> &b,
                                const QString &envA,
                                const QString &envB,
                                const NoiseRules &rules,
                                QList<ImagePair> *images = nullptr);

/// Live against desired for every resource of one environment; only drifted resources are
/// returned, in the backend's order.
QList<ResourceDrift> driftOf(const ManagedResources &side, const QString &environment);

} // namespace fd
