// Prometheus text exposition, Prometheus query API and Alertmanager v2 alerts of the
// simulated services. Every answer is computed from TrafficModel at the sandbox clock's time,
// so a scrape, a query and the alert list always agree with one another.

#include "metricsserver.h"

#include "core/backends.h"

#include <httplib.h>

#include <QJsonArray>
#include <QSet>
#include <QRegularExpression>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

constexpr int kMaxPoints = 11'000;              // Prometheus's limit per series of a range query
constexpr qint64 kLookbackMs = 2 * 3600 * 1000; // how far back a first rule evaluation starts

QString param(const httplib::Request &req, const char *name)
{
    return req.has_param(name) ? fromStd(req.get_param_value(name)) : QString();
}

/// RFC 3339 or a Unix timestamp in (fractional) seconds, as Prometheus accepts them.
bool parseTime(const QString &text, qint64 *ms)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok && std::isfinite(seconds)) {
        *ms = qint64(std::llround(seconds * 1000));
        return true;
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return false;
    *ms = t.toMSecsSinceEpoch();
    return true;
}

/// A step: a float number of seconds or a duration.
bool parseStep(const QString &text, qint64 *ms)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok) {
        *ms = qint64(std::llround(seconds * 1000));
        return std::isfinite(seconds);
    }
    return promql::parseDuration(text, ms);
}

QJsonObject metricJson(const promql::Labels &labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonArray point(qint64 ms, double v)
{
    return QJsonArray{double(ms) / 1000.0, promql::formatValue(v)};
}

QString signature(const promql::Labels &labels)
{
    QString s;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        s += it.key() + u'\x1f' + it.value() + u'\x1e';
    return s;
}

/// Alertmanager's fingerprint of a label set: FNV-1a 64 over the sorted name/value pairs,
/// each followed by the 0xff separator, in 16 hex digits.
QString fingerprint(const promql::Labels &labels)
{
    quint64 h = 14695981039346656037ULL;
    const auto add = [&](const QByteArray &bytes) {
        for (char c : bytes) {
            h ^= quint64(quint8(c));
            h *= 1099511628211ULL;
        }
    };
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        add(it.key().toUtf8());
        add(QByteArray(1, char(0xff)));
        add(it.value().toUtf8());
        add(QByteArray(1, char(0xff)));
    }
    return u"%1"_s.arg(qulonglong(h), 16, 16, QLatin1Char('0'));
}

/// Prometheus's humanizeDuration for the values a latency rule produces.
QString humanizeDuration(double v)
{
    if (std::isnan(v) || std::isinf(v))
        return promql::formatValue(v);
    if (v == 0)
        return u"0s"_s;
    if (std::fabs(v) < 1) {
        if (std::fabs(v) >= 1e-3)
            return QString::number(v * 1e3, 'g', 4) + u"ms"_s;
        return QString::number(v * 1e6, 'g', 4) + u"us"_s;
    }
    if (std::fabs(v) < 60)
        return QString::number(v, 'g', 4) + u's';
    const qint64 s = qint64(v);
    return u"%1m %2s"_s.arg(s / 60).arg(s % 60);
}

/// The subset of Prometheus's alert templates the shipped rules use.
QString renderTemplate(QString text, const promql::Labels &labels, double value)
{
    static const QRegularExpression labelRe(u"\\{\\{\\s*\\$labels\\.(\\w+)\\s*\\}\\}"_s);
    static const QRegularExpression percentRe(
        u"\\{\\{\\s*\\$value\\s*\\|\\s*humanizePercentage\\s*\\}\\}"_s);
    static const QRegularExpression durationRe(
        u"\\{\\{\\s*\\$value\\s*\\|\\s*humanizeDuration\\s*\\}\\}"_s);
    static const QRegularExpression valueRe(u"\\{\\{\\s*\\$value\\s*\\}\\}"_s);
    QString out;
    int last = 0;
    auto it = labelRe.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += text.mid(last, m.capturedStart() - last) + labels.value(m.captured(1));
        last = int(m.capturedEnd());
    }
    out += text.mid(last);
    out.replace(percentRe, QString::number(value * 100, 'g', 4) + u'%');
    out.replace(durationRe, humanizeDuration(value));
    out.replace(valueRe, promql::formatValue(value));
    return out;
}

