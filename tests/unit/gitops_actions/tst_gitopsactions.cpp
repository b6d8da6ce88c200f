// GitOps promotion and rollback through the one action path: the plan names the commit (file,
// line, old → new) or the commit it reverts, the merged-to-main guard refuses a version not on
// main, the intent is audited before the commit is pushed, the Argo CD app is synced after, and
// the result names the commit. The remote is a bare repository in a temp dir; the Argo CD
// backend is a recording implementation of the SDK interface.
#include "../git_range/testrepo.h"

#include "estate/estate.h"
#include "ops/actionrunner.h"
#include "store/store.h"
#include "workspace/workspaceloader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;
using fd::test::TestRepo;

namespace {

constexpr qint64 T0 = 1767225600; // 2026-01-01T00:00:00Z
const QString kProd = QStringLiteral("apps/checkout/overlays/prod/kustomization.yaml");

QByteArray overlay(const char *tag)
{
    return QByteArray("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                      "# prod: promotions edit the tag below\nimages:\n"
                      "  - name: ghcr.io/acme/checkout\n    newTag: ") +
           tag + "\n";
}

class ArgoBackend : public Backend
{
public:
    explicit ArgoBackend(BackendSink *sink)
        : m_sink(sink)
    {}
    Capabilities capabilities() const override { return int(Capability::Rollback); }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &action) const override
    {
        ActionPlan p;
        p.action = action;
        if (action.verb != ReleaseAction::Verb::Sync) {
            p.feasible = false;
            p.blockedReason = QStringLiteral("not through the API");
            return p;
        }
        const QString app = QStringLiteral("checkout-") + action.environment;
        p.requests << PlannedRequest{"POST",
                                     QStringLiteral("/api/v1/applications/%1/sync").arg(app), "{}",
                                     "application/json", QStringLiteral("sync ") + app};
        p.feasible = !syncWindowClosed;
        if (!p.feasible)
            p.blockedReason = QStringLiteral("sync window 'night' (deny) is active");
        return p;
    }
    quint64 execute(const ActionPlan &plan) override
    {
        executed << plan;
        return ++m_ticket;
    }
    void finish(quint64 ticket)
    {
        ActionResult r;
        r.ok = true;
        r.message = QStringLiteral("synced");
        r.steps << QStringLiteral("POST sync → 200");
        r.finished = QDateTime::currentDateTimeUtc();
        m_sink->actionFinished(QStringLiteral("argocd"), ticket, r);
    }
    QList<ActionPlan> executed;
    bool syncWindowClosed = false;

private:
    BackendSink *m_sink;
    quint64 m_ticket = 0;
};

} // namespace

