#include "theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QStyleFactory>

namespace fd {

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
    p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xee));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
    p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x8e));
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xc8));
    p.setColor(QPalette::Mid, QColor(0xc4, 0xc8, 0xcf));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa0, 0xa8));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x1e, 0x21, 0x26));
    p.setColor(QPalette::WindowText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1c));
    p.setColor(QPalette::AlternateBase, QColor(0x22, 0x25, 0x2b));
    p.setColor(QPalette::Text, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::Button, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ButtonText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7b, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ToolTipText, QColor(0xe3, 0xe6, 0xea));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x98));
    p.setColor(QPalette::Link, QColor(0x7a, 0xb0, 0xff));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x47));
    p.setColor(QPalette::Midlight, QColor(0x33, 0x37, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x44, 0x49, 0x52));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x17));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6a, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6a, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6a, 0x70, 0x78));
    return p;
}

void applyTheme(ThemeMode mode)
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    switch (mode) {
    case ThemeMode::Light:
        QApplication::setPalette(lightPalette());
        break;
    case ThemeMode::Dark:
        QApplication::setPalette(darkPalette());
        break;
    case ThemeMode::System:
        break;
    }
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

StatusColors StatusColors::of(const QPalette &palette)
{
    // Darker tones on light backgrounds, lighter ones on dark, so text stays readable.
    if (isDark(palette))
        return {QColor(0x4c, 0xc3, 0x6e), QColor(0xe8, 0xb3, 0x39), QColor(0xf2, 0x6b, 0x6b),
                QColor(0x5c, 0xa8, 0xff), QColor(0x9a, 0xa0, 0xa8), QColor(0x70, 0x75, 0x7d),
                QColor(0xb3, 0x8c, 0xff)};
    return {QColor(0x1a, 0x7f, 0x37), QColor(0xa3, 0x6a, 0x00), QColor(0xc9, 0x25, 0x2c),
            QColor(0x1f, 0x5f, 0xc4), QColor(0x6b, 0x72, 0x7b), QColor(0x9a, 0xa0, 0xa8),
            QColor(0x7a, 0x4f, 0xd1)};
}

QColor colorFor(RunStatus s, const StatusColors &c)
{
    switch (s) {
    case RunStatus::Succeeded:
        return c.ok;
    case RunStatus::Failed:
        return c.bad;
    case RunStatus::Running:
        return c.progress;
    case RunStatus::Waiting:
        return c.warn;
    case RunStatus::Queued:
        return c.neutral;
    case RunStatus::Cancelled:
    case RunStatus::Skipped:
    case RunStatus::Unknown:
        break;
    }
    return c.stale;
}

QColor colorFor(Health h, const StatusColors &c)
{
    switch (h) {
    case Health::Healthy:
        return c.ok;
    case Health::Degraded:
        return c.bad;
    case Health::Missing:
        return c.bad;
    case Health::Progressing:
        return c.progress;
    case Health::Suspended:
        return c.warn;
    case Health::Unknown:
        break;
    }
    return c.neutral;
}

QColor colorFor(RolloutPhase p, const StatusColors &c)
{
    switch (p) {
    case RolloutPhase::Healthy:
        return c.ok;
    case RolloutPhase::Degraded:
        return c.bad;
    case RolloutPhase::Paused:
        return c.warn;
    case RolloutPhase::Progressing:
        return c.progress;
    case RolloutPhase::Unknown:
        break;
    }
    return c.neutral;
}

QColor colorFor(DeployStatus s, const StatusColors &c)
{
    switch (s) {
    case DeployStatus::Succeeded:
        return c.ok;
    case DeployStatus::Failed:
        return c.bad;
    case DeployStatus::Running:
    case DeployStatus::Queued:
    case DeployStatus::Created:
        return c.progress;
    case DeployStatus::Blocked:
        return c.warn;
    case DeployStatus::Cancelled:
    case DeployStatus::Unknown:
        break;
    }
    return c.neutral;
}

