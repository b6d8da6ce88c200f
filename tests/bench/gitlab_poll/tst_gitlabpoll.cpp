// Requests per poll cycle of the GitLab plugin, measured against the in-process sandbox.
//
// The sandbox's GitLab holds two service projects in the demo scenario (acme/auth and
// acme/notifications, three environments each) and one big project in the scale scenario
// (acme/monorepo, 12 pipelines per scale unit); it has no scenario with 200 GitLab projects.
// So the figure for 200 projects is measured per project on the demo projects, each polled
// as its own scope entry, and multiplied: the plugin's per-project requests are independent
// of the other projects (no cross-project request exists).

#include "gitlabtestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();

struct Measured
{
    qint64 first = 0;
    qint64 steady = 0;
    qint64 steadyNotModified = 0;
    qint64 counted = 0; // steady-state responses other than 304, per poll
};

} // namespace

class TestGitLabPoll : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

    Measured measure(const QString &scenario, const QStringList &projects, const QVariantMap &options)
    {
        sandbox::Options o;
        o.scenario = scenario;
        o.epochMs = kEpoch;
        sandbox::Sandbox sb(o);
        QString error;
        if (!sb.start(&error))
            qFatal("sandbox: %s", qPrintable(error));
        ConnectionConfig c;
        c.id = QStringLiteral("gl-bench");
        c.kind = QStringLiteral("gitlab");
        c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb.port(QStringLiteral("gitlab"))));
        c.secrets.insert(QStringLiteral("token"),
                         sb.backend(QStringLiteral("gitlab"))->credentials().value(QLatin1String("token")).toString());
        c.scope.insert(QStringLiteral("projects"), projects);
        c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
        c.options = options;
        c.options.insert(QStringLiteral("pollInterval"), 0.05);
        c.options.insert(QStringLiteral("honourPollInterval"), false); // measure, do not wait 10 s
        test::GitLabTestSink sink;
        std::unique_ptr<Backend> backend = m_factory->create(c, &sink);
        backend->start();
        const auto polls = [&] { return backend->statistics().value(QStringLiteral("requestsPerPoll")).toList(); };
        if (!QTest::qWaitFor([&] { return polls().size() >= 8; }, 60000))
            qFatal("fewer than 8 polls in 60 s");
        backend->stop();
        const QVariantList requests = polls();
        const QVariantList notModified = backend->statistics().value(QStringLiteral("notModifiedPerPoll")).toList();
        Measured m;
        m.first = requests.first().toLongLong();
        // The steady state: the median of the polls after the second (the second may still read
        // jobs of pipelines that finished while the first poll ran).
        QList<qint64> later, later304;
        for (int i = 2; i < requests.size(); ++i) {
            later.append(requests.at(i).toLongLong());
            later304.append(notModified.at(i).toLongLong());
        }
        std::sort(later.begin(), later.end());
        std::sort(later304.begin(), later304.end());
        m.steady = later.at(later.size() / 2);
        m.steadyNotModified = later304.at(later304.size() / 2);
        m.counted = m.steady - m.steadyNotModified;
        if (sink.health.state != ConnectionHealth::State::Ok)
            qFatal("health not ok: %s", qPrintable(sink.health.reason));
        return m;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const PluginRecord record = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdgitlab.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        m_factory = m_host.factory(QStringLiteral("gitlab"));
        QVERIFY(m_factory);
    }

    void requestsPerPoll()
    {
        const Measured one = measure(QStringLiteral("demo"), {QStringLiteral("acme/auth")}, {});
        const Measured two = measure(QStringLiteral("demo"),
                                     {QStringLiteral("acme/auth"), QStringLiteral("acme/notifications")}, {});
        const Measured mono = measure(QStringLiteral("scale:1000"), {QStringLiteral("acme/monorepo")},
                                      {{QStringLiteral("runDepth"), 100}});
        // Per project, from the two-project run (the one-time GET /user is in the first poll).
        const double firstPer = (two.first - 1) / 2.0;
        const double steadyPer = two.steady / 2.0;
        const double counted = two.counted / 2.0;
        std::printf("\nGitLab poll cost (sandbox, runDepth 20, jobsDepth 5, deploymentDepth 50)\n");
        std::printf("  %-38s %8s %8s %8s %8s\n", "", "first", "steady", "of 304", "counted");
        const auto row = [](const char *name, const Measured &m) {
            std::printf("  %-38s %8lld %8lld %8lld %8lld\n", name, qlonglong(m.first), qlonglong(m.steady),
                        qlonglong(m.steadyNotModified), qlonglong(m.counted));
        };
        row("acme/auth", one);
        row("acme/auth + acme/notifications", two);
        row("acme/monorepo (12k pipelines, depth 100)", mono);
        std::printf("  per project                            %8.1f %8.1f %8s %8.1f\n", firstPer, steadyPer, "",
                    counted);
        std::printf("  200 projects (per-project x 200)       %8.0f %8.0f %8s %8.0f\n", firstPer * 200 + 1,
                    steadyPer * 200, "", counted * 200);
        std::printf("  (the sandbox has no 200-project GitLab scenario: 200 is extrapolated)\n");
        std::fflush(stdout);

        // The steady state must be much cheaper than the first poll, and bounded per project:
        // pipelines (304), deployments, environments, plus the jobs of running pipelines and
        // environments that moved (the demo keeps one pipeline running).
        QVERIFY(two.steady * 2 < two.first);
        QVERIFY(steadyPer <= 5.0);
        QVERIFY(two.steadyNotModified >= 2); // each project's pipelines list came back 304
    }
};

QTEST_GUILESS_MAIN(TestGitLabPoll)
#include "tst_gitlabpoll.moc"
