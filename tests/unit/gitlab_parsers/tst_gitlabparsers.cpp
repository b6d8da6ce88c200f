// The GitLab plugin's parsers, records and planner, without I/O: against the reference
// examples transcribed from the GitLab API docs (tests/data/gitlab) and against
// fixtures beside this test for what the examples do not show (blocked deployments with
// approval rules, unknown statuses, truncated bodies).

#include "gitlabpacer.h"
#include "gitlabplanner.h"
#include "gitlabrecords.h"
#include "gitlabwire.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <QTest>

using namespace fd;
using namespace fd::gitlab;

namespace {

QByteArray reference(const QString &name)
{
    QFile f(QStringLiteral(FD_TEST_DATA_DIR "/gitlab/docs-examples/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read reference example %s", qPrintable(name));
    return f.readAll();
}

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(FD_FIXTURES "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", qPrintable(name));
    return f.readAll();
}

ConnectionConfig authConfig()
{
    ConnectionConfig c;
    c.id = QStringLiteral("gl");
    c.kind = QStringLiteral("gitlab");
    c.baseUrl = QUrl(QStringLiteral("https://gitlab.example.com"));
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    c.scope.insert(QStringLiteral("projects"), QVariantList{QStringLiteral("acme/auth")});
    ServiceBinding b;
    b.service = QStringLiteral("auth");
    b.environment = QStringLiteral("prod");
    b.object = QStringLiteral("acme/auth");
    b.options.insert(QStringLiteral("environment"), QStringLiteral("production"));
    c.bindings.append(b);
    return c;
}

ProjectSnapshot authSnapshot()
{
    ProjectSnapshot s;
    s.ref = QStringLiteral("acme/auth");
    s.path = s.ref;
    s.deployments = parseDeployments(fixture(QStringLiteral("deployments-blocked.json"))).items;
    WireEnvironment e;
    e.id = 9;
    e.name = QStringLiteral("production");
    s.environments.append(e);
    s.protectedEnvironments =
        parseProtectedEnvironments(fixture(QStringLiteral("protected-with-rules.json"))).items;
    return s;
}

} // namespace

class TestGitLabParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void statusMapping_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("run");
        QTest::addColumn<int>("deploy"); // -1: not a deployment status
        QTest::newRow("created") << "created" << int(RunStatus::Queued)
                                 << int(DeployStatus::Created);
        QTest::newRow("waiting_for_resource")
            << "waiting_for_resource" << int(RunStatus::Queued) << -1;
        QTest::newRow("preparing") << "preparing" << int(RunStatus::Queued) << -1;
        QTest::newRow("pending") << "pending" << int(RunStatus::Queued) << -1;
        QTest::newRow("scheduled") << "scheduled" << int(RunStatus::Queued) << -1;
        QTest::newRow("running") << "running" << int(RunStatus::Running)
                                 << int(DeployStatus::Running);
        QTest::newRow("manual") << "manual" << int(RunStatus::Waiting) << -1;
        QTest::newRow("success") << "success" << int(RunStatus::Succeeded)
                                 << int(DeployStatus::Succeeded);
        QTest::newRow("failed") << "failed" << int(RunStatus::Failed) << int(DeployStatus::Failed);
        QTest::newRow("canceled") << "canceled" << int(RunStatus::Cancelled)
                                  << int(DeployStatus::Cancelled);
        QTest::newRow("skipped") << "skipped" << int(RunStatus::Skipped)
                                 << int(DeployStatus::Cancelled);
        QTest::newRow("blocked") << "blocked" << -1 << int(DeployStatus::Blocked);
        QTest::newRow("unknown") << "exploded" << -1 << -1;
    }

    void statusMapping()
    {
        QFETCH(QString, status);
        QFETCH(int, run);
        QFETCH(int, deploy);
        const auto r = mapRunStatus(status);
        QCOMPARE(r.has_value(), run >= 0);
        if (r)
            QCOMPARE(int(*r), run);
        const auto d = mapDeploymentStatus(status);
        QCOMPARE(d.has_value(), deploy >= 0);
        if (d)
            QCOMPARE(int(*d), deploy);
    }

    void referencePipelines()
    {
        const auto list = parsePipelines(reference(QStringLiteral("pipelines.list.json")));
        QVERIFY(list.bodyOk);
        QVERIFY(list.errors.isEmpty());
        QCOMPARE(list.items.size(), 2);
        QCOMPARE(list.items.at(0).id, 47);
        QCOMPARE(list.items.at(0).iid, 12);
        QCOMPARE(fd::toString(list.items.at(0).mapped), fd::toString(RunStatus::Queued));
        QCOMPARE(list.items.at(1).source, QStringLiteral("web"));
        QCOMPARE(list.items.at(1).created,
                 QDateTime(QDate(2016, 8, 12), QTime(10, 6, 4, 561), Qt::UTC));

        QString error;
        const auto one = parsePipeline(reference(QStringLiteral("pipeline.get.json")), &error);
        QVERIFY2(one, qPrintable(error));
        QCOMPARE(one->id, 287);
        QCOMPARE(one->user, QStringLiteral("root"));
        QCOMPARE(fd::toString(one->mapped), fd::toString(RunStatus::Succeeded));
        QCOMPARE(one->started, QDateTime(QDate(2022, 9, 21), QTime(1, 5, 14, 197), Qt::UTC));
        QVERIFY(one->finished.isValid());
        QVERIFY(parsePipeline(reference(QStringLiteral("pipeline.cancel.json")), &error));
        QCOMPARE(
            fd::toString(
                parsePipeline(reference(QStringLiteral("pipeline.retry.json")), &error)->mapped),
            fd::toString(RunStatus::Queued));
    }

    void referenceJobs()
    {
        const auto jobs = parseJobs(reference(QStringLiteral("pipeline-jobs.list.json")));
        QVERIFY(jobs.bodyOk);
        QVERIFY(jobs.errors.isEmpty());
        QCOMPARE(jobs.items.size(), 2);
        const WireJob &j = jobs.items.first();
        QCOMPARE(j.id, 6);
        QCOMPARE(j.stage, QStringLiteral("test"));
        QCOMPARE(fd::toString(j.mapped), fd::toString(RunStatus::Failed));
        QCOMPARE(j.durationMs, 192);
        QCOMPARE(j.pipelineId, 6);
        QCOMPARE(j.sha, QStringLiteral("0ff3ae198f8601a285adcf5c0fff204ee6fba5fd"));
        QCOMPARE(j.user, QStringLiteral("root"));
        QCOMPARE(j.failureReason, QStringLiteral("stuck_or_timeout_failure"));
        QVERIFY(!j.manual);
    }

    void referenceEnvironments()
    {
        const auto list = parseEnvironments(reference(QStringLiteral("environments.list.json")));
        QVERIFY(list.bodyOk);
        QCOMPARE(list.items.size(), 1);
        QVERIFY(!list.items.first().detailed); // the list carries no last_deployment

        QString error;
        const auto env =
            parseEnvironment(reference(QStringLiteral("environment.get.json")), &error);
        QVERIFY2(env, qPrintable(error));
        QVERIFY(env->detailed);
        QCOMPARE(env->name, QStringLiteral("review/fix-foo"));
        QVERIFY(env->lastDeployment);
        QCOMPARE(env->lastDeployment->id, 100);
        QCOMPARE(env->lastDeployment->sha,
                 QStringLiteral("416d8ea11849050d3d1f5104cf8cf51053e790ab"));
        QCOMPARE(env->lastDeployment->jobId, 710);
        QCOMPARE(env->lastDeployment->pipelineId, 34);
        QCOMPARE(env->lastDeployment->user, QStringLiteral("root"));
        QCOMPARE(fd::toString(env->lastDeployment->mapped), fd::toString(DeployStatus::Succeeded));
        // finished_at is absent on last_deployment; the deployable's says when it finished.
        QCOMPARE(env->lastDeployment->finished,
                 QDateTime(QDate(2019, 3, 25), QTime(18, 55, 13, 216), Qt::UTC));
        QVERIFY(parseEnvironment(reference(QStringLiteral("environment.stop.json")), &error));
    }

    void referenceDeploymentAndApprovals()
    {
        QString error;
        const auto d = parseDeployment(reference(QStringLiteral("deployment.get.json")), &error);
        QVERIFY2(d, qPrintable(error));
        QCOMPARE(d->id, 42);
        QCOMPARE(d->environment, QStringLiteral("production"));
        QCOMPARE(d->jobId, 664);
        QCOMPARE(d->pipelineId, 42);
        QCOMPARE(d->pendingApprovalCount, -1); // not Premium: the server did not say

        const auto approvals = parseDeployment(
            reference(QStringLiteral("deployment.approvals-fragment.json")), &error);
        QVERIFY(!approvals); // a fragment has no id: refused, with the field named
        QCOMPARE(error, QStringLiteral("id: missing"));

        const auto approval =
            parseApproval(reference(QStringLiteral("deployment.approval.post.json")), &error);
        QVERIFY2(approval, qPrintable(error));
        QCOMPARE(approval->status, QStringLiteral("approved"));
        QCOMPARE(approval->user, QStringLiteral("security-user-1"));
        QCOMPARE(approval->comment, QStringLiteral("Looks good to me"));
    }

    void referenceProtectedEnvironments()
    {
        const auto list = parseProtectedEnvironments(
            reference(QStringLiteral("protected_environments.list.json")));
        QVERIFY(list.bodyOk);
        QCOMPARE(list.items.size(), 1);
        QCOMPARE(list.items.first().deployers, QStringList{QStringLiteral("Maintainers")});
        QCOMPARE(list.items.first().requiredApprovals, 0);

        const auto rules =
            parseProtectedEnvironments(fixture(QStringLiteral("protected-with-rules.json")));
        QCOMPARE(rules.items.first().requiredApprovals, 2);
        QCOMPARE(rules.items.first().rules.first().groupId, 134);
        QCOMPARE(rules.items.first().rules.first().description, QStringLiteral("qa-group"));
    }

    void unknownStatusRejectsTheItemAndNamesThePlace()
    {
        const auto parsed =
            parsePipelines(fixture(QStringLiteral("pipelines-unknown-status.json")));
        QVERIFY(parsed.bodyOk);
        QCOMPARE(parsed.items.size(), 1);
        QCOMPARE(parsed.errors.size(), 2);
        QCOMPARE(parsed.errors.at(0),
                 QStringLiteral("[1].status: unknown status 'exploded' (pipeline 49)"));
        QCOMPARE(parsed.errors.at(1), QStringLiteral("[2].id: missing"));
        QCOMPARE(parsed.rejectedIds, QList<qint64>{49}); // its last good state is kept

        // A status that looks like a placeholder is quoted as sent, not filled in.
        QJsonObject pipeline =
            QJsonDocument::fromJson(fixture(QStringLiteral("pipelines-unknown-status.json")))
                .array()
                .at(0)
                .toObject();
        pipeline.insert(QStringLiteral("id"), 7);
        pipeline.insert(QStringLiteral("status"), QStringLiteral("%2"));
        const auto odd =
            parsePipelines(QJsonDocument(QJsonArray{pipeline}).toJson(QJsonDocument::Compact));
        QCOMPARE(odd.errors.size(), 1);
        QCOMPARE(odd.errors.at(0), QStringLiteral("[0].status: unknown status '%2' (pipeline 7)"));
    }

    void malformedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated") << fixture(QStringLiteral("truncated.json"));
        QTest::newRow("object, not array")
            << QByteArray("{\"message\":\"500 Internal Server Error\"}");
        QTest::newRow("html") << QByteArray("<html><body>502</body></html>");
        QTest::newRow("empty") << QByteArray();
    }

    void malformedBodies()
    {
        QFETCH(QByteArray, body);
        const auto pipelines = parsePipelines(body);
        QVERIFY(!pipelines.bodyOk);
        QVERIFY(!pipelines.errors.isEmpty());
        QVERIFY(pipelines.errors.first().startsWith(QLatin1String("body:")));
        QVERIFY(!parseDeployments(body).bodyOk);
        QVERIFY(!parseJobs(body).bodyOk);
        QString error;
        QVERIFY(!parseEnvironment(body, &error));
        QVERIFY(!error.isEmpty());
    }

    void errorMessages_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("message") << QByteArray("{\"message\":\"404 Project Not Found\"}")
                                 << "404 Project Not Found";
        QTest::newRow("validation")
            << QByteArray("{\"message\":{\"base\":[\"Reference not found\"]}}")
            << "base: Reference not found";
        QTest::newRow("grape") << QByteArray("{\"error\":\"Keyset pagination is not yet available "
                                             "for this type of request\"}")
                               << "Keyset pagination is not yet available for this type of request";
        QTest::newRow("rack attack") << QByteArray("Retry later\n") << "Retry later";
        QTest::newRow("html") << QByteArray("<html>oops</html>") << "";
    }

    void errorMessages()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(errorMessage(body), message);
    }

    void projectEncoding()
    {
        QCOMPARE(encodeProject(QStringLiteral("acme/auth")), QStringLiteral("acme%2Fauth"));
        QCOMPARE(encodeProject(QStringLiteral("group/sub/project")),
                 QStringLiteral("group%2Fsub%2Fproject"));
        QCOMPARE(encodeProject(QStringLiteral("101")), QStringLiteral("101"));
    }

    void recordsFromASnapshot()
    {
        const GitLabMapping mapping(authConfig());
        QCOMPARE(mapping.projects(), QStringList{QStringLiteral("acme/auth")});
        QCOMPARE(mapping.environmentFor(QStringLiteral("acme/auth"), QStringLiteral("production")),
                 QStringLiteral("prod"));
        QCOMPARE(mapping.environmentFor(QStringLiteral("acme/auth"), QStringLiteral("review/x")),
                 QString());
        const RecordSet rs = buildRecords(mapping, authSnapshot(), 5);
        QCOMPARE(rs.deployments.size(), 3);
        QCOMPARE(rs.deployments.at(1).version,
                 QStringLiteral("v1.2.0")); // a tag deploy names the tag
        QCOMPARE(rs.deployments.at(2).version, QStringLiteral("44444444"));
        QCOMPARE(rs.environments.size(), 1);
        const EnvironmentState st = rs.environments.first();
        QCOMPARE(st.environment, QStringLiteral("prod"));
        QCOMPARE(st.service, QStringLiteral("auth"));
        QCOMPARE(st.version, QStringLiteral("v1.2.0"));
        QCOMPARE(st.deploymentId, QStringLiteral("11"));
        QCOMPARE(st.deployedBy, QStringLiteral("release-approver"));
        QCOMPARE(fd::toString(st.sync),
                 fd::toString(SyncState::OutOfSync)); // a newer deployment waits
        QVERIFY(st.healthMessage.contains(QLatin1String("waits for approval")));
        QCOMPARE(rs.gates.size(), 1);
        const Gate g = rs.gates.first();
        QCOMPARE(g.id, QStringLiteral("deployment/12"));
        QCOMPARE(g.details.value(QStringLiteral("deploymentId")).toLongLong(), 12);
        QCOMPARE(g.details.value(QStringLiteral("jobId")).toLongLong(), 300);
        QCOMPARE(g.details.value(QStringLiteral("requiredApprovals")).toInt(),
                 2); // protected env says 2
        QCOMPARE(g.approvers, QStringList{QStringLiteral("Release Approver")});
        QVERIFY(!g.currentUserCanApprove); // user 5; the rule names user 2
        QVERIFY(buildRecords(mapping, authSnapshot(), 2).gates.first().currentUserCanApprove);
        int granted = 0, blocked = 0;
        for (const TimelineEvent &e : rs.events) {
            granted += e.kind == TimelineEvent::Kind::ApprovalGranted;
            blocked += e.kind == TimelineEvent::Kind::DeployBlocked;
            QVERIFY(e.sourceId.startsWith(QLatin1String("gitlab:gl:")));
        }
        QCOMPARE(granted, 1);
        QCOMPARE(blocked, 1);
    }

    void stagesGroupJobsInOrder()
    {
        const GitLabMapping mapping(authConfig());
        ProjectSnapshot s = authSnapshot();
        s.pipelines =
            parsePipelines(fixture(QStringLiteral("pipelines-unknown-status.json"))).items;
        s.jobs.insert(50, parseJobs(reference(QStringLiteral("pipeline-jobs.list.json"))).items);
        const RecordSet rs = buildRecords(mapping, s);
        QCOMPARE(rs.runs.size(), 1);
        const Run r = rs.runs.first();
        QCOMPARE(r.id, QStringLiteral("50"));
        QCOMPARE(r.number, QStringLiteral("3"));
        QCOMPARE(r.service, QStringLiteral("auth"));
        QCOMPARE(r.stages.size(), 1);
        QCOMPARE(r.stages.first().name, QStringLiteral("test"));
        QCOMPARE(fd::toString(r.stages.first().status), fd::toString(RunStatus::Failed));
        QCOMPARE(r.stages.first().steps.size(), 2);
        QCOMPARE(r.stages.first().steps.first().name,
                 QStringLiteral("rspec:other")); // lower id first
        QCOMPARE(r.stages.first().steps.first().id, QStringLiteral("6"));
        QCOMPARE(r.actor, QStringLiteral("root"));
    }

    void plans()
    {
        const GitLabMapping mapping(authConfig());
        PlanningState st;
        st.mapping = &mapping;
        st.userId = 5;
        st.projects.insert(QStringLiteral("acme/auth"), authSnapshot());
        ReleaseAction a;
        a.connectionId = QStringLiteral("gl");
        a.service = QStringLiteral("auth");
        a.environment = QStringLiteral("prod");

        a.verb = ReleaseAction::Verb::Promote;
        ActionPlan p = planAction(a, st);
        QVERIFY2(p.feasible, qPrintable(p.blockedReason));
        QCOMPARE(p.requests.size(), 2);
        QCOMPARE(p.requests.at(0).path,
                 QStringLiteral("/api/v4/projects/acme%2Fauth/deployments/12/approval"));
        QCOMPARE(p.requests.at(1).path,
                 QStringLiteral("/api/v4/projects/acme%2Fauth/jobs/300/play"));
        QCOMPARE(p.preconditions.size(), 2);
        QCOMPARE(checksBefore(p, 0), (QList<int>{0, 1}));
        QCOMPARE(checksBefore(p, 1), QList<int>{1}); // after approving, only "job still manual"
        QCOMPARE(p.warnings.size(), 1);              // the rule names user 2, we are 5
        QVERIFY(p.warnings.first().contains(QLatin1String("403")));

        a.verb = ReleaseAction::Verb::Rollback;
        p = planAction(a, st);
        QVERIFY2(p.feasible, qPrintable(p.blockedReason));
        QCOMPARE(p.requests.size(), 1);
        QCOMPARE(p.requests.first().method, QByteArray("POST"));
        QCOMPARE(p.requests.first().path,
                 QStringLiteral("/api/v4/projects/acme%2Fauth/jobs/280/retry"));
        QCOMPARE(p.summary,
                 QStringLiteral("Roll back auth in prod from v1.2.0 to 44444444: retry job 280 "
                                "of previous deployment #2"));
        QCOMPARE(
            p.preconditions.first().path,
            QStringLiteral("/api/v4/projects/acme%2Fauth/"
                           "deployments?environment=production&order_by=id&sort=desc&per_page=1"));
        QCOMPARE(p.preconditions.first().expected, QStringLiteral("12"));
        QVERIFY(!p.warnings.isEmpty()); // the blocked deployment stays

        a.version = QStringLiteral("v1.0.0");
        QVERIFY(!planAction(a, st).feasible);
        a.version.clear();

        a.verb = ReleaseAction::Verb::Reject;
        a.service.clear();
        a.environment.clear();
        a.target = QStringLiteral("gl/deployment/12");
        p = planAction(a, st);
        QVERIFY2(p.feasible, qPrintable(p.blockedReason));
        QCOMPARE(p.requests.first().body,
                 QByteArray("{\"comment\":\"Rejected from Flightdeck\",\"status\":\"rejected\"}"));
        a.target = QStringLiteral("gl/deployment/11");
        QVERIFY(!planAction(a, st).feasible);

        a.verb = ReleaseAction::Verb::Resume;
        QVERIFY(!planAction(a, st).feasible);

        st.apiPrefix.clear(); // base URL already ends in /api/v4
        a.verb = ReleaseAction::Verb::Approve;
        a.target = QStringLiteral("deployment/12");
        QCOMPARE(planAction(a, st).requests.first().path,
                 QStringLiteral("/projects/acme%2Fauth/deployments/12/approval"));
    }

    void preconditionChecks_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("holds");
        QTest::newRow("blocked") << "deployment.status"
                                 << "blocked" << QByteArray("{\"id\":1,\"status\":\"blocked\"}")
                                 << true;
        QTest::newRow("no longer blocked")
            << "deployment.status"
            << "blocked" << QByteArray("{\"status\":\"created\"}") << false;
        QTest::newRow("job manual") << "job.status"
                                    << "manual" << QByteArray("{\"status\":\"manual\"}") << true;
        QTest::newRow("one of") << "pipeline.status"
                                << "failed|canceled" << QByteArray("{\"status\":\"canceled\"}")
                                << true;
        QTest::newRow("no status") << "job.status"
                                   << "manual" << QByteArray("{}") << false;
        QTest::newRow("newest id") << "deployments.newest_id"
                                   << "12" << QByteArray("[{\"id\":12},{\"id\":11}]") << true;
        QTest::newRow("newer exists") << "deployments.newest_id"
                                      << "12" << QByteArray("[{\"id\":13}]") << false;
        QTest::newRow("none") << "deployments.newest_id"
                              << "none" << QByteArray("[]") << true;
        QTest::newRow("garbage") << "deployments.newest_id"
                                 << "none" << QByteArray("{\"x\":") << false;
    }

    void preconditionChecks()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFETCH(QByteArray, body);
        QFETCH(bool, holds);
        QString found;
        QCOMPARE(preconditionHolds(
                     Precondition{QStringLiteral("x"), QStringLiteral("/p"), field, expected}, body,
                     &found),
                 holds);
        QVERIFY(!found.isEmpty());
    }

    // ---- the request pacer (times are made up; nothing waits) ----

    /// Sends as fast as the pacer lets it for @p spanMs and returns the send times.
    static QList<qint64> drive(RequestPacer &pacer, qint64 fromMs, qint64 spanMs, int wanted)
    {
        QList<qint64> times;
        qint64 now = fromMs;
        while (int(times.size()) < wanted && now < fromMs + spanMs) {
            const qint64 wait = pacer.delayMs(now);
            if (wait > 0) {
                now += wait;
                continue;
            }
            pacer.sent(now);
            times.append(now);
            now += 5; // a request every 5 ms when nothing holds it back
        }
        return times;
    }

    static int peakPerMinute(const QList<qint64> &times)
    {
        int peak = 0;
        for (int i = 0, j = 0; i < times.size(); ++i) {
            while (times.at(i) - times.at(j) >= 60000)
                ++j;
            peak = std::max(peak, i - j + 1);
        }
        return peak;
    }

    void pacerKeepsEveryMinuteUnderTheDefaultBudget()
    {
        RequestPacer pacer(PacerSettings{100, false});
        const QList<qint64> times = drive(pacer, 1'000'000, 10 * 60000, 450);
        QCOMPARE(times.size(), 450);
        QCOMPARE(peakPerMinute(times), 100);
        // 450 requests at 100 a minute: the last one goes out in the fifth minute.
        QVERIFY(times.last() - times.first() >= 4 * 60000);
        QVERIFY(times.last() - times.first() < 5 * 60000);
    }

    void pacerUsesEightyPercentOfTheStatedLimit()
    {
        RequestPacer pacer(PacerSettings{600, false});
        pacer.answered(1'000'000, 2000, 1999, 0, 0);
        QCOMPARE(pacer.budget(), 1600);
        QCOMPARE(pacer.learnedLimit(), 2000);
        // An explicit requestsPerMinute caps what the server allows.
        RequestPacer capped(PacerSettings{300, true});
        capped.answered(1'000'000, 2000, 1999, 0, 0);
        QCOMPARE(capped.budget(), 300);
        RequestPacer generous(PacerSettings{5000, true});
        generous.answered(1'000'000, 2000, 1999, 0, 0);
        QCOMPARE(generous.budget(), 1600);
    }

    void pacerKeepsAMarginOfWhatRemainsInTheServersWindow()
    {
        const qint64 t0 = 1'790'000'010'000; // 10 s into a server window ending at ..060'000
        const qint64 reset = 1'790'000'060'000;
        RequestPacer pacer(PacerSettings{600, false});
        // Someone else spent most of the token's quota: 500 of 2,000 remain.
        pacer.answered(t0, 2000, 500, reset, 0);
        QCOMPARE(pacer.allowance(t0), 400);
        // Answers that follow our own sends do not raise the allowance back up.
        for (int i = 0; i < 100; ++i)
            pacer.sent(t0 + i);
        pacer.answered(t0 + 200, 2000, 400, reset, 0);
        QCOMPARE(pacer.allowance(t0 + 200), 300);
        // ... but others spending faster lowers it.
        pacer.answered(t0 + 300, 2000, 100, reset, 3);
        QCOMPARE(pacer.allowance(t0 + 300), 77);
        const QList<qint64> times = drive(pacer, t0 + 400, 120000, 200);
        int inWindow = 0;
        for (const qint64 t : times)
            inWindow += t < reset;
        QCOMPARE(inWindow, 77);
        QVERIFY(times.size() == 200 && times.at(77) >= reset); // the rest waits for the reset
        // The next window starts fresh from the next answer.
        pacer.answered(reset + 1000, 2000, 1990, reset + 60000, 0);
        QCOMPARE(pacer.allowance(reset + 1000), 1592);
    }

    void pacerIgnoresAResetFromAnotherClock()
    {
        RequestPacer pacer(PacerSettings{600, false});
        // A reset long past (a server clock far behind ours) or hours ahead: one window from now.
        pacer.answered(5'000'000, 2000, 0, 1000, 0);
        QVERIFY(pacer.delayMs(5'000'000) > 0);
        QVERIFY(pacer.delayMs(5'000'000) <= 60000);
        QCOMPARE(pacer.delayMs(5'060'000), 0);
    }
};

QTEST_GUILESS_MAIN(TestGitLabParsers)
#include "tst_gitlabparsers.moc"
