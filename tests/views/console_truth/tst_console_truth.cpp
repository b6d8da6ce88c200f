// Issue #15, "the console tells the truth at a glance": each page is shown first and the data
// comes after, as it does when backends answer later than the window opens; what the page
// says must then follow the data, not the moment it was opened.
#include "dora/dorapage.h"
#include "itemmodels/changesentence.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/itemroles.h"
#include "logging/redactor.h"
#include "shared/confirmactiondialog.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "inbox/inboxpage.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/logtext.h"
#include "itemmodels/notificationfeed.h"
#include "itemmodels/runsmodel.h"
#include "mainwindow/connectionstatusbar.h"
#include "mainwindow/mainwindow.h"
#include "shared/theme.h"
#include "translations.h"
#include "matrix/matrixpage.h"
#include "metrics/doraengine.h"
#include "pipelines/pipelinespage.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinepage.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QSettings>
#include <QPushButton>
#include <QToolButton>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

constexpr int All = int(RecordKind::Runs) | int(RecordKind::Deployments) |
                    int(RecordKind::Environments) | int(RecordKind::Gates) |
                    int(RecordKind::Rollouts);

/// A session over a workspace file, with no plugins: the test is the only backend.
struct TestSession
{
    QTemporaryDir dir;
    Session session;

    bool open()
    {
        QFile f(dir.filePath(QStringLiteral("flightdeck.yaml")));
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write("version: 1\nname: truth\nenvironments: [dev, staging, prod]\n"
                "services:\n  checkout: {}\n  payments: {}\n");
        f.close();
        Session::OpenOptions o;
        o.storePath = dir.filePath(QStringLiteral("fd.db"));
        o.pluginDirs = {dir.path()};
        return session.open(f.fileName(), o);
    }
};

Deployment deployment(const QString &id,
                      const QString &env,
                      const QString &version,
                      const QDateTime &at,
                      const QString &runId = {})
{
    Deployment d;
    d.connectionId = QStringLiteral("argocd");
    d.id = id;
    d.service = QStringLiteral("checkout");
    d.environment = env;
    d.version = version;
    d.status = DeployStatus::Succeeded;
    d.created = at.addSecs(-120);
    d.finished = at;
    d.actor = QStringLiteral("mina");
    d.runId = runId;
    return d;
}

EnvironmentState envState(const QString &env, const QString &version, const QDateTime &at)
{
    EnvironmentState s;
    s.connectionId = QStringLiteral("argocd");
    s.service = QStringLiteral("checkout");
    s.environment = env;
    s.object = QStringLiteral("checkout-") + env;
    s.version = version;
    s.deployedAt = at;
    s.deployedBy = QStringLiteral("mina");
    s.health = Health::Healthy;
    s.sync = SyncState::Synced;
    return s;
}

TimelineEvent deployEvent(const QString &id, const QDateTime &at, const QString &title)
{
    TimelineEvent e;
    e.source = QStringLiteral("argocd");
    e.sourceId = id;
    e.kind = TimelineEvent::Kind::DeploySucceeded;
    e.time = at;
    e.service = QStringLiteral("checkout");
    e.environment = QStringLiteral("prod");
    e.version = QStringLiteral("v2.0.") + id;
    e.title = title;
    return e;
}

Stage stage(const QString &id, RunStatus status)
{
    Stage s;
    s.id = id;
    s.name = id;
    s.status = status;
    return s;
}

/// A backend that serves logs only: the log of a run is whatever the test says it is now.
class LogBackend : public Backend
{
public:
    QString log;
    int reads = 0;
    Capabilities capabilities() const override { return {}; }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &) const override { return {}; }
    quint64 execute(const ActionPlan &) override { return 0; }
    void fetchLogTail(const QString &,
                      const QString &,
                      qint64,
                      std::function<void(const QString &, const QString &)> done) override
    {
        ++reads;
        done(log, QString());
    }
};

Rollout canaryAt(int step, const QStringList &reasons)
{
    Rollout r;
    r.connectionId = QStringLiteral("argocd");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.application = QStringLiteral("checkout-prod");
    r.name = QStringLiteral("checkout");
    r.strategy = QStringLiteral("canary");
    RolloutStep w20{RolloutStep::Kind::SetWeight, 20, -1, QStringLiteral("setWeight 20")};
    RolloutStep manual{RolloutStep::Kind::Pause, -1, -1, QStringLiteral("pause")};
    RolloutStep w50{RolloutStep::Kind::SetWeight, 50, -1, QStringLiteral("setWeight 50")};
    RolloutStep timed{RolloutStep::Kind::Pause, -1, 600, QStringLiteral("pause 600s")};
    r.steps = {w20, manual, w50, timed};
    r.currentStepIndex = step;
    r.canaryWeight = step >= 2 ? 50 : 20;
    r.stableWeight = 100 - r.canaryWeight;
    r.paused = true;
    r.pauseReasons = reasons;
    r.phase = RolloutPhase::Paused;
    r.stableVersion = QStringLiteral("v1.9.0");
    r.canaryVersion = QStringLiteral("v2.0.0");
    return r;
}

