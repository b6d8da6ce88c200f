#pragma once

#include "ctlcommands.h"

namespace fd {

/// lock SERVICE ENV --reason TEXT | unlock SERVICE ENV | locks [--service S] [--env E]
int runLock(CtlContext &ctx, const QString &command);

} // namespace fd
