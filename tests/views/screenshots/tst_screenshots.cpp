// Renders every page at two window sizes, light and dark, English and Korean, into
// <build>/screenshots/, and checks that each image shows something (many colours, no
// single colour covering nearly everything). People look at these; the test keeps them honest.
#include "../console/demoestate.h"

#include "canary/canarypage.h"
#include "inbox/inboxpage.h"
#include "itemmodels/changesentence.h"
#include "mainwindow/connectionstatusbar.h"
#include "mainwindow/mainwindow.h"
#include "matrix/matrixpage.h"
#include "palette/commandpalette.h"
#include "pipelines/pipelinespage.h"
#include "shared/confirmactiondialog.h"
#include "shared/theme.h"
#include "translations.h"

#include <QApplication>
#include <QDir>
#include <QHash>
#include <QImage>
#include <QLineEdit>
#include <QTest>

#include <tuple>

using namespace fd;

namespace {

struct ImageStats
{
    int distinctColours = 0;
    double dominantShare = 0;
};

ImageStats stats(const QImage &image)
{
    QHash<QRgb, int> counts;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 2) {
        const auto *line = reinterpret_cast<const QRgb *>(img.constScanLine(y));
        for (int x = 0; x < img.width(); x += 2)
            ++counts[line[x]];
    }
    int total = 0;
    int top = 0;
    for (int c : std::as_const(counts)) {
        total += c;
        top = std::max(top, c);
    }
    return {int(counts.size()), total ? double(top) / total : 1.0};
}

