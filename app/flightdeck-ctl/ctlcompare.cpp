#include "ctlcompare.h"

#include "texttable.h"

#include "compare/compareengine.h"
#include "compare/comparereport.h"
#include "estate/estate.h"
#include "estate/session.h"

#include <QJsonDocument>

namespace fd {

namespace {

QString sideText(const EnvironmentSide &s)
{
    if (!s.present)
        return QStringLiteral("-");
    QString t = s.version.isEmpty() ? s.commit.left(8) : s.version;
    if (s.deployedAt.isValid())
        t += QStringLiteral(" (%1)").arg(
            formatDuration(s.deployedAt.secsTo(QDateTime::currentDateTimeUtc())));
    return t;
}

QString gap(const ServiceComparison &s)
{
    if (!s.relationFromGit || s.relation == VersionRelation::Same ||
        s.relation == VersionRelation::Missing)
        return toString(s.relation);
    if (s.relation == VersionRelation::Diverged)
        return QStringLiteral("diverged +%1/-%2").arg(s.commits.ahead).arg(s.commits.behind);
    return QStringLiteral("%1 %2")
        .arg(toString(s.relation))
        .arg(s.relation == VersionRelation::Ahead ? s.commits.ahead : s.commits.behind);
}

void printText(CtlContext &ctx, const CompareReport &r)
{
    QTextStream &out = *ctx.out;
    TextTable table({QStringLiteral("SERVICE"), r.envA.toUpper(), r.envB.toUpper(),
                     QStringLiteral("GAP"), QStringLiteral("CONFIG"), QStringLiteral("DRIFT"),
                     QStringLiteral("PROBLEMS")});
    for (const ServiceComparison &s : r.services) {
        QStringList drift;
        if (s.a.drifted())
            drift.append(r.envA);
        if (s.b.drifted())
            drift.append(r.envB);
        table.addRow(
            {s.service, sideText(s.a), sideText(s.b), gap(s),
             s.config.hasSource() ? QString::number(s.config.realChanges()) : QStringLiteral("-"),
             drift.isEmpty() ? QStringLiteral("-") : drift.join(u','),
             QString::number(s.problems.size())});
    }
    out << table.render();
    for (const ServiceComparison &s : r.services) {
        if (s.commits.commits.isEmpty() && s.commits.missing.isEmpty() && s.problems.isEmpty() &&
            s.config.realChanges() == 0)
            continue;
        out << '\n' << s.service << ":\n";
        for (const CommitRecord &c : s.commits.commits)
            out << "  + " << c.shortSha() << ' '
                << (c.change.isValid() ? c.change.text() + u' ' : QString()) << c.subject << " ("
                << c.author << ", lead " << formatDuration(c.leadTimeSecs) << ")\n";
        for (const CommitRecord &c : s.commits.missing)
            out << "  - " << c.shortSha() << ' '
                << (c.change.isValid() ? c.change.text() + u' ' : QString()) << c.subject << " ("
                << c.author << ")\n";
        for (const ConfigChange &c : s.config.changes)
            if (c.kind != ConfigChange::Kind::Normalized)
                out << "  ~ "
                    << QString(c.file).replace(QStringLiteral("<env>"), QStringLiteral("*")) << ' '
                    << (c.path.isEmpty() ? QStringLiteral("(file)") : c.path) << ": "
                    << (c.a.isEmpty() ? QStringLiteral("-") : c.a) << " -> "
                    << (c.b.isEmpty() ? QStringLiteral("-") : c.b) << '\n';
        for (const QString &p : s.problems)
            out << "  ! " << p << '\n';
    }
}

} // namespace

int runCompare(CtlContext &ctx)
{
    const bool markdown = ctx.parser->isSet(QStringLiteral("markdown"));
    if (markdown && ctx.json) {
        *ctx.err << "flightdeck-ctl compare: --json and --markdown exclude each other\n";
        return ExitUsage;
    }
    if (ctx.args.size() == 1 || ctx.args.size() > 2) {
        *ctx.err << "usage: flightdeck-ctl compare [A B] [--service S] [--json | --markdown]\n";
        return ExitUsage;
    }
    ctx.workspaceFile = findWorkspace(ctx.parser->value(QStringLiteral("workspace")));
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
    const QStringList envs = ctx.session->workspace().environmentNames();
    auto [envA, envB] = defaultCompareEnvironments(envs);
    if (ctx.args.size() == 2) {
        envA = ctx.args.at(0);
        envB = ctx.args.at(1);
    }
    for (const QString &e : {envA, envB}) {
        if (!envs.contains(e)) {
            *ctx.err << "flightdeck-ctl compare: unknown environment \"" << e
                     << "\" (known: " << envs.join(QStringLiteral(", ")) << ")\n";
            return ExitUsage;
        }
    }
    const QString only = ctx.parser->value(QStringLiteral("service"));
    if (!only.isEmpty() && !ctx.session->workspace().service(only)) {
        *ctx.err << "flightdeck-ctl compare: unknown service \"" << only << "\"\n";
        return ExitUsage;
    }

    const int timeout = ctx.parser->value(QStringLiteral("timeout")).toInt() * 1000;
    ctx.session->start();
    if (!ctx.session->waitForSync(timeout > 0 ? timeout : 30000))
        for (const QString &id : ctx.session->connectionIds())
            if (!ctx.session->estate()->isSynced(id))
                *ctx.err << "warning: connection " << id << " did not finish its first read\n";

    const CompareRequest request =
        makeCompareRequest(ctx.session->workspace(), *ctx.session->estate(), envA, envB,
                           only.isEmpty() ? QStringList() : QStringList{only});
    // The terminal has no event loop to keep alive: the walk runs right here.
    RepositoryCache cache;
    const CompareReport report = compareAll(cache, request);
    if (ctx.json)
        *ctx.out << QString::fromUtf8(
            QJsonDocument(compareToJson(report)).toJson(QJsonDocument::Indented));
    else if (markdown)
        *ctx.out << compareToMarkdown(report, QDateTime::currentDateTimeUtc());
    else
        printText(ctx, report);
    ctx.out->flush();
    return ExitOk;
}

} // namespace fd
