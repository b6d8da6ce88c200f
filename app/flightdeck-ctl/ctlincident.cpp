#include "ctlincident.h"

#include "ctlnotify.h"
#include "texttable.h"

#include "domain/json.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "git/repositorycache.h"
#include "incidents/incidentlog.h"
#include "incidents/postmortem.h"
#include "incidents/postmortemexport.h"
#include "logging/redactor.h"
#include "metrics/doraengine.h"
#include "metrics/dorahistory.h"
#include "store/store.h"
#include "timeline/timeline.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace fd {

namespace {

void printJson(CtlContext &ctx, const QJsonValue &v)
{
    const QJsonDocument doc =
        v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    *ctx.out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

QString value(const CtlContext &ctx, const char *name)
{
    return ctx.parser->value(QString::fromLatin1(name));
}

QString clean(const QString &s)
{
    return Redactor::instance().redact(s);
}

QString when(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                       : QStringLiteral("—");
}

/// Opens the workspace and the store; backends start only when @p live.
int open(CtlContext &ctx, bool live)
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
        *ctx.err << "flightdeck-ctl: the store could not be opened; incidents and the timeline "
                    "live there\n";
        return ExitWorkspace;
    }
    pruneTimeline(*ctx.session->store(), ctx.session->workspace(), QDateTime::currentDateTimeUtc());
    if (live) {
        const int timeout = value(ctx, "timeout").toInt() * 1000;
        ctx.session->start();
        if (!ctx.session->waitForSync(timeout > 0 ? timeout : 30000))
            *ctx.err << "warning: not every connection finished its first read; figures use the "
                        "cached estate\n";
    }
    return ExitOk;
}

QJsonObject incidentJson(const Incident &i)
{
    return {{QStringLiteral("id"), i.id},
            {QStringLiteral("title"), clean(i.title)},
            {QStringLiteral("severity"), i.severity},
            {QStringLiteral("services"), QJsonArray::fromStringList(i.services)},
            {QStringLiteral("environment"), i.environment},
            {QStringLiteral("phase"), toString(i.phase)},
            {QStringLiteral("detectedAt"), dateToJson(i.detectedAt)},
            {QStringLiteral("reportedAt"), dateToJson(i.reportedAt)},
            {QStringLiteral("mitigatedAt"), dateToJson(i.mitigatedAt)},
            {QStringLiteral("recoveredAt"), dateToJson(i.recoveredAt)},
            {QStringLiteral("summary"), clean(i.summary)}};
}

bool incidentId(CtlContext &ctx, qint64 *id)
{
    bool ok = false;
    *id = ctx.args.value(1).toLongLong(&ok);
    if (!ok || *id <= 0) {
        *ctx.err << "flightdeck-ctl: incident " << ctx.args.value(0)
                 << ": give the incident number (see `incident list`)\n";
        return false;
    }
    return true;
}

int list(CtlContext &ctx)
{
    QString err;
    auto all = ctx.session->store()->incidents(&err);
    if (!all) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitBackend;
    }
    if (ctx.json) {
        QJsonArray arr;
        for (const Incident &i : *all)
            arr << incidentJson(i);
        printJson(ctx, arr);
        return ExitOk;
    }
    TextTable t({QStringLiteral("ID"), QStringLiteral("SEVERITY"), QStringLiteral("PHASE"),
                 QStringLiteral("DETECTED"), QStringLiteral("SERVICES"), QStringLiteral("ENV"),
                 QStringLiteral("TITLE")},
                60);
    for (const Incident &i : *all)
        t.addRow({QString::number(i.id), i.severity, toString(i.phase), when(i.detectedAt),
                  i.services.join(QLatin1Char(',')), i.environment, clean(i.title)});
    *ctx.out << (t.isEmpty() ? QStringLiteral("no incidents\n") : t.render());
    return ExitOk;
}

