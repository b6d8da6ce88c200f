// Console benchmark: prints figures for the README, asserts only deterministic facts (row
// counts, no model reset). Cold start and RSS are measured in a fresh child process (this
// same binary, FD_BENCH_CHILD=...), so nothing warmed up by earlier measurements counts.
#include "core/sandbox.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/runsmodel.h"
#include "mainwindow/mainwindow.h"
#include "matrix/matrixpage.h"
#include "pipelines/pipelinespage.h"
#include "store/store.h"

#include <QAbstractProxyModel>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace fd;

namespace {

constexpr int Apps = 10000;
constexpr int Runs = 5000;
const QStringList Envs{QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

// 10,000 Argo CD apps (3,334 services × 3 environments) and 5,000 GitHub runs.
QPair<RecordSet, RecordSet> bigEstate(const QDateTime &now)
{
    RecordSet apps;
    apps.environments.reserve(Apps);
    for (int i = 0; i < Apps; ++i) {
        EnvironmentState s;
        s.connectionId = QStringLiteral("argocd");
        s.service = QStringLiteral("svc-%1").arg(i / 3, 5, 10, QLatin1Char('0'));
        s.environment = Envs.at(i % 3);
        s.object = s.service + QLatin1Char('-') + s.environment;
        s.version = QStringLiteral("v1.%1.%2").arg(i % 17).arg(i % 5);
        s.commit = QStringLiteral("%1").arg(i, 40, 16, QLatin1Char('0'));
        s.health = i % 97 == 0 ? Health::Degraded : Health::Healthy;
        s.sync = i % 31 == 0 ? SyncState::OutOfSync : SyncState::Synced;
        s.deployedAt = now.addSecs(-i * 7);
        s.deployedBy = QStringLiteral("argocd");
        apps.environments << s;
    }
    RecordSet runs;
    runs.runs.reserve(Runs);
    for (int i = 0; i < Runs; ++i) {
        Run r;
        r.connectionId = QStringLiteral("github");
        r.id = QString::number(100000 + i);
        r.service = QStringLiteral("svc-%1").arg(i % (Apps / 3), 5, 10, QLatin1Char('0'));
        r.pipeline = QStringLiteral("ci");
        r.number = QString::number(i);
        r.branch = i % 4 ? QStringLiteral("main") : QStringLiteral("feature/x%1").arg(i % 50);
        r.commit = QStringLiteral("%1").arg(i * 7919, 40, 16, QLatin1Char('0'));
        r.actor = QStringLiteral("mina");
        r.status = i % 13 == 0 ? RunStatus::Failed : RunStatus::Succeeded;
        r.started = now.addSecs(-i * 60);
        r.finished = r.started.addSecs(120 + i % 300);
        r.stages = {
            Stage{QStringLiteral("build"),
                  RunStatus::Succeeded,
                  r.started,
                  r.started.addSecs(60),
                  60000,
                  {},
                  {}},
            Stage{QStringLiteral("test"), r.status, r.started.addSecs(60), r.finished, -1, {}, {}}};
        runs.runs << r;
    }
    return {apps, runs};
}

// Counts the paints of a widget and remembers when the latest one happened.
class PaintWatch : public QObject
{
public:
    explicit PaintWatch(QWidget *w) { w->installEventFilter(this); }
    int paints = 0;
    std::function<void()> onPaint;

protected:
    bool eventFilter(QObject *, QEvent *e) override
    {
        if (e->type() == QEvent::Paint) {
            ++paints;
            if (onPaint)
                onPaint();
        }
        return false;
    }
};

/// Longest gap between ticks of a 5 ms timer: how long the GUI thread was blocked.
class StallWatchdog : public QObject
{
public:
    StallWatchdog()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this,
                [this] { m_max = std::max(m_max, m_clock.restart()); });
    }
    void start()
    {
        m_max = 0;
        m_clock.start();
        m_timer.start();
    }
    qint64 stop()
    {
        m_timer.stop();
        return std::max(m_max, m_clock.elapsed());
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_max = 0;
};

// Child process: from main() to the first paint of the window, empty or with the store's cache.
int childMain(int argc, char **argv, const QByteArray &mode)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    Estate estate;
    int cells = 0;
    if (mode == "cached") {
        QString error;
        auto store = Store::open(qEnvironmentVariable("FD_BENCH_STORE"), &error);
        if (!store) {
            std::fprintf(stderr, "store: %s\n", qPrintable(error));
            return 2;
        }
        const auto snapshots = store->loadSnapshots(&error);
        if (!snapshots) {
            std::fprintf(stderr, "snapshots: %s\n", qPrintable(error));
            return 2;
        }
        for (auto it = snapshots->cbegin(); it != snapshots->cend(); ++it)
            estate.restore(it.key(), it->first, it->second);
    }
    MainWindow window(&estate);
    window.matrixPage()->model()->setEnvironments(Envs);
    window.resize(1400, 860);
    PaintWatch watch(window.matrixPage()->matrixView()->viewport());
    qint64 firstPaint = -1;
    watch.onPaint = [&] {
        if (firstPaint < 0) {
            firstPaint = clock.elapsed();
            QTimer::singleShot(0, &app, &QCoreApplication::quit);
        }
    };
    window.show();
    QTimer::singleShot(10000, &app, &QCoreApplication::quit);
    app.exec();
    const EnvironmentMatrixModel *m = window.matrixPage()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        for (int c = 1; c < m->columnCount(); ++c)
            cells += m->index(r, c).data(Roles::HasStateRole).toBool() ? 1 : 0;
    std::printf("firstPaintMs=%lld rssKb=%lld cells=%d runs=%d\n", firstPaint, rssKb(), cells,
                window.pipelinesPage()->model()->rowCount());
    return firstPaint >= 0 ? 0 : 3;
}

