#include "ctlcommands.h"

#include "ctlcanary.h"
#include "ctlnotify.h"

#include "texttable.h"

#include "backend/backend.h"
#include "backend/pluginhost.h"
#include "domain/json.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "logging/logging.h"
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
#include <limits>
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

QString listForMessage(QStringList names)
{
    names.sort();
    const qsizetype total = names.size();
    if (total > 12)
        names = names.mid(0, 12) << QStringLiteral("… (%1 more)").arg(total - 12);
    return names.join(QStringLiteral(", "));
}

/// A usage error for a name the workspace does not have: exit 2 with the valid values.
int unknownName(CtlContext &ctx,
                const QString &what,
                const QString &plural,
                const QString &name,
                const QStringList &valid)
{
    *ctx.err << "flightdeck-ctl: no " << what << " \"" << name << "\" in the workspace";
    const QString near = closestMatch(name, valid);
    if (!near.isEmpty())
        *ctx.err << "; did you mean \"" << near << "\"?";
    *ctx.err << "\n  " << plural << ": " << listForMessage(valid) << '\n';
    return ExitUsage;
}

/// --service, --env, --backend and the SERVICE ENV arguments must name what the workspace has.
int checkNames(CtlContext &ctx, const QString &service, const QString &environment)
{
    const Workspace &ws = ctx.session->workspace();
    QStringList services;
    services.reserve(ws.services.size());
    for (const auto &s : ws.services)
        services.append(s.name);
    for (const QString &name : {opt(ctx, QStringLiteral("service")), service}) {
        if (name.isEmpty())
            continue;
        const bool known =
            std::any_of(ws.services.cbegin(), ws.services.cend(), [&](const auto &s) {
                return s.name.compare(name, Qt::CaseInsensitive) == 0;
            });
        if (!known)
            return unknownName(ctx, QStringLiteral("service"), QStringLiteral("services"), name,
                               services);
    }
    const QStringList envs = ws.environmentNames();
    for (const QString &name : {opt(ctx, QStringLiteral("env")), environment}) {
        if (!name.isEmpty() && !envs.contains(name, Qt::CaseInsensitive))
            return unknownName(ctx, QStringLiteral("environment"), QStringLiteral("environments"),
                               name, envs);
    }
    if (const QString b = opt(ctx, QStringLiteral("backend")); !b.isEmpty()) {
        QStringList valid = ctx.session->connectionIds();
        for (const auto &c : ws.connections)
            if (!valid.contains(c.kind))
                valid.append(c.kind);
        if (!valid.contains(b))
            return unknownName(ctx, QStringLiteral("connection or kind"),
                               QStringLiteral("connections and kinds"), b, valid);
    }
    return ExitOk;
}

enum class CacheUse { ShowStale, LiveOnly };

/// Opens the workspace into a session and waits for the first full read of every backend.
/// A connection that could not answer keeps its last good rows (from the cache, put back into
/// the estate and marked stale) rather than losing them; ctx.outcomes says which and why.
int openSession(CtlContext &ctx,
                const QString &service = QString(),
                const QString &environment = QString(),
                CacheUse cache = CacheUse::ShowStale)
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
    if (int rc = checkNames(ctx, service, environment))
        return rc;
    Estate *e = ctx.session->estate();
    struct Cached
    {
        RecordSet records;
        QDateTime at;
    };
    QHash<QString, Cached> cached; // what the store held from the last good read
    for (const QString &id : ctx.session->connectionIds())
        cached.insert(id, {e->snapshot(id), e->dataTime(id)});

    const int timeoutSeconds = ctx.parser->isSet(QStringLiteral("timeout"))
                                   ? ctx.parser->value(QStringLiteral("timeout")).toInt()
                                   : 30;
    ctx.session->start();
    ctx.session->waitForSync(timeoutSeconds * 1000);
    for (const QString &id : ctx.session->connectionIds()) {
        ConnectionOutcome out;
        out.id = id;
        out.kind = ctx.session->connectionKind(id);
        const ConnectionHealth h = e->health(id);
        const bool synced = e->isSynced(id);
        out.fresh = synced && (h.state == ConnectionHealth::State::Ok ||
                               h.state == ConnectionHealth::State::Unknown);
        if (out.fresh) {
            out.lastGoodRead = e->dataTime(id);
        } else {
            out.state = synced
                            ? toString(h.state)
                            : QStringLiteral("no complete answer within %1 s").arg(timeoutSeconds);
            out.reason = h.reason;
            out.lastGoodRead = cached.value(id).at;
            const Cached c = cached.value(id);
            if (cache == CacheUse::ShowStale && !c.records.isEmpty()) {
                e->restore(id, c.records, c.at);
                out.showsCache = true;
            }
        }
        ctx.outcomes.insert(id, out);
    }
    return ExitOk;
}

