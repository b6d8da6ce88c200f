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
/// Chat incoming webhooks (Slack, Mattermost, Teams, plain JSON) that record what is posted.
std::unique_ptr<BackendServer> makeChatServer(Sandbox &sandbox); // chat/

} // namespace fd::sandbox
