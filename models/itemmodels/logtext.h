#pragma once

#include <QString>

namespace fd {

/**
 * A run's log as a person reads it. GitHub Actions writes workflow commands into its logs
 * (`##[group]Title` … `##[endgroup]`, `##[error]`, `##[warning]`, `##[command]`, after an
 * optional ISO timestamp, shortened to the time of day): a group becomes a "▾ Title" line
 * with its lines indented beneath, an end marker disappears, and the other commands become
 * words. Other backends' logs carry no such markers and pass through unchanged.
 */
QString readableLog(const QString &raw);

} // namespace fd
