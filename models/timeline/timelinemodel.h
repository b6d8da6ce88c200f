#pragma once

#include "timeline.h"

#include <QAbstractTableModel>
#include <QHash>

namespace fd {

/**
 * The timeline as rows, oldest first, for the lanes chart and the event table. Holds every event
 * it was given and shows those the filter accepts. Updates are merged row by row (insert,
 * remove, dataChanged): a refresh or a filter change never resets the model, so a selection
 * and the chart's hover survive new events arriving.
 */
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        LaneColumn,
        KindColumn,
        ServiceColumn,
        EnvironmentColumn,
        TitleColumn,
        ActorColumn,
        ColumnCount
    };

    explicit TimelineModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Replaces the whole set of known events (a reload from the store), merged into the rows.
    void setEvents(const QList<TimelineEvent> &events);
    /// Adds or updates events (live ones from the estate); same source + sourceId = same event.
    void addEvents(const QList<TimelineEvent> &events);
    /// Forgets events older than @p time (retention while the window stays open).
    void removeBefore(const QDateTime &time);
    void setFilter(const TimelineFilter &filter);
    TimelineFilter filter() const { return m_filter; }

    const TimelineEvent &event(int row) const { return m_rows.at(row); }
    const QList<TimelineEvent> &events() const { return m_rows; }
    /// The row of an event key ("source/sourceId"), -1 when not shown.
    int rowOf(const QString &key) const;
    static QString keyOf(const TimelineEvent &event);
    /// Every service and environment named by a known event, sorted (filter choices).
    QStringList services() const;
    QStringList environments() const;

    static QString laneName(TimelineLane lane);
    static QString kindName(TimelineEvent::Kind kind);

private:
    void refresh();

    QHash<QString, TimelineEvent> m_all;
    QList<TimelineEvent> m_rows;
    TimelineFilter m_filter;
};

/// Roles of the timeline model beyond the shared ones (models/itemmodels/itemroles.h).
// Declared after the models: lupdate (6.4) loses the enclosing fd:: of the class that follows it.
struct TimelineRoles
{
    enum Role : int {
        TimeRole = Qt::UserRole + 200, // QDateTime (UTC)
        LaneRole,                      // int fd::TimelineLane
        KindRole,                      // int fd::TimelineEvent::Kind
        EventKeyRole,                  // "source/sourceId", unique per row
    };
};

} // namespace fd
