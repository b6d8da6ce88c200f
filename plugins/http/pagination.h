#pragma once

#include <QByteArray>
#include <QUrl>

#include <optional>

namespace fd::http {

struct Response;

/// The target of the rel="next" entry of a Link header (RFC 8288), resolved against `base`.
std::optional<QUrl> linkRelNext(const QByteArray &linkHeader, const QUrl &base = {});

/// The next page of a paged response: GitHub/GitLab `Link: <…>; rel="next"` first, else GitLab
/// `x-next-page` applied as `page=` to the response URL. Never derived from totals (GitLab
/// drops them past 10,000 records).
std::optional<QUrl> nextPageUrl(const Response &response);

} // namespace fd::http
