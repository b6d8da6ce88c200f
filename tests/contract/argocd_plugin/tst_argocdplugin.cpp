// The built Argo CD plugin, loaded through the plugin host, against the in-process sandbox
// on both Argo CD versions (2.14: v1 actions, no pause; 3.5: v2 actions), plus a tiny fixture
// server for stream frames the sandbox never sends (malformed SSE, bad records).

#include "argocdtestsink.h"

#include "argocd/argocdserver.h"
#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest>

#include <httplib.h>

#include <atomic>
#include <thread>

using namespace fd;
using fd::test::ArgoCdTestSink;
using Verb = ReleaseAction::Verb;

namespace {

constexpr int kWait = 15000;

struct Harness
{
    std::unique_ptr<sandbox::Sandbox> sb;
    ArgoCdTestSink sink;
    ConnectionConfig config;
    std::unique_ptr<Backend> backend;

    const Rollout *rollout(const QString &key = QStringLiteral("checkout-prod/checkout")) const
    {
        const auto it = sink.rollouts.constFind(key);
        return it == sink.rollouts.constEnd() ? nullptr : &*it;
    }
    QList<sandbox::LoggedRequest> requests(const QString &pathPrefix, bool mutating = false) const
    {
        QList<sandbox::LoggedRequest> out;
        for (const auto &r : sb->requests(QStringLiteral("argocd"), mutating))
            if (r.path.startsWith(pathPrefix))
                out << r;
        return out;
    }
    int listRequests() const
    {
        int n = 0;
        for (const auto &r : requests(QStringLiteral("/api/v1/applications")))
            if (r.path == QLatin1String("/api/v1/applications") ||
                r.path.startsWith(QLatin1String("/api/v1/applications?")))
                ++n;
        return n;
    }
    ReleaseAction action(Verb verb,
                         const QString &service = QStringLiteral("checkout"),
                         const QString &env = QStringLiteral("prod")) const
    {
        ReleaseAction a;
        a.verb = verb;
        a.connectionId = config.id;
        a.service = service;
        a.environment = env;
        a.actor = QStringLiteral("tester");
        return a;
    }
};

QString param(const QString &path, const QString &name)
{
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    return q < 0 ? QString() : QUrlQuery(path.mid(q + 1)).queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace

class TestArgoCdPlugin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void firstListThenStream_data();
    void firstListThenStream();
    void sessionLogin();
    void incidentCanaryStalls();
    void promoteOneStep_data();
    void promoteOneStep();
    void promoteFull_data();
    void promoteFull();
    void abortThenRetry_data();
    void abortThenRetry();
    void pauseOnlyOn31_data();
    void pauseOnlyOn31();
    void rollbackRefusedWithAutoSync_data();
    void rollbackRefusedWithAutoSync();
    void rollbackWithoutAutoSync_data();
    void rollbackWithoutAutoSync();
    void doubleExecuteSendsOnce_data();
    void doubleExecuteSendsOnce();
    void keepAliveSilenceReconnects();
    void dropReconnectsAndResumes();
    void unauthorizedStreamStops();
    void aFailedFirstReadEndsTheInitialSync_data();
    void aFailedFirstReadEndsTheInitialSync();
    void badInputOnTheStream();
    void managedResources_data();
    void managedResources();
    void managedResourcesTimeout();
    void sourceCommitFromTheWorkload_data();
    void sourceCommitFromTheWorkload();
    void syncWindowFreeze_data();
    void syncWindowFreeze();
    void firstListInChunksWithoutFirstSightEvents();

private:
    struct Managed
    {
        QList<ManagedResource> resources;
        QString error;
        int calls = 0;
        bool onGuiThread = false;
    };
    std::shared_ptr<Managed> fetchManaged(const QString &app);

    bool startHarness(const QString &version,
                      const QStringList &faults = {},
                      const QVariantMap &options = {},
                      bool session = false,
                      const QString &scenario = QStringLiteral("demo"));
    ActionResult runAction(const ActionPlan &plan);

    PluginHost m_host;
    BackendFactory *m_factory = nullptr;
    std::unique_ptr<Harness> m_h;
};

void TestArgoCdPlugin::initTestCase()
{
    const PluginRecord rec = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdargocd.so"));
    QVERIFY2(rec.loaded, qPrintable(rec.error));
    QCOMPARE(rec.kind, QStringLiteral("argocd"));
    QCOMPARE(rec.apiVersion, FD_BACKEND_API_VERSION);
    QVERIFY(rec.capabilities.contains(QStringLiteral("canary")));
    QVERIFY(rec.capabilities.contains(QStringLiteral("rollback")));
    QVERIFY(rec.capabilities.contains(QStringLiteral("streaming")));
    m_factory = m_host.factory(QStringLiteral("argocd"));
    QVERIFY(m_factory);
}

void TestArgoCdPlugin::init()
{
    // Short keep-alives so a 2 s idle timeout never fires on a healthy stream.
    sandbox::argocd::setKeepAliveIntervalMs(200);
}

void TestArgoCdPlugin::cleanup()
{
    if (m_h && m_h->backend)
        m_h->backend->stop();
    m_h.reset();
}

bool TestArgoCdPlugin::startHarness(const QString &version,
                                    const QStringList &faults,
                                    const QVariantMap &options,
                                    bool session,
                                    const QString &scenario)
{
    m_h = std::make_unique<Harness>();
    sandbox::Options o;
    o.scenario = scenario;
    o.argocdVersion = version;
    o.faults = faults;
    m_h->sb = std::make_unique<sandbox::Sandbox>(o);
    QString error;
    if (!m_h->sb->start(&error)) {
        qWarning("sandbox did not start: %s", qPrintable(error));
        return false;
    }
    const QJsonObject creds = m_h->sb->backend(QStringLiteral("argocd"))->credentials();
    ConnectionConfig &c = m_h->config;
    c.id = QStringLiteral("argo");
    c.kind = QStringLiteral("argocd");
    c.baseUrl =
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_h->sb->port(QStringLiteral("argocd"))));
    if (session) {
        c.secrets.insert(QStringLiteral("username"),
                         creds.value(QLatin1String("username")).toString());
        c.secrets.insert(QStringLiteral("password"),
                         creds.value(QLatin1String("password")).toString());
    } else {
        c.secrets.insert(QStringLiteral("token"), creds.value(QLatin1String("token")).toString());
    }
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    c.options = {{QStringLiteral("streamIdleTimeoutMs"), 2000},
                 {QStringLiteral("reconnectBaseMs"), 100},
                 {QStringLiteral("reconnectCapMs"), 400}};
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        c.options.insert(it.key(), it.value());
    m_h->backend = m_factory->create(c, &m_h->sink);
    if (!m_h->backend)
        return false;
    m_h->backend->start();
    return true;
}

