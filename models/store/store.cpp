#include "store.h"

#include "sqldialect.h"

#include "domain/json.h"
#include "logging/redactor.h"

#include <QAtomicInt>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>
#include <QUrl>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace fd {

namespace {

QAtomicInt g_storeCounter;

// Schema versions, oldest first; {id} becomes the dialect's auto-numbered key column.
// Never edit a released step: add a new one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        {
            QStringLiteral("CREATE TABLE snapshots (connection_id VARCHAR(200) PRIMARY KEY, "
                           "taken_at_ms BIGINT NOT NULL, records TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE events (id {id}, source VARCHAR(200) NOT NULL, "
                           "source_id VARCHAR(500) NOT NULL, time_ms BIGINT NOT NULL, "
                           "kind VARCHAR(64) NOT NULL, service VARCHAR(200), "
                           "environment VARCHAR(200), actor VARCHAR(200), version VARCHAR(200), "
                           "title TEXT, detail TEXT, link TEXT, UNIQUE (source, source_id))"),
            QStringLiteral("CREATE INDEX events_time ON events (time_ms)"),
            QStringLiteral("CREATE TABLE incidents (id {id}, title TEXT NOT NULL, "
                           "severity VARCHAR(16), services TEXT, environment VARCHAR(200), "
                           "phase VARCHAR(32) NOT NULL, detected_ms BIGINT, reported_ms BIGINT, "
                           "mitigated_ms BIGINT, recovered_ms BIGINT, summary TEXT)"),
            QStringLiteral("CREATE TABLE incident_notes (id {id}, incident_id BIGINT NOT NULL "
                           "REFERENCES incidents (id) ON DELETE CASCADE, time_ms BIGINT NOT NULL, "
                           "author VARCHAR(200), body TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE audit (id {id}, time_ms BIGINT NOT NULL, "
                           "actor VARCHAR(200), verb VARCHAR(32) NOT NULL, "
                           "connection_id VARCHAR(200), service VARCHAR(200), "
                           "environment VARCHAR(200), target TEXT, reason TEXT, plan TEXT, "
                           "state VARCHAR(16) NOT NULL, result TEXT, finished_ms BIGINT)"),
            QStringLiteral("CREATE INDEX audit_time ON audit (time_ms)"),
        },
        {
            // Who is acting on a target now (one process at a time), and who keeps a
            // service × environment from being released (an operator's lock).
            QStringLiteral("CREATE TABLE action_locks (target VARCHAR(500) PRIMARY KEY, "
                           "actor VARCHAR(200), what TEXT, host VARCHAR(200) NOT NULL, "
                           "pid BIGINT NOT NULL, since_ms BIGINT NOT NULL)"),
            // One release lock per service × environment: the primary key is the lock.
            QStringLiteral("CREATE TABLE release_locks (service VARCHAR(200) NOT NULL, "
                           "environment VARCHAR(200) NOT NULL, holder VARCHAR(200) NOT NULL, "
                           "reason TEXT NOT NULL, since_ms BIGINT NOT NULL, "
                           "PRIMARY KEY (service, environment))"),
            // Chat notices waiting to be posted (models/notify/chatoutbox.cpp owns the rows).
            QStringLiteral("CREATE TABLE chat_outbox (id {id}, target VARCHAR(200) NOT NULL, "
                           "coalesce_key VARCHAR(500), kind VARCHAR(64) NOT NULL, "
                           "event TEXT NOT NULL, created_ms BIGINT NOT NULL, "
                           "due_ms BIGINT NOT NULL, attempts INTEGER NOT NULL, "
                           "state VARCHAR(16) NOT NULL, last_error TEXT, sent_ms BIGINT, "
                           "audit_id BIGINT)"),
            QStringLiteral("CREATE INDEX chat_outbox_state ON chat_outbox (state, target, id)"),
        },
    };
    return steps;
}

