#pragma once

#include "notify/chattransport.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace fd::http {
class Client;
}

namespace fd {

/// Posts chat notices through the shared HTTP client: one attempt per post (the outbox
/// retries), a timeout on every request, and error texts that never carry the URL.
class WebhookTransport : public QObject, public ChatTransport
{
    Q_OBJECT
public:
    explicit WebhookTransport(int timeoutMs = 15000, QObject *parent = nullptr);
    ~WebhookTransport() override;

    void post(const QUrl &url, const QByteArray &json, QObject *context, Done done) override;

private:
    http::Client *clientFor(const QUrl &url);

    int m_timeoutMs;
    QHash<QString, http::Client *> m_clients; // by scheme://host:port
};

} // namespace fd