ActionResult TestArgoCdPlugin::runAction(const ActionPlan &plan)
{
    const quint64 ticket = m_h->backend->execute(plan);
    if (!QTest::qWaitFor([&] { return m_h->sink.results.contains(ticket); }, kWait))
        return ActionResult{false, QStringLiteral("no result within the wait"), 0, {}, {}};
    return m_h->sink.results.value(ticket);
}

#define VERSIONS_DATA()                                                                            \
    QTest::addColumn<QString>("version");                                                          \
    QTest::newRow("2.14") << QStringLiteral("2.14");                                               \
    QTest::newRow("3.5") << QStringLiteral("3.5")

#define START(version)                                                                             \
    QVERIFY(startHarness(version));                                                                \
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait)

void TestArgoCdPlugin::firstListThenStream_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::firstListThenStream()
{
    QFETCH(QString, version);
    START(version);
    ArgoCdTestSink &s = m_h->sink;
    QCOMPARE(fd::toString(s.health.state), fd::toString(ConnectionHealth::State::Ok));

    // the list once, with a projection; then the watch stream from its resourceVersion
    const auto lists = m_h->requests(QStringLiteral("/api/v1/applications?"));
    QCOMPARE(m_h->listRequests(), 1);
    QVERIFY(param(lists.first().path, QStringLiteral("fields"))
                .contains(QLatin1String("items.status.history.id")));
    // (the sandbox logs a request when it completes: a live stream shows in the client's count)
    QTRY_COMPARE_WITH_TIMEOUT(
        m_h->backend->statistics().value(QStringLiteral("streamsOpened")).toInt(), 2, kWait);

    // per app: state, mapping by convention, history
    QVERIFY(s.environments.contains(QStringLiteral("checkout-prod")));
    const EnvironmentState prod = s.environments.value(QStringLiteral("checkout-prod"));
    QCOMPARE(prod.service, QStringLiteral("checkout"));
    QCOMPARE(prod.environment, QStringLiteral("prod"));
    QVERIFY(!prod.autoSync);
    QVERIFY(s.environments.value(QStringLiteral("checkout-dev")).autoSync);
    QVERIFY(!prod.version.isEmpty());
    QVERIFY(prod.deploymentId.startsWith(QLatin1String("checkout-prod/")));
    QVERIFY(s.deployments.contains(QStringLiteral("argo/") + prod.deploymentId));

    // the canary: waiting at its manual pause step at 20 %, actions as the server lists them
    const Rollout *r = m_h->rollout();
    QVERIFY(r);
    QCOMPARE(r->steps.size(), 6);
    QCOMPARE(r->currentStepIndex, 1);
    QCOMPARE(r->canaryWeight, 20);
    QCOMPARE(r->stableWeight, 80);
    QVERIFY(r->paused);
    QCOMPARE(fd::toString(r->phase), fd::toString(RolloutPhase::Paused));
    QVERIFY(r->actionEnabled(QStringLiteral("resume")));
    QVERIFY(!r->actionEnabled(QStringLiteral("retry")));
    bool listsPause = false;
    for (const auto &a : r->actions)
        listsPause = listsPause || a.name == QLatin1String("pause");
    QCOMPARE(listsPause, version == QLatin1String("3.5"));
    QVERIFY(!r->stableVersion.isEmpty());
    QVERIFY(!r->canaryVersion.isEmpty());
    QVERIFY(r->stableVersion != r->canaryVersion);
    QCOMPARE(prod.canaryWeight, 20);
    QCOMPARE(prod.version, r->stableVersion);
    // read as the kubectl plugin reads it: set and actual weight, replicas, images with roles,
    // revisions (the ReplicaSets and pods come from …/resource, owned by the Rollout's uid)
    QCOMPARE(r->step, QStringLiteral("1/6"));
    QCOMPARE(r->setWeight, 20);
    QCOMPARE(r->actualWeight, 20);
    QCOMPARE(r->statusReason, QStringLiteral("CanaryPauseStep"));
    QVERIFY2(r->unknown.isEmpty(), qPrintable(r->unknown.values().join(QLatin1Char(';'))));
    QCOMPARE(r->images.size(), 2);
    QStringList roles;
    for (const auto &img : r->images)
        roles << img.roles;
    roles.sort();
    QCOMPARE(roles, (QStringList{QStringLiteral("canary"), QStringLiteral("stable")}));
    QCOMPARE(r->revisions.size(), 2);
    QVERIFY(r->replicas.desired > 0);
    QCOMPARE(r->replicas.available, r->replicas.current);

    // a paused Rollout is a gate
    QCOMPARE(s.gates.size(), 1);
    QCOMPARE(fd::toString(s.gates.cbegin()->kind), fd::toString(GateKind::RolloutPause));
    QCOMPARE(s.gates.cbegin()->environment, QStringLiteral("prod"));

    // changes arrive over the stream as row changes; the list is never polled
    const qint64 before =
        m_h->backend->statistics().value(QStringLiteral("streamEvents")).toLongLong();
    httplib::Client control("127.0.0.1", m_h->sb->port(QStringLiteral("argocd")));
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=20"));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->backend->statistics().value(QStringLiteral("streamEvents")).toLongLong() > before + 10,
        kWait);
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=0"));
    QCOMPARE(m_h->listRequests(), 1);
    QCOMPARE(s.initialSyncs, 1);
}

