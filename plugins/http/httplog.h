#pragma once

#include <QLoggingCategory>

namespace fd::http {
/// "fd.net": request lines (method + redacted URL), retries, rate limits. Never a credential.
Q_DECLARE_LOGGING_CATEGORY(lcNet)
} // namespace fd::http
