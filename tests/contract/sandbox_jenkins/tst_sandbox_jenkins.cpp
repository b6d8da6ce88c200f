// The simulated Jenkins against ENDPOINTS.md §A.2 and the reference examples in
// tests/data/jenkins: auth and crumbs, tree= projection, the queue lifecycle,
// input steps, progressive logs, errors, and the shape of every reference body.

#include "core/backends.h"
#include "jenkins/jenkinsserver.h"
#include "jsonshape.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <httplib.h>

using namespace fd::sandbox;

namespace {

constexpr qint64 kEpoch = 1'790'000'000'000; // a fixed simulated start, for deterministic bodies

QJsonValue parse(const httplib::Result &res)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(res->body)).toVariant().isNull()
               ? QJsonValue()
               : [&] {
                     const QJsonDocument d =
                         QJsonDocument::fromJson(QByteArray::fromStdString(res->body));
                     return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
                 }();
}

QJsonValue readReference(const QString &relative)
{
    QFile f(QStringLiteral(FD_TEST_DATA_DIR "/jenkins/") + relative);
    if (!f.open(QIODevice::ReadOnly))
        return QJsonValue();
    const QJsonDocument d = QJsonDocument::fromJson(f.readAll());
    return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
}

QStringList keysOf(const QJsonObject &o)
{
    QStringList k = o.keys();
    k.sort();
    return k;
}

} // namespace

class TestSandboxJenkins : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;
    JenkinsServer *m_jenkins = nullptr;

    std::unique_ptr<Sandbox> startSandbox(const QString &scenario)
    {
        Options o;
        o.scenario = scenario;
        o.epochMs = kEpoch;
        o.clockSpeed = 0; // time moves only when a test advances it
        auto sb = std::make_unique<Sandbox>(o);
        QString error;
        if (!sb->start(&error))
            qFatal("sandbox did not start: %s", qPrintable(error));
        return sb;
    }
    httplib::Client client(bool withAuth = true) const
    {
        httplib::Client c("127.0.0.1", m_sandbox->port(QStringLiteral("jenkins")));
        c.set_connection_timeout(5);
        c.set_read_timeout(10);
        if (withAuth)
            c.set_basic_auth(m_jenkins->user().toStdString(), m_jenkins->token().toStdString());
        return c;
    }
    QJsonObject getObject(const std::string &path)
    {
        auto c = client();
        auto res = c.Get(path);
        if (!res || res->status != 200)
            qWarning("GET %s -> %d", path.c_str(), res ? res->status : -1);
        return res ? parse(res).toObject() : QJsonObject();
    }
    QJsonArray getArray(const std::string &path)
    {
        auto c = client();
        auto res = c.Get(path);
        return res ? parse(res).toArray() : QJsonArray();
    }
    int post(const std::string &path)
    {
        auto c = client();
        auto res = c.Post(path, "", "application/x-www-form-urlencoded");
        return res ? res->status : -1;
    }
    QString pausedBuildPath()
    {
        // The scenario's gate: a prod deploy build waiting at its input step.
        const QJsonObject root =
            getObject("/api/json?tree=jobs[name,jobs[name,url,lastBuild[number,building]]]");
        for (const QJsonValue &folder : root.value(u"jobs").toArray()) {
            for (const QJsonValue &job : folder.toObject().value(u"jobs").toArray()) {
                const QJsonObject o = job.toObject();
                if (o.value(u"name").toString() == QLatin1String("deploy-prod") &&
                    o.value(u"lastBuild").toObject().value(u"building").toBool()) {
                    const QString url = o.value(u"url").toString();
                    return QUrl(url).path() +
                           QString::number(
                               o.value(u"lastBuild").toObject().value(u"number").toInt()) +
                           u'/';
                }
            }
        }
        return QString();
    }

