// The sandbox answers Prometheus's query API and Alertmanager's alert list for its own
// simulated services. This test asks the REAL Prometheus 2.42 (scraping that same sandbox)
// and Alertmanager 0.25 the same questions and compares the answers' shapes: keys, types,
// label sets, value encodings, error envelopes, alert fingerprints. The servers come from
// .ci/services (FD_TEST_PROMETHEUS_URL, FD_TEST_ALERTMANAGER_URL, FD_TEST_PROM_TARGETS_DIR).

#include "core/sandbox.h"

#include <httplib.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace fd;

namespace {

struct Answer
{
    int status = 0;
    QJsonDocument body;
};

Answer get(const QUrl &base, const std::string &path, const httplib::Params &params = {})
{
    httplib::Client c(base.host().toStdString(), base.port());
    c.set_read_timeout(10, 0);
    const auto r = c.Get(path, params, httplib::Headers{});
    if (!r)
        return {};
    return {r->status, QJsonDocument::fromJson(QByteArray::fromStdString(r->body))};
}

/// The structure of a JSON value: object keys with their shapes, array element shapes,
/// scalar types. Label maps are compared separately (the real server adds job/instance).
QString shape(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        QStringList parts;
        for (auto it = o.begin(); it != o.end(); ++it) {
            const bool labelMap =
                it.key() == u"metric" || it.key() == u"labels" || it.key() == u"annotations";
            parts << it.key() + u':' + (labelMap ? QStringLiteral("{labels}") : shape(it.value()));
        }
        return u'{' + parts.join(u',') + u'}';
    }
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        if (a.isEmpty())
            return QStringLiteral("[]");
        // [time, "value"] pairs are tuples; other arrays are lists of one shape.
        if (a.size() == 2 && a.at(0).isDouble() && a.at(1).isString())
            return QStringLiteral("[n,s]");
        return u'[' + shape(a.at(0)) + QStringLiteral("...]");
    }
    case QJsonValue::String:
        return QStringLiteral("s");
    case QJsonValue::Double:
        return QStringLiteral("n");
    case QJsonValue::Bool:
        return QStringLiteral("b");
    default:
        return QStringLiteral("null");
    }
}

QSet<QString> keysOf(const QJsonObject &o)
{
    const QStringList k = o.keys();
    return QSet<QString>(k.begin(), k.end());
}

/// "env=prod,service=catalog,version=v1" per series, for label-set comparison.
QSet<QString> seriesLabels(const QJsonDocument &doc)
{
    QSet<QString> out;
    for (const QJsonValue &s : doc.object()
                                   .value(QLatin1String("data"))
                                   .toObject()
                                   .value(QLatin1String("result"))
                                   .toArray()) {
        QStringList parts;
        const QJsonObject m = s.toObject().value(QLatin1String("metric")).toObject();
        for (auto it = m.begin(); it != m.end(); ++it)
            parts << it.key() + u'=' + it.value().toString();
        out.insert(parts.join(u','));
    }
    return out;
}

} // namespace

class TestSignalShapes : public QObject
{
    Q_OBJECT

private:
    QUrl m_prom, m_am, m_sandboxUrl;
    QString m_targetFile, m_tag;
    std::unique_ptr<sandbox::Sandbox> m_sb;

    // The sandbox's clock runs FD_TEST_SIGNALS_TIME_SCALE (60) times faster than the real
    // Prometheus': a window of 5 real seconds holds the traffic of 5 simulated minutes.
    std::string sandboxQuery(QString q) const
    {
        return q.replace(QStringLiteral("$sel"), QString())
            .replace(QStringLiteral("$w"), QStringLiteral("5m"))
            .toStdString();
    }
    std::string realQuery(QString q) const
    {
        return q.replace(QStringLiteral("$sel"), QStringLiteral(",fdtest=\"%1\"").arg(m_tag))
            .replace(QStringLiteral("$w"), QStringLiteral("5s"))
            .toStdString();
    }

