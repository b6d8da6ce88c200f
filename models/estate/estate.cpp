#include "estate.h"

#include <QSet>

namespace fd {

namespace {

/// Erases the records of @p connectionId whose keys are not in @p seen; returns their keys.
template <typename T>
QStringList
removeUnseen(QHash<QString, T> &table, const QString &connectionId, const QSet<QString> &seen)
{
    QStringList removed;
    for (auto it = table.begin(); it != table.end();) {
        if (it->connectionId == connectionId && !seen.contains(it.key())) {
            removed << it.key();
            it = table.erase(it);
        } else {
            ++it;
        }
    }
    return removed;
}

} // namespace

Estate::Estate(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<fd::RecordKind>("fd::RecordKind");
    qRegisterMetaType<fd::ConnectionHealth>("fd::ConnectionHealth");
    qRegisterMetaType<fd::ActionResult>("fd::ActionResult");
}

template <typename T>
void Estate::merge(RecordKind kind,
                   QHash<QString, T> &table,
                   const QString &connectionId,
                   const QList<T> &incoming,
                   bool replace)
{
    QStringList inserted, updated, removed;
    QSet<QString> seen;
    for (const T &rec : incoming) {
        const QString key = rec.key();
        seen.insert(key);
        auto it = table.find(key);
        if (it == table.end()) {
            table.insert(key, rec);
            inserted << key;
        } else if (!(*it == rec)) {
            *it = rec;
            updated << key;
        }
    }
    if (replace)
        removed = removeUnseen(table, connectionId, seen);
    if (!inserted.isEmpty() || !updated.isEmpty() || !removed.isEmpty())
        Q_EMIT changed(kind, inserted, updated, removed);
}

void Estate::publish(const QString &connectionId, const RecordSet &records, RecordKinds replace)
{
    if (!m_health.contains(connectionId))
        m_health.insert(connectionId, ConnectionHealth{});
    // Live data replaces whatever came from the cache, but only once the first read is
    // complete: a backend that publishes its first read in chunks must not make the cached
    // rows vanish and come back chunk by chunk. Until then nothing is removed.
    if (m_restored.contains(connectionId)) {
        auto &seen = m_seenSinceRestore[connectionId];
        const auto note = [&seen](RecordKind kind, const auto &list) {
            auto &keys = seen[int(kind)];
            for (const auto &r : list)
                keys.insert(r.key());
        };
        note(RecordKind::Runs, records.runs);
        note(RecordKind::Deployments, records.deployments);
        note(RecordKind::Environments, records.environments);
        note(RecordKind::Gates, records.gates);
        note(RecordKind::Rollouts, records.rollouts);
        replace = 0;
    }
    auto has = [replace](RecordKind k) { return (replace & int(k)) != 0; };
    merge(RecordKind::Runs, m_runs, connectionId, records.runs, has(RecordKind::Runs));
    merge(RecordKind::Deployments, m_deployments, connectionId, records.deployments,
          has(RecordKind::Deployments));
    merge(RecordKind::Environments, m_environments, connectionId, records.environments,
          has(RecordKind::Environments));
    merge(RecordKind::Gates, m_gates, connectionId, records.gates, has(RecordKind::Gates));
    merge(RecordKind::Rollouts, m_rollouts, connectionId, records.rollouts,
          has(RecordKind::Rollouts));
    m_dataTime.insert(connectionId, QDateTime::currentDateTimeUtc());
    if (!records.events.isEmpty())
        Q_EMIT eventsArrived(records.events);
}

template <typename T>
void Estate::dropUnseen(RecordKind kind, QHash<QString, T> &table, const QString &connectionId)
{
    const QStringList removed =
        removeUnseen(table, connectionId, m_seenSinceRestore.value(connectionId).value(int(kind)));
    if (!removed.isEmpty())
        Q_EMIT changed(kind, {}, {}, removed);
}

void Estate::restore(const QString &connectionId,
                     const RecordSet &records,
                     const QDateTime &takenAt)
{
    m_restored.insert(connectionId);
    if (!m_health.contains(connectionId))
        m_health.insert(connectionId, ConnectionHealth{});
    const int all = int(RecordKind::Runs) | int(RecordKind::Deployments) |
                    int(RecordKind::Environments) | int(RecordKind::Gates) |
                    int(RecordKind::Rollouts);
    merge(RecordKind::Runs, m_runs, connectionId, records.runs, all);
    merge(RecordKind::Deployments, m_deployments, connectionId, records.deployments, all);
    merge(RecordKind::Environments, m_environments, connectionId, records.environments, all);
    merge(RecordKind::Gates, m_gates, connectionId, records.gates, all);
    merge(RecordKind::Rollouts, m_rollouts, connectionId, records.rollouts, all);
    m_dataTime.insert(connectionId, takenAt);
}

RecordSet Estate::snapshot(const QString &connectionId) const
{
    RecordSet s;
    auto collect = [&connectionId](const auto &table, auto &out) {
        for (const auto &r : table)
            if (r.connectionId == connectionId)
                out << r;
    };
    collect(m_runs, s.runs);
    collect(m_deployments, s.deployments);
    collect(m_environments, s.environments);
    collect(m_gates, s.gates);
    collect(m_rollouts, s.rollouts);
    return s;
}

void Estate::healthChanged(const QString &connectionId, const ConnectionHealth &health)
{
    confirmData(connectionId, health.lastSuccess);
    auto it = m_health.find(connectionId);
    if (it != m_health.end() && *it == health)
        return;
    m_health.insert(connectionId, health);
    Q_EMIT connectionHealthChanged(connectionId, health);
    // The first read failed and kept the cached rows; now a read succeeded. Backends report
    // health before or after publishing that read's records, so the cached rows it never
    // mentioned are dropped once this turn of the event loop is over.
    if (health.state == ConnectionHealth::State::Ok && m_synced.contains(connectionId) &&
        m_restored.contains(connectionId))
        QMetaObject::invokeMethod(
            this,
            [this, connectionId] {
                if (!readFailed(connectionId))
                    finishRestore(connectionId);
            },
            Qt::QueuedConnection);
}

void Estate::problem(const QString &connectionId, const QString &where, const QString &message)
{
    // The same problem reported on every poll is kept once.
    for (const auto &p : std::as_const(m_problems))
        if (p.connectionId == connectionId && p.where == where && p.message == message)
            return;
    EstateProblem p{connectionId, where, message, QDateTime::currentDateTimeUtc()};
    m_problems << p;
    if (m_problems.size() > 500)
        m_problems.removeFirst();
    Q_EMIT problemReported(p);
}

void Estate::initialSyncDone(const QString &connectionId)
{
    if (m_synced.contains(connectionId))
        return;
    m_synced.insert(connectionId);
    // A first read that failed confirmed nothing: the cached rows are still the best we know,
    // so they stay (marked stale) and their age stays the cache's, instead of vanishing and
    // being saved back as an empty estate.
    if (!readFailed(connectionId)) {
        finishRestore(connectionId);
        // A backend whose first read brought no records still confirmed its (empty) state now.
        if (!m_dataTime.contains(connectionId))
            m_dataTime.insert(connectionId, QDateTime::currentDateTimeUtc());
    }
    Q_EMIT connectionSynced(connectionId);
}

void Estate::finishRestore(const QString &connectionId)
{
    if (!m_restored.remove(connectionId))
        return;
    dropUnseen(RecordKind::Runs, m_runs, connectionId);
    dropUnseen(RecordKind::Deployments, m_deployments, connectionId);
    dropUnseen(RecordKind::Environments, m_environments, connectionId);
    dropUnseen(RecordKind::Gates, m_gates, connectionId);
    dropUnseen(RecordKind::Rollouts, m_rollouts, connectionId);
    m_seenSinceRestore.remove(connectionId);
}

bool Estate::readFailed(const QString &connectionId) const
{
    const auto s = m_health.value(connectionId).state;
    return s == ConnectionHealth::State::Unreachable || s == ConnectionHealth::State::AuthFailed ||
           s == ConnectionHealth::State::Degraded;
}

void Estate::actionFinished(const QString &connectionId, quint64 ticket, const ActionResult &result)
{
    Q_EMIT actionCompleted(connectionId, ticket, result);
}

void Estate::confirmData(const QString &connectionId, const QDateTime &lastSuccess)
{
    // A restored connection's records are the cache's until its first read is done.
    if (!lastSuccess.isValid() || m_restored.contains(connectionId))
        return;
    auto t = m_dataTime.find(connectionId);
    if (t == m_dataTime.end() || *t < lastSuccess)
        m_dataTime.insert(connectionId, lastSuccess);
}

bool Estate::isStale(const QString &connectionId) const
{
    if (m_restored.contains(connectionId))
        return true;
    const auto s = m_health.value(connectionId).state;
    return s == ConnectionHealth::State::Unreachable || s == ConnectionHealth::State::AuthFailed;
}

QList<EnvironmentState> Estate::environmentStates(const QString &service,
                                                  const QString &environment) const
{
    QList<EnvironmentState> out;
    for (const auto &e : m_environments)
        if (e.service == service && e.environment == environment)
            out << e;
    return out;
}

QStringList Estate::services() const
{
    QSet<QString> s;
    for (const auto &e : m_environments)
        if (!e.service.isEmpty())
            s.insert(e.service);
    for (const auto &r : m_runs)
        if (!r.service.isEmpty())
            s.insert(r.service);
    QStringList list(s.begin(), s.end());
    list.sort();
    return list;
}

} // namespace fd
