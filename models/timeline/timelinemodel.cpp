#include "timelinemodel.h"

#include "itemmodels/formatting.h"
#include "itemmodels/itemroles.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace fd {

namespace {

bool earlier(const TimelineEvent &a, const TimelineEvent &b)
{
    if (a.time != b.time)
        return a.time < b.time;
    return TimelineModel::keyOf(a) < TimelineModel::keyOf(b);
}

} // namespace

TimelineModel::TimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QString TimelineModel::keyOf(const TimelineEvent &event)
{
    return event.source + QLatin1Char('/') + event.sourceId;
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TimelineModel::laneName(TimelineLane lane)
{
    switch (lane) {
    case TimelineLane::Deploys:
        return tr("Deploys");
    case TimelineLane::Canary:
        return tr("Canary");
    case TimelineLane::Alerts:
        return tr("Alerts");
    case TimelineLane::Actions:
        return tr("Actions");
    case TimelineLane::Notes:
        return tr("Notes");
    }
    return {};
}

QString TimelineModel::kindName(TimelineEvent::Kind kind)
{
    using K = TimelineEvent::Kind;
    switch (kind) {
    case K::Note:
        return tr("note");
    case K::RunStarted:
        return tr("run started");
    case K::RunSucceeded:
        return tr("run succeeded");
    case K::RunFailed:
        return tr("run failed");
    case K::RunCancelled:
        return tr("run cancelled");
    case K::DeployStarted:
        return tr("deploy started");
    case K::DeploySucceeded:
        return tr("deploy succeeded");
    case K::DeployFailed:
        return tr("deploy failed");
    case K::DeployBlocked:
        return tr("deploy blocked");
    case K::ApprovalRequested:
        return tr("approval requested");
    case K::ApprovalGranted:
        return tr("approval granted");
    case K::ApprovalRejected:
        return tr("approval rejected");
    case K::SyncStarted:
        return tr("sync started");
    case K::SyncSucceeded:
        return tr("sync succeeded");
    case K::SyncFailed:
        return tr("sync failed");
    case K::HealthChanged:
        return tr("health changed");
    case K::CanaryStep:
        return tr("canary step");
    case K::CanaryWeight:
        return tr("canary weight");
    case K::CanaryPaused:
        return tr("canary paused");
    case K::CanaryResumed:
        return tr("canary resumed");
    case K::CanaryPromoted:
        return tr("canary promoted");
    case K::CanaryAborted:
        return tr("canary aborted");
    case K::CanaryRetried:
        return tr("canary retried");
    case K::Rollback:
        return tr("rollback");
    case K::AlertFiring:
        return tr("alert firing");
    case K::AlertResolved:
        return tr("alert resolved");
    case K::OperatorAction:
        return tr("operator action");
    }
    return {};
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimelineEvent &e = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return Wording::dateTime(e.time);
        case LaneColumn:
            return laneName(laneOf(e.kind));
        case KindColumn:
            return kindName(e.kind);
        case ServiceColumn:
            return e.service;
        case EnvironmentColumn:
            return e.environment;
        case TitleColumn:
            return e.title;
        case ActorColumn:
            return e.actor;
        }
        break;
    case Qt::ToolTipRole:
        return e.detail.isEmpty() ? e.title : e.title + QLatin1Char('\n') + e.detail;
    case Roles::SortRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time.toMSecsSinceEpoch();
        case LaneColumn:
            return int(laneOf(e.kind));
        case KindColumn:
            return int(e.kind);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Roles::ServiceRole:
        return e.service;
    case Roles::EnvironmentRole:
        return e.environment;
    case Roles::UrlRole:
        return e.link;
    case Roles::FilterTextRole:
        return QStringList{e.title, e.detail, e.service, e.environment, e.actor, e.version}.join(
            QLatin1Char(' '));
    case TimelineRoles::TimeRole:
        return e.time;
    case TimelineRoles::LaneRole:
        return int(laneOf(e.kind));
    case TimelineRoles::KindRole:
        return int(e.kind);
    case TimelineRoles::EventKeyRole:
        return keyOf(e);
    default:
        break;
    }
    return {};
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LaneColumn:
        return tr("Lane");
    case KindColumn:
        return tr("Event");
    case ServiceColumn:
        return tr("Service");
    case EnvironmentColumn:
        return tr("Environment");
    case TitleColumn:
        return tr("What");
    case ActorColumn:
        return tr("Who");
    }
    return {};
}

