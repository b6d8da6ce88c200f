// Benchmark: the Argo CD plugin with 10,000 applications. Prints the figures of the budgets in
// DESIGN.md: first list from response start to estate publish (≤ 1 s), the longest GUI-thread
// stall seen by a 5 ms watchdog timer (≤ 50 ms), stream changes applied per second at 100/s,
// and the peak RSS of the client (the sandbox runs as its own process).

#include "backend/pluginhost.h"
#include "estate/estate.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTimer>
#include <QtTest>

#include <httplib.h>

using namespace fd;

namespace {

qint64 statusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').first().toLongLong();
    return -1;
}

/// Measures the longest gap between 5 ms timer ticks: how long the event loop was blocked.
class StallWatchdog : public QObject
{
public:
    StallWatchdog()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.restart();
            m_max = std::max(m_max, gap);
        });
    }
    void start()
    {
        m_max = 0;
        m_clock.start();
        m_timer.start();
    }
    qint64 maxGapMs() const { return m_max; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_max = 0;
};

} // namespace

class TestArgoCdScale : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scale10000();
};

void TestArgoCdScale::scale10000()
{
    // The sandbox in its own process: what this process holds is the client's (plugin, estate),
    // not the simulated server's copies of 10,000 applications.
    QProcess sandbox;
    sandbox.setProgram(QStringLiteral(FD_SANDBOX));
    sandbox.setArguments({QStringLiteral("--scenario"), QStringLiteral("scale:10000"),
                          QStringLiteral("--argocd-version"), QStringLiteral("3.5")});
    sandbox.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer startup;
    startup.start();
    sandbox.start();
    QVERIFY(sandbox.waitForStarted());
    const auto stopSandbox = qScopeGuard([&] {
        sandbox.terminate();
        if (!sandbox.waitForFinished(10000))
            sandbox.kill();
    });
    QTRY_VERIFY_WITH_TIMEOUT(sandbox.canReadLine(), 60000);
    const QJsonObject ready = QJsonDocument::fromJson(sandbox.readLine()).object();
    QVERIFY2(ready.value(QLatin1String("ready")).toBool(), "the sandbox did not say it is ready");
    const int port =
        ready.value(QLatin1String("ports")).toObject().value(QLatin1String("argocd")).toInt();
    const QString token = ready.value(QLatin1String("credentials"))
                              .toObject()
                              .value(QLatin1String("argocd"))
                              .toObject()
                              .value(QLatin1String("token"))
                              .toString();
    QVERIFY(port > 0 && !token.isEmpty());
    qInfo("sandbox scale:10000 ready in %lld ms (own process)", startup.elapsed());

    PluginHost host;
    const PluginRecord rec = host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdargocd.so"));
    QVERIFY2(rec.loaded, qPrintable(rec.error));
    Estate estate;
    ConnectionConfig c;
    c.id = QStringLiteral("argo");
    c.kind = QStringLiteral("argocd");
    c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    c.secrets.insert(QStringLiteral("token"), token);
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    const qint64 rssBefore = statusKb("VmRSS");

    qint64 envRowChanges = 0;
    connect(&estate, &Estate::changed, this,
            [&](RecordKind kind, const QStringList &inserted, const QStringList &updated,
                const QStringList &) {
                if (kind == RecordKind::Environments)
                    envRowChanges += inserted.size() + updated.size();
            });

    StallWatchdog watchdog;
    watchdog.start();
    std::unique_ptr<Backend> backend = host.factory(QStringLiteral("argocd"))->create(c, &estate);
    backend->start();
    QTRY_VERIFY_WITH_TIMEOUT(estate.isSynced(c.id), 60000);
    QVariantMap stats = backend->statistics();
    const qint64 responseStart = stats.value(QStringLiteral("listResponseStartMs")).toLongLong();
    const qint64 published = stats.value(QStringLiteral("listPublishedMs")).toLongLong();
    const qint64 firstListMs = published - responseStart;
    const qint64 listStall = watchdog.maxGapMs();
    QCOMPARE(estate.environments().size(), 10000);

    // 100 changes per second for 5 s over the watch stream
    QTest::qWait(500);
    httplib::Client control("127.0.0.1", port);
    const qint64 eventsBefore =
        backend->statistics().value(QStringLiteral("streamEvents")).toLongLong();
    const qint64 rowsBefore = envRowChanges;
    watchdog.start();
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=100"));
    QElapsedTimer churn;
    churn.start();
    QTest::qWait(5000);
    QVERIFY(control.Post("/_sandbox/argocd/churn?perSecond=0"));
    const double seconds = churn.elapsed() / 1000.0;
    QTest::qWait(300);
    const qint64 events =
        backend->statistics().value(QStringLiteral("streamEvents")).toLongLong() - eventsBefore;
    const qint64 rows = envRowChanges - rowsBefore;
    const qint64 churnStall = watchdog.maxGapMs();
    stats = backend->statistics();

    const qint64 peakKb = statusKb("VmHWM");
    std::printf("\nargocd scale:10000 figures\n");
    std::printf("  list body                       %8.1f MB\n",
                stats.value(QStringLiteral("listBytes")).toDouble() / 1e6);
    std::printf("  list parse (worker thread)      %8lld ms\n",
                stats.value(QStringLiteral("listParseMs")).toLongLong());
    std::printf("  list publish into estate (GUI)  %8lld ms\n",
                stats.value(QStringLiteral("listPublishMs")).toLongLong());
    std::printf("  longest single publish chunk    %8lld ms\n",
                stats.value(QStringLiteral("listPublishChunkMaxMs")).toLongLong());
    std::printf("  response start -> estate        %8lld ms   (budget 1000 ms)\n", firstListMs);
    std::printf("  longest GUI stall, first list   %8lld ms   (budget 50 ms)\n", listStall);
    std::printf("  stream events at 100/s          %8.1f /s\n", events / seconds);
    std::printf("  environment rows changed        %8.1f /s\n", rows / seconds);
    std::printf("  longest GUI stall, streaming    %8lld ms   (budget 50 ms)\n", churnStall);
    std::printf("  client RSS before it starts     %8.1f MB\n", rssBefore / 1024.0);
    std::printf("  client peak RSS (VmHWM)         %8.1f MB   (budget 150 MB with 10k apps)\n",
                peakKb / 1024.0);
    std::printf("  client peak minus before        %8.1f MB\n", (peakKb - rssBefore) / 1024.0);
    std::printf("  requests sent                   %8lld\n",
                stats.value(QStringLiteral("requestsSent")).toLongLong());
    std::fflush(stdout);

    // Sanity only (the figures are the result): the stream was applied, not dropped.
    QVERIFY(events > 0);
    QVERIFY(rows > 0);
    backend->stop();
    backend.reset();
}

QTEST_GUILESS_MAIN(TestArgoCdScale)
#include "tst_argocdscale.moc"
