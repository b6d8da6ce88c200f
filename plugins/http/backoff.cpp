#include "backoff.h"

#include <QLocale>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace fd::http {

double RetryTiming::nextRandom() const
{
    const double r = random ? random() : QRandomGenerator::global()->generateDouble();
    return std::clamp(r, 0.0, 1.0);
}

QDateTime RetryTiming::currentTime() const
{
    return now ? now() : QDateTime::currentDateTimeUtc();
}

namespace {
double backoffCeiling(const RetryTiming &timing, int retry)
{
    const int exponent = std::clamp(retry - 1, 0, 30);
    return std::min<double>(timing.capMs, double(timing.baseMs) * std::pow(2.0, exponent));
}
} // namespace

int fullJitterDelayMs(const RetryTiming &timing, int retry)
{
    return int(std::floor(timing.nextRandom() * backoffCeiling(timing, retry)));
}

int equalJitterDelayMs(const RetryTiming &timing, int retry)
{
    const double half = backoffCeiling(timing, retry) / 2.0;
    return int(std::floor(half + timing.nextRandom() * half));
}

std::optional<QDateTime> parseHttpDate(const QByteArray &value)
{
    const QString text = QString::fromLatin1(value.trimmed());
    QDateTime parsed =
        QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!parsed.isValid())
        return std::nullopt;
    parsed.setTimeSpec(Qt::UTC);
    return parsed;
}

std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = trimmed.toLongLong(&isNumber);
    if (isNumber)
        return std::max<qint64>(0, seconds * 1000);
    if (const auto date = parseHttpDate(trimmed))
        return std::max<qint64>(0, now.msecsTo(*date));
    return std::nullopt;
}

namespace {
std::optional<qint64> resetWaitMs(const QByteArray &value, const QDateTime &now)
{
    bool isNumber = false;
    const qint64 n = value.trimmed().toLongLong(&isNumber);
    if (!isNumber)
        return std::nullopt;
    // GitLab documents RateLimit-Reset as Unix time, the IETF draft as a delta: accept both.
    if (n < 1000000000)
        return std::max<qint64>(0, n * 1000);
    return std::max<qint64>(0, now.msecsTo(QDateTime::fromSecsSinceEpoch(n, Qt::UTC)));
}
} // namespace

std::optional<qint64> serverRequestedWaitMs(const QHash<QByteArray, QByteArray> &headers,
                                            const QDateTime &now)
{
    if (const auto retryAfter = parseRetryAfterMs(headers.value("retry-after"), now))
        return retryAfter;
    if (headers.value("x-ratelimit-remaining").trimmed() == "0") {
        if (const auto wait = resetWaitMs(headers.value("x-ratelimit-reset"), now))
            return wait;
    }
    if (headers.value("ratelimit-remaining").trimmed() == "0") {
        if (const auto wait = resetWaitMs(headers.value("ratelimit-reset"), now))
            return wait;
        if (const auto date = parseHttpDate(headers.value("ratelimit-resettime")))
            return std::max<qint64>(0, now.msecsTo(*date));
    }
    return std::nullopt;
}

} // namespace fd::http
