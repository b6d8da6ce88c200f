#pragma once

#include "timeline/timeline.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

namespace fd {

class TimelineModel;

/**
 * The timeline drawn on one time axis: a lane per kind of event (deploys, canary, alerts,
 * actions, notes), markers for an incident's moments, zoom with the wheel (around the
 * cursor), pan by dragging, a tooltip on hover and a click to pick an event. It paints the
 * rows of a TimelineModel and follows its row signals.
 */
class TimelineChart : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineChart(QWidget *parent = nullptr);

    void setModel(TimelineModel *model);
    /// The visible time range.
    void setRange(const QDateTime &from, const QDateTime &to);
    QDateTime from() const { return m_from; }
    QDateTime to() const { return m_to; }
    /// Vertical lines at moments (an incident's detection, mitigation, recovery).
    struct Marker
    {
        QDateTime time;
        QString label;
    };
    void setMarkers(const QList<Marker> &markers);
    /// Highlights one event (by its "source/sourceId" key).
    void setSelectedKey(const QString &key);
    QString selectedKey() const { return m_selected; }

    /// The event key under a point, "" when none is near.
    QString keyAt(const QPoint &pos) const;
    /// Where an event is drawn (for tests and tooltips); null point when not visible.
    QPoint positionOf(const QString &key) const;
    /// Zooms by @p factor (< 1 zooms in) keeping the time under @p x where it is.
    void zoom(double factor, int x);
    /// The chart as an image, for the postmortem (renders without being shown).
    QImage renderImage(const QSize &size);

    QSize sizeHint() const override { return {900, 260}; }
    QSize minimumSizeHint() const override { return {400, 180}; }

Q_SIGNALS:
    void eventActivated(const QString &key);
    void rangeChanged(const QDateTime &from, const QDateTime &to);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    void paint(QPainter &p, const QRect &area);
    QRect plotRect(const QRect &area) const;
    double xOf(const QDateTime &t, const QRect &plot) const;
    int laneTop(int lane, const QRect &plot) const;

    QPointer<TimelineModel> m_model;
    QDateTime m_from;
    QDateTime m_to;
    QList<Marker> m_markers;
    QString m_selected;
    QString m_hover;
    QPoint m_pressPos;
    QDateTime m_pressFrom;
    bool m_dragging = false;
};

} // namespace fd
