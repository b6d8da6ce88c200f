// Specification of the shared HTTP client layer (plugins/http) against a loopback server.

#include "testserver.h"

#include <http/backoff.h>
#include <http/client.h>
#include <http/pagination.h>
#include <http/responsecache.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

using namespace fd::http;

namespace fd::http {
// Lets QCOMPARE print the error kind by name.
char *toString(Response::Error error)
{
    return QTest::toString(errorName(error));
}
} // namespace fd::http
using fd::test::TestServer;

namespace {

const QByteArray kToken = "ghp_CanaryTokenThatMustNeverLeak0123456789";

// Every message printed while a test runs, to prove no token reaches a log.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;
void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages.append(message);
    if (type != QtDebugMsg && g_previousHandler)
        g_previousHandler(type, context, message);
}

std::string header(const httplib::Request &req, const char *name)
{
    return req.has_header(name) ? req.get_header_value(name) : std::string();
}

// Formats an HTTP date the way servers send it, for Retry-After and RateLimit-ResetTime.
std::string httpDate(const QDateTime &utc)
{
    return QLocale::c()
        .toString(utc.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toStdString();
}

struct Outcome
{
    std::optional<Response> response;
    bool done() const { return response.has_value(); }
};

} // namespace

class TestHttpClient : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    TestServer m_logServer; // another origin, as GitHub's log storage is

    std::mutex m_mutex;
    std::map<std::string, int> m_hits;
    std::map<std::string, std::string> m_lastAuth;
    std::map<std::string, std::string> m_lastIfNoneMatch;
    std::atomic<int> m_active{0};
    std::atomic<int> m_peak{0};
    QDateTime m_fixedNow; // what the client's clock seam says, so dates in headers are exact

    int hit(const httplib::Request &req)
    {
        std::lock_guard lock(m_mutex);
        m_lastAuth[req.path] = header(req, "Authorization");
        m_lastIfNoneMatch[req.path] = header(req, "If-None-Match");
        return ++m_hits[req.path];
    }
    int hits(const std::string &path)
    {
        std::lock_guard lock(m_mutex);
        return m_hits[path];
    }
    std::string lastAuth(const std::string &path)
    {
        std::lock_guard lock(m_mutex);
        return m_lastAuth[path];
    }
    std::string lastIfNoneMatch(const std::string &path)
    {
        std::lock_guard lock(m_mutex);
        return m_lastIfNoneMatch[path];
    }

    std::unique_ptr<Client> makeClient(const QString &prefix = QStringLiteral("/api/v3"),
                                       ClientOptions options = {})
    {
        options.retry.baseMs = 10;
        options.retry.capMs = 40;
        options.retry.random = [] { return 0.5; };
        auto client = std::make_unique<Client>(m_server.url(prefix), options);
        client->setAuthorization("Authorization", "Bearer " + kToken);
        return client;
    }

    Response run(Client &client, Request request)
    {
        auto outcome = std::make_shared<Outcome>();
        client.send(std::move(request), this,
                    [outcome](const Response &r) { outcome->response = r; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome->done(), 20000); }();
        return outcome->response.value_or(Response{});
    }

    void setUpRoutes();

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void joinUrl_data();
    void joinUrl();
    void redactedUrlHidesQuerySecrets();
    void authHeaderSentAndNeverInErrorTextOrLogs();
    void conditionalGetReusesCacheOn304();
    void cacheIsKeyedByAuthIdentity();
    void cacheEvictsLeastRecentlyUsedByBytes();
    void getRetriedWithBackoff();
    void postNotRetriedOn503();
    void postRetriedOnThrottleOnlyWhenAskedTo();
    void serverRequestedWaitHonoured_data();
    void serverRequestedWaitHonoured();
    void retryAfterLongerThanMaxWaitIsNotWaited();
    void stalledRequestTimesOut();
    void truncatedAndGarbageBodies();
    void pagingFollowsNextLinks_data();
    void pagingFollowsNextLinks();
    void pagingStopsAtCapAndOnError();
    void redirectFollowedWithoutCredentialsToOtherOrigin();
    void perHostConcurrencyCap_data();
    void perHostConcurrencyCap();
    void destroyedContextDropsCallback();
    void cancelAllReportsCancelled();
    void statisticsAreExact();
    void backoffIsFullJitterCapped_data();
    void backoffIsFullJitterCapped();
    void pollBackoffIsEqualJitterCapped_data();
    void pollBackoffIsEqualJitterCapped();
    void retryAfterParsing_data();
    void retryAfterParsing();
    void tlsOptions();
};

