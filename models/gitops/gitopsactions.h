#pragma once

#include "gitopsrepository.h"

#include "domain/action.h"
#include "ops/actionrunner.h"

namespace fd {

struct Workspace;

/**
 * Promote and rollback for environments deployed from the GitOps repository: the workspace
 * names `gitops.path` and `gitops.remote` (or the environment its `gitops: {file, key}`), and
 * the environment is bound to an Argo CD connection. `promote --version`
 * edits the one scalar and commits; `rollback` (without `--to`) reverts the commit that last
 * changed it, which Argo CD auto-sync then deploys instead of fighting. The plan is made from
 * the checkout as last fetched (no network); execution fetches, re-checks and pushes.
 */
namespace gitops {

/// True when @p action goes through the GitOps repository rather than the backend's API.
bool applies(const Workspace &workspace, const ReleaseAction &action);

/// The plan: the commit (file, line, old → new value, message) or the revert (which commit,
/// which values), with its precondition; appends the merged-to-main guard for a promotion.
/// Local libgit2 reads only. plan.context carries what execute() needs.
ActionPlan
plan(const Workspace &workspace, const ReleaseAction &action, QList<GuardResult> *guards);

/// Makes the commit and pushes it (rebase-and-retry); blocking: call it off the GUI thread.
/// @p recheck runs on each branch head tried; a non-empty answer refuses.
GitOpsResult execute(const Workspace &workspace,
                     const ActionPlan &plan,
                     const QString &auditId,
                     const std::function<QString(const QString &head)> &recheck);

} // namespace gitops
} // namespace fd
