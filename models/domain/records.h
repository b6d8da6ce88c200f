#pragma once

#include "enums.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVariantMap>

namespace fd {

/// A part of a run: a GitHub job, a Jenkins stage, a GitLab stage (or job).
struct Stage
{
    QString name;
    RunStatus status = RunStatus::Unknown;
    QDateTime started;
    QDateTime finished;
    qint64 durationMs = -1;
    QList<Stage> steps; // GitHub steps, GitLab jobs of a stage; empty elsewhere
    QString id;         // backend id of the job/stage when it has one (log tail, retry)

    bool operator==(const Stage &other) const; // not defaulted: Stage is recursive
};

/// One execution of a pipeline.
struct Run
{
    QString connectionId;
    QString id; // backend id, stable (GitHub run id, Jenkins "job/path#42", GitLab pipeline id)
    QString service;     // mapped by the workspace; empty when unmapped
    QString environment; // set when the run is a deploy to one environment
    QString pipeline;    // workflow name, Jenkins job full name, GitLab project path
    QString number;      // human number (run_number, build number, pipeline iid)
    int attempt = 1;
    QString branch;
    QString commit;
    QString actor;
    QString event; // push, workflow_dispatch, timer, ...
    RunStatus status = RunStatus::Unknown;
    QDateTime created;
    QDateTime started;
    QDateTime finished;
    QList<Stage> stages;
    QUrl url;

    QString key() const { return connectionId + QLatin1Char('/') + id; }
    bool operator==(const Run &) const = default;
};

/// A version placed in an environment at a time, by someone.
struct Deployment
{
    QString connectionId;
    QString id; // backend id (GitHub deployment id, GitLab deployment id, Argo CD history id)
    QString service;
    QString environment;
    QString version; // tag, image tag or ref
    QString commit;  // full sha when known
    QString ref;
    DeployStatus status = DeployStatus::Unknown;
    QDateTime created;
    QDateTime finished;
    QString actor;
    QUrl url;
    QString runId; // the run or job that performed it, when known (retry/rollback target)

    QString key() const { return connectionId + QLatin1Char('/') + id; }
    bool operator==(const Deployment &) const = default;
};

/// What one service runs in one environment, as one backend sees it.
struct EnvironmentState
{
    QString connectionId;
    QString service;
    QString environment;
    QString object; // backend object: repo, job, project, app
    QString version;
    QString commit;
    QDateTime deployedAt;
    QString deployedBy;
    Health health = Health::Unknown;
    QString healthMessage;
    SyncState sync = SyncState::Unknown;
    bool autoSync = false;
    bool operationRunning = false;
    int driftCount = 0;    // resources out of sync
    int canaryWeight = -1; // -1 when no rollout is in flight
    QUrl url;
    QString deploymentId; // the current deployment's id (precondition for rollback)
    /// A freeze the backend itself enforces now (an Argo CD deny sync window), in words with
    /// its schedule; "" when none. Workspace freeze windows are the ops guards' business.
    QString freeze;

    QString key() const
    {
        return connectionId + QLatin1Char('/') + service + QLatin1Char('/') + environment;
    }
    bool operator==(const EnvironmentState &) const = default;
};

/// One resource a GitOps backend manages for an application: what Git tells it to run
/// (desired) and what runs in the cluster (live), as parsed manifests.
struct ManagedResource
{
    QString group; // "" for the core API group
    QString kind;
    QString ns; // namespace ("" for cluster-scoped resources)
    QString name;
    QJsonObject desired;   // empty when Git no longer wants the resource (it would be pruned)
    QJsonObject live;      // empty when the resource is missing from the cluster
    bool modified = false; // the backend itself reports live != desired
    QString error;         // a state the backend sent that could not be read, naming it

