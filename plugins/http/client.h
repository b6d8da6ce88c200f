#pragma once

#include "backoff.h"
#include "request.h"
#include "responsecache.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QSslConfiguration>
#include <QVariantMap>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace fd {
struct ConnectionConfig;
}

namespace fd::http {

/// Per-connection settings of a Client.
struct ClientOptions
{
    int maxPerHost = 6; // concurrent requests per scheme://host:port; more wait
    int maxPages = 100; // fetchAllPages stops here unless told otherwise
    int maxRedirects = 5;
    int streamIdleTimeoutMs = 45000; // Argo CD sends a keep-alive every 15 s
    qint64 cacheBytes = 16 * 1024 * 1024;
    QString caFile;        // PEM bundle added to the system CAs
    bool insecure = false; // disables peer verification; only when the connection says so
    RetryTiming retry;

    /// TLS settings taken from a workspace connection.
    static ClientOptions fromConnection(const ConnectionConfig &connection);
};

/// What the server last said about its quota. -1 / invalid when it never said.
struct RateLimitState
{
    int limit = -1;
    int remaining = -1;
    QDateTime reset;        // when the quota window resets (UTC)
    QDateTime limitedUntil; // set while a 429/403-limit or remaining==0 asks us to wait
    QByteArray resource;    // GitHub x-ratelimit-resource / GitLab RateLimit-Name

    bool isLimited(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    bool operator==(const RateLimitState &) const = default;
};

/// Cancels a stream opened by Client::openStream. Copyable; harmless once the stream ended.
class StreamHandle
{
public:
    StreamHandle() = default;
    void cancel();
    bool isActive() const;

private:
    friend class Client;
    QPointer<QObject> m_stream;
};

/**
 * Asynchronous HTTP client for one connection, on QNetworkAccessManager in the calling thread.
 *
 * Every request has a timeout; idempotent requests are retried with full-jitter exponential
 * backoff, honouring Retry-After and the GitHub/GitLab rate-limit reset headers; GETs are
 * conditional (ETag / Last-Modified) against a bounded cache; at most ClientOptions::maxPerHost
 * requests run per host, the rest wait in order. Credentials go only to the base URL's origin
 * and never into error texts, logs or statistics.
 *
 * Callbacks run on the client's thread, only while `context` is alive (a null context means
 * always); a destroyed context aborts its requests. Destroying the client drops pending
 * callbacks. Not thread-safe: use a client from the thread that created it.
 */
class Client : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const Response &)>;
    using PagesCallback = std::function<void(const QList<Response> &pages, const Response &last)>;
    using ChunkCallback = std::function<void(const QByteArray &chunk)>;

    explicit Client(const QUrl &baseUrl,
                    const ClientOptions &options = {},
                    QObject *parent = nullptr);
    ~Client() override;

    QUrl baseUrl() const { return m_baseUrl; }
    const ClientOptions &options() const { return m_options; }

    /// e.g. ("Authorization", "Bearer t"), ("PRIVATE-TOKEN", "t"), or basicAuthorization().
    void setAuthorization(const QByteArray &headerName, const QByteArray &value);
    void clearAuthorization();
    static QByteArray basicAuthorization(const QString &user, const QString &token);
    /// Sent with every request (Accept, X-GitHub-Api-Version, ...); a User-Agent is added
    /// unless one is given here.
    void setDefaultHeaders(const QList<QPair<QByteArray, QByteArray>> &headers);

    void setMaxPerHost(int maxPerHost);
    void setStreamIdleTimeout(int ms);
    void setRetryTiming(const RetryTiming &timing);
    void setCacheBytes(qint64 bytes);
    void clearCache();

    QSslConfiguration sslConfiguration() const { return m_ssl; }
    /// Empty unless the CA file could not be read or held no certificate.
    QString tlsProblem() const { return m_tlsProblem; }

    void send(Request request, QObject *context, Callback callback);
    /// Follows Link rel="next" / x-next-page until there is none, a page fails, or the page cap
    /// (maxPages > 0, else options().maxPages) is reached. `last` is the final response: the
    /// failed one on error; when the cap stopped paging, nextPageUrl(last) is still set.
    void fetchAllPages(Request request, QObject *context, PagesCallback callback, int maxPages = 0);
    /// A long-lived response (SSE, NDJSON): no total timeout, but aborted with Error::Timeout
    /// when no byte arrives for the idle timeout. 2xx bytes go to onChunk as they arrive; onEnd
    /// gets the final Response (with the body of a non-2xx reply). Not retried, not capped.
    StreamHandle
    openStream(Request request, QObject *context, ChunkCallback onChunk, Callback onEnd);
    /// Aborts every queued, waiting and running request and stream (callbacks get Cancelled).
    void cancelAll();

    RateLimitState rateLimit() const { return m_rateLimit; }

    /// requestsSent, notModified, countedRequests (responses other than 304), bytesReceived,
    /// retries, redirects, timeouts, failures (no HTTP response), inFlight, peakInFlight,
    /// queued, streamsOpened, cacheEntries, cacheBytes, statuses {"200": n, ...}.
    QVariantMap statistics() const;
    void resetStatistics();

Q_SIGNALS:
    void rateLimitChanged(const fd::http::RateLimitState &state);
    /// `what` is "METHOD redacted-url"; attempt is the one about to be made (2 = first retry).
    void retryScheduled(const QString &what, int attempt, int delayMs);

private:
    struct Operation;
    friend class StreamState;
    struct HostSlots
    {
        int active = 0;
        QQueue<quint64> waiting;
    };
    struct Counters
    {
        qint64 requestsSent = 0;
        qint64 notModified = 0;
        qint64 counted = 0;
        qint64 bytesReceived = 0;
        qint64 retries = 0;
        qint64 redirects = 0;
        qint64 timeouts = 0;
        qint64 failures = 0;
        qint64 streamsOpened = 0;
        int peakInFlight = 0;
        QHash<int, qint64> statuses;
    };

    void enqueue(quint64 id);
    void start(Operation &op);
    void onFinished(quint64 id);
    void finish(quint64 id, Response response);
    void releaseSlot(const QString &hostKey);
    void pump(const QString &hostKey);
    void abortOperation(quint64 id, bool silent);
    void updateRateLimit(const QHash<QByteArray, QByteArray> &headers, int status);
    QNetworkRequest buildRequest(const QUrl &url, const Request &request, bool withAuth) const;
    bool sameOrigin(const QUrl &url) const;
    QByteArray cacheKey(const QByteArray &method, const QUrl &url) const;

    QUrl m_baseUrl;
    ClientOptions m_options;
    QNetworkAccessManager *m_nam;
    QSslConfiguration m_ssl;
    QString m_tlsProblem;
    QByteArray m_authName;
    QByteArray m_authValue;
    QByteArray m_authIdentity;
    QList<QPair<QByteArray, QByteArray>> m_defaultHeaders;
    ResponseCache m_cache;
    RateLimitState m_rateLimit;
    Counters m_counters;
    quint64 m_nextId = 1;
    int m_inFlight = 0;
    QHash<quint64, std::shared_ptr<Operation>> m_operations;
    QHash<QString, HostSlots> m_hosts;
    QList<QPointer<QObject>> m_streams;
};

} // namespace fd::http

Q_DECLARE_METATYPE(fd::http::RateLimitState)
