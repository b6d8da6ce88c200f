// Request budget of the GitHub plugin (DESIGN.md, performance budgets): 50 repositories
// watched for one simulated hour with nothing changing cost <= 250 counted requests; every
// other poll is a 304. Each poll is followed by one simulated minute on the sandbox clock, so
// the hour is exactly 60 polls whatever the machine's speed. The counted figure is
// deterministic and asserted; timings are only printed.

#include "githubtestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QElapsedTimer>
#include <QTest>

#include <cstdio>

using namespace fd;

namespace {
constexpr int kRepositories = 50;
constexpr int kPolls = 60; // one simulated hour, one poll per simulated minute
constexpr qint64 kBudget = 250;
const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();

qint64 sandboxCounted(const sandbox::Sandbox &sb, qint64 *notModified)
{
    qint64 counted = 0;
    *notModified = 0;
    for (const auto &r : sb.requests(QStringLiteral("github")))
        (r.status == 304 ? *notModified : counted) += 1;
    return counted;
}
} // namespace

class BenchGitHubRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fiftyRepositoriesForOneQuietHour_data()
    {
        // Named one by one, or found by listing their owner (re-listed every 10th poll).
        QTest::addColumn<bool>("byOwner");
        QTest::newRow("scope.repos") << false;
        QTest::newRow("scope.owners") << true;
    }

    void fiftyRepositoriesForOneQuietHour()
    {
        QFETCH(bool, byOwner);
        PluginHost host;
        const PluginRecord record = host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdgithub.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));

        sandbox::Options o;
        o.scenario = QStringLiteral("scale:%1").arg(kRepositories);
        o.epochMs = kEpoch;
        o.clockSpeed = 0.0; // only our advances move the simulated clock
        sandbox::Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        sb.advance(15 * 60 * 1000); // every scenario run has finished: nothing changes from here

        ConnectionConfig config;
        config.id = QStringLiteral("gh-bench");
        config.kind = QStringLiteral("github");
        config.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb.port(QStringLiteral("github"))));
        config.secrets.insert(QStringLiteral("token"), sb.backend(QStringLiteral("github"))
                                                           ->credentials()
                                                           .value(QLatin1String("token"))
                                                           .toString());
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        QStringList repos;
        for (const sandbox::SimService &s : sb.world().services) {
            repos.append(s.ciObject);
            ServiceBinding pipeline; // as the sandbox's own workspace binds them
            pipeline.service = s.name;
            pipeline.object = s.ciObject;
            pipeline.options.insert(QStringLiteral("workflow"), QStringLiteral("ci.yml"));
            config.bindings.append(pipeline);
        }
        QCOMPARE(repos.size(), kRepositories);
        if (byOwner) {
            // Only the owner: no binding names a repository, services take the repository names.
            config.bindings.clear();
            config.scope.insert(QStringLiteral("owners"), QStringList{sb.world().org});
        } else {
            config.scope.insert(QStringLiteral("repos"), repos);
        }
        config.options.insert(QStringLiteral("pollInterval"), 0.01);

        test::GitHubTestSink sink;
        std::unique_ptr<Backend> backend =
            host.factory(QStringLiteral("github"))->create(config, &sink);
        QVERIFY(backend);
        QElapsedTimer wall;
        wall.start();
        backend->start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.initialSyncs, 1, 30000);
        const qint64 initialMs = wall.elapsed();
        const QVariantMap initial = backend->statistics();
        QCOMPARE(fd::toString(sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QCOMPARE(sink.runs.size(), kRepositories * 4); // three releases and the head commit each

        const auto polls = [&] {
            return backend->statistics().value(QStringLiteral("polls")).toLongLong();
        };
        const qint64 first = polls();
        for (int minute = 1; minute <= kPolls; ++minute) {
            sb.advance(60 * 1000);
            QTRY_VERIFY_WITH_TIMEOUT(polls() >= first + minute, 20000);
        }
        // Let the last poll's answers land before reading the counters.
        QTRY_VERIFY_WITH_TIMEOUT(
            backend->statistics().value(QStringLiteral("inFlight")).toInt() == 0, 5000);
        const qint64 hourMs = wall.elapsed() - initialMs;
        const QVariantMap total = backend->statistics();
        backend->stop();

        const qint64 counted = total.value(QStringLiteral("countedRequests")).toLongLong();
        const qint64 initialCounted = initial.value(QStringLiteral("countedRequests")).toLongLong();
        const qint64 notModified = total.value(QStringLiteral("notModified")).toLongLong();
        qint64 serverNotModified = 0;
        const qint64 serverCounted = sandboxCounted(sb, &serverNotModified);
        std::printf(
            "github request budget (%s): %d repositories, %lld polls over one simulated hour\n"
            "  counted requests (non-304): %lld total = %lld first read + %lld in the hour"
            " (budget %lld)\n"
            "  304 Not Modified: %lld; requests sent: %lld; retries: %lld; peak in flight: %d\n"
            "  sandbox saw %lld counted and %lld 304s\n"
            "  bytes received: %lld; wall time: first read %lld ms, hour %lld ms\n",
            byOwner ? "scope.owners" : "scope.repos", kRepositories, polls(), counted,
            initialCounted, counted - initialCounted, kBudget, notModified,
            total.value(QStringLiteral("requestsSent")).toLongLong(),
            total.value(QStringLiteral("retries")).toLongLong(),
            total.value(QStringLiteral("peakInFlight")).toInt(), serverCounted, serverNotModified,
            total.value(QStringLiteral("bytesReceived")).toLongLong(), initialMs, hourMs);
        std::fflush(stdout);

        QCOMPARE(serverCounted, counted); // both sides of the wire agree
        QVERIFY2(counted <= kBudget, qPrintable(QString::number(counted)));
        QVERIFY(notModified >= qint64(kPolls) * kRepositories); // every quiet poll was conditional
        QVERIFY(total.value(QStringLiteral("peakInFlight")).toInt() <= 6);
        QCOMPARE(sink.problems.size(), 0);
        QCOMPARE(total.value(QStringLiteral("repositories")).toInt(), kRepositories);
    }
};

QTEST_GUILESS_MAIN(BenchGitHubRequests)
#include "bench_github_requests.moc"
