#include "httplog.h"

namespace fd::http {
Q_LOGGING_CATEGORY(lcNet, "fd.net", QtInfoMsg)
} // namespace fd::http
