// The signals half of the incident, end to end: the sandbox's incident scenario on a clock
// running FD_TEST_SIGNALS_TIME_SCALE (60) times faster, the REAL Prometheus scraping its
// metrics with the rules shipped in resources/signals, the REAL Alertmanager holding the
// alert, and the signals plugin reporting it on the timeline after the bad deploy; then a
// rollback of catalog in prod makes the error rate fall and the alert resolve.

#include "signalstestsink.h"

#include "backend/pluginhost.h"
#include "backend/signals.h"
#include "core/sandbox.h"
#include "jenkins/jenkinsserver.h"

#include <httplib.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace fd;

namespace {

const QString kErrorRate = QStringLiteral("FlightdeckHighErrorRate");

QJsonArray catalogProdAlerts(const QUrl &am)
{
    httplib::Client c(am.host().toStdString(), am.port());
    c.set_read_timeout(5, 0);
    const auto r = c.Get("/api/v2/alerts",
                         httplib::Params{{"filter", "alertname=\"FlightdeckHighErrorRate\""},
                                         {"filter", "service=\"catalog\""},
                                         {"filter", "env=\"prod\""}},
                         httplib::Headers{});
    return r && r->status == 200
               ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array()
               : QJsonArray();
}

} // namespace

class TestIncidentSignals : public QObject
{
    Q_OBJECT

private:
    QString m_targetFile;

private Q_SLOTS:
    void cleanupTestCase()
    {
        if (!m_targetFile.isEmpty())
            QFile::remove(m_targetFile);
    }

