// Contract test of the Jenkins plugin: the built plugin, loaded through the plugin host,
// against the in-process sandbox on loopback.

#include "jenkinstestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"
#include "jenkins/jenkinsserver.h"

#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
const QString kConn = QStringLiteral("jk-test");

sandbox::Fault fault(const QString &spec)
{
    sandbox::Fault f;
    QString error;
    if (!sandbox::parseFault(spec, &f, &error))
        qFatal("bad fault spec %s: %s", qPrintable(spec), qPrintable(error));
    return f;
}

ServiceBinding binding(const QString &service, const QString &env, const QString &job)
{
    ServiceBinding b;
    b.service = service;
    b.environment = env;
    b.object = job;
    b.options.insert(QStringLiteral("connection"), kConn);
    if (!env.isEmpty())
        b.options.insert(QStringLiteral("versionParameter"), QStringLiteral("VERSION"));
    return b;
}

struct Fixture
{
    std::unique_ptr<sandbox::Sandbox> sb;
    test::JenkinsTestSink sink;
    std::unique_ptr<Backend> backend;
    ConnectionConfig config;

    sandbox::JenkinsServer *jenkins() const
    {
        return dynamic_cast<sandbox::JenkinsServer *>(sb->backend(QStringLiteral("jenkins")));
    }

    bool startSandbox()
    {
        sandbox::Options o;
        o.scenario = QStringLiteral("demo");
        o.epochMs = kEpoch;
        sb = std::make_unique<sandbox::Sandbox>(o);
        QString error;
        if (!sb->start(&error)) {
            qWarning() << "sandbox:" << error;
            return false;
        }
        const QJsonObject cred = sb->backend(QStringLiteral("jenkins"))->credentials();
        config.id = kConn;
        config.kind = QStringLiteral("jenkins");
        config.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb->port(QStringLiteral("jenkins"))));
        config.secrets.insert(QStringLiteral("user"), cred.value(QLatin1String("user")).toString());
        config.secrets.insert(QStringLiteral("token"),
                              cred.value(QLatin1String("token")).toString());
        config.scope.insert(QStringLiteral("folders"),
                            QStringList{QStringLiteral("catalog"), QStringLiteral("search")});
        config.options.insert(QStringLiteral("pollInterval"), 0.3);
        config.options.insert(QStringLiteral("activePollInterval"), 0.1);
        config.options.insert(QStringLiteral("maxBackoffMs"), 800);
        config.options.insert(QStringLiteral("requestTimeoutMs"), 3000);
        config.options.insert(QStringLiteral("queuePollMs"), 50);
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        for (const QString &svc : {QStringLiteral("catalog"), QStringLiteral("search")}) {
            config.bindings.append(binding(svc, {}, svc + QStringLiteral("/build")));
            for (const QString &env : config.environments)
                config.bindings.append(binding(svc, env, svc + QStringLiteral("/deploy-") + env));
        }
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

    ActionPlan plan(ReleaseAction::Verb verb,
                    const QString &target,
                    const QString &service = {},
                    const QString &env = {},
                    const QString &version = {})
    {
        ReleaseAction a;
        a.verb = verb;
        a.connectionId = kConn;
        a.target = target;
        a.service = service;
        a.environment = env;
        a.version = version;
        return backend->plan(a);
    }

    /// Executes and waits for the result.
    ActionResult run(const ActionPlan &plan)
    {
        const quint64 ticket = backend->execute(plan);
        if (!QTest::qWaitFor([&] { return sink.results.contains(ticket); }, 20000))
            return ActionResult{false, QStringLiteral("no result in time")};
        return sink.results.value(ticket);
    }

    QList<sandbox::LoggedRequest> mutations() const
    {
        return sb->requests(QStringLiteral("jenkins"), true);
    }
    QList<sandbox::LoggedRequest> requests() const
    {
        return sb->requests(QStringLiteral("jenkins"));
    }
    int requestsMatching(const QString &pattern) const
    {
        const QRegularExpression re(pattern);
        int n = 0;
        for (const auto &r : requests())
            if (re.match(r.path).hasMatch())
                ++n;
        return n;
    }

    const Run *newestRun(const QString &pipeline) const
    {
        const Run *best = nullptr;
        for (const Run &r : sink.runs)
            if (r.pipeline == pipeline && (!best || r.number.toInt() > best->number.toInt()))
                best = &r;
        return best;
    }
};