QVariant msOf(const QDateTime &dt)
{
    return dt.isValid() ? QVariant(dt.toMSecsSinceEpoch())
                        : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime dateOf(const QVariant &v)
{
    if (v.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString jsonText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject jsonOf(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

struct Params
{
    QString driver;
    QString databaseName;
    QString host;
    int port = -1;
    QString user;
    QString password;
};

} // namespace

QString toString(AuditEntry::State s)
{
    switch (s) {
    case AuditEntry::State::Intent:
        return QStringLiteral("intent");
    case AuditEntry::State::Succeeded:
        return QStringLiteral("succeeded");
    case AuditEntry::State::Failed:
        return QStringLiteral("failed");
    case AuditEntry::State::Refused:
        return QStringLiteral("refused");
    }
    return QStringLiteral("intent");
}

static AuditEntry::State auditStateOf(const QString &s)
{
    for (auto st : {AuditEntry::State::Intent, AuditEntry::State::Succeeded,
                    AuditEntry::State::Failed, AuditEntry::State::Refused})
        if (toString(st) == s)
            return st;
    return AuditEntry::State::Intent;
}

struct Store::Private
{
    std::unique_ptr<SqlDialect> dialect;
    Params params;
    QString prefix;
    QMutex mutex;
    QHash<QThread *, QString> connections; // guarded by mutex
    QAtomicInt nextConnection;
    int schemaVersion = 0;
    QString lastAuditDurability;

    // This thread's connection, opened on first use.
    std::optional<QSqlDatabase> db(QString *error)
    {
        QThread *thread = QThread::currentThread();
        QString name;
        {
            QMutexLocker locker(&mutex);
            name = connections.value(thread);
            if (name.isEmpty()) {
                // Numbered, never named after the thread's address: a new thread at a dead
                // one's address must not be handed a connection that belongs to another.
                name = prefix + QString::number(nextConnection.fetchAndAddRelaxed(1) + 1);
                connections.insert(thread, name);
                // A thread that ends without releasing its connection must not leave it behind
                // for a new thread that happens to get the same address.
                QObject::connect(
                    thread, &QThread::finished, thread,
                    [this, thread] {
                        QMutexLocker l(&mutex);
                        connections.remove(thread);
                    },
                    Qt::DirectConnection);
            }
        }
        if (QSqlDatabase::contains(name)) {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                return db;
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(params.driver, name);
        db.setDatabaseName(params.databaseName);
        if (!params.host.isEmpty())
            db.setHostName(params.host);
        if (params.port > 0)
            db.setPort(params.port);
        if (!params.user.isEmpty())
            db.setUserName(params.user);
        if (!params.password.isEmpty())
            db.setPassword(params.password);
        if (params.driver == QLatin1String("QPSQL"))
            db.setConnectOptions(QStringLiteral("connect_timeout=10"));
        if (!db.open()) {
            if (error)
                *error =
                    QStringLiteral("cannot open the %1 store: %2")
                        .arg(dialect->name(), Redactor::instance().redact(db.lastError().text()));
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return std::nullopt;
        }
        for (const auto &stmt : dialect->connectionSetup()) {
            QSqlQuery q(db);
            if (!q.exec(stmt)) {
                if (error)
                    *error = QStringLiteral("store setup \"%1\" failed: %2")
                                 .arg(stmt, q.lastError().text());
                return std::nullopt;
            }
        }
        return db;
    }

    bool exec(QSqlQuery &q, const QString &where, QString *error)
    {
        if (q.exec())
            return true;
        if (error)
            *error = QStringLiteral("%1: %2").arg(where, q.lastError().text());
        return false;
    }

    bool execText(QSqlDatabase &db, const QString &sql, QString *error)
    {
        QSqlQuery q(db);
        if (q.exec(sql))
            return true;
        if (error)
            *error = QStringLiteral("%1: %2").arg(sql.left(60), q.lastError().text());
        return false;
    }

    bool migrate(QString *error)
    {
        auto db = this->db(error);
        if (!db)
            return false;
        if (!execText(*db,
                      QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version "
                                     "(version INTEGER NOT NULL)"),
                      error))
            return false;
        QSqlQuery q(*db);
        if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version"))) {
            if (error)
                *error = QStringLiteral("schema_version: %1").arg(q.lastError().text());
            return false;
        }
        int current = q.next() && !q.value(0).isNull() ? q.value(0).toInt() : 0;
        q.finish();
        const auto &steps = migrations();
        if (current > steps.size()) {
            if (error)
                *error = QStringLiteral("the store has schema version %1, newer than this "
                                        "Flightdeck knows (%2); upgrade Flightdeck")
                             .arg(current)
                             .arg(steps.size());
            return false;
        }
        for (int v = current + 1; v <= steps.size(); ++v) {
            if (!db->transaction()) {
                if (error)
                    *error = QStringLiteral("migration %1: %2").arg(v).arg(db->lastError().text());
                return false;
            }
            bool ok = true;
            for (QString stmt : steps.at(v - 1)) {
                stmt.replace(QLatin1String("{id}"), dialect->idColumn());
                if (!execText(*db, stmt, error)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                QSqlQuery ins(*db);
                ins.prepare(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"));
                ins.addBindValue(v);
                ok = exec(ins, QStringLiteral("schema_version"), error);
            }
            if (!ok || !db->commit()) {
                db->rollback();
                if (error)
                    *error =
                        QStringLiteral("migration to version %1 failed: %2").arg(v).arg(*error);
                return false;
            }
            current = v;
        }
        schemaVersion = current;
        return true;
    }
};

Store::Store()
    : d(std::make_unique<Private>())
{}

Store::~Store()
{
    QStringList names;
    {
        QMutexLocker locker(&d->mutex);
        names = d->connections.values();
        d->connections.clear();
    }
    for (const auto &name : names)
        QSqlDatabase::removeDatabase(name);
}

QString Store::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QLatin1String("/flightdeck/flightdeck.db");
}

int Store::latestSchemaVersion()
{
    return int(migrations().size());
}

std::unique_ptr<Store> Store::open(const QString &urlOrPath, QString *error)
{
    std::unique_ptr<Store> store(new Store);
    const int n = g_storeCounter.fetchAndAddRelaxed(1);
    store->d->prefix = QStringLiteral("fdstore-%1-").arg(n);
    const QString target = urlOrPath.isEmpty() ? defaultPath() : urlOrPath;
    if (target.startsWith(QLatin1String("postgresql://")) ||
        target.startsWith(QLatin1String("postgres://"))) {
        const QUrl url(target, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            if (error)
                *error = QStringLiteral("not a PostgreSQL URL (postgresql://user@host:port/db)");
            return nullptr;
        }
        store->d->dialect = SqlDialect::postgresql();
        store->d->params.databaseName = url.path().mid(1);
        store->d->params.host = url.host();
        store->d->params.port = url.port(5432);
        store->d->params.user = url.userName();
        store->d->params.password = url.password();
        if (!url.password().isEmpty())
            Redactor::instance().addSecret(url.password());
    } else {
        store->d->dialect = SqlDialect::sqlite();
        const QFileInfo info(target);
        if (!QDir().mkpath(info.absolutePath())) {
            if (error)
                *error = QStringLiteral("cannot create the directory %1").arg(info.absolutePath());
            return nullptr;
        }
        store->d->params.databaseName = info.absoluteFilePath();
    }
    store->d->params.driver = store->d->dialect->driver();
    if (!QSqlDatabase::isDriverAvailable(store->d->params.driver)) {
        if (error)
            *error = QStringLiteral("the Qt SQL driver %1 is not installed")
                         .arg(store->d->params.driver);
        return nullptr;
    }
    if (!store->d->migrate(error))
        return nullptr;
    return store;
}

QString Store::backend() const
{
    return d->dialect->name();
}

int Store::schemaVersion() const
{
    return d->schemaVersion;
}

std::optional<QSqlDatabase> Store::database(QString *error)
{
    return d->db(error);
}

const SqlDialect &Store::dialect() const
{
    return *d->dialect;
}

void Store::releaseThreadConnection()
{
    QString name;
    {
        QMutexLocker locker(&d->mutex);
        name = d->connections.take(QThread::currentThread());
    }
    if (!name.isEmpty()) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

// ---- snapshots -----------------------------------------------------------------------------

StoreError
Store::saveSnapshot(const QString &connectionId, const RecordSet &records, const QDateTime &takenAt)
{
    QString error;
    auto db = d->db(&error);
    if (!db)
        return error;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral(
        "INSERT INTO snapshots (connection_id, taken_at_ms, records) VALUES (?, ?, ?) "
        "ON CONFLICT (connection_id) DO UPDATE SET taken_at_ms = excluded.taken_at_ms, "
        "records = excluded.records"));
    q.addBindValue(connectionId);
    q.addBindValue(takenAt.isValid() ? takenAt.toMSecsSinceEpoch() : 0);
    q.addBindValue(jsonText(toJson(records)));
    d->exec(q, QStringLiteral("snapshots"), &error);
    return error;
}

std::optional<QHash<QString, QPair<RecordSet, QDateTime>>> Store::loadSnapshots(QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT connection_id, taken_at_ms, records FROM snapshots"));
    if (!d->exec(q, QStringLiteral("snapshots"), error))
        return std::nullopt;
    QHash<QString, QPair<RecordSet, QDateTime>> out;
    while (q.next()) {
        RecordSet rs;
        // A damaged row reads as an empty set rather than failing every snapshot.
        fromJson(jsonOf(q.value(2)), &rs);
        out.insert(q.value(0).toString(), {rs, dateOf(q.value(1))});
    }
    return out;
}

// ---- events --------------------------------------------------------------------------------

std::optional<int> Store::appendEvents(const QList<TimelineEvent> &events, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    if (!db->transaction()) {
        if (error)
            *error = QStringLiteral("events: %1").arg(db->lastError().text());
        return std::nullopt;
    }
    QSqlQuery q(*db);
    q.prepare(QStringLiteral(
        "INSERT INTO events (source, source_id, time_ms, kind, service, environment, actor, "
        "version, title, detail, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (source, source_id) DO NOTHING"));
    int inserted = 0;
    for (const auto &e : events) {
        q.addBindValue(e.source);
        q.addBindValue(e.sourceId);
        q.addBindValue(e.time.isValid() ? e.time.toMSecsSinceEpoch() : 0);
        q.addBindValue(toString(e.kind));
        q.addBindValue(e.service);
        q.addBindValue(e.environment);
        q.addBindValue(e.actor);
        q.addBindValue(e.version);
        q.addBindValue(e.title);
        q.addBindValue(e.detail);
        q.addBindValue(e.link.toString(QUrl::FullyEncoded));
        if (!d->exec(q, QStringLiteral("events"), error)) {
            db->rollback();
            return std::nullopt;
        }
        inserted += q.numRowsAffected() > 0 ? 1 : 0;
    }
    if (!db->commit()) {
        if (error)
            *error = QStringLiteral("events: %1").arg(db->lastError().text());
        db->rollback();
        return std::nullopt;
    }
    return inserted;
}

std::optional<QList<TimelineEvent>> Store::events(const QDateTime &from,
                                                  const QDateTime &to,
                                                  const QString &service,
                                                  const QString &environment,
                                                  QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QString sql = QStringLiteral(
        "SELECT source, source_id, time_ms, kind, service, environment, actor, version, title, "
        "detail, link FROM events WHERE time_ms >= ? AND time_ms < ?");
    if (!service.isEmpty())
        sql += QLatin1String(" AND service = ?");
    if (!environment.isEmpty())
        sql += QLatin1String(" AND environment = ?");
    sql += QLatin1String(" ORDER BY time_ms, id");
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    q.prepare(sql);
    q.addBindValue(from.isValid() ? from.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    q.addBindValue(to.isValid() ? to.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max());
    if (!service.isEmpty())
        q.addBindValue(service);
    if (!environment.isEmpty())
        q.addBindValue(environment);
    if (!d->exec(q, QStringLiteral("events"), error))
        return std::nullopt;
    QList<TimelineEvent> out;
    while (q.next()) {
        TimelineEvent e;
        e.source = q.value(0).toString();
        e.sourceId = q.value(1).toString();
        e.time = dateOf(q.value(2));
        e.kind = timelineKindFromString(q.value(3).toString());
        e.service = q.value(4).toString();
        e.environment = q.value(5).toString();
        e.actor = q.value(6).toString();
        e.version = q.value(7).toString();
        e.title = q.value(8).toString();
        e.detail = q.value(9).toString();
        const QString link = q.value(10).toString();
        e.link = link.isEmpty() ? QUrl() : QUrl(link, QUrl::StrictMode);
        out.append(e);
    }
    return out;
}

std::optional<int> Store::pruneEvents(const QDateTime &olderThan, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("DELETE FROM events WHERE time_ms < ?"));
    q.addBindValue(olderThan.toMSecsSinceEpoch());
    if (!d->exec(q, QStringLiteral("events"), error))
        return std::nullopt;
    return q.numRowsAffected();
}

// ---- audit ---------------------------------------------------------------------------------

namespace {

struct AuditRow
{
    ActionPlan plan;
    QString reason;
    QString state;
    QString result; // JSON or empty
    bool finished = false;
    QString verb; // empty: the plan's verb (release locks write "lock" / "unlock")
};

} // namespace

static std::optional<qint64> insertAudit(Store::Private *d, const AuditRow &row, QString *error);
static bool insertAuditRow(
    Store::Private *d, QSqlDatabase &conn, const AuditRow &row, QString *error, qint64 *id);

std::optional<qint64>
Store::auditIntent(const ActionPlan &plan, const QString &reason, QString *error)
{
    return insertAudit(d.get(), {plan, reason, toString(AuditEntry::State::Intent), {}, false},
                       error);
}

std::optional<qint64> Store::auditRefused(const ActionPlan &plan,
                                          const QString &reason,
                                          const QString &why,
                                          QString *error)
{
    ActionResult refused;
    refused.ok = false;
    refused.message = why;
    refused.finished = QDateTime::currentDateTimeUtc();
    return insertAudit(
        d.get(),
        {plan, reason, toString(AuditEntry::State::Refused), jsonText(toJson(refused)), true},
        error);
}

// Audit writes go to disk before they return: the durable statements wrap the transaction.
static bool durableWrite(Store::Private *d,
                         QSqlDatabase &db,
                         QString *error,
                         const std::function<bool(QSqlDatabase &)> &body)
{
    for (const auto &s : d->dialect->durableBefore())
        if (!d->execText(db, s, error))
            return false;
    bool ok = db.transaction();
    if (!ok && error)
        *error = QStringLiteral("audit: %1").arg(db.lastError().text());
    for (const auto &s : d->dialect->durableInside())
        ok = ok && d->execText(db, s, error);
    if (ok) {
        QSqlQuery check(db);
        if (check.exec(d->dialect->durabilityQuery()) && check.next())
            d->lastAuditDurability = check.value(0).toString();
    }
    ok = ok && body(db);
    if (ok && !db.commit()) {
        if (error)
            *error = QStringLiteral("audit: %1").arg(db.lastError().text());
        ok = false;
    }
    if (!ok)
        db.rollback();
    for (const auto &s : d->dialect->durableAfter())
        d->execText(db, s, nullptr);
    return ok;
}

static std::optional<qint64> insertAudit(Store::Private *d, const AuditRow &row, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    qint64 id = 0;
    const bool ok = durableWrite(d, *db, error, [&](QSqlDatabase &conn) {
        return insertAuditRow(d, conn, row, error, &id);
    });
    if (!ok)
        return std::nullopt;
    return id;
}

static bool insertAuditRow(
    Store::Private *d, QSqlDatabase &conn, const AuditRow &row, QString *error, qint64 *id)
{
    QSqlQuery q(conn);
    q.prepare(QStringLiteral(
        "INSERT INTO audit (time_ms, actor, verb, connection_id, service, environment, "
        "target, reason, plan, state, result, finished_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const ReleaseAction &a = row.plan.action;
    q.addBindValue(now.toMSecsSinceEpoch());
    q.addBindValue(a.actor);
    q.addBindValue(row.verb.isEmpty() ? toString(a.verb) : row.verb);
    q.addBindValue(a.connectionId);
    q.addBindValue(a.service);
    q.addBindValue(a.environment);
    q.addBindValue(a.target);
    q.addBindValue(row.reason);
    q.addBindValue(jsonText(toJson(row.plan)));
    q.addBindValue(row.state);
    q.addBindValue(row.result.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : row.result);
    q.addBindValue(row.finished ? QVariant(now.toMSecsSinceEpoch())
                                : QVariant(QMetaType(QMetaType::LongLong)));
    if (!d->exec(q, QStringLiteral("audit"), error))
        return false;
    if (!q.next()) {
        if (error)
            *error = QStringLiteral("audit: the new entry's id was not returned");
        return false;
    }
    *id = q.value(0).toLongLong();
    return true;
}

// ---- release locks -------------------------------------------------------------------------

static AuditRow lockAuditRow(const QString &verb,
                             const QString &service,
                             const QString &environment,
                             const QString &actor,
                             const QString &reason,
                             bool ok,
                             const QString &message)
{
    AuditRow row;
    row.verb = verb;
    row.plan.action.service = service;
    row.plan.action.environment = environment;
    row.plan.action.actor = actor;
    row.plan.summary = QStringLiteral("%1 %2 in %3").arg(verb, service, environment);
    row.reason = reason;
    row.state = toString(ok ? AuditEntry::State::Succeeded : AuditEntry::State::Refused);
    ActionResult result;
    result.ok = ok;
    result.message = message;
    result.finished = QDateTime::currentDateTimeUtc();
    row.result = jsonText(toJson(result));
    row.finished = true;
    return row;
}

static std::optional<ReleaseLock> readLock(Store::Private *d,
                                           QSqlDatabase &conn,
                                           const QString &service,
                                           const QString &environment,
                                           QString *error)
{
    QSqlQuery q(conn);
    q.prepare(QStringLiteral("SELECT holder, reason, since_ms FROM release_locks "
                             "WHERE service = ? AND environment = ?"));
    q.addBindValue(service);
    q.addBindValue(environment);
    if (!d->exec(q, QStringLiteral("release_locks"), error) || !q.next())
        return std::nullopt;
    return ReleaseLock{service, environment, q.value(0).toString(), q.value(1).toString(),
                       dateOf(q.value(2))};
}

std::optional<bool> Store::lockTarget(const ReleaseLock &lock, ReleaseLock *current, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    bool taken = false;
    const bool ok = durableWrite(d.get(), *db, error, [&](QSqlDatabase &conn) {
        QSqlQuery q(conn);
        q.prepare(QStringLiteral("INSERT INTO release_locks (service, environment, holder, "
                                 "reason, since_ms) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT (service, environment) DO NOTHING"));
        const QDateTime since = lock.since.isValid() ? lock.since : QDateTime::currentDateTimeUtc();
        q.addBindValue(lock.service);
        q.addBindValue(lock.environment);
        // NOT NULL columns: a null QString would bind as NULL.
        q.addBindValue(lock.holder.isNull() ? QStringLiteral("") : lock.holder);
        q.addBindValue(lock.reason.isNull() ? QStringLiteral("") : lock.reason);
        q.addBindValue(since.toMSecsSinceEpoch());
        if (!d->exec(q, QStringLiteral("release_locks"), error))
            return false;
        taken = q.numRowsAffected() == 1;
        const std::optional<ReleaseLock> held =
            readLock(d.get(), conn, lock.service, lock.environment, error);
        if (!held)
            return false;
        if (current)
            *current = *held;
        const QString message =
            taken ? QStringLiteral("locked by %1").arg(held->holder)
                  : QStringLiteral("already locked by %1 since %2: %3")
                        .arg(held->holder, held->since.toString(Qt::ISODate), held->reason);
        qint64 id = 0;
        return insertAuditRow(d.get(), conn,
                              lockAuditRow(QStringLiteral("lock"), lock.service, lock.environment,
                                           lock.holder, lock.reason, taken, message),
                              error, &id);
    });
    if (!ok)
        return std::nullopt;
    return taken;
}

std::optional<ReleaseLock> Store::unlockTarget(const QString &service,
                                               const QString &environment,
                                               const QString &actor,
                                               QString *error)
{
    if (error)
        error->clear();
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    std::optional<ReleaseLock> released;
    durableWrite(d.get(), *db, error, [&](QSqlDatabase &conn) {
        QString readError;
        released = readLock(d.get(), conn, service, environment, &readError);
        if (!released) {
            if (error)
                *error = readError;
            return false; // nothing to release (or unreadable): nothing written
        }
        QSqlQuery q(conn);
        q.prepare(
            QStringLiteral("DELETE FROM release_locks WHERE service = ? AND environment = ?"));
        q.addBindValue(service);
        q.addBindValue(environment);
        qint64 id = 0;
        const bool ok =
            d->exec(q, QStringLiteral("release_locks"), error) &&
            insertAuditRow(
                d.get(), conn,
                lockAuditRow(QStringLiteral("unlock"), service, environment, actor,
                             released->reason, true,
                             QStringLiteral("released the lock %1 held since %2")
                                 .arg(released->holder, released->since.toString(Qt::ISODate))),
                error, &id);
        if (!ok)
            released.reset();
        return ok;
    });
    return released;
}

std::optional<QList<ReleaseLock>>
Store::releaseLocks(const QString &service, const QString &environment, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    QString sql = QStringLiteral("SELECT service, environment, holder, reason, since_ms "
                                 "FROM release_locks WHERE 1 = 1");
    if (!service.isEmpty())
        sql += QStringLiteral(" AND service = ?");
    if (!environment.isEmpty())
        sql += QStringLiteral(" AND environment = ?");
    q.prepare(sql + QStringLiteral(" ORDER BY since_ms, service, environment"));
    if (!service.isEmpty())
        q.addBindValue(service);
    if (!environment.isEmpty())
        q.addBindValue(environment);
    if (!d->exec(q, QStringLiteral("release_locks"), error))
        return std::nullopt;
    QList<ReleaseLock> out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                    q.value(3).toString(), dateOf(q.value(4))});
    return out;
}

StoreError Store::auditResult(qint64 id, const ActionResult &result)
{
    QString error;
    auto db = d->db(&error);
    if (!db)
        return error;
    durableWrite(d.get(), *db, &error, [&](QSqlDatabase &conn) {
        QSqlQuery q(conn);
        q.prepare(QStringLiteral("UPDATE audit SET state = ?, result = ?, finished_ms = ? "
                                 "WHERE id = ? AND state = ?"));
        q.addBindValue(
            toString(result.ok ? AuditEntry::State::Succeeded : AuditEntry::State::Failed));
        q.addBindValue(jsonText(toJson(result)));
        q.addBindValue(
            (result.finished.isValid() ? result.finished : QDateTime::currentDateTimeUtc())
                .toMSecsSinceEpoch());
        q.addBindValue(id);
        q.addBindValue(toString(AuditEntry::State::Intent));
        if (!d->exec(q, QStringLiteral("audit"), &error))
            return false;
        if (q.numRowsAffected() != 1) {
            // An entry's outcome is written once; a second result would rewrite history.
            error = QStringLiteral("audit: no open intent with id %1").arg(id);
            return false;
        }
        return true;
    });
    return error;
}

std::optional<QList<AuditEntry>> Store::auditEntries(int limit, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, time_ms, actor, verb, connection_id, service, "
                             "environment, target, reason, plan, state, result, finished_ms "
                             "FROM audit ORDER BY id DESC LIMIT ?"));
    q.addBindValue(std::max(limit, 0));
    if (!d->exec(q, QStringLiteral("audit"), error))
        return std::nullopt;
    QList<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.time = dateOf(q.value(1));
        e.actor = q.value(2).toString();
        e.verb = q.value(3).toString();
        e.connectionId = q.value(4).toString();
        e.service = q.value(5).toString();
        e.environment = q.value(6).toString();
        e.target = q.value(7).toString();
        e.reason = q.value(8).toString();
        fromJson(jsonOf(q.value(9)), &e.plan);
        e.state = auditStateOf(q.value(10).toString());
        if (!q.value(11).isNull()) {
            ActionResult r;
            if (fromJson(jsonOf(q.value(11)), &r))
                e.result = r;
        }
        e.finished = dateOf(q.value(12));
        out.append(e);
    }
    return out;
}