/// "name<op>value" as Alertmanager's filter parameter takes it; quotes optional.
bool parseFilter(const QString &text, promql::Matcher *out)
{
    static const QRegularExpression re(u"^\\s*\\{?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*"
                                       "\"?(.*?)\"?\\s*\\}?\\s*$"_s);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    out->name = m.captured(1);
    const QString op = m.captured(2);
    out->op = op == u"="    ? promql::Matcher::Op::Equal
              : op == u"!=" ? promql::Matcher::Op::NotEqual
              : op == u"=~" ? promql::Matcher::Op::Regex
                            : promql::Matcher::Op::NotRegex;
    out->value = m.captured(3);
    if (out->op == promql::Matcher::Op::Regex || out->op == promql::Matcher::Op::NotRegex) {
        out->regex = QRegularExpression(u"^(?:%1)$"_s.arg(out->value));
        return out->regex.isValid();
    }
    return true;
}

QString amTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

const QList<AlertRule> &MetricsServer::rules()
{
    static const QList<AlertRule> r{
        {u"FlightdeckHighErrorRate"_s,
         u"sum by (service, env) (rate(http_requests_total{code=~\"5..\"}[5m])) / "
         "sum by (service, env) (rate(http_requests_total[5m])) > 0.05"_s,
         60'000, u"critical"_s,
         u"{{ $labels.service }} in {{ $labels.env }} fails too many requests"_s,
         u"{{ $value | humanizePercentage }} of requests fail (objective: under 5%)."_s},
        {u"FlightdeckHighLatencyP99"_s,
         u"histogram_quantile(0.99, sum by (le, service, env) "
         "(rate(http_request_duration_seconds_bucket[5m]))) > 0.5"_s,
         300'000, u"warning"_s, u"{{ $labels.service }} in {{ $labels.env }} answers slowly"_s,
         u"99th percentile latency is {{ $value | humanizeDuration }} (objective: under 500ms)."_s},
    };
    return r;
}

MetricsServer::MetricsServer(Sandbox &sandbox)
    : BackendServer(u"metrics"_s, sandbox)
    , m_traffic(sandbox.world())
{}

void MetricsServer::installRoutes(httplib::Server &server)
{
    server.Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
        res.status = 200;
        res.set_content(m_traffic.exposition(sandbox().clock().nowMs()).toStdString(),
                        "text/plain; version=0.0.4; charset=utf-8");
    });
    for (const char *path : {"/api/v1/query", "/api/v1/query_range"}) {
        const bool range = QByteArray(path).endsWith("range");
        const auto handler = [this, range](const httplib::Request &req, httplib::Response &res) {
            serveQuery(req, res, range);
        };
        server.Get(path, handler);
        server.Post(path, handler);
    }
    server.Get("/api/v2/alerts", [this](const httplib::Request &req, httplib::Response &res) {
        serveAlerts(req, res);
    });
    const auto ok = [](const httplib::Request &, httplib::Response &res) {
        res.status = 200;
        res.set_content("OK\n", "text/plain; charset=utf-8");
    };
    server.Get("/-/ready", ok);
    server.Get("/-/healthy", ok);
    server.Post(
        "/_sandbox/metrics/deploy",
        [this](const httplib::Request &req, httplib::Response &res) { serveDeploy(req, res); });
}

void MetricsServer::reset()
{
    m_traffic.reset();
    std::lock_guard guard(m_alertMutex);
    m_active.clear();
    m_evaluatedTo = -1;
}

void MetricsServer::writeError(httplib::Response &res, int status, const QString &message)
{
    res.status = status;
    res.set_content((message + u'\n').toStdString(), "text/plain; charset=utf-8");
}

bool MetricsServer::switchVersion(const QString &service,
                                  const QString &environment,
                                  const QString &version,
                                  QString *error)
{
    return m_traffic.switchVersion(service, environment, version, sandbox().clock().nowMs(), error);
}

void MetricsServer::onDeployed(const QString &service,
                               const QString &environment,
                               const QString &version,
                               qint64 atMs)
{
    // A version the traffic model does not know (a scale scenario's synthetic app) has no
    // series to switch: nothing to do, and nothing to report to the deploying backend.
    QString ignored;
    m_traffic.switchVersion(service, environment, version, atMs, &ignored);
}

void MetricsServer::promError(httplib::Response &res,
                              int status,
                              const QString &type,
                              const QString &message)
{
    sendJson(res, status,
             QJsonDocument(QJsonObject{
                 {u"status"_s, u"error"_s}, {u"errorType"_s, type}, {u"error"_s, message}}));
}