Gate rolloutGate(const Rollout &r)
{
    Gate g;
    g.connectionId = r.connectionId;
    g.id = QStringLiteral("rollout:checkout-prod/checkout");
    g.kind = GateKind::RolloutPause;
    g.service = r.service;
    g.environment = r.environment;
    g.title = QStringLiteral("Promote canary v2.0.0 of checkout in prod");
    g.runId = r.key();
    g.since = QDateTime::currentDateTimeUtc();
    return g;
}

} // namespace

class TestConsoleTruth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void doraFollowsDeploymentsArrivingAfterItOpened();
    void doraEngineCountsTimelineEvents();
    void timelineCountFollowsLiveEvents();
    void matrixHistoryTitleFollowsTheCell();
    void finishedRunLogIsReadAgain();
    void logsReadLikeLogs();
    void pipelineNamesDecoded();
    void dataAgeIsTheLastSuccessfulPoll();
    void operatorRollbackIsNotDoneYet();
    void timedRolloutPauseIsNoGate();
    void commentStaysWithItsGate();
    void jenkinsGateNamesItsVersion();
    void enterConfirmsTheTypedName();
    void dialogSaysWhatChanges_data();
    void dialogSaysWhatChanges();
    void matrixCellSaysWhoAndWhen();
    void matrixFilterFindsVersionsAndPeople();
    void userNamesAreNotSecrets();
    void settingsOfferLanguageAndTheme();
    void screenshots_data();
    void screenshots();
};

void TestConsoleTruth::doraFollowsDeploymentsArrivingAfterItOpened()
{
    TestSession ts;
    QVERIFY(ts.open());
    DoraPage page(&ts.session);
    QSignalSpy updated(&page, &DoraPage::updated);
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && updated.size() >= 1, 20000);
    QCOMPARE(page.report().total.deployments, 0);

    // The backends answer after the page opened: three production deploys this week.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    RecordSet rs;
    for (int i = 1; i <= 3; ++i)
        rs.deployments << deployment(QStringLiteral("h%1").arg(i), QStringLiteral("prod"),
                                     QStringLiteral("v2.0.%1").arg(i), now.addDays(-i));
    ts.session.estate()->publish(QStringLiteral("argocd"), rs, All);
    QTRY_COMPARE_WITH_TIMEOUT(page.report().total.deployments, 3, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 20000);
    QVERIFY2(page.valueLabel(0)->text() != QLatin1String("0.0 / week"),
             qPrintable(page.valueLabel(0)->text()));
}

void TestConsoleTruth::doraEngineCountsTimelineEvents()
{
    TestSession ts;
    QVERIFY(ts.open());
    DoraEngine engine(&ts.session);
    QSignalSpy updated(&engine, &DoraEngine::updated);
    engine.setQuestion(QString(), QStringLiteral("prod"), 4);
    QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 1, 20000);
    QCOMPARE(engine.report().total.deployments, 0);
    // Deploys only the timeline remembers (no backend lists them any more) count too, and a
    // burst of them is one computation, not one per event.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 1; i <= 4; ++i)
        ts.session.estate()->recordEvents(
            {deployEvent(QString::number(i), now.addDays(-i), QStringLiteral("deploy"))});
    QTRY_COMPARE_WITH_TIMEOUT(engine.report().total.deployments, 4, 20000);
    QCOMPARE(engine.computations(), 2);
}

