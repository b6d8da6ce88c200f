// Benchmark: what one poll of the Jenkins plugin costs against the sandbox's `scale:1000`
// estate (1,000 jobs in folders). The cold poll reads every job once; a steady poll lists
// the jobs with a narrow tree= and reads nothing else while nothing changes. The budget
// (DESIGN.md): <= 200 KB per poll at 1,000 jobs. The sandbox clock is frozen, so the bytes
// are deterministic.

#include "backend/pluginhost.h"
#include "core/sandbox.h"
#include "jenkins/jenkinsserver.h"

#include <QElapsedTimer>
#include <QTest>

#include <cstdio>

using namespace fd;

namespace {

class CountingSink : public BackendSink
{
public:
    void publish(const QString &, const RecordSet &r, RecordKinds) override
    {
        runs = qMax(runs, int(r.runs.size()));
    }
    void healthChanged(const QString &, const ConnectionHealth &h) override { health = h; }
    void problem(const QString &, const QString &where, const QString &message) override
    {
        problems.append(where + QStringLiteral(": ") + message);
    }
    void initialSyncDone(const QString &) override { ++initialSyncs; }
    void actionFinished(const QString &, quint64, const ActionResult &) override {}

    int runs = 0;
    int initialSyncs = 0;
    ConnectionHealth health;
    QStringList problems;
};

} // namespace

class BenchJenkinsPoll : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pollAtOneThousandJobs()
    {
        PluginHost host;
        const PluginRecord record = host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdjenkins.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));

        sandbox::Options o;
        o.scenario = QStringLiteral("scale:1000");
        o.epochMs = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
        o.clockSpeed = 0; // frozen: every poll sees the same estate
        sandbox::Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        auto *jenkins =
            dynamic_cast<sandbox::JenkinsServer *>(sb.backend(QStringLiteral("jenkins")));
        QVERIFY(jenkins);
        QVERIFY(jenkins->jobCount() >= 1000);

        const QJsonObject cred = jenkins->credentials();
        ConnectionConfig config;
        config.id = QStringLiteral("bench");
        config.kind = QStringLiteral("jenkins");
        config.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb.port(QStringLiteral("jenkins"))));
        config.secrets.insert(QStringLiteral("user"), cred.value(QLatin1String("user")).toString());
        config.secrets.insert(QStringLiteral("token"),
                              cred.value(QLatin1String("token")).toString());
        config.options.insert(QStringLiteral("pollInterval"), 0.5);
        config.options.insert(QStringLiteral("requestTimeoutMs"), 30000);

        CountingSink sink;
        std::unique_ptr<Backend> backend =
            host.factory(QStringLiteral("jenkins"))->create(config, &sink);
        QVERIFY(backend);
        QElapsedTimer cold;
        cold.start();
        backend->start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.initialSyncs, 1, 240000);
        const qint64 coldMs = cold.elapsed();
        QVERIFY2(sink.problems.isEmpty(), qPrintable(sink.problems.join(QLatin1Char('\n'))));
        QCOMPARE(fd::toString(sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        const QVariantMap first = backend->statistics();
        std::printf("jenkins scale:1000 jobs=%lld runs=%d\n",
                    first.value(QStringLiteral("jobs")).toLongLong(), sink.runs);
        std::printf("  cold poll:   %lld requests, %lld bytes (%.1f KB), %lld ms\n",
                    first.value(QStringLiteral("firstPollRequests")).toLongLong(),
                    first.value(QStringLiteral("firstPollBytes")).toLongLong(),
                    first.value(QStringLiteral("firstPollBytes")).toLongLong() / 1024.0, coldMs);
        QVERIFY(first.value(QStringLiteral("jobs")).toLongLong() >= 1000);

        qint64 maxBytes = 0;
        QList<qint64> sizes;
        for (int i = 0; i < 3; ++i) {
            const qint64 polls =
                backend->statistics().value(QStringLiteral("fullPolls")).toLongLong();
            QTRY_VERIFY_WITH_TIMEOUT(
                backend->statistics().value(QStringLiteral("fullPolls")).toLongLong() > polls &&
                    backend->statistics().value(QStringLiteral("lastPollRequests")).toLongLong() >
                        0,
                30000);
            QTest::qWait(300); // let the poll finish
            const QVariantMap s = backend->statistics();
            const qint64 bytes = s.value(QStringLiteral("lastPollBytes")).toLongLong();
            std::printf("  steady poll: %lld requests, %lld bytes (%.1f KB)\n",
                        s.value(QStringLiteral("lastPollRequests")).toLongLong(), bytes,
                        bytes / 1024.0);
            sizes.append(bytes);
            maxBytes = qMax(maxBytes, bytes);
        }
        std::fflush(stdout);
        QVERIFY2(maxBytes <= 200 * 1024, qPrintable(QString::number(maxBytes)));
        QCOMPARE(sizes.at(1), sizes.at(2)); // deterministic
        QCOMPARE(jenkins->depthRequestCount(), 0);
        for (const auto &r : sb.requests(QStringLiteral("jenkins")))
            QVERIFY2(!r.path.contains(QLatin1String("depth=")), qPrintable(r.path));
        backend->stop();
    }
};

QTEST_GUILESS_MAIN(BenchJenkinsPoll)
#include "tst_jenkinspoll.moc"
