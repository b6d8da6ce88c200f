#include "webhooktransport.h"

#include "http/client.h"
#include "logging/redactor.h"

#include <QPointer>

namespace fd {

WebhookTransport::WebhookTransport(int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_timeoutMs(timeoutMs)
{}

WebhookTransport::~WebhookTransport() = default;

http::Client *WebhookTransport::clientFor(const QUrl &url)
{
    const QString origin = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery |
                                        QUrl::RemoveFragment | QUrl::RemoveUserInfo)
                               .toString();
    if (http::Client *c = m_clients.value(origin))
        return c;
    http::ClientOptions options;
    options.maxPerHost = 2;
    auto *c = new http::Client(QUrl(origin), options, this);
    m_clients.insert(origin, c);
    return c;
}

void WebhookTransport::post(const QUrl &url, const QByteArray &json, QObject *context, Done done)
{
    // The whole URL is a credential (Slack, Mattermost and Teams put the key in the path):
    // whatever the HTTP layer logs about this request, the redactor masks the path too.
    if (url.path().size() >= 8)
        Redactor::instance().addSecret(url.path());
    if (url.hasQuery())
        Redactor::instance().addSecret(url.query(QUrl::FullyEncoded));
    http::Request req;
    req.method = "POST";
    req.path = QString::fromUtf8(url.toEncoded(QUrl::RemoveUserInfo));
    req.body = json;
    req.contentType = "application/json";
    req.timeoutMs = m_timeoutMs;
    req.maxAttempts = 1;
    req.followRedirects = false;
    QPointer<QObject> guard(context);
    clientFor(url)->send(req, context, [done, guard](const http::Response &r) {
        if (!guard)
            return;
        ChatDelivery d;
        d.status = r.status;
        d.retryAfter = r.header("retry-after");
        d.responseBody = r.body.left(200);
        if (r.status == 0)
            d.error = QStringLiteral("no answer (%1)").arg(http::errorName(r.error));
        done(d);
    });
}

} // namespace fd