void TestConsoleTruth::timelineCountFollowsLiveEvents()
{
    TestSession ts;
    QVERIFY(ts.open());
    TimelinePage page(&ts.session);
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto *hint = page.findChild<QLabel *>(QStringLiteral("timelineHint"));
    QVERIFY(hint);
    QVERIFY2(hint->text().startsWith(QLatin1String("0 event")), qPrintable(hint->text()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ts.session.estate()->recordEvents(
        {deployEvent(QStringLiteral("1"), now.addSecs(-600), QStringLiteral("a")),
         deployEvent(QStringLiteral("2"), now.addSecs(-300), QStringLiteral("b")),
         deployEvent(QStringLiteral("3"), now.addSecs(-60), QStringLiteral("c"))});
    QCOMPARE(page.model()->rowCount(), 3);
    QVERIFY2(hint->text().startsWith(QLatin1String("3 event")), qPrintable(hint->text()));
}

void TestConsoleTruth::matrixHistoryTitleFollowsTheCell()
{
    Estate estate;
    MatrixPage page(&estate);
    page.model()->setEnvironments({QStringLiteral("staging"), QStringLiteral("prod")});
    page.resize(1280, 800);
    page.show();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    RecordSet rs;
    rs.environments << envState(QStringLiteral("prod"), QStringLiteral("v1.0.0"), now.addDays(-1));
    estate.publish(QStringLiteral("argocd"), rs, All);
    page.selectCell(QStringLiteral("checkout"), QStringLiteral("prod"));
    QVERIFY(page.historyTitle()->text().contains(QLatin1String("now v1.0.0")));
    // A new version reaches prod while the cell is selected.
    rs.environments = {envState(QStringLiteral("prod"), QStringLiteral("v1.1.0"), now)};
    estate.publish(QStringLiteral("argocd"), rs, All);
    QVERIFY2(page.historyTitle()->text().contains(QLatin1String("now v1.1.0")),
             qPrintable(page.historyTitle()->text()));
}

void TestConsoleTruth::finishedRunLogIsReadAgain()
{
    Estate estate;
    LogBackend backend;
    PipelinesPage page(&estate);
    page.setBackendLookup([&backend](const QString &) { return &backend; });
    page.resize(1280, 800);
    page.show();
    Run r;
    r.connectionId = QStringLiteral("github");
    r.id = QStringLiteral("77");
    r.service = QStringLiteral("checkout");
    r.pipeline = QStringLiteral("deploy");
    r.number = QStringLiteral("12");
    r.status = RunStatus::Running;
    r.started = QDateTime::currentDateTimeUtc().addSecs(-300);
    r.stages = {stage(QStringLiteral("build"), RunStatus::Succeeded),
                stage(QStringLiteral("deploy"), RunStatus::Running)};
    RecordSet rs;
    rs.runs << r;
    backend.log = QStringLiteral("building\ndeploying");
    estate.publish(QStringLiteral("github"), rs, All);
    page.selectRun(r.key());
    QCOMPARE(backend.reads, 1);
    QVERIFY(page.logView()->toPlainText().endsWith(QLatin1String("deploying")));

    // The run finishes: the tail shown is the one of the finished run.
    backend.log = QStringLiteral("building\ndeploying\ndeployed v2.0.0");
    r.status = RunStatus::Succeeded;
    r.finished = QDateTime::currentDateTimeUtc();
    r.stages[1].status = RunStatus::Succeeded;
    rs.runs = {r};
    estate.publish(QStringLiteral("github"), rs, All);
    QCOMPARE(backend.reads, 2);
    QVERIFY2(page.logView()->toPlainText().endsWith(QLatin1String("deployed v2.0.0")),
             qPrintable(page.logView()->toPlainText()));
    // A refresh that changes nothing in the run reads nothing again.
    estate.publish(QStringLiteral("github"), rs, All);
    QCOMPARE(backend.reads, 2);
    QCOMPARE(page.logView()->lineWrapMode(), QPlainTextEdit::WidgetWidth);
}

void TestConsoleTruth::logsReadLikeLogs()
{
    const QString raw = QStringLiteral("2026-05-01T10:00:00.1234567Z ##[group]Run make\n"
                                       "2026-05-01T10:00:01.0000000Z make all\n"
                                       "2026-05-01T10:00:02.0000000Z ##[endgroup]\n"
                                       "##[error]Process completed with exit code 2.\n"
                                       "plain line");
    const QString shown = readableLog(raw);
    QVERIFY(!shown.contains(QLatin1String("##[")));
    QCOMPARE(
        shown.split(QLatin1Char('\n')),
        QStringList({QStringLiteral("10:00:00 ▾ Run make"), QStringLiteral("10:00:01   make all"),
                     QStringLiteral("error: Process completed with exit code 2."),
                     QStringLiteral("plain line")}));
    QCOMPARE(readableLog(QStringLiteral("[Pipeline] stage\nok")),
             QStringLiteral("[Pipeline] stage\nok"));
}

void TestConsoleTruth::pipelineNamesDecoded()
{
    Estate estate;
    RunsModel model(&estate);
    Run r;
    r.connectionId = QStringLiteral("jenkins");
    r.id = QStringLiteral("checkout/release%2F1.x#3");
    r.pipeline = QStringLiteral("checkout/release%2F1.x");
    r.number = QStringLiteral("3");
    RecordSet rs;
    rs.runs << r;
    estate.publish(QStringLiteral("jenkins"), rs, All);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, RunsModel::Pipeline).data().toString(),
             QStringLiteral("checkout/release/1.x"));
}

