#pragma once

#include "prometheuswire.h"
#include "slicatalog.h"

#include "backend/backend.h"
#include "backend/signals.h"
#include "http/client.h"

#include <QObject>
#include <QTimer>

#include <optional>

namespace fd::prometheus {

/// A firing alert as last seen, for noticing when it resolves.
struct SeenAlert
{
    QString sourceId; // fingerprint@startsAt
    WireAlert alert;
};

/**
 * Turns a firing/resolved alert list into timeline events. Pure: @p firing is what was
 * firing before (by sourceId) and is updated; @p serverNow dates a resolution (the alert
 * vanished from the list, as Alertmanager drops resolved alerts from GET /api/v2/alerts).
 */
QList<TimelineEvent> alertEvents(const QString &connectionId,
                                 const SliCatalog &catalog,
                                 const QList<WireAlert> &alerts,
                                 const QDateTime &serverNow,
                                 QHash<QString, SeenAlert> *firing);

/**
 * One signals connection: Prometheus (the connection's URL) for SLIs and Alertmanager
 * (options.alertmanagerUrl) for alerts. Each poll reads the alert list and evaluates every
 * SLI query once (instant queries); alerts become AlertFiring/AlertResolved timeline events,
 * SLI values are kept for latest(). querySli() runs a range query on demand. Holds no
 * deployments and plans no actions.
 */
class PrometheusBackend : public QObject, public Backend, public SignalSource
{
    Q_OBJECT

public:
    PrometheusBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent = nullptr);
    ~PrometheusBackend() override;

    Capabilities capabilities() const override;
    void start() override;
    void stop() override;
    ConnectionHealth health() const override { return m_health; }
    ActionPlan plan(const ReleaseAction &action) const override;
    quint64 execute(const ActionPlan &plan) override;
    /// Both clients' counters (prefixed prometheus./alertmanager.) plus polls.
    QVariantMap statistics() const override;

    void querySli(const QString &service,
                  const QString &environment,
                  const QString &sli,
                  const QDateTime &from,
                  const QDateTime &to,
                  std::function<void(QList<SliSeries>, QString)> done) override;
    std::optional<double> latest(const QString &service,
                                 const QString &environment,
                                 const QString &version,
                                 const QString &sli) const override;

private:
    void poll();
    void pollAlerts();
    void pollSli(const SliCatalog::PollQuery &query);
    void partDone();
    void
    noteFailure(const QString &where, const http::Response &response, const QString &parseError);
    void noteSuccess(const QString &where);
    http::Request request(const QString &path, const QUrlQuery &query) const;
    static QString
    key(const QString &service, const QString &env, const QString &version, const QString &sli);

    ConnectionConfig m_config;
    BackendSink *m_sink;
    SliCatalog m_catalog;
    http::Client *m_prometheus = nullptr;
    http::Client *m_alertmanager = nullptr; // null without options.alertmanagerUrl
    QTimer m_timer;
    int m_intervalMs = 15000;
    int m_timeoutMs = 10000;
    bool m_running = false;
    bool m_initialDone = false;
    int m_outstanding = 0;
    int m_cycleFailures = 0;
    int m_cycleTransport = 0;
    int m_cycleAuth = 0;
    int m_cycleParts = 0;
    QString m_cycleError;
    int m_generation = 0;
    qint64 m_polls = 0;
    qint64 m_serverOffsetMs = 0; // server clock minus ours, from alerts' updatedAt
    QHash<QString, SeenAlert> m_firing;
    QHash<QString, double> m_latest;      // key() → value, from the last poll
    QHash<QString, double> m_cycleValues; // filled during a poll
    QSet<QString> m_problems;
    ConnectionHealth m_health;
};

} // namespace fd::prometheus
