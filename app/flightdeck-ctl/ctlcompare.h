#pragma once

#include "ctlcommands.h"

namespace fd {

/// `compare [A B] [--service S] [--json | --markdown]`: what is in environment A that is not
/// in B (default: the last two in promotion order) — versions, commits, config, drift.
int runCompare(CtlContext &ctx);

} // namespace fd
