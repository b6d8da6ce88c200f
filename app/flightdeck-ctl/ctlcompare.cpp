#include "ctlcompare.h"

#include "texttable.h"

#include "compare/compareengine.h"
#include "compare/comparemodels.h"
#include "compare/comparereport.h"
#include "compare/managedfetch.h"
#include "estate/estate.h"
#include "estate/session.h"

#include <QEventLoop>
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
        for (const bool isA : {true, false}) {
            if (!s.drifted(isA))
                continue;
            const QString &env = isA ? r.envA : r.envB;
            const int n = s.driftedResources(isA);
            drift.append(n > 0 ? QStringLiteral("%1(%2)").arg(env).arg(n) : env);
        }
        table.addRow(
            {s.service, sideText(s.a), sideText(s.b), gap(s),
             s.config.hasSource() ? QString::number(s.config.realChanges()) : QStringLiteral("-"),
             drift.isEmpty() ? QStringLiteral("-") : drift.join(u','),
             QString::number(s.problems.size())});
    }
    out << table.render();
    for (const ServiceComparison &s : r.services) {
        if (s.commits.commits.isEmpty() && s.commits.missing.isEmpty() && s.problems.isEmpty() &&
            s.config.realChanges() == 0 && s.driftA.isEmpty() && s.driftB.isEmpty())
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
        for (const ImagePair &i : s.config.images)
            if (i.differs())
                out << "  ~ image " << i.name << ": " << (i.a.isEmpty() ? QStringLiteral("-") : i.a)
                    << " -> " << (i.b.isEmpty() ? QStringLiteral("-") : i.b) << '\n';
        for (const ResourceDrift &d : s.driftA + s.driftB) {
            out << "  # drift " << d.environment << ' ' << d.label() << ": "
                << ResourceDriftModel::stateText(d) << '\n';
            for (const ConfigChange &c : d.changes)
                out << "      " << c.path << ": desired " << c.a << ", live "
                    << (c.b.isEmpty() ? QStringLiteral("(absent)") : c.b) << '\n';
        }
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

    CompareRequest request =
        makeCompareRequest(ctx.session->workspace(), *ctx.session->estate(), envA, envB,
                           only.isEmpty() ? QStringList() : QStringList{only});
    if (ManagedResourceFetch::needed(request)) {
        // Argo CD's desired and live manifests are read on demand: the loop turns until every
        // application answered or timed out.
        Session *session = ctx.session;
        ManagedResourceFetch fetch([session](const QString &id) { return session->backend(id); });
        fetch.setTimeout(timeout > 0 ? timeout : 15000);
        QEventLoop loop;
        QObject::connect(&fetch, &ManagedResourceFetch::finished, &loop,
                         [&](const CompareRequest &filled) {
                             request = filled;
                             loop.quit();
                         });
        fetch.start(request);
        loop.exec();
    }
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
