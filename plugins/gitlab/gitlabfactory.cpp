#include "gitlabfactory.h"

#include "gitlabbackend.h"

namespace fd::gitlab {

QString GitLabFactory::kind() const
{
    return QStringLiteral("gitlab");
}

std::unique_ptr<fd::Backend> GitLabFactory::create(const fd::ConnectionConfig &config,
                                                   fd::BackendSink *sink)
{
    if (!sink)
        return nullptr;
    return std::make_unique<GitLabBackend>(config, sink);
}

} // namespace fd::gitlab
