#include "backend.h"

#include <array>
#include <utility>

namespace fd {

namespace {
constexpr std::array capabilityTable{
    std::pair{Capability::Pipelines, "pipelines"},
    std::pair{Capability::Environments, "environments"},
    std::pair{Capability::Deployments, "deployments"},
    std::pair{Capability::Canary, "canary"},
    std::pair{Capability::Approvals, "approvals"},
    std::pair{Capability::Rollback, "rollback"},
    std::pair{Capability::Streaming, "streaming"},
    std::pair{Capability::Alerts, "alerts"},
    std::pair{Capability::Metrics, "metrics"},
};
} // namespace

QString toString(Capability c)
{
    for (const auto &[cap, name] : capabilityTable)
        if (cap == c)
            return QLatin1String(name);
    return QString();
}

QStringList capabilityNames(Capabilities caps)
{
    QStringList names;
    for (const auto &[cap, name] : capabilityTable)
        if (caps & int(cap))
            names << QLatin1String(name);
    return names;
}

Capabilities capabilitiesFromNames(const QStringList &names)
{
    Capabilities caps = 0;
    for (const auto &[cap, name] : capabilityTable)
        if (names.contains(QLatin1String(name)))
            caps |= int(cap);
    return caps;
}

} // namespace fd
