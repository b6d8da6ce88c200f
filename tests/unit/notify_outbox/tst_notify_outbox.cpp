// The chat outbox: persistent, in order, exactly once across a kill -9, retried after 429/5xx
// honouring Retry-After, given up after a day, coalescing canary steps, and never writing the
// webhook URL into a log or the store.
#include "testserver.h"

#include "logging/logging.h"
#include "notify/chatmessage.h"
#include "notify/chatoutbox.h"
#include "store/store.h"
#include "chat/webhooktransport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <mutex>

using namespace fd;

namespace {

NotifyTarget webhookTarget(const QString &id = QStringLiteral("team"))
{
    NotifyTarget t;
    t.id = id;
    t.format = NotifyTarget::Format::Webhook;
    t.urlRef = QStringLiteral("env:FD_TEST_HOOK");
    return t;
}

ChatEvent chatEvent(ChatEvent::Kind kind, int step = 0, const QString &env = QStringLiteral("prod"))
{
    ChatEvent e;
    e.kind = kind;
    e.time = QDateTime(QDate(2026, 12, 8), QTime(1, 0), Qt::UTC);
    e.service = QStringLiteral("checkout");
    e.environment = env;
    e.toVersion = QStringLiteral("v1.7.3");
    e.step = step;
    e.stepCount = 6;
    e.weight = step * 10;
    e.actor = QStringLiteral("alice");
    return e;
}

ChatOutbox::UrlLookup fixedUrl(const QString &url)
{
    return [url](const QString &, QObject *, ChatOutbox::UrlDone done) { done(url, QString()); };
}

// Records every post; answers from a script (status, Retry-After), 200 when the script is out.
class FakeTransport : public ChatTransport
{
public:
    void post(const QUrl &url, const QByteArray &json, QObject *context, Done done) override
    {
        Q_UNUSED(url);
        posts.append(json);
        ChatDelivery d;
        d.status = 200;
        if (!script.isEmpty()) {
            const auto [status, retryAfter] = script.takeFirst();
            d.status = status;
            d.retryAfter = retryAfter;
        }
        QMetaObject::invokeMethod(
            context, [done, d] { done(d); }, Qt::QueuedConnection);
    }
    QList<QByteArray> posts;
    QList<QPair<int, QByteArray>> script;
};

QString kindOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object().value(QStringLiteral("kind")).toString();
}

// The child of killedMidDelivery: stores three notices and starts posting them.
int childMain(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = qEnvironmentVariable("FD_OUTBOX_CHILD").split(QLatin1Char('|'));
    auto store = Store::open(args.at(0));
    if (!store)
        return 3;
    WebhookTransport transport(60000);
    ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
    outbox.setUrlLookup(fixedUrl(args.at(1)));
    outbox.setClaimLeaseMs(1000); // the parent takes over a second after the kill
    outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
    outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, 1));
    outbox.enqueue(chatEvent(ChatEvent::Kind::DeployFinished));
    outbox.start();
    return app.exec(); // until the parent kills it
}

} // namespace

class TestNotifyOutbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sendsInOrderOnceAndNotAgainAfterRestart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fd.db"));
        FakeTransport transport;
        {
            auto store = Store::open(path);
            QVERIFY(store);
            ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
            outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
            outbox.enqueue(chatEvent(ChatEvent::Kind::PromotionPlanned));
            outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
            outbox.enqueue(chatEvent(ChatEvent::Kind::DeployFinished));
            outbox.start();
            QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 3, 20000);
        }
        QCOMPARE(transport.posts.size(), 3);
        QCOMPARE(kindOf(transport.posts.at(0)), QStringLiteral("promotion-planned"));
        QCOMPARE(kindOf(transport.posts.at(1)), QStringLiteral("deploy-started"));
        QCOMPARE(kindOf(transport.posts.at(2)), QStringLiteral("deploy-finished"));
        // A new process on the same store finds nothing left to send.
        auto store = Store::open(path);
        ChatOutbox again(store.get(), {webhookTarget()}, &transport);
        again.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        QSignalSpy idle(&again, &ChatOutbox::idle);
        again.start();
        QTRY_VERIFY_WITH_TIMEOUT(idle.count() > 0, 20000);
        QCOMPARE(transport.posts.size(), 3);
    }

    void killedMidDeliveryThenRestartedSendsEachOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fd.db"));
        test::TestServer server;
        std::mutex mutex;
        QList<QByteArray> accepted; // answered 2xx: what the chat service showed
        std::atomic<int> received{0};
        std::atomic<bool> holdSecond{true};
        server.server.Post("/hook", [&](const httplib::Request &req, httplib::Response &res) {
            const int n = ++received;
            if (n == 2 && holdSecond) {
                server.stall(60000); // the child is killed while this post waits for its answer
                res.status = 503;
                return;
            }
            std::lock_guard lock(mutex);
            accepted.append(QByteArray::fromStdString(req.body));
            res.status = 200;
        });
        QVERIFY(server.start());

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FD_OUTBOX_CHILD"),
                   path + QLatin1Char('|') + server.url(QStringLiteral("/hook")).toString());
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(received.load(), 2, 60000);
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(20000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        holdSecond = false;
        server.release = true; // let the stalled handler go (its answer goes nowhere)

        auto store = Store::open(path);
        QVERIFY(store);
        WebhookTransport transport(20000);
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(server.url(QStringLiteral("/hook")).toString()));
        QCOMPARE(outbox.rows(QStringLiteral("sent")).size(), 1);
        QCOMPARE(outbox.rows(QStringLiteral("pending")).size(), 2);
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 3, 60000);
        std::lock_guard lock(mutex);
        QCOMPARE(accepted.size(), 3);
        QCOMPARE(kindOf(accepted.at(0)), QStringLiteral("deploy-started"));
        QCOMPARE(kindOf(accepted.at(1)), QStringLiteral("canary-step"));
        QCOMPARE(kindOf(accepted.at(2)), QStringLiteral("deploy-finished"));
    }

    void retriesAfter429HonouringRetryAfter()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        test::TestServer server;
        std::atomic<int> received{0};
        server.server.Post("/hook", [&](const httplib::Request &, httplib::Response &res) {
            if (++received == 1) {
                res.status = 429;
                res.set_header("Retry-After", "1");
                return;
            }
            res.status = 200;
        });
        QVERIFY(server.start());
        WebhookTransport transport(20000);
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(server.url(QStringLiteral("/hook")).toString()));
        // Our own backoff would wait an hour: only the server's Retry-After makes it come back.
        outbox.setRetryBaseMs(3600 * 1000);
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 1, 30000);
        QCOMPARE(received.load(), 2);
        QCOMPARE(outbox.rows().at(0).attempts, 2);
    }

    void retryAfterSetsTheNextAttempt()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        FakeTransport transport;
        transport.script = {{429, "120"}};
        const QDateTime t0(QDate(2026, 12, 8), QTime(1, 0), Qt::UTC);
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        outbox.setClock([t0] { return t0; });
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows().at(0).attempts, 1, 20000);
        const ChatOutbox::Row row = outbox.rows().at(0);
        QCOMPARE(row.state, QStringLiteral("pending"));
        QCOMPARE(row.due, t0.addSecs(120));
        QCOMPARE(row.lastError, QStringLiteral("HTTP 429"));
        QCOMPARE(transport.posts.size(), 1);
    }

    void givesUpAfterADayWithAVisibleError()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        FakeTransport transport;
        transport.script = {{503, {}}, {503, {}}};
        QDateTime now(QDate(2026, 12, 8), QTime(1, 0), Qt::UTC);
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        outbox.setClock([&now] { return now; });
        outbox.setRetryBaseMs(10);
        QSignalSpy gaveUp(&outbox, &ChatOutbox::gaveUp);
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployFailed));
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows().at(0).attempts, 1, 20000);
        now = now.addSecs(24 * 3600); // a day of a chat service answering 503
        QTRY_COMPARE_WITH_TIMEOUT(gaveUp.count(), 1, 20000);
        const ChatOutbox::Row row = outbox.rows().at(0);
        QCOMPARE(row.state, QStringLiteral("failed"));
        QVERIFY2(row.lastError.contains(QStringLiteral("gave up after a day")),
                 qPrintable(row.lastError));
        QVERIFY(row.lastError.contains(QStringLiteral("HTTP 503")));
        QCOMPARE(transport.posts.size(), 2);
    }

    void permanentErrorIsGivenUpAtOnceAndTheQueueMovesOn()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        FakeTransport transport;
        transport.script = {{404, {}}};
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployFinished));
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 1, 20000);
        QCOMPARE(outbox.rows(QStringLiteral("failed")).size(), 1);
        QCOMPARE(transport.posts.size(), 2);
    }

    void canaryStepsCoalescePerTargetServiceEnvironment()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        FakeTransport transport;
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        for (int step = 1; step <= 5; ++step) // five steps within the minute
            outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, step));
        outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, 2, QStringLiteral("staging")));
        QCOMPARE(outbox.rows().size(), 2);
        outbox.start();
        QTRY_COMPARE_WITH_TIMEOUT(transport.posts.size(), 2, 20000);
        const QJsonObject first = QJsonDocument::fromJson(transport.posts.at(0)).object();
        QCOMPARE(first.value(QStringLiteral("step")).toInt(), 5); // the newest state
        QCOMPARE(first.value(QStringLiteral("environment")).toString(), QStringLiteral("prod"));
        // One more step right after a post waits for the minute to pass.
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 2, 20000);
        const QList<qint64> ids = outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, 6));
        QCOMPARE(ids.size(), 1);
        const ChatOutbox::Row waiting = outbox.rows(QStringLiteral("pending")).at(0);
        const ChatOutbox::Row sent = outbox.rows(QStringLiteral("sent")).at(0);
        QCOMPARE(waiting.due, sent.sent.addSecs(60));
        QCOMPARE(transport.posts.size(), 2);
    }

    void aHeldBackStepGivesWayToTheFinish()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        FakeTransport transport;
        ChatOutbox outbox(store.get(), {webhookTarget()}, &transport);
        outbox.setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        outbox.start();
        outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, 3));
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 1, 20000);
        outbox.enqueue(chatEvent(ChatEvent::Kind::CanaryStep, 4)); // held back for the minute
        outbox.enqueue(chatEvent(ChatEvent::Kind::DeployFinished));
        QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 2, 20000);
        QCOMPARE(outbox.rows(QStringLiteral("superseded")).size(), 1);
        QCOMPARE(transport.posts.size(), 2);
        QCOMPARE(kindOf(transport.posts.at(1)), QStringLiteral("deploy-finished"));
    }

    void twoProcessesOnOneStorePostOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fd.db"));
        auto storeA = Store::open(path);
        auto storeB = Store::open(path);
        FakeTransport transport;
        ChatOutbox a(storeA.get(), {webhookTarget()}, &transport);
        ChatOutbox b(storeB.get(), {webhookTarget()}, &transport);
        for (ChatOutbox *o : {&a, &b})
            o->setUrlLookup(fixedUrl(QStringLiteral("http://127.0.0.1:9/hook")));
        a.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
        a.enqueue(chatEvent(ChatEvent::Kind::DeployFinished));
        a.start();
        b.start();
        QTRY_COMPARE_WITH_TIMEOUT(a.rows(QStringLiteral("sent")).size(), 2, 20000);
        QTest::qWait(200); // a duplicate, if any, would be on the wire by now
        QCOMPARE(transport.posts.size(), 2);
    }

    void webhookUrlNeverInLogsOrStore()
    {
        const QString token = QStringLiteral("fdcanaryHOOK7q2w9e");
        QTemporaryDir dir;
        const QString logFile = dir.filePath(QStringLiteral("fd.log"));
        LogOptions lo;
        lo.level = QStringLiteral("trace");
        lo.filePath = logFile;
        lo.toStderr = false;
        QVERIFY(installLogging(lo).isEmpty());
        QLoggingCategory::setFilterRules(QStringLiteral("fd.*=true\nqt.network.*=false"));

        test::TestServer server;
        std::atomic<int> received{0};
        server.server.Post("/services/.*", [&](const httplib::Request &, httplib::Response &res) {
            res.status = ++received == 1 ? 500 : 200;
        });
        QVERIFY(server.start());
        const QString url = server.url(QStringLiteral("/services/T000/B000/") + token).toString();
        qputenv("FD_TEST_HOOK", url.toUtf8());
        {
            auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
            WebhookTransport transport(20000);
            NotifyTarget target = webhookTarget();
            target.format = NotifyTarget::Format::Slack;
            ChatOutbox outbox(store.get(), {target}, &transport); // the real env: lookup
            outbox.setRetryBaseMs(20);
            outbox.enqueue(chatEvent(ChatEvent::Kind::DeployStarted));
            outbox.start();
            QTRY_COMPARE_WITH_TIMEOUT(outbox.rows(QStringLiteral("sent")).size(), 1, 30000);
            QCOMPARE(received.load(), 2);
            // What a user can export from the outbox names neither the URL nor its key.
            for (const auto &row : outbox.rows()) {
                QVERIFY(!row.lastError.contains(token));
                QVERIFY(!QJsonDocument(ChatMessage::eventJson(row.event))
                             .toJson()
                             .contains(token.toUtf8()));
            }
            qWarning("a line naming the hook %s", qPrintable(url)); // as careless code might
        }
        flushLogs();
        shutdownLogging();
        qunsetenv("FD_TEST_HOOK");
        QFile log(logFile);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray logged = log.readAll();
        QVERIFY2(logged.contains("chat notice"), logged.constData()); // the log was written
        QVERIFY2(!logged.contains(token.toUtf8()), logged.constData());
        for (const QString &name : QDir(dir.path()).entryList({QStringLiteral("fd.db*")})) {
            QFile db(dir.filePath(name));
            QVERIFY(db.open(QIODevice::ReadOnly));
            QVERIFY2(!db.readAll().contains(token.toUtf8()), qPrintable(name));
        }
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("FD_OUTBOX_CHILD"))
        return childMain(argc, argv);
    QCoreApplication app(argc, argv);
    TestNotifyOutbox test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_notify_outbox.moc"
