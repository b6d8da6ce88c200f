// The demo's chat: promoting checkout to prod posts the change notice, the canary step and the
// finish to the sandbox's chat endpoint, in order and exactly once each; a declared incident
// posts its updates; the webhook's key appears in no output, log or store of the CLI.
#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestNotifyDemo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void promotionPostsNoticeStepsAndFinishOnceInOrder();
    void incidentPostsItsUpdates();
    void chatDownHoldsNothingAndTheNoticeFollowsLater();
    void webhookKeyNeverInOutputLogsOrStore();

private:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };
    Result ctl(const QStringList &args);
    QJsonArray chatPosts();
    void setFaults(const QByteArray &json);
    QStringList headlines();

    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;
    QString m_output; // everything the CLI printed
};

TestNotifyDemo::Result TestNotifyDemo::ctl(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QJsonObject vars = m_ready.value(QLatin1String("env")).toObject();
    for (auto it = vars.begin(); it != vars.end(); ++it)
        env.insert(it.key(), it.value().toString());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_dir.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("FLIGHTDECK_LOG_LEVEL"), QStringLiteral("debug"));
    p.setProcessEnvironment(env);
    // Generous: on a loaded machine the first read of every backend takes its time.
    p.start(QStringLiteral(FD_CTL),
            QStringList{QStringLiteral("--workspace"), m_workspace, QStringLiteral("--timeout"),
                        QStringLiteral("120")} +
                args);
    p.closeWriteChannel();
    if (!p.waitForFinished(180000))
        p.kill();
    Result r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
             QString::fromUtf8(p.readAllStandardOutput()),
             QString::fromUtf8(p.readAllStandardError())};
    m_output += r.out + r.err;
    return r;
}

QJsonArray TestNotifyDemo::chatPosts()
{
    const int port =
        m_ready.value(QLatin1String("ports")).toObject().value(QLatin1String("control")).toInt();
    QProcess curl;
    curl.start(
        QStringLiteral("curl"),
        {QStringLiteral("-s"), QStringLiteral("http://127.0.0.1:%1/_sandbox/chat").arg(port)});
    curl.waitForFinished(20000);
    return QJsonDocument::fromJson(curl.readAllStandardOutput()).array();
}

void TestNotifyDemo::setFaults(const QByteArray &json)
{
    const int port =
        m_ready.value(QLatin1String("ports")).toObject().value(QLatin1String("control")).toInt();
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("-X"), QStringLiteral("PUT"),
                QStringLiteral("-d"), QString::fromUtf8(json),
                QStringLiteral("http://127.0.0.1:%1/_sandbox/faults").arg(port)});
    QVERIFY(curl.waitForFinished(20000));
}

QStringList TestNotifyDemo::headlines()
{
    QStringList out;
    for (const auto &v : chatPosts()) {
        const QJsonObject post = v.toObject();
        // Slack's fallback text is the line a person reads first.
        out << post.value(QLatin1String("body")).toObject().value(QLatin1String("text")).toString();
    }
    return out;
}

void TestNotifyDemo::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_workspace = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
    m_sandbox.setProgram(QStringLiteral(FD_SANDBOX));
    m_sandbox.setArguments({QStringLiteral("--scenario"), QStringLiteral("demo"),
                            QStringLiteral("--write-workspace"), m_workspace});
    m_sandbox.start();
    QVERIFY(m_sandbox.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(m_sandbox.canReadLine(), 180000); // a loaded machine
    const QByteArray line = m_sandbox.readLine();
    m_ready = QJsonDocument::fromJson(line).object();
    QVERIFY2(m_ready.value(QLatin1String("ready")).toBool(), line.constData());
    QVERIFY(m_ready.value(QLatin1String("ports")).toObject().value(QLatin1String("chat")).toInt() >
            0);
    QVERIFY(!m_ready.value(QLatin1String("env"))
                 .toObject()
                 .value(QLatin1String("FD_SANDBOX_CHAT_URL"))
                 .toString()
                 .isEmpty());
}

void TestNotifyDemo::cleanupTestCase()
{
    m_sandbox.terminate();
    QVERIFY(m_sandbox.waitForFinished(10000));
}