    /// Aborts any deploy-prod build waiting at its input, starts one for @p version and
    /// approves its input step. True once that build finished with SUCCESS.
    static bool rollBackThroughJenkins(sandbox::Sandbox &sb, const QString &version)
    {
        auto *jenkins =
            dynamic_cast<sandbox::JenkinsServer *>(sb.backend(QStringLiteral("jenkins")));
        if (!jenkins)
            return false;
        httplib::Client c("127.0.0.1", sb.port(QStringLiteral("jenkins")));
        c.set_basic_auth(jenkins->user().toStdString(), jenkins->token().toStdString());
        c.set_read_timeout(10);
        const std::string job = "/job/catalog/job/deploy-prod/";
        const auto json = [&c](const std::string &path) {
            const auto r = c.Get(path);
            return r && r->status == 200
                       ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                       : QJsonDocument();
        };
        const auto pending = [&](int number) {
            return json(job + std::to_string(number) + "/wfapi/pendingInputActions").array();
        };
        for (const QJsonValue &b :
             json(job + "api/json?tree=builds[number,building]")[QLatin1String("builds")]
                 .toArray()) {
            if (!b[QLatin1String("building")].toBool())
                continue;
            for (const QJsonValue &in : pending(b[QLatin1String("number")].toInt()))
                c.Post(in[QLatin1String("abortUrl")].toString().toStdString(), "",
                       "application/x-www-form-urlencoded");
        }
        const auto queued =
            c.Post(job + "buildWithParameters?VERSION=" + version.toStdString() + "&delay=0sec", "",
                   "application/x-www-form-urlencoded");
        if (!queued || queued->status != 201)
            return false;
        int number = 0;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 20000) {
            const QJsonObject last = json(job + "api/json?tree=lastBuild[number,building,result]")
                                         .object()
                                         .value(QLatin1String("lastBuild"))
                                         .toObject();
            const int n = last.value(QLatin1String("number")).toInt();
            bool ours = false;
            for (const QJsonValue &a :
                 json(job + std::to_string(n) + "/api/json")[QLatin1String("actions")].toArray())
                for (const QJsonValue &p : a[QLatin1String("parameters")].toArray())
                    ours =
                        ours || (p[QLatin1String("name")].toString() == QLatin1String("VERSION") &&
                                 p[QLatin1String("value")].toString() == version);
            if (ours && number == 0)
                number = n;
            if (number != 0) {
                if (!last.value(QLatin1String("building")).toBool())
                    return last.value(QLatin1String("result")).toString() ==
                           QLatin1String("SUCCESS");
                for (const QJsonValue &in : pending(number))
                    c.Post(in[QLatin1String("proceedUrl")].toString().toStdString(),
                           "json=%7B%22parameter%22%3A%5B%5D%7D",
                           "application/x-www-form-urlencoded");
            }
            QTest::qWait(200);
        }
        return false;
    }

    void badReleaseAlertsThroughRealPrometheusAndResolvesAfterRollback()
    {
        const QByteArray prom = qgetenv("FD_TEST_PROMETHEUS_URL");
        const QByteArray amUrl = qgetenv("FD_TEST_ALERTMANAGER_URL");
        const QByteArray targets = qgetenv("FD_TEST_PROM_TARGETS_DIR");
        if (prom.isEmpty() || amUrl.isEmpty() || targets.isEmpty()) {
            const char *how = "FD_TEST_PROMETHEUS_URL, FD_TEST_ALERTMANAGER_URL and "
                              "FD_TEST_PROM_TARGETS_DIR are not set: start the real servers with "
                              "`.ci/services start DIR` and `source DIR/env`";
            QFAIL(how);
        }
        const QUrl am(QString::fromUtf8(amUrl));
        QElapsedTimer took;
        took.start();
        // An earlier test's catalog alert must be gone first, or it could pass for ours.
        QTRY_VERIFY_WITH_TIMEOUT(catalogProdAlerts(am).isEmpty(), 20000);

        PluginHost host;
        const PluginRecord record = host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdprometheus.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));

        sandbox::Options o;
        o.scenario = QStringLiteral("incident");
        o.clockSpeed = qEnvironmentVariableIsSet("FD_TEST_SIGNALS_TIME_SCALE")
                           ? qEnvironmentVariable("FD_TEST_SIGNALS_TIME_SCALE").toDouble()
                           : 60.0;
        sandbox::Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        const sandbox::SimService *catalog = sb.world().service(QStringLiteral("catalog"));
        const sandbox::SimTarget *prod = catalog->target(QStringLiteral("prod"));
        const sandbox::SimDeploy badDeploy = prod->history.last();
        const QString previous = prod->history.at(prod->history.size() - 2).version;
        QVERIFY(catalog->release(badDeploy.version)->bad);
        const QDateTime started = QDateTime::currentDateTimeUtc();

        const QString tag = QStringLiteral("e2e-%1").arg(QCoreApplication::applicationPid());
        m_targetFile = QDir(QString::fromUtf8(targets)).filePath(tag + QStringLiteral(".json"));
        QFile f(m_targetFile + QStringLiteral(".tmp"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            QJsonDocument(
                QJsonArray{QJsonObject{
                    {QStringLiteral("targets"),
                     QJsonArray{
                         QStringLiteral("127.0.0.1:%1").arg(sb.port(QStringLiteral("metrics")))}},
                    {QStringLiteral("labels"), QJsonObject{{QStringLiteral("fdtest"), tag}}}}})
                .toJson());
        f.close();
        QVERIFY(QFile::rename(f.fileName(), m_targetFile));

        // Flightdeck's signals connection on the real servers; rate windows in real seconds.
        test::SignalsTestSink sink;
        ConnectionConfig config;
        config.id = QStringLiteral("signals");
        config.kind = QStringLiteral("prometheus");
        config.baseUrl = QUrl(QString::fromUtf8(prom));
        config.options.insert(QStringLiteral("alertmanagerUrl"), QString::fromUtf8(amUrl));
        config.options.insert(QStringLiteral("pollInterval"), 0.5);
        config.options.insert(QStringLiteral("window"), QStringLiteral("5s"));
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        std::unique_ptr<Backend> backend =
            host.factory(QStringLiteral("prometheus"))->create(config, &sink);
        QVERIFY(backend);
        backend->start();

        // The bad release's error rate climbs past 5% in prod: the rule fires, Alertmanager
        // has the alert, the plugin puts it on the timeline.
        QTRY_VERIFY2_WITH_TIMEOUT(sink.alert(TimelineEvent::Kind::AlertFiring,
                                             QStringLiteral("catalog"), QStringLiteral("prod"),
                                             kErrorRate),
                                  qPrintable(sink.problems.join(u'\n')), 30000);
        const TimelineEvent fired =
            *sink.alert(TimelineEvent::Kind::AlertFiring, QStringLiteral("catalog"),
                        QStringLiteral("prod"), kErrorRate);
        const QJsonArray inAm = catalogProdAlerts(am);
        QVERIFY2(inAm.size() == 1, QJsonDocument(inAm).toJson().constData());
        QCOMPARE(fired.sourceId.section(u'@', 0, 0),
                 inAm.first().toObject().value(QLatin1String("fingerprint")).toString());
        QVERIFY2(fired.time >= started.addSecs(-1),
                 qPrintable(fired.time.toString(Qt::ISODateWithMs)));
        QVERIFY(fired.time.toMSecsSinceEpoch() > badDeploy.atMs); // after the deploy
        QVERIFY(fired.detail.contains(QStringLiteral("severity critical")));
        qInfo("alert fired %lld ms after the sandbox started", qint64(started.msecsTo(fired.time)));

        // The plugin measures the bad version through the real Prometheus too.
        SignalSource *signals = dynamic_cast<SignalSource *>(backend.get());
        QVERIFY(signals);
        QTRY_VERIFY_WITH_TIMEOUT(signals->latest(QStringLiteral("catalog"), QStringLiteral("prod"),
                                                 badDeploy.version, QStringLiteral("errorRatio"))
                                         .value_or(0) > 0.05,
                                 15000);

        // Roll catalog back in prod the way its operators do: a deploy-prod build of the
        // previous version through Jenkins, approved at its input step. When that build
        // finishes, the sandbox's traffic switches back and the error rate falls.
        const qint64 rollbackAt = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(rollBackThroughJenkins(sb, previous), "the Jenkins rollback build did not run");
        QTRY_VERIFY_WITH_TIMEOUT(sink.alert(TimelineEvent::Kind::AlertResolved,
                                            QStringLiteral("catalog"), QStringLiteral("prod"),
                                            kErrorRate),
                                 30000);
        const TimelineEvent resolved =
            *sink.alert(TimelineEvent::Kind::AlertResolved, QStringLiteral("catalog"),
                        QStringLiteral("prod"), kErrorRate);
        QCOMPARE(resolved.sourceId, fired.sourceId + QStringLiteral("/resolved"));
        QVERIFY(resolved.time > fired.time);
        QVERIFY(catalogProdAlerts(am).isEmpty());
        qInfo("alert resolved %lld ms after the rollback; whole test %lld ms",
              qint64(QDateTime::currentMSecsSinceEpoch() - rollbackAt), qint64(took.elapsed()));
        backend->stop();
        QFile::remove(m_targetFile);
    }
};

QTEST_GUILESS_MAIN(TestIncidentSignals)
#include "tst_incidentsignals.moc"
