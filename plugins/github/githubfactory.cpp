#include "githubfactory.h"

#include "githubbackend.h"

namespace fd::github {

QString GitHubFactory::kind() const
{
    return QStringLiteral("github");
}

std::unique_ptr<fd::Backend> GitHubFactory::create(const fd::ConnectionConfig &config,
                                                   fd::BackendSink *sink)
{
    if (!sink)
        return nullptr;
    return std::make_unique<GitHubBackend>(config, sink);
}

} // namespace fd::github