void TestArgoCdPlugin::sessionLogin()
{
    QVERIFY(startHarness(QStringLiteral("3.5"), {}, {}, true));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    QCOMPARE(m_h->requests(QStringLiteral("/api/v1/session"), true).size(), 1);
    QVERIFY(m_h->rollout());
}

void TestArgoCdPlugin::incidentCanaryStalls()
{
    // The incident's canary never gets a ready pod: Argo Rollouts says Degraded with the
    // progress deadline, its step asks for 50 % while the router sends the canary nothing.
    QVERIFY(startHarness(QStringLiteral("3.5"), {}, {}, false, QStringLiteral("incident")));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->rollout() && !m_h->rollout()->revisions.isEmpty(), kWait);
    const Rollout *r = m_h->rollout();
    QCOMPARE(fd::toString(r->phase), fd::toString(RolloutPhase::Degraded));
    QCOMPARE(r->statusReason, QStringLiteral("ProgressDeadlineExceeded"));
    QVERIFY2(r->message.startsWith(QLatin1String("ProgressDeadlineExceeded: ReplicaSet \"")),
             qPrintable(r->message));
    QCOMPARE(r->step, QStringLiteral("2/6"));
    QCOMPARE(r->setWeight, 50);
    QCOMPARE(r->actualWeight, 0);
    QCOMPARE(r->canaryWeight, 0);
    QVERIFY(r->replicas.available < r->replicas.current);
    const RolloutRevisionItem &canaryRs = r->revisions.first().items.first();
    QCOMPARE(canaryRs.roles, QStringList{QStringLiteral("canary")});
    QCOMPARE(canaryRs.status, QStringLiteral("Progressing"));
    QCOMPARE(canaryRs.podsReady, 0);
    QVERIFY(canaryRs.podsTotal > 0);
}

void TestArgoCdPlugin::promoteOneStep_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::promoteOneStep()
{
    QFETCH(QString, version);
    START(version);
    const ActionPlan plan = m_h->backend->plan(m_h->action(Verb::Promote));
    QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
    QCOMPARE(plan.requests.size(), 1);
    const bool v2 = version == QLatin1String("3.5");
    QCOMPARE(plan.requests.first().path.endsWith(QLatin1String("/resource/actions/v2")), v2);
    QVERIFY(!plan.preconditions.isEmpty());

    const ActionResult result = runAction(plan);
    QVERIFY2(result.ok, qPrintable(result.message));
    const auto sent =
        m_h->requests(QStringLiteral("/api/v1/applications/checkout-prod/resource/actions"), true);
    QCOMPARE(sent.size(), 1);
    QVERIFY(sent.first().body.contains(QLatin1String("resume")));

    // the canary moves: the next Rollout record shows the next step and weight
    m_h->sb->advance(6000);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->rollout() && m_h->rollout()->currentStepIndex > 1 &&
                                 m_h->rollout()->canaryWeight > 20,
                             kWait);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.eventsOfKind(TimelineEvent::Kind::CanaryWeight) > 0, kWait);
    QVERIFY(m_h->sink.eventsOfKind(TimelineEvent::Kind::CanaryStep) > 0);
    QVERIFY(m_h->sink.environments.value(QStringLiteral("checkout-prod")).canaryWeight > 20);
}

void TestArgoCdPlugin::promoteFull_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::promoteFull()
{
    QFETCH(QString, version);
    START(version);
    const QString canaryVersion = m_h->rollout()->canaryVersion;
    const ActionPlan plan = m_h->backend->plan(m_h->action(Verb::PromoteFull));
    QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
    const ActionResult result = runAction(plan);
    QVERIFY2(result.ok, qPrintable(result.message));
    m_h->sb->advance(6000);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->rollout()->fullyPromoted, kWait);
    QCOMPARE(m_h->rollout()->stableVersion, canaryVersion);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_h->sink.environments.value(QStringLiteral("checkout-prod")).canaryWeight, -1, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.gates.isEmpty(), kWait);
    QVERIFY(m_h->sink.eventsOfKind(TimelineEvent::Kind::CanaryPromoted) > 0);
    // nothing left to promote: the plan says so instead of failing later
    const ActionPlan again = m_h->backend->plan(m_h->action(Verb::PromoteFull));
    QVERIFY(!again.feasible);
}

void TestArgoCdPlugin::abortThenRetry_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::abortThenRetry()
{
    QFETCH(QString, version);
    START(version);
    QVERIFY(!m_h->backend->plan(m_h->action(Verb::Retry)).feasible); // not aborted yet
    ActionResult result = runAction(m_h->backend->plan(m_h->action(Verb::Abort)));
    QVERIFY2(result.ok, qPrintable(result.message));
    m_h->sb->advance(1000);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->rollout()->aborted, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->rollout()->phase == RolloutPhase::Degraded, kWait);
    QCOMPARE(m_h->rollout()->canaryWeight, 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.gates.isEmpty(),
                             kWait); // an aborted canary waits for no one
    QVERIFY(m_h->sink.eventsOfKind(TimelineEvent::Kind::CanaryAborted) > 0);

    const ActionPlan retry = m_h->backend->plan(m_h->action(Verb::Retry));
    QVERIFY2(retry.feasible, qPrintable(retry.blockedReason));
    result = runAction(retry);
    QVERIFY2(result.ok, qPrintable(result.message));
    m_h->sb->advance(1000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_h->rollout()->aborted, kWait);
    QVERIFY(m_h->sink.eventsOfKind(TimelineEvent::Kind::CanaryRetried) > 0);
    QCOMPARE(
        m_h->requests(QStringLiteral("/api/v1/applications/checkout-prod/resource/actions"), true)
            .size(),
        2);
}