bool isStaleRow(const CtlContext &ctx, const QString &connectionId)
{
    const auto it = ctx.outcomes.constFind(connectionId);
    return (it != ctx.outcomes.cend() && !it->fresh) ||
           ctx.session->estate()->isStale(connectionId);
}

QString staleMark(const CtlContext &ctx, const QString &connectionId)
{
    if (!isStaleRow(ctx, connectionId))
        return QString();
    const QDateTime at = ctx.outcomes.value(connectionId).lastGoodRead;
    return at.isValid() ? QStringLiteral("STALE, read %1").arg(age(at)) : QStringLiteral("STALE");
}

/// The connections a command asks about: those that match --backend, can hold what the command
/// lists, and (with --service) serve that service.
QStringList askedFor(const CtlContext &ctx, Capabilities needed)
{
    QStringList ids;
    const QString service = opt(ctx, QStringLiteral("service"));
    const Workspace &ws = ctx.session->workspace();
    for (const QString &id : ctx.session->connectionIds()) {
        if (!backendMatches(ctx, id))
            continue;
        if (const Backend *b = ctx.session->backend(id); b && !(b->capabilities() & needed))
            continue;
        if (!service.isEmpty()) {
            bool serves = false;
            for (const auto &s : ws.services)
                if (s.name.compare(service, Qt::CaseInsensitive) == 0)
                    for (const auto *list : {&s.pipelines, &s.bindings})
                        for (const auto &binding : *list)
                            serves = serves || ServiceDef::connectionOf(binding) == id;
            if (!serves)
                continue;
        }
        ids.append(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// Says on stderr which asked-for connections could not answer and why; returns the same as
/// `problems` for --json. *failed is set when any did.
QJsonArray reportProblems(CtlContext &ctx, const QStringList &connections, bool *failed)
{
    QJsonArray problems;
    for (const QString &id : connections) {
        const ConnectionOutcome o = ctx.outcomes.value(id);
        if (o.fresh)
            continue;
        *failed = true;
        *ctx.err << "flightdeck-ctl: connection " << id << " (" << o.kind
                 << ") could not answer: " << o.state
                 << (o.reason.isEmpty() ? QString() : QStringLiteral(" — ") + o.reason);
        if (o.showsCache)
            *ctx.err << "; its rows are from its last good read, " << age(o.lastGoodRead)
                     << ", and marked stale\n";
        else
            *ctx.err << "; it has no earlier read to show, so its rows are missing\n";
        problems.append(
            QJsonObject{{QStringLiteral("connection"), id},
                        {QStringLiteral("kind"), o.kind},
                        {QStringLiteral("state"), o.state},
                        {QStringLiteral("reason"), o.reason},
                        {QStringLiteral("lastGoodRead"),
                         o.lastGoodRead.isValid() ? QJsonValue(dateToJson(o.lastGoodRead))
                                                  : QJsonValue(QJsonValue::Null)},
                        {QStringLiteral("rows"),
                         o.showsCache ? QStringLiteral("stale") : QStringLiteral("missing")}});
    }
    return problems;
}

bool anyStale(const CtlContext &ctx, Capabilities needed)
{
    const QStringList ids = askedFor(ctx, needed);
    return std::any_of(ids.cbegin(), ids.cend(),
                       [&ctx](const QString &id) { return isStaleRow(ctx, id); });
}

QStringList withMark(QStringList headers, bool marks)
{
    if (marks)
        headers << QStringLiteral("DATA");
    return headers;
}

/// Prints a read command's rows: a table, or {<key>: rows, problems} for --json.
int finishRead(CtlContext &ctx,
               const QString &key,
               const QJsonArray &rows,
               TextTable &table,
               Capabilities needed)
{
    bool failed = false;
    const QJsonArray problems = reportProblems(ctx, askedFor(ctx, needed), &failed);
    if (ctx.json)
        printJson(ctx, QJsonObject{{key, rows}, {QStringLiteral("problems"), problems}});
    else
        *ctx.out << table.render();
    return failed ? ExitBackend : ExitOk;
}

template <typename T, typename Less>
QList<T> sortedValues(const QHash<QString, T> &h, Less less)
{
    QList<T> list = h.values();
    std::sort(list.begin(), list.end(), less);
    return list;
}

} // namespace

QString checkOptions(const QCommandLineParser &parser)
{
    const auto whole = [&parser](const char *name, qlonglong min, qlonglong max) -> QString {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key))
            return {};
        const QString v = parser.value(key);
        bool ok = false;
        const qlonglong n = v.trimmed().toLongLong(&ok);
        if (ok && n >= min && n <= max)
            return {};
        return QStringLiteral("--%1 takes a whole number from %2 to %3, not \"%4\"")
            .arg(key)
            .arg(min)
            .arg(max)
            .arg(v);
    };
    for (const QString &problem :
         {whole("limit", 1, std::numeric_limits<int>::max()), whole("timeout", 1, 86400)})
        if (!problem.isEmpty())
            return problem;
    if (parser.isSet(QStringLiteral("status"))) {
        QStringList statuses;
        for (int i = int(RunStatus::Unknown); i <= int(RunStatus::Skipped); ++i)
            statuses << toString(RunStatus(i));
        const QString v = parser.value(QStringLiteral("status"));
        if (!statuses.contains(v, Qt::CaseInsensitive))
            return QStringLiteral("--status takes one of %1, not \"%2\"")
                .arg(statuses.join(QStringLiteral(", ")), v);
    }
    if (parser.isSet(QStringLiteral("log-level"))) {
        const QString v = parser.value(QStringLiteral("log-level"));
        spdlog::level::level_enum level{};
        if (!parseLogLevel(v, &level))
            return QStringLiteral("--log-level takes one of trace, debug, info, warn, error, "
                                  "critical, off, not \"%1\"")
                .arg(v);
    }
    return {};
}

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
        QString rate;
        if (h.state == ConnectionHealth::State::RateLimited && h.rateLimitedUntil.isValid())
            rate = QStringLiteral("limited until %1")
                       .arg(h.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm")));
        else if (h.rateLimitLimit > 0)
            rate = QStringLiteral("%1/%2").arg(h.rateLimitRemaining).arg(h.rateLimitLimit);
        // Data age counts from the last read that succeeded, not from when a failed read ended.
        const ConnectionOutcome outcome = ctx.outcomes.value(id);
        allOk = allOk && outcome.fresh;
        QJsonObject o = toJson(h);
        o.insert(QStringLiteral("connection"), id);
        o.insert(QStringLiteral("kind"), ctx.session->connectionKind(id));
        o.insert(QStringLiteral("synced"), e->isSynced(id));
        const ConnectionDef *def = ctx.session->workspace().connection(id);
        const bool unverifiedTls = def && def->insecure;
        o.insert(QStringLiteral("tlsVerified"), !unverifiedTls);
        o.insert(QStringLiteral("fresh"), outcome.fresh);
        o.insert(QStringLiteral("dataTime"), outcome.lastGoodRead.isValid()
                                                 ? QJsonValue(dateToJson(outcome.lastGoodRead))
                                                 : QJsonValue(QJsonValue::Null));
        arr.append(o);
        QString data;
        if (outcome.fresh)
            data = age(outcome.lastGoodRead);
        else if (outcome.lastGoodRead.isValid())
            data = QStringLiteral("STALE, read %1").arg(age(outcome.lastGoodRead));
        else
            data = e->isSynced(id) ? QStringLiteral("never read") : QStringLiteral("not synced");
        // tls.insecure is shown on every status, never only logged.
        const QString health = unverifiedTls
                                   ? toString(h.state) + QStringLiteral(", TLS NOT VERIFIED")
                                   : toString(h.state);
        t.addRow({id, ctx.session->connectionKind(id), health, rate, data, h.reason});
    }
    if (ctx.json)
        printJson(ctx, arr);
    else
        *ctx.out << t.render();
    for (const auto &p : e->problems())
        if (!ctx.json)
            *ctx.out << "problem: " << p.connectionId << ": " << p.where << ": " << p.message
                     << '\n';
    if (!opt(ctx, QStringLiteral("backend")).isEmpty()) {
        bool failed = false;
        for (const QString &id : askedFor(ctx, ~0))
            failed = failed || !ctx.outcomes.value(id).fresh;
        return failed ? ExitBackend : ExitOk;
    }
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
    const Capabilities needed = int(Capability::Pipelines);
    const bool marks = anyStale(ctx, needed);
    QJsonArray arr;
    TextTable t(
        withMark({QStringLiteral("BACKEND"), QStringLiteral("SERVICE"), QStringLiteral("PIPELINE"),
                  QStringLiteral("#"), QStringLiteral("BRANCH"), QStringLiteral("COMMIT"),
                  QStringLiteral("ACTOR"), QStringLiteral("STATUS"), QStringLiteral("STAGES"),
                  QStringLiteral("DURATION"), QStringLiteral("STARTED"), QStringLiteral("ID")},
                 marks));
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
        QJsonObject o = toJson(r);
        o.insert(QStringLiteral("stale"), isStaleRow(ctx, r.connectionId));
        arr.append(o);
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
        QStringList row{ctx.session->connectionKind(r.connectionId),
                        r.service,
                        r.pipeline,
                        r.number,
                        r.branch,
                        r.commit.left(8),
                        r.actor,
                        toString(r.status),
                        stages,
                        duration(ms),
                        age(r.started.isValid() ? r.started : r.created),
                        r.key()};
        if (marks)
            row << staleMark(ctx, r.connectionId);
        t.addRow(row);
    }
    return finishRead(ctx, QStringLiteral("runs"), arr, t, needed);
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
    const Capabilities needed = int(Capability::Environments) | int(Capability::Deployments);
    const bool marks = anyStale(ctx, needed);
    QJsonArray arr;
    TextTable t(
        withMark({QStringLiteral("SERVICE"), QStringLiteral("ENV"), QStringLiteral("VERSION"),
                  QStringLiteral("COMMIT"), QStringLiteral("HEALTH"), QStringLiteral("SYNC"),
                  QStringLiteral("CANARY"), QStringLiteral("DEPLOYED"), QStringLiteral("BY"),
                  QStringLiteral("BACKEND")},
                 marks));
    for (const EnvironmentState &e : envs) {
        if (!backendMatches(ctx, e.connectionId) ||
            !matches(opt(ctx, QStringLiteral("service")), e.service) ||
            !matches(opt(ctx, QStringLiteral("env")), e.environment))
            continue;
        QJsonObject o = toJson(e);
        o.insert(QStringLiteral("stale"), isStaleRow(ctx, e.connectionId));
        arr.append(o);
        QString sync = toString(e.sync);
        if (e.driftCount > 0)
            sync += QStringLiteral(" (%1 drifted)").arg(e.driftCount);
        QStringList row{e.service,
                        e.environment,
                        e.version,
                        e.commit.left(8),
                        toString(e.health),
                        sync,
                        e.canaryWeight >= 0 ? QStringLiteral("%1%").arg(e.canaryWeight) : QString(),
                        age(e.deployedAt),
                        e.deployedBy,
                        ctx.session->connectionKind(e.connectionId) + QLatin1Char(':') +
                            e.connectionId};
        if (marks)
            row << staleMark(ctx, e.connectionId);
        t.addRow(row);
    }
    return finishRead(ctx, QStringLiteral("envs"), arr, t, needed);
}

