#include "credentialresolver.h"

#include "logging/redactor.h"

#include <QMetaObject>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

namespace fd {

std::optional<CredentialRef> CredentialRef::parse(const QString &text)
{
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1String("env:")) && t.size() > 4)
        return CredentialRef{Source::Env, t.mid(4)};
    if (t.startsWith(QLatin1String("keychain:")) && t.size() > 9)
        return CredentialRef{Source::Keychain, t.mid(9)};
    return std::nullopt;
}

CredentialResolver::CredentialResolver(QProcessEnvironment environment)
    : m_environment(std::move(environment))
{}

std::optional<QString> CredentialResolver::resolveNow(const QString &reference,
                                                      QString *error) const
{
    const auto ref = CredentialRef::parse(reference);
    auto fail = [error](const QString &why) -> std::optional<QString> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!ref)
        return fail(
            QStringLiteral("not a credential reference; expected env:NAME or keychain:NAME"));
    if (ref->source == CredentialRef::Source::Keychain)
        return fail(QStringLiteral("keychain:%1 can only be read asynchronously").arg(ref->name));
    if (!m_environment.contains(ref->name))
        return fail(QStringLiteral("environment variable `%1` is not set").arg(ref->name));
    const QString value = m_environment.value(ref->name);
    if (value.isEmpty())
        return fail(QStringLiteral("environment variable `%1` is empty").arg(ref->name));
    Redactor::instance().addSecret(value);
    return value;
}

void CredentialResolver::resolve(const QString &reference, QObject *context, Callback done) const
{
    const auto ref = CredentialRef::parse(reference);
    if (!ref || ref->source == CredentialRef::Source::Env) {
        QString error;
        auto value = resolveNow(reference, &error);
        done(value, error);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(keychainService());
    job->setAutoDelete(true);
    job->setKey(ref->name);
    const QString name = ref->name;
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, name, guard, done] {
        if (!guard)
            return;
        if (job->error() != QKeychain::NoError) {
            done(std::nullopt, job->error() == QKeychain::EntryNotFound
                                   ? QStringLiteral("keychain entry `%1` not found (service "
                                                    "\"flightdeck\")")
                                         .arg(name)
                                   : QStringLiteral("cannot read keychain entry `%1`: %2")
                                         .arg(name, job->errorString()));
            return;
        }
        const QString value = job->textData();
        if (value.isEmpty()) {
            done(std::nullopt, QStringLiteral("keychain entry `%1` is empty").arg(name));
            return;
        }
        Redactor::instance().addSecret(value);
        done(value, QString());
    });
    job->start();
}

QList<ConnectionConfig> CredentialResolver::configsWithoutSecrets(const Workspace &workspace)
{
    QList<ConnectionConfig> out;
    for (const auto &c : workspace.connections) {
        ConnectionConfig cfg;
        cfg.id = c.id;
        cfg.kind = c.kind;
        cfg.baseUrl = c.url;
        cfg.scope = c.scope;
        cfg.options = c.options;
        cfg.caFile = c.caFile;
        cfg.insecure = c.insecure;
        cfg.readOnly = workspace.readOnly;
        cfg.environments = workspace.environmentNames();
        cfg.bindings = workspace.bindingsFor(c.id);
        if (c.kind == QLatin1String("prometheus") &&
            !cfg.options.contains(QStringLiteral("serviceSli"))) {
            // The signals plugin evaluates each service's SLI queries as the workspace names them.
            QVariantMap perService;
            for (const auto &svc : workspace.services)
                if (!svc.sli.isEmpty())
                    perService.insert(svc.name, svc.sli);
            if (!perService.isEmpty())
                cfg.options.insert(QStringLiteral("serviceSli"), perService);
        }
        out.append(cfg);
    }
    return out;
}

void CredentialResolver::resolveAll(const Workspace &workspace,
                                    QObject *context,
                                    std::function<void(ResolvedConnections)> done) const
{
    struct Pending
    {
        ResolvedConnections result;
        int outstanding = 1; // held until every request is issued
        std::function<void(ResolvedConnections)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->result.connections = configsWithoutSecrets(workspace);
    pending->done = std::move(done);
    auto finishOne = [pending] {
        if (--pending->outstanding == 0)
            pending->done(std::move(pending->result));
    };

    for (int i = 0; i < workspace.connections.size(); ++i) {
        const ConnectionDef &c = workspace.connections.at(i);
        for (auto it = c.credentialRefs.cbegin(); it != c.credentialRefs.cend(); ++it) {
            const QString key = it.key();
            const SourceLocation loc = c.credentialLocations.value(key, c.location);
            const QString path = QStringLiteral("connections.%1.credentials.%2").arg(c.id, key);
            ++pending->outstanding;
            resolve(it.value(), context,
                    [pending, i, key, loc, path, finishOne](std::optional<QString> value,
                                                            QString error) {
                        if (value)
                            pending->result.connections[i].secrets.insert(key, *value);
                        else
                            pending->result.issues.append({WorkspaceIssue::Severity::Error,
                                                           loc.file, loc.line, loc.column, path,
                                                           error});
                        finishOne();
                    });
        }
    }
    finishOne();
}

} // namespace fd
