// The item models and proxies under QAbstractItemModelTester, attached before any data
// arrives, driven through Estate::publish — the same path the backends use.
#include "estate/estate.h"
#include "itemmodels/deploymenthistorymodel.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/notificationfeed.h"
#include "itemmodels/palettemodel.h"
#include "itemmodels/recordfilterproxymodel.h"
#include "itemmodels/rolloutsmodel.h"
#include "itemmodels/runsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fd;

namespace {

using namespace Qt::StringLiterals;

const QDateTime t0 = QDateTime(QDate(2024, 5, 2), QTime(9, 0), Qt::UTC);

EnvironmentState state(const QString &conn,
                       const QString &service,
                       const QString &env,
                       const QString &version,
                       Health health = Health::Healthy)
{
    EnvironmentState s;
    s.connectionId = conn;
    s.service = service;
    s.environment = env;
    s.object = service + QLatin1Char('-') + env;
    s.version = version;
    s.health = health;
    s.sync = SyncState::Synced;
    s.deployedAt = t0;
    return s;
}

Run run(const QString &conn,
        const QString &id,
        const QString &service,
        RunStatus status,
        const QString &branch = QStringLiteral("main"))
{
    Run r;
    r.connectionId = conn;
    r.id = id;
    r.service = service;
    r.pipeline = QStringLiteral("ci");
    r.number = id;
    r.branch = branch;
    r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    r.actor = QStringLiteral("mina");
    r.status = status;
    r.created = t0;
    r.started = t0;
    if (isFinished(status))
        r.finished = t0.addSecs(95);
    r.stages = {
        Stage{QStringLiteral("build"), RunStatus::Succeeded, t0, t0.addSecs(30), 30000, {}, {}},
        Stage{QStringLiteral("test"), status, t0.addSecs(30), {}, -1, {}, {}}};
    return r;
}

Gate gate(const QString &conn, const QString &id, const QString &service, const QString &env)
{
    Gate g;
    g.connectionId = conn;
    g.id = id;
    g.kind = GateKind::GitHubPendingDeployment;
    g.service = service;
    g.environment = env;
    g.title = QStringLiteral("Deploy %1 to %2").arg(service, env);
    g.since = t0;
    g.approvers = {QStringLiteral("release-managers")};
    return g;
}

Rollout rollout(int step, int weight, bool paused)
{
    Rollout r;
    r.connectionId = QStringLiteral("argocd");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.application = QStringLiteral("checkout-prod");
    r.name = QStringLiteral("checkout");
    r.strategy = QStringLiteral("canary");
    r.steps = {RolloutStep{RolloutStep::Kind::SetWeight, 20, -1, QStringLiteral("setWeight 20")},
               RolloutStep{RolloutStep::Kind::Pause, -1, -1, QStringLiteral("pause")},
               RolloutStep{RolloutStep::Kind::SetWeight, 50, -1, QStringLiteral("setWeight 50")},
               RolloutStep{RolloutStep::Kind::Pause, -1, 60, QStringLiteral("pause 60s")}};
    r.currentStepIndex = step;
    r.canaryWeight = weight;
    r.actualWeight = weight;
    r.setWeight = weight;
    r.stableWeight = 100 - weight;
    r.phase = paused ? RolloutPhase::Paused : RolloutPhase::Progressing;
    r.paused = paused;
    r.canaryVersion = QStringLiteral("v1.5.0");
    r.stableVersion = QStringLiteral("v1.4.2");
    r.actions = {RolloutAction{QStringLiteral("resume"), !paused},
                 RolloutAction{QStringLiteral("abort"), false}};
    return r;
}

// Every structural or data signal a model can send; a refresh with no news must send none.
struct SignalCounter
{
    explicit SignalCounter(QAbstractItemModel *m)
        : dataChanged(m, &QAbstractItemModel::dataChanged)
        , rowsInserted(m, &QAbstractItemModel::rowsInserted)
        , rowsRemoved(m, &QAbstractItemModel::rowsRemoved)
        , columnsInserted(m, &QAbstractItemModel::columnsInserted)
        , reset(m, &QAbstractItemModel::modelReset)
        , layout(m, &QAbstractItemModel::layoutChanged)
    {}
    qsizetype total() const
    {
        return dataChanged.size() + rowsInserted.size() + rowsRemoved.size() +
               columnsInserted.size() + reset.size() + layout.size();
    }
    void clear()
    {
        dataChanged.clear();
        rowsInserted.clear();
        rowsRemoved.clear();
        columnsInserted.clear();
        reset.clear();
        layout.clear();
    }
    QSignalSpy dataChanged, rowsInserted, rowsRemoved, columnsInserted, reset, layout;
};

constexpr int AllKinds = int(RecordKind::Runs) | int(RecordKind::Deployments) |
                         int(RecordKind::Environments) | int(RecordKind::Gates) |
                         int(RecordKind::Rollouts);

} // namespace

class TestItemModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void matrixMergesCellByCell()
    {
        Estate estate;
        EnvironmentMatrixModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEnvironments(
            {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")});
        QCOMPARE(model.columnCount(), 4);
        QCOMPARE(model.headerData(3, Qt::Horizontal, Qt::DisplayRole).toString(),
                 QStringLiteral("prod"));

        RecordSet argo;
        argo.environments = {
            state(QStringLiteral("argocd"), QStringLiteral("checkout"), QStringLiteral("dev"),
                  QStringLiteral("v1.5.0")),
            state(QStringLiteral("argocd"), QStringLiteral("checkout"), QStringLiteral("prod"),
                  QStringLiteral("v1.4.2")),
            state(QStringLiteral("argocd"), QStringLiteral("payments"), QStringLiteral("prod"),
                  QStringLiteral("0123456789abcdef0123456789abcdef01234567"), Health::Degraded)};
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex checkoutProd =
            model.indexOf(QStringLiteral("checkout"), QStringLiteral("prod"));
        QCOMPARE(checkoutProd.data().toString(), QStringLiteral("v1.4.2"));
        QCOMPARE(checkoutProd.data(Roles::HealthRole).toInt(), int(Health::Healthy));
        const QModelIndex paymentsProd =
            model.indexOf(QStringLiteral("payments"), QStringLiteral("prod"));
        QCOMPARE(paymentsProd.data(Roles::VersionRole).toString(), QStringLiteral("0123456"));
        QCOMPARE(paymentsProd.data(Roles::HealthRole).toInt(), int(Health::Degraded));
        QVERIFY(!model.indexOf(QStringLiteral("payments"), QStringLiteral("dev"))
                     .data(Roles::HasStateRole)
                     .toBool());
        QCOMPARE(model.nextEnvironment(QStringLiteral("staging")), QStringLiteral("prod"));

        SignalCounter signals_(&model);
        // The same data again: nothing at all.
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        QCOMPARE(signals_.total(), 0);

        // One version changes: exactly that cell.
        argo.environments[1].version = QStringLiteral("v1.5.0");
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        QCOMPARE(signals_.total(), 1);
        QCOMPARE(signals_.dataChanged.size(), 1);
        QCOMPARE(signals_.dataChanged.at(0).at(0).toModelIndex(), checkoutProd);
        QCOMPARE(signals_.dataChanged.at(0).at(1).toModelIndex(), checkoutProd);
        signals_.clear();

        // A gate on checkout x prod: badge count on that cell only.
        RecordSet gh;
        gh.gates = {gate(QStringLiteral("github"), QStringLiteral("g1"), QStringLiteral("checkout"),
                         QStringLiteral("prod"))};
        estate.publish(QStringLiteral("github"), gh, AllKinds);
        QCOMPARE(signals_.dataChanged.size(), 1);
        QCOMPARE(checkoutProd.data(Roles::GateCountRole).toInt(), 1);
        signals_.clear();

        // A new service and a new environment arrive as inserted row and column.
        RecordSet more = argo;
        more.environments << state(QStringLiteral("argocd"), QStringLiteral("search"),
                                   QStringLiteral("qa"), QStringLiteral("v2.0.0"));
        estate.publish(QStringLiteral("argocd"), more, AllKinds);
        QCOMPARE(signals_.rowsInserted.size(), 1);
        QCOMPARE(signals_.columnsInserted.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.environments().last(), QStringLiteral("qa"));
        signals_.clear();

        // The backend becomes unreachable: its cells keep their values, marked stale.
        QVERIFY(!checkoutProd.data(Roles::StaleRole).toBool());
        ConnectionHealth down;
        down.state = ConnectionHealth::State::Unreachable;
        estate.healthChanged(QStringLiteral("argocd"), down);
        QVERIFY(checkoutProd.data(Roles::StaleRole).toBool());
        QCOMPARE(checkoutProd.data().toString(), QStringLiteral("v1.5.0"));
        QVERIFY(checkoutProd.data(Roles::AgeSecondsRole).toLongLong() >= 0);
        QVERIFY(!signals_.dataChanged.isEmpty());
        signals_.clear();

        // search disappears from the backend: its row leaves.
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        QCOMPARE(signals_.rowsRemoved.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(signals_.reset.size(), 0);

        // A freeze check is asked per environment.
        model.setFreezeCheck([](const QString &env, QString *why) {
            *why = QStringLiteral("release freeze");
            return env == QLatin1String("prod");
        });
        QVERIFY(checkoutProd.data(Roles::FrozenRole).toBool());
        QVERIFY(!model.indexOf(QStringLiteral("checkout"), QStringLiteral("dev"))
                     .data(Roles::FrozenRole)
                     .toBool());

        // A deny window the backend enforces freezes that one cell, with its own words.
        bool found = false;
        for (EnvironmentState &e : argo.environments)
            if (e.service == QLatin1String("checkout") && e.environment == QLatin1String("dev")) {
                e.freeze = QStringLiteral("Argo CD deny window 0 22 * * * for 1h");
                found = true;
            }
        QVERIFY(found);
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        const QModelIndex checkoutDev =
            model.indexOf(QStringLiteral("checkout"), QStringLiteral("dev"));
        QVERIFY(checkoutDev.data(Roles::FrozenRole).toBool());
        QCOMPARE(checkoutDev.data(Roles::FreezeReasonRole).toString(),
                 QStringLiteral("Argo CD deny window 0 22 * * * for 1h"));
        QCOMPARE(checkoutProd.data(Roles::FreezeReasonRole).toString(),
                 QStringLiteral("release freeze"));
    }

    void cachedRowsStayUntilTheFirstReadCompletes()
    {
        // A cached estate, then a first read published in chunks (the first one saying
        // "replace"): nothing cached vanishes mid-read; what the read never mentioned goes when
        // it completes, and only then.
        Estate estate;
        EnvironmentMatrixModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordSet cached;
        cached.environments = {state(u"argocd"_s, u"a"_s, u"prod"_s, u"v1"_s),
                               state(u"argocd"_s, u"b"_s, u"prod"_s, u"v1"_s),
                               state(u"argocd"_s, u"gone"_s, u"prod"_s, u"v1"_s)};
        estate.restore(u"argocd"_s, cached, t0);
        QCOMPARE(model.rowCount(), 3);
        QSignalSpy removedRows(&model, &QAbstractItemModel::rowsRemoved);
        QStringList removedKeys;
        connect(&estate, &Estate::changed, this,
                [&](RecordKind, const QStringList &, const QStringList &,
                    const QStringList &removed) { removedKeys << removed; });

        RecordSet first;
        first.environments = {state(u"argocd"_s, u"a"_s, u"prod"_s, u"v2"_s)};
        estate.publish(u"argocd"_s, first, AllKinds);
        RecordSet second;
        second.environments = {state(u"argocd"_s, u"b"_s, u"prod"_s, u"v2"_s)};
        estate.publish(u"argocd"_s, second, 0);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(removedRows.size(), 0);
        QVERIFY(removedKeys.isEmpty());
        QCOMPARE(model.indexOf(u"a"_s, u"prod"_s).data().toString(), u"v2"_s);

        estate.initialSyncDone(u"argocd"_s);
        QCOMPARE(removedKeys, QStringList{u"argocd/gone/prod"_s});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(estate.environments().size(), 2);

        // After the first read, a replace removes at once again.
        estate.publish(u"argocd"_s, first, AllKinds);
        QCOMPARE(estate.environments().size(), 1);
    }

    void cachedRowsStayWhenTheFirstReadFails()
    {
        // The first read fails (the token expired): the cached rows stay, marked stale, and are
        // not replaced by an empty estate. When a later read succeeds, what it never mentioned goes.
        Estate estate;
        EnvironmentMatrixModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordSet cached;
        cached.environments = {state(u"argocd"_s, u"a"_s, u"prod"_s, u"v1"_s),
                               state(u"argocd"_s, u"gone"_s, u"prod"_s, u"v1"_s)};
        estate.restore(u"argocd"_s, cached, t0);
        ConnectionHealth failed;
        failed.state = ConnectionHealth::State::AuthFailed;
        failed.reason = u"token expired"_s;
        estate.healthChanged(u"argocd"_s, failed);
        estate.initialSyncDone(u"argocd"_s);
        QVERIFY(estate.isSynced(u"argocd"_s));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(estate.snapshot(u"argocd"_s).environments.size(), 2);
        QVERIFY(estate.isStale(u"argocd"_s));
        QCOMPARE(estate.dataTime(u"argocd"_s), t0);

        RecordSet live;
        live.environments = {state(u"argocd"_s, u"a"_s, u"prod"_s, u"v2"_s)};
        estate.publish(u"argocd"_s, live, AllKinds);
        ConnectionHealth ok;
        ok.state = ConnectionHealth::State::Ok;
        estate.healthChanged(u"argocd"_s, ok);
        QTRY_COMPARE(model.rowCount(), 1);
        QVERIFY(!estate.isStale(u"argocd"_s));
        QCOMPARE(model.indexOf(u"a"_s, u"prod"_s).data().toString(), u"v2"_s);
    }

    void matrixFoldsSeveralBackends()
    {
        Estate estate;
        EnvironmentMatrixModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordSet gh;
        auto older = state(QStringLiteral("github"), QStringLiteral("checkout"),
                           QStringLiteral("prod"), QStringLiteral("v1.4.0"));
        older.deployedAt = t0.addSecs(-3600);
        gh.environments = {older};
        RecordSet argo;
        auto newer = state(QStringLiteral("argocd"), QStringLiteral("checkout"),
                           QStringLiteral("prod"), QStringLiteral("v1.4.2"), Health::Progressing);
        newer.sync = SyncState::OutOfSync;
        newer.driftCount = 3;
        newer.canaryWeight = 20;
        argo.environments = {newer};
        estate.publish(QStringLiteral("github"), gh, AllKinds);
        estate.publish(QStringLiteral("argocd"), argo, AllKinds);
        const auto c = model.cell(QStringLiteral("checkout"), QStringLiteral("prod"));
        QCOMPARE(c.version, QStringLiteral("v1.4.2"));
        QCOMPARE(int(c.health), int(Health::Progressing));
        QCOMPARE(int(c.sync), int(SyncState::OutOfSync));
        QCOMPARE(c.drift, 3);
        QCOMPARE(c.canaryWeight, 20);
        QCOMPARE(c.connections, (QStringList{QStringLiteral("argocd"), QStringLiteral("github")}));
    }

    void runsMergeRowByRow()
    {
        Estate estate;
        RunsModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordFilterProxyModel proxy;
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.sort(RunsModel::Started, Qt::DescendingOrder);

        RecordSet rs;
        rs.runs = {run(QStringLiteral("github"), QStringLiteral("1"), QStringLiteral("checkout"),
                       RunStatus::Succeeded),
                   run(QStringLiteral("github"), QStringLiteral("2"), QStringLiteral("checkout"),
                       RunStatus::Running),
                   run(QStringLiteral("github"), QStringLiteral("3"), QStringLiteral("payments"),
                       RunStatus::Failed, QStringLiteral("fix/timeout"))};
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Runs));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(proxy.rowCount(), 3);

        SignalCounter sourceSignals(&model);
        SignalCounter proxySignals(&proxy);
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Runs));
        QCOMPARE(sourceSignals.total(), 0);
        QCOMPARE(proxySignals.total(), 0);

        const int row = model.rowOf(QStringLiteral("github/2"));
        QVERIFY(row >= 0);
        rs.runs[1].status = RunStatus::Succeeded;
        rs.runs[1].finished = t0.addSecs(120);
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Runs));
        QCOMPARE(sourceSignals.total(), 1);
        QCOMPARE(sourceSignals.dataChanged.size(), 1);
        const auto args = sourceSignals.dataChanged.at(0);
        QCOMPARE(args.at(0).toModelIndex().row(), row);
        QCOMPARE(args.at(1).toModelIndex().row(), row);
        QCOMPARE(args.at(0).toModelIndex().column(), 0);
        QCOMPARE(args.at(1).toModelIndex().column(), RunsModel::ColumnCount - 1);
        QCOMPARE(model.index(row, RunsModel::Status).data().toString(),
                 QStringLiteral("succeeded"));
        QCOMPARE(model.index(row, RunsModel::Duration).data(Roles::SortRole).toLongLong(), 120000);
        QCOMPARE(model.index(row, RunsModel::Commit).data().toString(), QStringLiteral("0123456"));
        QCOMPARE(model.index(row, 0).data(Roles::StagesRole).toList().size(), 2);
        QCOMPARE(proxySignals.reset.size(), 0);
        QCOMPARE(proxySignals.layout.size(), 0);

        // A run leaves the backend's list: its row is removed, others keep their keys.
        rs.runs.removeAt(0);
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Runs));
        QCOMPARE(sourceSignals.rowsRemoved.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.keyAt(model.rowOf(QStringLiteral("github/3"))), QStringLiteral("github/3"));
        QCOMPARE(sourceSignals.reset.size(), 0);
    }

    void filterProxy_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("none") << 0 << QString() << QString() << 4;
        QTest::newRow("backend") << int(Roles::ConnectionRole) << QStringLiteral("jenkins")
                                 << QString() << 1;
        QTest::newRow("service") << int(Roles::ServiceRole) << QStringLiteral("checkout")
                                 << QString() << 2;
        QTest::newRow("status") << int(Roles::StatusRole) << QString::number(int(RunStatus::Failed))
                                << QString() << 2;
        QTest::newRow("branch") << int(Roles::BranchRole) << QStringLiteral("fix/timeout")
                                << QString() << 1;
        QTest::newRow("text") << 0 << QString() << QStringLiteral("payments FAILED") << 2;
        QTest::newRow("text+role") << int(Roles::ConnectionRole) << QStringLiteral("github")
                                   << QStringLiteral("payments") << 1;
    }

    void filterProxy()
    {
        QFETCH(int, role);
        QFETCH(QString, value);
        QFETCH(QString, text);
        QFETCH(int, rows);
        Estate estate;
        RunsModel model(&estate);
        RecordFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        if (role)
            proxy.setRoleFilter(role, value);
        proxy.setFilterText(text);
        RecordSet gh;
        gh.runs = {run(QStringLiteral("github"), QStringLiteral("1"), QStringLiteral("checkout"),
                       RunStatus::Succeeded),
                   run(QStringLiteral("github"), QStringLiteral("3"), QStringLiteral("payments"),
                       RunStatus::Failed, QStringLiteral("fix/timeout"))};
        RecordSet jk;
        jk.runs = {run(QStringLiteral("jenkins"), QStringLiteral("checkout#7"),
                       QStringLiteral("checkout"), RunStatus::Running),
                   run(QStringLiteral("gitlab"), QStringLiteral("9"), QStringLiteral("payments"),
                       RunStatus::Failed)};
        estate.publish(QStringLiteral("github"), gh, int(RecordKind::Runs));
        estate.publish(QStringLiteral("jenkins"), jk, 0);
        QCOMPARE(proxy.rowCount(), rows);
        // Clearing every filter brings all rows back.
        proxy.setRoleFilter(role, QString());
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), 4);
    }

    void gatesInbox()
    {
        Estate estate;
        GatesModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordSet rs;
        rs.gates = {gate(QStringLiteral("github"), QStringLiteral("7"), QStringLiteral("checkout"),
                         QStringLiteral("prod")),
                    gate(QStringLiteral("github"), QStringLiteral("8"), QStringLiteral("payments"),
                         QStringLiteral("prod"))};
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Gates));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, GatesModel::Kind).data().toString(),
                 QStringLiteral("GitHub pending deployment"));
        QCOMPARE(model.index(0, GatesModel::Approvers).data().toString(),
                 QStringLiteral("release-managers"));
        SignalCounter s(&model);
        rs.gates.removeFirst();
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Gates));
        QCOMPARE(s.rowsRemoved.size(), 1);
        QCOMPARE(s.total(), 1);
        QCOMPARE(model.gate(0).service, QStringLiteral("payments"));
    }

    void rolloutAndSteps()
    {
        Estate estate;
        RolloutsModel model(&estate);
        RolloutStepsModel steps(&estate);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&steps, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RecordSet rs;
        rs.rollouts = {rollout(1, 20, true)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, RolloutsModel::Step).data().toString(), QStringLiteral("2 of 4"));
        QCOMPARE(model.index(0, RolloutsModel::CanaryWeight).data().toString(),
                 QStringLiteral("20 %"));
        // traffic that has not followed the step shows both numbers, actual first
        Rollout stalled = rollout(1, 0, true);
        stalled.setWeight = 20;
        RecordSet stalledSet;
        stalledSet.rollouts = {stalled};
        estate.publish(QStringLiteral("argocd"), stalledSet, int(RecordKind::Rollouts));
        QCOMPARE(model.index(0, RolloutsModel::CanaryWeight).data().toString(),
                 QStringLiteral("0 % of 20 %"));
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        steps.setRolloutKey(rs.rollouts.first().key());
        QCOMPARE(steps.rowCount(), 4);
        QVERIFY(steps.index(1).data(Roles::CurrentStepRole).toBool());
        QVERIFY(steps.index(0).data(Roles::StepDoneRole).toBool());
        QCOMPARE(steps.index(0).data().toString(), QStringLiteral("Set canary weight to 20%"));
        QCOMPARE(steps.index(1).data().toString(), QStringLiteral("Pause until promoted"));

        SignalCounter s(&steps);
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        QCOMPARE(s.total(), 0);
        rs.rollouts = {rollout(2, 50, false)};
        estate.publish(QStringLiteral("argocd"), rs, int(RecordKind::Rollouts));
        QCOMPARE(s.dataChanged.size(), 1);
        QCOMPARE(s.reset.size(), 0);
        QVERIFY(steps.index(2).data(Roles::CurrentStepRole).toBool());
        QVERIFY(!steps.index(1).data(Roles::CurrentStepRole).toBool());
    }

    void deploymentHistory()
    {
        Estate estate;
        DeploymentHistoryModel model(&estate);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTarget(QStringLiteral("checkout"), QStringLiteral("prod"));
        RecordSet rs;
        for (int i = 0; i < 3; ++i) {
            Deployment d;
            d.connectionId = QStringLiteral("github");
            d.id = QString::number(100 + i);
            d.service = QStringLiteral("checkout");
            d.environment = i == 2 ? QStringLiteral("staging") : QStringLiteral("prod");
            d.version = QStringLiteral("v1.4.%1").arg(i);
            d.status = DeployStatus::Succeeded;
            d.created = t0.addSecs(i * 60);
            d.url = QUrl(QStringLiteral("http://127.0.0.1:1/deployments/%1").arg(i));
            rs.deployments << d;
        }
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Deployments));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, DeploymentHistoryModel::Link).data(Roles::UrlRole).toUrl().path(),
                 QStringLiteral("/deployments/0"));
        // A deployment that moves to another environment leaves this history.
        SignalCounter s(&model);
        rs.deployments[1].environment = QStringLiteral("staging");
        estate.publish(QStringLiteral("github"), rs, int(RecordKind::Deployments));
        QCOMPARE(s.rowsRemoved.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setTarget(QStringLiteral("checkout"), QStringLiteral("staging"));
        QCOMPARE(model.rowCount(), 2);
    }
    void fuzzyScore_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("prefix") << "chk"
                                << "checkout" << true;
        QTest::newRow("case folded") << "CHECK"
                                     << "checkout" << true;
        QTest::newRow("word starts") << "pcp"
                                     << "Promote checkout to prod" << true;
        QTest::newRow("out of order") << "kc"
                                      << "check" << false;
        QTest::newRow("missing letter") << "checkoutz"
                                        << "checkout" << false;
        QTest::newRow("korean") << QStringLiteral("승인") << QStringLiteral("승인 대기") << true;
        QTest::newRow("empty query") << ""
                                     << "anything" << true;
    }
    void fuzzyScore()
    {
        QFETCH(QString, query);
        QFETCH(QString, text);
        QFETCH(bool, matches);
        QCOMPARE(fd::fuzzyScore(query, text) >= 0, matches);
    }

    void fuzzyRanksWordStartsAndPrefixes()
    {
        // A prefix beats the same letters scattered; word starts beat mid-word letters.
        QVERIFY(fd::fuzzyScore(QStringLiteral("pay"), QStringLiteral("payments")) >
                fd::fuzzyScore(QStringLiteral("pay"), QStringLiteral("gateway-proxy")));
        QVERIFY(fd::fuzzyScore(QStringLiteral("cp"), QStringLiteral("checkout prod")) >
                fd::fuzzyScore(QStringLiteral("cp"), QStringLiteral("scope")));
    }

    void paletteModelFiltersAndRanks()
    {
        PaletteModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        using K = PaletteEntry::Kind;
        ReleaseAction promote;
        promote.verb = ReleaseAction::Verb::Promote;
        promote.service = QStringLiteral("checkout");
        promote.environment = QStringLiteral("prod");
        model.setEntries(
            {PaletteEntry{
                 K::Page, QStringLiteral("Go to Pipelines"), {}, {}, {}, {}, 1, std::nullopt},
             PaletteEntry{K::Service,
                          QStringLiteral("checkout"),
                          {},
                          QStringLiteral("checkout"),
                          {},
                          {},
                          -1,
                          std::nullopt},
             PaletteEntry{K::Service,
                          QStringLiteral("payments"),
                          {},
                          QStringLiteral("payments"),
                          {},
                          {},
                          -1,
                          std::nullopt},
             PaletteEntry{K::Action,
                          QStringLiteral("Promote checkout to prod"),
                          QStringLiteral("v2.4.0 from staging"),
                          QStringLiteral("checkout"),
                          QStringLiteral("prod"),
                          {},
                          -1,
                          promote}});
        QCOMPARE(model.rowCount(), 4); // nothing typed: everything, in the given order
        QCOMPARE(model.entryAt(0)->text, QStringLiteral("Go to Pipelines"));
        model.setQuery(QStringLiteral("checkout"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.entryAt(0)->kind, K::Service);   // the exact name first
        model.setQuery(QStringLiteral("prod promote")); // token order does not matter
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.entryAt(0)->action.has_value());
        QCOMPARE(model.entryAt(0)->action->environment, QStringLiteral("prod"));
        model.setQuery(QStringLiteral("v2.4")); // the detail matches too
        QCOMPARE(model.rowCount(), 1);
        model.setQuery(QStringLiteral("zzz"));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.entryAt(0), nullptr);
    }

    void notificationsOnlyForNewsAfterFirstSync()
    {
        Estate estate;
        NotificationFeed feed(&estate);
        feed.setDebounceMs(20);
        QSignalSpy spy(&feed, &NotificationFeed::notify);
        const QString gh = QStringLiteral("github");
        // The first read brings a gate and a failed deploy run: loading, not news.
        RecordSet first;
        first.gates << gate(gh, QStringLiteral("g1"), QStringLiteral("checkout"),
                            QStringLiteral("prod"));
        Run deploy = run(gh, QStringLiteral("7"), QStringLiteral("checkout"), RunStatus::Failed);
        deploy.environment = QStringLiteral("staging");
        first.runs << deploy;
        estate.publish(gh, first, AllKinds);
        estate.initialSyncDone(gh);
        QTest::qWait(60);
        QCOMPARE(spy.size(), 0);
        QVERIFY(feed.pending().isEmpty());

        // A second gate after the sync is news.
        RecordSet second = first;
        second.gates << gate(gh, QStringLiteral("g2"), QStringLiteral("payments"),
                             QStringLiteral("prod"));
        estate.publish(gh, second, AllKinds);
        QCOMPARE(feed.pending().size(), 1);
        QTRY_COMPARE(spy.size(), 1);
        const Notice n = spy.at(0).at(0).value<Notice>();
        QCOMPARE(n.category, Notice::Category::Approval);
        QVERIFY(n.title.contains(QLatin1String("payments")));
        QCOMPARE(n.keys, QStringList{QStringLiteral("github/g2")});
        // The same publish again says nothing.
        estate.publish(gh, second, AllKinds);
        QTest::qWait(60);
        QCOMPARE(spy.size(), 1);
    }

    void notificationTransitions_data()
    {
        QTest::addColumn<int>("category");
        QTest::newRow("failed deploy run") << int(Notice::Category::FailedDeploy);
        QTest::newRow("canary paused") << int(Notice::Category::CanaryPaused);
        QTest::newRow("canary aborted") << int(Notice::Category::CanaryAborted);
        QTest::newRow("rollback event") << int(Notice::Category::Rollback);
    }
    void notificationTransitions()
    {
        QFETCH(int, category);
        const auto c = Notice::Category(category);
        Estate estate;
        NotificationFeed feed(&estate);
        feed.setDebounceMs(10);
        QSignalSpy spy(&feed, &NotificationFeed::notify);
        const QString argo = QStringLiteral("argocd");
        RecordSet rs;
        Run deploy = run(argo, QStringLiteral("9"), QStringLiteral("checkout"), RunStatus::Running);
        deploy.environment = QStringLiteral("prod");
        rs.runs << deploy;
        rs.rollouts << rollout(0, 20, false);
        estate.publish(argo, rs, AllKinds);
        estate.initialSyncDone(argo);
        switch (c) {
        case Notice::Category::FailedDeploy:
            rs.runs[0].status = RunStatus::Failed;
            break;
        case Notice::Category::CanaryPaused:
            rs.rollouts[0] = rollout(1, 20, true);
            break;
        case Notice::Category::CanaryAborted:
            rs.rollouts[0].aborted = true;
            rs.rollouts[0].phase = RolloutPhase::Degraded;
            break;
        case Notice::Category::Rollback: {
            TimelineEvent e;
            e.source = QStringLiteral("operator");
            e.sourceId = QStringLiteral("a1");
            e.kind = TimelineEvent::Kind::Rollback;
            e.service = QStringLiteral("checkout");
            e.environment = QStringLiteral("prod");
            e.title = QStringLiteral("rolled back to v1.4.2");
            rs.events << e;
            break;
        }
        default:
            QFAIL("unexpected row");
        }
        estate.publish(argo, rs, AllKinds);
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(spy.at(0).at(0).value<Notice>().category, c);

        // Switched off: the same kind of change says nothing.
        feed.setCategoryEnabled(c, false);
        feed.setCooldownMs(0);
        RecordSet again;
        Run other = deploy;
        other.id = QStringLiteral("10");
        other.status = RunStatus::Failed;
        again.runs << other;
        Rollout r2 = rollout(0, 20, false);
        r2.name = QStringLiteral("checkout-b");
        again.rollouts << r2;
        estate.publish(argo, again, 0);
        r2 = rollout(1, 20, true);
        r2.name = QStringLiteral("checkout-b");
        r2.aborted = c == Notice::Category::CanaryAborted;
        again.rollouts = {r2};
        again.events = rs.events;
        if (!again.events.isEmpty())
            again.events[0].sourceId = QStringLiteral("a2");
        estate.publish(argo, again, 0);
        QTest::qWait(40);
        for (const auto &args : spy.mid(1))
            QVERIFY(args.at(0).value<Notice>().category != c);
    }

    void notificationsDebounceIntoOneSummary()
    {
        Estate estate;
        NotificationFeed feed(&estate);
        feed.setDebounceMs(50);
        QSignalSpy spy(&feed, &NotificationFeed::notify);
        const QString gh = QStringLiteral("github");
        estate.publish(gh, {}, 0);
        estate.initialSyncDone(gh);
        for (int i = 0; i < 5; ++i) {
            RecordSet rs;
            rs.gates << gate(gh, QStringLiteral("g%1").arg(i), QStringLiteral("svc%1").arg(i),
                             QStringLiteral("prod"));
            estate.publish(gh, rs, 0);
        }
        QCOMPARE(spy.size(), 0); // still collecting
        QTRY_COMPARE(spy.size(), 1);
        const Notice n = spy.at(0).at(0).value<Notice>();
        QCOMPARE(n.keys.size(), 5);
        QVERIFY2(n.body.contains(QLatin1String("5")), qPrintable(n.body));
        // Switched off entirely: nothing is collected.
        feed.setEnabled(false);
        RecordSet rs;
        rs.gates << gate(gh, QStringLiteral("g9"), QStringLiteral("svc9"), QStringLiteral("prod"));
        estate.publish(gh, rs, 0);
        QVERIFY(feed.pending().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestItemModels)
#include "tst_itemmodels.moc"