private Q_SLOTS:
    void init()
    {
        m_sandbox = startSandbox(QStringLiteral("demo"));
        m_jenkins = dynamic_cast<JenkinsServer *>(m_sandbox->backend(QStringLiteral("jenkins")));
        QVERIFY(m_jenkins);
    }
    void cleanup() { m_sandbox.reset(); }

    void auth()
    {
        auto anon = client(false);
        auto res = anon.Get("/api/json");
        QVERIFY(res);
        QCOMPARE(res->status, 401);
        QVERIFY(res->get_header_value("Content-Type").find("text/html") == 0);
        auto bad = client(false);
        bad.set_basic_auth(m_jenkins->user().toStdString(), "wrong");
        res = bad.Get("/api/json");
        QCOMPARE(res->status, 401);
        auto good = client();
        res = good.Get("/api/json");
        QCOMPARE(res->status, 200);
        QVERIFY(!res->get_header_value("X-Jenkins").empty());
        QCOMPARE(parse(res).toObject().value(u"_class").toString(), u"hudson.model.Hudson"_qs);
    }

    void treeProjectsExactly()
    {
        QJsonObject root = getObject("/api/json?tree=jobs[name]");
        QCOMPARE(keysOf(root), (QStringList{u"_class"_qs, u"jobs"_qs}));
        const QJsonArray jobs = root.value(u"jobs").toArray();
        QVERIFY(jobs.size() >= 2);
        for (const QJsonValue &j : jobs)
            QCOMPARE(keysOf(j.toObject()), (QStringList{u"_class"_qs, u"name"_qs}));

        root = getObject("/api/json?tree=jobs[name,jobs[name,color,lastBuild[number,result]]]");
        const QJsonObject catalog = root.value(u"jobs").toArray().at(0).toObject();
        QCOMPARE(catalog.value(u"_class").toString(),
                 u"com.cloudbees.hudson.plugins.folder.Folder"_qs);
        bool sawDeploy = false;
        for (const QJsonValue &v : catalog.value(u"jobs").toArray()) {
            const QJsonObject j = v.toObject();
            if (j.value(u"_class").toString().endsWith(u"Folder") ||
                j.value(u"_class").toString().endsWith(u"MultiBranchProject")) {
                QCOMPARE(keysOf(j),
                         (QStringList{u"_class"_qs, u"name"_qs})); // folders have no color
                continue;
            }
            QCOMPARE(keysOf(j),
                     (QStringList{u"_class"_qs, u"color"_qs, u"lastBuild"_qs, u"name"_qs}));
            const QJsonObject lb = j.value(u"lastBuild").toObject();
            QCOMPARE(keysOf(lb), (QStringList{u"_class"_qs, u"number"_qs, u"result"_qs}));
            sawDeploy |= j.value(u"name").toString() == QLatin1String("deploy-prod");
        }
        QVERIFY(sawDeploy);

        // An object named without brackets shows only its class.
        const QJsonObject bare = getObject("/job/catalog/job/deploy-dev/api/json?tree=lastBuild");
        QCOMPARE(keysOf(bare.value(u"lastBuild").toObject()), QStringList{u"_class"_qs});
    }

    void treeRanges_data()
    {
        QTest::addColumn<QString>("range");
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::newRow("{0,2}") << u"{0,2}"_qs << 0 << 2;
        QTest::newRow("{1,3}") << u"{1,3}"_qs << 1 << 3;
        QTest::newRow("{1}") << u"{1}"_qs << 1 << 2;
        QTest::newRow("{2,}") << u"{2,}"_qs << 2 << -1;
        QTest::newRow("{,2}") << u"{,2}"_qs << 0 << 2;
    }
    void treeRanges()
    {
        QFETCH(QString, range);
        QFETCH(int, from);
        QFETCH(int, to);
        const QJsonArray all =
            getObject("/job/catalog/job/deploy-dev/api/json?tree=allBuilds[number]")
                .value(u"allBuilds")
                .toArray();
        QVERIFY(all.size() >= 3);
        const QJsonObject o = getObject(
            "/job/catalog/job/deploy-dev/api/json?tree=allBuilds[number]" + range.toStdString());
        const QJsonArray part = o.value(u"allBuilds").toArray();
        const int end = to < 0 ? int(all.size()) : to;
        QCOMPARE(part.size(), end - from);
        for (int i = 0; i < part.size(); ++i)
            QCOMPARE(part.at(i).toObject().value(u"number").toInt(),
                     all.at(from + i).toObject().value(u"number").toInt());
        // builds ranges too, nested inside a projection
        const QJsonObject b =
            getObject("/job/catalog/job/deploy-dev/api/json?tree=builds[number,result]" +
                      range.toStdString() + ",name");
        QCOMPARE(b.value(u"builds").toArray().size(), end - from);
        QCOMPARE(keysOf(b), (QStringList{u"_class"_qs, u"builds"_qs, u"name"_qs}));
    }

    void badTreeIsRejected()
    {
        auto c = client();
        auto res = c.Get("/api/json?tree=jobs[name");
        QCOMPARE(res->status, 400);
        res = c.Get("/api/json?tree=jobs{3,1}");
        QCOMPARE(res->status, 400);
    }

    void depthIsCounted()
    {
        QCOMPARE(m_jenkins->depthRequestCount(), 0);
        getObject("/api/json?tree=jobs[name]");
        QCOMPARE(m_jenkins->depthRequestCount(), 0);
        const QJsonObject deep = getObject("/job/catalog/job/deploy-dev/api/json?depth=1");
        QCOMPARE(m_jenkins->depthRequestCount(), 1);
        // depth=1 expands builds beyond the shallow {number,url}
        QVERIFY(deep.value(u"builds").toArray().at(0).toObject().contains(u"result"));
        const QJsonObject shallow = getObject("/job/catalog/job/deploy-dev/api/json");
        QCOMPARE(keysOf(shallow.value(u"builds").toArray().at(0).toObject()),
                 (QStringList{u"_class"_qs, u"number"_qs, u"url"_qs}));
        int logged = 0;
        for (const LoggedRequest &r : m_sandbox->requests(QStringLiteral("jenkins")))
            logged += r.path.contains(u"depth=");
        QCOMPARE(logged, 1);
    }

    void queueLifecycle()
    {
        auto c = client();
        auto res = c.Post("/job/catalog/job/deploy-staging/buildWithParameters?VERSION=v9.9.9", "",
                          "application/x-www-form-urlencoded");
        QCOMPARE(res->status, 201);
        const QString location = QString::fromStdString(res->get_header_value("Location"));
        QVERIFY2(QRegularExpression(u"^http://127.0.0.1:\\d+/queue/item/\\d+/$"_qs)
                     .match(location)
                     .hasMatch(),
                 qPrintable(location));
        const std::string item = QUrl(location).path().toStdString() + "api/json";
        QJsonObject q = getObject(item);
        QCOMPARE(q.value(u"_class").toString(), u"hudson.model.Queue$WaitingItem"_qs);
        QVERIFY(q.value(u"why").toString().contains(u"quiet period"));
        m_sandbox->advance(6000);
        q = getObject(item);
        QCOMPARE(q.value(u"_class").toString(), u"hudson.model.Queue$LeftItem"_qs);
        QCOMPARE(q.value(u"cancelled").toBool(), false);
        const QJsonObject exe = q.value(u"executable").toObject();
        QVERIFY(exe.value(u"number").toInt() > 0);
        const std::string buildPath = QUrl(exe.value(u"url").toString()).path().toStdString();
        QJsonObject b = getObject(buildPath + "api/json");
        QCOMPARE(b.value(u"building").toBool(), true);
        QVERIFY(b.value(u"result").isNull());
        bool sawVersion = false;
        for (const QJsonValue &a : b.value(u"actions").toArray())
            for (const QJsonValue &p : a.toObject().value(u"parameters").toArray())
                sawVersion |= p.toObject().value(u"name").toString() == QLatin1String("VERSION") &&
                              p.toObject().value(u"value").toString() == QLatin1String("v9.9.9");
        QVERIFY(sawVersion);
        m_sandbox->advance(10 * 60 * 1000);
        b = getObject(buildPath + "api/json?tree=building,result,duration");
        QCOMPARE(b.value(u"building").toBool(), false);
        QCOMPARE(b.value(u"result").toString(), u"SUCCESS"_qs);
        QVERIFY(b.value(u"duration").toDouble() > 0);

        // A parameterless trigger of a parameterised job uses the defaults; a non-parameterised
        // job refuses buildWithParameters like Jenkins does.
        QCOMPARE(post("/job/catalog/job/build/build"), 201);
        QCOMPARE(post("/job/catalog/job/build/buildWithParameters?X=1"), 500);
        QCOMPARE(post("/job/catalog/job/nope/build"), 404);
        auto get = client().Get("/job/catalog/job/build/build");
        QCOMPARE(get->status, 405);
    }

    void blockedItemAndCancel()
    {
        // deploy-prod has a build paused at its input: a new one waits behind it, blocked.
        auto c = client();
        auto res =
            c.Post("/job/catalog/job/deploy-prod/buildWithParameters?VERSION=v8.0.0&delay=0sec", "",
                   "application/x-www-form-urlencoded");
        QCOMPARE(res->status, 201);
        const QString location = QString::fromStdString(res->get_header_value("Location"));
        const int id = location.section(u'/', -2, -2).toInt();
        m_sandbox->advance(1000);
        QJsonObject q = getObject(QUrl(location).path().toStdString() + "api/json");
        QCOMPARE(q.value(u"_class").toString(), u"hudson.model.Queue$BlockedItem"_qs);
        QVERIFY(q.value(u"why").toString().contains(u"already in progress"));
        QCOMPARE(q.value(u"blocked").toBool(), true);
        QCOMPARE(getObject("/job/catalog/job/deploy-prod/api/json?tree=inQueue")
                     .value(u"inQueue")
                     .toBool(),
                 true);
        QCOMPARE(post("/queue/cancelItem?id=" + std::to_string(id)), 204);
        q = getObject(QUrl(location).path().toStdString() + "api/json");
        QCOMPARE(q.value(u"_class").toString(), u"hudson.model.Queue$LeftItem"_qs);
        QCOMPARE(q.value(u"cancelled").toBool(), true);
        QVERIFY(q.value(u"executable").isNull());
        QCOMPARE(post("/queue/cancelItem?id=99999"), 404);
    }

    void inputProceedMovesTheBuildOn()
    {
        const QString build = pausedBuildPath();
        QVERIFY(!build.isEmpty());
        const std::string b = build.toStdString();
        QJsonObject run = getObject(b + "wfapi/describe");
        QCOMPARE(run.value(u"status").toString(), u"PAUSED_PENDING_INPUT"_qs);
        QCOMPARE(run.value(u"stages").toArray().last().toObject().value(u"status").toString(),
                 u"PAUSED_PENDING_INPUT"_qs);
        QVERIFY(run.value(u"_links").toObject().contains(u"pendingInputActions"));
        QCOMPARE(getObject(b + "api/json?tree=building,result").value(u"building").toBool(), true);
        const QJsonArray inputs = getArray(b + "wfapi/pendingInputActions");
        QCOMPARE(inputs.size(), 1);
        const QJsonObject in = inputs.at(0).toObject();
        const QString id = in.value(u"id").toString();
        QCOMPARE(in.value(u"message").toString(), u"Deploy to prod?"_qs);
        QCOMPARE(in.value(u"proceedText").toString(), u"Proceed"_qs);
        QVERIFY(in.value(u"inputs").isArray());
        QCOMPARE(in.value(u"proceedUrl").toString(), build + u"wfapi/inputSubmit?inputId="_qs + id);
        QCOMPARE(in.value(u"abortUrl").toString(), build + u"input/"_qs + id + u"/abort"_qs);
        QVERIFY(id.at(0).isUpper() || id.at(0).isDigit());

        // What the paused build deploys, and the metrics backend's series before it does.
        QString version;
        for (const QJsonValue &a : getObject(b + "api/json").value(u"actions").toArray())
            for (const QJsonValue &p : a.toObject().value(u"parameters").toArray())
                if (p.toObject().value(u"name").toString() == QLatin1String("VERSION"))
                    version = p.toObject().value(u"value").toString();
        QVERIFY(!version.isEmpty());
        const QString series = QStringLiteral("service=\"%1\",env=\"prod\",version=\"%2\"")
                                   .arg(build.section(u'/', 2, 2), version);
        QVERIFY2(!metricsText().contains(series), qPrintable(series));

        auto c = client();
        auto res =
            c.Post(in.value(u"proceedUrl").toString().toStdString(),
                   "json=%7B%22parameter%22%3A%5B%5D%7D", "application/x-www-form-urlencoded");
        QCOMPARE(res->status, 200);
        // The input is gone: answering again finds nothing.
        QCOMPARE(post(in.value(u"proceedUrl").toString().toStdString()), 404);
        QCOMPARE(post(b + "input/" + id.toStdString() + "/proceedEmpty"), 404);
        QCOMPARE(getArray(b + "wfapi/pendingInputActions").size(), 0);
        run = getObject(b + "wfapi/describe");
        QCOMPARE(run.value(u"status").toString(), u"IN_PROGRESS"_qs);
        m_sandbox->advance(5 * 60 * 1000);
        const QJsonObject done = getObject(b + "api/json?tree=building,result");
        QCOMPARE(done.value(u"building").toBool(), false);
        QCOMPARE(done.value(u"result").toString(), u"SUCCESS"_qs);
        QCOMPARE(getObject(b + "wfapi/describe").value(u"status").toString(), u"SUCCESS"_qs);
        // The finished deploy switched what the metrics backend serves for that target.
        QVERIFY2(metricsText().contains(series), qPrintable(series));
    }

    QString metricsText() const
    {
        httplib::Client m("127.0.0.1", m_sandbox->port(QStringLiteral("metrics")));
        m.set_read_timeout(10);
        const auto r = m.Get("/metrics");
        return r && r->status == 200 ? QString::fromStdString(r->body) : QString();
    }

    void inputAbortEndsTheBuild()
    {
        const QString build = pausedBuildPath();
        const std::string b = build.toStdString();
        const QString id =
            getArray(b + "wfapi/pendingInputActions").at(0).toObject().value(u"id").toString();
        auto get = client().Get(b + "input/" + id.toStdString() + "/abort");
        QCOMPARE(get->status, 405); // @RequirePOST
        QCOMPARE(post(b + "input/" + id.toStdString() + "/abort"), 302);
        QCOMPARE(getObject(b + "api/json?tree=result").value(u"result").toString(), u"ABORTED"_qs);
        QCOMPARE(post(b + "input/" + id.toStdString() + "/abort"), 404);
    }

    void stop()
    {
        QCOMPARE(post("/job/catalog/job/deploy-dev/buildWithParameters?VERSION=v1&delay=0sec"),
                 201);
        m_sandbox->advance(1000);
        const QJsonObject lb =
            getObject("/job/catalog/job/deploy-dev/lastBuild/api/json?tree=number,building");
        QCOMPARE(lb.value(u"building").toBool(), true);
        const std::string path =
            "/job/catalog/job/deploy-dev/" + std::to_string(lb.value(u"number").toInt()) + "/";
        QCOMPARE(post(path + "stop"), 302);
        const QJsonObject after = getObject(path + "api/json?tree=building,result");
        QCOMPARE(after.value(u"building").toBool(), false);
        QCOMPARE(after.value(u"result").toString(), u"ABORTED"_qs);
    }

    void crumbBothWays()
    {
        // API token: no crumb needed.
        QCOMPARE(post("/job/catalog/job/deploy-dev/build?delay=0sec"), 201);
        // A login session without a crumb: 403, with the crumb: accepted.
        httplib::Client c("127.0.0.1", m_sandbox->port(QStringLiteral("jenkins")));
        auto login = c.Post("/j_spring_security_check",
                            "j_username=" + m_jenkins->user().toStdString() +
                                "&j_password=" + m_jenkins->password().toStdString(),
                            "application/x-www-form-urlencoded");
        QCOMPARE(login->status, 302);
        const std::string cookie = login->get_header_value("Set-Cookie")
                                       .substr(0, login->get_header_value("Set-Cookie").find(';'));
        QVERIFY(cookie.rfind("JSESSIONID.", 0) == 0);
        httplib::Headers h{{"Cookie", cookie}};
        auto denied = c.Post("/job/catalog/job/deploy-staging/build", h, "",
                             "application/x-www-form-urlencoded");
        QCOMPARE(denied->status, 403);
        QVERIFY(denied->body.find("No valid crumb was included in the request") !=
                std::string::npos);
        auto crumb = c.Get("/crumbIssuer/api/json", h);
        QCOMPARE(crumb->status, 200);
        const QJsonObject co = parse(crumb).toObject();
        QCOMPARE(co.value(u"crumbRequestField").toString(), u"Jenkins-Crumb"_qs);
        QCOMPARE(co.value(u"_class").toString(), u"hudson.security.csrf.DefaultCrumbIssuer"_qs);
        h.emplace("Jenkins-Crumb", co.value(u"crumb").toString().toStdString());
        auto ok = c.Post("/job/catalog/job/deploy-staging/build", h, "",
                         "application/x-www-form-urlencoded");
        QCOMPARE(ok->status, 201);
        // A wrong crumb is as bad as none.
        httplib::Headers wrong{{"Cookie", cookie}, {"Jenkins-Crumb", "0000"}};
        QCOMPARE(c.Post("/job/catalog/job/deploy-staging/build", wrong, "",
                        "application/x-www-form-urlencoded")
                     ->status,
                 403);
        // Password basic auth without a session is not exempt either.
        auto pw = client(false);
        pw.set_basic_auth(m_jenkins->user().toStdString(), m_jenkins->password().toStdString());
        QCOMPARE(pw.Post("/job/catalog/job/deploy-staging/build", "",
                         "application/x-www-form-urlencoded")
                     ->status,
                 403);
    }

    void progressiveLog()
    {
        QCOMPARE(post("/job/catalog/job/deploy-dev/buildWithParameters?VERSION=v2&delay=0sec"),
                 201);
        m_sandbox->advance(1000);
        const int n = getObject("/job/catalog/job/deploy-dev/lastBuild/api/json?tree=number")
                          .value(u"number")
                          .toInt();
        const std::string base =
            "/job/catalog/job/deploy-dev/" + std::to_string(n) + "/logText/progressiveText?start=";
        auto c = client();
        auto first = c.Get(base + "0");
        QCOMPARE(first->status, 200);
        QCOMPARE(first->get_header_value("X-More-Data"), std::string("true"));
        const qint64 size1 = std::stoll(first->get_header_value("X-Text-Size"));
        QCOMPARE(qint64(first->body.size()), size1);
        QVERIFY(first->body.find("Started by user") != std::string::npos);
        auto none = c.Get(base + std::to_string(size1));
        QCOMPARE(none->body.size(), size_t(0));
        QCOMPARE(std::stoll(none->get_header_value("X-Text-Size")), size1);
        m_sandbox->advance(20000);
        auto more = c.Get(base + std::to_string(size1));
        const qint64 size2 = std::stoll(more->get_header_value("X-Text-Size"));
        QVERIFY(size2 > size1);
        QCOMPARE(qint64(more->body.size()), size2 - size1);
        m_sandbox->advance(10 * 60 * 1000);
        auto last = c.Get(base + std::to_string(size2));
        QVERIFY(!last->has_header("X-More-Data"));
        QVERIFY(last->body.find("Finished: SUCCESS") != std::string::npos);
        auto full = c.Get("/job/catalog/job/deploy-dev/" + std::to_string(n) + "/consoleText");
        QCOMPARE(qint64(full->body.size()), std::stoll(last->get_header_value("X-Text-Size")));
    }

    void errorsAreJenkinsPages()
    {
        auto c = client();
        auto res = c.Get("/job/nope/api/json");
        QCOMPARE(res->status, 404);
        QVERIFY(res->get_header_value("Content-Type").find("text/html") == 0);
        QVERIFY(res->body.find("Not Found") != std::string::npos);
        QCOMPARE(c.Get("/job/catalog/job/deploy-dev/99999/api/json")->status, 404);
        QCOMPARE(c.Get("/queue/item/99999/api/json")->status, 404);
        // freestyle jobs have no stage view
        QCOMPARE(c.Get("/job/catalog/job/smoke/wfapi/runs")->status, 404);
        QCOMPARE(c.Get("/job/catalog/job/smoke/lastBuild/wfapi/describe")->status, 404);
        QCOMPARE(c.Get("/job/catalog/job/deploy-dev/wfapi/runs")->status, 200);
        // multibranch branches nest with their encoded names
        QCOMPARE(c.Get("/job/catalog/job/branches/job/release%2F1.x/api/json")->status, 200);
        QCOMPARE(getObject("/job/catalog/job/branches/api/json").value(u"_class").toString(),
                 u"org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"_qs);
        QCOMPARE(c.Get("/job/catalog/job/deploy-dev/lastSuccessfulBuild/api/json")->status, 200);
    }

    void buildCarriesRevisionAndCauses()
    {
        const QJsonObject b = getObject(
            "/job/catalog/job/deploy-dev/lastBuild/api/json?tree="
            "number,result,actions[parameters[name,value],lastBuiltRevision[SHA1],causes[userId]]");
        bool sha = false, cause = false;
        for (const QJsonValue &a : b.value(u"actions").toArray()) {
            const QJsonObject o = a.toObject();
            if (o.value(u"_class").toString() == QLatin1String("hudson.plugins.git.util.BuildData"))
                sha = QRegularExpression(u"^[0-9a-f]{40}$"_qs)
                          .match(o.value(u"lastBuiltRevision").toObject().value(u"SHA1").toString())
                          .hasMatch();
            if (o.value(u"_class").toString() == QLatin1String("hudson.model.CauseAction"))
                cause = o.value(u"causes").toArray().size() == 1;
        }
        QVERIFY(sha);
        QVERIFY(cause);
        // The SHA is the one the world deployed.
        const SimService *svc = m_sandbox->world().service(QStringLiteral("catalog"));
        QVERIFY(svc);
        const QJsonObject rev = getObject("/job/catalog/job/deploy-dev/lastSuccessfulBuild/api/"
                                          "json?tree=actions[lastBuiltRevision[SHA1]]");
        QString got;
        for (const QJsonValue &a : rev.value(u"actions").toArray())
            if (a.toObject().contains(u"lastBuiltRevision"))
                got = a.toObject().value(u"lastBuiltRevision").toObject().value(u"SHA1").toString();
        QCOMPARE(got, svc->target(QStringLiteral("dev"))->current()->sha);
    }

    void fidelity_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("setup");
        QTest::newRow("build-info") << u"jenkins-rest/build-info.json"_qs
                                    << u"/job/catalog/job/smoke/lastBuild/api/json"_qs << QString();
        QTest::newRow("build-info-git-commit")
            << u"jenkins-rest/build-info-git-commit.json"_qs
            << u"/job/catalog/job/deploy-dev/lastSuccessfulBuild/api/json"_qs << QString();
        QTest::newRow("build-info-empty-and-null-params")
            << u"jenkins-rest/build-info-empty-and-null-params.json"_qs
            << u"/job/catalog/job/smoke/lastBuild/api/json"_qs << QString();
        QTest::newRow("build-info-no-params")
            << u"jenkins-rest/build-info-no-params.json"_qs
            << u"/job/catalog/job/smoke/lastBuild/api/json"_qs << QString();
        QTest::newRow("job-info") << u"jenkins-rest/job-info.json"_qs
                                  << u"/job/catalog/job/smoke/api/json"_qs << u"trigger-smoke"_qs;
        QTest::newRow("jobsInRootFolder")
            << u"jenkins-rest/jobsInRootFolder.json"_qs << u"/api/json"_qs << QString();
        QTest::newRow("jobsInJenkinsFolder") << u"jenkins-rest/jobsInJenkinsFolder.json"_qs
                                             << u"/job/catalog/api/json"_qs << QString();
        QTest::newRow("queue") << u"jenkins-rest/queue.json"_qs << u"/queue/api/json"_qs
                               << u"trigger-smoke"_qs;
        QTest::newRow("queueItemPending")
            << u"jenkins-rest/queueItemPending.json"_qs << u"@blocked"_qs << u"trigger-prod"_qs;
        QTest::newRow("queueItemRunning")
            << u"jenkins-rest/queueItemRunning.json"_qs << u"@left"_qs << u"trigger-smoke-run"_qs;
        QTest::newRow("queueItemMultipleParameters")
            << u"jenkins-rest/queueItemMultipleParameters.json"_qs << u"@left"_qs
            << u"trigger-smoke-run"_qs;
        QTest::newRow("queueItemCancelled")
            << u"jenkins-rest/queueItemCancelled.json"_qs << u"@cancelled"_qs << u"trigger-prod"_qs;
        QTest::newRow("user") << u"jenkins-rest/user.json"_qs << u"/user/flightdeck/api/json"_qs
                              << QString();
        QTest::newRow("job-wfapi-describe")
            << u"pipeline-stage-view/job-wfapi-describe.json"_qs
            << u"/job/catalog/job/deploy-prod/wfapi/describe"_qs << QString();
        QTest::newRow("job-wfapi-runs")
            << u"pipeline-stage-view/job-wfapi-runs.json"_qs
            << u"/job/catalog/job/deploy-prod/wfapi/runs"_qs << QString();
        QTest::newRow("run-wfapi-describe") << u"pipeline-stage-view/run-wfapi-describe.json"_qs
                                            << u"@paused:wfapi/describe"_qs << QString();
        QTest::newRow("run-wfapi-pendingInputActions")
            << u"pipeline-stage-view/run-wfapi-pendingInputActions.json"_qs
            << u"@paused:wfapi/pendingInputActions"_qs << QString();
        QTest::newRow("run-wfapi-artifacts")
            << u"pipeline-stage-view/run-wfapi-artifacts.json"_qs
            << u"/job/catalog/job/deploy-dev/lastSuccessfulBuild/wfapi/artifacts"_qs << QString();
        QTest::newRow("node-wfapi-describe-success")
            << u"pipeline-stage-view/node-wfapi-describe-success.json"_qs
            << u"/job/catalog/job/deploy-dev/lastSuccessfulBuild/execution/node/5/wfapi/describe"_qs
            << QString();
        QTest::newRow("node-wfapi-describe-failed")
            << u"pipeline-stage-view/node-wfapi-describe-failed.json"_qs
            << u"/job/catalog/job/build/lastFailedBuild/execution/node/11/wfapi/describe"_qs
            << QString();
        QTest::newRow("node-wfapi-log")
            << u"pipeline-stage-view/node-wfapi-log.json"_qs
            << u"/job/catalog/job/deploy-dev/lastSuccessfulBuild/execution/node/6/wfapi/log"_qs
            << QString();
    }
    void fidelity()
    {
        QFETCH(QString, reference);
        QFETCH(QString, path);
        QFETCH(QString, setup);
        const QJsonValue ref = readReference(reference);
        QVERIFY2(!ref.isNull(), qPrintable(reference));
        auto c = client();
        QString location;
        if (setup.startsWith(u"trigger-smoke")) {
            auto res =
                c.Post("/job/catalog/job/smoke/buildWithParameters?TARGET_ENV=prod&DRY_RUN=true",
                       "", "application/x-www-form-urlencoded");
            QCOMPARE(res->status, 201);
            location = QString::fromStdString(res->get_header_value("Location"));
            if (setup == QLatin1String("trigger-smoke-run"))
                m_sandbox->advance(6000);
        } else if (setup == QLatin1String("trigger-prod")) {
            auto res =
                c.Post("/job/catalog/job/deploy-prod/buildWithParameters?VERSION=v7&delay=0sec", "",
                       "application/x-www-form-urlencoded");
            QCOMPARE(res->status, 201);
            location = QString::fromStdString(res->get_header_value("Location"));
            m_sandbox->advance(500);
        }
        if (path == QLatin1String("@cancelled"))
            QCOMPARE(post("/queue/cancelItem?id=" + location.section(u'/', -2, -2).toStdString()),
                     204);
        if (path.startsWith(u'@') && !path.startsWith(u"@paused"))
            path = QUrl(location).path() + u"api/json"_qs;
        if (path.startsWith(u"@paused:"))
            path = pausedBuildPath() + path.mid(8);
        auto res = c.Get(path.toStdString());
        QVERIFY(res);
        QCOMPARE(res->status, 200);
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(res->body));
        const QJsonValue live = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        QStringList errors;
        fd::test::compareShape(ref, live, u"$"_qs, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    }

    void shapeCheckCatchesDifferences()
    {
        // The checker itself must fail on a missing field, a wrong type and an empty array.
        QStringList errors;
        fd::test::compareShape(QJsonObject{{u"a"_qs, 1}}, QJsonObject{}, u"$"_qs, &errors);
        QCOMPARE(errors.size(), 1);
        errors.clear();
        fd::test::compareShape(QJsonObject{{u"a"_qs, 1}}, QJsonObject{{u"a"_qs, u"1"_qs}}, u"$"_qs,
                               &errors);
        QCOMPARE(errors.size(), 1);
        errors.clear();
        fd::test::compareShape(QJsonArray{QJsonObject{{u"a"_qs, true}}}, QJsonArray{}, u"$"_qs,
                               &errors);
        QCOMPARE(errors.size(), 1);
        errors.clear();
        fd::test::compareShape(QJsonObject{{u"a"_qs, QJsonValue()}}, QJsonObject{{u"a"_qs, 3}},
                               u"$"_qs, &errors);
        QVERIFY(errors.isEmpty());
        fd::test::compareShape(QJsonObject{{u"a"_qs, QJsonObject{}}},
                               QJsonObject{{u"a"_qs, QJsonValue()}}, u"$"_qs, &errors);
        QCOMPARE(errors.size(), 1);
    }

    void scaleThousandJobsPollSize()
    {
        auto sb = startSandbox(QStringLiteral("scale:1000"));
        auto *jenkins = dynamic_cast<JenkinsServer *>(sb->backend(QStringLiteral("jenkins")));
        QVERIFY(jenkins);
        QVERIFY(jenkins->jobCount() >= 1000);
        httplib::Client c("127.0.0.1", sb->port(QStringLiteral("jenkins")));
        c.set_basic_auth(jenkins->user().toStdString(), jenkins->token().toStdString());
        // Jenkins puts `_class` on every object, so about 120 bytes of each job are fixed. The
        // wide polls are measured; the change-detecting poll (status from `color`, which carries
        // `_anime` while building, and the last build number) must fit the 200 KB budget, and
        // only jobs whose number moved need a second, detailed request.
        const std::string wide =
            "/api/"
            "json?tree=jobs[name,url,color,lastBuild[number,result,building,timestamp,duration],"
            "jobs[name,url,color,lastBuild[number,result,building,timestamp,duration],"
            "jobs[name,url,color,lastBuild[number,result,building,timestamp,duration]]]]";
        const std::string medium =
            "/api/json?tree=jobs[name,color,lastBuild[number,result,timestamp],"
            "jobs[name,color,lastBuild[number,result,timestamp],"
            "jobs[name,color,lastBuild[number,result,timestamp]]]]";
        const std::string poll =
            "/api/json?tree=jobs[name,color,lastBuild[number],"
            "jobs[name,color,lastBuild[number],jobs[name,color,lastBuild[number]]]]";
        auto wideRes = c.Get(wide);
        QCOMPARE(wideRes->status, 200);
        auto mediumRes = c.Get(medium);
        QCOMPARE(mediumRes->status, 200);
        qInfo(
            "scale:1000 tree polls: with urls+durations %zu bytes, with result+timestamp %zu bytes",
            wideRes->body.size(), mediumRes->body.size());
        QVERIFY(mediumRes->body.size() < wideRes->body.size());
        QElapsedTimer t;
        t.start();
        auto res = c.Get(poll);
        const qint64 ms = t.elapsed();
        QCOMPARE(res->status, 200);
        int jobs = 0;
        std::function<void(const QJsonArray &)> count = [&](const QJsonArray &list) {
            for (const QJsonValue &v : list) {
                const QJsonObject o = v.toObject();
                if (o.contains(u"jobs"))
                    count(o.value(u"jobs").toArray());
                else
                    ++jobs;
            }
        };
        count(parse(res).toObject().value(u"jobs").toArray());
        QVERIFY(jobs >= 1000);
        qInfo("scale:1000 tree poll: %d jobs, %zu bytes, %lld ms", jobs, res->body.size(), ms);
        QVERIFY2(res->body.size() <= 200 * 1024, qPrintable(QString::number(res->body.size())));
        QCOMPARE(jenkins->depthRequestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxJenkins)
#include "tst_sandbox_jenkins.moc"
