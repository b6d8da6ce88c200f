#pragma once

#include <QString>

#include <spdlog/logger.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace fd {

struct LogOptions
{
    /// From `--log-level`; empty falls back to FLIGHTDECK_LOG_LEVEL, then "info".
    /// trace | debug | info | warn | error | critical | off
    QString level;
    /// Empty: $XDG_STATE_HOME/flightdeck/logs/flightdeck.log (~/.local/state when unset).
    QString filePath;
    bool toFile = true;
    bool toStderr = true;
    /// Route qDebug/qInfo/qWarning/qCritical/qFatal into spdlog (main() only; tests keep
    /// QTest's handler unless they ask for this).
    bool bridgeQtMessages = true;
    std::size_t maxFileBytes = 5 * 1024 * 1024;
    std::size_t maxFiles = 3;
};

/// Builds the one sink set (rotating file + stderr behind the redactor), the named loggers
/// net, ui, db, ops, plugin, and optionally the Qt message bridge. Safe to call again: the
/// previous set is replaced. Returns an empty string, or why the file sink could not be opened
/// (logging then continues on stderr).
QString installLogging(const LogOptions &options = {});

/// Flushes and drops every logger, restores Qt's previous message handler.
void shutdownLogging();

/// Flushes every sink now (the file is otherwise flushed on critical and every 2 s).
void flushLogs();

/// The path of the log file in use, empty when logging to a file is off.
QString logFilePath();

/// The default log file location for this user.
QString defaultLogFilePath();

/// A logger writing through the shared, redacting sink set; created on first use, so code
/// and tests that never called installLogging() still redact (stderr only).
std::shared_ptr<spdlog::logger> logger(std::string_view name);

/// Parses a level name; false for an unknown one.
bool parseLogLevel(const QString &name, spdlog::level::level_enum *out);

} // namespace fd
