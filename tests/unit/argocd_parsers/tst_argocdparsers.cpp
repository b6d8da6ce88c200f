// The Argo CD plugin's parsers, records, planner and reconnect policy, against the upstream
// Rollout test data (converted from YAML here) and small fixtures beside this file.

#include "argocdparsers.h"
#include "argocdplanner.h"
#include "argocdrecords.h"
#include "reconnectpolicy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <yaml-cpp/yaml.h>

using namespace fd;
using namespace fd::argocd;

// fd::toString(enum) returns QString, which QTest's ADL hook cannot take: compare the names.
#define QCOMPARE_ENUM(actual, expected) QCOMPARE(fd::toString(actual), fd::toString(expected))

namespace {

// Plain YAML scalars become numbers/booleans/null; quoted ones stay strings, as in a real
// JSON manifest (observedGeneration: "5" is a string, currentStepIndex: 1 a number).
QJsonValue toJson(const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto &kv : n)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), toJson(kv.second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto &v : n)
            a.append(toJson(v));
        return a;
    }
    case YAML::NodeType::Scalar: {
        const QString s = QString::fromStdString(n.Scalar());
        if (n.Tag() == "!")
            return s;
        bool ok = false;
        const qlonglong i = s.toLongLong(&ok);
        if (ok)
            return double(i);
        const double d = s.toDouble(&ok);
        if (ok)
            return d;
        if (s == QLatin1String("true") || s == QLatin1String("false"))
            return s == QLatin1String("true");
        if (s == QLatin1String("null") || s == QLatin1String("~"))
            return QJsonValue::Null;
        return s;
    }
    default:
        return QJsonValue::Null;
    }
}

QJsonObject rolloutYaml(const QString &relative)
{
    const QString path =
        QStringLiteral(FD_TEST_DATA_DIR "/argocd/resource_customizations/Rollout/") +
        relative;
    return toJson(YAML::LoadFile(path.toStdString())).toObject();
}

QByteArray fixture(const char *name)
{
    QFile f(QStringLiteral(FD_FIXTURES "/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

QJsonObject fixtureObject(const char *name)
{
    return QJsonDocument::fromJson(fixture(name)).object();
}

AppState parseFixtureApp(const char *name, QList<ParseProblem> *problems)
{
    return parseApplication(fixtureObject(name), problems);
}

RolloutState rolloutState(const QJsonObject &manifest, const QList<RolloutAction> &actions)
{
    RolloutState s;
    s.details = parseRolloutManifest(manifest, {});
    s.details.rollout.actions = actions;
    s.actionsKnown = true;
    return s;
}

} // namespace

class TestArgoCdParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void rolloutReference_data();
    void rolloutReference();
    void weightsFromTrafficRouter();
    void unknownStepTypeIsAProblemNotACrash();
    void rolloutResourceEnvelope();
    void resourceTreeImagesByPodHash();
    void actionsKeepDisabledFlags();
    void application();
    void applicationEdgeCases();
    void applicationList();
    void streamEvents_data();
    void streamEvents();
    void projectionsExcludeHelmValues();
    void imageTags_data();
    void imageTags();
    void serverVersion();
    void managedResources();
    void managedResourcesBadBodies();
    void namingConvention();
    void records();
    void sourceCommits_data();
    void sourceCommits();
    void podTemplateRevisionStamp();
    void gateForPausedRollout();
    void applicationEventsFromDiffs();
    void rolloutEventsFromDiffs();
    void planRolloutActions_data();
    void planRolloutActions();
    void planPauseRefusedBefore31();
    void planDisabledOrUnknownActions();
    void planRollback();
    void planSync();
    void syncWindows();
    void syncWindowBlocksPlans();
    void preconditionFields();
    void reconnectBackoff();
    void reconnectWindowLimit();
};

void TestArgoCdParsers::rolloutReference_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("steps");
    QTest::addColumn<int>("stepIndex");
    QTest::addColumn<int>("canaryWeight");
    QTest::addColumn<bool>("paused");
    QTest::addColumn<bool>("aborted");
    QTest::addColumn<bool>("fullyPromoted");
    QTest::addColumn<RolloutPhase>("phase");
    QTest::addColumn<QString>("observedGeneration");
    QTest::addColumn<bool>("problems");

    // the last setWeight at or before the index: steps 40, pause, 60 … at index 1 → 40
    QTest::newRow("paused at step 1 (v0.9 hash generation)")
        << "actions/testdata/has_pause_condition_rollout.yaml" << 6 << 1 << 40 << true << false
        << false << RolloutPhase::Paused << "58b949649c" << false;
    QTest::newRow("progressing at step 3")
        << "testdata/canary/progressing_setWeightStep.yaml" << 4 << 3 << 40 << false << false
        << false << RolloutPhase::Progressing << "6df79499bc" << false;
    QTest::newRow("v1.0 phase and message")
        << "testdata/suspended_v1.0_pausedRollout.yaml" << 8 << 1 << 21 << true << false << false
        << RolloutPhase::Paused << "5" << false;
    QTest::newRow("aborted: traffic back to stable")
        << "actions/testdata/aborted_rollout.yaml" << 2 << 0 << 0 << false << true << false
        << RolloutPhase::Degraded << "3" << false;
    QTest::newRow("all steps done, numeric-looking hash generation")
        << "testdata/healthy_legacy_v0.9_observedGeneration_numeric.yaml" << 2 << 2 << 0 << false
        << false << true << RolloutPhase::Healthy << "8575574967" << false;
    QTest::newRow("degraded with phase from status")
        << "testdata/degraded_statusPhaseMessage.yaml" << 2 << 2 << 0 << false << false << true
        << RolloutPhase::Degraded << "8575574967" << false;
    QTest::newRow("blue-green, fully promoted")
        << "actions/testdata/healthy_rollout.yaml" << 0 << -1 << 0 << false << false << true
        << RolloutPhase::Healthy << "7b965d5d74" << false;
    QTest::newRow("no status yet")
        << "testdata/newRolloutWithoutStatus.yaml" << 2 << -1 << 0 << false << false << false
        << RolloutPhase::Unknown << "" << true;
}

void TestArgoCdParsers::rolloutReference()
{
    QFETCH(QString, file);
    QFETCH(int, steps);
    QFETCH(int, stepIndex);
    QFETCH(int, canaryWeight);
    QFETCH(bool, paused);
    QFETCH(bool, aborted);
    QFETCH(bool, fullyPromoted);
    QFETCH(RolloutPhase, phase);
    QFETCH(QString, observedGeneration);
    QFETCH(bool, problems);

    const RolloutDetails d = parseRolloutManifest(rolloutYaml(file), {});
    const Rollout &r = d.rollout;
    QVERIFY(!r.name.isEmpty());
    QCOMPARE(r.steps.size(), steps);
    QCOMPARE(r.currentStepIndex, stepIndex);
    QCOMPARE(r.canaryWeight, canaryWeight);
    QCOMPARE(r.stableWeight, 100 - canaryWeight);
    QCOMPARE(r.paused, paused);
    QCOMPARE(r.aborted, aborted);
    QCOMPARE(r.fullyPromoted, fullyPromoted);
    QCOMPARE_ENUM(r.phase, phase);
    QCOMPARE(d.observedGeneration, observedGeneration);
    QCOMPARE(!d.problems.isEmpty(), problems);
}

