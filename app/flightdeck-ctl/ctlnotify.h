#pragma once

#include "notify/chatnotices.h"

#include <QTextStream>

#include <memory>

namespace fd {

class Session;
class WebhookTransport;
struct PreparedAction;

/// The CLI's side of chat notices: the change notice of `--announce`, the notices of what an
/// action set off, incident moments; each waits a bounded time for the posts and never blocks
/// or fails the command it belongs to.
class CtlChatNotices
{
public:
    /// nullptr when the workspace has no `notify:` target.
    static std::unique_ptr<CtlChatNotices> create(Session *session);
    ~CtlChatNotices();

    ChatNotices &notices() { return *m_notices; }
    /// Remembers who acts, for the notices of what the action sets off.
    void beforeAction(const PreparedAction &prepared);
    /// Posts the change notice before the action is sent (waits up to `waitMs` for chat).
    void announce(const PreparedAction &prepared, QTextStream &talk, int waitMs = 10000);
    /// After the action: links the notice to the audit entry, waits for what the action set
    /// off (a canary step, a finished deploy) to be told, and says what went out.
    void afterAction(const PreparedAction &prepared, bool ok, QTextStream &talk);
    /// Posts what is queued and says what went out.
    void finish(QTextStream &talk, int waitMs = 10000);

private:
    explicit CtlChatNotices(Session *session);
    Session *m_session;
    std::unique_ptr<WebhookTransport> m_transport;
    std::unique_ptr<ChatNotices> m_notices;
    QList<qint64> m_announced;
    qint64 m_firstRow = 0;
};

/// Tells chat of an incident moment (declared, a new phase, a note), a bounded wait.
void tellChatOfIncident(Session *session,
                        qint64 incidentId,
                        ChatEvent::Kind kind,
                        const QString &actor,
                        const QString &detail,
                        QTextStream &talk);

} // namespace fd
