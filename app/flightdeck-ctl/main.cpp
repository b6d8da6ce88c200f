#include "ctlcommands.h"
#include "ctlcompare.h"
#include "ctlincident.h"
#include "ctllock.h"
#include "terminaltext.h"

#include "estate/session.h"
#include "logging/logging.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace fd;

namespace {

const char *const usageText =
    R"(Usage: flightdeck-ctl [--workspace FILE] [--json] COMMAND [ARGS] [OPTIONS]

Reading:
  validate                      check the workspace; list every problem
  plugins                       backend plugins found, versions, capabilities, load errors
  status                        health and rate-limit state of every connection
  runs                          runs of every backend   [--service S --env E --backend B --status S --branch B --limit N]
  envs                          what runs where         [--service S --env E --backend B]
  approvals                     gates waiting for a human  [--service S --env E --backend B]
  canary [SERVICE ENV]          rollout state, steps and weights
  incident list | show ID       incidents; one with its phases, suspects and notes
  incident export ID [--out FILE]   the postmortem as Markdown (stdout without --out);
                                with --out, the timeline chart as a PNG beside it
  dora                          DORA metrics and weekly trends  [--service S --env E --weeks N]
  compare [A B]                 what is in A that is not in B: versions, commits, config, drift  [--service S] [--json | --markdown]

Acting (each prints its plan first; --dry-run stops there):
  promote SERVICE ENV [--version V] [--full]
  pause | resume | abort | retry | restart SERVICE ENV
  rollback SERVICE ENV [--to HISTORY_ID] [--version V]
  sync SERVICE ENV [--revision R]
  approve | reject GATE_ID | SERVICE ENV --comment TEXT
  cancel | rerun RUN_ID
  incident declare --title T --severity sev1..sev4 --service S [--service S2] [--env E]
  incident phase ID reported|mitigated|recovered|postmortem
  incident note ID TEXT
  lock SERVICE ENV --reason TEXT   hold the target: promote and rollback refuse, naming you
  unlock SERVICE ENV            release it   |   locks [--service S --env E]   who holds what
  A locked target needs --override-lock --reason TEXT to promote or roll back.
  Protected environments need --yes --confirm ENVNAME (or the name typed at the prompt);
  freeze windows need --reason TEXT.

Exit codes: 0 ok (everything asked for answered, nothing stale), 2 usage, 3 workspace error,
4 backend error, refused, or a read where a connection asked for could not answer (its rows
are then marked stale, or missing; stderr and "problems" in --json say which and why).
)";

} // namespace

