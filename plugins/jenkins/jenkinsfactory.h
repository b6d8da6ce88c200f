#pragma once

#include "backend/backend.h"

#include <QObject>

namespace fd::jenkins {

/// The plugin's root object: one JenkinsBackend per Jenkins connection.
class JenkinsFactory : public QObject, public fd::BackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FD_BACKEND_FACTORY_IID FILE "jenkins.json")
    Q_INTERFACES(fd::BackendFactory)

public:
    QString kind() const override;
    std::unique_ptr<fd::Backend> create(const fd::ConnectionConfig &config,
                                        fd::BackendSink *sink) override;
};

} // namespace fd::jenkins
