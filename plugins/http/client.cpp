#include "client.h"

#include "httplog.h"
#include "pagination.h"

#include <domain/connection.h>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QTimer>

#include <algorithm>
#include <climits>
#include <utility>

namespace fd::http {

namespace {

QHash<QByteArray, QByteArray> lowercasedHeaders(const QNetworkReply *reply)
{
    QHash<QByteArray, QByteArray> headers;
    for (const auto &pair : reply->rawHeaderPairs()) {
        const QByteArray name = pair.first.toLower();
        // Repeated headers are folded the way RFC 9110 allows for list-valued fields.
        if (headers.contains(name))
            headers[name] += ", " + pair.second;
        else
            headers.insert(name, pair.second);
    }
    return headers;
}

Response::Error classify(QNetworkReply::NetworkError error, bool timedOut, bool hasStatus)
{
    if (error == QNetworkReply::NoError)
        return Response::Error::None;
    if (timedOut || error == QNetworkReply::TimeoutError)
        return Response::Error::Timeout;
    if (error == QNetworkReply::OperationCanceledError)
        return Response::Error::Cancelled;
    if (error == QNetworkReply::SslHandshakeFailedError)
        return Response::Error::Tls;
    // Content/protocol errors (codes 201..499) come with an HTTP status: the status decides.
    if (hasStatus && int(error) >= 201 && int(error) < 500)
        return Response::Error::Http;
    return Response::Error::Connection;
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QString hostKeyOf(const QUrl &url)
{
    return url.scheme() + QStringLiteral("://") + url.host() + QLatin1Char(':') +
           QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QString describe(const QByteArray &method, const QUrl &url)
{
    return QString::fromLatin1(method) + QLatin1Char(' ') + redactedUrl(url);
}

QString reasonText(QNetworkReply *reply, int status)
{
    const QString reason =
        reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
    return reason.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                            : QStringLiteral("HTTP %1 %2").arg(status).arg(reason);
}

} // namespace

struct Client::Operation
{
    quint64 id = 0;
    Request request;
    QByteArray method;
    QByteArray body;
    QUrl url;
    QString hostKey;
    bool hasContext = false;
    QPointer<QObject> context;
    QMetaObject::Connection contextWatch;
    Callback callback;
    QByteArray cacheKey;
    QPointer<QNetworkReply> reply;
    QTimer *timeout = nullptr;
    QTimer *retryWait = nullptr;
    bool timedOut = false;
    bool silent = false;    // the context is gone: abort without calling back
    bool cancelled = false; // cancelAll(): report Cancelled even when no reply is running
    int attempts = 0;
    int redirects = 0;
    QElapsedTimer clock;
};

/// One open stream; owned by the client, reached from a StreamHandle.
class StreamState : public QObject
{
public:
    StreamState(Client *client,
                QObject *context,
                Client::ChunkCallback onChunk,
                Client::Callback onEnd)
        : QObject(client)
        , m_client(client)
        , m_hasContext(context != nullptr)
        , m_context(context)
        , m_onChunk(std::move(onChunk))
        , m_onEnd(std::move(onEnd))
    {}

    void begin(QNetworkReply *reply, const QByteArray &method, int idleMs)
    {
        m_reply = reply;
        m_method = method;
        m_response.url = reply->url();
        m_response.attempts = 1;
        m_idle = new QTimer(this);
        m_idle->setSingleShot(true);
        m_idle->setInterval(idleMs);
        connect(m_idle, &QTimer::timeout, this, [this] {
            qCWarning(lcNet).noquote() << describe(m_method, m_response.url) << "stream idle for"
                                       << m_idle->interval() << "ms, aborting";
            m_timedOut = true;
            if (m_reply)
                m_reply->abort();
        });
        m_idle->start();
        connect(reply, &QNetworkReply::metaDataChanged, this, [this] { readStatus(); });
        connect(reply, &QNetworkReply::readyRead, this, [this] { onReadyRead(); });
        connect(reply, &QNetworkReply::finished, this, [this] { onFinished(); });
        if (m_hasContext) {
            connect(m_context, &QObject::destroyed, this, [this] {
                m_silent = true;
                cancel();
            });
        }
    }

    void cancel()
    {
        if (m_reply && m_reply->isRunning())
            m_reply->abort();
    }

    bool isActive() const { return m_reply && !m_ended; }

    void detach()
    {
        // The client is going away: no callback may run into a half-destroyed owner.
        m_silent = true;
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
            delete m_reply.data();
        }
    }

private:
    bool contextAlive() const { return !m_silent && (!m_hasContext || m_context); }

    void readStatus()
    {
        const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.isValid())
            m_response.status = status.toInt();
    }