void TestArgoCdPlugin::pauseOnlyOn31_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::pauseOnlyOn31()
{
    QFETCH(QString, version);
    START(version);
    if (version == QLatin1String("2.14")) {
        const ActionPlan p = m_h->backend->plan(m_h->action(Verb::Pause));
        QVERIFY(!p.feasible);
        QVERIFY(p.blockedReason.contains(QLatin1String("3.1")));
        QVERIFY(!p.alternatives.isEmpty());
        const ActionResult refused = runAction(p);
        QVERIFY(!refused.ok);
        QVERIFY(m_h->sb->requests(QStringLiteral("argocd"), true).isEmpty());
        return;
    }
    // Argo CD offers pause while the canary waits at a step too (action_test.yaml): a user hold
    QVERIFY(m_h->rollout()->actionEnabled(QStringLiteral("pause")));
    const ActionPlan pause = m_h->backend->plan(m_h->action(Verb::Pause));
    QVERIFY2(pause.feasible, qPrintable(pause.blockedReason));
    const ActionResult result = runAction(pause);
    QVERIFY2(result.ok, qPrintable(result.message));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->rollout()->pauseReasons.join(QLatin1Char(' ')).contains(QLatin1String("user")), kWait);
    QVERIFY(m_h->rollout()->paused);
    QVERIFY(!m_h->rollout()->actionEnabled(QStringLiteral("pause"))); // held: no second pause
    QVERIFY(!m_h->backend->plan(m_h->action(Verb::Pause)).feasible);
    QCOMPARE(m_h->sink.gates.size(), 1);
    QCOMPARE(m_h->requests(QStringLiteral("/api/v1/applications/checkout-prod/resource/actions/v2"),
                           true)
                 .size(),
             1);
}

void TestArgoCdPlugin::rollbackRefusedWithAutoSync_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::rollbackRefusedWithAutoSync()
{
    QFETCH(QString, version);
    START(version);
    const ActionPlan p = m_h->backend->plan(
        m_h->action(Verb::Rollback, QStringLiteral("checkout"), QStringLiteral("dev")));
    QVERIFY(!p.feasible);
    QVERIFY2(p.blockedReason.contains(QLatin1String("auto-sync is on")),
             qPrintable(p.blockedReason));
    QCOMPARE(p.alternatives.size(), 2);
    QVERIFY(p.alternatives.at(0).contains(QLatin1String("Disable auto-sync")));
    QVERIFY(p.alternatives.at(1).contains(QLatin1String("Revert in Git")));
    QVERIFY(!runAction(p).ok);
    QVERIFY(m_h->sb->requests(QStringLiteral("argocd"), true).isEmpty());
}

void TestArgoCdPlugin::rollbackWithoutAutoSync_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::rollbackWithoutAutoSync()
{
    QFETCH(QString, version);
    START(version);
    const QString app = QStringLiteral("payments-staging");
    const EnvironmentState before = m_h->sink.environments.value(app);
    QVERIFY(!before.autoSync);
    const qint64 currentId = before.deploymentId.section(QLatin1Char('/'), -1).toLongLong();
    QVERIFY(currentId >= 2);
    ReleaseAction a =
        m_h->action(Verb::Rollback, QStringLiteral("payments"), QStringLiteral("staging"));
    a.target = QString::number(currentId - 1);
    const ActionPlan p = m_h->backend->plan(a);
    QVERIFY2(p.feasible, qPrintable(p.blockedReason));
    const ActionResult result = runAction(p);
    QVERIFY2(result.ok, qPrintable(result.message));
    const auto sent =
        m_h->requests(QStringLiteral("/api/v1/applications/payments-staging/rollback"), true);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(sent.first().body.toUtf8())
                 .object()
                 .value(QLatin1String("id"))
                 .toInt(),
             int(currentId - 1));
    m_h->sb->advance(10000);
    // the stream brings the new history entry: a rollback to the older version
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.environments.value(app).deploymentId != before.deploymentId,
                             kWait);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.eventsOfKind(TimelineEvent::Kind::Rollback) > 0, kWait);
    QVERIFY(m_h->sink.environments.value(app).version != before.version);
}

void TestArgoCdPlugin::doubleExecuteSendsOnce_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::doubleExecuteSendsOnce()
{
    QFETCH(QString, version);
    START(version);
    const ActionPlan plan = m_h->backend->plan(m_h->action(Verb::Promote));
    QVERIFY(plan.feasible);
    const quint64 first = m_h->backend->execute(plan);
    const quint64 second = m_h->backend->execute(plan); // a double click
    QVERIFY(first != second);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->sink.results.contains(first) && m_h->sink.results.contains(second), kWait);
    QVERIFY(m_h->sink.results.value(first).ok);
    QVERIFY(!m_h->sink.results.value(second).ok);
    QVERIFY(m_h->sink.results.value(second).message.contains(QLatin1String("precondition")));
    QCOMPARE(m_h->sb->requests(QStringLiteral("argocd"), true).size(), 1);
}

