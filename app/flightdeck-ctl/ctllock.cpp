#include "ctllock.h"

#include "estate/session.h"
#include "store/store.h"

#include "terminaltext.h"
#include "texttable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace fd {

namespace {

QString value(const CtlContext &ctx, const char *name)
{
    const QString n = QLatin1String(name);
    return ctx.parser->isSet(n) ? ctx.parser->value(n) : QString();
}

QJsonObject lockJson(const ReleaseLock &l)
{
    return {{QStringLiteral("service"), l.service},
            {QStringLiteral("environment"), l.environment},
            {QStringLiteral("holder"), l.holder},
            {QStringLiteral("reason"), l.reason},
            {QStringLiteral("since"), l.since.toUTC().toString(Qt::ISODate)}};
}

void printJson(CtlContext &ctx, const QJsonObject &o)
{
    *ctx.out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}

// The workspace and the store only: a lock never waits for a backend.
int openStore(CtlContext &ctx, const QString &service, const QString &environment)
{
    ctx.workspaceFile = findWorkspace(value(ctx, "workspace"));
    if (ctx.workspaceFile.isEmpty()) {
        *ctx.err
            << "flightdeck-ctl: no workspace: give --workspace FILE or set FLIGHTDECK_WORKSPACE\n";
        return ExitWorkspace;
    }
    Session::OpenOptions o;
    if (ctx.parser->isSet(QStringLiteral("store")))
        o.storePath = value(ctx, "store");
    if (!ctx.session->open(ctx.workspaceFile, o)) {
        for (const auto &i : ctx.session->issues())
            *ctx.err << i.toString() << '\n';
        return ExitWorkspace;
    }
    if (!ctx.session->store()) {
        *ctx.err << "flightdeck-ctl: the store could not be opened; release locks live there\n";
        return ExitWorkspace;
    }
    const Workspace &ws = ctx.session->workspace();
    if (!service.isEmpty() && !ws.service(service)) {
        QStringList names;
        for (const auto &s : ws.services)
            names.append(s.name);
        *ctx.err << "flightdeck-ctl: no service \"" << service
                 << "\" in the workspace\n  services: " << names.join(QStringLiteral(", ")) << '\n';
        return ExitUsage;
    }
    if (!environment.isEmpty() && !ws.environmentNames().contains(environment)) {
        *ctx.err << "flightdeck-ctl: no environment \"" << environment
                 << "\" in the workspace\n  environments: "
                 << ws.environmentNames().join(QStringLiteral(", ")) << '\n';
        return ExitUsage;
    }
    return ExitOk;
}

} // namespace

int runLock(CtlContext &ctx, const QString &command)
{
    const QString actor = ctx.parser->isSet(QStringLiteral("as"))
                              ? value(ctx, "as")
                              : qEnvironmentVariable("USER", QStringLiteral("operator"));
    if (command == QLatin1String("locks")) {
        if (int rc = openStore(ctx, value(ctx, "service"), value(ctx, "env")))
            return rc;
        QString error;
        const auto locks =
            ctx.session->store()->releaseLocks(value(ctx, "service"), value(ctx, "env"), &error);
        if (!locks) {
            *ctx.err << "flightdeck-ctl: " << error << '\n';
            return ExitBackend;
        }
        if (ctx.json) {
            QJsonArray rows;
            for (const ReleaseLock &l : *locks)
                rows.append(lockJson(l));
            printJson(ctx, {{QStringLiteral("locks"), rows}});
            return ExitOk;
        }
        TextTable table({QStringLiteral("SERVICE"), QStringLiteral("ENV"), QStringLiteral("HOLDER"),
                         QStringLiteral("SINCE"), QStringLiteral("REASON")});
        for (const ReleaseLock &l : *locks)
            table.addRow({terminalSafe(l.service), terminalSafe(l.environment),
                          terminalSafe(l.holder), l.since.toUTC().toString(Qt::ISODate),
                          terminalSafe(l.reason)});
        *ctx.out << table.render();
        return ExitOk;
    }

    if (ctx.args.size() != 2) {
        *ctx.err << "usage: flightdeck-ctl " << command << " SERVICE ENV"
                 << (command == QLatin1String("lock") ? " --reason TEXT" : "") << '\n';
        return ExitUsage;
    }
    const QString service = ctx.args.at(0), environment = ctx.args.at(1);
    if (command == QLatin1String("lock") && value(ctx, "reason").trimmed().isEmpty()) {
        *ctx.err << "flightdeck-ctl: lock needs --reason TEXT: the others see why\n";
        return ExitUsage;
    }
    if (int rc = openStore(ctx, service, environment))
        return rc;
    Store *store = ctx.session->store();
    QString error;
    if (command == QLatin1String("lock")) {
        ReleaseLock current;
        const std::optional<bool> taken = store->lockTarget(
            {service, environment, actor, value(ctx, "reason").trimmed(), {}}, &current, &error);
        if (!taken) {
            *ctx.err << "flightdeck-ctl: " << error << '\n';
            return ExitBackend;
        }
        if (!*taken) {
            const QString message =
                QStringLiteral("%1 in %2 is already locked by %3 since %4: %5")
                    .arg(service, environment, current.holder,
                         current.since.toUTC().toString(Qt::ISODate), current.reason);
            *ctx.err << "refused: " << terminalSafe(message) << '\n';
            if (ctx.json)
                printJson(ctx, {{QStringLiteral("ok"), false},
                                {QStringLiteral("refused"), true},
                                {QStringLiteral("message"), message},
                                {QStringLiteral("lock"), lockJson(current)}});
            return ExitBackend;
        }
        if (ctx.json)
            printJson(ctx,
                      {{QStringLiteral("ok"), true}, {QStringLiteral("lock"), lockJson(current)}});
        else
            *ctx.out << "locked " << service << " in " << environment << " ("
                     << terminalSafe(current.holder) << ", since "
                     << current.since.toUTC().toString(Qt::ISODate) << ")\n";
        return ExitOk;
    }
    const std::optional<ReleaseLock> released =
        store->unlockTarget(service, environment, actor, &error);
    if (!released) {
        if (!error.isEmpty()) {
            *ctx.err << "flightdeck-ctl: " << error << '\n';
            return ExitBackend;
        }
        *ctx.err << "refused: " << service << " in " << environment << " is not locked\n";
        if (ctx.json)
            printJson(ctx, {{QStringLiteral("ok"), false},
                            {QStringLiteral("refused"), true},
                            {QStringLiteral("message"), QStringLiteral("not locked")}});
        return ExitBackend;
    }
    if (ctx.json)
        printJson(
            ctx, {{QStringLiteral("ok"), true}, {QStringLiteral("released"), lockJson(*released)}});
    else
        *ctx.out << "unlocked " << service << " in " << environment << " (was locked by "
                 << terminalSafe(released->holder) << " since "
                 << released->since.toUTC().toString(Qt::ISODate) << ": "
                 << terminalSafe(released->reason) << ")\n";
    return ExitOk;
}

} // namespace fd