void TestArgoCdParsers::weightsFromTrafficRouter()
{
    QHash<QString, QString> images{
        {QStringLiteral("aaaa"), QStringLiteral("ghcr.io/acme/web:v1.9.0")},
        {QStringLiteral("bbbb"), QStringLiteral("ghcr.io/acme/web:v2.0.0")}};
    const RolloutDetails d =
        parseRolloutManifest(fixtureObject("rollout_traffic_router.json"), images);
    const Rollout &r = d.rollout;
    // status.canary.weights wins over the setWeight (20/60) the steps would give
    QCOMPARE(r.canaryWeight, 15);
    QCOMPARE(r.stableWeight, 85);
    QCOMPARE(r.currentStepIndex, 3);
    QCOMPARE_ENUM(r.phase, RolloutPhase::Paused);
    QCOMPARE(r.message, QStringLiteral("CanaryPauseStep"));
    QVERIFY(r.paused);
    QCOMPARE(r.pauseReasons, QStringList{QStringLiteral("CanaryPauseStep")});
    QCOMPARE(d.pausedSince, QDateTime(QDate(2026, 11, 20), QTime(10, 5), Qt::UTC));
    QCOMPARE(r.analysisStatus, QStringLiteral("Running: 2 of 5 measurements"));
    QCOMPARE(r.stableVersion, QStringLiteral("v1.9.0"));
    QCOMPARE(r.canaryVersion, QStringLiteral("v2.0.0"));
    QCOMPARE(d.observedGeneration, QStringLiteral("14"));
    QCOMPARE(r.steps.at(1).pauseSeconds, 60);
    QCOMPARE(int(r.steps.at(3).kind), int(RolloutStep::Kind::Analysis));
    QCOMPARE(r.steps.at(3).text, QStringLiteral("analysis: success-rate"));
    QCOMPARE(r.steps.at(6).pauseSeconds, -1);
}

void TestArgoCdParsers::unknownStepTypeIsAProblemNotACrash()
{
    const RolloutDetails d = parseRolloutManifest(fixtureObject("rollout_traffic_router.json"), {});
    QCOMPARE(int(d.rollout.steps.at(4).kind),
             int(RolloutStep::Kind::Other)); // setMirrorRoute: known, not a problem
    QCOMPARE(d.rollout.steps.at(4).text, QStringLiteral("setMirrorRoute"));
    QCOMPARE(int(d.rollout.steps.at(5).kind), int(RolloutStep::Kind::Other));
    QVERIFY(d.rollout.steps.at(5).text.contains(QLatin1String("teleport")));
    QCOMPARE(d.problems.size(), 1);
    QVERIFY(d.problems.first().message.contains(QLatin1String("step 5")));
    QVERIFY(d.problems.first().where.contains(QLatin1String("web")));
}

void TestArgoCdParsers::rolloutResourceEnvelope()
{
    const QJsonObject manifest =
        rolloutYaml(QStringLiteral("actions/testdata/has_pause_condition_rollout.yaml"));
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("manifest"),
                                   QString::fromUtf8(
                                       QJsonDocument(manifest).toJson(QJsonDocument::Compact))}})
            .toJson();
    const RolloutDetails d = parseRolloutResource(body, {});
    QCOMPARE(d.rollout.name, QStringLiteral("canary-demo"));
    QCOMPARE(d.rollout.currentStepIndex, 1);

    const RolloutDetails bad = parseRolloutResource(R"({"manifest":"{not json"})", {});
    QVERIFY(bad.rollout.name.isEmpty());
    QCOMPARE(bad.problems.size(), 1);
    const RolloutDetails none = parseRolloutResource("<html>", {});
    QCOMPARE(none.problems.size(), 1);
}

void TestArgoCdParsers::resourceTreeImagesByPodHash()
{
    QString error;
    const ResourceTree t = parseResourceTree(fixture("resource_tree.json"), &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(t.rollouts.size(), 1);
    QCOMPARE(t.rollouts.first().name, QStringLiteral("web"));
    QCOMPARE(t.rollouts.first().nameSpace, QStringLiteral("shop"));
    QCOMPARE(t.imageByPodHash.size(), 2); // the Deployment's ReplicaSet is not a Rollout's
    QCOMPARE(t.imageByPodHash.value(QStringLiteral("bbbb")),
             QStringLiteral("ghcr.io/acme/web:v2.0.0"));
    parseResourceTree("nope", &error);
    QVERIFY(!error.isEmpty());
}

void TestArgoCdParsers::actionsKeepDisabledFlags()
{
    QString error;
    const QList<RolloutAction> a = parseResourceActions(
        R"({"actions":[{"name":"restart","displayName":"Restart Pods"},{"name":"abort","disabled":true},
                       {"name":"resume","disabled":false},{"disabled":true}]})",
        &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(a.size(), 3); // the nameless entry is dropped
    QCOMPARE(a.at(0), (RolloutAction{QStringLiteral("abort"), true}));
    QCOMPARE(a.at(1), (RolloutAction{QStringLiteral("restart"), false})); // omitted flag = enabled
    QCOMPARE(a.at(2), (RolloutAction{QStringLiteral("resume"), false}));
    parseResourceActions("{", &error);
    QVERIFY(!error.isEmpty());
}

void TestArgoCdParsers::application()
{
    QList<ParseProblem> problems;
    const AppState a = parseFixtureApp("app_full.json", &problems);
    QVERIFY2(problems.isEmpty(),
             qPrintable(problems.isEmpty() ? QString() : problems.first().message));
    QCOMPARE(a.name, QStringLiteral("checkout-prod"));
    QCOMPARE(a.project, QStringLiteral("prod"));
    QCOMPARE(a.resourceVersion, QStringLiteral("4711"));
    QCOMPARE(a.destNamespace, QStringLiteral("checkout-prod"));
    QCOMPARE(a.targetRevision, QStringLiteral("main"));
    QVERIFY(a.autoSync);
    QCOMPARE_ENUM(a.sync, SyncState::Synced);
    QCOMPARE_ENUM(a.health, Health::Suspended);
    QCOMPARE(a.operationPhase, QStringLiteral("Succeeded"));
    QVERIFY(!a.operationRunning());
    QCOMPARE(a.operationInitiator, QStringLiteral("alice"));
    QCOMPARE(a.history.size(), 3);
    QCOMPARE(a.history.at(1).id, 8);                             // int64 as a string
    QCOMPARE(a.history.at(0).version, QStringLiteral("v1.4.1")); // kustomize image
    QCOMPARE(a.history.at(1).version, QStringLiteral("v1.4.2")); // helm image.tag
    QVERIFY(a.history.at(1).automated);
    QCOMPARE(a.history.at(1).initiator, QStringLiteral("automated"));
    QCOMPARE(a.currentHistoryId(), 9);
    QCOMPARE(a.rollouts.size(), 1);
    QCOMPARE(a.rollouts.first().name, QStringLiteral("checkout"));
    QCOMPARE(a.outOfSyncCount, 2);
    QCOMPARE(a.images.size(), 3);
}

