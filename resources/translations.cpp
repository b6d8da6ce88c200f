#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace fd {

QString installTranslations(const QString &language)
{
    static QTranslator *ours = nullptr;
    static QTranslator *qt = nullptr;
    for (QTranslator **t : {&ours, &qt}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    ours = new QTranslator;
    if (!ours->load(locale, QStringLiteral("flightdeck"), QStringLiteral("_"),
                    QStringLiteral(":/i18n"))) {
        delete ours;
        ours = nullptr;
        QLocale::setDefault(QLocale(QLocale::English));
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(ours);
    // Qt's own strings (dialog buttons, context menus) in the same language, when installed.
    qt = new QTranslator;
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    QLocale::setDefault(locale);
    return locale.name().left(2);
}

} // namespace fd
