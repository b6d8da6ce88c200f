// Requests per poll cycle of the GitLab plugin, measured against the in-process sandbox.
//
// The main figure is measured, not extrapolated: the sandbox's `gitlab-scale:200` scenario
// serves 200 projects (acme/svc-0001 ... acme/svc-0200, dev/staging/prod each, four pipelines,
// nine to eleven deployments, a blocked prod deployment in every tenth project) and nothing in it
// moves on its own. One connection scoped to all 200 polls it: the first poll, then a full
// period of steady polls (protected environments are re-read every tenth poll). The sandbox
// clock is frozen and advanced one minute after each poll, so every poll meets a fresh
// GitLab rate-limit window and the simulated time moves while the estate stays still.
// The monorepo row (12,000 pipelines, runDepth 100) shows that depth, not history, sets cost.

#include "gitlabtestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
constexpr int kProjects = 200;
constexpr int kSteadyPolls = 10; // one protectedEvery period

/// The cost of one poll cycle, from the HTTP client's counters around it.
struct Poll
{
    qint64 requests = 0;
    qint64 notModified = 0;
    qint64 counted = 0; // answers other than 304: what GitLab's rate limit counts
    qint64 bytes = 0;
    qint64 ms = 0;
};

Poll delta(const QVariantMap &after, const QVariantMap &before, qint64 ms)
{
    const auto d = [&](const char *key) {
        return after.value(QLatin1String(key)).toLongLong() -
               before.value(QLatin1String(key)).toLongLong();
    };
    return {d("requestsSent"), d("notModified"), d("countedRequests"), d("bytesReceived"), ms};
}

struct Measurement
{
    QList<Poll> polls; // [0] is the first poll
    test::GitLabTestSink sink;
    QVariantMap statuses;
};

} // namespace