void TestArgoCdParsers::applicationEdgeCases()
{
    QList<ParseProblem> problems;
    const AppState a = parseFixtureApp("app_edge.json", &problems);
    QCOMPARE(a.name, QStringLiteral("orphan"));
    QCOMPARE(a.resourceVersion, QStringLiteral("12")); // a number where a string was expected
    QVERIFY(!a.autoSync);                              // automated.enabled: false (Argo CD 3)
    QVERIFY(a.history.isEmpty());
    QCOMPARE(a.currentHistoryId(), -1);
    QCOMPARE_ENUM(a.health, Health::Unknown);
    QCOMPARE(a.healthText, QStringLiteral("Exploded"));
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.first().message.contains(QLatin1String("Exploded")));
    QCOMPARE(problems.first().where, QStringLiteral("application orphan"));

    const AppMapping m{QStringLiteral("orphan"), QString(), {}, {}, false};
    const EnvironmentState s =
        environmentState(QStringLiteral("c"), QUrl(QStringLiteral("https://a")), a, m, nullptr);
    QCOMPARE_ENUM(s.health, Health::Unknown);
    QVERIFY(s.healthMessage.contains(QLatin1String("Exploded")));
    QVERIFY(s.deploymentId.isEmpty());
    QVERIFY(deployments(QStringLiteral("c"), {}, a, m).isEmpty());
    QVERIFY(applicationEvents(QStringLiteral("c"), nullptr, a, m, QDateTime::currentDateTimeUtc())
                .isEmpty());
}

void TestArgoCdParsers::applicationList()
{
    const QByteArray body = "{\"metadata\":{\"resourceVersion\":\"99\"},\"items\":[" +
                            fixture("app_full.json") + ",{\"metadata\":{}}," +
                            fixture("app_edge.json") + "]}";
    const AppList list = parseApplicationList(body);
    QVERIFY(list.error.isEmpty());
    QCOMPARE(list.resourceVersion, QStringLiteral("99"));
    QCOMPARE(list.apps.size(), 2); // the nameless one is reported and skipped
    QCOMPARE(list.problems.size(), 2);
    QVERIFY(!parseApplicationList("{\"items\":[").error.isEmpty());
    QVERIFY(!parseApplicationList("{\"items\":7}").error.isEmpty());
    QCOMPARE(parseApplicationList("{\"metadata\":{},\"items\":null}").apps.size(), 0);
}

void TestArgoCdParsers::streamEvents_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<StreamEvent::Type>("type");
    QTest::addColumn<QString>("app");
    QTest::addColumn<int>("httpCode");

    QTest::newRow("modified")
        << QByteArray(
               R"({"result":{"type":"MODIFIED","application":{"metadata":{"name":"a","resourceVersion":"5"}}}})")
        << StreamEvent::Type::Modified << "a" << 0;
    QTest::newRow("added")
        << QByteArray(R"({"result":{"type":"ADDED","application":{"metadata":{"name":"b"}}}})")
        << StreamEvent::Type::Added << "b" << 0;
    QTest::newRow("deleted")
        << QByteArray(R"({"result":{"type":"DELETED","application":{"metadata":{"name":"c"}}}})")
        << StreamEvent::Type::Deleted << "c" << 0;
    QTest::newRow("error frame")
        << QByteArray(
               R"({"error":{"grpc_code":16,"http_code":401,"message":"invalid session","http_status":"Unauthorized"}})")
        << StreamEvent::Type::Error << "" << 401;
    QTest::newRow("cut frame") << QByteArray(R"({"result":{"type":"MODIF)")
                               << StreamEvent::Type::Malformed << "" << 0;
    QTest::newRow("garbage") << QByteArray("\x01{") << StreamEvent::Type::Malformed << "" << 0;
    QTest::newRow("unknown type")
        << QByteArray(R"({"result":{"type":"BOOKMARK","application":{"metadata":{"name":"a"}}}})")
        << StreamEvent::Type::Malformed << "" << 0;
    QTest::newRow("no name") << QByteArray(R"({"result":{"type":"MODIFIED","application":{}}})")
                             << StreamEvent::Type::Malformed << "" << 0;
}

void TestArgoCdParsers::streamEvents()
{
    QFETCH(QByteArray, data);
    QFETCH(StreamEvent::Type, type);
    QFETCH(QString, app);
    QFETCH(int, httpCode);
    const StreamEvent ev = parseStreamEvent(data);
    QCOMPARE(ev.type, type);
    if (!app.isEmpty())
        QCOMPARE(ev.app.name, app);
    QCOMPARE(ev.httpCode, httpCode);
    if (type == StreamEvent::Type::Malformed || type == StreamEvent::Type::Error)
        QVERIFY(!ev.error.isEmpty());
}

void TestArgoCdParsers::projectionsExcludeHelmValues()
{
    const QString list = listFieldsProjection();
    QVERIFY(!list.contains(QLatin1String("helm.values")));
    QVERIFY(!list.contains(QLatin1String("items.spec,")));
    QVERIFY(list.contains(QLatin1String("items.status.history.id")));
    QVERIFY(list.startsWith(QLatin1String("metadata.resourceVersion,")));
    const QString stream = streamFieldsProjection();
    QVERIFY(stream.startsWith(QLatin1String("result.type,")));
    QVERIFY(stream.contains(QLatin1String("result.application.metadata.name")));
    QVERIFY(!stream.contains(QLatin1String("items.")));
}

void TestArgoCdParsers::imageTags_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("name");
    QTest::newRow("tag") << "ghcr.io/acme/checkout:v1.4.2"
                         << "v1.4.2"
                         << "checkout";
    QTest::newRow("registry port, no tag") << "localhost:5000/acme/checkout"
                                           << ""
                                           << "checkout";
    QTest::newRow("registry port and tag") << "localhost:5000/checkout:v2"
                                           << "v2"
                                           << "checkout";
    QTest::newRow("digest") << "ghcr.io/acme/web@sha256:abc"
                            << "sha256:abc"
                            << "web";
    QTest::newRow("bare") << "redis"
                          << ""
                          << "redis";
}

void TestArgoCdParsers::imageTags()
{
    QFETCH(QString, image);
    QFETCH(QString, tag);
    QFETCH(QString, name);
    QCOMPARE(imageTag(image), tag);
    QCOMPARE(imageName(image), name);
}

void TestArgoCdParsers::serverVersion()
{
    int major = 0, minor = 0;
    QString text;
    QVERIFY(parseServerVersion(R"({"Version":"v3.5.1+109ca7c"})", &major, &minor, &text));
    QCOMPARE(major, 3);
    QCOMPARE(minor, 5);
    QCOMPARE(text, QStringLiteral("v3.5.1+109ca7c"));
    QVERIFY(parseServerVersion(R"({"Version":"v2.14.21+206a6ee"})", &major, &minor, &text));
    QCOMPARE(minor, 14);
    ServerInfo s{true, 2, 14, text};
    QVERIFY(!s.hasV2Actions());
    QVERIFY((ServerInfo{true, 3, 1, {}}.hasV2Actions()));
    QVERIFY(!(ServerInfo{true, 3, 0, {}}.hasV2Actions()));
    QVERIFY(!parseServerVersion(R"({"Version":"dev"})", &major, &minor, &text));
}

