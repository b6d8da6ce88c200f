// Contract test of the GitLab plugin: the built plugin, loaded through the plugin host, against
// the in-process sandbox on loopback (demo scenario: acme/auth and acme/notifications, each
// deploying to dev, staging and prod; auth's prod deployment waits for an approval only the
// sandbox's "release approver" may give).

#include "gitlabtestsink.h"

#include "backend/pluginhost.h"
#include "core/sandbox.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

#include <httplib.h>

#include <climits>
#include <memory>

using namespace fd;

namespace {

const qint64 kEpoch = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

sandbox::Fault fault(const QString &spec)
{
    sandbox::Fault f;
    QString error;
    if (!sandbox::parseFault(spec, &f, &error))
        qFatal("bad fault spec %s: %s", qPrintable(spec), qPrintable(error));
    return f;
}

ServiceBinding binding(const QString &service, const QString &env, const QString &project)
{
    ServiceBinding b;
    b.service = service;
    b.environment = env;
    b.object = project;
    b.options.insert(QStringLiteral("connection"), QStringLiteral("gl-test"));
    if (!env.isEmpty())
        b.options.insert(QStringLiteral("environment"), env);
    return b;
}

struct Fixture
{
    std::unique_ptr<sandbox::Sandbox> sb;
    test::GitLabTestSink sink;
    std::unique_ptr<Backend> backend;
    ConnectionConfig config;
    QString token;
    QString approverToken;

    /// @p epochMs 0: the sandbox clock is the wall clock, so its RateLimit-Reset means now.
    bool startSandbox(const QString &scenario = QStringLiteral("demo"), qint64 epochMs = kEpoch)
    {
        sandbox::Options o;
        o.scenario = scenario;
        o.epochMs = epochMs ? epochMs : QDateTime::currentMSecsSinceEpoch();
        sb = std::make_unique<sandbox::Sandbox>(o);
        QString error;
        if (!sb->start(&error)) {
            qWarning() << "sandbox:" << error;
            return false;
        }
        const QJsonObject cred = sb->backend(QStringLiteral("gitlab"))->credentials();
        token = cred.value(QLatin1String("token")).toString();
        approverToken = cred.value(QLatin1String("approverToken")).toString();
        config.id = QStringLiteral("gl-test");
        config.kind = QStringLiteral("gitlab");
        config.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(sb->port(QStringLiteral("gitlab"))));
        config.secrets.insert(QStringLiteral("token"), token);
        config.scope.insert(
            QStringLiteral("projects"),
            QStringList{QStringLiteral("acme/auth"), QStringLiteral("acme/notifications")});
        config.options.insert(QStringLiteral("pollInterval"), 0.2);
        config.options.insert(QStringLiteral("honourPollInterval"), false);
        config.options.insert(QStringLiteral("maxBackoffMs"), 1000);
        config.options.insert(QStringLiteral("requestTimeoutMs"), 3000);
        config.environments = {QStringLiteral("dev"), QStringLiteral("staging"),
                               QStringLiteral("prod")};
        config.bindings.clear();
        for (const QString &svc : {QStringLiteral("auth"), QStringLiteral("notifications")}) {
            config.bindings.append(binding(svc, {}, QStringLiteral("acme/") + svc));
            for (const QString &env : config.environments)
                config.bindings.append(binding(svc, env, QStringLiteral("acme/") + svc));
        }
        return true;
    }

    bool startBackend(BackendFactory *factory)
    {
        backend = factory->create(config, &sink);
        if (!backend)
            return false;
        backend->start();
        return true;
    }

    ActionPlan plan(ReleaseAction::Verb verb,
                    const QString &service,
                    const QString &env,
                    const QString &target = {})
    {
        ReleaseAction a;
        a.verb = verb;
        a.connectionId = config.id;
        a.service = service;
        a.environment = env;
        a.target = target;
        a.comment = QStringLiteral("from the contract test");
        a.actor = QStringLiteral("tester");
        return backend->plan(a);
    }

    QList<sandbox::LoggedRequest> mutations() const
    {
        return sb->requests(QStringLiteral("gitlab"), true);
    }
    int count(const QString &fragment) const
    {
        int n = 0;
        for (const auto &r : sb->requests(QStringLiteral("gitlab")))
            n += r.path.contains(fragment);
        return n;
    }
    /// API requests (control routes left out) the sandbox logged in [fromMs, toMs) real time.
    QList<sandbox::LoggedRequest> apiRequests(qint64 fromMs, qint64 toMs = LLONG_MAX) const
    {
        QList<sandbox::LoggedRequest> out;
        for (const auto &r : sb->requests(QStringLiteral("gitlab")))
            if (r.path.startsWith(QLatin1String("/api/v4")) && r.realTimeMs >= fromMs &&
                r.realTimeMs < toMs)
                out.append(r);
        return out;
    }
    /// A control route of the sandbox's GitLab (POST on the GitLab port, no token).
    int control(const QString &pathAndQuery) const
    {
        httplib::Client c("127.0.0.1", sb->port(QStringLiteral("gitlab")));
        c.set_connection_timeout(5);
        c.set_read_timeout(10);
        const auto res = c.Post(pathAndQuery.toStdString(), "", "text/plain");
        return res ? res->status : 0;
    }
    /// GET on the sandbox's GitLab API with the connection's token.
    QJsonValue api(const QString &pathAndQuery) const
    {
        httplib::Client c("127.0.0.1", sb->port(QStringLiteral("gitlab")));
        c.set_default_headers({{"PRIVATE-TOKEN", token.toStdString()}});
        const auto res = c.Get(pathAndQuery.toStdString());
        if (!res)
            return QJsonValue();
        const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(res->body));
        return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
    }
    qint64 polls() const
    {
        return backend->statistics().value(QStringLiteral("polls")).toLongLong();
    }
};

