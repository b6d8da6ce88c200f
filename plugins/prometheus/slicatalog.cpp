#include "slicatalog.h"

using namespace Qt::StringLiterals;

namespace fd::prometheus {

namespace {

QString quoted(const QString &v)
{
    QString s = v;
    s.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + s + u'"';
}

} // namespace

SliCatalog SliCatalog::fromConfig(const ConnectionConfig &config)
{
    SliCatalog c;
    const QVariantMap labels = config.options.value(u"labels"_s).toMap();
    c.serviceLabel = labels.value(u"service"_s, c.serviceLabel).toString();
    c.environmentLabel = labels.value(u"environment"_s, c.environmentLabel).toString();
    c.versionLabel = labels.value(u"version"_s, c.versionLabel).toString();
    c.window = config.options.value(u"window"_s, c.window).toString();
    const QVariantMap envMap = config.options.value(u"environmentMap"_s).toMap();
    for (auto it = envMap.cbegin(); it != envMap.cend(); ++it)
        c.environmentMap.insert(it.key(), it.value().toString());
    c.environments = config.environments;

    // The defaults group by the configured label names, so a renamed label still maps back.
    const QString by = u"%1, %2, %3"_s.arg(c.serviceLabel, c.environmentLabel, c.versionLabel);
    c.m_shared.insert(
        u"errorRatio"_s,
        u"sum by (%1) (rate(http_requests_total{code=~\"5..\",$selector}[$window])) / "
        "sum by (%1) (rate(http_requests_total{$selector}[$window]))"_s.arg(by));
    c.m_shared.insert(
        u"latencyP99"_s,
        u"histogram_quantile(0.99, sum by (le, %1) "
        "(rate(http_request_duration_seconds_bucket{$selector}[$window])))"_s.arg(by));
    const QVariantMap shared = config.options.value(u"sli"_s).toMap();
    for (auto it = shared.cbegin(); it != shared.cend(); ++it)
        c.m_shared.insert(it.key(), it.value().toString());
    const QVariantMap perService = config.options.value(u"serviceSli"_s).toMap();
    for (auto it = perService.cbegin(); it != perService.cend(); ++it) {
        const QVariantMap m = it.value().toMap();
        for (auto q = m.cbegin(); q != m.cend(); ++q)
            c.m_services[it.key()].insert(q.key(), q.value().toString());
    }
    return c;
}

QString SliCatalog::expand(QString tmpl, const QString &service, const QString &environment) const
{
    QString selector;
    if (service.isEmpty())
        selector = serviceLabel + u"!=\"\""_s;
    else
        selector = serviceLabel + u'=' + quoted(service);
    if (!environment.isEmpty()) {
        // Several label values may stand for one Flightdeck environment.
        QStringList values{environment};
        for (auto it = environmentMap.cbegin(); it != environmentMap.cend(); ++it)
            if (it.value() == environment && !values.contains(it.key()))
                values << it.key();
        selector += values.size() == 1
                        ? u",%1=%2"_s.arg(environmentLabel, quoted(environment))
                        : u",%1=~%2"_s.arg(environmentLabel, quoted(values.join(u'|')));
    }
    tmpl.replace(u"$selector"_s, selector);
    tmpl.replace(u"$service"_s, service);
    tmpl.replace(u"$env"_s, environment);
    tmpl.replace(u"$window"_s, window);
    return tmpl;
}

QList<SliCatalog::PollQuery> SliCatalog::pollQueries() const
{
    QList<PollQuery> out;
    for (auto it = m_shared.cbegin(); it != m_shared.cend(); ++it)
        out.append({it.key(), expand(it.value(), {}, {}), {}, {}});
    for (auto s = m_services.cbegin(); s != m_services.cend(); ++s) {
        for (auto q = s.value().cbegin(); q != s.value().cend(); ++q) {
            if (q.value().contains(u"$env"_s)) {
                for (const QString &env : environments)
                    out.append({q.key(), expand(q.value(), s.key(), env), s.key(), env});
            } else {
                out.append({q.key(), expand(q.value(), s.key(), {}), s.key(), {}});
            }
        }
    }
    return out;
}

QString
SliCatalog::queryFor(const QString &service, const QString &environment, const QString &name) const
{
    const QString tmpl = m_services.value(service).value(name, m_shared.value(name));
    return tmpl.isEmpty() ? QString() : expand(tmpl, service, environment);
}

QStringList SliCatalog::names() const
{
    QStringList out = m_shared.keys();
    for (const auto &m : m_services)
        for (const QString &n : m.keys())
            if (!out.contains(n))
                out << n;
    return out;
}

bool SliCatalog::hasOwn(const QString &service, const QString &name) const
{
    return m_services.value(service).contains(name);
}

} // namespace fd::prometheus