void TestArgoCdParsers::managedResources()
{
    QString error;
    const QList<ManagedResource> rs = parseManagedResources(
        fixture("managed_resources.json"), QStringLiteral("checkout-staging"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rs.size(), 6);

    // drifted: desired from targetState, live from normalizedLiveState (no managedFields)
    const ManagedResource &dep = rs.at(0);
    QCOMPARE(dep.id(), QStringLiteral("apps/Deployment/checkout-staging/checkout"));
    QVERIFY(dep.modified);
    QVERIFY(dep.error.isEmpty());
    QCOMPARE(dep.desired.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas")),
             QJsonValue(2));
    QCOMPARE(dep.live.value(QLatin1String("spec")).toObject().value(QLatin1String("replicas")),
             QJsonValue(3));
    QVERIFY(!dep.live.value(QLatin1String("metadata"))
                 .toObject()
                 .contains(QLatin1String("managedFields")));
    QCOMPARE(dep.live.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")),
             QJsonValue(QStringLiteral("0f7c")));

    // no normalizedLiveState: the raw live state stands in; the core group is ""
    const ManagedResource &svc = rs.at(1);
    QCOMPARE(svc.group, QString());
    QCOMPARE(svc.id(), QStringLiteral("/Service/checkout-staging/checkout"));
    QVERIFY(!svc.modified);
    QCOMPARE(svc.live.value(QLatin1String("spec")).toObject().value(QLatin1String("clusterIP")),
             QJsonValue(QStringLiteral("10.96.4.2")));

    // "null" target: Git no longer wants it; no live state: missing from the cluster
    QVERIFY(rs.at(2).desired.isEmpty());
    QVERIFY(!rs.at(2).live.isEmpty());
    QVERIFY(rs.at(2).error.isEmpty());
    QVERIFY(!rs.at(3).desired.isEmpty());
    QVERIFY(rs.at(3).live.isEmpty());
    QVERIFY(rs.at(3).error.isEmpty());

    // unreadable states are the record's error, naming the application and the resource
    const ManagedResource &broken = rs.at(4);
    QVERIFY(broken.live.isEmpty());
    QVERIFY(!broken.desired.isEmpty());
    QVERIFY2(broken.error.contains(QLatin1String("application checkout-staging")),
             qPrintable(broken.error));
    QVERIFY2(broken.error.contains(QLatin1String("argoproj.io/Rollout checkout-staging/broken")),
             qPrintable(broken.error));
    QVERIFY(broken.error.contains(QLatin1String("normalizedLiveState is not valid JSON")));
    QVERIFY(broken.error.contains(QLatin1String("liveState is not valid JSON")));
    const ManagedResource &role = rs.at(5);
    QCOMPARE(role.ns, QString());
    QVERIFY(
        role.error.contains(QLatin1String("ClusterRole reader: targetState is not a JSON object")));
    QVERIFY(role.desired.isEmpty());
    QVERIFY(!role.live.isEmpty());
}

void TestArgoCdParsers::managedResourcesBadBodies()
{
    QString error;
    QVERIFY(parseManagedResources("{}", QStringLiteral("empty"), &error).isEmpty());
    QVERIFY(error.isEmpty());
    QVERIFY(parseManagedResources("{\"items\":[", QStringLiteral("cut"), &error).isEmpty());
    QVERIFY(error.contains(QLatin1String("managed resources of application cut")));
    error.clear();
    parseManagedResources("[]", QStringLiteral("list"), &error);
    QVERIFY(!error.isEmpty());
    // a state that is not a string at all
    error.clear();
    const auto rs = parseManagedResources(
        R"({"items":[{"kind":"Service","name":"a","liveState":{"kind":"Service"}}]})",
        QStringLiteral("odd"), &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(rs.size(), 1);
    QVERIFY(rs.first().error.contains(QLatin1String("liveState is not a JSON string")));
}

void TestArgoCdParsers::namingConvention()
{
    ConnectionConfig c;
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod"),
                      QStringLiteral("prod-eu")};
    c.bindings << ServiceBinding{QStringLiteral("payments"),
                                 QStringLiteral("prod"),
                                 QStringLiteral("pay-live"),
                                 {{QStringLiteral("rollout"), QStringLiteral("payments-api")}},
                                 false};
    const AppMapper m(c);
    QCOMPARE(m.map(QStringLiteral("checkout-prod")).service, QStringLiteral("checkout"));
    QCOMPARE(m.map(QStringLiteral("checkout-prod")).environment, QStringLiteral("prod"));
    QCOMPARE(m.map(QStringLiteral("web-shop-prod-eu")).service, QStringLiteral("web-shop"));
    QCOMPARE(m.map(QStringLiteral("web-shop-prod-eu")).environment, QStringLiteral("prod-eu"));
    QCOMPARE(m.map(QStringLiteral("tools")).service, QStringLiteral("tools"));
    QVERIFY(m.map(QStringLiteral("tools")).environment.isEmpty());
    QCOMPARE(m.map(QStringLiteral("-prod")).service, QStringLiteral("-prod")); // no service part
    const AppMapping bound = m.map(QStringLiteral("pay-live"));
    QCOMPARE(bound.service, QStringLiteral("payments"));
    QCOMPARE(bound.rollout, QStringLiteral("payments-api"));
    QVERIFY(bound.bound);
    QCOMPARE(m.applicationFor(QStringLiteral("payments"), QStringLiteral("prod")),
             QStringLiteral("pay-live"));
    QCOMPARE(m.applicationFor(QStringLiteral("checkout"), QStringLiteral("staging")),
             QStringLiteral("checkout-staging"));
}

void TestArgoCdParsers::records()
{
    QList<ParseProblem> problems;
    const AppState a = parseFixtureApp("app_full.json", &problems);
    const AppMapping m{QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    const QUrl base(QStringLiteral("https://argocd.example/root"));
    const EnvironmentState plain = environmentState(QStringLiteral("argo"), base, a, m, nullptr);
    QCOMPARE(plain.version, QStringLiteral("v1.4.2")); // the first image named like the service
    QCOMPARE(plain.deploymentId, QStringLiteral("checkout-prod/9"));
    QCOMPARE(plain.deployedBy, QStringLiteral("alice"));
    QCOMPARE(plain.canaryWeight, -1);
    QCOMPARE(plain.driftCount, 2);
    QVERIFY(plain.autoSync);
    QCOMPARE(plain.url.toString(),
             QStringLiteral("https://argocd.example/root/applications/argocd/checkout-prod"));

    Rollout r = parseRolloutManifest(
                    fixtureObject("rollout_traffic_router.json"),
                    {{QStringLiteral("aaaa"), QStringLiteral("ghcr.io/acme/checkout:v1.4.2")}})
                    .rollout;
    const EnvironmentState canary = environmentState(QStringLiteral("argo"), base, a, m, &r);
    QCOMPARE(canary.canaryWeight, 15);
    QCOMPARE(canary.version, QStringLiteral("v1.4.2")); // stable carries most traffic

    const QList<Deployment> d = deployments(QStringLiteral("argo"), base, a, m);
    QCOMPARE(d.size(), 3);
    QCOMPARE(d.last().id, QStringLiteral("checkout-prod/9"));
    QCOMPARE(d.last().key(), QStringLiteral("argo/checkout-prod/9"));
    QCOMPARE(d.last().version, QStringLiteral("v1.4.3"));
    QCOMPARE(d.first().ref, QStringLiteral("aaaa111"));
    QCOMPARE_ENUM(d.first().status, DeployStatus::Succeeded);
    QCOMPARE(d.first().created, QDateTime(QDate(2026, 11, 18), QTime(8, 59, 56), Qt::UTC));
}

void TestArgoCdParsers::sourceCommits_data()
{
    QTest::addColumn<QString>("repoUrl");
    QTest::addColumn<QString>("bindingRepo");
    QTest::addColumn<bool>("serviceRepo");
    QTest::newRow("gitops repo") << QStringLiteral("https://git.example.com/acme/gitops.git")
                                 << QString() << false;
    QTest::newRow("service repo by name")
        << QStringLiteral("https://git.example.com/acme/checkout.git") << QString() << true;
    QTest::newRow("scp-like service repo")
        << QStringLiteral("git@github.com:acme/Checkout") << QString() << true;
    QTest::newRow("bound repo") << QStringLiteral("https://github.com/acme/shop-api/")
                                << QStringLiteral("acme/shop-api") << true;
    QTest::newRow("bound repo elsewhere") << QStringLiteral("https://github.com/acme/checkout")
                                          << QStringLiteral("acme/shop-api") << false;
    QTest::newRow("no source") << QString() << QString() << false;
}

void TestArgoCdParsers::sourceCommits()
{
    QFETCH(QString, repoUrl);
    QFETCH(QString, bindingRepo);
    QFETCH(bool, serviceRepo);
    QList<ParseProblem> problems;
    AppState a = parseFixtureApp("app_full.json", &problems);
    a.repoUrl = repoUrl;
    a.commits.insert(QStringLiteral("v1.4.2"),
                     QStringLiteral("1111111111111111111111111111111111111111"));
    a.commits.insert(QStringLiteral("v1.4.3"),
                     QStringLiteral("3333333333333333333333333333333333333333"));
    AppMapping m{QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    m.repo = bindingRepo;
    QCOMPARE(sourceIsServiceRepo(a, m), serviceRepo);
    const QUrl base(QStringLiteral("https://argocd.example"));
    const EnvironmentState env = environmentState(QStringLiteral("argo"), base, a, m, nullptr);
    const QList<Deployment> d = deployments(QStringLiteral("argo"), base, a, m);
    if (serviceRepo) {
        // the synced revision is a commit of the service itself
        QCOMPARE(env.commit, a.history.last().revision);
        QCOMPARE(d.first().commit, a.history.first().revision);
    } else {
        // a GitOps revision is never passed off as the source commit: only learned stamps
        QCOMPARE(env.version, QStringLiteral("v1.4.2"));
        QCOMPARE(env.commit, QStringLiteral("1111111111111111111111111111111111111111"));
        QCOMPARE(d.last().version, QStringLiteral("v1.4.3"));
        QCOMPARE(d.last().commit, QStringLiteral("3333333333333333333333333333333333333333"));
        QCOMPARE(d.last().ref, a.history.last().revision);
        a.commits.clear();
        QCOMPARE(environmentState(QStringLiteral("argo"), base, a, m, nullptr).commit, QString());
    }
}

void TestArgoCdParsers::podTemplateRevisionStamp()
{
    const auto manifest = [](const QJsonObject &tplMeta) {
        const auto container = [](const char *name, const char *image) {
            return QJsonObject{{QStringLiteral("name"), QLatin1String(name)},
                               {QStringLiteral("image"), QLatin1String(image)}};
        };
        const QJsonArray containers{container("sidecar", "envoy:1.30"),
                                    container("checkout", "ghcr.io/acme/checkout:v2")};
        const QJsonObject tpl{
            {QStringLiteral("metadata"), tplMeta},
            {QStringLiteral("spec"), QJsonObject{{QStringLiteral("containers"), containers}}}};
        return QJsonObject{
            {QStringLiteral("spec"), QJsonObject{{QStringLiteral("template"), tpl}}}};
    };
    const QString key = QStringLiteral("org.opencontainers.image.revision");
    QString image, revision;
    QVERIFY(podTemplateRevision(
        manifest({{QStringLiteral("annotations"), QJsonObject{{key, QStringLiteral("ABCDEF1")}}}}),
        QStringLiteral("checkout"), &image, &revision));
    QCOMPARE(image, QStringLiteral("ghcr.io/acme/checkout:v2"));
    QCOMPARE(revision, QStringLiteral("abcdef1"));
    QVERIFY(podTemplateRevision(
        manifest({{QStringLiteral("labels"), QJsonObject{{key, QStringLiteral("0123456789")}}}}),
        QStringLiteral("other"), &image, &revision));
    QCOMPARE(image, QStringLiteral("envoy:1.30")); // no container named so: the first
    QVERIFY(!podTemplateRevision(
        manifest({{QStringLiteral("annotations"), QJsonObject{{key, QStringLiteral("main")}}}}),
        QStringLiteral("checkout"), &image, &revision));
    QVERIFY(!podTemplateRevision(manifest({}), QStringLiteral("checkout"), &image, &revision));

    QString error;
    QCOMPARE(parseResourceEnvelope("{\"manifest\":\"{\\\"kind\\\":\\\"Deployment\\\"}\"}", &error)
                 .value(QLatin1String("kind")),
             QJsonValue(QStringLiteral("Deployment")));
    QVERIFY(error.isEmpty());
    parseResourceEnvelope("{\"manifest\":\"{\\\"kind\\\":\"}", &error);
    QVERIFY(error.contains(QLatin1String("manifest")));
}

void TestArgoCdParsers::gateForPausedRollout()
{
    QList<ParseProblem> problems;
    const AppState a = parseFixtureApp("app_full.json", &problems);
    RolloutDetails d = parseRolloutManifest(fixtureObject("rollout_traffic_router.json"), {});
    d.rollout.service = QStringLiteral("checkout");
    d.rollout.environment = QStringLiteral("prod");
    const auto gate = rolloutGate(QStringLiteral("argo"), {}, a, d);
    QVERIFY(gate.has_value());
    QCOMPARE_ENUM(gate->kind, GateKind::RolloutPause);
    QCOMPARE(gate->id, QStringLiteral("rollout:checkout-prod/web"));
    QCOMPARE(gate->since, d.pausedSince);
    QVERIFY(gate->title.contains(QLatin1String("step 4/7 at 15%")));
    d.rollout.aborted = true;
    QVERIFY(!rolloutGate(QStringLiteral("argo"), {}, a, d).has_value());
    d.rollout.aborted = false;
    d.rollout.paused = false;
    QVERIFY(!rolloutGate(QStringLiteral("argo"), {}, a, d).has_value());
}

void TestArgoCdParsers::applicationEventsFromDiffs()
{
    using K = TimelineEvent::Kind;
    QList<ParseProblem> problems;
    const AppState before = parseFixtureApp("app_full.json", &problems);
    const AppMapping m{QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    const QDateTime now = QDateTime::currentDateTimeUtc();

    // first sight: the newest history entries only
    const auto first = applicationEvents(QStringLiteral("argo"), nullptr, before, m, now, 2);
    QCOMPARE(first.size(), 2);
    QCOMPARE_ENUM(first.last().kind, K::DeploySucceeded);
    QCOMPARE(first.last().sourceId, QStringLiteral("argo/checkout-prod/history/9"));

    QVERIFY(applicationEvents(QStringLiteral("argo"), &before, before, m, now).isEmpty());

    AppState running = before;
    running.operationPhase = QStringLiteral("Running");
    running.operationStarted = now;
    auto ev = applicationEvents(QStringLiteral("argo"), &before, running, m, now);
    QCOMPARE(ev.size(), 1);
    QCOMPARE_ENUM(ev.first().kind, K::SyncStarted);

    AppState failed = running;
    failed.operationPhase = QStringLiteral("Failed");
    failed.health = Health::Degraded;
    failed.healthText = QStringLiteral("Degraded");
    ev = applicationEvents(QStringLiteral("argo"), &running, failed, m, now);
    QCOMPARE(ev.size(), 2);
    QCOMPARE_ENUM(ev.at(0).kind, K::SyncFailed);
    QCOMPARE_ENUM(ev.at(1).kind, K::HealthChanged);
    QVERIFY(ev.at(1).title.contains(QStringLiteral("Suspended → Degraded")));

    // a new history entry back to an older revision is a rollback
    AppState rolledBack = before;
    HistoryEntry h = before.history.at(1);
    h.id = 10;
    rolledBack.history << h;
    ev = applicationEvents(QStringLiteral("argo"), &before, rolledBack, m, now);
    QCOMPARE(ev.size(), 1);
    QCOMPARE_ENUM(ev.first().kind, K::Rollback);
    QCOMPARE(ev.first().version, QStringLiteral("v1.4.2"));
}

void TestArgoCdParsers::rolloutEventsFromDiffs()
{
    using K = TimelineEvent::Kind;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Rollout paused =
        parseRolloutManifest(
            rolloutYaml(QStringLiteral("actions/testdata/has_pause_condition_rollout.yaml")), {})
            .rollout;
    QVERIFY(rolloutEvents(QStringLiteral("c"), nullptr, paused, now).isEmpty());
    QVERIFY(rolloutEvents(QStringLiteral("c"), &paused, paused, now).isEmpty());

    Rollout next = paused;
    next.paused = false;
    next.pauseReasons.clear();
    next.currentStepIndex = 2;
    next.canaryWeight = 60;
    const auto kindsOf = [](const QList<TimelineEvent> &events) {
        QStringList out;
        for (const auto &e : events)
            out << fd::toString(e.kind);
        return out;
    };
    const auto names = [](std::initializer_list<K> kinds) {
        QStringList out;
        for (K k : kinds)
            out << fd::toString(k);
        return out;
    };
    QCOMPARE(kindsOf(rolloutEvents(QStringLiteral("c"), &paused, next, now)),
             names({K::CanaryStep, K::CanaryWeight, K::CanaryResumed}));

    Rollout aborted = next;
    aborted.aborted = true;
    aborted.canaryWeight = 0;
    QCOMPARE(kindsOf(rolloutEvents(QStringLiteral("c"), &next, aborted, now)),
             names({K::CanaryAborted, K::CanaryWeight}));

    Rollout retried = aborted;
    retried.aborted = false;
    QCOMPARE(kindsOf(rolloutEvents(QStringLiteral("c"), &aborted, retried, now)),
             names({K::CanaryRetried}));

    Rollout promoted = next;
    promoted.fullyPromoted = true;
    const auto ev = rolloutEvents(QStringLiteral("c"), &next, promoted, now);
    QCOMPARE(ev.size(), 1);
    QCOMPARE_ENUM(ev.first().kind, K::CanaryPromoted);

    Rollout pausedAgain = next;
    pausedAgain.paused = true;
    QCOMPARE_ENUM(rolloutEvents(QStringLiteral("c"), &next, pausedAgain, now).first().kind,
                  K::CanaryPaused);
}

void TestArgoCdParsers::planRolloutActions_data()
{
    QTest::addColumn<ReleaseAction::Verb>("verb");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("v3");
    QTest::newRow("promote v1") << ReleaseAction::Verb::Promote << "resume" << false;
    QTest::newRow("promote v2") << ReleaseAction::Verb::Promote << "resume" << true;
    QTest::newRow("promote-full v2") << ReleaseAction::Verb::PromoteFull << "promote-full" << true;
    QTest::newRow("abort v1") << ReleaseAction::Verb::Abort << "abort" << false;
    QTest::newRow("pause v2") << ReleaseAction::Verb::Pause << "pause" << true;
    QTest::newRow("restart v1") << ReleaseAction::Verb::Restart << "restart" << false;
    QTest::newRow("approve gate = resume") << ReleaseAction::Verb::Approve << "resume" << true;
}

void TestArgoCdParsers::planRolloutActions()
{
    QFETCH(ReleaseAction::Verb, verb);
    QFETCH(QString, action);
    QFETCH(bool, v3);
    QList<ParseProblem> problems;
    const AppState app = parseFixtureApp("app_full.json", &problems);
    QList<RolloutAction> actions;
    for (const char *n : {"abort", "pause", "promote-full", "restart", "resume", "retry"})
        actions << RolloutAction{QLatin1String(n), QLatin1String(n) == QLatin1String("retry")};
    const RolloutState rs = rolloutState(fixtureObject("rollout_traffic_router.json"), actions);
    PlanInput in;
    in.connectionId = QStringLiteral("argo");
    in.app = &app;
    in.applicationName = app.name;
    in.mapping = {QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    in.rollout = &rs;
    in.server = v3 ? ServerInfo{true, 3, 5, QStringLiteral("v3.5.1")}
                   : ServerInfo{true, 2, 14, QStringLiteral("v2.14.21")};
    ReleaseAction a;
    a.verb = verb;
    a.service = QStringLiteral("checkout");
    a.environment = QStringLiteral("prod");
    const ActionPlan p = planAction(a, in);
    QVERIFY2(p.feasible, qPrintable(p.blockedReason));
    QCOMPARE(p.requests.size(), 1);
    const PlannedRequest &r = p.requests.first();
    QCOMPARE(r.method, QByteArray("POST"));
    if (v3) {
        QCOMPARE(r.path, QStringLiteral("/api/v1/applications/checkout-prod/resource/actions/v2"));
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(body.value(QLatin1String("action")).toString(), action);
        QCOMPARE(body.value(QLatin1String("resourceName")).toString(), QStringLiteral("web"));
        QCOMPARE(body.value(QLatin1String("namespace")).toString(), QStringLiteral("shop"));
        QCOMPARE(body.value(QLatin1String("kind")).toString(), QStringLiteral("Rollout"));
        QCOMPARE(body.value(QLatin1String("group")).toString(), QStringLiteral("argoproj.io"));
        QCOMPARE(body.value(QLatin1String("version")).toString(), QStringLiteral("v1alpha1"));
        QCOMPARE(body.value(QLatin1String("project")).toString(), QStringLiteral("prod"));
    } else {
        QVERIFY(r.path.startsWith(
            QLatin1String("/api/v1/applications/checkout-prod/resource/actions?")));
        QVERIFY(r.path.contains(QLatin1String("resourceName=web")));
        QVERIFY(r.path.contains(QLatin1String("kind=Rollout")));
        QCOMPARE(r.body, QByteArray('"' + action.toUtf8() + '"'));
    }
    // the step and the action's availability are re-read before sending
    QVERIFY(p.preconditions.size() >= 2);
    QCOMPARE(p.preconditions.at(0).field, QStringLiteral("rollout.currentStepIndex"));
    QCOMPARE(p.preconditions.at(0).expected, QStringLiteral("3"));
    QVERIFY(p.preconditions.at(0).path.startsWith(
        QLatin1String("/api/v1/applications/checkout-prod/resource?")));
    QCOMPARE(p.preconditions.at(1).field, QStringLiteral("action.%1.enabled").arg(action));
    QCOMPARE(p.context.value(QStringLiteral("targetKey")).toString(),
             QStringLiteral("checkout-prod/web"));
    QVERIFY(p.summary.contains(QLatin1String("step 4/7")));
}

void TestArgoCdParsers::planPauseRefusedBefore31()
{
    QList<ParseProblem> problems;
    const AppState app = parseFixtureApp("app_full.json", &problems);
    const RolloutState rs = rolloutState(fixtureObject("rollout_traffic_router.json"),
                                         {{QStringLiteral("resume"), false}});
    PlanInput in;
    in.app = &app;
    in.rollout = &rs;
    in.server = {true, 2, 14, QStringLiteral("v2.14.21")};
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Pause;
    const ActionPlan p = planAction(a, in);
    QVERIFY(!p.feasible);
    QVERIFY(p.blockedReason.contains(QLatin1String("3.1")));
    QVERIFY(p.blockedReason.contains(QLatin1String("v2.14.21")));
    QCOMPARE(p.alternatives.size(), 2);
    QVERIFY(p.requests.isEmpty());
}

void TestArgoCdParsers::planDisabledOrUnknownActions()
{
    QList<ParseProblem> problems;
    const AppState app = parseFixtureApp("app_full.json", &problems);
    PlanInput in;
    in.app = &app;
    in.applicationName = app.name;
    in.server = {true, 3, 5, QStringLiteral("v3.5.1")};
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Retry;

    QVERIFY(!planAction(a, in).feasible); // no rollout at all
    QVERIFY(planAction(a, in).blockedReason.contains(QLatin1String("no Argo Rollout")));

    RolloutState rs = rolloutState(fixtureObject("rollout_traffic_router.json"),
                                   {{QStringLiteral("retry"), true}});
    in.rollout = &rs;
    ActionPlan p = planAction(a, in);
    QVERIFY(!p.feasible);
    QVERIFY(p.blockedReason.contains(QLatin1String("not aborted")));

    rs.actionsKnown = false; // never assume what the server would offer
    QVERIFY(!planAction(a, in).feasible);

    rs.actionsKnown = true;
    rs.details.rollout.actions = {{QStringLiteral("resume"), false}};
    p = planAction(a, in);
    QVERIFY(!p.feasible);
    QVERIFY(p.blockedReason.contains(QLatin1String("does not offer 'retry'")));

    in.app = nullptr;
    in.applicationName = QStringLiteral("ghost-prod");
    p = planAction(a, in);
    QVERIFY(!p.feasible);
    QVERIFY(p.blockedReason.contains(QLatin1String("ghost-prod")));
}

void TestArgoCdParsers::planRollback()
{
    QList<ParseProblem> problems;
    AppState app = parseFixtureApp("app_full.json", &problems);
    PlanInput in;
    in.app = &app;
    in.applicationName = app.name;
    in.mapping = {QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    in.server = {true, 3, 5, QStringLiteral("v3.5.1")};
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Rollback;

    // auto-sync on: refused at plan time, in plain words, with both alternatives
    ActionPlan p = planAction(a, in);
    QVERIFY(!p.feasible);
    QVERIFY(p.blockedReason.contains(QLatin1String("auto-sync is on")));
    QCOMPARE(p.alternatives.size(), 2);
    QVERIFY(p.alternatives.at(0).contains(QLatin1String("Disable auto-sync")));
    QVERIFY(p.alternatives.at(0).contains(QLatin1String("history 8")));
    QVERIFY(p.alternatives.at(1).contains(QLatin1String("Revert in Git")));
    QVERIFY(p.alternatives.at(1).contains(QLatin1String("v1.4.2")));

    app.autoSync = false;
    p = planAction(a, in); // default target: the entry before the current one
    QVERIFY2(p.feasible, qPrintable(p.blockedReason));
    QCOMPARE(p.requests.first().path,
             QStringLiteral("/api/v1/applications/checkout-prod/rollback"));
    QCOMPARE(QJsonDocument::fromJson(p.requests.first().body)
                 .object()
                 .value(QLatin1String("id"))
                 .toInt(),
             8);
    QStringList fields;
    for (const auto &c : p.preconditions)
        fields << c.field + QLatin1Char('=') + c.expected;
    QCOMPARE(fields, (QStringList{QStringLiteral("app.history.lastId=9"),
                                  QStringLiteral("app.operationRunning=false"),
                                  QStringLiteral("app.autoSync=false")}));

    a.target = QStringLiteral("checkout-prod/7"); // a Deployment id
    QCOMPARE(QJsonDocument::fromJson(planAction(a, in).requests.first().body)
                 .object()
                 .value(QLatin1String("id"))
                 .toInt(),
             7);
    a.target = QStringLiteral("7");
    QVERIFY(planAction(a, in).feasible);
    a.target = QStringLiteral("9");
    QVERIFY(planAction(a, in).blockedReason.contains(QLatin1String("already runs")));
    a.target = QStringLiteral("42");
    QVERIFY(planAction(a, in).blockedReason.contains(QLatin1String("7, 8, 9")));
    a.target.clear();
    a.version = QStringLiteral("v1.4.1");
    QCOMPARE(QJsonDocument::fromJson(planAction(a, in).requests.first().body)
                 .object()
                 .value(QLatin1String("id"))
                 .toInt(),
             7);

    a.version.clear();
    app.operationPhase = QStringLiteral("Running");
    QVERIFY(planAction(a, in).blockedReason.contains(QLatin1String("already running")));

    app.history.clear();
    QVERIFY(planAction(a, in).blockedReason.contains(QLatin1String("no deployment history")));
}

void TestArgoCdParsers::planSync()
{
    QList<ParseProblem> problems;
    AppState app = parseFixtureApp("app_full.json", &problems);
    PlanInput in;
    in.app = &app;
    in.applicationName = app.name;
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Sync;
    ActionPlan p = planAction(a, in);
    QVERIFY(p.feasible);
    QCOMPARE(p.requests.first().path, QStringLiteral("/api/v1/applications/checkout-prod/sync"));
    QVERIFY(!QJsonDocument::fromJson(p.requests.first().body)
                 .object()
                 .contains(QLatin1String("revision")));
    a.version = QStringLiteral("deadbeef");
    QVERIFY(!planAction(a, in).feasible); // auto-sync follows main
    app.autoSync = false;
    p = planAction(a, in);
    QVERIFY(p.feasible);
    QCOMPARE(QJsonDocument::fromJson(p.requests.first().body)
                 .object()
                 .value(QLatin1String("revision"))
                 .toString(),
             QStringLiteral("deadbeef"));
    QCOMPARE(p.preconditions.first().field, QStringLiteral("app.operationRunning"));
}

void TestArgoCdParsers::syncWindows()
{
    QString error;
    // protobuf JSON leaves canSync out when it is false
    SyncWindows w = parseSyncWindows(
        R"({"assignedWindows":[{"kind":"deny","schedule":"0 22 * * 5","duration":"60h"}],)"
        R"("activeWindows":[{"kind":"deny","schedule":"0 22 * * 5","duration":"60h"}]})",
        &error);
    QVERIFY(error.isEmpty());
    QVERIFY(w.known);
    QVERIFY(!w.canSync);
    QCOMPARE(w.active.size(), 1);
    QCOMPARE(w.activeDenyText(), QStringLiteral("deny window '0 22 * * 5' for 60h"));
    w = parseSyncWindows(R"({"activeWindows":[{"kind":"deny","schedule":"* * * * *",)"
                         R"("duration":"1h","manualSync":true}],"canSync":true})",
                         &error);
    QVERIFY(w.canSync);
    QVERIFY(w.activeDenyText().contains(QLatin1String("manual syncs allowed")));
    w = parseSyncWindows("{}", &error);
    QVERIFY(w.known && w.canSync && w.activeDenyText().isEmpty());
    parseSyncWindows("{", &error);
    QVERIFY(error.contains(QLatin1String("sync windows")));

    error.clear();
    const QList<ProjectWindow> pw = parseProjectSyncWindows(
        R"({"windows":[{"kind":"deny","schedule":"0 0 * * *","duration":"24h",)"
        R"("applications":["checkout-*"]},{"kind":"allow","applications":["*"],)"
        R"("namespaces":["payments-*"],"andOperator":true}]})",
        &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(pw.size(), 2);
    AppState app;
    app.name = QStringLiteral("checkout-dev");
    app.destNamespace = QStringLiteral("checkout-dev");
    QVERIFY(windowApplies(pw[0], app));
    QVERIFY(!windowApplies(pw[1], app)); // AND: the namespace does not match
    app.destNamespace = QStringLiteral("payments-dev");
    QVERIFY(windowApplies(pw[1], app));
    app.name = QStringLiteral("web-checkout-dev");
    QVERIFY(!windowApplies(pw[0], app)); // globs are anchored
    QVERIFY(parseProjectSyncWindows("{}", &error).isEmpty());
}

void TestArgoCdParsers::syncWindowBlocksPlans()
{
    QList<ParseProblem> problems;
    AppState app = parseFixtureApp("app_full.json", &problems);
    app.autoSync = false;
    QString error;
    app.windows = parseSyncWindows(
        R"({"activeWindows":[{"kind":"deny","schedule":"0 0 * * *","duration":"24h"}]})", &error);
    const AppMapping m{QStringLiteral("checkout"), QStringLiteral("prod"), {}, {}, false};
    const EnvironmentState env = environmentState(
        QStringLiteral("argo"), QUrl(QStringLiteral("https://a")), app, m, nullptr);
    QCOMPARE(env.freeze, QStringLiteral("deny window '0 0 * * *' for 24h"));
    PlanInput in;
    in.app = &app;
    in.applicationName = app.name;
    in.mapping = m;
    for (const auto verb : {ReleaseAction::Verb::Sync, ReleaseAction::Verb::Rollback}) {
        ReleaseAction a;
        a.verb = verb;
        const ActionPlan p = planAction(a, in);
        QVERIFY(!p.feasible);
        QVERIFY(p.requests.isEmpty());
        QVERIFY2(p.blockedReason.contains(QLatin1String("a sync window blocks")) &&
                     p.blockedReason.contains(QLatin1String("'0 0 * * *' for 24h")),
                 qPrintable(p.blockedReason));
        QVERIFY(!p.alternatives.isEmpty());
    }
    // a window that lets manual syncs through blocks nothing the console does
    app.windows.canSync = true;
    ReleaseAction sync;
    sync.verb = ReleaseAction::Verb::Sync;
    QVERIFY(planAction(sync, in).feasible);
    app.windows = {};
    QVERIFY(environmentState(QStringLiteral("argo"), QUrl(), app, m, nullptr).freeze.isEmpty());
}

void TestArgoCdParsers::preconditionFields()
{
    QString error;
    const QJsonObject manifest =
        rolloutYaml(QStringLiteral("actions/testdata/has_pause_condition_rollout.yaml"));
    const QByteArray resource =
        QJsonDocument(QJsonObject{{QStringLiteral("manifest"),
                                   QString::fromUtf8(
                                       QJsonDocument(manifest).toJson(QJsonDocument::Compact))}})
            .toJson();
    QCOMPARE(readPreconditionField(QStringLiteral("rollout.currentStepIndex"), resource, &error),
             QStringLiteral("1"));
    QCOMPARE(readPreconditionField(QStringLiteral("rollout.paused"), resource, &error),
             QStringLiteral("true"));
    QCOMPARE(readPreconditionField(QStringLiteral("rollout.aborted"), resource, &error),
             QStringLiteral("false"));
    QVERIFY(error.isEmpty());
    const QByteArray actions =
        R"({"actions":[{"name":"resume"},{"name":"abort","disabled":true}]})";
    QCOMPARE(readPreconditionField(QStringLiteral("action.resume.enabled"), actions, &error),
             QStringLiteral("true"));
    QCOMPARE(readPreconditionField(QStringLiteral("action.abort.enabled"), actions, &error),
             QStringLiteral("false"));
    QCOMPARE(readPreconditionField(QStringLiteral("action.pause.enabled"), actions, &error),
             QStringLiteral("false"));
    const QByteArray app = fixture("app_full.json");
    QCOMPARE(readPreconditionField(QStringLiteral("app.history.lastId"), app, &error),
             QStringLiteral("9"));
    QCOMPARE(readPreconditionField(QStringLiteral("app.autoSync"), app, &error),
             QStringLiteral("true"));
    QCOMPARE(readPreconditionField(QStringLiteral("app.operationRunning"), app, &error),
             QStringLiteral("false"));
    QVERIFY(error.isEmpty());
    readPreconditionField(QStringLiteral("rollout.currentStepIndex"), "{}", &error);
    QVERIFY(!error.isEmpty());
    error.clear();
    readPreconditionField(QStringLiteral("app.colour"), app, &error);
    QVERIFY(error.contains(QLatin1String("unknown precondition field")));
}

void TestArgoCdParsers::reconnectBackoff()
{
    qint64 now = 1'000'000;
    ReconnectPolicy p(
        {}, [] { return 0.999999; }, [&] { return now; });
    QList<int> delays;
    for (int i = 0; i < 9; ++i)
        delays << p.nextDelayMs(0);
    // full jitter up to base * 2^n, capped at 60 s
    QCOMPARE(delays.mid(0, 4), (QList<int>{999, 1999, 3999, 7999}));
    QCOMPARE(delays.at(6), 59999);
    QCOMPARE(delays.at(8), 59999);

    ReconnectPolicy zero(
        {}, [] { return 0.0; }, [&] { return now; });
    QCOMPARE(zero.nextDelayMs(0), 0);
    // a stream that stayed up long enough starts the backoff over
    ReconnectPolicy q(
        {}, [] { return 0.999999; }, [&] { return now; });
    q.nextDelayMs(0);
    q.nextDelayMs(0);
    QCOMPARE(q.consecutiveFailures(), 2);
    q.nextDelayMs(now - 31000);
    QCOMPARE(q.consecutiveFailures(), 1);
}

void TestArgoCdParsers::reconnectWindowLimit()
{
    qint64 now = 5'000'000;
    ReconnectPolicy p(
        {}, [] { return 0.0; }, [&] { return now; });
    for (int i = 0; i < 30; ++i) {
        QCOMPARE(p.nextDelayMs(0), 0);
        now += 1000;
    }
    QCOMPARE(p.recentReconnects(), 30);
    // the 31st within ten minutes waits until the oldest leaves the window
    const int wait = p.nextDelayMs(0);
    QCOMPARE(wait, 10 * 60 * 1000 - 30 * 1000);
    now += wait;
    QVERIFY(p.recentReconnects() <= 30);
}

QTEST_GUILESS_MAIN(TestArgoCdParsers)
#include "tst_argocdparsers.moc"
