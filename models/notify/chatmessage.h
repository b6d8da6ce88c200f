#pragma once

#include "chatevent.h"
#include "notifytarget.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace fd {

/**
 * One event as the body a chat service takes on its incoming webhook: Slack Block Kit,
 * Mattermost message attachments, a Teams Adaptive Card in the webhook's "message" envelope,
 * or our own flat JSON for `webhook`. Each carries first the one line a person reads, then
 * versions, commits with PR numbers, who, and links. The target's language picks the words.
 */
class ChatMessage
{
public:
    /// "checkout v1.7.3 → prod: canary at 50 % (step 3/6) by alice"
    static QString headline(const ChatEvent &event, const QString &language);
    static QJsonObject body(const ChatEvent &event, const NotifyTarget &target);
    static QByteArray bytes(const ChatEvent &event, const NotifyTarget &target);
    /// The flat webhook shape is also the outbox's stored form of an event.
    static QJsonObject eventJson(const ChatEvent &event);
    static ChatEvent eventFromJson(const QJsonObject &json);
};

} // namespace fd
