#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace fd::http {

/// One HTTP request, described relative to the client's base URL.
struct Request
{
    QByteArray method = "GET";
    /// Joined onto the base URL, keeping the base's path prefix (/api/v3, /api/v4). An absolute
    /// URL (a Link "next" or a redirect target) is used as it is; credentials are only sent when
    /// it has the base URL's origin. Percent-encoded segments (job/a%2Fb) are kept encoded.
    QString path;
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType;
    QList<QPair<QByteArray, QByteArray>> headers;
    int timeoutMs = 15000;
    /// GETs only: send If-None-Match / If-Modified-Since and reuse the cached body on 304.
    bool conditional = true;
    /// Default: GET, HEAD, PUT, DELETE, OPTIONS are idempotent; POST and PATCH are not.
    std::optional<bool> idempotent;
    int maxAttempts = 4;
    bool followRedirects = true;
    /// Also retry a non-idempotent request on 429 or 503 (the server did not act on it).
    bool retryWhenThrottled = false;

    bool isIdempotent() const;
    /// Adds a header, replacing one of the same name (case-insensitive).
    void setHeader(const QByteArray &name, const QByteArray &value);
};

/// The outcome of a request after retries, redirects and the conditional cache.
struct Response
{
    enum class Error { None, Timeout, Connection, Tls, Http, Cancelled };

    int status = 0; // 0 when no HTTP response arrived
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lowercased
    bool notModified = false; // status 304 answered from the cache: body is the cached one
    Error error = Error::None;
    QString errorText; // names method and path, never a credential
    int attempts = 0;
    QUrl url; // final URL, after redirects

    QByteArray header(const QByteArray &name) const;
    /// 2xx, or a 304 answered from the cache.
    bool ok() const;
};

/// "timeout", "connection", ... (not toString: that name is QTest's ADL hook).
QString errorName(Response::Error error);

/// Joins a request path onto the base URL, keeping the base's path prefix and merging queries.
QUrl joinUrl(const QUrl &base, const QString &path, const QUrlQuery &query = {});

/// The URL as it may appear in logs and error texts: no user info, secret-looking query values
/// (token, private_token, access_token, password, secret, key, sig, ...) replaced by "***".
QString redactedUrl(const QUrl &url);

} // namespace fd::http