    void onReadyRead()
    {
        m_idle->start();
        readStatus();
        const QByteArray chunk = m_reply->readAll();
        m_client->m_counters.bytesReceived += chunk.size();
        const bool success = m_response.status >= 200 && m_response.status < 300;
        if (!success) {
            m_response.body += chunk;
            return;
        }
        if (!chunk.isEmpty() && contextAlive() && m_onChunk)
            m_onChunk(chunk);
    }

    void onFinished()
    {
        m_ended = true;
        m_idle->stop();
        QNetworkReply *reply = m_reply;
        reply->deleteLater();
        readStatus();
        m_response.headers = lowercasedHeaders(reply);
        const QByteArray rest = reply->isOpen() ? reply->readAll() : QByteArray();
        m_client->m_counters.bytesReceived += rest.size();
        if (m_response.status >= 200 && m_response.status < 300) {
            if (!rest.isEmpty() && contextAlive() && m_onChunk)
                m_onChunk(rest);
        } else {
            m_response.body += rest;
        }
        if (m_response.status > 0) {
            ++m_client->m_counters.statuses[m_response.status];
            ++m_client->m_counters.counted;
        }

        const auto error = classify(reply->error(), m_timedOut, m_response.status > 0);
        m_response.error = error;
        const QString what = describe(m_method, m_response.url);
        if (error == Response::Error::None && m_response.status >= 300) {
            m_response.error = Response::Error::Http;
            m_response.errorText =
                what + QStringLiteral(": ") + reasonText(reply, m_response.status);
        } else if (error == Response::Error::Timeout) {
            ++m_client->m_counters.timeouts;
            m_response.errorText =
                what + QStringLiteral(": stream idle for %1 ms").arg(m_idle->interval());
        } else if (error == Response::Error::Http) {
            m_response.errorText =
                what + QStringLiteral(": ") + reasonText(reply, m_response.status);
        } else if (error != Response::Error::None) {
            if (error != Response::Error::Cancelled)
                ++m_client->m_counters.failures;
            m_response.errorText = what + QStringLiteral(": ") + errorName(error) +
                                   QStringLiteral(" (") + reply->errorString() + QLatin1Char(')');
        } else if (m_response.status == 0) {
            m_response.error = Response::Error::Connection;
            m_response.errorText = what + QStringLiteral(": no HTTP response");
        }
        if (!m_response.errorText.isEmpty())
            qCDebug(lcNet).noquote() << "stream ended:" << m_response.errorText;
        if (contextAlive() && m_onEnd)
            m_onEnd(m_response);
        deleteLater();
    }

