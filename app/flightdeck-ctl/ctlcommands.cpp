#include "ctlcommands.h"

#include "ctlcanary.h"

#include "texttable.h"

#include "backend/pluginhost.h"
#include "domain/json.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "ops/actionrunner.h"
#include "workspace/workspaceloader.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace fd {

namespace {

void printJson(CtlContext &ctx, const QJsonValue &v)
{
    const QJsonDocument doc =
        v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    *ctx.out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    ctx.out->flush();
}

QString age(const QDateTime &t)
{
    if (!t.isValid())
        return QString();
    const qint64 s = t.secsTo(QDateTime::currentDateTimeUtc());
    if (s < 0)
        return QStringLiteral("just now");
    if (s < 60)
        return QStringLiteral("%1s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m ago").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h ago").arg(s / 3600);
    return QStringLiteral("%1d ago").arg(s / 86400);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QString();
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString opt(const CtlContext &ctx, const QString &name)
{
    return ctx.parser->isSet(name) ? ctx.parser->value(name) : QString();
}

bool matches(const QString &filter, const QString &value)
{
    return filter.isEmpty() || value.compare(filter, Qt::CaseInsensitive) == 0;
}

/// --backend matches a connection id or its kind.
bool backendMatches(const CtlContext &ctx, const QString &connectionId)
{
    const QString f = opt(ctx, QStringLiteral("backend"));
    if (f.isEmpty())
        return true;
    return f == connectionId || f == ctx.session->connectionKind(connectionId);
}

/// Opens the workspace into a session and waits for the first full read of every backend.
int openSession(CtlContext &ctx)
{
    ctx.workspaceFile = findWorkspace(opt(ctx, QStringLiteral("workspace")));
    if (ctx.workspaceFile.isEmpty()) {
        *ctx.err
            << "flightdeck-ctl: no workspace: give --workspace FILE or set FLIGHTDECK_WORKSPACE\n";
        return ExitWorkspace;
    }
    Session::OpenOptions o;
    if (ctx.parser->isSet(QStringLiteral("store")))
        o.storePath = ctx.parser->value(QStringLiteral("store"));
    if (!ctx.session->open(ctx.workspaceFile, o)) {
        for (const auto &i : ctx.session->issues())
            *ctx.err << i.toString() << '\n';
        return ExitWorkspace;
    }
    const int timeout = ctx.parser->value(QStringLiteral("timeout")).toInt() * 1000;
    ctx.session->start();
    if (!ctx.session->waitForSync(timeout > 0 ? timeout : 30000)) {
        for (const QString &id : ctx.session->connectionIds()) {
            if (!ctx.session->estate()->isSynced(id)) {
                const auto h = ctx.session->estate()->health(id);
                *ctx.err << "warning: connection " << id << " did not finish its first read"
                         << (h.reason.isEmpty() ? QString() : QStringLiteral(": ") + h.reason)
                         << '\n';
            }
        }
    }
    return ExitOk;
}

template <typename T, typename Less>
QList<T> sortedValues(const QHash<QString, T> &h, Less less)
{
    QList<T> list = h.values();
    std::sort(list.begin(), list.end(), less);
    return list;
}

} // namespace

QString findWorkspace(const QString &given)
{
    if (!given.isEmpty())
        return given;
    const QString env = qEnvironmentVariable("FLIGHTDECK_WORKSPACE");
    if (!env.isEmpty())
        return env;
    if (QFileInfo::exists(QStringLiteral("flightdeck.yaml")))
        return QDir::current().absoluteFilePath(QStringLiteral("flightdeck.yaml"));
    const QString xdg = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                        QStringLiteral("/flightdeck/flightdeck.yaml");
    return QFileInfo::exists(xdg) ? xdg : QString();
}

int runValidate(CtlContext &ctx)
{
    ctx.workspaceFile = findWorkspace(opt(ctx, QStringLiteral("workspace")));
    if (ctx.workspaceFile.isEmpty()) {
        *ctx.err
            << "flightdeck-ctl: no workspace: give --workspace FILE or set FLIGHTDECK_WORKSPACE\n";
        return ExitWorkspace;
    }
    const LoadResult r = WorkspaceLoader::load(ctx.workspaceFile);
    if (ctx.json) {
        QJsonArray issues;
        for (const auto &i : r.issues)
            issues.append(QJsonObject{
                {QStringLiteral("severity"), i.severity == WorkspaceIssue::Severity::Error
                                                 ? QStringLiteral("error")
                                                 : QStringLiteral("warning")},
                {QStringLiteral("file"), i.file},
                {QStringLiteral("line"), i.line},
                {QStringLiteral("column"), i.column},
                {QStringLiteral("keyPath"), i.keyPath},
                {QStringLiteral("message"), i.message}});
        printJson(
            ctx, QJsonObject{{QStringLiteral("workspace"), ctx.workspaceFile},
                             {QStringLiteral("ok"), r.ok()},
                             {QStringLiteral("connections"), int(r.workspace.connections.size())},
                             {QStringLiteral("environments"), int(r.workspace.environments.size())},
                             {QStringLiteral("services"), int(r.workspace.services.size())},
                             {QStringLiteral("issues"), issues}});
    } else {
        for (const auto &i : r.issues)
            *ctx.out << (i.severity == WorkspaceIssue::Severity::Error ? "error: " : "warning: ")
                     << i.toString() << '\n';
        if (r.ok())
            *ctx.out << ctx.workspaceFile << ": ok — " << r.workspace.connections.size()
                     << " connections, " << r.workspace.environments.size() << " environments, "
                     << r.workspace.services.size() << " services\n";
        else
            *ctx.out << ctx.workspaceFile << ": " << r.errors().size() << " problem(s)\n";
    }
    return r.ok() ? ExitOk : ExitWorkspace;
}

int runPlugins(CtlContext &ctx)
{
    PluginHost host;
    host.scan();
    if (ctx.json) {
        QJsonArray arr;
        for (const auto &r : host.records())
            arr.append(QJsonObject{
                {QStringLiteral("id"), r.id},
                {QStringLiteral("name"), r.name},
                {QStringLiteral("version"), r.version},
                {QStringLiteral("kind"), r.kind},
                {QStringLiteral("apiVersion"), r.apiVersion},
                {QStringLiteral("capabilities"), QJsonArray::fromStringList(r.capabilities)},
                {QStringLiteral("file"), r.file},
                {QStringLiteral("loaded"), r.loaded},
                {QStringLiteral("error"), r.error}});
        printJson(ctx, QJsonObject{{QStringLiteral("searchPaths"),
                                    QJsonArray::fromStringList(PluginHost::defaultSearchPaths())},
                                   {QStringLiteral("plugins"), arr}});
        return ExitOk;
    }
    TextTable t({QStringLiteral("KIND"), QStringLiteral("ID"), QStringLiteral("VERSION"),
                 QStringLiteral("API"), QStringLiteral("CAPABILITIES"), QStringLiteral("STATE")},
                60);
    for (const auto &r : host.records())
        t.addRow({r.kind, r.id, r.version, QString::number(r.apiVersion),
                  r.capabilities.join(QLatin1Char(',')),
                  r.loaded ? QStringLiteral("loaded") : QStringLiteral("refused")});
    *ctx.out << t.render();
    for (const auto &r : host.records())
        if (!r.loaded)
            *ctx.out << "refused " << QFileInfo(r.file).fileName() << ": " << r.error << '\n';
    if (host.records().isEmpty())
        *ctx.out << "no plugins found in "
                 << PluginHost::defaultSearchPaths().join(QStringLiteral(", ")) << '\n';
    return ExitOk;
}

int runStatus(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    Estate *e = ctx.session->estate();
    QJsonArray arr;
    TextTable t({QStringLiteral("CONNECTION"), QStringLiteral("KIND"), QStringLiteral("HEALTH"),
                 QStringLiteral("RATE LIMIT"), QStringLiteral("DATA"), QStringLiteral("REASON")},
                70);
    bool allOk = true;
    for (const QString &id : ctx.session->connectionIds()) {
        const ConnectionHealth h = e->health(id);
        allOk = allOk && h.state == ConnectionHealth::State::Ok;
        QString rate;
        if (h.state == ConnectionHealth::State::RateLimited && h.rateLimitedUntil.isValid())
            rate = QStringLiteral("limited until %1")
                       .arg(h.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm")));
        else if (h.rateLimitLimit > 0)
            rate = QStringLiteral("%1/%2").arg(h.rateLimitRemaining).arg(h.rateLimitLimit);
        QJsonObject o = toJson(h);
        o.insert(QStringLiteral("connection"), id);
        o.insert(QStringLiteral("kind"), ctx.session->connectionKind(id));
        o.insert(QStringLiteral("synced"), e->isSynced(id));
        o.insert(QStringLiteral("dataTime"), dateToJson(e->dataTime(id)));
        arr.append(o);
        t.addRow({id, ctx.session->connectionKind(id), toString(h.state), rate,
                  e->isSynced(id) ? age(e->dataTime(id)) : QStringLiteral("not synced"), h.reason});
    }
    if (ctx.json)
        printJson(ctx, arr);
    else
        *ctx.out << t.render();
    for (const auto &p : e->problems())
        if (!ctx.json)
            *ctx.out << "problem: " << p.connectionId << ": " << p.where << ": " << p.message
                     << '\n';
    return allOk ? ExitOk : ExitBackend;
}

int runRuns(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    const auto runs = sortedValues(ctx.session->estate()->runs(), [](const Run &a, const Run &b) {
        const QDateTime ta = a.started.isValid() ? a.started : a.created;
        const QDateTime tb = b.started.isValid() ? b.started : b.created;
        return ta != tb ? ta > tb : a.key() < b.key();
    });
    const int limit = ctx.parser->value(QStringLiteral("limit")).toInt();
    QJsonArray arr;
    TextTable t({QStringLiteral("BACKEND"), QStringLiteral("SERVICE"), QStringLiteral("PIPELINE"),
                 QStringLiteral("#"), QStringLiteral("BRANCH"), QStringLiteral("COMMIT"),
                 QStringLiteral("ACTOR"), QStringLiteral("STATUS"), QStringLiteral("STAGES"),
                 QStringLiteral("DURATION"), QStringLiteral("STARTED"), QStringLiteral("ID")});
    int n = 0;
    for (const Run &r : runs) {
        if (!backendMatches(ctx, r.connectionId) ||
            !matches(opt(ctx, QStringLiteral("service")), r.service) ||
            !matches(opt(ctx, QStringLiteral("env")), r.environment) ||
            !matches(opt(ctx, QStringLiteral("status")), toString(r.status)) ||
            !matches(opt(ctx, QStringLiteral("branch")), r.branch))
            continue;
        if (limit > 0 && n >= limit)
            break;
        ++n;
        arr.append(toJson(r));
        QString stages;
        for (const Stage &s : r.stages) {
            switch (s.status) {
            case RunStatus::Succeeded:
                stages += QLatin1Char('+');
                break;
            case RunStatus::Failed:
                stages += QLatin1Char('x');
                break;
            case RunStatus::Running:
                stages += QLatin1Char('>');
                break;
            case RunStatus::Waiting:
                stages += QLatin1Char('?');
                break;
            case RunStatus::Cancelled:
                stages += QLatin1Char('-');
                break;
            default:
                stages += QLatin1Char('.');
                break;
            }
        }
        const qint64 ms =
            r.started.isValid()
                ? r.started.msecsTo(r.finished.isValid() ? r.finished
                                                         : QDateTime::currentDateTimeUtc())
                : -1;
        t.addRow({ctx.session->connectionKind(r.connectionId), r.service, r.pipeline, r.number,
                  r.branch, r.commit.left(8), r.actor, toString(r.status), stages, duration(ms),
                  age(r.started.isValid() ? r.started : r.created), r.key()});
    }
    if (ctx.json)
        printJson(ctx, arr);
    else
        *ctx.out << t.render();
    return ExitOk;
}

int runEnvs(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    const QStringList order = ctx.session->workspace().environmentNames();
    const auto envs =
        sortedValues(ctx.session->estate()->environments(),
                     [&order](const EnvironmentState &a, const EnvironmentState &b) {
                         if (a.service != b.service)
                             return a.service < b.service;
                         return order.indexOf(a.environment) < order.indexOf(b.environment);
                     });
    QJsonArray arr;
    TextTable t({QStringLiteral("SERVICE"), QStringLiteral("ENV"), QStringLiteral("VERSION"),
                 QStringLiteral("COMMIT"), QStringLiteral("HEALTH"), QStringLiteral("SYNC"),
                 QStringLiteral("CANARY"), QStringLiteral("DEPLOYED"), QStringLiteral("BY"),
                 QStringLiteral("BACKEND")});
    for (const EnvironmentState &e : envs) {
        if (!backendMatches(ctx, e.connectionId) ||
            !matches(opt(ctx, QStringLiteral("service")), e.service) ||
            !matches(opt(ctx, QStringLiteral("env")), e.environment))
            continue;
        QJsonObject o = toJson(e);
        o.insert(QStringLiteral("stale"), ctx.session->estate()->isStale(e.connectionId));
        arr.append(o);
        QString sync = toString(e.sync);
        if (e.driftCount > 0)
            sync += QStringLiteral(" (%1 drifted)").arg(e.driftCount);
        t.addRow({e.service, e.environment, e.version, e.commit.left(8), toString(e.health), sync,
                  e.canaryWeight >= 0 ? QStringLiteral("%1%").arg(e.canaryWeight) : QString(),
                  age(e.deployedAt), e.deployedBy,
                  ctx.session->connectionKind(e.connectionId) + QLatin1Char(':') + e.connectionId});
    }
    if (ctx.json)
        printJson(ctx, arr);
    else
        *ctx.out << t.render();
    return ExitOk;
}

int runApprovals(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    const auto gates =
        sortedValues(ctx.session->estate()->gates(), [](const Gate &a, const Gate &b) {
            return a.since != b.since ? a.since < b.since : a.key() < b.key();
        });
    QJsonArray arr;
    TextTable t({QStringLiteral("GATE"), QStringLiteral("KIND"), QStringLiteral("SERVICE"),
                 QStringLiteral("ENV"), QStringLiteral("WHAT"), QStringLiteral("SINCE"),
                 QStringLiteral("APPROVERS")});
    for (const Gate &g : gates) {
        if (!backendMatches(ctx, g.connectionId) ||
            !matches(opt(ctx, QStringLiteral("service")), g.service) ||
            !matches(opt(ctx, QStringLiteral("env")), g.environment))
            continue;
        arr.append(toJson(g));
        t.addRow({g.key(), toString(g.kind), g.service, g.environment, g.title, age(g.since),
                  g.approvers.join(QStringLiteral(", "))});
    }
    if (ctx.json)
        printJson(ctx, arr);
    else
        *ctx.out << t.render();
    return ExitOk;
}

int runCanary(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    const QString service = ctx.args.value(0);
    const QString env = ctx.args.value(1);
    QJsonArray arr;
    QString text;
    for (const Rollout &r :
         sortedValues(ctx.session->estate()->rollouts(),
                      [](const Rollout &a, const Rollout &b) { return a.key() < b.key(); })) {
        if (!matches(service, r.service) || !matches(env, r.environment))
            continue;
        arr.append(toJson(r));
        text += QStringLiteral("%1 in %2 — rollout %3, app %4\n")
                    .arg(r.service, r.environment, r.name, r.application);
        text += canaryReport(r) + QLatin1Char('\n');
        if (!r.analysisStatus.isEmpty())
            text += QStringLiteral("  analysis: %1\n").arg(r.analysisStatus);
        for (int i = 0; i < r.steps.size(); ++i)
            text +=
                QStringLiteral("  %1 %2. %3\n")
                    .arg(i == r.currentStepIndex
                             ? QStringLiteral("▶")
                             : (i < r.currentStepIndex ? QStringLiteral("✓") : QStringLiteral(" ")))
                    .arg(i)
                    .arg(r.steps[i].text);
        QStringList acts;
        for (const auto &a : r.actions)
            acts << (a.disabled ? QStringLiteral("(%1)").arg(a.name) : a.name);
        text += QStringLiteral("  actions: %1\n").arg(acts.join(QLatin1Char(' ')));
    }
    if (ctx.json) {
        printJson(ctx, arr);
    } else {
        *ctx.out << (text.isEmpty() ? QStringLiteral("no rollout in flight\n") : text);
    }
    if (arr.isEmpty() && !service.isEmpty())
        return ExitBackend;
    return ExitOk;
}

QStringList actionCommands()
{
    return {QStringLiteral("promote"), QStringLiteral("pause"),  QStringLiteral("resume"),
            QStringLiteral("abort"),   QStringLiteral("retry"),  QStringLiteral("rollback"),
            QStringLiteral("approve"), QStringLiteral("reject"), QStringLiteral("cancel"),
            QStringLiteral("rerun"),   QStringLiteral("sync"),   QStringLiteral("restart")};
}

namespace {

QString planText(const PreparedAction &p)
{
    QString s;
    s += QStringLiteral("Plan: %1\n")
             .arg(p.plan.summary.isEmpty() ? toString(p.action.verb) : p.plan.summary);
    s += QStringLiteral("  connection %1, service %2, environment %3\n")
             .arg(p.action.connectionId, p.action.service, p.action.environment);
    if (!p.plan.feasible) {
        s += QStringLiteral("  NOT POSSIBLE: %1\n").arg(p.plan.blockedReason);
        for (const QString &a : p.plan.alternatives)
            s += QStringLiteral("  instead: %1\n").arg(a);
    }
    for (const auto &r : p.plan.requests) {
        s += QStringLiteral("  %1 %2\n").arg(QString::fromLatin1(r.method), r.path);
        if (!r.body.isEmpty())
            s += QStringLiteral("      %1\n").arg(QString::fromUtf8(r.body));
        if (!r.purpose.isEmpty())
            s += QStringLiteral("      (%1)\n").arg(r.purpose);
    }
    for (const auto &c : p.plan.preconditions)
        s += QStringLiteral("  precondition: %1\n").arg(c.description);
    for (const auto &w : p.plan.warnings)
        s += QStringLiteral("  warning: %1\n").arg(w);
    for (const auto &g : p.guards) {
        if (g.outcome == GuardResult::Outcome::Pass)
            continue;
        s += QStringLiteral("  guard %1: %2\n").arg(g.guard, g.message);
    }
    return s;
}

QString readLine()
{
    QTextStream in(stdin);
    return in.readLine().trimmed();
}

} // namespace

int runAction(CtlContext &ctx, const QString &verbName)
{
    ReleaseAction action;
    QString verbText = verbName;
    if (verbName == QLatin1String("promote") && ctx.parser->isSet(QStringLiteral("full")))
        verbText = QStringLiteral("promote-full");
    if (!verbFromString(verbText, &action.verb)) {
        *ctx.err << "flightdeck-ctl: unknown action " << verbName << '\n';
        return ExitUsage;
    }
    const bool onTarget = verbName == QLatin1String("approve") ||
                          verbName == QLatin1String("reject") ||
                          verbName == QLatin1String("cancel") || verbName == QLatin1String("rerun");
    if (onTarget) {
        if (ctx.args.size() == 1) {
            action.target = ctx.args.value(0);
        } else if (ctx.args.size() == 2) {
            action.service = ctx.args.value(0);
            action.environment = ctx.args.value(1);
        } else {
            *ctx.err << "usage: flightdeck-ctl " << verbName
                     << " GATE_OR_RUN_ID | SERVICE ENV [--comment TEXT]\n";
            return ExitUsage;
        }
    } else {
        if (ctx.args.size() != 2) {
            *ctx.err << "usage: flightdeck-ctl " << verbName << " SERVICE ENV [--dry-run]\n";
            return ExitUsage;
        }
        action.service = ctx.args.value(0);
        action.environment = ctx.args.value(1);
    }
    action.version = opt(ctx, QStringLiteral("version"));
    if (ctx.parser->isSet(QStringLiteral("to")))
        action.target = ctx.parser->value(QStringLiteral("to"));
    if (ctx.parser->isSet(QStringLiteral("revision")))
        action.version = ctx.parser->value(QStringLiteral("revision"));
    action.comment = opt(ctx, QStringLiteral("comment"));
    action.actor = ctx.parser->isSet(QStringLiteral("as"))
                       ? ctx.parser->value(QStringLiteral("as"))
                       : qEnvironmentVariable("USER", QStringLiteral("operator"));

    if (int rc = openSession(ctx))
        return rc;
    ActionRunner *runner = ctx.session->actions();
    // Approve/reject given as SERVICE ENV: the one gate waiting there.
    if (onTarget && action.target.isEmpty() &&
        (action.verb == ReleaseAction::Verb::Approve ||
         action.verb == ReleaseAction::Verb::Reject)) {
        for (const Gate &g : ctx.session->estate()->gates())
            if (g.service == action.service && g.environment == action.environment)
                action.target = g.key();
    }
    const PreparedAction prepared = runner->prepare(action);

    if (ctx.json && ctx.parser->isSet(QStringLiteral("dry-run"))) {
        QJsonObject o = toJson(prepared.plan);
        QJsonArray guards;
        for (const auto &g : prepared.guards)
            guards.append(
                QJsonObject{{QStringLiteral("guard"), g.guard},
                            {QStringLiteral("outcome"),
                             g.outcome == GuardResult::Outcome::Pass    ? QStringLiteral("pass")
                             : g.outcome == GuardResult::Outcome::Block ? QStringLiteral("block")
                             : g.outcome == GuardResult::Outcome::NeedsTypedName
                                 ? QStringLiteral("needs-typed-name")
                                 : QStringLiteral("needs-reason")},
                            {QStringLiteral("message"), g.message}});
        o.insert(QStringLiteral("guards"), guards);
        printJson(ctx, o);
        return prepared.plan.feasible ? ExitOk : ExitBackend;
    }
    *ctx.out << planText(prepared);
    ctx.out->flush();
    if (ctx.parser->isSet(QStringLiteral("dry-run")))
        return prepared.plan.feasible ? ExitOk : ExitBackend;
    if (prepared.blocked()) {
        *ctx.err << "refused: " << ActionRunner::refusals(prepared, {}).join(QStringLiteral("; "))
                 << '\n';
        return ExitBackend;
    }

    Confirmation confirmation;
    confirmation.typedEnvironment = opt(ctx, QStringLiteral("confirm"));
    confirmation.overrideReason = opt(ctx, QStringLiteral("reason"));
    const bool yes = ctx.parser->isSet(QStringLiteral("yes"));
    const bool tty = isatty(fileno(stdin));
    if (prepared.protectedEnvironment && confirmation.typedEnvironment.isEmpty()) {
        if (!tty) {
            *ctx.err << "refused: " << prepared.action.environment
                     << " is protected: pass --yes --confirm " << prepared.action.environment
                     << '\n';
            return ExitBackend;
        }
        *ctx.out << "Type the environment name (" << prepared.action.environment
                 << ") to confirm: ";
        ctx.out->flush();
        confirmation.typedEnvironment = readLine();
    } else if (!yes && !prepared.protectedEnvironment) {
        if (!tty) {
            *ctx.err << "refused: not confirmed: pass --yes\n";
            return ExitBackend;
        }
        *ctx.out << "Proceed? [y/N] ";
        ctx.out->flush();
        if (readLine().compare(QLatin1String("y"), Qt::CaseInsensitive) != 0) {
            *ctx.err << "cancelled\n";
            return ExitBackend;
        }
    }
    if (prepared.frozen && confirmation.overrideReason.isEmpty() && tty) {
        *ctx.out << "Frozen (" << prepared.freezeReason << "). Reason to override: ";
        ctx.out->flush();
        confirmation.overrideReason = readLine();
    }

    QString why;
    ActionResult result;
    bool done = false;
    QEventLoop loop;
    const quint64 expected = [&] {
        QObject::connect(runner, &ActionRunner::finished, &loop,
                         [&](quint64, const ActionResult &r) {
                             result = r;
                             done = true;
                             loop.quit();
                         });
        return runner->run(prepared, confirmation, &why);
    }();
    if (!expected) {
        *ctx.err << "refused: " << why << '\n';
        return ExitBackend;
    }
    if (!done) {
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (ctx.json) {
        printJson(ctx, toJson(result));
    } else {
        for (const QString &s : result.steps)
            *ctx.out << "  " << s << '\n';
        *ctx.out << (done ? (result.ok ? "done: " : "failed: ") : "no answer in time: ")
                 << result.message << '\n';
    }
    return done && result.ok ? ExitOk : ExitBackend;
}

} // namespace fd