void TestHttpClient::setUpRoutes()
{
    auto &s = m_server.server;
    s.Get("/api/v3/echo", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.set_content("echo", "text/plain");
    });
    s.Get("/api/v3/fail", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.status = 500;
        res.set_content("{\"message\":\"boom\"}", "application/json");
    });
    s.Get("/api/v3/etag", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.set_header("ETag", "W/\"v1\"");
        res.set_header("x-ratelimit-limit", "5000");
        res.set_header("x-ratelimit-remaining", "4999");
        res.set_header("x-ratelimit-reset", "1700000000");
        if (header(req, "If-None-Match") == "W/\"v1\"") {
            res.status = 304;
            return;
        }
        res.set_content("{\"runs\":[1,2,3]}", "application/json");
    });
    s.Get("/api/v3/flaky", [this](const httplib::Request &req, httplib::Response &res) {
        const int n = hit(req);
        if (n <= 2) {
            res.status = 503;
            res.set_content("busy", "text/plain");
            return;
        }
        res.set_content("finally", "text/plain");
    });
    s.Post("/api/v3/always503", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.status = 503;
    });
    s.Post("/api/v3/throttled-once", [this](const httplib::Request &req, httplib::Response &res) {
        if (hit(req) == 1) {
            res.status = 429;
            res.set_header("Retry-After", "0");
            return;
        }
        res.status = 201;
    });
    // /api/v3/wait/<kind>: the first answer asks the client to wait ~1 s, the second is 200.
    s.Get(R"(/api/v3/wait/(\w+))", [this](const httplib::Request &req, httplib::Response &res) {
        if (hit(req) > 1) {
            res.set_content("ok", "text/plain");
            return;
        }
        const std::string kind = req.matches[1];
        const QDateTime inOneSecond = m_fixedNow.addSecs(1);
        if (kind == "seconds") {
            res.status = 429;
            res.set_header("Retry-After", "1");
        } else if (kind == "date") {
            res.status = 429;
            res.set_header("Retry-After", httpDate(inOneSecond));
        } else if (kind == "github") {
            res.status = 403;
            res.set_header("x-ratelimit-limit", "60");
            res.set_header("x-ratelimit-remaining", "0");
            res.set_header("x-ratelimit-reset", std::to_string(inOneSecond.toSecsSinceEpoch()));
            res.set_content("{\"message\":\"API rate limit exceeded\"}", "application/json");
        } else if (kind == "gitlab") {
            res.status = 429;
            res.set_header("RateLimit-Limit", "600");
            res.set_header("RateLimit-Remaining", "0");
            res.set_header("RateLimit-Reset", std::to_string(inOneSecond.toSecsSinceEpoch()));
            res.set_content("Retry later", "text/plain");
        }
    });
    s.Get("/api/v3/hour", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.status = 429;
        res.set_header("Retry-After", "3600");
    });
    s.Get("/api/v3/stall", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        m_server.stall(3000);
        res.set_content("late", "text/plain");
    });
    s.Get("/api/v3/truncated", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.set_content_provider(100, "application/json",
                                 [](size_t offset, size_t, httplib::DataSink &sink) {
                                     if (offset == 0)
                                         sink.write("{\"partial\":", 11);
                                     return false; // hang up: 89 bytes short
                                 });
    });
    s.Get("/api/v3/garbage", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.set_content(std::string("\x00\xff{{not json", 12), "application/json");
    });
    // GitHub style: Link rel="next" with absolute URLs that switch path form on page 2.
    s.Get(R"(/api/v3/(items|repositories/7/items))", [this](const httplib::Request &req,
                                                            httplib::Response &res) {
        hit(req);
        const int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
        if (page == 2 && header(req, "X-Fail-Page") == "2") {
            res.status = 500;
            return;
        }
        const std::string base = "http://127.0.0.1:" + std::to_string(m_server.port);
        if (page < 3) {
            res.set_header("Link", "<" + base + "/api/v3/repositories/7/items?per_page=1&page=" +
                                       std::to_string(page + 1) + ">; rel=\"next\", <" + base +
                                       "/api/v3/repositories/7/items?per_page=1&page=3>; "
                                       "rel=\"last\"");
        }
        res.set_content("[" + std::to_string(page) + "]", "application/json");
    });
    // GitLab style: x-next-page, no totals.
    s.Get("/api/v3/pipelines", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        const int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
        res.set_header("x-page", std::to_string(page));
        res.set_header("x-next-page", page < 3 ? std::to_string(page + 1) : std::string());
        res.set_content("[" + std::to_string(page) + "]", "application/json");
    });
    s.Get("/api/v3/logs", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        res.status = 302;
        res.set_header(
            "Location",
            m_logServer.url(QStringLiteral("/blob/log.txt?sig=abc")).toString().toStdString());
    });
    m_logServer.server.Get("/blob/log.txt",
                           [this](const httplib::Request &req, httplib::Response &res) {
                               hit(req);
                               res.set_content("2024-01-01 step 1\n", "text/plain");
                           });
    s.Get("/api/v3/slow", [this](const httplib::Request &req, httplib::Response &res) {
        hit(req);
        const int now = ++m_active;
        int peak = m_peak.load();
        while (now > peak && !m_peak.compare_exchange_weak(peak, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        --m_active;
        res.set_content("slow", "text/plain");
    });
}

void TestHttpClient::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("fd.net.debug=true"));
    g_previousHandler = qInstallMessageHandler(captureMessages);
    m_fixedNow = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    setUpRoutes();
    QVERIFY(m_server.start());
    QVERIFY(m_logServer.start());
}

