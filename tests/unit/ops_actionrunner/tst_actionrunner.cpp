// The guarded action path: guards, confirmation, audit before and after, in-flight refusal,
// timeline event. The backend here is a recording implementation of the SDK interface so the
// test can see exactly what was executed and finish it when it wants.
#include "estate/estate.h"
#include "ops/actionrunner.h"
#include "store/store.h"
#include "workspace/workspaceloader.h"

#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

class RecordingBackend : public Backend
{
public:
    explicit RecordingBackend(BackendSink *sink)
        : m_sink(sink)
    {}
    Capabilities capabilities() const override { return int(Capability::Rollback); }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &action) const override
    {
        ActionPlan p;
        p.action = action;
        p.summary = QStringLiteral("roll back %1 in %2").arg(action.service, action.environment);
        p.requests << PlannedRequest{"POST", QStringLiteral("/deploy"), "{}", "application/json",
                                     QStringLiteral("deploy the previous version")};
        p.feasible = !action.service.startsWith(QLatin1String("nohistory"));
        if (!p.feasible)
            p.blockedReason = QStringLiteral("no earlier successful deployment");
        return p;
    }
    quint64 execute(const ActionPlan &plan) override
    {
        executed << plan;
        return ++m_ticket;
    }
    void finish(quint64 ticket, bool ok)
    {
        ActionResult r;
        r.ok = ok;
        r.message = ok ? QStringLiteral("deployed") : QStringLiteral("server said no");
        r.finished = QDateTime::currentDateTimeUtc();
        m_sink->actionFinished(QStringLiteral("ci"), ticket, r);
    }
    QList<ActionPlan> executed;

private:
    BackendSink *m_sink;
    quint64 m_ticket = 0;
};

const char *workspaceYaml(bool readOnly, bool frozen)
{
    static QByteArray text;
    text =
        QByteArray("version: 1\n") + (readOnly ? "readOnly: true\n" : "") +
        "connections:\n"
        "  ci: {kind: jenkins, url: \"http://127.0.0.1:1\"}\n"
        "environments:\n"
        "  - {name: staging}\n"
        "  - name: prod\n"
        "    protected: true\n" +
        (frozen ? "    freeze: [{start: \"2000-01-01T00:00:00Z\", end: \"2999-01-01T00:00:00Z\", "
                  "reason: \"Holiday freeze\"}]\n"
                : "") +
        "services:\n"
        "  checkout:\n"
        "    environments:\n"
        "      staging: {connection: ci, job: checkout/deploy-staging}\n"
        "      prod: {connection: ci, job: checkout/deploy-prod}\n";
    return text.constData();
}

} // namespace

class TestActionRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void unprotectedActionRunsAndIsAudited();
    void protectedEnvironmentNeedsTypedName();
    void freezeWindowNeedsReason();
    void readOnlyBlocksEverything();
    void infeasiblePlanIsRefusedWithReason();
    void doubleClickSendsOnce();
    void anotherRunnerOnTheSameStoreIsRefusedNamingTheHolder();
    void aLockLeftByADeadProcessIsTakenOver();
    void gateTargetReachesBackendAsItsOwnId_data();
    void gateTargetReachesBackendAsItsOwnId();

private:
    void load(bool readOnly = false, bool frozen = false);
    QTemporaryDir m_dir;
    QString m_dbPath;
    Workspace m_ws;
    std::unique_ptr<Estate> m_estate;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<RecordingBackend> m_backend;
    std::unique_ptr<ActionRunner> m_runner;
};

void TestActionRunner::init()
{
    QVERIFY(m_dir.isValid());
    load();
}

void TestActionRunner::cleanup()
{
    m_runner.reset();
    m_backend.reset();
    m_store.reset();
    m_estate.reset();
}

void TestActionRunner::load(bool readOnly, bool frozen)
{
    cleanup();
    LoadOptions lo;
    lo.overridesFile = QString();
    const LoadResult r = WorkspaceLoader::loadFromString(workspaceYaml(readOnly, frozen),
                                                         QStringLiteral("flightdeck.yaml"), lo);
    QVERIFY2(r.ok(), qPrintable(r.issues.isEmpty() ? QString() : r.issues.first().toString()));
    m_ws = r.workspace;
    m_estate = std::make_unique<Estate>();
    QString err;
    m_dbPath = m_dir.filePath(QStringLiteral("fd-%1.db").arg(QDateTime::currentMSecsSinceEpoch()));
    m_store = Store::open(m_dbPath, &err);
    QVERIFY2(m_store, qPrintable(err));
    m_backend = std::make_unique<RecordingBackend>(m_estate.get());
    m_runner = std::make_unique<ActionRunner>(
        &m_ws, m_estate.get(), m_store.get(), [this](const QString &id) -> Backend * {
            return id == QLatin1String("ci") ? m_backend.get() : nullptr;
        });
}

