// The sandbox's Argo CD API and Rollouts simulation against the reference data: the action
// lists and Lua action results of upstream's action_test.yaml, grpc-gateway error shapes,
// the watch stream's exact framing, and the controller stepping on the clock.

#include "argocd/argocdserver.h"
#include "argocd/rollout.h"
#include "core/sandbox.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace fd::sandbox;
using namespace Qt::StringLiterals;

namespace {

const QString kActions =
    QStringLiteral(FD_TEST_DATA_DIR "/argocd/resource_customizations/Rollout/actions/");

QJsonValue toJson(const YAML::Node &n)
{
    if (n.IsMap()) {
        QJsonObject o;
        for (const auto &kv : n)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), toJson(kv.second));
        return o;
    }
    if (n.IsSequence()) {
        QJsonArray a;
        for (const auto &v : n)
            a.append(toJson(v));
        return a;
    }
    if (n.IsNull())
        return QJsonValue::Null;
    const QString v = QString::fromStdString(n.Scalar());
    if (n.Tag() == "!") // quoted
        return v;
    bool ok = false;
    const qint64 i = v.toLongLong(&ok);
    if (ok)
        return i;
    if (v == u"true"_s || v == u"false"_s)
        return v == u"true"_s;
    return v;
}

QJsonObject loadYaml(const QString &path)
{
    return toJson(YAML::LoadFile(path.toStdString())).toObject();
}

QJsonObject parse(const std::string &body)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
}

/// Reads a streaming response on its own thread; the test polls what arrived.
class StreamReader
{
public:
    StreamReader(int port, const std::string &path, bool sse, const std::string &token)
    {
        m_thread = std::thread([=, this] {
            httplib::Client cli("127.0.0.1", port);
            cli.set_read_timeout(5, 0);
            httplib::Headers h{{"Authorization", "Bearer " + token}};
            if (sse)
                h.emplace("Accept", "text/event-stream");
            auto res = cli.Get(
                path, h,
                [this](const httplib::Response &r) {
                    std::lock_guard g(m_mutex);
                    m_contentType = r.get_header_value("Content-Type");
                    return true;
                },
                [this](const char *data, size_t len) {
                    std::lock_guard g(m_mutex);
                    m_data.append(data, qsizetype(len));
                    return !m_stop;
                });
            m_ended = true;
        });
    }
    ~StreamReader()
    {
        m_stop = true;
        m_thread.join();
    }
    QByteArray data()
    {
        std::lock_guard g(m_mutex);
        return m_data;
    }
    std::string contentType()
    {
        std::lock_guard g(m_mutex);
        return m_contentType;
    }
    std::atomic<bool> m_ended{false};

private:
    std::mutex m_mutex;
    QByteArray m_data;
    std::string m_contentType;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

QList<QJsonObject> sseEvents(const QByteArray &data)
{
    QList<QJsonObject> out;
    for (const QByteArray &block : data.split('\n')) {
        if (block.startsWith("data: "))
            out.append(QJsonDocument::fromJson(block.mid(6)).object());
    }
    return out;
}

} // namespace

class TestSandboxArgoCd : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> start(const QString &version, const QString &scenario = u"demo"_s)
    {
        Options o;
        o.scenario = scenario;
        o.argocdVersion = version;
        o.clockSpeed = 0; // only explicit advances move simulated time
        o.epochMs = 1'790'000'000'000;
        auto sb = std::make_unique<Sandbox>(o);
        QString error;
        if (!sb->start(&error))
            qFatal("sandbox start: %s", qPrintable(error));
        m_token = sb->backend(u"argocd"_s)->credentials()[u"token"_s].toString().toStdString();
        return sb;
    }
    httplib::Client client(Sandbox &sb)
    {
        httplib::Client c("127.0.0.1", sb.port(u"argocd"_s));
        c.set_bearer_token_auth(m_token);
        c.set_read_timeout(10, 0);
        return c;
    }
    std::string m_token;

