// Contract test of the signals plugin: the built plugin, loaded through the plugin host,
// against the in-process sandbox's Prometheus query API and Alertmanager v2 alert list.

#include "signalstestsink.h"

#include "backend/pluginhost.h"
#include "backend/signals.h"
#include "core/sandbox.h"
#include "metrics/metricsserver.h"

#include <QTest>

#include <cmath>
#include <memory>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
const QString kConn = QStringLiteral("signals");
const QString kErrorRate = QStringLiteral("FlightdeckHighErrorRate");

struct Fixture
{
    std::unique_ptr<sandbox::Sandbox> sb;
    test::SignalsTestSink sink;
    std::unique_ptr<Backend> backend;
    ConnectionConfig config;

    bool startSandbox()
    {
        sandbox::Options o;
        o.scenario = QStringLiteral("incident");
        o.epochMs = kEpoch;
        o.clockSpeed = 0; // the test moves the clock
        sb = std::make_unique<sandbox::Sandbox>(o);
        QString error;
        if (!sb->start(&error)) {
            qWarning() << "sandbox:" << error;
            return false;
        }
        const QString url =
            QStringLiteral("http://127.0.0.1:%1").arg(sb->port(QStringLiteral("metrics")));
        config.id = kConn;
        config.kind = QStringLiteral("prometheus");
        config.baseUrl = QUrl(url);
        config.options.insert(QStringLiteral("alertmanagerUrl"), url);
        config.options.insert(QStringLiteral("pollInterval"), 0.2);
        config.options.insert(QStringLiteral("requestTimeoutMs"), 3000);
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        return true;
    }

    bool startBackend(BackendFactory *factory)
    {
        backend = factory->create(config, &sink);
        if (!backend)
            return false;
        backend->start();
        return true;
    }

    SignalSource *signals() const { return dynamic_cast<SignalSource *>(backend.get()); }

    sandbox::MetricsServer *metrics() const
    {
        return dynamic_cast<sandbox::MetricsServer *>(sb->backend(QStringLiteral("metrics")));
    }

    const sandbox::SimRelease *badRelease() const
    {
        for (const auto &r : sb->world().service(QStringLiteral("catalog"))->releases)
            if (r.bad)
                return &r;
        return nullptr;
    }

    /// Runs querySli and waits for its answer.
    QList<SliSeries> query(const QString &service,
                           const QString &env,
                           const QString &sli,
                           qint64 fromMs,
                           qint64 toMs,
                           QString *error)
    {
        bool answered = false;
        QList<SliSeries> out;
        signals()->querySli(service, env, sli, QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC),
                            QDateTime::fromMSecsSinceEpoch(toMs, Qt::UTC),
                            [&](QList<SliSeries> series, QString err) {
                                answered = true;
                                out = series;
                                *error = err;
                            });
        if (answered) // must never answer inside the call
            *error = QStringLiteral("answered synchronously");
        else if (!QTest::qWaitFor([&] { return answered; }, 10000))
            *error = QStringLiteral("no answer in time");
        return out;
    }
};

double maxOf(const SliSeries &s)
{
    double m = -1;
    for (const SliPoint &p : s.points)
        m = std::max(m, p.value);
    return m;
}

} // namespace