int runApprovals(CtlContext &ctx)
{
    if (int rc = openSession(ctx))
        return rc;
    const auto gates =
        sortedValues(ctx.session->estate()->gates(), [](const Gate &a, const Gate &b) {
            return a.since != b.since ? a.since < b.since : a.key() < b.key();
        });
    const Capabilities needed = int(Capability::Approvals);
    const bool marks = anyStale(ctx, needed);
    QJsonArray arr;
    TextTable t(withMark({QStringLiteral("GATE"), QStringLiteral("KIND"), QStringLiteral("SERVICE"),
                          QStringLiteral("ENV"), QStringLiteral("WHAT"), QStringLiteral("SINCE"),
                          QStringLiteral("APPROVERS")},
                         marks));
    for (const Gate &g : gates) {
        if (!backendMatches(ctx, g.connectionId) ||
            !matches(opt(ctx, QStringLiteral("service")), g.service) ||
            !matches(opt(ctx, QStringLiteral("env")), g.environment))
            continue;
        QJsonObject o = toJson(g);
        o.insert(QStringLiteral("stale"), isStaleRow(ctx, g.connectionId));
        arr.append(o);
        QStringList row{g.key(),
                        toString(g.kind),
                        g.service,
                        g.environment,
                        g.title,
                        age(g.since),
                        g.approvers.join(QStringLiteral(", "))};
        if (marks)
            row << staleMark(ctx, g.connectionId);
        t.addRow(row);
    }
    return finishRead(ctx, QStringLiteral("approvals"), arr, t, needed);
}