void TestHttpClient::init()
{
    // Qt's own complaints (reading a closed reply, timers, sockets) are bugs here.
    QTest::failOnWarning(
        QRegularExpression(QStringLiteral("QIODevice|QObject::|QTimer|QSocket|QNetwork")));
    std::lock_guard lock(m_mutex);
    m_hits.clear();
    m_lastAuth.clear();
    m_lastIfNoneMatch.clear();
    m_peak = 0;
    m_active = 0;
}

void TestHttpClient::cleanupTestCase()
{
    m_server.stop();
    m_logServer.stop();
    qInstallMessageHandler(g_previousHandler);
}

void TestHttpClient::joinUrl_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("expected");

    QTest::newRow("github.com") << "https://api.github.com"
                                << "/repos/o/r/actions/runs"
                                << ""
                                << "https://api.github.com/repos/o/r/actions/runs";
    QTest::newRow("ghes prefix") << "https://ghe.example/api/v3"
                                 << "/repos/o/r"
                                 << "per_page=100"
                                 << "https://ghe.example/api/v3/repos/o/r?per_page=100";
    QTest::newRow("prefix trailing slash") << "https://gl.example/api/v4/"
                                           << "projects/5/jobs"
                                           << ""
                                           << "https://gl.example/api/v4/projects/5/jobs";
    QTest::newRow("encoded segment kept")
        << "https://ci.example/jenkins"
        << "/job/a%2Fb/api/json"
        << "tree=jobs%5Bname%5D"
        << "https://ci.example/jenkins/job/a%2Fb/api/json?tree=jobs%5Bname%5D";
    QTest::newRow("query in path merged") << "https://h/api/v4"
                                          << "/projects?page=2"
                                          << "per_page=20"
                                          << "https://h/api/v4/projects?page=2&per_page=20";
    QTest::newRow("absolute next link") << "https://ghe.example/api/v3"
                                        << "https://ghe.example/api/v3/repositories/7/items?page=2"
                                        << ""
                                        << "https://ghe.example/api/v3/repositories/7/items?page=2";
    QTest::newRow("port kept") << "http://127.0.0.1:8080/api/v1"
                               << "/applications"
                               << ""
                               << "http://127.0.0.1:8080/api/v1/applications";
}

void TestHttpClient::joinUrl()
{
    QFETCH(QString, base);
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(QString, expected);
    const QUrl joined = fd::http::joinUrl(QUrl(base), path, QUrlQuery(query));
    QCOMPARE(QString::fromLatin1(joined.toEncoded()), expected);
}

void TestHttpClient::redactedUrlHidesQuerySecrets()
{
    const QUrl url(QStringLiteral(
        "https://user:pw@gl.example/api/v4/x?private_token=glpat-abc&page=2&sig=zz"));
    const QString shown = redactedUrl(url);
    QVERIFY2(!shown.contains(QLatin1String("glpat-abc")), qPrintable(shown));
    QVERIFY2(!shown.contains(QLatin1String("pw")), qPrintable(shown));
    QVERIFY2(!shown.contains(QLatin1String("zz")), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("page=2")), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("/api/v4/x")), qPrintable(shown));
}

void TestHttpClient::authHeaderSentAndNeverInErrorTextOrLogs()
{
    g_messages.clear();
    auto client = makeClient();
    const Response ok = run(*client, Request{.path = QStringLiteral("/echo")});
    QVERIFY(ok.ok());
    QCOMPARE(QByteArray::fromStdString(lastAuth("/api/v3/echo")), "Bearer " + kToken);

    Request failing{.path = QStringLiteral("/fail")};
    failing.query.addQueryItem(QStringLiteral("access_token"), QString::fromLatin1(kToken));
    failing.maxAttempts = 2;
    const Response failed = run(*client, failing);
    QCOMPARE(failed.status, 500);
    QCOMPARE(failed.error, Response::Error::Http);
    QCOMPARE(failed.attempts, 2);
    QVERIFY2(failed.errorText.contains(QLatin1String("GET")), qPrintable(failed.errorText));
    QVERIFY2(failed.errorText.contains(QLatin1String("/api/v3/fail")),
             qPrintable(failed.errorText));
    QVERIFY2(!failed.errorText.contains(QString::fromLatin1(kToken)), qPrintable(failed.errorText));

    const QString stats = QString::fromUtf8(
        QJsonDocument::fromVariant(client->statistics()).toJson(QJsonDocument::Compact));
    QVERIFY(!stats.contains(QString::fromLatin1(kToken)));
    QVERIFY2(!g_messages.isEmpty(), "fd.net debug logging produced nothing");
    for (const QString &message : std::as_const(g_messages))
        QVERIFY2(!message.contains(QString::fromLatin1(kToken)), qPrintable(message));
}