void MetricsServer::serveQuery(const httplib::Request &req, httplib::Response &res, bool range)
{
    const qint64 now = sandbox().clock().nowMs();
    const QString text = param(req, "query");
    promql::Expression expr;
    QString error;
    if (!expr.parse(text, &error))
        return promError(res, 400, u"bad_data"_s, u"invalid parameter \"query\": %1"_s.arg(error));

    qint64 start = now, end = now, step = 1;
    if (!range) {
        const QString t = param(req, "time");
        if (!t.isEmpty() && !parseTime(t, &start))
            return promError(
                res, 400, u"bad_data"_s,
                u"invalid parameter \"time\": cannot parse \"%1\" to a valid timestamp"_s.arg(t));
        end = start;
    } else {
        const QString s = param(req, "start"), e = param(req, "end"), st = param(req, "step");
        if (!parseTime(s, &start))
            return promError(
                res, 400, u"bad_data"_s,
                u"invalid parameter \"start\": cannot parse \"%1\" to a valid timestamp"_s.arg(s));
        if (!parseTime(e, &end))
            return promError(
                res, 400, u"bad_data"_s,
                u"invalid parameter \"end\": cannot parse \"%1\" to a valid timestamp"_s.arg(e));
        if (end < start)
            return promError(
                res, 400, u"bad_data"_s,
                u"invalid parameter \"end\": end timestamp must not be before start time"_s);
        if (!parseStep(st, &step))
            return promError(
                res, 400, u"bad_data"_s,
                u"invalid parameter \"step\": cannot parse \"%1\" to a valid duration"_s.arg(st));
        if (step <= 0)
            return promError(res, 400, u"bad_data"_s,
                             u"invalid parameter \"step\": zero or negative query resolution step "
                             "widths are not accepted. Try a positive integer"_s);
        if ((end - start) / step >= kMaxPoints)
            return promError(res, 400, u"bad_data"_s,
                             u"exceeded maximum resolution of 11,000 points per timeseries. Try "
                             "decreasing the query resolution (?step=XX)"_s);
    }

    QMap<QString, QPair<promql::Labels, QJsonArray>> series; // by label signature, sorted
    QJsonArray scalar;
    for (qint64 t = start; t <= end; t += step) {
        promql::Expression::Result r;
        if (!expr.evaluate(m_traffic, t, &r, &error))
            return promError(res, 422, u"execution"_s, error);
        if (r.scalar) {
            if (!range)
                scalar = point(t, r.scalarValue);
            else
                series[QString()].second.append(point(t, r.scalarValue));
            continue;
        }
        for (const promql::Sample &s : std::as_const(r.vector)) {
            auto &entry = series[signature(s.labels)];
            entry.first = s.labels;
            entry.second.append(point(t, s.value));
        }
    }

    QJsonObject data;
    if (!range && expr.isScalar()) {
        data = {{u"resultType"_s, u"scalar"_s}, {u"result"_s, scalar}};
    } else {
        QJsonArray result;
        for (const auto &entry : std::as_const(series)) {
            if (range)
                result.append(QJsonObject{{u"metric"_s, metricJson(entry.first)},
                                          {u"values"_s, entry.second}});
            else
                result.append(QJsonObject{{u"metric"_s, metricJson(entry.first)},
                                          {u"value"_s, entry.second.first()}});
        }
        data = {{u"resultType"_s, range ? u"matrix"_s : u"vector"_s}, {u"result"_s, result}};
    }
    sendJson(res, 200, QJsonDocument(QJsonObject{{u"status"_s, u"success"_s}, {u"data"_s, data}}));
}

void MetricsServer::evaluateRules(qint64 nowMs)
{
    const qint64 last = nowMs - nowMs % kEvaluationMs;
    qint64 from = m_evaluatedTo + kEvaluationMs;
    if (m_evaluatedTo < 0 || last < m_evaluatedTo) { // first call, or the clock was reset
        m_active.clear();
        from = last - kLookbackMs;
    }
    std::vector<promql::Expression> exprs;
    for (const AlertRule &rule : rules()) {
        promql::Expression e;
        QString error;
        if (!e.parse(rule.expr, &error))
            qFatal("sandbox metrics: rule %s does not parse: %s", qPrintable(rule.name),
                   qPrintable(error));
        exprs.push_back(std::move(e));
    }
    for (qint64 t = from; t <= last; t += kEvaluationMs) {
        QSet<QString> seen;
        for (int i = 0; i < rules().size(); ++i) {
            const AlertRule &rule = rules()[i];
            promql::Expression::Result r;
            QString error;
            if (!exprs[size_t(i)].evaluate(m_traffic, t, &r, &error))
                continue;
            for (const promql::Sample &s : std::as_const(r.vector)) {
                promql::Labels labels = s.labels;
                labels.remove(u"__name__"_s);
                labels.insert(u"alertname"_s, rule.name);
                labels.insert(u"severity"_s, rule.severity);
                const QString key = signature(labels);
                seen.insert(key);
                auto it = m_active.find(key);
                if (it == m_active.end())
                    it = m_active.insert(key, {rule.name, labels, t, s.value});
                it->value = s.value;
            }
        }
        for (auto it = m_active.begin(); it != m_active.end();)
            it = seen.contains(it.key()) ? std::next(it) : m_active.erase(it);
    }
    m_evaluatedTo = last;
}

