#pragma once

#include "domain/records.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace fd {

class Estate;

/// One desktop notification as it would be shown.
struct Notice
{
    enum class Category { Approval, FailedDeploy, CanaryPaused, CanaryAborted, Rollback };
    Category category = Category::Approval;
    QString title;
    QString body;
    QStringList keys; // the records it is about (gate / run / deployment / rollout keys)

    bool operator==(const Notice &) const = default;
};

/**
 * Decides what the desktop should be told: a new gate waiting, a deploy that failed, a canary
 * that paused or aborted, a rollback. Only changes seen after a connection's first full read
 * count (start-up and cached snapshots tell nothing new). Notices are collected for a debounce
 * interval and then emitted as one notice, or as one summary when several arrived together;
 * the same thing about the same record is not repeated within the cool-down.
 * No widgets here: the tray icon that shows them lives in the views.
 */
class NotificationFeed : public QObject
{
    Q_OBJECT
public:
    explicit NotificationFeed(Estate *estate, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    void setCategoryEnabled(Notice::Category category, bool enabled);
    bool isCategoryEnabled(Notice::Category category) const { return !m_muted.contains(category); }
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    int debounceMs() const { return m_debounce.interval(); }
    void setCooldownMs(qint64 ms) { m_cooldownMs = ms; }

    /// Notices collected and not yet emitted.
    const QList<Notice> &pending() const { return m_pending; }
    /// Emit what is pending now instead of at the end of the debounce interval.
    void flush();

    static QString categoryText(Notice::Category category);
    static QList<Notice::Category> categories();

Q_SIGNALS:
    void notify(const fd::Notice &notice);

private:
    void onChanged(RecordKind kind,
                   const QStringList &inserted,
                   const QStringList &updated,
                   const QStringList &removed);
    void onEvents(const QList<TimelineEvent> &events);
    void add(const Notice &notice);
    bool live(const QString &connectionId) const;

    Estate *m_estate;
    bool m_enabled = true;
    QSet<Notice::Category> m_muted;
    QTimer m_debounce;
    qint64 m_cooldownMs = 10 * 60 * 1000;
    QList<Notice> m_pending;
    QHash<QString, QDateTime> m_lastSaid; // category + key → when it was last collected
    // What was last seen, to tell a transition from a repeat.
    QHash<QString, bool> m_rolloutPaused;
    QHash<QString, bool> m_rolloutAborted;
    QHash<QString, bool> m_failed; // run / deployment key → failed when last seen
};

} // namespace fd
