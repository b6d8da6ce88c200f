#include "ctlnotify.h"

#include "chat/webhooktransport.h"
#include "estate/session.h"
#include "ops/actionrunner.h"
#include "store/store.h"

#include <QEventLoop>
#include <QTimer>

namespace fd {

std::unique_ptr<CtlChatNotices> CtlChatNotices::create(Session *session)
{
    if (session->workspace().notify.isEmpty() || !session->store())
        return nullptr;
    return std::unique_ptr<CtlChatNotices>(new CtlChatNotices(session));
}

CtlChatNotices::CtlChatNotices(Session *session)
    : m_session(session)
    , m_transport(std::make_unique<WebhookTransport>())
    , m_notices(std::make_unique<ChatNotices>(session, m_transport.get()))
{
    const auto rows = m_notices->outbox()->rows();
    m_firstRow = rows.isEmpty() ? 1 : rows.last().id + 1;
}

CtlChatNotices::~CtlChatNotices()
{
    m_notices.reset(); // before the transport it posts through
}

void CtlChatNotices::beforeAction(const PreparedAction &prepared)
{
    m_notices->noteActor(prepared.action.service, prepared.action.environment,
                         prepared.action.actor);
}

void CtlChatNotices::announce(const PreparedAction &prepared, QTextStream &talk, int waitMs)
{
    if (!m_notices->wantsNotice(prepared)) {
        talk << "chat: no notify target takes the change notice of " << prepared.action.service
             << " in " << prepared.action.environment << '\n';
        return;
    }
    m_announced = m_notices->announce(prepared);
    m_notices->drain(waitMs);
    for (const auto &row : m_notices->outbox()->rows())
        if (m_announced.contains(row.id))
            talk << "chat: change notice "
                 << (row.state == QLatin1String("sent") ? "posted to " : "queued for ")
                 << row.target
                 << (row.lastError.isEmpty() ? QString()
                                             : QStringLiteral(" (%1)").arg(row.lastError))
                 << '\n';
    talk.flush();
}

void CtlChatNotices::afterAction(const PreparedAction &prepared, bool ok, QTextStream &talk)
{
    if (!m_announced.isEmpty())
        m_notices->linkToLatestAudit(m_announced);
    if (ok) {
        // What the action sets off reaches the estate a moment later (the Argo CD stream, the
        // next poll): wait for its first notice about this target, a bounded time.
        ChatEvent probe;
        probe.service = prepared.action.service;
        probe.environment = prepared.action.environment;
        bool wanted = false;
        for (const NotifyTarget &t : m_notices->outbox()->targets())
            for (auto k : {ChatEvent::Kind::CanaryStep, ChatEvent::Kind::DeployStarted,
                           ChatEvent::Kind::DeployFinished, ChatEvent::Kind::Rollback}) {
                probe.kind = k;
                wanted = wanted || t.wants(probe);
            }
        const auto followed = [&] {
            for (const auto &row : m_notices->outbox()->rows())
                if (row.id >= m_firstRow && !m_announced.contains(row.id) &&
                    row.event.service == probe.service &&
                    row.event.environment == probe.environment)
                    return true;
            return false;
        };
        if (wanted && !followed()) {
            QEventLoop loop;
            QTimer poll, limit;
            QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
                if (followed())
                    loop.quit();
            });
            QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
            poll.start(100);
            limit.setSingleShot(true);
            limit.start(20000);
            loop.exec();
        }
    }
    finish(talk);
}

void CtlChatNotices::finish(QTextStream &talk, int waitMs)
{
    m_notices->drain(waitMs);
    int sent = 0, waiting = 0, failed = 0;
    for (const auto &row : m_notices->outbox()->rows()) {
        if (row.id < m_firstRow || m_announced.contains(row.id))
            continue;
        if (row.state == QLatin1String("sent"))
            ++sent;
        else if (row.state == QLatin1String("pending"))
            ++waiting;
        else
            ++failed;
    }
    if (sent + waiting + failed > 0)
        talk << "chat: " << sent << " posted"
             << (waiting ? QStringLiteral(", %1 waiting (sent on the next run)").arg(waiting)
                         : QString())
             << (failed ? QStringLiteral(", %1 given up (see the outbox)").arg(failed) : QString())
             << '\n';
    talk.flush();
}

void tellChatOfIncident(Session *session,
                        qint64 incidentId,
                        ChatEvent::Kind kind,
                        const QString &actor,
                        const QString &detail,
                        QTextStream &talk)
{
    auto chat = CtlChatNotices::create(session);
    if (!chat)
        return;
    session->flushWrites(); // the incident's own timeline events, for its suspects
    const auto incident = session->store()->incident(incidentId);
    if (!incident)
        return;
    chat->notices().incident(*incident, kind, actor, detail);
    chat->finish(talk);
}

} // namespace fd
