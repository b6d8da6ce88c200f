#pragma once

#include "ops/actionrunner.h"

namespace fd {

class Estate;
class SignalSource;
struct Workspace;

/**
 * The SLO gate guard ("slo-gate"): a promotion of a canary (Promote / PromoteFull of a
 * service × environment with a rollout in flight) needs a written reason while the canary
 * version's measured error ratio exceeds the workspace's `policies.sloGate.errorRatio`.
 *
 * Passes for other verbs, when the policy is not set, and when no rollout is in flight.
 * Needs a reason, too, when the ratio cannot be known (no signal source, or no value measured
 * for the canary version): an unmeasured canary is not a healthy one. Pure: reads the estate
 * and the signal source's cached values, sends nothing.
 */
GuardResult sloGate(const Workspace &workspace,
                    const Estate &estate,
                    const SignalSource *signals,
                    const ReleaseAction &action);

} // namespace fd
