// The simulated GitLab v4 against ENDPOINTS.md §A.3 and the doc examples in
// tests/data/gitlab: auth, paging (with and without totals), keyset, ETags,
// rate limits, the blocked → approve → play → success gate, rollback by retry, and the shape
// of every reference body.

#include "../sandbox_jenkins/jsonshape.h"
#include "core/backends.h"
#include "gitlab/gitlabserver.h"

#include <QFile>
#include <QSet>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>

#include <httplib.h>

using namespace fd::sandbox;

namespace {

constexpr qint64 kEpoch = 1'790'000'000'000;

QJsonValue parse(const httplib::Result &res)
{
    const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(res->body));
    return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
}

QJsonValue readReference(const QString &name)
{
    QFile f(QStringLiteral(FD_TEST_DATA_DIR "/gitlab/docs-examples/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return QJsonValue();
    const QJsonDocument d = QJsonDocument::fromJson(f.readAll());
    return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
}

} // namespace

class TestSandboxGitLab : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Sandbox> m_sandbox;
    GitLabServer *m_gitlab = nullptr;
    std::string m_auth; // /api/v4/projects/<encoded auth project>

    std::unique_ptr<Sandbox> startSandbox(const QString &scenario, const QStringList &faults = {})
    {
        Options o;
        o.scenario = scenario;
        o.epochMs = kEpoch;
        o.clockSpeed = 0;
        o.faults = faults;
        auto sb = std::make_unique<Sandbox>(o);
        QString error;
        if (!sb->start(&error))
            qFatal("sandbox did not start: %s", qPrintable(error));
        return sb;
    }
    httplib::Client client(const QString &token = QString()) const
    {
        httplib::Client c("127.0.0.1", m_sandbox->port(QStringLiteral("gitlab")));
        c.set_connection_timeout(5);
        c.set_read_timeout(10);
        c.set_default_headers(
            {{"PRIVATE-TOKEN", (token.isEmpty() ? m_gitlab->token() : token).toStdString()}});
        return c;
    }
    httplib::Result get(const std::string &path) { return client().Get(path); }
    httplib::Result
    post(const std::string &path, const std::string &body = {}, const QString &token = {})
    {
        return client(token).Post(path, body, "application/x-www-form-urlencoded");
    }
    QJsonObject blockedDeployment()
    {
        auto res = get(m_auth + "/deployments?environment=prod&status=blocked");
        const QJsonArray list = parse(res).toArray();
        return list.isEmpty() ? QJsonObject() : list.first().toObject();
    }

private Q_SLOTS:
    void init()
    {
        m_sandbox = startSandbox(QStringLiteral("demo"));
        m_gitlab = dynamic_cast<GitLabServer *>(m_sandbox->backend(QStringLiteral("gitlab")));
        QVERIFY(m_gitlab);
        const SimService *auth = m_sandbox->world().service(QStringLiteral("auth"));
        QVERIFY(auth);
        m_auth = "/api/v4/projects/" +
                 QString::fromLatin1(
                     QUrl::toPercentEncoding(auth->target(QStringLiteral("prod"))->object))
                     .toStdString();
    }
    void cleanup() { m_sandbox.reset(); }

    void authentication()
    {
        httplib::Client anon("127.0.0.1", m_sandbox->port(QStringLiteral("gitlab")));
        auto res = anon.Get(m_auth);
        QCOMPARE(res->status, 401);
        QCOMPARE(parse(res).toObject().value(u"message").toString(), u"401 Unauthorized"_qs);
        res = client(u"glpat-wrong"_qs).Get(m_auth);
        QCOMPARE(res->status, 401);
        httplib::Client bearer("127.0.0.1", m_sandbox->port(QStringLiteral("gitlab")));
        bearer.set_bearer_token_auth(m_gitlab->token().toStdString());
        res = bearer.Get(m_auth);
        QCOMPARE(res->status, 200);
        const QJsonObject p = parse(res).toObject();
        // by id and by encoded path are the same project
        res = get("/api/v4/projects/" + std::to_string(p.value(u"id").toInt()));
        QCOMPARE(parse(res).toObject().value(u"path_with_namespace"),
                 p.value(u"path_with_namespace"));
        QCOMPARE(get("/api/v4/projects/nope%2Fnope")->status, 404);
        QCOMPARE(parse(get("/api/v4/projects/nope%2Fnope")).toObject().value(u"message").toString(),
                 u"404 Project Not Found"_qs);
        QVERIFY(res->has_header("RateLimit-Limit"));
        QVERIFY(res->has_header("RateLimit-Remaining"));
        QVERIFY(res->has_header("RateLimit-Reset"));
        QVERIFY(res->has_header("RateLimit-ResetTime"));
    }

    void offsetPaging()
    {
        auto res = get(m_auth + "/pipelines?per_page=2");
        QCOMPARE(res->status, 200);
        QCOMPARE(parse(res).toArray().size(), 2);
        QCOMPARE(res->get_header_value("x-page"), std::string("1"));
        QCOMPARE(res->get_header_value("x-per-page"), std::string("2"));
        QCOMPARE(res->get_header_value("x-next-page"), std::string("2"));
        QCOMPARE(res->get_header_value("x-prev-page"), std::string());
        const int total = std::stoi(res->get_header_value("x-total"));
        QVERIFY(total > 2);
        QCOMPARE(std::stoi(res->get_header_value("x-total-pages")), (total + 1) / 2);
        const std::string link = res->get_header_value("Link");
        QVERIFY(link.find("rel=\"next\"") != std::string::npos);
        QVERIFY(link.find("rel=\"last\"") != std::string::npos);
        // walk every page by x-next-page and see each pipeline once, newest first
        QList<int> ids;
        std::string page = "1";
        while (!page.empty()) {
            res = get(m_auth + "/pipelines?per_page=2&page=" + page);
            for (const QJsonValue &v : parse(res).toArray())
                ids.append(v.toObject().value(u"id").toInt());
            page = res->get_header_value("x-next-page");
        }
        QCOMPARE(ids.size(), total);
        QVERIFY(std::is_sorted(ids.rbegin(), ids.rend()));
        QCOMPARE(std::stoi(get(m_auth + "/pipelines?per_page=500")->get_header_value("x-per-page")),
                 100);
    }

    void noTotalsAboveTenThousand()
    {
        auto sb = startSandbox(QStringLiteral("scale:1000"));
        auto *gl = dynamic_cast<GitLabServer *>(sb->backend(QStringLiteral("gitlab")));
        httplib::Client c("127.0.0.1", sb->port(QStringLiteral("gitlab")));
        c.set_default_headers({{"PRIVATE-TOKEN", gl->token().toStdString()}});
        auto res = c.Get("/api/v4/projects/" + sb->world().org.toStdString() +
                         "%2Fmonorepo/pipelines?per_page=100&page=2");
        QCOMPARE(res->status, 200);
        QCOMPARE(parse(res).toArray().size(), 100);
        QVERIFY(!res->has_header("x-total"));
        QVERIFY(!res->has_header("x-total-pages"));
        QCOMPARE(res->get_header_value("x-next-page"), std::string("3"));
        QCOMPARE(res->get_header_value("x-prev-page"), std::string("1"));
        QVERIFY(res->get_header_value("Link").find("rel=\"last\"") == std::string::npos);
        QVERIFY(res->get_header_value("Link").find("rel=\"next\"") != std::string::npos);
    }

    void gitlabScaleProjects()
    {
        // gitlab-scale:N: N settled projects with three environments each, for the poll bench.
        QString error;
        Options bad;
        bad.scenario = QStringLiteral("gitlab-scale:0");
        QVERIFY(buildWorld(bad, &error).services.isEmpty());
        QVERIFY(error.contains(QLatin1String("gitlab-scale:0")));

        auto sb = startSandbox(QStringLiteral("gitlab-scale:30"));
        QCOMPARE(sb->world().services.size(), 30);
        auto *gl = dynamic_cast<GitLabServer *>(sb->backend(QStringLiteral("gitlab")));
        httplib::Client c("127.0.0.1", sb->port(QStringLiteral("gitlab")));
        c.set_default_headers({{"PRIVATE-TOKEN", gl->token().toStdString()}});
        const auto project = [](int i) {
            const QString name = QStringLiteral("%1").arg(i, 4, 10, QLatin1Char('0'));
            return "/api/v4/projects/acme%2Fsvc-" + name.toStdString();
        };
        QCOMPARE(c.Get(project(31))->status, 404);
        for (int i : {1, 7, 10, 30}) {
            auto res = c.Get(project(i) + "/environments?per_page=100");
            QCOMPARE(res->status, 200);
            QStringList names;
            for (const QJsonValue &v : parse(res).toArray())
                names.append(v.toObject().value(u"name").toString());
            names.sort();
            QCOMPARE(names, (QStringList{u"dev"_qs, u"prod"_qs, u"staging"_qs}));
            res = c.Get(project(i) + "/pipelines?per_page=100");
            const QJsonArray pipelines = parse(res).toArray();
            QCOMPARE(pipelines.size(), 4); // one per release
            for (const QJsonValue &v : pipelines)
                QVERIFY(v.toObject().value(u"status").toString() != u"running"_qs);
            // dev 4 + staging 3 + prod 2, a failed staging deploy in every 7th project and a
            // blocked prod deployment in every 10th.
            res = c.Get(project(i) + "/deployments?per_page=100");
            QCOMPARE(int(parse(res).toArray().size()), 9 + (i % 7 == 0) + (i % 10 == 0));
            res = c.Get(project(i) + "/deployments?environment=prod&status=blocked");
            QCOMPARE(int(parse(res).toArray().size()), i % 10 == 0 ? 1 : 0);
        }
        // Nothing moves on its own: a pipeline list's ETag survives an hour of simulated time.
        auto res = c.Get(project(3) + "/pipelines");
        const std::string etag = res->get_header_value("ETag");
        QVERIFY(!etag.empty());
        sb->advance(3'600'000);
        res = c.Get(project(3) + "/pipelines", {{"If-None-Match", etag}});
        QCOMPARE(res->status, 304);
    }

    void keyset()
    {
        auto res = get(m_auth + "/jobs?pagination=keyset&order_by=id&sort=desc&per_page=3");
        QCOMPARE(res->status, 200);
        const QJsonArray first = parse(res).toArray();
        QCOMPARE(first.size(), 3);
        QVERIFY(!res->has_header("x-total"));
        const std::string link = res->get_header_value("Link");
        QVERIFY(link.find("rel=\"next\"") != std::string::npos);
        // httplib's client percent-decodes header values, so the encoded project path in the
        // link comes back as "acme/auth"; follow the link's query on the encoded path instead.
        const std::string url = link.substr(1, link.find('>') - 1);
        QVERIFY(url.find("/jobs?") != std::string::npos);
        QVERIFY(
            url.find("id_after=" + std::to_string(first.last().toObject().value(u"id").toInt())) !=
            std::string::npos);
        const QJsonArray second = parse(get(m_auth + url.substr(url.find("/jobs?")))).toArray();
        QVERIFY(!second.isEmpty());
        QVERIFY(second.first().toObject().value(u"id").toInt() <
                first.last().toObject().value(u"id").toInt());
        for (const std::string &bad : {m_auth + "/pipelines?pagination=keyset&order_by=id",
                                       m_auth + "/jobs?pagination=keyset&order_by=created_at"}) {
            res = get(bad);
            QCOMPARE(res->status, 405);
            QCOMPARE(parse(res).toObject().value(u"error").toString(),
                     u"Keyset pagination is not yet available for this type of request"_qs);
        }
    }

    void etagAndPollInterval()
    {
        for (const std::string &path : {m_auth + "/pipelines", m_auth + "/pipelines/latest"}) {
            auto res = get(path);
            QCOMPARE(res->status, 200);
            const std::string etag = res->get_header_value("ETag");
            QVERIFY(!etag.empty());
            QVERIFY(res->has_header("Poll-Interval"));
            auto c = client();
            auto again = c.Get(path, {{"If-None-Match", etag}});
            QCOMPARE(again->status, 304);
            QVERIFY(again->body.empty());
        }
        // a change moves the ETag
        auto before = get(m_auth + "/pipelines");
        QCOMPARE(post(m_auth + "/pipeline?ref=main")->status, 201);
        auto c = client();
        auto after =
            c.Get(m_auth + "/pipelines", {{"If-None-Match", before->get_header_value("ETag")}});
        QCOMPARE(after->status, 200);
    }

    void pipelineLifecycle()
    {
        auto res = post(m_auth + "/pipeline?ref=main");
        QCOMPARE(res->status, 201);
        const int id = parse(res).toObject().value(u"id").toInt();
        const std::string path = m_auth + "/pipelines/" + std::to_string(id);
        m_sandbox->advance(10000);
        QCOMPARE(parse(get(path)).toObject().value(u"status").toString(), u"running"_qs);
        auto jobs = get(path + "/jobs?scope[]=running");
        QCOMPARE(parse(jobs).toArray().size(), 1);
        QCOMPARE(parse(get(path + "/jobs?scope[]=created&scope[]=pending&scope[]=running"))
                     .toArray()
                     .size(),
                 2);
        res = post(path + "/cancel");
        QCOMPARE(res->status, 200);
        QCOMPARE(parse(res).toObject().value(u"status").toString(), u"canceled"_qs);
        QCOMPARE(post(path + "/cancel")->status, 200); // regardless of state
        res = post(path + "/retry");
        QCOMPARE(res->status, 201);
        m_sandbox->advance(10 * 60000);
        QCOMPARE(parse(get(path)).toObject().value(u"status").toString(), u"success"_qs);
        auto trace =
            get(m_auth + "/jobs/" +
                std::to_string(
                    parse(get(path + "/jobs")).toArray().first().toObject().value(u"id").toInt()) +
                "/trace");
        QCOMPARE(trace->status, 200);
        QVERIFY(trace->get_header_value("Content-Type").find("text/plain") == 0);
        QVERIFY(trace->body.find("Job succeeded") != std::string::npos);
        QCOMPARE(get(m_auth + "/pipelines/999999")->status, 404);
    }

    void blockedApprovePlaySuccess()
    {
        const QJsonObject d = blockedDeployment();
        QVERIFY2(!d.isEmpty(), "the demo leaves a blocked prod deployment");
        QCOMPARE(d.value(u"pending_approval_count").toInt(), 1);
        const int jobId = d.value(u"deployable").toObject().value(u"id").toInt();
        QCOMPARE(d.value(u"deployable").toObject().value(u"status").toString(), u"manual"_qs);
        const std::string dpath = m_auth + "/deployments/" + std::to_string(d.value(u"id").toInt());
        // playing before approval is refused
        QCOMPARE(post(m_auth + "/jobs/" + std::to_string(jobId) + "/play")->status, 403);
        // the rule names another user: the main token may not approve
        auto res = post(dpath + "/approval", "status=approved");
        QCOMPARE(res->status, 403);
        QCOMPARE(post(dpath + "/approval", "")->status, 400);
        QCOMPARE(post(dpath + "/approval", "status=maybe", m_gitlab->approverToken())->status, 400);
        res = post(dpath + "/approval", "status=approved&comment=ship%20it",
                   m_gitlab->approverToken());
        QCOMPARE(res->status, 201);
        const QJsonObject approval = parse(res).toObject();
        QCOMPARE(approval.value(u"status").toString(), u"approved"_qs);
        QCOMPARE(approval.value(u"user").toObject().value(u"username").toString(),
                 u"release-approver"_qs);
        QJsonObject now = parse(get(dpath)).toObject();
        QCOMPARE(now.value(u"status").toString(), u"created"_qs); // approved, still to be played
        QCOMPARE(now.value(u"pending_approval_count").toInt(), 0);
        QCOMPARE(post(dpath + "/approval", "status=approved", m_gitlab->approverToken())->status,
                 400);
        res = post(m_auth + "/jobs/" + std::to_string(jobId) + "/play");
        QCOMPARE(res->status, 200);
        m_sandbox->advance(5000);
        QCOMPARE(parse(get(dpath)).toObject().value(u"status").toString(), u"running"_qs);
        m_sandbox->advance(60000);
        QCOMPARE(parse(get(dpath)).toObject().value(u"status").toString(), u"success"_qs);
        // playing a job that is not manual
        res = post(m_auth + "/jobs/" + std::to_string(jobId) + "/play");
        QCOMPARE(res->status, 400);
        QCOMPARE(parse(res).toObject().value(u"message").toString(),
                 u"400 Bad request - Unplayable Job"_qs);
        // the environment now reports it as its last deployment; the list never carries one
        const QJsonArray envs = parse(get(m_auth + "/environments")).toArray();
        int prodId = 0;
        for (const QJsonValue &e : envs) {
            QVERIFY(!e.toObject().contains(u"last_deployment"));
            if (e.toObject().value(u"name").toString() == QLatin1String("prod"))
                prodId = e.toObject().value(u"id").toInt();
        }
        const QJsonObject env =
            parse(get(m_auth + "/environments/" + std::to_string(prodId))).toObject();
        QCOMPARE(env.value(u"last_deployment").toObject().value(u"id").toInt(),
                 d.value(u"id").toInt());
        QVERIFY(env.value(u"last_deployment")
                    .toObject()
                    .value(u"deployable")
                    .toObject()
                    .contains(u"pipeline"));
    }

    void rejectCancels()
    {
        const QJsonObject d = blockedDeployment();
        const std::string dpath = m_auth + "/deployments/" + std::to_string(d.value(u"id").toInt());
        QCOMPARE(post(dpath + "/approval", "status=rejected", m_gitlab->approverToken())->status,
                 201);
        QCOMPARE(parse(get(dpath)).toObject().value(u"status").toString(), u"canceled"_qs);
    }

    void rollbackByRetryCreatesANewDeployment()
    {
        auto res =
            get(m_auth + "/deployments?environment=prod&status=success&order_by=id&sort=desc");
        const QJsonArray ok = parse(res).toArray();
        QVERIFY(ok.size() >= 2);
        const QJsonObject previous = ok.at(1).toObject();
        const int before = std::stoi(get(m_auth + "/deployments")->get_header_value("x-total"));
        res = post(m_auth + "/jobs/" +
                   std::to_string(previous.value(u"deployable").toObject().value(u"id").toInt()) +
                   "/retry");
        QCOMPARE(res->status, 201);
        const QJsonObject job = parse(res).toObject();
        QVERIFY(job.value(u"id").toInt() !=
                previous.value(u"deployable").toObject().value(u"id").toInt());
        QCOMPARE(std::stoi(get(m_auth + "/deployments")->get_header_value("x-total")), before + 1);
        m_sandbox->advance(2 * 60000);
        const QJsonArray latest =
            parse(get(m_auth + "/deployments?environment=prod&order_by=id&sort=desc&per_page=1"))
                .toArray();
        const QJsonObject nd = latest.first().toObject();
        QCOMPARE(nd.value(u"sha").toString(), previous.value(u"sha").toString());
        QVERIFY(nd.value(u"iid").toInt() > previous.value(u"iid").toInt());
        QCOMPARE(nd.value(u"status").toString(), u"success"_qs);
        // default order is ascending
        const QJsonArray asc = parse(get(m_auth + "/deployments")).toArray();
        QVERIFY(asc.first().toObject().value(u"id").toInt() <
                asc.last().toObject().value(u"id").toInt());
        QCOMPARE(get(m_auth + "/deployments?status=bogus")->status, 400);
        QCOMPARE(get(m_auth + "/deployments?finished_after=2020-01-01T00:00:00Z")->status, 400);
    }

    void protectedEnvironments()
    {
        const QJsonArray list = parse(get(m_auth + "/protected_environments")).toArray();
        QVERIFY(!list.isEmpty());
        const QJsonObject prod = parse(get(m_auth + "/protected_environments/prod")).toObject();
        QCOMPARE(prod.value(u"required_approval_count").toInt(), 1);
        QCOMPARE(
            prod.value(u"approval_rules").toArray().first().toObject().value(u"user_id").toInt(),
            2);
    }

    void rateLimitWithRetryAfter()
    {
        m_sandbox->setFaults({});
        Fault f;
        QString error;
        QVERIFY(parseFault(QStringLiteral("gitlab:rate-limit"), &f, &error));
        m_sandbox->setFaults({f});
        auto res = get(m_auth);
        QCOMPARE(res->status, 429);
        QVERIFY(res->has_header("Retry-After"));
        QCOMPARE(res->get_header_value("RateLimit-Remaining"), std::string("0"));
        QVERIFY(res->has_header("RateLimit-Reset"));
        m_sandbox->setFaults({});
        QCOMPARE(get(m_auth)->status, 200);
    }

    void rateLimitWithoutRetryAfter()
    {
        // GitLab's application limiter (pipeline creation here) answers 429 with no Retry-After.
        for (int i = 0; i < GitLabServer::kPipelineCreateLimit; ++i)
            QCOMPARE(post(m_auth + "/pipeline?ref=main")->status, 201);
        auto res = post(m_auth + "/pipeline?ref=main");
        QCOMPARE(res->status, 429);
        QVERIFY(!res->has_header("Retry-After"));
        QVERIFY(parse(res).toObject().value(u"message").toObject().contains(u"error"));
        m_sandbox->advance(61000);
        QCOMPARE(post(m_auth + "/pipeline?ref=main")->status, 201);
    }

    void rateLimitWithoutAnyHeader()
    {
        // Some limiters in front of GitLab answer 429 with neither Retry-After nor RateLimit-*.
        httplib::Client control("127.0.0.1", m_sandbox->port(QStringLiteral("gitlab")));
        QCOMPARE(control.Post("/_sandbox/gitlab/rate-limit-headers?on=0", "", "text/plain")->status,
                 200);
        Fault f;
        QString error;
        QVERIFY(parseFault(QStringLiteral("gitlab:rate-limit-noretry"), &f, &error));
        m_sandbox->setFaults({f});
        auto res = get(m_auth);
        QCOMPARE(res->status, 429);
        QVERIFY(!res->has_header("Retry-After"));
        QVERIFY(!res->has_header("RateLimit-Remaining"));
        QVERIFY(!res->has_header("RateLimit-Reset"));
        // With the headers back on, the same fault keeps GitLab's RateLimit-* set.
        m_gitlab->setRateLimitHeadersOnThrottle(true);
        res = get(m_auth);
        QCOMPARE(res->status, 429);
        QVERIFY(!res->has_header("Retry-After"));
        QCOMPARE(res->get_header_value("RateLimit-Remaining"), std::string("0"));
        QVERIFY(res->has_header("RateLimit-Reset"));
        m_sandbox->setFaults({});
        // The stated limit is a knob: a self-managed instance may allow more.
        QCOMPARE(
            control.Post("/_sandbox/gitlab/rate-limit?per_minute=50000", "", "text/plain")->status,
            200);
        QCOMPARE(get(m_auth)->get_header_value("RateLimit-Limit"), std::string("50000"));
        QCOMPARE(control.Post("/_sandbox/gitlab/rate-limit?per_minute=0", "", "text/plain")->status,
                 400);
    }

    void statusOverrideReportsAnyString()
    {
        const QJsonArray deployments =
            parse(get(m_auth + "/deployments?environment=staging&order_by=id&sort=desc")).toArray();
        QVERIFY(!deployments.isEmpty());
        const int did = deployments.first().toObject().value(u"id").toInt();
        const QJsonArray pipelines = parse(get(m_auth + "/pipelines?per_page=1")).toArray();
        QVERIFY(!pipelines.isEmpty());
        const int pid = pipelines.first().toObject().value(u"id").toInt();
        const QString before = parse(get(m_auth + "/deployments/" + std::to_string(did)))
                                   .toObject()
                                   .value(u"updated_at")
                                   .toString();
        httplib::Client control("127.0.0.1", m_sandbox->port(QStringLiteral("gitlab")));
        auto res =
            control.Post("/_sandbox/gitlab/status?kind=deployment&id=" + std::to_string(did) +
                             "&status=teleporting",
                         "", "text/plain");
        QCOMPARE(res->status, 200);
        res = control.Post("/_sandbox/gitlab/status?kind=pipeline&id=" + std::to_string(pid) +
                               "&status=exploded",
                           "", "text/plain");
        QCOMPARE(res->status, 200);
        QCOMPARE(
            control
                .Post("/_sandbox/gitlab/status?kind=pipeline&id=999999&status=x", "", "text/plain")
                ->status,
            404);
        const QJsonObject d = parse(get(m_auth + "/deployments/" + std::to_string(did))).toObject();
        QCOMPARE(d.value(u"status").toString(), u"teleporting"_qs);
        // The change moves updated_at, so a client asking for updated_after sees it.
        QVERIFY(d.value(u"updated_at").toString() >= before);
        QCOMPARE(parse(get(m_auth + "/pipelines/" + std::to_string(pid)))
                     .toObject()
                     .value(u"status")
                     .toString(),
                 u"exploded"_qs);
        // An empty status goes back to the simulated one.
        QString error;
        QVERIFY(m_gitlab->overrideStatus(u"deployment"_qs, did, QString(), &error));
        QCOMPARE(parse(get(m_auth + "/deployments/" + std::to_string(did)))
                     .toObject()
                     .value(u"status")
                     .toString(),
                 deployments.first().toObject().value(u"status").toString());
    }

    void rollbackReachesTheMetricsBackend()
    {
        // The metrics backend serves a series per (service, env, version) that runs now. A
        // rollback made through the GitLab API must switch it, or alerts would follow a version
        // that no longer runs.
        const SimService *auth = m_sandbox->world().service(QStringLiteral("auth"));
        const SimTarget *staging = auth->target(QStringLiteral("staging"));
        QVERIFY(staging && staging->current());
        const QString running = staging->current()->version;
        const QJsonArray ok = parse(get(m_auth + "/deployments?environment=staging&status=success"
                                                 "&order_by=id&sort=desc"))
                                  .toArray();
        QVERIFY(ok.size() >= 2);
        QJsonObject previous;
        for (const QJsonValue &v : ok)
            if (previous.isEmpty() && v.toObject().value(u"sha").toString() !=
                                          ok.first().toObject().value(u"sha").toString())
                previous = v.toObject();
        QVERIFY(!previous.isEmpty());
        QString rolledBack;
        for (const SimRelease &rel : auth->releases)
            if (rel.sha == previous.value(u"sha").toString())
                rolledBack = rel.version;
        QVERIFY(!rolledBack.isEmpty());
        QVERIFY(rolledBack != running);

        httplib::Client metrics("127.0.0.1", m_sandbox->port(QStringLiteral("metrics")));
        const auto versions = [&] {
            auto res = metrics.Get(
                "/api/v1/query?query=" +
                QUrl::toPercentEncoding(
                    QStringLiteral("http_requests_total{service=\"auth\",env=\"staging\"}"))
                    .toStdString());
            QSet<QString> out;
            if (!res || res->status != 200)
                return out;
            const QJsonObject body =
                QJsonDocument::fromJson(QByteArray::fromStdString(res->body)).object();
            for (const QJsonValue &r : body.value(u"data").toObject().value(u"result").toArray())
                out.insert(r.toObject().value(u"metric").toObject().value(u"version").toString());
            return out;
        };
        QCOMPARE(versions(), QSet<QString>{running});

        auto res =
            post(m_auth + "/jobs/" +
                 std::to_string(previous.value(u"deployable").toObject().value(u"id").toInt()) +
                 "/retry");
        QCOMPARE(res->status, 201);
        m_sandbox->advance(5000);
        QCOMPARE(versions(), QSet<QString>{running}); // the retried job still runs
        m_sandbox->advance(2 * 60000);
        m_sandbox->advance(1000); // the new series opens at the switch: look a moment later
        QCOMPARE(versions(), QSet<QString>{rolledBack});
    }

    void fidelity_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("path");
        QTest::newRow("pipelines.list") << u"pipelines.list.json"_qs << u"/pipelines"_qs;
        QTest::newRow("pipeline.get") << u"pipeline.get.json"_qs << u"@pipeline"_qs;
        QTest::newRow("pipeline.retry") << u"pipeline.retry.json"_qs << u"@retry"_qs;
        QTest::newRow("pipeline.cancel") << u"pipeline.cancel.json"_qs << u"@cancel"_qs;
        QTest::newRow("pipeline-jobs.list") << u"pipeline-jobs.list.json"_qs << u"@jobs"_qs;
        QTest::newRow("environments.list") << u"environments.list.json"_qs << u"/environments"_qs;
        QTest::newRow("environment.get") << u"environment.get.json"_qs << u"@env"_qs;
        QTest::newRow("environment.stop") << u"environment.stop.json"_qs << u"@stop"_qs;
        QTest::newRow("deployment.get") << u"deployment.get.json"_qs << u"@deployment"_qs;
        QTest::newRow("deployment.approvals-fragment")
            << u"deployment.approvals-fragment.json"_qs << u"@deployment"_qs;
        QTest::newRow("deployment.approval_summary-fragment")
            << u"deployment.approval_summary-fragment.json"_qs << u"@deployment"_qs;
        QTest::newRow("deployment.approval.post")
            << u"deployment.approval.post.json"_qs << u"@approve"_qs;
        QTest::newRow("protected_environments.list")
            << u"protected_environments.list.json"_qs << u"/protected_environments"_qs;
        QTest::newRow("protected_environment.get")
            << u"protected_environment.get.json"_qs << u"/protected_environments/prod"_qs;
    }
    void fidelity()
    {
        QFETCH(QString, reference);
        QFETCH(QString, path);
        const QJsonValue ref = readReference(reference);
        QVERIFY2(!ref.isNull(), qPrintable(reference));
        const QJsonArray pipelines = parse(get(m_auth + "/pipelines")).toArray();
        const int pid = pipelines.last().toObject().value(u"id").toInt();
        const std::string pl = m_auth + "/pipelines/" + std::to_string(pid);
        httplib::Result res{nullptr, httplib::Error::Unknown};
        if (path == QLatin1String("@pipeline")) {
            res = get(pl);
        } else if (path == QLatin1String("@retry")) {
            QCOMPARE(post(m_auth + "/pipeline?ref=main")->status, 201);
            const int fresh = parse(get(m_auth + "/pipelines?per_page=1"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(u"id")
                                  .toInt();
            m_sandbox->advance(10000);
            QCOMPARE(post(m_auth + "/pipelines/" + std::to_string(fresh) + "/cancel")->status, 200);
            res = post(m_auth + "/pipelines/" + std::to_string(fresh) + "/retry");
            QCOMPARE(res->status, 201);
        } else if (path == QLatin1String("@cancel")) {
            res = post(pl + "/cancel");
        } else if (path == QLatin1String("@jobs")) {
            res = get(pl + "/jobs");
        } else if (path == QLatin1String("@env") || path == QLatin1String("@stop")) {
            const QJsonArray envs = parse(get(m_auth + "/environments")).toArray();
            const std::string e = m_auth + "/environments/" +
                                  std::to_string(envs.first().toObject().value(u"id").toInt());
            res = path == QLatin1String("@env") ? get(e) : post(e + "/stop");
        } else if (path == QLatin1String("@deployment")) {
            // a successful prod deployment: it carries approvals and an approval summary
            const QJsonArray ds =
                parse(get(m_auth + "/deployments?environment=prod&status=success")).toArray();
            res = get(m_auth + "/deployments/" +
                      std::to_string(ds.last().toObject().value(u"id").toInt()));
        } else if (path == QLatin1String("@approve")) {
            const QJsonObject d = blockedDeployment();
            res = post(m_auth + "/deployments/" + std::to_string(d.value(u"id").toInt()) +
                           "/approval",
                       "status=approved&comment=ok", m_gitlab->approverToken());
        } else {
            res = get(m_auth + path.toStdString());
        }
        QVERIFY(res);
        QVERIFY2(res->status == 200 || res->status == 201,
                 qPrintable(QString::number(res->status)));
        QStringList errors;
        fd::test::compareShape(ref, parse(res), u"$"_qs, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestSandboxGitLab)
#include "tst_sandbox_gitlab.moc"
