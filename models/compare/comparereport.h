#pragma once

#include "compare/compareengine.h"

#include <QJsonObject>
#include <QString>

namespace fd {

/// "3d 4h", "25m", "40s"; empty for a negative duration.
QString formatDuration(qint64 seconds);

/// The comparison as a Markdown document: a summary table, then per service the version gap,
/// the commits between, the config differences and images side by side, drift and problems.
/// @p now is the reference for "deployed … ago" (the report's own time when invalid).
QString compareToMarkdown(const CompareReport &report, const QDateTime &now = QDateTime());

/// The comparison as JSON (the `flightdeck-ctl compare --json` shape, documented in README).
QJsonObject compareToJson(const CompareReport &report);

} // namespace fd