/// The previous successful version of a target, as the world wrote it.
QString previousVersion(const sandbox::SimTarget &t)
{
    const sandbox::SimDeploy *current = t.current();
    for (qsizetype i = t.history.size() - 1; i >= 0; --i) {
        const auto &d = t.history.at(i);
        if (d.succeeded && current && d.version != current->version && &d != current)
            return d.version;
    }
    return {};
}

} // namespace

class TestJenkinsPlugin : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        const PluginRecord record = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdjenkins.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        QCOMPARE(record.kind, QStringLiteral("jenkins"));
        QCOMPARE(record.apiVersion, FD_BACKEND_API_VERSION);
        QCOMPARE(record.id, QStringLiteral("dev.flightdeck.jenkins"));
        QVERIFY(record.capabilities.contains(QStringLiteral("approvals")));
        QVERIFY(record.capabilities.contains(QStringLiteral("rollback")));
        m_factory = m_host.factory(QStringLiteral("jenkins"));
        QVERIFY(m_factory);
    }

    void initialSyncDeliversRunsStagesEnvironmentsDeploymentsAndTheInputGate()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QCOMPARE(f.backend->capabilities() & int(Capability::Approvals),
                 int(Capability::Approvals));

        // The CI pipeline runs, one of them in progress, with stages from wfapi/describe.
        const Run *ci = f.newestRun(QStringLiteral("catalog/build"));
        QVERIFY(ci);
        QCOMPARE(ci->id, QStringLiteral("catalog/build#%1").arg(ci->number));
        QCOMPARE(ci->service, QStringLiteral("catalog"));
        QVERIFY(ci->environment.isEmpty());
        QCOMPARE(fd::toString(ci->status), fd::toString(RunStatus::Running));
        QCOMPARE(ci->commit.size(), 40);
        QVERIFY(ci->stages.size() >= 2);
        QCOMPARE(ci->stages.first().name, QStringLiteral("Checkout"));
        QCOMPARE(fd::toString(ci->stages.first().status), fd::toString(RunStatus::Succeeded));
        QCOMPARE(fd::toString(ci->stages.last().status), fd::toString(RunStatus::Running));
        QVERIFY(ci->url.toString().endsWith(
            QStringLiteral("/job/catalog/job/build/%1/").arg(ci->number)));

        // A freestyle job: runs without stages, and no wfapi request was ever made for it.
        const Run *smoke = f.newestRun(QStringLiteral("catalog/smoke"));
        QVERIFY(smoke);
        QVERIFY(smoke->stages.isEmpty());
        QCOMPARE(fd::toString(smoke->status), fd::toString(RunStatus::Succeeded));
        QCOMPARE(f.requestsMatching(QStringLiteral("/job/smoke/.*wfapi")), 0);
        QVERIFY(!f.sink.hasProblem(QStringLiteral("smoke")));
        // Multibranch branches, with the branch name's '/' kept inside one path segment.
        QVERIFY(f.newestRun(QStringLiteral("catalog/branches/release%2F1.x")));

        // The deploy waiting at its input step is a gate, its run is Waiting.
        const sandbox::SimService *catalog = f.sb->world().service(QStringLiteral("catalog"));
        const sandbox::SimTarget *prod = catalog->target(QStringLiteral("prod"));
        QVERIFY(prod->pendingApproval);
        const Gate *gate = f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod"));
        QVERIFY(gate);
        // A copy: the sink's records move as the plugin keeps publishing during this test.
        const QString gateRunId = gate->runId;
        QCOMPARE(fd::toString(gate->kind), fd::toString(GateKind::JenkinsInput));
        QCOMPARE(gate->title, QStringLiteral("Deploy to prod?"));
        QVERIFY(gate->id.startsWith(gate->runId + QStringLiteral("/input/")));
        QVERIFY(gate->runId.startsWith(QStringLiteral("catalog/deploy-prod#")));
        QCOMPARE(gate->details.value(QStringLiteral("version")).toString(), prod->pendingVersion);
        QVERIFY(gate->details.value(QStringLiteral("abortUrl"))
                    .toString()
                    .endsWith(QStringLiteral("/abort")));
        QVERIFY(!gate->details.value(QStringLiteral("proceedUrl")).toString().isEmpty());
        QCOMPARE(fd::toString(f.sink.runs.value(gate->runId).status),
                 fd::toString(RunStatus::Waiting));
        QCOMPARE(fd::toString(f.sink.deployments.value(gate->runId).status),
                 fd::toString(DeployStatus::Blocked));

        // What runs where: the newest successful deploy build's VERSION parameter.
        for (const QString &env :
             {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")}) {
            const auto *current = catalog->target(env)->current();
            QVERIFY(current);
            const EnvironmentState st = f.sink.environments.value(QStringLiteral("catalog/") + env);
            QCOMPARE(st.version, current->version);
            QCOMPARE(st.commit, current->sha);
            QCOMPARE(st.object, QStringLiteral("catalog/deploy-") + env);
            QVERIFY(f.sink.deployments.contains(st.deploymentId));
            QCOMPARE(fd::toString(f.sink.deployments.value(st.deploymentId).status),
                     fd::toString(DeployStatus::Succeeded));
        }
        // search's newest staging deploy failed: the environment says so and keeps its version.
        const EnvironmentState searchStaging =
            f.sink.environments.value(QStringLiteral("search/staging"));
        QCOMPARE(fd::toString(searchStaging.health), fd::toString(Health::Degraded));
        QCOMPARE(searchStaging.version, f.sb->world()
                                            .service(QStringLiteral("search"))
                                            ->target(QStringLiteral("staging"))
                                            ->current()
                                            ->version);

        // Timeline events, each once.
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::RunStarted) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::RunSucceeded) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::RunFailed) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::DeploySucceeded) > 0);
        QCOMPARE(f.sink.eventCount(TimelineEvent::Kind::ApprovalRequested), 1);
        QSet<QString> ids;
        for (const auto &e : f.sink.events) {
            QVERIFY2(!ids.contains(e.sourceId), qPrintable(e.sourceId));
            ids.insert(e.sourceId);
        }

        // Efficiency: every JSON read names its fields; nothing asks for depth=.
        QTest::qWait(700);
        QCOMPARE(f.jenkins()->depthRequestCount(), 0);
        for (const auto &r : f.requests()) {
            QVERIFY2(!r.path.contains(QLatin1String("depth=")), qPrintable(r.path));
            if (r.path.contains(QLatin1String("/api/json")))
                QVERIFY2(r.path.contains(QLatin1String("tree=")), qPrintable(r.path));
        }
        QVERIFY(f.requestsMatching(
                    QStringLiteral("builds(\\[|%5B).*(\\{|%7B)0(,|%2C)20(\\}|%7D)")) > 0);
        // Finished builds' stages are read once: no describe of an old build repeats.
        QHash<QString, int> describes;
        for (const auto &r : f.requests())
            if (r.path.endsWith(QLatin1String("/wfapi/describe")))
                ++describes[r.path];
        for (auto it = describes.cbegin(); it != describes.cend(); ++it)
            if (!it.key().contains(QLatin1String("/job/build/")) &&
                !it.key().contains(gateRunId.section(QLatin1Char('#'), 1) +
                                   QLatin1String("/wfapi")))
                QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QCOMPARE(f.mutations().size(), 0);
    }

    void activeBuildsArePolledFasterThanIdleJobs()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        // Idle jobs wait a minute: none may be read in the window however long the first sync
        // took on a loaded machine.
        f.config.options.insert(QStringLiteral("pollInterval"), 60);
        f.config.options.insert(QStringLiteral("activePollInterval"), 0.1);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        f.sb->clearRequests();
        QTest::qWait(1500);
        const int active = f.requestsMatching(QStringLiteral("^/job/catalog/job/build/api/json"));
        const int idle = f.requestsMatching(QStringLiteral("^/job/search/job/deploy-dev/api/json"));
        const int listings = f.requestsMatching(QStringLiteral("^/job/catalog/api/json"));
        QVERIFY2(active >= 5, qPrintable(QString::number(active)));
        QCOMPARE(idle, 0);
        QCOMPARE(listings, 0);
    }

    void approveProceedsTheInputAndTheBuildMovesOnOnlyOnce()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate gate = *f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod"));
        const QString inputId = gate.details.value(QStringLiteral("inputId")).toString();

        // The CLI names the gate by its estate key: "<connection>/<gate id>".
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Approve, gate.key());
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.action.service, QStringLiteral("catalog"));
        QCOMPARE(plan.action.environment, QStringLiteral("prod"));
        QCOMPARE(plan.requests.size(), 1);
        QCOMPARE(plan.requests.first().method, QByteArray("POST"));
        const QString buildPath = QStringLiteral("/job/catalog/job/deploy-prod/%1")
                                      .arg(gate.runId.section(QLatin1Char('#'), 1));
        QCOMPARE(plan.requests.first().path,
                 buildPath + QStringLiteral("/input/") + inputId + QStringLiteral("/proceedEmpty"));
        QCOMPARE(plan.preconditions.size(), 1);
        QCOMPARE(plan.preconditions.first().path,
                 buildPath + QStringLiteral("/wfapi/pendingInputActions"));
        QCOMPARE(f.mutations().size(), 0); // planning sends nothing

        const ActionResult result = f.run(plan);
        QVERIFY2(result.ok, qPrintable(result.message + result.steps.join(QLatin1Char('\n'))));
        QCOMPARE(f.mutations().size(), 1);

        // A double click: the same plan again re-reads the precondition and sends nothing.
        const ActionResult again = f.run(plan);
        QVERIFY(!again.ok);
        QVERIFY2(again.message.contains(QLatin1String("precondition failed")),
                 qPrintable(again.message));
        QVERIFY(again.message.contains(QLatin1String("already answered")));
        QCOMPARE(f.mutations().size(), 1);

        // The build moves on past the input and finishes; prod then runs the pending version.
        QTRY_VERIFY_WITH_TIMEOUT(!f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod")),
                                 5000);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(gate.runId).status),
                                  fd::toString(RunStatus::Running), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.eventCount(TimelineEvent::Kind::ApprovalGranted), 1, 5000);
        f.sb->advance(90000);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(gate.runId).status),
                                  fd::toString(RunStatus::Succeeded), 5000);
        const QString pending = f.sb->world()
                                    .service(QStringLiteral("catalog"))
                                    ->target(QStringLiteral("prod"))
                                    ->pendingVersion;
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.environments.value(QStringLiteral("catalog/prod")).version,
                                  pending, 5000);
        QCOMPARE(f.sink.environments.value(QStringLiteral("catalog/prod")).deploymentId,
                 gate.runId);
    }

    void rejectAbortsTheInput()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate gate = *f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod"));
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Reject, {}, QStringLiteral("catalog"),
                                       QStringLiteral("prod"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QVERIFY(plan.requests.first().path.endsWith(
            QStringLiteral("/input/%1/abort")
                .arg(gate.details.value(QStringLiteral("inputId")).toString())));
        const ActionResult result = f.run(plan);
        QVERIFY2(result.ok, qPrintable(result.message));
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(gate.runId).status),
                                  fd::toString(RunStatus::Cancelled), 5000);
        QVERIFY(!f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod")));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.eventCount(TimelineEvent::Kind::ApprovalRejected), 1,
                                  5000);
        // What prod runs did not change.
        QCOMPARE(f.sink.environments.value(QStringLiteral("catalog/prod")).version,
                 f.sb->world()
                     .service(QStringLiteral("catalog"))
                     ->target(QStringLiteral("prod"))
                     ->current()
                     ->version);
    }

    void inputAnsweredElsewhereIsReportedAndNothingIsSent()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const ActionPlan approve = f.plan(ReleaseAction::Verb::Approve, {},
                                          QStringLiteral("catalog"), QStringLiteral("prod"));
        const ActionPlan reject = f.plan(ReleaseAction::Verb::Reject, {}, QStringLiteral("catalog"),
                                         QStringLiteral("prod"));
        QVERIFY(approve.feasible && reject.feasible);
        QVERIFY(f.run(reject).ok); // "another user" rejects first
        const ActionResult late = f.run(approve);
        QVERIFY(!late.ok);
        QVERIFY2(late.message.contains(QLatin1String("already answered")),
                 qPrintable(late.message));
        QCOMPARE(f.mutations().size(), 1);
    }

    void encodedBranchNamesStayIntactInPlansAndSteps()
    {
        // A multibranch branch release/1.x is the job key .../release%2F1.x: no QString::arg()
        // may read its %2F as a placeholder, in the plan or in the steps the audit log keeps.
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const QString job = QStringLiteral("catalog/branches/release%2F1.x");
        const QString url = QStringLiteral("/job/catalog/job/branches/job/release%2F1.x");
        QTRY_VERIFY_WITH_TIMEOUT(f.newestRun(job), 10000);
        const QString number = f.newestRun(job)->number;
        const ActionPlan rerun =
            f.plan(ReleaseAction::Verb::Rerun, job + QLatin1Char('#') + number);
        QVERIFY2(rerun.feasible, qPrintable(rerun.blockedReason));
        QCOMPARE(rerun.summary, QStringLiteral("Run ") + job +
                                    QStringLiteral(" again with the parameters of #") + number);
        QCOMPARE(rerun.requests.size(), 1);
        QCOMPARE(rerun.requests.first().purpose,
                 QStringLiteral("run ") + job + QStringLiteral(" again with the parameters of #") +
                     number);
        QVERIFY2(rerun.requests.first().path.startsWith(url + QStringLiteral("/build")),
                 qPrintable(rerun.requests.first().path));
        const Precondition idle = rerun.preconditions.first();
        QCOMPARE(idle.path, url + QStringLiteral("/api/json?tree=nextBuildNumber,inQueue"));
        QCOMPARE(idle.description, QStringLiteral("nobody started ") + job +
                                       QStringLiteral(" since it was read (next build #") +
                                       idle.expected + QStringLiteral(", nothing queued)"));

        const ActionResult result = f.run(rerun);
        QVERIFY2(result.ok, qPrintable(result.message + result.steps.join(QLatin1Char('\n'))));
        QCOMPARE(result.steps.first(), QStringLiteral("GET ") + idle.path +
                                           QStringLiteral(" -> 200: ") + idle.description +
                                           QStringLiteral(" holds"));
        QVERIFY2(result.steps.contains(QStringLiteral("POST ") + rerun.requests.first().path +
                                       QStringLiteral(" -> 201")),
                 qPrintable(result.steps.join(QLatin1Char('\n'))));
        QVERIFY2(result.message.startsWith(rerun.summary + QStringLiteral(": ")),
                 qPrintable(result.message));
    }

    void promoteRunsTheDeployJobAndFollowsTheQueueToTheBuild()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        // No version given: staging gets what dev runs.
        const QString devVersion = f.sink.environments.value(QStringLiteral("search/dev")).version;
        QVERIFY(!devVersion.isEmpty());
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Promote, {}, QStringLiteral("search"),
                                       QStringLiteral("staging"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.first().path,
                 QStringLiteral(
                     "/job/search/job/deploy-staging/buildWithParameters?VERSION=%1&delay=0sec")
                     .arg(devVersion));
        QCOMPARE(plan.preconditions.first().field, QStringLiteral("job.idle"));
        const ActionResult result = f.run(plan);
        QVERIFY2(result.ok, qPrintable(result.message + result.steps.join(QLatin1Char('\n'))));
        const QRegularExpression started(QStringLiteral("started as (search/deploy-staging#\\d+)"));
        const auto m = started.match(result.message);
        QVERIFY2(m.hasMatch(), qPrintable(result.message));
        const QString run = m.captured(1);
        QCOMPARE(f.mutations().size(), 1);
        QVERIFY(f.mutations().first().path.contains(QStringLiteral("VERSION=") + devVersion));
        QVERIFY(f.requestsMatching(QStringLiteral("^/queue/item/\\d+/api/json")) >= 1);

        // The same plan again: the job is no longer as it was read, so nothing is sent.
        const ActionResult again = f.run(plan);
        QVERIFY(!again.ok);
        QCOMPARE(f.mutations().size(), 1);

        QTRY_VERIFY_WITH_TIMEOUT(f.sink.runs.contains(run), 5000);
        f.sb->advance(120000);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(run).status),
                                  fd::toString(RunStatus::Succeeded), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            f.sink.environments.value(QStringLiteral("search/staging")).version, devVersion, 5000);
        QCOMPARE(fd::toString(f.sink.environments.value(QStringLiteral("search/staging")).health),
                 fd::toString(Health::Healthy));
        QCOMPARE(f.sink.deployments.value(run).version, devVersion);
    }

    void rollbackDeploysThePreviousSuccessfulVersion()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const sandbox::SimTarget *t =
            f.sb->world().service(QStringLiteral("search"))->target(QStringLiteral("dev"));
        const QString expected = previousVersion(*t);
        QVERIFY(!expected.isEmpty());
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Rollback, {}, QStringLiteral("search"),
                                       QStringLiteral("dev"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.context.value(QStringLiteral("version")).toString(), expected);
        QCOMPARE(plan.preconditions.size(), 2);
        QCOMPARE(plan.preconditions.last().field, QStringLiteral("build.number"));
        const ActionResult result = f.run(plan);
        QVERIFY2(result.ok, qPrintable(result.message + result.steps.join(QLatin1Char('\n'))));
        QVERIFY(result.message.contains(QLatin1String("started as search/deploy-dev#")));
        QVERIFY(f.mutations().first().path.contains(QStringLiteral("VERSION=") + expected));
        f.sb->advance(120000);
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.environments.value(QStringLiteral("search/dev")).version,
                                  expected, 5000);
    }

    void cancelStopsARunningBuildAndCancelsAQueuedItem()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("queueFollowMs"), 300);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);

        // A running deploy: stop it.
        const ActionResult started =
            f.run(f.plan(ReleaseAction::Verb::Promote, {}, QStringLiteral("search"),
                         QStringLiteral("dev"), QStringLiteral("v0.0.1-test")));
        QVERIFY2(started.ok, qPrintable(started.message));
        const QString run = QRegularExpression(QStringLiteral("search/deploy-dev#\\d+"))
                                .match(started.message)
                                .captured(0);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(run).status),
                                  fd::toString(RunStatus::Running), 5000);
        const ActionPlan stop =
            f.plan(ReleaseAction::Verb::Cancel, QStringLiteral("%1/%2").arg(kConn, run));
        QVERIFY2(stop.feasible, qPrintable(stop.blockedReason));
        QVERIFY(stop.requests.first().path.endsWith(QStringLiteral("/stop")));
        QVERIFY(f.run(stop).ok);
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(run).status),
                                  fd::toString(RunStatus::Cancelled), 5000);
        QVERIFY(!f.run(stop).ok); // stopped already: precondition fails, nothing sent

        // A queued build (prod is busy with the paused build): cancel the queue item.
        const ActionResult queued = f.run(f.plan(
            ReleaseAction::Verb::Rollback, {}, QStringLiteral("catalog"), QStringLiteral("prod")));
        QVERIFY2(queued.ok, qPrintable(queued.message));
        const auto m = QRegularExpression(QStringLiteral("queue/(\\d+)")).match(queued.message);
        QVERIFY2(m.hasMatch(), qPrintable(queued.message));
        const ActionPlan cancel =
            f.plan(ReleaseAction::Verb::Cancel, QStringLiteral("queue/") + m.captured(1));
        QVERIFY2(cancel.feasible, qPrintable(cancel.blockedReason));
        QCOMPARE(cancel.requests.first().path,
                 QStringLiteral("/queue/cancelItem?id=") + m.captured(1));
        const int before = f.mutations().size();
        QVERIFY(f.run(cancel).ok);
        QCOMPARE(f.mutations().size(), before + 1);
        QVERIFY(!f.run(cancel).ok);
        QCOMPARE(f.mutations().size(), before + 1);
    }

    void aCrumbIsFetchedWhenThePasswordNeedsOne()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.secrets.insert(QStringLiteral("token"), f.jenkins()->password());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const ActionResult result = f.run(f.plan(
            ReleaseAction::Verb::Approve, {}, QStringLiteral("catalog"), QStringLiteral("prod")));
        QVERIFY2(result.ok, qPrintable(result.message + result.steps.join(QLatin1Char('\n'))));
        const auto posts = f.mutations();
        QCOMPARE(posts.size(), 2);
        QCOMPARE(posts.first().status, 403);
        QVERIFY(posts.last().status < 400);
        QCOMPARE(f.requestsMatching(QStringLiteral("^/crumbIssuer/api/json")), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!f.sink.gateFor(QStringLiteral("catalog"), QStringLiteral("prod")),
                                 5000);
    }

    void logTailReadsProgressivelyWithOffsets()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Run *ci = f.newestRun(QStringLiteral("catalog/build"));
        QVERIFY(ci);
        QString text, error;
        bool done = false;
        f.backend->fetchLogTail(ci->id, {}, 4096, [&](const QString &t, const QString &e) {
            text = t;
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(text.startsWith(QLatin1String("Started by")));
        f.sb->advance(200000);
        done = false;
        f.backend->fetchLogTail(ci->id, {}, 4096, [&](const QString &t, const QString &e) {
            text = t;
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QVERIFY(text.contains(QLatin1String("Finished: SUCCESS")));
        QVERIFY(text.startsWith(QLatin1String("Started by"))); // the earlier part is kept
        QVERIFY(f.requestsMatching(QStringLiteral("progressiveText\\?start=[1-9]")) == 1);
        done = false;
        f.backend->fetchLogTail(QStringLiteral("no-such-run"), {}, 10,
                                [&](const QString &, const QString &e) {
                                    error = e;
                                    done = true;
                                });
        QTRY_VERIFY(done);
        QVERIFY(!error.isEmpty());
    }

    void badCredentialsAreAuthFailedNamingTheConnection_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("wrong token") << QStringLiteral("token");
        QTest::newRow("expired-token fault") << QStringLiteral("fault");
    }

    void badCredentialsAreAuthFailedNamingTheConnection()
    {
        QFETCH(QString, how);
        Fixture f;
        QVERIFY(f.startSandbox());
        const QString secret = QStringLiteral("not-the-token-5f3a9c");
        if (how == QLatin1String("token"))
            f.config.secrets.insert(QStringLiteral("token"), secret);
        else
            f.sb->setFaults({fault(QStringLiteral("jenkins:expired-token"))});
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state),
                 fd::toString(ConnectionHealth::State::AuthFailed));
        QVERIFY2(f.sink.health.reason.contains(kConn), qPrintable(f.sink.health.reason));
        QVERIFY(f.sink.health.reason.contains(QLatin1String("401")));
        for (const QString &t : f.sink.allTexts()) {
            QVERIFY(!t.contains(secret));
            QVERIFY(!t.contains(f.config.secret(QStringLiteral("token"))));
        }
        // Probing backs off rather than hammering the server.
        f.sb->clearRequests();
        QTest::qWait(600);
        QVERIFY2(f.requests().size() <= 8, qPrintable(QString::number(f.requests().size())));
        if (how == QLatin1String("fault")) {
            f.sb->setFaults({});
            QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                      fd::toString(ConnectionHealth::State::Ok), 8000);
            QVERIFY(!f.sink.runs.isEmpty());
        }
    }

    void serverFaultsKeepTheLastGoodStateAndBackOff_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("words");
        QTest::newRow("5xx") << QStringLiteral("jenkins:5xx") << QStringLiteral("HTTP 50");
        // The sandbox's mangled answers do not always arrive whole over QNAM (a read timeout
        // instead of a parse error), so only the shared words are required here; the parse path
        // itself is checked in tst_jenkinsparsers.
        QTest::newRow("malformed body")
            << QStringLiteral("jenkins:malformed") << QStringLiteral("keeping the last good state");
        QTest::newRow("slow responses")
            << QStringLiteral("jenkins:latency:1500ms") << QStringLiteral("timed out");
    }

    void serverFaultsKeepTheLastGoodStateAndBackOff()
    {
        QFETCH(QString, spec);
        QFETCH(QString, words);
        Fixture f;
        QVERIFY(f.startSandbox());
        if (spec.contains(QLatin1String("latency")))
            f.config.options.insert(QStringLiteral("requestTimeoutMs"), 500);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        const auto runs = f.sink.runs;
        const auto environments = f.sink.environments;
        const int gates = f.sink.gates.size();
        const qint64 pollsBefore =
            f.backend->statistics().value(QStringLiteral("polls")).toLongLong();

        f.sb->setFaults({fault(spec)});
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.health.state == ConnectionHealth::State::Degraded ||
                                     f.sink.health.state == ConnectionHealth::State::Unreachable,
                                 10000);
        QVERIFY2(f.sink.health.reason.contains(kConn), qPrintable(f.sink.health.reason));
        bool named = false;
        for (const auto &p : f.sink.problems)
            named = named || (p.message.contains(words) &&
                              p.message.contains(QLatin1String("last good state")));
        QVERIFY2(named, qPrintable(f.sink.problems.isEmpty() ? QString()
                                                             : f.sink.problems.last().message));
        QCOMPARE(f.sink.runs.keys().size(), runs.size());
        QCOMPARE(f.sink.environments, environments);
        QCOMPARE(f.sink.gates.size(), gates);

        // Backoff: at 0.1 s active polling about 20 polls would start in 2 s. With equal jitter
        // (base 0.1 s, cap 0.8 s) the waits are at least 0.1, 0.2, then 0.4 s each, so at most
        // 6 start in 2 s however the random draws fall; a slower machine only starts fewer.
        const qint64 pollsAtFault =
            f.backend->statistics().value(QStringLiteral("polls")).toLongLong();
        QTest::qWait(2000);
        const qint64 during =
            f.backend->statistics().value(QStringLiteral("polls")).toLongLong() - pollsAtFault;
        QVERIFY2(during <= 8, qPrintable(QString::number(during)));
        QVERIFY(pollsAtFault > pollsBefore);

        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 10000);
        QCOMPARE(f.sink.runs.keys().size(), runs.size());
    }

    void aMissingJobIsARecordLevelProblem()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        // Named directly (404 on read) and mapped under a listed folder (absent from the listing).
        f.config.scope.insert(QStringLiteral("jobs"),
                              QStringList{QStringLiteral("payments/deploy-prod")});
        f.config.bindings.append(binding(QStringLiteral("catalog"), QStringLiteral("qa"),
                                         QStringLiteral("catalog/deploy-qa")));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.hasProblem(QStringLiteral("job payments/deploy-prod"), QStringLiteral("404")),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.hasProblem(QStringLiteral("job catalog/deploy-qa"), QStringLiteral("not found")),
            5000);
        QCOMPARE(fd::toString(f.sink.health.state),
                 fd::toString(ConnectionHealth::State::Ok)); // the rest is fine
        QVERIFY(f.sink.environments.contains(QStringLiteral("catalog/prod")));
        QVERIFY(!f.plan(ReleaseAction::Verb::Promote, {}, QStringLiteral("catalog"),
                        QStringLiteral("qa"), QStringLiteral("v1"))
                     .feasible);
    }
};

QTEST_GUILESS_MAIN(TestJenkinsPlugin)
#include "tst_jenkinsplugin.moc"