    Client *m_client;
    bool m_hasContext;
    QPointer<QObject> m_context;
    Client::ChunkCallback m_onChunk;
    Client::Callback m_onEnd;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_method;
    QTimer *m_idle = nullptr;
    Response m_response;
    bool m_timedOut = false;
    bool m_silent = false;
    bool m_ended = false;
};

void StreamHandle::cancel()
{
    if (auto *stream = dynamic_cast<StreamState *>(m_stream.data()))
        stream->cancel();
}

bool StreamHandle::isActive() const
{
    const auto *stream = dynamic_cast<const StreamState *>(m_stream.data());
    return stream && stream->isActive();
}

ClientOptions ClientOptions::fromConnection(const ConnectionConfig &connection)
{
    ClientOptions options;
    options.caFile = connection.caFile;
    options.insecure = connection.insecure;
    return options;
}

bool RateLimitState::isLimited(const QDateTime &now) const
{
    return limitedUntil.isValid() && now < limitedUntil;
}

Client::Client(const QUrl &baseUrl, const ClientOptions &options, QObject *parent)
    : QObject(parent)
    , m_baseUrl(baseUrl)
    , m_options(options)
    , m_nam(new QNetworkAccessManager(this))
    , m_cache(options.cacheBytes)
{
    // Redirects are followed by hand so credentials never travel to another origin.
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_nam->setAutoDeleteReplies(false);
    setDefaultHeaders({});

    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!m_options.caFile.isEmpty()) {
        const QList<QSslCertificate> certificates =
            QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
        if (certificates.isEmpty()) {
            m_tlsProblem = QStringLiteral("CA file %1 is missing, unreadable or holds no PEM "
                                          "certificate")
                               .arg(m_options.caFile);
            qCWarning(lcNet).noquote() << m_tlsProblem;
        } else {
            m_ssl.addCaCertificates(certificates);
        }
    }
    if (m_options.insecure) {
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        qCWarning(lcNet).noquote()
            << "TLS verification is off for" << redactedUrl(m_baseUrl) << "(insecure connection)";
    } else {
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
}

Client::~Client()
{
    // Abort everything without calling back: the owner is being destroyed.
    const auto operations = m_operations;
    for (const auto &op : operations) {
        op->silent = true;
        if (op->reply) {
            op->reply->disconnect(this);
            op->reply->abort();
            delete op->reply.data();
        }
        QObject::disconnect(op->contextWatch);
    }
    m_operations.clear();
    for (const QPointer<QObject> &stream : std::as_const(m_streams)) {
        if (auto *state = dynamic_cast<StreamState *>(stream.data()))
            state->detach();
    }
}

void Client::setAuthorization(const QByteArray &headerName, const QByteArray &value)
{
    m_authName = headerName;
    m_authValue = value;
    // The cache key needs to tell identities apart without holding the secret itself.
    m_authIdentity =
        QCryptographicHash::hash(headerName.toLower() + '\n' + value, QCryptographicHash::Sha256)
            .toHex()
            .left(16);
}

void Client::clearAuthorization()
{
    m_authName.clear();
    m_authValue.clear();
    m_authIdentity.clear();
}

QByteArray Client::basicAuthorization(const QString &user, const QString &token)
{
    return "Basic " + (user + QLatin1Char(':') + token).toUtf8().toBase64();
}

void Client::setDefaultHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    m_defaultHeaders = headers;
    const bool hasAgent = std::any_of(headers.cbegin(), headers.cend(), [](const auto &h) {
        return h.first.toLower() == "user-agent";
    });
    if (!hasAgent)
        m_defaultHeaders.prepend({"User-Agent", QByteArray("Flightdeck/" FD_VERSION)});
}

void Client::setMaxPerHost(int maxPerHost)
{
    m_options.maxPerHost = std::max(1, maxPerHost);
    const auto keys = m_hosts.keys();
    for (const QString &key : keys)
        pump(key);
}

void Client::setStreamIdleTimeout(int ms)
{
    m_options.streamIdleTimeoutMs = ms;
}

void Client::setRetryTiming(const RetryTiming &timing)
{
    m_options.retry = timing;
}

void Client::setCacheBytes(qint64 bytes)
{
    m_options.cacheBytes = bytes;
    m_cache.setMaxBytes(bytes);
}

void Client::clearCache()
{
    m_cache.clear();
}

bool Client::sameOrigin(const QUrl &url) const
{
    return hostKeyOf(url) == hostKeyOf(m_baseUrl);
}

QByteArray Client::cacheKey(const QByteArray &method, const QUrl &url) const
{
    const QByteArray identity =
        sameOrigin(url) && !m_authIdentity.isEmpty() ? m_authIdentity : QByteArray("anon");
    return method + ' ' + url.toEncoded() + ' ' + identity;
}

