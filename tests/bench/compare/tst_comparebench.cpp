// Measures the comparison budgets and prints them: a 10,000-commit range (≤ 1 s, walked off the
// GUI thread while the event loop keeps turning) and 200 services compared warm (≤ 2 s), their
// Argo CD desired and live manifests included.
#include "../../unit/git_range/testrepo.h"

#include "backend/backend.h"
#include "compare/compareengine.h"
#include "git/repositorycache.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace fd;

namespace {

constexpr qint64 T0 = 1767225600;

/// The longest pause of the calling thread's event loop while @p running() holds. The loop
/// sleeps between timers like the GUI's does, so it does not take a core from the worker.
template <typename Pred>
qint64 longestStall(Pred running)
{
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, worst = 0;
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.elapsed();
        worst = qMax(worst, now - last);
        last = now;
        if (!running())
            loop.quit();
    });
    tick.start();
    if (running())
        loop.exec();
    return worst;
}

void writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(text);
}

/// Managed resources of the shape a small service has (a Deployment with two containers and
/// ten env vars, a Service, a ConfigMap of twenty keys, an HPA), answered at once.
class BenchArgo : public Backend
{
public:
    QHash<QString, QList<ManagedResource>> apps;

    Capabilities capabilities() const override { return int(Capability::Environments); }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &) const override { return {}; }
    quint64 execute(const ActionPlan &) override { return 0; }
    void fetchManagedResources(
        const QString &app,
        std::function<void(const QList<ManagedResource> &, const QString &)> done) override
    {
        done(apps.value(app), QString());
    }

    static QList<ManagedResource>
    resources(const QString &service, const QString &env, const QString &tag, int liveReplicas)
    {
        const QString ns = service + u'-' + env;
        const auto meta = [&](const QString &name) {
            return QJsonObject{{u"name"_qs, name}, {u"namespace"_qs, ns}};
        };
        QJsonArray vars;
        for (int i = 0; i < 10; ++i)
            vars.append(QJsonObject{{u"name"_qs, QStringLiteral("VAR_%1").arg(i)},
                                    {u"value"_qs, QStringLiteral("value-%1").arg(i)}});
        const auto deployment = [&](int replicas) {
            const QJsonArray containers{
                QJsonObject{{u"name"_qs, service},
                            {u"image"_qs, QStringLiteral("ghcr.io/acme/%1:%2").arg(service, tag)},
                            {u"env"_qs, vars},
                            {u"ports"_qs, QJsonArray{QJsonObject{{u"containerPort"_qs, 8080}}}}},
                QJsonObject{{u"name"_qs, u"proxy"_qs}, {u"image"_qs, u"envoy:1.30"_qs}}};
            return QJsonObject{
                {u"apiVersion"_qs, u"apps/v1"_qs},
                {u"kind"_qs, u"Deployment"_qs},
                {u"metadata"_qs, meta(service)},
                {u"spec"_qs,
                 QJsonObject{
                     {u"replicas"_qs, replicas},
                     {u"template"_qs,
                      QJsonObject{{u"spec"_qs, QJsonObject{{u"containers"_qs, containers}}}}}}}};
        };
        QJsonObject data;
        for (int i = 0; i < 20; ++i)
            data.insert(QStringLiteral("KEY_%1").arg(i), QStringLiteral("v%1").arg(i));
        const QJsonObject config{{u"apiVersion"_qs, u"v1"_qs},
                                 {u"kind"_qs, u"ConfigMap"_qs},
                                 {u"metadata"_qs, meta(service + u"-config"_qs)},
                                 {u"data"_qs, data}};
        const QJsonObject svc{
            {u"apiVersion"_qs, u"v1"_qs},
            {u"kind"_qs, u"Service"_qs},
            {u"metadata"_qs, meta(service)},
            {u"spec"_qs, QJsonObject{{u"ports"_qs, QJsonArray{QJsonObject{{u"port"_qs, 80}}}}}}};
        const QJsonObject hpa{
            {u"apiVersion"_qs, u"autoscaling/v2"_qs},
            {u"kind"_qs, u"HorizontalPodAutoscaler"_qs},
            {u"metadata"_qs, meta(service)},
            {u"spec"_qs, QJsonObject{{u"minReplicas"_qs, 2}, {u"maxReplicas"_qs, 10}}}};
        QJsonObject live = deployment(liveReplicas);
        live.insert(u"status"_qs, QJsonObject{{u"replicas"_qs, liveReplicas}});
        return {
            {u"apps"_qs, u"Deployment"_qs, ns, service, deployment(2), live, liveReplicas != 2, {}},
            {u""_qs, u"Service"_qs, ns, service, svc, svc, false, {}},
            {u""_qs, u"ConfigMap"_qs, ns, service + u"-config"_qs, config, config, false, {}},
            {u"autoscaling"_qs, u"HorizontalPodAutoscaler"_qs, ns, service, hpa, hpa, false, {}}};
    }
};

} // namespace

