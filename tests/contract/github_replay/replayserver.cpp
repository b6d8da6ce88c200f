#include "replayserver.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <httplib.h>

namespace fd::test {

namespace {

const QByteArray kRecordedOrigin = "https://api.github.com";

// Framing belongs to this connection, not to the recording: the body is re-serialised.
bool framingHeader(const QByteArray &lowerName)
{
    return lowerName == "content-length" || lowerName == "transfer-encoding" ||
           lowerName == "connection" || lowerName == "content-encoding" ||
           lowerName == "keep-alive";
}

} // namespace

ReplayServer::ReplayServer()
    : m_server(std::make_unique<httplib::Server>())
{}

ReplayServer::~ReplayServer()
{
    m_server->stop();
    if (m_thread.joinable())
        m_thread.join();
}

bool ReplayServer::load(const QString &file, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(file);
        return false;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isArray()) {
        *error = QStringLiteral("%1: %2").arg(file, pe.errorString());
        return false;
    }
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        RecordedExchange e;
        e.method = o.value(QLatin1String("method")).toString().toUpper().toLatin1();
        e.pathAndQuery = o.value(QLatin1String("path")).toString().toUtf8();
        e.status = o.value(QLatin1String("status")).toInt();
        const QJsonValue body = o.value(QLatin1String("response"));
        if (body.isArray())
            e.body = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        else if (body.isObject())
            e.body = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        else
            e.body = body.toString().toUtf8();
        const QJsonArray raw = o.value(QLatin1String("rawHeaders")).toArray();
        for (qsizetype i = 0; i + 1 < raw.size(); i += 2) {
            const QByteArray name = raw[i].toString().toLatin1();
            const QByteArray value = raw[i + 1].toString().toUtf8();
            if (framingHeader(name.toLower()))
                continue;
            if (name.toLower() == "etag")
                e.etag = value;
            e.headers.append({name, value});
        }
        m_exchanges.append(e);
    }
    return true;
}

bool ReplayServer::start(QString *error)
{
    const auto handler = [this](const httplib::Request &req, httplib::Response &res) {
        SeenRequest seen;
        seen.method = QByteArray::fromStdString(req.method);
        seen.pathAndQuery = QByteArray::fromStdString(req.target);
        for (const auto &[k, v] : req.headers)
            seen.headers.insert(QByteArray::fromStdString(k).toLower(),
                                QByteArray::fromStdString(v));
        const RecordedExchange *hit = nullptr;
        for (const RecordedExchange &e : std::as_const(m_exchanges))
            if (e.method == seen.method && e.pathAndQuery == seen.pathAndQuery)
                hit = &e;
        if (!hit) {
            res.status = 404;
            res.set_content("{\"message\":\"Not Found (not recorded)\"}", "application/json");
        } else {
            const QByteArray inm = seen.headers.value("if-none-match");
            const bool notModified = seen.method == "GET" && !hit->etag.isEmpty() &&
                                     (inm == hit->etag || inm == "W/" + hit->etag);
            std::string contentType = "application/json; charset=utf-8";
            for (const auto &[name, value] : hit->headers) {
                // set_content() writes the one Content-Type header.
                if (name.toLower() == "content-type") {
                    contentType = value.toStdString();
                    continue;
                }
                QByteArray v = value;
                v.replace(kRecordedOrigin, origin());
                res.set_header(name.toStdString(), v.toStdString());
            }
            res.status = notModified ? 304 : hit->status;
            if (!notModified && !hit->body.isEmpty())
                res.set_content(hit->body.toStdString(), contentType);
        }
        seen.status = res.status;
        QMutexLocker lock(&m_mutex);
        if (!hit)
            ++m_unmatched;
        m_seen.append(seen);
    };
    m_server->Get(".*", handler);
    m_server->Post(".*", handler);
    m_server->Delete(".*", handler);
    m_port = m_server->bind_to_any_port("127.0.0.1");
    if (m_port <= 0) {
        *error = QStringLiteral("cannot bind a loopback port");
        return false;
    }
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    return true;
}

QByteArray ReplayServer::origin() const
{
    return "http://127.0.0.1:" + QByteArray::number(m_port);
}

QList<SeenRequest> ReplayServer::seen() const
{
    QMutexLocker lock(&m_mutex);
    return m_seen;
}

int ReplayServer::unmatched() const
{
    QMutexLocker lock(&m_mutex);
    return m_unmatched;
}

} // namespace fd::test