QNetworkRequest Client::buildRequest(const QUrl &url, const Request &request, bool withAuth) const
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    // Our own cache decides; QNAM's would hide 304s from the accounting.
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    if (url.scheme() == QLatin1String("https"))
        req.setSslConfiguration(m_ssl);
    for (const auto &header : m_defaultHeaders)
        req.setRawHeader(header.first, header.second);
    if (withAuth && !m_authName.isEmpty())
        req.setRawHeader(m_authName, m_authValue);
    if (!request.contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    for (const auto &header : request.headers)
        req.setRawHeader(header.first, header.second);
    return req;
}

void Client::send(Request request, QObject *context, Callback callback)
{
    auto op = std::make_shared<Operation>();
    op->id = m_nextId++;
    op->method = request.method.toUpper();
    op->body = request.body;
    op->url = joinUrl(m_baseUrl, request.path, request.query);
    op->hostKey = hostKeyOf(op->url);
    op->hasContext = context != nullptr;
    op->context = context;
    op->callback = std::move(callback);
    op->request = std::move(request);
    op->request.maxAttempts = std::max(1, op->request.maxAttempts);
    if (context) {
        const quint64 id = op->id;
        op->contextWatch =
            connect(context, &QObject::destroyed, this, [this, id] { abortOperation(id, true); });
    }
    m_operations.insert(op->id, op);
    enqueue(op->id);
}

void Client::enqueue(quint64 id)
{
    const auto op = m_operations.value(id);
    if (!op)
        return;
    HostSlots &slots = m_hosts[op->hostKey];
    if (slots.active < m_options.maxPerHost && slots.waiting.isEmpty()) {
        start(*op);
    } else {
        slots.waiting.enqueue(id);
        qCDebug(lcNet).noquote() << "queued" << describe(op->method, op->url) << "behind"
                                 << slots.active << "running";
    }
}

void Client::pump(const QString &hostKey)
{
    auto it = m_hosts.find(hostKey);
    while (it != m_hosts.end() && it->active < m_options.maxPerHost && !it->waiting.isEmpty()) {
        const quint64 id = it->waiting.dequeue();
        if (const auto op = m_operations.value(id))
            start(*op);
        it = m_hosts.find(hostKey);
    }
}

void Client::releaseSlot(const QString &hostKey)
{
    auto it = m_hosts.find(hostKey);
    if (it == m_hosts.end())
        return;
    it->active = std::max(0, it->active - 1);
    --m_inFlight;
    if (it->active == 0 && it->waiting.isEmpty())
        m_hosts.erase(it);
    else
        pump(hostKey);
}

void Client::start(Operation &op)
{
    ++m_hosts[op.hostKey].active;
    ++m_inFlight;
    m_counters.peakInFlight = std::max(m_counters.peakInFlight, m_inFlight);
    ++op.attempts;
    op.timedOut = false;
    ++m_counters.requestsSent;

    QNetworkRequest req = buildRequest(op.url, op.request, sameOrigin(op.url));
    op.cacheKey.clear();
    if (op.method == "GET" && op.request.conditional && !req.hasRawHeader("If-None-Match") &&
        !req.hasRawHeader("If-Modified-Since")) {
        op.cacheKey = cacheKey(op.method, op.url);
        if (const auto cached = m_cache.find(op.cacheKey)) {
            if (!cached->etag.isEmpty())
                req.setRawHeader("If-None-Match", cached->etag);
            if (!cached->lastModified.isEmpty())
                req.setRawHeader("If-Modified-Since", cached->lastModified);
        }
    }

    qCDebug(lcNet).noquote() << describe(op.method, op.url) << "attempt" << op.attempts;
    op.clock.start();
    QNetworkReply *reply =
        op.body.isEmpty() && (op.method == "GET" || op.method == "HEAD" || op.method == "DELETE")
            ? m_nam->sendCustomRequest(req, op.method)
            : m_nam->sendCustomRequest(req, op.method, op.body);
    op.reply = reply;
    const quint64 id = op.id;
    if (!op.timeout) {
        op.timeout = new QTimer(this);
        op.timeout->setSingleShot(true);
        connect(op.timeout, &QTimer::timeout, this, [this, id] {
            const auto op = m_operations.value(id);
            if (op && op->reply && op->reply->isRunning()) {
                op->timedOut = true;
                op->reply->abort();
            }
        });
    }
    op.timeout->start(std::max(1, op.request.timeoutMs));
    connect(reply, &QNetworkReply::finished, this, [this, id] { onFinished(id); });
}

