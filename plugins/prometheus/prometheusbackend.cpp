#include "prometheusbackend.h"

#include <QPointer>
#include <QTimer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace fd::prometheus {

namespace {

QString alertSourceId(const WireAlert &a)
{
    return a.fingerprint + u'@' + a.startsAt.toString(Qt::ISODateWithMs);
}

TimelineEvent eventFor(const QString &connectionId, const SliCatalog &catalog, const WireAlert &a)
{
    TimelineEvent e;
    e.source = connectionId;
    e.service = a.labels.value(catalog.serviceLabel);
    e.environment = catalog.environmentOf(a.labels.value(catalog.environmentLabel));
    e.version = a.labels.value(catalog.versionLabel);
    e.actor = u"alertmanager"_s;
    const QString summary = a.annotations.value(u"summary"_s);
    e.title = summary.isEmpty() ? a.name() : a.name() + u": "_s + summary;
    QStringList detail;
    if (!a.annotations.value(u"description"_s).isEmpty())
        detail << a.annotations.value(u"description"_s);
    if (!a.labels.value(u"severity"_s).isEmpty())
        detail << u"severity %1"_s.arg(a.labels.value(u"severity"_s));
    if (!a.state.isEmpty() && a.state != u"active")
        detail << a.state;
    detail << u"fingerprint %1"_s.arg(a.fingerprint);
    e.detail = detail.join(u"; "_s);
    const QUrl link(a.generatorUrl);
    if (link.isValid() && (link.scheme() == u"http" || link.scheme() == u"https"))
        e.link = link;
    return e;
}

} // namespace

QList<TimelineEvent> alertEvents(const QString &connectionId,
                                 const SliCatalog &catalog,
                                 const QList<WireAlert> &alerts,
                                 const QDateTime &serverNow,
                                 QHash<QString, SeenAlert> *firing)
{
    QList<TimelineEvent> out;
    QSet<QString> present;
    for (const WireAlert &a : alerts) {
        // Alertmanager keeps an alert whose endsAt has passed until it is collected; it is over.
        if (a.endsAt.isValid() && a.endsAt <= serverNow && a.endsAt > a.startsAt)
            continue;
        const QString id = alertSourceId(a);
        present.insert(id);
        if (firing->contains(id)) {
            (*firing)[id].alert = a;
            continue;
        }
        TimelineEvent e = eventFor(connectionId, catalog, a);
        e.kind = TimelineEvent::Kind::AlertFiring;
        e.sourceId = id;
        e.time = a.startsAt;
        out.append(e);
        firing->insert(id, {id, a});
    }
    for (auto it = firing->begin(); it != firing->end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        const WireAlert &a = it->alert;
        TimelineEvent e = eventFor(connectionId, catalog, a);
        e.kind = TimelineEvent::Kind::AlertResolved;
        e.sourceId = it.key() + u"/resolved"_s;
        // The list no longer holds it: it resolved between the last poll and now. An endsAt
        // already past is the resolution Prometheus reported; otherwise the server's now.
        e.time = a.endsAt.isValid() && a.endsAt <= serverNow && a.endsAt > a.startsAt ? a.endsAt
                                                                                      : serverNow;
        e.title = a.name() + u" resolved"_s;
        out.append(e);
        it = firing->erase(it);
    }
    return out;
}

PrometheusBackend::PrometheusBackend(const ConnectionConfig &config,
                                     BackendSink *sink,
                                     QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_catalog(SliCatalog::fromConfig(config))
{
    const auto seconds = [&](const char *key, int fallbackMs) {
        bool ok = false;
        const double v = config.options.value(QLatin1String(key)).toDouble(&ok);
        return ok && v > 0 ? int(v * 1000) : fallbackMs;
    };
    m_intervalMs = seconds("pollInterval", 15000);
    m_timeoutMs = config.options.value(u"requestTimeoutMs"_s, 10000).toInt();

    const http::ClientOptions options = http::ClientOptions::fromConnection(config);
    m_prometheus = new http::Client(config.baseUrl, options, this);
    const QString amUrl = config.options.value(u"alertmanagerUrl"_s).toString();
    if (!amUrl.isEmpty())
        m_alertmanager = new http::Client(QUrl(amUrl), options, this);
    for (http::Client *c : {m_prometheus, m_alertmanager}) {
        if (!c)
            continue;
        if (!config.secret(u"token"_s).isEmpty())
            c->setAuthorization("Authorization", "Bearer " + config.secret(u"token"_s).toUtf8());
        else if (!config.secret(u"user"_s).isEmpty() || !config.secret(u"username"_s).isEmpty())
            c->setAuthorization("Authorization",
                                http::Client::basicAuthorization(config.secret(u"user"_s).isEmpty()
                                                                     ? config.secret(u"username"_s)
                                                                     : config.secret(u"user"_s),
                                                                 config.secret(u"password"_s)));
        c->setDefaultHeaders({{"Accept", "application/json"}});
        http::RetryTiming t = c->options().retry;
        t.capMs = std::min(t.capMs, m_intervalMs);
        c->setRetryTiming(t);
    }
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PrometheusBackend::poll);
}

