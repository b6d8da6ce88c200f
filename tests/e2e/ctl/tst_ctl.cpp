// flightdeck-ctl driven the way a person types it: as a process, against a real sandbox.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include "backend/backend.h"

class TestCtl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void versionAndUsage();
    void validateListsEveryProblemWithPlace();
    void validateAcceptsSandboxWorkspace();
    void pluginsJsonShape();
    void readCommandsShowEveryBackend_data();
    void readCommandsShowEveryBackend();
    void statusJson();
    void statusMarksConnectionsWithoutTlsVerification();
    void dryRunPrintsPlanAndSendsNothing();
    void protectedEnvironmentRefusedWithoutConfirm();
    void promoteMovesTheDemoCanaryOneStep();
    void approveMovesTheJenkinsInputOn();
    void incidentLifecycleAndPostmortemExport();

private:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };
    Result ctl(const QStringList &args, bool withWorkspace = true);
    int mutatingRequests();

    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;
};

TestCtl::Result TestCtl::ctl(const QStringList &args, bool withWorkspace)
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
    QStringList all;
    if (withWorkspace)
        all << QStringLiteral("--workspace") << m_workspace;
    all << args;
    p.start(QStringLiteral(FD_CTL), all);
    p.closeWriteChannel();
    if (!p.waitForFinished(90000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void TestCtl::initTestCase()
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

void TestCtl::cleanupTestCase()
{
    m_sandbox.terminate();
    QVERIFY(m_sandbox.waitForFinished(10000));
    QCOMPARE(m_sandbox.exitCode(), 0);
}

void TestCtl::versionAndUsage()
{
    Result r = ctl({QStringLiteral("--version")}, false);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(QLatin1String("flightdeck-ctl ")));
    r = ctl({QStringLiteral("--help")}, false);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("Exit codes")));
    r = ctl({}, false);
    QCOMPARE(r.code, 2);
    r = ctl({QStringLiteral("frobnicate")}, false);
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QLatin1String("unknown command \"frobnicate\"")));
    r = ctl({QStringLiteral("promote"), QStringLiteral("checkout")});
    QCOMPARE(r.code, 2);
}

void TestCtl::validateListsEveryProblemWithPlace()
{
    const QString bad = QStringLiteral(FD_FIXTURES "/bad.yaml");
    Result r = ctl({QStringLiteral("--workspace"), bad, QStringLiteral("validate")}, false);
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains(bad + QStringLiteral(":4:1: enviroments: ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("did you mean `environments`")), qPrintable(r.out));
    QVERIFY2(
        r.out.contains(QStringLiteral(":11:26: services.checkout.environments.prod.connection")),
        qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("services.payments.environments.qa")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("3 problem(s)")), qPrintable(r.out));
    r = ctl(
        {QStringLiteral("--workspace"), bad, QStringLiteral("--json"), QStringLiteral("validate")},
        false);
    QCOMPARE(r.code, 3);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QLatin1String("ok")).toBool(true), false);
    QVERIFY(o.value(QLatin1String("issues")).toArray().size() >= 2);
    const QJsonObject first = o.value(QLatin1String("issues")).toArray().first().toObject();
    QVERIFY(first.value(QLatin1String("line")).toInt() > 0);
    QVERIFY(!first.value(QLatin1String("keyPath")).toString().isEmpty());
    r = ctl({QStringLiteral("--workspace"), m_dir.filePath(QStringLiteral("missing.yaml")),
             QStringLiteral("validate")},
            false);
    QCOMPARE(r.code, 3);
}

void TestCtl::validateAcceptsSandboxWorkspace()
{
    const Result r = ctl({QStringLiteral("validate")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral(": ok — 5 connections, 3 environments, 6 services")),
             qPrintable(r.out));
}

void TestCtl::pluginsJsonShape()
{
    const Result r = ctl({QStringLiteral("--json"), QStringLiteral("plugins")}, false);
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY(o.value(QLatin1String("searchPaths")).isArray());
    const QJsonArray plugins = o.value(QLatin1String("plugins")).toArray();
    QStringList kinds;
    for (const auto &v : plugins) {
        const QJsonObject p = v.toObject();
        QVERIFY2(p.value(QLatin1String("loaded")).toBool(),
                 qPrintable(p.value(QLatin1String("error")).toString()));
        QCOMPARE(p.value(QLatin1String("apiVersion")).toInt(), FD_BACKEND_API_VERSION);
        QVERIFY(!p.value(QLatin1String("capabilities")).toArray().isEmpty());
        kinds << p.value(QLatin1String("kind")).toString();
    }
    for (const char *k : {"github", "jenkins", "gitlab", "argocd"})
        QVERIFY2(kinds.contains(QLatin1String(k)), qPrintable(kinds.join(QLatin1Char(','))));
}

