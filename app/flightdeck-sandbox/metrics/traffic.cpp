#include "traffic.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

constexpr qint64 kForever = std::numeric_limits<qint64>::max();

double rateFor(const QString &env)
{
    return env == QLatin1String("prod") ? 40.0 : env == QLatin1String("staging") ? 4.0 : 1.0;
}

/// Error-ratio minutes of a version @p minutes after its deploy: healthy versions stay near
/// 0.3%, the bad one starts at 2% and climbs 0.1% a minute up to 30%.
double errorIntegral(bool bad, double minutes)
{
    if (minutes <= 0)
        return 0;
    if (!bad)
        return 0.003 * minutes;
    const double rampEnd = (0.30 - 0.02) / 0.001; // minutes until the cap
    const double ramp = std::min(minutes, rampEnd);
    double area = 0.02 * ramp + 0.001 * ramp * ramp / 2;
    if (minutes > rampEnd)
        area += 0.30 * (minutes - rampEnd);
    return area;
}

/// Share of requests at or under @p le seconds: a log-logistic curve around the mean.
double cdf(double le, double mean)
{
    return 1.0 / (1.0 + std::pow(mean / le, 3.0));
}

QString number(double v)
{
    return QString::number(v, 'f', 0);
}

} // namespace

const QList<double> &TrafficModel::buckets()
{
    static const QList<double> b{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    return b;
}

TrafficModel::TrafficModel(const World &world)
    : m_world(world)
{
    std::lock_guard guard(m_mutex);
    rebuild();
}

bool TrafficModel::switchVersion(const QString &service,
                                 const QString &environment,
                                 const QString &version,
                                 qint64 atMs,
                                 QString *error)
{
    const SimService *s = m_world.service(service);
    const QString where = u"traffic switch %1/%2"_s.arg(service, environment);
    if (!s) {
        *error = u"%1: no service \"%2\""_s.arg(where, service);
        return false;
    }
    if (!s->target(environment)) {
        *error = u"%1: %2 has no environment \"%3\""_s.arg(where, service, environment);
        return false;
    }
    if (!s->release(version)) {
        *error = u"%1: %2 has no release \"%3\""_s.arg(where, service, version);
        return false;
    }
    std::lock_guard guard(m_mutex);
    m_switches.append({service, environment, version, atMs});
    rebuild();
    return true;
}

void TrafficModel::reset()
{
    std::lock_guard guard(m_mutex);
    m_switches.clear();
    rebuild();
}

void TrafficModel::rebuild()
{
    m_segments.clear();
    for (const SimService &s : m_world.services) {
        for (const SimTarget &t : s.targets) {
            struct Event
            {
                QString version;
                qint64 at;
                bool canary;
            };
            QList<Event> events;
            for (int i = 0; i < t.history.size(); ++i) {
                const SimDeploy &d = t.history[i];
                if (!d.succeeded)
                    continue;
                // A paused canary's version runs beside the stable one (history's last two).
                const bool canary = t.canary && t.pendingApproval && i == t.history.size() - 1 &&
                                    t.history.size() >= 2;
                events.append({d.version, d.atMs, canary});
            }
            for (const Switch &sw : std::as_const(m_switches))
                if (sw.service == s.name && sw.env == t.environment)
                    events.append({sw.version, sw.atMs, false});
            std::stable_sort(events.begin(), events.end(),
                             [](const Event &a, const Event &b) { return a.at < b.at; });
            QList<int> open; // indexes into m_segments
            for (const Event &e : std::as_const(events)) {
                const SimRelease *rel = s.release(e.version);
                Segment seg{s.name,   t.environment,          e.version,    rel && rel->bad, e.at,
                            kForever, rateFor(t.environment), {{e.at, 1.0}}};
                if (e.canary && !open.isEmpty()) {
                    for (int i : std::as_const(open))
                        m_segments[i].phases.append({e.at, 0.8});
                    seg.phases = {{e.at, 0.2}};
                } else {
                    if (open.size() == 1 && m_segments[open[0]].version == e.version &&
                        m_segments[open[0]].phases.last().share == 1.0)
                        continue; // already runs alone: nothing changes
                    for (int i : std::as_const(open))
                        m_segments[i].endMs = e.at;
                    open.clear();
                }
                open.append(int(m_segments.size()));
                m_segments.append(seg);
            }
        }
    }
}

TrafficModel::Counters TrafficModel::countersAt(const Segment &s, qint64 atMs) const
{
    Counters c;
    c.meanSeconds = s.bad ? 0.18 : 0.03;
    const qint64 until = std::min(atMs, s.endMs);
    for (int i = 0; i < s.phases.size(); ++i) {
        const qint64 a = s.phases[i].fromMs;
        const qint64 b =
            std::min(until, i + 1 < s.phases.size() ? s.phases[i + 1].fromMs : kForever);
        if (b <= a)
            continue;
        const double perMinute = s.rate * s.phases[i].share * 60;
        c.requests += perMinute * double(b - a) / 60'000.0;
        c.errors += perMinute * (errorIntegral(s.bad, double(b - s.deployedMs) / 60'000.0) -
                                 errorIntegral(s.bad, double(a - s.deployedMs) / 60'000.0));
    }
    c.requests = std::floor(c.requests);
    c.errors = std::min(c.requests, std::floor(c.errors));
    return c;
}

void TrafficModel::seriesOf(const Segment &s,
                            qint64 atMs,
                            const promql::Selector &selector,
                            const std::function<void(const promql::Labels &, double)> &emit) const
{
    // Most selectors name their metric: skip the other families before building labels.
    QString wanted;
    for (const promql::Matcher &m : selector.matchers)
        if (m.name == u"__name__" && m.op == promql::Matcher::Op::Equal)
            wanted = m.value;
    promql::Labels base{{u"service"_s, s.service}, {u"env"_s, s.env}, {u"version"_s, s.version}};
    const Counters c = countersAt(s, atMs);
    const auto offer = [&](const QString &name, const promql::Labels &extra, double v) {
        if (!wanted.isEmpty() && wanted != name)
            return;
        promql::Labels l = base;
        l.insert(u"__name__"_s, name);
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            l.insert(it.key(), it.value());
        if (selector.matches(l))
            emit(l, v);
    };
    offer(u"http_requests_total"_s, {{u"code"_s, u"200"_s}}, c.requests - c.errors);
    offer(u"http_requests_total"_s, {{u"code"_s, u"500"_s}}, c.errors);
    for (double le : buckets())
        offer(u"http_request_duration_seconds_bucket"_s, {{u"le"_s, QString::number(le)}},
              std::floor(c.requests * cdf(le, c.meanSeconds)));
    offer(u"http_request_duration_seconds_bucket"_s, {{u"le"_s, u"+Inf"_s}}, c.requests);
    offer(u"http_request_duration_seconds_sum"_s, {}, c.requests * c.meanSeconds);
    offer(u"http_request_duration_seconds_count"_s, {}, c.requests);
}

QList<promql::Sample> TrafficModel::instant(const promql::Selector &selector, qint64 atMs) const
{
    std::lock_guard guard(m_mutex);
    QList<promql::Sample> out;
    for (const Segment &s : m_segments)
        if (s.deployedMs < atMs && atMs < s.endMs)
            seriesOf(s, atMs, selector, [&](const promql::Labels &l, double v) {
                out.append({l, v});
            });
    return out;
}

QList<promql::RangeSample>
TrafficModel::range(const promql::Selector &selector, qint64 atMs, qint64 windowMs) const
{
    std::lock_guard guard(m_mutex);
    QList<promql::RangeSample> out;
    for (const Segment &s : m_segments) {
        if (!(s.deployedMs < atMs && atMs < s.endMs))
            continue;
        const qint64 from = std::max(atMs - windowMs, s.deployedMs);
        QList<double> firsts;
        seriesOf(s, from, selector, [&](const promql::Labels &, double v) { firsts.append(v); });
        int i = 0;
        seriesOf(s, atMs, selector, [&](const promql::Labels &l, double v) {
            out.append({l, firsts.value(i++), v, double(atMs - from)});
        });
    }
    return out;
}

QString TrafficModel::exposition(qint64 atMs) const
{
    std::lock_guard guard(m_mutex);
    struct Row
    {
        QString labels;
        Counters c;
    };
    QList<Row> rows;
    for (const Segment &s : m_segments)
        if (s.deployedMs < atMs && atMs < s.endMs)
            rows.append(
                {u"service=\"%1\",env=\"%2\",version=\"%3\""_s.arg(s.service, s.env, s.version),
                 countersAt(s, atMs)});
    QString out;
    out +=
        u"# HELP http_requests_total Requests served, by service, environment, version and status code.\n"_s;
    out += u"# TYPE http_requests_total counter\n"_s;
    for (const Row &r : std::as_const(rows)) {
        out += u"http_requests_total{%1,code=\"200\"} %2\n"_s.arg(
            r.labels, number(r.c.requests - r.c.errors));
        out += u"http_requests_total{%1,code=\"500\"} %2\n"_s.arg(r.labels, number(r.c.errors));
    }
    out +=
        u"# HELP http_request_duration_seconds Request latency, by service, environment and version.\n"_s;
    out += u"# TYPE http_request_duration_seconds histogram\n"_s;
    for (const Row &r : std::as_const(rows)) {
        for (double le : buckets())
            out += u"http_request_duration_seconds_bucket{%1,le=\"%2\"} %3\n"_s.arg(
                r.labels, QString::number(le),
                number(std::floor(r.c.requests * cdf(le, r.c.meanSeconds))));
        out += u"http_request_duration_seconds_bucket{%1,le=\"+Inf\"} %2\n"_s.arg(
            r.labels, number(r.c.requests));
        out += u"http_request_duration_seconds_sum{%1} %2\n"_s.arg(
            r.labels, QString::number(r.c.requests * r.c.meanSeconds, 'f', 3));
        out +=
            u"http_request_duration_seconds_count{%1} %2\n"_s.arg(r.labels, number(r.c.requests));
    }
    return out;
}

} // namespace fd::sandbox