PrometheusBackend::~PrometheusBackend() = default;

Capabilities PrometheusBackend::capabilities() const
{
    return int(Capability::Metrics) | (m_alertmanager ? int(Capability::Alerts) : 0);
}

void PrometheusBackend::start()
{
    if (m_running)
        return;
    m_running = true;
    QTimer::singleShot(0, this, &PrometheusBackend::poll);
}

void PrometheusBackend::stop()
{
    m_running = false;
    m_timer.stop();
    ++m_generation; // late answers of this cycle are dropped
    m_outstanding = 0;
    m_prometheus->cancelAll();
    if (m_alertmanager)
        m_alertmanager->cancelAll();
}

ActionPlan PrometheusBackend::plan(const ReleaseAction &action) const
{
    ActionPlan p;
    p.action = action;
    p.feasible = false;
    p.blockedReason = u"%1 is a signals connection (Prometheus/Alertmanager): it reads alerts and "
                      "metrics and cannot %2 anything"_s.arg(m_config.id, toString(action.verb));
    return p;
}

quint64 PrometheusBackend::execute(const ActionPlan &plan)
{
    static quint64 ticket = 0;
    const quint64 t = ++ticket;
    const ActionResult r{false, u"%1: signals connections execute no actions (%2)"_s.arg(
                                    m_config.id, toString(plan.action.verb))};
    QPointer<PrometheusBackend> self(this);
    QTimer::singleShot(0, this, [self, t, r] {
        if (self)
            self->m_sink->actionFinished(self->m_config.id, t, r);
    });
    return t;
}

QVariantMap PrometheusBackend::statistics() const
{
    QVariantMap out;
    const QVariantMap p = m_prometheus->statistics();
    for (auto it = p.cbegin(); it != p.cend(); ++it)
        out.insert(u"prometheus."_s + it.key(), it.value());
    if (m_alertmanager) {
        const QVariantMap a = m_alertmanager->statistics();
        for (auto it = a.cbegin(); it != a.cend(); ++it)
            out.insert(u"alertmanager."_s + it.key(), it.value());
    }
    out.insert(u"polls"_s, m_polls);
    out.insert(u"firingAlerts"_s, int(m_firing.size()));
    out.insert(u"sliValues"_s, int(m_latest.size()));
    return out;
}

http::Request PrometheusBackend::request(const QString &path, const QUrlQuery &query) const
{
    http::Request r;
    r.path = path;
    r.query = query;
    r.timeoutMs = m_timeoutMs;
    r.conditional = false; // answers change with time, never with a validator
    return r;
}

QString PrometheusBackend::key(const QString &service,
                               const QString &env,
                               const QString &version,
                               const QString &sli)
{
    return service + u'\x1f' + env + u'\x1f' + version + u'\x1f' + sli;
}

void PrometheusBackend::poll()
{
    if (!m_running || m_outstanding > 0)
        return;
    ++m_polls;
    ++m_generation;
    m_cycleFailures = m_cycleTransport = m_cycleAuth = m_cycleParts = 0;
    m_cycleError.clear();
    m_cycleValues.clear();
    const QList<SliCatalog::PollQuery> queries = m_catalog.pollQueries();
    m_outstanding = int(queries.size()) + (m_alertmanager ? 1 : 0);
    if (m_alertmanager)
        pollAlerts();
    for (const auto &q : queries)
        pollSli(q);
    if (m_outstanding == 0)
        partDone();
}

