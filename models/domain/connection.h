#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVariantMap>

namespace fd {

/// Where one service lives on one connection in one environment.
struct ServiceBinding
{
    QString service;
    QString environment;
    QString object; // repo "owner/name", Jenkins job path, GitLab project path or id, Argo CD app
    QVariantMap
        options; // backend specifics: workflow, backendEnvironment, rollout, versionParameter, ...
    bool conventional = false; // filled by a naming convention, not written in the workspace

    bool operator==(const ServiceBinding &) const = default;
};

/// One configured backend server, ready for its plugin: secrets already resolved.
struct ConnectionConfig
{
    QString id;
    QString kind; // github | jenkins | gitlab | argocd | prometheus
    QUrl baseUrl;
    QHash<QString, QString> secrets; // token, user, password — resolved values, never logged
    QVariantMap scope;               // repos/owners, jobs/folders, projects, app selector/projects
    QVariantMap options;             // pollIntervalSeconds, runDepth, ...
    QString caFile;
    bool insecure = false;
    bool readOnly = false;
    QStringList environments; // promotion order, lowest first
    QList<ServiceBinding> bindings;

    QString secret(const QString &name) const { return secrets.value(name); }
};

/// Connection health as the status bar shows it.
struct ConnectionHealth
{
    enum class State { Unknown, Ok, Degraded, AuthFailed, Unreachable, RateLimited };
    State state = State::Unknown;
    QString reason;             // words a user can act on
    QDateTime rateLimitedUntil; // when RateLimited
    QDateTime lastSuccess;
    int rateLimitRemaining = -1;
    int rateLimitLimit = -1;

    bool operator==(const ConnectionHealth &) const = default;
};

QString toString(ConnectionHealth::State s);

} // namespace fd