int show(CtlContext &ctx)
{
    qint64 id = 0;
    if (!incidentId(ctx, &id))
        return ExitUsage;
    QString err;
    auto d = collectPostmortem(*ctx.session->store(), ctx.session->workspace(), id,
                               QDateTime::currentDateTimeUtc(), &err);
    if (!d) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitBackend;
    }
    const QDateTime start = d->suspects.isEmpty() ? QDateTime() : d->suspects.first().change.time;
    const IncidentDurations du = incidentDurations(d->incident, start);
    if (ctx.json) {
        QJsonObject o = incidentJson(d->incident);
        QJsonArray notes;
        for (const IncidentNote &n : d->notes)
            notes << QJsonObject{{QStringLiteral("time"), dateToJson(n.time)},
                                 {QStringLiteral("author"), clean(n.author)},
                                 {QStringLiteral("text"), clean(n.text)}};
        QJsonArray suspects;
        for (const Suspect &s : d->suspects)
            suspects << QJsonObject{{QStringLiteral("score"), s.score},
                                    {QStringLiteral("service"), s.change.service},
                                    {QStringLiteral("environment"), s.change.environment},
                                    {QStringLiteral("version"), s.change.version},
                                    {QStringLiteral("kind"), s.changeKind},
                                    {QStringLiteral("time"), dateToJson(s.change.time)},
                                    {QStringLiteral("title"), clean(s.change.title)},
                                    {QStringLiteral("explanation"), clean(s.explanation)}};
        o.insert(QStringLiteral("notes"), notes);
        o.insert(QStringLiteral("suspects"), suspects);
        o.insert(QStringLiteral("secondsToDetect"), du.toDetect);
        o.insert(QStringLiteral("secondsToMitigate"), du.toMitigate);
        o.insert(QStringLiteral("secondsToRestore"), du.toRestore);
        printJson(ctx, o);
        return ExitOk;
    }
    const Incident &i = d->incident;
    *ctx.out << "#" << i.id << " " << clean(i.title) << "\n"
             << i.severity << " · " << toString(i.phase) << " · "
             << i.services.join(QStringLiteral(", "))
             << (i.environment.isEmpty() ? QString() : QStringLiteral(" in ") + i.environment)
             << "\n"
             << "detected " << when(i.detectedAt) << "  reported " << when(i.reportedAt)
             << "  mitigated " << when(i.mitigatedAt) << "  recovered " << when(i.recoveredAt)
             << "\n"
             << "time to mitigate " << durationText(du.toMitigate) << ", to restore "
             << durationText(du.toRestore) << "\n\nSuspects:\n";
    TextTable t({QStringLiteral("#"), QStringLiteral("SCORE"), QStringLiteral("CHANGE"),
                 QStringLiteral("SERVICE"), QStringLiteral("ENV"), QStringLiteral("WHEN"),
                 QStringLiteral("WHY")},
                90);
    int rank = 0;
    for (const Suspect &s : d->suspects)
        t.addRow({QString::number(++rank), QString::number(s.score, 'f', 1), clean(s.change.title),
                  s.change.service, s.change.environment, when(s.change.time),
                  clean(s.explanation)});
    *ctx.out << (t.isEmpty() ? QStringLiteral("none in the window before detection\n")
                             : t.render());
    if (!d->notes.isEmpty()) {
        *ctx.out << "\nNotes:\n";
        for (const IncidentNote &n : d->notes)
            *ctx.out << "  " << when(n.time) << "  " << clean(n.author) << ": " << clean(n.text)
                     << '\n';
    }
    return ExitOk;
}

int exportPostmortem(CtlContext &ctx)
{
    qint64 id = 0;
    if (!incidentId(ctx, &id))
        return ExitUsage;
    QString err;
    auto d = collectPostmortem(*ctx.session->store(), ctx.session->workspace(), id,
                               QDateTime::currentDateTimeUtc(), &err);
    if (!d) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitBackend;
    }
    const QString out = value(ctx, "out");
    if (out.isEmpty() || out == QLatin1String("-")) {
        // A chart cannot go to stdout with the text: only --out writes the PNG beside it.
        d->chartFile.clear();
        *ctx.out << postmortemMarkdown(*d);
        return ExitOk;
    }
    if (const QString why = writePostmortem(*d, out); !why.isEmpty()) {
        *ctx.err << "flightdeck-ctl: " << why << '\n';
        return ExitBackend;
    }
    const QFileInfo md(out);
    *ctx.err << "postmortem of incident " << id << " written to " << md.absoluteFilePath()
             << ", its timeline chart to " << md.absoluteDir().filePath(d->chartFile) << '\n';
    return ExitOk;
}

