#include "logging/logging.h"
#include "logging/redactor.h"
#include "workspace/credentialresolver.h"

#include <QFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace fd;

Q_LOGGING_CATEGORY(lcTest, "fd.test")

namespace {

// Canaries: none of these may reach a sink. Each is shaped like what it stands for.
const QString kResolved = QStringLiteral("fdcanary-resolved-Q7x9z2"); // only registration hides it
const QString kBearer = QStringLiteral("fdcanaryBearer0123456789");
const QString kPrivateToken = QStringLiteral("fdcanaryPrivTok99");
const QString kJwt =
    QStringLiteral("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmZGNhbmFyeSJ9.fdcanarysig_xyz");
const QString kGhp = QStringLiteral("ghp_fdcanary0123456789abcdefABCDEF0123");
const QString kGlpat = QStringLiteral("glpat-fdcanary0123456789abcd");
const QString kPat = QStringLiteral("github_pat_11FDCANARY0123456789_abcdefghijk");
const QString kQuery = QStringLiteral("fdcanaryQueryPw42");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestLogging : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_savedStderr = -1;

    QString logFile() const { return m_dir.filePath(QStringLiteral("state/logs/flightdeck.log")); }
    QString stderrFile() const { return m_dir.filePath(QStringLiteral("stderr.txt")); }

