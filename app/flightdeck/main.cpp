// flightdeck: the release console. Composition only.
#include "console.h"
#include "logging/logging.h"
#include "shared/theme.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QStandardPaths>

namespace {

// --workspace, then $FLIGHTDECK_WORKSPACE, ./flightdeck.yaml, $XDG_CONFIG_HOME/flightdeck/.
QString findWorkspace(const QString &given)
{
    if (!given.isEmpty())
        return given;
    const QString env = qEnvironmentVariable("FLIGHTDECK_WORKSPACE");
    if (!env.isEmpty() && QFileInfo::exists(env))
        return env;
    if (QFileInfo::exists(QStringLiteral("flightdeck.yaml")))
        return QDir::current().absoluteFilePath(QStringLiteral("flightdeck.yaml"));
    QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (config.isEmpty())
        config = QDir::homePath() + QStringLiteral("/.config");
    const QString file = config + QStringLiteral("/flightdeck/flightdeck.yaml");
    return QFileInfo::exists(file) ? file : QString();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flightdeck"));
    QApplication::setOrganizationName(QStringLiteral("flightdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Flightdeck"));
    QApplication::setApplicationVersion(QStringLiteral(FD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("flightdeck"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Flightdeck release console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("Open this workspace file."),
                                       QStringLiteral("file"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Start the demo estate."));
    const QCommandLineOption lang(QStringLiteral("lang"), QStringLiteral("Language: en or ko (default: system)."),
                                  QStringLiteral("language"));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("light or dark (default: system)."),
                                   QStringLiteral("theme"));
    const QCommandLineOption logLevel(QStringLiteral("log-level"),
                                      QStringLiteral("trace, debug, info, warn, error, critical or off."),
                                      QStringLiteral("level"));
    parser.addOptions({workspace, demo, lang, theme, logLevel});
    parser.process(app);

    fd::LogOptions logOptions;
    logOptions.level = parser.value(logLevel);
    fd::installLogging(logOptions);

    const QString themeName = parser.value(theme);
    fd::applyTheme(themeName == QLatin1String("dark")    ? fd::ThemeMode::Dark
                   : themeName == QLatin1String("light") ? fd::ThemeMode::Light
                                                         : fd::ThemeMode::System);
    fd::installTranslations(parser.value(lang));
    QIcon icon;
    for (int s : {32, 64, 256})
        icon.addFile(QStringLiteral(":/icons/flightdeck-%1.png").arg(s));
    QApplication::setWindowIcon(icon);

    fd::Console console;
    const QString file = parser.isSet(demo) ? QString() : findWorkspace(parser.value(workspace));
    if (file.isEmpty())
        console.startDemo();
    else
        console.openWorkspace(file);
    const int rc = QApplication::exec();
    fd::shutdownLogging();
    return rc;
}
