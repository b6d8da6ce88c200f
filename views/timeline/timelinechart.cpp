#include "timelinechart.h"

#include "shared/theme.h"
#include "timeline/timelinemodel.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace fd {

namespace {

constexpr int labelWidth = 96;
constexpr int axisHeight = 26;
constexpr int markerHeaderHeight = 16;

QColor colourOf(TimelineEvent::Kind k, const StatusColors &c)
{
    using K = TimelineEvent::Kind;
    switch (k) {
    case K::DeployFailed:
    case K::RunFailed:
    case K::SyncFailed:
    case K::CanaryAborted:
    case K::AlertFiring:
    case K::ApprovalRejected:
        return c.bad;
    case K::DeploySucceeded:
    case K::RunSucceeded:
    case K::SyncSucceeded:
    case K::CanaryPromoted:
    case K::AlertResolved:
    case K::ApprovalGranted:
        return c.ok;
    case K::Rollback:
    case K::CanaryPaused:
    case K::DeployBlocked:
        return c.warn;
    case K::DeployStarted:
    case K::RunStarted:
    case K::SyncStarted:
    case K::CanaryStep:
    case K::CanaryWeight:
    case K::CanaryResumed:
    case K::CanaryRetried:
        return c.progress;
    default:
        return c.accent;
    }
}

/// A tick step that gives roughly @p wanted ticks over @p spanSecs.
qint64 tickStep(qint64 spanSecs, int wanted)
{
    static const qint64 steps[] = {60,        120,       300,        600,       900,   1800,
                                   3600,      7200,      10800,      21600,     43200, 86400,
                                   2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400};
    for (qint64 s : steps)
        if (spanSecs / s <= wanted)
            return s;
    return 30 * 86400;
}

} // namespace

TimelineChart::TimelineChart(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_from = now.addSecs(-6 * 3600);
    m_to = now;
}

void TimelineChart::setModel(TimelineModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        const auto repaint = [this] { update(); };
        connect(model, &QAbstractItemModel::rowsInserted, this, repaint);
        connect(model, &QAbstractItemModel::rowsRemoved, this, repaint);
        connect(model, &QAbstractItemModel::dataChanged, this, repaint);
        connect(model, &QAbstractItemModel::modelReset, this, repaint);
    }
    update();
}

void TimelineChart::setRange(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid() || from.secsTo(to) < 60)
        return;
    m_from = from.toUTC();
    m_to = to.toUTC();
    update();
    Q_EMIT rangeChanged(m_from, m_to);
}

void TimelineChart::setMarkers(const QList<Marker> &markers)
{
    m_markers = markers;
    update();
}

void TimelineChart::setSelectedKey(const QString &key)
{
    m_selected = key;
    update();
}

QRect TimelineChart::plotRect(const QRect &area) const
{
    return area.adjusted(labelWidth, markerHeaderHeight + 4, -12, -axisHeight);
}

double TimelineChart::xOf(const QDateTime &t, const QRect &plot) const
{
    const double span = double(m_from.msecsTo(m_to));
    return plot.left() + plot.width() * double(m_from.msecsTo(t)) / span;
}

int TimelineChart::laneTop(int lane, const QRect &plot) const
{
    return plot.top() + lane * plot.height() / timelineLaneCount;
}

QPoint TimelineChart::positionOf(const QString &key) const
{
    if (!m_model)
        return {};
    const int row = m_model->rowOf(key);
    if (row < 0)
        return {};
    const TimelineEvent &e = m_model->event(row);
    if (e.time < m_from || e.time > m_to)
        return {};
    const QRect plot = plotRect(rect());
    const int lane = int(laneOf(e.kind));
    const int laneH = plot.height() / timelineLaneCount;
    return QPoint(int(std::lround(xOf(e.time, plot))), laneTop(lane, plot) + laneH / 2);
}