void TestHttpClient::conditionalGetReusesCacheOn304()
{
    auto client = makeClient();
    const Response first = run(*client, Request{.path = QStringLiteral("/etag")});
    QCOMPARE(first.status, 200);
    QVERIFY(!first.notModified);
    QCOMPARE(first.body, QByteArray("{\"runs\":[1,2,3]}"));
    QCOMPARE(QByteArray::fromStdString(lastIfNoneMatch("/api/v3/etag")), QByteArray());

    const Response second = run(*client, Request{.path = QStringLiteral("/etag")});
    QCOMPARE(QByteArray::fromStdString(lastIfNoneMatch("/api/v3/etag")), QByteArray("W/\"v1\""));
    QCOMPARE(second.status, 304);
    QVERIFY(second.notModified);
    QVERIFY(second.ok());
    QCOMPARE(second.body, first.body);
    QCOMPARE(second.header("content-type"), QByteArray("application/json"));

    // A caller that wants a fresh copy can opt out of the conditional request.
    Request fresh{.path = QStringLiteral("/etag")};
    fresh.conditional = false;
    const Response third = run(*client, fresh);
    QCOMPARE(third.status, 200);
    QCOMPARE(QByteArray::fromStdString(lastIfNoneMatch("/api/v3/etag")), QByteArray());

    const RateLimitState limit = client->rateLimit();
    QCOMPARE(limit.limit, 5000);
    QCOMPARE(limit.remaining, 4999);
    QCOMPARE(limit.reset, QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC));
    QVERIFY(!limit.limitedUntil.isValid());
}

void TestHttpClient::cacheIsKeyedByAuthIdentity()
{
    auto client = makeClient();
    QCOMPARE(run(*client, Request{.path = QStringLiteral("/etag")}).status, 200);
    client->setAuthorization("Authorization", "Bearer someone-else");
    const Response other = run(*client, Request{.path = QStringLiteral("/etag")});
    QCOMPARE(other.status, 200); // no validator sent: another identity may see other data
    QCOMPARE(QByteArray::fromStdString(lastIfNoneMatch("/api/v3/etag")), QByteArray());
    client->setAuthorization("Authorization", "Bearer " + kToken);
    QCOMPARE(run(*client, Request{.path = QStringLiteral("/etag")}).status, 304);
}

void TestHttpClient::cacheEvictsLeastRecentlyUsedByBytes()
{
    ResponseCache cache(3 * 1100);
    const auto entry = [](char fill) {
        CachedResponse r;
        r.etag = "\"e\"";
        r.body = QByteArray(1000, fill);
        return r;
    };
    cache.insert("a", entry('a'));
    cache.insert("b", entry('b'));
    cache.insert("c", entry('c'));
    QCOMPARE(cache.size(), 3);
    QVERIFY(cache.find("a")); // a is now the most recent; b the least
    cache.insert("d", entry('d'));
    QCOMPARE(cache.size(), 3);
    QVERIFY(!cache.find("b"));
    QVERIFY(cache.find("a"));
    QVERIFY(cache.find("c"));
    QVERIFY(cache.find("d"));
    QVERIFY(cache.totalBytes() <= cache.maxBytes());
    cache.insert("huge", [] {
        CachedResponse r;
        r.body = QByteArray(10000, 'h');
        return r;
    }());
    QVERIFY(!cache.find("huge"));
    QCOMPARE(cache.size(), 3);
}

void TestHttpClient::getRetriedWithBackoff()
{
    auto client = makeClient();
    QSignalSpy retries(client.get(), &Client::retryScheduled);
    QElapsedTimer clock;
    clock.start();
    const Response r = run(*client, Request{.path = QStringLiteral("/flaky")});
    QVERIFY(r.ok());
    QCOMPARE(r.body, QByteArray("finally"));
    QCOMPARE(r.attempts, 3);
    QCOMPARE(hits("/api/v3/flaky"), 3);
    QCOMPARE(retries.count(), 2);
    // Full jitter with random()=0.5, base 10 ms: 0.5*10, then 0.5*20.
    QCOMPARE(retries.at(0).at(1).toInt(), 2);
    QCOMPARE(retries.at(0).at(2).toInt(), 5);
    QCOMPARE(retries.at(1).at(1).toInt(), 3);
    QCOMPARE(retries.at(1).at(2).toInt(), 10);
    QVERIFY(clock.elapsed() >= 15);
    QCOMPARE(client->statistics().value(QStringLiteral("retries")).toInt(), 2);
}