class TestGitLabPoll : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

    ConnectionConfig config(sandbox::Sandbox &sb,
                            const QStringList &projects,
                            const QVariantMap &options,
                            double pollSeconds) const
    {
        ConnectionConfig c;
        c.id = QStringLiteral("gl-bench");
        c.kind = QStringLiteral("gitlab");
        c.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb.port(QStringLiteral("gitlab"))));
        c.secrets.insert(QStringLiteral("token"), sb.backend(QStringLiteral("gitlab"))
                                                      ->credentials()
                                                      .value(QLatin1String("token"))
                                                      .toString());
        c.scope.insert(QStringLiteral("projects"), projects);
        c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
        c.options = options;
        c.options.insert(QStringLiteral("pollInterval"), pollSeconds);
        c.options.insert(QStringLiteral("honourPollInterval"), false); // measure, do not wait 10 s
        return c;
    }

    /// Polls @p projects `1 + steadyPolls` times. With @p advanceMs the sandbox clock is frozen
    /// and moved on by that much after every poll; without, it runs in real time.
    void measure(Measurement &run,
                 const QString &scenario,
                 const QStringList &projects,
                 const QVariantMap &options,
                 int steadyPolls,
                 qint64 advanceMs)
    {
        sandbox::Options o;
        o.scenario = scenario;
        o.epochMs = kEpoch;
        o.clockSpeed = advanceMs > 0 ? 0.0 : 1.0;
        sandbox::Sandbox sb(o);
        QString error;
        if (!sb.start(&error))
            qFatal("sandbox: %s", qPrintable(error));
        // A poll interval long enough that the wait below sees each cycle end before the next
        // begins, so the counters between two observations belong to exactly one poll.
        std::unique_ptr<Backend> backend =
            m_factory->create(config(sb, projects, options, 0.3), &run.sink);
        QVariantMap before = backend->statistics();
        QElapsedTimer timer;
        timer.start();
        backend->start();
        for (int i = 0; i <= steadyPolls; ++i) {
            const bool done = QTest::qWaitFor(
                [&] {
                    return backend->statistics()
                               .value(QStringLiteral("requestsPerPoll"))
                               .toList()
                               .size() > i;
                },
                30000);
            if (!done)
                qFatal("%s: poll %d did not finish in 30 s", qPrintable(scenario), i + 1);
            const QVariantMap after = backend->statistics();
            run.polls.append(delta(after, before, timer.restart() - (i == 0 ? 0 : 300)));
            before = after;
            if (advanceMs > 0)
                sb.advance(advanceMs);
        }
        backend->stop();
        run.statuses = backend->statistics().value(QStringLiteral("statuses")).toMap();
        if (run.sink.health.state != ConnectionHealth::State::Ok)
            qFatal("%s: health not ok: %s", qPrintable(scenario),
                   qPrintable(run.sink.health.reason));
    }

    static void printRow(const char *name, const Poll &p, double per = 1)
    {
        std::printf("  %-34s %9.1f %9.1f %9.1f %11.0f %7lld\n", name, p.requests / per,
                    p.notModified / per, p.counted / per, p.bytes / per, qlonglong(p.ms));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const PluginRecord record = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdgitlab.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        m_factory = m_host.factory(QStringLiteral("gitlab"));
        QVERIFY(m_factory);
    }

    void twoHundredProjects()
    {
        QStringList projects;
        for (int i = 1; i <= kProjects; ++i)
            projects.append(QStringLiteral("acme/svc-%1").arg(i, 4, 10, QLatin1Char('0')));
        Measurement run;
        measure(run, QStringLiteral("gitlab-scale:%1").arg(kProjects), projects, {}, kSteadyPolls,
                60'000);

        const Poll first = run.polls.first();
        Poll steadyMax, sum;
        for (int i = 1; i < run.polls.size(); ++i) {
            const Poll &p = run.polls.at(i);
            steadyMax.requests = std::max(steadyMax.requests, p.requests);
            steadyMax.notModified = std::max(steadyMax.notModified, p.notModified);
            steadyMax.counted = std::max(steadyMax.counted, p.counted);
            steadyMax.bytes = std::max(steadyMax.bytes, p.bytes);
            steadyMax.ms = std::max(steadyMax.ms, p.ms);
            sum.requests += p.requests;
            sum.notModified += p.notModified;
            sum.counted += p.counted;
            sum.bytes += p.bytes;
            sum.ms += p.ms;
        }
        const Poll steadyMean{sum.requests / kSteadyPolls, sum.notModified / kSteadyPolls,
                              sum.counted / kSteadyPolls, sum.bytes / kSteadyPolls,
                              sum.ms / kSteadyPolls};

        std::printf(
            "\nGitLab poll cost, %d projects measured (sandbox gitlab-scale:%d; runDepth 20, "
            "jobsDepth 5, deploymentDepth 50)\n",
            kProjects, kProjects);
        std::printf("  %-34s %9s %9s %9s %11s %7s\n", "", "requests", "304", "counted", "bytes",
                    "ms");
        char name[64];
        for (int i = 0; i < run.polls.size(); ++i) {
            std::snprintf(name, sizeof name, i == 0 ? "poll %d (first)" : "poll %d", i + 1);
            printRow(name, run.polls.at(i));
        }
        printRow("steady, mean of polls 2..11", steadyMean);
        printRow("steady, worst poll", steadyMax);
        printRow("first, per project", first, kProjects);
        printRow("steady mean, per project", steadyMean, kProjects);

        // Deep history in one project: the monorepo of scale:1000 (12,000 pipelines).
        Measurement mono;
        measure(mono, QStringLiteral("scale:1000"), {QStringLiteral("acme/monorepo")},
                {{QStringLiteral("runDepth"), 100}}, 3, 0);
        printRow("acme/monorepo depth 100: first", mono.polls.first());
        printRow("acme/monorepo depth 100: poll 4", mono.polls.last());
        std::fflush(stdout);

        // The bench read what the scenario holds: every environment, every blocked deployment.
        QCOMPARE(run.sink.environments.size(), kProjects * 3);
        int blocked = 0;
        for (const Gate &g : std::as_const(run.sink.gates))
            blocked += g.environment == QLatin1String("prod") ? 1 : 0;
        QCOMPARE(blocked, kProjects / 10);
        QVERIFY2(!run.statuses.contains(QStringLiteral("429")), "the 2,000/min rate limit was hit");
        QCOMPARE(run.statuses.value(QStringLiteral("200")).toLongLong() +
                     run.statuses.value(QStringLiteral("304")).toLongLong(),
                 sum.requests + first.requests);

        // First poll: the one GET /user, then per project its pipelines, deployments,
        // environments, protected environments, the jobs of its four pipelines and the detail
        // of its three environments (what runs there); nothing is paged.
        QCOMPARE(first.requests, 1 + kProjects * 11);
        // Steady state, with nothing changing: each project's pipeline list comes back 304
        // every poll; its deployments and environments lists are read again (GitLab gives them
        // no ETag); its approval rules once in protectedEvery (10) polls. Jobs and environment
        // details are not read again.
        for (int i = 1; i < run.polls.size(); ++i) {
            const Poll &p = run.polls.at(i);
            QCOMPARE(p.requests - p.notModified, p.counted);
            QCOMPARE(p.notModified, qint64(kProjects));
            QVERIFY2(p.counted <= (i % 10 == 9 ? 3 : 2) * kProjects,
                     qPrintable(QStringLiteral("poll %1: %2 counted").arg(i + 1).arg(p.counted)));
            QVERIFY(p.bytes * 2 < first.bytes);
        }
        QVERIFY(sum.counted <= qint64(2 * kSteadyPolls * kProjects + kProjects));
        QVERIFY(first.counted > 3 * steadyMean.counted);
    }
};

QTEST_GUILESS_MAIN(TestGitLabPoll)
#include "tst_gitlabpoll.moc"
