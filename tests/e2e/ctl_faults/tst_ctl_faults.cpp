// The tables of arguments are literal text; implicit conversion keeps them readable.
#undef QT_NO_CAST_FROM_ASCII

// Issue #20, parts B and C: flightdeck-ctl as a person or a script meets it when arguments are
// wrong, when names carry terminal escapes, and when a backend fails (the sandbox's fault
// switches): it says so, keeps the last good rows marked stale, and exits 4.
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCtlFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageErrorsNameTheValidValues_data();
    void usageErrorsNameTheValidValues();
    void controlSequencesInArgumentsNeverReachTheTerminal();
    void actionWithJsonPrintsOnlyJson();
    void failedConnectionIsReportedAndKeepsStaleRows_data();
    void failedConnectionIsReportedAndKeepsStaleRows();

private:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };
    Result ctl(const QStringList &args);
    void setFaults(const QStringList &faults);

    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;
};

TestCtlFaults::Result TestCtlFaults::ctl(const QStringList &args)
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
    p.start(QStringLiteral(FD_CTL), QStringList{QStringLiteral("--workspace"), m_workspace} + args);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void TestCtlFaults::setFaults(const QStringList &faults)
{
    const int port =
        m_ready.value(QLatin1String("ports")).toObject().value(QLatin1String("control")).toInt();
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sf"), QStringLiteral("-X"), QStringLiteral("PUT"),
                QStringLiteral("--data"),
                QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(faults)).toJson()),
                QStringLiteral("http://127.0.0.1:%1/_sandbox/faults").arg(port)});
    QVERIFY(curl.waitForFinished(10000));
    QCOMPARE(curl.exitCode(), 0);
}

void TestCtlFaults::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_workspace = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
    m_sandbox.setProgram(QStringLiteral(FD_SANDBOX));
    m_sandbox.setArguments({QStringLiteral("--scenario"), QStringLiteral("demo"),
                            QStringLiteral("--write-workspace"), m_workspace});
    m_sandbox.start();
    QVERIFY(m_sandbox.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(m_sandbox.canReadLine(), 120000);
    const QByteArray line = m_sandbox.readLine();
    m_ready = QJsonDocument::fromJson(line).object();
    QVERIFY2(m_ready.value(QLatin1String("ready")).toBool(), line.constData());
}

void TestCtlFaults::cleanupTestCase()
{
    m_sandbox.terminate();
    QVERIFY(m_sandbox.waitForFinished(10000));
}

void TestCtlFaults::usageErrorsNameTheValidValues_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("says");
    const auto row = [](const char *name, QStringList args, const char *says) {
        QTest::newRow(name) << args << QString::fromUtf8(says);
    };
    row("negative limit", {"runs", "--limit", "-1"}, "--limit takes a whole number from 1 to");
    row("word limit", {"runs", "--limit", "abc"}, "--limit takes a whole number from 1 to");
    row("huge limit", {"runs", "--limit", "1e20"}, "not \"1e20\"");
    row("bogus status", {"runs", "--status", "bogus"},
        "--status takes one of unknown, queued, "
        "running, waiting, succeeded, failed");
    row("bogus log level", {"runs", "--log-level", "bogus"}, "--log-level takes one of trace");
    row("bogus timeout", {"runs", "--timeout", "0"}, "--timeout takes a whole number");
    row("unknown service filter", {"runs", "--service", "nosuch"},
        "no service \"nosuch\" in the workspace");
    row("unknown environment filter", {"envs", "--env", "qa"}, "environments: dev, prod, staging");
    row("unknown backend", {"approvals", "--backend", "bamboo"},
        "no connection or kind \"bamboo\"");
    row("unknown service of an action", {"promote", "checkot", "prod", "--dry-run"},
        "did you mean \"checkout\"?");
    row("unknown environment of an action", {"rollback", "checkout", "production", "--dry-run"},
        "no environment \"production\"");
}

