#pragma once

#include <QString>

namespace fd {

/// Installs Flightdeck's and Qt's own translators for @p language ("en", "ko"; empty = the
/// system locale). Returns the language actually used ("en" when none matched).
QString installTranslations(const QString &language);

} // namespace fd
