#include "pgtestdb.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSysInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace fd;

namespace {

QDateTime at(int minute)
{
    return QDateTime(QDate(2026, 3, 1), QTime(10, 0), Qt::UTC).addSecs(minute * 60);
}

TimelineEvent makeEvent(const QString &sourceId,
                        int minute,
                        const QString &service = QStringLiteral("checkout"),
                        const QString &environment = QStringLiteral("prod"))
{
    TimelineEvent e;
    e.source = QStringLiteral("gh");
    e.sourceId = sourceId;
    e.kind = TimelineEvent::Kind::DeploySucceeded;
    e.time = at(minute);
    e.service = service;
    e.environment = environment;
    e.actor = QStringLiteral("ana");
    e.version = QStringLiteral("v1");
    e.title = QStringLiteral("Deployed");
    e.detail = QStringLiteral("detail");
    e.link = QUrl(QStringLiteral("https://example.test/x?y=1"));
    return e;
}

ActionPlan plan()
{
    ActionPlan p;
    p.action.verb = ReleaseAction::Verb::Rollback;
    p.action.connectionId = QStringLiteral("argocd");
    p.action.service = QStringLiteral("checkout");
    p.action.environment = QStringLiteral("prod");
    p.action.target = QStringLiteral("checkout-prod");
    p.action.actor = QStringLiteral("ana");
    p.summary = QStringLiteral("Revert checkout-prod to v1");
    p.requests = {PlannedRequest{"POST", QStringLiteral("/api/v1/applications/checkout-prod/sync"),
                                 "{}", "application/json", QStringLiteral("sync")}};
    return p;
}

} // namespace

// Every test runs against SQLite and, when a server is given, PostgreSQL.
class TestStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_target;

    // Each PostgreSQL row gets a fresh database of this test's own.
    void resetPostgres(const QString &url)
    {
        QString error;
        m_target = fd::test::freshPostgresDatabase(url, QStringLiteral("fd_test_store"), &error);
        QVERIFY2(!m_target.isEmpty(), qPrintable(error));
    }

    void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    // Picks the target for this row; false when the row must not run (skip outside CI).
    bool target()
    {
        QFETCH(QString, backend);
        if (backend == QLatin1String("sqlite")) {
            m_target = m_dir.filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) +
                                      QLatin1String("/flightdeck.db"));
            return true;
        }
        const QString url = qEnvironmentVariable("FD_TEST_PG_URL");
        if (url.isEmpty()) {
            // .ci/test starts a PostgreSQL server and sets FD_TEST_PG_URL; FD_TARGET() turns a
            // missing URL into a failure everywhere, so the PostgreSQL store never goes untested.
            return false;
        }
        resetPostgres(url);
        return !m_target.isEmpty();
    }

