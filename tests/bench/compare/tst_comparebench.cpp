// Measures the comparison budgets and prints them: a 10,000-commit range (≤ 1 s, walked off the
// GUI thread while the event loop keeps turning) and 200 services compared warm (≤ 2 s).
#include "../../unit/git_range/testrepo.h"

#include "compare/compareengine.h"
#include "git/repositorycache.h"

#include <QElapsedTimer>
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
        QVERIFY2(packed <= 1000, qPrintable(QStringLiteral("%1 ms > 1 s").arg(packed)));
    }

    void twoHundredServicesWarm()
    {
        QTemporaryDir dir;
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
            for (const ServiceComparison &s : report.services) {
                QCOMPARE(s.commits.ahead, 8);
                QCOMPARE(s.config.realChanges(), 3); // newTag, image.tag, replicaCount
            }
            if (run == 0)
                cold = ms;
            else
                warm = warm < 0 ? ms : qMin(warm, ms);
        }
        QCOMPARE(engine.repositories()->openCount(), 200);
        qInfo().noquote() << QStringLiteral(
                                 "BENCH 200 services: cold %1 ms, warm %2 ms (best of 3); longest "
                                 "GUI-thread stall %3 ms")
                                 .arg(cold)
                                 .arg(warm)
                                 .arg(stall);
        QVERIFY2(warm <= 2000, qPrintable(QStringLiteral("%1 ms > 2 s").arg(warm)));
    }
};

QTEST_GUILESS_MAIN(TestCompareBench)
#include "tst_comparebench.moc"
