#pragma once

// The simulated backends, one factory each; Sandbox::start() makes one of every kind.

#include "sandbox.h"

namespace fd::sandbox {

std::unique_ptr<BackendServer> makeGitHubServer(Sandbox &sandbox);  // github/
std::unique_ptr<BackendServer> makeJenkinsServer(Sandbox &sandbox); // jenkins/
std::unique_ptr<BackendServer> makeGitLabServer(Sandbox &sandbox);  // gitlab/
std::unique_ptr<BackendServer> makeArgoCdServer(Sandbox &sandbox);  // argocd/
/// Prometheus text metrics per service and version, plus Prometheus query and Alertmanager
/// v2 alert answers for the simulated services.
std::unique_ptr<BackendServer> makeMetricsServer(Sandbox &sandbox); // metrics/

} // namespace fd::sandbox
