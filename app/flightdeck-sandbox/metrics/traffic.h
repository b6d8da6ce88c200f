#pragma once

// The simulated services' traffic as closed-form counters over simulated time. Each deploy of
// a target opens a series for its version (labels service, env, version) that lives until the
// next deploy of that target replaces it; a paused canary shares the traffic with its stable
// version. Counters are integrals since the series opened, so any instant is a pure function
// of (world, switches, time): the text exposition, the query API and the alerts all read the
// same numbers.

#include "core/sandbox.h"
#include "promql.h"

#include <mutex>

namespace fd::sandbox {

class TrafficModel final : public promql::SeriesSource
{
public:
    explicit TrafficModel(const World &world);

    /// From @p atMs on, the target runs @p version alone (a deploy or rollback made outside
    /// the world's history). False with *error when service, environment or version is unknown.
    bool switchVersion(const QString &service,
                       const QString &environment,
                       const QString &version,
                       qint64 atMs,
                       QString *error);
    void reset();

    /// Prometheus text exposition (version 0.0.4) at @p atMs.
    QString exposition(qint64 atMs) const;

    QList<promql::Sample> instant(const promql::Selector &selector, qint64 atMs) const override;
    QList<promql::RangeSample>
    range(const promql::Selector &selector, qint64 atMs, qint64 windowMs) const override;

    /// Histogram bucket bounds of http_request_duration_seconds (without +Inf).
    static const QList<double> &buckets();

private:
    struct Phase
    {
        qint64 fromMs = 0;
        double share = 1; // of the target's traffic
    };
    struct Segment
    {
        QString service, env, version;
        bool bad = false;
        qint64 deployedMs = 0; // the version's deploy time: the bad ramp counts from here
        qint64 endMs = 0;      // exclusive; max() while it runs
        double rate = 1;       // requests/s of the whole target
        QList<Phase> phases;   // share changes, oldest first; phases[0].fromMs = start
    };
    struct Counters
    {
        double requests = 0, errors = 0, meanSeconds = 0.03;
    };

    void rebuild(); // under m_mutex
    Counters countersAt(const Segment &s, qint64 atMs) const;
    /// Every raw series of @p s with its value at @p atMs, filtered by @p selector.
    void seriesOf(const Segment &s,
                  qint64 atMs,
                  const promql::Selector &selector,
                  const std::function<void(const promql::Labels &, double)> &emit) const;

    const World &m_world;
    struct Switch
    {
        QString service, env, version;
        qint64 atMs = 0;
    };
    QList<Switch> m_switches;
    QList<Segment> m_segments;
    mutable std::mutex m_mutex;
};

} // namespace fd::sandbox
