// The shared action executor against an in-process server model: the test decides, request by
// request, whether the server acts and whether its reply arrives, and sees every request sent.
#include "http/actionexecutor.h"

#include <QTest>
#include <QTimer>

using namespace fd;
using namespace fd::http;

namespace {

/// What the server does with one mutation.
struct Behaviour
{
    bool acts = true;
    int status = 200; // 0: the reply is lost on the way back
};

/// One target whose state is a single value ("step"), read by GET and moved on by POST.
class FakeServer : public QObject
{
public:
    QString step = QStringLiteral("2");
    QStringList log;              // "GET /path" or "POST /path", in the order received
    QList<Behaviour> behaviours;  // per POST, in order; afterwards the server acts and says 200
    int delayMs = 5;              // every reply arrives later, as over a network
    std::function<void()> onPost; // run when a POST arrives (another operator, say)

    void handle(const Request &req, const ActionBackend::Reply &reply)
    {
        log.append(QString::fromLatin1(req.method) + QLatin1Char(' ') + req.path);
        Response r;
        if (req.method == "GET") {
            r.status = 200;
            r.body = step.toUtf8();
        } else {
            if (onPost)
                onPost();
            const Behaviour b = behaviours.isEmpty() ? Behaviour{} : behaviours.takeFirst();
            if (b.acts)
                step = QString::number(step.toInt() + 1);
            r.status = b.status;
            if (b.status == 0)
                r.error = Response::Error::Timeout;
            else if (b.status == 403)
                r.body = "No valid crumb was included in the request";
        }
        QTimer::singleShot(delayMs, this, [reply, r] { reply(r); });
    }

    int count(const QString &prefix) const
    {
        return int(std::count_if(log.cbegin(), log.cend(),
                                 [&](const QString &l) { return l.startsWith(prefix); }));
    }
};

ActionPlan planAtStep(const QString &expected,
                      const QString &path = QStringLiteral("/apps/checkout"))
{
    ActionPlan plan;
    plan.summary = QStringLiteral("Promote checkout");
    plan.preconditions.append(Precondition{QStringLiteral("checkout at step ") + expected, path,
                                           QStringLiteral("step"), expected});
    plan.requests.append(PlannedRequest{
        "POST", path + QStringLiteral("/promote"), {}, {}, QStringLiteral("promote one step")});
    return plan;
}

} // namespace

/// The plugin's side: reads "step" documents, reads a 403 naming a crumb as "prepare and send
/// again", a missing reply or a 5xx as lost; keeps every result.
class FakePlugin : public ActionBackend
{
public:
    FakeServer *server = nullptr;
    QHash<quint64, ActionResult> results;
    int prepared = 0;
    int endedTwice = 0;

    void sendForAction(const Request &request, Reply reply) override
    {
        server->handle(request, reply);
    }

    PreconditionReading readPrecondition(const Precondition &pc, const Response &r) override
    {
        if (!r.ok())
            return PreconditionReading::unreadable(QStringLiteral("HTTP ") +
                                                   QString::number(r.status));
        const QString found = QString::fromUtf8(r.body);
        return PreconditionReading::compared(found == pc.expected, found);
    }

    MutationVerdict interpretMutation(const std::shared_ptr<ActionRun> &,
                                      const PlannedRequest &,
                                      const Response &r) override
    {
        using Kind = MutationVerdict::Kind;
        if (r.ok())
            return {Kind::Done, {}};
        if (r.status == 0 || r.status >= 500)
            return {Kind::Lost, QStringLiteral("no reply")};
        if (r.status == 403 && r.body.contains("crumb")) {
            MutationVerdict v{Kind::Resend, QStringLiteral("refused again: 403")};
            v.prepare = [this](const std::shared_ptr<ActionRun> &,
                               std::function<void(const QString &)> done) {
                ++prepared;
                QTimer::singleShot(1, server, [done] { done(QString()); });
            };
            return v;
        }
        return {Kind::Failed, QStringLiteral("refused: HTTP ") + QString::number(r.status)};
    }

    void actionEnded(const ActionRun &run, const ActionResult &result) override
    {
        if (results.contains(run.ticket))
            ++endedTwice; // each run must end exactly once
        results.insert(run.ticket, result);
    }

    QString refuseAction(const ActionPlan &plan) override
    {
        return plan.context.value(QStringLiteral("refuse")).toString();
    }
};

class TestActionExecutor : public QObject
{
    Q_OBJECT

