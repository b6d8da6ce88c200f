#pragma once

#include "workspace.h"

#include "domain/connection.h"

#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>

#include <functional>
#include <optional>

namespace fd {

/// A parsed credential reference.
struct CredentialRef
{
    enum class Source { Env, Keychain };
    Source source = Source::Env;
    QString name;

    /// "env:NAME" or "keychain:NAME"; nullopt for anything else.
    static std::optional<CredentialRef> parse(const QString &text);
};

struct ResolvedConnections
{
    QList<ConnectionConfig> connections; // in workspace order, secrets filled where resolved
    QList<WorkspaceIssue> issues;        // one per secret that could not be resolved
};

/// Turns credential references into secret values. env: is read synchronously; keychain: is
/// read with QtKeychain (service "flightdeck") asynchronously. Every value resolved is
/// registered with the log Redactor before anyone else sees it.
class CredentialResolver
{
public:
    using Callback = std::function<void(std::optional<QString> value, QString error)>;

    explicit CredentialResolver(
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment());

    static QString keychainService() { return QStringLiteral("flightdeck"); }

    /// env: references only; a keychain: reference returns nullopt with an error saying so.
    std::optional<QString> resolveNow(const QString &reference, QString *error = nullptr) const;

    /// Any reference; `done` runs on `context`'s thread (for env: before this returns), and
    /// not at all if `context` is destroyed first.
    void resolve(const QString &reference, QObject *context, Callback done) const;

    /// Every connection of the workspace as plugins take it: environments in promotion order,
    /// the bindings on that connection, secrets filled. `done` runs once, when the last
    /// keychain read finished (immediately when there is none).
    void resolveAll(const Workspace &workspace,
                    QObject *context,
                    std::function<void(ResolvedConnections)> done) const;

    /// The same without secrets, for code that must not touch the keychain (validate, tests).
    static QList<ConnectionConfig> configsWithoutSecrets(const Workspace &workspace);

private:
    QProcessEnvironment m_environment;
};

} // namespace fd
