// Prometheus text exposition of the simulated services' traffic. Counters are closed-form
// integrals over simulated time since each version was deployed, so a scrape is a pure
// function of (world, clock) and repeated scrapes only ever see counters grow.

#include "core/backends.h"

#include <httplib.h>

#include <cmath>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

struct Series
{
    QString service, env, version;
    double requests = 0, errors = 0;
    double meanSeconds = 0.03;
    bool slow = false;
};

double rateFor(const QString &env)
{
    return env == QLatin1String("prod") ? 40.0 : env == QLatin1String("staging") ? 4.0 : 1.0;
}

/// Error ratio of a version @p minutes after its deploy: healthy versions stay near 0.3%,
/// the bad one starts at 2% and climbs 0.1% a minute up to 30%.
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

QString labels(const Series &s)
{
    return u"service=\"%1\",env=\"%2\",version=\"%3\""_s.arg(s.service, s.env, s.version);
}

QString number(double v) { return QString::number(v, 'f', 0); }

class MetricsServer final : public BackendServer
{
public:
    using BackendServer::BackendServer;

    void installRoutes(httplib::Server &server) override
    {
        server.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
            res.status = 200;
            res.set_content(exposition(sandbox().clock().nowMs()).toStdString(),
                            "text/plain; version=0.0.4; charset=utf-8");
        });
    }

    void writeError(httplib::Response &res, int status, const QString &message) override
    {
        res.status = status;
        res.set_content((message + u'\n').toStdString(), "text/plain; charset=utf-8");
    }

    QJsonObject credentials() const override { return {}; }

private:
    QString exposition(qint64 nowMs) const
    {
        std::vector<Series> series;
        for (const SimService &s : sandbox().world().services) {
            for (const SimTarget &t : s.targets) {
                const SimDeploy *cur = t.current();
                if (!cur)
                    continue;
                const double rate = rateFor(t.environment);
                // A paused canary takes a fifth of the traffic beside its stable version.
                const SimDeploy *stable = nullptr;
                if (t.canary && t.pendingApproval && t.history.size() >= 2)
                    stable = &t.history[t.history.size() - 2];
                const auto add = [&](const SimDeploy &d, double share) {
                    const SimRelease *rel = s.release(d.version);
                    const bool bad = rel && rel->bad;
                    const double minutes = double(nowMs - d.atMs) / 60'000.0;
                    if (minutes <= 0)
                        return;
                    Series x{s.name, t.environment, d.version};
                    x.requests = std::floor(rate * share * minutes * 60);
                    x.errors = std::floor(rate * share * 60 * errorIntegral(bad, minutes));
                    x.slow = bad;
                    x.meanSeconds = bad ? 0.18 : 0.03;
                    series.push_back(x);
                };
                if (stable) {
                    add(*stable, 0.8);
                    add(*cur, 0.2);
                } else {
                    add(*cur, 1.0);
                }
            }
        }
        QString out;
        out += u"# HELP http_requests_total Requests served, by service, environment, version and status code.\n"_s;
        out += u"# TYPE http_requests_total counter\n"_s;
        for (const Series &x : series) {
            out += u"http_requests_total{%1,code=\"200\"} %2\n"_s.arg(labels(x), number(x.requests - x.errors));
            out += u"http_requests_total{%1,code=\"500\"} %2\n"_s.arg(labels(x), number(x.errors));
        }
        out += u"# HELP http_request_duration_seconds Request latency, by service, environment and version.\n"_s;
        out += u"# TYPE http_request_duration_seconds histogram\n"_s;
        for (const Series &x : series) {
            const QString l = labels(x);
            for (double le : kBuckets)
                out += u"http_request_duration_seconds_bucket{%1,le=\"%2\"} %3\n"_s.arg(
                    l, QString::number(le), number(std::floor(x.requests * cdf(le, x.meanSeconds))));
            out += u"http_request_duration_seconds_bucket{%1,le=\"+Inf\"} %2\n"_s.arg(l, number(x.requests));
            out += u"http_request_duration_seconds_sum{%1} %2\n"_s.arg(
                l, QString::number(x.requests * x.meanSeconds, 'f', 3));
            out += u"http_request_duration_seconds_count{%1} %2\n"_s.arg(l, number(x.requests));
        }
        return out;
    }
};

} // namespace

std::unique_ptr<BackendServer> makeMetricsServer(Sandbox &sandbox)
{
    return std::make_unique<MetricsServer>(u"metrics"_s, sandbox);
}

} // namespace fd::sandbox
