// Widget tests of the console pages on the offscreen platform, driven through Estate::publish.
#include "demoestate.h"

#include "canary/canarypage.h"
#include "inbox/inboxpage.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/notificationfeed.h"
#include "itemmodels/palettemodel.h"
#include "itemmodels/deploymenthistorymodel.h"
#include "itemmodels/recordfilterproxymodel.h"
#include "itemmodels/rolloutsmodel.h"
#include "itemmodels/runsmodel.h"
#include "mainwindow/aboutpluginsdialog.h"
#include "mainwindow/connectionstatusbar.h"
#include "mainwindow/mainwindow.h"
#include "matrix/matrixpage.h"
#include "mainwindow/notificationtray.h"
#include "ops/actionrunner.h"
#include "palette/commandpalette.h"
#include "pipelines/pipelinespage.h"
#include "shared/confirmactiondialog.h"
#include "translations.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace fd;
using fd::test::DemoEstate;

Q_DECLARE_METATYPE(fd::ReleaseAction)

namespace {

ReleaseAction lastAction(const QSignalSpy &spy)
{
    return spy.last().at(0).value<ReleaseAction>();
}

PreparedAction prepared(bool isProtected, bool frozen, bool blocked)
{
    PreparedAction p;
    p.action.verb = ReleaseAction::Verb::Promote;
    p.action.connectionId = QStringLiteral("argocd");
    p.action.service = QStringLiteral("checkout");
    p.action.environment = QStringLiteral("prod");
    p.plan.action = p.action;
    p.plan.summary = QStringLiteral("Resume rollout checkout (step 4 of 7)");
    p.plan.requests = {PlannedRequest{
        "POST", QStringLiteral("/api/v1/applications/checkout-prod/resource/actions"),
        R"("resume")", "application/json", QStringLiteral("resume the rollout")}};
    p.plan.preconditions = {Precondition{QStringLiteral("rollout at step 3"),
                                         QStringLiteral("/api/v1/applications/checkout-prod"),
                                         QStringLiteral("currentStepIndex"), QStringLiteral("3")}};
    p.protectedEnvironment = isProtected;
    p.frozen = frozen;
    p.freezeReason = QStringLiteral("quarter end");
    using O = GuardResult::Outcome;
    p.guards << GuardResult{QStringLiteral("read-only"), O::Pass, {}};
    p.guards << GuardResult{QStringLiteral("feasible"), blocked ? O::Block : O::Pass,
                            blocked ? QStringLiteral("rollout is not paused") : QString()};
    p.guards << GuardResult{QStringLiteral("protected-environment"),
                            isProtected ? O::NeedsTypedName : O::Pass,
                            isProtected ? QStringLiteral("prod is protected") : QString()};
    p.guards << GuardResult{QStringLiteral("freeze-window"), frozen ? O::NeedsReason : O::Pass,
                            frozen ? QStringLiteral("prod is frozen") : QString()};
    return p;
}

} // namespace

class TestConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<fd::ReleaseAction>(); }

    void matrixShowsCellsAndHistory()
    {
        Estate estate;
        MatrixPage page(&estate);
        QAbstractItemModelTester tester(page.matrixView()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.model()->setEnvironments(DemoEstate::environments());
        DemoEstate::publish(estate, QDateTime::currentDateTimeUtc());
        page.resize(1200, 800);
        page.show();
        auto *m = page.model();
        QCOMPARE(m->rowCount(), 5);
        QCOMPARE(m->environments(), DemoEstate::environments());
        const QModelIndex checkoutProd =
            m->indexOf(QStringLiteral("checkout"), QStringLiteral("prod"));
        QCOMPARE(checkoutProd.data().toString(), QStringLiteral("v2.3.1"));
        QCOMPARE(checkoutProd.data(Roles::CanaryWeightRole).toInt(), 25);
        const QModelIndex searchProd = m->indexOf(QStringLiteral("search"), QStringLiteral("prod"));
        QVERIFY(searchProd.data(Roles::StaleRole).toBool());
        QVERIFY(searchProd.data(Roles::AgeSecondsRole).toLongLong() >= 7199);
        QCOMPARE(searchProd.data(Roles::GateCountRole).toInt(), 1);
        QCOMPARE(m->indexOf(QStringLiteral("payments"), QStringLiteral("prod"))
                     .data(Roles::SyncRole)
                     .toInt(),
                 int(SyncState::OutOfSync));

        page.searchEdit()->setText(QStringLiteral("pay"));
        QCOMPARE(page.matrixView()->model()->rowCount(), 1);
        page.searchEdit()->clear();

        page.selectCell(QStringLiteral("checkout"), QStringLiteral("prod"));
        QCOMPARE(page.historyModel()->service(), QStringLiteral("checkout"));
        QCOMPARE(page.historyView()->model()->rowCount(), 4);
        // Newest first, with a link to the backend's own page.
        const QModelIndex newest =
            page.historyView()->model()->index(0, DeploymentHistoryModel::Version);
        QCOMPARE(newest.data().toString(), QStringLiteral("v2.3.1"));
        QVERIFY(
            newest.data(Roles::UrlRole).toUrl().toString().contains(QLatin1String("history=43")));

        const auto actions =
            page.cellActions(QStringLiteral("checkout"), QStringLiteral("staging"));
        QCOMPARE(actions.size(), 3);
        QCOMPARE(int(actions.at(0).verb), int(ReleaseAction::Verb::Promote));
        QCOMPARE(actions.at(0).environment, QStringLiteral("prod"));
        QCOMPARE(actions.at(0).version, QStringLiteral("v2.4.0"));
        QCOMPARE(int(actions.at(1).verb), int(ReleaseAction::Verb::Rollback));
        QCOMPARE(int(actions.at(2).verb), int(ReleaseAction::Verb::Pause));
        // The last environment has nowhere to promote to.
        QCOMPARE(page.cellActions(QStringLiteral("checkout"), QStringLiteral("prod")).size(), 2);
    }

    void runsKeepSelectionAndScrollAcrossUpdates()
    {
        Estate estate;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        DemoEstate::publish(estate, now);
        // Enough runs to scroll.
        RecordSet more;
        for (int i = 0; i < 80; ++i) {
            Run r;
            r.connectionId = QStringLiteral("github");
            r.id = QStringLiteral("x%1").arg(i);
            r.service = QStringLiteral("checkout");
            r.pipeline = QStringLiteral("nightly");
            r.number = QString::number(i);
            r.status = RunStatus::Succeeded;
            r.started = now.addSecs(-100000 - i * 60);
            r.finished = r.started.addSecs(30);
            more.runs << r;
        }
        estate.publish(QStringLiteral("github"), more, 0);
        PipelinesPage page(&estate);
        QAbstractItemModelTester tester(page.runsView()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.resize(1280, 500);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.selectRun(QStringLiteral("github/x40"));
        QCOMPARE(page.selectedRunKey(), QStringLiteral("github/x40"));
        QScrollBar *bar = page.runsView()->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        const int scroll = bar->value();
        QVERIFY(scroll > 0);

        QSignalSpy resets(page.runsView()->model(), &QAbstractItemModel::modelReset);
        // Another run changes, and the selected one too.
        Run running = estate.runs().value(QStringLiteral("github/9001"));
        running.status = RunStatus::Succeeded;
        running.finished = now;
        Run selected = estate.runs().value(QStringLiteral("github/x40"));
        selected.actor = QStringLiteral("someone-else");
        RecordSet update;
        update.runs = {running, selected};
        estate.publish(QStringLiteral("github"), update, 0);
        QCOMPARE(page.selectedRunKey(), QStringLiteral("github/x40"));
        QCOMPARE(page.runsView()->currentIndex().data(Roles::KeyRole).toString(),
                 QStringLiteral("github/x40"));
        QCOMPARE(bar->value(), scroll);
        QCOMPARE(resets.size(), 0);
        QVERIFY(page.rerunButton()->isEnabled());
        QVERIFY(!page.cancelButton()->isEnabled());
        // No backend behind this estate: the log pane says so instead of hanging.
        QVERIFY(page.logView()->toPlainText().contains(QLatin1String("not connected")));

        // Filters narrow the table; the combo choices come from the data.
        QComboBox *backend = page.backendFilter();
        QVERIFY(backend->findData(QStringLiteral("jenkins")) > 0);
        backend->setCurrentIndex(backend->findData(QStringLiteral("jenkins")));
        QCOMPARE(page.runsView()->model()->rowCount(), 2);
        backend->setCurrentIndex(0);
        page.statusFilter()->setCurrentIndex(
            page.statusFilter()->findData(QString::number(int(RunStatus::Failed))));
        QCOMPARE(page.runsView()->model()->rowCount(), 1);

        // The selected run was filtered away; the one failed run is what the buttons act on.
        QCOMPARE(page.selectedRunKey(), QStringLiteral("github/8990"));
        QSignalSpy requested(&page, &ConsolePage::actionRequested);
        page.rerunButton()->click();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(int(lastAction(requested).verb), int(ReleaseAction::Verb::Rerun));
        QCOMPARE(lastAction(requested).target, QStringLiteral("8990"));
        QCOMPARE(lastAction(requested).connectionId, QStringLiteral("github"));
        page.setMutationsEnabled(false);
        QVERIFY(!page.rerunButton()->isEnabled());
    }

    void inboxApprovesWithComment()
    {
        Estate estate;
        DemoEstate::publish(estate, QDateTime::currentDateTimeUtc());
        InboxPage page(&estate);
        QAbstractItemModelTester tester(page.gatesView()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.show();
        QCOMPARE(page.gatesView()->model()->rowCount(), 3);
        QVERIFY(!page.approveButton()->isEnabled());
        page.selectGate(QStringLiteral("jenkins/payments/deploy-prod#88/input"));
        QVERIFY(page.approveButton()->isEnabled());
        page.commentEdit()->setText(QStringLiteral("checked the dashboards"));
        QSignalSpy requested(&page, &ConsolePage::actionRequested);
        page.approveButton()->click();
        QCOMPARE(requested.size(), 1);
        const ReleaseAction a = lastAction(requested);
        QCOMPARE(int(a.verb), int(ReleaseAction::Verb::Approve));
        QCOMPARE(a.target, QStringLiteral("payments/deploy-prod#88/input"));
        QCOMPARE(a.connectionId, QStringLiteral("jenkins"));
        QCOMPARE(a.comment, QStringLiteral("checked the dashboards"));
        QCOMPARE(a.environment, QStringLiteral("prod"));
        page.rejectButton()->click();
        QCOMPARE(int(lastAction(requested).verb), int(ReleaseAction::Verb::Reject));

        // The gate goes away once approved: the selection clears and the buttons disable.
        RecordSet jk;
        estate.publish(QStringLiteral("jenkins"), jk, int(RecordKind::Gates));
        QCOMPARE(page.gatesView()->model()->rowCount(), 2);
        QVERIFY(page.selectedKey().isEmpty());
        QVERIFY(!page.approveButton()->isEnabled());
    }

    void cockpitButtonsFollowBackendActions_data()
    {
        QTest::addColumn<QList<RolloutAction>>("actions");
        QTest::addColumn<QStringList>("enabled");
        const auto A = [](const char *n, bool disabled) {
            return RolloutAction{QLatin1String(n), disabled};
        };
        QTest::newRow("paused at a step")
            << QList<RolloutAction>{A("resume", false), A("promote-full", false), A("pause", true),
                                    A("abort", false), A("retry", true)}
            << QStringList{QStringLiteral("resume"), QStringLiteral("promote-full"),
                           QStringLiteral("abort")};
        QTest::newRow("progressing")
            << QList<RolloutAction>{A("resume", true), A("promote-full", false), A("pause", false),
                                    A("abort", false), A("retry", true)}
            << QStringList{QStringLiteral("promote-full"), QStringLiteral("pause"),
                           QStringLiteral("abort")};
        QTest::newRow("aborted") << QList<RolloutAction>{A("resume", true), A("abort", true),
                                                         A("retry", false)}
                                 << QStringList{QStringLiteral("retry")};
        // An action the backend does not list is not offered, whatever the phase suggests.
        QTest::newRow("nothing listed") << QList<RolloutAction>{} << QStringList{};
    }

    void cockpitButtonsFollowBackendActions()
    {
        QFETCH(QList<RolloutAction>, actions);
        QFETCH(QStringList, enabled);
        Estate estate;
        CanaryPage page(&estate);
        QAbstractItemModelTester tester(page.rolloutsView()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        RecordSet rs;
        rs.rollouts = {DemoEstate::canary(now, 1, 10, true, actions)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        QCOMPARE(page.selectedKey(), rs.rollouts.first().key());
        for (const QString &name :
             {QStringLiteral("resume"), QStringLiteral("promote-full"), QStringLiteral("pause"),
              QStringLiteral("abort"), QStringLiteral("retry")})
            QCOMPARE(page.button(name)->isEnabled(), enabled.contains(name));
        QSignalSpy requested(&page, &ConsolePage::actionRequested);
        for (const auto &name : enabled)
            page.button(name)->click();
        QCOMPARE(requested.size(), enabled.size());
        page.setMutationsEnabled(false);
        for (const auto &name : enabled)
            QVERIFY(!page.button(name)->isEnabled());
    }

    void cockpitRecordsTrafficSplitAndSteps()
    {
        Estate estate;
        CanaryPage page(&estate);
        const QDateTime t = QDateTime::currentDateTimeUtc().addSecs(-600);
        const QList<RolloutAction> acts{RolloutAction{QStringLiteral("resume"), false}};
        RecordSet rs;
        rs.rollouts = {DemoEstate::canary(t, 1, 10, true, acts)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        rs.rollouts = {DemoEstate::canary(t.addSecs(120), 3, 25, false, acts)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        rs.rollouts = {DemoEstate::canary(t.addSecs(240), 5, 50, true, acts)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        const auto points = page.history(rs.rollouts.first().key());
        QCOMPARE(points.size(), 3);
        QCOMPARE(points.at(0).y(), 10.0);
        QCOMPARE(points.at(2).y(), 50.0);
        QVERIFY(points.at(1).x() > points.at(0).x());
        QVERIFY(page.stepsModel()->index(5).data(Roles::CurrentStepRole).toBool());
        QVERIFY(page.stepsModel()->index(4).data(Roles::StepDoneRole).toBool());
    }

    void confirmDialogGuards()
    {
        {
            ConfirmActionDialog dialog(prepared(true, false, false));
            QVERIFY(!dialog.confirmButton()->isEnabled());
            QVERIFY(dialog.typedNameEdit());
            dialog.typedNameEdit()->setText(QStringLiteral("staging"));
            QVERIFY(!dialog.confirmButton()->isEnabled());
            dialog.confirmButton()->click(); // disabled: nothing happens
            QCOMPARE(dialog.result(), 0);
            dialog.typedNameEdit()->setText(QStringLiteral("prod"));
            QVERIFY(dialog.confirmButton()->isEnabled());
            QCOMPARE(dialog.confirmation().typedEnvironment, QStringLiteral("prod"));
            const QString plan =
                dialog.findChild<QPlainTextEdit *>(QStringLiteral("planText"))->toPlainText();
            QVERIFY(plan.contains(
                QLatin1String("POST /api/v1/applications/checkout-prod/resource/actions")));
            QVERIFY(plan.contains(QLatin1String("\"resume\"")));
            QVERIFY(plan.contains(QLatin1String("currentStepIndex")));
        }
        {
            ConfirmActionDialog dialog(prepared(false, true, false));
            QVERIFY(!dialog.typedNameEdit());
            QVERIFY(!dialog.confirmButton()->isEnabled());
            dialog.reasonEdit()->setPlainText(QStringLiteral("   "));
            QVERIFY(!dialog.confirmButton()->isEnabled());
            dialog.reasonEdit()->setPlainText(QStringLiteral("hotfix for INC-42"));
            QVERIFY(dialog.confirmButton()->isEnabled());
        }
        {
            // A blocking guard never lets the action through, whatever is typed.
            ConfirmActionDialog dialog(prepared(true, false, true));
            dialog.typedNameEdit()->setText(QStringLiteral("prod"));
            QVERIFY(!dialog.confirmButton()->isEnabled());
            QVERIFY(dialog.refusals().join(QLatin1Char(' ')).contains(QLatin1String("not paused")));
        }
    }

    void statusBarChips()
    {
        Estate estate;
        ConnectionStatusBar bar(&estate);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        DemoEstate::publish(estate, now);
        QCOMPARE(bar.chipText(QStringLiteral("argocd")), QStringLiteral("argocd: ok"));
        QCOMPARE(bar.chipText(QStringLiteral("gitlab")), QStringLiteral("gitlab: unreachable"));
        QCOMPARE(bar.chipText(QStringLiteral("jenkins")),
                 QStringLiteral("jenkins: rate limited until %1")
                     .arg(now.addSecs(900).toLocalTime().toString(QStringLiteral("HH:mm"))));
        QVERIFY(bar.ageText().contains(QLatin1String("2 h ago")));
        // A connection that does not check certificates says so on its chip, whatever its health.
        bar.setUnverifiedTls({QStringLiteral("argocd")});
        QCOMPARE(bar.chipText(QStringLiteral("argocd")),
                 QStringLiteral("argocd: ok — TLS not verified"));
        QCOMPARE(bar.chipText(QStringLiteral("gitlab")), QStringLiteral("gitlab: unreachable"));
        const auto *chip = bar.findChild<QLabel *>(QStringLiteral("chip_argocd"));
        QVERIFY(chip);
        QVERIFY(chip->text().contains(QLatin1String("TLS not verified")));
        QVERIFY(chip->toolTip().startsWith(QLatin1String("tls.insecure is set")));
    }

    void koreanTranslationIsComplete()
    {
        QFile ts(QStringLiteral(FD_SOURCE_DIR "/resources/translations/flightdeck_ko.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(ts.readAll());
        QVERIFY(text.count(QLatin1String("<source>")) > 150);
        QVERIFY2(!text.contains(QLatin1String("type=\"unfinished\"")),
                 "untranslated strings in flightdeck_ko.ts");
        QVERIFY(!text.contains(QLatin1String("<translation></translation>")));
        QCOMPARE(installTranslations(QStringLiteral("ko")), QStringLiteral("ko"));
        QCOMPARE(QCoreApplication::translate("fd::MainWindow", "Pipelines"),
                 QStringLiteral("파이프라인"));
        QCOMPARE(QCoreApplication::translate("fd::Wording", "%1 min ago").arg(5),
                 QStringLiteral("5분 전"));
        QCOMPARE(installTranslations(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("fd::MainWindow", "Pipelines"),
                 QStringLiteral("Pipelines"));
    }

    void windowShellAndReadOnly()
    {
        Estate estate;
        DemoEstate::publish(estate, QDateTime::currentDateTimeUtc());
        MainWindow window(&estate);
        window.setDemo(true);
        window.show();
        QVERIFY(window.demoBanner()->isVisible());
        window.showPage(MainWindow::Page::Canary);
        QCOMPARE(int(window.currentPage()), int(MainWindow::Page::Canary));
        window.setReadOnly(true);
        QVERIFY(!window.inboxPage()->approveButton()->isEnabled());
        QVERIFY(!window.canaryPage()->button(QStringLiteral("abort"))->isEnabled());
        // Without an action path a request is refused in words, never sent.
        window.requestAction(ReleaseAction{});
        QVERIFY(!window.findChild<ConfirmActionDialog *>());

        PluginRecord good{QStringLiteral("/p/github.so"),
                          QStringLiteral("github"),
                          QStringLiteral("GitHub"),
                          QStringLiteral("1.0"),
                          QStringLiteral("github"),
                          1,
                          {QStringLiteral("pipelines")},
                          true,
                          {}};
        PluginRecord bad{QStringLiteral("/p/old.so"),
                         QStringLiteral("old"),
                         QStringLiteral("Old"),
                         QStringLiteral("0.1"),
                         QStringLiteral("old"),
                         0,
                         {},
                         false,
                         QStringLiteral("unknown apiVersion 0")};
        AboutPluginsDialog about({good, bad});
        QCOMPARE(about.table()->rowCount(), 2);
        QVERIFY(about.table()->item(1, 5)->text().contains(QLatin1String("unknown apiVersion 0")));
    }
    void commandPaletteJumpsAndActs()
    {
        Estate estate;
        DemoEstate::publish(estate, QDateTime::currentDateTimeUtc());
        MainWindow window(&estate);
        window.matrixPage()->model()->setEnvironments(DemoEstate::environments());
        // A runner without backends: every plan is "not possible", but the path is the real one.
        ActionRunner runner(nullptr, &estate, nullptr, [](const QString &) { return nullptr; });
        window.setActionRunner(&runner);
        window.resize(1280, 800);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));

        // Ctrl+K opens it with everything listed.
        QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
        CommandPalette *palette = window.commandPalette();
        QTRY_VERIFY(palette->isVisible());
        QVERIFY(palette->model()->rowCount() > 20);
        QCOMPARE(palette->queryEdit()->text(), QString());

        // Jump to a run by typing a little of it.
        QTest::keyClicks(palette->queryEdit(), QStringLiteral("new-cart"));
        QVERIFY(palette->model()->rowCount() >= 1);
        QCOMPARE(palette->model()->entryAt(0)->kind, PaletteEntry::Kind::Run);
        QTest::keyClick(palette->queryEdit(), Qt::Key_Return);
        QVERIFY(!palette->isVisible());
        QCOMPARE(window.currentPage(), MainWindow::Page::Pipelines);
        QCOMPARE(window.pipelinesPage()->selectedRunKey(), QStringLiteral("github/8990"));

        // A service × environment cell.
        window.openCommandPalette();
        QTest::keyClicks(palette->queryEdit(), QStringLiteral("payments in staging"));
        QCOMPARE(palette->model()->entryAt(0)->kind, PaletteEntry::Kind::Cell);
        QTest::keyClick(palette->queryEdit(), Qt::Key_Return);
        QCOMPARE(window.currentPage(), MainWindow::Page::Matrix);
        QCOMPARE(window.matrixPage()->historyModel()->service(), QStringLiteral("payments"));

        // An action goes through requestAction to the confirmation dialog, never straight out.
        window.openCommandPalette();
        QTest::keyClicks(palette->queryEdit(), QStringLiteral("approve payments prod"));
        QVERIFY(palette->model()->rowCount() >= 1);
        const PaletteEntry *first = palette->model()->entryAt(0);
        QCOMPARE(first->kind, PaletteEntry::Kind::Action);
        QCOMPARE(int(first->action->verb), int(ReleaseAction::Verb::Approve));
        QTest::keyClick(palette->queryEdit(), Qt::Key_Return);
        ConfirmActionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<ConfirmActionDialog *>()));
        QCOMPARE(int(dialog->prepared().action.verb), int(ReleaseAction::Verb::Approve));
        QCOMPARE(dialog->prepared().action.service, QStringLiteral("payments"));
        QCOMPARE(window.currentPage(), MainWindow::Page::Inbox);
        QVERIFY(!dialog->confirmButton()->isEnabled()); // no backend: the plan is not possible
        dialog->reject();

        // Down moves the choice; Escape closes without doing anything.
        window.openCommandPalette();
        QTest::keyClicks(palette->queryEdit(), QStringLiteral("checkout"));
        QTest::keyClick(palette->queryEdit(), Qt::Key_Down);
        QCOMPARE(palette->listView()->currentIndex().row(), 1);
        QTest::keyClick(palette->queryEdit(), Qt::Key_Escape);
        QVERIFY(!palette->isVisible());

        // Read-only: nothing to do is offered, only places to go.
        window.setReadOnly(true);
        for (const auto &e : window.paletteEntries())
            QVERIFY(e.kind != PaletteEntry::Kind::Action);
        // Canary actions follow the backend's own flags: the demo canary may only be resumed
        // when its resume action is enabled.
        window.setReadOnly(false);
        int canaryActions = 0;
        for (const auto &e : window.paletteEntries())
            if (e.kind == PaletteEntry::Kind::Action &&
                e.action->options.contains(QStringLiteral("rolloutAction"))) {
                ++canaryActions;
                const Rollout r = estate.rollouts().value(e.key);
                QVERIFY(r.actionEnabled(
                    e.action->options.value(QStringLiteral("rolloutAction")).toString()));
            }
        QVERIFY(canaryActions > 0);
    }

    void sessionPagesReachableFromPaletteMenuAndShortcut()
    {
        Estate estate;
        MainWindow window(&estate);
        auto *compare = new QWidget;
        auto *timeline = new QWidget;
        window.addSessionPage(compare, QStringLiteral("compare"), QStringLiteral("Compare"));
        window.addSessionPage(timeline, QStringLiteral("timeline"), QStringLiteral("Timeline"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // The palette offers every page, the later ones with their own shortcut.
        QStringList goTo;
        for (const auto &e : window.paletteEntries())
            if (e.kind == PaletteEntry::Kind::Page)
                goTo << e.text + QLatin1Char('|') + e.detail;
        QCOMPARE(goTo.size(), 6);
        QVERIFY2(goTo.contains(QStringLiteral("Go to Timeline|Ctrl+6")),
                 qPrintable(goTo.join(u',')));
        for (const auto &e : window.paletteEntries())
            if (e.kind == PaletteEntry::Kind::Page && e.text.endsWith(QLatin1String("Timeline")))
                window.runPaletteEntry(e);
        QVERIFY(timeline->isVisible());

        // The View menu lists them too, and Ctrl+5 goes to the fifth.
        QStringList menu;
        for (QAction *top : window.menuBar()->actions())
            if (top->menu() && top->text().contains(QLatin1String("View")))
                for (QAction *a : top->menu()->actions())
                    menu << a->text();
        QVERIFY2(menu.contains(QStringLiteral("Compare")) &&
                     menu.contains(QStringLiteral("Timeline")),
                 qPrintable(menu.join(u',')));
        QTest::keySequence(&window, QKeySequence(QStringLiteral("Ctrl+5")));
        QTRY_VERIFY(compare->isVisible());
    }

    void notificationsSwitchableFromSettings()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("flightdeck-tests"));
        QSettings().remove(QStringLiteral("notifications"));
        Estate estate;
        MainWindow window(&estate);
        NotificationTray *tray = window.notificationTray();
        tray->feed()->setDebounceMs(10);
        estate.publish(QStringLiteral("github"), {}, 0);
        estate.initialSyncDone(QStringLiteral("github"));
        auto newGate = [&](const QString &id) {
            Gate g;
            g.connectionId = QStringLiteral("github");
            g.id = id;
            g.kind = GateKind::GitHubPendingDeployment;
            g.service = QStringLiteral("payments");
            g.environment = QStringLiteral("prod");
            g.title = QStringLiteral("Deploy payments to prod");
            RecordSet rs;
            rs.gates << g;
            estate.publish(QStringLiteral("github"), rs, 0);
        };
        newGate(QStringLiteral("g1"));
        QTRY_COMPARE(tray->shown().size(), 1);
        QCOMPARE(tray->shown().last().category, Notice::Category::Approval);

        // Settings › Notify about › New approval waiting, switched off, sticks in QSettings.
        QAction *approvals = window.menuBar()->findChild<QAction *>(
            NotificationTray::settingsKey(Notice::Category::Approval));
        QVERIFY(approvals);
        QVERIFY(approvals->isChecked());
        approvals->setChecked(false);
        QCOMPARE(
            QSettings().value(NotificationTray::settingsKey(Notice::Category::Approval)).toBool(),
            false);
        newGate(QStringLiteral("g2"));
        QTest::qWait(50);
        QCOMPARE(tray->shown().size(), 1);
        approvals->setChecked(true);
        QAction *all =
            window.menuBar()->findChild<QAction *>(QStringLiteral("notificationsEnabled"));
        QVERIFY(all);
        all->setChecked(false);
        newGate(QStringLiteral("g3"));
        QTest::qWait(50);
        QCOMPARE(tray->shown().size(), 1);
        // A new window reads the switches back.
        MainWindow again(&estate);
        QVERIFY(!again.notifications()->isEnabled());
        QSettings().remove(QStringLiteral("notifications"));
    }

    void pipelinesFitWithoutSidewaysScroll_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<int>("width");
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
            for (int w : {1280, 1920})
                QTest::addRow("%s-%d", qPrintable(lang), w) << lang << w;
    }
    void pipelinesFitWithoutSidewaysScroll()
    {
        QFETCH(QString, lang);
        QFETCH(int, width);
        QCOMPARE(installTranslations(lang), lang);
        Estate estate;
        DemoEstate::publish(estate, QDateTime::currentDateTimeUtc());
        MainWindow window(&estate);
        window.resize(width, width == 1280 ? 800 : 1080);
        window.show();
        window.showPage(MainWindow::Page::Pipelines);
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCoreApplication::processEvents();
        QTableView *view = window.pipelinesPage()->runsView();
        QHeaderView *header = view->horizontalHeader();
        const int viewport = view->viewport()->width();
        QVERIFY2(header->length() <= viewport + 1,
                 qPrintable(QStringLiteral("header %1 px in a %2 px table")
                                .arg(header->length())
                                .arg(viewport)));
        // Duration and Started are what a release manager scans for: always on screen.
        for (int c : {int(RunsModel::Status), int(RunsModel::Duration), int(RunsModel::Started),
                      int(RunsModel::Service)}) {
            QVERIFY2(!view->isColumnHidden(c), qPrintable(QString::number(c)));
            QVERIFY(header->sectionViewportPosition(c) + header->sectionSize(c) <= viewport + 1);
            QVERIFY(header->sectionSize(c) >=
                    header->fontMetrics().horizontalAdvance(
                        view->model()->headerData(c, Qt::Horizontal).toString()));
        }
        if (width == 1920) // wide enough for everything
            for (int c = 0; c < RunsModel::ColumnCount; ++c)
                QVERIFY2(!view->isColumnHidden(c), qPrintable(QString::number(c)));
        installTranslations(QStringLiteral("en"));
    }
    void koreanForPaletteNotificationsAndGuards()
    {
        QCOMPARE(installTranslations(QStringLiteral("ko")), QStringLiteral("ko"));
        const QStringList said{
            PaletteModel::kindText(PaletteEntry::Kind::Run),
            PaletteModel::kindText(PaletteEntry::Kind::Action),
            NotificationFeed::categoryText(Notice::Category::FailedDeploy),
            NotificationFeed::categoryText(Notice::Category::CanaryPaused),
            ConfirmActionDialog::guardName(QStringLiteral("freeze-window")),
            ConfirmActionDialog::guardName(QStringLiteral("protected-environment"))};
        const QStringList english{
            QStringLiteral("Run"),           QStringLiteral("Action"),
            QStringLiteral("Failed deploy"), QStringLiteral("Canary paused"),
            QStringLiteral("freeze window"), QStringLiteral("protected environment")};
        for (int i = 0; i < said.size(); ++i) {
            QVERIFY2(said.at(i) != english.at(i), qPrintable(said.at(i)));
            // Hangul, not a placeholder.
            QVERIFY2(
                std::any_of(said.at(i).cbegin(), said.at(i).cend(),
                            [](QChar c) { return c.unicode() >= 0xAC00 && c.unicode() <= 0xD7A3; }),
                qPrintable(said.at(i)));
        }
        installTranslations(QStringLiteral("en"));
        QCOMPARE(NotificationFeed::categoryText(Notice::Category::FailedDeploy),
                 QStringLiteral("Failed deploy"));
    }
};

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
