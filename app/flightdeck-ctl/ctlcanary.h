#pragma once

#include "domain/records.h"

namespace fd {

/// One Rollout as `kubectl argo rollouts get rollout` prints it: the header lines (Name,
/// Namespace, Status with its symbol, Message, Strategy, Step, SetWeight, ActualWeight,
/// Images, Replicas) and the revision tree. A value that could not be derived is printed as
/// "unknown" with the reason, never as a number.
QString canaryReport(const Rollout &rollout);

} // namespace fd