void Client::onFinished(quint64 id)
{
    const auto op = m_operations.value(id);
    if (!op || !op->reply)
        return;
    // Fixed order: schedule deletion, read the network error, then decide and call back.
    QNetworkReply *reply = op->reply;
    reply->deleteLater();
    op->reply = nullptr;
    op->timeout->stop();
    releaseSlot(op->hostKey);

    Response response;
    response.url = op->url;
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    response.status = statusAttr.isValid() ? statusAttr.toInt() : 0;
    response.headers = lowercasedHeaders(reply);
    response.body = reply->isOpen() ? reply->readAll() : QByteArray(); // closed once aborted
    response.error = classify(reply->error(), op->timedOut, response.status > 0);
    const QString what = describe(op->method, op->url);

    m_counters.bytesReceived += response.body.size();
    if (response.error == Response::Error::Timeout)
        ++m_counters.timeouts;
    if (response.status > 0) {
        ++m_counters.statuses[response.status];
        if (response.status == 304)
            ++m_counters.notModified;
        else
            ++m_counters.counted;
        updateRateLimit(response.headers, response.status);
    } else if (response.error != Response::Error::None &&
               response.error != Response::Error::Cancelled) {
        ++m_counters.failures;
    }
    qCDebug(lcNet).noquote() << what << "->" << response.status << errorName(response.error)
                             << op->clock.elapsed() << "ms";

    if (op->silent || op->cancelled) {
        response.error = Response::Error::Cancelled;
        response.errorText = what + QStringLiteral(": cancelled");
        finish(id, std::move(response));
        return;
    }

    // Conditional cache: a 304 hands back the stored body; a fresh 200 refreshes the store.
    if (!op->cacheKey.isEmpty()) {
        if (response.status == 304) {
            if (const auto cached = m_cache.find(op->cacheKey)) {
                QHash<QByteArray, QByteArray> merged = cached->headers;
                for (auto it = response.headers.cbegin(); it != response.headers.cend(); ++it)
                    merged.insert(it.key(), it.value());
                response.headers = merged;
                response.body = cached->body;
                response.notModified = true;
                response.error = Response::Error::None;
            }
        } else if (response.status == 200 && response.error == Response::Error::None) {
            CachedResponse entry;
            entry.etag = response.header("etag");
            entry.lastModified = response.header("last-modified");
            if (!entry.etag.isEmpty() || !entry.lastModified.isEmpty()) {
                entry.status = response.status;
                entry.body = response.body;
                entry.headers = response.headers;
                m_cache.insert(op->cacheKey, std::move(entry));
            }
        }
    }

    // Redirects (GitHub log downloads answer 302 to a storage URL).
    if (op->request.followRedirects && isRedirect(response.status) &&
        !response.header("location").isEmpty()) {
        if (op->redirects >= m_options.maxRedirects) {
            response.error = Response::Error::Http;
            response.errorText =
                what + QStringLiteral(": more than %1 redirects").arg(m_options.maxRedirects);
            finish(id, std::move(response));
            return;
        }
        const QUrl target =
            op->url.resolved(QUrl::fromEncoded(response.header("location"), QUrl::TolerantMode));
        ++op->redirects;
        ++m_counters.redirects;
        if (response.status == 303 ||
            ((response.status == 301 || response.status == 302) && op->method == "POST")) {
            op->method = "GET";
            op->body.clear();
            op->request.contentType.clear();
        }
        qCDebug(lcNet).noquote() << what << "redirected to" << redactedUrl(target);
        op->url = target;
        op->hostKey = hostKeyOf(target);
        --op->attempts; // a redirect is not a retry
        enqueue(id);
        return;
    }

    // Retry decision.
    const int status = response.status;
    const bool idempotent = op->request.isIdempotent();
    const auto now = m_options.retry.currentTime();
    const auto serverWait = serverRequestedWaitMs(response.headers, now);
    const bool throttled =
        status == 429 || status == 503 || (status == 403 && serverWait.has_value());
    bool retryable = false;
    if (response.error == Response::Error::Timeout || response.error == Response::Error::Connection)
        retryable = idempotent;
    else if (throttled)
        retryable = idempotent || op->request.retryWhenThrottled;
    else if (status == 408 || status == 500 || status == 502 || status == 504)
        retryable = idempotent;

    if (retryable && op->attempts < op->request.maxAttempts) {
        const int delay = serverWait && throttled
                              ? int(std::min<qint64>(*serverWait, INT_MAX))
                              : fullJitterDelayMs(m_options.retry, op->attempts);
        if (delay <= m_options.retry.maxWaitMs) {
            ++m_counters.retries;
            qCInfo(lcNet).noquote()
                << what << "->" << (status ? QString::number(status) : errorName(response.error))
                << "; retry" << op->attempts + 1 << "in" << delay << "ms";
            Q_EMIT retryScheduled(what, op->attempts + 1, delay);
            if (!op->retryWait) {
                op->retryWait = new QTimer(this);
                op->retryWait->setSingleShot(true);
                connect(op->retryWait, &QTimer::timeout, this, [this, id] { enqueue(id); });
            }
            op->retryWait->start(delay);
            return;
        }
        qCInfo(lcNet).noquote() << what << "server asks to wait" << delay << "ms; not retrying";
    }

    if (response.error == Response::Error::None && !response.notModified &&
        (status < 200 || status >= 300)) {
        response.error = Response::Error::Http;
    }
    if (response.error == Response::Error::Http) {
        response.errorText = what + QStringLiteral(": ") + reasonText(reply, status);
    } else if (response.error == Response::Error::Timeout) {
        response.errorText =
            what + QStringLiteral(": timed out after %1 ms").arg(op->request.timeoutMs);
    } else if (response.error != Response::Error::None) {
        response.errorText = what + QStringLiteral(": ") + errorName(response.error) +
                             QStringLiteral(" error (") + reply->errorString() + QLatin1Char(')');
    }
    if (op->attempts > 1 && !response.errorText.isEmpty())
        response.errorText += QStringLiteral(" after %1 attempts").arg(op->attempts);
    if (!response.errorText.isEmpty())
        qCWarning(lcNet).noquote() << response.errorText;
    finish(id, std::move(response));
}

