// Issue #20, "never twice": many flightdeck-ctl processes started at once for the same action on
// the same target, every backend answering slowly (300 ms), send exactly one mutation. The
// processes share one store (one user on one machine): the first takes the target's action
// lock; the others are refused naming the holder, or find when they get the lock that the
// precondition they planned on no longer holds.
#include "ctlharness.h"

#include <QTest>

using fd::test::CtlHarness;

class TestCtlRace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_h.start({QStringLiteral("--scenario"), QStringLiteral("demo")}, &error),
                 qPrintable(error));
        QVERIFY(m_h.setFaults({QStringLiteral("all:latency:300ms")}));
    }

    void cleanupTestCase() { QCOMPARE(m_h.stop(), 0); }

    void racingProcessesSendOneMutation_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("promote the checkout canary in prod") << QStringList{
            QStringLiteral("promote"), QStringLiteral("checkout"),  QStringLiteral("prod"),
            QStringLiteral("--yes"),   QStringLiteral("--confirm"), QStringLiteral("prod")};
        QTest::newRow("approve the payments deployment to prod") << QStringList{
            QStringLiteral("approve"),   QStringLiteral("payments"), QStringLiteral("prod"),
            QStringLiteral("--comment"), QStringLiteral("race"),     QStringLiteral("--yes"),
            QStringLiteral("--confirm"), QStringLiteral("prod")};
    }

    void racingProcessesSendOneMutation()
    {
        QFETCH(QStringList, args);
        constexpr int kProcesses = 20;
        const int before = m_h.mutatingRequests();
        QVERIFY(before >= 0);
        std::vector<std::unique_ptr<QProcess>> running;
        for (int i = 0; i < kProcesses; ++i)
            running.push_back(m_h.spawn(args));
        int succeeded = 0;
        int lockRefusals = 0;
        QStringList outcomes;
        for (auto &p : running) {
            const CtlHarness::Result r = CtlHarness::finish(*p, 300000);
            QVERIFY2(r.code >= 0, "a flightdeck-ctl process did not end");
            succeeded += r.code == 0;
            const QString text = r.out + r.err;
            lockRefusals +=
                text.contains(QLatin1String("another process is acting on this target"));
            outcomes << QStringLiteral("rc %1: %2")
                            .arg(QString::number(r.code), text.trimmed().split(u'\n').last());
        }
        const int sent = m_h.mutatingRequests() - before;
        qInfo("%d processes: %d succeeded, %d refused by the action lock, %d mutation(s) sent",
              kProcesses, succeeded, lockRefusals, sent);
        QVERIFY2(sent == 1, qPrintable(outcomes.join(u'\n')));
        QVERIFY2(succeeded == 1, qPrintable(outcomes.join(u'\n')));
    }

private:
    CtlHarness m_h{QStringLiteral(FD_CTL), QStringLiteral(FD_SANDBOX)};
};

QTEST_GUILESS_MAIN(TestCtlRace)
#include "tst_ctl_race.moc"