static ReleaseAction rollback(const char *service, const char *env)
{
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Rollback;
    a.service = QLatin1String(service);
    a.environment = QLatin1String(env);
    a.actor = QStringLiteral("alice");
    a.comment = QStringLiteral("error rate up");
    return a;
}

void TestActionRunner::unprotectedActionRunsAndIsAudited()
{
    QSignalSpy finished(m_runner.get(), &ActionRunner::finished);
    QSignalSpy events(m_estate.get(), &Estate::eventsArrived);
    const PreparedAction p = m_runner->prepare(rollback("checkout", "staging"));
    QCOMPARE(p.action.connectionId, QStringLiteral("ci"));
    QVERIFY(!p.protectedEnvironment);
    QString why;
    const quint64 id = m_runner->run(p, {}, &why);
    QVERIFY2(id, qPrintable(why));
    QCOMPARE(m_backend->executed.size(), 1);

    // Intent is on record before the backend answers.
    auto entries = m_store->auditEntries(10);
    QVERIFY(entries);
    QCOMPARE(entries->size(), 1);
    QVERIFY(entries->first().state == AuditEntry::State::Intent);
    QCOMPARE(entries->first().actor, QStringLiteral("alice"));

    m_backend->finish(1, true);
    QCOMPARE(finished.size(), 1);
    entries = m_store->auditEntries(10);
    QVERIFY(entries->first().state == AuditEntry::State::Succeeded);
    QCOMPARE(events.size(), 1);
    const auto ev = events.first().first().value<QList<TimelineEvent>>();
    QVERIFY(ev.first().kind == TimelineEvent::Kind::Rollback);
    QCOMPARE(ev.first().service, QStringLiteral("checkout"));
    QVERIFY(!m_runner->isInFlight(rollback("checkout", "staging")));
}

void TestActionRunner::protectedEnvironmentNeedsTypedName()
{
    const PreparedAction p = m_runner->prepare(rollback("checkout", "prod"));
    QVERIFY(p.protectedEnvironment);
    QString why;
    QCOMPARE(m_runner->run(p, Confirmation{QStringLiteral("production"), {}}, &why), quint64(0));
    QCOMPARE(why, QStringLiteral("type the environment name \"prod\" to confirm"));
    QCOMPARE(m_backend->executed.size(), 0);
    const auto entries = m_store->auditEntries(10);
    QVERIFY(entries->first().state == AuditEntry::State::Refused);
    QVERIFY(m_runner->run(p, Confirmation{QStringLiteral("prod"), {}}, &why));
    QCOMPARE(m_backend->executed.size(), 1);
}

void TestActionRunner::freezeWindowNeedsReason()
{
    load(false, true);
    const PreparedAction p = m_runner->prepare(rollback("checkout", "prod"));
    QVERIFY(p.frozen);
    QCOMPARE(p.freezeReason, QStringLiteral("Holiday freeze"));
    QString why;
    QCOMPARE(m_runner->run(p, Confirmation{QStringLiteral("prod"), QString()}, &why), quint64(0));
    QVERIFY2(why.contains(QStringLiteral("frozen (Holiday freeze)")), qPrintable(why));
    QVERIFY(m_runner->run(
        p, Confirmation{QStringLiteral("prod"), QStringLiteral("hotfix for outage")}, &why));
    QCOMPARE(m_backend->executed.size(), 1);
    QCOMPARE(m_store->auditEntries(1)->first().reason, QStringLiteral("hotfix for outage"));
}

void TestActionRunner::readOnlyBlocksEverything()
{
    load(true, false);
    const PreparedAction p = m_runner->prepare(rollback("checkout", "staging"));
    QVERIFY(p.readOnly);
    QVERIFY(p.blocked());
    QString why;
    QCOMPARE(m_runner->run(p, {}, &why), quint64(0));
    QCOMPARE(why, QStringLiteral("the workspace is read-only: nothing mutates"));
    QCOMPARE(m_backend->executed.size(), 0);
}

void TestActionRunner::infeasiblePlanIsRefusedWithReason()
{
    ReleaseAction a = rollback("nohistory", "staging");
    a.connectionId = QStringLiteral("ci");
    const PreparedAction p = m_runner->prepare(a);
    QVERIFY(p.blocked());
    QString why;
    QCOMPARE(m_runner->run(p, {}, &why), quint64(0));
    QCOMPARE(why, QStringLiteral("no earlier successful deployment"));
}

void TestActionRunner::doubleClickSendsOnce()
{
    const PreparedAction p = m_runner->prepare(rollback("checkout", "staging"));
    QString why;
    QVERIFY(m_runner->run(p, {}, &why));
    // The second click comes from the same dialog, prepared before the first was sent.
    QCOMPARE(m_runner->run(p, {}, &why), quint64(0));
    QCOMPARE(why, QStringLiteral("an action on this target is already running"));
    QCOMPARE(m_backend->executed.size(), 1);
    QVERIFY(m_runner->prepare(rollback("checkout", "staging")).blocked());
    m_backend->finish(1, false);
    // One refused click on record, and the one sent, failed.
    const auto entries = *m_store->auditEntries(10);
    QCOMPARE(entries.size(), 2);
    int failed = 0, refused = 0;
    for (const auto &e : entries) {
        failed += e.state == AuditEntry::State::Failed;
        refused += e.state == AuditEntry::State::Refused;
    }
    QCOMPARE(failed, 1);
    QCOMPARE(refused, 1);
    QVERIFY(!m_runner->prepare(rollback("checkout", "staging")).blocked());
}

