#pragma once

// A loopback server that answers with recorded api.github.com responses (nock "raw" fixtures:
// method, path, status, decoded body, rawHeaders). Requests are matched on method and path with
// query; absolute api.github.com URLs in headers point back at this server. Conditional GETs
// get GitHub's documented answer: If-None-Match with the recorded ETag → 304, empty body,
// ETag and rate-limit headers kept. Anything not recorded is a 404 and counted as unmatched.

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>

#include <memory>
#include <thread>

namespace httplib {
class Server;
}

namespace fd::test {

struct RecordedExchange
{
    QByteArray method; // upper case
    QByteArray pathAndQuery;
    int status = 0;
    QByteArray body; // re-serialised from the decoded recording; empty when none
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray etag;
};

struct SeenRequest
{
    QByteArray method, pathAndQuery;
    QHash<QByteArray, QByteArray> headers; // names lowercased
    int status = 0;
};

class ReplayServer
{
public:
    ReplayServer();
    ~ReplayServer();

    /// Adds every exchange of a raw fixture file; false with *error when it cannot be read.
    bool load(const QString &file, QString *error);
    bool start(QString *error);
    int port() const { return m_port; }
    QByteArray origin() const; // http://127.0.0.1:PORT

    QList<SeenRequest> seen() const;
    int unmatched() const;

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    QList<RecordedExchange> m_exchanges;
    mutable QMutex m_mutex;
    QList<SeenRequest> m_seen;
    int m_unmatched = 0;
};

} // namespace fd::test