    /// group/kind/namespace/name, the identity used to pair resources across environments
    /// after the namespace noise is normalized away.
    QString id() const
    {
        return group + QLatin1Char('/') + kind + QLatin1Char('/') + ns + QLatin1Char('/') + name;
    }
    bool operator==(const ManagedResource &) const = default;
};

/// One step of a progressive delivery strategy.
struct RolloutStep
{
    enum class Kind { SetWeight, Pause, Analysis, Experiment, Other };
    Kind kind = Kind::Other;
    int weight = -1;       // SetWeight
    int pauseSeconds = -1; // Pause: -1 waits for a manual resume
    QString text;          // readable summary ("setWeight 20", "pause", "analysis: success-rate")

    bool operator==(const RolloutStep &) const = default;
};

/// An action the backend says may (or may not) run on a rollout now.
struct RolloutAction
{
    QString name; // resume, promote-full, pause, abort, retry, restart, skip-current-step
    bool disabled = false;

    bool operator==(const RolloutAction &) const = default;
};

/// A Rollout's replica counts as `kubectl argo rollouts get rollout` shows them: desired from
/// spec.replicas (1 when unset), the rest from status; -1 when they cannot be read.
struct RolloutReplicas
{
    int desired = -1;
    int current = -1;
    int updated = -1;
    int ready = -1;
    int available = -1;

    bool operator==(const RolloutReplicas &) const = default;
};

/// An image running in a Rollout's (or its experiments') ReplicaSets with the roles those
/// ReplicaSets play: stable, canary, active, preview, ping, pong, "Σ:<experiment template>".
struct RolloutImage
{
    QString image;
    QStringList roles;

    bool operator==(const RolloutImage &) const = default;
};

/// One object under a revision of the rollout tree: a ReplicaSet (with its pods), an
/// Experiment or an AnalysisRun.
struct RolloutRevisionItem
{
    QString kind;   // ReplicaSet | Experiment | AnalysisRun
    QString name;
    QString status; // ReplicaSet: Healthy, Progressing, ScaledDown, ReplicaFailure; runs: phase
    QStringList roles; // ReplicaSet: stable, canary, active, preview, ping, pong
    int podsReady = 0; // ReplicaSet: pods whose containers are all ready
    int podsTotal = 0; // ReplicaSet: pods owned by it
    int successful = 0;   // AnalysisRun: summed over its metric results
    int failed = 0;
    int inconclusive = 0;
    int errors = 0;

    bool operator==(const RolloutRevisionItem &) const = default;
};

/// The objects of one revision (annotation rollout.argoproj.io/revision), newest first.
struct RolloutRevision
{
    int revision = 0;
    QList<RolloutRevisionItem> items;

    bool operator==(const RolloutRevision &) const = default;
};

/// A progressive delivery in flight (Argo Rollout canary or blue-green).
struct Rollout
{
    QString connectionId;
    QString service;
    QString environment;
    QString application; // Argo CD application
    QString name;        // Rollout name
    QString nameSpace;
    QString strategy; // canary | blueGreen
    QList<RolloutStep> steps;
    int currentStepIndex = -1;
    /// "i/N" as the official tool prints it; empty when status.currentStepIndex is absent.
    QString step;
    /// The weight the current step asks for (spec), -1 when unknown (see `unknown`).
    int setWeight = -1;
    /// The traffic share the canary really gets (status.canary.weights with traffic routing,
    /// else the canary ReplicaSet's share of available replicas), -1 when unknown.
    int actualWeight = -1;
    /// The canary's ACTUAL traffic weight: always equal to actualWeight (-1 when unknown);
    /// kept under its old name for older readers and cached estates.
    int canaryWeight = 0;
    /// 100 - actualWeight (of the rollout's max traffic weight); -1 when unknown.
    int stableWeight = 100;
    RolloutPhase phase = RolloutPhase::Unknown;
    /// Why the phase is what it is: InvalidSpec, RolloutAborted, ProgressDeadlineExceeded,
    /// a pause reason (CanaryPauseStep, BlueGreenPause, InconclusiveAnalysisRun, manual), a
    /// Progressing cause, or empty when Healthy.
    QString statusReason;
    QString message; // the official tool's message line
    RolloutReplicas replicas;
    QList<RolloutImage> images;       // sorted by image
    QList<RolloutRevision> revisions; // newest first
    /// Fields that could not be derived, each with the reason (field -> reason).
    QMap<QString, QString> unknown;
    QStringList pauseReasons;
    bool paused = false;
    bool aborted = false;
    bool fullyPromoted = false;
    QString analysisStatus;
    QString stableVersion;
    QString canaryVersion;
    QList<RolloutAction> actions;
    QDateTime updated;