void TestArgoCdPlugin::keepAliveSilenceReconnects()
{
    // The server goes quiet (no keep-alive within the idle timeout): that is a drop.
    sandbox::argocd::setKeepAliveIntervalMs(60000);
    QVERIFY(
        startHarness(QStringLiteral("3.5"), {}, {{QStringLiteral("streamIdleTimeoutMs"), 600}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->requests(QStringLiteral("/api/v1/stream/applications")).size() >= 2, kWait);
    QVERIFY(m_h->sink.sawHealth(ConnectionHealth::State::Degraded));
    QVERIFY(m_h->backend->statistics().value(QStringLiteral("streamReconnects")).toLongLong() >= 1);
    QCOMPARE(m_h->listRequests(), 1); // reconnects resume the stream; no relist
}

void TestArgoCdPlugin::dropReconnectsAndResumes()
{
    QVERIFY(
        startHarness(QStringLiteral("3.5"), {}, {{QStringLiteral("streamIdleTimeoutMs"), 800}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_h->backend->statistics().value(QStringLiteral("streamsOpened")).toInt(), 2, kWait);
    // Every new request now fails: 5xx and dropped connections. The open stream goes silent.
    sandbox::Fault drop, fail;
    QString error;
    QVERIFY(sandbox::parseFault(QStringLiteral("argocd:drop:50%"), &drop, &error));
    QVERIFY(sandbox::parseFault(QStringLiteral("argocd:5xx"), &fail, &error));
    sandbox::argocd::setKeepAliveIntervalMs(60000);
    m_h->sb->setFaults({drop, fail});
    m_h->sb->advance(1); // wake the stream so it notices nothing more
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->backend->statistics().value(QStringLiteral("streamReconnects")).toLongLong() >= 3,
        kWait);
    QCOMPARE(fd::toString(m_h->sink.health.state), fd::toString(ConnectionHealth::State::Degraded));
    const int streamsBefore =
        m_h->backend->statistics().value(QStringLiteral("streamsOpened")).toInt();
    // heal: the next reconnect resumes from the last resourceVersion seen
    sandbox::argocd::setKeepAliveIntervalMs(200);
    m_h->sb->setFaults({});
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.health.state == ConnectionHealth::State::Ok, kWait);
    QVERIFY(m_h->backend->statistics().value(QStringLiteral("streamsOpened")).toInt() >
            streamsBefore);
    const auto streams = m_h->requests(QStringLiteral("/api/v1/stream/applications"));
    QVERIFY(streams.size() >= 3); // the silent one and the failed reconnects, all logged
    // every stream, the first and the reconnects, resumes from a resourceVersion: no snapshot again
    for (const auto &st : streams) {
        QVERIFY(!param(st.path, QStringLiteral("resourceVersion")).isEmpty());
        QVERIFY(param(st.path, QStringLiteral("fields")).startsWith(QLatin1String("result.type,")));
    }
    QCOMPARE(m_h->listRequests(), 1);
    // and changes flow again
    const QString app = QStringLiteral("payments-staging");
    const EnvironmentState before = m_h->sink.environments.value(app);
    ReleaseAction a =
        m_h->action(Verb::Rollback, QStringLiteral("payments"), QStringLiteral("staging"));
    QVERIFY(runAction(m_h->backend->plan(a)).ok);
    m_h->sb->advance(10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.environments.value(app).deploymentId != before.deploymentId,
                             kWait);
}

void TestArgoCdPlugin::unauthorizedStreamStops()
{
    QVERIFY(
        startHarness(QStringLiteral("3.5"), {}, {{QStringLiteral("streamIdleTimeoutMs"), 500}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    sandbox::Fault expired;
    QString error;
    QVERIFY(sandbox::parseFault(QStringLiteral("argocd:expired-token"), &expired, &error));
    sandbox::argocd::setKeepAliveIntervalMs(60000); // the stream drops, the reconnect gets 401
    m_h->sb->setFaults({expired});
    QTRY_VERIFY_WITH_TIMEOUT(m_h->sink.health.state == ConnectionHealth::State::AuthFailed, kWait);
    QVERIFY(!m_h->sink.health.reason.isEmpty());
    // the sandbox logs a stream when its server side ends, a moment after the client let go
    QTest::qWait(500);
    const int streams = int(m_h->requests(QStringLiteral("/api/v1/stream/applications")).size());
    QTest::qWait(1500); // no reconnect storm
    QCOMPARE(int(m_h->requests(QStringLiteral("/api/v1/stream/applications")).size()), streams);
    // and nothing is executed on a connection whose credentials failed
    const ActionResult r = runAction(m_h->backend->plan(m_h->action(Verb::Promote)));
    QVERIFY(!r.ok);
}

void TestArgoCdPlugin::aFailedFirstReadEndsTheInitialSync_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("state");
    QTest::newRow("expired token")
        << QStringLiteral("argocd:expired-token") << int(ConnectionHealth::State::AuthFailed);
    QTest::newRow("server errors")
        << QStringLiteral("argocd:5xx") << int(ConnectionHealth::State::Degraded);
}

void TestArgoCdPlugin::aFailedFirstReadEndsTheInitialSync()
{
    QFETCH(QString, fault);
    QFETCH(int, state);
    // Whoever waits for the first read (the CLI) hears that it ended, with the reason in the
    // health, instead of waiting out its own timeout.
    QVERIFY(startHarness(QStringLiteral("3.5"), {fault}));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    QCOMPARE(int(m_h->sink.health.state), state);
    QVERIFY(!m_h->sink.health.reason.isEmpty());
    QVERIFY(m_h->sink.environments.isEmpty());
    if (state == int(ConnectionHealth::State::AuthFailed))
        return; // a refused credential is not retried
    // The server recovers: the apps arrive, and the first sync is not announced twice.
    m_h->sb->setFaults({});
    QTRY_VERIFY_WITH_TIMEOUT(!m_h->sink.environments.isEmpty(), kWait);
    QTRY_COMPARE_WITH_TIMEOUT(int(m_h->sink.health.state), int(ConnectionHealth::State::Ok), kWait);
    QCOMPARE(m_h->sink.initialSyncs, 1);
}

// ---- a fixture server for frames the sandbox never sends ----

namespace {

class FixtureArgoCd
{
public:
    FixtureArgoCd()
    {
        m_server.Get("/api/version", [](const httplib::Request &, httplib::Response &res) {
            res.set_content(R"({"Version":"v3.5.1+fixture"})", "application/json");
        });
        m_server.Get("/api/v1/applications", [](const httplib::Request &, httplib::Response &res) {
            res.set_content(R"({"metadata":{"resourceVersion":"10"},"items":[
                {"metadata":{"name":"web-prod","resourceVersion":"10"},
                 "status":{"health":{"status":"Healthy"},"sync":{"status":"Synced"},
                           "summary":{"images":["ghcr.io/acme/web:v1"]}}}]})",
                            "application/json");
        });
        m_server.Get("/api/v1/stream/applications", [this](const httplib::Request &,
                                                           httplib::Response &res) {
            res.set_chunked_content_provider(
                "text/event-stream", [this](size_t, httplib::DataSink &sink) {
                    if (m_stop)
                        return false;
                    if (!m_sent.exchange(true)) {
                        const std::string frames =
                            // an unknown health value on an app with no history
                            "data: "
                            "{\"result\":{\"type\":\"ADDED\",\"application\":{\"metadata\":{"
                            "\"name\":\"odd-prod\",\"resourceVersion\":\"11\"},"
                            "\"status\":{\"health\":{\"status\":\"Quantum\"}}}}} \n\n"
                            // a cut, malformed frame
                            "data: {\"result\":{\"type\":\"MODIF \n\n"
                            // the stream goes on: web-prod turns Degraded
                            "data: "
                            "{\"result\":{\"type\":\"MODIFIED\",\"application\":{\"metadata\":{"
                            "\"name\":\"web-prod\",\"resourceVersion\":\"12\"},"
                            "\"status\":{\"health\":{\"status\":\"Degraded\",\"message\":\"boom\"},"
                            "\"sync\":{\"status\":\"Synced\"}}}}} \n\n";
                        return sink.write(frames.data(), frames.size());
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                    return sink.write(":\n", 2);
                });
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FixtureArgoCd()
    {
        m_stop = true;
        m_server.stop();
        m_thread.join();
    }
    int port() const { return m_port; }

private:
    httplib::Server m_server;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_sent{false};
    int m_port = 0;
};

} // namespace

void TestArgoCdPlugin::badInputOnTheStream()
{
    FixtureArgoCd server;
    ArgoCdTestSink sink;
    ConnectionConfig c;
    c.id = QStringLiteral("fixture");
    c.kind = QStringLiteral("argocd");
    c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    c.secrets.insert(QStringLiteral("token"), QStringLiteral("t"));
    c.environments = {QStringLiteral("prod")};
    std::unique_ptr<Backend> backend = m_factory->create(c, &sink);
    backend->start();
    QTRY_COMPARE_WITH_TIMEOUT(sink.initialSyncs, 1, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.environments.value(QStringLiteral("web-prod")).health == Health::Degraded, kWait);
    QVERIFY(sink.problemsMatching(QStringLiteral("not JSON")) == 1); // the malformed frame
    QVERIFY(sink.problemsMatching(QStringLiteral("Quantum")) == 1);  // the unknown health
    const EnvironmentState odd = sink.environments.value(QStringLiteral("odd-prod"));
    QCOMPARE(odd.service, QStringLiteral("odd"));
    QCOMPARE(fd::toString(odd.health), fd::toString(Health::Unknown));
    QVERIFY(odd.deploymentId.isEmpty()); // no history: no current deployment, no crash
    QCOMPARE(fd::toString(sink.health.state), fd::toString(ConnectionHealth::State::Ok));
    QVERIFY(!backend
                 ->plan([] {
                     ReleaseAction a;
                     a.verb = Verb::Rollback;
                     a.service = QStringLiteral("odd");
                     a.environment = QStringLiteral("prod");
                     return a;
                 }())
                 .feasible);
    backend->stop();
}

std::shared_ptr<TestArgoCdPlugin::Managed> TestArgoCdPlugin::fetchManaged(const QString &app)
{
    auto out = std::make_shared<Managed>();
    m_h->backend->fetchManagedResources(
        app, [out](const QList<ManagedResource> &resources, const QString &error) {
            out->resources = resources;
            out->error = error;
            out->onGuiThread = QThread::currentThread() == QCoreApplication::instance()->thread();
            ++out->calls;
        });
    if (!QTest::qWaitFor([&] { return out->calls > 0; }, kWait))
        qWarning("no answer for the managed resources of %s", qPrintable(app));
    return out;
}

namespace {

const ManagedResource *findResource(const QList<ManagedResource> &list, const QString &kind)
{
    for (const auto &r : list)
        if (r.kind == kind)
            return &r;
    return nullptr;
}

QJsonObject firstContainer(const QJsonObject &manifest)
{
    return manifest[QLatin1String("spec")][QLatin1String("template")][QLatin1String("spec")]
                   [QLatin1String("containers")][0]
                       .toObject();
}

QString envVar(const QJsonObject &container, const QString &name)
{
    for (const auto &e : container.value(QLatin1String("env")).toArray())
        if (e[QLatin1String("name")].toString() == name)
            return e[QLatin1String("value")].toString();
    return {};
}

} // namespace

void TestArgoCdPlugin::managedResources_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::managedResources()
{
    QFETCH(QString, version);
    START(version);
    const auto staging = fetchManaged(QStringLiteral("checkout-staging"));
    QCOMPARE(staging->calls, 1);
    QVERIFY(staging->onGuiThread);
    QVERIFY2(staging->error.isEmpty(), qPrintable(staging->error));
    QStringList ids;
    for (const auto &r : staging->resources)
        ids << r.id();
    ids.sort();
    QCOMPARE(ids, (QStringList{QStringLiteral("/ConfigMap/checkout-staging/checkout-config"),
                               QStringLiteral("/Service/checkout-staging/checkout"),
                               QStringLiteral("apps/Deployment/checkout-staging/checkout")}));
    // the per-app call names the app's project, as the other per-app calls do
    const auto calls =
        m_h->requests(QStringLiteral("/api/v1/applications/checkout-staging/managed-resources"));
    QCOMPARE(calls.size(), 1);
    QCOMPARE(param(calls.first().path, QStringLiteral("project")), QStringLiteral("staging"));

    const auto prod = fetchManaged(QStringLiteral("checkout-prod"));
    QVERIFY2(prod->error.isEmpty(), qPrintable(prod->error));
    QCOMPARE(prod->resources.size(), 3);
    const ManagedResource *rollout = findResource(prod->resources, QStringLiteral("Rollout"));
    const ManagedResource *deployment =
        findResource(staging->resources, QStringLiteral("Deployment"));
    QVERIFY(rollout && deployment);
    QCOMPARE(rollout->group, QStringLiteral("argoproj.io"));

    // desired and live are parsed manifests; the overlays differ the way real ones do
    const QJsonObject stagingPod = firstContainer(deployment->desired);
    const QJsonObject prodPod = firstContainer(rollout->desired);
    const EnvironmentState stagingEnv =
        m_h->sink.environments.value(QStringLiteral("checkout-staging"));
    QVERIFY(stagingPod[QLatin1String("image")].toString().endsWith(QLatin1Char(':') +
                                                                   stagingEnv.version));
    QVERIFY(prodPod[QLatin1String("image")].toString().endsWith(QLatin1Char(':') +
                                                                m_h->rollout()->canaryVersion));
    QCOMPARE(deployment->desired[QLatin1String("spec")][QLatin1String("replicas")].toInt(), 2);
    QCOMPARE(rollout->desired[QLatin1String("spec")][QLatin1String("replicas")].toInt(), 4);
    QCOMPARE(deployment->desired[QLatin1String("metadata")][QLatin1String("namespace")].toString(),
             QStringLiteral("checkout-staging"));
    QCOMPARE(rollout->desired[QLatin1String("metadata")][QLatin1String("namespace")].toString(),
             QStringLiteral("checkout-prod"));
    QCOMPARE(envVar(stagingPod, QStringLiteral("ENVIRONMENT")), QStringLiteral("staging"));
    QCOMPARE(envVar(prodPod, QStringLiteral("ENVIRONMENT")), QStringLiteral("prod"));
    const ManagedResource *stagingConfig =
        findResource(staging->resources, QStringLiteral("ConfigMap"));
    const ManagedResource *prodConfig = findResource(prod->resources, QStringLiteral("ConfigMap"));
    QVERIFY(stagingConfig && prodConfig);
    QVERIFY(stagingConfig->desired[QLatin1String("data")] !=
            prodConfig->desired[QLatin1String("data")]);
    // live: the cluster's object (status, uid), normalized (no managedFields)
    QVERIFY(rollout->live[QLatin1String("status")].isObject());
    QVERIFY(!rollout->desired.contains(QLatin1String("status")));
    QVERIFY(
        !deployment->live[QLatin1String("metadata")][QLatin1String("uid")].toString().isEmpty());
    QVERIFY(!deployment->live[QLatin1String("metadata")].toObject().contains(
        QLatin1String("managedFields")));
    for (const auto &r : staging->resources + prod->resources) {
        QVERIFY(!r.modified);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    }

    // the drifted demo app: someone scaled it by hand
    const auto drifted = fetchManaged(QStringLiteral("payments-staging"));
    QVERIFY2(drifted->error.isEmpty(), qPrintable(drifted->error));
    const ManagedResource *scaled = findResource(drifted->resources, QStringLiteral("Deployment"));
    QVERIFY(scaled);
    QVERIFY(scaled->modified);
    QCOMPARE(scaled->live[QLatin1String("spec")][QLatin1String("replicas")].toInt(),
             scaled->desired[QLatin1String("spec")][QLatin1String("replicas")].toInt() + 1);
    QVERIFY(!findResource(drifted->resources, QStringLiteral("Service"))->modified);

    // an unknown app: an error naming it, no records
    const auto unknown = fetchManaged(QStringLiteral("nope-prod"));
    QCOMPARE(unknown->calls, 1);
    QVERIFY(unknown->resources.isEmpty());
    QVERIFY2(unknown->error.contains(QLatin1String("nope-prod")), qPrintable(unknown->error));
    QVERIFY(unknown->error.contains(QLatin1String("403")));

    // a malformed state is that record's error; the others still arrive
    httplib::Client control("127.0.0.1", m_h->sb->port(QStringLiteral("argocd")));
    QVERIFY(control.Post("/_sandbox/argocd/managed-state?app=checkout-staging&state=malformed"));
    const auto broken = fetchManaged(QStringLiteral("checkout-staging"));
    QVERIFY2(broken->error.isEmpty(), qPrintable(broken->error));
    QCOMPARE(broken->resources.size(), 3);
    const ManagedResource *bad = findResource(broken->resources, QStringLiteral("Deployment"));
    QVERIFY(bad);
    QVERIFY2(bad->error.contains(QLatin1String("application checkout-staging")) &&
                 bad->error.contains(QLatin1String("apps/Deployment checkout-staging/checkout")) &&
                 bad->error.contains(QLatin1String("liveState is not valid JSON")),
             qPrintable(bad->error));
    QVERIFY(bad->live.isEmpty());
    QVERIFY(!bad->desired.isEmpty());
    QVERIFY(findResource(broken->resources, QStringLiteral("Service"))->error.isEmpty());

    // each request was answered exactly once
    QTest::qWait(100);
    for (const auto &m : {staging, prod, drifted, unknown, broken})
        QCOMPARE(m->calls, 1);
}

void TestArgoCdPlugin::managedResourcesTimeout()
{
    QVERIFY(startHarness(QStringLiteral("3.5"), {},
                         {{QStringLiteral("managedResourcesTimeoutMs"), 300}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    sandbox::Fault slow;
    QString error;
    QVERIFY(sandbox::parseFault(QStringLiteral("argocd:latency:5s"), &slow, &error));
    m_h->sb->setFaults({slow});
    QElapsedTimer t;
    t.start();
    const auto late = fetchManaged(QStringLiteral("checkout-staging"));
    m_h->sb->setFaults({});
    QCOMPARE(late->calls, 1);
    QVERIFY(late->resources.isEmpty());
    QVERIFY2(!late->error.isEmpty(), "a timed-out request reports an error");
    // Ended by our 300 ms timeout, not by the server's 5 s answer.
    QVERIFY2(late->error.contains(QLatin1String("timed out after 300 ms")),
             qPrintable(late->error));
    qInfo("managed resources gave up after %lld ms", qint64(t.elapsed()));

    // stopping the connection answers what is still pending, once
    m_h->sb->setFaults({slow});
    auto pending = std::make_shared<Managed>();
    m_h->backend->fetchManagedResources(
        QStringLiteral("checkout-prod"),
        [pending](const QList<ManagedResource> &, const QString &e) {
            pending->error = e;
            ++pending->calls;
        });
    m_h->backend->stop();
    m_h->sb->setFaults({});
    QCOMPARE(pending->calls, 1);
    QVERIFY(pending->error.contains(QLatin1String("stopped")));
    QTest::qWait(200);
    QCOMPARE(pending->calls, 1);
}

void TestArgoCdPlugin::sourceCommitFromTheWorkload_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::sourceCommitFromTheWorkload()
{
    QFETCH(QString, version);
    START(version);
    const sandbox::SimService *checkout = m_h->sb->world().service(QStringLiteral("checkout"));
    QVERIFY(checkout);
    const auto shaOf = [&](const QString &v) {
        const sandbox::SimRelease *r = checkout->release(v);
        return r ? r->sha : QString();
    };
    // a Deployment app: the revision CI stamped on the live pod template, read once
    const auto env = [&](const char *app) {
        return m_h->sink.environments.value(QLatin1String(app));
    };
    QTRY_VERIFY_WITH_TIMEOUT(!env("checkout-staging").commit.isEmpty(), kWait);
    QCOMPARE(env("checkout-staging").commit, shaOf(env("checkout-staging").version));
    QVERIFY(env("checkout-staging").commit.size() == 40);
    const auto staging =
        m_h->sink.deployments.value(QStringLiteral("argo/") + env("checkout-staging").deploymentId);
    QCOMPARE(staging.commit, env("checkout-staging").commit);
    QVERIFY(staging.ref != staging.commit); // the GitOps revision stays in ref

    // the canary: its commit is learned from the Rollout's template; the stable's is stamped
    // nowhere the API shows, so the environment's commit stays empty rather than guessed
    const QString canaryVersion = m_h->rollout()->canaryVersion;
    QCOMPARE(env("checkout-prod").version, m_h->rollout()->stableVersion);
    QCOMPARE(env("checkout-prod").commit, QString());
    const ActionResult result = runAction(m_h->backend->plan(m_h->action(Verb::PromoteFull)));
    QVERIFY2(result.ok, qPrintable(result.message));
    m_h->sb->advance(6000);
    QTRY_COMPARE_WITH_TIMEOUT(env("checkout-prod").version, canaryVersion, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(env("checkout-prod").commit, shaOf(canaryVersion), kWait);
    const QString prodDeployment = QStringLiteral("argo/") + env("checkout-prod").deploymentId;
    QCOMPARE(m_h->sink.deployments.value(prodDeployment).commit, shaOf(canaryVersion));

    // one read per app and version, not one per stream event
    const int reads = int(
        m_h->requests(QStringLiteral("/api/v1/applications/checkout-staging/resource?")).size());
    QCOMPARE(reads, 1);
}

void TestArgoCdPlugin::syncWindowFreeze_data()
{
    VERSIONS_DATA();
}

void TestArgoCdPlugin::syncWindowFreeze()
{
    QFETCH(QString, version);
    START(version);
    // the demo's deny window (project dev, checkout-*) shows as the environment's freeze
    const auto env = [&](const char *app) {
        return m_h->sink.environments.value(QLatin1String(app));
    };
    QTRY_VERIFY_WITH_TIMEOUT(!env("checkout-dev").freeze.isEmpty(), kWait);
    QCOMPARE(env("checkout-dev").freeze, QStringLiteral("deny window '0 0 * * *' for 24h"));
    QVERIFY(env("payments-dev").freeze.isEmpty());  // same project, the window names checkout-*
    QVERIFY(env("checkout-prod").freeze.isEmpty()); // an allow window is no freeze

    const ActionPlan sync = m_h->backend->plan(
        m_h->action(Verb::Sync, QStringLiteral("checkout"), QStringLiteral("dev")));
    QVERIFY(!sync.feasible);
    QVERIFY2(sync.blockedReason.contains(QLatin1String("a sync window blocks syncs of "
                                                       "checkout-dev now")) &&
                 sync.blockedReason.contains(QLatin1String("'0 0 * * *' for 24h")),
             qPrintable(sync.blockedReason));
    const ActionPlan rollback = m_h->backend->plan(
        m_h->action(Verb::Rollback, QStringLiteral("checkout"), QStringLiteral("dev")));
    QVERIFY(!rollback.feasible);
    // auto-sync refuses it for good; the window is named as well
    QVERIFY2(rollback.blockedReason.contains(QLatin1String("auto-sync is on")) &&
                 rollback.blockedReason.contains(QLatin1String("a sync window blocks rollbacks")),
             qPrintable(rollback.blockedReason));
    // the server agrees: executing anyway is refused before anything is sent
    const ActionResult refused = runAction(sync);
    QVERIFY(!refused.ok);
    QVERIFY(
        m_h->requests(QStringLiteral("/api/v1/applications/checkout-dev/sync"), true).isEmpty());
    QVERIFY(
        m_h->backend
            ->plan(m_h->action(Verb::Sync, QStringLiteral("payments"), QStringLiteral("staging")))
            .feasible);

    // only apps a project window applies to are asked for their windows
    QVERIFY(m_h->requests(QStringLiteral("/api/v1/applications/payments-staging/syncwindows"))
                .isEmpty());
    QVERIFY(!m_h->requests(QStringLiteral("/api/v1/projects/dev/syncwindows")).isEmpty());
}

void TestArgoCdPlugin::firstListInChunksWithoutFirstSightEvents()
{
    QVERIFY(startHarness(QStringLiteral("3.5"), {}, {}, false, QStringLiteral("scale:2500")));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->sink.initialSyncs, 1, kWait);
    ArgoCdTestSink &s = m_h->sink;
    QCOMPARE(s.environments.size(), 2500);
    // one event-loop turn per 1,000 apps, the first replacing, so no turn holds them all
    QCOMPARE(s.environmentBatches.mid(0, 3), (QList<int>{1000, 1000, 500}));
    QVERIFY(
        m_h->backend->statistics().value(QStringLiteral("listPublishChunkMaxMs")).toLongLong() <=
        m_h->backend->statistics().value(QStringLiteral("listPublishMs")).toLongLong());
    // a snapshot is not news: no per-app deploy events from the first list
    QCOMPARE(s.events.size(), 0);
    QCOMPARE(m_h->listRequests(), 1);

    // real changes after it still arrive as events
    const qint64 before =
        m_h->backend->statistics().value(QStringLiteral("streamEvents")).toLongLong();
    httplib::Client control("127.0.0.1", m_h->sb->port(QStringLiteral("argocd")));
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=50"));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_h->backend->statistics().value(QStringLiteral("streamEvents")).toLongLong() > before + 5,
        kWait);
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=0"));
    QTRY_VERIFY_WITH_TIMEOUT(s.eventsOfKind(TimelineEvent::Kind::HealthChanged) > 0, kWait);
    QCOMPARE(s.eventsOfKind(TimelineEvent::Kind::DeploySucceeded), 0);
}

QTEST_GUILESS_MAIN(TestArgoCdPlugin)
#include "tst_argocdplugin.moc"