void TestCtl::readCommandsShowEveryBackend_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("backends");
    // Argo CD has no runs: it syncs, and its canary waits as a gate.
    const QStringList ci{QStringLiteral("github"), QStringLiteral("jenkins"),
                         QStringLiteral("gitlab")};
    QTest::newRow("runs") << QStringLiteral("runs") << ci;
    QTest::newRow("envs") << QStringLiteral("envs") << (ci + QStringList{QStringLiteral("argocd")});
    QTest::newRow("approvals") << QStringLiteral("approvals")
                               << (ci + QStringList{QStringLiteral("argocd")});
}

void TestCtl::readCommandsShowEveryBackend()
{
    QFETCH(QString, command);
    QFETCH(QStringList, backends);
    const Result r = ctl({QStringLiteral("--json"), command});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject answer = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(answer.value(QLatin1String("problems")).toArray(), QJsonArray());
    const QJsonArray rows = answer.value(command).toArray();
    for (const auto &v : rows)
        QCOMPARE(v.toObject().value(QLatin1String("stale")).toBool(true), false);
    QSet<QString> connections;
    for (const auto &v : rows)
        connections.insert(v.toObject().value(QLatin1String("connectionId")).toString());
    // The demo spreads services over all four backends, with a gate waiting on each.
    for (const QString &c : backends)
        QVERIFY2(
            connections.contains(c),
            qPrintable(command + QStringLiteral(" lacks ") + c + QStringLiteral(": ") +
                       QStringList(connections.begin(), connections.end()).join(QLatin1Char(','))));
    // Text output is a table with a header row.
    const Result text = ctl({command});
    QCOMPARE(text.code, 0);
    QVERIFY(text.out.count(QLatin1Char('\n')) >= rows.size() + 1);
}

void TestCtl::statusJson()
{
    const Result r = ctl({QStringLiteral("--json"), QStringLiteral("status")});
    const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QVERIFY2(rows.size() == 5, qPrintable(r.out + r.err));
    for (const auto &v : rows) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("kind")).toString() == QLatin1String("prometheus"))
            continue;
        QVERIFY2(o.value(QLatin1String("synced")).toBool(),
                 qPrintable(o.value(QLatin1String("connection")).toString()));
        QCOMPARE(o.value(QLatin1String("state")).toString(), QStringLiteral("ok"));
    }
}

void TestCtl::statusMarksConnectionsWithoutTlsVerification()
{
    // The same estate, with certificate checks turned off for one connection.
    QFile in(m_workspace);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray text = in.readAll();
    const QByteArray jenkins = "  jenkins: {kind: jenkins, ";
    QVERIFY(text.contains(jenkins));
    text.replace(jenkins, jenkins + "tls: {insecure: true}, ");
    const QString insecure = m_dir.filePath(QStringLiteral("insecure.yaml"));
    QFile out(insecure);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();

    const Result table =
        ctl({QStringLiteral("--workspace"), insecure, QStringLiteral("status")}, false);
    QCOMPARE(table.code, 0);
    int marked = 0;
    for (const QString &line : table.out.split(QLatin1Char('\n'))) {
        if (!line.contains(QLatin1String("TLS NOT VERIFIED")))
            continue;
        ++marked;
        QVERIFY2(line.startsWith(QLatin1String("jenkins ")), qPrintable(line));
    }
    QCOMPARE(marked, 1);

    const Result json = ctl({QStringLiteral("--workspace"), insecure, QStringLiteral("--json"),
                             QStringLiteral("status")},
                            false);
    const QJsonArray rows = QJsonDocument::fromJson(json.out.toUtf8()).array();
    QCOMPARE(rows.size(), 5);
    for (const auto &v : rows) {
        const QJsonObject o = v.toObject();
        const bool isJenkins =
            o.value(QLatin1String("connection")).toString() == QLatin1String("jenkins");
        QCOMPARE(o.value(QLatin1String("tlsVerified")).toBool(true), !isJenkins);
    }
}

