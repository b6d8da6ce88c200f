#pragma once

#include "domain/connection.h"
#include "domain/records.h"

#include <QColor>
#include <QIcon>
#include <QPalette>

namespace fd {

enum class ThemeMode { System, Light, Dark };

/// Fusion style with a light or dark palette; System keeps the platform's palette (so the
/// window follows the desktop) but still uses Fusion so both look alike.
void applyTheme(ThemeMode mode);
QPalette lightPalette();
QPalette darkPalette();
bool isDark(const QPalette &palette);

/// Status colours readable on the given palette's base colour.
struct StatusColors
{
    QColor ok, warn, bad, progress, neutral, stale, accent;
    static StatusColors of(const QPalette &palette);
};

QColor colorFor(RunStatus s, const StatusColors &c);
QColor colorFor(Health h, const StatusColors &c);
QColor colorFor(RolloutPhase p, const StatusColors &c);
QColor colorFor(DeployStatus s, const StatusColors &c);
QColor colorFor(ConnectionHealth::State s, const StatusColors &c);

/// Small glyphs painted in code (no image plugin needed): matrix, pipelines, canary, inbox.
QIcon pageIcon(const QString &name, const QColor &color);

} // namespace fd
