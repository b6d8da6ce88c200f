// Specification of the stream side of plugins/http: SseParser, NdjsonParser and
// Client::openStream against a loopback server speaking Argo CD's watch framing.

#include <http/client.h>
#include <http/streamparsers.h>

#include <httplib.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace fd::http;

namespace fd::http {
// Lets QCOMPARE print the error kind by name.
char *toString(Response::Error error)
{
    return QTest::toString(errorName(error));
}
} // namespace fd::http

namespace {

const std::string kAdded =
    R"(data: {"result":{"type":"ADDED","application":{"metadata":{"name":"checkout-prod"}}}} )"
    "\n\n";
const std::string kModified =
    R"(data: {"result":{"type":"MODIFIED","application":{"metadata":{"name":"checkout-prod"}}}} )"
    "\n\n";

QList<SseEvent> messagesOnly(const QList<SseEvent> &events)
{
    QList<SseEvent> out;
    for (const SseEvent &e : events) {
        if (e.kind == SseEvent::Kind::Message)
            out.append(e);
    }
    return out;
}

} // namespace

class TestHttpSse : public QObject
{
    Q_OBJECT

private:
    httplib::Server m_server;
    std::thread m_thread;
    int m_port = 0;
    std::atomic<bool> m_release{false};
    std::atomic<int> m_streamsServed{0};

