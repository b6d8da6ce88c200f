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

/// Empty when the operation worked; otherwise what failed, naming the table and the reason.
using StoreError = QString;

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