void Client::finish(quint64 id, Response response)
{
    const auto op = m_operations.take(id);
    if (!op)
        return;
    QObject::disconnect(op->contextWatch);
    if (op->timeout)
        op->timeout->deleteLater();
    if (op->retryWait)
        op->retryWait->deleteLater();
    response.attempts = op->attempts;
    const bool contextAlive = !op->hasContext || op->context;
    if (!op->silent && contextAlive && op->callback)
        op->callback(response);
}

void Client::abortOperation(quint64 id, bool silent)
{
    const auto op = m_operations.value(id);
    if (!op)
        return;
    if (silent)
        op->silent = true;
    else
        op->cancelled = true;
    if (op->reply) {
        op->reply->abort(); // finished() follows and reports Cancelled
        return;
    }
    // Queued or waiting to retry: nothing on the wire.
    if (op->retryWait)
        op->retryWait->stop();
    auto host = m_hosts.find(op->hostKey);
    if (host != m_hosts.end()) {
        host->waiting.removeAll(id);
        if (host->active == 0 && host->waiting.isEmpty())
            m_hosts.erase(host);
    }
    Response response;
    response.url = op->url;
    response.error = Response::Error::Cancelled;
    response.errorText = describe(op->method, op->url) + QStringLiteral(": cancelled");
    finish(id, std::move(response));
}