QString TimelineChart::keyAt(const QPoint &pos) const
{
    if (!m_model)
        return {};
    const QRect plot = plotRect(rect());
    QString best;
    int bestDist = 8 * 8 + 1;
    for (const TimelineEvent &e : m_model->events()) {
        if (e.time < m_from || e.time > m_to)
            continue;
        const QString key = TimelineModel::keyOf(e);
        const QPoint p = positionOf(key);
        const int dx = p.x() - pos.x();
        const int dy = p.y() - pos.y();
        if (dx * dx + dy * dy < bestDist) {
            bestDist = dx * dx + dy * dy;
            best = key;
        }
    }
    Q_UNUSED(plot)
    return best;
}

void TimelineChart::zoom(double factor, int x)
{
    const QRect plot = plotRect(rect());
    const double frac =
        plot.width() > 0 ? std::clamp(double(x - plot.left()) / plot.width(), 0.0, 1.0) : 0.5;
    const qint64 span = m_from.msecsTo(m_to);
    const qint64 newSpan = std::clamp<qint64>(qint64(span * factor), 60'000, 400LL * 86400'000);
    const QDateTime pivot = m_from.addMSecs(qint64(span * frac));
    setRange(pivot.addMSecs(-qint64(newSpan * frac)), pivot.addMSecs(qint64(newSpan * (1 - frac))));
}

QImage TimelineChart::renderImage(const QSize &size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    paint(p, QRect(QPoint(0, 0), size));
    return image;
}

void TimelineChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paint(p, rect());
}

void TimelineChart::paint(QPainter &p, const QRect &area)
{
    const QPalette pal = palette();
    const StatusColors colours = StatusColors::of(pal);
    p.fillRect(area, pal.color(QPalette::Base));
    p.setRenderHint(QPainter::Antialiasing);
    const QRect plot = plotRect(area);
    const int laneH = plot.height() / timelineLaneCount;

    // Lanes: alternating bands with their names on the left.
    for (int lane = 0; lane < timelineLaneCount; ++lane) {
        const QRect band(area.left(), laneTop(lane, plot), area.width(), laneH);
        if (lane % 2)
            p.fillRect(band, pal.color(QPalette::AlternateBase));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(area.left() + 8, band.top(), labelWidth - 12, laneH),
                   Qt::AlignVCenter | Qt::AlignLeft, TimelineModel::laneName(TimelineLane(lane)));
    }

    // Time axis with ticks and grid lines.
    const qint64 span = m_from.secsTo(m_to);
    const QFontMetrics fm(font());
    const int wanted =
        std::max(2, plot.width() / (fm.horizontalAdvance(QStringLiteral("00-00 00:00")) + 24));
    const qint64 step = tickStep(span, wanted);
    const QDateTime localFrom = m_from.toLocalTime();
    qint64 first = (m_from.toSecsSinceEpoch() + localFrom.offsetFromUtc()) / step * step -
                   localFrom.offsetFromUtc();
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(90);
    for (qint64 t = first; t <= m_to.toSecsSinceEpoch(); t += step) {
        const QDateTime at = QDateTime::fromSecsSinceEpoch(t, Qt::UTC);
        if (at < m_from)
            continue;
        const int x = int(std::lround(xOf(at, plot)));
        p.setPen(grid);
        p.drawLine(x, plot.top(), x, plot.bottom());
        p.setPen(pal.color(QPalette::Text));
        const QDateTime local = at.toLocalTime();
        const QString label =
            step >= 86400 ? local.toString(QStringLiteral("MM-dd"))
                          : (local.time() == QTime(0, 0) ? local.toString(QStringLiteral("MM-dd"))
                                                         : local.toString(QStringLiteral("HH:mm")));
        p.drawText(QRect(x - 50, plot.bottom() + 4, 100, axisHeight - 4),
                   Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom());

    // Markers: dashed vertical lines labelled at the top.
    for (const Marker &m : std::as_const(m_markers)) {
        if (!m.time.isValid() || m.time < m_from || m.time > m_to)
            continue;
        const int x = int(std::lround(xOf(m.time, plot)));
        QPen pen(colours.accent, 1.5, Qt::DashLine);
        p.setPen(pen);
        p.drawLine(x, plot.top() - 2, x, plot.bottom());
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(x + 3, area.top() + 2, 200, markerHeaderHeight),
                   Qt::AlignLeft | Qt::AlignVCenter, m.label);
    }

    if (!m_model)
        return;
    // Events: a marker per event; many events in one pixel column are drawn once.
    const int r = std::clamp(laneH / 5, 3, 7);
    QHash<qint64, bool> drawn;
    const QList<TimelineEvent> &events = m_model->events();
    for (const TimelineEvent &e : events) {
        if (e.time < m_from || e.time > m_to)
            continue;
        const int lane = int(laneOf(e.kind));
        const int x = int(std::lround(xOf(e.time, plot)));
        const int y = laneTop(lane, plot) + laneH / 2;
        const QString key = TimelineModel::keyOf(e);
        const bool emphasised = key == m_selected || key == m_hover;
        const qint64 slot = (qint64(lane) << 32) | quint32(x);
        if (!emphasised && drawn.contains(slot) &&
            drawn.value(slot) == (e.kind == TimelineEvent::Kind::AlertFiring))
            continue;
        drawn.insert(slot, e.kind == TimelineEvent::Kind::AlertFiring);
        const QColor c = colourOf(e.kind, colours);
        p.setPen(QPen(emphasised ? pal.color(QPalette::Highlight) : c.darker(130),
                      emphasised ? 2.5 : 1));
        p.setBrush(c);
        const int rr = emphasised ? r + 2 : r;
        switch (TimelineLane(lane)) {
        case TimelineLane::Alerts: {
            QPainterPath tri;
            tri.moveTo(x, y - rr - 1);
            tri.lineTo(x + rr + 1, y + rr);
            tri.lineTo(x - rr - 1, y + rr);
            tri.closeSubpath();
            p.drawPath(tri);
            break;
        }
        case TimelineLane::Canary:
            p.drawRect(QRectF(x - rr, y - rr, 2 * rr, 2 * rr));
            break;
        case TimelineLane::Notes:
        case TimelineLane::Actions: {
            QPainterPath diamond;
            diamond.moveTo(x, y - rr - 1);
            diamond.lineTo(x + rr + 1, y);
            diamond.lineTo(x, y + rr + 1);
            diamond.lineTo(x - rr - 1, y);
            diamond.closeSubpath();
            p.drawPath(diamond);
            break;
        }
        default:
            p.drawEllipse(QPointF(x, y), rr, rr);
        }
    }
    p.setBrush(Qt::NoBrush);
}

