#pragma once

#include "backend/backend.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>

namespace fd {

/// A problem a backend reported about one record or object, kept for the user to see.
struct EstateProblem
{
    QString connectionId;
    QString where;
    QString message;
    QDateTime time;
};

/**
 * The merged live state of all connections. Backends publish into it (it is their
 * BackendSink); item models listen to changed() and update exactly the rows named.
 * Records are keyed by their key() (connection + backend id), so a refresh that brings
 * the same data changes nothing and emits nothing.
 */
class Estate : public QObject, public BackendSink
{
    Q_OBJECT
public:
    explicit Estate(QObject *parent = nullptr);

    // BackendSink
    void publish(const QString &connectionId,
                 const RecordSet &records,
                 RecordKinds replace = 0) override;
    void healthChanged(const QString &connectionId, const ConnectionHealth &health) override;
    void
    problem(const QString &connectionId, const QString &where, const QString &message) override;
    void initialSyncDone(const QString &connectionId) override;
    void actionFinished(const QString &connectionId,
                        quint64 ticket,
                        const ActionResult &result) override;

    /// Events that come from no backend (operator actions, notes): onto the timeline only.
    void recordEvents(const QList<TimelineEvent> &events) { Q_EMIT eventsArrived(events); }
    /// Show a cached snapshot before any network reply; marks the connection's data with its age.
    void restore(const QString &connectionId, const RecordSet &records, const QDateTime &takenAt);
    /// Everything this connection currently contributes, for the snapshot cache.
    RecordSet snapshot(const QString &connectionId) const;

    const QHash<QString, Run> &runs() const { return m_runs; }
    const QHash<QString, Deployment> &deployments() const { return m_deployments; }
    const QHash<QString, EnvironmentState> &environments() const { return m_environments; }
    const QHash<QString, Gate> &gates() const { return m_gates; }
    const QHash<QString, Rollout> &rollouts() const { return m_rollouts; }

    QStringList connectionIds() const { return m_health.keys(); }
    ConnectionHealth health(const QString &connectionId) const
    {
        return m_health.value(connectionId);
    }
    /// A poll of this connection succeeded at @p lastSuccess: what it shows is confirmed then,
    /// even when nothing changed (a 304 publishes nothing). No signal: ages are read on a timer.
    void confirmData(const QString &connectionId, const QDateTime &lastSuccess);
    /// When this connection's data was last confirmed by its backend (or taken, if restored).
    QDateTime dataTime(const QString &connectionId) const { return m_dataTime.value(connectionId); }
    /// True while the data shown for the connection is not live (restored from cache, or the
    /// backend cannot be reached): views grey it and show its age.
    bool isStale(const QString &connectionId) const;
    bool isSynced(const QString &connectionId) const { return m_synced.contains(connectionId); }
    const QList<EstateProblem> &problems() const { return m_problems; }

    /// The environment states of one service in one environment (one per connection, usually one).
    QList<EnvironmentState> environmentStates(const QString &service,
                                              const QString &environment) const;
    QStringList services() const;

Q_SIGNALS:
    void changed(fd::RecordKind kind,
                 const QStringList &inserted,
                 const QStringList &updated,
                 const QStringList &removed);
    void eventsArrived(const QList<fd::TimelineEvent> &events);
    void connectionHealthChanged(const QString &connectionId, const fd::ConnectionHealth &health);
    void problemReported(const fd::EstateProblem &problem);
    void connectionSynced(const QString &connectionId);
    void
    actionCompleted(const QString &connectionId, quint64 ticket, const fd::ActionResult &result);

private:
    template <typename T>
    void merge(RecordKind kind,
               QHash<QString, T> &table,
               const QString &connectionId,
               const QList<T> &incoming,
               bool replace);

    QHash<QString, Run> m_runs;
    QHash<QString, Deployment> m_deployments;
    QHash<QString, EnvironmentState> m_environments;
    QHash<QString, Gate> m_gates;
    QHash<QString, Rollout> m_rollouts;
    QHash<QString, ConnectionHealth> m_health;
    QHash<QString, QDateTime> m_dataTime;
    template <typename T>
    void dropUnseen(RecordKind kind, QHash<QString, T> &table, const QString &connectionId);
    /// The cached records a completed, successful read never mentioned go; the rest is live.
    void finishRestore(const QString &connectionId);
    /// Whether the connection's health says its last read did not (fully) answer.
    bool readFailed(const QString &connectionId) const;

    /// Connections showing cached records until their first successful read is done; what has
    /// been published since, by kind. Cached records it never mentions go when it completes. A
    /// first read that failed keeps the cached records (stale) until a read succeeds.
    QSet<QString> m_restored;
    QHash<QString, QHash<int, QSet<QString>>> m_seenSinceRestore;
    QSet<QString> m_synced;
    QList<EstateProblem> m_problems;
};

} // namespace fd