void TestConsoleTruth::dataAgeIsTheLastSuccessfulPoll()
{
    Estate estate;
    ConnectionStatusBar bar(&estate);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Argo CD's data was last changed 12 minutes ago; it has polled fine ever since (304s
    // publish nothing).
    estate.restore(QStringLiteral("argocd"), {}, now.addSecs(-12 * 60));
    estate.initialSyncDone(QStringLiteral("argocd"));
    ConnectionHealth ok;
    ok.state = ConnectionHealth::State::Ok;
    ok.lastSuccess = now.addSecs(-4);
    estate.healthChanged(QStringLiteral("argocd"), ok);
    QVERIFY2(!bar.ageText().contains(QLatin1String("12 min")), qPrintable(bar.ageText()));
    QCOMPARE(estate.dataTime(QStringLiteral("argocd")), ok.lastSuccess);
    QVERIFY2(bar.ageToolTip().contains(QLatin1String("argocd: last successful poll")),
             qPrintable(bar.ageToolTip()));
    // A later confirmation (read from the backend on a timer) moves it on; an older does not.
    estate.confirmData(QStringLiteral("argocd"), now.addSecs(-1));
    QCOMPARE(estate.dataTime(QStringLiteral("argocd")), now.addSecs(-1));
    estate.confirmData(QStringLiteral("argocd"), now.addSecs(-100));
    QCOMPARE(estate.dataTime(QStringLiteral("argocd")), now.addSecs(-1));
    // A connection still showing its cache is not made younger by a health report.
    estate.restore(QStringLiteral("gitlab"), {}, now.addSecs(-7200));
    estate.healthChanged(QStringLiteral("gitlab"), ok);
    QCOMPARE(estate.dataTime(QStringLiteral("gitlab")), now.addSecs(-7200));
    QTRY_VERIFY(bar.ageToolTip().contains(QLatin1String("gitlab: showing data from 2 h ago")));
    QVERIFY(bar.ageText().contains(QLatin1String("2 h ago")));
}

void TestConsoleTruth::operatorRollbackIsNotDoneYet()
{
    Estate estate;
    NotificationFeed feed(&estate);
    QList<Notice> notices;
    connect(&feed, &NotificationFeed::notify, this, [&notices](const Notice &n) { notices << n; });
    TimelineEvent e;
    e.kind = TimelineEvent::Kind::Rollback;
    e.source = QStringLiteral("operator");
    e.sourceId = QStringLiteral("audit-1-1");
    e.service = QStringLiteral("checkout");
    e.environment = QStringLiteral("prod");
    e.title = QStringLiteral("rollback checkout in prod: accepted");
    estate.recordEvents({e});
    feed.flush();
    QCOMPARE(notices.size(), 1);
    const Notice n = notices.first();
    QVERIFY2(!n.title.startsWith(QLatin1String("Rolled back")), qPrintable(n.title));
    QVERIFY(n.title.startsWith(QLatin1String("Rollback started")));
}

void TestConsoleTruth::timedRolloutPauseIsNoGate()
{
    Estate estate;
    InboxPage page(&estate);
    QSignalSpy counts(&page, &InboxPage::pendingCountChanged);
    page.show();
    estate.initialSyncDone(QStringLiteral("argocd"));
    NotificationFeed feed(&estate);
    QList<Notice> notices;
    connect(&feed, &NotificationFeed::notify, this, [&notices](const Notice &n) { notices << n; });
    // At the manual pause (step 1) the canary waits for a person: a gate.
    Rollout r = canaryAt(1, {QStringLiteral("CanaryPauseStep")});
    RecordSet rs;
    rs.rollouts << r;
    rs.gates << rolloutGate(r);
    estate.publish(QStringLiteral("argocd"), rs, All);
    QCOMPARE(page.gatesView()->model()->rowCount(), 1);
    QCOMPARE(counts.last().first().toInt(), 1);
    feed.flush();
    QCOMPARE(notices.size(), 1);
    // Promoted on to "pause 10 min": it resumes by itself, nobody is waited for. The gate
    // comes in the same publish as the rollout, which the estate merges after the gates.
    r = canaryAt(3, {QStringLiteral("CanaryPauseStep")});
    Gate g = rolloutGate(r);
    g.id = QStringLiteral("rollout:checkout-prod/checkout@3");
    rs.rollouts = {r};
    rs.gates = {g};
    estate.publish(QStringLiteral("argocd"), rs, All);
    QCOMPARE(page.gatesView()->model()->rowCount(), 0);
    QCOMPARE(counts.last().first().toInt(), 0);
    feed.flush();
    QCOMPARE(notices.size(), 1);
    // Paused by an operator at that same step, it waits for a person again.
    rs.rollouts = {
        canaryAt(3, {QStringLiteral("CanaryPauseStep"), QStringLiteral("PausedByUser")})};
    estate.publish(QStringLiteral("argocd"), rs, All);
    QCOMPARE(page.gatesView()->model()->rowCount(), 1);
}

