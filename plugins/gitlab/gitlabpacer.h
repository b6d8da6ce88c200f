#pragma once

// How fast one GitLab connection may send. GitLab.com allows an authenticated user 2,000 API
// requests a minute and answers every request with RateLimit-Limit / RateLimit-Remaining /
// RateLimit-Reset; a first poll of a few hundred projects needs more than that. The pacer
// keeps every 60-second window under a budget: a share (80 %) of the limit the server states,
// else a configured default, and within the server's current window at most that share of
// what the server says remains (other tools may spend the same token's quota). Free of I/O
// and of the wall clock, so it is tested with made-up times.

#include <QtGlobal>

#include <deque>

namespace fd::gitlab {

struct PacerSettings
{
    /// Requests per minute when the server states no limit (connection option
    /// requestsPerMinute). A value set explicitly also caps what a stated limit allows.
    int defaultPerMinute = 600;
    bool explicitCap = false;
    double share = 0.8; // of the stated limit, and of what remains in the server's window
    qint64 windowMs = 60000;
    /// A request counts against our window this much longer than the window itself: the
    /// server counts it when it arrives (or finishes), a little after we sent it.
    qint64 slackMs = 1000;
};

class RequestPacer
{
public:
    explicit RequestPacer(PacerSettings settings = {});

    /// How long the next request has to wait at @p nowMs; 0 when it may go now.
    qint64 delayMs(qint64 nowMs);
    /// A request went out at @p nowMs.
    void sent(qint64 nowMs);
    /// A response arrived at @p nowMs with the server's RateLimit-* values (-1 / 0 when absent;
    /// @p resetMs is Unix time in ms). @p inFlight requests are out and not yet answered: the
    /// server may not have counted them yet.
    void answered(qint64 nowMs, int limit, int remaining, qint64 resetMs, int inFlight);

    /// Requests per 60-second window this connection allows itself now.
    int budget() const;
    int learnedLimit() const { return m_limit; }
    /// Requests still allowed in the server's current window (-1 when the server never said).
    int allowance(qint64 nowMs) const;
    const PacerSettings &settings() const { return m_settings; }

private:
    void forget(qint64 nowMs);

    PacerSettings m_settings;
    std::deque<qint64> m_sent; // send times inside the sliding window, oldest first
    int m_limit = -1;
    int m_allowance = -1;
    qint64 m_allowanceUntilMs = 0;
    qint64 m_serverResetMs = 0;
};

} // namespace fd::gitlab
