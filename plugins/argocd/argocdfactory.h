#pragma once

#include "backend/backend.h"

#include <QObject>

namespace fd::argocd {

/// The plugin's root object: one ArgoCdBackend per Argo CD connection.
class ArgoCdFactory : public QObject, public fd::BackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FD_BACKEND_FACTORY_IID FILE "argocd.json")
    Q_INTERFACES(fd::BackendFactory)

public:
    QString kind() const override { return QStringLiteral("argocd"); }
    std::unique_ptr<Backend> create(const ConnectionConfig &config, BackendSink *sink) override;
};

} // namespace fd::argocd
