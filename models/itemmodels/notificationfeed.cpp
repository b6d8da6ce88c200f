#include "notificationfeed.h"

#include "gatesmodel.h"

#include "estate/estate.h"

namespace fd {

namespace {

QString where(const QString &service, const QString &environment)
{
    if (service.isEmpty())
        return environment;
    if (environment.isEmpty())
        return service;
    return QStringLiteral("%1 · %2").arg(service, environment);
}

} // namespace

NotificationFeed::NotificationFeed(Estate *estate, QObject *parent)
    : QObject(parent)
    , m_estate(estate)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(3000);
    connect(&m_debounce, &QTimer::timeout, this, &NotificationFeed::flush);
    connect(estate, &Estate::changed, this, &NotificationFeed::onChanged);
    connect(estate, &Estate::eventsArrived, this, &NotificationFeed::onEvents);
    // What is already there when we start is not news.
    for (const auto &r : estate->rollouts()) {
        m_rolloutPaused.insert(r.key(), r.paused);
        m_rolloutAborted.insert(r.key(), r.aborted);
    }
    for (const auto &r : estate->runs())
        m_failed.insert(r.key(), r.status == RunStatus::Failed);
    for (const auto &d : estate->deployments())
        m_failed.insert(d.key(), d.status == DeployStatus::Failed);
}

QList<Notice::Category> NotificationFeed::categories()
{
    using C = Notice::Category;
    return {C::Approval, C::FailedDeploy, C::CanaryPaused, C::CanaryAborted, C::Rollback};
}

QString NotificationFeed::categoryText(Notice::Category category)
{
    using C = Notice::Category;
    switch (category) {
    case C::Approval:
        return tr("New approval waiting");
    case C::FailedDeploy:
        return tr("Failed deploy");
    case C::CanaryPaused:
        return tr("Canary paused");
    case C::CanaryAborted:
        return tr("Canary aborted");
    case C::Rollback:
        return tr("Rollback");
    }
    return {};
}

void NotificationFeed::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (!enabled) {
        m_pending.clear();
        m_debounce.stop();
    }
}

void NotificationFeed::setCategoryEnabled(Notice::Category category, bool enabled)
{
    if (enabled)
        m_muted.remove(category);
    else
        m_muted.insert(category);
}

bool NotificationFeed::live(const QString &connectionId) const
{
    // Before a connection's first full read, inserts are the estate loading, not news.
    return m_estate->isSynced(connectionId);
}

void NotificationFeed::onChanged(RecordKind kind,
                                 const QStringList &inserted,
                                 const QStringList &updated,
                                 const QStringList &removed)
{
    using C = Notice::Category;
    const QStringList touched = inserted + updated;
    switch (kind) {
    case RecordKind::Gates:
        for (const QString &key : inserted) {
            const auto it = m_estate->gates().constFind(key);
            if (it == m_estate->gates().cend() || !live(it->connectionId) ||
                GatesModel::isTimedPause(*m_estate, *it))
                continue;
            add(Notice{C::Approval,
                       tr("Approval waiting: %1").arg(where(it->service, it->environment)),
                       it->title.isEmpty() ? it->connectionId
                                           : tr("%1 (%2)").arg(it->title, it->connectionId),
                       {key}});
        }
        break;
    case RecordKind::Runs:
        for (const QString &key : touched) {
            const auto it = m_estate->runs().constFind(key);
            if (it == m_estate->runs().cend())
                continue;
            const bool failed = it->status == RunStatus::Failed;
            const bool was = m_failed.value(key, false);
            m_failed.insert(key, failed);
            // Only a run that deploys to an environment is a deploy.
            if (failed && !was && !it->environment.isEmpty() && live(it->connectionId))
                add(Notice{C::FailedDeploy,
                           tr("Deploy failed: %1").arg(where(it->service, it->environment)),
                           tr("%1 #%2 on %3").arg(it->pipeline, it->number, it->connectionId),
                           {key}});
        }
        break;
    case RecordKind::Deployments:
        for (const QString &key : touched) {
            const auto it = m_estate->deployments().constFind(key);
            if (it == m_estate->deployments().cend())
                continue;
            const bool failed = it->status == DeployStatus::Failed;
            const bool was = m_failed.value(key, false);
            m_failed.insert(key, failed);
            if (failed && !was && live(it->connectionId))
                add(Notice{C::FailedDeploy,
                           tr("Deploy failed: %1").arg(where(it->service, it->environment)),
                           tr("%1 on %2").arg(it->version, it->connectionId),
                           {key}});
        }
        break;
    case RecordKind::Rollouts:
        for (const QString &key : touched) {
            const auto it = m_estate->rollouts().constFind(key);
            if (it == m_estate->rollouts().cend())
                continue;
            const bool wasPaused = m_rolloutPaused.value(key, false);
            const bool wasAborted = m_rolloutAborted.value(key, false);
            m_rolloutPaused.insert(key, it->paused);
            m_rolloutAborted.insert(key, it->aborted);
            if (!live(it->connectionId))
                continue;
            const QString place = where(it->service, it->environment);
            if (it->aborted && !wasAborted)
                add(Notice{C::CanaryAborted,
                           tr("Canary aborted: %1").arg(place),
                           it->message.isEmpty() ? it->name : it->message,
                           {key}});
            else if (it->paused && !wasPaused && !it->aborted)
                add(Notice{C::CanaryPaused,
                           tr("Canary paused: %1").arg(place),
                           tr("%1 at canary %2").arg(it->name, it->weightText()),
                           {key}});
        }
        break;
    case RecordKind::Environments:
        break;
    }
    for (const QString &key : removed) {
        m_failed.remove(key);
        m_rolloutPaused.remove(key);
        m_rolloutAborted.remove(key);
    }
}

