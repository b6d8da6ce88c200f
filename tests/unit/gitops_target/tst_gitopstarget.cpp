// Which file and key a GitOps promotion edits, from the workspace's `gitops:` section and the
// environment mapping, or from the layout the comparison reads; and the commit message.
#include "git/commitrange.h"
#include "gitops/gitopstarget.h"
#include "workspace/workspaceloader.h"

#include <QTest>

using namespace fd;

namespace {

// Plain literals: moc does not read raw strings.
const QByteArray kWorkspace =
    "version: 1\n"
    "connections:\n"
    "  argocd: {kind: argocd, url: \"https://argocd.example\"}\n"
    "environments: [{name: staging}, {name: prod, protected: true}]\n"
    "services:\n"
    "  checkout:\n"
    "    deploy: argocd\n"
    "  payments:\n"
    "    deploy: argocd\n"
    "    environments:\n"
    "      prod: {app: payments-prod, gitops: {file: charts/payments/prod.yaml, key: "
    "app.image.tag}}\n"
    "      staging: {app: payments-staging, gitops: {file: deploy/staging/kustomization.yaml}}\n"
    "gitops:\n"
    "  path: gitops\n"
    "  remote: upstream\n"
    "  branch: release\n"
    "  author: {name: Release Bot, email: release-bot@example.org}\n"
    "  message: \"deploy({env}): {service} {from} -> {version}\"\n";

Workspace load(const QByteArray &yaml)
{
    LoadOptions o;
    o.overridesFile = QString();
    o.checkEnvironment = false;
    const LoadResult r =
        WorkspaceLoader::loadFromString(yaml, QStringLiteral("/ws/flightdeck.yaml"), o);
    for (const WorkspaceIssue &i : r.issues)
        qDebug("%s", qPrintable(i.toString()));
    return r.workspace;
}

} // namespace

