// Contract test of the GitHub Actions plugin: the built plugin, loaded through the plugin
// host, against the in-process sandbox on loopback.

#include "githubtestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();

// Every message any category logs while a test runs, for the "no token in any log" check.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    // Request lines are captured for the token check but not echoed: they would bury the
    // test's own output.
    if (g_previousHandler && type != QtDebugMsg && type != QtInfoMsg)
        g_previousHandler(type, context, message);
}

sandbox::Fault fault(const QString &spec)
{
    sandbox::Fault f;
    QString error;
    if (!sandbox::parseFault(spec, &f, &error))
        qFatal("bad fault spec %s: %s", qPrintable(spec), qPrintable(error));
    return f;
}

ServiceBinding binding(const QString &service,
                       const QString &env,
                       const QString &repo,
                       const QString &workflow,
                       const QString &githubEnv = {})
{
    ServiceBinding b;
    b.service = service;
    b.environment = env;
    b.object = repo;
    b.options.insert(QStringLiteral("workflow"), workflow);
    if (!githubEnv.isEmpty())
        b.options.insert(QStringLiteral("environment"), githubEnv);
    return b;
}

/// One sandbox, one backend made by the loaded plugin, one sink.
struct Fixture
{
    std::unique_ptr<sandbox::Sandbox> sb;
    test::GitHubTestSink sink;
    std::unique_ptr<Backend> backend;
    ConnectionConfig config;
    QString token;

    bool startSandbox(const QString &scenario = QStringLiteral("demo"))
    {
        sandbox::Options o;
        o.scenario = scenario;
        o.epochMs = kEpoch;
        sb = std::make_unique<sandbox::Sandbox>(o);
        QString error;
        if (!sb->start(&error)) {
            qWarning() << "sandbox:" << error;
            return false;
        }
        token = sb->backend(QStringLiteral("github"))
                    ->credentials()
                    .value(QLatin1String("token"))
                    .toString();
        config.id = QStringLiteral("gh-test");
        config.kind = QStringLiteral("github");
        config.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb->port(QStringLiteral("github"))));
        config.secrets.insert(QStringLiteral("token"), token);
        config.scope.insert(QStringLiteral("repos"), QStringList{QStringLiteral("acme/checkout"),
                                                                 QStringLiteral("acme/payments")});
        config.options.insert(QStringLiteral("pollInterval"), 0.2);
        config.options.insert(QStringLiteral("maxBackoffMs"), 1000);
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        config.bindings = {binding(QStringLiteral("checkout"), {}, QStringLiteral("acme/checkout"),
                                   QStringLiteral("ci.yml")),
                           binding(QStringLiteral("payments"), {}, QStringLiteral("acme/payments"),
                                   QStringLiteral("ci.yml")),
                           binding(QStringLiteral("payments"), QStringLiteral("prod"),
                                   QStringLiteral("acme/payments"), QStringLiteral("deploy.yml"),
                                   QStringLiteral("prod"))};
        return true;
    }

    bool startBackend(BackendFactory *factory)
    {
        backend = factory->create(config, &sink);
        if (!backend)
            return false;
        backend->start();
        return true;
    }

    const Gate *paymentsGate() const
    {
        for (const Gate &g : sink.gates)
            if (g.service == QLatin1String("payments") && g.environment == QLatin1String("prod"))
                return &g;
        return nullptr;
    }

    quint64 run(const ActionPlan &plan) { return backend->execute(plan); }

    ActionPlan plan(ReleaseAction::Verb verb,
                    const QString &target = {},
                    const QString &service = {},
                    const QString &env = {},
                    const QString &version = {})
    {
        ReleaseAction a;
        a.verb = verb;
        a.connectionId = config.id;
        a.target = target;
        a.service = service;
        a.environment = env;
        a.version = version;
        a.comment = QStringLiteral("from the contract test");
        return backend->plan(a);
    }

    int mutations() const { return int(sb->requests(QStringLiteral("github"), true).size()); }
    int requests() const { return int(sb->requests(QStringLiteral("github")).size()); }
};

