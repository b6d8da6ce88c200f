#pragma once

// QDateTime first: domain/connection.h uses it without including it.
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTime>
#include <QUrl>
#include <QVariantMap>

#include "domain/connection.h"

namespace fd {

/// Where a value was written: 1-based line and column, 0 when unknown.
struct SourceLocation
{
    QString file;
    int line = 0;
    int column = 0;

    bool operator==(const SourceLocation &) const = default;
};

/// One problem found in the workspace, in words a user can act on.
struct WorkspaceIssue
{
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString file;
    int line = 0;    // 1-based; 0 when the problem has no position (unreadable file)
    int column = 0;  // 1-based
    QString keyPath; // services.checkout.environments.prod.connection
    QString message;

    /// "file:line:col: keyPath: message" (position and key path left out when unknown).
    QString toString() const;
    bool operator==(const WorkspaceIssue &) const = default;
};

/// A time when an environment must not change.
struct FreezeWindow
{
    enum class Kind { Absolute, Weekly };
    Kind kind = Kind::Absolute;
    QDateTime start; // Absolute, UTC
    QDateTime end;
    QList<int> days; // Weekly: 1 = Monday .. 7 = Sunday
    QTime from;      // Weekly, UTC; a window with from > to runs past midnight
    QTime to;        // inclusive to the end of that minute
    QString reason;

    bool contains(const QDateTime &time) const;
    bool operator==(const FreezeWindow &) const = default;
};

struct EnvironmentDef
{
    QString name;
    bool isProtected = false;
    QList<FreezeWindow> freeze;
    SourceLocation location;

    bool operator==(const EnvironmentDef &) const = default;
};

struct ConnectionDef
{
    QString id;
    QString kind; // github | jenkins | gitlab | argocd | prometheus
    QUrl url;
    QHash<QString, QString> credentialRefs; // token/user/username/password → "env:X" / "keychain:X"
    QHash<QString, SourceLocation> credentialLocations;
    QVariantMap scope;
    QVariantMap options;
    QString caFile;
    bool insecure = false;
    SourceLocation location;

    bool operator==(const ConnectionDef &) const = default;
};

/// A service and where it lives. Every ServiceBinding carries its connection id in
/// options["connection"] (ServiceBinding has no field for it).
struct ServiceDef
{
    QString name;
    QString repoPath;
    QString repoUrl;
    QString mainBranch = QStringLiteral("main");
    QStringList dependsOn;
    QString deployConnection;
    QList<ServiceBinding> pipelines; // environment empty
    QList<ServiceBinding> bindings;  // one per environment: explicit + conventional
    QVariantMap sli;

    const ServiceBinding *binding(const QString &environment) const;
    static QString connectionOf(const ServiceBinding &binding);
    bool operator==(const ServiceDef &) const = default;
};

/// Where GitOps promotions commit: the remote and branch of the `gitops.path` checkout, the
/// commit author (empty: git config) and the subject template.
struct GitOpsSettings
{
    QString remote = QStringLiteral("origin");
    QString branch = QStringLiteral("main");
    QString authorName;
    QString authorEmail;
    QString message; // empty: "promote {service} to {version} in {env}"
    /// Promote and rollback go through the repository: `gitops.remote` is written.
    bool promotes = false;

    bool operator==(const GitOpsSettings &) const = default;
};

struct Workspace
{
    int version = 1;
    QString name;
    QString file;       // the workspace file itself
    QStringList layers; // files that contributed, lowest first ("<defaults>" first)
    bool readOnly = false;
    QList<ConnectionDef> connections;
    QList<EnvironmentDef> environments; // promotion order, lowest first
    QList<ServiceDef> services;
    QString gitopsPath;
    GitOpsSettings gitops;
    QVariantMap policies;
    QVariantMap ui;
    /// `notify:` chat targets as written (validated); models/notify reads them.
    QVariantList notify;

    const EnvironmentDef *environment(const QString &name) const;
    const ConnectionDef *connection(const QString &id) const;
    const ServiceDef *service(const QString &name) const;
    QStringList environmentNames() const;
    bool isProtected(const QString &environment) const;
    /// True when a freeze window of the environment covers `time`; *reason gets its reason.
    bool
    isFrozen(const QString &environment, const QDateTime &time, QString *reason = nullptr) const;
    /// The bindings of every service on one connection, in service then environment order.
    QList<ServiceBinding> bindingsFor(const QString &connectionId) const;
};

} // namespace fd