class TestGitOpsTarget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void workspaceSection()
    {
        LoadOptions o;
        o.overridesFile = QString();
        o.checkEnvironment = false;
        const LoadResult r =
            WorkspaceLoader::loadFromString(kWorkspace, QStringLiteral("/ws/flightdeck.yaml"), o);
        QVERIFY(r.ok());
        QCOMPARE(r.workspace.gitopsPath, QStringLiteral("/ws/gitops"));
        QCOMPARE(r.workspace.gitops.remote, QStringLiteral("upstream"));
        QCOMPARE(r.workspace.gitops.branch, QStringLiteral("release"));
        QCOMPARE(r.workspace.gitops.authorName, QStringLiteral("Release Bot"));
        QCOMPARE(r.workspace.gitops.authorEmail, QStringLiteral("release-bot@example.org"));

        const LoadResult defaults = WorkspaceLoader::loadFromString(
            "version: 1\ngitops: {path: /g}\n", QStringLiteral("/ws/f.yaml"), o);
        QVERIFY(defaults.ok());
        QCOMPARE(defaults.workspace.gitops.remote, QStringLiteral("origin"));
        QCOMPARE(defaults.workspace.gitops.branch, QStringLiteral("main"));
        QVERIFY(defaults.workspace.gitops.authorName.isEmpty());
        QVERIFY(!defaults.workspace.gitops.promotes); // only a written remote turns it on
        QVERIFY(r.workspace.gitops.promotes);

        const LoadResult bad = WorkspaceLoader::loadFromString(
            "version: 1\ngitops: {path: /g, author: {nmae: x}, brnach: y}\n",
            QStringLiteral("/ws/f.yaml"), o);
        QVERIFY(!bad.ok());
        QStringList where;
        for (const WorkspaceIssue &i : bad.errors())
            where.append(i.keyPath);
        QVERIFY2(where.contains(QStringLiteral("gitops.brnach")), qPrintable(where.join(u' ')));
        QVERIFY2(where.contains(QStringLiteral("gitops.author.nmae")),
                 qPrintable(where.join(u' ')));
    }

    void target_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("env");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QStringList>("files"); // what the repository holds
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("error");
        const QString overlay = QStringLiteral("apps/checkout/overlays/prod/kustomization.yaml");
        const QString values = QStringLiteral("apps/checkout/values-prod.yaml");
        QTest::newRow("kustomize overlay, tag")
            << QStringLiteral("checkout") << QStringLiteral("prod") << QStringLiteral("v1.8.3")
            << QStringList{overlay, values} << overlay
            << QStringLiteral("images[name=ghcr.io/acme/checkout].newTag") << QString();
        QTest::newRow("kustomize overlay, digest")
            << QStringLiteral("checkout") << QStringLiteral("prod") << QStringLiteral("sha256:0123")
            << QStringList{overlay} << overlay
            << QStringLiteral("images[name=ghcr.io/acme/checkout].digest") << QString();
        QTest::newRow("helm values when no overlay")
            << QStringLiteral("checkout") << QStringLiteral("prod") << QStringLiteral("v1.8.3")
            << QStringList{values} << values << QStringLiteral("image.tag") << QString();
        QTest::newRow("neither")
            << QStringLiteral("checkout") << QStringLiteral("prod") << QStringLiteral("v1.8.3")
            << QStringList{} << QString() << QString()
            << QStringLiteral("neither apps/checkout/overlays/prod/kustomization.yaml nor "
                              "apps/checkout/values-prod.yaml is in the GitOps repository; name "
                              "the file and key with services.checkout.environments.prod.gitops: "
                              "{file, key}");
        QTest::newRow("mapping names file and key")
            << QStringLiteral("payments") << QStringLiteral("prod") << QStringLiteral("v2")
            << QStringList{} << QStringLiteral("charts/payments/prod.yaml")
            << QStringLiteral("app.image.tag") << QString();
        QTest::newRow("mapping names a kustomization")
            << QStringLiteral("payments") << QStringLiteral("staging") << QStringLiteral("v2")
            << QStringList{QStringLiteral("deploy/staging/kustomization.yaml")}
            << QStringLiteral("deploy/staging/kustomization.yaml")
            << QStringLiteral("images[name=payments].newTag") << QString();
        QTest::newRow("mapping names a missing file")
            << QStringLiteral("payments") << QStringLiteral("staging") << QStringLiteral("v2")
            << QStringList{} << QString() << QString()
            << QStringLiteral("services.payments.environments.staging.gitops.file: "
                              "deploy/staging/kustomization.yaml is not in the GitOps repository");
    }
    void target()
    {
        QFETCH(QString, service);
        QFETCH(QString, env);
        QFETCH(QString, version);
        QFETCH(QStringList, files);
        QFETCH(QString, file);
        QFETCH(QString, key);
        QFETCH(QString, error);
        const Workspace ws = load(kWorkspace);
        const auto read = [&](const QString &f) -> std::optional<QByteArray> {
            if (!files.contains(f))
                return std::nullopt;
            if (f.endsWith(QLatin1String("kustomization.yaml")))
                return QByteArray(
                    "images:\n- name: ghcr.io/acme/checkout-migrations\n  newTag: v1\n"
                    "- name: ghcr.io/acme/checkout\n  newTag: v1\n- name: payments\n"
                    "  newTag: v1\n");
            return QByteArray("image:\n  tag: v1\n");
        };
        const GitOpsTarget t = gitOpsTarget(ws, service, env, version, read);
        QCOMPARE(t.error, error);
        QCOMPARE(t.file, file);
        QCOMPARE(t.key.toString(), key);
    }

    void ambiguousImageIsNamedNotGuessed()
    {
        const Workspace ws = load(kWorkspace);
        const GitOpsTarget t =
            gitOpsTarget(ws, QStringLiteral("checkout"), QStringLiteral("prod"),
                         QStringLiteral("v1"), [](const QString &) -> std::optional<QByteArray> {
                             return QByteArray("images:\n- {name: a/checkout, newTag: v1}\n"
                                               "- {name: b/checkout, newTag: v1}\n");
                         });
        QCOMPARE(t.error,
                 QStringLiteral("apps/checkout/overlays/prod/kustomization.yaml: more than one "
                                "(a/checkout, b/checkout) images entry is named checkout or "
                                "…/checkout; name the key with "
                                "services.checkout.environments.prod.gitops.key"));
    }

    void commitMessage()
    {
        CommitRecord a, b;
        a.sha = QStringLiteral("aaaaaaaa11112222");
        a.subject = QStringLiteral("Fix cart rounding (#41)");
        b.sha = QStringLiteral("bbbbbbbb33334444");
        b.subject = QStringLiteral("Add retry budget (#40)");
        Workspace ws;
        QCOMPARE(gitOpsCommitMessage(ws, QStringLiteral("checkout"), QStringLiteral("prod"),
                                     QStringLiteral("v1.8.2"), QStringLiteral("v1.8.3"), {a, b}),
                 QStringLiteral("promote checkout to v1.8.3 in prod\n\n"
                                "v1.8.2 → v1.8.3 brings 2 commit(s):\n"
                                "aaaaaaaa Fix cart rounding (#41)\n"
                                "bbbbbbbb Add retry budget (#40)\n"));
        QCOMPARE(gitOpsCommitMessage(ws, QStringLiteral("checkout"), QStringLiteral("prod"),
                                     QStringLiteral("v1.8.2"), QStringLiteral("v1.8.3"), {a, b}, 1)
                     .section(u'\n', 3),
                 QStringLiteral("aaaaaaaa Fix cart rounding (#41)\n… and 1 more\n"));
        ws = load(kWorkspace);
        QCOMPARE(gitOpsCommitMessage(ws, QStringLiteral("checkout"), QStringLiteral("prod"),
                                     QStringLiteral("v1.8.2"), QStringLiteral("v1.8.3"), {}),
                 QStringLiteral("deploy(prod): checkout v1.8.2 -> v1.8.3"));
    }
};

QTEST_GUILESS_MAIN(TestGitOpsTarget)
#include "tst_gitopstarget.moc"
