#include "slogate.h"

#include "backend/signals.h"
#include "estate/estate.h"
#include "workspace/workspace.h"

using namespace Qt::StringLiterals;

namespace fd {

namespace {

QString percent(double ratio)
{
    return QString::number(ratio * 100, 'g', 3) + u'%';
}

} // namespace

GuardResult sloGate(const Workspace &workspace,
                    const Estate &estate,
                    const SignalSource *signals,
                    const ReleaseAction &action)
{
    GuardResult r;
    r.guard = u"slo-gate"_s;
    if (action.verb != ReleaseAction::Verb::Promote &&
        action.verb != ReleaseAction::Verb::PromoteFull)
        return r;
    const QVariant objective =
        workspace.policies.value(u"sloGate"_s).toMap().value(u"errorRatio"_s);
    bool ok = false;
    const double limit = objective.toDouble(&ok);
    if (!objective.isValid() || !ok) {
        r.message = u"no SLO gate set (policies.sloGate.errorRatio)"_s;
        return r;
    }
    // The canary of this service × environment; a target naming a rollout key picks that one.
    const Rollout *canary = nullptr;
    for (const Rollout &ro : estate.rollouts()) {
        if (ro.service != action.service || ro.environment != action.environment)
            continue;
        if (!canary || ro.key() == action.target)
            canary = &ro;
    }
    if (!canary || canary->canaryVersion.isEmpty() || canary->fullyPromoted || canary->aborted) {
        r.message = u"no canary in flight for %1 in %2"_s.arg(action.service, action.environment);
        return r;
    }
    const QString where =
        u"canary %1 of %2 in %3"_s.arg(canary->canaryVersion, action.service, action.environment);
    if (!signals) {
        r.outcome = GuardResult::Outcome::NeedsReason;
        r.message = u"%1: its error ratio cannot be checked against the %2 objective: no signals "
                    "connection in this workspace"_s.arg(where, percent(limit));
        return r;
    }
    const std::optional<double> ratio =
        signals->latest(action.service, action.environment, canary->canaryVersion, u"errorRatio"_s);
    if (!ratio) {
        r.outcome = GuardResult::Outcome::NeedsReason;
        r.message =
            u"%1: no error ratio measured yet (objective: at most %2)"_s.arg(where, percent(limit));
        return r;
    }
    if (*ratio > limit) {
        r.outcome = GuardResult::Outcome::NeedsReason;
        r.message = u"%1 fails %2 of requests, over the %3 objective"_s.arg(where, percent(*ratio),
                                                                            percent(limit));
        return r;
    }
    r.message = u"%1 fails %2 of requests (objective: at most %3)"_s.arg(where, percent(*ratio),
                                                                         percent(limit));
    return r;
}

} // namespace fd