int declare(CtlContext &ctx)
{
    Incident i;
    i.title = value(ctx, "title");
    i.severity = value(ctx, "severity");
    for (const QString &s : ctx.parser->values(QStringLiteral("service")))
        for (const QString &part : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
            i.services << part.trimmed();
    i.environment = value(ctx, "env");
    const Workspace &ws = ctx.session->workspace();
    for (const QString &s : std::as_const(i.services))
        if (!ws.service(s)) {
            *ctx.err << "flightdeck-ctl: incident declare: no service \"" << s
                     << "\" in the workspace\n";
            return ExitUsage;
        }
    if (!i.environment.isEmpty() && !ws.environment(i.environment)) {
        *ctx.err << "flightdeck-ctl: incident declare: no environment \"" << i.environment
                 << "\" in the workspace\n";
        return ExitUsage;
    }
    QString actor = value(ctx, "as");
    if (actor.isEmpty())
        actor = qEnvironmentVariable("USER", QStringLiteral("operator"));
    IncidentLog log(ctx.session->store());
    QString err;
    const auto id = log.declare(i, actor, QDateTime::currentDateTimeUtc(), &err);
    if (!id) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitUsage;
    }
    if (ctx.json)
        printJson(ctx, QJsonObject{{QStringLiteral("id"), *id}});
    else
        *ctx.out << "declared incident " << *id << '\n';
    tellChatOfIncident(ctx.session, *id, ChatEvent::Kind::IncidentDeclared, actor, {},
                       ctx.json ? *ctx.err : *ctx.out);
    return ExitOk;
}

int phase(CtlContext &ctx)
{
    qint64 id = 0;
    if (!incidentId(ctx, &id))
        return ExitUsage;
    const QString name = ctx.args.value(2);
    const QStringList names{QStringLiteral("reported"), QStringLiteral("mitigated"),
                            QStringLiteral("recovered"), QStringLiteral("postmortem")};
    if (!names.contains(name)) {
        *ctx.err << "flightdeck-ctl: incident phase ID PHASE: PHASE is one of "
                 << names.join(QStringLiteral(", ")) << '\n';
        return ExitUsage;
    }
    QString actor = value(ctx, "as");
    if (actor.isEmpty())
        actor = qEnvironmentVariable("USER", QStringLiteral("operator"));
    const QString why =
        IncidentLog(ctx.session->store())
            .advance(id, incidentPhaseFromString(name), QDateTime::currentDateTimeUtc(), actor);
    if (!why.isEmpty()) {
        *ctx.err << "flightdeck-ctl: " << why << '\n';
        return ExitBackend;
    }
    *ctx.out << "incident " << id << " " << name << '\n';
    tellChatOfIncident(ctx.session, id, ChatEvent::Kind::IncidentPhase, actor, {}, *ctx.out);
    return ExitOk;
}

int note(CtlContext &ctx)
{
    qint64 id = 0;
    if (!incidentId(ctx, &id))
        return ExitUsage;
    const QString text = ctx.args.mid(2).join(QLatin1Char(' '));
    QString actor = value(ctx, "as");
    if (actor.isEmpty())
        actor = qEnvironmentVariable("USER", QStringLiteral("operator"));
    QString err;
    if (!IncidentLog(ctx.session->store())
             .addNote(id, actor, text, QDateTime::currentDateTimeUtc(), &err)) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitBackend;
    }
    *ctx.out << "note added to incident " << id << '\n';
    tellChatOfIncident(ctx.session, id, ChatEvent::Kind::IncidentNote, actor, text, *ctx.out);
    return ExitOk;
}

