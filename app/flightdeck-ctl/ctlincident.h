#pragma once

#include "ctlcommands.h"

namespace fd {

/// incident list | show ID | export ID [--out FILE] | declare --title T --severity S --service S…
/// [--env E] | phase ID reported|mitigated|recovered|postmortem | note ID TEXT
int runIncident(CtlContext &ctx);
/// dora [--service S] [--env E] [--weeks N] [--json]
int runDora(CtlContext &ctx);

} // namespace fd
