// The merged-to-main guard on a repository with a known history: main, a feature branch not
// merged yet, then merged locally but not pushed (origin/main is what counts).
#include "../git_range/testrepo.h"

#include "git/repositorycache.h"
#include "gitops/mergedtomain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fd;
using fd::test::TestRepo;

namespace {
constexpr qint64 T0 = 1767225600; // 2026-01-01T00:00:00Z
}

class TestGitOpsMerged : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    TestRepo m_repo;
    QString c1, c2, f1, merge;

private Q_SLOTS:
    void initTestCase()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        QVERIFY(m_dir.isValid());
        QVERIFY(m_repo.init(m_dir.filePath(QStringLiteral("checkout"))));
        c1 = m_repo.commit(QStringLiteral("Initial"), {}, T0);
        c2 = m_repo.commit(QStringLiteral("Add cart (#1)"), {c1}, T0 + 60);
        f1 = m_repo.commit(QStringLiteral("Experimental pricing"), {c1}, T0 + 120,
                           {{QStringLiteral("README"), "feature\n"}});
        merge = m_repo.commit(QStringLiteral("Merge pull request #2 from acme/pricing"), {c2, f1},
                              T0 + 180);
        QVERIFY(!c1.isEmpty() && !c2.isEmpty() && !f1.isEmpty() && !merge.isEmpty());
        QVERIFY(m_repo.setRef(QStringLiteral("refs/tags/v1.0.0"), c2));
        QVERIFY(m_repo.setRef(QStringLiteral("refs/tags/v1.1.0-rc.1"), f1));
        QVERIFY(m_repo.setRef(QStringLiteral("refs/heads/main"), c2));
    }

    void guard_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("mainBranch");
        QTest::addColumn<bool>("isProtected");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("message");
        const int pass = int(GuardResult::Outcome::Pass), block = int(GuardResult::Outcome::Block),
                  reason = int(GuardResult::Outcome::NeedsReason);
        QTest::newRow("merged tag") << QStringLiteral("v1.0.0") << QStringLiteral("main") << true
                                    << pass << QStringLiteral("v1.0.0 (%c2) is on main");
        QTest::newRow("tag without v") << QStringLiteral("1.0.0") << QStringLiteral("main") << true
                                       << pass << QStringLiteral("1.0.0 (%c2) is on main");
        QTest::newRow("older commit") << QStringLiteral("%c1") << QStringLiteral("main") << true
                                      << pass << QStringLiteral("%c1 (%c1s) is on main");
        QTest::newRow("unmerged, protected")
            << QStringLiteral("v1.1.0-rc.1") << QStringLiteral("main") << true << block
            << QStringLiteral("v1.1.0-rc.1 (%f1) is not on main: prod is protected and takes only "
                              "merged commits");
        QTest::newRow("unmerged, not protected")
            << QStringLiteral("v1.1.0-rc.1") << QStringLiteral("main") << false << reason
            << QStringLiteral(
                   "v1.1.0-rc.1 (%f1) is not on main: give a reason to deploy it to prod");
        QTest::newRow("unknown version")
            << QStringLiteral("v9.9.9") << QStringLiteral("main") << false << block
            << QStringLiteral("cannot tell whether v9.9.9 is merged to main: %repo: version "
                              "\"v9.9.9\" is neither a commit nor a tag of this repository");
        QTest::newRow("no such main branch")
            << QStringLiteral("v1.0.0") << QStringLiteral("trunk") << false << block
            << QStringLiteral("cannot tell whether v1.0.0 is merged to main: %repo: the main "
                              "branch \"trunk\" is not in this repository");
    }
    void guard()
    {
        QFETCH(QString, version);
        QFETCH(QString, mainBranch);
        QFETCH(bool, isProtected);
        QFETCH(int, outcome);
        QFETCH(QString, message);
        const auto fill = [&](QString s) {
            return s.replace(QLatin1String("%c1s"), c1.left(8))
                .replace(QLatin1String("%c1"), c1)
                .replace(QLatin1String("%c2"), c2.left(8))
                .replace(QLatin1String("%f1"), f1.left(8))
                .replace(QLatin1String("%repo"), m_dir.filePath(QStringLiteral("checkout")));
        };
        version = fill(version);
        GitError error;
        auto repo = GitRepository::open(m_dir.filePath(QStringLiteral("checkout")), &error);
        QVERIFY2(repo, qPrintable(error.toString()));
        const MergedToMain check = checkMergedToMain(*repo, mainBranch, version);
        const GuardResult g =
            mergedToMainGuard(check, version, QStringLiteral("prod"), isProtected);
        QCOMPARE(g.guard, QStringLiteral("merged-to-main"));
        QCOMPARE(g.message, fill(message));
        QCOMPARE(int(g.outcome), outcome);
    }

    void originMainIsWhatCounts()
    {
        // Merged on the local main but not pushed: the remote-tracking branch says no.
        QVERIFY(m_repo.setRef(QStringLiteral("refs/heads/main"), merge));
        QVERIFY(m_repo.setRef(QStringLiteral("refs/remotes/origin/main"), c2));
        GitError error;
        auto repo = GitRepository::open(m_dir.filePath(QStringLiteral("checkout")), &error);
        QVERIFY(repo);
        MergedToMain check =
            checkMergedToMain(*repo, QStringLiteral("main"), QStringLiteral("v1.1.0-rc.1"));
        QVERIFY(!check.error.isError());
        QCOMPARE(check.mainRef, QStringLiteral("refs/remotes/origin/main"));
        QVERIFY(!check.merged);
        // Pushed: now it is merged.
        QVERIFY(m_repo.setRef(QStringLiteral("refs/remotes/origin/main"), merge));
        repo->refresh();
        check = checkMergedToMain(*repo, QStringLiteral("main"), QStringLiteral("v1.1.0-rc.1"));
        QVERIFY(check.merged);
        QCOMPARE(check.mainSha, merge);
    }
};

QTEST_GUILESS_MAIN(TestGitOpsMerged)
#include "tst_gitopsmerged.moc"