int runCanary(CtlContext &ctx)
{
    const QString service = ctx.args.value(0);
    const QString env = ctx.args.value(1);
    if (int rc = openSession(ctx, service, env))
        return rc;
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
    bool failed = false;
    reportProblems(ctx, askedFor(ctx, int(Capability::Canary)), &failed);
    if (failed || (arr.isEmpty() && !service.isEmpty()))
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
    if (ctx.parser->isSet(QStringLiteral("override-lock")))
        action.options.insert(QStringLiteral("overrideLock"), true);
    action.actor = ctx.parser->isSet(QStringLiteral("as"))
                       ? ctx.parser->value(QStringLiteral("as"))
                       : qEnvironmentVariable("USER", QStringLiteral("operator"));

    if (int rc = openSession(ctx, action.service, action.environment, CacheUse::LiveOnly))
        return rc;
    ActionRunner *runner = ctx.session->actions();
    // With --json, stdout carries one JSON document and nothing else: the plan, prompts and
    // refusals go to stderr, and a refusal is also the JSON answer.
    QTextStream &talk = ctx.json ? *ctx.err : *ctx.out;
    const auto refuse = [&ctx](const QString &message) {
        *ctx.err << "refused: " << message << '\n';
        if (ctx.json)
            printJson(ctx, QJsonObject{{QStringLiteral("ok"), false},
                                       {QStringLiteral("refused"), true},
                                       {QStringLiteral("message"), message}});
        return ExitBackend;
    };
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
    talk << planText(prepared);
    talk.flush();
    if (ctx.parser->isSet(QStringLiteral("dry-run")))
        return prepared.plan.feasible ? ExitOk : ExitBackend;
    Confirmation confirmation;
    confirmation.typedEnvironment = opt(ctx, QStringLiteral("confirm"));
    confirmation.overrideReason = opt(ctx, QStringLiteral("reason"));
    // What was typed counts: a blocked plan names only what still stands in the way.
    if (prepared.blocked())
        return refuse(ActionRunner::refusals(prepared, confirmation).join(QStringLiteral("; ")));
    const bool yes = ctx.parser->isSet(QStringLiteral("yes"));
    const bool tty = isatty(fileno(stdin));
    if (prepared.protectedEnvironment && confirmation.typedEnvironment.isEmpty()) {
        if (!tty)
            return refuse(QStringLiteral("%1 is protected: pass --yes --confirm %1")
                              .arg(prepared.action.environment));
        talk << "Type the environment name (" << prepared.action.environment << ") to confirm: ";
        talk.flush();
        confirmation.typedEnvironment = readLine();
    } else if (!yes && !prepared.protectedEnvironment) {
        if (!tty)
            return refuse(QStringLiteral("not confirmed: pass --yes"));
        talk << "Proceed? [y/N] ";
        talk.flush();
        if (readLine().compare(QLatin1String("y"), Qt::CaseInsensitive) != 0)
            return refuse(QStringLiteral("cancelled"));
    }
    if (prepared.frozen && confirmation.overrideReason.isEmpty() && tty) {
        talk << "Frozen (" << prepared.freezeReason << "). Reason to override: ";
        talk.flush();
        confirmation.overrideReason = readLine();
    }

    // Chat hears of the action; nothing here waits on chat to send or refuses for it.
    const auto chat = CtlChatNotices::create(ctx.session);
    if (chat)
        chat->beforeAction(prepared);
    if (ctx.parser->isSet(QStringLiteral("announce"))) {
        if (chat)
            chat->announce(prepared, talk);
        else
            talk << "chat: --announce: the workspace has no notify: target\n";
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
    if (!expected)
        return refuse(why);
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
    if (chat)
        chat->afterAction(prepared, done && result.ok, talk);
    return done && result.ok ? ExitOk : ExitBackend;
}

} // namespace fd
