#pragma once

#include <QCommandLineParser>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace fd {

class Session;

/// Exit codes of flightdeck-ctl (documented in README).
enum CtlExit { ExitOk = 0, ExitUsage = 2, ExitWorkspace = 3, ExitBackend = 4 };

/// How one connection answered this invocation's read.
struct ConnectionOutcome
{
    QString id;
    QString kind;
    bool fresh = false;     // finished its read and reports itself healthy
    QString state;          // health words when not fresh ("auth failed", "no answer in time")
    QString reason;         // the backend's own words
    QDateTime lastGoodRead; // its data was last confirmed then (invalid: never)
    bool showsCache = false; // not fresh, and its rows come from the cached last good read
};

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
    /// Filled by the read of every command that opens the session.
    QHash<QString, ConnectionOutcome> outcomes;
};

/// Checks the options that need no workspace (numbers, enumerations); an empty string when
/// they are fine, else the usage error to print.
QString checkOptions(const QCommandLineParser &parser);

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
