#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace fd {

class Session;

/// Exit codes of flightdeck-ctl (documented in README).
enum CtlExit { ExitOk = 0, ExitUsage = 2, ExitWorkspace = 3, ExitBackend = 4 };

/// Everything one invocation needs: parsed options, output streams, and the session once open.
struct CtlContext
{
    QCommandLineParser *parser = nullptr;
    QStringList args; // positional arguments after the command
    bool json = false;
    QString workspaceFile;
    QTextStream *out = nullptr;
    QTextStream *err = nullptr;
    Session *session = nullptr;
};

/// Finds the workspace: --workspace, $FLIGHTDECK_WORKSPACE, ./flightdeck.yaml, XDG config.
QString findWorkspace(const QString &given);

int runValidate(CtlContext &ctx);
int runPlugins(CtlContext &ctx);
int runStatus(CtlContext &ctx);
int runRuns(CtlContext &ctx);
int runEnvs(CtlContext &ctx);
int runApprovals(CtlContext &ctx);
int runCanary(CtlContext &ctx);
/// promote pause resume abort retry rollback approve reject cancel rerun sync restart
int runAction(CtlContext &ctx, const QString &verb);

QStringList actionCommands();

} // namespace fd