void NotificationFeed::onEvents(const QList<TimelineEvent> &events)
{
    for (const auto &e : events) {
        if (e.kind != TimelineEvent::Kind::Rollback)
            continue;
        // Operator actions carry no connection: they are always live.
        if (m_estate->connectionIds().contains(e.source) && !live(e.source))
            continue;
        // An operator's rollback is recorded when the backend accepted the request: the
        // rollback deploy is only starting. "Rolled back" is what a backend reports at the end.
        const bool requested = e.source == QLatin1String("operator");
        add(Notice{Notice::Category::Rollback,
                   requested ? tr("Rollback started: %1").arg(where(e.service, e.environment))
                             : tr("Rolled back: %1").arg(where(e.service, e.environment)),
                   e.title,
                   {e.sourceId.isEmpty() ? e.source : e.source + QLatin1Char('/') + e.sourceId}});
    }
}

void NotificationFeed::add(const Notice &notice)
{
    if (!m_enabled || m_muted.contains(notice.category))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString said = QString::number(int(notice.category)) + QLatin1Char('|') +
                         notice.keys.join(QLatin1Char(','));
    const auto last = m_lastSaid.constFind(said);
    if (last != m_lastSaid.cend() && last->msecsTo(now) < m_cooldownMs)
        return;
    m_lastSaid.insert(said, now);
    m_pending.append(notice);
    if (!m_debounce.isActive())
        m_debounce.start();
}

void NotificationFeed::flush()
{
    m_debounce.stop();
    // A gate comes in before the rollout it belongs to is merged: whether it is a timed pause
    // (no human needed) is known only now.
    m_pending.removeIf([this](const Notice &n) {
        if (n.category != Notice::Category::Approval || n.keys.isEmpty())
            return false;
        const auto it = m_estate->gates().constFind(n.keys.first());
        return it != m_estate->gates().cend() && GatesModel::isTimedPause(*m_estate, *it);
    });
    if (m_pending.isEmpty())
        return;
    const QList<Notice> batch = std::exchange(m_pending, {});
    if (batch.size() == 1) {
        Q_EMIT notify(batch.first());
        return;
    }
    // Several at once: one summary, the most urgent category first.
    QHash<Notice::Category, int> counts;
    Notice summary;
    summary.category = batch.first().category;
    for (const auto &n : batch) {
        ++counts[n.category];
        summary.keys << n.keys;
        if (int(n.category) > int(summary.category))
            summary.category = n.category;
    }
    QStringList lines;
    for (Notice::Category c : categories())
        if (counts.value(c))
            lines << tr("%1: %2").arg(categoryText(c)).arg(counts.value(c));
    summary.title = tr("%n release update(s)", nullptr, int(batch.size()));
    QStringList shown;
    for (const auto &n : batch.mid(0, 3))
        shown << n.title;
    if (batch.size() > 3)
        shown << tr("…and %n more", nullptr, int(batch.size() - 3));
    summary.body =
        lines.join(QStringLiteral(" · ")) + QLatin1Char('\n') + shown.join(QLatin1Char('\n'));
    Q_EMIT notify(summary);
}

} // namespace fd
