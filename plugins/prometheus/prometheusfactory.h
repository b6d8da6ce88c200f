#pragma once

#include "backend/backend.h"

#include <QObject>

namespace fd::prometheus {

/// The plugin's root object: one PrometheusBackend per signals connection. The backend also
/// implements fd::SignalSource (backend/signals.h).
class PrometheusFactory : public QObject, public fd::BackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FD_BACKEND_FACTORY_IID FILE "prometheus.json")
    Q_INTERFACES(fd::BackendFactory)

public:
    QString kind() const override;
    std::unique_ptr<fd::Backend> create(const fd::ConnectionConfig &config,
                                        fd::BackendSink *sink) override;
};

} // namespace fd::prometheus