QString Store::lastAuditDurability() const
{
    return d->lastAuditDurability;
}

QString Store::currentDurability(QString *error)
{
    auto db = d->db(error);
    if (!db)
        return {};
    QSqlQuery q(*db);
    if (!q.exec(d->dialect->durabilityQuery()) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return {};
    }
    return q.value(0).toString();
}

// ---- incidents -----------------------------------------------------------------------------

static void bindIncident(QSqlQuery &q, const Incident &i)
{
    q.addBindValue(i.title);
    q.addBindValue(i.severity);
    q.addBindValue(i.services.join(u','));
    q.addBindValue(i.environment);
    q.addBindValue(toString(i.phase));
    q.addBindValue(msOf(i.detectedAt));
    q.addBindValue(msOf(i.reportedAt));
    q.addBindValue(msOf(i.mitigatedAt));
    q.addBindValue(msOf(i.recoveredAt));
    q.addBindValue(i.summary);
}

std::optional<qint64> Store::createIncident(const Incident &incident, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("INSERT INTO incidents (title, severity, services, environment, "
                             "phase, detected_ms, reported_ms, mitigated_ms, recovered_ms, "
                             "summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    bindIncident(q, incident);
    if (!d->exec(q, QStringLiteral("incidents"), error) || !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}

StoreError Store::updateIncident(const Incident &incident)
{
    QString error;
    auto db = d->db(&error);
    if (!db)
        return error;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE incidents SET title = ?, severity = ?, services = ?, "
                             "environment = ?, phase = ?, detected_ms = ?, reported_ms = ?, "
                             "mitigated_ms = ?, recovered_ms = ?, summary = ? WHERE id = ?"));
    bindIncident(q, incident);
    q.addBindValue(incident.id);
    if (d->exec(q, QStringLiteral("incidents"), &error) && q.numRowsAffected() != 1)
        error = QStringLiteral("incidents: no incident with id %1").arg(incident.id);
    return error;
}

