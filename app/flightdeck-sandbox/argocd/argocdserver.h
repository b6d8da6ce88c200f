#pragma once

// The simulated Argo CD API server (grpc-gateway v1.16 behaviour) with its Rollouts.

#include "core/sandbox.h"

namespace fd::sandbox::argocd {

/// Real Argo CD writes an SSE keep-alive comment every 15 s; tests shorten it. Applies to
/// streams opened after the call.
void setKeepAliveIntervalMs(qint64 ms);
qint64 keepAliveIntervalMs();

/// The `fields` projection of argoproj/pkg's grpc/http marshaler: a comma list of dotted
/// paths kept (or, with a leading `-`, removed); arrays are walked element by element.
void projectFields(QJsonObject &object, const QString &fieldsQuery);

} // namespace fd::sandbox::argocd