    void captureStderr()
    {
        std::fflush(stderr);
        m_savedStderr = ::dup(2);
        const int fd =
            ::open(QFile::encodeName(stderrFile()).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        QVERIFY(fd >= 0);
        QVERIFY(::dup2(fd, 2) >= 0);
        ::close(fd);
    }

    void restoreStderr()
    {
        std::fflush(stderr);
        if (m_savedStderr >= 0) {
            ::dup2(m_savedStderr, 2);
            ::close(m_savedStderr);
            m_savedStderr = -1;
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void redactorPatterns_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("authorization header")
            << QStringLiteral("GET /x Authorization: Bearer abc.def-123 done")
            << QStringLiteral("GET /x Authorization: Bearer *** done");
        QTest::newRow("basic header") << QStringLiteral("authorization=Basic dXNlcjpwYXNz;")
                                      << QStringLiteral("authorization=Basic ***;");
        QTest::newRow("private-token") << QStringLiteral("PRIVATE-TOKEN: glx123 sent")
                                       << QStringLiteral("PRIVATE-TOKEN: *** sent");
        QTest::newRow("bearer anywhere") << QStringLiteral("using bearer Zm9vYmFy now")
                                         << QStringLiteral("using bearer *** now");
        QTest::newRow("token word with digits")
            << QStringLiteral("token a1b2c3d4e5 rejected") << QStringLiteral("token *** rejected");
        QTest::newRow("token word in prose") << QStringLiteral("the token expired yesterday")
                                             << QStringLiteral("the token expired yesterday");
        QTest::newRow("ghp") << QStringLiteral("t=") + kGhp + QStringLiteral(" ok")
                             << QStringLiteral("t=*** ok");
        QTest::newRow("gho") << QStringLiteral("gho_abcdefghijklmnop1234 ok")
                             << QStringLiteral("*** ok");
        QTest::newRow("github_pat") << kPat + QStringLiteral(" x") << QStringLiteral("*** x");
        QTest::newRow("glpat") << QStringLiteral("[") + kGlpat + QStringLiteral("]")
                               << QStringLiteral("[***]");
        QTest::newRow("jwt") << QStringLiteral("jwt ") + kJwt + QStringLiteral(" end")
                             << QStringLiteral("jwt *** end");
        QTest::newRow("query") << QStringLiteral("https://h/x?a=1&password=") + kQuery +
                                      QStringLiteral("&token=abc&b=2")
                               << QStringLiteral("https://h/x?a=1&password=***&token=***&b=2");
        QTest::newRow("json member") << QStringLiteral(R"({"user":"ana","password":"hunter22"})")
                                     << QStringLiteral(R"({"user":"ana","password":"***"})");
        QTest::newRow("plain text") << QStringLiteral("deploy checkout v1.2.3 to prod")
                                    << QStringLiteral("deploy checkout v1.2.3 to prod");
    }

    void redactorPatterns()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(Redactor::instance().redact(input), expected);
    }

    void registeredSecrets()
    {
        Redactor r;
        r.addSecret(QStringLiteral("abc")); // too short to register
        QCOMPARE(r.secretCount(), 0);
        r.addSecret(QStringLiteral("s3cr et/value"));
        QCOMPARE(r.redact(QStringLiteral("a s3cr et/value b")), QStringLiteral("a *** b"));
        QCOMPARE(r.redact(QStringLiteral("u?p=s3cr%20et%2Fvalue")), QStringLiteral("u?p=***"));
        r.clearSecrets();
        QCOMPARE(r.redact(QStringLiteral("s3cr et/value")), QStringLiteral("s3cr et/value"));
    }

    void levels()
    {
        spdlog::level::level_enum l;
        QVERIFY(parseLogLevel(QStringLiteral("DEBUG"), &l));
        QCOMPARE(int(l), int(spdlog::level::debug));
        QVERIFY(parseLogLevel(QStringLiteral("warning"), &l));
        QCOMPARE(int(l), int(spdlog::level::warn));
        QVERIFY(!parseLogLevel(QStringLiteral("loud"), &l));
    }

    // The canary test: secrets go through every path into the log and come out in none.
    void canaryNeverReachesALog()
    {
        qputenv("FD_TEST_CANARY_TOKEN", kResolved.toUtf8());
        CredentialResolver resolver;
        QCOMPARE(resolver.resolveNow(QStringLiteral("env:FD_TEST_CANARY_TOKEN")), kResolved);

        captureStderr();
        LogOptions options;
        options.level = QStringLiteral("debug");
        options.filePath = logFile();
        options.bridgeQtMessages = true;
        QCOMPARE(installLogging(options), QString());
        QCOMPARE(logFilePath(), logFile());

        // Qt categories through the bridge.
        qCWarning(lcTest) << "surrounding-qt-warning resolved secret" << kResolved;
        qCInfo(lcTest).noquote() << QStringLiteral(
                                        "surrounding-qt-info header Authorization: Bearer ") +
                                        kBearer;
        qCDebug(lcTest).noquote() << "surrounding-qt-debug jwt" << kJwt;
        // spdlog named loggers.
        logger("net")->info("surrounding-net GET /api?password={} PRIVATE-TOKEN: {}",
                            kQuery.toStdString(), kPrivateToken.toStdString());
        logger("ops")->error("surrounding-ops token {} and {} and {}", kGhp.toStdString(),
                             kGlpat.toStdString(), kPat.toStdString());
        logger("plugin")->warn("surrounding-plugin secret {}", kResolved.toStdString());
        // Another thread.
        QThread *t = QThread::create(
            [] { logger("db")->info("surrounding-thread {}", kResolved.toStdString()); });
        t->start();
        QVERIFY(t->wait(5000));
        delete t;

        // An error path: a real request that fails, logged the way callers log failures.
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:1/api/v4/projects?private_token=") + kQuery));
        request.setRawHeader("Authorization", "Bearer " + kBearer.toUtf8());
        request.setTransferTimeout(5000);
        QNetworkReply *reply = nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        qCCritical(lcTest).noquote()
            << "surrounding-error request" << reply->url().toString()
            << "failed:" << reply->errorString() << "auth"
            << QString::fromUtf8(reply->request().rawHeader("Authorization"));
        reply->deleteLater();

        flushLogs();
        shutdownLogging();
        restoreStderr();

        const QByteArray file = readAll(logFile());
        const QByteArray err = readAll(stderrFile());
        for (const QByteArray &text : {file, err}) {
            for (const char *marker :
                 {"surrounding-qt-warning", "surrounding-qt-info", "surrounding-qt-debug",
                  "surrounding-net", "surrounding-ops", "surrounding-plugin", "surrounding-thread",
                  "surrounding-error", "127.0.0.1:1/api/v4/projects"})
                QVERIFY2(text.contains(marker), marker);
            for (const QString &canary :
                 {kResolved, kBearer, kPrivateToken, kJwt, kGhp, kGlpat, kPat, kQuery})
                QVERIFY2(!text.contains(canary.toUtf8()), qPrintable(canary));
            QVERIFY(!text.contains("fdcanary"));
            QVERIFY(!text.contains("FDCANARY"));
        }
        // The Qt category stays visible as the logger name.
        QVERIFY(file.contains("fd.test: surrounding-qt-warning"));
        QVERIFY(file.contains("[error] fd.test: surrounding-error"));
        QVERIFY(file.contains("net: surrounding-net"));
    }

    void levelFromEnvironment()
    {
        qputenv("FLIGHTDECK_LOG_LEVEL", "error");
        LogOptions options;
        options.filePath = m_dir.filePath(QStringLiteral("level/flightdeck.log"));
        options.toStderr = false;
        options.bridgeQtMessages = false;
        QCOMPARE(installLogging(options), QString());
        logger("net")->info("below-threshold");
        logger("net")->error("at-threshold");
        flushLogs();
        shutdownLogging();
        qunsetenv("FLIGHTDECK_LOG_LEVEL");
        const QByteArray text = readAll(options.filePath);
        QVERIFY(text.contains("at-threshold"));
        QVERIFY(!text.contains("below-threshold"));
    }

    void rotation()
    {
        LogOptions options;
        options.filePath = m_dir.filePath(QStringLiteral("rotate/flightdeck.log"));
        options.toStderr = false;
        options.bridgeQtMessages = false;
        options.maxFileBytes = 4096;
        options.maxFiles = 3;
        QCOMPARE(installLogging(options), QString());
        const std::string line(200, 'x');
        for (int i = 0; i < 200; ++i)
            logger("ui")->info("{} {}", i, line);
        flushLogs();
        shutdownLogging();
        QVERIFY(QFile::exists(options.filePath));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("rotate/flightdeck.1.log"))));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("rotate/flightdeck.3.log"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("rotate/flightdeck.4.log"))));
        QVERIFY(QFile(options.filePath).size() <= 4096);
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