int TestCtl::mutatingRequests()
{
    // The sandbox's control API counts every mutating request it received.
    const int port =
        m_ready.value(QLatin1String("ports")).toObject().value(QLatin1String("control")).toInt();
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

void TestCtl::dryRunPrintsPlanAndSendsNothing()
{
    const int before = mutatingRequests();
    const Result r = ctl({QStringLiteral("rollback"), QStringLiteral("auth"),
                          QStringLiteral("prod"), QStringLiteral("--dry-run")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("Plan: ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("POST ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("/retry")), qPrintable(r.out));
    QCOMPARE(mutatingRequests(), before);
}

void TestCtl::protectedEnvironmentRefusedWithoutConfirm()
{
    const int before = mutatingRequests();
    Result r = ctl({QStringLiteral("rollback"), QStringLiteral("auth"), QStringLiteral("prod"),
                    QStringLiteral("--yes")});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.err.contains(QLatin1String("prod is protected")), qPrintable(r.err));
    r = ctl({QStringLiteral("rollback"), QStringLiteral("auth"), QStringLiteral("prod"),
             QStringLiteral("--yes"), QStringLiteral("--confirm"), QStringLiteral("production")});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.err.contains(QLatin1String("type the environment name \"prod\"")),
             qPrintable(r.err));
    QCOMPARE(mutatingRequests(), before);
}

static QJsonObject onlyRow(const QString &json)
{
    // canary prints an array; runs, envs and approvals {<command>: rows, problems}.
    const QJsonDocument d = QJsonDocument::fromJson(json.toUtf8());
    QJsonArray rows = d.array();
    for (const char *key : {"runs", "envs", "approvals"})
        if (d.object().contains(QLatin1String(key)))
            rows = d.object().value(QLatin1String(key)).toArray();
    return rows.size() == 1 ? rows.first().toObject() : QJsonObject();
}

void TestCtl::promoteMovesTheDemoCanaryOneStep()
{
    Result r = ctl({QStringLiteral("--json"), QStringLiteral("canary"), QStringLiteral("checkout"),
                    QStringLiteral("prod")});
    QCOMPARE(r.code, 0);
    const QJsonObject before = onlyRow(r.out);
    QCOMPARE(before.value(QLatin1String("canaryWeight")).toInt(), 20);
    const int step = before.value(QLatin1String("currentStepIndex")).toInt();
    r = ctl({QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("prod"),
             QStringLiteral("--yes"), QStringLiteral("--confirm"), QStringLiteral("prod")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("\"action\":\"resume\"")), qPrintable(r.out));
    r = ctl({QStringLiteral("--json"), QStringLiteral("canary"), QStringLiteral("checkout"),
             QStringLiteral("prod")});
    const QJsonObject after = onlyRow(r.out);
    QCOMPARE(after.value(QLatin1String("currentStepIndex")).toInt(), step + 1);
    QCOMPARE(after.value(QLatin1String("canaryWeight")).toInt(), 50);
    // The same promote again finds the rollout no longer paused at that step: nothing is sent
    // twice.
    const int sent = mutatingRequests();
    r = ctl({QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("prod"),
             QStringLiteral("--yes"), QStringLiteral("--confirm"), QStringLiteral("prod")});
    QCOMPARE(r.code, 4);
    QCOMPARE(mutatingRequests(), sent);
}

