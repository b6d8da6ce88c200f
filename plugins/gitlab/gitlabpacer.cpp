#include "gitlabpacer.h"

#include <algorithm>
#include <cmath>

namespace fd::gitlab {

RequestPacer::RequestPacer(PacerSettings settings)
    : m_settings(settings)
{
    m_settings.defaultPerMinute = std::max(1, m_settings.defaultPerMinute);
    m_settings.share = std::clamp(m_settings.share, 0.05, 1.0);
    m_settings.windowMs = std::max<qint64>(1000, m_settings.windowMs);
    m_settings.slackMs = std::clamp<qint64>(m_settings.slackMs, 0, m_settings.windowMs);
}

int RequestPacer::budget() const
{
    int b = m_settings.defaultPerMinute;
    if (m_limit > 0) {
        const int learned = std::max(1, int(std::floor(m_limit * m_settings.share)));
        b = m_settings.explicitCap ? std::min(b, learned) : learned;
    }
    return b;
}

void RequestPacer::forget(qint64 nowMs)
{
    while (!m_sent.empty() && m_sent.front() <= nowMs - m_settings.windowMs - m_settings.slackMs)
        m_sent.pop_front();
}

int RequestPacer::allowance(qint64 nowMs) const
{
    return nowMs < m_allowanceUntilMs ? m_allowance : -1;
}

qint64 RequestPacer::delayMs(qint64 nowMs)
{
    forget(nowMs);
    qint64 wait = 0;
    const int b = budget();
    if (int(m_sent.size()) >= b) {
        // The window frees a slot when the request sent b places back leaves it.
        const qint64 leaves =
            m_sent.at(m_sent.size() - size_t(b)) + m_settings.windowMs + m_settings.slackMs;
        wait = std::max<qint64>(wait, leaves - nowMs + 1);
    }
    if (allowance(nowMs) == 0)
        wait = std::max<qint64>(wait, m_allowanceUntilMs - nowMs);
    return std::max<qint64>(0, wait);
}

void RequestPacer::sent(qint64 nowMs)
{
    forget(nowMs);
    m_sent.push_back(nowMs);
    if (nowMs < m_allowanceUntilMs && m_allowance > 0)
        --m_allowance;
}

void RequestPacer::answered(qint64 nowMs, int limit, int remaining, qint64 resetMs, int inFlight)
{
    if (limit > 0)
        m_limit = limit;
    if (remaining < 0)
        return;
    const int fresh =
        std::max(0, int(std::floor(remaining * m_settings.share)) - std::max(0, inFlight));
    // The server's window ends at its reset time; one that lies in the past or far ahead (a
    // clock apart from ours) is taken as one window from now.
    const bool resetUsable = resetMs > nowMs && resetMs <= nowMs + m_settings.windowMs;
    const qint64 until = resetUsable ? resetMs : nowMs + m_settings.windowMs;
    const bool newWindow =
        nowMs >= m_allowanceUntilMs || (resetMs > 0 && resetMs != m_serverResetMs);
    if (newWindow) {
        m_allowance = fresh;
        m_allowanceUntilMs = until;
        m_serverResetMs = resetMs;
    } else {
        // Within one window the allowance only shrinks: by our own sends, or faster when the
        // server says others spend the quota too. Re-reading "80 % of what remains" on every
        // answer would creep up to the whole quota.
        m_allowance = std::min(m_allowance, fresh);
    }
}

} // namespace fd::gitlab
