#pragma once

// What the plugin keeps per Argo CD application and per Rollout, parsed from the API's JSON.
// Plain values: parsed off the GUI thread for the first list, compared to find what changed.

#include "domain/enums.h"
#include "domain/records.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace fd::argocd {

/// One entry of status.history: a rollback target.
struct HistoryEntry
{
    qint64 id = -1;
    QString revision;
    QDateTime deployedAt;
    QDateTime deployStartedAt;
    QString initiator;
    bool automated = false;
    QString version; // image tag from the entry's source (kustomize images, helm image.tag)

    bool operator==(const HistoryEntry &) const = default;
};

/// A Kubernetes resource of an application (status.resources or a resource-tree node).
struct ResourceRef
{
    QString group;
    QString version;
    QString kind;
    QString nameSpace;
    QString name;

    bool operator==(const ResourceRef &) const = default;
};

/// One window of GET …/syncwindows (applicationApplicationSyncWindow).
struct SyncWindow
{
    QString kind; // allow | deny
    QString schedule;
    QString duration;
    bool manualSync = false;

    bool operator==(const SyncWindow &) const = default;
};

/// What GET /api/v1/applications/{name}/syncwindows says now.
struct SyncWindows
{
    bool known = false; // read at least once
    bool canSync = true;
    QList<SyncWindow> active;
    QList<SyncWindow> assigned;

    /// "deny 0 22 * * 5 for 60h" of the active deny windows ("" when none is active).
    QString activeDenyText() const;
    bool operator==(const SyncWindows &) const = default;
};

/// Which applications a project's sync window (v1alpha1SyncWindow) applies to.
struct ProjectWindow
{
    QString kind;
    QStringList applications; // globs
    QStringList namespaces;   // globs
    QStringList clusters;     // globs
    bool andOperator = false;
    // the globs compiled once, not per app (a window may cover thousands)
    QList<QRegularExpression> applicationPatterns, namespacePatterns, clusterPatterns;

    bool operator==(const ProjectWindow &) const = default;
};

/// The fields of one Application the console uses.
struct AppState
{
    QString name;
    QString appNamespace;
    QString project;
    QString resourceVersion;
    QString repoUrl;
    QString path;
    QString targetRevision;
    QString destServer;
    QString destNamespace;
    bool autoSync = false;
    SyncState sync = SyncState::Unknown;
    QString syncRevision;
    Health health = Health::Unknown;
    QString healthText; // as the server said it, kept when it is not a known value
    QString healthMessage;
    QString operationPhase; // Running | Succeeded | Failed | Error | Terminating | ""
    QString operationMessage;
    QDateTime operationStarted;
    QDateTime operationFinished;
    QString operationInitiator;
    QString operationRevision;
    QStringList images;
    QList<HistoryEntry> history; // oldest first
    QList<ResourceRef> rollouts; // argoproj.io/Rollout resources the app manages
    ResourceRef workload;        // the first apps/Deployment it manages (kind "" when none)
    /// Image tag -> source commit, learned from the live workload's pod template revision
    /// annotation; kept across reads of the app (the API does not repeat it).
    QHash<QString, QString> commits;
    /// Sync windows, read for apps whose project has any; kept across reads of the app.
    SyncWindows windows;
    int outOfSyncCount = 0;
    QDateTime reconciledAt;
    QStringList externalUrls;

    bool operationRunning() const
    {
        return operationPhase == QLatin1String("Running") ||
               operationPhase == QLatin1String("Terminating");
    }
    qint64 currentHistoryId() const { return history.isEmpty() ? -1 : history.last().id; }
    const HistoryEntry *historyEntry(qint64 id) const
    {
        for (const auto &h : history)
            if (h.id == id)
                return &h;
        return nullptr;
    }
    bool operator==(const AppState &) const = default;
};

/// A record-level problem: where (the app or rollout) and what, in words.
struct ParseProblem
{
    QString where;
    QString message;

    bool operator==(const ParseProblem &) const = default;
};

/// The first list: resourceVersion to resume the stream from, and the apps.
struct AppList
{
    QString resourceVersion;
    QList<AppState> apps;
    QList<ParseProblem> problems;
    QString error; // the whole body could not be read
};

/// One event of /api/v1/stream/applications.
struct StreamEvent
{
    enum class Type { Added, Modified, Deleted, Error, Malformed };
    Type type = Type::Malformed;
    AppState app;
    QList<ParseProblem> problems;
    QString error; // Error: the server's message; Malformed: what was wrong
    int httpCode = 0;
};

/// What the Rollout's manifest says, beyond the domain record.
struct RolloutDetails
{
    Rollout rollout;
    QString stableHash;
    QString canaryHash;
    QString restartAt;
    QString observedGeneration; // a number in new releases, a hash in v0.9: kept as text
    bool specPaused = false;
    QDateTime pausedSince;
    QString podImage;    // the pod template's image (the canary's while one is in flight)
    QString podRevision; // its org.opencontainers.image.revision annotation, when stamped
    QList<ParseProblem> problems;
};

/// From the resource tree: the Rollouts and the images of their ReplicaSets by pod hash.
struct ResourceTree
{
    QList<ResourceRef> rollouts;
    QHash<QString, QString> imageByPodHash; // "6758949f55" -> "repo/app:v1.2"
};

} // namespace fd::argocd
