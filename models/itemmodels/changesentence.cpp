#include "changesentence.h"

#include "estate/estate.h"
#include "gatesmodel.h"

#include <algorithm>

namespace fd {

namespace {

const Rollout *rolloutFor(const ReleaseAction &a, const Estate &estate)
{
    if (const auto it = estate.rollouts().constFind(a.target); it != estate.rollouts().cend())
        return &*it;
    for (const Rollout &r : estate.rollouts())
        if (r.service == a.service && r.environment == a.environment &&
            (a.connectionId.isEmpty() || r.connectionId == a.connectionId))
            return &r;
    return nullptr;
}

/// The weight the canary reaches when it leaves its current step: the next setWeight, else
/// the end of the rollout (all traffic).
int nextWeight(const Rollout &r)
{
    for (int i = std::max(0, r.currentStepIndex + 1); i < r.steps.size(); ++i)
        if (r.steps.at(i).kind == RolloutStep::Kind::SetWeight && r.steps.at(i).weight >= 0)
            return r.steps.at(i).weight;
    return 100;
}

QString currentVersion(const ReleaseAction &a, const Estate &estate)
{
    for (const EnvironmentState &s : estate.environmentStates(a.service, a.environment))
        if (!s.version.isEmpty())
            return s.version;
    return {};
}

/// The version a rollback goes back to: the one asked for, else the newest successful
/// deployment to the environment of another version than the current one.
QString rollbackTarget(const ReleaseAction &a, const Estate &estate, const QString &current)
{
    if (!a.version.isEmpty())
        return a.version;
    const Deployment *best = nullptr;
    for (const Deployment &d : estate.deployments()) {
        if (d.service != a.service || d.environment != a.environment ||
            d.status != DeployStatus::Succeeded || d.version.isEmpty() || d.version == current)
            continue;
        const QDateTime t = d.finished.isValid() ? d.finished : d.created;
        if (!best || t > (best->finished.isValid() ? best->finished : best->created))
            best = &d;
    }
    return best ? best->version : QString();
}

const Gate *gateFor(const ReleaseAction &a, const Estate &estate)
{
    const auto it = estate.gates().constFind(a.connectionId + QLatin1Char('/') + a.target);
    return it == estate.gates().cend() ? nullptr : &*it;
}

} // namespace

QString ChangeSentence::of(const ReleaseAction &a, const Estate &estate)
{
    using V = ReleaseAction::Verb;
    const Rollout *rollout = rolloutFor(a, estate);
    switch (a.verb) {
    case V::Promote:
    case V::Resume:
        if (rollout && !rollout->fullyPromoted)
            return tr("%1 canary %2 % → %3 % in %4")
                .arg(a.service)
                .arg(rollout->canaryWeight)
                .arg(nextWeight(*rollout))
                .arg(a.environment);
        if (a.verb == V::Promote && !a.version.isEmpty()) {
            const QString now = currentVersion(a, estate);
            return now.isEmpty()
                       ? tr("Deploy %1 %2 to %3").arg(a.service, a.version, a.environment)
                       : tr("%1 in %2: %3 → %4").arg(a.service, a.environment, now, a.version);
        }
        break;
    case V::PromoteFull:
        if (rollout)
            return tr("%1 canary %2 % → 100 % in %3 at once: skips the remaining pauses and "
                      "the analysis")
                .arg(a.service)
                .arg(rollout->canaryWeight)
                .arg(a.environment);
        break;
    case V::Pause:
        if (rollout)
            return tr("Hold the %1 canary in %2 at %3 %")
                .arg(a.service, a.environment)
                .arg(rollout->canaryWeight);
        break;
    case V::Abort:
        if (rollout)
            return tr("Abort the %1 canary in %2: all traffic back to %3")
                .arg(a.service, a.environment,
                     rollout->stableVersion.isEmpty() ? tr("the stable version")
                                                      : rollout->stableVersion);
        break;
    case V::Rollback: {
        const QString now = currentVersion(a, estate);
        const QString target = rollbackTarget(a, estate, now);
        if (!target.isEmpty() && !now.isEmpty())
            return tr("Roll back %1 in %2: %3 → %4").arg(a.service, a.environment, now, target);
        if (!target.isEmpty())
            return tr("Roll back %1 in %2 to %3").arg(a.service, a.environment, target);
        return tr("Roll back %1 in %2 to the previous good version").arg(a.service, a.environment);
    }
    case V::Approve:
    case V::Reject:
        if (const Gate *g = gateFor(a, estate)) {
            const QString version = GatesModel::version(estate, *g);
            const QString what =
                version.isEmpty() ? a.service : a.service + QLatin1Char(' ') + version;
            return a.verb == V::Approve ? tr("Approve %1 for %2").arg(what, a.environment)
                                        : tr("Reject %1 for %2").arg(what, a.environment);
        }
        break;
    default:
        break;
    }
    return {};
}

} // namespace fd