    /// The same PromQL for both sides: $sel becomes the sandbox's own matcher on the real one,
    /// $w the rate window.
    QPair<Answer, Answer>
    both(const std::string &path, const QString &promql, httplib::Params extra = {})
    {
        httplib::Params sp = extra, rp = extra;
        QString s = promql, r = promql;
        sp.emplace("query", sandboxQuery(s));
        rp.emplace("query", realQuery(r));
        return {get(m_sandboxUrl, path, sp), get(m_prom, path, rp)};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QByteArray prom = qgetenv("FD_TEST_PROMETHEUS_URL");
        const QByteArray am = qgetenv("FD_TEST_ALERTMANAGER_URL");
        const QByteArray targets = qgetenv("FD_TEST_PROM_TARGETS_DIR");
        if (prom.isEmpty() || am.isEmpty() || targets.isEmpty()) {
            const char *how = "FD_TEST_PROMETHEUS_URL, FD_TEST_ALERTMANAGER_URL and "
                              "FD_TEST_PROM_TARGETS_DIR are not set: start the real servers with "
                              "`.ci/services start DIR` and `source DIR/env`";
            QFAIL(how);
        }
        m_prom = QUrl(QString::fromUtf8(prom));
        m_am = QUrl(QString::fromUtf8(am));
        const double scale = qEnvironmentVariableIsSet("FD_TEST_SIGNALS_TIME_SCALE")
                                 ? qEnvironmentVariable("FD_TEST_SIGNALS_TIME_SCALE").toDouble()
                                 : 60.0;
        sandbox::Options o;
        o.scenario = QStringLiteral("incident");
        o.clockSpeed = scale;
        m_sb = std::make_unique<sandbox::Sandbox>(o);
        QString error;
        QVERIFY2(m_sb->start(&error), qPrintable(error));
        const int port = m_sb->port(QStringLiteral("metrics"));
        m_sandboxUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        m_tag = QStringLiteral("shapes-%1").arg(QCoreApplication::applicationPid());
        m_targetFile = QDir(QString::fromUtf8(targets)).filePath(m_tag + QStringLiteral(".json"));
        QFile f(m_targetFile + QStringLiteral(".tmp"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonArray{QJsonObject{{QStringLiteral("targets"),
                                            QJsonArray{QStringLiteral("127.0.0.1:%1").arg(port)}},
                                           {QStringLiteral("labels"),
                                            QJsonObject{{QStringLiteral("fdtest"), m_tag}}}}})
                    .toJson());
        f.close();
        QVERIFY(QFile::rename(f.fileName(), m_targetFile)); // Prometheus never reads half a file
        // Scraped a few times, so rate() over 5 s has samples.
        QTRY_VERIFY_WITH_TIMEOUT(
            get(m_prom, "/api/v1/query",
                {{"query", QStringLiteral("count_over_time(up{fdtest=\"%1\"}[10s]) >= 4")
                               .arg(m_tag)
                               .toStdString()}})
                    .body.object()
                    .value(QLatin1String("data"))
                    .toObject()
                    .value(QLatin1String("result"))
                    .toArray()
                    .size() == 1,
            30000);
    }

    void cleanupTestCase()
    {
        if (!m_targetFile.isEmpty())
            QFile::remove(m_targetFile);
    }

