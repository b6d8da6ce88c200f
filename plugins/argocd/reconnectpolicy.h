#pragma once

#include <QList>

#include <functional>
#include <optional>

namespace fd::argocd {

/**
 * When to reopen the watch stream after a drop: full-jitter exponential backoff (capped), and
 * at most maxReconnects within a sliding window, so a server that keeps failing does not get
 * a reconnect storm. A stream that stayed up for healthyAfterMs resets the backoff.
 */
struct ReconnectSettings
{
    int baseMs = 1000;
    int capMs = 60000;
    int maxReconnects = 30;
    qint64 windowMs = 10 * 60 * 1000;
    qint64 healthyAfterMs = 30000;
};

class ReconnectPolicy
{
public:
    using Settings = ReconnectSettings;

    explicit ReconnectPolicy(Settings settings = {},
                             std::function<double()> random = {},
                             std::function<qint64()> nowMs = {});

    /// The stream ended after being open since @p openedAtMs; returns the delay before the
    /// next attempt, and records that attempt as made at now + delay.
    int nextDelayMs(qint64 openedAtMs);
    /// Reconnects counted in the current window.
    int recentReconnects() const;
    int consecutiveFailures() const { return m_failures; }
    const Settings &settings() const { return m_settings; }
    void reset();

private:
    Settings m_settings;
    std::function<double()> m_random;
    std::function<qint64()> m_now;
    QList<qint64> m_attempts; // times (ms) reconnects were or will be made
    int m_failures = 0;
};

} // namespace fd::argocd
