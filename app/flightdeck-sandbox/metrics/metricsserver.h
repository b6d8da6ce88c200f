#pragma once

// The sandbox's signals port: Prometheus text metrics of the simulated services, the
// Prometheus HTTP query API (/api/v1/query, /api/v1/query_range) over those same series, and
// the Alertmanager API v2 alert list (/api/v2/alerts) produced by evaluating the alerting
// rules shipped in resources/signals/flightdeck-rules.yml on them. Written from the public
// API documentation of Prometheus 2.42 and Alertmanager 0.25; a contract test compares the
// answers' shapes with the real servers'.

#include "core/sandbox.h"
#include "traffic.h"

#include <QMap>

namespace fd::sandbox {

/// One alerting rule as the sandbox evaluates it (the same expressions as the shipped file).
struct AlertRule
{
    QString name;
    QString expr;
    qint64 forMs = 0;
    QString severity;
    QString summary;     // Go template subset: {{ $labels.x }}, {{ $value | humanizePercentage }}
    QString description; // and {{ $value | humanizeDuration }}
};

class MetricsServer final : public BackendServer
{
public:
    explicit MetricsServer(Sandbox &sandbox);

    void installRoutes(httplib::Server &server) override;
    void reset() override;
    void writeError(httplib::Response &res, int status, const QString &message) override;
    QJsonObject credentials() const override { return {}; }

    /// From now on the target runs @p version alone: a deploy or rollback the world's history
    /// does not know (POST /_sandbox/metrics/deploy). False with *error naming what is unknown.
    bool switchVersion(const QString &service,
                       const QString &environment,
                       const QString &version,
                       QString *error);
    void onDeployed(const QString &service,
                    const QString &environment,
                    const QString &version,
                    qint64 atMs) override;
    const TrafficModel &traffic() const { return m_traffic; }
    /// The rules the sandbox evaluates, as in resources/signals/flightdeck-rules.yml.
    static const QList<AlertRule> &rules();
    /// Rule evaluation interval in simulated time (the shipped prometheus.yml's 15 s).
    static constexpr qint64 kEvaluationMs = 15'000;

private:
    struct Active
    {
        QString rule;
        promql::Labels labels; // alertname, severity and the expression's labels
        qint64 activeAtMs = 0;
        double value = 0;
    };
    /// Evaluates the rules on the grid up to @p nowMs (incrementally); under m_alertMutex.
    void evaluateRules(qint64 nowMs);
    void serveQuery(const httplib::Request &req, httplib::Response &res, bool range);
    void serveAlerts(const httplib::Request &req, httplib::Response &res);
    void serveDeploy(const httplib::Request &req, httplib::Response &res);
    void promError(httplib::Response &res, int status, const QString &type, const QString &message);

    TrafficModel m_traffic;
    std::mutex m_alertMutex;
    QMap<QString, Active> m_active; // by rule + label signature
    qint64 m_evaluatedTo = -1;
};

} // namespace fd::sandbox