class TestPrometheusPlugin : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        const PluginRecord record =
            m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdprometheus.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        QCOMPARE(record.kind, QStringLiteral("prometheus"));
        QCOMPARE(record.id, QStringLiteral("dev.flightdeck.prometheus"));
        QCOMPARE(record.apiVersion, FD_BACKEND_API_VERSION);
        QCOMPARE(record.capabilities,
                 (QStringList{QStringLiteral("alerts"), QStringLiteral("metrics")}));
        m_factory = m_host.factory(QStringLiteral("prometheus"));
        QVERIFY(m_factory);
    }

    void signalSourceCrossesThePluginBoundary()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QVERIFY(f.signals());
        QCOMPARE(f.backend->capabilities(), int(Capability::Alerts) | int(Capability::Metrics));
        ReleaseAction a;
        a.verb = ReleaseAction::Verb::Rollback;
        a.service = QStringLiteral("catalog");
        const ActionPlan plan = f.backend->plan(a);
        QVERIFY(!plan.feasible);
        QVERIFY(plan.blockedReason.contains(QStringLiteral("signals connection")));
    }

    void badReleaseInProdFiresThenResolvesAfterTheRollback()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        const sandbox::SimRelease *bad = f.badRelease();
        QVERIFY(bad);
        const sandbox::SimTarget *prod =
            f.sb->world().service(QStringLiteral("catalog"))->target(QStringLiteral("prod"));
        const qint64 deployedMs = prod->history.last().atMs;
        QCOMPARE(prod->history.last().version, bad->version);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 10000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));

        // At the epoch the bad release already fails in dev and staging, not yet enough in prod.
        QVERIFY(f.sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("catalog"),
                             QStringLiteral("dev"), kErrorRate));
        QVERIFY(f.sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("catalog"),
                             QStringLiteral("staging"), kErrorRate));
        QVERIFY(!f.sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("catalog"),
                              QStringLiteral("prod"), kErrorRate));
        QVERIFY(!f.sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("search"),
                              QStringLiteral("prod"), kErrorRate));

        f.sb->advance(6 * 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.alert(TimelineEvent::Kind::AlertFiring,
                                              QStringLiteral("catalog"), QStringLiteral("prod"),
                                              kErrorRate),
                                 10000);
        const TimelineEvent fired =
            *f.sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("catalog"),
                          QStringLiteral("prod"), kErrorRate);
        QCOMPARE(fired.source, kConn);
        QVERIFY2(fired.time.toMSecsSinceEpoch() > deployedMs,
                 qPrintable(fired.time.toString(Qt::ISODate)));
        QVERIFY(fired.time.toMSecsSinceEpoch() > kEpoch &&
                fired.time.toMSecsSinceEpoch() <= kEpoch + 6 * 60'000);
        QVERIFY(fired.sourceId.contains(u'@'));
        QCOMPARE(fired.sourceId.section(u'@', 0, 0).size(), 16); // Alertmanager fingerprint
        QVERIFY(fired.detail.contains(QStringLiteral("severity critical")));
        QVERIFY(fired.title.contains(QStringLiteral("catalog in prod")));
        QVERIFY(fired.link.toString().contains(QStringLiteral("/graph?g0.expr=")));
        // Polling again reports the same alert once.
        const int firings = int(
            std::count_if(f.sink.events.cbegin(), f.sink.events.cend(),
                          [&](const TimelineEvent &e) { return e.sourceId == fired.sourceId; }));
        QTest::qWait(600);
        QCOMPARE(int(std::count_if(
                     f.sink.events.cbegin(), f.sink.events.cend(),
                     [&](const TimelineEvent &e) { return e.sourceId == fired.sourceId; })),
                 firings);

        // Roll prod back to the version before the bad one: errors fall, the alert resolves.
        const QString previous = prod->history.at(prod->history.size() - 2).version;
        QString error;
        QVERIFY2(f.metrics()->switchVersion(QStringLiteral("catalog"), QStringLiteral("prod"),
                                            previous, &error),
                 qPrintable(error));
        const qint64 rolledBackMs = f.sb->clock().nowMs();
        f.sb->advance(60'000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.alert(TimelineEvent::Kind::AlertResolved,
                                              QStringLiteral("catalog"), QStringLiteral("prod"),
                                              kErrorRate),
                                 10000);
        const TimelineEvent resolved =
            *f.sink.alert(TimelineEvent::Kind::AlertResolved, QStringLiteral("catalog"),
                          QStringLiteral("prod"), kErrorRate);
        QCOMPARE(resolved.sourceId, fired.sourceId + QStringLiteral("/resolved"));
        // Dated by the sandbox's clock (read from the alerts' updatedAt), not ours.
        QVERIFY2(resolved.time.toMSecsSinceEpoch() >= rolledBackMs &&
                     resolved.time.toMSecsSinceEpoch() <= rolledBackMs + 5 * 60'000,
                 qPrintable(resolved.time.toString(Qt::ISODateWithMs)));
        // Dev still runs the bad release and stays firing.
        QVERIFY(!f.sink.alert(TimelineEvent::Kind::AlertResolved, QStringLiteral("catalog"),
                              QStringLiteral("dev"), kErrorRate));
        QVERIFY(f.sink.problems.isEmpty());
    }

    void latestSliPerVersion()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 10000);
        SignalSource *s = f.signals();
        const QString bad = f.badRelease()->version;
        const auto badRatio = s->latest(QStringLiteral("catalog"), QStringLiteral("prod"), bad,
                                        QStringLiteral("errorRatio"));
        const QString searchVersion = f.sb->world()
                                          .service(QStringLiteral("search"))
                                          ->target(QStringLiteral("prod"))
                                          ->current()
                                          ->version;
        const auto goodRatio = s->latest(QStringLiteral("search"), QStringLiteral("prod"),
                                         searchVersion, QStringLiteral("errorRatio"));
        QVERIFY(badRatio && goodRatio);
        QVERIFY2(*badRatio > 0.04 && *badRatio < 0.06, qPrintable(QString::number(*badRatio)));
        QVERIFY2(*goodRatio > 0.001 && *goodRatio < 0.006, qPrintable(QString::number(*goodRatio)));
        const auto badP99 = s->latest(QStringLiteral("catalog"), QStringLiteral("prod"), bad,
                                      QStringLiteral("latencyP99"));
        const auto goodP99 = s->latest(QStringLiteral("search"), QStringLiteral("prod"),
                                       searchVersion, QStringLiteral("latencyP99"));
        QVERIFY(badP99 && goodP99 && *badP99 > 3 * *goodP99);
        QVERIFY(!s->latest(QStringLiteral("catalog"), QStringLiteral("prod"),
                           QStringLiteral("v0.0.0"), QStringLiteral("errorRatio")));
        QVERIFY(!s->latest(QStringLiteral("catalog"), QStringLiteral("prod"), bad,
                           QStringLiteral("nope")));

        // The paused checkout canary runs two versions side by side: both are measured.
        const sandbox::SimTarget *canary =
            f.sb->world().service(QStringLiteral("checkout"))->target(QStringLiteral("prod"));
        QVERIFY(canary->canary && canary->pendingApproval);
        const QString stable = canary->history.at(canary->history.size() - 2).version;
        const QString next = canary->history.last().version;
        QVERIFY(s->latest(QStringLiteral("checkout"), QStringLiteral("prod"), stable,
                          QStringLiteral("errorRatio")));
        QVERIFY(s->latest(QStringLiteral("checkout"), QStringLiteral("prod"), next,
                          QStringLiteral("errorRatio")));
    }

    void sliSeriesPerVersionOverTime()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        const QString bad = f.badRelease()->version;
        const sandbox::SimTarget *prod =
            f.sb->world().service(QStringLiteral("catalog"))->target(QStringLiteral("prod"));
        const QString previous = prod->history.at(prod->history.size() - 2).version;
        QString error;
        const QList<SliSeries> series =
            f.query(QStringLiteral("catalog"), QStringLiteral("prod"), QStringLiteral("errorRatio"),
                    kEpoch - 3 * 3'600'000, kEpoch, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(series.size(), 2);
        const SliSeries *badSeries = nullptr, *prevSeries = nullptr;
        for (const SliSeries &s : series) {
            QCOMPARE(s.service, QStringLiteral("catalog"));
            QCOMPARE(s.environment, QStringLiteral("prod"));
            QCOMPARE(s.name, QStringLiteral("errorRatio"));
            QVERIFY(s.points.size() > 10);
            for (int i = 1; i < s.points.size(); ++i)
                QVERIFY(s.points[i - 1].time < s.points[i].time);
            (s.version == bad ? badSeries : prevSeries) = &s;
        }
        QVERIFY(badSeries && prevSeries);
        QCOMPARE(prevSeries->version, previous);
        QVERIFY2(
            maxOf(*badSeries) > 5 * maxOf(*prevSeries),
            qPrintable(QStringLiteral("%1 vs %2").arg(maxOf(*badSeries)).arg(maxOf(*prevSeries))));
        // The bad version's series starts at its deploy; the previous one ends there.
        const qint64 deployed = prod->history.last().atMs;
        QVERIFY(badSeries->points.first().time.toMSecsSinceEpoch() >= deployed);
        QVERIFY(prevSeries->points.last().time.toMSecsSinceEpoch() <= deployed);

        const QList<SliSeries> p99 =
            f.query(QStringLiteral("catalog"), QStringLiteral("prod"), QStringLiteral("latencyP99"),
                    kEpoch - 3 * 3'600'000, kEpoch, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(p99.size(), 2);
        QVERIFY(maxOf(p99.first().version == bad ? p99.first() : p99.last()) >
                3 * maxOf(p99.first().version == bad ? p99.last() : p99.first()));
    }

    void queryErrorsNameTheIndicator()
    {
        Fixture f;
        f.config.options.insert(QStringLiteral("sli"),
                                QVariantMap{{QStringLiteral("broken"), QStringLiteral("sum(")},
                                            {QStringLiteral("two"), QStringLiteral("1 + 1")}});
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 10000);
        // The broken shared query is a problem naming it; the rest keeps working (degraded).
        QVERIFY2(
            f.sink.problems.join(u'\n').contains(QStringLiteral("sli broken: prometheus bad_data")),
            qPrintable(f.sink.problems.join(u'\n')));
        QCOMPARE(fd::toString(f.sink.health.state),
                 fd::toString(ConnectionHealth::State::Degraded));
        QString error;
        f.query(QStringLiteral("catalog"), QStringLiteral("prod"), QStringLiteral("nope"),
                kEpoch - 60'000, kEpoch, &error);
        QVERIFY2(error.contains(QStringLiteral("no SLI named \"nope\"")), qPrintable(error));
        f.query(QStringLiteral("catalog"), QStringLiteral("prod"), QStringLiteral("broken"),
                kEpoch - 60'000, kEpoch, &error);
        QVERIFY2(error.contains(QStringLiteral("bad_data")) &&
                     error.contains(QStringLiteral("sli broken of catalog in prod")),
                 qPrintable(error));
        // '+' survives the query string (a server reads an unescaped '+' as a space).
        const QList<SliSeries> two =
            f.query(QStringLiteral("catalog"), QStringLiteral("prod"), QStringLiteral("two"),
                    kEpoch - 60'000, kEpoch, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(two.size(), 1);
        QCOMPARE(two.first().points.first().value, 2.0);
    }

    void unreachableServerIsReported()
    {
        test::SignalsTestSink sink;
        ConnectionConfig c;
        c.id = kConn;
        c.kind = QStringLiteral("prometheus");
        c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // discard port: nothing listens
        c.options.insert(QStringLiteral("alertmanagerUrl"), QStringLiteral("http://127.0.0.1:9"));
        c.options.insert(QStringLiteral("requestTimeoutMs"), 1000);
        std::unique_ptr<Backend> b = m_factory->create(c, &sink);
        b->start();
        QTRY_COMPARE_WITH_TIMEOUT(sink.initialSyncs, 1, 20000);
        QCOMPARE(fd::toString(sink.health.state),
                 fd::toString(ConnectionHealth::State::Unreachable));
        QVERIFY(sink.problems.join(u'\n').contains(QStringLiteral("alertmanager /api/v2/alerts")));
        b->stop();
    }
};

QTEST_GUILESS_MAIN(TestPrometheusPlugin)
#include "tst_prometheusplugin.moc"
