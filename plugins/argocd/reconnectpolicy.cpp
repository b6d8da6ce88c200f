#include "reconnectpolicy.h"

#include "http/backoff.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>

namespace fd::argocd {

ReconnectPolicy::ReconnectPolicy(Settings settings,
                                 std::function<double()> random,
                                 std::function<qint64()> nowMs)
    : m_settings(settings)
    , m_random(random ? std::move(random)
                      : [] { return QRandomGenerator::global()->generateDouble(); })
    , m_now(nowMs ? std::move(nowMs) : [] { return QDateTime::currentMSecsSinceEpoch(); })
{}

int ReconnectPolicy::nextDelayMs(qint64 openedAtMs)
{
    const qint64 now = m_now();
    if (openedAtMs > 0 && now - openedAtMs >= m_settings.healthyAfterMs)
        m_failures = 0;
    ++m_failures;
    http::RetryTiming timing;
    timing.baseMs = m_settings.baseMs;
    timing.capMs = m_settings.capMs;
    timing.random = m_random;
    qint64 at = now + http::fullJitterDelayMs(timing, m_failures);
    // The window limit: the next attempt waits until the oldest counted one leaves the window.
    m_attempts.erase(std::remove_if(m_attempts.begin(), m_attempts.end(),
                                    [&](qint64 t) { return t <= now - m_settings.windowMs; }),
                     m_attempts.end());
    if (m_attempts.size() >= m_settings.maxReconnects) {
        const qint64 freeAt =
            m_attempts.at(m_attempts.size() - m_settings.maxReconnects) + m_settings.windowMs;
        at = std::max(at, freeAt);
    }
    m_attempts.append(at);
    std::sort(m_attempts.begin(), m_attempts.end());
    return int(std::max<qint64>(0, at - now));
}

int ReconnectPolicy::recentReconnects() const
{
    const qint64 now = m_now();
    return int(std::count_if(m_attempts.begin(), m_attempts.end(),
                             [&](qint64 t) { return t > now - m_settings.windowMs; }));
}

void ReconnectPolicy::reset()
{
    m_failures = 0;
    m_attempts.clear();
}

} // namespace fd::argocd