void TestCtl::approveMovesTheJenkinsInputOn()
{
    Result r = ctl({QStringLiteral("--json"), QStringLiteral("approvals"),
                    QStringLiteral("--backend"), QStringLiteral("jenkins")});
    const QJsonObject gate = onlyRow(r.out);
    QVERIFY2(!gate.isEmpty(), qPrintable(r.out));
    QCOMPARE(gate.value(QLatin1String("service")).toString(), QStringLiteral("catalog"));
    const QString runId = gate.value(QLatin1String("runId")).toString();
    r = ctl({QStringLiteral("approve"), QStringLiteral("catalog"), QStringLiteral("prod"),
             QStringLiteral("--yes"), QStringLiteral("--confirm"), QStringLiteral("prod"),
             QStringLiteral("--comment"), QStringLiteral("go")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = ctl({QStringLiteral("--json"), QStringLiteral("approvals"), QStringLiteral("--backend"),
             QStringLiteral("jenkins")});
    QVERIFY2(QJsonDocument::fromJson(r.out.toUtf8()).object().contains(QLatin1String("approvals")),
             qPrintable(r.out));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())
                 .object()
                 .value(QLatin1String("approvals"))
                 .toArray()
                 .size(),
             0);
    r = ctl({QStringLiteral("--json"), QStringLiteral("runs"), QStringLiteral("--backend"),
             QStringLiteral("jenkins"), QStringLiteral("--service"), QStringLiteral("catalog"),
             QStringLiteral("--env"), QStringLiteral("prod")});
    bool movedOn = false;
    const QJsonArray runs =
        QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("runs")).toArray();
    for (const auto &v : runs) {
        const QJsonObject run = v.toObject();
        if (runId.isEmpty() || run.value(QLatin1String("id")).toString() == runId ||
            runId.endsWith(run.value(QLatin1String("id")).toString()))
            movedOn = movedOn ||
                      run.value(QLatin1String("status")).toString() != QLatin1String("waiting");
    }
    QVERIFY2(movedOn, qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestCtl)
void TestCtl::incidentLifecycleAndPostmortemExport()
{
    // Declared by hand, noted, mitigated and recovered, then exported: the Markdown and the
    // timeline chart beside it, drawn off screen by a command-line tool with no display.
    Result r =
        ctl({QStringLiteral("--json"), QStringLiteral("incident"), QStringLiteral("declare"),
             QStringLiteral("--title"), QStringLiteral("Checkout errors after deploy"),
             QStringLiteral("--severity"), QStringLiteral("sev2"), QStringLiteral("--service"),
             QStringLiteral("checkout"), QStringLiteral("--env"), QStringLiteral("prod")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString id = QString::number(
        QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("id")).toInteger());
    QVERIFY2(id.toLongLong() > 0, qPrintable(r.out));
    r = ctl({QStringLiteral("incident"), QStringLiteral("note"), id,
             QStringLiteral("rolled checkout back to the previous release")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    for (const char *phase : {"mitigated", "recovered"}) {
        r = ctl(
            {QStringLiteral("incident"), QStringLiteral("phase"), id, QString::fromLatin1(phase)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }
    r = ctl({QStringLiteral("incident"), QStringLiteral("list")});
    QVERIFY2(r.code == 0 && r.out.contains(QStringLiteral("Checkout errors after deploy")),
             qPrintable(r.out + r.err));
    r = ctl({QStringLiteral("incident"), QStringLiteral("show"), id});
    QVERIFY2(r.code == 0 && r.out.contains(QStringLiteral("rolled checkout back")),
             qPrintable(r.out + r.err));

    const QString md = m_dir.filePath(QStringLiteral("pm/incident.md"));
    r = ctl(
        {QStringLiteral("incident"), QStringLiteral("export"), id, QStringLiteral("--out"), md});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile file(md);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY(text.contains(QStringLiteral("Checkout errors after deploy")));
    QVERIFY(text.contains(QStringLiteral("rolled checkout back")));
    // The Markdown links the chart; the chart is there and is a real picture.
    const QRegularExpression link(QStringLiteral("!\\[[^\\]]*\\]\\(([^)]+\\.png)\\)"));
    const QRegularExpressionMatch m = link.match(text);
    QVERIFY2(m.hasMatch(), qPrintable(text.left(400)));
    const QImage chart(QFileInfo(md).absoluteDir().filePath(m.captured(1)));
    QVERIFY2(!chart.isNull(), qPrintable(m.captured(1)));
    QCOMPARE(chart.size(), QSize(1400, 420));
    QVERIFY(r.err.contains(m.captured(1)));

    // Without --out the Markdown goes to stdout and names no chart file it did not write.
    r = ctl({QStringLiteral("incident"), QStringLiteral("export"), id});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QStringLiteral("Checkout errors after deploy")));
    QVERIFY(!link.match(r.out).hasMatch());
    r = ctl({QStringLiteral("incident"), QStringLiteral("export"), QStringLiteral("987654")});
    QCOMPARE(r.code, 4);
}

#include "tst_ctl.moc"
