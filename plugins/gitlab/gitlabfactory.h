#pragma once

#include "backend/backend.h"

#include <QObject>

namespace fd::gitlab {

/// The plugin's root object: one GitLabBackend per GitLab (gitlab.com or self-managed) connection.
class GitLabFactory : public QObject, public fd::BackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FD_BACKEND_FACTORY_IID FILE "gitlab.json")
    Q_INTERFACES(fd::BackendFactory)

public:
    QString kind() const override;
    std::unique_ptr<fd::Backend> create(const fd::ConnectionConfig &config,
                                        fd::BackendSink *sink) override;
};

} // namespace fd::gitlab
