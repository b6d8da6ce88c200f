#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>

#include <functional>
#include <optional>

namespace fd::http {

/// Retry timing, with seams so tests can make jitter and time deterministic.
struct RetryTiming
{
    int baseMs = 500;
    int capMs = 60000;
    /// A server asking for a longer wait than this is not retried; the caller sees the 429/503
    /// and the rate-limit state says until when.
    int maxWaitMs = 60000;
    std::function<double()> random; // uniform in [0, 1); default QRandomGenerator
    std::function<QDateTime()> now; // default QDateTime::currentDateTimeUtc

    double nextRandom() const;
    QDateTime currentTime() const;
};

/// Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(retry-1))], retry >= 1.
int fullJitterDelayMs(const RetryTiming &timing, int retry);

/// Equal-jitter exponential backoff: half of min(cap, base * 2^(retry-1)) fixed, the other half
/// uniform. For polling a failing server: connections still spread out, but none comes back
/// sooner than half its backoff, so a run of small draws cannot hammer the server.
int equalJitterDelayMs(const RetryTiming &timing, int retry);

/// Parses an HTTP date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<QDateTime> parseHttpDate(const QByteArray &value);

/// Retry-After as a delay from now: delta seconds or an HTTP date (never negative).
std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now);

/// How long the server asks us to wait before trying again, from (lowercased) headers:
/// Retry-After first; else, when the remaining quota is 0, until x-ratelimit-reset (GitHub,
/// epoch seconds) or RateLimit-Reset (GitLab, Unix time; a small value is read as a delta).
std::optional<qint64> serverRequestedWaitMs(const QHash<QByteArray, QByteArray> &headers,
                                            const QDateTime &now);

} // namespace fd::http