void TestCtlFaults::usageErrorsNameTheValidValues()
{
    QFETCH(QStringList, args);
    QFETCH(QString, says);
    const Result r = ctl(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(says), qPrintable(r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
}

void TestCtlFaults::controlSequencesInArgumentsNeverReachTheTerminal()
{
    const QString hostile = QStringLiteral("\x1b]0;owned\x07\x1b[2J\x1b[31mcheckout\r\x9b"
                                           "1mx");
    for (const QStringList &args :
         {QStringList{QStringLiteral("runs"), QStringLiteral("--service"), hostile},
          QStringList{QStringLiteral("promote"), hostile, QStringLiteral("prod")},
          QStringList{hostile}}) {
        const Result r = ctl(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("checkout")), qPrintable(r.err));
        for (const QChar c : r.err + r.out)
            QVERIFY2(c == u'\n' || c == u'\t' ||
                         (c.unicode() >= 0x20 && c.unicode() != 0x7f &&
                          (c.unicode() < 0x80 || c.unicode() > 0x9f)),
                     qPrintable(QStringLiteral("control character U+%1 in the output")
                                    .arg(c.unicode(), 4, 16, QLatin1Char('0'))));
    }
}

void TestCtlFaults::actionWithJsonPrintsOnlyJson()
{
    // Refused (prod is protected and nothing was typed), after the plan was made: stdout is
    // still exactly one JSON document, and the plan went to stderr.
    Result r = ctl({QStringLiteral("--json"), QStringLiteral("rollback"), QStringLiteral("auth"),
                    QStringLiteral("prod"), QStringLiteral("--yes")});
    QCOMPARE(r.code, 4);
    QJsonParseError error;
    const QJsonDocument d = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    QCOMPARE(d.object().value(QLatin1String("ok")).toBool(true), false);
    QVERIFY2(d.object()
                 .value(QLatin1String("message"))
                 .toString()
                 .contains(QLatin1String("prod is protected")),
             qPrintable(r.out));
    QVERIFY2(r.err.contains(QLatin1String("Plan: ")), qPrintable(r.err));
}

void TestCtlFaults::failedConnectionIsReportedAndKeepsStaleRows_data()
{
    QTest::addColumn<QString>("connection");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("other"); // a connection that stays healthy
    QTest::newRow("jenkins token expired, runs") << "jenkins"
                                                 << "runs"
                                                 << "github";
    QTest::newRow("argocd token expired, envs") << "argocd"
                                                << "envs"
                                                << "github";
}

void TestCtlFaults::failedConnectionIsReportedAndKeepsStaleRows()
{
    QFETCH(QString, connection);
    QFETCH(QString, command);
    QFETCH(QString, other);
    const auto rowsOf = [](const Result &r, const QString &key) {
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(key).toArray();
    };
    const auto count = [](const QJsonArray &rows, const QString &id, int *stale) {
        int n = 0;
        for (const auto &v : rows) {
            if (v.toObject().value(QLatin1String("connectionId")).toString() != id)
                continue;
            ++n;
            *stale += v.toObject().value(QLatin1String("stale")).toBool() ? 1 : 0;
        }
        return n;
    };
    const QStringList timeout{QStringLiteral("--timeout"), QStringLiteral("20")};

    setFaults({});
    Result good = ctl(QStringList{QStringLiteral("--json"), command} + timeout);
    QVERIFY2(good.code == 0, qPrintable(good.err));
    int stale = 0;
    const int before = count(rowsOf(good, command), connection, &stale);
    QVERIFY2(before > 0, qPrintable(good.out.left(2000)));
    QCOMPARE(stale, 0);
    const QDateTime faultSince = QDateTime::currentDateTimeUtc();

    setFaults({connection + QStringLiteral(":expired-token")});
    for (int attempt = 0; attempt < 2; ++attempt) { // the cache survives a failed read
        const Result bad = ctl(QStringList{QStringLiteral("--json"), command} + timeout);
        QCOMPARE(bad.code, 4);
        QVERIFY2(bad.err.contains(QStringLiteral("connection %1 (").arg(connection)),
                 qPrintable(bad.err));
        const QJsonArray problems = QJsonDocument::fromJson(bad.out.toUtf8())
                                        .object()
                                        .value(QLatin1String("problems"))
                                        .toArray();
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.at(0).toObject().value(QLatin1String("connection")).toString(),
                 connection);
        QCOMPARE(problems.at(0).toObject().value(QLatin1String("rows")).toString(),
                 QStringLiteral("stale"));
        stale = 0;
        QCOMPARE(count(rowsOf(bad, command), connection, &stale), before);
        QCOMPARE(stale, before);
        int otherStale = 0;
        QVERIFY(count(rowsOf(bad, command), other, &otherStale) > 0);
        QCOMPARE(otherStale, 0);
    }

    const Result text = ctl(QStringList{command} + timeout);
    QCOMPARE(text.code, 4);
    QVERIFY2(text.out.contains(QLatin1String("STALE, read ")), qPrintable(text.out));

    // Asking only about a healthy connection is a complete, fresh answer.
    const Result narrow =
        ctl(QStringList{QStringLiteral("--json"), command, QStringLiteral("--backend"), other} +
            timeout);
    QVERIFY2(narrow.code == 0, qPrintable(narrow.err));

    // status dates the failed connection's data from its last good read, not from now.
    const Result status =
        ctl(QStringList{QStringLiteral("--json"), QStringLiteral("status")} + timeout);
    QCOMPARE(status.code, 4);
    bool seen = false;
    for (const auto &v : QJsonDocument::fromJson(status.out.toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("connection")).toString() != connection)
            continue;
        seen = true;
        QCOMPARE(o.value(QLatin1String("fresh")).toBool(true), false);
        const QDateTime at =
            QDateTime::fromString(o.value(QLatin1String("dataTime")).toString(), Qt::ISODate);
        QVERIFY2(at.isValid() && at <= faultSince,
                 qPrintable(o.value(QLatin1String("dataTime")).toString()));
    }
    QVERIFY(seen);

    setFaults({});
    good = ctl(QStringList{QStringLiteral("--json"), command} + timeout);
    QVERIFY2(good.code == 0, qPrintable(good.err));
    stale = 0;
    QVERIFY(count(rowsOf(good, command), connection, &stale) > 0);
    QCOMPARE(stale, 0);
}

QTEST_GUILESS_MAIN(TestCtlFaults)
#include "tst_ctl_faults.moc"
