// The HTTP client the GitHub plugin polls with, set up exactly as GitHubBackend::start() sets it
// up, against recorded real api.github.com sessions (tests/data/github/octokit-fixtures, see
// tests/data/README-octokit.md) replayed on loopback: Link paging (including the switch from
// /repos/{owner}/{repo}/… to /repositories/{id}/… that the recording shows), ETag → 304 reuse,
// the X-RateLimit-* accounting, and a recorded 422 error body.
//
// The recordings hold no Actions endpoints (octokit's fixtures have none), so the plugin's own
// polling cannot be replayed on them; what is replayed is the transport it relies on.

#include "replayserver.h"

#include "githubwire.h"
#include "http/client.h"
#include "http/pagination.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace fd;

namespace {

const QString kFixtures = QStringLiteral(FD_SOURCE_DIR "/tests/data/github/octokit-fixtures/");
const QString kRepoIssues = QStringLiteral(
    "/repos/octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe/issues");
const QByteArray kToken = "0000000000000000000000000000000000000001";

/// A client configured as the GitHub plugin configures its own (githubbackend.cpp, start()).
std::unique_ptr<http::Client> pluginClient(const QUrl &base)
{
    http::ClientOptions options;
    options.maxPerHost = 4;
    options.retry.maxWaitMs = 5000;
    auto client = std::make_unique<http::Client>(base, options);
    client->setAuthorization("Authorization", "Bearer " + kToken);
    client->setDefaultHeaders(
        {{"Accept", "application/vnd.github+json"}, {"X-GitHub-Api-Version", "2022-11-28"}});
    return client;
}

struct Pages
{
    bool done = false;
    QList<http::Response> pages;
    http::Response last;
};

Pages fetchAll(http::Client &client, const http::Request &request)
{
    Pages out;
    client.fetchAllPages(request, nullptr,
                         [&out](const QList<http::Response> &pages, const http::Response &last) {
                             out.pages = pages;
                             out.last = last;
                             out.done = true;
                         });
    // done stays false on a timeout, which every caller checks.
    out.done = QTest::qWaitFor([&] { return out.done; }, 20000);
    return out;
}

http::Request issuesRequest()
{
    http::Request req;
    req.path = kRepoIssues;
    req.query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("3"));
    return req;
}

QList<int> issueNumbers(const QList<http::Response> &pages)
{
    QList<int> numbers;
    for (const http::Response &p : pages)
        for (const QJsonValue &v : QJsonDocument::fromJson(p.body).array())
            numbers.append(v[QLatin1String("number")].toInt());
    return numbers;
}

} // namespace

class TestGitHubReplay : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::ReplayServer> m_server;
    QUrl m_base;

