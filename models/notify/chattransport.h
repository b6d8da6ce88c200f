#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace fd {

/// What a chat service answered to one post.
struct ChatDelivery
{
    int status = 0;          // 0 when no HTTP answer came (timeout, refused, TLS)
    QByteArray retryAfter;   // the Retry-After header as sent, when there was one
    QString error;           // in words, never naming the URL
    QByteArray responseBody; // a little of it, for the error shown to the user
};

/**
 * Posts a JSON body to a webhook URL. The outbox does its own retries (it keeps the order and
 * survives restarts), so an implementation makes exactly one attempt, with a timeout. The URL
 * is a secret: an implementation never logs it or puts it in an error text.
 */
class ChatTransport
{
public:
    using Done = std::function<void(const ChatDelivery &)>;
    virtual ~ChatTransport() = default;
    /// `done` runs once, on the caller's thread, while `context` lives.
    virtual void post(const QUrl &url, const QByteArray &json, QObject *context, Done done) = 0;
};

} // namespace fd
