#pragma once

// The simulated GitLab's repository commits (GET /projects/:id/repository/commits[/:sha]),
// built from the service's main-branch history in the world, oldest first there, newest first
// on the wire as GitLab lists them.

#include "core/sandbox.h"

namespace fd::sandbox {

/// One commit as GitLab writes it; @p projectWebUrl is http://host/group/project.
QJsonObject gitlabCommitJson(const SimCommit &commit, const QString &projectWebUrl);

struct GitLabCommitFilter
{
    QString refName; // branch or sha; "" = the default branch
    qint64 sinceMs = -1, untilMs = -1;
};

/// The commits reachable from the filter's ref, newest first; false when the ref is unknown.
bool gitlabCommitList(const SimService &service,
                      const GitLabCommitFilter &filter,
                      QList<const SimCommit *> *out);
/// A commit by full or short (≥ 7) sha, or by branch name; nullptr when unknown.
const SimCommit *gitlabCommit(const SimService &service, const QString &ref);

} // namespace fd::sandbox
