#pragma once

#include "chatevent.h"
#include "chatoutbox.h"

#include <QObject>
#include <QSet>

namespace fd {

class Session;
struct Incident;
struct PreparedAction;
struct TimelineEvent;

/**
 * Tells the workspace's chat targets what happens: listens to the session's timeline events
 * (deploys, canary steps, rollbacks, gates) and turns them into chat events for the outbox;
 * builds the change notice an operator may post before a promotion; and carries incident
 * moments the caller reports. Owns the session's ChatOutbox.
 */
class ChatNotices : public QObject
{
    Q_OBJECT
public:
    /// `session` must be open; `transport` outlives this object.
    ChatNotices(Session *session, ChatTransport *transport, QObject *parent = nullptr);

    ChatOutbox *outbox() { return &m_outbox; }
    bool hasTargets() const { return !m_outbox.targets().isEmpty(); }
    /// True when some target takes this promotion's change notice.
    bool wantsNotice(const PreparedAction &prepared) const;

    /// The change notice of a planned promotion: versions, commits with PR numbers (from git
    /// when the repository is known), the comparison link, and the risks the guards see.
    ChatEvent changeNotice(const PreparedAction &prepared) const;
    /// The names of the targets that take this promotion's change notice.
    QStringList noticeTargets(const PreparedAction &prepared) const;
    /// Stores the change notice for posting; `auditId` links it to the audit entry.
    QList<qint64> announce(const PreparedAction &prepared, qint64 auditId = 0);
    /// Links notice rows to the newest audit entry: the action just started after them.
    void linkToLatestAudit(const QList<qint64> &rows);
    void incident(const Incident &incident,
                  ChatEvent::Kind kind,
                  const QString &actor,
                  const QString &detail = {},
                  const QStringList &suspects = {});

    /// Who is about to act on service × environment: what the backend then reports of that
    /// target for the next minutes is told as theirs.
    void noteActor(const QString &service, const QString &environment, const QString &actor);

    /// CLI: runs the event loop until nothing is due in the outbox or `timeoutMs` passed.
    bool drain(int timeoutMs);

    /// The chat event a timeline event stands for; nullopt for kinds chat does not hear of.
    std::optional<ChatEvent> fromTimeline(const TimelineEvent &event) const;

private:
    void onEvents(const QList<TimelineEvent> &events);

    Session *m_session;
    ChatOutbox m_outbox;
    QSet<QString> m_seen; // timeline source ids already handled
    /// Who last acted on service|environment, and when: a canary step or finish a backend
    /// reports carries no person, though an operator set it off.
    QHash<QString, QPair<QString, QDateTime>> m_actors;
    QDateTime m_openedAt;
};

} // namespace fd