#define FD_TARGET()                                                                                \
    do {                                                                                           \
        if (!target())                                                                             \
            QFAIL("FD_TEST_PG_URL is not set: start the servers with `.ci/services start DIR` "    \
                  "and `source DIR/env` (./.ci/test does both)");                                  \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
    }

    void migrations_data()
    {
        backends();
    }
    void migrations()
    {
        FD_TARGET();
        QString error;
        {
            auto store = Store::open(m_target, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
            QVERIFY(store->appendEvents({makeEvent(QStringLiteral("a"), 1)}).value_or(-1) == 1);
        }
        // Re-opening runs no migration twice and keeps the data.
        auto again = Store::open(m_target, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->schemaVersion(), Store::latestSchemaVersion());
        QCOMPARE(again->events({}, {})->size(), 1);
        if (again->backend() == QLatin1String("sqlite")) {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
            db.setDatabaseName(m_target);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_version")) && q.next());
            QCOMPARE(q.value(0).toInt(), Store::latestSchemaVersion());
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    }

    void snapshots_data()
    {
        backends();
    }
    void snapshots()
    {
        FD_TARGET();
        QString error;
        auto store = Store::open(m_target, &error);
        QVERIFY2(store, qPrintable(error));
        RecordSet rs;
        Run run;
        run.connectionId = QStringLiteral("gh");
        run.id = QStringLiteral("1");
        run.status = RunStatus::Failed;
        run.started = at(3);
        rs.runs = {run};
        EnvironmentState env;
        env.connectionId = QStringLiteral("argocd");
        env.service = QStringLiteral("checkout");
        env.environment = QStringLiteral("prod");
        env.health = Health::Degraded;
        rs.environments = {env};
        QCOMPARE(store->saveSnapshot(QStringLiteral("gh"), rs, at(5)), QString());
        QCOMPARE(store->saveSnapshot(QStringLiteral("argocd"), {}, at(6)), QString());
        rs.runs[0].status = RunStatus::Succeeded;
        QCOMPARE(store->saveSnapshot(QStringLiteral("gh"), rs, at(7)), QString()); // replaces
        const auto snaps = store->loadSnapshots(&error);
        QVERIFY2(snaps, qPrintable(error));
        QCOMPARE(snaps->size(), 2);
        QCOMPARE(snaps->value(QStringLiteral("gh")).second, at(7));
        QCOMPARE(snaps->value(QStringLiteral("gh")).first.runs, rs.runs);
        QCOMPARE(snaps->value(QStringLiteral("gh")).first.environments, rs.environments);
        QVERIFY(snaps->value(QStringLiteral("argocd")).first.isEmpty());
    }

    void eventsDeduplicated_data()
    {
        backends();
    }
    void eventsDeduplicated()
    {
        FD_TARGET();
        QString error;
        auto store = Store::open(m_target, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store
                     ->appendEvents(
                         {makeEvent(QStringLiteral("e1"), 1), makeEvent(QStringLiteral("e2"), 2)},
                         &error)
                     .value_or(-1),
                 2);
        auto other = makeEvent(QStringLiteral("e1"), 1);
        other.source = QStringLiteral("gitlab"); // same id, other source: a different event
        QCOMPARE(store
                     ->appendEvents({makeEvent(QStringLiteral("e1"), 1),
                                     makeEvent(QStringLiteral("e3"), 3, QStringLiteral("payments")),
                                     other},
                                    &error)
                     .value_or(-1),
                 2);
        const auto all = store->events(at(0), at(60), {}, {}, &error);
        QVERIFY2(all, qPrintable(error));
        QCOMPARE(all->size(), 4);
        QCOMPARE(all->at(0), makeEvent(QStringLiteral("e1"), 1));
        const auto checkout =
            store->events(at(0), at(60), QStringLiteral("checkout"), QStringLiteral("prod"));
        QCOMPARE(checkout->size(), 3);
        QCOMPARE(store->events(at(2), at(3))->size(), 1); // half-open range
        QCOMPARE(store->events(at(0), at(60), {}, QStringLiteral("dev"))->size(), 0);

        QCOMPARE(store->pruneEvents(at(2), &error).value_or(-1), 2);
        QCOMPARE(store->events({}, {})->size(), 2);
    }

    void audit_data()
    {
        backends();
    }
    void audit()
    {
        FD_TARGET();
        QString error;
        auto store = Store::open(m_target, &error);
        QVERIFY2(store, qPrintable(error));
        const auto id = store->auditIntent(plan(), QStringLiteral("bad release"), &error);
        QVERIFY2(id, qPrintable(error));
        // The intent was written with full durability, and normal writes are back to normal.
        if (store->backend() == QLatin1String("sqlite")) {
            QCOMPARE(store->lastAuditDurability(), QStringLiteral("2")); // FULL
            QCOMPARE(store->currentDurability(), QStringLiteral("1"));   // NORMAL
        } else {
            QCOMPARE(store->lastAuditDurability(), QStringLiteral("on"));
            QCOMPARE(store->currentDurability(), QStringLiteral("off"));
        }
        auto entries = store->auditEntries(10, &error);
        QVERIFY2(entries, qPrintable(error));
        QCOMPARE(entries->size(), 1);
        QVERIFY(entries->at(0).state == AuditEntry::State::Intent);
        QCOMPARE(entries->at(0).plan, plan());
        QCOMPARE(entries->at(0).verb, QStringLiteral("rollback"));
        QVERIFY(!entries->at(0).result);

        ActionResult result{
            true, QStringLiteral("synced"), 200, at(9), {QStringLiteral("POST → 200")}};
        QCOMPARE(store->auditResult(*id, result), QString());
        QVERIFY(!store->auditResult(*id, result).isEmpty()); // written once only
        QVERIFY(!store->auditResult(*id + 100, result).isEmpty());
        const auto refused = store->auditRefused(plan(), QStringLiteral("try"),
                                                 QStringLiteral("prod is frozen"), &error);
        QVERIFY2(refused, qPrintable(error));

        entries = store->auditEntries(10, &error);
        QCOMPARE(entries->size(), 2);
        QVERIFY(entries->at(0).state == AuditEntry::State::Refused);
        QCOMPARE(entries->at(0).result->message, QStringLiteral("prod is frozen"));
        QVERIFY(entries->at(1).state == AuditEntry::State::Succeeded);
        QCOMPARE(*entries->at(1).result, result);
        QCOMPARE(entries->at(1).finished, at(9));
        QCOMPARE(entries->at(1).reason, QStringLiteral("bad release"));
        QCOMPARE(store->auditEntries(1)->size(), 1);
    }

    void actionLocks_data()
    {
        backends();
    }
    void actionLocks()
    {
        FD_TARGET();
        QString error;
        auto first = Store::open(m_target, &error);
        QVERIFY2(first, qPrintable(error));
        auto second = Store::open(m_target, &error); // another console on the same store
        QVERIFY2(second, qPrintable(error));
        ActionLock alice{QStringLiteral("argocd|checkout|prod|"),
                         QStringLiteral("alice"),
                         QStringLiteral("promote checkout in prod"),
                         {},
                         0,
                         {}};
        ActionLock bob = alice;
        bob.actor = QStringLiteral("bob");
        ActionLock holder;
        QVERIFY2(first->takeActionLock(alice, &holder, &error), qPrintable(error));
        QVERIFY(!second->takeActionLock(bob, &holder, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(holder.actor, QStringLiteral("alice"));
        QCOMPARE(holder.what, QStringLiteral("promote checkout in prod"));
        QCOMPARE(holder.pid, QCoreApplication::applicationPid());
        QCOMPARE(holder.host, QSysInfo::machineHostName());
        QVERIFY(holder.describe().startsWith(
            QStringLiteral("alice is running \"promote checkout in prod\" since ")));
        // Another target is free; the released one is free again.
        ActionLock other = bob;
        other.target = QStringLiteral("argocd|checkout|staging|");
        QVERIFY(second->takeActionLock(other, &holder, &error));
        first->releaseActionLock(alice.target);
        QVERIFY2(second->takeActionLock(bob, &holder, &error), qPrintable(error));
        second->releaseActionLock(bob.target);
        second->releaseActionLock(other.target);
    }

    void incidents_data()
    {
        backends();
    }
    void incidents()
    {
        FD_TARGET();
        QString error;
        auto store = Store::open(m_target, &error);
        QVERIFY2(store, qPrintable(error));
        Incident i;
        i.title = QStringLiteral("Checkout 5xx");
        i.severity = QStringLiteral("sev1");
        i.services = {QStringLiteral("checkout"), QStringLiteral("payments")};
        i.environment = QStringLiteral("prod");
        i.detectedAt = at(1);
        const auto id = store->createIncident(i, &error);
        QVERIFY2(id, qPrintable(error));
        i.id = *id;
        QCOMPARE(*store->incident(*id), i);
        i.phase = Incident::Phase::Mitigated;
        i.mitigatedAt = at(20);
        QCOMPARE(store->updateIncident(i), QString());
        QCOMPARE(store->incidents()->value(0), i);
        const auto note = store->addIncidentNote(
            {0, *id, at(5), QStringLiteral("ana"), QStringLiteral("rolled back")}, &error);
        QVERIFY2(note, qPrintable(error));
        QCOMPARE(store->incidentNotes(*id)->size(), 1);
        QCOMPARE(store->incidentNotes(*id)->at(0).text, QStringLiteral("rolled back"));
        QVERIFY(!store->addIncidentNote({0, *id + 50, at(5), {}, QStringLiteral("x")}));
        QCOMPARE(store->deleteIncident(*id), QString());
        QVERIFY(!store->incident(*id, &error));
        QCOMPARE(error, QStringLiteral("incidents: no incident with id %1").arg(*id));
        QCOMPARE(store->incidentNotes(*id)->size(), 0); // notes go with their incident
        QVERIFY(!store->updateIncident(i).isEmpty());
    }

    void workerThread_data()
    {
        backends();
    }
    void workerThread()
    {
        FD_TARGET();
        QString error;
        auto store = Store::open(m_target, &error);
        QVERIFY2(store, qPrintable(error));
        QString workerError;
        int workerInserted = 0;
        QThread *worker = QThread::create([&] {
            for (int i = 0; i < 50; ++i)
                workerInserted +=
                    store->appendEvents({makeEvent(QStringLiteral("w%1").arg(i), i)}, &workerError)
                        .value_or(0);
            store->releaseThreadConnection();
        });
        worker->start();
        int mainInserted = 0;
        for (int i = 0; i < 50; ++i)
            mainInserted +=
                store->appendEvents({makeEvent(QStringLiteral("m%1").arg(i), i)}, &error)
                    .value_or(0);
        QVERIFY(worker->wait(30000));
        delete worker;
        QCOMPARE(workerError, QString());
        QCOMPARE(error, QString());
        QCOMPARE(workerInserted, 50);
        QCOMPARE(mainInserted, 50);
        QCOMPARE(store->events({}, {})->size(), 100);
    }

    void badTargets()
    {
        QString error;
        QVERIFY(!Store::open(QStringLiteral("postgresql://nohost"), &error));
        QVERIFY(error.contains(QLatin1String("PostgreSQL URL")));
        QVERIFY(!Store::open(QStringLiteral("/proc/flightdeck/x.db"), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