void TestHttpClient::postNotRetriedOn503()
{
    auto client = makeClient();
    QSignalSpy retries(client.get(), &Client::retryScheduled);
    const Response r = run(*client, Request{.method = "POST",
                                            .path = QStringLiteral("/always503"),
                                            .body = "{}",
                                            .contentType = "application/json"});
    QCOMPARE(r.status, 503);
    QCOMPARE(r.error, Response::Error::Http);
    QCOMPARE(r.attempts, 1);
    QCOMPARE(hits("/api/v3/always503"), 1);
    QCOMPARE(retries.count(), 0);
}

void TestHttpClient::postRetriedOnThrottleOnlyWhenAskedTo()
{
    auto client = makeClient();
    Request post{.method = "POST", .path = QStringLiteral("/throttled-once"), .body = "{}"};
    QCOMPARE(run(*client, post).status, 429);
    QCOMPARE(hits("/api/v3/throttled-once"), 1);

    init();
    post.retryWhenThrottled = true;
    const Response r = run(*client, post);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.attempts, 2);
    QCOMPARE(hits("/api/v3/throttled-once"), 2);
}

void TestHttpClient::serverRequestedWaitHonoured_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("expectedLimit");
    QTest::addColumn<bool>("fixedClock");
    QTest::newRow("Retry-After seconds") << "seconds" << -1 << false;
    QTest::newRow("Retry-After HTTP date") << "date" << -1 << true;
    QTest::newRow("GitHub x-ratelimit-reset") << "github" << 60 << true;
    QTest::newRow("GitLab RateLimit-Reset") << "gitlab" << 600 << true;
}

void TestHttpClient::serverRequestedWaitHonoured()
{
    QFETCH(QString, kind);
    QFETCH(int, expectedLimit);
    QFETCH(bool, fixedClock);
    ClientOptions options;
    auto client = makeClient(QStringLiteral("/api/v3"), options);
    RetryTiming timing = client->options().retry;
    if (fixedClock)
        timing.now = [this] { return m_fixedNow; };
    client->setRetryTiming(timing);
    QSignalSpy retries(client.get(), &Client::retryScheduled);
    QSignalSpy limits(client.get(), &Client::rateLimitChanged);

    QElapsedTimer clock;
    clock.start();
    const Response r = run(*client, Request{.path = QStringLiteral("/wait/") + kind});
    QVERIFY2(r.ok(), qPrintable(r.errorText));
    QCOMPARE(r.attempts, 2);
    QCOMPARE(retries.count(), 1);
    QCOMPARE(retries.at(0).at(2).toInt(), 1000); // the server's wait, not the 5 ms backoff
    QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));

    QVERIFY(limits.count() >= 1);
    const auto firstState = limits.at(0).at(0).value<RateLimitState>();
    QVERIFY(firstState.limitedUntil.isValid());
    if (fixedClock)
        QCOMPARE(firstState.limitedUntil, m_fixedNow.addSecs(1));
    QCOMPARE(firstState.limit, expectedLimit);
    if (expectedLimit > 0)
        QCOMPARE(firstState.remaining, 0);
    QVERIFY(!client->rateLimit().limitedUntil.isValid()); // the 200 lifted it
}

void TestHttpClient::retryAfterLongerThanMaxWaitIsNotWaited()
{
    auto client = makeClient();
    QElapsedTimer clock;
    clock.start();
    const Response r = run(*client, Request{.path = QStringLiteral("/hour")});
    QCOMPARE(r.status, 429);
    QCOMPARE(r.attempts, 1); // answered with the 429 at once: no retry waited for an hour
    const QDateTime until = client->rateLimit().limitedUntil;
    QVERIFY(until.isValid());
    QVERIFY(client->rateLimit().isLimited());
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(until) - 3600) <= 5);
}

void TestHttpClient::stalledRequestTimesOut()
{
    auto client = makeClient();
    QElapsedTimer clock;
    clock.start();
    const Response once =
        run(*client, Request{.path = QStringLiteral("/stall"), .timeoutMs = 200, .maxAttempts = 1});
    QCOMPARE(once.error, Response::Error::Timeout);
    QCOMPARE(once.status, 0);
    QVERIFY2(once.errorText.contains(QLatin1String("timed out after 200 ms")),
             qPrintable(once.errorText));

    const Response twice =
        run(*client, Request{.path = QStringLiteral("/stall"), .timeoutMs = 150, .maxAttempts = 2});
    QCOMPARE(twice.error, Response::Error::Timeout);
    QCOMPARE(twice.attempts, 2);
    QCOMPARE(client->statistics().value(QStringLiteral("timeouts")).toInt(), 3);
}

