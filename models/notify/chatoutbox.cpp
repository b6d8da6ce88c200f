#include "chatoutbox.h"

#include "chatmessage.h"

#include "store/store.h"
#include "workspace/credentialresolver.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

Q_LOGGING_CATEGORY(lcNotify, "fd.notify")

namespace fd {

namespace {

bool coalesces(ChatEvent::Kind kind)
{
    return kind == ChatEvent::Kind::CanaryStep;
}

QString coalesceKey(const QString &target, const ChatEvent &e)
{
    return QStringList{target, e.service, e.environment, toString(e.kind)}.join(QLatin1Char('|'));
}

QDateTime dateOf(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString eventText(const ChatEvent &e)
{
    return QString::fromUtf8(
        QJsonDocument(ChatMessage::eventJson(e)).toJson(QJsonDocument::Compact));
}

const QString kColumns = QStringLiteral(
    "id, target, event, state, attempts, created_ms, due_ms, sent_ms, last_error, audit_id");

ChatOutbox::Row rowOf(const QSqlQuery &q)
{
    ChatOutbox::Row r;
    r.id = q.value(0).toLongLong();
    r.target = q.value(1).toString();
    r.event = ChatMessage::eventFromJson(
        QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object());
    r.state = q.value(3).toString();
    r.attempts = q.value(4).toInt();
    r.created = dateOf(q.value(5));
    r.due = dateOf(q.value(6));
    r.sent = dateOf(q.value(7));
    r.lastError = q.value(8).toString();
    r.auditId = q.value(9).toLongLong();
    return r;
}

} // namespace

ChatOutbox::ChatOutbox(Store *store,
                       QList<NotifyTarget> targets,
                       ChatTransport *transport,
                       QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_targets(std::move(targets))
    , m_transport(transport)
    , m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    m_lookup = [](const QString &ref, QObject *context, UrlDone done) {
        CredentialResolver().resolve(ref, context, std::move(done));
    };
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ChatOutbox::pump);
}

ChatOutbox::~ChatOutbox() = default;

QDateTime ChatOutbox::now() const
{
    return m_now();
}

const NotifyTarget *ChatOutbox::target(const QString &id) const
{
    for (const auto &t : m_targets)
        if (t.id == id)
            return &t;
    return nullptr;
}

QList<qint64>
ChatOutbox::enqueue(const ChatEvent &event, qint64 auditId, const QStringList &onlyTargets)
{
    QList<qint64> ids;
    if (!m_store)
        return ids;
    QString error;
    auto db = m_store->database(&error);
    if (!db) {
        qCWarning(lcNotify, "chat notice not stored: %s", qPrintable(error));
        return ids;
    }
    const QDateTime t = now();
    for (const NotifyTarget &target : std::as_const(m_targets)) {
        if (!onlyTargets.isEmpty() && !onlyTargets.contains(target.id))
            continue;
        if (!target.wants(event))
            continue;
        if (!coalesces(event.kind)) {
            // A canary step still held back by the minute rule says less than what follows
            // it (a finish, an abort): it is dropped rather than hold the newer news back.
            QSqlQuery drop(*db);
            drop.prepare(QStringLiteral(
                "UPDATE chat_outbox SET state = 'superseded' WHERE state = 'pending' AND "
                "coalesce_key LIKE ? AND due_ms > ?"));
            drop.addBindValue(
                QStringList{target.id, event.service, event.environment, QString()}.join(
                    QLatin1Char('|')) +
                QLatin1Char('%'));
            drop.addBindValue(t.toMSecsSinceEpoch());
            drop.exec();
        }
        QDateTime due = t;
        QString key;
        if (coalesces(event.kind)) {
            key = coalesceKey(target.id, event);
            QSqlQuery last(*db);
            last.prepare(QStringLiteral("SELECT id, state, created_ms, sent_ms FROM chat_outbox "
                                        "WHERE coalesce_key = ? ORDER BY id DESC LIMIT 1"));
            last.addBindValue(key);
            if (last.exec() && last.next()) {
                const qint64 id = last.value(0).toLongLong();
                const QString state = last.value(1).toString();
                if (state == QLatin1String("pending") && !m_inFlightRows.contains(id)) {
                    // Still waiting: the newest state replaces the one not yet posted.
                    QSqlQuery up(*db);
                    up.prepare(QStringLiteral("UPDATE chat_outbox SET event = ? WHERE id = ?"));
                    up.addBindValue(eventText(event));
                    up.addBindValue(id);
                    if (up.exec()) {
                        ids << id;
                        continue;
                    }
                }
                const QDateTime before =
                    state == QLatin1String("sent") ? dateOf(last.value(3)) : dateOf(last.value(2));
                if (before.isValid())
                    due = std::max(t, before.addMSecs(m_coalesceMs));
            }
        }
        QSqlQuery ins(*db);
        ins.prepare(QStringLiteral(
            "INSERT INTO chat_outbox (target, coalesce_key, kind, event, created_ms, due_ms, "
            "attempts, state, audit_id) VALUES (?, ?, ?, ?, ?, ?, 0, 'pending', ?)"));
        ins.addBindValue(target.id);
        ins.addBindValue(key.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(key));
        ins.addBindValue(toString(event.kind));
        ins.addBindValue(eventText(event));
        ins.addBindValue(t.toMSecsSinceEpoch());
        ins.addBindValue(due.toMSecsSinceEpoch());
        ins.addBindValue(auditId);
        if (!ins.exec()) {
            qCWarning(lcNotify, "chat notice for %s not stored: %s", qPrintable(target.id),
                      qPrintable(ins.lastError().text()));
            continue;
        }
        QSqlQuery idq(*db);
        idq.prepare(QStringLiteral("SELECT MAX(id) FROM chat_outbox WHERE target = ?"));
        idq.addBindValue(target.id);
        if (idq.exec() && idq.next())
            ids << idq.value(0).toLongLong();
    }
    if (m_running)
        QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
    return ids;
}

void ChatOutbox::start()
{
    m_running = true;
    pump();
}

void ChatOutbox::stop()
{
    m_running = false;
    m_timer.stop();
}

std::optional<ChatOutbox::Row> ChatOutbox::head(const QString &target) const
{
    if (!m_store)
        return std::nullopt;
    auto db = m_store->database();
    if (!db)
        return std::nullopt;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT %1 FROM chat_outbox WHERE state = 'pending' AND target = ? "
                             "ORDER BY id LIMIT 1")
                  .arg(kColumns));
    q.addBindValue(target);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return rowOf(q);
}