int main(int argc, char *argv[])
{
    // `incident export` draws the timeline chart, which needs a GUI application; it renders
    // off screen, so the terminal's display (or the lack of one) does not matter.
    bool drawsCharts = false;
    for (int i = 1; i + 1 < argc; ++i)
        drawsCharts = drawsCharts || (std::strcmp(argv[i], "incident") == 0 &&
                                      std::strcmp(argv[i + 1], "export") == 0);
    if (drawsCharts)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> application =
        drawsCharts ? std::make_unique<QApplication>(argc, argv)
                    : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("flightdeck"));
    QCoreApplication::setOrganizationName(QStringLiteral("flightdeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FD_VERSION));

    TerminalSafeDevice stdoutDevice(stdout);
    TerminalSafeDevice stderrDevice(stderr);
    QTextStream out(&stdoutDevice);
    QTextStream err(&stderrDevice);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Flightdeck release control from the terminal"));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const auto valueOpt = [](const char *name, const char *help, const char *value) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                  QString::fromLatin1(value));
    };
    const auto flag = [](const char *name, const char *help) {
        return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help));
    };
    parser.addOptions({
        valueOpt("workspace", "Workspace file.", "FILE"),
        flag("json", "Machine-readable output (stable, documented in README)."),
        valueOpt("log-level", "trace|debug|info|warn|error|off (default warn).", "LEVEL"),
        valueOpt("store", "Store path or postgresql:// URL (default: the data directory).", "PATH"),
        valueOpt("timeout", "Seconds to wait for the first read of every connection (default 30).",
                 "S"),
        valueOpt("service", "Only this service.", "S"),
        valueOpt("env", "Only this environment.", "E"),
        valueOpt("backend", "Only this connection id or kind.", "B"),
        valueOpt("status", "Only runs with this status.", "S"),
        valueOpt("branch", "Only runs on this branch.", "B"),
        valueOpt("limit", "At most N rows.", "N"),
        valueOpt("version", "Version to promote or roll back to.", "V"),
        valueOpt("to", "Rollback target (history id).", "ID"),
        valueOpt("revision", "Revision to sync to.", "R"),
        valueOpt("comment", "Comment for approve/reject.", "TEXT"),
        valueOpt("reason", "Reason (required to override a freeze window).", "TEXT"),
        valueOpt("confirm", "The protected environment's name, typed.", "ENV"),
        valueOpt("as", "Who acts (default $USER).", "NAME"),
        valueOpt("title", "incident declare: the incident's title.", "TEXT"),
        valueOpt("severity", "incident declare: sev1, sev2, sev3 or sev4.", "SEV"),
        valueOpt("out", "incident export: write the postmortem to this file.", "FILE"),
        valueOpt("weeks", "dora: length of the period in weeks (default 12).", "N"),
        flag("full", "promote: all the way (skip remaining steps)."),
        flag("override-lock", "promote/rollback: act on a locked target (needs --reason)."),
        flag("dry-run", "Print the plan and stop."),
        flag("announce", "promote: post the change notice to the workspace's chat first."),
        flag("yes", "Do not ask for confirmation (protected environments still need --confirm)."),
        flag("markdown", "compare: the report as Markdown."),
        flag("help", "Show this help."),
    });
    // `--version` alone prints the version; with a command it is the action's version value.
    if (QCoreApplication::arguments().size() == 2 &&
        QCoreApplication::arguments().at(1) == QLatin1String("--version")) {
        out << "flightdeck-ctl " << FD_VERSION << '\n';
        return ExitOk;
    }
    if (!parser.parse(QCoreApplication::arguments())) {
        err << "flightdeck-ctl: " << parser.errorText() << "\n" << usageText;
        return ExitUsage;
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help"))) {
        out << usageText;
        return ExitOk;
    }
    if (positional.isEmpty()) {
        err << usageText;
        return ExitUsage;
    }
    if (const QString problem = checkOptions(parser); !problem.isEmpty()) {
        err << "flightdeck-ctl: " << problem << '\n';
        return ExitUsage;
    }

    LogOptions lo;
    lo.level = parser.value(QStringLiteral("log-level"));
    if (lo.level.isEmpty() && qEnvironmentVariableIsEmpty("FLIGHTDECK_LOG_LEVEL"))
        lo.level = QStringLiteral("warn");
    installLogging(lo);

    Session session;
    CtlContext ctx;
    ctx.parser = &parser;
    ctx.args = positional.mid(1);
    ctx.json = parser.isSet(QStringLiteral("json"));
    ctx.out = &out;
    ctx.err = &err;
    ctx.session = &session;

    const QString cmd = positional.first();
    int rc = ExitUsage;
    if (cmd == QLatin1String("validate"))
        rc = runValidate(ctx);
    else if (cmd == QLatin1String("plugins"))
        rc = runPlugins(ctx);
    else if (cmd == QLatin1String("status"))
        rc = runStatus(ctx);
    else if (cmd == QLatin1String("runs"))
        rc = runRuns(ctx);
    else if (cmd == QLatin1String("envs"))
        rc = runEnvs(ctx);
    else if (cmd == QLatin1String("approvals"))
        rc = runApprovals(ctx);
    else if (cmd == QLatin1String("canary"))
        rc = runCanary(ctx);
    else if (cmd == QLatin1String("incident"))
        rc = runIncident(ctx);
    else if (cmd == QLatin1String("dora"))
        rc = runDora(ctx);
    else if (cmd == QLatin1String("compare"))
        rc = runCompare(ctx);
    else if (cmd == QLatin1String("lock") || cmd == QLatin1String("unlock") ||
             cmd == QLatin1String("locks"))
        rc = runLock(ctx, cmd);
    else if (actionCommands().contains(cmd))
        rc = runAction(ctx, cmd);
    else
        err << "flightdeck-ctl: unknown command \"" << cmd << "\"\n" << usageText;
    out.flush();
    err.flush();
    session.stop();
    flushLogs();
    return rc;
}
