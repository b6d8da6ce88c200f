// The console against a real estate: flightdeck-sandbox's demo scenario started in-process on
// loopback ports, a Session on the workspace it writes (plus a freeze window), the real
// backend plugins, and the MainWindow wired as the flightdeck program wires it. The confirm
// dialog is driven the way a person would: type, click.
#include "canary/canarypage.h"
#include "core/sandbox.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "inbox/inboxpage.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/itemroles.h"
#include "mainwindow/mainwindow.h"
#include "matrix/matrixpage.h"
#include "ops/actionrunner.h"
#include "shared/confirmactiondialog.h"

#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

constexpr int SyncTimeoutMs = 30000;
constexpr int MoveTimeoutMs = 20000;

// The first visible confirmation dialog of the window (they delete themselves on close).
ConfirmActionDialog *openDialog(QWidget *window)
{
    for (auto *d : window->findChildren<ConfirmActionDialog *>())
        if (d->isVisible())
            return d;
    return nullptr;
}

} // namespace

class TestConsoleLive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("flightdeck-tests"));
        QVERIFY(m_dir.isValid());
        sandbox::Options options;
        options.scenario = QStringLiteral("demo");
        m_sandbox = std::make_unique<sandbox::Sandbox>(options);
        QString error;
        QVERIFY2(m_sandbox->start(&error), qPrintable(error));
        m_workspace = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
        QVERIFY2(m_sandbox->writeWorkspace(m_workspace, &error), qPrintable(error));
        // A freeze window over staging for the whole test, written as an operator would.
        QFile file(m_workspace);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString yaml = QString::fromUtf8(file.readAll());
        file.close();
        const QString staging = QStringLiteral("  - {name: staging}\n");
        QVERIFY2(yaml.contains(staging), qPrintable(yaml));
        yaml.replace(staging, QStringLiteral(
                                  "  - {name: staging, freeze: [{start: \"2000-01-01T00:00:00Z\", "
                                  "end: \"2100-01-01T00:00:00Z\", reason: \"Test freeze\"}]}\n"));
        // Poll every 2 s, so a run moving on after an approval shows within the test's patience.
        QStringList lines = yaml.split(QLatin1Char('\n'));
        for (QString &line : lines)
            for (const char *kind : {"github", "jenkins", "gitlab"})
                if (line.startsWith(QStringLiteral("  %1: {").arg(QLatin1String(kind))) &&
                    line.endsWith(QLatin1Char('}')))
                    line = line.chopped(1) + QStringLiteral(", options: {pollInterval: 2}}");
        yaml = lines.join(QLatin1Char('\n'));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(yaml.toUtf8());
        file.close();
        const auto env = m_sandbox->workspaceEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            qputenv(it.key().toLocal8Bit().constData(), it.value().toLocal8Bit());

        m_session = std::make_unique<Session>();
        Session::OpenOptions open;
        open.storePath = m_dir.filePath(QStringLiteral("store.sqlite"));
        open.pluginDirs = {QStringLiteral(FD_PLUGIN_DIR)};
        if (!m_session->open(m_workspace, open)) {
            QStringList lines;
            for (const auto &issue : m_session->issues())
                lines << issue.toString();
            QFAIL(qPrintable(lines.join(QLatin1Char('\n'))));
        }
        // As app/flightdeck/console.cpp builds it.
        Session *s = m_session.get();
        m_window = std::make_unique<MainWindow>(s->estate());
        m_window->setWorkspace(&s->workspace());
        m_window->setActionRunner(s->actions());
        m_window->setBackendLookup([s](const QString &id) { return s->backend(id); });
        m_window->setPluginRecords(s->plugins()->records());
        m_window->resize(1400, 860);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        s->start();
        QTRY_VERIFY_WITH_TIMEOUT(s->isReady(), SyncTimeoutMs);
        QStringList loaded;
        for (const QString &id : {QStringLiteral("github"), QStringLiteral("jenkins"),
                                  QStringLiteral("gitlab"), QStringLiteral("argocd")})
            if (s->backend(id))
                loaded << id;
        qInfo("backends loaded: %s", qPrintable(loaded.join(QStringLiteral(", "))));
        QVERIFY2(!loaded.isEmpty(), "no backend plugin loaded from " FD_PLUGIN_DIR);
        QTRY_VERIFY_WITH_TIMEOUT(s->allSynced(), SyncTimeoutMs);
    }

    void cleanupTestCase()
    {
        // Models first, then the backends, then the servers they talk to.
        m_window.reset();
        m_session.reset();
        if (m_sandbox)
            m_sandbox->stop();
    }

    // A failed check leaves its dialog open: the next test must not find it.
    void cleanup()
    {
        if (!m_window)
            return;
        for (auto *d : m_window->findChildren<ConfirmActionDialog *>())
            if (d->isVisible())
                d->reject();
        QCoreApplication::processEvents();
    }

    void promoteCanaryStepFromCockpit()
    {
        QVERIFY2(m_session->backend(QStringLiteral("argocd")), "the Argo CD plugin did not load");
        Estate *estate = m_session->estate();
        QString key;
        auto findCanary = [&] {
            for (const Rollout &r : estate->rollouts())
                if (r.service == QLatin1String("checkout") &&
                    r.environment == QLatin1String("prod"))
                    key = r.key();
            return !key.isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(findCanary(), SyncTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            estate->rollouts().value(key).actionEnabled(QStringLiteral("resume")), SyncTimeoutMs);
        const int before = estate->rollouts().value(key).canaryWeight;
        const int step = estate->rollouts().value(key).currentStepIndex;

        m_window->showPage(MainWindow::Page::Canary);
        CanaryPage *cockpit = m_window->canaryPage();
        cockpit->selectRollout(key);
        QCOMPARE(cockpit->selectedKey(), key);
        QPushButton *promote = cockpit->button(QStringLiteral("resume"));
        QVERIFY(promote->isEnabled());
        const int mutating = int(m_sandbox->requests(QString(), true).size());
        QTest::mouseClick(promote, Qt::LeftButton);
        ConfirmActionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = openDialog(m_window.get())));
        // prod is protected: nothing goes until its name is typed.
        QVERIFY(dialog->typedNameEdit());
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QTest::keyClicks(dialog->typedNameEdit(), QStringLiteral("prod"));
        QVERIFY2(dialog->confirmButton()->isEnabled(),
                 qPrintable(dialog->refusals().join(QLatin1Char('\n'))));
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);

        QTRY_VERIFY_WITH_TIMEOUT(estate->rollouts().value(key).canaryWeight > before,
                                 MoveTimeoutMs);
        QVERIFY(estate->rollouts().value(key).currentStepIndex > step);
        QVERIFY(m_sandbox->requests(QStringLiteral("argocd"), true).size() >= 1);
        QVERIFY(int(m_sandbox->requests(QString(), true).size()) > mutating);
        // The cockpit's chart recorded the new weight.
        QTRY_VERIFY(!cockpit->history(key).isEmpty() &&
                    cockpit->history(key).last().y() ==
                        double(estate->rollouts().value(key).canaryWeight));
    }

    void approveGateFromInbox()
    {
        Estate *estate = m_session->estate();
        // A gate that holds a run we can watch: GitHub pending deployment, Jenkins input,
        // GitLab blocked deployment, whichever backends are here.
        Gate gate;
        auto findGate = [&] {
            for (GateKind kind : {GateKind::GitHubPendingDeployment, GateKind::JenkinsInput,
                                  GateKind::GitLabBlockedDeployment})
                for (const Gate &g : estate->gates())
                    if (g.kind == kind &&
                        estate->runs().contains(g.connectionId + QLatin1Char('/') + g.runId)) {
                        gate = g;
                        return true;
                    }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(findGate(), SyncTimeoutMs);
        const QString runKey = gate.connectionId + QLatin1Char('/') + gate.runId;
        const RunStatus before = estate->runs().value(runKey).status;
        qInfo("approving %s (%s), run %s", qPrintable(gate.key()), qPrintable(gate.title),
              qPrintable(runKey));

        m_window->showPage(MainWindow::Page::Inbox);
        InboxPage *inbox = m_window->inboxPage();
        inbox->selectGate(gate.key());
        QCOMPARE(inbox->selectedKey(), gate.key());
        QTest::keyClicks(inbox->commentEdit(), QStringLiteral("ship it"));
        QVERIFY(inbox->approveButton()->isEnabled());
        QTest::mouseClick(inbox->approveButton(), Qt::LeftButton);
        ConfirmActionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = openDialog(m_window.get())));
        if (dialog->typedNameEdit())
            QTest::keyClicks(dialog->typedNameEdit(), gate.environment);
        QVERIFY2(dialog->confirmButton()->isEnabled(),
                 qPrintable(dialog->refusals().join(QLatin1Char('\n'))));
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);

        // The gate leaves the inbox and the run it held moves on.
        QTRY_VERIFY_WITH_TIMEOUT(!estate->gates().contains(gate.key()), MoveTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(estate->runs().value(runKey).status != before, MoveTimeoutMs);
        QVERIFY(inbox->model()->rowOf(gate.key()) < 0);
    }

    void protectedEnvironmentRefusesWithoutTypedName()
    {
        const auto mutatingBefore = m_sandbox->requests(QString(), true).size();
        // Roll back a prod service: prod is protected in the demo workspace.
        const QString service = firstServiceWithCell(QStringLiteral("prod"));
        QVERIFY(!service.isEmpty());
        ReleaseAction rollback;
        rollback.verb = ReleaseAction::Verb::Rollback;
        rollback.service = service;
        rollback.environment = QStringLiteral("prod");
        m_window->requestAction(rollback);
        ConfirmActionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = openDialog(m_window.get())));
        QVERIFY(dialog->typedNameEdit());
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QTest::keyClicks(dialog->typedNameEdit(), QStringLiteral("staging"));
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QVERIFY(!dialog->refusals().isEmpty());
        // Even a forced accept does not get past the runner.
        QString why;
        const PreparedAction prepared = m_session->actions()->prepare(rollback);
        QCOMPARE(m_session->actions()->run(prepared, dialog->confirmation(), &why), quint64(0));
        QVERIFY2(why.contains(QLatin1String("prod")), qPrintable(why));
        dialog->reject();
        QTest::qWait(300);
        QCOMPARE(m_sandbox->requests(QString(), true).size(), mutatingBefore);
    }

    void freezeWindowBlocksWithoutReason()
    {
        const auto mutatingBefore = m_sandbox->requests(QString(), true).size();
        const QString service = firstServiceWithCell(QStringLiteral("staging"));
        QVERIFY(!service.isEmpty());
        const QModelIndex cell =
            m_window->matrixPage()->model()->indexOf(service, QStringLiteral("staging"));
        QVERIFY(cell.data(Roles::FrozenRole).toBool());
        QCOMPARE(cell.data(Roles::FreezeReasonRole).toString(), QStringLiteral("Test freeze"));
        ReleaseAction rollback;
        rollback.verb = ReleaseAction::Verb::Rollback;
        rollback.service = service;
        rollback.environment = QStringLiteral("staging");
        m_window->requestAction(rollback);
        ConfirmActionDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = openDialog(m_window.get())));
        QVERIFY(!dialog->typedNameEdit()); // staging is not protected
        QVERIFY(dialog->reasonEdit());
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
        QVERIFY(dialog->isVisible()); // a disabled confirm does nothing
        QString why;
        const PreparedAction prepared = m_session->actions()->prepare(rollback);
        QVERIFY(prepared.frozen);
        QCOMPARE(m_session->actions()->run(prepared, dialog->confirmation(), &why), quint64(0));
        QVERIFY2(!why.isEmpty(), "refused without saying why");
        // A written reason lets it through the guard (we cancel rather than roll back).
        QTest::keyClicks(dialog->reasonEdit(), QStringLiteral("hotfix for the outage"));
        QVERIFY2(dialog->refusals().isEmpty() ||
                     !dialog->refusals().join(QLatin1Char(' ')).contains(QLatin1String("freeze")),
                 qPrintable(dialog->refusals().join(QLatin1Char('\n'))));
        dialog->reject();
        QTest::qWait(300);
        QCOMPARE(m_sandbox->requests(QString(), true).size(), mutatingBefore);
    }

private:
    QString firstServiceWithCell(const QString &env) const
    {
        const EnvironmentMatrixModel *m = m_window->matrixPage()->model();
        for (int row = 0; row < m->rowCount(); ++row)
            if (!m->cell(m->serviceAt(row), env).version.isEmpty())
                return m->serviceAt(row);
        return {};
    }

    QTemporaryDir m_dir;
    QString m_workspace;
    std::unique_ptr<sandbox::Sandbox> m_sandbox;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestConsoleLive)
#include "tst_console_live.moc"