QJsonObject figuresJson(const DoraFigures &f)
{
    return {{QStringLiteral("deployments"), f.deployments},
            {QStringLiteral("attempts"), f.attempts},
            {QStringLiteral("failedChanges"), f.failedChanges},
            {QStringLiteral("deploysPerDay"), f.deploysPerDay},
            {QStringLiteral("deploymentFrequencyBand"), toString(f.frequencyBand)},
            {QStringLiteral("leadTimeSeconds"), f.leadTimeSecs},
            {QStringLiteral("leadTimeSamples"), f.leadTimeSamples},
            {QStringLiteral("leadTimeBand"), toString(f.leadTimeBand)},
            {QStringLiteral("changeFailureRate"), f.changeFailureRate},
            {QStringLiteral("changeFailureRateBand"), toString(f.failureBand)},
            {QStringLiteral("timeToRestoreSeconds"), f.timeToRestoreSecs},
            {QStringLiteral("restoreSamples"), f.restoreSamples},
            {QStringLiteral("timeToRestoreBand"), toString(f.restoreBand)}};
}

QString rateText(double r)
{
    return r < 0 ? QStringLiteral("—")
                 : QStringLiteral("%1 %").arg(QString::number(r * 100, 'f', 1));
}

} // namespace

int runIncident(CtlContext &ctx)
{
    const QString sub = ctx.args.value(0);
    static const QStringList subs{QStringLiteral("list"),   QStringLiteral("show"),
                                  QStringLiteral("export"), QStringLiteral("declare"),
                                  QStringLiteral("phase"),  QStringLiteral("note")};
    if (!subs.contains(sub)) {
        *ctx.err << "flightdeck-ctl: incident: give one of " << subs.join(QStringLiteral(", "))
                 << '\n';
        return ExitUsage;
    }
    // Declaring, showing and exporting read the backends first, so the timeline in the store
    // has the changes that came just before (the suspects); the rest only need the store.
    const bool live = sub == QLatin1String("declare") || sub == QLatin1String("show") ||
                      sub == QLatin1String("export");
    if (int rc = open(ctx, live))
        return rc;
    if (sub == QLatin1String("list"))
        return list(ctx);
    if (sub == QLatin1String("show"))
        return show(ctx);
    if (sub == QLatin1String("export"))
        return exportPostmortem(ctx);
    if (sub == QLatin1String("declare"))
        return declare(ctx);
    if (sub == QLatin1String("phase"))
        return phase(ctx);
    return note(ctx);
}