void TestHttpClient::truncatedAndGarbageBodies()
{
    auto client = makeClient();
    const Response truncated =
        run(*client, Request{.path = QStringLiteral("/truncated"), .maxAttempts = 2});
    QVERIFY(!truncated.ok());
    QCOMPARE(truncated.attempts, 2);
    QVERIFY2(truncated.error == Response::Error::Connection, qPrintable(truncated.errorText));

    const Response garbage = run(*client, Request{.path = QStringLiteral("/garbage")});
    QVERIFY(garbage.ok()); // the layer hands bytes over; parsers judge them
    QCOMPARE(garbage.body, QByteArray("\x00\xff{{not json", 12));
}

void TestHttpClient::pagingFollowsNextLinks_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("GitHub Link rel=next") << "/items";
    QTest::newRow("GitLab x-next-page") << "/pipelines";
}

void TestHttpClient::pagingFollowsNextLinks()
{
    QFETCH(QString, path);
    auto client = makeClient();
    QList<Response> pages;
    std::optional<Response> last;
    Request request{.path = path};
    request.query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("1"));
    client->fetchAllPages(request, this, [&](const QList<Response> &p, const Response &l) {
        pages = p;
        last = l;
    });
    QTRY_VERIFY(last.has_value());
    QCOMPARE(pages.size(), 3);
    QCOMPARE(pages.at(0).body, QByteArray("[1]"));
    QCOMPARE(pages.at(1).body, QByteArray("[2]"));
    QCOMPARE(pages.at(2).body, QByteArray("[3]"));
    QVERIFY(last->ok());
    QVERIFY(!nextPageUrl(*last));
    QCOMPARE(QUrlQuery(pages.at(1).url).queryItemValue(QStringLiteral("page")),
             QStringLiteral("2"));
    for (const Response &page : std::as_const(pages))
        QCOMPARE(page.url.port(), m_server.port);
}

void TestHttpClient::pagingStopsAtCapAndOnError()
{
    auto client = makeClient();
    QList<Response> pages;
    std::optional<Response> last;
    client->fetchAllPages(
        Request{.path = QStringLiteral("/items")}, this,
        [&](const QList<Response> &p, const Response &l) {
            pages = p;
            last = l;
        },
        2);
    QTRY_VERIFY(last.has_value());
    QCOMPARE(pages.size(), 2);
    QVERIFY(nextPageUrl(*last).has_value()); // the cap stopped it, not the end

    last.reset();
    Request failing{.path = QStringLiteral("/items"), .maxAttempts = 1};
    failing.setHeader("X-Fail-Page", "2");
    client->fetchAllPages(failing, this, [&](const QList<Response> &p, const Response &l) {
        pages = p;
        last = l;
    });
    QTRY_VERIFY(last.has_value());
    QCOMPARE(pages.size(), 1);
    QCOMPARE(last->status, 500);
    QVERIFY(!last->ok());
}

void TestHttpClient::redirectFollowedWithoutCredentialsToOtherOrigin()
{
    auto client = makeClient();
    const Response r = run(*client, Request{.path = QStringLiteral("/logs")});
    QVERIFY2(r.ok(), qPrintable(r.errorText));
    QCOMPARE(r.body, QByteArray("2024-01-01 step 1\n"));
    QCOMPARE(r.url.port(), m_logServer.port);
    QCOMPARE(r.attempts, 1);
    QCOMPARE(QByteArray::fromStdString(lastAuth("/api/v3/logs")), "Bearer " + kToken);
    QCOMPARE(hits("/blob/log.txt"), 1);
    QCOMPARE(lastAuth("/blob/log.txt"), std::string());
    QCOMPARE(client->statistics().value(QStringLiteral("redirects")).toInt(), 1);

    Request manual{.path = QStringLiteral("/logs")};
    manual.followRedirects = false;
    const Response unfollowed = run(*client, manual);
    QCOMPARE(unfollowed.status, 302);
    QVERIFY(unfollowed.header("location").contains("/blob/log.txt"));
}

void TestHttpClient::perHostConcurrencyCap_data()
{
    QTest::addColumn<int>("cap");
    QTest::newRow("default 6") << 0;
    QTest::newRow("3, below what QNAM alone would allow") << 3;
}

