#pragma once

#include "chatevent.h"
#include "chattransport.h"
#include "notifytarget.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <optional>

namespace fd {

class Store;

/**
 * The persistent queue of chat notices. An event becomes one row per target that wants it,
 * written to the store before anything is posted, so a notice survives a crash or a chat
 * service that is down; rows of one target go out one at a time in the order they were made,
 * and a row is marked sent only after the service answered 2xx. A 429 or 5xx (or no answer)
 * is retried with exponential backoff, honouring Retry-After, until a day has passed; then
 * the row is given up with its error kept for the user. Canary steps coalesce: at most one
 * message per minute per target, service and environment, the newest state winning.
 *
 * Nothing here blocks: posting is asynchronous and an action never waits for chat.
 */
class ChatOutbox : public QObject
{
    Q_OBJECT
public:
    using UrlDone = std::function<void(std::optional<QString> url, QString error)>;
    using UrlLookup = std::function<void(const QString &reference, QObject *context, UrlDone)>;

    struct Row
    {
        qint64 id = 0;
        QString target;
        ChatEvent event;
        QString state; // pending | sent | failed | superseded (a held-back step, then a finish)
        int attempts = 0;
        QDateTime created;
        QDateTime due;
        QDateTime sent;
        QString lastError;
        qint64 auditId = 0;
    };

    /// `lookup` turns a target's env:/keychain: reference into its URL (default: the
    /// CredentialResolver, which also registers the URL with the log redactor).
    ChatOutbox(Store *store,
               QList<NotifyTarget> targets,
               ChatTransport *transport,
               QObject *parent = nullptr);
    ~ChatOutbox() override;

    void setUrlLookup(UrlLookup lookup) { m_lookup = std::move(lookup); }
    /// Seams for tests: the time, and the first retry delay (doubled per attempt, 10 min cap).
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }
    void setRetryBaseMs(int ms) { m_retryBaseMs = ms; }
    void setCoalesceWindowMs(qint64 ms) { m_coalesceMs = ms; }
    /// How long a post in flight keeps its row from other processes on the same store (and
    /// from this one after a crash). Longer than the transport's timeout.
    void setClaimLeaseMs(qint64 ms) { m_leaseMs = ms; }
    static constexpr qint64 giveUpAfterMs = 24LL * 3600 * 1000;

    const QList<NotifyTarget> &targets() const { return m_targets; }
    /// Stores one row per target that wants the event (only `onlyTargets` when given) and
    /// starts delivery. Returns the ids of the rows made or updated (coalesced).
    QList<qint64>
    enqueue(const ChatEvent &event, qint64 auditId = 0, const QStringList &onlyTargets = {});
    /// Begins posting what the store holds (rows left by an earlier run included).
    void start();
    void stop();

    /// Ties stored rows to the audit entry of the action they announced.
    void linkAudit(const QList<qint64> &rowIds, qint64 auditId);

    QList<Row> rows(const QString &state = {}) const;
    int pendingCount() const;
    /// True when nothing is being posted and nothing is due now.
    bool isIdle() const;

Q_SIGNALS:
    void delivered(qint64 rowId, const QString &target);
    /// A row was given up: a permanent error, or still failing after a day.
    void gaveUp(qint64 rowId, const QString &target, const QString &error);
    void idle();

private:
    void pump();
    bool claim(const Row &row);
    void send(const Row &row, const NotifyTarget &target, const QString &url);
    void finished(qint64 rowId, const QString &target, const ChatDelivery &d);
    void markFailed(qint64 rowId, const QString &target, const QString &error);
    std::optional<Row> head(const QString &target) const;
    const NotifyTarget *target(const QString &id) const;
    QDateTime now() const;

    Store *m_store;
    QList<NotifyTarget> m_targets;
    ChatTransport *m_transport;
    UrlLookup m_lookup;
    std::function<QDateTime()> m_now;
    int m_retryBaseMs = 5000;
    qint64 m_coalesceMs = 60000;
    qint64 m_leaseMs = 30000;
    QHash<QString, QString> m_urls; // target id → resolved URL (never logged)
    QSet<QString> m_resolving;      // target ids whose URL is being read
    QSet<QString> m_inFlight;       // target ids with a post on the wire
    QSet<qint64> m_inFlightRows;
    QTimer m_timer;
    bool m_running = false;
};

} // namespace fd