void TestConsoleTruth::commentStaysWithItsGate()
{
    Estate estate;
    RecordSet rs;
    for (const char *id : {"pending-1", "pending-2"}) {
        Gate g;
        g.connectionId = QStringLiteral("github");
        g.id = QString::fromLatin1(id);
        g.kind = GateKind::GitHubPendingDeployment;
        g.service = QStringLiteral("checkout");
        g.environment = QStringLiteral("prod");
        g.title = QStringLiteral("Deploy checkout ") + g.id;
        rs.gates << g;
    }
    estate.publish(QStringLiteral("github"), rs, All);
    InboxPage page(&estate);
    page.show();
    page.selectGate(QStringLiteral("github/pending-1"));
    page.commentEdit()->setText(QStringLiteral("dashboards look fine"));
    page.selectGate(QStringLiteral("github/pending-2"));
    QVERIFY2(page.commentEdit()->text().isEmpty(), qPrintable(page.commentEdit()->text()));
}

void TestConsoleTruth::jenkinsGateNamesItsVersion()
{
    Estate estate;
    InboxPage page(&estate);
    page.show();
    Gate g;
    g.connectionId = QStringLiteral("jenkins");
    g.id = QStringLiteral("checkout/deploy-prod#41/input");
    g.kind = GateKind::JenkinsInput;
    g.service = QStringLiteral("checkout");
    g.environment = QStringLiteral("prod");
    g.title = QStringLiteral("Deploy to prod?");
    g.runId = QStringLiteral("checkout/deploy-prod#41");
    RecordSet rs;
    rs.gates << g;
    estate.publish(QStringLiteral("jenkins"), rs, All);
    QCOMPARE(page.gatesView()->model()->rowCount(), 1);
    // The deploy job's VERSION parameter arrives with its deployment record.
    rs.gates.clear();
    Deployment d = deployment(QStringLiteral("checkout/deploy-prod#41"), QStringLiteral("prod"),
                              QStringLiteral("v2.4.1"), QDateTime::currentDateTimeUtc(),
                              QStringLiteral("checkout/deploy-prod#41"));
    d.connectionId = QStringLiteral("jenkins");
    d.status = DeployStatus::Running;
    rs.deployments << d;
    estate.publish(QStringLiteral("jenkins"), rs, int(RecordKind::Deployments));
    const QString what = page.gatesView()->model()->index(0, GatesModel::What).data().toString();
    QVERIFY2(what.contains(QLatin1String("v2.4.1")), qPrintable(what));
    page.selectGate(g.key());
    auto *detail = page.findChild<QLabel *>(QStringLiteral("gateDetail"));
    QVERIFY(detail->text().contains(QLatin1String("v2.4.1")));
}

namespace {

PreparedAction protectedPromote()
{
    PreparedAction p;
    p.action.verb = ReleaseAction::Verb::Promote;
    p.action.connectionId = QStringLiteral("argocd");
    p.action.service = QStringLiteral("checkout");
    p.action.environment = QStringLiteral("prod");
    p.plan.action = p.action;
    p.plan.summary = QStringLiteral("Resume rollout checkout (step 2 of 4)");
    p.plan.requests = {PlannedRequest{"POST",
                                      QStringLiteral("/api/v1/applications/checkout-prod/resource/"
                                                     "actions"),
                                      R"("resume")", "application/json", QStringLiteral("resume")}};
    p.protectedEnvironment = true;
    using O = GuardResult::Outcome;
    p.guards << GuardResult{QStringLiteral("protected-environment"), O::NeedsTypedName,
                            QStringLiteral("prod is protected")};
    p.guards << GuardResult{QStringLiteral("slo-gate"), O::Pass, {}};
    return p;
}

} // namespace

void TestConsoleTruth::enterConfirmsTheTypedName()
{
    {
        ConfirmActionDialog dialog(protectedPromote());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.typedNameEdit()->placeholderText() != QLatin1String("prod"));
        dialog.typedNameEdit()->setFocus();
        // Enter before the name matches neither confirms nor cancels.
        QTest::keyClicks(dialog.typedNameEdit(), QStringLiteral("pro"));
        QTest::keyClick(dialog.typedNameEdit(), Qt::Key_Return);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), 0);
        QTest::keyClicks(dialog.typedNameEdit(), QStringLiteral("d"));
        QTest::keyClick(dialog.typedNameEdit(), Qt::Key_Return);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    {
        // Without a name to type, Enter stays with Cancel: nothing goes by a stray key.
        PreparedAction p = protectedPromote();
        p.protectedEnvironment = false;
        p.guards.removeFirst();
        ConfirmActionDialog dialog(p);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }
}