int runDora(CtlContext &ctx)
{
    bool ok = true;
    const int weeks =
        ctx.parser->isSet(QStringLiteral("weeks")) ? value(ctx, "weeks").toInt(&ok) : 12;
    if (!ok || weeks <= 0 || weeks > 520) {
        *ctx.err << "flightdeck-ctl: dora --weeks N: N is a number of weeks from 1 to 520\n";
        return ExitUsage;
    }
    if (int rc = open(ctx, true))
        return rc;
    const Workspace &ws = ctx.session->workspace();
    const QString service = value(ctx, "service");
    const QString env = value(ctx, "env");
    if (!service.isEmpty() && !ws.service(service)) {
        *ctx.err << "flightdeck-ctl: dora: no service \"" << service << "\" in the workspace\n";
        return ExitUsage;
    }
    if (!env.isEmpty() && !ws.environment(env)) {
        *ctx.err << "flightdeck-ctl: dora: no environment \"" << env << "\" in the workspace\n";
        return ExitUsage;
    }
    const QDateTime to = QDateTime::currentDateTimeUtc();
    const QDateTime from = to.addDays(-7 * weeks);
    DoraSources sources;
    QString err;
    if (!readDoraSources(*ctx.session, from, to, &sources, &err)) {
        *ctx.err << "flightdeck-ctl: " << err << '\n';
        return ExitBackend;
    }
    RepositoryCache git;
    QStringList notes;
    const DoraOptions options = doraOptions(ws, service, env, from, to);
    const DoraReport r = doraReport(doraInput(sources, ws, &git, &notes), options);

    if (ctx.json) {
        QJsonArray weeksJson;
        for (const DoraWeek &w : r.weeks) {
            QJsonObject o = figuresJson(w.figures);
            o.insert(QStringLiteral("week"), w.monday.toString(Qt::ISODate));
            weeksJson << o;
        }
        QJsonArray services;
        for (const auto &[name, f] : r.services) {
            QJsonObject o = figuresJson(f);
            o.insert(QStringLiteral("service"), name);
            services << o;
        }
        printJson(ctx, QJsonObject{{QStringLiteral("environment"), options.environment},
                                   {QStringLiteral("service"), service},
                                   {QStringLiteral("from"), dateToJson(from)},
                                   {QStringLiteral("to"), dateToJson(to)},
                                   {QStringLiteral("failureWindowHours"),
                                    double(options.failureWindowSecs) / 3600},
                                   {QStringLiteral("total"), figuresJson(r.total)},
                                   {QStringLiteral("weeks"), weeksJson},
                                   {QStringLiteral("services"), services},
                                   {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}});
        return ExitOk;
    }
    const DoraFigures &f = r.total;
    *ctx.out << "DORA for " << (service.isEmpty() ? QStringLiteral("all services") : service)
             << " in " << options.environment << ", " << weeks << " weeks to " << when(to)
             << "\n\n";
    TextTable t({QStringLiteral("METRIC"), QStringLiteral("VALUE"), QStringLiteral("BAND"),
                 QStringLiteral("BASIS")},
                70);
    t.addRow({QStringLiteral("deployment frequency"),
              QStringLiteral("%1 / week").arg(QString::number(f.deploysPerDay * 7, 'f', 2)),
              toString(f.frequencyBand),
              QStringLiteral("%1 successful deploys").arg(f.deployments)});
    t.addRow({QStringLiteral("lead time for changes"), durationText(f.leadTimeSecs),
              toString(f.leadTimeBand),
              QStringLiteral("median of %1 changes").arg(f.leadTimeSamples)});
    t.addRow({QStringLiteral("change failure rate"), rateText(f.changeFailureRate),
              toString(f.failureBand),
              QStringLiteral("%1 of %2 deploys").arg(f.failedChanges).arg(f.attempts)});
    t.addRow({QStringLiteral("time to restore"), durationText(f.timeToRestoreSecs),
              toString(f.restoreBand),
              QStringLiteral("median of %1 incidents").arg(f.restoreSamples)});
    *ctx.out << t.render();
    if (!r.weeks.isEmpty()) {
        *ctx.out << "\nWeekly:\n";
        TextTable w({QStringLiteral("WEEK"), QStringLiteral("DEPLOYS"), QStringLiteral("LEAD TIME"),
                     QStringLiteral("FAILURE RATE"), QStringLiteral("RESTORE")});
        for (const DoraWeek &wk : r.weeks)
            w.addRow({wk.monday.toString(Qt::ISODate), QString::number(wk.figures.deployments),
                      durationText(wk.figures.leadTimeSecs), rateText(wk.figures.changeFailureRate),
                      durationText(wk.figures.timeToRestoreSecs)});
        *ctx.out << w.render();
    }
    if (r.services.size() > 1) {
        *ctx.out << "\nPer service:\n";
        TextTable s({QStringLiteral("SERVICE"), QStringLiteral("DEPLOYS/WEEK"),
                     QStringLiteral("LEAD TIME"), QStringLiteral("FAILURE RATE"),
                     QStringLiteral("RESTORE")});
        for (const auto &[name, sf] : r.services)
            s.addRow({name,
                      QStringLiteral("%1 (%2)").arg(QString::number(sf.deploysPerDay * 7, 'f', 2),
                                                    toString(sf.frequencyBand)),
                      QStringLiteral("%1 (%2)").arg(durationText(sf.leadTimeSecs),
                                                    toString(sf.leadTimeBand)),
                      QStringLiteral("%1 (%2)").arg(rateText(sf.changeFailureRate),
                                                    toString(sf.failureBand)),
                      QStringLiteral("%1 (%2)").arg(durationText(sf.timeToRestoreSecs),
                                                    toString(sf.restoreBand))});
        *ctx.out << s.render();
    }
    for (const QString &n : std::as_const(notes))
        *ctx.err << "note: " << n << '\n';
    return ExitOk;
}

} // namespace fd
