#include "pagination.h"

#include "request.h"

#include <QUrlQuery>

namespace fd::http {

std::optional<QUrl> linkRelNext(const QByteArray &linkHeader, const QUrl &base)
{
    // Entries are `<uri>; param; param`, separated by commas; a URI may itself hold commas, so
    // scan by angle brackets instead of splitting on ','.
    qsizetype pos = 0;
    while (pos < linkHeader.size()) {
        const qsizetype open = linkHeader.indexOf('<', pos);
        if (open < 0)
            break;
        const qsizetype close = linkHeader.indexOf('>', open + 1);
        if (close < 0)
            break;
        const QByteArray target = linkHeader.mid(open + 1, close - open - 1).trimmed();
        qsizetype end = linkHeader.indexOf('<', close + 1);
        if (end < 0)
            end = linkHeader.size();
        const QByteArray params = linkHeader.mid(close + 1, end - close - 1);
        for (QByteArray param : params.split(';')) {
            param = param.trimmed();
            if (param.endsWith(','))
                param.chop(1);
            const qsizetype eq = param.indexOf('=');
            if (eq < 0 || param.left(eq).trimmed().toLower() != "rel")
                continue;
            QByteArray value = param.mid(eq + 1).trimmed();
            if (value.startsWith('"') && value.endsWith('"') && value.size() >= 2)
                value = value.mid(1, value.size() - 2);
            for (const QByteArray &rel : value.split(' ')) {
                if (rel.trimmed().toLower() == "next") {
                    const QUrl url = QUrl::fromEncoded(target, QUrl::TolerantMode);
                    if (!url.isValid())
                        return std::nullopt;
                    return base.isValid() ? base.resolved(url) : url;
                }
            }
        }
        pos = end;
    }
    return std::nullopt;
}

std::optional<QUrl> nextPageUrl(const Response &response)
{
    if (const auto link = linkRelNext(response.header("link"), response.url))
        return link;
    const QByteArray next = response.header("x-next-page").trimmed();
    if (next.isEmpty() || !response.url.isValid())
        return std::nullopt;
    bool isNumber = false;
    next.toLongLong(&isNumber);
    if (!isNumber)
        return std::nullopt;
    QUrl url = response.url;
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("page"));
    query.addQueryItem(QStringLiteral("page"), QString::fromLatin1(next));
    url.setQuery(query);
    return url;
}

} // namespace fd::http
