#include "prometheusfactory.h"

#include "prometheusbackend.h"

namespace fd::prometheus {

QString PrometheusFactory::kind() const
{
    return QStringLiteral("prometheus");
}

std::unique_ptr<fd::Backend> PrometheusFactory::create(const fd::ConnectionConfig &config,
                                                       fd::BackendSink *sink)
{
    if (!sink)
        return nullptr;
    return std::make_unique<PrometheusBackend>(config, sink);
}

} // namespace fd::prometheus
