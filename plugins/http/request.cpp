#include "request.h"

namespace fd::http {

bool Request::isIdempotent() const
{
    if (idempotent)
        return *idempotent;
    const QByteArray m = method.toUpper();
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

void Request::setHeader(const QByteArray &name, const QByteArray &value)
{
    headers.removeIf(
        [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    headers.append({name, value});
}

QByteArray Response::header(const QByteArray &name) const
{
    return headers.value(name.toLower());
}

bool Response::ok() const
{
    return error == Error::None && ((status >= 200 && status < 300) || notModified);
}

QString errorName(Response::Error error)
{
    switch (error) {
    case Response::Error::None:
        return QStringLiteral("none");
    case Response::Error::Timeout:
        return QStringLiteral("timeout");
    case Response::Error::Connection:
        return QStringLiteral("connection");
    case Response::Error::Tls:
        return QStringLiteral("tls");
    case Response::Error::Http:
        return QStringLiteral("http");
    case Response::Error::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

QUrl joinUrl(const QUrl &base, const QString &path, const QUrlQuery &query)
{
    QString pathPart = path;
    QString queryPart;
    if (const qsizetype q = pathPart.indexOf(QLatin1Char('?')); q >= 0) {
        queryPart = pathPart.mid(q + 1);
        pathPart.truncate(q);
    }

    QUrl url;
    const QUrl asGiven(pathPart, QUrl::TolerantMode);
    if (asGiven.isValid() && !asGiven.scheme().isEmpty() && !asGiven.host().isEmpty()) {
        url = asGiven;
    } else {
        url = base;
        url.setQuery(QString());
        url.setFragment(QString());
        QString prefix = base.path(QUrl::FullyEncoded);
        while (prefix.endsWith(QLatin1Char('/')))
            prefix.chop(1);
        QString tail = pathPart;
        if (!tail.isEmpty() && !tail.startsWith(QLatin1Char('/')))
            tail.prepend(QLatin1Char('/'));
        // TolerantMode keeps %2F (Jenkins folder separators, branch names) encoded.
        url.setPath(prefix + tail, QUrl::TolerantMode);
    }

    QUrlQuery merged(url);
    if (!queryPart.isEmpty()) {
        const QUrlQuery extra(queryPart);
        for (const auto &item : extra.queryItems(QUrl::FullyEncoded))
            merged.addQueryItem(item.first, item.second);
    }
    for (const auto &item : query.queryItems(QUrl::FullyEncoded))
        merged.addQueryItem(item.first, item.second);
    if (merged.isEmpty())
        url.setQuery(QString());
    else
        url.setQuery(merged.query(QUrl::FullyEncoded), QUrl::TolerantMode);
    return url;
}

namespace {
bool looksSecret(const QString &key)
{
    static const QStringList markers = {
        QStringLiteral("token"),   QStringLiteral("secret"),     QStringLiteral("password"),
        QStringLiteral("passwd"),  QStringLiteral("key"),        QStringLiteral("sig"),
        QStringLiteral("auth"),    QStringLiteral("credential"), QStringLiteral("jwt"),
        QStringLiteral("session"), QStringLiteral("code"),
    };
    const QString lower = key.toLower();
    for (const QString &m : markers) {
        if (lower.contains(m))
            return true;
    }
    return false;
}
} // namespace

QString redactedUrl(const QUrl &url)
{
    QUrl copy = url;
    copy.setUserInfo(QString());
    if (copy.hasQuery()) {
        QUrlQuery q(copy);
        QUrlQuery out;
        for (const auto &item : q.queryItems(QUrl::FullyEncoded)) {
            out.addQueryItem(item.first,
                             looksSecret(QUrl::fromPercentEncoding(item.first.toLatin1()))
                                 ? QStringLiteral("***")
                                 : item.second);
        }
        copy.setQuery(out.query(QUrl::FullyEncoded), QUrl::TolerantMode);
    }
    return copy.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
}

} // namespace fd::http
