#include "action.h"
#include "connection.h"
#include "enums.h"
#include "incident.h"
#include "records.h"

#include <array>
#include <utility>

namespace fd {

namespace {

// One table per enum keeps both directions of the conversion in step.
template <typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, name] : table)
        if (v == value)
            return QLatin1String(name);
    return QStringLiteral("unknown");
}

template <typename E, std::size_t N>
E valueOf(const std::array<std::pair<E, const char *>, N> &table, const QString &name, E fallback)
{
    for (const auto &[v, n] : table)
        if (name.compare(QLatin1String(n), Qt::CaseInsensitive) == 0)
            return v;
    return fallback;
}

constexpr std::array runStatusNames{
    std::pair{RunStatus::Unknown, "unknown"},     std::pair{RunStatus::Queued, "queued"},
    std::pair{RunStatus::Running, "running"},     std::pair{RunStatus::Waiting, "waiting"},
    std::pair{RunStatus::Succeeded, "succeeded"}, std::pair{RunStatus::Failed, "failed"},
    std::pair{RunStatus::Cancelled, "cancelled"}, std::pair{RunStatus::Skipped, "skipped"},
};
constexpr std::array healthNames{
    std::pair{Health::Unknown, "Unknown"},         std::pair{Health::Healthy, "Healthy"},
    std::pair{Health::Progressing, "Progressing"}, std::pair{Health::Degraded, "Degraded"},
    std::pair{Health::Suspended, "Suspended"},     std::pair{Health::Missing, "Missing"},
};
constexpr std::array syncNames{
    std::pair{SyncState::Unknown, "Unknown"},
    std::pair{SyncState::Synced, "Synced"},
    std::pair{SyncState::OutOfSync, "OutOfSync"},
};
constexpr std::array deployNames{
    std::pair{DeployStatus::Unknown, "unknown"},     std::pair{DeployStatus::Created, "created"},
    std::pair{DeployStatus::Queued, "queued"},       std::pair{DeployStatus::Running, "running"},
    std::pair{DeployStatus::Succeeded, "succeeded"}, std::pair{DeployStatus::Failed, "failed"},
    std::pair{DeployStatus::Cancelled, "cancelled"}, std::pair{DeployStatus::Blocked, "blocked"},
};
constexpr std::array gateNames{
    std::pair{GateKind::Unknown, "unknown"},
    std::pair{GateKind::GitHubPendingDeployment, "github-pending-deployment"},
    std::pair{GateKind::GitLabBlockedDeployment, "gitlab-blocked-deployment"},
    std::pair{GateKind::JenkinsInput, "jenkins-input"},
    std::pair{GateKind::RolloutPause, "rollout-pause"},
};
constexpr std::array phaseNames{
    std::pair{RolloutPhase::Unknown, "Unknown"},
    std::pair{RolloutPhase::Healthy, "Healthy"},
    std::pair{RolloutPhase::Progressing, "Progressing"},
    std::pair{RolloutPhase::Paused, "Paused"},
    std::pair{RolloutPhase::Degraded, "Degraded"},
};
using K = TimelineEvent::Kind;
constexpr std::array eventNames{
    std::pair{K::Note, "note"},
    std::pair{K::RunStarted, "run-started"},
    std::pair{K::RunSucceeded, "run-succeeded"},
    std::pair{K::RunFailed, "run-failed"},
    std::pair{K::RunCancelled, "run-cancelled"},
    std::pair{K::DeployStarted, "deploy-started"},
    std::pair{K::DeploySucceeded, "deploy-succeeded"},
    std::pair{K::DeployFailed, "deploy-failed"},
    std::pair{K::DeployBlocked, "deploy-blocked"},
    std::pair{K::ApprovalRequested, "approval-requested"},
    std::pair{K::ApprovalGranted, "approval-granted"},
    std::pair{K::ApprovalRejected, "approval-rejected"},
    std::pair{K::SyncStarted, "sync-started"},
    std::pair{K::SyncSucceeded, "sync-succeeded"},
    std::pair{K::SyncFailed, "sync-failed"},
    std::pair{K::HealthChanged, "health-changed"},
    std::pair{K::CanaryStep, "canary-step"},
    std::pair{K::CanaryWeight, "canary-weight"},
    std::pair{K::CanaryPaused, "canary-paused"},
    std::pair{K::CanaryResumed, "canary-resumed"},
    std::pair{K::CanaryPromoted, "canary-promoted"},
    std::pair{K::CanaryAborted, "canary-aborted"},
    std::pair{K::CanaryRetried, "canary-retried"},
    std::pair{K::Rollback, "rollback"},
    std::pair{K::AlertFiring, "alert-firing"},
    std::pair{K::AlertResolved, "alert-resolved"},
    std::pair{K::OperatorAction, "operator-action"},
};
using V = ReleaseAction::Verb;
constexpr std::array verbNames{
    std::pair{V::Promote, "promote"},
    std::pair{V::PromoteFull, "promote-full"},
    std::pair{V::Pause, "pause"},
    std::pair{V::Resume, "resume"},
    std::pair{V::Abort, "abort"},
    std::pair{V::Retry, "retry"},
    std::pair{V::Rollback, "rollback"},
    std::pair{V::Approve, "approve"},
    std::pair{V::Reject, "reject"},
    std::pair{V::Rerun, "rerun"},
    std::pair{V::RerunFailed, "rerun-failed"},
    std::pair{V::Cancel, "cancel"},
    std::pair{V::Sync, "sync"},
    std::pair{V::Restart, "restart"},
};
using HS = ConnectionHealth::State;
constexpr std::array healthStateNames{
    std::pair{HS::Unknown, "unknown"},         std::pair{HS::Ok, "ok"},
    std::pair{HS::Degraded, "degraded"},       std::pair{HS::AuthFailed, "auth-failed"},
    std::pair{HS::Unreachable, "unreachable"}, std::pair{HS::RateLimited, "rate-limited"},
};
using P = Incident::Phase;
constexpr std::array incidentPhaseNames{
    std::pair{P::Detected, "detected"},     std::pair{P::Reported, "reported"},
    std::pair{P::Mitigated, "mitigated"},   std::pair{P::Recovered, "recovered"},
    std::pair{P::Postmortem, "postmortem"},
};

} // namespace