    void queryShapes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("promql");
        QTest::addColumn<bool>("range");
        QTest::newRow("error ratio per version")
            << "/api/v1/query"
            << "sum by (service, env, version) "
               "(rate(http_requests_total{code=~\"5..\",service=\"catalog\"$sel}[$w])) / "
               "sum by (service, env, version) "
               "(rate(http_requests_total{service=\"catalog\"$sel}[$w]))"
            << false;
        QTest::newRow("latency p99 per version")
            << "/api/v1/query"
            << "histogram_quantile(0.99, sum by (le, service, env, version) "
               "(rate(http_request_duration_seconds_bucket{env=\"prod\"$sel}[$w])))"
            << false;
        QTest::newRow("the shipped alert condition")
            << "/api/v1/query"
            << "sum by (service, env) (rate(http_requests_total{code=~\"5..\"$sel}[$w])) / sum by "
               "(service, env) (rate(http_requests_total{service!=\"\"$sel}[$w])) > 0.05"
            << false;
        QTest::newRow("scalar") << "/api/v1/query"
                                << "1 + 1" << false;
        QTest::newRow("error ratio range")
            << "/api/v1/query_range"
            << "sum by (service, env, version) "
               "(rate(http_requests_total{code=~\"5..\",service=\"search\"$sel}[$w])) / "
               "sum by (service, env, version) "
               "(rate(http_requests_total{service=\"search\"$sel}[$w]))"
            << true;
    }

    void queryShapes()
    {
        QFETCH(QString, path);
        QFETCH(QString, promql);
        QFETCH(bool, range);
        httplib::Params extra;
        if (range) {
            // Each side over its own last 4 seconds (the sandbox's clock is simulated).
            const double sbNow = double(m_sb->clock().nowMs()) / 1000.0;
            const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
            extra.emplace("step", "1");
            httplib::Params sp = extra, rp = extra;
            sp.emplace("start", QString::number(sbNow - 240, 'f', 3).toStdString());
            sp.emplace("end", QString::number(sbNow, 'f', 3).toStdString());
            rp.emplace("start", QString::number(now - 4, 'f', 3).toStdString());
            rp.emplace("end", QString::number(now, 'f', 3).toStdString());
            QString s = promql, r = promql;
            sp.emplace("query", sandboxQuery(s));
            rp.emplace("query", realQuery(r));
            const Answer sb = get(m_sandboxUrl, path.toStdString(), sp);
            const Answer real = get(m_prom, path.toStdString(), rp);
            QCOMPARE(sb.status, 200);
            QCOMPARE(real.status, 200);
            QCOMPARE(shape(sb.body.object()), shape(real.body.object()));
            QCOMPARE(seriesLabels(sb.body), seriesLabels(real.body));
            return;
        }
        const auto [sb, real] = both(path.toStdString(), promql);
        QCOMPARE(sb.status, 200);
        QCOMPARE(real.status, 200);
        QCOMPARE(shape(sb.body.object()), shape(real.body.object()));
        QCOMPARE(seriesLabels(sb.body), seriesLabels(real.body));
        if (promql == QLatin1String("1 + 1"))
            QCOMPARE(sb.body.object()
                         .value(QLatin1String("data"))
                         .toObject()
                         .value(QLatin1String("result"))
                         .toArray()
                         .at(1),
                     real.body.object()
                         .value(QLatin1String("data"))
                         .toObject()
                         .value(QLatin1String("result"))
                         .toArray()
                         .at(1));
    }

    void errorShapes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("promql");
        QTest::addColumn<QString>("step");
        QTest::newRow("parse error") << "/api/v1/query"
                                     << "sum(rate(http_requests_total[$w]"
                                     << "";
        QTest::newRow("empty query") << "/api/v1/query"
                                     << ""
                                     << "";
        QTest::newRow("zero step") << "/api/v1/query_range"
                                   << "1"
                                   << "0";
        QTest::newRow("unparsable step") << "/api/v1/query_range"
                                         << "1"
                                         << "often";
    }

    void errorShapes()
    {
        QFETCH(QString, path);
        QFETCH(QString, promql);
        QFETCH(QString, step);
        httplib::Params extra;
        if (!step.isEmpty()) {
            extra.emplace("start", "1700000000");
            extra.emplace("end", "1700000060");
            extra.emplace("step", step.toStdString());
        }
        const auto [sb, real] = both(path.toStdString(), promql, extra);
        QCOMPARE(sb.status, 400);
        QCOMPARE(real.status, 400);
        QCOMPARE(shape(sb.body.object()), shape(real.body.object()));
        QCOMPARE(sb.body.object().value(QLatin1String("errorType")).toString(),
                 QStringLiteral("bad_data"));
        QCOMPARE(real.body.object().value(QLatin1String("errorType")).toString(),
                 QStringLiteral("bad_data"));
        // The same first words: both name the parameter that is wrong.
        QCOMPARE(sb.body.object().value(QLatin1String("error")).toString().section(u':', 0, 0),
                 real.body.object().value(QLatin1String("error")).toString().section(u':', 0, 0));
    }

    void alertShapes()
    {
        // The bad catalog release fails 15% of requests in dev: both sides alert at once.
        const httplib::Params filter{{"filter", "alertname=\"FlightdeckHighErrorRate\""},
                                     {"filter", "service=\"catalog\""},
                                     {"filter", "env=\"dev\""}};
        QJsonObject real;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QJsonArray a = get(m_am, "/api/v2/alerts", filter).body.array();
                real = a.isEmpty() ? QJsonObject() : a.first().toObject();
                return !a.isEmpty();
            }(),
            30000);
        const Answer sbAnswer = get(m_sandboxUrl, "/api/v2/alerts", filter);
        QCOMPARE(sbAnswer.status, 200);
        QCOMPARE(sbAnswer.body.array().size(), 1);
        const QJsonObject sb = sbAnswer.body.array().first().toObject();
        QCOMPARE(shape(sb), shape(real));
        QCOMPARE(keysOf(sb.value(QLatin1String("labels")).toObject()),
                 keysOf(real.value(QLatin1String("labels")).toObject()));
        QCOMPARE(sb.value(QLatin1String("labels")), real.value(QLatin1String("labels")));
        // Same labels, same fingerprint: the sandbox hashes label sets as Alertmanager does.
        QCOMPARE(sb.value(QLatin1String("fingerprint")), real.value(QLatin1String("fingerprint")));
        QCOMPARE(keysOf(sb.value(QLatin1String("annotations")).toObject()),
                 keysOf(real.value(QLatin1String("annotations")).toObject()));
        QCOMPARE(
            sb.value(QLatin1String("annotations")).toObject().value(QLatin1String("summary")),
            real.value(QLatin1String("annotations")).toObject().value(QLatin1String("summary")));
        QCOMPARE(sb.value(QLatin1String("status")), real.value(QLatin1String("status")));
        QCOMPARE(sb.value(QLatin1String("receivers")), real.value(QLatin1String("receivers")));
        for (const char *t : {"startsAt", "endsAt", "updatedAt"}) {
            QVERIFY2(QDateTime::fromString(sb.value(QLatin1String(t)).toString(), Qt::ISODateWithMs)
                         .isValid(),
                     t);
            QVERIFY2(!real.value(QLatin1String(t)).toString().isEmpty(), t);
        }
        QVERIFY(sb.value(QLatin1String("generatorURL"))
                    .toString()
                    .contains(QStringLiteral("/graph?g0.expr=")));
        QVERIFY(real.value(QLatin1String("generatorURL"))
                    .toString()
                    .contains(QStringLiteral("/graph?g0.expr=")));
        // A filter nothing matches is an empty list on both sides.
        const httplib::Params none{{"filter", "alertname=\"NoSuchAlert\""}};
        QCOMPARE(get(m_sandboxUrl, "/api/v2/alerts", none).body.array().size(), 0);
        QCOMPARE(get(m_am, "/api/v2/alerts", none).body.array().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSignalShapes)
#include "tst_signalshapes.moc"