void PrometheusBackend::pollAlerts()
{
    const int gen = m_generation;
    m_alertmanager->send(
        request(u"/api/v2/alerts"_s, {}), this, [this, gen](const http::Response &r) {
            if (gen != m_generation)
                return;
            const QString where = u"alertmanager /api/v2/alerts"_s;
            QList<WireAlert> alerts;
            QString error;
            if (!r.ok()) {
                noteFailure(where, r, {});
            } else if (!parseAlerts(r.body, &alerts, &error)) {
                noteFailure(where, r, error);
            } else {
                noteSuccess(where);
                // Alertmanager's updatedAt is its clock when it last heard of an alert: the
                // estimate of "now" on that side, for dating resolutions (the sandbox's clock
                // may run faster than ours).
                QDateTime newest;
                for (const WireAlert &a : std::as_const(alerts))
                    if (a.updatedAt.isValid() && (!newest.isValid() || a.updatedAt > newest))
                        newest = a.updatedAt;
                const QDateTime ours = QDateTime::currentDateTimeUtc();
                if (newest.isValid())
                    m_serverOffsetMs = ours.msecsTo(newest);
                const QList<TimelineEvent> events = alertEvents(
                    m_config.id, m_catalog, alerts, ours.addMSecs(m_serverOffsetMs), &m_firing);
                if (!events.isEmpty()) {
                    RecordSet rs;
                    rs.events = events;
                    m_sink->publish(m_config.id, rs);
                }
            }
            partDone();
        });
}

void PrometheusBackend::pollSli(const SliCatalog::PollQuery &q)
{
    const int gen = m_generation;
    QUrlQuery query;
    query.addQueryItem(u"query"_s, QString::fromLatin1(QUrl::toPercentEncoding(q.promql)));
    m_prometheus->send(
        request(u"/api/v1/query"_s, query), this, [this, gen, q](const http::Response &r) {
            if (gen != m_generation)
                return;
            const QString where = q.service.isEmpty() ? u"sli %1"_s.arg(q.name)
                                                      : u"sli %1 of %2"_s.arg(q.name, q.service);
            QueryResult result;
            QString error;
            // A 400/422 carries Prometheus's own explanation of what is wrong with the query.
            if (!r.ok() && r.status != 400 && r.status != 422) {
                noteFailure(where, r, {});
            } else if (!parseQueryResponse(r.body, &result, &error)) {
                noteFailure(where, r, error);
            } else {
                noteSuccess(where);
                for (const WireSeries &s : std::as_const(result.series)) {
                    if (s.points.isEmpty())
                        continue;
                    const QString service =
                        q.service.isEmpty() ? s.metric.value(m_catalog.serviceLabel) : q.service;
                    if (service.isEmpty() ||
                        (q.service.isEmpty() && m_catalog.hasOwn(service, q.name)))
                        continue;
                    const QString env =
                        q.environment.isEmpty()
                            ? m_catalog.environmentOf(s.metric.value(m_catalog.environmentLabel))
                            : q.environment;
                    const QString version = s.metric.value(m_catalog.versionLabel);
                    const double v = s.points.last().value;
                    if (std::isfinite(v))
                        m_cycleValues.insert(key(service, env, version, q.name), v);
                }
            }
            partDone();
        });
}

void PrometheusBackend::noteFailure(const QString &where,
                                    const http::Response &r,
                                    const QString &parseError)
{
    ++m_cycleParts;
    ++m_cycleFailures;
    if (r.status == 401 || r.status == 403)
        ++m_cycleAuth;
    else if (r.status == 0)
        ++m_cycleTransport;
    QString message = parseError;
    if (message.isEmpty()) {
        message = r.status ? u"HTTP %1"_s.arg(r.status) : http::errorName(r.error);
        if (!r.errorText.isEmpty())
            message += u": "_s + r.errorText;
    }
    m_cycleError = where + u": "_s + message;
    // Reported once while it lasts; again after it recovered and broke anew.
    if (!m_problems.contains(where)) {
        m_problems.insert(where);
        m_sink->problem(m_config.id, where, message);
    }
}

void PrometheusBackend::noteSuccess(const QString &where)
{
    ++m_cycleParts;
    m_problems.remove(where);
}

