#pragma once

// The git side of the simulated GitHub API: commits, branches and comparisons, built from a
// service's main-branch history in the world (oldest first), as GET /repos/{o}/{r}/commits/{ref},
// /branches and /compare/{base}...{head} answer them.

#include "core/sandbox.h"

#include <functional>

namespace fd::sandbox::github {

/// The user object for a login (GitHub's "simple-user"), from the GitHub server.
using UserJson = std::function<QJsonObject(const QString &login)>;

struct RepoUrls
{
    QString api;  // http://host[/api/v3]/repos/owner/name
    QString html; // http://host/owner/name
};

/// Index into service.commits of @p ref: a full or abbreviated (≥ 7) sha, or a branch name
/// ("main", the release branch). -1 when unknown.
int commitIndex(const SimService &service, const QString &ref);
/// The "commit" shape of GET /commits/{ref}, without "stats" and "files" (not simulated).
QJsonObject
commitJson(const SimService &service, int index, const RepoUrls &urls, const UserJson &userOf);
/// GET /branches: main and, when the scenario has one, the release branch.
QJsonArray branchesJson(const SimService &service, const RepoUrls &urls);
/// GET /branches/{branch}, or an undefined value when there is no such branch.
QJsonValue branchJson(const SimService &service,
                      const QString &name,
                      const RepoUrls &urls,
                      const UserJson &userOf);
/// GET /compare/{base}...{head} on the linear main history; both indexes known.
QJsonObject compareJson(const SimService &service,
                        int base,
                        int head,
                        const QString &spec,
                        const RepoUrls &urls,
                        const UserJson &userOf);

} // namespace fd::sandbox::github
