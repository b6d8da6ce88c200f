#pragma once

#include "workspace.h"

#include <QByteArray>
#include <QProcessEnvironment>

#include <optional>

namespace fd {

struct LoadOptions
{
    /// The user's overrides: unset reads $XDG_CONFIG_HOME/flightdeck/overrides.yaml when it
    /// exists; an empty string reads none; a path must exist.
    std::optional<QString> overridesFile;
    /// Where env: references and FLIGHTDECK_TEAM_FILE are looked up.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    /// Report env: references whose variable is unset (as warnings).
    bool checkEnvironment = true;
};

struct LoadResult
{
    Workspace workspace;
    QList<WorkspaceIssue> issues;

    /// No errors (warnings allowed).
    bool ok() const;
    QList<WorkspaceIssue> errors() const;
};

/// Reads flightdeck.yaml (schema v1, see SCHEMA.md) with its layers: built-in defaults → team
/// file → workspace file → user overrides. Maps merge deeply, later layers win; lists and
/// values are replaced whole. Never throws and never stops at the first problem.
class WorkspaceLoader
{
public:
    static LoadResult load(const QString &file, const LoadOptions &options = {});
    /// `fileName` names the text in issues and anchors relative paths.
    static LoadResult loadFromString(const QByteArray &yaml,
                                     const QString &fileName,
                                     const LoadOptions &options = {});
    static QString defaultOverridesFile();
    static QStringList connectionKinds();
    /// The key that names the backend object in an environment or pipeline mapping:
    /// github repo, jenkins job, gitlab project, argocd app; empty for prometheus.
    static QString objectKey(const QString &kind);
};

/// Levenshtein distance, case-insensitive; used for "did you mean" suggestions.
int editDistance(const QString &a, const QString &b);
/// The closest candidate when it is close enough to be a likely typo, else empty.
QString closestMatch(const QString &word, const QStringList &candidates);

} // namespace fd