void TestNotifyDemo::promotionPostsNoticeStepsAndFinishOnceInOrder()
{
    QCOMPARE(chatPosts().size(), 0);
    Result r =
        ctl({QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("prod"),
             QStringLiteral("--announce"), QStringLiteral("--yes"), QStringLiteral("--confirm"),
             QStringLiteral("prod"), QStringLiteral("--as"), QStringLiteral("alice")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("chat: change notice posted to team-chat")),
             qPrintable(r.out));
    // The rest of the canary, all the way.
    r = ctl({QStringLiteral("promote"), QStringLiteral("checkout"), QStringLiteral("prod"),
             QStringLiteral("--full"), QStringLiteral("--yes"), QStringLiteral("--confirm"),
             QStringLiteral("prod"), QStringLiteral("--as"), QStringLiteral("alice")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QTRY_VERIFY_WITH_TIMEOUT(headlines().filter(QLatin1String(": deployed")).size() >= 1, 60000);

    const QJsonArray posts = chatPosts();
    const QStringList lines = headlines();
    for (const auto &v : posts) {
        const QJsonObject p = v.toObject();
        QCOMPARE(p.value(QLatin1String("kind")).toString(), QStringLiteral("slack"));
        QVERIFY(p.value(QLatin1String("body")).toObject().value(QLatin1String("blocks")).isArray());
        QCOMPARE(
            p.value(QLatin1String("body")).toObject().value(QLatin1String("channel")).toString(),
            QStringLiteral("#releases"));
        QVERIFY(!p.value(QLatin1String("time")).toString().isEmpty());
    }
    QVERIFY2(lines.size() >= 3, qPrintable(lines.join(QLatin1Char('\n'))));
    // In order: the notice, then canary steps, then the finish; each once.
    QCOMPARE(lines.first(), QStringLiteral("checkout v1.7.3 → prod: promotion planned by alice"));
    QVERIFY2(lines.last().startsWith(QStringLiteral("checkout v1.7.3 → prod: deployed")),
             qPrintable(lines.join(QLatin1Char('\n'))));
    const QStringList steps = lines.mid(1, lines.size() - 2);
    QVERIFY2(!steps.isEmpty(), qPrintable(lines.join(QLatin1Char('\n'))));
    static const QRegularExpression step(
        QStringLiteral("^checkout v1\\.7\\.3 → prod: canary at \\d+ % \\(step \\d/6\\) by alice$"));
    for (const QString &s : steps)
        QVERIFY2(step.match(s).hasMatch(), qPrintable(s));
    QCOMPARE(QSet<QString>(lines.begin(), lines.end()).size(), lines.size()); // nothing twice
    QCOMPARE(lines.filter(QLatin1String("promotion planned")).size(), 1);
    QCOMPARE(lines.filter(QLatin1String(": deployed")).size(), 1);
    // The notice names the commits and their pull requests.
    const QString notice = QString::fromUtf8(
        QJsonDocument(posts.first().toObject().value(QLatin1String("body")).toObject()).toJson());
    QVERIFY2(notice.contains(QLatin1String("Merge pull request #")), qPrintable(notice));
    QVERIFY2(notice.contains(QStringLiteral("v1.7.2 → v1.7.3")), qPrintable(notice));

    // Another CLI run later sends nothing again.
    const int before = int(posts.size());
    r = ctl({QStringLiteral("canary"), QStringLiteral("checkout"), QStringLiteral("prod")});
    QCOMPARE(chatPosts().size(), before);
}

void TestNotifyDemo::incidentPostsItsUpdates()
{
    const int before = int(chatPosts().size());
    Result r =
        ctl({QStringLiteral("--json"), QStringLiteral("incident"), QStringLiteral("declare"),
             QStringLiteral("--title"), QStringLiteral("Checkout errors"),
             QStringLiteral("--severity"), QStringLiteral("sev2"), QStringLiteral("--service"),
             QStringLiteral("checkout"), QStringLiteral("--env"), QStringLiteral("prod"),
             QStringLiteral("--as"), QStringLiteral("bob")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString id = QString::number(
        QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("id")).toInteger());
    r = ctl({QStringLiteral("incident"), QStringLiteral("phase"), id, QStringLiteral("mitigated"),
             QStringLiteral("--as"), QStringLiteral("bob")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = ctl({QStringLiteral("incident"), QStringLiteral("note"), id, QStringLiteral("Rolled"),
             QStringLiteral("back"), QStringLiteral("--as"), QStringLiteral("bob")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QStringList lines = headlines().mid(before);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0), QStringLiteral("Incident #%1 declared (sev2): Checkout errors").arg(id));
    QCOMPARE(lines.at(1),
             QStringLiteral("Incident #%1 (sev2) is now mitigated: Checkout errors").arg(id));
    QCOMPARE(lines.at(2), QStringLiteral("Incident #%1 note: Rolled back by bob").arg(id));
    // The declaration names its suspects: the promotion just made is one.
    const QString declared = QString::fromUtf8(
        QJsonDocument(chatPosts().at(before).toObject().value(QLatin1String("body")).toObject())
            .toJson());
    QVERIFY2(declared.contains(QLatin1String("Suspects")), qPrintable(declared));
    QVERIFY2(declared.contains(QLatin1String("checkout v1.7.3")), qPrintable(declared));
}

void TestNotifyDemo::chatDownHoldsNothingAndTheNoticeFollowsLater()
{
    const int before = int(chatPosts().size());
    Result r = ctl({QStringLiteral("--json"), QStringLiteral("incident"), QStringLiteral("list")});
    const QJsonArray incidents = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QVERIFY2(!incidents.isEmpty(), qPrintable(r.out));
    const QString id =
        QString::number(incidents.first().toObject().value(QLatin1String("id")).toInteger());
    setFaults("[\"chat:5xx\"]"); // every chat post answers 5xx
    r = ctl({QStringLiteral("incident"), QStringLiteral("note"), id, QStringLiteral("first"),
             QStringLiteral("--as"), QStringLiteral("bob")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err)); // chat down: the command still works
    QVERIFY2(r.out.contains(QLatin1String("1 waiting")), qPrintable(r.out));
    QCOMPARE(chatPosts().size(), before);
    setFaults("[]");
    r = ctl({QStringLiteral("incident"), QStringLiteral("note"), id, QStringLiteral("second"),
             QStringLiteral("--as"), QStringLiteral("bob")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    // The held-back notice goes out when a run finds it due: this one, or the next.
    const auto posted = [&] {
        const QStringList lines = headlines().mid(before);
        return lines.contains(QStringLiteral("Incident #%1 note: first by bob").arg(id)) &&
               lines.contains(QStringLiteral("Incident #%1 note: second by bob").arg(id));
    };
    for (int i = 0; i < 3 && !posted(); ++i) {
        QTest::qWait(5000);
        r = ctl({QStringLiteral("incident"), QStringLiteral("note"), id,
                 QStringLiteral("again%1").arg(i), QStringLiteral("--as"), QStringLiteral("bob")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    }
    QVERIFY(posted());
    const QStringList lines = headlines().mid(before);
    const QString first = QStringLiteral("Incident #%1 note: first by bob").arg(id);
    const QString second = QStringLiteral("Incident #%1 note: second by bob").arg(id);
    QCOMPARE(lines.count(first), 1);
    QCOMPARE(lines.count(second), 1);
    QVERIFY(lines.indexOf(first) < lines.indexOf(second)); // in the order they were made
}

void TestNotifyDemo::webhookKeyNeverInOutputLogsOrStore()
{
    const QString url = m_ready.value(QLatin1String("env"))
                            .toObject()
                            .value(QLatin1String("FD_SANDBOX_CHAT_URL"))
                            .toString();
    const QByteArray key = url.section(QLatin1Char('/'), -1).toUtf8();
    QVERIFY(key.size() >= 16);
    QVERIFY(!m_output.isEmpty());
    QVERIFY(!m_output.toUtf8().contains(key));
    int files = 0;
    QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path == m_workspace)
            continue;
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(key), qPrintable(path));
        ++files;
    }
    QVERIFY(files > 0);
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("state/flightdeck/logs/flightdeck.log"))));
}

QTEST_GUILESS_MAIN(TestNotifyDemo)
#include "tst_notify_demo.moc"