void ChatOutbox::pump()
{
    if (!m_running)
        return;
    const QDateTime t = now();
    qint64 nextDueMs = -1;
    for (const NotifyTarget &target : std::as_const(m_targets)) {
        if (m_inFlight.contains(target.id) || m_resolving.contains(target.id))
            continue;
        const auto row = head(target.id);
        if (!row)
            continue;
        if (row->due > t) {
            const qint64 wait = t.msecsTo(row->due);
            nextDueMs = nextDueMs < 0 ? wait : std::min(nextDueMs, wait);
            continue;
        }
        if (m_urls.contains(target.id)) {
            if (claim(*row))
                send(*row, target, m_urls.value(target.id));
            else
                nextDueMs = nextDueMs < 0 ? 1000 : std::min<qint64>(nextDueMs, 1000);
            continue;
        }
        m_resolving.insert(target.id);
        const QString id = target.id;
        m_lookup(target.urlRef, this, [this, id](std::optional<QString> url, QString error) {
            m_resolving.remove(id);
            if (!url) {
                // The reference names a variable or keychain entry, never the URL itself.
                const auto row = head(id);
                if (row)
                    markFailed(row->id, id,
                               QStringLiteral("the webhook URL could not be read: %1").arg(error));
            } else {
                m_urls.insert(id, *url);
            }
            QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
        });
    }
    if (nextDueMs >= 0)
        m_timer.start(int(std::min<qint64>(nextDueMs, 3600 * 1000)));
    if (isIdle())
        Q_EMIT idle();
}

// The window and the CLI may share a store: the process that moves a row's due time on first
// owns it for the lease, and one that dies mid-post leaves it to be posted again after it.
bool ChatOutbox::claim(const Row &row)
{
    auto db = m_store->database();
    if (!db)
        return false;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral(
        "UPDATE chat_outbox SET due_ms = ? WHERE id = ? AND state = 'pending' AND due_ms = ?"));
    q.addBindValue(now().addMSecs(m_leaseMs).toMSecsSinceEpoch());
    q.addBindValue(row.id);
    q.addBindValue(row.due.toMSecsSinceEpoch());
    return q.exec() && q.numRowsAffected() == 1;
}

void ChatOutbox::send(const Row &row, const NotifyTarget &target, const QString &url)
{
    m_inFlight.insert(target.id);
    m_inFlightRows.insert(row.id);
    const QByteArray body = ChatMessage::bytes(row.event, target);
    const qint64 id = row.id;
    const QString targetId = target.id;
    m_transport->post(QUrl(url), body, this,
                      [this, id, targetId](const ChatDelivery &d) { finished(id, targetId, d); });
}