void TestConsoleTruth::dialogSaysWhatChanges_data()
{
    QTest::addColumn<int>("verb");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected");
    using V = ReleaseAction::Verb;
    QTest::newRow("promote canary")
        << int(V::Promote) << QString() << QStringLiteral("checkout canary 20 % → 50 % in prod");
    QTest::newRow("promote full")
        << int(V::PromoteFull) << QString()
        << QStringLiteral("checkout canary 20 % → 100 % in prod at once: skips the remaining "
                          "pauses and the analysis");
    QTest::newRow("rollback") << int(V::Rollback) << QString()
                              << QStringLiteral("Roll back checkout in prod: v2.0.0 → v1.9.0");
    QTest::newRow("approve") << int(V::Approve) << QStringLiteral("checkout/deploy-prod#41/input")
                             << QStringLiteral("Approve checkout v2.4.1 for prod");
}

void TestConsoleTruth::dialogSaysWhatChanges()
{
    QFETCH(int, verb);
    QFETCH(QString, target);
    QFETCH(QString, expected);
    Estate estate;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    RecordSet argo;
    argo.rollouts << canaryAt(1, {QStringLiteral("CanaryPauseStep")});
    argo.environments << envState(QStringLiteral("prod"), QStringLiteral("v2.0.0"), now);
    argo.deployments << deployment(QStringLiteral("h1"), QStringLiteral("prod"),
                                   QStringLiteral("v1.8.0"), now.addDays(-9))
                     << deployment(QStringLiteral("h2"), QStringLiteral("prod"),
                                   QStringLiteral("v1.9.0"), now.addDays(-3))
                     << deployment(QStringLiteral("h3"), QStringLiteral("prod"),
                                   QStringLiteral("v2.0.0"), now);
    estate.publish(QStringLiteral("argocd"), argo, All);
    RecordSet jk;
    Gate g;
    g.connectionId = QStringLiteral("jenkins");
    g.id = QStringLiteral("checkout/deploy-prod#41/input");
    g.kind = GateKind::JenkinsInput;
    g.service = QStringLiteral("checkout");
    g.environment = QStringLiteral("prod");
    g.title = QStringLiteral("Deploy to prod?");
    g.runId = QStringLiteral("checkout/deploy-prod#41");
    jk.gates << g;
    Deployment d =
        deployment(g.runId, QStringLiteral("prod"), QStringLiteral("v2.4.1"), now, g.runId);
    d.connectionId = QStringLiteral("jenkins");
    d.status = DeployStatus::Running;
    jk.deployments << d;
    estate.publish(QStringLiteral("jenkins"), jk, All);

    PreparedAction p = protectedPromote();
    p.action.verb = ReleaseAction::Verb(verb);
    p.action.target = target.isEmpty() ? canaryAt(1, {}).key() : target;
    if (!target.isEmpty())
        p.action.connectionId = QStringLiteral("jenkins");
    const QString sentence = ChangeSentence::of(p.action, estate);
    QCOMPARE(sentence, expected);
    ConfirmActionDialog dialog(p, sentence, nullptr);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("changeSentence"))->text(), expected);
    // The exact requests are there, collapsed beneath the sentence.
    auto *plan = dialog.findChild<QPlainTextEdit *>(QStringLiteral("planText"));
    QVERIFY(plan->toPlainText().contains(QLatin1String("resource/actions")));
    QVERIFY(!plan->isVisible());
    dialog.findChild<QToolButton *>(QStringLiteral("planToggle"))->click();
    QVERIFY(plan->isVisible());
}

