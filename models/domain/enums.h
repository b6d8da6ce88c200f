#pragma once

#include <QString>

namespace fd {

/// Status of a run, stage or step, normalized across backends.
enum class RunStatus { Unknown, Queued, Running, Waiting, Succeeded, Failed, Cancelled, Skipped };

/// Health of what runs in an environment (Argo CD vocabulary, the richest of the four).
enum class Health { Unknown, Healthy, Progressing, Degraded, Suspended, Missing };

/// Whether the live state matches what the environment is told to run.
enum class SyncState { Unknown, Synced, OutOfSync };

/// Outcome of one deployment of a version into an environment.
enum class DeployStatus {
    Unknown,
    Created,
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Blocked
};

/// What kind of human gate is waiting.
enum class GateKind {
    Unknown,
    GitHubPendingDeployment,
    GitLabBlockedDeployment,
    JenkinsInput,
    RolloutPause
};

/// Rollout phase as reported by Argo Rollouts (>= 1.0).
enum class RolloutPhase { Unknown, Healthy, Progressing, Paused, Degraded };

QString toString(RunStatus s);
QString toString(Health h);
QString toString(SyncState s);
QString toString(DeployStatus s);
QString toString(GateKind k);
QString toString(RolloutPhase p);

RunStatus runStatusFromString(const QString &s);
Health healthFromString(const QString &s);
SyncState syncStateFromString(const QString &s);
DeployStatus deployStatusFromString(const QString &s);
GateKind gateKindFromString(const QString &s);
RolloutPhase rolloutPhaseFromString(const QString &s);
/// The symbol `kubectl argo rollouts get` prints before a status: ✔ Healthy, ✖ Degraded,
/// ॥ Paused, ◌ Progressing, ? Unknown.
QString rolloutPhaseSymbol(RolloutPhase p);

/// True for statuses that will not change any more.
bool isFinished(RunStatus s);

} // namespace fd
