// The GitHub plugin's parsers, workspace mapping and planner against the reference examples
// in tests/data/github/examples (copied from GitHub's OpenAPI description).

#include "githubmapping.h"
#include "githubplanner.h"
#include "githubwire.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace fd;
using namespace fd::github;

namespace {

QByteArray example(const char *name)
{
    QFile file(QStringLiteral(FD_TEST_DATA_DIR "/github/examples/") +
               QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read example %s", name);
    return file.readAll();
}

/// The example with one field of its first list item replaced.
QByteArray
patched(const char *name, const char *listKey, const char *field, const QJsonValue &value)
{
    QJsonDocument doc = QJsonDocument::fromJson(example(name));
    if (doc.isArray()) {
        QJsonArray list = doc.array();
        QJsonObject first = list.first().toObject();
        first.insert(QLatin1String(field), value);
        list.replace(0, first);
        return QJsonDocument(list).toJson();
    }
    QJsonObject root = doc.object();
    QJsonArray list = root.value(QLatin1String(listKey)).toArray();
    QJsonObject first = list.first().toObject();
    if (value.isUndefined())
        first.remove(QLatin1String(field));
    else
        first.insert(QLatin1String(field), value);
    list.replace(0, first);
    root.insert(QLatin1String(listKey), list);
    return QJsonDocument(root).toJson();
}

ConnectionConfig config()
{
    ConnectionConfig c;
    c.id = QStringLiteral("gh");
    c.kind = QStringLiteral("github");
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    ServiceBinding prod;
    prod.service = QStringLiteral("shop");
    prod.environment = QStringLiteral("prod");
    prod.object = QStringLiteral("octo/shop");
    prod.options = {{QStringLiteral("workflow"), QStringLiteral("deploy.yml")},
                    {QStringLiteral("environment"), QStringLiteral("production")}};
    c.bindings = {prod};
    c.scope.insert(QStringLiteral("repos"),
                   QStringList{QStringLiteral("octo/shop"), QStringLiteral("octo/tools")});
    return c;
}

WireDeployment deployment(qint64 id, const QString &version, const QString &sha, int minute)
{
    WireDeployment d;
    d.id = id;
    d.ref = version;
    d.sha = sha;
    d.environment = QStringLiteral("production");
    d.creator = QStringLiteral("octocat");
    d.created = QDateTime(QDate(2026, 1, 1), QTime(10, minute), Qt::UTC);
    d.updated = d.created;
    return d;
}

WireDeploymentStatus status(qint64 id, const QString &state, int minute)
{
    WireDeploymentStatus s;
    s.id = id;
    s.state = state;
    s.mapped = *mapDeploymentState(state);
    s.created = QDateTime(QDate(2026, 1, 1), QTime(10, minute), Qt::UTC);
    return s;
}

} // namespace

class TestGitHubWire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runStatusMapping_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("conclusion");
        QTest::addColumn<int>("expected"); // -1: unknown value
        const auto row = [](const char *s, const char *c, int e) {
            QTest::addRow("%s/%s", s, c) << QString::fromLatin1(s) << QString::fromLatin1(c) << e;
        };
        row("queued", "", int(RunStatus::Queued));
        row("requested", "", int(RunStatus::Queued));
        row("pending", "", int(RunStatus::Queued));
        row("in_progress", "", int(RunStatus::Running));
        row("waiting", "", int(RunStatus::Waiting));
        row("action_required", "", int(RunStatus::Waiting));
        row("completed", "success", int(RunStatus::Succeeded));
        row("completed", "neutral", int(RunStatus::Succeeded));
        row("completed", "failure", int(RunStatus::Failed));
        row("completed", "timed_out", int(RunStatus::Failed));
        row("completed", "startup_failure", int(RunStatus::Failed));
        row("completed", "cancelled", int(RunStatus::Cancelled));
        row("completed", "skipped", int(RunStatus::Skipped));
        row("completed", "stale", int(RunStatus::Skipped));
        row("completed", "action_required", int(RunStatus::Waiting));
        row("completed", "exploded", -1);
        row("teleporting", "", -1);
    }
    void runStatusMapping()
    {
        QFETCH(QString, status);
        QFETCH(QString, conclusion);
        QFETCH(int, expected);
        const auto mapped = mapRunStatus(status, conclusion);
        QCOMPARE(mapped ? int(*mapped) : -1, expected);
    }

    void runsFromTheReferenceExample()
    {
        const Parsed<WireRun> p = parseRuns(example("workflow-run-paginated.json"));
        QVERIFY2(p.errors.isEmpty(), qPrintable(p.errors.join(u';')));
        QCOMPARE(p.totalCount, 1);
        QCOMPARE(p.items.size(), 1);
        const WireRun &r = p.items.first();
        QCOMPARE(r.id, 30433642);
        QCOMPARE(r.name, QStringLiteral("Build"));
        QCOMPARE(r.workflowFile, QStringLiteral("build.yml")); // ".github/workflows/build.yml@main"
        QCOMPARE(r.runNumber, 562);
        QCOMPARE(fd::toString(r.mapped), fd::toString(RunStatus::Queued));
        QCOMPARE(r.actor, QStringLiteral("octocat"));
        QCOMPARE(r.headSha, QStringLiteral("acb5820ced9479c074f688cc328bf03f341a511d"));
        QCOMPARE(r.created, QDateTime(QDate(2020, 1, 22), QTime(19, 33, 8), Qt::UTC));
    }

    void unknownEnumRejectsTheItemAndNamesThePlace()
    {
        const Parsed<WireRun> p = parseRuns(patched("workflow-run-paginated.json", "workflow_runs",
                                                    "status", QStringLiteral("exploded")));
        QVERIFY(p.bodyOk);
        QVERIFY(p.items.isEmpty());
        QCOMPARE(p.errors.size(), 1);
        QVERIFY2(p.errors.first().startsWith(
                     QStringLiteral("workflow_runs[0].status: unknown value 'exploded'")),
                 qPrintable(p.errors.first()));
        QCOMPARE(p.rejectedIds, QList<qint64>{30433642});
    }

    void missingOptionalFieldsAreFine()
    {
        const QByteArray minimal =
            R"({"total_count":1,"workflow_runs":[{"id":7,"status":"completed","conclusion":"success"}]})";
        const Parsed<WireRun> p = parseRuns(minimal);
        QVERIFY(p.errors.isEmpty());
        QCOMPARE(p.items.size(), 1);
        QCOMPARE(fd::toString(p.items.first().mapped), fd::toString(RunStatus::Succeeded));
        QVERIFY(p.items.first().actor.isEmpty());
        QVERIFY(!p.items.first().started.isValid());
        // A missing id is not an item at all.
        const Parsed<WireRun> bad = parseRuns(R"({"workflow_runs":[{"status":"queued"}]})");
        QVERIFY(bad.items.isEmpty());
        QVERIFY(bad.errors.first().contains(QStringLiteral("workflow_runs[0].id")));
    }

    void malformedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        const QByteArray good = example("workflow-run-paginated.json");
        QTest::addRow("cut") << good.left(good.size() / 2) + "\x01{";
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("wrong shape") << QByteArray("[1,2,3]");
        QTest::addRow("html") << QByteArray("<html>502 Bad Gateway</html>");
    }
    void malformedBodies()
    {
        QFETCH(QByteArray, body);
        const Parsed<WireRun> p = parseRuns(body);
        QVERIFY(!p.bodyOk);
        QVERIFY(p.items.isEmpty());
        QVERIFY(!p.errors.isEmpty());
        QVERIFY(p.errors.first().startsWith(QStringLiteral("body:")));
    }

    void ownerRepositoryList()
    {
        // The fields Flightdeck reads of GitHub's "minimal-repository" list items.
        const Parsed<WireRepository> p = parseRepositories(R"([
            {"id": 1296269, "full_name": "acme/checkout", "archived": false, "disabled": false},
            {"id": 1296270, "full_name": "acme/old", "archived": true, "disabled": false},
            {"id": 1296271, "full_name": "acme/locked", "archived": false, "disabled": true},
            {"id": 1296272, "name": "no-full-name"},
            {"id": 1296273, "full_name": "acme/minimal"}
        ])");
        QVERIFY(p.bodyOk);
        QCOMPARE(p.items.size(), 4);
        QCOMPARE(p.items.at(0),
                 (WireRepository{1296269, QStringLiteral("acme/checkout"), false, false}));
        QVERIFY(p.items.at(1).archived);
        QVERIFY(p.items.at(2).disabled);
        QCOMPARE(p.items.at(3),
                 (WireRepository{1296273, QStringLiteral("acme/minimal"), false, false}));
        QCOMPARE(p.errors, QStringList{QStringLiteral("repositories[3].id/full_name: missing")});
        const Parsed<WireRepository> wrong = parseRepositories(R"({"repositories": []})");
        QVERIFY(!wrong.bodyOk);
        QVERIFY(wrong.errors.first().startsWith(QStringLiteral("body:")));
    }

    void jobsWithSteps()
    {
        const Parsed<WireJob> p = parseJobs(example("job-paginated.json"));
        QVERIFY(p.errors.isEmpty());
        QCOMPARE(p.items.size(), 1);
        const WireJob &j = p.items.first();
        QCOMPARE(j.id, 399444496);
        QCOMPARE(j.runId, 29679449);
        QCOMPARE(fd::toString(j.mapped), fd::toString(RunStatus::Succeeded));
        QCOMPARE(j.steps.size(), 10);
        QCOMPARE(j.steps.last().number, 17);
        // Offsets in step times are read and kept as UTC.
        QCOMPARE(j.steps.first().started,
                 QDateTime(QDate(2020, 1, 20), QTime(17, 42, 40), Qt::UTC));
    }

    void environmentsWithProtectionRules()
    {
        const Parsed<WireEnvironment> p = parseEnvironments(example("environments.json"));
        QVERIFY(p.errors.isEmpty());
        QCOMPARE(p.items.size(), 1);
        const WireEnvironment &e = p.items.first();
        QCOMPARE(e.name, QStringLiteral("staging"));
        QCOMPARE(e.waitTimerMinutes, 30);
        QVERIFY(e.requiresReviewers);
        QVERIFY(e.branchPolicy);
        QVERIFY(e.isProtected());
        QCOMPARE(e.reviewers,
                 (QStringList{QStringLiteral("octocat"), QStringLiteral("team:justice-league")}));
    }

    void deploymentsStatusesPendingAndApprovals()
    {
        const Parsed<WireDeployment> d = parseDeployments(example("deployment-items.json"));
        QVERIFY(d.errors.isEmpty());
        QCOMPARE(d.items.first().environment, QStringLiteral("production"));
        QCOMPARE(d.items.first().ref, QStringLiteral("topic-branch"));
        QVERIFY(d.items.first().production);
        // payload.version, as an object or as a JSON string
        const Parsed<WireDeployment> withVersion = parseDeployments(
            patched("deployment-items.json", nullptr, "payload",
                    QJsonObject{{QStringLiteral("version"), QStringLiteral("v2.0.1")}}));
        QCOMPARE(withVersion.items.first().payloadVersion, QStringLiteral("v2.0.1"));
        const Parsed<WireDeployment> asString = parseDeployments(patched(
            "deployment-items.json", nullptr, "payload", QStringLiteral("{\"version\":\"v3\"}")));
        QCOMPARE(asString.items.first().payloadVersion, QStringLiteral("v3"));

        const Parsed<WireDeploymentStatus> s =
            parseDeploymentStatuses(example("deployment-status-items.json"));
        QVERIFY(s.errors.isEmpty());
        QCOMPARE(fd::toString(s.items.first().mapped), fd::toString(DeployStatus::Succeeded));
        const Parsed<WireDeploymentStatus> odd = parseDeploymentStatuses(
            patched("deployment-status-items.json", nullptr, "state", QStringLiteral("vaporised")));
        QVERIFY(odd.items.isEmpty());
        QCOMPARE(odd.rejectedIds, QList<qint64>{1});

        const Parsed<WirePendingDeployment> p =
            parsePendingDeployments(example("pending-deployment-items.json"));
        QVERIFY(p.errors.isEmpty());
        QCOMPARE(p.items.first().environmentId, 161088068);
        QCOMPARE(p.items.first().environmentName, QStringLiteral("staging"));
        QCOMPARE(p.items.first().waitTimerMinutes, 30);
        QVERIFY(p.items.first().currentUserCanApprove);
        QCOMPARE(p.items.first().reviewers.size(), 2);

        const Parsed<WireApproval> a = parseApprovals(example("environment-approvals-items.json"));
        QVERIFY(a.errors.isEmpty());
        QCOMPARE(a.items.size(), 1);
        QCOMPARE(a.items.first().state, QStringLiteral("approved"));
        QCOMPARE(a.items.first().user, QStringLiteral("octocat"));
        QVERIFY(!a.items.first().environmentIds.isEmpty());
    }

    void environmentNames_data()
    {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("github");
        QTest::addColumn<QString>("expected");
        QTest::addRow("bound") << "octo/shop"
                               << "production"
                               << "prod";
        QTest::addRow("same name") << "octo/tools"
                                   << "staging"
                                   << "staging";
        QTest::addRow("case") << "octo/tools"
                              << "Staging"
                              << "staging";
        QTest::addRow("alias production") << "octo/tools"
                                          << "production"
                                          << "prod";
        QTest::addRow("alias development") << "octo/tools"
                                           << "development"
                                           << "dev";
        QTest::addRow("unknown kept") << "octo/tools"
                                      << "preview-42"
                                      << "preview-42";
    }
    void environmentNames()
    {
        QFETCH(QString, repo);
        QFETCH(QString, github);
        QFETCH(QString, expected);
        const GitHubMapping m(config());
        QCOMPARE(m.environmentFor(repo, github), expected);
    }

    void servicesAndRepos()
    {
        const GitHubMapping m(config());
        QCOMPARE(m.repos(),
                 (QStringList{QStringLiteral("octo/shop"), QStringLiteral("octo/tools")}));
        QCOMPARE(m.serviceFor(QStringLiteral("octo/shop")), QStringLiteral("shop"));
        QCOMPARE(m.serviceFor(QStringLiteral("octo/tools")), QStringLiteral("tools")); // unmapped
    }

    void environmentStateIsTheNewestSuccessfulDeployment()
    {
        const GitHubMapping m(config());
        RepoSnapshot snap;
        snap.repo = QStringLiteral("octo/shop");
        snap.deployments = {deployment(3, QStringLiteral("v3"), QStringLiteral("ccc"), 30),
                            deployment(2, QStringLiteral("v2"), QStringLiteral("bbb"), 20),
                            deployment(1, QStringLiteral("v1"), QStringLiteral("aaa"), 10)};
        snap.statuses.insert(3, {status(30, QStringLiteral("in_progress"), 31),
                                 status(31, QStringLiteral("failure"), 33)});
        snap.statuses.insert(2, {status(20, QStringLiteral("success"), 22)});
        snap.statuses.insert(1, {status(10, QStringLiteral("inactive"), 22),
                                 status(9, QStringLiteral("success"), 12)});
        const RecordSet rs = buildRecords(m, snap);
        QCOMPARE(rs.environments.size(), 1);
        const EnvironmentState &e = rs.environments.first();
        QCOMPARE(e.service, QStringLiteral("shop"));
        QCOMPARE(e.environment, QStringLiteral("prod"));
        QCOMPARE(e.version, QStringLiteral("v2"));
        QCOMPARE(e.commit, QStringLiteral("bbb"));
        QCOMPARE(e.deploymentId, QStringLiteral("2"));
        QCOMPARE(fd::toString(e.health),
                 fd::toString(Health::Degraded)); // the newest deployment failed
        QCOMPARE(rs.deployments.size(), 3);
        bool failedEvent = false;
        for (const TimelineEvent &ev : rs.events)
            failedEvent = failedEvent || (ev.kind == TimelineEvent::Kind::DeployFailed &&
                                          ev.sourceId == QStringLiteral("deployment/3/failed"));
        QVERIFY(failedEvent);

        // Rollback goes to the newest successful deployment before the current one.
        PlanningState st;
        st.mapping = &m;
        st.repos.insert(snap.repo, snap);
        ReleaseAction a;
        a.verb = ReleaseAction::Verb::Rollback;
        a.service = QStringLiteral("shop");
        a.environment = QStringLiteral("prod");
        const ActionPlan plan = planAction(a, st);
        QVERIFY2(plan.feasible, qPrintable(plan.blockedReason));
        QCOMPARE(plan.context.value(QStringLiteral("toVersion")).toString(), QStringLiteral("v1"));
        QCOMPARE(plan.context.value(QStringLiteral("toCommit")).toString(), QStringLiteral("aaa"));
        const QJsonObject body = QJsonDocument::fromJson(plan.requests.first().body).object();
        QCOMPARE(body.value(QLatin1String("inputs"))
                     .toObject()
                     .value(QLatin1String("environment"))
                     .toString(),
                 QStringLiteral("production"));
        QCOMPARE(plan.preconditions.first().expected, QStringLiteral("3"));

        // With one good deployment only, the plan is infeasible and says why.
        st.repos[snap.repo].deployments = {snap.deployments.at(1)};
        const ActionPlan none = planAction(a, st);
        QVERIFY(!none.feasible);
        QVERIFY(!none.blockedReason.isEmpty());
    }

    void preconditions_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("holds");
        QTest::addRow("status one of")
            << "run.status"
            << "queued|waiting" << QByteArray(R"({"status":"waiting"})") << true;
        QTest::addRow("status not")
            << "run.status"
            << "queued|waiting" << QByteArray(R"({"status":"completed"})") << false;
        QTest::addRow("attempt") << "run.run_attempt"
                                 << "2" << QByteArray(R"({"run_attempt":2})") << true;
        QTest::addRow("attempt moved") << "run.run_attempt"
                                       << "1" << QByteArray(R"({"run_attempt":2})") << false;
        QTest::addRow("pending") << "pending.environment_ids"
                                 << "161088068" << example("pending-deployment-items.json") << true;
        QTest::addRow("pending gone") << "pending.environment_ids"
                                      << "161088068" << QByteArray("[]") << false;
        QTest::addRow("newest deployment") << "deployments.newest_id"
                                           << "1" << example("deployment-items.json") << true;
        QTest::addRow("none yet") << "deployments.newest_id"
                                  << "none" << QByteArray("[]") << true;
        QTest::addRow("garbled") << "deployments.newest_id"
                                 << "none" << QByteArray("[{") << false;
    }
    void preconditions()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFETCH(QByteArray, body);
        QFETCH(bool, holds);
        QString found;
        QCOMPARE(preconditionHolds({QStringLiteral("test"), QStringLiteral("/x"), field, expected},
                                   body, &found),
                 holds);
        QVERIFY(!found.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGitHubWire)
#include "tst_githubwire.moc"