QString describe(const QList<sandbox::LoggedRequest> &requests)
{
    QStringList lines{QStringLiteral("%1 requests:").arg(requests.size())};
    for (const auto &r : requests)
        lines.append(QStringLiteral("%1 %2 %3").arg(r.realTimeMs).arg(r.status).arg(r.path));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestGitLabPlugin : public QObject
{
    Q_OBJECT

private:
    PluginHost m_host;
    BackendFactory *m_factory = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(captureMessages);
        QLoggingCategory::setFilterRules(QStringLiteral("fd.*=true"));
        const PluginRecord record = m_host.loadFile(QStringLiteral(FD_PLUGIN_DIR "/fdgitlab.so"));
        QVERIFY2(record.loaded, qPrintable(record.error));
        QCOMPARE(record.kind, QStringLiteral("gitlab"));
        QCOMPARE(record.apiVersion, FD_BACKEND_API_VERSION);
        QVERIFY(record.capabilities.contains(QStringLiteral("approvals")));
        QVERIFY(record.capabilities.contains(QStringLiteral("rollback")));
        m_factory = m_host.factory(QStringLiteral("gitlab"));
        QVERIFY(m_factory);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void initialSyncDeliversRunsEnvironmentsDeploymentsGatesAndEvents()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QVERIFY(f.sink.health.rateLimitLimit > 0); // RateLimit-* read

        // Pipelines as runs, jobs grouped by stage with durations.
        const Run *withStages = nullptr;
        for (const Run &r : std::as_const(f.sink.runs))
            if (r.service == QLatin1String("auth") && r.stages.size() >= 2 &&
                r.status == RunStatus::Succeeded &&
                (!withStages || r.id.toLongLong() > withStages->id.toLongLong()))
                withStages = &r;
        QVERIFY(withStages);
        QCOMPARE(withStages->pipeline, QStringLiteral("acme/auth"));
        QCOMPARE(withStages->commit.size(), 40);
        QCOMPARE(withStages->stages.first().name, QStringLiteral("build"));
        QVERIFY(withStages->stages.first().durationMs > 0);
        QVERIFY(!withStages->stages.first().steps.isEmpty());
        QVERIFY(withStages->stages.first().steps.first().durationMs > 0);
        QVERIFY(!withStages->actor.isEmpty());

        // A manual deploy job waiting shows as a waiting step.
        bool manualWaiting = false;
        for (const Run &r : std::as_const(f.sink.runs))
            for (const Stage &s : r.stages)
                for (const Stage &step : s.steps)
                    manualWaiting = manualWaiting || (step.status == RunStatus::Waiting &&
                                                      step.name == QLatin1String("deploy-prod"));
        QVERIFY(manualWaiting);

        // What runs where, since when, by whom.
        for (const QString &key :
             {QStringLiteral("auth/dev"), QStringLiteral("auth/staging"),
              QStringLiteral("auth/prod"), QStringLiteral("notifications/prod")}) {
            QVERIFY2(f.sink.environments.contains(key), qPrintable(key));
            const EnvironmentState st = f.sink.environments.value(key);
            QCOMPARE(st.commit.size(), 40);
            QVERIFY(!st.version.isEmpty());
            QVERIFY(st.deployedAt.isValid());
            QVERIFY(!st.deployedBy.isEmpty());
            QVERIFY(!st.deploymentId.isEmpty());
            QCOMPARE(st.object, key.startsWith(QLatin1String("auth"))
                                    ? QStringLiteral("acme/auth")
                                    : QStringLiteral("acme/notifications"));
        }

        // Deployment history per environment.
        QVERIFY(f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")).size() >=
                2);

        // The blocked prod deployment is a gate with what acting on it needs.
        QCOMPARE(f.sink.gates.size(), 1);
        const Gate g = f.sink.gates.cbegin().value();
        QCOMPARE(fd::toString(g.kind), fd::toString(GateKind::GitLabBlockedDeployment));
        QCOMPARE(g.service, QStringLiteral("auth"));
        QCOMPARE(g.environment, QStringLiteral("prod"));
        QVERIFY(g.details.value(QStringLiteral("deploymentId")).toLongLong() > 0);
        QVERIFY(g.details.value(QStringLiteral("jobId")).toLongLong() > 0);
        QCOMPARE(g.details.value(QStringLiteral("requiredApprovals")).toInt(), 1);
        QCOMPARE(g.approvers, QStringList{QStringLiteral("Release Approver")});
        QVERIFY(!g.currentUserCanApprove); // the rule names another user than the token's
        QCOMPARE(fd::toString(f.sink.deployments.value(g.id.section(QLatin1Char('/'), 1)).status),
                 fd::toString(DeployStatus::Blocked));

        // Timeline.
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::RunSucceeded) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::DeploySucceeded) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::DeployBlocked) == 1);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::ApprovalGranted) > 0);
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::OperatorAction) > 0); // manual jobs played
        QVERIFY(f.sink.eventCount(TimelineEvent::Kind::RunStarted) > 0);

        // Auth: PRIVATE-TOKEN; the token reaches neither texts nor logs.
        const QStringList texts = f.sink.allTexts();
        for (const QString &t : texts)
            QVERIFY(!t.contains(f.token));
        QMutexLocker lock(&g_logMutex);
        for (const QString &line : std::as_const(g_log))
            QVERIFY(!line.contains(f.token));
    }

    void steadyStateUsesConditionalRequestsAndPublishesNothingNew()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= 4, 15000);
        const QVariantMap stats = f.backend->statistics();
        const QVariantList perPoll = stats.value(QStringLiteral("requestsPerPoll")).toList();
        const QVariantList notModified = stats.value(QStringLiteral("notModifiedPerPoll")).toList();
        QVERIFY(perPoll.size() >= 3);
        // Later polls cost far less than the first (finished pipelines' jobs and unchanged
        // environments are not read again), and the pipelines lists come back 304.
        QVERIFY2(perPoll.last().toInt() * 2 < perPoll.first().toInt(),
                 qPrintable(QStringLiteral("%1 vs %2")
                                .arg(perPoll.first().toInt())
                                .arg(perPoll.last().toInt())));
        QVERIFY(notModified.last().toInt() >= 2);
        bool sentIfNoneMatch = stats.value(QStringLiteral("notModified")).toLongLong() > 0;
        QVERIFY(sentIfNoneMatch);
    }

    void pollIntervalHeaderIsObeyed()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.remove(QStringLiteral("honourPollInterval")); // default: obey
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        // The sandbox answers Poll-Interval: 10000 (ms); our own interval is 0.2 s.
        QTest::qWait(1500);
        QCOMPARE(f.polls(), 1);
        QCOMPARE(f.backend->statistics().value(QStringLiteral("serverPollIntervalMs")).toInt(),
                 10000);
    }

    void promoteByWrongUserIsRefusedClearlyAndNothingRetried()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const ActionPlan plan =
            f.plan(ReleaseAction::Verb::Promote, QStringLiteral("auth"), QStringLiteral("prod"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 2);
        QVERIFY(!plan.warnings.isEmpty()); // the rule names someone else: the plan says so
        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        const ActionResult r = f.sink.results.value(ticket);
        QVERIFY(!r.ok);
        QCOMPARE(r.httpStatus, 403);
        QVERIFY2(r.message.contains(QLatin1String("not allowed to approve")),
                 qPrintable(r.message));
        QVERIFY(r.message.contains(QLatin1String("Nothing was retried")));
        const auto sent = f.mutations();
        QCOMPARE(sent.size(), 1); // the approval only: no retry, no play
        QVERIFY(sent.first().path.endsWith(QLatin1String("/approval")));
    }

    void encodedProjectPathsStayIntactInPlansAndSteps()
    {
        // acme/auth travels as acme%2Fauth: no QString::arg() may read its %2F as a placeholder,
        // neither in a plan nor in the steps the audit log keeps.
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.secrets.insert(QStringLiteral("token"), f.approverToken);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(f.sink.gates.size(), 1);
        const QString deploymentId =
            f.sink.gates.cbegin()->details.value(QStringLiteral("deploymentId")).toString();
        const QString project = QStringLiteral("/api/v4/projects/acme%2Fauth/");
        const QRegularExpression garbled(QStringLiteral("%[0-9](?![0-9A-F])|acme[0-9]+Fauth"));
        const QList<QPair<ReleaseAction::Verb, QString>> actions = {
            {ReleaseAction::Verb::Promote, QStringLiteral("prod")},
            {ReleaseAction::Verb::Reject, QStringLiteral("prod")},
            {ReleaseAction::Verb::Rollback, QStringLiteral("dev")},
            {ReleaseAction::Verb::Rollback, QStringLiteral("staging")}};
        int feasible = 0;
        for (const auto &[verb, env] : actions) {
            const ActionPlan p = f.plan(verb, QStringLiteral("auth"), env);
            if (!p.feasible)
                continue;
            ++feasible;
            QStringList texts{p.summary};
            texts += p.warnings;
            for (const PlannedRequest &r : p.requests) {
                QVERIFY2(r.path.startsWith(project), qPrintable(r.path));
                texts << r.path << r.purpose;
            }
            for (const Precondition &pc : p.preconditions) {
                QVERIFY2(pc.path.startsWith(project), qPrintable(pc.path));
                texts << pc.path << pc.description;
            }
            for (const QString &text : std::as_const(texts))
                QVERIFY2(!garbled.match(text).hasMatch(), qPrintable(text));
        }
        QVERIFY(feasible >= 3);

        const ActionPlan promote =
            f.plan(ReleaseAction::Verb::Promote, QStringLiteral("auth"), QStringLiteral("prod"));
        QCOMPARE(promote.requests.at(0).path, project + QStringLiteral("deployments/") +
                                                  deploymentId + QStringLiteral("/approval"));
        const quint64 ticket = f.backend->execute(promote);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        const ActionResult r = f.sink.results.value(ticket);
        QVERIFY2(r.ok, qPrintable(r.message));
        const Precondition &first = promote.preconditions.at(0);
        QCOMPARE(r.steps.first(), QStringLiteral("GET ") + first.path +
                                      QStringLiteral(" -> 200: ") + first.description +
                                      QStringLiteral(" holds"));
        QVERIFY2(r.steps.contains(QStringLiteral("POST ") + promote.requests.at(0).path +
                                  QStringLiteral(" -> 201")),
                 qPrintable(r.steps.join(QLatin1Char('\n'))));
        for (const QString &step : r.steps)
            QVERIFY2(!garbled.match(step).hasMatch(), qPrintable(step));
    }

    void promoteApprovesThenPlaysAndTheDeploymentSucceeds()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.secrets.insert(QStringLiteral("token"), f.approverToken);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(f.sink.gates.size(), 1);
        QVERIFY(f.sink.gates.cbegin()->currentUserCanApprove);
        const qint64 deploymentId =
            f.sink.gates.cbegin()->details.value(QStringLiteral("deploymentId")).toLongLong();
        const QString before = f.sink.environments.value(QStringLiteral("auth/prod")).commit;

        const ActionPlan plan =
            f.plan(ReleaseAction::Verb::Promote, QStringLiteral("auth"), QStringLiteral("prod"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 2);
        QCOMPARE(plan.requests.at(0).method, QByteArray("POST"));
        QCOMPARE(plan.requests.at(0).path,
                 QStringLiteral("/api/v4/projects/acme%2Fauth/deployments/%1/approval")
                     .arg(deploymentId));
        QVERIFY(plan.requests.at(0).body.contains("\"status\":\"approved\""));
        QVERIFY(plan.requests.at(1).path.endsWith(QLatin1String("/play")));
        QCOMPARE(plan.preconditions.size(), 2);
        QVERIFY(plan.warnings.isEmpty());

        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        const auto sent = f.mutations();
        QCOMPARE(sent.size(), 2);
        QVERIFY(sent.at(0).path.endsWith(QLatin1String("/approval")));
        QCOMPARE(sent.at(0).status, 201);
        QVERIFY(sent.at(1).path.endsWith(QLatin1String("/play")));
        QCOMPARE(sent.at(1).status, 200);

        // The same plan again (a double click): the deployment is no longer blocked, nothing sent.
        const quint64 again = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(again), 10000);
        QVERIFY(!f.sink.results.value(again).ok);
        QVERIFY(f.sink.results.value(again).message.contains(QLatin1String("precondition failed")));
        QCOMPARE(f.mutations().size(), 2);

        QTRY_VERIFY_WITH_TIMEOUT(f.sink.gates.isEmpty(), 10000);
        f.sb->advance(5 * 60 * 1000);
        QTRY_COMPARE_WITH_TIMEOUT(
            fd::toString(f.sink.deployments.value(QString::number(deploymentId)).status),
            fd::toString(DeployStatus::Succeeded), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.environments.value(QStringLiteral("auth/prod")).commit != before, 10000);
        QCOMPARE(f.sink.environments.value(QStringLiteral("auth/prod")).deploymentId,
                 QString::number(deploymentId));
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.eventCount(TimelineEvent::Kind::DeploySucceeded) > 0, 5000);
    }

    void rejectCancelsTheBlockedDeployment()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.secrets.insert(QStringLiteral("token"), f.approverToken);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const Gate gate = f.sink.gates.cbegin().value();
        // The CLI names a gate by its key: "<connection>/<gate id>".
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Reject, {}, {}, gate.key());
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 1);
        QVERIFY(plan.requests.first().body.contains("\"status\":\"rejected\""));
        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.gates.isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            fd::toString(f.sink.deployments.value(gate.id.section(QLatin1Char('/'), 1)).status),
            fd::toString(DeployStatus::Cancelled), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.eventCount(TimelineEvent::Kind::ApprovalRejected) == 1,
                                 5000);
        // Promote now has nothing to approve.
        QVERIFY(!f.plan(ReleaseAction::Verb::Promote, QStringLiteral("auth"),
                        QStringLiteral("prod"), gate.key())
                     .feasible);
    }

    void rollbackRetriesThePreviousDeploymentsJob()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const EnvironmentState before = f.sink.environments.value(QStringLiteral("auth/staging"));
        // The previous successful deployment of another version is the target.
        Deployment previous;
        for (const Deployment &d :
             f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")))
            if (d.status == DeployStatus::Succeeded && d.commit != before.commit &&
                d.id.toLongLong() < before.deploymentId.toLongLong()) {
                previous = d;
                break;
            }
        QVERIFY(!previous.id.isEmpty());

        const ActionPlan plan = f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"),
                                       QStringLiteral("staging"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.requests.size(), 1);
        QCOMPARE(plan.requests.first().method, QByteArray("POST"));
        QVERIFY(plan.requests.first().path.startsWith(
            QLatin1String("/api/v4/projects/acme%2Fauth/jobs/")));
        QVERIFY(plan.requests.first().path.endsWith(QLatin1String("/retry")));
        QVERIFY2(plan.summary.contains(QLatin1String("retry job")), qPrintable(plan.summary));
        QVERIFY(plan.summary.contains(previous.version));
        QVERIFY(plan.requests.first().purpose.contains(previous.commit));
        QCOMPARE(plan.context.value(QStringLiteral("rollbackSha")).toString(), previous.commit);
        QCOMPARE(plan.preconditions.size(), 2);

        const int deploymentsBefore =
            int(f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")).size());
        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 10000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        QVERIFY(f.sink.results.value(ticket).message.contains(QLatin1String("new job")));
        QCOMPARE(f.mutations().size(), 1);

        // A second execute finds a newer deployment than the plan saw: nothing sent.
        const quint64 again = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(again), 10000);
        QVERIFY(!f.sink.results.value(again).ok);
        QCOMPARE(f.mutations().size(), 1);

        // GitLab made a new deployment at the old sha; once it finishes, staging runs it.
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")).size() >
                deploymentsBefore,
            10000);
        const Deployment fresh =
            f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")).first();
        QCOMPARE(fresh.commit, previous.commit);
        QVERIFY(fresh.id.toLongLong() > before.deploymentId.toLongLong());
        f.sb->advance(5 * 60 * 1000);
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.environments.value(QStringLiteral("auth/staging")).commit,
                                  previous.commit, 10000);
        QCOMPARE(f.sink.environments.value(QStringLiteral("auth/staging")).deploymentId, fresh.id);
    }

    void rollbackToANamedVersionAndInfeasibleRollback()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        ReleaseAction a;
        a.verb = ReleaseAction::Verb::Rollback;
        a.connectionId = f.config.id;
        a.service = QStringLiteral("auth");
        a.environment = QStringLiteral("dev");
        a.version = QStringLiteral("deadbeef");
        const ActionPlan none = f.backend->plan(a);
        QVERIFY(!none.feasible);
        QVERIFY(none.blockedReason.contains(QLatin1String("deadbeef")));
        a.service = QStringLiteral("unknown-service");
        QVERIFY(!f.backend->plan(a).feasible);
    }

    void cancelAndRetryAPipeline()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        // A rollback retries an old deploy job: its pipeline runs again.
        const ActionPlan rollback =
            f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"), QStringLiteral("dev"));
        QVERIFY2(rollback.feasible, qPrintable(rollback.blockedReason));
        const quint64 t0 = f.backend->execute(rollback);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.value(t0).ok, 10000);
        f.sb->clearRequests();
        const QString sha = rollback.context.value(QStringLiteral("rollbackSha")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(
            f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("dev")).first().commit ==
                    sha &&
                f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("dev"))
                        .first()
                        .status == DeployStatus::Running,
            10000);
        const QString running =
            f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("dev")).first().runId;
        QVERIFY(f.sink.runs.contains(running));
        QTRY_VERIFY_WITH_TIMEOUT(!isFinished(f.sink.runs.value(running).status), 10000);
        const ActionPlan cancel =
            f.plan(ReleaseAction::Verb::Cancel, {}, {}, f.config.id + QLatin1Char('/') + running);
        QVERIFY2(cancel.feasible, qPrintable(cancel.blockedReason));
        QVERIFY(cancel.requests.first().path.endsWith(
            QStringLiteral("/pipelines/%1/cancel").arg(running)));
        const quint64 t1 = f.backend->execute(cancel);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t1), 10000);
        QVERIFY2(f.sink.results.value(t1).ok, qPrintable(f.sink.results.value(t1).message));
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.runs.value(running).status),
                                  fd::toString(RunStatus::Cancelled), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.eventCount(TimelineEvent::Kind::RunCancelled) > 0, 5000);

        // Cancelling again: the precondition (not finished) no longer holds; nothing sent.
        const quint64 t2 = f.backend->execute(cancel);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t2), 10000);
        QVERIFY(!f.sink.results.value(t2).ok);
        QCOMPARE(f.mutations().size(), 1);

        const ActionPlan retry = f.plan(ReleaseAction::Verb::Rerun, {}, {}, running);
        QVERIFY2(retry.feasible, qPrintable(retry.blockedReason));
        QVERIFY(retry.requests.first().path.endsWith(
            QStringLiteral("/pipelines/%1/retry").arg(running)));
        const quint64 t3 = f.backend->execute(retry);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t3), 10000);
        QVERIFY2(f.sink.results.value(t3).ok, qPrintable(f.sink.results.value(t3).message));
        QTRY_VERIFY_WITH_TIMEOUT(!isFinished(f.sink.runs.value(running).status), 10000);
        f.sb->advance(10 * 60 * 1000);
        // The retried jobs run to success; the pipeline then rests at its manual prod job.
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.runs.value(running).status == RunStatus::Succeeded ||
                                     f.sink.runs.value(running).status == RunStatus::Waiting,
                                 10000);
    }

    void retryAFailedJobAndAbortARunningDeploy()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        // A rollback makes a running deploy job in staging; abort cancels that job.
        const ActionPlan rollback = f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"),
                                           QStringLiteral("staging"));
        QVERIFY(rollback.feasible);
        const quint64 t1 = f.backend->execute(rollback);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.value(t1).ok, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            !f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging")).isEmpty() &&
                f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging"))
                        .first()
                        .status == DeployStatus::Running,
            10000);
        const ActionPlan abort =
            f.plan(ReleaseAction::Verb::Abort, QStringLiteral("auth"), QStringLiteral("staging"));
        QVERIFY2(abort.feasible, qPrintable(abort.blockedReason));
        QVERIFY(abort.requests.first().path.endsWith(QLatin1String("/cancel")));
        QVERIFY(abort.requests.first().path.contains(QLatin1String("/jobs/")));
        const quint64 t2 = f.backend->execute(abort);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t2), 10000);
        QVERIFY2(f.sink.results.value(t2).ok, qPrintable(f.sink.results.value(t2).message));
        QTRY_COMPARE_WITH_TIMEOUT(
            fd::toString(f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging"))
                             .first()
                             .status),
            fd::toString(DeployStatus::Cancelled), 10000);

        // Retry (no target): the newest deployment of staging was canceled: retry its job.
        const ActionPlan retry =
            f.plan(ReleaseAction::Verb::Retry, QStringLiteral("auth"), QStringLiteral("staging"));
        QVERIFY2(retry.feasible, qPrintable(retry.blockedReason));
        QVERIFY(retry.requests.first().path.endsWith(QLatin1String("/retry")));
        QCOMPARE(retry.preconditions.first().expected, QStringLiteral("failed|canceled"));
        const quint64 t3 = f.backend->execute(retry);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(t3), 10000);
        QVERIFY2(f.sink.results.value(t3).ok, qPrintable(f.sink.results.value(t3).message));
        f.sb->advance(5 * 60 * 1000);
        QTRY_COMPARE_WITH_TIMEOUT(
            fd::toString(f.sink.deploymentsOf(QStringLiteral("auth"), QStringLiteral("staging"))
                             .first()
                             .status),
            fd::toString(DeployStatus::Succeeded), 10000);
    }

    void logTailComesFromTheJobTrace()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QString runId, jobId;
        for (const Run &r : std::as_const(f.sink.runs))
            if (r.status == RunStatus::Succeeded && !r.stages.isEmpty()) {
                runId = r.id;
                jobId = r.stages.first().steps.first().id;
            }
        QVERIFY(!runId.isEmpty());
        QString text, error;
        bool done = false;
        f.backend->fetchLogTail(runId, jobId, 12, [&](const QString &t, const QString &e) {
            text = t;
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(text, QStringLiteral("b succeeded\n").right(12));
        done = false;
        f.backend->fetchLogTail(QStringLiteral("999999"), {}, 100,
                                [&](const QString &, const QString &e) {
                                    error = e;
                                    done = true;
                                });
        QTRY_VERIFY(done);
        QVERIFY(!error.isEmpty());
    }

    void baseUrlWithApiV4AndBearerAuth()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.baseUrl = QUrl(f.config.baseUrl.toString() + QStringLiteral("/api/v4/"));
        f.config.options.insert(QStringLiteral("authScheme"), QStringLiteral("bearer"));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QVERIFY(f.sink.environments.contains(QStringLiteral("auth/prod")));
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"),
                                       QStringLiteral("staging"));
        QVERIFY(
            plan.requests.first().path.startsWith(QLatin1String("/projects/acme%2Fauth/jobs/")));
    }

    void unauthorizedTokenIsAuthFailed()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.secrets.insert(QStringLiteral("token"), QStringLiteral("glpat-not-a-valid-token"));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state),
                 fd::toString(ConnectionHealth::State::AuthFailed));
        QVERIFY(f.sink.health.reason.contains(QLatin1String("auth failed")));
        QVERIFY(f.sink.runs.isEmpty());
        const int sent = int(f.sb->requests(QStringLiteral("gitlab")).size());
        QTest::qWait(600);
        QCOMPARE(int(f.sb->requests(QStringLiteral("gitlab")).size()), sent); // polling paused
        for (const QString &t : f.sink.allTexts())
            QVERIFY(!t.contains(QLatin1String("glpat-not-a-valid-token")));
    }

    void expiredTokenMidwayKeepsRecordsAndSaysAuthFailed()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const int runs = int(f.sink.runs.size());
        f.sb->setFaults({fault(QStringLiteral("gitlab:expired-token"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::AuthFailed), 10000);
        QCOMPARE(int(f.sink.runs.size()), runs);
    }

    void missingProjectIsAProblemWhileTheRestKeepWorking()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.scope.insert(QStringLiteral("projects"),
                              QStringList{QStringLiteral("acme/auth"), QStringLiteral("acme/gone"),
                                          QStringLiteral("acme/notifications")});
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QVERIFY(f.sink.problemsAt(QStringLiteral("project acme/gone")) >= 1);
        bool said404 = false;
        for (const auto &p : f.sink.problems)
            said404 = said404 || (p.where.contains(QLatin1String("acme/gone")) &&
                                  p.message.contains(QLatin1String("404")));
        QVERIFY(said404);
        QVERIFY(f.sink.environments.contains(QStringLiteral("auth/prod")));
        QVERIFY(f.sink.environments.contains(QStringLiteral("notifications/prod")));
        QCOMPARE(f.sink.problemsAt(QStringLiteral("acme/auth")), 0);
    }

    void numericProjectIdIsResolvedToItsPath()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.scope.insert(QStringLiteral("projects"), QStringList{QStringLiteral("101")});
        f.config.bindings = {
            binding(QStringLiteral("auth"), QStringLiteral("prod"), QStringLiteral("101"))};
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QVERIFY(f.sink.environments.contains(QStringLiteral("auth/prod")));
        QCOMPARE(f.sink.environments.value(QStringLiteral("auth/prod")).object,
                 QStringLiteral("acme/auth"));
    }

    void keysetRefusalFallsBackToOffsetPaging()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("runDepth"), 150); // more than one page
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= 3, 10000);
        QVERIFY(f.backend->statistics().value(QStringLiteral("keysetFallback")).toBool());
        int keyset = 0, refused = 0;
        for (const auto &r : f.sb->requests(QStringLiteral("gitlab"))) {
            if (r.path.contains(QLatin1String("pagination=keyset"))) {
                ++keyset;
                refused += r.status == 405;
            }
        }
        // Asked once per project in the first poll (both went out before the first refusal
        // came back), never again on this connection.
        QCOMPARE(keyset, 2);
        QCOMPARE(refused, 2);
        QVERIFY(f.sink.environments.contains(QStringLiteral("auth/prod")));
        int authRuns = 0;
        for (const Run &r : std::as_const(f.sink.runs))
            authRuns += r.service == QLatin1String("auth");
        QVERIFY(authRuns > 10);
        QCOMPARE(f.sink.problemsAt(QStringLiteral("pipelines")), 0);
    }

    void pagingPastTenThousandWithoutTotals()
    {
        Fixture f;
        QVERIFY(f.startSandbox(QStringLiteral("scale:1000"))); // 12,000 pipelines in acme/monorepo
        f.config.scope.insert(QStringLiteral("projects"),
                              QStringList{QStringLiteral("acme/monorepo")});
        f.config.bindings = {
            binding(QStringLiteral("monorepo"), {}, QStringLiteral("acme/monorepo"))};
        f.config.options.insert(QStringLiteral("runDepth"), 250);
        f.config.options.insert(QStringLiteral("jobsDepth"), 0);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 30000);
        QCOMPARE(fd::toString(f.sink.health.state), fd::toString(ConnectionHealth::State::Ok));
        QCOMPARE(int(f.sink.runs.size()), 250);
        int offsetPages = 0;
        for (const auto &r : f.sb->requests(QStringLiteral("gitlab")))
            offsetPages += r.path.contains(QLatin1String("/pipelines?")) &&
                           !r.path.contains(QLatin1String("keyset")) && r.status == 200;
        QVERIFY(offsetPages >= 3);
    }

    void malformedBodiesKeepTheLastGoodState()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("requestTimeoutMs"), 800);
        f.config.options.insert(QStringLiteral("maxAttempts"), 1);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const auto envs = f.sink.environments;
        const int runs = int(f.sink.runs.size());
        f.sb->setFaults({fault(QStringLiteral("gitlab:malformed"))});
        // The sandbox cuts bodies in half; the cut body either arrives (unreadable JSON: a
        // problem naming the place) or, when the length header still promises the whole body,
        // never completes (a timeout: degraded). Either way the last good state stays.
        const auto saidSomething = [&] {
            for (const auto &p : f.sink.problems)
                if (p.message.contains(QLatin1String("unreadable answer")))
                    return true;
            return f.sink.health.state == ConnectionHealth::State::Degraded;
        };
        QTRY_VERIFY_WITH_TIMEOUT(saidSomething(), 10000);
        QCOMPARE(int(f.sink.runs.size()), runs);
        QCOMPARE(f.sink.environments.keys().size(), envs.keys().size());
        QCOMPARE(f.sink.environments.value(QStringLiteral("auth/prod")).commit,
                 envs.value(QStringLiteral("auth/prod")).commit);
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 10000);
    }

    void serverErrorsDegradeKeepStateAndBackOff()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        f.config.options.insert(QStringLiteral("maxAttempts"), 2);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const int runs = int(f.sink.runs.size());
        f.sb->setFaults({fault(QStringLiteral("gitlab:5xx"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Degraded), 15000);
        QVERIFY(f.sink.health.reason.contains(QLatin1String("last good state")));
        QCOMPARE(int(f.sink.runs.size()), runs);
        QVERIFY(f.backend->statistics().value(QStringLiteral("retries")).toLongLong() > 0);
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 15000);
    }

    void slowResponsesTimeOutAndKeepState()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        // The timeout is well above a loaded 2-core machine's answer time and well below the
        // injected latency, so only the fault makes requests time out.
        f.config.options.insert(QStringLiteral("requestTimeoutMs"), 1500);
        f.config.options.insert(QStringLiteral("maxAttempts"), 1);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const int runs = int(f.sink.runs.size());
        f.sb->setFaults({fault(QStringLiteral("gitlab:latency:5s"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Degraded), 15000);
        QVERIFY(f.sink.health.reason.contains(QLatin1String("timed out")));
        QCOMPARE(int(f.sink.runs.size()), runs);
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 15000);
    }

    void rateLimitPausesPolling()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const int runs = int(f.sink.runs.size());
        f.sb->setFaults({fault(QStringLiteral("gitlab:rate-limit"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::RateLimited), 10000);
        QVERIFY(f.sink.health.rateLimitedUntil > QDateTime::currentDateTimeUtc());
        QCOMPARE(int(f.sink.runs.size()), runs);
        // Paused: while the server's wait lasts, no further request goes out.
        const int sent = int(f.sb->requests(QStringLiteral("gitlab")).size());
        QTest::qWait(500);
        QVERIFY(int(f.sb->requests(QStringLiteral("gitlab")).size()) <= sent + 1);
    }

    void mutationIsNotSentWhenThePreconditionCannotBeRead()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const ActionPlan plan =
            f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"), QStringLiteral("dev"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        f.backend->stop(); // no polls in the way of the request log
        f.sb->setFaults({fault(QStringLiteral("gitlab:5xx"))});
        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 15000);
        QVERIFY(!f.sink.results.value(ticket).ok);
        // Every precondition read failed: the retry was never sent at all.
        QCOMPARE(f.mutations().size(), 0);
        f.sb->setFaults({});
        f.sb->clearRequests();
        const quint64 ok = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ok), 15000);
        QVERIFY2(f.sink.results.value(ok).ok, qPrintable(f.sink.results.value(ok).message));
        QCOMPARE(f.mutations().size(), 1);
    }

    void rateLimitWithoutRetryAfterWaitsForRateLimitReset()
    {
        Fixture f;
        QVERIFY(f.startSandbox(QStringLiteral("demo"), 0));
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const int runs = int(f.sink.runs.size());
        // Not right before a minute turns, so the reset the test expects is the one met.
        while (f.sb->clock().nowMs() % 60000 > 52000)
            QTest::qWait(200);
        const qint64 faultAt = QDateTime::currentMSecsSinceEpoch();
        f.sb->setFaults({fault(QStringLiteral("gitlab:rate-limit-noretry"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::RateLimited), 5000);
        const qint64 limitedAt = QDateTime::currentMSecsSinceEpoch();
        // No Retry-After, but RateLimit-Reset (Unix time of the next minute): wait until then.
        const qint64 reset = (f.sb->clock().nowMs() / 60000 + 1) * 60000;
        const qint64 until = f.sink.health.rateLimitedUntil.toMSecsSinceEpoch();
        QVERIFY2(std::abs(until - reset) <= 2000,
                 qPrintable(QStringLiteral("until %1, reset %2").arg(until).arg(reset)));
        QCOMPARE(int(f.sink.runs.size()), runs);
        QTest::qWait(3000);
        // Only what was already in flight when the first 429 came back (at most six), plus one
        // probe if the minute turned meanwhile.
        const auto during = f.apiRequests(faultAt);
        qInfo("429 with RateLimit-Reset: %d requests in the 3 s after the fault",
              int(during.size()));
        QVERIFY2(during.size() <= 8, qPrintable(describe(during)));
        QVERIFY(limitedAt >= faultAt);
        QCOMPARE(int(f.sink.runs.size()), runs);
    }

    void rateLimitWithNoHeadersAtAllBacksOffOnItsOwn()
    {
        Fixture f;
        QVERIFY(f.startSandbox(QStringLiteral("demo"), 0));
        f.config.options.insert(QStringLiteral("rateLimitBackoffMs"), 1000);
        f.config.options.insert(QStringLiteral("maxBackoffMs"), 4000);
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        const auto envs = f.sink.environments;
        QCOMPARE(f.control(QStringLiteral("/_sandbox/gitlab/rate-limit-headers?on=0")), 200);
        const qint64 faultAt = QDateTime::currentMSecsSinceEpoch();
        f.sb->setFaults({fault(QStringLiteral("gitlab:rate-limit-noretry"))});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::RateLimited), 10000);
        const qint64 limitedAt = QDateTime::currentMSecsSinceEpoch();
        // Its own wait: full jitter under the ceiling (1 s doubling, capped at 4 s), 1 s floor.
        const qint64 wait = f.sink.health.rateLimitedUntil.toMSecsSinceEpoch() - limitedAt;
        QVERIFY2(wait > 0 && wait <= 4200, qPrintable(QString::number(wait)));
        QVERIFY(f.sink.health.reason.contains(QLatin1String("429")));
        QTest::qWait(6000);
        // No storm: the burst in flight when the first 429 came back, then one probe per
        // backoff (each at least a second apart).
        const auto during = f.apiRequests(faultAt);
        qInfo("bare 429: %d requests in the 6 s after the fault", int(during.size()));
        QVERIFY2(during.size() <= 6 + 7, qPrintable(describe(during)));
        const auto probes = f.apiRequests(limitedAt + 500);
        for (int i = 1; i < probes.size(); ++i)
            QVERIFY2(probes.at(i).realTimeMs - probes.at(i - 1).realTimeMs >= 900,
                     qPrintable(QStringLiteral("probes %1 ms apart")
                                    .arg(probes.at(i).realTimeMs - probes.at(i - 1).realTimeMs)));
        for (const auto &r : during)
            QCOMPARE(r.status, 429);
        QCOMPARE(f.sink.environments.keys().size(), envs.keys().size());
        QVERIFY(f.backend->statistics().value(QStringLiteral("throttled")).toLongLong() >= 1);
        // The limiter lets go: the next probe gets through and polling resumes.
        f.sb->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(fd::toString(f.sink.health.state),
                                  fd::toString(ConnectionHealth::State::Ok), 10000);
    }

    void firstPollIsPacedAndReadsEnvironmentsFirst()
    {
        Fixture f;
        QVERIFY(f.startSandbox(QStringLiteral("demo"), 0));
        // Eight requests a minute: far less than the first poll of two projects needs.
        f.config.options.insert(QStringLiteral("requestsPerMinute"), 8);
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(f.startBackend(m_factory));
        QTRY_VERIFY_WITH_TIMEOUT(f.apiRequests(0).size() >= 8, 10000);
        QTest::qWait(2500);
        const auto sent = f.apiRequests(0);
        QCOMPARE(sent.size(), 8);
        QCOMPARE(f.sink.initialSyncs, 0); // the poll goes on in the next minute
        const QVariantMap stats = f.backend->statistics();
        QCOMPARE(stats.value(QStringLiteral("budgetPerMinute")).toInt(), 8);
        QCOMPARE(stats.value(QStringLiteral("learnedLimit")).toInt(), 2000);
        QVERIFY(stats.value(QStringLiteral("pacedWaits")).toLongLong() >= 1);
        // What runs where and what waits for a human come first: deployments, environments and
        // what runs in each, before pipelines, approval rules or jobs.
        int deployments = 0, environments = 0, details = 0;
        for (const auto &r : sent) {
            QVERIFY2(!r.path.contains(QLatin1String("/jobs")), qPrintable(r.path));
            QVERIFY2(!r.path.contains(QLatin1String("/pipelines")), qPrintable(r.path));
            QVERIFY2(!r.path.contains(QLatin1String("/protected_environments")),
                     qPrintable(r.path));
            deployments += r.path.contains(QLatin1String("/deployments"));
            environments += r.path.contains(QLatin1String("/environments?"));
            details += r.path.contains(QLatin1String("/environments/"));
        }
        QCOMPARE(deployments, 2);
        QCOMPARE(environments, 2);
        QCOMPARE(details, 3);
        // ... and are shown while the rest waits for the budget.
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.environments.contains(QStringLiteral("auth/staging")),
                                 5000);
        QVERIFY(QDateTime::currentMSecsSinceEpoch() - started < 60000);
        QCOMPARE(int(f.apiRequests(0).size()), 8); // still within the budget
        QVERIFY(f.sink.health.state !=
                ConnectionHealth::State::RateLimited); // paced, not throttled
    }

    void steadyPollsAskOnlyForChangedDeployments()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= 3, 15000);
        f.sb->clearRequests();
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= 5, 15000);
        int delta = 0, whole = 0;
        for (const auto &r : f.apiRequests(0)) {
            if (!r.path.contains(QLatin1String("/deployments?")))
                continue;
            if (r.path.contains(QLatin1String("updated_after=")))
                ++delta;
            else
                ++whole;
            QVERIFY2(r.path.contains(QLatin1String("updated_after=")) ||
                         !r.path.contains(QLatin1String("order_by=updated_at")),
                     qPrintable(r.path));
        }
        QVERIFY(delta >= 2);
        QVERIFY2(whole <= 1, qPrintable(QString::number(whole)));
        // A deployment that changes is still seen: roll auth's staging back and watch it land.
        const ActionPlan plan = f.plan(ReleaseAction::Verb::Rollback, QStringLiteral("auth"),
                                       QStringLiteral("staging"));
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        const QString target = plan.context.value(QStringLiteral("rollbackSha")).toString();
        const quint64 ticket = f.backend->execute(plan);
        QTRY_VERIFY_WITH_TIMEOUT(f.sink.results.contains(ticket), 15000);
        QVERIFY2(f.sink.results.value(ticket).ok, qPrintable(f.sink.results.value(ticket).message));
        f.sb->advance(2 * 60000);
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.environments.value(QStringLiteral("auth/staging")).commit,
                                  target, 15000);
    }

    void unknownStatusesKeepTheLastGoodStateAndSaySo()
    {
        Fixture f;
        QVERIFY(f.startSandbox());
        QVERIFY(f.startBackend(m_factory));
        QTRY_COMPARE_WITH_TIMEOUT(f.sink.initialSyncs, 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= 2, 15000);
        const auto envs = f.sink.environments;
        const auto runs = f.sink.runs;
        const auto deployments = f.sink.deployments;
        const QString project = QStringLiteral("/api/v4/projects/acme%2Fauth");
        const QJsonObject dep =
            f.api(project + QStringLiteral("/deployments?environment=staging&status=success"
                                           "&order_by=id&sort=desc&per_page=1"))
                .toArray()
                .first()
                .toObject();
        const QJsonObject pipeline =
            f.api(project + QStringLiteral("/pipelines?per_page=1")).toArray().first().toObject();
        const QString depId = QString::number(dep.value(u"id").toInt());
        const QString runId = QString::number(pipeline.value(u"id").toInt());
        QVERIFY(deployments.contains(depId));
        QVERIFY(runs.contains(runId));
        QCOMPARE(f.control(QStringLiteral("/_sandbox/gitlab/status?kind=deployment&id=%1"
                                          "&status=teleporting")
                               .arg(depId)),
                 200);
        QCOMPARE(f.control(QStringLiteral("/_sandbox/gitlab/status?kind=pipeline&id=%1"
                                          "&status=exploded")
                               .arg(runId)),
                 200);
        const auto said = [&](const QString &what) {
            for (const auto &p : f.sink.problems)
                if (p.message.contains(QStringLiteral("unknown status '%1'").arg(what)))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(said(QStringLiteral("teleporting")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(said(QStringLiteral("exploded")), 10000);
        const qint64 polled = f.polls();
        QTRY_VERIFY_WITH_TIMEOUT(f.polls() >= polled + 2, 10000);
        // Both records stay as last read, and nothing else of the estate moved.
        QVERIFY(f.sink.deployments.contains(depId));
        QCOMPARE(fd::toString(f.sink.deployments.value(depId).status),
                 fd::toString(deployments.value(depId).status));
        QVERIFY(f.sink.runs.contains(runId));
        QCOMPARE(fd::toString(f.sink.runs.value(runId).status),
                 fd::toString(runs.value(runId).status));
        QCOMPARE(f.sink.runs.keys().size(), runs.keys().size());
        QCOMPARE(f.sink.deployments.keys().size(), deployments.keys().size());
        for (auto it = envs.cbegin(); it != envs.cend(); ++it)
            QCOMPARE(f.sink.environments.value(it.key()).commit, it->commit);
        QVERIFY(f.sink.health.state != ConnectionHealth::State::AuthFailed);
        for (const auto &p : f.sink.problems)
            if (p.message.contains(QLatin1String("unknown status")))
                QVERIFY2(p.where.contains(QLatin1String("acme/auth")), qPrintable(p.where));
    }
};

QTEST_GUILESS_MAIN(TestGitLabPlugin)
#include "tst_gitlabplugin.moc"
