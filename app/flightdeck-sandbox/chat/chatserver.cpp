#include "chatserver.h"

#include "core/backends.h"

#include <httplib.h>

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace fd::sandbox {

using namespace Qt::StringLiterals;

ChatServer::ChatServer(Sandbox &sandbox)
    : BackendServer(u"chat"_s, sandbox)
{
    // Derived from the seed so the same seed gives the same workspace environment.
    m_key = QString::fromLatin1(
        QCryptographicHash::hash("fd-sandbox-chat-" + QByteArray::number(sandbox.options().seed),
                                 QCryptographicHash::Sha256)
            .toHex()
            .left(24));
}

void ChatServer::installRoutes(httplib::Server &server)
{
    server.Post(R"(/hooks/(slack|mattermost|teams|webhook)/(.+))",
                [this](const httplib::Request &req, httplib::Response &res) {
                    const QString kind = QString::fromStdString(req.matches[1]);
                    if (QString::fromStdString(req.matches[2]) != m_key) {
                        // Slack answers an unknown hook with 404 no_service; so do we.
                        writeError(res, 404, u"no_service"_s);
                        return;
                    }
                    QJsonParseError err;
                    const QJsonDocument doc =
                        QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &err);
                    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
                        writeError(res, 400, u"invalid_payload"_s);
                        return;
                    }
                    const qint64 now = sandbox().clock().nowMs();
                    {
                        std::lock_guard lock(m_mutex);
                        m_posts.append(QJsonObject{{u"kind"_s, kind},
                                                   {u"body"_s, doc.object()},
                                                   {u"time"_s, isoTime(now)},
                                                   {u"simTimeMs"_s, double(now)}});
                    }
                    // Slack and Mattermost answer "ok"; Teams answers 1 (text/plain).
                    res.status = 200;
                    res.set_content(kind == QLatin1String("teams") ? "1" : "ok", "text/plain");
                });
}

void ChatServer::reset()
{
    clear();
}

void ChatServer::writeError(httplib::Response &res, int status, const QString &message)
{
    res.status = status;
    res.set_content(message.toStdString(), "text/plain");
}

void ChatServer::writeRateLimited(httplib::Response &res)
{
    writeError(res, 429, u"rate_limited"_s);
    res.set_header("Retry-After", "1");
}

QJsonObject ChatServer::credentials() const
{
    return {};
}

QJsonArray ChatServer::posts() const
{
    std::lock_guard lock(m_mutex);
    return m_posts;
}

void ChatServer::clear()
{
    std::lock_guard lock(m_mutex);
    m_posts = QJsonArray();
}

std::unique_ptr<BackendServer> makeChatServer(Sandbox &sandbox)
{
    return std::make_unique<ChatServer>(sandbox);
}

} // namespace fd::sandbox