void TestActionRunner::anotherRunnerOnTheSameStoreIsRefusedNamingTheHolder()
{
    // A second console (or flightdeck-ctl) with its own runner, on the same store.
    QString err;
    auto otherStore = Store::open(m_dbPath, &err);
    QVERIFY2(otherStore, qPrintable(err));
    RecordingBackend otherBackend(m_estate.get());
    ActionRunner other(&m_ws, m_estate.get(), otherStore.get(),
                       [&](const QString &) -> Backend * { return &otherBackend; });

    const PreparedAction p = m_runner->prepare(rollback("checkout", "staging"));
    QString why;
    QVERIFY(m_runner->run(p, {}, &why));
    ReleaseAction bobs = rollback("checkout", "staging");
    bobs.actor = QStringLiteral("bob");
    QCOMPARE(other.run(other.prepare(bobs), {}, &why), quint64(0));
    QVERIFY2(why.startsWith(QStringLiteral("another process is acting on this target: alice is "
                                           "running \"rollback checkout in staging\" since ")),
             qPrintable(why));
    QVERIFY(otherBackend.executed.isEmpty());
    // Another target is free.
    QVERIFY(other.run(other.prepare(rollback("checkout", "prod")),
                      {.typedEnvironment = QStringLiteral("prod")}, &why));
    QCOMPARE(otherBackend.executed.size(), 1);

    // Once the first action has its answer the target is free again.
    m_backend->finish(1, true);
    QVERIFY2(other.run(other.prepare(bobs), {}, &why), qPrintable(why));
    QCOMPARE(otherBackend.executed.size(), 2);
    int refused = 0;
    const QList<AuditEntry> entries = otherStore->auditEntries(10).value();
    for (const auto &e : entries)
        refused += e.state == AuditEntry::State::Refused;
    QCOMPARE(refused, 1);
}

void TestActionRunner::aLockLeftByADeadProcessIsTakenOver()
{
    // A process that held the lock and was killed: its row stays, its pid is gone.
    QProcess gone;
    gone.start(QStringLiteral("true"), QStringList());
    QVERIFY(gone.waitForFinished(10000));
    const qint64 deadPid = gone.processId() ? gone.processId() : 999999;
    {
        QSqlDatabase raw =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw-lock"));
        raw.setDatabaseName(m_dbPath);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        q.prepare(QStringLiteral("INSERT INTO action_locks (target, actor, what, host, pid, "
                                 "since_ms) VALUES (?, 'carol', 'rollback', ?, ?, ?)"));
        q.addBindValue(
            ActionRunner::targetKey(m_runner->prepare(rollback("checkout", "staging")).action));
        q.addBindValue(QSysInfo::machineHostName());
        q.addBindValue(deadPid);
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        raw.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw-lock"));
    QString why;
    QVERIFY2(m_runner->run(m_runner->prepare(rollback("checkout", "staging")), {}, &why),
             qPrintable(why));
    QCOMPARE(m_backend->executed.size(), 1);
}

void TestActionRunner::gateTargetReachesBackendAsItsOwnId_data()
{
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("target");
    QTest::newRow("estate key") << QString()
                                << QStringLiteral("ci/checkout/deploy-staging#7/input/abc");
    QTest::newRow("backend id + connection")
        << QStringLiteral("ci") << QStringLiteral("checkout/deploy-staging#7/input/abc");
}

void TestActionRunner::gateTargetReachesBackendAsItsOwnId()
{
    QFETCH(QString, connection);
    QFETCH(QString, target);
    Gate g;
    g.connectionId = QStringLiteral("ci");
    g.id = QStringLiteral("checkout/deploy-staging#7/input/abc");
    g.kind = GateKind::JenkinsInput;
    g.service = QStringLiteral("checkout");
    g.environment = QStringLiteral("staging");
    RecordSet rs;
    rs.gates << g;
    m_estate->publish(QStringLiteral("ci"), rs);

    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Approve;
    a.connectionId = connection;
    a.target = target;
    const PreparedAction p = m_runner->prepare(a);
    QCOMPARE(p.action.connectionId, QStringLiteral("ci"));
    QCOMPARE(p.action.target, g.id);
    QCOMPARE(p.action.service, QStringLiteral("checkout"));
    QCOMPARE(p.action.environment, QStringLiteral("staging"));
    QCOMPARE(p.plan.action.target, g.id);
}

QTEST_GUILESS_MAIN(TestActionRunner)
#include "tst_actionrunner.moc"