    QString key() const
    {
        return connectionId + QLatin1Char('/') + application + QLatin1Char('/') + name;
    }
    /// "0 % of 20 %" (actual of set) when traffic has not followed the step, "20 %" when it
    /// has, "? %" for an unknown actual weight; empty for a blue-green Rollout.
    QString weightText() const
    {
        if (strategy != QLatin1String("canary"))
            return {};
        const QString actual =
            actualWeight >= 0 ? QStringLiteral("%1 %").arg(actualWeight) : QStringLiteral("? %");
        if (setWeight >= 0 && setWeight != actualWeight)
            return QStringLiteral("%1 of %2 %").arg(actual).arg(setWeight);
        return actual;
    }
    bool actionEnabled(const QString &action) const
    {
        for (const auto &a : actions)
            if (a.name == action)
                return !a.disabled;
        return false;
    }
    bool operator==(const Rollout &) const = default;
};

/// Anything waiting for a human.
struct Gate
{
    QString connectionId;
    QString id; // stable within the connection
    GateKind kind = GateKind::Unknown;
    QString service;
    QString environment;
    QString title; // "Deploy checkout to prod", input message, ...
    QString runId; // the run / build / deployment it holds
    QDateTime since;
    QStringList approvers;
    bool currentUserCanApprove = true;
    int waitTimerMinutes = 0;
    QUrl url;
    QVariantMap details; // backend specifics needed to act (environment ids, input id, ...)

    QString key() const { return connectionId + QLatin1Char('/') + id; }
    bool operator==(const Gate &) const = default;
};

/// Something that happened, for the timeline.
struct TimelineEvent
{
    enum class Kind {
        Note,
        RunStarted,
        RunSucceeded,
        RunFailed,
        RunCancelled,
        DeployStarted,
        DeploySucceeded,
        DeployFailed,
        DeployBlocked,
        ApprovalRequested,
        ApprovalGranted,
        ApprovalRejected,
        SyncStarted,
        SyncSucceeded,
        SyncFailed,
        HealthChanged,
        CanaryStep,
        CanaryWeight,
        CanaryPaused,
        CanaryResumed,
        CanaryPromoted,
        CanaryAborted,
        CanaryRetried,
        Rollback,
        AlertFiring,
        AlertResolved,
        OperatorAction
    };
    QString sourceId; // de-duplication key, unique per source
    QString source;   // connection id, "operator", "alertmanager"
    Kind kind = Kind::Note;
    QDateTime time;
    QString service;
    QString environment;
    QString actor;
    QString version;
    QString title;
    QString detail;
    QUrl link;

    bool operator==(const TimelineEvent &) const = default;
};

QString toString(TimelineEvent::Kind k);
TimelineEvent::Kind timelineKindFromString(const QString &s);

/// A batch of normalized records from one connection.
struct RecordSet
{
    QList<Run> runs;
    QList<Deployment> deployments;
    QList<EnvironmentState> environments;
    QList<Gate> gates;
    QList<Rollout> rollouts;
    QList<TimelineEvent> events;

    bool isEmpty() const
    {
        return runs.isEmpty() && deployments.isEmpty() && environments.isEmpty() &&
               gates.isEmpty() && rollouts.isEmpty() && events.isEmpty();
    }
};

/// Which kinds of record a publish replaces wholesale for its connection (records of
/// that kind not in the set are removed); kinds not listed are upserted.
enum class RecordKind { Runs = 1, Deployments = 2, Environments = 4, Gates = 8, Rollouts = 16 };
using RecordKinds = int;

} // namespace fd