QString toString(RunStatus s)
{
    return nameOf(runStatusNames, s);
}
QString toString(Health h)
{
    return nameOf(healthNames, h);
}
QString toString(SyncState s)
{
    return nameOf(syncNames, s);
}
QString toString(DeployStatus s)
{
    return nameOf(deployNames, s);
}
QString toString(GateKind k)
{
    return nameOf(gateNames, k);
}
QString toString(RolloutPhase p)
{
    return nameOf(phaseNames, p);
}
QString toString(TimelineEvent::Kind k)
{
    return nameOf(eventNames, k);
}
QString toString(ReleaseAction::Verb v)
{
    return nameOf(verbNames, v);
}
QString toString(ConnectionHealth::State s)
{
    return nameOf(healthStateNames, s);
}
QString toString(Incident::Phase p)
{
    return nameOf(incidentPhaseNames, p);
}

RunStatus runStatusFromString(const QString &s)
{
    return valueOf(runStatusNames, s, RunStatus::Unknown);
}
Health healthFromString(const QString &s)
{
    return valueOf(healthNames, s, Health::Unknown);
}
SyncState syncStateFromString(const QString &s)
{
    return valueOf(syncNames, s, SyncState::Unknown);
}
DeployStatus deployStatusFromString(const QString &s)
{
    return valueOf(deployNames, s, DeployStatus::Unknown);
}
GateKind gateKindFromString(const QString &s)
{
    return valueOf(gateNames, s, GateKind::Unknown);
}
RolloutPhase rolloutPhaseFromString(const QString &s)
{
    return valueOf(phaseNames, s, RolloutPhase::Unknown);
}
QString rolloutPhaseSymbol(RolloutPhase p)
{
    switch (p) {
    case RolloutPhase::Healthy:
        return QStringLiteral("\u2714"); // ✔
    case RolloutPhase::Degraded:
        return QStringLiteral("\u2716"); // ✖
    case RolloutPhase::Paused:
        return QStringLiteral("\u0965"); // ॥
    case RolloutPhase::Progressing:
        return QStringLiteral("\u25CC"); // ◌
    case RolloutPhase::Unknown:
        break;
    }
    return QStringLiteral("?");
}
TimelineEvent::Kind timelineKindFromString(const QString &s)
{
    return valueOf(eventNames, s, K::Note);
}
Incident::Phase incidentPhaseFromString(const QString &s)
{
    return valueOf(incidentPhaseNames, s, P::Detected);
}

bool verbFromString(const QString &s, ReleaseAction::Verb *out)
{
    for (const auto &[v, n] : verbNames) {
        if (s.compare(QLatin1String(n), Qt::CaseInsensitive) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

bool Stage::operator==(const Stage &o) const
{
    return name == o.name && status == o.status && started == o.started && finished == o.finished &&
           durationMs == o.durationMs && id == o.id && steps == o.steps;
}

bool isMutating(ReleaseAction::Verb)
{
    return true;
}

bool isFinished(RunStatus s)
{
    return s == RunStatus::Succeeded || s == RunStatus::Failed || s == RunStatus::Cancelled ||
           s == RunStatus::Skipped;
}

} // namespace fd