PreparedAction sampleAction()
{
    PreparedAction p;
    p.action.verb = ReleaseAction::Verb::Promote;
    p.action.connectionId = QStringLiteral("argocd");
    p.action.service = QStringLiteral("checkout");
    p.action.environment = QStringLiteral("prod");
    p.plan.summary =
        QStringLiteral("Resume rollout checkout in prod (step 4 of 7, canary 25% → 50%)");
    p.plan.requests = {
        PlannedRequest{"POST",
                       QStringLiteral("/api/v1/applications/checkout-prod/resource/actions?"
                                      "namespace=checkout&resourceName=checkout&kind=Rollout"),
                       R"("resume")", "application/json", QStringLiteral("resume the rollout")}};
    p.plan.preconditions = {Precondition{QStringLiteral("rollout at step 3"),
                                         QStringLiteral("/api/v1/applications/checkout-prod"),
                                         QStringLiteral("currentStepIndex"), QStringLiteral("3")}};
    p.protectedEnvironment = true;
    p.frozen = true;
    p.freezeReason = QStringLiteral("quarter-end freeze");
    using O = GuardResult::Outcome;
    p.guards = {GuardResult{QStringLiteral("read-only"), O::Pass, {}},
                GuardResult{QStringLiteral("feasible"), O::Pass, {}},
                GuardResult{QStringLiteral("protected-environment"), O::NeedsTypedName,
                            QStringLiteral("prod is protected: type its name to confirm")},
                GuardResult{QStringLiteral("freeze-window"), O::NeedsReason,
                            QStringLiteral(
                                "prod is frozen (quarter-end freeze): give a reason to override")},
                GuardResult{QStringLiteral("in-flight"), O::Pass, {}}};
    return p;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_dir = QStringLiteral(FD_BINARY_DIR "/screenshots");
        QVERIFY(QDir().mkpath(m_dir));
    }

    // The truth case: a canary whose step asks for 50 % while its pods never became ready,
    // so traffic sits at 0 % and Argo Rollouts calls it Degraded. Light and dark.
    void stalledCanary_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << QStringLiteral("light");
        QTest::newRow("dark") << QStringLiteral("dark");
    }
    void stalledCanary()
    {
        QFETCH(QString, theme);
        QCOMPARE(installTranslations(QStringLiteral("en")), QStringLiteral("en"));
        applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);
        Estate estate;
        MainWindow window(&estate);
        window.matrixPage()->model()->setEnvironments(test::DemoEstate::environments());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // The estate as it was 15 minutes ago (the canary at 25 %), then the step to 50 % whose
        // pods never became ready.
        test::DemoEstate::publish(estate, now.addSecs(-900));
        const QList<RolloutAction> acts{RolloutAction{QStringLiteral("abort"), false}};
        for (const auto &[step, weight, ago] : {std::tuple{4, 0, 600}, std::tuple{4, 0, 0}}) {
            Rollout r = test::DemoEstate::canary(now.addSecs(-ago), step, weight, false, acts);
            if (step == 4) {
                r.phase = RolloutPhase::Degraded;
                r.statusReason = QStringLiteral("ProgressDeadlineExceeded");
                r.message = QStringLiteral("ProgressDeadlineExceeded: ReplicaSet "
                                           "\"checkout-7c9f6d5b8\" has timed out progressing.");
                r.replicas = {4, 6, 2, 4, 4};
            }
            RecordSet rs;
            rs.rollouts = {r};
            estate.publish(QStringLiteral("argocd"), rs, 0);
        }
        window.setDemo(true);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (const auto &[name, page] :
             {std::pair{QStringLiteral("matrix"), MainWindow::Page::Matrix},
              std::pair{QStringLiteral("canary"), MainWindow::Page::Canary}}) {
            window.showPage(page);
            QTest::qWait(50);
            const QImage image = window.grab().toImage();
            const QString file =
                QStringLiteral("%1/stalled-canary-%2-%3.png").arg(m_dir, name, theme);
            QVERIFY2(image.save(file), qPrintable(file));
            QVERIFY(stats(image).distinctColours > 50);
        }
    }

    void render_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("theme");
        QTest::addColumn<QSize>("size");
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
            for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark")})
                for (const QSize &size : {QSize(1280, 800), QSize(1920, 1080)})
                    QTest::addRow("%s-%s-%dx%d", qPrintable(lang), qPrintable(theme), size.width(),
                                  size.height())
                        << lang << theme << size;
    }

    void render()
    {
        QFETCH(QString, lang);
        QFETCH(QString, theme);
        QFETCH(QSize, size);
        QCOMPARE(installTranslations(lang), lang);
        applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);

        Estate estate;
        MainWindow window(&estate);
        window.matrixPage()->model()->setEnvironments(test::DemoEstate::environments());
        window.matrixPage()->model()->setFreezeCheck([](const QString &env, QString *why) {
            *why = QStringLiteral("quarter-end freeze");
            return env == QLatin1String("prod");
        });
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // The canary moved through three weights before the full estate arrived.
        const QList<RolloutAction> acts{RolloutAction{QStringLiteral("resume"), true}};
        for (const auto &[step, weight, ago] : {std::tuple{0, 10, 1500}, std::tuple{2, 25, 900}}) {
            RecordSet rs;
            rs.rollouts = {
                test::DemoEstate::canary(now.addSecs(-ago), step, weight, step == 0, acts)};
            estate.publish(QStringLiteral("argocd"), rs, 0);
        }
        test::DemoEstate::publish(estate, now);
        window.setDemo(true);
        // One connection without certificate checks: its chip wears the red mark.
        window.connectionStatus()->setUnverifiedTls({QStringLiteral("gitlab")});
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.matrixPage()->selectCell(QStringLiteral("checkout"), QStringLiteral("prod"));
        window.pipelinesPage()->selectRun(QStringLiteral("github/8990"));
        window.inboxPage()->selectGate(QStringLiteral("jenkins/payments/deploy-prod#88/input"));

        const QList<QPair<QString, MainWindow::Page>> pages{
            {QStringLiteral("matrix"), MainWindow::Page::Matrix},
            {QStringLiteral("pipelines"), MainWindow::Page::Pipelines},
            {QStringLiteral("canary"), MainWindow::Page::Canary},
            {QStringLiteral("inbox"), MainWindow::Page::Inbox}};
        for (const auto &[name, page] : pages) {
            window.showPage(page);
            QCoreApplication::processEvents();
            const QImage image = window.grab().toImage();
            QCOMPARE(image.size(), size);
            const QString file = QStringLiteral("%1/%2-%3-%4-%5x%6.png")
                                     .arg(m_dir, name, lang, theme)
                                     .arg(size.width())
                                     .arg(size.height());
            QVERIFY2(image.save(file), qPrintable(file));
            const ImageStats s = stats(image);
            QVERIFY2(s.distinctColours > 200,
                     qPrintable(QStringLiteral("%1: %2 colours").arg(file).arg(s.distinctColours)));
            QVERIFY2(
                s.dominantShare < 0.9,
                qPrintable(
                    QStringLiteral("%1: one colour covers %2").arg(file).arg(s.dominantShare)));
        }

        if (size == QSize(1280, 800)) {
            // The command palette over the matrix, with a query typed.
            window.showPage(MainWindow::Page::Matrix);
            window.openCommandPalette();
            QTest::keyClicks(window.commandPalette()->queryEdit(), QStringLiteral("checkout"));
            QVERIFY(window.commandPalette()->model()->rowCount() > 3);
            QCoreApplication::processEvents();
            const QImage palette = window.commandPalette()->grab().toImage();
            const QString paletteFile =
                QStringLiteral("%1/palette-%2-%3.png").arg(m_dir, lang, theme);
            QVERIFY(palette.save(paletteFile));
            QVERIFY2(stats(palette).distinctColours > 50, qPrintable(paletteFile));
            window.commandPalette()->hide();

            const PreparedAction action = sampleAction();
            ConfirmActionDialog dialog(action, ChangeSentence::of(action.action, estate), &window);
            dialog.resize(760, 560);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            const QImage image = dialog.grab().toImage();
            const QString file = QStringLiteral("%1/confirm-%2-%3.png").arg(m_dir, lang, theme);
            QVERIFY(image.save(file));
            QVERIFY(stats(image).distinctColours > 50);
        }
    }

private:
    QString m_dir;
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