StoreError Store::deleteIncident(qint64 id)
{
    QString error;
    auto db = d->db(&error);
    if (!db)
        return error;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("DELETE FROM incidents WHERE id = ?"));
    q.addBindValue(id);
    if (d->exec(q, QStringLiteral("incidents"), &error) && q.numRowsAffected() != 1)
        error = QStringLiteral("incidents: no incident with id %1").arg(id);
    return error;
}

static Incident incidentFrom(const QSqlQuery &q)
{
    Incident i;
    i.id = q.value(0).toLongLong();
    i.title = q.value(1).toString();
    i.severity = q.value(2).toString();
    const QString services = q.value(3).toString();
    i.services = services.isEmpty() ? QStringList() : services.split(u',');
    i.environment = q.value(4).toString();
    i.phase = incidentPhaseFromString(q.value(5).toString());
    i.detectedAt = dateOf(q.value(6));
    i.reportedAt = dateOf(q.value(7));
    i.mitigatedAt = dateOf(q.value(8));
    i.recoveredAt = dateOf(q.value(9));
    i.summary = q.value(10).toString();
    return i;
}

static const char kIncidentColumns[] =
    "SELECT id, title, severity, services, environment, phase, detected_ms, reported_ms, "
    "mitigated_ms, recovered_ms, summary FROM incidents";

