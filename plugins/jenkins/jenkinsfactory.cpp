#include "jenkinsfactory.h"

#include "jenkinsbackend.h"

namespace fd::jenkins {

QString JenkinsFactory::kind() const
{
    return QStringLiteral("jenkins");
}

std::unique_ptr<fd::Backend> JenkinsFactory::create(const fd::ConnectionConfig &config,
                                                    fd::BackendSink *sink)
{
    if (!sink)
        return nullptr;
    return std::make_unique<JenkinsBackend>(config, sink);
}

} // namespace fd::jenkins
