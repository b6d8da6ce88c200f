// Commit ranges, change numbers, errors as values and mirrors, on repositories this test writes
// with libgit2 so every sha, count and order is known.
#include "testrepo.h"

#include "git/commitrange.h"
#include "git/repositorycache.h"

#include <QFutureWatcher>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fd;
using fd::test::TestRepo;

namespace {

constexpr qint64 T0 = 1767225600; // 2026-01-01T00:00:00Z

QStringList shasOf(const QList<CommitRecord> &commits)
{
    QStringList out;
    for (const CommitRecord &c : commits)
        out.append(c.sha);
    return out;
}

} // namespace

class TestGitRange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void changeRef_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("number");
        QTest::addColumn<QString>("text");
        const int pr = int(ChangeRef::Kind::PullRequest), mr = int(ChangeRef::Kind::MergeRequest),
                  none = int(ChangeRef::Kind::None);
        QTest::newRow("github merge")
            << QStringLiteral("Merge pull request #42 from acme/fix-cart\n\nFix cart") << pr << 42
            << QStringLiteral("#42");
        QTest::newRow("squash") << QStringLiteral("Add retry budget (#123)") << pr << 123
                                << QStringLiteral("#123");
        QTest::newRow("squash trailing space")
            << QStringLiteral("Add retry budget (#7)  \n\nbody") << pr << 7 << QStringLiteral("#7");
        QTest::newRow("gitlab merge")
            << QStringLiteral("Merge branch 'feat' into 'main'\n\nFeat\n\n"
                              "See merge request acme/auth!17")
            << mr << 17 << QStringLiteral("acme/auth!17");
        QTest::newRow("gitlab nested group")
            << QStringLiteral("Merge branch 'x' into 'main'\n\nSee merge request a/b/c!5") << mr
            << 5 << QStringLiteral("a/b/c!5");
        QTest::newRow("gitlab no project")
            << QStringLiteral("Merge branch 'x'\n\nSee merge request !9") << mr << 9
            << QStringLiteral("!9");
        QTest::newRow("number mid subject")
            << QStringLiteral("Fix (#12) in the middle") << none << 0 << QString();
        QTest::newRow("issue reference") << QStringLiteral("Fixes #88") << none << 0 << QString();
        QTest::newRow("plain") << QStringLiteral("Release v1.2.3") << none << 0 << QString();
        QTest::newRow("squash in body only")
            << QStringLiteral("Subject\n\nsquashed (#5)") << none << 0 << QString();
    }
    void changeRef()
    {
        QFETCH(QString, message);
        QFETCH(int, kind);
        QFETCH(int, number);
        QFETCH(QString, text);
        const ChangeRef r = parseChangeRef(message);
        QCOMPARE(int(r.kind), kind);
        QCOMPARE(r.number, number);
        QCOMPARE(r.text(), text);
    }

    // main: c0 ─ M(#12: f1, f2) ─ S "(#123)" ─ R "Release v1.1"   with c0 tagged v1.0
    void mergeAndSquashRange()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        const QString c0 = repo.commit(QStringLiteral("Initial commit"), {}, T0);
        const QString f1 =
            repo.commit(QStringLiteral("Add cart"), {c0}, T0 + 100, {{QStringLiteral("cart"), "1"}},
                        QStringLiteral("Grace Hopper"));
        const QString f2 =
            repo.commit(QStringLiteral("Address review comments"), {f1}, T0 + 200,
                        {{QStringLiteral("cart"), "2"}}, QStringLiteral("Grace Hopper"));
        const QString m =
            repo.commit(QStringLiteral("Merge pull request #12 from acme/add-cart\n\nAdd cart"),
                        {c0, f2}, T0 + 300, {{QStringLiteral("cart"), "2"}},
                        QStringLiteral("Grace Hopper"), QStringLiteral("GitHub"));
        const QString s =
            repo.commit(QStringLiteral("Speed up search (#123)"), {m}, T0 + 400,
                        {{QStringLiteral("cart"), "2"}, {QStringLiteral("search"), "1"}},
                        QStringLiteral("Alan Turing"), QStringLiteral("GitHub"));
        const QString r = repo.commit(QStringLiteral("Release v1.1"), {s}, T0 + 500);
        QVERIFY(!r.isEmpty());
        QVERIFY(repo.setRef(QStringLiteral("refs/tags/v1.0"), c0));
        QVERIFY(repo.setRef(QStringLiteral("refs/tags/v1.1"), r));
        QVERIFY(repo.setRef(QStringLiteral("refs/heads/main"), r));

        RepositoryCache cache(dir.path() + QStringLiteral("/mirrors"));
        GitError error;
        auto git = cache.repository(dir.path(), &error);
        QVERIFY2(git, qPrintable(error.toString()));

        // prod runs v1.0, staging runs v1.1: what staging has that prod lacks.
        CommitRange range = git->range(QStringLiteral("v1.0"), QStringLiteral("v1.1"));
        QVERIFY2(range.ok(), qPrintable(range.error.toString()));
        QCOMPARE(range.from, c0);
        QCOMPARE(range.to, r);
        QCOMPARE(toString(range.relation), toString(RangeRelation::Ahead));
        QCOMPARE(range.ahead, 5);
        QCOMPARE(range.behind, 0);
        QCOMPARE(range.mergeBase, c0);
        QCOMPARE(shasOf(range.commits), (QStringList{r, s, m, f2, f1}));
        QCOMPARE(range.commits[1].change.text(), QStringLiteral("#123"));
        QCOMPARE(range.commits[2].change.text(), QStringLiteral("#12"));
        QVERIFY(range.commits[2].isMerge());
        QVERIFY(!range.commits[3].change.isValid());
        QCOMPARE(range.commits[1].author, QStringLiteral("Alan Turing"));
        QCOMPARE(range.commits[1].authorEmail, QStringLiteral("alan.turing@example.org"));
        QCOMPARE(range.commits[1].subject, QStringLiteral("Speed up search (#123)"));
        QCOMPARE(range.commits[1].committed, QDateTime::fromSecsSinceEpoch(T0 + 400, Qt::UTC));

        // Lead time so far: commit → A's deployment.
        range.applyLeadTime(QDateTime::fromSecsSinceEpoch(T0 + 3600, Qt::UTC));
        QCOMPARE(range.commits[0].leadTimeSecs, 3600 - 500);
        QCOMPARE(range.commits[4].leadTimeSecs, 3600 - 100);

        // First-parent only: the merge and the squash, no branch commits.
        const CommitRange fp = git->range(c0, r, RangeOptions{true, -1});
        QCOMPARE(shasOf(fp.commits), (QStringList{r, s, m}));
        QCOMPARE(fp.ahead, 3);

        // A limit keeps the counts exact.
        const CommitRange limited = git->range(c0, r, RangeOptions{false, 2});
        QCOMPARE(limited.commits.size(), 2);
        QCOMPARE(limited.ahead, 5);

        // The other way round: prod ahead of staging means staging is behind.
        const CommitRange back = git->range(r, c0);
        QCOMPARE(toString(back.relation), toString(RangeRelation::Behind));
        QCOMPARE(back.ahead, 0);
        QCOMPARE(back.behind, 5);
        QCOMPARE(shasOf(back.missing), (QStringList{r, s, m, f2, f1}));

        const CommitRange same = git->range(QStringLiteral("v1.1"), r);
        QCOMPARE(toString(same.relation), toString(RangeRelation::Same));
        QCOMPARE(same.ahead, 0);
        QVERIFY(same.commits.isEmpty());

        // Versions: tags with or without "v", abbreviated shas, unknown versions.
        QCOMPARE(git->resolve(QStringLiteral("1.1"), &error), r);
        QCOMPARE(git->resolve(r.left(10), &error), r);
        QCOMPARE(git->resolve(QStringLiteral("main"), &error), r);
        GitError unknown;
        QVERIFY(git->resolve(QStringLiteral("v9.9.9"), &unknown).isEmpty());
        QCOMPARE(toString(unknown.kind), toString(GitError::Kind::UnknownVersion));
        QVERIFY(unknown.message.contains(QStringLiteral("v9.9.9")));
        const CommitRange bad = git->range(QStringLiteral("v9.9.9"), r);
        QCOMPARE(toString(bad.error.kind), toString(GitError::Kind::UnknownVersion));
        QCOMPARE(bad.error.where, QFileInfo(dir.path()).absoluteFilePath());
    }

    // base ─ m1 ─ m2 (main, prod)   base ─ r1 (release, staging)
    void divergedRange()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        const QString base = repo.commit(QStringLiteral("Base"), {}, T0);
        const QString m1 = repo.commit(QStringLiteral("Main one (#1)"), {base}, T0 + 10,
                                       {{QStringLiteral("a"), "1"}});
        const QString m2 = repo.commit(QStringLiteral("Main two (#2)"), {m1}, T0 + 20,
                                       {{QStringLiteral("a"), "2"}});
        const QString r1 = repo.commit(QStringLiteral("Backport fix (#3)"), {base}, T0 + 30,
                                       {{QStringLiteral("b"), "1"}});
        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        GitError error;
        auto git = cache.repository(dir.path(), &error);
        QVERIFY(git);
        const CommitRange range = git->range(m2, r1);
        QVERIFY(range.ok());
        QCOMPARE(toString(range.relation), toString(RangeRelation::Diverged));
        QCOMPARE(range.ahead, 1);
        QCOMPARE(range.behind, 2);
        QCOMPARE(range.mergeBase, base);
        QCOMPARE(shasOf(range.commits), QStringList{r1});
        QCOMPARE(shasOf(range.missing), (QStringList{m2, m1}));
        QCOMPARE(range.missing[1].change.number, 1);
    }

    void repositoryOpenedOnce()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        repo.commit(QStringLiteral("x"), {}, T0);
        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        GitError error;
        auto a = cache.repository(dir.path(), &error);
        auto b = cache.repository(dir.path() + QStringLiteral("/"), &error);
        QVERIFY(a);
        QCOMPARE(a.get(), b.get());
        QCOMPARE(cache.openCount(), 1);
    }

    void missingRepository_data()
    {
        QTest::addColumn<QString>("sub");
        QTest::addColumn<QString>("words");
        QTest::newRow("absent path") << QStringLiteral("nope") << QStringLiteral("does not exist");
        QTest::newRow("not a repository")
            << QStringLiteral("plain") << QStringLiteral("no git repository");
        QTest::newRow("not configured") << QString() << QStringLiteral("no repository path");
    }
    void missingRepository()
    {
        QFETCH(QString, sub);
        QFETCH(QString, words);
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("plain"));
        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        GitError error;
        const QString path = sub.isEmpty() ? QString() : dir.path() + QLatin1Char('/') + sub;
        QVERIFY(!cache.repository(path, &error));
        QCOMPARE(toString(error.kind), toString(GitError::Kind::MissingRepository));
        QVERIFY2(error.message.contains(words), qPrintable(error.message));
        // The async path reports the same value, on a worker thread.
        auto future = cache.rangeAsync(path, QStringLiteral("a"), QStringLiteral("b"));
        future.waitForFinished();
        QCOMPARE(toString(future.result().error.kind), toString(GitError::Kind::MissingRepository));
    }

    // A shallow clone: .git/shallow names the cut, and the commits below it are absent.
    void shallowCloneLacksCommit()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        QStringList c;
        for (int i = 0; i < 5; ++i)
            c.append(repo.commit(QStringLiteral("c%1").arg(i),
                                 i ? QStringList{c.last()} : QStringList{}, T0 + i,
                                 {{QStringLiteral("f"), QByteArray::number(i)}}));
        QVERIFY(repo.setRef(QStringLiteral("refs/heads/main"), c[4]));
        QFile shallow(repo.gitDir() + QStringLiteral("shallow"));
        QVERIFY(shallow.open(QIODevice::WriteOnly));
        shallow.write(c[2].toLatin1() + '\n');
        shallow.close();
        QVERIFY(QFile::remove(repo.objectFile(c[0])));
        QVERIFY(QFile::remove(repo.objectFile(c[1])));

        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        GitError error;
        auto git = cache.repository(dir.path(), &error);
        QVERIFY(git);
        QVERIFY(git->isShallow());
        const CommitRange range = git->range(c[0], c[4]);
        QCOMPARE(toString(range.error.kind), toString(GitError::Kind::ShallowMissingCommit));
        QVERIFY(range.error.message.contains(c[0].left(12)));
        QVERIFY(range.error.message.contains(QStringLiteral("shallow")));
        QVERIFY(range.commits.isEmpty());
        // Walking down into the cut fails as a shallow problem too, not as a crash.
        const CommitRange walk = git->range(c[1], c[4]);
        QCOMPARE(toString(walk.error.kind), toString(GitError::Kind::ShallowMissingCommit));
    }

    // A full clone whose history lacks one object in the middle.
    void missingObjectInHistory()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        QStringList c;
        for (int i = 0; i < 5; ++i)
            c.append(repo.commit(QStringLiteral("c%1").arg(i),
                                 i ? QStringList{c.last()} : QStringList{}, T0 + i,
                                 {{QStringLiteral("f"), QByteArray::number(i)}}));
        QVERIFY(QFile::remove(repo.objectFile(c[2])));
        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        GitError error;
        auto git = cache.repository(dir.path(), &error);
        QVERIFY(git);
        const CommitRange range = git->range(c[0], c[4]);
        QCOMPARE(toString(range.error.kind), toString(GitError::Kind::MissingObject));
        QCOMPARE(range.ahead, 0);
        QVERIFY(range.commits.isEmpty());
        // The message names the object that is missing, so someone can go and find it.
        QVERIFY2(range.error.message.contains(c[2]), qPrintable(range.error.message));
    }

    // origin main: c1 ─ c2 ─ c3, mirrored over file://; then a force push rewrites main to
    // c1 ─ c2'. A fresh mirror no longer has c3: the deployed commit is "not found".
    void mirrorAndForcePush()
    {
        QTemporaryDir dir;
        TestRepo origin;
        QVERIFY(origin.init(dir.path() + QStringLiteral("/origin"), true));
        const QString c1 =
            origin.commit(QStringLiteral("c1"), {}, T0, {{QStringLiteral("f"), "1"}});
        const QString c2 =
            origin.commit(QStringLiteral("c2 (#2)"), {c1}, T0 + 10, {{QStringLiteral("f"), "2"}});
        const QString c3 =
            origin.commit(QStringLiteral("c3 (#3)"), {c2}, T0 + 20, {{QStringLiteral("f"), "3"}});
        QVERIFY(origin.setRef(QStringLiteral("refs/heads/main"), c3));
        QVERIFY(origin.setRef(QStringLiteral("refs/tags/v1.0"), c1));
        QVERIFY(origin.setHead(QStringLiteral("refs/heads/main")));
        const QUrl url = QUrl::fromLocalFile(origin.path());

        RepositoryCache cache(dir.path() + QStringLiteral("/cache"));
        int calls = 0;
        quint64 lastTotal = 0;
        const MirrorResult made = cache.syncMirror(url, [&](const TransferProgress &p) {
            ++calls;
            lastTotal = p.totalObjects;
            return true;
        });
        QVERIFY2(!made.error.isError(), qPrintable(made.error.toString()));
        QVERIFY(made.cloned);
        QVERIFY(made.path.startsWith(dir.path() + QStringLiteral("/cache/")));
        QVERIFY(calls > 0);
        QCOMPARE(lastTotal, quint64(9)); // 3 commits, 3 trees, 3 blobs

        GitError error;
        auto mirror = cache.serviceRepository(QString(), url, &error);
        QVERIFY2(mirror, qPrintable(error.toString()));
        QVERIFY(mirror->isBare());
        const CommitRange before = mirror->range(QStringLiteral("v1.0"), c3);
        QVERIFY(before.ok());
        QCOMPARE(shasOf(before.commits), (QStringList{c3, c2}));

        // Force push.
        const QString c2b = origin.commit(QStringLiteral("c2 rewritten (#4)"), {c1}, T0 + 30,
                                          {{QStringLiteral("f"), "2b"}});
        QVERIFY(origin.setRef(QStringLiteral("refs/heads/main"), c2b));

        // Fetching the existing mirror moves main (forced refspec) and keeps working.
        const MirrorResult fetched = cache.syncMirror(url);
        QVERIFY2(!fetched.error.isError(), qPrintable(fetched.error.toString()));
        QVERIFY(!fetched.cloned);
        QCOMPARE(mirror->resolve(QStringLiteral("main"), &error), c2b);

        // A fresh mirror of the rewritten remote: c3 is gone.
        RepositoryCache fresh(dir.path() + QStringLiteral("/cache2"));
        auto clone = fresh.serviceRepository(QString(), url, &error);
        QVERIFY(clone);
        const CommitRange after = clone->range(c1, c3);
        QCOMPARE(toString(after.error.kind), toString(GitError::Kind::CommitNotFound));
        QVERIFY(after.error.message.contains(c3.left(12)));
        QVERIFY(after.error.message.contains(QStringLiteral("force push")));
        QCOMPARE(clone->range(c1, c2b).ahead, 1);
    }

    void mirrorAsyncProgressAndCancel()
    {
        QTemporaryDir dir;
        TestRepo origin;
        QVERIFY(origin.init(dir.path() + QStringLiteral("/origin"), true));
        QString tip;
        for (int i = 0; i < 30; ++i)
            tip = origin.commit(QStringLiteral("c%1").arg(i),
                                tip.isEmpty() ? QStringList{} : QStringList{tip}, T0 + i,
                                {{QStringLiteral("f"), QByteArray::number(i)}});
        QVERIFY(origin.setRef(QStringLiteral("refs/heads/main"), tip));
        QVERIFY(origin.setHead(QStringLiteral("refs/heads/main")));
        const QUrl url = QUrl::fromLocalFile(origin.path());

        RepositoryCache cache(dir.path() + QStringLiteral("/cache"));
        QFutureWatcher<MirrorResult> watcher;
        QSignalSpy progress(&watcher, &QFutureWatcher<MirrorResult>::progressValueChanged);
        QSignalSpy range(&watcher, &QFutureWatcher<MirrorResult>::progressRangeChanged);
        QSignalSpy done(&watcher, &QFutureWatcher<MirrorResult>::finished);
        watcher.setFuture(cache.syncMirrorAsync(url));
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 20000);
        QVERIFY(!watcher.result().error.isError());
        QVERIFY(progress.size() > 0);
        QCOMPARE(watcher.progressMaximum(), 90);

        // A progress callback that says stop: the clone is cancelled and leaves nothing behind.
        RepositoryCache other(dir.path() + QStringLiteral("/cache3"));
        const MirrorResult cancelled =
            other.syncMirror(url, [](const TransferProgress &) { return false; });
        QCOMPARE(toString(cancelled.error.kind), toString(GitError::Kind::Cancelled));
        QVERIFY(!QFileInfo::exists(cancelled.path));

        // A transfer past its deadline stops with a message saying so.
        RepositoryCache slow(dir.path() + QStringLiteral("/cache4"));
        slow.setTransferTimeout(0);
        const MirrorResult late = slow.syncMirror(url);
        QCOMPARE(toString(late.error.kind), toString(GitError::Kind::CloneFailed));
        QCOMPARE(late.error.message, QStringLiteral("timed out after 0 s"));
        QVERIFY(!QFileInfo::exists(late.path));

        // An unsupported remote is refused with a message naming it.
        const MirrorResult ssh =
            other.syncMirror(QUrl(QStringLiteral("ssh://git@example.org/x.git")));
        QCOMPARE(toString(ssh.error.kind), toString(GitError::Kind::CloneFailed));
        QVERIFY(ssh.error.where.contains(QStringLiteral("example.org")));
        // A file:// remote that does not exist fails the clone as a value.
        const MirrorResult absent =
            other.syncMirror(QUrl::fromLocalFile(dir.path() + QStringLiteral("/nope")));
        QCOMPARE(toString(absent.error.kind), toString(GitError::Kind::CloneFailed));
    }

    void rangeAsyncRunsOffTheCallingThread()
    {
        QTemporaryDir dir;
        TestRepo repo;
        QVERIFY(repo.init(dir.path()));
        const QString a = repo.commit(QStringLiteral("a"), {}, T0);
        const QString b =
            repo.commit(QStringLiteral("b (#9)"), {a}, T0 + 1, {{QStringLiteral("g"), "1"}});
        RepositoryCache cache(dir.path() + QStringLiteral("/m"));
        QThread *worker = nullptr;
        auto future =
            cache.rangeAsync(dir.path(), a, b).then(this, [&worker](const CommitRange &r) {
                worker = QThread::currentThread();
                return r;
            });
        QTRY_VERIFY(future.isFinished());
        QCOMPARE(worker, QThread::currentThread()); // .then(context) brings it back here
        QCOMPARE(future.result().ahead, 1);
        QCOMPARE(future.result().commits.first().change.number, 9);
    }
};

QTEST_GUILESS_MAIN(TestGitRange)
#include "tst_gitrange.moc"