void TestConsoleTruth::matrixCellSaysWhoAndWhen()
{
    Estate estate;
    EnvironmentMatrixModel model(&estate);
    model.setEnvironments({QStringLiteral("prod")});
    const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-3 * 3600);
    RecordSet rs;
    rs.environments << envState(QStringLiteral("prod"), QStringLiteral("v2.0.0"), at);
    estate.publish(QStringLiteral("argocd"), rs, All);
    const QModelIndex cell = model.indexOf(QStringLiteral("checkout"), QStringLiteral("prod"));
    const QString tip = cell.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QLatin1String("Deployed by mina, 3 h ago")), qPrintable(tip));
    QVERIFY(tip.contains(at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    QCOMPARE(cell.data(Roles::DeployedByRole).toString(), QStringLiteral("mina"));
}

void TestConsoleTruth::matrixFilterFindsVersionsAndPeople()
{
    Estate estate;
    MatrixPage page(&estate);
    page.model()->setEnvironments({QStringLiteral("staging"), QStringLiteral("prod")});
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    RecordSet rs;
    rs.environments << envState(QStringLiteral("prod"), QStringLiteral("v2.0.0"), now);
    EnvironmentState pay = envState(QStringLiteral("staging"), QStringLiteral("p7.1"), now);
    pay.service = QStringLiteral("payments");
    pay.deployedBy = QStringLiteral("joon");
    rs.environments << pay;
    estate.publish(QStringLiteral("argocd"), rs, All);
    QAbstractItemModel *shown = page.matrixView()->model();
    QCOMPARE(shown->rowCount(), 2);
    page.searchEdit()->setText(QStringLiteral("v2.0"));
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, 0).data().toString(), QStringLiteral("checkout"));
    page.searchEdit()->setText(QStringLiteral("joon"));
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, 0).data().toString(), QStringLiteral("payments"));
    QVERIFY(!page.emptyMessage()->isVisible());
    page.searchEdit()->setText(QStringLiteral("nobody-here"));
    QCOMPARE(shown->rowCount(), 0);
    QVERIFY(page.emptyMessage()->isVisible());
    QVERIFY(page.emptyMessage()->text().contains(QLatin1String("nobody-here")));
    page.searchEdit()->clear();
    QVERIFY(!page.emptyMessage()->isVisible());
    // The legend says what the dots mean.
    QVERIFY(page.legend()->text().contains(QLatin1String("healthy")));
    QVERIFY(page.legend()->text().contains(QLatin1String("degraded")));
}

void TestConsoleTruth::userNamesAreNotSecrets()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("flightdeck.yaml")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("version: 1\nname: names\nenvironments: [prod]\nservices:\n  checkout: {}\n"
            "connections:\n  jenkins:\n    kind: jenkins\n    url: http://127.0.0.1:9\n"
            "    credentials: {user: \"env:FD_TRUTH_JENKINS_USER\", "
            "token: \"env:FD_TRUTH_JENKINS_TOKEN\"}\n");
    f.close();
    qputenv("FD_TRUTH_JENKINS_USER", "release-bot");
    qputenv("FD_TRUTH_JENKINS_TOKEN", "11c0ffee5ecret7oken");
    Session session;
    Session::OpenOptions o;
    o.storePath = dir.filePath(QStringLiteral("fd.db"));
    o.pluginDirs = {dir.path()};
    QVERIFY(session.open(f.fileName(), o));
    QTRY_VERIFY(session.isReady());
    // Who did it stays on the record; the token never does.
    const QString line =
        QStringLiteral("| 10:02 | release-bot | deploy with 11c0ffee5ecret7oken |");
    QCOMPARE(Redactor::instance().redact(line),
             QStringLiteral("| 10:02 | release-bot | deploy with *** |"));
}

void TestConsoleTruth::settingsOfferLanguageAndTheme()
{
    QSettings().remove(MainWindow::LanguageKey);
    QSettings().remove(MainWindow::ThemeKey);
    Estate estate;
    MainWindow window(&estate);
    auto *language = window.findChild<QMenu *>(QStringLiteral("languageMenu"));
    auto *theme = window.findChild<QMenu *>(QStringLiteral("themeMenu"));
    QVERIFY(language);
    QVERIFY(theme);
    auto action = [](QMenu *menu, const char *name) {
        return menu->findChild<QAction *>(QLatin1String(name));
    };
    QVERIFY(action(language, "language_system")->isChecked());
    action(language, "language_ko")->trigger();
    QCOMPARE(QSettings().value(MainWindow::LanguageKey).toString(), QStringLiteral("ko"));
    QVERIFY(action(language, "language_ko")->isChecked());
    QVERIFY(!action(language, "language_system")->isChecked());
    action(theme, "theme_dark")->trigger();
    QCOMPARE(QSettings().value(MainWindow::ThemeKey).toString(), QStringLiteral("dark"));
    QVERIFY(isDark(QApplication::palette()));
    action(theme, "theme_light")->trigger();
    QVERIFY(!isDark(QApplication::palette()));
    QSettings().remove(MainWindow::LanguageKey);
    QSettings().remove(MainWindow::ThemeKey);
}

void TestConsoleTruth::screenshots_data()
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

