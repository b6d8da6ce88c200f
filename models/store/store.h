#pragma once

#include "domain/action.h"
#include "domain/incident.h"
#include "domain/records.h"

#include <QDateTime>
#include <QHash>
#include <QPair>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace fd {

class SqlDialect;

/// One row of the audit log.
struct AuditEntry
{
    enum class State { Intent, Succeeded, Failed, Refused };
    qint64 id = 0;
    QDateTime time;
    QString actor;
    QString verb;
    QString connectionId;
    QString service;
    QString environment;
    QString target;
    QString reason;
    ActionPlan plan;
    State state = State::Intent;
    std::optional<ActionResult> result;
    QDateTime finished;

    bool operator==(const AuditEntry &) const = default;
};

QString toString(AuditEntry::State s);

struct IncidentNote
{
    qint64 id = 0;
    qint64 incidentId = 0;
    QDateTime time;
    QString author;
    QString text;

    bool operator==(const IncidentNote &) const = default;
};

/// Who holds a service × environment against promotions and rollbacks, why, and since when.
struct ReleaseLock
{
    QString service;
    QString environment;
    QString holder;
    QString reason;
    QDateTime since;

    bool operator==(const ReleaseLock &) const = default;
};

/// Empty when the operation worked; otherwise what failed, naming the table and the reason.
using StoreError = QString;

/// Who is acting on one action target right now (the row of the cross-process action lock).
struct ActionLock
{
    QString target; // the action runner's target key: connection|service|environment|target
    QString actor;
    QString what; // "promote checkout in prod"
    QString host;
    qint64 pid = 0;
    QDateTime since;

    /// "alice is promoting … since 14:02:11 (process 4242 on build-07)".
    QString describe() const;
};

/// Local (SQLite) or team (PostgreSQL) persistence: the estate snapshot cache, the timeline,
/// incidents and the audit log. Safe to use from several threads: each thread gets its own
/// database connection on first use. No method throws.
class Store
{
public:
    /// A file path (SQLite; created with its directory) or postgresql://user[:pw]@host[:port]/db.
    /// Runs the migrations. nullptr with *error set when it cannot.
    static std::unique_ptr<Store> open(const QString &urlOrPath, QString *error = nullptr);
    /// $XDG_DATA_HOME/flightdeck/flightdeck.db
    static QString defaultPath();

    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString backend() const; // "sqlite" | "postgresql"
    int schemaVersion() const;
    static int latestSchemaVersion();

    StoreError
    saveSnapshot(const QString &connectionId, const RecordSet &records, const QDateTime &takenAt);
    std::optional<QHash<QString, QPair<RecordSet, QDateTime>>>
    loadSnapshots(QString *error = nullptr);

    /// Inserts events not stored yet (by source + sourceId); returns how many were new.
    std::optional<int> appendEvents(const QList<TimelineEvent> &events, QString *error = nullptr);
    /// Events with from <= time < to, oldest first; empty filters match everything.
    std::optional<QList<TimelineEvent>> events(const QDateTime &from,
                                               const QDateTime &to,
                                               const QString &service = {},
                                               const QString &environment = {},
                                               QString *error = nullptr);
    std::optional<int> pruneEvents(const QDateTime &olderThan, QString *error = nullptr);

    /// Records the intent before anything is sent, durably (synchronous=FULL). Returns its id.
    std::optional<qint64>
    auditIntent(const ActionPlan &plan, const QString &reason, QString *error = nullptr);
    /// Records the outcome of an intent: succeeded or failed by result.ok.
    StoreError auditResult(qint64 id, const ActionResult &result);

    /// Takes the lock on one action target for this process, so that no two processes act on
    /// one target at once. True when taken. False with *holder set when a live process holds
    /// it (a holder on this machine whose process is gone, or one on another machine older
    /// than an hour, is taken over); false with *error when the store cannot answer.
    bool takeActionLock(const ActionLock &mine, ActionLock *holder, QString *error = nullptr);
    /// Gives the lock back (only this process's own).
    void releaseActionLock(const QString &target);
    /// Records an action that guards refused; nothing was sent.
    std::optional<qint64> auditRefused(const ActionPlan &plan,
                                       const QString &reason,
                                       const QString &why,
                                       QString *error = nullptr);
    /// Newest first.
    std::optional<QList<AuditEntry>> auditEntries(int limit, QString *error = nullptr);
    /// The durability setting seen inside the last audit transaction ("2"/"FULL" on SQLite,
    /// "on" on PostgreSQL), read back from the database.
    QString lastAuditDurability() const;
    /// The durability setting of this thread's connection now.
    QString currentDurability(QString *error = nullptr);

    /// Takes the release lock on lock.service × lock.environment. Refused (false) when someone
    /// holds it already, with *current set to that lock. Taken or refused, the attempt is in the
    /// audit log (verb "lock"), written in the same durable transaction as the lock.
    std::optional<bool>
    lockTarget(const ReleaseLock &lock, ReleaseLock *current, QString *error = nullptr);
    /// Releases the lock on service × environment (audited, verb "unlock", naming the holder
    /// it ends). nullopt with an empty *error when there was no lock.
    std::optional<ReleaseLock> unlockTarget(const QString &service,
                                            const QString &environment,
                                            const QString &actor,
                                            QString *error = nullptr);
    /// The locks held, oldest first; empty filters match everything.
    std::optional<QList<ReleaseLock>> releaseLocks(const QString &service = {},
                                                   const QString &environment = {},
                                                   QString *error = nullptr);

    std::optional<qint64> createIncident(const Incident &incident, QString *error = nullptr);
    StoreError updateIncident(const Incident &incident);
    StoreError deleteIncident(qint64 id);
    std::optional<Incident> incident(qint64 id, QString *error = nullptr);
    std::optional<QList<Incident>> incidents(QString *error = nullptr);
    std::optional<qint64> addIncidentNote(const IncidentNote &note, QString *error = nullptr);
    std::optional<QList<IncidentNote>> incidentNotes(qint64 incidentId, QString *error = nullptr);

    /// This thread's connection, for tables another library owns (the chat outbox).
    std::optional<QSqlDatabase> database(QString *error = nullptr);
    const SqlDialect &dialect() const;

    /// Closes this thread's connection; a worker thread calls it before it ends.
    void releaseThreadConnection();

    struct Private; // implementation detail, public only for store.cpp's file-local helpers

private:
    Store();
    std::unique_ptr<Private> d;
};

} // namespace fd