const Run *findRun(const test::GitHubTestSink &sink,
                   const QString &service,
                   const QString &pipeline,
                   RunStatus status)
{
    for (const Run &r : sink.runs)
        if (r.service == service && r.pipeline == pipeline && r.status == status)
            return &r;
    return nullptr;
}

} // namespace

class TestGitHubPlugin : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(captureMessages);
        QLoggingCategory::setFilterRules(QStringLiteral("fd.*=true"));
        const PluginRecord record = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdgithub.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        QCOMPARE(record.kind, QStringLiteral("github"));
        QCOMPARE(record.apiVersion, FD_BACKEND_API_VERSION);
        QVERIFY(record.capabilities.contains(QStringLiteral("approvals")));
        QVERIFY(record.capabilities.contains(QStringLiteral("rollback")));
        m_factory = m_host.factory(QStringLiteral("github"));
        QVERIFY(m_factory);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void initialSyncDeliversRunsEnvironmentsDeploymentsAndGates()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QVERIFY(f.sink.health.rateLimitLimit > 0);

        // Runs with jobs as stages and steps, mapped to services by the bindings.
        const Run *ci = nullptr;
        for (const Run &r : f.sink.runs)
            if (r.service == QLatin1String("checkout") && r.pipeline == QLatin1String("CI") &&
                !r.stages.isEmpty() && (!ci || r.created > ci->created))
                ci = &r;
        QVERIFY(ci);
        QCOMPARE(ci->connectionId, f.config.id);
        QVERIFY(ci->number.toInt() > 0);
        QCOMPARE(ci->commit.size(), 40);
        QVERIFY(ci->stages.size() == 2);
        QCOMPARE(ci->stages.first().name, QStringLiteral("build"));
        QVERIFY(!ci->stages.first().steps.isEmpty());
        QCOMPARE(ci->stages.first().steps.first().name, QStringLiteral("Set up job"));

        // The deploy run waits at the prod gate.
        const Run *waiting = findRun(f.sink, QStringLiteral("payments"), QStringLiteral("Deploy"),
                                     RunStatus::Waiting);
        QVERIFY(waiting);
        QCOMPARE(waiting->environment, QStringLiteral("prod"));
        const Gate *gate = f.paymentsGate();
        QVERIFY(gate);
        QCOMPARE(fd::toString(gate->kind), fd::toString(GateKind::GitHubPendingDeployment));
        QCOMPARE(gate->runId, waiting->id);
        QVERIFY(
            gate->id.startsWith(QStringLiteral("run/") + waiting->id + QStringLiteral("/env/")));
        QCOMPARE(gate->approvers, QStringList{QStringLiteral("mina-park")});
        QVERIFY(gate->currentUserCanApprove);
        QCOMPARE(gate->details.value(QStringLiteral("runAttempt")).toInt(), 1);
        QCOMPARE(gate->details.value(QStringLiteral("environmentIds")).toList().size(), 1);

        // What runs in prod: the sandbox world's current prod version.
        const sandbox::SimService *payments = f.sb->world().service(QStringLiteral("payments"));
        const sandbox::SimDeploy *current = payments->target(QStringLiteral("prod"))->current();
        QVERIFY(current);
        QVERIFY(f.sink.environments.contains(QStringLiteral("payments/prod")));
        const EnvironmentState prod = f.sink.environments.value(QStringLiteral("payments/prod"));
        QCOMPARE(prod.version, current->version);
        QCOMPARE(prod.commit, current->sha);
        QCOMPARE(prod.object, QStringLiteral("acme/payments"));
        QVERIFY(!prod.deploymentId.isEmpty());
        QVERIFY(f.sink.deployments.contains(prod.deploymentId));
        QCOMPARE(fd::toString(f.sink.deployments.value(prod.deploymentId).status),
                 fd::toString(DeployStatus::Succeeded));

        // Timeline events with stable source ids, published once.
        QVERIFY(f.sink.hasEvent(TimelineEvent::Kind::RunStarted));
        QVERIFY(f.sink.hasEvent(TimelineEvent::Kind::RunSucceeded));
        QVERIFY(f.sink.hasEvent(TimelineEvent::Kind::DeploySucceeded));
        QVERIFY(f.sink.hasEvent(TimelineEvent::Kind::ApprovalRequested));
        QSet<QString> ids;
        for (const auto &e : f.sink.events) {
            QVERIFY2(!ids.contains(e.sourceId), qPrintable(e.sourceId));
            ids.insert(e.sourceId);
        }
        const int published = f.sink.publishes;
        QTest::qWait(800); // several polls with nothing changed: no publish, no duplicate event
        QCOMPARE(f.sink.publishes, published);
    }

    void approveMovesTheWaitingRunOnAndIsNeverSentTwice()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate *gate = f.paymentsGate();
        QVERIFY(gate);
        const QString runId = gate->runId;

        const ActionPlan plan = f.plan(ReleaseAction::Verb::Promote, {}, QStringLiteral("payments"),
                                       QStringLiteral("prod"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 1);
        QCOMPARE(plan.requests.first().method, QByteArray("POST"));
        QCOMPARE(
            plan.requests.first().path,
            QStringLiteral("/repos/acme/payments/actions/runs/%1/pending_deployments").arg(runId));
        const QJsonObject body = QJsonDocument::fromJson(plan.requests.first().body).object();
        QCOMPARE(body.value(QLatin1String("state")).toString(), QStringLiteral("approved"));
        QCOMPARE(body.value(QLatin1String("comment")).toString(),
                 QStringLiteral("from the contract test"));
        QCOMPARE(
            qint64(body.value(QLatin1String("environment_ids")).toArray().first().toDouble()),
            gate->details.value(QStringLiteral("environmentIds")).toList().first().toLongLong());
        QVERIFY(plan.preconditions.size() >= 2);
        QCOMPARE(f.mutations(), 0); // planning sends nothing

        const quint64 ticket = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QCOMPARE(f.mutations(), 1);

        // The gate goes, the approval shows on the timeline, the run goes on and deploys.
        QTRY_VERIFY_WITH_TIMEOUT(!f.sink.gates.contains(gate->id), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.hasEvent(TimelineEvent::Kind::ApprovalGranted), 10000);
        f.sb->advance(10 * 60 * 1000);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(runId).status),
                                  fd::toString(RunStatus::Succeeded), 10000);
        const auto *payments = f.sb->world().service(QStringLiteral("payments"));
        QTRY_COMPARE_WITH_TIMEOUT(
            f.sink.environments.value(QStringLiteral("payments/prod")).version,
            payments->target(QStringLiteral("prod"))->pendingVersion, 10000);

        // The same plan again (a double click): the fresh read finds no pending deployment.
        const quint64 again = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(again), 10000);
        QVERIFY(!f.sink.results.value(again).ok);
        QVERIFY2(f.sink.results.value(again).message.contains(QStringLiteral("precondition")),
                 qPrintable(f.sink.results.value(again).message));
        QCOMPARE(f.mutations(), 1);
    }

    void rejectFailsTheWaitingRun()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate *gate = f.paymentsGate();
        QVERIFY(gate);
        const QString runId = gate->runId;
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Reject, gate->id);
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QVERIFY(plan.requests.first().body.contains("\"state\":\"rejected\""));
        const quint64 ticket = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(runId).status),
                                  fd::toString(RunStatus::Failed), 10000);
        QVERIFY(f.sink.gates.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.hasEvent(TimelineEvent::Kind::ApprovalRejected), 10000);

        // Pause is the same verb on GitHub; with nothing waiting it is refused, not guessed.
        const ActionPlan pause = f.plan(ReleaseAction::Verb::Pause, {}, QStringLiteral("payments"),
                                        QStringLiteral("prod"));
        QVERIFY(!pause.feasible);
        QVERIFY(!pause.alternatives.isEmpty());
    }

    void cancelHandles202And409()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate *gate = f.paymentsGate();
        QVERIFY(gate);
        const QString runId = gate->runId;
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Cancel, runId);
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.first().path,
                 QStringLiteral("/repos/acme/payments/actions/runs/%1/cancel").arg(runId));
        const quint64 ticket = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QCOMPARE(f.sink.results.value(ticket).httpStatus, 202);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(runId).status),
                                  fd::toString(RunStatus::Cancelled), 10000);

        // A finished run: the plan refuses; a plan made without preconditions meets GitHub's 409.
        const ActionPlan late = f.plan(ReleaseAction::Verb::Cancel, runId);
        QVERIFY(!late.feasible);
        ActionPlan forced = plan;
        forced.preconditions.clear();
        const quint64 t409 = f.run(forced);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t409), 10000);
        const ActionResult r409 = f.sink.results.value(t409);
        QVERIFY(!r409.ok);
        QCOMPARE(r409.httpStatus, 409);
        QVERIFY2(r409.message.contains(QStringLiteral("can no longer be cancelled")),
                 qPrintable(r409.message));
    }

    void rerunAndRerunFailedStartNewAttempts()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Run *failed =
            findRun(f.sink, QStringLiteral("payments"), QStringLiteral("CI"), RunStatus::Failed);
        const Run *succeeded =
            findRun(f.sink, QStringLiteral("checkout"), QStringLiteral("CI"), RunStatus::Succeeded);
        QVERIFY(failed);
        QVERIFY(succeeded);
        const QString failedId = failed->id;
        const QString succeededId = succeeded->id;

        QVERIFY(!f.plan(ReleaseAction::Verb::RerunFailed, succeededId).feasible);
        const ActionPlan rerunFailed = f.plan(ReleaseAction::Verb::RerunFailed, failedId);
        QVERIFY2(rerunFailed.feasible, qPrintable(rerunFailed.blockedReason));
        QVERIFY(rerunFailed.requests.first().path.endsWith(QStringLiteral("/rerun-failed-jobs")));
        const ActionPlan rerun = f.plan(ReleaseAction::Verb::Rerun, succeededId);
        QVERIFY2(rerun.feasible, qPrintable(rerun.blockedReason));

        // Two mutations at once: they reach GitHub at least a second apart.
        const quint64 t1 = f.run(rerunFailed);
        const quint64 t2 = f.run(rerun);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t1) && f.sink.results.contains(t2), 10000);
        QVERIFY2(f.sink.results.value(t1).ok, qPrintable(f.sink.results.value(t1).message));
        QVERIFY2(f.sink.results.value(t2).ok, qPrintable(f.sink.results.value(t2).message));
        QCOMPARE(f.sink.results.value(t1).httpStatus, 201);
        const auto posts = f.sb->requests(QStringLiteral("github"), true);
        QCOMPARE(posts.size(), 2);
        QVERIFY2(posts.at(1).realTimeMs - posts.at(0).realTimeMs >= 990,
                 qPrintable(QString::number(posts.at(1).realTimeMs - posts.at(0).realTimeMs)));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.runs.value(failedId).attempt, 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.runs.value(succeededId).attempt, 2, 10000);
        QVERIFY(!isFinished(f.sink.runs.value(failedId).status));
    }

    void promoteWithoutGateDispatchesTheDeployWorkflow()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        // Clear the gate first so promote has to dispatch.
        const quint64 rejected = f.run(f.plan(ReleaseAction::Verb::Reject, f.paymentsGate()->id));
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(rejected), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.gates.isEmpty(), 10000);

        const auto *payments = f.sb->world().service(QStringLiteral("payments"));
        const QString version = payments->target(QStringLiteral("prod"))->pendingVersion;
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Promote, {}, QStringLiteral("payments"),
                                       QStringLiteral("prod"), version);
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 1);
        QCOMPARE(plan.requests.first().path,
                 QStringLiteral("/repos/acme/payments/actions/workflows/deploy.yml/dispatches"));
        const QJsonObject body = QJsonDocument::fromJson(plan.requests.first().body).object();
        QCOMPARE(body.value(QLatin1String("ref")).toString(), QStringLiteral("main"));
        QCOMPARE(body.value(QLatin1String("inputs"))
                     .toObject()
                     .value(QLatin1String("version"))
                     .toString(),
                 version);
        QCOMPARE(body.value(QLatin1String("inputs"))
                     .toObject()
                     .value(QLatin1String("environment"))
                     .toString(),
                 QStringLiteral("prod"));
        QVERIFY(!plan.preconditions.isEmpty());
        const QList<QString> idsBefore = f.sink.runs.keys();
        const quint64 ticket = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QVERIFY(f.sink.results.value(ticket).httpStatus == 204 ||
                f.sink.results.value(ticket).httpStatus == 200);
        // The dispatched run appears and, prod being protected, waits at a new gate.
        const auto dispatched = [&] {
            for (const Run &r : std::as_const(f.sink.runs))
                if (!idsBefore.contains(r.id) && r.event == QLatin1String("workflow_dispatch") &&
                    r.pipeline == QLatin1String("Deploy"))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(dispatched(), 10000);
        f.sb->advance(60 * 1000); // past the plan job, to the gated deploy job
        QTRY_VERIFY_WITH_TIMEOUT(f.paymentsGate() != nullptr, 10000);
    }

    void rollbackDispatchesThePreviousGoodVersion()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        // staging on GitHub has no deployments at all: nothing to roll back to.
        f.config.bindings.append(binding(QStringLiteral("payments"), QStringLiteral("staging"),
                                         QStringLiteral("acme/payments"),
                                         QStringLiteral("deploy.yml")));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);

        const ActionPlan none = f.plan(ReleaseAction::Verb::Rollback, {},
                                       QStringLiteral("payments"), QStringLiteral("staging"));
        QVERIFY(!none.feasible);
        QVERIFY2(none.blockedReason.contains(QStringLiteral("no earlier successful deployment")),
                 qPrintable(none.blockedReason));

        // Expected: the newest succeeded prod deploy before the current one, of another commit.
        const auto *prod =
            f.sb->world().service(QStringLiteral("payments"))->target(QStringLiteral("prod"));
        const sandbox::SimDeploy *current = prod->current();
        QString expected;
        QString expectedSha;
        for (auto it = prod->history.crbegin(); it != prod->history.crend(); ++it)
            if (it->succeeded && it->sha != current->sha && &*it != current) {
                expected = it->version;
                expectedSha = it->sha;
                break;
            }
        QVERIFY(!expected.isEmpty());
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Rollback, {},
                                       QStringLiteral("payments"), QStringLiteral("prod"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.context.value(QStringLiteral("fromVersion")).toString(), current->version);
        QCOMPARE(plan.context.value(QStringLiteral("toVersion")).toString(), expected);
        QCOMPARE(plan.context.value(QStringLiteral("toCommit")).toString(), expectedSha);
        QVERIFY(plan.summary.contains(expected));
        const QJsonObject body = QJsonDocument::fromJson(plan.requests.first().body).object();
        QCOMPARE(body.value(QLatin1String("inputs"))
                     .toObject()
                     .value(QLatin1String("version"))
                     .toString(),
                 expected);

        const quint64 ticket = f.run(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        const auto posts = f.sb->requests(QStringLiteral("github"), true);
        QCOMPARE(posts.size(), 1);
        QVERIFY(posts.first().path.endsWith(
            QStringLiteral("/actions/workflows/deploy.yml/dispatches")));
        QVERIFY(posts.first().body.contains(expected));

        // A plan made before something else deployed: the precondition stops it.
        ActionPlan stale = plan;
        stale.preconditions.first().expected = QStringLiteral("1");
        const quint64 t2 = f.run(stale);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t2), 10000);
        QVERIFY(!f.sink.results.value(t2).ok);
        QCOMPARE(f.sb->requests(QStringLiteral("github"), true).size(), 1);
    }

    void logTailFollowsTheRedirect()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Run *run = nullptr;
        for (const Run &r : std::as_const(f.sink.runs))
            if (r.service == QLatin1String("checkout") && r.status == RunStatus::Succeeded &&
                !r.stages.isEmpty())
                run = &r;
        QVERIFY(run);
        QString text, error;
        bool done = false;
        f.backend->fetchLogTail(run->id, run->stages.first().id, 4096,
                                [&](const QString &t, const QString &e) {
                                    text = t;
                                    error = e;
                                    done = true;
                                });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(text.contains(QStringLiteral("Set up job")), qPrintable(text));
        // The tail is a tail.
        done = false;
        f.backend->fetchLogTail(run->id, run->stages.first().id, 10,
                                [&](const QString &t, const QString &) {
                                    text = t;
                                    done = true;
                                });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY(text.size() <= 10);
    }

    void enterpriseBaseUrlWorksUnchanged()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.baseUrl.setPath(QStringLiteral("/api/v3"));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QVERIFY(f.paymentsGate());
        const auto logged = f.sb->requests(QStringLiteral("github"));
        QVERIFY(!logged.isEmpty());
        for (const auto &r : logged)
            QVERIFY2(r.path.startsWith(QStringLiteral("/api/v3/repos/")), qPrintable(r.path));
    }

    void expiredTokenPausesPollingAndNamesTheConnection()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->setFaults({fault(QStringLiteral("github:expired-token"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::AuthFailed), 10000);
        QVERIFY2(f.sink.health.reason.contains(f.config.id), qPrintable(f.sink.health.reason));
        QVERIFY(f.sink.health.reason.contains(QStringLiteral("401")));
        // No retry storm: nothing more goes out while the credential stays the same.
        QTest::qWait(300);
        const int after = f.requests();
        QTest::qWait(1200);
        QCOMPARE(f.requests(), after);
        QCOMPARE(f.sink.problemsAt(QStringLiteral("connection ") + f.config.id), 1);
        // Records stay as they were last read.
        QVERIFY(!f.sink.runs.isEmpty());
    }

    void unknownRepositoryIsAProblemOfItsOwn()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.scope.insert(QStringLiteral("repos"), QStringList{QStringLiteral("acme/payments"),
                                                                   QStringLiteral("acme/nope")});
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(f.sink.problemsAt(QStringLiteral("repo acme/nope")), 1);
        QVERIFY(f.sink.problems.first().message.contains(QStringLiteral("404")));
        QVERIFY(f.paymentsGate());
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QTest::qWait(800); // logged once, not per poll
        QCOMPARE(f.sink.problemsAt(QStringLiteral("repo acme/nope")), 1);
    }

    void ownersScopeWatchesEveryActiveRepositoryOfTheOrganisation()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.scope = {{QStringLiteral("owners"), QStringList{QStringLiteral("acme")}}};
        f.config.bindings.clear(); // nothing else names a repository
        f.config.options.insert(QStringLiteral("ownerRelistPolls"), 3);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(f.sink.problems.size(), 0);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        // Unbound repositories map to a service of their own name.
        QSet<QString> services;
        for (const Run &r : std::as_const(f.sink.runs))
            services.insert(r.service);
        QVERIFY2(services.contains(QStringLiteral("checkout")),
                 qPrintable(QStringList(services.cbegin(), services.cend()).join(u',')));
        QVERIFY(services.contains(QStringLiteral("payments")));
        QVERIFY(findRun(f.sink, QStringLiteral("payments"), QStringLiteral("Deploy"),
                        RunStatus::Waiting));
        // The archived repository of the organisation is listed but never polled.
        const auto paths = [&f](const QString &fragment) {
            int n = 0;
            for (const sandbox::LoggedRequest &r : f.sb->requests(QStringLiteral("github")))
                n += r.path.contains(fragment) ? 1 : 0;
            return n;
        };
        QVERIFY(paths(QStringLiteral("/orgs/acme/repos")) >= 1);
        QCOMPARE(paths(QStringLiteral("/users/acme/repos")), 0);
        QCOMPARE(paths(QStringLiteral("legacy-monolith")), 0);
        QVERIFY(paths(QStringLiteral("/repos/acme/checkout/actions/runs")) >= 1);
        const QVariantMap stats = f.backend->statistics();
        QCOMPARE(stats.value(QStringLiteral("repositories")).toInt(), int(services.size()));

        // Relisted on the slow cadence only, and conditionally: unchanged lists are 304s.
        QTRY_VERIFY_WITH_TIMEOUT(
            f.backend->statistics().value(QStringLiteral("polls")).toInt() >= 8, 15000);
        const qint64 polls = f.backend->statistics().value(QStringLiteral("polls")).toLongLong();
        int listings = 0, listings304 = 0;
        for (const sandbox::LoggedRequest &r : f.sb->requests(QStringLiteral("github")))
            if (r.path.startsWith(QStringLiteral("/orgs/acme/repos"))) {
                ++listings;
                listings304 += r.status == 304 ? 1 : 0;
            }
        QVERIFY2(listings >= 2 && listings <= (polls + 2) / 3 + 1,
                 qPrintable(QStringLiteral("%1 listings in %2 polls").arg(listings).arg(polls)));
        QCOMPARE(listings304, listings - 1);
        QCOMPARE(f.sink.problems.size(), 0);
    }

    void ownerScopeMergesWithReposAndFallsBackToUsers()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        // acme/payments twice (by name and through its owner), a user account, and an owner
        // nobody has heard of.
        f.config.scope = {{QStringLiteral("repos"), QStringList{QStringLiteral("acme/payments")}},
                          {QStringLiteral("owners"),
                           QStringList{QStringLiteral("acme"), QStringLiteral("priya-raman"),
                                       QStringLiteral("no-such-owner")}}};
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(f.sink.problems.size(), 1);
        QCOMPARE(f.sink.problems.first().where, QStringLiteral("owner no-such-owner"));
        QVERIFY(f.sink.problems.first().message.contains(QStringLiteral("no-such-owner")));
        QVERIFY(f.sink.problems.first().message.contains(QStringLiteral("404")));
        // The other repositories keep working.
        QVERIFY(f.paymentsGate());
        QVERIFY(findRun(f.sink, QStringLiteral("checkout"), QStringLiteral("CI"),
                        RunStatus::Succeeded));
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        // No duplicate: each repository's runs are read once per poll.
        int paymentsRuns = 0, userOrg = 0, userRepos = 0;
        const qint64 polls = f.backend->statistics().value(QStringLiteral("polls")).toLongLong();
        for (const sandbox::LoggedRequest &r : f.sb->requests(QStringLiteral("github"))) {
            paymentsRuns += r.path.startsWith(QStringLiteral("/repos/acme/payments/actions/runs?"));
            if (r.path.startsWith(QStringLiteral("/orgs/priya-raman/repos")))
                userOrg += r.status == 404 ? 1 : 100;
            if (r.path.startsWith(QStringLiteral("/users/priya-raman/repos")))
                userRepos += r.status == 200 ? 1 : 100;
        }
        QVERIFY2(
            paymentsRuns <= polls + 1,
            qPrintable(QStringLiteral("%1 run lists in %2 polls").arg(paymentsRuns).arg(polls)));
        QCOMPARE(userOrg, 1);
        QCOMPARE(userRepos, 1);
        QTest::qWait(800); // reported once, not per poll
        QCOMPARE(f.sink.problemsAt(QStringLiteral("no-such-owner")), 1);
        QCOMPARE(f.sink.problems.size(), 1);
    }

    void malformedBodiesKeepTheLastGoodStateAndRecover()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Run *running =
            findRun(f.sink, QStringLiteral("checkout"), QStringLiteral("CI"), RunStatus::Running);
        QVERIFY(running);
        const QString runId = running->id;
        const auto runsBefore = f.sink.runs;
        f.sb->setFaults({fault(QStringLiteral("github:malformed"))});
        // The run finishes while every answer is broken: the plugin must not guess.
        f.sb->advance(10 * 60 * 1000);
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.problemsAt(QStringLiteral("repo acme/checkout: workflow runs")) == 1, 10000);
        QTest::qWait(800);
        QCOMPARE(f.sink.problemsAt(QStringLiteral("repo acme/checkout: workflow runs")), 1); // once
        QCOMPARE(f.sink.runs.value(runId), runsBefore.value(runId));
        for (const auto &p : f.sink.problems)
            if (p.where.contains(QStringLiteral("workflow runs")))
                QVERIFY2(p.message.contains(QStringLiteral("keeping the last good state")),
                         qPrintable(p.message));

        // The answers heal: the change comes through (nothing stuck in the conditional cache).
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(runId).status),
                                  fd::toString(RunStatus::Succeeded), 10000);
    }

    void serverErrorsDegradeAndBackOff()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("maxAttempts"), 2);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->setFaults({fault(QStringLiteral("github:5xx"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Degraded), 15000);
        QVERIFY2(f.sink.health.reason.contains(f.config.id), qPrintable(f.sink.health.reason));
        QVERIFY(!f.sink.runs.isEmpty());
        // Backing off: far fewer polls than the 0.2 s interval would make.
        const int before = f.requests();
        QTest::qWait(2000);
        const int during = f.requests() - before;
        QVERIFY2(during < 10 * 4, qPrintable(QString::number(during)));
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 15000);
    }

    void timeoutsDegrade()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("maxAttempts"), 1);
        f.config.options.insert(QStringLiteral("requestTimeoutMs"), 300);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->setFaults({fault(QStringLiteral("github:timeout:1s"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Degraded), 15000);
        QVERIFY2(f.sink.health.reason.contains(QStringLiteral("timed out")),
                 qPrintable(f.sink.health.reason));
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 15000);
    }

    void rateLimitShowsUntilWhenAndStopsAsking()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->setFaults({fault(QStringLiteral("github:rate-limit"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::RateLimited), 10000);
        QVERIFY(f.sink.health.rateLimitedUntil > QDateTime::currentDateTimeUtc().addSecs(30));
        QVERIFY2(f.sink.health.reason.contains(QStringLiteral("until")),
                 qPrintable(f.sink.health.reason));
        QTest::qWait(300);
        const int after = f.requests();
        QTest::qWait(1500);
        QCOMPARE(f.requests(), after);
        QVERIFY(!f.sink.runs.isEmpty());
    }

    void noTokenInAnyLogOrText()
    {
        // Runs last: every earlier test's logs are in g_log too.
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.scope.insert(QStringLiteral("repos"), QStringList{QStringLiteral("acme/payments"),
                                                                   QStringLiteral("acme/nope")});
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->setFaults({fault(QStringLiteral("github:expired-token"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::AuthFailed), 10000);
        QVERIFY(!f.token.isEmpty());
        QMutexLocker lock(&g_logMutex);
        QVERIFY(g_log.size() > 10); // the net category did log
        for (const QString &line : std::as_const(g_log))
            QVERIFY2(!line.contains(f.token) && !line.contains(f.token.mid(4)), qPrintable(line));
        for (const QString &text : f.sink.allTexts())
            QVERIFY2(!text.contains(f.token.mid(4)), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestGitHubPlugin)
#include "tst_githubplugin.moc"