void ChatOutbox::finished(qint64 rowId, const QString &targetId, const ChatDelivery &d)
{
    m_inFlight.remove(targetId);
    m_inFlightRows.remove(rowId);
    auto db = m_store->database();
    if (!db)
        return;
    const QDateTime t = now();
    if (d.status >= 200 && d.status < 300) {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("UPDATE chat_outbox SET state = 'sent', sent_ms = ?, "
                                 "attempts = attempts + 1, last_error = NULL WHERE id = ?"));
        q.addBindValue(t.toMSecsSinceEpoch());
        q.addBindValue(rowId);
        if (!q.exec())
            qCWarning(lcNotify, "chat notice %lld sent but not marked: %s", rowId,
                      qPrintable(q.lastError().text()));
        qCDebug(lcNotify, "chat notice %lld posted to %s", rowId, qPrintable(targetId));
        Q_EMIT delivered(rowId, targetId);
        QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
        return;
    }
    const QString what = d.status > 0 ? QStringLiteral("HTTP %1").arg(d.status) : d.error;
    const bool transient = d.status == 0 || d.status == 408 || d.status == 429 || d.status >= 500;
    if (!transient) {
        markFailed(rowId, targetId,
                   QStringLiteral("%1 %2").arg(what, QString::fromUtf8(d.responseBody.left(200))));
        QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
        return;
    }
    QSqlQuery cur(*db);
    cur.prepare(QStringLiteral("SELECT attempts, created_ms FROM chat_outbox WHERE id = ?"));
    cur.addBindValue(rowId);
    int attempts = 1;
    QDateTime created = t;
    if (cur.exec() && cur.next()) {
        attempts = cur.value(0).toInt() + 1;
        created = dateOf(cur.value(1));
    }
    qint64 delay = qint64(m_retryBaseMs) << std::min(attempts - 1, 20);
    delay = std::min<qint64>(delay, 10 * 60 * 1000);
    if (const auto asked = d.retryAfter.isEmpty()
                               ? std::nullopt
                               : std::optional<qint64>(d.retryAfter.trimmed().toLongLong() * 1000);
        asked && *asked > 0)
        delay = *asked; // the service says when; sooner would only be refused again
    const QDateTime due = t.addMSecs(delay);
    if (created.msecsTo(due) > giveUpAfterMs) {
        markFailed(rowId, targetId,
                   QStringLiteral("gave up after a day of failed posts; last: %1").arg(what));
        QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
        return;
    }
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE chat_outbox SET attempts = ?, due_ms = ?, last_error = ? "
                             "WHERE id = ?"));
    q.addBindValue(attempts);
    q.addBindValue(due.toMSecsSinceEpoch());
    q.addBindValue(what);
    q.addBindValue(rowId);
    q.exec();
    qCInfo(lcNotify, "chat notice %lld to %s: %s; retry %d in %lld ms", rowId, qPrintable(targetId),
           qPrintable(what), attempts, delay);
    QMetaObject::invokeMethod(this, &ChatOutbox::pump, Qt::QueuedConnection);
}

void ChatOutbox::markFailed(qint64 rowId, const QString &targetId, const QString &error)
{
    if (auto db = m_store->database()) {
        QSqlQuery q(*db);
        q.prepare(
            QStringLiteral("UPDATE chat_outbox SET state = 'failed', last_error = ? WHERE id = ?"));
        q.addBindValue(error);
        q.addBindValue(rowId);
        q.exec();
    }
    qCWarning(lcNotify, "chat notice %lld to %s given up: %s", rowId, qPrintable(targetId),
              qPrintable(error));
    Q_EMIT gaveUp(rowId, targetId, error);
}

void ChatOutbox::linkAudit(const QList<qint64> &rowIds, qint64 auditId)
{
    auto db = m_store ? m_store->database() : std::nullopt;
    if (!db)
        return;
    for (qint64 id : rowIds) {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("UPDATE chat_outbox SET audit_id = ? WHERE id = ?"));
        q.addBindValue(auditId);
        q.addBindValue(id);
        q.exec();
    }
}

QList<ChatOutbox::Row> ChatOutbox::rows(const QString &state) const
{
    QList<Row> out;
    if (!m_store)
        return out;
    auto db = m_store->database();
    if (!db)
        return out;
    QSqlQuery q(*db);
    if (state.isEmpty()) {
        q.prepare(QStringLiteral("SELECT %1 FROM chat_outbox ORDER BY id").arg(kColumns));
    } else {
        q.prepare(
            QStringLiteral("SELECT %1 FROM chat_outbox WHERE state = ? ORDER BY id").arg(kColumns));
        q.addBindValue(state);
    }
    if (q.exec())
        while (q.next())
            out << rowOf(q);
    return out;
}

int ChatOutbox::pendingCount() const
{
    return int(rows(QStringLiteral("pending")).size());
}

bool ChatOutbox::isIdle() const
{
    if (!m_inFlight.isEmpty() || !m_resolving.isEmpty())
        return false;
    const QDateTime t = now();
    for (const Row &r : rows(QStringLiteral("pending")))
        if (r.due <= t)
            return false;
    return true;
}

} // namespace fd