class TestCompareBench : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tenThousandCommitRange()
    {
        QTemporaryDir dir;
        test::TestRepo repo;
        QVERIFY(repo.init(dir.path() + QStringLiteral("/big")));
        // A merge-commit workflow: every fifth change is a PR merged with a merge commit.
        QString tip = repo.commit(QStringLiteral("Initial commit"), {}, T0);
        const QString base = tip;
        int made = 0;
        int expectedPrs = 0;
        for (int i = 0; made < 10000; ++i) {
            ++expectedPrs;
            if (i % 5 == 4) {
                const QString side =
                    repo.commit(QStringLiteral("Work on %1").arg(i), {tip}, T0 + i * 60 + 1);
                tip = repo.commit(QStringLiteral("Merge pull request #%1 from acme/b%1").arg(i),
                                  {tip, side}, T0 + i * 60 + 2);
                made += 2;
            } else {
                tip = repo.commit(QStringLiteral("Change %1 (#%1)").arg(i), {tip}, T0 + i * 60);
                ++made;
            }
            QVERIFY(!tip.isEmpty());
        }
        QVERIFY(repo.setRef(QStringLiteral("refs/heads/main"), tip));

        // Loose objects as libgit2 wrote them, then packed as a real clone is.
        const auto measure = [&](qint64 *best, qint64 *stall, int *ahead, int *prs) {
            for (int attempt = 0; attempt < 3; ++attempt) {
                RepositoryCache cache(dir.path() + QStringLiteral("/m")); // cold: open included
                QElapsedTimer t;
                t.start();
                auto future = cache.rangeAsync(repo.path(), base, tip);
                *stall = qMax(*stall, longestStall([&] { return !future.isFinished(); }));
                const qint64 ms = t.elapsed();
                const CommitRange r = future.result();
                QVERIFY2(r.ok(), qPrintable(r.error.toString()));
                *ahead = r.ahead;
                *prs = 0;
                for (const CommitRecord &c : r.commits)
                    *prs += c.change.isValid();
                *best = *best < 0 ? ms : qMin(*best, ms);
            }
        };
        qint64 loose = -1, packed = -1, stall = 0;
        int ahead = 0, prs = 0;
        measure(&loose, &stall, &ahead, &prs);
        QCOMPARE(ahead, made);
        QVERIFY(repo.pack(tip));
        measure(&packed, &stall, &ahead, &prs);
        QCOMPARE(ahead, made);
        QCOMPARE(prs, expectedPrs); // squash subjects and merge commits, not the branch commits
        qInfo().noquote() << QStringLiteral(
                                 "BENCH range: %1 commits in %2 ms packed, %3 ms loose objects "
                                 "(best of 3, cold cache, worker thread); longest GUI-thread "
                                 "stall %4 ms")
                                 .arg(ahead)
                                 .arg(packed)
                                 .arg(loose)
                                 .arg(stall);
    }

    void twoHundredServicesWarm()
    {
        QTemporaryDir dir;
        BenchArgo argo;
        const QString gitops = dir.path() + QStringLiteral("/gitops");
        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        request.gitopsPath = gitops;
        const QDateTime now = QDateTime::fromSecsSinceEpoch(T0 + 86400, Qt::UTC);
        for (int s = 0; s < 200; ++s) {
            const QString name = QStringLiteral("svc-%1").arg(s, 3, 10, QLatin1Char('0'));
            test::TestRepo repo;
            QVERIFY(repo.init(dir.path() + QStringLiteral("/git/") + name));
            QString tip = repo.commit(QStringLiteral("Initial commit"), {}, T0);
            QString prod;
            for (int i = 1; i <= 20; ++i) {
                tip = repo.commit(QStringLiteral("Change %1 (#%2)").arg(i).arg(s * 100 + i), {tip},
                                  T0 + i * 60);
                if (i == 12)
                    prod = tip;
            }
            QVERIFY(repo.setRef(QStringLiteral("refs/heads/main"), tip));
            ServiceInput in;
            in.service = name;
            in.repoPath = repo.path();
            in.a = EnvironmentSide{true, u"argocd"_qs, u"v1.2.0"_qs, tip, now.addSecs(-3600)};
            in.b = EnvironmentSide{true, u"argocd"_qs, u"v1.1.0"_qs, prod, now.addDays(-1)};
            in.managedA = {u"argocd"_qs, name + u"-staging"_qs};
            in.managedB = {u"argocd"_qs, name + u"-prod"_qs};
            argo.apps.insert(in.managedA.application,
                             BenchArgo::resources(name, u"staging"_qs, u"v1.2.0"_qs,
                                                  s % 10 == 0 ? 5 : 2)); // every tenth drifted
            argo.apps.insert(in.managedB.application,
                             BenchArgo::resources(name, u"prod"_qs, u"v1.1.0"_qs, 2));
            request.services.append(in);
            for (const auto &[env, tag, replicas] : {std::tuple{u"staging"_qs, u"v1.2.0"_qs, 1},
                                                     std::tuple{u"prod"_qs, u"v1.1.0"_qs, 4}}) {
                const QString app = gitops + QStringLiteral("/apps/") + name;
                writeFile(app + QStringLiteral("/overlays/%1/kustomization.yaml").arg(env),
                          QStringLiteral("namespace: %1-%2\nresources: [../../base]\nimages:\n"
                                         "  - name: ghcr.io/acme/%1\n    newTag: %3\n")
                              .arg(name, env, tag)
                              .toUtf8());
                writeFile(
                    app + QStringLiteral("/values-%1.yaml").arg(env),
                    QStringLiteral(
                        "image:\n  repository: ghcr.io/acme/%1\n  tag: %2\nreplicaCount: %3\n")
                        .arg(name, tag)
                        .arg(replicas)
                        .toUtf8());
            }
        }

        CompareEngine engine(nullptr, dir.path() + QStringLiteral("/mirrors"));
        engine.setBackends([&argo](const QString &) -> Backend * { return &argo; });
        qint64 cold = 0;
        qint64 warm = -1;
        qint64 stall = 0;
        for (int run = 0; run < 4; ++run) {
            QSignalSpy finished(&engine, &CompareEngine::finished);
            QElapsedTimer t;
            t.start();
            engine.start(request);
            stall = qMax(stall, longestStall([&] { return finished.isEmpty(); }));
            const qint64 ms = t.elapsed();
            const CompareReport report = finished.first().first().value<CompareReport>();
            QCOMPARE(report.services.size(), 200);
            int drifted = 0;
            for (const ServiceComparison &s : report.services) {
                QCOMPARE(s.commits.ahead, 8);
                // newTag, image.tag, replicaCount; the Deployment's image
                QCOMPARE(s.config.realChanges(), 4);
                QCOMPARE(s.managedA.resources, 4);
                drifted += int(s.driftA.size());
            }
            QCOMPARE(drifted, 20);
            if (run == 0)
                cold = ms;
            else
                warm = warm < 0 ? ms : qMin(warm, ms);
        }
        QCOMPARE(engine.repositories()->openCount(), 200);
        qInfo().noquote() << QStringLiteral(
                                 "BENCH 200 services (800 Argo CD resources per side): cold %1 "
                                 "ms, warm %2 ms (best of 3); longest GUI-thread stall %3 ms")
                                 .arg(cold)
                                 .arg(warm)
                                 .arg(stall);
    }
};

QTEST_GUILESS_MAIN(TestCompareBench)
#include "tst_comparebench.moc"