void TestConsoleTruth::screenshots()
{
    // What the fixes look like: a grouped GitHub log, a filter that finds nothing, a gate
    // naming its version, and the dialog that says what a promote-full skips.
    QFETCH(QString, lang);
    QFETCH(QString, theme);
    QFETCH(QSize, size);
    QCOMPARE(installTranslations(lang), lang);
    applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);
    const QString dir = QStringLiteral(FD_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    const auto save = [&](QWidget *w, const QString &name) {
        QCoreApplication::processEvents();
        const QImage image = w->grab().toImage();
        const QString file = QStringLiteral("%1/truth-%2-%3-%4-%5x%6.png")
                                 .arg(dir, name, lang, theme)
                                 .arg(size.width())
                                 .arg(size.height());
        QVERIFY2(image.save(file), qPrintable(file));
    };

    Estate estate;
    LogBackend backend;
    backend.log = QStringLiteral(
        "2026-12-07T10:00:00.0000000Z ##[group]Run actions/checkout@v4\n"
        "2026-12-07T10:00:00.1000000Z with:\n"
        "2026-12-07T10:00:00.2000000Z   repository: acme/checkout\n"
        "2026-12-07T10:00:01.0000000Z ##[endgroup]\n"
        "2026-12-07T10:00:02.0000000Z ##[group]Run make test\n"
        "2026-12-07T10:00:02.1000000Z ##[command]make test TEST_FLAGS=\"-race -count=1 "
        "-timeout 10m ./internal/checkout/... ./internal/payments/client/...\"\n"
        "2026-12-07T10:00:40.0000000Z --- FAIL: TestCartTotals (0.02s)\n"
        "2026-12-07T10:00:41.0000000Z ##[endgroup]\n"
        "2026-12-07T10:00:41.1000000Z ##[error]Process completed with exit code 2.");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Run r;
    r.connectionId = QStringLiteral("github");
    r.id = QStringLiteral("501");
    r.service = QStringLiteral("checkout");
    r.pipeline = QStringLiteral("release%2F1.x");
    r.number = QStringLiteral("88");
    r.branch = QStringLiteral("release/1.x");
    r.status = RunStatus::Failed;
    r.started = now.addSecs(-300);
    r.finished = now.addSecs(-200);
    r.stages = {stage(QStringLiteral("build"), RunStatus::Succeeded),
                stage(QStringLiteral("test"), RunStatus::Failed)};
    RecordSet gh;
    gh.runs << r;
    estate.publish(QStringLiteral("github"), gh, All);
    RecordSet argo;
    argo.environments << envState(QStringLiteral("prod"), QStringLiteral("v2.0.0"),
                                  now.addSecs(-7200));
    argo.rollouts << canaryAt(1, {QStringLiteral("CanaryPauseStep")});
    estate.publish(QStringLiteral("argocd"), argo, All);
    RecordSet jk;
    Gate g;
    g.connectionId = QStringLiteral("jenkins");
    g.id = QStringLiteral("checkout/deploy-prod#41/input");
    g.kind = GateKind::JenkinsInput;
    g.service = QStringLiteral("checkout");
    g.environment = QStringLiteral("prod");
    g.title = QStringLiteral("Deploy to prod?");
    g.runId = QStringLiteral("checkout/deploy-prod#41");
    g.since = now.addSecs(-600);
    jk.gates << g;
    Deployment d =
        deployment(g.runId, QStringLiteral("prod"), QStringLiteral("v2.4.1"), now, g.runId);
    d.connectionId = QStringLiteral("jenkins");
    d.status = DeployStatus::Running;
    jk.deployments << d;
    estate.publish(QStringLiteral("jenkins"), jk, All);

    MainWindow window(&estate);
    window.setBackendLookup([&backend](const QString &) { return &backend; });
    window.matrixPage()->model()->setEnvironments(
        {QStringLiteral("staging"), QStringLiteral("prod")});
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showPage(MainWindow::Page::Pipelines);
    window.pipelinesPage()->selectRun(r.key());
    save(&window, QStringLiteral("pipelines"));
    window.showPage(MainWindow::Page::Matrix);
    window.matrixPage()->searchEdit()->setText(QStringLiteral("nobody-here"));
    save(&window, QStringLiteral("matrix-empty"));
    window.matrixPage()->searchEdit()->clear();
    window.showPage(MainWindow::Page::Inbox);
    window.inboxPage()->selectGate(g.key());
    save(&window, QStringLiteral("inbox"));

    PreparedAction p = protectedPromote();
    p.action.verb = ReleaseAction::Verb::PromoteFull;
    p.action.target = canaryAt(1, {}).key();
    ConfirmActionDialog dialog(p, ChangeSentence::of(p.action, estate), &window);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    save(&dialog, QStringLiteral("confirm"));
    dialog.findChild<QToolButton *>(QStringLiteral("planToggle"))->click();
    save(&dialog, QStringLiteral("confirm-open"));
    applyTheme(ThemeMode::Light);
    QCOMPARE(installTranslations(QStringLiteral("en")), QStringLiteral("en"));
}

QTEST_MAIN(TestConsoleTruth)
#include "tst_console_truth.moc"