void TimelineChart::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    zoom(std::pow(0.8, steps), int(event->position().x()));
    event->accept();
}

void TimelineChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_pressPos = event->position().toPoint();
    m_pressFrom = m_from;
    m_dragging = false;
}

void TimelineChart::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (event->buttons() & Qt::LeftButton) {
        const int dx = pos.x() - m_pressPos.x();
        if (std::abs(dx) > 3)
            m_dragging = true;
        if (m_dragging) {
            const QRect plot = plotRect(rect());
            const qint64 span = m_from.msecsTo(m_to);
            const qint64 shift = plot.width() > 0 ? -qint64(double(dx) / plot.width() * span) : 0;
            setRange(m_pressFrom.addMSecs(shift), m_pressFrom.addMSecs(shift + span));
        }
        return;
    }
    const QString key = keyAt(pos);
    if (key != m_hover) {
        m_hover = key;
        update();
    }
}

void TimelineChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_dragging) {
        const QString key = keyAt(event->position().toPoint());
        if (!key.isEmpty()) {
            setSelectedKey(key);
            Q_EMIT eventActivated(key);
        }
    }
    m_dragging = false;
}

bool TimelineChart::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString key = keyAt(help->pos());
        const int row = key.isEmpty() ? -1 : m_model->rowOf(key);
        if (row < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const TimelineEvent &e = m_model->event(row);
        QString text =
            QStringLiteral("<b>%1</b><br>%2 · %3 %4<br>%5")
                .arg(e.title.toHtmlEscaped(), TimelineModel::kindName(e.kind),
                     e.service.toHtmlEscaped(), e.environment.toHtmlEscaped(),
                     e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        if (!e.actor.isEmpty())
            text += QStringLiteral(" · ") + e.actor.toHtmlEscaped();
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace fd