    void sleepUnlessReleased(int ms)
    {
        for (int waited = 0; waited < ms && !m_release; waited += 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    QUrl base() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/argocd").arg(m_port)); }

private Q_SLOTS:
    void initTestCase();
    void init()
    {
        QTest::failOnWarning(
            QRegularExpression(QStringLiteral("QIODevice|QObject::|QTimer|QSocket|QNetwork")));
    }
    void cleanupTestCase();

    void sseWholeAndByteByByteAgree();
    void sseTrailingSpaceIsKeptAndStillJson();
    void sseMultiLineDataAndFields();
    void sseCommentsAreKeepAlives();
    void sseLineEndings_data();
    void sseLineEndings();
    void ssePartialFrameIsBuffered();
    void sseEventWithoutDataIsNotDispatched();
    void sseOversizedFrameIsDropped();
    void ndjsonSplitsLines();

    void streamDeliversChunkedSse();
    void streamDeliversNdjsonWithoutAccept();
    void streamIdleTimeoutFires();
    void keepAlivesHoldStreamOpenUntilCancelled();
    void streamErrorStatusGoesToOnEnd();
};

void TestHttpSse::initTestCase()
{
    m_server.new_task_queue = [] { return new httplib::ThreadPool(16); };
    m_server.set_keep_alive_timeout(1);
    m_server.Get("/argocd/api/v1/stream/applications", [this](const httplib::Request &req,
                                                              httplib::Response &res) {
        ++m_streamsServed;
        const bool sse = req.get_header_value("Accept") == "text/event-stream";
        auto step = std::make_shared<int>(0);
        res.set_chunked_content_provider(
            sse ? "text/event-stream" : "application/json",
            [this, sse, step](size_t, httplib::DataSink &sink) {
                const std::string added =
                    sse ? kAdded : std::string(R"({"result":{"type":"ADDED"}})") + "\n";
                const std::string modified =
                    sse ? kModified : std::string(R"({"result":{"type":"MODIFIED"}})") + "\n";
                // Frames cut at awkward places, with pauses, as a proxy would.
                switch ((*step)++) {
                case 0:
                    sink.write(added.data(), 7);
                    break;
                case 1:
                    sink.write(added.data() + 7, 20);
                    break;
                case 2:
                    sink.write(added.data() + 27, added.size() - 27);
                    break;
                case 3:
                    if (sse)
                        sink.write(":\n", 2);
                    break;
                case 4:
                    sink.write(modified.data(), modified.size());
                    break;
                default:
                    sink.done();
                    return true;
                }
                sleepUnlessReleased(30);
                return true;
            });
    });
    m_server.Get("/argocd/api/v1/stream/quiet",
                 [this](const httplib::Request &, httplib::Response &res) {
                     auto sent = std::make_shared<bool>(false);
                     res.set_chunked_content_provider(
                         "text/event-stream", [this, sent](size_t, httplib::DataSink &sink) {
                             if (!*sent) {
                                 *sent = true;
                                 return sink.write(kAdded.data(), kAdded.size());
                             }
                             sleepUnlessReleased(3000); // says nothing
                             sink.done();
                             return true;
                         });
                 });
    m_server.Get("/argocd/api/v1/stream/chatty",
                 [this](const httplib::Request &, httplib::Response &res) {
                     res.set_chunked_content_provider(
                         "text/event-stream", [this](size_t, httplib::DataSink &sink) {
                             if (m_release) {
                                 sink.done();
                                 return true;
                             }
                             sleepUnlessReleased(80);
                             return sink.write(":\n", 2); // false once the client left
                         });
                 });
    m_server.Get("/argocd/api/v1/stream/denied", [](const httplib::Request &,
                                                    httplib::Response &res) {
        res.status = 403;
        res.set_content(R"({"error":"permission denied","code":7,"message":"permission denied"})",
                        "application/json");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    QVERIFY(m_port > 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    QTRY_VERIFY(m_server.is_running());
}

void TestHttpSse::cleanupTestCase()
{
    m_release = true;
    m_server.stop();
    if (m_thread.joinable())
        m_thread.join();
}

void TestHttpSse::sseWholeAndByteByByteAgree()
{
    const QByteArray stream = QByteArray::fromStdString(kAdded) + ":\n" +
                              QByteArray::fromStdString(kModified) + "event: ping\ndata: 1\n\n";
    SseParser whole;
    const QList<SseEvent> expected = whole.feed(stream);
    QCOMPARE(messagesOnly(expected).size(), 3);
    QCOMPARE(expected.size(), 4);

    SseParser bytewise;
    QList<SseEvent> got;
    for (qsizetype i = 0; i < stream.size(); ++i)
        got += bytewise.feed(stream.mid(i, 1));
    QCOMPARE(got, expected);
    QCOMPARE(bytewise.bufferedBytes(), 0);
    QCOMPARE(got.at(3).event, QByteArray("ping"));
}

void TestHttpSse::sseTrailingSpaceIsKeptAndStillJson()
{
    SseParser parser;
    const auto events = parser.feed(QByteArray::fromStdString(kAdded));
    QCOMPARE(events.size(), 1);
    QVERIFY(events.at(0).data.endsWith("}} "));
    QVERIFY(!events.at(0).data.startsWith(' '));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(events.at(0).data, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object()
                 .value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("ADDED"));
}

void TestHttpSse::sseMultiLineDataAndFields()
{
    SseParser parser;
    const auto events = parser.feed("id: 42\nevent: update\nretry: 1500\ndata: {\"a\":\ndata:1}\n"
                                    "unknown: ignored\n\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).data, QByteArray("{\"a\":\n1}"));
    QCOMPARE(events.at(0).id, QByteArray("42"));
    QCOMPARE(events.at(0).event, QByteArray("update"));
    QCOMPARE(events.at(0).retryMs.value_or(-1), 1500);
    QVERIFY(QJsonDocument::fromJson(events.at(0).data).isObject());
}

void TestHttpSse::sseCommentsAreKeepAlives()
{
    SseParser parser;
    const auto events = parser.feed(":\n: keep-alive\n\ndata: x\n\n");
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).kind, SseEvent::Kind::KeepAlive);
    QCOMPARE(events.at(1).kind, SseEvent::Kind::KeepAlive);
    QCOMPARE(events.at(1).comment, QByteArray("keep-alive"));
    QCOMPARE(events.at(2).kind, SseEvent::Kind::Message);
    QCOMPARE(events.at(2).data, QByteArray("x"));
}

void TestHttpSse::sseLineEndings_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("splitAt"); // feed in two parts; -1: in one piece
    QTest::newRow("LF") << QByteArray("data: a\n\ndata: b\n\n") << -1;
    QTest::newRow("CRLF") << QByteArray("data: a\r\n\r\ndata: b\r\n\r\n") << -1;
    QTest::newRow("CR") << QByteArray("data: a\r\rdata: b\r\r") << -1;
    QTest::newRow("CRLF split between chunks") << QByteArray("data: a\r\n\r\ndata: b\r\n\r\n") << 8;
    QTest::newRow("CR then LF of blank line split")
        << QByteArray("data: a\r\n\r\ndata: b\r\n\r\n") << 10;
}

void TestHttpSse::sseLineEndings()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, splitAt);
    SseParser parser;
    QList<SseEvent> events;
    if (splitAt < 0) {
        events = parser.feed(stream);
    } else {
        events = parser.feed(stream.left(splitAt));
        events += parser.feed(stream.mid(splitAt));
    }
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).data, QByteArray("a"));
    QCOMPARE(events.at(1).data, QByteArray("b"));
}

