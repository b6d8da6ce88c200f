// Debian's real clients against the sandbox: python3-github, python3-gitlab, python3-jenkins
// and gh each run a script of the calls a new user makes (list and read runs, jobs, workflows,
// deployments, environments, pipelines, builds, the queue, whoami, one mutation each). A script
// prints "N calls, M failures" last and exits non-zero on any failure; so does this test.

#include "core/sandbox.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace fd::sandbox;

namespace {

constexpr qint64 kEpoch = 1'795'672'800'000;

} // namespace

class TestRealClients : public QObject
{
    Q_OBJECT

    int m_calls = 0;
    int m_failures = 0;

private Q_SLOTS:
    void client_data()
    {
        QTest::addColumn<QString>("script");
        QTest::newRow("python3-github") << u"pygithub_client.py"_s;
        QTest::newRow("python3-gitlab") << u"pygitlab_client.py"_s;
        QTest::newRow("python3-jenkins") << u"pyjenkins_client.py"_s;
        QTest::newRow("gh") << u"gh_client.py"_s;
    }

    void client()
    {
        QFETCH(QString, script);
        Options o;
        o.epochMs = kEpoch;
        o.clockSpeed = 0;
        Sandbox sandbox(o);
        QString error;
        QVERIFY2(sandbox.start(&error), qPrintable(error));

        const auto cred = [&](const QString &backend, const QString &key) {
            return sandbox.backend(backend)->credentials()[key].toString();
        };
        const auto url = [&](const QString &backend) {
            return u"http://127.0.0.1:%1"_s.arg(sandbox.port(backend));
        };
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
        env.insert(u"PYTHONUNBUFFERED"_s, u"1"_s);
        env.insert(u"FD_GITHUB_URL"_s, url(u"github"_s));
        env.insert(u"FD_GITHUB_PORT"_s, QString::number(sandbox.port(u"github"_s)));
        env.insert(u"FD_GITHUB_TOKEN"_s, cred(u"github"_s, u"token"_s));
        env.insert(u"FD_GITLAB_URL"_s, url(u"gitlab"_s));
        env.insert(u"FD_GITLAB_TOKEN"_s, cred(u"gitlab"_s, u"token"_s));
        env.insert(u"FD_GITLAB_APPROVER_TOKEN"_s, cred(u"gitlab"_s, u"approverToken"_s));
        env.insert(u"FD_JENKINS_URL"_s, url(u"jenkins"_s) + u'/');
        env.insert(u"FD_JENKINS_USER"_s, cred(u"jenkins"_s, u"user"_s));
        env.insert(u"FD_JENKINS_TOKEN"_s, cred(u"jenkins"_s, u"token"_s));

        QProcess p;
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(QStringLiteral(FD_SOURCE_DIR "/tests/contract/real_clients"));
        // Debian's python3: the clients are its packages, not any other interpreter's.
        p.start(QStringLiteral(FD_DEBIAN_PYTHON), {script});
        QVERIFY2(p.waitForStarted(), qPrintable(p.errorString()));
        const bool finished = p.waitForFinished(240'000);
        const QString out = QString::fromUtf8(p.readAll());
        qInfo().noquote() << out;
        QVERIFY2(finished, "the client script did not finish within 240 s");
        const QRegularExpressionMatch m =
            QRegularExpression(u"(\\d+) calls, (\\d+) failures\\s*$"_s).match(out);
        QVERIFY2(m.hasMatch(), "the script ended without its summary line");
        m_calls += m.captured(1).toInt();
        m_failures += m.captured(2).toInt();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m.captured(2).toInt(), 0);
        QCOMPARE(p.exitCode(), 0);
    }

    void cleanupTestCase()
    {
        qInfo().noquote() << u"real clients: %1 calls, %2 failures"_s.arg(m_calls).arg(m_failures);
    }
};

QTEST_GUILESS_MAIN(TestRealClients)
#include "tst_real_clients.moc"
