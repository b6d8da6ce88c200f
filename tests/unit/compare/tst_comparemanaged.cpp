// The Argo CD layer of the comparison: desired manifests of A against B (paired by kind/name,
// namespace and environment names normalized, images side by side), live against desired per
// resource (drift), the asynchronous fetch with its timeouts, and what the reports and models
// show of it.
#include "compare/compareengine.h"
#include "compare/comparemodels.h"
#include "compare/comparereport.h"
#include "compare/managedfetch.h"
#include "backend/backend.h"
#include "estate/estate.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace fd;

namespace {

const QString kFixtures = QStringLiteral(FD_SOURCE_DIR "/tests/unit/compare/fixtures/managed");

QList<ManagedResource> loadResources(const QString &name)
{
    QFile f(kFixtures + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<ManagedResource> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(f.readAll()).array()) {
        const QJsonObject o = v.toObject();
        ManagedResource r;
        r.group = o.value(u"group"_qs).toString();
        r.kind = o.value(u"kind"_qs).toString();
        r.ns = o.value(u"namespace"_qs).toString();
        r.name = o.value(u"name"_qs).toString();
        r.desired = o.value(u"desired"_qs).toObject();
        r.live = o.value(u"live"_qs).toObject();
        r.modified = o.value(u"modified"_qs).toBool();
        r.error = o.value(u"error"_qs).toString();
        out.append(r);
    }
    return out;
}

ManagedResources side(const QString &app, const QList<ManagedResource> &resources)
{
    ManagedResources m;
    m.connectionId = QStringLiteral("argocd");
    m.application = app;
    m.answered = true;
    m.resources = resources;
    return m;
}

using Row = std::tuple<QString, QString, QString, QString, QString>; // kind, file, path, a, b

QList<Row> rowsOf(const QList<ConfigChange> &changes)
{
    QList<Row> out;
    for (const ConfigChange &c : changes)
        out.append({toString(c.kind), c.file, c.path, c.a, c.b});
    return out;
}

const QString kWeb = QStringLiteral("spec.template.spec.containers[name=web]");

/// A backend whose managed resources answer as each test sets up: at once (inside the call),
/// after a delay, never, or with an error.
class FakeBackend : public Backend
{
public:
    struct Answer
    {
        QList<ManagedResource> resources;
        QString error;
        int delayMs = 0; // 0 answers inside the call; -1 never answers
    };
    QHash<QString, Answer> answers;
    QStringList asked;

    Capabilities capabilities() const override { return int(Capability::Environments); }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &) const override { return {}; }
    quint64 execute(const ActionPlan &) override { return 0; }
    void fetchManagedResources(
        const QString &object,
        std::function<void(const QList<ManagedResource> &, const QString &)> done) override
    {
        asked.append(object);
        const auto it = answers.constFind(object);
        if (it == answers.cend())
            return done({}, QStringLiteral("application %1 not found").arg(object));
        const Answer a = *it;
        if (a.delayMs == 0)
            done(a.resources, a.error);
        else if (a.delayMs > 0)
            QTimer::singleShot(a.delayMs, [a, done] { done(a.resources, a.error); });
    }
};

ServiceInput argoService(const QString &name)
{
    ServiceInput in;
    in.service = name;
    in.managedA.connectionId = in.managedB.connectionId = QStringLiteral("argocd");
    in.managedA.application = name + QStringLiteral("-staging");
    in.managedB.application = name + QStringLiteral("-prod");
    return in;
}

} // namespace

