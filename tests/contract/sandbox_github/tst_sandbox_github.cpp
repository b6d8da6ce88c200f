// The simulated GitHub REST API: auth, paging, conditional requests, rate limits, run control,
// dispatch, environment gates, log redirects, the /api/v3 prefix and loopback latency.

#include "core/sandbox.h"

#include <httplib.h>

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace fd::sandbox;

namespace {

constexpr qint64 kEpoch = 1'795'672'800'000;

int status(const httplib::Result &r)
{
    return r ? r->status : -int(r.error());
}

QJsonDocument json(const httplib::Result &r)
{
    return r ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body)) : QJsonDocument();
}

} // namespace

class TestSandboxGitHub : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sandbox> m_sb;
    std::unique_ptr<httplib::Client> m_c;
    httplib::Headers m_auth;

    void startSandbox(int rateLimit = 5000, QStringList faults = {})
    {
        Options o;
        o.epochMs = kEpoch;
        o.clockSpeed = 0;
        o.githubRateLimit = rateLimit;
        o.faults = faults;
        m_c.reset();
        m_sb = std::make_unique<Sandbox>(o);
        QString error;
        QVERIFY2(m_sb->start(&error), qPrintable(error));
        m_c = std::make_unique<httplib::Client>("127.0.0.1", m_sb->port(u"github"_s));
        m_c->set_read_timeout(5, 0);
        m_c->set_keep_alive(true);
        const QString token = m_sb->backend(u"github"_s)->credentials()[u"token"_s].toString();
        m_auth = {{"Authorization", "Bearer " + token.toStdString()},
                  {"Accept", "application/vnd.github+json"}};
    }

    qint64 waitingRun()
    {
        auto r = m_c->Get("/repos/acme/payments/actions/runs?status=waiting", m_auth);
        const QJsonArray runs = json(r)[u"workflow_runs"_s].toArray();
        return runs.isEmpty() ? 0 : runs[0][u"id"_s].toInteger();
    }

