#include "argocdfactory.h"

#include "argocdbackend.h"

namespace fd::argocd {

std::unique_ptr<Backend> ArgoCdFactory::create(const ConnectionConfig &config, BackendSink *sink)
{
    if (config.kind != kind() || !sink)
        return nullptr;
    return std::make_unique<ArgoCdBackend>(config, sink);
}

} // namespace fd::argocd