std::optional<Incident> Store::incident(qint64 id, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.prepare(QLatin1String(kIncidentColumns) + QLatin1String(" WHERE id = ?"));
    q.addBindValue(id);
    if (!d->exec(q, QStringLiteral("incidents"), error))
        return std::nullopt;
    if (!q.next()) {
        if (error)
            *error = QStringLiteral("incidents: no incident with id %1").arg(id);
        return std::nullopt;
    }
    return incidentFrom(q);
}

std::optional<QList<Incident>> Store::incidents(QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    q.prepare(QLatin1String(kIncidentColumns) + QLatin1String(" ORDER BY id DESC"));
    if (!d->exec(q, QStringLiteral("incidents"), error))
        return std::nullopt;
    QList<Incident> out;
    while (q.next())
        out.append(incidentFrom(q));
    return out;
}

std::optional<qint64> Store::addIncidentNote(const IncidentNote &note, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("INSERT INTO incident_notes (incident_id, time_ms, author, body) "
                             "VALUES (?, ?, ?, ?) RETURNING id"));
    q.addBindValue(note.incidentId);
    q.addBindValue(note.time.isValid() ? note.time.toMSecsSinceEpoch()
                                       : QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(note.author);
    q.addBindValue(note.text);
    if (!d->exec(q, QStringLiteral("incident_notes"), error) || !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}

std::optional<QList<IncidentNote>> Store::incidentNotes(qint64 incidentId, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, incident_id, time_ms, author, body FROM incident_notes "
                             "WHERE incident_id = ? ORDER BY time_ms, id"));
    q.addBindValue(incidentId);
    if (!d->exec(q, QStringLiteral("incident_notes"), error))
        return std::nullopt;
    QList<IncidentNote> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), dateOf(q.value(2)),
                    q.value(3).toString(), q.value(4).toString()});
    return out;
}

