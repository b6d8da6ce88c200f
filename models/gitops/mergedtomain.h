#pragma once

#include "git/commitrange.h"
#include "ops/actionrunner.h"

namespace fd {

class GitRepository;

/// Whether a version's commit is reachable from the service's main branch.
struct MergedToMain
{
    bool merged = false;
    QString versionSha;
    QString mainRef; // the ref read: the remote-tracking branch when the clone has one
    QString mainSha;
    GitError error;
};

/// Reads refs/remotes/origin/<mainBranch> (what the team merged), else the local branch.
/// Blocking libgit2 work: call it off the GUI thread.
MergedToMain
checkMergedToMain(GitRepository &repo, const QString &mainBranch, const QString &version);

/// The `merged-to-main` guard: passes for a merged version; a version not on main is refused
/// on a protected environment and needs a written reason elsewhere; an unreadable repository
/// or an unknown version refuses, naming what git said.
GuardResult mergedToMainGuard(const MergedToMain &check,
                              const QString &version,
                              const QString &environment,
                              bool protectedEnvironment);

} // namespace fd