void TimelineModel::setEvents(const QList<TimelineEvent> &events)
{
    m_all.clear();
    for (const TimelineEvent &e : events)
        m_all.insert(keyOf(e), e);
    refresh();
}

void TimelineModel::addEvents(const QList<TimelineEvent> &events)
{
    if (events.isEmpty())
        return;
    for (const TimelineEvent &e : events)
        m_all.insert(keyOf(e), e);
    refresh();
}

void TimelineModel::removeBefore(const QDateTime &time)
{
    for (auto it = m_all.begin(); it != m_all.end();)
        it = it->time < time ? m_all.erase(it) : std::next(it);
    refresh();
}

void TimelineModel::setFilter(const TimelineFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    refresh();
}

int TimelineModel::rowOf(const QString &key) const
{
    const auto it = m_all.constFind(key);
    if (it == m_all.cend())
        return -1;
    const auto pos = std::lower_bound(m_rows.cbegin(), m_rows.cend(), *it, earlier);
    return pos != m_rows.cend() && keyOf(*pos) == key ? int(pos - m_rows.cbegin()) : -1;
}

QStringList TimelineModel::services() const
{
    QSet<QString> s;
    for (const TimelineEvent &e : m_all)
        if (!e.service.isEmpty())
            s.insert(e.service);
    QStringList out(s.cbegin(), s.cend());
    out.sort();
    return out;
}

QStringList TimelineModel::environments() const
{
    QSet<QString> s;
    for (const TimelineEvent &e : m_all)
        if (!e.environment.isEmpty())
            s.insert(e.environment);
    QStringList out(s.cbegin(), s.cend());
    out.sort();
    return out;
}

void TimelineModel::refresh()
{
    QList<TimelineEvent> wanted;
    for (const TimelineEvent &e : std::as_const(m_all))
        if (m_filter.accepts(e))
            wanted << e;
    std::sort(wanted.begin(), wanted.end(), earlier);
    QHash<QString, QDateTime> wantedTimes;
    for (const TimelineEvent &e : std::as_const(wanted))
        wantedTimes.insert(keyOf(e), e.time);

    // 1. Remove rows that went away or moved in time (bottom up, contiguous runs at once). What
    //    stays is then a subsequence of `wanted` in the same order.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        const auto gone = [&](int r) {
            const auto it = wantedTimes.constFind(keyOf(m_rows.at(r)));
            return it == wantedTimes.cend() || *it != m_rows.at(r).time;
        };
        if (!gone(row)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && gone(first - 1))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }

    // 2. Walk both lists: equal keys may need a dataChanged, anything else is inserted here.
    int i = 0;
    while (i < wanted.size()) {
        if (i < m_rows.size() && keyOf(m_rows.at(i)) == keyOf(wanted.at(i))) {
            if (!(m_rows.at(i) == wanted.at(i))) {
                m_rows[i] = wanted.at(i);
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            ++i;
            continue;
        }
        // Insert the run of new rows that precede the next kept row.
        int last = i;
        const QString next = i < m_rows.size() ? keyOf(m_rows.at(i)) : QString();
        while (last + 1 < wanted.size() && keyOf(wanted.at(last + 1)) != next)
            ++last;
        beginInsertRows({}, i, last);
        for (int k = i; k <= last; ++k)
            m_rows.insert(k, wanted.at(k));
        endInsertRows();
        i = last + 1;
    }
}

} // namespace fd