namespace {

QString thisHost()
{
    return QSysInfo::machineHostName();
}

// A lock whose holder cannot be acting any more: its process is gone (same machine), or it is
// older than an hour (another machine, whose processes we cannot see).
bool abandoned(const ActionLock &lock)
{
    if (lock.host == thisHost()) {
        if (lock.pid == qint64(::getpid()))
            return false;
        return ::kill(pid_t(lock.pid), 0) != 0 && errno == ESRCH;
    }
    return lock.since.isValid() && lock.since.secsTo(QDateTime::currentDateTimeUtc()) > 3600;
}

} // namespace

QString ActionLock::describe() const
{
    return QStringLiteral("%1 is running \"%2\" since %3 (process %4 on %5)")
        .arg(actor.isEmpty() ? QStringLiteral("someone") : actor, what,
             since.toLocalTime().toString(QStringLiteral("HH:mm:ss")), QString::number(pid), host);
}

bool Store::takeActionLock(const ActionLock &mine, ActionLock *holder, QString *error)
{
    auto db = d->db(error);
    if (!db)
        return false;
    // The primary key decides: of two processes inserting at once exactly one row wins.
    for (int attempt = 0; attempt < 3; ++attempt) {
        QSqlQuery insert(*db);
        insert.prepare(QStringLiteral("INSERT INTO action_locks (target, actor, what, host, pid, "
                                      "since_ms) VALUES (?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(mine.target);
        insert.addBindValue(mine.actor);
        insert.addBindValue(mine.what);
        insert.addBindValue(thisHost());
        insert.addBindValue(qint64(::getpid()));
        insert.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (insert.exec())
            return true;
        const QString insertError = insert.lastError().text();
        QSqlQuery read(*db);
        read.prepare(QStringLiteral("SELECT actor, what, host, pid, since_ms FROM action_locks "
                                    "WHERE target = ?"));
        read.addBindValue(mine.target);
        if (!d->exec(read, QStringLiteral("action lock"), error))
            return false;
        if (!read.next()) {
            if (attempt == 2 && error)
                *error = QStringLiteral("action lock: %1").arg(insertError);
            continue; // released in between: try again
        }
        ActionLock held;
        held.target = mine.target;
        held.actor = read.value(0).toString();
        held.what = read.value(1).toString();
        held.host = read.value(2).toString();
        held.pid = read.value(3).toLongLong();
        held.since = dateOf(read.value(4));
        if (!abandoned(held)) {
            if (holder)
                *holder = held;
            return false;
        }
        QSqlQuery drop(*db);
        drop.prepare(QStringLiteral("DELETE FROM action_locks WHERE target = ? AND host = ? AND "
                                    "pid = ? AND since_ms = ?"));
        drop.addBindValue(mine.target);
        drop.addBindValue(held.host);
        drop.addBindValue(held.pid);
        drop.addBindValue(read.value(4));
        if (!d->exec(drop, QStringLiteral("action lock"), error))
            return false;
    }
    return false;
}

void Store::releaseActionLock(const QString &target)
{
    auto db = d->db(nullptr);
    if (!db)
        return;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("DELETE FROM action_locks WHERE target = ? AND host = ? AND pid = ?"));
    q.addBindValue(target);
    q.addBindValue(thisHost());
    q.addBindValue(qint64(::getpid()));
    QString error;
    if (!d->exec(q, QStringLiteral("action lock"), &error))
        qWarning("%s", qPrintable(error));
}

} // namespace fd
