// flightdeck: the release console. Composition only.
#include "console.h"
#include "logging/logging.h"
#include "mainwindow/mainwindow.h"
#include "shared/theme.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

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
    const QCommandLineOption workspace(QStringLiteral("workspace"),
                                       QStringLiteral("Open this workspace file."),
                                       QStringLiteral("file"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Start the demo estate."));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QStringLiteral("Language: en or ko (default: system)."),
                                  QStringLiteral("language"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QStringLiteral("light or dark (default: system)."),
                                   QStringLiteral("theme"));
    const QCommandLineOption logLevel(
        QStringLiteral("log-level"),
        QStringLiteral("trace, debug, info, warn, error, critical or off."),
        QStringLiteral("level"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot-to"),
        QStringLiteral("Save a PNG of the window to this file, then quit."),
        QStringLiteral("file"));
    const QCommandLineOption screenshotAfter(
        QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds to wait before --screenshot-to (default 8)."),
        QStringLiteral("seconds"), QStringLiteral("8"));
    parser.addOptions({workspace, demo, lang, theme, logLevel, screenshot, screenshotAfter});
    parser.process(app);

    fd::LogOptions logOptions;
    logOptions.level = parser.value(logLevel);
    fd::installLogging(logOptions);

    // The command line wins over what was chosen under Settings.
    const QSettings settings;
    const QString themeName = parser.isSet(theme)
                                  ? parser.value(theme)
                                  : settings.value(fd::MainWindow::ThemeKey).toString();
    fd::applyTheme(fd::MainWindow::themeMode(themeName));
    fd::installTranslations(parser.isSet(lang)
                                ? parser.value(lang)
                                : settings.value(fd::MainWindow::LanguageKey).toString());
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
    if (parser.isSet(screenshot)) {
        // For the README and for checking a release by eye: the live window after it settled.
        const QString target = parser.value(screenshot);
        QTimer::singleShot(int(parser.value(screenshotAfter).toDouble() * 1000), &app,
                           [&console, target] {
                               int rc = 1;
                               if (QWidget *w = console.window()) {
                                   if (w->grab().save(target))
                                       rc = 0;
                                   else
                                       qCritical("cannot write %s", qPrintable(target));
                               }
                               QCoreApplication::exit(rc);
                           });
    }
    const int rc = QApplication::exec();
    fd::shutdownLogging();
    return rc;
}