void PrometheusBackend::partDone()
{
    if (m_outstanding > 0)
        --m_outstanding;
    if (m_outstanding > 0)
        return;
    // Series that vanished (a version replaced) must not keep a stale latest().
    m_latest = m_cycleValues;
    ConnectionHealth h = m_health;
    if (m_cycleAuth > 0) {
        h.state = ConnectionHealth::State::AuthFailed;
        h.reason = m_cycleError;
    } else if (m_cycleParts > 0 && m_cycleTransport == m_cycleParts) {
        h.state = ConnectionHealth::State::Unreachable;
        h.reason = m_cycleError;
    } else if (m_cycleFailures > 0) {
        h.state = ConnectionHealth::State::Degraded;
        h.reason = m_cycleError;
    } else {
        h.state = ConnectionHealth::State::Ok;
        h.reason.clear();
        h.lastSuccess = QDateTime::currentDateTimeUtc();
    }
    if (!(h == m_health)) {
        m_health = h;
        m_sink->healthChanged(m_config.id, h);
    }
    if (!m_initialDone) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
    if (m_running)
        m_timer.start(m_cycleFailures > 0 ? std::min(m_intervalMs * 2, 120000) : m_intervalMs);
}

void PrometheusBackend::querySli(const QString &service,
                                 const QString &environment,
                                 const QString &sli,
                                 const QDateTime &from,
                                 const QDateTime &to,
                                 std::function<void(QList<SliSeries>, QString)> done)
{
    QPointer<PrometheusBackend> self(this);
    const auto later = [self](std::function<void()> f) {
        QTimer::singleShot(0, self.data(), std::move(f));
    };
    const QString promql = m_catalog.queryFor(service, environment, sli);
    if (promql.isEmpty()) {
        later([done, sli, this] {
            done({}, u"%1: no SLI named \"%2\" (known: %3)"_s.arg(m_config.id, sli,
                                                                  m_catalog.names().join(u", "_s)));
        });
        return;
    }
    if (!from.isValid() || !to.isValid() || to < from) {
        later([done, this] { done({}, u"%1: querySli needs from <= to"_s.arg(m_config.id)); });
        return;
    }
    // About 250 points across the window, never finer than a second.
    const qint64 spanMs = from.msecsTo(to);
    const qint64 stepMs = std::max<qint64>(1000, (spanMs / 250 + 999) / 1000 * 1000);
    QUrlQuery q;
    q.addQueryItem(u"query"_s, QString::fromLatin1(QUrl::toPercentEncoding(promql)));
    q.addQueryItem(u"start"_s, QString::number(double(from.toMSecsSinceEpoch()) / 1000.0, 'f', 3));
    q.addQueryItem(u"end"_s, QString::number(double(to.toMSecsSinceEpoch()) / 1000.0, 'f', 3));
    q.addQueryItem(u"step"_s, QString::number(double(stepMs) / 1000.0, 'f', 3));
    m_prometheus->send(
        request(u"/api/v1/query_range"_s, q), this,
        [this, service, environment, sli, done](const http::Response &r) {
            const QString where =
                u"%1: sli %2 of %3 in %4"_s.arg(m_config.id, sli, service, environment);
            QueryResult result;
            QString error;
            if (!r.ok() && r.status != 400 && r.status != 422) {
                done({}, where + u": "_s +
                             (r.status ? u"HTTP %1"_s.arg(r.status) : http::errorName(r.error)));
                return;
            }
            if (!parseQueryResponse(r.body, &result, &error)) {
                done({}, where + u": "_s + error);
                return;
            }
            QMap<QString, SliSeries> byVersion; // sorted by version
            for (const WireSeries &s : std::as_const(result.series)) {
                const QString labelService = s.metric.value(m_catalog.serviceLabel);
                const QString labelEnv = s.metric.value(m_catalog.environmentLabel);
                if (!labelService.isEmpty() && labelService != service)
                    continue;
                if (!labelEnv.isEmpty() && m_catalog.environmentOf(labelEnv) != environment)
                    continue;
                const QString version = s.metric.value(m_catalog.versionLabel);
                SliSeries &out = byVersion[version];
                out.service = service;
                out.environment = environment;
                out.version = version;
                out.name = sli;
                for (const WirePoint &p : s.points)
                    if (std::isfinite(p.value))
                        out.points.append(
                            {QDateTime::fromMSecsSinceEpoch(p.timeMs, Qt::UTC), p.value});
            }
            done(byVersion.values(), QString());
        });
}

std::optional<double> PrometheusBackend::latest(const QString &service,
                                                const QString &environment,
                                                const QString &version,
                                                const QString &sli) const
{
    const auto it = m_latest.constFind(key(service, environment, version, sli));
    if (it != m_latest.cend())
        return *it;
    // Metrics without a version label stand for whatever runs there.
    const auto any = m_latest.constFind(key(service, environment, QString(), sli));
    if (any != m_latest.cend())
        return *any;
    return std::nullopt;
}

} // namespace fd::prometheus