class TestGitOpsActions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    TestRepo m_remote, m_code;
    QString m_base, m_v183, m_rc;
    Workspace m_ws;
    std::unique_ptr<Estate> m_estate;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ArgoBackend> m_argo;
    std::unique_ptr<ActionRunner> m_runner;

    QString path(const char *rel) const { return m_dir.filePath(QLatin1String(rel)); }

    QString remoteHead()
    {
        git_oid oid;
        if (git_reference_name_to_id(&oid, m_remote.raw(), "refs/heads/main") != 0)
            return {};
        char buf[GIT_OID_HEXSZ + 1];
        git_oid_tostr(buf, sizeof buf, &oid);
        return QString::fromLatin1(buf);
    }

    ReleaseAction action(ReleaseAction::Verb verb, const char *version = "")
    {
        ReleaseAction a;
        a.verb = verb;
        a.service = QStringLiteral("checkout");
        a.environment = QStringLiteral("prod");
        a.version = QLatin1String(version);
        a.actor = QStringLiteral("alice");
        return a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        QVERIFY(m_dir.isValid());
        // The service's code: v1.8.2 and v1.8.3 on main, a release candidate off it.
        QVERIFY(m_code.init(path("checkout")));
        const QString c1 = m_code.commit(QStringLiteral("Initial"), {}, T0);
        m_v183 = m_code.commit(QStringLiteral("Fix cart rounding (#41)"), {c1}, T0 + 60);
        m_rc = m_code.commit(QStringLiteral("Experimental pricing"), {c1}, T0 + 120,
                             {{QStringLiteral("README"), "rc\n"}});
        QVERIFY(m_code.setRef(QStringLiteral("refs/tags/v1.8.2"), c1));
        QVERIFY(m_code.setRef(QStringLiteral("refs/tags/v1.8.3"), m_v183));
        QVERIFY(m_code.setRef(QStringLiteral("refs/tags/v1.9.0-rc.1"), m_rc));
        QVERIFY(m_code.setRef(QStringLiteral("refs/heads/main"), m_v183));

        // The GitOps repository: a bare remote holding the overlay, and the operator's clone.
        QVERIFY(m_remote.init(path("gitops.git"), true));
        git_treebuilder *tb = nullptr;
        git_oid empty, blob, tree;
        git_treebuilder_new(&tb, m_remote.raw(), nullptr);
        git_treebuilder_write(&empty, tb);
        git_treebuilder_free(tb);
        git_tree *base = nullptr;
        git_tree_lookup(&base, m_remote.raw(), &empty);
        const QByteArray content = overlay("v1.8.2");
        git_blob_create_from_buffer(&blob, m_remote.raw(), content.constData(),
                                    size_t(content.size()));
        const QByteArray file = kProd.toUtf8();
        git_tree_update u{};
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.id = blob;
        u.filemode = GIT_FILEMODE_BLOB;
        u.path = file.constData();
        QCOMPARE(git_tree_create_updated(&tree, m_remote.raw(), base, 1, &u), 0);
        git_tree_free(base);
        git_tree *t = nullptr;
        git_tree_lookup(&t, m_remote.raw(), &tree);
        git_signature *sig = nullptr;
        git_signature_new(&sig, "Dev", "dev@example.org", T0, 0);
        git_oid commit;
        QCOMPARE(git_commit_create(&commit, m_remote.raw(), "refs/heads/main", sig, sig, nullptr,
                                   "Bootstrap\n", t, 0, nullptr),
                 0);
        git_signature_free(sig);
        git_tree_free(t);
        m_base = remoteHead();
        git_repository *clone = nullptr;
        QCOMPARE(git_clone(&clone, QFile::encodeName(path("gitops.git")).constData(),
                           QFile::encodeName(path("gitops")).constData(), nullptr),
                 0);
        git_repository_free(clone);

        const QByteArray yaml = "version: 1\n"
                                "connections:\n"
                                "  argocd: {kind: argocd, url: \"https://argocd.example\"}\n"
                                "environments: [{name: staging}, {name: prod, protected: true}]\n"
                                "services:\n"
                                "  checkout:\n"
                                "    repository: {path: checkout}\n"
                                "    environments:\n"
                                "      staging: {connection: argocd, app: checkout-staging}\n"
                                "      prod: {connection: argocd, app: checkout-prod}\n"
                                "gitops:\n"
                                "  path: gitops\n"
                                "  remote: origin\n"
                                "  author: {name: Release Bot, email: release-bot@example.org}\n";
        LoadOptions lo;
        lo.overridesFile = QString();
        const LoadResult r = WorkspaceLoader::loadFromString(
            yaml, m_dir.filePath(QStringLiteral("flightdeck.yaml")), lo);
        QVERIFY2(r.ok(), qPrintable(r.issues.isEmpty() ? QString() : r.issues.first().toString()));
        m_ws = r.workspace;
        m_estate = std::make_unique<Estate>();
        QString err;
        m_store = Store::open(path("fd.db"), &err);
        QVERIFY2(m_store, qPrintable(err));
        m_argo = std::make_unique<ArgoBackend>(m_estate.get());
        m_runner = std::make_unique<ActionRunner>(
            &m_ws, m_estate.get(), m_store.get(), [this](const QString &id) -> Backend * {
                return id == QLatin1String("argocd") ? m_argo.get() : nullptr;
            });
    }
    void cleanupTestCase()
    {
        m_runner.reset();
        m_argo.reset();
        m_store.reset();
        m_estate.reset();
    }

    void unmergedVersionRefusedOnProtected()
    {
        const PreparedAction p =
            m_runner->prepare(action(ReleaseAction::Verb::Promote, "v1.9.0-rc.1"));
        QVERIFY2(p.plan.feasible, qPrintable(p.plan.blockedReason));
        QVERIFY(p.blocked());
        QCOMPARE(ActionRunner::refusals(p, {QStringLiteral("prod"), QStringLiteral("please")}),
                 QStringList{QStringLiteral("v1.9.0-rc.1 (%1) is not on main: prod is protected "
                                            "and takes only merged commits")
                                 .arg(m_rc.left(8))});
    }

    void syncWindowIsAGuard()
    {
        m_argo->syncWindowClosed = true;
        const PreparedAction p = m_runner->prepare(action(ReleaseAction::Verb::Promote, "v1.8.3"));
        m_argo->syncWindowClosed = false;
        QVERIFY(p.blocked());
        QVERIFY(ActionRunner::refusals(p, {QStringLiteral("prod"), {}})
                    .contains(QStringLiteral("sync window 'night' (deny) is active")));
    }

    void promoteCommitsThenSyncs()
    {
        const PreparedAction p = m_runner->prepare(action(ReleaseAction::Verb::Promote, "v1.8.3"));
        QVERIFY2(p.plan.feasible, qPrintable(p.plan.blockedReason));
        QVERIFY(!p.blocked());
        QCOMPARE(p.plan.summary,
                 QStringLiteral("promote checkout in prod from v1.8.2 to v1.8.3: one commit to "
                                "origin main, then sync checkout-prod"));
        QCOMPARE(p.plan.requests.size(), 2);
        QCOMPARE(p.plan.requests.at(0).method, QByteArray("COMMIT"));
        QCOMPARE(p.plan.requests.at(0).path, kProd + QStringLiteral(":6"));
        QCOMPARE(p.plan.requests.at(0).body,
                 QByteArray("-    newTag: v1.8.2\n+    newTag: v1.8.3\n"));
        QCOMPARE(p.plan.requests.at(1).path,
                 QStringLiteral("/api/v1/applications/checkout-prod/sync"));
        QCOMPARE(p.plan.preconditions.first().expected, QStringLiteral("v1.8.2"));
        bool mergedPass = false;
        for (const GuardResult &g : p.guards)
            if (g.guard == QLatin1String("merged-to-main"))
                mergedPass = g.outcome == GuardResult::Outcome::Pass;
        QVERIFY(mergedPass);

        QSignalSpy finished(m_runner.get(), &ActionRunner::finished);
        QString why;
        QVERIFY2(m_runner->run(p, {QStringLiteral("prod"), {}}, &why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(m_argo->executed.size(), 1, 30000); // pushed, then synced
        const QString commit = remoteHead();
        QVERIFY(commit != m_base);
        auto audit = m_store->auditEntries(1);
        QCOMPARE(fd::toString(audit->first().state),
                 fd::toString(AuditEntry::State::Intent)); // recorded before the push
        m_argo->finish(1);
        QCOMPARE(finished.size(), 1);
        const ActionResult result = finished.first().at(1).value<ActionResult>();
        QVERIFY(result.ok);
        QCOMPARE(result.message,
                 QStringLiteral("commit %1 pushed to origin main; synced").arg(commit.left(8)));
        QCOMPARE(result.steps.first(),
                 QStringLiteral("COMMIT %1 pushed to origin main "
                                "(images[name=ghcr.io/acme/checkout].newTag on %2, attempt 1)")
                     .arg(commit, kProd));
        audit = m_store->auditEntries(1);
        QCOMPARE(fd::toString(audit->first().state), fd::toString(AuditEntry::State::Succeeded));

        // The commit: one line, the message lists what v1.8.3 brings, the audit id as trailer.
        git_oid oid;
        git_oid_fromstr(&oid, commit.toLatin1().constData());
        git_commit *c = nullptr;
        QCOMPARE(git_commit_lookup(&c, m_remote.raw(), &oid), 0);
        const QString message = QString::fromUtf8(git_commit_message(c));
        QCOMPARE(message, QStringLiteral("promote checkout to v1.8.3 in prod\n\n"
                                         "v1.8.2 → v1.8.3 brings 1 commit(s):\n"
                                         "%1 Fix cart rounding (#41)\n\n"
                                         "Flightdeck-Action: %2\n")
                              .arg(m_v183.left(8))
                              .arg(audit->first().id));
        git_commit_free(c);
    }

    void rollbackRevertsThePromotion()
    {
        // The clone has fetched the promotion (execution fetches into refs/flightdeck/).
        const QString promoted = remoteHead();
        const PreparedAction p = m_runner->prepare(action(ReleaseAction::Verb::Rollback));
        QVERIFY2(p.plan.feasible, qPrintable(p.plan.blockedReason));
        QCOMPARE(p.action.version, QStringLiteral("v1.8.2"));
        QCOMPARE(p.plan.requests.first().method, QByteArray("REVERT"));
        QCOMPARE(p.plan.requests.first().path, promoted);
        QVERIFY2(p.plan.summary.startsWith(
                     QStringLiteral("roll back checkout in prod from v1.8.3 to v1.8.2: revert %1 "
                                    "(\"promote checkout to v1.8.3 in prod\" by Release Bot)")
                         .arg(promoted.left(8))),
                 qPrintable(p.plan.summary));
        QSignalSpy finished(m_runner.get(), &ActionRunner::finished);
        QString why;
        QVERIFY2(m_runner->run(p, {QStringLiteral("prod"), {}}, &why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(m_argo->executed.size(), 2, 30000);
        const QString reverted = remoteHead();
        QVERIFY(reverted != promoted);
        m_argo->finish(2);
        QCOMPARE(finished.size(), 1);
        QVERIFY(finished.first().at(1).value<ActionResult>().ok);
        git_oid oid;
        git_oid_fromstr(&oid, reverted.toLatin1().constData());
        git_commit *c = nullptr;
        QCOMPARE(git_commit_lookup(&c, m_remote.raw(), &oid), 0);
        QVERIFY(QString::fromUtf8(git_commit_message(c))
                    .contains(QStringLiteral("This reverts commit %1.").arg(promoted)));
        git_tree *t = nullptr;
        git_commit_tree(&t, c);
        git_tree_entry *e = nullptr;
        QCOMPARE(git_tree_entry_bypath(&e, t, kProd.toUtf8().constData()), 0);
        git_blob *b = nullptr;
        git_blob_lookup(&b, m_remote.raw(), git_tree_entry_id(e));
        QCOMPARE(QByteArray(static_cast<const char *>(git_blob_rawcontent(b)),
                            qsizetype(git_blob_rawsize(b))),
                 overlay("v1.8.2"));
        git_blob_free(b);
        git_tree_entry_free(e);
        git_tree_free(t);
        git_commit_free(c);
    }
};

QTEST_GUILESS_MAIN(TestGitOpsActions)
#include "tst_gitopsactions.moc"
