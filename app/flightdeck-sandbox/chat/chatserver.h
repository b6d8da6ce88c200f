#pragma once

#include "core/sandbox.h"

#include <QJsonArray>

#include <mutex>

namespace fd::sandbox {

/// A chat service's incoming webhooks: POST /hooks/<kind>/<key...> with kind slack,
/// mattermost, teams or webhook. Every accepted post is kept (kind, body, time) for
/// GET /_sandbox/chat; the sandbox's fault switches (backend `chat`) answer 429/5xx instead.
class ChatServer : public BackendServer
{
public:
    explicit ChatServer(Sandbox &sandbox);

    void installRoutes(httplib::Server &server) override;
    void reset() override;
    void writeError(httplib::Response &res, int status, const QString &message) override;
    QJsonObject credentials() const override;
    void writeRateLimited(httplib::Response &res) override;

    /// [{kind, path-free target name, body (parsed JSON), time, simTimeMs}] in arrival order.
    QJsonArray posts() const;
    void clear();
    /// The webhook key in the URL the sandbox's workspace uses: a secret like any token.
    QString key() const { return m_key; }

private:
    mutable std::mutex m_mutex;
    QJsonArray m_posts;
    QString m_key;
};

} // namespace fd::sandbox