class TestCompareManaged : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void flattenJsonMatchesYaml()
    {
        const QJsonObject o = QJsonDocument::fromJson(R"({
            "spec": {"replicas": 3, "ratio": 0.25, "paused": false, "extra": null,
                     "empty": {}, "none": [], "ports": [80, 443],
                     "containers": [{"name": "web", "image": "a:1"}]},
            "metadata": {"labels": {"app.kubernetes.io/name": "web"}}})")
                                  .object();
        const FlatYaml json = flattenJson(o);
        const FlatYaml yaml = flattenYaml(R"(
spec:
  replicas: 3
  ratio: 0.25
  paused: false
  extra: null
  empty: {}
  none: []
  ports: [80, 443]
  containers:
    - name: web
      image: "a:1"
metadata:
  labels:
    app.kubernetes.io/name: web
)");
        QVERIFY2(yaml.error.isEmpty(), qPrintable(yaml.error));
        QCOMPARE(json.leaves.keys(), yaml.leaves.keys());
        for (auto it = json.leaves.cbegin(); it != json.leaves.cend(); ++it)
            QCOMPARE(it->value, yaml.leaves.value(it.key()).value);
        QCOMPARE(json.leaves.value(u"spec.containers[name=web].image"_qs).value, u"a:1"_qs);
        QCOMPARE(json.leaves.value(u"metadata.labels[\"app.kubernetes.io/name\"]"_qs).value,
                 u"web"_qs);
    }

    void desiredStagingVsProd()
    {
        NoiseRules rules;
        rules.perEnvironmentKeys = {QStringLiteral("spec.replicas")};
        QList<ImagePair> images;
        const QList<ConfigChange> diff =
            diffDesired(loadResources(u"staging.json"_qs), loadResources(u"prod.json"_qs),
                        u"staging"_qs, u"prod"_qs, rules, &images);
        const QString cm = QStringLiteral("argocd:ConfigMap/web-config-<env>");
        const QString dep = QStringLiteral("argocd:Deployment/web");
        QCOMPARE(
            rowsOf(diff),
            (QList<Row>{
                {u"changed"_qs, cm, u"data.CACHE_TTL"_qs, u"30"_qs, u"300"_qs},
                {u"normalized"_qs, cm, u"data.DB_HOST"_qs, u"db.staging.internal"_qs,
                 u"db.prod.internal"_qs},
                {u"added"_qs, cm, u"data.RETRIES"_qs, u"3"_qs, QString()},
                {u"normalized"_qs, cm, u"metadata.name"_qs, u"web-config-staging"_qs,
                 u"web-config-prod"_qs},
                {u"normalized"_qs, cm, u"metadata.namespace"_qs, u"shop-staging"_qs,
                 u"shop-prod"_qs},
                {u"normalized"_qs, dep, u"metadata.labels[\"app.kubernetes.io/instance\"]"_qs,
                 u"web-staging"_qs, u"web-prod"_qs},
                {u"normalized"_qs, dep, u"metadata.namespace"_qs, u"shop-staging"_qs,
                 u"shop-prod"_qs},
                {u"normalized"_qs, dep, u"spec.replicas"_qs, u"2"_qs, u"6"_qs},
                {u"added"_qs, dep, kWeb + u".env[name=FEATURE_CART].name"_qs, u"FEATURE_CART"_qs,
                 QString()},
                {u"added"_qs, dep, kWeb + u".env[name=FEATURE_CART].value"_qs, u"on"_qs, QString()},
                {u"changed"_qs, dep, kWeb + u".env[name=LOG_LEVEL].value"_qs, u"debug"_qs,
                 u"info"_qs},
                {u"changed"_qs, dep, kWeb + u".image"_qs, u"ghcr.io/acme/web:v1.5.0"_qs,
                 u"ghcr.io/acme/web:v1.4.2"_qs},
                {u"removed"_qs, u"argocd:Ingress/web"_qs, QString(), QString(), u"present"_qs},
                {u"added"_qs, u"argocd:Service/web-canary"_qs, QString(), u"present"_qs, QString()},
            }));
        QCOMPARE(diff[1].note, u"environment name"_qs);
        QCOMPARE(diff[4].note, u"namespace"_qs);
        QCOMPARE(diff[7].note, u"marked per-environment"_qs);
        // Images side by side, per container.
        QCOMPARE(images,
                 (QList<ImagePair>{{u"ghcr.io/acme/proxy"_qs, dep, u"ghcr.io/acme/proxy:3.1"_qs,
                                    u"ghcr.io/acme/proxy:3.1"_qs},
                                   {u"ghcr.io/acme/web"_qs, dep, u"ghcr.io/acme/web:v1.5.0"_qs,
                                    u"ghcr.io/acme/web:v1.4.2"_qs}}));

        // Replicas count as a change unless the workspace marks them per-environment, and the
        // namespace unless it is normalized.
        NoiseRules strict;
        strict.namespaces = strict.environmentNames = false;
        const QList<ConfigChange> raw =
            diffDesired(loadResources(u"staging.json"_qs), loadResources(u"prod.json"_qs),
                        u"staging"_qs, u"prod"_qs, strict);
        QCOMPARE(raw[7].path, u"spec.replicas"_qs);
        QCOMPARE(toString(raw[7].kind), u"changed"_qs);
        QCOMPARE(toString(raw[4].kind), u"changed"_qs);
    }

    void deploymentPairsWithRollout()
    {
        QList<ManagedResource> a = loadResources(u"staging.json"_qs).mid(0, 1);
        QList<ManagedResource> b = loadResources(u"prod.json"_qs).mid(0, 1);
        b[0].group = QStringLiteral("argoproj.io");
        b[0].kind = QStringLiteral("Rollout");
        b[0].desired.insert(u"apiVersion"_qs, u"argoproj.io/v1alpha1"_qs);
        b[0].desired.insert(u"kind"_qs, u"Rollout"_qs);
        QList<ImagePair> images;
        const QList<ConfigChange> diff = diffDesired(a, b, u"staging"_qs, u"prod"_qs, {}, &images);
        QVERIFY(!diff.isEmpty());
        for (const ConfigChange &c : diff)
            QCOMPARE(c.file, u"argocd:Deployment|Rollout/web"_qs);
        QCOMPARE(rowsOf(diff)[0],
                 (Row{u"changed"_qs, u"argocd:Deployment|Rollout/web"_qs, u"apiVersion"_qs,
                      u"apps/v1"_qs, u"argoproj.io/v1alpha1"_qs}));
        QCOMPARE(rowsOf(diff)[1], (Row{u"changed"_qs, u"argocd:Deployment|Rollout/web"_qs,
                                       u"kind"_qs, u"Deployment"_qs, u"Rollout"_qs}));
        QCOMPARE(images.size(), 2);
        QCOMPARE(images[1].b, u"ghcr.io/acme/web:v1.4.2"_qs);
        // Other kinds of the same name stay apart.
        b[0].kind = QStringLiteral("StatefulSet");
        b[0].group = QStringLiteral("apps");
        QCOMPARE(rowsOf(diffDesired(a, b, u"staging"_qs, u"prod"_qs, {})),
                 (QList<Row>{{u"added"_qs, u"argocd:Deployment/web"_qs, QString(), u"present"_qs,
                              QString()},
                             {u"removed"_qs, u"argocd:StatefulSet/web"_qs, QString(), QString(),
                              u"present"_qs}}));
    }

    void unreadableResources()
    {
        const QList<ManagedResource> a = loadResources(u"staging.json"_qs).mid(0, 1);
        QList<ManagedResource> b = loadResources(u"prod.json"_qs).mid(0, 1);
        const QList<ConfigChange> clean = diffDesired(a, b, u"staging"_qs, u"prod"_qs, {});
        // Only the live state was unreadable: the desired states still compare.
        b[0].error = QStringLiteral("liveState is not valid JSON");
        b[0].live = {};
        QCOMPARE(diffDesired(a, b, u"staging"_qs, u"prod"_qs, {}), clean);
        // The desired state was unreadable: nothing is said about the pair, rather than
        // calling staging's Deployment "only in staging".
        b[0].desired = {};
        QVERIFY(diffDesired(a, b, u"staging"_qs, u"prod"_qs, {}).isEmpty());
        // Drift names the resource as unreadable, without paths.
        const QList<ResourceDrift> drift = driftOf(side(u"web-prod"_qs, b), u"prod"_qs);
        QCOMPARE(drift.size(), 1);
        QCOMPARE(drift[0].error, u"liveState is not valid JSON"_qs);
        QVERIFY(drift[0].changes.isEmpty() && !drift[0].missingLive && !drift[0].prunable);
    }

    void driftPerResource()
    {
        const QList<ResourceDrift> staging =
            driftOf(side(u"web-staging"_qs, loadResources(u"staging.json"_qs)), u"staging"_qs);
        QCOMPARE(staging.size(), 3);
        // Deployment: replicas scaled by hand, an env var Git sets missing live. Status,
        // resourceVersion, uid, managedFields, Argo CD's annotations and server defaults
        // (progressDeadlineSeconds, imagePullPolicy) are not drift.
        const ResourceDrift &dep = staging[0];
        QCOMPARE(dep.label(), u"Deployment/web"_qs);
        QCOMPARE(dep.environment, u"staging"_qs);
        QCOMPARE(dep.application, u"web-staging"_qs);
        QCOMPARE(dep.ns, u"shop-staging"_qs);
        QVERIFY(dep.modified);
        QVERIFY(!dep.missingLive && !dep.prunable && dep.error.isEmpty());
        QCOMPARE(
            rowsOf(dep.changes),
            (QList<Row>{
                {u"changed"_qs, u"argocd:Deployment/web"_qs, u"spec.replicas"_qs, u"2"_qs, u"5"_qs},
                {u"added"_qs, u"argocd:Deployment/web"_qs,
                 kWeb + u".env[name=FEATURE_CART].name"_qs, u"FEATURE_CART"_qs, QString()},
                {u"added"_qs, u"argocd:Deployment/web"_qs,
                 kWeb + u".env[name=FEATURE_CART].value"_qs, u"on"_qs, QString()}}));
        // The ConfigMap matches its desired state; the Service is missing, the CronJob is no
        // longer in Git.
        QCOMPARE(staging[1].label(), u"Service/web-canary"_qs);
        QVERIFY(staging[1].missingLive);
        QVERIFY(staging[1].changes.isEmpty());
        QCOMPARE(staging[2].label(), u"CronJob/old-report"_qs);
        QVERIFY(staging[2].prunable);

        const QList<ResourceDrift> prod =
            driftOf(side(u"web-prod"_qs, loadResources(u"prod.json"_qs)), u"prod"_qs);
        QCOMPARE(prod.size(), 1);
        QCOMPARE(prod[0].label(), u"Secret/web-tls"_qs);
        QCOMPARE(prod[0].error, u"targetState: not valid JSON at offset 12"_qs);

        // The backend's word alone flags a resource, even when no path can be named.
        ManagedResource flagged = loadResources(u"prod.json"_qs).first();
        flagged.modified = true;
        const QList<ResourceDrift> byFlag = driftOf(side(u"x"_qs, {flagged}), u"prod"_qs);
        QCOMPARE(byFlag.size(), 1);
        QVERIFY(byFlag[0].changes.isEmpty());
        QVERIFY(byFlag[0].drifted());
        // A side whose fetch failed says nothing about drift.
        ManagedResources failed = side(u"x"_qs, loadResources(u"staging.json"_qs));
        failed.error = QStringLiteral("timeout");
        QVERIFY(driftOf(failed, u"staging"_qs).isEmpty());
    }

    void serviceComparison()
    {
        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        request.noise.perEnvironmentKeys = {QStringLiteral("spec.replicas")};
        ServiceInput in = argoService(u"web"_qs);
        in.managedA = side(u"web-staging"_qs, loadResources(u"staging.json"_qs));
        in.managedB = side(u"web-prod"_qs, loadResources(u"prod.json"_qs));
        RepositoryCache cache;
        const ServiceComparison s = compareService(cache, request, in);
        QCOMPARE(s.config.realChanges(), 8);
        QCOMPARE(s.config.images.size(), 2);
        QVERIFY(s.config.filesA.contains(u"argocd:Service/web-canary"_qs));
        QVERIFY(!s.config.filesA.contains(u"argocd:CronJob/old-report"_qs)); // not desired
        QVERIFY(s.config.filesB.contains(u"argocd:Ingress/web"_qs));
        QCOMPARE(s.driftA.size(), 3);
        QCOMPARE(s.driftB.size(), 1);
        QCOMPARE(s.driftedResources(true), 3);
        QVERIFY(s.drifted(true) && s.drifted(false));
        QVERIFY(s.differs());
        QVERIFY(s.problems.contains(u"argocd: prod (application web-prod), "
                                    "argocd:Secret/web-tls: targetState: not valid JSON at "
                                    "offset 12"_qs));
        QCOMPARE(s.managedA.resources, 4);
        QVERIFY(s.managedA.compared);

        // The reports carry it.
        CompareReport report;
        report.envA = request.envA;
        report.envB = request.envB;
        report.generated = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
        report.services = {s};
        const QJsonObject svc = compareToJson(report).value(u"services"_qs).toArray()[0].toObject();
        const QJsonObject managed = svc.value(u"managed"_qs).toObject();
        QCOMPARE(managed.value(u"a"_qs).toObject().value(u"application"_qs).toString(),
                 u"web-staging"_qs);
        const QJsonArray driftA = svc.value(u"drift"_qs).toObject().value(u"a"_qs).toArray();
        QCOMPARE(driftA.size(), 3);
        QCOMPARE(driftA[0].toObject().value(u"kind"_qs).toString(), u"Deployment"_qs);
        QCOMPARE(driftA[0].toObject().value(u"changes"_qs).toArray()[0].toObject(),
                 (QJsonObject{{u"path"_qs, u"spec.replicas"_qs},
                              {u"kind"_qs, u"changed"_qs},
                              {u"desired"_qs, u"2"_qs},
                              {u"live"_qs, u"5"_qs}}));
        QVERIFY(driftA[1].toObject().value(u"missingLive"_qs).toBool());
        QVERIFY(driftA[2].toObject().value(u"prunable"_qs).toBool());
        bool imageChange = false;
        for (const QJsonValue &c :
             svc.value(u"config"_qs).toObject().value(u"changes"_qs).toArray())
            imageChange |= c.toObject().value(u"file"_qs).toString() == u"argocd:Deployment/web" &&
                           c.toObject().value(u"path"_qs).toString() == kWeb + u".image"_qs;
        QVERIFY(imageChange);

        const QString md = compareToMarkdown(report);
        QVERIFY(md.contains(u"| argocd:Deployment/web | `"_qs + kWeb +
                            u".image` | changed | `ghcr.io/acme/web:v1.5.0` | "
                            "`ghcr.io/acme/web:v1.4.2` |"_qs));
        QVERIFY(md.contains(u"### Drift: live vs desired (Argo CD)"_qs));
        QVERIFY(md.contains(
            u"| staging | Deployment/web | modified | `spec.replicas` | `2` | `5` |"_qs));
        QVERIFY(md.contains(u"| staging | Service/web-canary | missing live | — | — | — |"_qs));
        QVERIFY(md.contains(u"| prod | Secret/web-tls | unreadable | "
                            "targetState: not valid JSON at offset 12 | — | — |"_qs));
        QVERIFY(md.contains(u"staging: 3 out of sync, prod: 1 out of sync"_qs));
    }

    void failuresAreMessages_data()
    {
        QTest::addColumn<QString>("errorA");
        QTest::addColumn<bool>("answeredA");
        QTest::addColumn<QString>("problem");
        QTest::newRow("fetch error")
            << u"HTTP 403: permission denied"_qs << true
            << u"argocd: staging (application web-staging): HTTP 403: permission denied"_qs;
        QTest::newRow("timeout") << u"no answer within 15 s"_qs << true
                                 << u"argocd: staging (application web-staging): no answer "
                                    "within 15 s"_qs;
        QTest::newRow("never fetched")
            << QString() << false
            << u"argocd: staging (application web-staging): managed resources were not read"_qs;
    }
    void failuresAreMessages()
    {
        QFETCH(QString, errorA);
        QFETCH(bool, answeredA);
        QFETCH(QString, problem);
        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        ServiceInput in = argoService(u"web"_qs);
        in.a = EnvironmentSide{true, u"argocd"_qs, u"v1.5.0"_qs};
        in.b = EnvironmentSide{true, u"argocd"_qs, u"v1.4.2"_qs};
        in.managedA.answered = answeredA;
        in.managedA.error = errorA;
        in.managedB = side(u"web-prod"_qs, loadResources(u"prod.json"_qs));
        RepositoryCache cache;
        const ServiceComparison s = compareService(cache, request, in);
        QVERIFY2(s.problems.contains(problem), qPrintable(s.problems.join(u'\n')));
        // No half comparison: B's resources are not reported as removed.
        QCOMPARE(s.config.realChanges(), 0);
        QVERIFY(s.config.changes.isEmpty());
        // B's drift is still there, A's is unknown (falls back on the estate's word).
        QCOMPARE(s.driftB.size(), 1);
        QCOMPARE(s.driftedResources(true), -1);
        QVERIFY(!s.drifted(true));
        // The other layers still ran.
        QCOMPARE(toString(s.relation), toString(VersionRelation::Ahead));
    }

    void fetchFillsTheRequest()
    {
        FakeBackend backend;
        backend.answers.insert(u"web-staging"_qs, {loadResources(u"staging.json"_qs), {}, 0});
        backend.answers.insert(u"web-prod"_qs, {loadResources(u"prod.json"_qs), {}, 30});
        backend.answers.insert(u"api-staging"_qs, {{}, u"HTTP 500: boom"_qs, 10});
        backend.answers.insert(u"api-prod"_qs, {{}, {}, -1}); // never answers
        ManagedResourceFetch fetch([&backend](const QString &id) -> Backend * {
            return id == u"argocd" ? &backend : nullptr;
        });
        fetch.setTimeout(300);
        QSignalSpy finished(&fetch, &ManagedResourceFetch::finished);

        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        request.services = {argoService(u"web"_qs), argoService(u"api"_qs), ServiceInput{}};
        request.services[2].service = QStringLiteral("batch"); // not on Argo CD
        ServiceInput gone = argoService(u"jobs"_qs);
        gone.managedA.connectionId = QStringLiteral("argocd-eu"); // no such backend
        request.services.append(gone);
        ServiceInput shared = argoService(u"web"_qs); // the same applications again
        shared.service = QStringLiteral("web-copy");
        request.services.append(shared);
        QVERIFY(ManagedResourceFetch::needed(request));

        QElapsedTimer clock;
        clock.start();
        fetch.start(request);
        // Nothing is emitted from inside start(), even for the answers that came at once.
        QCOMPARE(finished.size(), 0);
        QVERIFY(fetch.isRunning());
        // The silent one never answers: finishing at all is its timeout at work.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QVERIFY(clock.elapsed() >= 300); // waited for the silent one
        QVERIFY(!fetch.isRunning());
        // Each application once, however many services name it.
        QCOMPARE(backend.asked.size(), 5);
        QCOMPARE(backend.asked.count(u"web-staging"_qs), 1);

        const CompareRequest filled = finished.first().first().value<CompareRequest>();
        QCOMPARE(filled.services.size(), 5);
        const ServiceInput &web = filled.services[0];
        QVERIFY(web.managedA.usable() && web.managedB.usable());
        QCOMPARE(web.managedA.resources.size(), 4);
        QCOMPARE(web.managedB.resources.size(), 4);
        QCOMPARE(filled.services[4].managedB.resources, web.managedB.resources);
        const ServiceInput &api = filled.services[1];
        QCOMPARE(api.managedA.error, u"HTTP 500: boom"_qs);
        QCOMPARE(api.managedB.error, u"no answer within 0.3 s"_qs);
        QVERIFY(!filled.services[2].managedA.requested());
        QCOMPARE(filled.services[3].managedA.error, u"connection argocd-eu is not connected"_qs);
        QCOMPARE(filled.services[3].managedB.error, u"application jobs-prod not found"_qs);

        // A reply after its timeout changes nothing; neither does a second start's older job.
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1);
        // No timeout timer outlives its request.
        QTRY_COMPARE(fetch.findChildren<QTimer *>().size(), 0);
    }

    void boundedInFlight()
    {
        // A backend that counts what is outstanding and answers after 30 ms.
        class Counting : public FakeBackend
        {
        public:
            int now = 0, most = 0;
            void fetchManagedResources(
                const QString &object,
                std::function<void(const QList<ManagedResource> &, const QString &)> done) override
            {
                asked.append(object);
                most = qMax(most, ++now);
                QTimer::singleShot(30, [this, done] {
                    --now;
                    done({}, QString());
                });
            }
        } backend;
        ManagedResourceFetch fetch([&backend](const QString &) -> Backend * { return &backend; });
        fetch.setMaxInFlight(2);
        fetch.setTimeout(200); // longer than one answer, shorter than ten rounds of two
        QSignalSpy finished(&fetch, &ManagedResourceFetch::finished);
        CompareRequest request;
        for (int i = 0; i < 10; ++i)
            request.services.append(argoService(QStringLiteral("s%1").arg(i)));
        fetch.start(request);
        QCOMPARE(backend.now, 2);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(backend.asked.size(), 20);
        QCOMPARE(backend.most, 2);
        // Waiting for a slot is not waiting for an answer: nobody timed out.
        for (const ServiceInput &s : finished.first().first().value<CompareRequest>().services)
            QVERIFY2(s.managedA.usable() && s.managedB.usable(), qPrintable(s.managedA.error));

        // Thousands answered inside the call: no recursion per application.
        FakeBackend instant;
        CompareRequest many;
        for (int i = 0; i < 5000; ++i) {
            many.services.append(argoService(QStringLiteral("m%1").arg(i)));
            instant.answers.insert(many.services.last().managedA.application, {});
            instant.answers.insert(many.services.last().managedB.application, {});
        }
        ManagedResourceFetch quick([&instant](const QString &) -> Backend * { return &instant; });
        QSignalSpy done(&quick, &ManagedResourceFetch::finished);
        quick.start(many);
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(instant.asked.size(), 10000);
    }

    void newerFetchWins()
    {
        FakeBackend backend;
        backend.answers.insert(u"web-staging"_qs, {loadResources(u"staging.json"_qs), {}, 40});
        backend.answers.insert(u"web-prod"_qs, {loadResources(u"prod.json"_qs), {}, 40});
        ManagedResourceFetch fetch([&backend](const QString &) { return &backend; });
        QSignalSpy finished(&fetch, &ManagedResourceFetch::finished);
        CompareRequest first;
        first.envA = QStringLiteral("staging");
        first.services = {argoService(u"web"_qs)};
        CompareRequest second = first;
        second.envA = QStringLiteral("second");
        fetch.start(first);
        fetch.start(second);
        QTRY_COMPARE(finished.size(), 1);
        QTest::qWait(100);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<CompareRequest>().envA, u"second"_qs);
        // Nothing to fetch still answers, later.
        fetch.start(CompareRequest{});
        QCOMPARE(finished.size(), 1);
        QTRY_COMPARE(finished.size(), 2);
    }

    void requestNamesArgoApplications()
    {
        Workspace ws;
        ws.environments = {EnvironmentDef{u"staging"_qs, false, {}, {}},
                           EnvironmentDef{u"prod"_qs, true, {}, {}}};
        ConnectionDef argo;
        argo.id = QStringLiteral("cd");
        argo.kind = QStringLiteral("argocd");
        ConnectionDef gh;
        gh.id = QStringLiteral("gh");
        gh.kind = QStringLiteral("github");
        ws.connections = {argo, gh};
        ServiceDef web;
        web.name = QStringLiteral("web");
        ws.services = {web};
        Estate estate;
        const auto state = [](const QString &conn, const QString &env, const QString &object) {
            EnvironmentState s;
            s.connectionId = conn;
            s.service = QStringLiteral("web");
            s.environment = env;
            s.object = object;
            s.version = QStringLiteral("v1");
            s.deployedAt = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
            return s;
        };
        RecordSet cd;
        cd.environments = {state(u"cd"_qs, u"staging"_qs, u"shop-web-stg"_qs),
                           state(u"cd"_qs, u"prod"_qs, QString())};
        estate.publish(u"cd"_qs, cd, 0);
        RecordSet ghSet;
        EnvironmentState newer = state(u"gh"_qs, u"prod"_qs, u"acme/web"_qs);
        newer.deployedAt = newer.deployedAt.addSecs(60);
        ghSet.environments = {newer};
        estate.publish(u"gh"_qs, ghSet, 0);
        const CompareRequest r = makeCompareRequest(ws, estate, u"staging"_qs, u"prod"_qs);
        QCOMPARE(r.services.size(), 1);
        QCOMPARE(r.services[0].managedA.application, u"shop-web-stg"_qs);
        QCOMPARE(r.services[0].managedA.connectionId, u"cd"_qs);
        // The version comes from the newer GitHub deployment; the desired state from Argo CD,
        // by naming convention when the backend did not name the application.
        QCOMPARE(r.services[0].b.connectionId, u"gh"_qs);
        QCOMPARE(r.services[0].managedB.application, u"web-prod"_qs);
        QCOMPARE(r.services[0].managedB.connectionId, u"cd"_qs);
        QVERIFY(!r.services[0].managedA.answered);
    }

    void engineFetchesThenCompares()
    {
        FakeBackend backend;
        backend.answers.insert(u"web-staging"_qs, {loadResources(u"staging.json"_qs), {}, 10});
        backend.answers.insert(u"web-prod"_qs, {loadResources(u"prod.json"_qs), {}, 0});
        CompareEngine engine;
        engine.setBackends([&backend](const QString &) { return &backend; });
        QSignalSpy fetching(&engine, &CompareEngine::fetching);
        QSignalSpy finished(&engine, &CompareEngine::finished);
        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        request.services = {argoService(u"web"_qs)};
        engine.start(request);
        QCOMPARE(fetching.size(), 1);
        QVERIFY(engine.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        const CompareReport report = finished.first().first().value<CompareReport>();
        QCOMPARE(report.services[0].driftA.size(), 3);
        QCOMPARE(report.services[0].config.realChanges(), 9); // replicas are not marked here
        QVERIFY(!engine.isRunning());

        // A newer start during the fetch: only the newer report arrives.
        QSignalSpy again(&engine, &CompareEngine::finished);
        engine.start(request);
        CompareRequest other = request;
        other.envA = QStringLiteral("dev");
        engine.start(other);
        QTRY_COMPARE_WITH_TIMEOUT(again.size(), 1, 10000);
        QTest::qWait(50);
        QCOMPARE(again.size(), 1);
        QCOMPARE(again.first().first().value<CompareReport>().envA, u"dev"_qs);
    }

    void itemModels()
    {
        ResourceDriftModel drift;
        QAbstractItemModelTester tester(&drift,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<ResourceDrift> a =
            driftOf(side(u"web-staging"_qs, loadResources(u"staging.json"_qs)), u"staging"_qs);
        const QList<ResourceDrift> b =
            driftOf(side(u"web-prod"_qs, loadResources(u"prod.json"_qs)), u"prod"_qs);
        drift.setDrift(a, b);
        QCOMPARE(drift.resourceCount(), 4);
        QCOMPARE(drift.rowCount(), 6); // three paths of the Deployment, then one per resource
        const auto text = [&](int row, int column) {
            return drift.index(row, column).data().toString();
        };
        QCOMPARE(text(0, ResourceDriftModel::Environment), u"staging"_qs);
        QCOMPARE(text(0, ResourceDriftModel::Resource), u"Deployment/web"_qs);
        QCOMPARE(text(0, ResourceDriftModel::Key), u"spec.replicas"_qs);
        QCOMPARE(text(0, ResourceDriftModel::Desired), u"2"_qs);
        QCOMPARE(text(0, ResourceDriftModel::Live), u"5"_qs);
        QCOMPARE(text(1, ResourceDriftModel::State), u"not set live"_qs);
        QCOMPARE(text(1, ResourceDriftModel::Live), u"(absent)"_qs);
        QCOMPARE(text(3, ResourceDriftModel::State), u"missing from the cluster"_qs);
        QCOMPARE(text(4, ResourceDriftModel::State), u"not in Git (would be pruned)"_qs);
        QCOMPARE(text(5, ResourceDriftModel::Environment), u"prod"_qs);
        QVERIFY(text(5, ResourceDriftModel::State).startsWith(u"unreadable: "_qs));
        QCOMPARE(drift.index(5, 0).data(CompareRoles::DriftStateRole).toInt(), 3);
        drift.clear();
        QCOMPARE(drift.rowCount(), 0);

        // The grid's drift column counts resources per environment.
        CompareGridModel grid;
        QAbstractItemModelTester gridTester(&grid,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        CompareRequest request;
        request.envA = QStringLiteral("staging");
        request.envB = QStringLiteral("prod");
        ServiceInput in = argoService(u"web"_qs);
        in.managedA = side(u"web-staging"_qs, loadResources(u"staging.json"_qs));
        in.managedB = side(u"web-prod"_qs, loadResources(u"prod.json"_qs));
        RepositoryCache cache;
        CompareReport report;
        report.envA = request.envA;
        report.envB = request.envB;
        report.services = {compareService(cache, request, in)};
        grid.setReport(report);
        const QModelIndex cell = grid.index(0, CompareGridModel::Drift);
        QCOMPARE(cell.data().toString(), u"⚠ out of sync: staging (3), prod (1)"_qs);
        QVERIFY(cell.data(CompareRoles::DriftRole).toBool());
        QVERIFY(cell.data(Qt::ToolTipRole)
                    .toString()
                    .contains(u"staging: Service/web-canary — missing from the cluster"_qs));
        // Read and clean: no flag, whatever the estate's own count said before.
        report.services[0].driftA.clear();
        report.services[0].driftB.clear();
        report.services[0].a.present = true;
        report.services[0].a.driftCount = 2;
        grid.setReport(report);
        QCOMPARE(cell.data().toString(), u"—"_qs);
        QVERIFY(!cell.data(CompareRoles::DriftRole).toBool());
    }
};

QTEST_GUILESS_MAIN(TestCompareManaged)
#include "tst_comparemanaged.moc"