private Q_SLOTS:
    void discovery_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QJsonArray>("expected");
        const YAML::Node tests = YAML::LoadFile((kActions + u"action_test.yaml"_s).toStdString());
        for (const auto &t : tests["discoveryTests"]) {
            QJsonArray expected;
            for (const auto &a : t["result"])
                expected.append(
                    QJsonObject{{u"name"_s, QString::fromStdString(a["name"].as<std::string>())},
                                {u"disabled"_s, a["disabled"].as<bool>()}});
            const QString input = QString::fromStdString(t["inputPath"].as<std::string>());
            QTest::newRow(qPrintable(input)) << input << expected;
        }
    }
    void discovery()
    {
        QFETCH(QString, input);
        QFETCH(QJsonArray, expected);
        const QJsonObject rollout = loadYaml(kActions + input);
        QMap<QString, bool> got, want, got214;
        for (const QJsonValue &a : argocd::rolloutActions(rollout, true))
            got.insert(a[u"name"_s].toString(), a[u"disabled"_s].toBool());
        for (const QJsonValue &a : expected)
            want.insert(a[u"name"_s].toString(), a[u"disabled"_s].toBool());
        QCOMPARE(got, want);
        // Argo CD 2.14 offers the same five without pause and skip-current-step
        for (const QJsonValue &a : argocd::rolloutActions(rollout, false))
            got214.insert(a[u"name"_s].toString(), a[u"disabled"_s].toBool());
        want.remove(u"pause"_s);
        want.remove(u"skip-current-step"_s);
        QCOMPARE(got214, want);
    }

    void luaActions_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        const YAML::Node tests = YAML::LoadFile((kActions + u"action_test.yaml"_s).toStdString());
        for (const auto &t : tests["actionTests"]) {
            const QString action = QString::fromStdString(t["action"].as<std::string>());
            const QString input = QString::fromStdString(t["inputPath"].as<std::string>());
            QTest::newRow(qPrintable(action + u' ' + input))
                << action << input
                << QString::fromStdString(t["expectedOutputPath"].as<std::string>());
        }
    }
    void luaActions()
    {
        QFETCH(QString, action);
        QFETCH(QString, input);
        QFETCH(QString, output);
        QJsonObject rollout = loadYaml(kActions + input);
        QString error;
        QVERIFY2(
            argocd::applyRolloutAction(rollout, action, u"0001-01-01T00:00:00Z"_s, true, &error),
            qPrintable(error));
        const QJsonObject expected = loadYaml(kActions + output);
        QCOMPARE(rollout[u"spec"_s].toObject(), expected[u"spec"_s].toObject());
        QCOMPARE(rollout[u"status"_s].toObject(), expected[u"status"_s].toObject());
    }

    void controllerSteps()
    {
        using argocd::CanaryStep;
        argocd::RolloutSim r(u"web"_s, u"shop"_s,
                             {CanaryStep::setWeight(20), CanaryStep::pause(),
                              CanaryStep::setWeight(50), CanaryStep::pause(60),
                              CanaryStep::analysis(u"error-rate"_s), CanaryStep::setWeight(100)},
                             4);
        qint64 t = 1'000'000;
        r.setStable({u"v1"_s, u"img:v1"_s, false}, t);
        QCOMPARE(r.phase(), u"Healthy"_s);
        r.startUpdate({u"v2"_s, u"img:v2"_s, false}, t);
        QCOMPARE(r.phase(), u"Progressing"_s);
        QCOMPARE(r.canaryWeight(), 20);
        r.reconcile(t += argocd::RolloutSim::kStepSettleMs);
        QCOMPARE(r.currentStepIndex(), 1);
        QCOMPARE(r.phase(), u"Paused"_s);
        QCOMPARE(r.message(), u"CanaryPauseStep"_s);
        QCOMPARE(r.health().first, u"Suspended"_s);
        r.reconcile(t += 3'600'000); // a manual pause waits forever
        QCOMPARE(r.currentStepIndex(), 1);
        QString error;
        QVERIFY(r.runAction(u"resume"_s, t, true, &error));
        r.reconcile(t);
        QCOMPARE(r.currentStepIndex(), 2);
        QCOMPARE(r.canaryWeight(), 50);
        r.reconcile(t += argocd::RolloutSim::kStepSettleMs);
        QCOMPARE(r.currentStepIndex(), 3);
        r.reconcile(t += 59'000);
        QCOMPARE(r.currentStepIndex(), 3);
        r.reconcile(t += 1'000); // the timed pause ends by itself
        QCOMPARE(r.currentStepIndex(), 4);
        QCOMPARE(r.analysisRunStatus(), u"Running"_s);
        r.reconcile(t += argocd::RolloutSim::kAnalysisMs + argocd::RolloutSim::kStepSettleMs);
        QCOMPARE(r.analysisRunStatus(), u"Successful"_s);
        QCOMPARE(r.currentStepIndex(), 6);
        QVERIFY(r.fullyPromoted());
        QCOMPARE(r.phase(), u"Healthy"_s);
        QCOMPARE(r.manifest()[u"status"_s][u"stableRS"_s],
                 r.manifest()[u"status"_s][u"currentPodHash"_s]);

        // a bad version fails its analysis and the controller aborts
        r.startUpdate({u"v3"_s, u"img:v3"_s, true}, t);
        QVERIFY(r.runAction(u"promote-full"_s, t, true,
                            &error)); // not this time: skip to analysis instead
        r.reconcile(t);
        QVERIFY(r.fullyPromoted());
        r.startUpdate({u"v4"_s, u"img:v4"_s, true}, t);
        QVERIFY(r.runAction(u"skip-current-step"_s, t, true, &error)); // 0 -> 1
        QVERIFY(r.runAction(u"skip-current-step"_s, t, true, &error)); // 1 -> 2
        QVERIFY(r.runAction(u"skip-current-step"_s, t, true, &error)); // 2 -> 3
        QVERIFY(r.runAction(u"skip-current-step"_s, t, true, &error)); // 3 -> 4 analysis
        r.reconcile(t);
        QCOMPARE(r.currentStepIndex(), 4);
        r.reconcile(t += argocd::RolloutSim::kAnalysisMs);
        QVERIFY(r.aborted());
        QCOMPARE(r.phase(), u"Degraded"_s);
        QCOMPARE(r.canaryWeight(), 0);
        QCOMPARE(
            r.manifest()[u"status"_s][u"canary"_s][u"currentStepAnalysisRunStatus"_s][u"status"_s]
                .toString(),
            u"Failed"_s);
        QVERIFY(r.manifest()[u"status"_s].toObject().contains(u"abortedAt"_s));
        QVERIFY(r.runAction(u"retry"_s, t, true, &error));
        r.reconcile(t);
        QVERIFY(!r.aborted());
        QCOMPARE(r.currentStepIndex(), 0);
        QCOMPARE(r.phase(), u"Progressing"_s);
        QVERIFY(!r.runAction(u"pause"_s, t, false, &error)); // no pause before Argo CD 3.1
    }

    void projection()
    {
        QJsonObject list{
            {u"metadata"_s, QJsonObject{{u"resourceVersion"_s, u"9"_s}}},
            {u"items"_s, QJsonArray{QJsonObject{
                             {u"metadata"_s, QJsonObject{{u"name"_s, u"a"_s}, {u"uid"_s, u"x"_s}}},
                             {u"spec"_s, QJsonObject{{u"project"_s, u"p"_s}}}}}}};
        QJsonObject inc = list;
        argocd::projectFields(inc, u"items.metadata.name,items.spec"_s);
        QCOMPARE(compactJson(inc),
                 QByteArray(R"({"items":[{"metadata":{"name":"a"},"spec":{"project":"p"}}]})"));
        QJsonObject exc = list;
        argocd::projectFields(exc, u"-items.metadata.uid,metadata"_s);
        QCOMPARE(compactJson(exc),
                 QByteArray(R"({"items":[{"metadata":{"name":"a"},"spec":{"project":"p"}}]})"));
    }

    void endpoints_data()
    {
        QTest::addColumn<QString>("version");
        QTest::newRow("3.5") << u"3.5"_s;
        QTest::newRow("2.14") << u"2.14"_s;
    }
    void endpoints()
    {
        QFETCH(QString, version);
        auto sb = start(version);
        auto cli = client(*sb);
        const bool v3 = version == u"3.5"_s;

        auto res = cli.Get("/api/version");
        QCOMPARE(res->status, 200);
        QVERIFY(parse(res->body)[u"Version"_s].toString().startsWith(v3 ? u"v3.5.1+"_s
                                                                        : u"v2.14.21+"_s));

        httplib::Client anon("127.0.0.1", sb->port(u"argocd"_s));
        res = anon.Get("/api/v1/applications");
        QCOMPARE(res->status, 401);
        QCOMPARE(parse(res->body), (QJsonObject{{u"error"_s, u"no session information"_s},
                                                {u"code"_s, 16},
                                                {u"message"_s, u"no session information"_s},
                                                {u"details"_s, QJsonArray{}}}));
        const QJsonObject creds = sb->backend(u"argocd"_s)->credentials();
        res = anon.Post(
            "/api/v1/session",
            compactJson({{u"username"_s, creds[u"username"_s]}, {u"password"_s, u"wrong"_s}})
                .toStdString(),
            "application/json");
        QCOMPARE(res->status, 401);
        res = anon.Post("/api/v1/session",
                        compactJson({{u"username"_s, creds[u"username"_s]},
                                     {u"password"_s, creds[u"password"_s]}})
                            .toStdString(),
                        "application/json");
        QCOMPARE(res->status, 200);
        const QString session = parse(res->body)[u"token"_s].toString();
        QCOMPARE(session.count(u'.'), 2);
        res = anon.Get("/api/v1/session/userinfo",
                       {{"Cookie", "argocd.token=" + session.toStdString()}});
        QCOMPARE(parse(res->body)[u"loggedIn"_s].toBool(), true);
        QCOMPARE(parse(res->body)[u"username"_s].toString(), u"admin"_s);

        res = cli.Get("/api/v1/applications");
        QCOMPARE(res->status, 200);
        const QJsonObject list = parse(res->body);
        QVERIFY(!list[u"metadata"_s][u"resourceVersion"_s].toString().isEmpty());
        QVERIFY(list[u"items"_s].toArray().size() >= 4);
        res = cli.Get(
            "/api/v1/applications?projects=prod&fields=items.metadata.name,items.status.health");
        const QJsonArray prod = parse(res->body)[u"items"_s].toArray();
        QCOMPARE(prod.size(), 1);
        QCOMPARE(prod[0].toObject().keys(), (QStringList{u"metadata"_s, u"status"_s}));
        QCOMPARE(prod[0][u"metadata"_s][u"name"_s].toString(), u"checkout-prod"_s);
        QCOMPARE(prod[0][u"status"_s][u"health"_s][u"status"_s].toString(), u"Suspended"_s);
        res = cli.Get("/api/v1/applications?selector=flightdeck.dev/service%3Dpayments");
        for (const QJsonValue &a : parse(res->body)[u"items"_s].toArray())
            QVERIFY(a[u"metadata"_s][u"name"_s].toString().startsWith(u"payments-"_s));

        res = cli.Get("/api/v1/applications/nope");
        QCOMPARE(res->status, 403);
        QCOMPARE(parse(res->body)[u"code"_s].toInt(), 7);
        res = cli.Get("/api/v1/applications/nope?project=prod");
        QCOMPARE(res->status, 404);
        QCOMPARE(parse(res->body)[u"code"_s].toInt(), 5);

        // the canary waits at its manual step
        const std::string q = "?namespace=checkout-prod&resourceName=checkout&group=argoproj.io&"
                              "kind=Rollout&version=v1alpha1";
        res = cli.Get("/api/v1/applications/checkout-prod/resource" + q);
        QCOMPARE(res->status, 200);
        QJsonObject manifest =
            QJsonDocument::fromJson(parse(res->body)[u"manifest"_s].toString().toUtf8()).object();
        QCOMPARE(manifest[u"kind"_s].toString(), u"Rollout"_s);
        QCOMPARE(manifest[u"status"_s][u"currentStepIndex"_s].toInt(), 1);
        QCOMPARE(manifest[u"status"_s][u"phase"_s].toString(), u"Paused"_s);
        QVERIFY(manifest[u"status"_s][u"observedGeneration"_s].isString());
        QCOMPARE(manifest[u"status"_s][u"canary"_s][u"weights"_s][u"canary"_s][u"weight"_s].toInt(),
                 20);
        QCOMPARE(manifest[u"spec"_s][u"strategy"_s][u"canary"_s][u"steps"_s].toArray().size(), 6);

        res = cli.Get("/api/v1/applications/checkout-prod/resource/actions" + q);
        QMap<QString, bool> actions;
        for (const QJsonValue &a : parse(res->body)[u"actions"_s].toArray())
            actions.insert(a[u"name"_s].toString(), a[u"disabled"_s].toBool());
        // the same state as has_pause_condition_rollout.yaml, so the same list
        QMap<QString, bool> want{{u"abort"_s, false},
                                 {u"promote-full"_s, false},
                                 {u"restart"_s, false},
                                 {u"resume"_s, false},
                                 {u"retry"_s, true}};
        if (v3) {
            want.insert(u"pause"_s, false);
            want.insert(u"skip-current-step"_s, false);
        }
        QCOMPARE(actions, want);

        res = cli.Post(
            "/api/v1/applications/checkout-prod/resource/actions/v2",
            R"({"action":"resume","namespace":"checkout-prod","resourceName":"checkout","group":"argoproj.io","kind":"Rollout","version":"v1alpha1"})",
            "application/json");
        if (!v3) {
            QCOMPARE(res->status, 404); // grpc-gateway v1 answers unknown routes in plain text
            QCOMPARE(res->body, std::string("Not Found\n"));
            res = cli.Post("/api/v1/applications/checkout-prod/resource/actions" + q, "\"resume\"",
                           "application/json");
        }
        QCOMPARE(res->status, 200);
        sb->advance(0);
        res = cli.Get("/api/v1/applications/checkout-prod/resource" + q);
        manifest =
            QJsonDocument::fromJson(parse(res->body)[u"manifest"_s].toString().toUtf8()).object();
        QCOMPARE(manifest[u"status"_s][u"currentStepIndex"_s].toInt(), 2);
        QVERIFY(!manifest[u"status"_s].toObject().contains(u"pauseConditions"_s));
        sb->advance(5'000);
        sb->advance(600'000);
        res = cli.Get("/api/v1/applications/checkout-prod/resource" + q);
        manifest =
            QJsonDocument::fromJson(parse(res->body)[u"manifest"_s].toString().toUtf8()).object();
        QCOMPARE(manifest[u"status"_s][u"currentStepIndex"_s].toInt(), 4); // analysis running
        sb->advance(60'000);
        res = cli.Get("/api/v1/applications/checkout-prod");
        QCOMPARE(parse(res->body)[u"status"_s][u"health"_s][u"status"_s].toString(), u"Healthy"_s);

        // rollback
        res = cli.Get("/api/v1/applications/checkout-dev");
        const QJsonArray devHistory = parse(res->body)[u"status"_s][u"history"_s].toArray();
        const qint64 devId = devHistory.first()[u"id"_s].toInteger();
        res = cli.Post("/api/v1/applications/checkout-dev/rollback",
                       compactJson({{u"id"_s, devId}}).toStdString(), "application/json");
        QCOMPARE(res->status, 400);
        QCOMPARE(parse(res->body)[u"message"_s].toString(),
                 u"rollback cannot be initiated when auto-sync is enabled"_s);
        QCOMPARE(parse(res->body)[u"code"_s].toInt(), 9);
        res = cli.Get("/api/v1/applications/checkout-prod");
        const QJsonArray prodHistory = parse(res->body)[u"status"_s][u"history"_s].toArray();
        res = cli.Post("/api/v1/applications/checkout-prod/rollback", R"({"id":999999})",
                       "application/json");
        QCOMPARE(res->status, 400);
        QVERIFY(parse(res->body)[u"message"_s].toString().contains(
            u"does not have deployment with id"_s));
        const qint64 prevId = prodHistory[prodHistory.size() - 2][u"id"_s].toInteger();
        res = cli.Post("/api/v1/applications/checkout-prod/rollback",
                       compactJson({{u"id"_s, prevId}}).toStdString(), "application/json");
        QCOMPARE(res->status, 200);
        QCOMPARE(parse(res->body)[u"status"_s][u"operationState"_s][u"phase"_s].toString(),
                 u"Running"_s);
        res = cli.Post("/api/v1/applications/checkout-prod/sync", "{}", "application/json");
        QCOMPARE(res->status, 400);
        QCOMPARE(parse(res->body)[u"message"_s].toString(),
                 u"another operation is already in progress"_s);
        sb->advance(4'000);
        res = cli.Get("/api/v1/applications/checkout-prod");
        QCOMPARE(parse(res->body)[u"status"_s][u"operationState"_s][u"phase"_s].toString(),
                 u"Succeeded"_s);
        QCOMPARE(parse(res->body)[u"status"_s][u"history"_s].toArray().last()[u"revision"_s],
                 prodHistory[prodHistory.size() - 2][u"revision"_s]);
        res = cli.Delete("/api/v1/applications/checkout-prod/operation");
        QCOMPARE(res->status, 400);

        // tree, diff
        res = cli.Get("/api/v1/applications/checkout-prod/resource-tree");
        QStringList kinds;
        for (const QJsonValue &n : parse(res->body)[u"nodes"_s].toArray()) {
            kinds.append(n[u"kind"_s].toString());
            if (n[u"kind"_s] == u"Pod"_s)
                QCOMPARE(n[u"parentRefs"_s][0][u"kind"_s].toString(), u"ReplicaSet"_s);
            if (n[u"kind"_s] == u"ReplicaSet"_s)
                QCOMPARE(n[u"parentRefs"_s][0][u"kind"_s].toString(), u"Rollout"_s);
        }
        QVERIFY(kinds.contains(u"Rollout"_s) && kinds.contains(u"Pod"_s));
        bool drifted = false;
        for (const QJsonValue &a : list[u"items"_s].toArray()) {
            if (a[u"status"_s][u"sync"_s][u"status"_s] != u"OutOfSync"_s)
                continue;
            res = cli.Get("/api/v1/applications/" +
                          a[u"metadata"_s][u"name"_s].toString().toStdString() +
                          "/managed-resources");
            for (const QJsonValue &item : parse(res->body)[u"items"_s].toArray())
                if (item[u"modified"_s].toBool()) {
                    drifted = true;
                    QVERIFY(item[u"liveState"_s].isString() && item[u"targetState"_s].isString());
                    QVERIFY(!item[u"diff"_s].toString().isEmpty());
                }
        }
        QVERIFY(drifted);
        res =
            cli.Post("/api/v1/applications/checkout-prod/resource-tree", "{}", "application/json");
        QCOMPARE(res->status, 405);
    }

    void stream()
    {
        argocd::setKeepAliveIntervalMs(300);
        auto sb = start(u"3.5"_s);
        const int port = sb->port(u"argocd"_s);
        StreamReader sse(port, "/api/v1/stream/applications", true, m_token);
        StreamReader nd(port, "/api/v1/stream/applications?name=checkout-prod", false, m_token);
        const int apps = int(sb->world().targetsOn(u"argocd"_s).size());
        QTRY_COMPARE_WITH_TIMEOUT(int(sseEvents(sse.data()).size()), apps, 5000);
        QCOMPARE(sse.contentType(), std::string("text/event-stream"));
        const QByteArray first = sse.data();
        QVERIFY(first.startsWith("data: {\"result\":{"));
        QVERIFY(first.contains("}} \n\n"));
        for (const QJsonObject &e : sseEvents(first))
            QCOMPARE(e[u"result"_s][u"type"_s].toString(), u"ADDED"_s);
        QTRY_VERIFY_WITH_TIMEOUT(sse.data().contains("\n:\n"), 3000); // keep-alive comment
        QTRY_VERIFY_WITH_TIMEOUT(nd.data().endsWith("\n"), 3000);
        QCOMPARE(nd.contentType(), std::string("application/json"));
        QVERIFY(nd.data().startsWith("{\"result\":{\"application\""));
        QVERIFY(!nd.data().contains(":\n\n"));

        auto cli = client(*sb);
        const std::string rv =
            parse(cli.Get("/api/v1/applications")->body)[u"metadata"_s][u"resourceVersion"_s]
                .toString()
                .toStdString();
        auto res = cli.Post(
            "/api/v1/applications/checkout-prod/resource/actions/v2",
            R"({"action":"pause","resourceName":"checkout","kind":"Rollout","group":"argoproj.io","version":"v1alpha1"})",
            "application/json");
        QCOMPARE(res->status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(sse.data().contains("\"type\":\"MODIFIED\""), 3000);
        const QList<QJsonObject> events = sseEvents(sse.data());
        QCOMPARE(events.last()[u"result"_s][u"application"_s][u"metadata"_s][u"name"_s].toString(),
                 u"checkout-prod"_s);
        QTRY_COMPARE_WITH_TIMEOUT(nd.data().count('\n'), 2, 3000);

        // a reconnect with the last resourceVersion gets only what changed since
        StreamReader resumed(port, "/api/v1/stream/applications?resourceVersion=" + rv, true,
                             m_token);
        QTRY_VERIFY_WITH_TIMEOUT(!sseEvents(resumed.data()).isEmpty(), 3000);
        QTest::qWait(300);
        const QList<QJsonObject> later = sseEvents(resumed.data());
        QCOMPARE(later.size(), 1);
        QCOMPARE(later.first()[u"result"_s][u"type"_s].toString(), u"MODIFIED"_s);

        QElapsedTimer t;
        t.start();
        sb->stop(); // open streams end cleanly
        // Ended by the stop itself, not by a 15 s keep-alive or the client giving up.
        QTRY_VERIFY_WITH_TIMEOUT(sse.m_ended && nd.m_ended && resumed.m_ended, 10000);
        qInfo("argocd streams ended %lld ms after stop", qint64(t.elapsed()));
        argocd::setKeepAliveIntervalMs(15000);
    }

    void managedResources_data()
    {
        QTest::addColumn<QString>("version");
        QTest::newRow("3.5") << u"3.5"_s;
        QTest::newRow("2.14") << u"2.14"_s;
    }
    void managedResources()
    {
        QFETCH(QString, version);
        auto sb = start(version);
        auto cli = client(*sb);
        // {kind: {targetState, liveState, normalizedLiveState}} parsed from their JSON strings
        bool allStrings = true;
        const auto managed = [&](const std::string &app) {
            QHash<QString, QJsonObject> out;
            auto res = cli.Get("/api/v1/applications/" + app + "/managed-resources");
            if (!res || res->status != 200)
                return out;
            for (const QJsonValue &v : parse(res->body)[u"items"_s].toArray()) {
                QJsonObject item = v.toObject();
                for (const QString &k : {u"targetState"_s, u"liveState"_s, u"normalizedLiveState"_s,
                                         u"predictedLiveState"_s}) {
                    allStrings = allStrings && item[k].isString();
                    item.insert(k + u"Parsed"_s,
                                QJsonDocument::fromJson(item[k].toString().toUtf8()).object());
                }
                out.insert(item[u"kind"_s].toString(), item);
            }
            return out;
        };
        const auto staging = managed("checkout-staging");
        const auto prod = managed("checkout-prod");
        QVERIFY(allStrings);
        QCOMPARE(QSet<QString>(staging.keyBegin(), staging.keyEnd()),
                 (QSet<QString>{u"ConfigMap"_s, u"Service"_s, u"Deployment"_s}));
        QCOMPARE(QSet<QString>(prod.keyBegin(), prod.keyEnd()),
                 (QSet<QString>{u"ConfigMap"_s, u"Service"_s, u"Rollout"_s}));
        QCOMPARE(staging[u"Deployment"_s][u"group"_s].toString(), u"apps"_s);
        QVERIFY(!staging[u"Service"_s].contains(u"group"_s)); // core group: omitted, as protobuf

        const QJsonObject sDep = staging[u"Deployment"_s][u"targetStateParsed"_s].toObject();
        const QJsonObject pRoll = prod[u"Rollout"_s][u"targetStateParsed"_s].toObject();
        const auto container = [](const QJsonObject &o) {
            return o[u"spec"_s][u"template"_s][u"spec"_s][u"containers"_s][0].toObject();
        };
        const auto env = [](const QJsonObject &c, const QString &name) {
            for (const QJsonValue &e : c[u"env"_s].toArray())
                if (e[u"name"_s].toString() == name)
                    return e[u"value"_s].toString();
            return QString();
        };
        // image tag, replicas, namespace, env vars and config keys differ as overlays make them
        // the image each overlay pins is the version the app reports (prod: its canary)
        const auto lastImage = [&](const std::string &app) {
            auto r = cli.Get("/api/v1/applications/" + app);
            return parse(r->body)[u"status"_s][u"summary"_s][u"images"_s]
                .toArray()
                .last()
                .toString();
        };
        QCOMPARE(container(sDep)[u"image"_s].toString(), lastImage("checkout-staging"));
        QCOMPARE(container(pRoll)[u"image"_s].toString(), lastImage("checkout-prod"));
        const auto dev = managed("checkout-dev");
        QCOMPARE(container(dev[u"Deployment"_s][u"targetStateParsed"_s].toObject())[u"image"_s]
                     .toString(),
                 lastImage("checkout-dev"));
        QCOMPARE(sDep[u"spec"_s][u"replicas"_s].toInt(), 2);
        QCOMPARE(pRoll[u"spec"_s][u"replicas"_s].toInt(), 4);
        QCOMPARE(sDep[u"metadata"_s][u"namespace"_s].toString(), u"checkout-staging"_s);
        QCOMPARE(pRoll[u"metadata"_s][u"namespace"_s].toString(), u"checkout-prod"_s);
        QCOMPARE(sDep[u"metadata"_s][u"labels"_s][u"app.kubernetes.io/instance"_s].toString(),
                 u"checkout-staging"_s);
        // CI's stamp: the pod template names the commit the image was built from
        const QString sTag = container(sDep)[u"image"_s].toString().section(u':', -1);
        QCOMPARE(sDep[u"spec"_s][u"template"_s][u"metadata"_s][u"annotations"_s]
                     [u"org.opencontainers.image.revision"_s]
                         .toString(),
                 sb->world().service(u"checkout"_s)->release(sTag)->sha);
        QCOMPARE(env(container(sDep), u"ENVIRONMENT"_s), u"staging"_s);
        QCOMPARE(env(container(pRoll), u"ENVIRONMENT"_s), u"prod"_s);
        QVERIFY(env(container(sDep), u"LOG_LEVEL"_s) != env(container(pRoll), u"LOG_LEVEL"_s));
        const QJsonObject sData =
            staging[u"ConfigMap"_s][u"targetStateParsed"_s][u"data"_s].toObject();
        const QJsonObject pData =
            prod[u"ConfigMap"_s][u"targetStateParsed"_s][u"data"_s].toObject();
        QCOMPARE(sData.keys(), pData.keys());
        QVERIFY(sData[u"CACHE_TTL_SECONDS"_s] != pData[u"CACHE_TTL_SECONDS"_s]);
        QVERIFY(sData[u"PAYMENTS_URL"_s].toString().contains(u"payments-staging"_s));
        // targets carry no status; live objects do, and normalization drops managedFields
        QVERIFY(!pRoll.contains(u"status"_s));
        const QJsonObject pLive = prod[u"Rollout"_s][u"liveStateParsed"_s].toObject();
        QCOMPARE(pLive[u"status"_s][u"phase"_s].toString(), u"Paused"_s);
        QVERIFY(pLive[u"metadata"_s][u"managedFields"_s].isArray());
        QVERIFY(
            !prod[u"Rollout"_s][u"normalizedLiveStateParsed"_s][u"metadata"_s].toObject().contains(
                u"managedFields"_s));
        for (const auto &item : staging)
            QVERIFY(!item[u"modified"_s].toBool());

        // the hand-scaled demo app: modified, with a diff and the live replica count
        const auto drift = managed("payments-staging");
        const QJsonObject d = drift[u"Deployment"_s];
        QVERIFY(d[u"modified"_s].toBool());
        QCOMPARE(d[u"liveStateParsed"_s][u"spec"_s][u"replicas"_s].toInt(),
                 d[u"targetStateParsed"_s][u"spec"_s][u"replicas"_s].toInt() + 1);
        QVERIFY(d[u"diff"_s].toString().contains(u"/spec/replicas"_s));
        QVERIFY(!drift[u"ConfigMap"_s][u"modified"_s].toBool());

        // every managed resource is also served through …/resource, live
        auto res = cli.Get("/api/v1/applications/checkout-staging/resource?namespace=checkout-"
                           "staging&resourceName=checkout-config&kind=ConfigMap&version=v1");
        QCOMPARE(res->status, 200);
        QCOMPARE(QJsonDocument::fromJson(parse(res->body)[u"manifest"_s].toString().toUtf8())
                     .object()[u"data"_s],
                 sData);

        // the test knob: a cut-off live state for one app's workload, the rest untouched
        httplib::Client ctl("127.0.0.1", sb->port(u"argocd"_s));
        QCOMPARE(ctl.Post("/_sandbox/argocd/managed-state?app=checkout-staging&state=malformed", "",
                          "text/plain")
                     ->status,
                 200);
        res = cli.Get("/api/v1/applications/checkout-staging/managed-resources");
        for (const QJsonValue &v : parse(res->body)[u"items"_s].toArray()) {
            QJsonParseError pe;
            QJsonDocument::fromJson(v[u"liveState"_s].toString().toUtf8(), &pe);
            QCOMPARE(pe.error != QJsonParseError::NoError, v[u"kind"_s] == u"Deployment"_s);
        }
        QCOMPARE(ctl.Post("/_sandbox/argocd/managed-state?app=nope", "", "text/plain")->status,
                 404);
        res = cli.Get("/api/v1/applications/nope/managed-resources");
        QCOMPARE(res->status, 403);
    }

    void syncWindows()
    {
        auto sb = start(u"3.5"_s);
        auto cli = client(*sb);
        auto res = cli.Get("/api/v1/projects/dev/syncwindows");
        QCOMPARE(res->status, 200);
        const QJsonArray windows = parse(res->body)[u"windows"_s].toArray();
        QCOMPARE(windows.size(), 1);
        QCOMPARE(windows[0][u"kind"_s].toString(), u"deny"_s);
        QCOMPARE(windows[0][u"applications"_s].toArray(), QJsonArray{u"checkout-*"_s});
        QCOMPARE(cli.Get("/api/v1/projects/nope/syncwindows")->status, 404);
        QVERIFY(parse(cli.Get("/api/v1/projects/staging/syncwindows")->body).isEmpty());

        // the app's view: assigned and active, canSync left out when false (protobuf JSON)
        QJsonObject dev = parse(cli.Get("/api/v1/applications/checkout-dev/syncwindows")->body);
        QCOMPARE(dev[u"activeWindows"_s].toArray().size(), 1);
        QCOMPARE(dev[u"activeWindows"_s][0][u"schedule"_s].toString(), u"0 0 * * *"_s);
        QVERIFY(!dev.contains(u"canSync"_s));
        QJsonObject other = parse(cli.Get("/api/v1/applications/payments-dev/syncwindows")->body);
        QCOMPARE(other, (QJsonObject{{u"canSync"_s, true}}));
        // the prod allow window lets manual syncs through outside its hours as well
        QCOMPARE(
            parse(cli.Get("/api/v1/applications/checkout-prod/syncwindows")->body)[u"canSync"_s]
                .toBool(),
            true);

        res = cli.Post("/api/v1/applications/checkout-dev/sync", "{}", "application/json");
        QCOMPARE(res->status, 403);
        QCOMPARE(parse(res->body)[u"message"_s].toString(),
                 u"cannot sync: blocked by sync window"_s);
        // a day later the daily 24 h window is still on; the schedule is evaluated, not fixed
        sb->advance(24LL * 3600 * 1000);
        dev = parse(cli.Get("/api/v1/applications/checkout-dev/syncwindows")->body);
        QCOMPARE(dev[u"activeWindows"_s].toArray().size(), 1);
        QCOMPARE(
            cli.Post("/api/v1/applications/payments-dev/sync", "{}", "application/json")->status,
            200);
    }

    void deploysReachTheMetrics()
    {
        auto sb = start(u"3.5"_s);
        auto cli = client(*sb);
        const auto metrics = [&] {
            httplib::Client m("127.0.0.1", sb->port(u"metrics"_s));
            const auto r = m.Get("/metrics");
            return r ? QString::fromStdString(r->body) : QString();
        };
        const auto series = [](const char *service, const char *env, const QString &version) {
            return u"service=\"%1\",env=\"%2\",version=\"%3\""_s.arg(QLatin1String(service),
                                                                     QLatin1String(env), version);
        };
        const auto tags = [&](const std::string &app) {
            QStringList out;
            const auto r = cli.Get("/api/v1/applications/" + app);
            for (const QJsonValue &i :
                 parse(r->body)[u"status"_s][u"summary"_s][u"images"_s].toArray())
                out.append(i.toString().section(u':', -1));
            return out;
        };
        const QStringList prod = tags("checkout-prod"); // [stable, canary] while in flight
        QCOMPARE(prod.size(), 2);
        const QString stable = prod[0], canary = prod[1];
        const auto action = [&](const char *name) {
            const auto r =
                cli.Post("/api/v1/applications/checkout-prod/resource/actions/v2",
                         QStringLiteral(R"({"action":"%1","namespace":"checkout-prod",)"
                                        R"("resourceName":"checkout","group":"argoproj.io",)"
                                        R"("kind":"Rollout","version":"v1alpha1"})")
                             .arg(QLatin1String(name))
                             .toStdString(),
                         "application/json");
            return r ? r->status : 0;
        };

        // an aborted canary: all traffic back to stable, and the metrics say so
        QCOMPARE(action("abort"), 200);
        sb->advance(1000);
        QString m = metrics();
        QVERIFY2(m.contains(series("checkout", "prod", stable)), qPrintable(stable));
        QVERIFY(!m.contains(series("checkout", "prod", canary)));
        // retried and fully promoted: the canary's version serves
        QCOMPARE(action("retry"), 200);
        sb->advance(1000);
        QCOMPARE(action("promote-full"), 200);
        sb->advance(5000);
        m = metrics();
        QVERIFY2(m.contains(series("checkout", "prod", canary)), qPrintable(m.left(2000)));
        QVERIFY(!m.contains(series("checkout", "prod", stable)));

        // a rollback that finishes: the version it went back to serves
        auto res = cli.Get("/api/v1/applications/payments-staging");
        const QJsonArray history = parse(res->body)[u"status"_s][u"history"_s].toArray();
        QVERIFY(history.size() >= 2);
        const QString now = tags("payments-staging").last();
        const QJsonObject previous = history[history.size() - 2].toObject();
        res =
            cli.Post("/api/v1/applications/payments-staging/rollback",
                     compactJson({{u"id"_s, previous[u"id"_s]}}).toStdString(), "application/json");
        QCOMPARE(res->status, 200);
        sb->advance(4000);
        sb->advance(1000);
        const QString back = tags("payments-staging").last();
        QVERIFY(back != now);
        m = metrics();
        QVERIFY2(m.contains(series("payments", "staging", back)), qPrintable(back));
        QVERIFY(!m.contains(series("payments", "staging", now)));
    }

    void scale()
    {
        auto sb = start(u"3.5"_s, u"scale:10000"_s);
        auto cli = client(*sb);
        QElapsedTimer t;
        t.start();
        auto res = cli.Get("/api/v1/applications");
        const qint64 ms = t.elapsed();
        QCOMPARE(res->status, 200);
        qInfo("argocd list of 10000 apps: %lld ms, %zu bytes", ms, res->body.size());
        QCOMPARE(parse(res->body)[u"items"_s].toArray().size(), 10000);
        // The time is a figure for the bench table, not an assertion: a busy machine is slow.

        StreamReader sse(sb->port(u"argocd"_s), "/api/v1/stream/applications", true, m_token);
        QTRY_VERIFY_WITH_TIMEOUT(sse.data().count("\"ADDED\"") == 10000, 20000);
        httplib::Client ctl("127.0.0.1", sb->port(u"argocd"_s));
        QCOMPARE(ctl.Post("/_sandbox/argocd/churn?perSecond=100", "", "text/plain")->status, 200);
        const qsizetype before = sse.data().count("\"MODIFIED\"");
        QElapsedTimer churn;
        churn.start();
        // Every churned change reaches the stream; how fast is printed, not asserted.
        QTRY_VERIFY_WITH_TIMEOUT(sse.data().count("\"MODIFIED\"") - before >= 200, 30000);
        const qint64 took = churn.elapsed();
        ctl.Post("/_sandbox/argocd/churn?perSecond=0", "", "text/plain");
        qInfo("argocd stream: 200 MODIFIED events in %lld ms at 100/s churn", took);
    }

private:
    static QByteArray compactJson(const QJsonObject &o)
    {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
};

QTEST_GUILESS_MAIN(TestSandboxArgoCd)
#include "tst_sandbox_argocd.moc"