void TestHttpSse::ssePartialFrameIsBuffered()
{
    SseParser parser;
    QVERIFY(parser.feed("data: {\"result\":").isEmpty());
    QVERIFY(parser.bufferedBytes() > 0);
    QVERIFY(parser.feed("{}} \n").isEmpty()); // line complete, frame not yet
    const auto events = parser.feed("\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).data, QByteArray("{\"result\":{}} "));
    QCOMPARE(parser.bufferedBytes(), 0);
}

void TestHttpSse::sseEventWithoutDataIsNotDispatched()
{
    SseParser parser;
    QVERIFY(parser.feed("event: lonely\nid: 1\n\n").isEmpty());
    const auto events = parser.feed("data\n\n"); // a bare field name is an empty data line
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).data, QByteArray());
    QCOMPARE(events.at(0).event, QByteArray()); // the earlier event name did not leak over
}

void TestHttpSse::sseOversizedFrameIsDropped()
{
    SseParser parser(64);
    QVERIFY(parser.feed("data: " + QByteArray(100, 'x')).isEmpty());
    QVERIFY(parser.overflowed());
    QVERIFY(parser.bufferedBytes() <= 64);
    const auto events = parser.feed("\n\ndata: ok\n\n");
    QCOMPARE(messagesOnly(events).size(), 1);
    QCOMPARE(messagesOnly(events).at(0).data, QByteArray("ok"));
}

void TestHttpSse::ndjsonSplitsLines()
{
    NdjsonParser parser;
    QList<QByteArray> lines = parser.feed("{\"a\":1}\n{\"b\"");
    QCOMPARE(lines, QList<QByteArray>{"{\"a\":1}"});
    lines = parser.feed(":2}\r\n\n   \n{\"c\":3}");
    QCOMPARE(lines, QList<QByteArray>{"{\"b\":2}"});
    QCOMPARE(parser.finish(), QByteArray("{\"c\":3}"));
    QCOMPARE(parser.bufferedBytes(), 0);

    NdjsonParser small(8);
    QVERIFY(small.feed("0123456789abcdef").isEmpty());
    QVERIFY(small.overflowed());
    QCOMPARE(small.feed("tail\n{}\n"), QList<QByteArray>{"{}"}); // rest of the long line skipped
}

void TestHttpSse::streamDeliversChunkedSse()
{
    Client client(base());
    client.setAuthorization("Authorization", "Bearer argocd-jwt");
    SseParser parser;
    QList<SseEvent> events;
    std::optional<Response> end;
    Request request{.path = QStringLiteral("/api/v1/stream/applications")};
    request.setHeader("Accept", "text/event-stream");
    const StreamHandle handle = client.openStream(
        request, this, [&](const QByteArray &chunk) { events += parser.feed(chunk); },
        [&](const Response &r) { end = r; });
    QVERIFY(handle.isActive());
    QTRY_VERIFY_WITH_TIMEOUT(end.has_value(), 10000);
    QVERIFY2(end->ok(), qPrintable(end->errorText));
    QCOMPARE(end->status, 200);
    QCOMPARE(end->header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(end->body.isEmpty()); // 2xx bytes went to onChunk
    const QList<SseEvent> messages = messagesOnly(events);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(1).kind, SseEvent::Kind::KeepAlive);
    QVERIFY(messages.at(0).data.contains("\"ADDED\""));
    QVERIFY(messages.at(1).data.contains("\"MODIFIED\""));
    QVERIFY(!handle.isActive());
    const QVariantMap stats = client.statistics();
    QCOMPARE(stats.value(QStringLiteral("streamsOpened")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("bytesReceived")).toLongLong(),
             qint64(kAdded.size() + 2 + kModified.size()));
}