void Client::cancelAll()
{
    // Waiting ones first, so finishing a running one cannot start a queued one on the way.
    QList<quint64> running;
    const auto ids = m_operations.keys();
    for (const quint64 id : ids) {
        if (m_operations.value(id)->reply)
            running.append(id);
        else
            abortOperation(id, false);
    }
    for (const quint64 id : std::as_const(running))
        abortOperation(id, false);
    const auto streams = m_streams;
    for (const QPointer<QObject> &stream : streams) {
        if (auto *state = dynamic_cast<StreamState *>(stream.data()))
            state->cancel();
    }
}

void Client::fetchAllPages(Request request, QObject *context, PagesCallback callback, int maxPages)
{
    struct Paging
    {
        Request request;
        QList<Response> pages;
        int cap = 0;
        PagesCallback callback;
        std::function<void(const Response &)> onPage;
    };
    auto paging = std::make_shared<Paging>();
    paging->request = request;
    paging->cap = maxPages > 0 ? maxPages : std::max(1, m_options.maxPages);
    paging->callback = std::move(callback);
    QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    // The continuation holds the state weakly; the pending request's callback holds it strongly.
    std::weak_ptr<Paging> weak = paging;
    paging->onPage = [this, weak, guard, hasContext](const Response &response) {
        const auto state = weak.lock();
        if (!state)
            return;
        const auto done = [&] {
            auto cb = std::exchange(state->callback, nullptr);
            if (cb)
                cb(state->pages, response);
        };
        if (!response.ok()) {
            done();
            return;
        }
        state->pages.append(response);
        const auto next = nextPageUrl(response);
        if (!next || state->pages.size() >= state->cap) {
            done();
            return;
        }
        Request nextRequest = state->request;
        nextRequest.path = next->toString(QUrl::FullyEncoded);
        nextRequest.query.clear();
        if (hasContext && !guard)
            return;
        send(nextRequest, hasContext ? guard.data() : nullptr, [state](const Response &r) {
            if (state->onPage)
                state->onPage(r);
        });
    };
    send(std::move(request), context, [paging](const Response &r) {
        if (paging->onPage)
            paging->onPage(r);
    });
}

StreamHandle
Client::openStream(Request request, QObject *context, ChunkCallback onChunk, Callback onEnd)
{
    const QUrl url = joinUrl(m_baseUrl, request.path, request.query);
    const QByteArray method = request.method.toUpper();
    QNetworkRequest req = buildRequest(url, request, sameOrigin(url));
    // Follow redirects inside QNAM only when they stay on this origin; streams are rarely
    // redirected and a cross-origin hop would carry the credential.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     request.followRedirects ? QNetworkRequest::SameOriginRedirectPolicy
                                             : QNetworkRequest::ManualRedirectPolicy);
    auto *state = new StreamState(this, context, std::move(onChunk), std::move(onEnd));
    ++m_counters.requestsSent;
    ++m_counters.streamsOpened;
    qCDebug(lcNet).noquote() << "stream" << describe(method, url);
    QNetworkReply *reply = request.body.isEmpty()
                               ? m_nam->sendCustomRequest(req, method)
                               : m_nam->sendCustomRequest(req, method, request.body);
    state->begin(reply, method, std::max(1, m_options.streamIdleTimeoutMs));
    m_streams.removeAll(nullptr);
    m_streams.append(state);
    StreamHandle handle;
    handle.m_stream = state;
    return handle;
}