private Q_SLOTS:
    void init() { startSandbox(); }
    void cleanup()
    {
        m_c.reset();
        m_sb.reset();
    }

    void authentication()
    {
        auto none = m_c->Get("/repos/acme/payments/actions/runs");
        QCOMPARE(status(none), 401);
        QCOMPARE(json(none)[u"message"_s].toString(), u"Requires authentication"_s);
        QVERIFY(json(none)[u"documentation_url"_s].isString());
        auto wrong =
            m_c->Get("/repos/acme/payments/actions/runs", {{"Authorization", "Bearer nope"}});
        QCOMPARE(status(wrong), 401);
        QCOMPARE(json(wrong)[u"message"_s].toString(), u"Bad credentials"_s);
        httplib::Headers tokenScheme{
            {"Authorization", m_auth.find("Authorization")->second.replace(0, 6, "token")}};
        QCOMPARE(status(m_c->Get("/repos/acme/payments/actions/runs", tokenScheme)), 200);
        auto missing = m_c->Get("/repos/acme/nothing/actions/runs", m_auth);
        QCOMPARE(status(missing), 404);
        QCOMPARE(json(missing)[u"message"_s].toString(), u"Not Found"_s);
    }

    void paginationLinks()
    {
        auto first = m_c->Get("/repos/acme/payments/actions/runs?per_page=5", m_auth);
        QCOMPARE(status(first), 200);
        const int total = json(first)[u"total_count"_s].toInt();
        QVERIFY(total > 10);
        QCOMPARE(json(first)[u"workflow_runs"_s].toArray().size(), 5);
        const QString link = QString::fromStdString(first->get_header_value("Link"));
        QVERIFY2(link.contains(u"page=2>; rel=\"next\""_s), qPrintable(link));
        QVERIFY(link.contains(u"page=%1>; rel=\"last\""_s.arg((total + 4) / 5)));
        QVERIFY(!link.contains(u"rel=\"prev\""_s));
        // Follow next links to the end: every run once, newest first.
        QSet<qint64> seen;
        std::string path = "/repos/acme/payments/actions/runs?per_page=5";
        int pages = 0;
        while (!path.empty() && pages < 50) {
            auto r = m_c->Get(path.c_str(), m_auth);
            QCOMPARE(status(r), 200);
            for (const QJsonValue &v : json(r)[u"workflow_runs"_s].toArray())
                seen.insert(v[u"id"_s].toInteger());
            const QString l = QString::fromStdString(r->get_header_value("Link"));
            const QRegularExpressionMatch m =
                QRegularExpression(u"<http://[^/]+([^>]*)>; rel=\"next\""_s).match(l);
            path = m.hasMatch() ? m.captured(1).toStdString() : std::string();
            ++pages;
        }
        QCOMPARE(seen.size(), total);
        auto big = m_c->Get("/repos/acme/payments/actions/runs?per_page=500", m_auth);
        QCOMPARE(json(big)[u"workflow_runs"_s].toArray().size(), std::min(total, 100));
    }

    void etagAndRateLimit()
    {
        auto a = m_c->Get("/repos/acme/payments/environments", m_auth);
        const std::string etag = a->get_header_value("ETag");
        QVERIFY(!etag.empty());
        const int remaining = std::stoi(a->get_header_value("X-RateLimit-Remaining"));
        QCOMPARE(a->get_header_value("X-RateLimit-Limit"), std::string("5000"));
        QCOMPARE(a->get_header_value("X-RateLimit-Resource"), std::string("core"));
        QVERIFY(!a->get_header_value("X-RateLimit-Reset").empty());
        httplib::Headers cond = m_auth;
        cond.emplace("If-None-Match", etag);
        auto b = m_c->Get("/repos/acme/payments/environments", cond);
        QCOMPARE(status(b), 304);
        QVERIFY(b->body.empty());
        QCOMPARE(b->get_header_value("ETag"), etag);
        QCOMPARE(std::stoi(b->get_header_value("X-RateLimit-Remaining")), remaining);
        auto c = m_c->Get("/repos/acme/payments/environments", m_auth);
        QCOMPARE(std::stoi(c->get_header_value("X-RateLimit-Remaining")), remaining - 1);
        // rate_limit itself is free
        auto rl = m_c->Get("/rate_limit", m_auth);
        QCOMPARE(json(rl)[u"resources"_s][u"core"_s][u"remaining"_s].toInt(), remaining - 1);
        QCOMPARE(json(rl)[u"rate"_s][u"remaining"_s].toInt(), remaining - 1);
    }

    void ownerRepositoryListsAuthAndShape_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("organisation") << u"/orgs/acme/repos"_s;
        QTest::newRow("organisation, enterprise prefix") << u"/api/v3/orgs/acme/repos"_s;
        QTest::newRow("user") << u"/users/priya-raman/repos"_s;
    }

    void ownerRepositoryListsAuthAndShape()
    {
        QFETCH(QString, path);
        const std::string p = path.toStdString();
        QCOMPARE(status(m_c->Get(p.c_str())), 401);
        QCOMPARE(status(m_c->Get(p.c_str(), {{"Authorization", "Bearer nope"}})), 401);
        auto r = m_c->Get(p.c_str(), m_auth);
        QCOMPARE(status(r), 200);
        QVERIFY(json(r).isArray());
        // The people of the scenario own no repository; the organisation owns them all.
        if (path.contains(u"/users/"_s)) {
            QCOMPARE(json(r).array().size(), 0);
            return;
        }
        const QJsonArray repos = json(r).array();
        QVERIFY(repos.size() >= 3);
        QSet<QString> names;
        int archived = 0;
        for (const QJsonValue &v : repos) {
            const QJsonObject o = v.toObject();
            for (const char *key : {"id", "node_id", "name", "full_name", "owner", "private",
                                    "html_url", "description", "fork", "url", "archived",
                                    "disabled", "default_branch", "pushed_at", "created_at",
                                    "updated_at", "clone_url", "visibility", "permissions"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QVERIFY(o[u"id"_s].toInteger() > 0);
            QCOMPARE(o[u"owner"_s][u"login"_s].toString(), u"acme"_s);
            QCOMPARE(o[u"owner"_s][u"type"_s].toString(), u"Organization"_s);
            QCOMPARE(o[u"full_name"_s].toString(), u"acme/"_s + o[u"name"_s].toString());
            QVERIFY(o[u"url"_s].toString().endsWith(u"/repos/"_s + o[u"full_name"_s].toString()));
            QVERIFY(QDateTime::fromString(o[u"pushed_at"_s].toString(), Qt::ISODate).isValid());
            QCOMPARE(o[u"default_branch"_s].toString(), u"main"_s);
            QCOMPARE(o[u"disabled"_s].toBool(), false);
            names.insert(o[u"full_name"_s].toString());
            archived += o[u"archived"_s].toBool() ? 1 : 0;
        }
        QVERIFY(names.contains(u"acme/checkout"_s));
        QVERIFY(names.contains(u"acme/payments"_s));
        QVERIFY(names.contains(u"acme/legacy-monolith"_s));
        QCOMPARE(archived, 1);
        QCOMPARE(names.size(), repos.size());
    }

    void ownerRepositoryListsUnknownOwnersAndParameters()
    {
        auto org = m_c->Get("/orgs/no-such-org/repos", m_auth);
        QCOMPARE(status(org), 404);
        QCOMPARE(json(org)[u"message"_s].toString(), u"Not Found"_s);
        QCOMPARE(status(m_c->Get("/users/no-such-user/repos", m_auth)), 404);
        // A user login is no organisation; an organisation's user listing is its public
        // repositories, and every simulated repository is private.
        QCOMPARE(status(m_c->Get("/orgs/priya-raman/repos", m_auth)), 404);
        auto asUser = m_c->Get("/users/acme/repos", m_auth);
        QCOMPARE(status(asUser), 200);
        QCOMPARE(json(asUser).array().size(), 0);
        QCOMPARE(json(m_c->Get("/orgs/acme/repos?type=public", m_auth)).array().size(), 0);
        QCOMPARE(status(m_c->Get("/orgs/acme/repos?type=everything", m_auth)), 422);
        QCOMPARE(status(m_c->Get("/orgs/acme/repos?sort=stars", m_auth)), 422);
        QCOMPARE(status(m_c->Get("/users/priya-raman/repos?type=private", m_auth)), 422);
        // Sorting: full_name ascending by default for that key; created newest first otherwise.
        QStringList byName;
        for (const QJsonValue &v :
             json(m_c->Get("/orgs/acme/repos?sort=full_name", m_auth)).array())
            byName << v[u"full_name"_s].toString();
        QStringList sorted = byName;
        sorted.sort(Qt::CaseInsensitive);
        QCOMPARE(byName, sorted);
        QStringList desc;
        for (const QJsonValue &v :
             json(m_c->Get("/orgs/acme/repos?sort=full_name&direction=desc", m_auth)).array())
            desc << v[u"full_name"_s].toString();
        std::reverse(sorted.begin(), sorted.end());
        QCOMPARE(desc, sorted);
        QString previous;
        for (const QJsonValue &v : json(m_c->Get("/orgs/acme/repos", m_auth)).array()) {
            const QString created = v[u"created_at"_s].toString();
            QVERIFY(previous.isEmpty() || created <= previous);
            previous = created;
        }
    }

    void ownerRepositoryListsPageAndAnswer304()
    {
        auto all = m_c->Get("/orgs/acme/repos?per_page=100", m_auth);
        const int total = int(json(all).array().size());
        QVERIFY(total >= 3);
        QVERIFY(all->get_header_value("Link").empty());
        auto big = m_c->Get("/orgs/acme/repos?per_page=500", m_auth);
        QCOMPARE(json(big).array().size(), total);
        // One repository a page: next links to the end, each repository once.
        auto first = m_c->Get("/orgs/acme/repos?per_page=1", m_auth);
        const QString link = QString::fromStdString(first->get_header_value("Link"));
        QVERIFY2(link.contains(u"page=2>; rel=\"next\""_s), qPrintable(link));
        QVERIFY(link.contains(u"page=%1>; rel=\"last\""_s.arg(total)));
        QStringList seen;
        std::string path = "/orgs/acme/repos?per_page=1";
        while (!path.empty() && seen.size() <= total) {
            auto r = m_c->Get(path.c_str(), m_auth);
            QCOMPARE(status(r), 200);
            QCOMPARE(json(r).array().size(), 1);
            seen << json(r).array().first()[u"full_name"_s].toString();
            const QRegularExpressionMatch m =
                QRegularExpression(u"<http://[^/]+([^>]*)>; rel=\"next\""_s)
                    .match(QString::fromStdString(r->get_header_value("Link")));
            path = m.hasMatch() ? m.captured(1).toStdString() : std::string();
        }
        QCOMPARE(seen.size(), total);
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), total);

        // Conditional: the same list again is a 304 that costs no quota, with a weak ETag.
        for (const char *p : {"/orgs/acme/repos?per_page=1&page=2", "/users/priya-raman/repos"}) {
            auto a = m_c->Get(p, m_auth);
            const std::string etag = a->get_header_value("ETag");
            QVERIFY2(etag.rfind("W/\"", 0) == 0, etag.c_str());
            const int remaining = std::stoi(a->get_header_value("X-RateLimit-Remaining"));
            httplib::Headers cond = m_auth;
            cond.emplace("If-None-Match", etag);
            auto b = m_c->Get(p, cond);
            QCOMPARE(status(b), 304);
            QVERIFY(b->body.empty());
            QCOMPARE(b->get_header_value("ETag"), etag);
            QCOMPARE(std::stoi(b->get_header_value("X-RateLimit-Remaining")), remaining);
        }
    }

    void primaryLimitExhausted()
    {
        startSandbox(3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(status(m_c->Get("/repos/acme/payments/actions/workflows", m_auth)), 200);
        auto r = m_c->Get("/repos/acme/payments/actions/workflows", m_auth);
        QCOMPARE(status(r), 403);
        QCOMPARE(r->get_header_value("X-RateLimit-Remaining"), std::string("0"));
        QVERIFY(json(r)[u"message"_s].toString().contains(u"rate limit"_s));
        QVERIFY(std::stoll(r->get_header_value("X-RateLimit-Reset")) > kEpoch / 1000);
        // The window resets on the clock.
        m_sb->advance(3'601'000);
        QCOMPARE(status(m_c->Get("/repos/acme/payments/actions/workflows", m_auth)), 200);
    }

    void secondaryLimitFault()
    {
        startSandbox(5000, {u"github:rate-limit"_s});
        auto r = m_c->Get("/repos/acme/payments/actions/runs", m_auth);
        QCOMPARE(status(r), 403);
        QCOMPARE(r->get_header_value("retry-after"), std::string("60"));
        QVERIFY(json(r)[u"message"_s].toString().contains(u"secondary rate limit"_s));
    }

    void runsProgressOnTheClock()
    {
        auto r = m_c->Get("/repos/acme/checkout/actions/runs?status=in_progress", m_auth);
        const QJsonArray running = json(r)[u"workflow_runs"_s].toArray();
        QCOMPARE(running.size(), 1);
        const qint64 id = running[0][u"id"_s].toInteger();
        const std::string jobsPath =
            "/repos/acme/checkout/actions/runs/" + std::to_string(id) + "/jobs";
        const QJsonArray jobs = json(m_c->Get(jobsPath.c_str(), m_auth))[u"jobs"_s].toArray();
        QCOMPARE(jobs.size(), 2);
        // Two minutes in: build has finished, test is running on its third step.
        QCOMPARE(jobs[0][u"status"_s].toString(), u"completed"_s);
        QCOMPARE(jobs[0][u"conclusion"_s].toString(), u"success"_s);
        QCOMPARE(jobs[1][u"status"_s].toString(), u"in_progress"_s);
        QCOMPARE(jobs[1][u"conclusion"_s], QJsonValue());
        const QJsonArray steps = jobs[1][u"steps"_s].toArray();
        QCOMPARE(steps.size(), 4);
        QCOMPARE(steps[0][u"status"_s].toString(), u"completed"_s);
        QCOMPARE(steps[2][u"status"_s].toString(), u"in_progress"_s);
        QCOMPARE(steps[3][u"status"_s].toString(), u"queued"_s);
        m_sb->advance(10 * 60'000);
        const std::string runPath = "/repos/acme/checkout/actions/runs/" + std::to_string(id);
        const QJsonObject done = json(m_c->Get(runPath.c_str(), m_auth)).object();
        QCOMPARE(done[u"status"_s].toString(), u"completed"_s);
        QCOMPARE(done[u"conclusion"_s].toString(), u"success"_s);
        QCOMPARE(status(m_c->Get(("/api/v3" + runPath).c_str(), m_auth)), 200);
        QVERIFY(json(m_c->Get(("/api/v3" + runPath).c_str(), m_auth))[u"url"_s].toString().contains(
            u"/api/v3/repos/"_s));
    }

    void rerunAndCancel()
    {
        auto r = m_c->Get("/repos/acme/payments/actions/runs?status=failure", m_auth);
        const QJsonArray failed = json(r)[u"workflow_runs"_s].toArray();
        QCOMPARE(failed.size(), 1);
        const std::string base =
            "/repos/acme/payments/actions/runs/" + std::to_string(failed[0][u"id"_s].toInteger());
        QCOMPARE(status(m_c->Post((base + "/cancel").c_str(), m_auth, "", "application/json")),
                 409);
        QCOMPARE(status(m_c->Post((base + "/rerun-failed-jobs").c_str(), m_auth, "{}",
                                  "application/json")),
                 201);
        const QJsonObject again = json(m_c->Get(base.c_str(), m_auth)).object();
        QCOMPARE(again[u"run_attempt"_s].toInt(), 2);
        QCOMPARE(again[u"status"_s].toString(), u"queued"_s);
        QCOMPARE(status(m_c->Post((base + "/rerun").c_str(), m_auth, "{}", "application/json")),
                 403);
        QCOMPARE(status(m_c->Post((base + "/cancel").c_str(), m_auth, "", "application/json")),
                 202);
        m_sb->advance(1000);
        const QJsonObject cancelled = json(m_c->Get(base.c_str(), m_auth)).object();
        QCOMPARE(cancelled[u"status"_s].toString(), u"completed"_s);
        QCOMPARE(cancelled[u"conclusion"_s].toString(), u"cancelled"_s);
        QCOMPARE(status(m_c->Post("/repos/acme/payments/actions/runs/1/cancel", m_auth, "",
                                  "application/json")),
                 404);
        QCOMPARE(
            status(m_c->Post((base + "/rerun").c_str(), m_auth, "{not json", "application/json")),
            400);
    }

    void dispatch()
    {
        // A 204 has no body and no Content-Length (RFC 9110); httplib's client then cannot
        // reuse the connection, so this one call goes on its own client.
        httplib::Client once("127.0.0.1", m_sb->port(u"github"_s));
        QCOMPARE(status(once.Post("/repos/acme/checkout/actions/workflows/ci.yml/dispatches",
                                  m_auth, "{\"ref\":\"main\"}", "application/json")),
                 204);
        auto r = m_c->Post("/repos/acme/checkout/actions/workflows/ci.yml/dispatches", m_auth,
                           "{\"ref\":\"main\",\"return_run_details\":true}", "application/json");
        QCOMPARE(status(r), 200);
        const qint64 id = json(r)[u"workflow_run_id"_s].toInteger();
        QVERIFY(id > 0);
        QVERIFY(json(r)[u"run_url"_s].toString().endsWith(QString::number(id)));
        auto runs = m_c->Get(
            "/repos/acme/checkout/actions/workflows/ci.yml/runs?event=workflow_dispatch", m_auth);
        QCOMPARE(json(runs)[u"total_count"_s].toInt(), 2);
        QCOMPARE(status(m_c->Post("/repos/acme/checkout/actions/workflows/ci.yml/dispatches",
                                  m_auth, "{\"ref\":\"no-such-branch\"}", "application/json")),
                 422);
        QCOMPARE(status(m_c->Post("/repos/acme/checkout/actions/workflows/nope.yml/dispatches",
                                  m_auth, "{\"ref\":\"main\"}", "application/json")),
                 404);
    }

    void approvePendingDeployment()
    {
        const qint64 id = waitingRun();
        QVERIFY(id > 0);
        const std::string base = "/repos/acme/payments/actions/runs/" + std::to_string(id);
        const QJsonArray pending =
            json(m_c->Get((base + "/pending_deployments").c_str(), m_auth)).array();
        QCOMPARE(pending.size(), 1);
        const qint64 envId = pending[0][u"environment"_s][u"id"_s].toInteger();
        QCOMPARE(pending[0][u"environment"_s][u"name"_s].toString(), u"prod"_s);
        QVERIFY(pending[0][u"current_user_can_approve"_s].toBool());
        QCOMPARE(
            status(m_c->Post((base + "/pending_deployments").c_str(), m_auth,
                             "{\"environment_ids\":[1],\"state\":\"approved\",\"comment\":\"x\"}",
                             "application/json")),
            422);
        auto bad = m_c->Post((base + "/pending_deployments").c_str(), m_auth,
                             "{\"environment_ids\":[1],\"state\":\"maybe\",\"comment\":\"x\"}",
                             "application/json");
        QCOMPARE(json(bad)[u"message"_s].toString(), u"Validation Failed"_s);
        QCOMPARE(json(bad)[u"errors"_s][0][u"field"_s].toString(), u"state"_s);
        const std::string body = "{\"environment_ids\":[" + std::to_string(envId) +
                                 "],\"state\":\"approved\",\"comment\":\"Ship it\"}";
        auto ok =
            m_c->Post((base + "/pending_deployments").c_str(), m_auth, body, "application/json");
        QCOMPARE(status(ok), 200);
        QCOMPARE(json(ok).array().size(), 1);
        const QString sha = json(ok)[0][u"sha"_s].toString();
        QCOMPARE(sha, m_sb->world().service(u"payments"_s)->target(u"prod"_s)->pendingSha);
        QCOMPARE(json(m_c->Get((base + "/pending_deployments").c_str(), m_auth)).array().size(), 0);
        QCOMPARE(json(m_c->Get((base + "/approvals").c_str(), m_auth))[0][u"state"_s].toString(),
                 u"approved"_s);
        m_sb->advance(5000);
        QCOMPARE(json(m_c->Get(base.c_str(), m_auth))[u"status"_s].toString(), u"in_progress"_s);
        m_sb->advance(10 * 60'000);
        const QJsonObject run = json(m_c->Get(base.c_str(), m_auth)).object();
        QCOMPARE(run[u"conclusion"_s].toString(), u"success"_s);
        auto deps = m_c->Get(
            ("/repos/acme/payments/deployments?environment=prod&sha=" + sha.toStdString()).c_str(),
            m_auth);
        const QJsonArray list = json(deps).array();
        QCOMPARE(list.size(), 1);
        const std::string statuses = "/repos/acme/payments/deployments/" +
                                     std::to_string(list[0][u"id"_s].toInteger()) + "/statuses";
        QCOMPARE(json(m_c->Get(statuses.c_str(), m_auth))[0][u"state"_s].toString(), u"success"_s);
    }

    void rejectPendingDeployment()
    {
        const qint64 id = waitingRun();
        const std::string base = "/repos/acme/payments/actions/runs/" + std::to_string(id);
        const qint64 envId = json(m_c->Get((base + "/pending_deployments").c_str(),
                                           m_auth))[0][u"environment"_s][u"id"_s]
                                 .toInteger();
        const std::string body = "{\"environment_ids\":[" + std::to_string(envId) +
                                 "],\"state\":\"rejected\",\"comment\":\"Not today\"}";
        QCOMPARE(status(m_c->Post((base + "/pending_deployments").c_str(), m_auth, body,
                                  "application/json")),
                 200);
        const QJsonObject run = json(m_c->Get(base.c_str(), m_auth)).object();
        QCOMPARE(run[u"status"_s].toString(), u"completed"_s);
        QCOMPARE(run[u"conclusion"_s].toString(), u"failure"_s);
    }

    void jobLogRedirect()
    {
        auto runs = m_c->Get("/repos/acme/payments/actions/runs?status=success&per_page=1", m_auth);
        const qint64 runId = json(runs)[u"workflow_runs"_s][0][u"id"_s].toInteger();
        auto jobs = m_c->Get(
            ("/repos/acme/payments/actions/runs/" + std::to_string(runId) + "/jobs").c_str(),
            m_auth);
        const qint64 jobId = json(jobs)[u"jobs"_s][0][u"id"_s].toInteger();
        auto r = m_c->Get(
            ("/repos/acme/payments/actions/jobs/" + std::to_string(jobId) + "/logs").c_str(),
            m_auth);
        QCOMPARE(status(r), 302);
        const std::string location = r->get_header_value("Location");
        QVERIFY(location.find("urlSignature=") != std::string::npos);
        const std::string path = location.substr(location.find('/', 8));
        auto text = m_c->Get(path.c_str());
        QCOMPARE(status(text), 200);
        QVERIFY(text->body.find("##[group]Set up job") != std::string::npos);
        QCOMPARE(status(m_c->Get((path + "x").c_str())), 403);
    }

    void latency()
    {
        QList<double> ms;
        for (int i = 0; i < 50; ++i) {
            QElapsedTimer t;
            t.start();
            QCOMPARE(status(m_c->Get("/repos/acme/payments/actions/workflows", m_auth)), 200);
            ms.append(double(t.nsecsElapsed()) / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        qInfo("GitHub GET latency over keep-alive: median %.2f ms, p90 %.2f ms", ms[25], ms[45]);
    }
};

QTEST_GUILESS_MAIN(TestSandboxGitHub)
#include "tst_sandbox_github.moc"
