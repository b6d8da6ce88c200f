#pragma once

// Which PromQL the signals plugin runs for which indicator. Read from the connection's
// options (free-form in the workspace):
//
//   options:
//     alertmanagerUrl: http://127.0.0.1:9093
//     window: 5m                      # $window in the queries below
//     labels: {service: service, environment: env, version: version}
//     environmentMap: {production: prod}  # label value → Flightdeck environment
//     sli:                            # for every service; these two are the defaults
//       errorRatio: 'sum by (service, env, version)
//       (rate(http_requests_total{code=~"5..",$selector}[$window])) / sum by (service, env,
//       version) (rate(http_requests_total{$selector}[$window]))' latencyP99:
//       'histogram_quantile(0.99, sum by (le, service, env, version)
//       (rate(http_request_duration_seconds_bucket{$selector}[$window])))'
//     serviceSli:                     # per service (the workspace's services.<name>.sli)
//       checkout: {errorRatio: 'sum by (version) (rate(errors{app="checkout",stage="$env"}[5m])) /
//       ...'}
//
// Placeholders: $selector (label matchers naming the service and environment, or every
// service when the plugin polls them all at once), $service, $env, $window. A result series
// is mapped back through its service/environment/version labels; a per-service query that
// names $env is run once per environment.

#include "domain/connection.h"

#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

namespace fd::prometheus {

class SliCatalog
{
public:
    static SliCatalog fromConfig(const ConnectionConfig &config);

    /// One query a poll runs, and how its series map back.
    struct PollQuery
    {
        QString name; // indicator
        QString promql;
        QString service;     // fixed service, or "" to read it from the series' labels
        QString environment; // fixed environment, or "" to read it from the labels
    };
    QList<PollQuery> pollQueries() const;
    /// The query for one indicator of one service in one environment; "" when unknown.
    QString queryFor(const QString &service, const QString &environment, const QString &name) const;
    QStringList names() const;
    /// True when the service has its own query for @p name (the shared one must not cover it).
    bool hasOwn(const QString &service, const QString &name) const;

    QString serviceLabel = QStringLiteral("service");
    QString environmentLabel = QStringLiteral("env");
    QString versionLabel = QStringLiteral("version");
    QString window = QStringLiteral("5m");
    QHash<QString, QString> environmentMap;
    QStringList environments;

    /// The Flightdeck environment a label value stands for.
    QString environmentOf(const QString &labelValue) const
    {
        return environmentMap.value(labelValue, labelValue);
    }

private:
    QString expand(QString tmpl, const QString &service, const QString &environment) const;

    QMap<QString, QString> m_shared;                  // name → template
    QMap<QString, QMap<QString, QString>> m_services; // service → name → query
};

} // namespace fd::prometheus