    FakeServer *m_server = nullptr;
    FakePlugin m_plugin;
    ActionExecutor *m_executor = nullptr;

    void makeExecutor(ExecutorSettings settings = {})
    {
        settings.connectionId = QStringLiteral("argo-test");
        settings.retry.baseMs = 2;
        settings.retry.capMs = 10;
        settings.retry.random = [] { return 0.5; };
        m_executor = new ActionExecutor(&m_plugin, settings, m_server);
    }

    ActionResult waitFor(quint64 ticket)
    {
        if (!QTest::qWaitFor([&] { return m_plugin.results.contains(ticket); }, 5000))
            return ActionResult{false, QStringLiteral("no result within the wait"), -1, {}, {}};
        return m_plugin.results.value(ticket);
    }

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void init()
    {
        m_server = new FakeServer;
        m_plugin.server = m_server;
        m_plugin.results.clear();
        m_plugin.prepared = 0;
        m_plugin.endedTwice = 0;
        makeExecutor();
    }

    void cleanup()
    {
        QCOMPARE(m_plugin.endedTwice, 0);
        delete m_server; // owns the executor
        m_server = nullptr;
        m_executor = nullptr;
    }

    void refusesBeforeReadingAnything_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("words");
        QTest::newRow("infeasible") << 0 << QStringLiteral("not executed: the gate is gone");
        QTest::newRow("read-only") << 1
                                   << QStringLiteral("not executed: connection argo-test is "
                                                     "read-only");
        QTest::newRow("no request") << 2 << QStringLiteral("not executed: the plan has no request");
        QTest::newRow("plugin") << 3 << QStringLiteral("not executed: auth failed (401)");
    }

    void refusesBeforeReadingAnything()
    {
        QFETCH(int, kind);
        QFETCH(QString, words);
        ActionPlan plan = planAtStep(QStringLiteral("2"));
        if (kind == 0) {
            plan.feasible = false;
            plan.blockedReason = QStringLiteral("the gate is gone");
        } else if (kind == 1) {
            delete m_executor;
            ExecutorSettings readOnly;
            readOnly.readOnly = true;
            makeExecutor(readOnly);
        } else if (kind == 2) {
            plan.requests.clear();
        } else {
            plan.context.insert(QStringLiteral("refuse"), QStringLiteral("auth failed (401)"));
        }
        const quint64 ticket = m_executor->execute(plan);
        QVERIFY(!m_plugin.results.contains(ticket)); // the ticket is the caller's before any result
        const ActionResult r = waitFor(ticket);
        QVERIFY(!r.ok);
        QCOMPARE(r.message, words);
        QVERIFY(m_server->log.isEmpty());
        QCOMPARE(m_server->step, QStringLiteral("2"));
    }

    void sendsOnceWhenThePreconditionHolds()
    {
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.message, QStringLiteral("Promote checkout: done"));
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote")}));
        QCOMPARE(r.steps, (QStringList{QStringLiteral("GET /apps/checkout -> 200: checkout at "
                                                      "step 2 holds"),
                                       QStringLiteral("POST /apps/checkout/promote -> 200")}));
    }

    void changedPreconditionSendsNothing()
    {
        m_server->step = QStringLiteral("3"); // someone promoted since the plan was made
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QVERIFY(!r.ok);
        QCOMPARE(r.message, QStringLiteral("precondition failed, nothing sent: checkout at step 2 "
                                           "(expected 2, found 3)"));
        QCOMPARE(m_server->count(QStringLiteral("POST")), 0);
        QCOMPARE(m_server->step, QStringLiteral("3"));
    }

    void lostReplyOfAnActedRequestIsNotSentAgain()
    {
        m_server->behaviours = {Behaviour{true, 0}}; // it acts, the reply never arrives
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("took effect")), qPrintable(r.message));
        QCOMPARE(m_server->count(QStringLiteral("POST")), 1);
        QCOMPARE(m_server->step, QStringLiteral("3")); // promoted once, not twice
        // the re-read came after the lost reply and decided the outcome
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote"),
                                             QStringLiteral("GET /apps/checkout")}));
    }

    void lostReplyOfAnIdleRequestIsSentAgainAfterAFreshRead()
    {
        m_server->behaviours = {Behaviour{false, 503}}; // it did not act
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote"),
                                             QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote")}));
        QCOMPARE(m_server->step, QStringLiteral("3"));
    }

    void lostRepliesStopAtTheSendLimit()
    {
        m_server->behaviours = {Behaviour{false, 0}, Behaviour{false, 0}, Behaviour{false, 0}};
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith(QLatin1String("not done: no reply")), qPrintable(r.message));
        QCOMPARE(m_server->count(QStringLiteral("POST")), 2); // ExecutorSettings::maxSends
        QCOMPARE(m_server->count(QStringLiteral("GET")), 3);  // before each send and after the last
    }

    void retryReadsThePreconditionAgain()
    {
        // The server refuses before acting (a CSRF crumb is missing); while the crumb is
        // fetched another operator promotes. The second send must not happen.
        m_server->behaviours = {Behaviour{false, 403}};
        m_server->onPost = [this] {
            m_server->onPost = nullptr;
            QTimer::singleShot(0, m_server, [this] { m_server->step = QStringLiteral("3"); });
        };
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"))));
        QCOMPARE(m_plugin.prepared, 1);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith(QLatin1String("precondition failed, nothing sent")),
                 qPrintable(r.message));
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote"),
                                             QStringLiteral("GET /apps/checkout")}));
    }

    void secondActionOnOneTargetWaitsForTheFirst()
    {
        m_server->delayMs = 30; // long enough for both runs to overlap if they were not queued
        const ActionPlan plan = planAtStep(QStringLiteral("2"));
        const quint64 first = m_executor->execute(plan);
        const quint64 second = m_executor->execute(plan); // a double click
        QCOMPARE(m_executor->waiting(ActionExecutor::targetOf(plan)), 1);
        const ActionResult a = waitFor(first);
        const ActionResult b = waitFor(second);
        QVERIFY2(a.ok, qPrintable(a.message));
        QVERIFY(!b.ok);
        QVERIFY2(b.message.contains(QLatin1String("precondition failed")), qPrintable(b.message));
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /apps/checkout"),
                                             QStringLiteral("POST /apps/checkout/promote"),
                                             QStringLiteral("GET /apps/checkout")}));
        QCOMPARE(m_executor->waiting(ActionExecutor::targetOf(plan)), 0);
    }

    void actionsOnOtherTargetsDoNotWait()
    {
        m_server->delayMs = 30;
        const quint64 a =
            m_executor->execute(planAtStep(QStringLiteral("2"), QStringLiteral("/a")));
        const quint64 b =
            m_executor->execute(planAtStep(QStringLiteral("2"), QStringLiteral("/b")));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->log.size(), 2, 5000);
        QCOMPARE(m_server->log, (QStringList{QStringLiteral("GET /a"), QStringLiteral("GET /b")}));
        waitFor(a);
        waitFor(b);
    }

    void laterRequestsReadOnlyTheirOwnChecks()
    {
        // approve, then play: after the approval only "the job is still manual" is re-read
        ActionPlan plan = planAtStep(QStringLiteral("2"));
        plan.preconditions.append(Precondition{QStringLiteral("job is manual"),
                                               QStringLiteral("/jobs/7"), QStringLiteral("step"),
                                               QStringLiteral("3")});
        plan.requests.append(PlannedRequest{"POST", QStringLiteral("/jobs/7/play"), {}, {}, {}});
        plan.context.insert(QStringLiteral("checks"),
                            QVariantList{QVariantList{0}, QVariantList{1}});
        const ActionResult r = waitFor(m_executor->execute(plan));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_server->log,
                 (QStringList{QStringLiteral("GET /apps/checkout"),
                              QStringLiteral("POST /apps/checkout/promote"),
                              QStringLiteral("GET /jobs/7"), QStringLiteral("POST /jobs/7/play")}));
    }

    void stepsKeepEncodedPaths()
    {
        // A chained QString::arg() would read the %2F of an encoded path as a placeholder.
        const QString path = QStringLiteral("/api/v4/projects/acme%2Fauth/deployments/7");
        const ActionResult r = waitFor(m_executor->execute(planAtStep(QStringLiteral("2"), path)));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.steps.first(), QStringLiteral("GET ") + path +
                                      QStringLiteral(" -> 200: checkout at step 2 holds"));
        QCOMPARE(r.steps.last(),
                 QStringLiteral("POST ") + path + QStringLiteral("/promote -> 200"));
    }
};

QTEST_GUILESS_MAIN(TestActionExecutor)
#include "tst_action_executor.moc"
