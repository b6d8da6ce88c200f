// The comparison engine: YAML flattening (anchors, merge keys, multi-document files), config
// diffs with per-environment noise normalized, bad files, version relations, and the demo
// sandbox's services compared end to end against the sandbox's own account of its history.
#include "../git_range/testrepo.h"

#include "compare/compareengine.h"
#include "compare/comparemodels.h"
#include "compare/comparereport.h"
#include "estate/estate.h"
#include "workspace/workspace.h"

#include "core/sandbox.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

const QString kFixtures = QStringLiteral(FD_SOURCE_DIR "/tests/unit/compare/fixtures");

QByteArray readFixture(const QString &rel)
{
    QFile f(kFixtures + QLatin1Char('/') + rel);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

using Row = std::tuple<QString, QString, QString, QString>; // kind, path, a, b

QList<Row> rowsOf(const QList<ConfigChange> &changes, bool withNormalized = true)
{
    QList<Row> out;
    for (const ConfigChange &c : changes)
        if (withNormalized || c.kind != ConfigChange::Kind::Normalized)
            out.append({toString(c.kind), c.path, c.a, c.b});
    return out;
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void anchorsAndMergeKeys()
    {
        const FlatYaml a = flattenYaml(readFixture(QStringLiteral("anchors/a.yaml")));
        const FlatYaml b = flattenYaml(readFixture(QStringLiteral("anchors/b.yaml")));
        QVERIFY2(a.error.isEmpty(), qPrintable(a.error));
        QVERIFY2(b.error.isEmpty(), qPrintable(b.error));
        QCOMPARE(
            a.leaves.keys(),
            (QStringList{QStringLiteral("defaults.image"), QStringLiteral("defaults.resources.cpu"),
                         QStringLiteral("defaults.resources.memory"), QStringLiteral("web.image"),
                         QStringLiteral("web.port"), QStringLiteral("web.resources.cpu"),
                         QStringLiteral("web.resources.memory"), QStringLiteral("worker.image"),
                         QStringLiteral("worker.resources.cpu"),
                         QStringLiteral("worker.resources.memory")}));
        // Explicit keys win over merged ones.
        QCOMPARE(a.leaves.value(QStringLiteral("worker.image")).value,
                 QStringLiteral("ghcr.io/acme/shop-worker"));
        QCOMPARE(a.leaves.value(QStringLiteral("web.resources.memory")).value,
                 QStringLiteral("128Mi"));
        QCOMPARE(a.leaves.value(QStringLiteral("web.port")).line, 9);
        const QList<ConfigChange> diff = diffFlat(
            a, b, QStringLiteral("f"), QStringLiteral("staging"), QStringLiteral("prod"), {});
        QCOMPARE(rowsOf(diff), (QList<Row>{{QStringLiteral("changed"), QStringLiteral("web.port"),
                                            QStringLiteral("8080"), QStringLiteral("8081")}}));
    }

    void multiDocument()
    {
        const FlatYaml a = flattenYaml(readFixture(QStringLiteral("multidoc/staging.yaml")));
        const FlatYaml b = flattenYaml(readFixture(QStringLiteral("multidoc/prod.yaml")));
        QVERIFY(a.error.isEmpty() && b.error.isEmpty());
        QVERIFY(a.leaves.value(QStringLiteral("[Deployment/shop].spec.replicas")).marked);
        const QList<ConfigChange> diff =
            diffFlat(a, b, QStringLiteral("manifests.yaml"), QStringLiteral("staging"),
                     QStringLiteral("prod"), {});
        const QString c =
            QStringLiteral("[Deployment/shop].spec.template.spec.containers[name=shop]");
        QCOMPARE(rowsOf(diff),
                 (QList<Row>{
                     {u"removed"_qs, u"[ConfigMap/shop-flags].apiVersion"_qs, QString(), u"v1"_qs},
                     {u"removed"_qs, u"[ConfigMap/shop-flags].data.newCheckout"_qs, QString(),
                      u"false"_qs},
                     {u"removed"_qs, u"[ConfigMap/shop-flags].kind"_qs, QString(), u"ConfigMap"_qs},
                     {u"removed"_qs, u"[ConfigMap/shop-flags].metadata.name"_qs, QString(),
                      u"shop-flags"_qs},
                     {u"normalized"_qs, u"[Deployment/shop].metadata.namespace"_qs,
                      u"shop-staging"_qs, u"shop-prod"_qs},
                     {u"normalized"_qs, u"[Deployment/shop].spec.replicas"_qs, u"2"_qs, u"6"_qs},
                     {u"changed"_qs, c + u".env[name=LOG_LEVEL].value"_qs, u"debug"_qs, u"info"_qs},
                     {u"normalized"_qs, c + u".env[name=REGION].value"_qs, u"eu-staging-1"_qs,
                      u"eu-prod-1"_qs},
                     {u"changed"_qs, c + u".image"_qs, u"ghcr.io/acme/shop:v1.5.0"_qs,
                      u"ghcr.io/acme/shop:v1.4.2"_qs},
                 }));
        QCOMPARE(diff[5].note, QStringLiteral("marked per-environment"));
        QCOMPARE(diff[7].note, QStringLiteral("environment name"));
        // Without the normalizations every one of those is a change.
        NoiseRules strict;
        strict.namespaces = strict.environmentNames = false;
        QCOMPARE(rowsOf(diffFlat(a, b, {}, u"staging"_qs, u"prod"_qs, strict), false).size(), 8);
        const auto images = imagesOf(a);
        QCOMPARE(images.size(), 1);
        QCOMPARE(images.first(), QStringLiteral("ghcr.io/acme/shop:v1.5.0"));
    }

    void badYaml_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("unclosed flow")
            << QByteArray("a:\n  b: [1, 2\nc: 3\n") << QStringLiteral("3:");
        QTest::newRow("bad indent") << QByteArray("a: 1\n b: 2\n") << QStringLiteral("2:");
        QTest::newRow("unknown alias") << QByteArray("a: *nope\n") << QStringLiteral("1:");
    }
    void badYaml()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        const FlatYaml f = flattenYaml(text);
        QVERIFY2(f.error.startsWith(error), qPrintable(f.error));
        QVERIFY(f.leaves.isEmpty());
    }

    void gitopsOverlays()
    {
        NoiseRules rules;
        rules.perEnvironmentKeys = {QStringLiteral("replicaCount"),
                                    QStringLiteral("replicas[name=shop].count")};
        const ConfigDiff d =
            diffServiceConfig(kFixtures + QStringLiteral("/gitops"), QStringLiteral("shop"),
                              QStringLiteral("staging"), QStringLiteral("prod"), rules);
        QVERIFY(d.problems.isEmpty());
        QCOMPARE(d.filesA,
                 (QStringList{u"overlays/<env>/kustomization.yaml"_qs, u"values-<env>.yaml"_qs}));
        QCOMPARE(d.filesB,
                 (QStringList{u"overlays/<env>/hpa.yaml"_qs,
                              u"overlays/<env>/kustomization.yaml"_qs, u"values-<env>.yaml"_qs}));
        QList<std::tuple<QString, QString, QString, QString, QString>> rows;
        for (const ConfigChange &c : d.changes)
            rows.append({c.file, toString(c.kind), c.path, c.a, c.b});
        const QString k = QStringLiteral("overlays/<env>/kustomization.yaml");
        const QString v = QStringLiteral("values-<env>.yaml");
        QCOMPARE(
            rows,
            (QList<std::tuple<QString, QString, QString, QString, QString>>{
                {u"overlays/<env>/hpa.yaml"_qs, u"removed"_qs, QString(), QString(), u"present"_qs},
                {k, u"removed"_qs, u"commonLabels.tier"_qs, QString(), u"critical"_qs},
                {k, u"changed"_qs, u"images[name=ghcr.io/acme/shop].newTag"_qs, u"v1.5.0"_qs,
                 u"v1.4.2"_qs},
                {k, u"normalized"_qs, u"namespace"_qs, u"shop-staging"_qs, u"shop-prod"_qs},
                {k, u"normalized"_qs, u"replicas[name=shop].count"_qs, u"2"_qs, u"6"_qs},
                {v, u"normalized"_qs, u"env"_qs, u"staging"_qs, u"prod"_qs},
                {v, u"added"_qs, u"featureFlags.newCheckout"_qs, u"true"_qs, QString()},
                {v, u"changed"_qs, u"image.tag"_qs, u"v1.5.0"_qs, u"v1.4.2"_qs},
                {v, u"normalized"_qs, u"replicaCount"_qs, u"1"_qs, u"4"_qs},
            }));
        QCOMPARE(d.realChanges(), 5);
        QCOMPARE(d.images,
                 (QList<ImagePair>{{u"ghcr.io/acme/shop"_qs, k, u"ghcr.io/acme/shop:v1.5.0"_qs,
                                    u"ghcr.io/acme/shop:v1.4.2"_qs},
                                   {u"ghcr.io/acme/shop"_qs, v, u"ghcr.io/acme/shop:v1.5.0"_qs,
                                    u"ghcr.io/acme/shop:v1.4.2"_qs}}));
        // Without the marks, replica counts are real differences.
        const ConfigDiff plain =
            diffServiceConfig(kFixtures + QStringLiteral("/gitops"), QStringLiteral("shop"),
                              QStringLiteral("staging"), QStringLiteral("prod"), {});
        QCOMPARE(plain.realChanges(), 7);
        // No GitOps repository, or no files for the service: no config layer, no problem.
        QVERIFY(
            !diffServiceConfig(QString(), u"shop"_qs, u"staging"_qs, u"prod"_qs, {}).hasSource());
        QVERIFY(!diffServiceConfig(kFixtures + u"/gitops"_qs, u"ghost"_qs, u"staging"_qs,
                                   u"prod"_qs, {})
                     .hasSource());
    }

    void unreadableAndBrokenFiles()
    {
        // Copy the fixture so this test can put a directory where prod's values file belongs.
        QTemporaryDir dir;
        const QString app = dir.path() + QStringLiteral("/apps/broken");
        QVERIFY(QDir().mkpath(app + QStringLiteral("/overlays/staging")));
        QVERIFY(QDir().mkpath(app + QStringLiteral("/overlays/prod")));
        for (const QString &rel :
             {u"overlays/staging/kustomization.yaml"_qs, u"overlays/prod/kustomization.yaml"_qs,
              u"values-staging.yaml"_qs})
            QVERIFY(QFile::copy(kFixtures + u"/gitops/apps/broken/"_qs + rel, app + u'/' + rel));
        QVERIFY(QDir().mkpath(app + QStringLiteral("/values-prod.yaml")));

        const ConfigDiff d =
            diffServiceConfig(dir.path(), QStringLiteral("broken"), QStringLiteral("staging"),
                              QStringLiteral("prod"), {});
        QCOMPARE(d.problems.size(), 2);
        QCOMPARE(d.problems[0],
                 QStringLiteral("apps/broken/values-staging.yaml: not valid YAML at 4:13: "
                                "end of sequence flow not found"));
        QCOMPARE(d.problems[1],
                 QStringLiteral("apps/broken/values-prod.yaml: cannot read: it is a directory"));
        // The readable files are still compared.
        QCOMPARE(rowsOf(d.changes, false),
                 (QList<Row>{{u"changed"_qs, u"images[name=ghcr.io/acme/broken].newTag"_qs,
                              u"v2.0.0"_qs, u"v1.9.0"_qs}}));
    }

    void versionRelations_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("aPresent");
        QTest::addColumn<bool>("bPresent");
        QTest::addColumn<int>("relation");
        QTest::addColumn<QString>("problem");
        using R = VersionRelation;
        QTest::newRow("same") << u"v1.2.3"_qs << u"v1.2.3"_qs << true << true << int(R::Same)
                              << QString();
        QTest::newRow("ahead patch")
            << u"v1.2.4"_qs << u"v1.2.3"_qs << true << true << int(R::Ahead)
            << u"commits: no repository is configured for svc"_qs;
        QTest::newRow("behind minor")
            << u"1.9.0"_qs << u"v1.10.0"_qs << true << true << int(R::Behind)
            << u"commits: no repository is configured for svc"_qs;
        QTest::newRow("unparsable") << u"main"_qs << u"abc"_qs << true << true << int(R::Unknown)
                                    << u"commits: no repository is configured for svc"_qs;
        QTest::newRow("only in A") << u"v1"_qs << QString() << true << false << int(R::Missing)
                                   << u"deployed only in staging"_qs;
        QTest::newRow("only in B") << QString() << u"v1"_qs << false << true << int(R::Missing)
                                   << u"deployed only in prod"_qs;
        QTest::newRow("neither") << QString() << QString() << false << false << int(R::Missing)
                                 << u"not deployed in staging or prod"_qs;
    }
    void versionRelations()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, aPresent);
        QFETCH(bool, bPresent);
        QFETCH(int, relation);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        RepositoryCache cache(dir.path());
        CompareRequest req;
        req.envA = QStringLiteral("staging");
        req.envB = QStringLiteral("prod");
        ServiceInput in;
        in.service = QStringLiteral("svc");
        in.a.present = aPresent;
        in.a.version = a;
        in.b.present = bPresent;
        in.b.version = b;
        const ServiceComparison s = compareService(cache, req, in);
        QCOMPARE(int(s.relation), relation);
        QCOMPARE(s.relationFromGit, false);
        QCOMPARE(s.problems.value(0), problem);
    }

    // The demo sandbox: real repositories, a GitOps repository, and the world's own record of
    // what runs where. staging vs prod must list exactly the commits the world says lie between.
    void demoSandboxEndToEnd()
    {
        QTemporaryDir dir;
        sandbox::Options options;
        options.scenario = QStringLiteral("demo");
        options.epochMs = 1767225600000;
        options.gitDir = dir.path() + QStringLiteral("/git");
        QString error;
        const sandbox::World world = sandbox::buildWorld(options, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!world.services.isEmpty());

        Workspace ws;
        for (const QString &e : world.environments)
            ws.environments.append(EnvironmentDef{e, e == QLatin1String("prod"), {}, {}});
        ws.gitopsPath = world.gitopsPath;
        Estate estate;
        for (const sandbox::SimService &s : world.services) {
            ServiceDef def;
            def.name = s.name;
            def.repoPath = s.gitPath;
            ws.services.append(def);
            for (const sandbox::SimTarget &t : s.targets) {
                const sandbox::SimDeploy *d = t.current();
                QVERIFY(d);
                EnvironmentState st;
                st.connectionId = t.backend;
                st.service = s.name;
                st.environment = t.environment;
                st.version = d->version;
                st.commit = d->sha;
                st.deployedAt = QDateTime::fromMSecsSinceEpoch(d->atMs, Qt::UTC);
                st.sync = SyncState::Synced;
                RecordSet rs;
                rs.environments = {st};
                estate.publish(t.backend, rs, 0);
            }
        }
        const auto [envA, envB] = defaultCompareEnvironments(ws.environmentNames());
        QCOMPARE(envA, QStringLiteral("staging"));
        QCOMPARE(envB, QStringLiteral("prod"));

        CompareEngine engine(nullptr, dir.path() + QStringLiteral("/mirrors"));
        QSignalSpy finished(&engine, &CompareEngine::finished);
        QSignalSpy progress(&engine, &CompareEngine::progress);
        engine.start(makeCompareRequest(ws, estate, envA, envB));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const CompareReport report = finished.first().first().value<CompareReport>();
        QCOMPARE(report.services.size(), world.services.size());
        QVERIFY(progress.size() >= 1);
        QCOMPARE(engine.repositories()->openCount(), int(world.services.size()));

        int aheadServices = 0;
        int prs = 0;
        for (const sandbox::SimService &s : world.services) {
            const ServiceComparison *c = report.service(s.name);
            QVERIFY(c);
            QVERIFY2(c->commits.ok(), qPrintable(c->commits.error.toString()));
            // The oracle: reachability over the world's own parent lists.
            QHash<QString, QStringList> parents;
            for (const sandbox::SimCommit &sc : s.commits)
                parents.insert(sc.sha, sc.parents);
            const auto reach = [&](const QString &tip) {
                QSet<QString> seen;
                QStringList todo{tip};
                while (!todo.isEmpty()) {
                    const QString x = todo.takeLast();
                    if (seen.contains(x))
                        continue;
                    seen.insert(x);
                    todo += parents.value(x);
                }
                return seen;
            };
            const QString aSha = s.target(envA)->current()->sha;
            const QString bSha = s.target(envB)->current()->sha;
            const QSet<QString> expected = reach(aSha) - reach(bSha);
            QSet<QString> got;
            for (const CommitRecord &r : c->commits.commits) {
                got.insert(r.sha);
                prs += r.change.isValid();
                QVERIFY(r.leadTimeSecs >= 0);
                QCOMPARE(r.leadTimeSecs, r.committed.secsTo(c->a.deployedAt));
            }
            QCOMPARE(got, expected);
            QCOMPARE(c->commits.ahead, int(expected.size()));
            QCOMPARE(c->commits.behind, int((reach(bSha) - reach(aSha)).size()));
            QCOMPARE(toString(c->relation),
                     toString(expected.isEmpty() ? VersionRelation::Same : VersionRelation::Ahead));
            aheadServices += !expected.isEmpty();

            // Argo CD apps have overlays: their image tags are the deployed versions.
            if (s.target(envA)->backend == QLatin1String("argocd") &&
                s.target(envB)->backend == QLatin1String("argocd")) {
                QVERIFY2(c->config.problems.isEmpty(), qPrintable(c->config.problems.join(u'\n')));
                const QString image = QStringLiteral("ghcr.io/acme/") + s.name;
                QVERIFY(!c->config.images.isEmpty());
                for (const ImagePair &i : c->config.images) {
                    QCOMPARE(i.name, image);
                    QCOMPARE(i.a, image + u':' + s.target(envA)->current()->version);
                    QCOMPARE(i.b, image + u':' + s.target(envB)->current()->version);
                }
            }
        }
        QVERIFY(aheadServices >= 3);
        QVERIFY(prs > 0);

        // The Markdown names every service, and for an ahead one its commits and PR numbers.
        const QString md = compareToMarkdown(report);
        for (const ServiceComparison &c : report.services) {
            QVERIFY(md.contains(QStringLiteral("\n## %1\n").arg(c.service)));
            for (const CommitRecord &r : c.commits.commits) {
                QVERIFY(md.contains(QLatin1Char('`') + r.shortSha() + QLatin1Char('`')));
                if (r.change.isValid())
                    QVERIFY(md.contains(QStringLiteral("| %1 |").arg(r.change.text())));
            }
        }
        QVERIFY(md.contains(QStringLiteral("### Commits in staging not in prod")));
        const QJsonObject json = compareToJson(report);
        QCOMPARE(json.value(u"a"_qs).toString(), QStringLiteral("staging"));
        QCOMPARE(json.value(u"services"_qs).toArray().size(), report.services.size());

        // Warm: the same comparison again opens nothing new.
        QSignalSpy again(&engine, &CompareEngine::finished);
        engine.start(makeCompareRequest(ws, estate, envA, envB));
        QTRY_COMPARE_WITH_TIMEOUT(again.size(), 1, 30000);
        QCOMPARE(engine.repositories()->openCount(), int(world.services.size()));

        // Bad input for one service leaves the rest compared.
        CompareRequest req = makeCompareRequest(ws, estate, envA, envB);
        req.services[0].repoPath = dir.path() + QStringLiteral("/gone");
        req.services[1].b.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        const CompareReport bad = compareAll(*engine.repositories(), req);
        QCOMPARE(toString(bad.services[0].commits.error.kind),
                 toString(GitError::Kind::MissingRepository));
        QVERIFY(bad.services[0].problems.first().startsWith(u"commits: "_qs));
        // A deployed sha that history lost: the release tags still give the range, with a word.
        QVERIFY(bad.services[1].commits.ok());
        QCOMPARE(bad.services[1].commits.ahead, report.services[1].commits.ahead);
        QVERIFY(bad.services[1].problems.first().contains(u"is not in the repository"_qs));
        QVERIFY(bad.services[1].problems.first().endsWith(u"compared by version tags instead"_qs));
        // Without a tag to fall back on, the loss is the answer.
        req.services[1].b.version = QStringLiteral("v0.0.0-gone");
        const ServiceComparison lost = compareService(*engine.repositories(), req, req.services[1]);
        QCOMPARE(toString(lost.commits.error.kind), toString(GitError::Kind::CommitNotFound));
        QVERIFY(lost.problems.first().startsWith(u"commits: "_qs));
        for (int i = 2; i < bad.services.size(); ++i)
            QVERIFY(bad.services[i].commits.ok());
    }

    void newerJobWins()
    {
        QTemporaryDir dir;
        CompareEngine engine(nullptr, dir.path());
        QSignalSpy finished(&engine, &CompareEngine::finished);
        CompareRequest first;
        first.envA = QStringLiteral("dev");
        first.envB = QStringLiteral("staging");
        for (int i = 0; i < 50; ++i)
            first.services.append(ServiceInput{QStringLiteral("s%1").arg(i), {}, {}, {}, {}});
        CompareRequest second = first;
        second.envA = QStringLiteral("staging");
        second.envB = QStringLiteral("prod");
        engine.start(first);
        engine.start(second);
        QTRY_COMPARE(finished.size(), 1);
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<CompareReport>().envA, QStringLiteral("staging"));
        QVERIFY(!engine.isRunning());
    }

    void itemModels()
    {
        CompareGridModel grid;
        QAbstractItemModelTester gridTester(&grid,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        CommitListModel commits;
        QAbstractItemModelTester commitsTester(
            &commits, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConfigDiffModel config;
        QAbstractItemModelTester configTester(
            &config, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ImagePairModel images;
        QAbstractItemModelTester imagesTester(
            &images, QAbstractItemModelTester::FailureReportingMode::QtTest);

        const QDateTime now = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
        grid.setNow(now);
        const auto svc = [&](const QString &name, VersionRelation rel, int ahead) {
            ServiceComparison s;
            s.service = name;
            s.relation = rel;
            s.relationFromGit = true;
            s.a = EnvironmentSide{true, u"argocd"_qs, u"v1.5.0"_qs, u"aaaa"_qs, now.addSecs(-3600)};
            s.b = EnvironmentSide{true, u"argocd"_qs, u"v1.4.0"_qs, u"bbbb"_qs, now.addDays(-2)};
            s.commits.ahead = ahead;
            return s;
        };
        CompareReport r;
        r.envA = QStringLiteral("staging");
        r.envB = QStringLiteral("prod");
        r.services = {svc(u"checkout"_qs, VersionRelation::Ahead, 3),
                      svc(u"payments"_qs, VersionRelation::Same, 0)};
        grid.setReport(r);
        QCOMPARE(grid.rowCount(), 2);
        QCOMPARE(
            grid.headerData(CompareGridModel::VersionA, Qt::Horizontal, Qt::DisplayRole).toString(),
            u"staging"_qs);
        QCOMPARE(grid.index(0, CompareGridModel::VersionA).data().toString(),
                 u"v1.5.0  ·  1h 0m"_qs);
        QCOMPARE(grid.index(0, CompareGridModel::VersionB).data().toString(),
                 u"v1.4.0  ·  2d 0h"_qs);
        QCOMPARE(grid.index(0, CompareGridModel::Gap).data().toString(), u"ahead +3"_qs);
        QCOMPARE(grid.index(0, CompareGridModel::Changes).data().toString(), u"0"_qs);

        // A refresh merges: payments goes, search arrives, checkout changes in place.
        QSignalSpy removed(&grid, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&grid, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&grid, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&grid, &QAbstractItemModel::dataChanged);
        r.services = {svc(u"checkout"_qs, VersionRelation::Ahead, 4),
                      svc(u"search"_qs, VersionRelation::Missing, 0)};
        r.services[1].b.present = false;
        grid.setReport(r);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(grid.index(0, CompareGridModel::Gap).data().toString(), u"ahead +4"_qs);
        QCOMPARE(grid.index(1, CompareGridModel::Gap).data().toString(), u"only in staging"_qs);
        QCOMPARE(grid.index(1, 0).data(CompareRoles::RelationRole).toInt(),
                 int(VersionRelation::Missing));

        CommitRange range;
        CommitRecord c1{u"1111111111"_qs,
                        u"Ada"_qs,
                        u"ada@x"_qs,
                        now,
                        now.addSecs(-100),
                        u"Fix (#5)"_qs,
                        ChangeRef{ChangeRef::Kind::PullRequest, 5, {}},
                        1,
                        100};
        CommitRecord c2 = c1;
        c2.sha = u"2222222222"_qs;
        range.commits = {c1};
        range.missing = {c2};
        commits.setRange(range, u"staging"_qs, u"prod"_qs);
        QCOMPARE(commits.rowCount(), 2);
        QCOMPARE(commits.index(0, CommitListModel::Change).data().toString(), u"#5"_qs);
        QCOMPARE(commits.index(0, CommitListModel::LeadTime).data().toString(), u"1m"_qs);
        QCOMPARE(commits.index(1, CommitListModel::In).data().toString(), u"prod"_qs);
        QCOMPARE(commits.index(1, 0).data(CompareRoles::SideRole).toInt(), 1);

        const ConfigDiff d =
            diffServiceConfig(kFixtures + QStringLiteral("/gitops"), QStringLiteral("shop"),
                              QStringLiteral("staging"), QStringLiteral("prod"), {});
        config.setDiff(d, u"staging"_qs, u"prod"_qs);
        QCOMPARE(config.rowCount(), d.realChanges());
        config.setShowNormalized(true);
        QCOMPARE(config.rowCount(), d.changes.size());
        QCOMPARE(
            config.headerData(ConfigDiffModel::ValueB, Qt::Horizontal, Qt::DisplayRole).toString(),
            u"prod"_qs);
        images.setImages(d.images, u"staging"_qs, u"prod"_qs);
        QCOMPARE(images.rowCount(), 2);
        QCOMPARE(images.index(0, ImagePairModel::ImageB).data().toString(),
                 u"ghcr.io/acme/shop:v1.4.2"_qs);
    }
};

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
