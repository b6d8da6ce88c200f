#pragma once

#include <QPalette>
#include <QString>

namespace fd {

struct PostmortemData;

/**
 * Writes a postmortem: the Markdown to @p markdownPath and, when @p data names a chart file,
 * the timeline chart as a PNG beside it (drawn from the postmortem's own events, with the
 * incident's detection and recovery marked). Needs a QApplication (the chart is a widget
 * rendered off screen). Returns "" on success, else a message naming the file that failed.
 * The window's export and `flightdeck-ctl incident export --out` both write through here.
 */
QString writePostmortem(const PostmortemData &data,
                        const QString &markdownPath,
                        const QPalette &palette = QPalette());

} // namespace fd
