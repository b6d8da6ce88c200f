// Release locks in the store, on SQLite and PostgreSQL: one holder per service × environment,
// a second lock refused naming the holder, unlock naming whom it released, and every attempt in
// the audit log.
#include "pgtestdb.h"
#include "store/store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace fd;

class TestReleaseLock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The store for this row, or "" (and a failure) when the PostgreSQL server is not there.
    QString target()
    {
        QFETCH(QString, backend);
        if (backend == QLatin1String("sqlite"))
            return m_dir.filePath(QUuid::createUuid().toString(QUuid::WithoutBraces) +
                                  QLatin1String("/flightdeck.db"));
        const QString url = qEnvironmentVariable("FD_TEST_PG_URL");
        if (url.isEmpty())
            return {};
        QString error;
        const QString fresh =
            fd::test::freshPostgresDatabase(url, QStringLiteral("fd_test_releaselock"), &error);
        if (fresh.isEmpty())
            qWarning("%s", qPrintable(error));
        return fresh;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    }

    void lockUnlock_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }
    void lockUnlock()
    {
        const QString where = target();
        if (where.isEmpty())
            QFAIL("FD_TEST_PG_URL is not set: start the servers with `.ci/services start DIR` "
                  "and `source DIR/env` (./.ci/test does both)");
        QString error;
        auto store = Store::open(where, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());

        const QDateTime since =
            QDateTime::fromString(QStringLiteral("2026-12-08T01:00:00Z"), Qt::ISODate);
        const ReleaseLock alice{QStringLiteral("checkout"), QStringLiteral("prod"),
                                QStringLiteral("alice"), QStringLiteral("payment provider cutover"),
                                since};
        ReleaseLock current;
        std::optional<bool> taken = store->lockTarget(alice, &current, &error);
        QVERIFY2(taken, qPrintable(error));
        QVERIFY(*taken);
        QCOMPARE(current, alice);

        ReleaseLock bob = alice;
        bob.holder = QStringLiteral("bob");
        bob.reason = QStringLiteral("hotfix");
        bob.since = {};
        taken = store->lockTarget(bob, &current, &error);
        QVERIFY2(taken, qPrintable(error));
        QVERIFY(!*taken);
        QCOMPARE(current, alice); // the refusal names the holder, why and since when

        ReleaseLock staging = bob;
        staging.environment = QStringLiteral("staging");
        taken = store->lockTarget(staging, &current, &error);
        QVERIFY(taken && *taken);
        QCOMPARE(current.holder, QStringLiteral("bob"));
        QVERIFY(current.since.isValid());

        auto locks = store->releaseLocks({}, {}, &error);
        QVERIFY2(locks, qPrintable(error));
        QCOMPARE(locks->size(), 2);
        QCOMPARE(locks->first(), alice);
        locks = store->releaseLocks(QStringLiteral("checkout"), QStringLiteral("prod"), &error);
        QVERIFY(locks);
        QCOMPARE(*locks, QList<ReleaseLock>{alice});

        const std::optional<ReleaseLock> released = store->unlockTarget(
            QStringLiteral("checkout"), QStringLiteral("prod"), QStringLiteral("carol"), &error);
        QVERIFY2(released, qPrintable(error));
        QCOMPARE(*released, alice);
        QVERIFY(!store->unlockTarget(QStringLiteral("checkout"), QStringLiteral("prod"),
                                     QStringLiteral("carol"), &error));
        QVERIFY2(error.isEmpty(), qPrintable(error)); // nothing to release is not an error
        QCOMPARE(store->releaseLocks(QStringLiteral("checkout"), {}, &error)->size(), 1);

        // Every attempt is audited: who, what, why, and how it ended.
        const auto audit = store->auditEntries(10, &error);
        QVERIFY2(audit, qPrintable(error));
        QCOMPARE(audit->size(), 4); // the second unlock found nothing and wrote nothing
        const AuditEntry &unlock = audit->at(0);
        QCOMPARE(unlock.verb, QStringLiteral("unlock"));
        QCOMPARE(unlock.actor, QStringLiteral("carol"));
        QCOMPARE(fd::toString(unlock.state), fd::toString(AuditEntry::State::Succeeded));
        QCOMPARE(unlock.result->message,
                 QStringLiteral("released the lock alice held since 2026-12-08T01:00:00Z"));
        const AuditEntry &refused = audit->at(2);
        QCOMPARE(refused.verb, QStringLiteral("lock"));
        QCOMPARE(refused.actor, QStringLiteral("bob"));
        QCOMPARE(refused.reason, QStringLiteral("hotfix"));
        QCOMPARE(fd::toString(refused.state), fd::toString(AuditEntry::State::Refused));
        QCOMPARE(refused.result->message,
                 QStringLiteral("already locked by alice since 2026-12-08T01:00:00Z: payment "
                                "provider cutover"));
        const AuditEntry &first = audit->at(3);
        QCOMPARE(fd::toString(first.state), fd::toString(AuditEntry::State::Succeeded));
        QCOMPARE(first.service, QStringLiteral("checkout"));
        QCOMPARE(first.environment, QStringLiteral("prod"));
        store.reset();

        // The lock outlives the process that took it.
        auto again = Store::open(where, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->releaseLocks({}, {}, &error)->size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestReleaseLock)
#include "tst_releaselock.moc"