private Q_SLOTS:
    void init()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        m_server = std::make_unique<test::ReplayServer>();
        QString error;
        QVERIFY2(m_server->load(kFixtures + QStringLiteral("paginate-issues.raw.json"), &error),
                 qPrintable(error));
        QVERIFY2(m_server->load(kFixtures + QStringLiteral("errors.raw.json"), &error),
                 qPrintable(error));
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_base = QUrl(QString::fromLatin1(m_server->origin()));
    }
    void cleanup() { m_server.reset(); }

    void pagingFollowsRecordedLinks()
    {
        auto client = pluginClient(m_base);
        const Pages all = fetchAll(*client, issuesRequest());
        QVERIFY(all.done);
        QVERIFY2(all.last.ok(), qPrintable(all.last.errorText));
        // The recording: 13 issues, 3 per page, 5 pages; pages 2-5 under /repositories/{id}.
        QCOMPARE(all.pages.size(), 5);
        const QList<int> numbers = issueNumbers(all.pages);
        QCOMPARE(numbers.size(), 13);
        QCOMPARE(QSet<int>(numbers.cbegin(), numbers.cend()).size(), 13);
        QVERIFY(!http::nextPageUrl(all.last).has_value());
        const QList<test::SeenRequest> seen = m_server->seen();
        QCOMPARE(seen.size(), 5);
        QCOMPARE(m_server->unmatched(), 0);
        for (int page = 2; page <= 5; ++page)
            QCOMPARE(seen[page - 1].pathAndQuery,
                     "/repositories/515435940/issues?per_page=3&page=" + QByteArray::number(page));
        // The token goes to every page: the next links stay on the base URL's origin.
        for (const test::SeenRequest &s : seen) {
            QCOMPARE(s.headers.value("authorization"), "Bearer " + kToken);
            QCOMPARE(s.headers.value("accept"), QByteArray("application/vnd.github+json"));
            QCOMPARE(s.headers.value("x-github-api-version"), QByteArray("2022-11-28"));
        }
    }

    void pageCapKeepsTheNextLink()
    {
        auto client = pluginClient(m_base);
        Pages out;
        client->fetchAllPages(
            issuesRequest(), nullptr,
            [&out](const QList<http::Response> &pages, const http::Response &last) {
                out.pages = pages;
                out.last = last;
                out.done = true;
            },
            2);
        QVERIFY(QTest::qWaitFor([&] { return out.done; }, 20000));
        QCOMPARE(out.pages.size(), 2);
        const std::optional<QUrl> next = http::nextPageUrl(out.last);
        QVERIFY(next.has_value());
        QCOMPARE(next->path(), QStringLiteral("/repositories/515435940/issues"));
        QCOMPARE(QUrlQuery(*next).queryItemValue(QStringLiteral("page")), QStringLiteral("3"));
    }

    void etagAnswersNotModified()
    {
        auto client = pluginClient(m_base);
        const Pages first = fetchAll(*client, issuesRequest());
        QVERIFY(first.done);
        QVERIFY(first.last.ok());
        client->resetStatistics();
        const Pages again = fetchAll(*client, issuesRequest());
        QVERIFY(again.done);
        QVERIFY2(again.last.ok(), qPrintable(again.last.errorText));
        QCOMPARE(again.pages.size(), 5);
        const QList<test::SeenRequest> seen = m_server->seen();
        QCOMPARE(seen.size(), 10);
        for (int i = 5; i < 10; ++i) {
            // The recorded strong ETag goes back as If-None-Match; the replay answers 304.
            QVERIFY2(seen[i].headers.value("if-none-match").startsWith("\""),
                     seen[i].pathAndQuery.constData());
            QCOMPARE(seen[i].status, 304);
            QVERIFY(again.pages[i - 5].notModified);
            QCOMPARE(again.pages[i - 5].body, first.pages[i - 5].body);
        }
        QCOMPARE(issueNumbers(again.pages), issueNumbers(first.pages));
        QCOMPARE(client->statistics().value(QStringLiteral("notModified")).toInt(), 5);
        QCOMPARE(client->statistics().value(QStringLiteral("countedRequests")).toInt(), 0);
    }

    void rateLimitFromRecordedHeaders()
    {
        auto client = pluginClient(m_base);
        QSignalSpy changed(client.get(), &http::Client::rateLimitChanged);
        const Pages all = fetchAll(*client, issuesRequest());
        QVERIFY(all.done);
        QVERIFY(all.last.ok());
        QVERIFY(changed.count() >= 1);
        const http::RateLimitState s = client->rateLimit();
        // The last recorded page: 5000 an hour, 4918 left, reset at 1658208999 (epoch seconds).
        QCOMPARE(s.limit, 5000);
        QCOMPARE(s.remaining, 4918);
        QCOMPARE(s.reset, QDateTime::fromSecsSinceEpoch(1658208999, Qt::UTC));
        QCOMPARE(s.resource, QByteArray("core"));
        QVERIFY(!s.isLimited(QDateTime::fromSecsSinceEpoch(1658208000, Qt::UTC)));
    }

    void recordedValidationError()
    {
        auto client = pluginClient(m_base);
        http::Request req;
        req.method = "POST";
        req.path = QStringLiteral(
            "/repos/octokit-fixture-org/tmp-scenario-errors-20220719043735842-akvrn/labels");
        req.body = R"({"name":"foo","color":"invalid"})";
        req.contentType = "application/json";
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("labels: HTTP 422 Unprocessable")));
        bool done = false;
        http::Response r;
        client->send(req, nullptr, [&](const http::Response &res) {
            r = res;
            done = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 20000));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error, http::Response::Error::Http);
        QCOMPARE(r.attempts, 1); // a POST that the server refused is not sent again
        QCOMPARE(github::errorMessage(r.body), QStringLiteral("Validation Failed"));
        const QJsonObject e =
            QJsonDocument::fromJson(r.body)[QLatin1String("errors")][0].toObject();
        QCOMPARE(e[QLatin1String("field")].toString(), QStringLiteral("color"));
        QCOMPARE(m_server->unmatched(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGitHubReplay)
#include "tst_github_replay.moc"
