#pragma once

#include "yamlscalaredit.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace fd {

struct Workspace;
struct CommitRecord;

/// The one scalar a GitOps promotion of a service in an environment edits.
struct GitOpsTarget
{
    QString file; // path inside the GitOps repository
    YamlKeyPath key;
    QString error; // when the target cannot be named: what to write in the workspace

    bool isValid() const { return error.isEmpty() && key.isValid(); }
};

/// Reads a file of the GitOps repository at the commit being planned on; nullopt if absent.
using GitOpsFileReader = std::function<std::optional<QByteArray>(const QString &file)>;

/// The file and key from `services.<s>.environments.<e>.gitops: {file, key}`, else the layout
/// the comparison reads: the kustomize overlay's `images` entry named `<service>` or
/// `…/<service>` (`newTag`, or `digest` for a `sha256:` version), else the Helm values file's
/// `image.tag`. Nothing is guessed beyond that: an unnamed target is an error saying what to set.
GitOpsTarget gitOpsTarget(const Workspace &workspace,
                          const QString &service,
                          const QString &environment,
                          const QString &version,
                          const GitOpsFileReader &read);

/// The commit message: the workspace's subject template (`{service}`, `{env}`, `{version}`,
/// `{from}`) or "promote {service} to {version} in {env}", then the commits the version brings,
/// newest first, one "sha subject" line each (at most @p maxCommits, then a count).
QString gitOpsCommitMessage(const Workspace &workspace,
                            const QString &service,
                            const QString &environment,
                            const QString &fromVersion,
                            const QString &version,
                            const QList<CommitRecord> &commits,
                            int maxCommits = 20);

} // namespace fd