void Client::updateRateLimit(const QHash<QByteArray, QByteArray> &headers, int status)
{
    RateLimitState next = m_rateLimit;
    const QDateTime now = m_options.retry.currentTime();
    const auto number = [&](const QByteArray &name, int &out) {
        bool ok = false;
        const int value = headers.value(name).trimmed().toInt(&ok);
        if (ok)
            out = value;
        return ok;
    };
    const auto epoch = [&](const QByteArray &name, QDateTime &out) {
        bool ok = false;
        const qint64 value = headers.value(name).trimmed().toLongLong(&ok);
        if (!ok)
            return;
        out = value < 1000000000 ? now.addSecs(value) // a delta, as the IETF draft has it
                                 : QDateTime::fromSecsSinceEpoch(value, Qt::UTC);
    };
    if (headers.contains("x-ratelimit-limit") || headers.contains("x-ratelimit-remaining")) {
        number("x-ratelimit-limit", next.limit);
        number("x-ratelimit-remaining", next.remaining);
        epoch("x-ratelimit-reset", next.reset);
        if (headers.contains("x-ratelimit-resource"))
            next.resource = headers.value("x-ratelimit-resource");
    } else if (headers.contains("ratelimit-limit") || headers.contains("ratelimit-remaining")) {
        number("ratelimit-limit", next.limit);
        number("ratelimit-remaining", next.remaining);
        epoch("ratelimit-reset", next.reset);
        if (!headers.contains("ratelimit-reset")) {
            if (const auto date = parseHttpDate(headers.value("ratelimit-resettime")))
                next.reset = *date;
        }
        if (headers.contains("ratelimit-name"))
            next.resource = headers.value("ratelimit-name");
    }

    const auto wait = serverRequestedWaitMs(headers, now);
    const bool throttled = status == 429 || (status == 403 && wait) || (status == 503 && wait);
    // Only this response's own headers may say the quota is gone; a stale remaining==0 from an
    // earlier reply must not keep the connection marked as limited.
    const bool exhaustedHere = headers.value("x-ratelimit-remaining").trimmed() == "0" ||
                               headers.value("ratelimit-remaining").trimmed() == "0";
    if (throttled && wait)
        next.limitedUntil = now.addMSecs(*wait);
    else if (exhaustedHere && next.reset.isValid() && next.reset > now)
        next.limitedUntil = next.reset;
    else if (status >= 200 && status < 400)
        next.limitedUntil = QDateTime();

    if (next == m_rateLimit)
        return;
    m_rateLimit = next;
    if (next.limitedUntil.isValid())
        qCInfo(lcNet).noquote() << redactedUrl(m_baseUrl) << "rate limited until"
                                << next.limitedUntil.toString(Qt::ISODate);
    Q_EMIT rateLimitChanged(m_rateLimit);
}

QVariantMap Client::statistics() const
{
    QVariantMap statuses;
    for (auto it = m_counters.statuses.cbegin(); it != m_counters.statuses.cend(); ++it)
        statuses.insert(QString::number(it.key()), it.value());
    int queued = 0;
    for (const HostSlots &slots : m_hosts)
        queued += int(slots.waiting.size());
    return {
        {QStringLiteral("requestsSent"), m_counters.requestsSent},
        {QStringLiteral("notModified"), m_counters.notModified},
        {QStringLiteral("countedRequests"), m_counters.counted},
        {QStringLiteral("bytesReceived"), m_counters.bytesReceived},
        {QStringLiteral("retries"), m_counters.retries},
        {QStringLiteral("redirects"), m_counters.redirects},
        {QStringLiteral("timeouts"), m_counters.timeouts},
        {QStringLiteral("failures"), m_counters.failures},
        {QStringLiteral("inFlight"), m_inFlight},
        {QStringLiteral("peakInFlight"), m_counters.peakInFlight},
        {QStringLiteral("queued"), queued},
        {QStringLiteral("streamsOpened"), m_counters.streamsOpened},
        {QStringLiteral("cacheEntries"), qint64(m_cache.size())},
        {QStringLiteral("cacheBytes"), m_cache.totalBytes()},
        {QStringLiteral("statuses"), statuses},
    };
}

void Client::resetStatistics()
{
    m_counters = {};
    m_counters.peakInFlight = m_inFlight;
}

} // namespace fd::http
