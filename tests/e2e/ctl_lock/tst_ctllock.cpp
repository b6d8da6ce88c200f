// Release locks through flightdeck-ctl, as a process against the demo sandbox: a lock names its
// holder to whoever tries next, a locked target refuses promote until --override-lock with a
// reason, the override is in the audit log, and unlock says whose lock it ended.
#include "store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

class TestCtlLock : public QObject
{
    Q_OBJECT

    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };

    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;

    Result ctl(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QJsonObject vars = m_ready.value(QLatin1String("env")).toObject();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            env.insert(it.key(), it.value().toString());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_dir.filePath(QStringLiteral("state")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(FD_CTL),
                QStringList{QStringLiteral("--workspace"), m_workspace} + args);
        p.closeWriteChannel();
        if (!p.waitForFinished(90000))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    int mutatingRequests()
    {
        const int port = m_ready.value(QLatin1String("ports"))
                             .toObject()
                             .value(QLatin1String("control"))
                             .toInt();
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"),
                    QStringLiteral("http://127.0.0.1:%1/_sandbox/requests?mutating=1").arg(port)});
        curl.waitForFinished(10000);
        const QJsonDocument d = QJsonDocument::fromJson(curl.readAllStandardOutput());
        if (d.isArray())
            return int(d.array().size());
        return int(d.object().value(QLatin1String("requests")).toArray().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
        m_sandbox.setProgram(QStringLiteral(FD_SANDBOX));
        m_sandbox.setArguments({QStringLiteral("--scenario"), QStringLiteral("demo"),
                                QStringLiteral("--write-workspace"), m_workspace});
        m_sandbox.start();
        QVERIFY(m_sandbox.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(m_sandbox.canReadLine(), 30000);
        const QByteArray line = m_sandbox.readLine();
        m_ready = QJsonDocument::fromJson(line).object();
        QVERIFY2(m_ready.value(QLatin1String("ready")).toBool(), line.constData());
    }
    void cleanupTestCase()
    {
        m_sandbox.terminate();
        QVERIFY(m_sandbox.waitForFinished(10000));
    }

    void lockRefusesPromoteUntilOverriddenAndAudits()
    {
        const QString checkout = QStringLiteral("checkout"), prod = QStringLiteral("prod");
        Result r = ctl({QStringLiteral("lock"), checkout, prod});
        QCOMPARE(r.code, 2); // a lock without a reason tells nobody anything
        r = ctl({QStringLiteral("lock"), QStringLiteral("checkuot"), prod,
                 QStringLiteral("--reason"), QStringLiteral("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("no service \"checkuot\"")), qPrintable(r.err));

        r = ctl({QStringLiteral("lock"), checkout, prod, QStringLiteral("--reason"),
                 QStringLiteral("payment provider cutover"), QStringLiteral("--as"),
                 QStringLiteral("alice")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.startsWith(QLatin1String("locked checkout in prod (alice, since ")),
                 qPrintable(r.out));

        r = ctl({QStringLiteral("lock"), checkout, prod, QStringLiteral("--reason"),
                 QStringLiteral("hotfix"), QStringLiteral("--as"), QStringLiteral("bob")});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(QLatin1String("refused: checkout in prod is already locked by "
                                              "alice since ")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String(": payment provider cutover")), qPrintable(r.err));

        r = ctl({QStringLiteral("--json"), QStringLiteral("locks")});
        QCOMPARE(r.code, 0);
        const QJsonArray locks = QJsonDocument::fromJson(r.out.toUtf8())
                                     .object()
                                     .value(QLatin1String("locks"))
                                     .toArray();
        QCOMPARE(locks.size(), 1);
        QCOMPARE(locks.first().toObject().value(QLatin1String("holder")).toString(),
                 QStringLiteral("alice"));

        // The plan shows the lock as a guard; promote refuses and sends nothing.
        r = ctl({QStringLiteral("--json"), QStringLiteral("promote"), checkout, prod,
                 QStringLiteral("--dry-run")});
        QJsonObject lockGuard;
        for (const QJsonValue g : QJsonDocument::fromJson(r.out.toUtf8())
                                      .object()
                                      .value(QLatin1String("guards"))
                                      .toArray())
            if (g.toObject().value(QLatin1String("guard")).toString() ==
                QLatin1String("release-lock"))
                lockGuard = g.toObject();
        QCOMPARE(lockGuard.value(QLatin1String("outcome")).toString(), QStringLiteral("block"));
        QVERIFY2(lockGuard.value(QLatin1String("message"))
                     .toString()
                     .startsWith(QLatin1String("checkout in prod is locked by alice since ")),
                 qPrintable(r.out));

        const int before = mutatingRequests();
        r = ctl({QStringLiteral("promote"), checkout, prod, QStringLiteral("--yes"),
                 QStringLiteral("--confirm"), prod});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(QLatin1String("is locked by alice")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("--override-lock --reason TEXT")), qPrintable(r.err));
        r = ctl({QStringLiteral("promote"), checkout, prod, QStringLiteral("--override-lock"),
                 QStringLiteral("--yes"), QStringLiteral("--confirm"), prod});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(QLatin1String("give a reason to override the lock")),
                 qPrintable(r.err));
        QCOMPARE(mutatingRequests(), before);

        // Overridden with a reason: it runs, and the audit says it overrode alice's lock.
        r = ctl({QStringLiteral("promote"), checkout, prod, QStringLiteral("--override-lock"),
                 QStringLiteral("--reason"), QStringLiteral("sev1 mitigation"),
                 QStringLiteral("--yes"), QStringLiteral("--confirm"), prod, QStringLiteral("--as"),
                 QStringLiteral("dave")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY(mutatingRequests() > before);

        r = ctl({QStringLiteral("unlock"), checkout, prod, QStringLiteral("--as"),
                 QStringLiteral("carol")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.startsWith(QLatin1String("unlocked checkout in prod (was locked by alice "
                                                "since ")),
                 qPrintable(r.out));
        r = ctl({QStringLiteral("unlock"), checkout, prod});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(QLatin1String("is not locked")), qPrintable(r.err));

        QString error;
        auto store =
            Store::open(m_dir.filePath(QStringLiteral("data/flightdeck/flightdeck.db")), &error);
        QVERIFY2(store, qPrintable(error));
        const auto audit = store->auditEntries(50, &error);
        QVERIFY2(audit, qPrintable(error));
        QStringList seen;
        bool overrideAudited = false;
        for (const AuditEntry &e : *audit) {
            seen.prepend(e.verb + QLatin1Char(':') + toString(e.state) + QLatin1Char(':') +
                         e.actor);
            if (e.verb == QLatin1String("promote") && e.actor == QLatin1String("dave")) {
                QCOMPARE(e.reason, QStringLiteral("sev1 mitigation"));
                QVERIFY(e.plan.warnings.contains(
                    QStringLiteral("overrides the release lock held by alice")));
                overrideAudited = true;
            }
        }
        QVERIFY2(overrideAudited, qPrintable(seen.join(QLatin1Char(' '))));
        QVERIFY2(seen.contains(QStringLiteral("lock:succeeded:alice")),
                 qPrintable(seen.join(u' ')));
        QVERIFY2(seen.contains(QStringLiteral("lock:refused:bob")), qPrintable(seen.join(u' ')));
        QVERIFY2(seen.contains(QStringLiteral("unlock:succeeded:carol")),
                 qPrintable(seen.join(u' ')));
    }
};

QTEST_GUILESS_MAIN(TestCtlLock)
#include "tst_ctllock.moc"