void TestHttpSse::streamDeliversNdjsonWithoutAccept()
{
    Client client(base());
    NdjsonParser parser;
    QList<QByteArray> lines;
    std::optional<Response> end;
    client.openStream(
        Request{.path = QStringLiteral("/api/v1/stream/applications")}, this,
        [&](const QByteArray &chunk) { lines += parser.feed(chunk); },
        [&](const Response &r) { end = r; });
    QTRY_VERIFY_WITH_TIMEOUT(end.has_value(), 10000);
    QVERIFY(end->ok());
    QCOMPARE(lines.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(lines.at(1))
                 .object()
                 .value(QStringLiteral("result"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("MODIFIED"));
}

void TestHttpSse::streamIdleTimeoutFires()
{
    ClientOptions options;
    options.streamIdleTimeoutMs = 300;
    Client client(base(), options);
    QCOMPARE(client.options().streamIdleTimeoutMs, 300);
    SseParser parser;
    QList<SseEvent> events;
    std::optional<Response> end;
    QElapsedTimer clock;
    clock.start();
    client.openStream(
        Request{.path = QStringLiteral("/api/v1/stream/quiet")}, this,
        [&](const QByteArray &chunk) { events += parser.feed(chunk); },
        [&](const Response &r) { end = r; });
    QTRY_VERIFY_WITH_TIMEOUT(end.has_value(), 5000);
    QCOMPARE(end->error, Response::Error::Timeout);
    QVERIFY2(end->errorText.contains(QLatin1String("idle")), qPrintable(end->errorText));
    QVERIFY(clock.elapsed() >= 300); // the quiet stream never ends by itself: "idle" ended it
    QCOMPARE(messagesOnly(events).size(), 1);
    QCOMPARE(client.statistics().value(QStringLiteral("timeouts")).toInt(), 1);
}

void TestHttpSse::keepAlivesHoldStreamOpenUntilCancelled()
{
    ClientOptions options;
    options.streamIdleTimeoutMs = 300;
    Client client(base(), options);
    int keepAlives = 0;
    SseParser parser;
    std::optional<Response> end;
    StreamHandle handle = client.openStream(
        Request{.path = QStringLiteral("/api/v1/stream/chatty"), .timeoutMs = 100}, this,
        [&](const QByteArray &chunk) {
            for (const SseEvent &e : parser.feed(chunk))
                keepAlives += e.kind == SseEvent::Kind::KeepAlive ? 1 : 0;
        },
        [&](const Response &r) { end = r; });
    // Longer than both the idle timeout and Request::timeoutMs: streams have no total timeout.
    QTest::qWait(900);
    QVERIFY(!end.has_value());
    QVERIFY(keepAlives >= 4);
    QVERIFY(handle.isActive());
    handle.cancel();
    QTRY_VERIFY(end.has_value());
    QCOMPARE(end->error, Response::Error::Cancelled);
    QVERIFY(!handle.isActive());
    handle.cancel(); // harmless once ended
}

void TestHttpSse::streamErrorStatusGoesToOnEnd()
{
    Client client(base());
    int chunks = 0;
    std::optional<Response> end;
    client.openStream(
        Request{.path = QStringLiteral("/api/v1/stream/denied")}, this,
        [&](const QByteArray &) { ++chunks; }, [&](const Response &r) { end = r; });
    QTRY_VERIFY(end.has_value());
    QCOMPARE(end->status, 403);
    QCOMPARE(end->error, Response::Error::Http);
    QVERIFY(end->body.contains("permission denied"));
    QCOMPARE(chunks, 0);
    QVERIFY(end->errorText.contains(QLatin1String("/argocd/api/v1/stream/denied")));
}

QTEST_GUILESS_MAIN(TestHttpSse)
#include "tst_http_sse.moc"