void MetricsServer::serveAlerts(const httplib::Request &req, httplib::Response &res)
{
    QList<promql::Matcher> filters;
    for (size_t i = 0; i < req.get_param_value_count("filter"); ++i) {
        const QString f = fromStd(req.get_param_value("filter", i));
        promql::Matcher m;
        if (!parseFilter(f, &m)) {
            res.status = 400;
            res.set_content(QJsonDocument(QJsonArray{u"bad matcher format: %1"_s.arg(f)})
                                .toJson(QJsonDocument::Compact)
                                .mid(1)
                                .chopped(1)
                                .toStdString(),
                            "application/json");
            return;
        }
        filters.append(m);
    }
    const bool active = param(req, "active") != u"false";
    const qint64 now = sandbox().clock().nowMs();
    QList<Active> firing;
    qint64 evaluatedAt = 0;
    {
        std::lock_guard guard(m_alertMutex);
        evaluateRules(now);
        evaluatedAt = m_evaluatedTo;
        for (const Active &a : std::as_const(m_active)) {
            const AlertRule *rule = nullptr;
            for (const AlertRule &r : rules())
                if (r.name == a.rule)
                    rule = &r;
            if (rule && evaluatedAt - a.activeAtMs >= rule->forMs)
                firing.append(a);
        }
    }
    const QString base = u"http://127.0.0.1:%1"_s.arg(sandbox().port(u"metrics"_s));
    QJsonArray out;
    for (const Active &a : std::as_const(firing)) {
        if (!active)
            break;
        bool keep = true;
        for (const promql::Matcher &m : std::as_const(filters))
            keep = keep && m.matches(a.labels.value(m.name));
        if (!keep)
            continue;
        const AlertRule *rule = nullptr;
        for (const AlertRule &r : rules())
            if (r.name == a.rule)
                rule = &r;
        // Prometheus sends the alert when the `for` time has passed on its evaluation grid.
        const qint64 firedAt =
            a.activeAtMs + (rule->forMs + kEvaluationMs - 1) / kEvaluationMs * kEvaluationMs;
        QUrlQuery graph;
        graph.addQueryItem(u"g0.expr"_s, QString::fromLatin1(QUrl::toPercentEncoding(rule->expr)));
        graph.addQueryItem(u"g0.tab"_s, u"1"_s);
        out.append(QJsonObject{
            {u"annotations"_s,
             QJsonObject{{u"summary"_s, renderTemplate(rule->summary, a.labels, a.value)},
                         {u"description"_s, renderTemplate(rule->description, a.labels, a.value)}}},
            {u"endsAt"_s, amTime(evaluatedAt + 4 * 60'000)},
            {u"fingerprint"_s, fingerprint(a.labels)},
            {u"receivers"_s, QJsonArray{QJsonObject{{u"name"_s, u"flightdeck"_s}}}},
            {u"startsAt"_s, amTime(firedAt)},
            {u"status"_s, QJsonObject{{u"inhibitedBy"_s, QJsonArray{}},
                                      {u"silencedBy"_s, QJsonArray{}},
                                      {u"state"_s, u"active"_s}}},
            {u"updatedAt"_s, amTime(evaluatedAt)},
            {u"generatorURL"_s, base + u"/graph?"_s + graph.query(QUrl::FullyEncoded)},
            {u"labels"_s, metricJson(a.labels)},
        });
    }
    sendJson(res, 200, QJsonDocument(out));
}

void MetricsServer::serveDeploy(const httplib::Request &req, httplib::Response &res)
{
    const QString service = param(req, "service"), env = param(req, "env"),
                  version = param(req, "version");
    QString error;
    if (service.isEmpty() || env.isEmpty() || version.isEmpty()) {
        sendJson(
            res, 400,
            QJsonDocument(QJsonObject{{u"error"_s, u"service, env and version are required"_s}}));
        return;
    }
    if (!switchVersion(service, env, version, &error)) {
        sendJson(res, 404, QJsonDocument(QJsonObject{{u"error"_s, error}}));
        return;
    }
    sendJson(res, 200,
             QJsonDocument(QJsonObject{{u"service"_s, service},
                                       {u"env"_s, env},
                                       {u"version"_s, version},
                                       {u"at"_s, isoTime(sandbox().clock().nowMs())}}));
}

std::unique_ptr<BackendServer> makeMetricsServer(Sandbox &sandbox)
{
    return std::make_unique<MetricsServer>(sandbox);
}

} // namespace fd::sandbox
