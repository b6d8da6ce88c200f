// The timeline: lanes, filters, retention against the store, and the item model under
// QAbstractItemModelTester with merges instead of resets.
#include "itemmodels/itemroles.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "timeline/timelinemodel.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;
using K = TimelineEvent::Kind;

namespace {

const QDateTime t0(QDate(2024, 5, 10), QTime(12, 0), Qt::UTC);

TimelineEvent
ev(const char *id, K kind, int minutes, const char *service = "checkout", const char *env = "prod")
{
    TimelineEvent e;
    e.source = QStringLiteral("argocd");
    e.sourceId = QString::fromLatin1(id);
    e.kind = kind;
    e.time = t0.addSecs(minutes * 60);
    e.service = QString::fromLatin1(service);
    e.environment = QString::fromLatin1(env);
    e.title = QString::fromLatin1(id);
    return e;
}

QStringList list(const char *ids)
{
    return QString::fromLatin1(ids).split(QLatin1Char(' '));
}

QStringList ids(const TimelineModel &m)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.event(r).sourceId;
    return out;
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lanes_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("lane");
        QTest::newRow("deploy") << int(K::DeploySucceeded) << int(TimelineLane::Deploys);
        QTest::newRow("rollback") << int(K::Rollback) << int(TimelineLane::Deploys);
        QTest::newRow("sync") << int(K::SyncSucceeded) << int(TimelineLane::Deploys);
        QTest::newRow("canary weight") << int(K::CanaryWeight) << int(TimelineLane::Canary);
        QTest::newRow("canary abort") << int(K::CanaryAborted) << int(TimelineLane::Canary);
        QTest::newRow("alert") << int(K::AlertFiring) << int(TimelineLane::Alerts);
        QTest::newRow("resolved") << int(K::AlertResolved) << int(TimelineLane::Alerts);
        QTest::newRow("operator") << int(K::OperatorAction) << int(TimelineLane::Actions);
        QTest::newRow("approval") << int(K::ApprovalGranted) << int(TimelineLane::Actions);
        QTest::newRow("note") << int(K::Note) << int(TimelineLane::Notes);
    }

    void lanes()
    {
        QFETCH(int, kind);
        QFETCH(int, lane);
        QCOMPARE(int(laneOf(K(kind))), lane);
    }

    void filterAccepts()
    {
        TimelineFilter f;
        f.from = t0;
        f.to = t0.addSecs(3600);
        f.services = {QStringLiteral("checkout")};
        f.environment = QStringLiteral("prod");
        QVERIFY(f.accepts(ev("a", K::Note, 0)));
        QVERIFY(!f.accepts(ev("b", K::Note, 60))); // `to` is exclusive
        QVERIFY(!f.accepts(ev("c", K::Note, -1)));
        QVERIFY(!f.accepts(ev("d", K::Note, 5, "payments")));
        QVERIFY(!f.accepts(ev("e", K::Note, 5, "checkout", "staging")));
        QVERIFY(f.accepts(ev("f", K::Note, 5, "", ""))); // estate-wide notes stay visible
    }

    void retentionAndProduction()
    {
        Workspace ws;
        QCOMPARE(timelineRetentionDays(ws), 90);
        ws.policies.insert(QStringLiteral("timelineRetentionDays"), 7);
        QCOMPARE(timelineRetentionDays(ws), 7);
        ws.policies.insert(QStringLiteral("timelineRetentionDays"), -3);
        QCOMPARE(timelineRetentionDays(ws), 90);

        ws.environments = {EnvironmentDef{QStringLiteral("staging")},
                           EnvironmentDef{QStringLiteral("live")},
                           EnvironmentDef{QStringLiteral("sandbox")}};
        QCOMPARE(productionEnvironment(ws), QStringLiteral("sandbox"));
        ws.policies.insert(QStringLiteral("productionEnvironment"), QStringLiteral("live"));
        QCOMPARE(productionEnvironment(ws), QStringLiteral("live"));
        ws.policies.insert(QStringLiteral("productionEnvironment"), QStringLiteral("nowhere"));
        QCOMPARE(productionEnvironment(ws), QStringLiteral("sandbox"));
    }

    void pruneAndLoad()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        QVERIFY(store);
        const QDateTime now = t0;
        QList<TimelineEvent> events{ev("old", K::DeploySucceeded, -11 * 24 * 60),
                                    ev("kept", K::DeploySucceeded, -9 * 24 * 60),
                                    ev("pay", K::AlertFiring, -5, "payments"),
                                    ev("all", K::Note, -4, "", ""), ev("new", K::Rollback, -1)};
        QCOMPARE(*store->appendEvents(events), 5);
        QCOMPARE(*store->appendEvents(events), 0); // same source ids: nothing new
        Workspace ws;
        ws.policies.insert(QStringLiteral("timelineRetentionDays"), 10);
        QCOMPARE(*pruneTimeline(*store, ws, now), 1);

        TimelineFilter f;
        f.services = {QStringLiteral("checkout")};
        auto loaded = loadTimeline(*store, f);
        QVERIFY(loaded);
        QStringList got;
        for (const TimelineEvent &e : *loaded)
            got << e.sourceId;
        QCOMPARE(got, (QStringList{QStringLiteral("kept"), QStringLiteral("all"),
                                   QStringLiteral("new")}));
        f.services = {QStringLiteral("checkout"), QStringLiteral("payments")};
        f.from = now.addSecs(-600);
        QCOMPARE(loadTimeline(*store, f)->size(), 3);
    }

    void modelMergesWithoutReset()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setEvents({ev("c", K::CanaryWeight, 20), ev("a", K::DeployStarted, 0),
                         ev("b", K::AlertFiring, 10)});
        QCOMPARE(ids(model), list("a b c"));
        QCOMPARE(inserted.size(), 1);

        // A live event in the middle, a duplicate of a known one, and an update of one.
        TimelineEvent updated = ev("b", K::AlertFiring, 10);
        updated.title = QStringLiteral("HighErrorRate");
        model.addEvents({ev("m", K::Note, 15), ev("a", K::DeployStarted, 0), updated});
        QCOMPARE(ids(model), list("a b m c"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, TimelineModel::TitleColumn).data().toString(),
                 QStringLiteral("HighErrorRate"));
        QCOMPARE(model.rowOf(QStringLiteral("argocd/m")), 2);

        // An event whose time moved is moved, not duplicated.
        model.addEvents({ev("a", K::DeploySucceeded, 30)});
        QCOMPARE(ids(model), list("b m c a"));

        // Filters merge too: payments events leave and come back.
        model.addEvents({ev("p", K::AlertFiring, 5, "payments")});
        QCOMPARE(ids(model), list("p b m c a"));
        TimelineFilter f;
        f.services = {QStringLiteral("checkout")};
        model.setFilter(f);
        QCOMPARE(ids(model), list("b m c a"));
        model.setFilter({});
        QCOMPARE(ids(model), list("p b m c a"));

        model.removeBefore(t0.addSecs(12 * 60));
        QCOMPARE(ids(model), list("m c a"));
        QVERIFY(removed.size() >= 2);
        QCOMPARE(resets.size(), 0);

        // Roles the chart and the table read.
        const QModelIndex i = model.index(1, TimelineModel::LaneColumn);
        QCOMPARE(i.data(TimelineRoles::LaneRole).toInt(), int(TimelineLane::Canary));
        QCOMPARE(i.data(TimelineRoles::TimeRole).toDateTime(), t0.addSecs(20 * 60));
        QCOMPARE(model.index(1, TimelineModel::TimeColumn).data(Roles::SortRole).toLongLong(),
                 t0.addSecs(20 * 60).toMSecsSinceEpoch());
        QCOMPARE(model.services(), QStringList{QStringLiteral("checkout")});
    }

    void modelRandomMerges()
    {
        // Many random updates: the rows always equal the sorted, filtered set; the tester
        // checks every signal on the way.
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        quint32 seed = 12345;
        const auto next = [&seed](int n) {
            seed = seed * 1103515245u + 12345u;
            return int((seed >> 16) % quint32(n));
        };
        QHash<QString, TimelineEvent> truth;
        for (int round = 0; round < 200; ++round) {
            QList<TimelineEvent> batch;
            for (int k = next(4); k >= 0; --k) {
                const QByteArray id = QByteArray::number(next(30));
                TimelineEvent e =
                    ev(id.constData(), K(next(27)), next(120), next(2) ? "checkout" : "payments");
                batch << e;
                truth.insert(TimelineModel::keyOf(e), e);
            }
            model.addEvents(batch);
            if (next(10) == 0) {
                TimelineFilter f;
                if (next(2))
                    f.services = {QStringLiteral("payments")};
                f.from = t0.addSecs(next(60) * 60);
                model.setFilter(f);
            }
            QList<TimelineEvent> expected;
            for (const TimelineEvent &e : std::as_const(truth))
                if (model.filter().accepts(e))
                    expected << e;
            std::sort(expected.begin(), expected.end(),
                      [](const TimelineEvent &a, const TimelineEvent &b) {
                          return a.time != b.time
                                     ? a.time < b.time
                                     : TimelineModel::keyOf(a) < TimelineModel::keyOf(b);
                      });
            QCOMPARE(model.events(), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