void TestHttpClient::perHostConcurrencyCap()
{
    QFETCH(int, cap);
    auto client = makeClient();
    if (cap > 0)
        client->setMaxPerHost(cap);
    const int expected = cap > 0 ? cap : 6;
    int done = 0;
    int okCount = 0;
    for (int i = 0; i < 20; ++i) {
        Request r{.path = QStringLiteral("/slow")};
        r.query.addQueryItem(QStringLiteral("i"), QString::number(i));
        client->send(r, this, [&](const Response &resp) {
            ++done;
            okCount += resp.ok() ? 1 : 0;
        });
    }
    QCOMPARE(client->statistics().value(QStringLiteral("queued")).toInt(), 20 - expected);
    QTRY_COMPARE_WITH_TIMEOUT(done, 20, 20000);
    QCOMPARE(okCount, 20);
    QCOMPARE(hits("/api/v3/slow"), 20);
    QCOMPARE(m_peak.load(), expected);
    const QVariantMap stats = client->statistics();
    QCOMPARE(stats.value(QStringLiteral("peakInFlight")).toInt(), expected);
    QCOMPARE(stats.value(QStringLiteral("inFlight")).toInt(), 0);
    QCOMPARE(stats.value(QStringLiteral("queued")).toInt(), 0);
}

void TestHttpClient::destroyedContextDropsCallback()
{
    auto client = makeClient();
    auto *context = new QObject;
    bool called = false;
    client->send(Request{.path = QStringLiteral("/stall"), .timeoutMs = 5000}, context,
                 [&](const Response &) { called = true; });
    QTRY_COMPARE(hits("/api/v3/stall"), 1);
    delete context;
    QTRY_COMPARE(client->statistics().value(QStringLiteral("inFlight")).toInt(), 0);
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestHttpClient::cancelAllReportsCancelled()
{
    auto client = makeClient();
    client->setMaxPerHost(1);
    QList<Response::Error> errors;
    for (int i = 0; i < 3; ++i) {
        client->send(Request{.path = QStringLiteral("/stall"), .timeoutMs = 5000}, this,
                     [&](const Response &r) { errors.append(r.error); });
    }
    QTRY_COMPARE(hits("/api/v3/stall"), 1);
    client->cancelAll();
    QTRY_COMPARE(errors.size(), 3);
    for (const auto e : std::as_const(errors))
        QCOMPARE(e, Response::Error::Cancelled);
    QCOMPARE(client->statistics().value(QStringLiteral("inFlight")).toInt(), 0);
}

void TestHttpClient::statisticsAreExact()
{
    auto client = makeClient();
    run(*client, Request{.path = QStringLiteral("/etag")});  // 200, 16 bytes
    run(*client, Request{.path = QStringLiteral("/etag")});  // 304
    run(*client, Request{.path = QStringLiteral("/etag")});  // 304
    run(*client, Request{.path = QStringLiteral("/flaky")}); // 503, 503, 200
    run(*client, Request{.path = QStringLiteral("/echo")});  // 200, 4 bytes
    const QVariantMap s = client->statistics();
    QCOMPARE(s.value(QStringLiteral("requestsSent")).toInt(), 7);
    QCOMPARE(s.value(QStringLiteral("notModified")).toInt(), 2);
    QCOMPARE(s.value(QStringLiteral("countedRequests")).toInt(), 5);
    QCOMPARE(s.value(QStringLiteral("retries")).toInt(), 2);
    // 16 + "busy"*2 + "finally" + "echo"
    QCOMPARE(s.value(QStringLiteral("bytesReceived")).toInt(), 16 + 4 + 4 + 7 + 4);
    QCOMPARE(s.value(QStringLiteral("peakInFlight")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("failures")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("cacheEntries")).toInt(), 1);
    const QVariantMap statuses = s.value(QStringLiteral("statuses")).toMap();
    QCOMPARE(statuses.size(), 3);
    QCOMPARE(statuses.value(QStringLiteral("200")).toInt(), 3);
    QCOMPARE(statuses.value(QStringLiteral("304")).toInt(), 2);
    QCOMPARE(statuses.value(QStringLiteral("503")).toInt(), 2);

    client->resetStatistics();
    QCOMPARE(client->statistics().value(QStringLiteral("requestsSent")).toInt(), 0);
}

void TestHttpClient::backoffIsFullJitterCapped_data()
{
    QTest::addColumn<double>("random");
    QTest::addColumn<int>("retry");
    QTest::addColumn<int>("expected");
    QTest::newRow("first, top") << 0.999 << 1 << 499;
    QTest::newRow("first, zero") << 0.0 << 1 << 0;
    QTest::newRow("third, half") << 0.5 << 3 << 1000;
    QTest::newRow("capped at 60 s") << 0.5 << 20 << 30000;
    QTest::newRow("huge retry count") << 0.999 << 1000 << 59940;
}

void TestHttpClient::backoffIsFullJitterCapped()
{
    QFETCH(double, random);
    QFETCH(int, retry);
    QFETCH(int, expected);
    RetryTiming timing; // base 500 ms, cap 60 s
    timing.random = [random] { return random; };
    QCOMPARE(fullJitterDelayMs(timing, retry), expected);
}

void TestHttpClient::pollBackoffIsEqualJitterCapped_data()
{
    QTest::addColumn<double>("random");
    QTest::addColumn<int>("retry");
    QTest::addColumn<int>("expected");
    // base 500 ms: the ceiling is 500 * 2^(retry-1) up to 60 s; half of it is always waited.
    QTest::newRow("first, zero") << 0.0 << 1 << 250;
    QTest::newRow("first, top") << 0.999 << 1 << 499;
    QTest::newRow("third, half") << 0.5 << 3 << 1500;
    QTest::newRow("capped at 60 s, zero") << 0.0 << 20 << 30000;
    QTest::newRow("huge retry count") << 0.999 << 1000 << 59970;
}

void TestHttpClient::pollBackoffIsEqualJitterCapped()
{
    QFETCH(double, random);
    QFETCH(int, retry);
    QFETCH(int, expected);
    RetryTiming timing; // base 500 ms, cap 60 s
    timing.random = [random] { return random; };
    QCOMPARE(equalJitterDelayMs(timing, retry), expected);
}

void TestHttpClient::retryAfterParsing_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("remainingName");
    QTest::addColumn<qint64>("expectedMs"); // -1: none

    QTest::newRow("seconds") << QByteArray("retry-after") << QByteArray("120") << QByteArray()
                             << qint64(120000);
    QTest::newRow("date") << QByteArray("retry-after")
                          << QByteArray("Wed, 21 Oct 2015 07:28:30 GMT") << QByteArray()
                          << qint64(30000);
    QTest::newRow("date in the past")
        << QByteArray("retry-after") << QByteArray("Wed, 21 Oct 2015 07:00:00 GMT") << QByteArray()
        << qint64(0);
    QTest::newRow("garbage") << QByteArray("retry-after") << QByteArray("soon") << QByteArray()
                             << qint64(-1);
    QTest::newRow("github reset, remaining 0")
        << QByteArray("x-ratelimit-reset") << QByteArray("1445412540")
        << QByteArray("x-ratelimit-remaining") << qint64(60000);
    QTest::newRow("github reset, quota left")
        << QByteArray("x-ratelimit-reset") << QByteArray("1445412540") << QByteArray()
        << qint64(-1);
    QTest::newRow("gitlab reset unix time")
        << QByteArray("ratelimit-reset") << QByteArray("1445412490")
        << QByteArray("ratelimit-remaining") << qint64(10000);
    QTest::newRow("gitlab resettime date")
        << QByteArray("ratelimit-resettime") << QByteArray("Wed, 21 Oct 2015 07:28:05 GMT")
        << QByteArray("ratelimit-remaining") << qint64(5000);
}

