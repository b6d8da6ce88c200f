#pragma once

// Turns an operator's intent into the exact GitHub requests it would make, from the cached
// repository snapshots only (no I/O), and checks a plan's preconditions against fresh reads.

#include "githubmapping.h"

#include "domain/action.h"

namespace fd::github {

/// The cached state a plan is made from.
struct PlanningState
{
    const GitHubMapping *mapping = nullptr;
    QHash<QString, RepoSnapshot> repos; // by lowercased "owner/name"
};

ActionPlan planAction(const ReleaseAction &action, const PlanningState &state);

/**
 * Evaluates one precondition against the body of its fresh GET. Fields:
 *  - run.status / run.conclusion: the run's value is one of `expected` ("a|b|c");
 *  - run.run_attempt: equal;
 *  - pending.environment_ids: a pending deployment for environment id `expected` exists;
 *  - deployments.newest_id: the newest deployment's id (or "none") equals `expected`.
 * @p found gets what was there, in words.
 */
bool preconditionHolds(const Precondition &precondition, const QByteArray &body, QString *found);

} // namespace fd::github