QHash<QString, qint64> parseFigures(const QByteArray &out)
{
    QHash<QString, qint64> f;
    for (const QByteArray &word : out.simplified().split(' ')) {
        const int eq = word.indexOf('=');
        if (eq > 0)
            f.insert(QString::fromLatin1(word.left(eq)), word.mid(eq + 1).toLongLong());
    }
    return f;
}

struct Row
{
    QString what;
    QString value;
    QString budget;
};
QList<Row> g_rows;

void figure(const QString &what, const QString &value, const QString &budget)
{
    g_rows << Row{what, value, budget};
}

} // namespace

class TestConsoleBench : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coldStartAndRss()
    {
        QTemporaryDir dir;
        const QString storePath = dir.filePath(QStringLiteral("bench.sqlite"));
        {
            QString error;
            auto store = Store::open(storePath, &error);
            QVERIFY2(store, qPrintable(error));
            const auto [apps, runs] = bigEstate(QDateTime::currentDateTimeUtc());
            const QDateTime taken = QDateTime::currentDateTimeUtc().addSecs(-600);
            QCOMPARE(store->saveSnapshot(QStringLiteral("argocd"), apps, taken), StoreError());
            QCOMPARE(store->saveSnapshot(QStringLiteral("github"), runs, taken), StoreError());
        }
        auto runChild = [&](const QByteArray &mode) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("FD_BENCH_CHILD"), QString::fromLatin1(mode));
            env.insert(QStringLiteral("FD_BENCH_STORE"), storePath);
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            p.setProcessEnvironment(env);
            p.start(QCoreApplication::applicationFilePath(), {});
            if (!p.waitForFinished(60000) || p.exitCode() != 0)
                qWarning("child %s: exit %d: %s", mode.constData(), p.exitCode(),
                         p.readAllStandardError().constData());
            return parseFigures(p.readAllStandardOutput());
        };
        const auto empty = runChild("empty");
        QVERIFY(empty.contains(QStringLiteral("firstPaintMs")));
        QCOMPARE(empty.value(QStringLiteral("cells")), 0);
        const auto cached = runChild("cached");
        QVERIFY(cached.contains(QStringLiteral("firstPaintMs")));
        QCOMPARE(cached.value(QStringLiteral("cells")), qint64(Apps));
        QCOMPARE(cached.value(QStringLiteral("runs")), qint64(Runs));
        figure(QStringLiteral("first paint, empty window"),
               QStringLiteral("%1 ms").arg(empty.value(QStringLiteral("firstPaintMs"))), QString());
        figure(QStringLiteral("cold start → first paint, cached 10k apps + 5k runs"),
               QStringLiteral("%1 ms").arg(cached.value(QStringLiteral("firstPaintMs"))),
               QStringLiteral("≤ 300 ms"));
        figure(
            QStringLiteral("RSS, empty window"),
            QStringLiteral("%1 MB").arg(empty.value(QStringLiteral("rssKb")) / 1024.0, 0, 'f', 1),
            QStringLiteral("≤ 60 MB"));
        figure(
            QStringLiteral("RSS, 10k apps + 5k runs"),
            QStringLiteral("%1 MB").arg(cached.value(QStringLiteral("rssKb")) / 1024.0, 0, 'f', 1),
            QStringLiteral("≤ 150 MB"));
    }

    void stallsWhileArgoListLoads()
    {
        QTemporaryDir dir;
        sandbox::Options options;
        options.scenario = QStringLiteral("scale:%1").arg(Apps);
        sandbox::Sandbox sandbox(options);
        QString error;
        QVERIFY2(sandbox.start(&error), qPrintable(error));
        // Only the Argo CD connection: the scale scenario's 10,000 GitHub repositories are
        // another benchmark's business.
        const auto env = sandbox.workspaceEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            qputenv(it.key().toLocal8Bit().constData(), it.value().toLocal8Bit());
        const QString file = dir.filePath(QStringLiteral("flightdeck.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // Every app bound to its service, as a team's workspace would say it.
        QString yaml =
            QStringLiteral("version: 1\nname: bench\nconnections:\n"
                           "  argocd: {kind: argocd, url: \"http://127.0.0.1:%1\", credentials: "
                           "{token: \"env:FD_SANDBOX_ARGOCD_TOKEN\"}}\n"
                           "environments: [dev, staging, prod]\nservices:\n")
                .arg(sandbox.port(QStringLiteral("argocd")));
        for (const auto &service : sandbox.world().services) {
            yaml += QStringLiteral("  %1:\n    environments:\n").arg(service.name);
            for (const auto &t : service.targets)
                yaml += QStringLiteral("      %1: {connection: argocd, app: %2}\n")
                            .arg(t.environment, t.object);
        }
        f.write(yaml.toUtf8());
        f.close();
        Session session;
        Session::OpenOptions open;
        open.storePath = dir.filePath(QStringLiteral("store.sqlite"));
        open.pluginDirs = {QStringLiteral(FD_PLUGIN_DIR)};
        QVERIFY(session.open(file, open));
        MainWindow window(session.estate());
        window.setWorkspace(&session.workspace());
        window.resize(1400, 860);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(!session.plugins()->records().isEmpty(), "no plugin found in " FD_PLUGIN_DIR);

        QSignalSpy reset(window.matrixPage()->model(), &QAbstractItemModel::modelReset);
        QElapsedTimer clock;
        qint64 firstData = -1;
        connect(session.estate(), &Estate::changed, this, [&] {
            if (firstData < 0)
                firstData = clock.elapsed();
        });
        StallWatchdog dog;
        clock.start();
        dog.start();
        session.start();
        QVERIFY2(QTest::qWaitFor([&] { return session.isReady(); }, 20000),
                 "backends were not created");
        QVERIFY2(session.backend(QStringLiteral("argocd")), "the Argo CD plugin did not load");
        const bool synced = QTest::qWaitFor(
            [&] { return session.estate()->environments().size() >= Apps; }, 120000);
        const qint64 loaded = clock.elapsed();
        // Usable: the next paint of the matrix after the data is in.
        PaintWatch watch(window.matrixPage()->matrixView()->viewport());
        window.matrixPage()->matrixView()->viewport()->update();
        QVERIFY(QTest::qWaitFor([&] { return watch.paints > 0; }, 5000));
        const qint64 usable = clock.elapsed();
        const qint64 stall = dog.stop();
        session.stop();
        QVERIFY2(synced, qPrintable(QStringLiteral("only %1 apps arrived")
                                        .arg(session.estate()->environments().size())));
        QCOMPARE(reset.size(), 0);
        figure(QStringLiteral("Argo CD 10k apps: start → first data"),
               QStringLiteral("%1 ms").arg(firstData), QString());
        figure(QStringLiteral("Argo CD 10k apps: first data → all in estate"),
               QStringLiteral("%1 ms").arg(loaded - firstData), QString());
        figure(QStringLiteral("Argo CD 10k apps: first data → painted (usable)"),
               QStringLiteral("%1 ms").arg(usable - firstData), QStringLiteral("≤ 1000 ms"));
        figure(QStringLiteral("longest GUI-thread stall while loading"),
               QStringLiteral("%1 ms").arg(stall), QStringLiteral("≤ 50 ms"));
        sandbox.stop();
    }

    void rowChangesAt100PerSecond()
    {
        Estate estate;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto data = bigEstate(now);
        const RecordSet &apps = data.first;
        const RecordSet &runs = data.second;
        estate.publish(QStringLiteral("argocd"), apps, int(RecordKind::Environments));
        estate.publish(QStringLiteral("github"), runs, int(RecordKind::Runs));
        MainWindow window(&estate);
        window.matrixPage()->model()->setEnvironments(Envs);
        window.resize(1400, 860);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTableView *view = window.matrixPage()->matrixView();
        QTest::qWait(100);

        // Change cells that are on screen, so each change has to be painted.
        QStringList visible;
        for (int y = 5; y < view->viewport()->height() && visible.size() < 20;
             y += view->rowHeight(0)) {
            const QModelIndex i = view->indexAt(QPoint(5, y));
            if (i.isValid())
                visible << i.data(Roles::ServiceRole).toString();
        }
        visible.removeAll(QString());
        QVERIFY(!visible.isEmpty());
        EnvironmentMatrixModel *model = window.matrixPage()->model();
        QSignalSpy modelReset(model, &QAbstractItemModel::modelReset);
        QSignalSpy proxyReset(view->model(), &QAbstractItemModel::modelReset);
        QSignalSpy layout(view->model(), &QAbstractItemModel::layoutChanged);

        QElapsedTimer clock;
        clock.start();
        QHash<QString, qint64> sentAt; // service → when its change was published
        QList<qint64> waiting;         // publish times changed in the model, not yet painted
        QList<qint64> latencies;
        int changed = 0;
        connect(model, &QAbstractItemModel::dataChanged, this, [&](const QModelIndex &tl) {
            const QString service = model->serviceAt(tl.row());
            if (sentAt.contains(service)) {
                waiting << sentAt.take(service);
                ++changed;
            }
        });
        PaintWatch watch(view->viewport());
        watch.onPaint = [&] {
            const qint64 t = clock.elapsed();
            for (qint64 s : std::as_const(waiting))
                latencies << t - s;
            waiting.clear();
        };
        constexpr int Changes = 300; // 3 s at 100/s
        int sent = 0;
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        tick.setInterval(10);
        StallWatchdog dog;
        connect(&tick, &QTimer::timeout, this, [&] {
            if (sent >= Changes) {
                tick.stop();
                return;
            }
            const QString service = visible.at(sent % visible.size());
            EnvironmentState s = apps.environments.at(Apps - 1); // a template; identity set below
            for (const auto &e : apps.environments)
                if (e.service == service && e.environment == QLatin1String("prod")) {
                    s = e;
                    break;
                }
            s.version = QStringLiteral("v9.%1.0").arg(sent);
            s.health = sent % 2 ? Health::Progressing : Health::Healthy;
            RecordSet one;
            one.environments << s;
            sentAt.insert(service, clock.elapsed());
            ++sent;
            estate.publish(QStringLiteral("argocd"), one, 0);
        });
        dog.start();
        tick.start();
        QVERIFY(QTest::qWaitFor(
            [&] { return sent >= Changes && waiting.isEmpty() && sentAt.isEmpty(); }, 20000));
        const qint64 stall = dog.stop();
        const double seconds = clock.elapsed() / 1000.0;
        QCOMPARE(modelReset.size(), 0);
        QCOMPARE(proxyReset.size(), 0);
        QCOMPARE(changed, Changes);
        QCOMPARE(latencies.size(), Changes);
        std::sort(latencies.begin(), latencies.end());
        auto pct = [&](double p) {
            return latencies.at(
                std::min<qsizetype>(latencies.size() - 1, qsizetype(p * latencies.size())));
        };
        figure(QStringLiteral("row changes applied"),
               QStringLiteral("%1 in %2 s, 0 resets").arg(Changes).arg(seconds, 0, 'f', 1),
               QStringLiteral("100/s"));
        figure(QStringLiteral("change → painted, p50"), QStringLiteral("%1 ms").arg(pct(0.50)),
               QString());
        figure(QStringLiteral("change → painted, p99"), QStringLiteral("%1 ms").arg(pct(0.99)),
               QStringLiteral("≤ 100 ms"));
        figure(QStringLiteral("change → painted, max"),
               QStringLiteral("%1 ms").arg(latencies.last()), QString());
        figure(QStringLiteral("longest GUI-thread stall at 100 changes/s"),
               QStringLiteral("%1 ms").arg(stall), QStringLiteral("≤ 50 ms"));
        Q_UNUSED(layout);
    }

    void cleanupTestCase()
    {
        std::printf("\nconsole benchmark (%s)\n", qPrintable(QSysInfo::prettyProductName()));
        std::printf("  %-52s %18s   %s\n", "measure", "value", "budget");
        for (const Row &r : std::as_const(g_rows))
            std::printf("  %-52s %18s   %s\n", qPrintable(r.what), qPrintable(r.value),
                        qPrintable(r.budget));
        std::fflush(stdout);
    }
};

int main(int argc, char **argv)
{
    const QByteArray mode = qgetenv("FD_BENCH_CHILD");
    if (!mode.isEmpty())
        return childMain(argc, argv, mode);
    QApplication app(argc, argv);
    TestConsoleBench bench;
    return QTest::qExec(&bench, argc, argv);
}

#include "tst_consolebench.moc"