QColor colorFor(ConnectionHealth::State s, const StatusColors &c)
{
    using S = ConnectionHealth::State;
    switch (s) {
    case S::Ok:
        return c.ok;
    case S::Degraded:
        return c.warn;
    case S::RateLimited:
        return c.warn;
    case S::AuthFailed:
    case S::Unreachable:
        return c.bad;
    case S::Unknown:
        break;
    }
    return c.neutral;
}

QIcon pageIcon(const QString &name, const QColor &color)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 24.0, size / 24.0);
        QPen pen(color, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        if (name == QLatin1String("matrix")) {
            for (int x = 0; x < 3; ++x)
                for (int y = 0; y < 3; ++y)
                    p.drawRoundedRect(QRectF(3 + x * 6.5, 3 + y * 6.5, 4.5, 4.5), 1, 1);
        } else if (name == QLatin1String("pipelines")) {
            p.drawLine(QPointF(4, 6), QPointF(14, 6));
            p.drawLine(QPointF(4, 12), QPointF(20, 12));
            p.drawLine(QPointF(4, 18), QPointF(10, 18));
            p.setBrush(color);
            p.drawEllipse(QPointF(17, 6), 1.5, 1.5);
        } else if (name == QLatin1String("canary")) {
            QPainterPath path;
            path.moveTo(3, 19);
            path.lineTo(8, 15);
            path.lineTo(13, 16);
            path.lineTo(20, 5);
            p.drawPath(path);
            p.drawLine(QPointF(3, 21), QPointF(21, 21));
        } else if (name == QLatin1String("inbox")) {
            QPainterPath path;
            path.moveTo(3, 13);
            path.lineTo(6, 5);
            path.lineTo(18, 5);
            path.lineTo(21, 13);
            path.lineTo(21, 19);
            path.lineTo(3, 19);
            path.closeSubpath();
            p.drawPath(path);
            p.drawPolyline(
                QList<QPointF>{{3, 13}, {8, 13}, {10, 16}, {14, 16}, {16, 13}, {21, 13}});
        } else if (name == QLatin1String("compare")) {
            // Two environments side by side, an arrow from one to the other.
            p.drawRoundedRect(QRectF(3, 4, 6, 16), 1.5, 1.5);
            p.drawRoundedRect(QRectF(15, 4, 6, 16), 1.5, 1.5);
            p.drawLine(QPointF(10.5, 12), QPointF(13.5, 12));
            p.drawPolyline(QList<QPointF>{{12, 10}, {13.5, 12}, {12, 14}});
        } else if (name == QLatin1String("timeline")) {
            p.drawLine(QPointF(3, 12), QPointF(21, 12));
            p.setBrush(color);
            for (double x : {6.0, 12.0, 18.0})
                p.drawEllipse(QPointF(x, 12), 1.8, 1.8);
            p.drawLine(QPointF(12, 5), QPointF(12, 9));
        } else if (name == QLatin1String("incidents")) {
            QPainterPath path;
            path.moveTo(12, 3.5);
            path.lineTo(21, 20);
            path.lineTo(3, 20);
            path.closeSubpath();
            p.drawPath(path);
            p.drawLine(QPointF(12, 9.5), QPointF(12, 14));
            p.drawPoint(QPointF(12, 17));
        } else if (name == QLatin1String("dora")) {
            p.drawLine(QPointF(3, 21), QPointF(21, 21));
            p.drawLine(QPointF(6, 18), QPointF(6, 13));
            p.drawLine(QPointF(10.5, 18), QPointF(10.5, 8));
            p.drawLine(QPointF(15, 18), QPointF(15, 11));
            p.drawLine(QPointF(19.5, 18), QPointF(19.5, 4));
        } else {
            p.drawEllipse(QPointF(12, 12), 8, 8);
        }
        icon.addPixmap(pm);
    }
    return icon;
}

} // namespace fd