void TestHttpClient::retryAfterParsing()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, remainingName);
    QFETCH(qint64, expectedMs);
    const QDateTime now(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC);
    QCOMPARE(now.toSecsSinceEpoch(), qint64(1445412480));
    QHash<QByteArray, QByteArray> headers{{name, value}};
    if (!remainingName.isEmpty())
        headers.insert(remainingName, "0");
    const auto wait = serverRequestedWaitMs(headers, now);
    QCOMPARE(wait.value_or(-1), expectedMs);
}

void TestHttpClient::tlsOptions()
{
    const QUrl base(QStringLiteral("https://ghe.example/api/v3"));
    Client strict(base);
    QCOMPARE(strict.sslConfiguration().peerVerifyMode(), QSslSocket::VerifyPeer);
    QVERIFY(strict.tlsProblem().isEmpty());

    ClientOptions insecure;
    insecure.insecure = true;
    QCOMPARE(Client(base, insecure).sslConfiguration().peerVerifyMode(), QSslSocket::VerifyNone);

    ClientOptions withCa;
    withCa.caFile = QStringLiteral(FD_SOURCE_DIR "/tests/unit/http_client/test-ca.pem");
    Client custom(base, withCa);
    QVERIFY2(custom.tlsProblem().isEmpty(), qPrintable(custom.tlsProblem()));
    QCOMPARE(custom.sslConfiguration().peerVerifyMode(), QSslSocket::VerifyPeer);
    const auto cas = custom.sslConfiguration().caCertificates();
    QVERIFY(std::any_of(cas.cbegin(), cas.cend(), [](const QSslCertificate &c) {
        return c.subjectInfo(QSslCertificate::CommonName)
            .contains(QStringLiteral("Flightdeck test CA"));
    }));

    ClientOptions missing;
    missing.caFile = QStringLiteral("/nonexistent/ca.pem");
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("CA file .* missing")));
    Client broken(base, missing);
    QVERIFY(broken.tlsProblem().contains(QLatin1String("/nonexistent/ca.pem")));
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_http_client.moc"
