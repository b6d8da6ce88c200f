// The Jenkins plugin's wire parsers, records and planner against the reference files
// (tests/data/jenkins) and small fixtures beside this test.

#include "jenkinsplanner.h"
#include "jenkinsrecords.h"
#include "jenkinswire.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace fd;
using namespace fd::jenkins;

namespace {

QByteArray reference(const QString &name)
{
    QFile f(QStringLiteral(FD_TEST_DATA_DIR "/jenkins/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(FD_FIXTURES "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

ConnectionConfig config()
{
    ConnectionConfig c;
    c.id = QStringLiteral("ci");
    c.kind = QStringLiteral("jenkins");
    c.baseUrl = QUrl(QStringLiteral("https://jenkins.example/ctx/"));
    c.environments = {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    c.scope.insert(QStringLiteral("folders"), QStringList{QStringLiteral("shop")});
    for (const QString &env : c.environments) {
        ServiceBinding b;
        b.service = QStringLiteral("shop");
        b.environment = env;
        b.object = QStringLiteral("shop/deploy-") + env;
        b.options.insert(QStringLiteral("versionParameter"), QStringLiteral("VERSION"));
        c.bindings.append(b);
    }
    ServiceBinding outside;
    outside.service = QStringLiteral("shop");
    outside.object = QStringLiteral("ci/shop-build");
    c.bindings.append(outside);
    return c;
}

WireBuild build(int number, const QString &result, const QString &version, bool building = false)
{
    WireBuild b;
    b.number = number;
    b.result = result;
    b.building = building;
    b.timestamp = 1700000000000 + number * 1000000LL;
    b.duration = building ? 0 : 60000;
    b.parameters = {{QStringLiteral("VERSION"), version}};
    b.sha = QString(40, QLatin1Char('a' + number % 6));
    return b;
}

JobSnapshot deployJob(const QString &key, QList<WireBuild> builds)
{
    JobSnapshot s;
    s.job.path = JobPath::fromKey(key);
    s.job.cls = QStringLiteral("org.jenkinsci.plugins.workflow.job.WorkflowJob");
    s.detailRead = true;
    std::sort(builds.begin(), builds.end(), [](auto &a, auto &b) { return a.number > b.number; });
    s.detail.builds = builds;
    s.detail.nextBuildNumber = builds.isEmpty() ? 1 : builds.first().number + 1;
    return s;
}

/// shop: dev runs v3, staging v2 (v3 failed after), prod v1 with v2 waiting at an input.
Snapshot estate()
{
    Snapshot s;
    s.insert(QStringLiteral("shop/deploy-dev"),
             deployJob(QStringLiteral("shop/deploy-dev"),
                       {build(1, QStringLiteral("SUCCESS"), QStringLiteral("v1")),
                        build(2, QStringLiteral("SUCCESS"), QStringLiteral("v2")),
                        build(3, QStringLiteral("SUCCESS"), QStringLiteral("v3"))}));
    s.insert(QStringLiteral("shop/deploy-staging"),
             deployJob(QStringLiteral("shop/deploy-staging"),
                       {build(4, QStringLiteral("SUCCESS"), QStringLiteral("v1")),
                        build(5, QStringLiteral("SUCCESS"), QStringLiteral("v2")),
                        build(6, QStringLiteral("FAILURE"), QStringLiteral("v3"))}));
    JobSnapshot prod = deployJob(QStringLiteral("shop/deploy-prod"),
                                 {build(7, QStringLiteral("SUCCESS"), QStringLiteral("v0")),
                                  build(8, QStringLiteral("SUCCESS"), QStringLiteral("v1")),
                                  build(9, QString(), QStringLiteral("v2"), true)});
    WireInput in;
    in.id = QStringLiteral("Ok1");
    in.message = QStringLiteral("Deploy to prod?");
    prod.inputs.insert(9, {in});
    WireRunDescribe d;
    d.status = QStringLiteral("PAUSED_PENDING_INPUT");
    d.pendingInput = true;
    d.stages = {{QStringLiteral("5"), QStringLiteral("Prepare"), QStringLiteral("SUCCESS"), 1, 2},
                {QStringLiteral("8"), QStringLiteral("Approval"),
                 QStringLiteral("PAUSED_PENDING_INPUT"), 3, 4}};
    prod.stages.insert(9, d);
    s.insert(QStringLiteral("shop/deploy-prod"), prod);
    return s;
}

ReleaseAction action(ReleaseAction::Verb verb,
                     const QString &env,
                     const QString &target = {},
                     const QString &version = {})
{
    ReleaseAction a;
    a.verb = verb;
    a.service = QStringLiteral("shop");
    a.environment = env;
    a.target = target;
    a.version = version;
    return a;
}

} // namespace

class TestJenkinsParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void referenceListingIsFlattenedAndTyped()
    {
        QList<WireJob> jobs;
        QString error;
        QVERIFY2(parseListing(reference(QStringLiteral("jenkins-rest/jobsInRootFolder.json")), {},
                              &jobs, &error),
                 qPrintable(error));
        QStringList names;
        for (const WireJob &j : jobs)
            names.append(j.path.key());
        // Folders and multibranch projects are containers; the Docker agent template is no job.
        QCOMPARE(names, (QStringList{QStringLiteral("Test Tool"), QStringLiteral("Test Free Style"),
                                     QStringLiteral("Test Workflow Job")}));
        QVERIFY(jobs.at(1).isFreestyle());
        QCOMPARE(jobs.at(1).color, QStringLiteral("red"));
        QVERIFY(jobs.at(2).isPipeline());
    }

    void nestedListingKeepsEncodedBranchNames()
    {
        QList<WireJob> jobs;
        QString error;
        QVERIFY(parseListing(fixture(QStringLiteral("listing-nested.json")),
                             JobPath::fromKey(QStringLiteral("shop")), &jobs, &error));
        QCOMPARE(jobs.size(), 3);
        QCOMPARE(jobs.at(0).path.key(), QStringLiteral("shop/deploy-prod"));
        QVERIFY(jobs.at(0).active());
        QCOMPARE(jobs.at(0).nextBuildNumber, 13);
        QCOMPARE(jobs.at(2).path.key(), QStringLiteral("shop/branches/feature%2Fx"));
        // Jenkins' own item name "feature%2Fx" is percent-encoded once more in its URL.
        QCOMPARE(jobs.at(2).path.urlPath(),
                 QStringLiteral("/job/shop/job/branches/job/feature%252Fx"));
        // A name with a literal '/' (as some servers report it) stays one segment.
        JobPath p;
        p.names = {QStringLiteral("shop"), QStringLiteral("release/1.x")};
        QCOMPARE(p.key(), QStringLiteral("shop/release%2F1.x"));
        QCOMPARE(p.urlPath(), QStringLiteral("/job/shop/job/release%2F1.x"));
        QCOMPARE(JobPath::fromKey(p.key()), p);
    }

    void treesAreExactAndRanged()
    {
        QCOMPARE(
            listingTree(2),
            QStringLiteral("jobs[name,color,nextBuildNumber,jobs[name,color,nextBuildNumber]]"));
        const QString detail = jobDetailTree(20);
        QVERIFY(
            detail.contains(QLatin1String("builds[number,result,building,timestamp,duration,")));
        QVERIFY(detail.contains(QLatin1String("]{0,20}")));
        QVERIFY(!detail.contains(QLatin1String("depth")));
    }

    void referenceBuildsGiveParametersRevisionAndCause_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("number");
        QTest::addColumn<QString>("parameters");
        QTest::addColumn<QString>("sha");
        QTest::addColumn<RunStatus>("status");
        QTest::newRow("build-info")
            << QStringLiteral("build-info.json") << 10 << QStringLiteral("bear=true,fish=salmon")
            << QString() << RunStatus::Succeeded;
        QTest::newRow("git commit")
            << QStringLiteral("build-info-git-commit.json") << 10
            << QStringLiteral("bear=true,fish=salmon")
            << QStringLiteral("d27afa0805201322d846d7defc29b82c88d9b5ce") << RunStatus::Succeeded;
        QTest::newRow("no params") << QStringLiteral("build-info-no-params.json") << 10 << QString()
                                   << QString() << RunStatus::Succeeded;
        QTest::newRow("empty and null params")
            << QStringLiteral("build-info-empty-and-null-params.json") << 10
            << QStringLiteral("bear=null,fish=") << QString() << RunStatus::Succeeded;
    }

    void referenceBuildsGiveParametersRevisionAndCause()
    {
        QFETCH(QString, file);
        QFETCH(int, number);
        QFETCH(QString, parameters);
        QFETCH(QString, sha);
        QFETCH(RunStatus, status);
        // A build's own api/json, wrapped as the builds array of a job read.
        const QJsonObject b =
            QJsonDocument::fromJson(reference(QStringLiteral("jenkins-rest/") + file)).object();
        QVERIFY(!b.isEmpty());
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("builds"), QJsonArray{b}}}).toJson();
        WireJobDetail d;
        QString error;
        QVERIFY2(parseJobDetail(body, &d, &error), qPrintable(error));
        QCOMPARE(d.builds.size(), 1);
        const WireBuild &w = d.builds.first();
        QCOMPARE(w.number, number);
        QStringList params;
        for (const auto &[n, v] : w.parameters)
            params.append(n + QLatin1Char('=') + v);
        QCOMPARE(params.join(QLatin1Char(',')), parameters);
        QCOMPARE(w.sha, sha);
        QCOMPARE(fd::toString(runStatusFromResult(w.result, w.building)), fd::toString(status));
        QVERIFY(w.timestamp > 0);
    }

    void jobDetailFixture()
    {
        WireJobDetail d;
        QString error;
        QVERIFY2(parseJobDetail(fixture(QStringLiteral("job-detail.json")), &d, &error),
                 qPrintable(error));
        QCOMPARE(d.builds.size(), 2);
        QCOMPARE(d.builds.first().number, 12); // newest first
        QVERIFY(d.builds.first().building);
        QCOMPARE(fd::toString(runStatusFromResult(d.builds.first().result, true)),
                 fd::toString(RunStatus::Running));
        QCOMPARE(d.builds.first().cause, QStringLiteral("Started by an SCM change"));
        const WireBuild &old = d.builds.last();
        QCOMPARE(old.parameter(QStringLiteral("VERSION")), QStringLiteral("v1.4.1"));
        QCOMPARE(old.parameter(QStringLiteral("DRY_RUN")), QStringLiteral("false"));
        QCOMPARE(old.causeUser, QStringLiteral("mina"));
        QCOMPARE(old.branch, QStringLiteral("release/1.4"));
        QCOMPARE(versionOf(old, QStringLiteral("VERSION")), QStringLiteral("v1.4.1"));
        QCOMPARE(versionOf(old, QStringLiteral("TAG")), old.sha); // no such parameter: the revision
        QVERIFY(d.hasLastSuccessful);
        QCOMPARE(d.lastSuccessful.number, 11);
        QVERIFY(d.inQueue);
        QCOMPARE(d.queueItemId, 77);
        QCOMPARE(d.nextBuildNumber, 13);
    }

    void stageViewReference()
    {
        WireRunDescribe run;
        QString error;
        QVERIFY2(parseRunDescribe(
                     reference(QStringLiteral("pipeline-stage-view/run-wfapi-describe.json")), &run,
                     &error),
                 qPrintable(error));
        QCOMPARE(run.status, QStringLiteral("PAUSED_PENDING_INPUT"));
        QVERIFY(run.pendingInput);
        QCOMPARE(run.stages.size(), 3);
        QCOMPARE(run.stages.at(0).name, QStringLiteral("Build"));
        QCOMPARE(run.stages.at(0).id, QStringLiteral("5"));
        QCOMPARE(run.stages.at(1).durationMs, 4994);
        QCOMPARE(fd::toString(runStatusFromWfapi(run.stages.at(2).status)),
                 fd::toString(RunStatus::Waiting));
        QCOMPARE(fd::toString(runStatusFromWfapi(QStringLiteral("FAILED"))),
                 fd::toString(RunStatus::Failed));
        QCOMPARE(fd::toString(runStatusFromWfapi(QStringLiteral("NOT_EXECUTED"))),
                 fd::toString(RunStatus::Skipped));
        QCOMPARE(fd::toString(runStatusFromWfapi(QStringLiteral("ABORTED"))),
                 fd::toString(RunStatus::Cancelled));
    }

    void pendingInputs_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("defaults");
        QTest::newRow("stage view README")
            << reference(QStringLiteral("pipeline-stage-view/run-wfapi-pendingInputActions.json"))
            << QStringLiteral("Ef95dd500ae6ed3b27b89fb852296d12") << QString();
        QTest::newRow("with parameters")
            << fixture(QStringLiteral("pending-input-with-parameters.json"))
            << QStringLiteral("Approve1") << QStringLiteral("REASON=routine,FAST=true");
    }

    void pendingInputs()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, id);
        QFETCH(QString, defaults);
        QList<WireInput> inputs;
        QString error;
        QVERIFY2(parsePendingInputs(body, &inputs, &error), qPrintable(error));
        QCOMPARE(inputs.size(), 1);
        QCOMPARE(inputs.first().id, id);
        QVERIFY(inputs.first().abortUrl.endsWith(QLatin1String("/abort")));
        QStringList d;
        for (const WireInputParameter &p : inputs.first().inputs)
            d.append(p.name + QLatin1Char('=') + p.defaultValue);
        QCOMPARE(d.join(QLatin1Char(',')), defaults);
    }

    void queueItems_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("left");
        QTest::addColumn<bool>("cancelled");
        QTest::addColumn<int>("buildNumber");
        QTest::newRow("pending") << QStringLiteral("queueItemPending.json") << false << false << 0;
        QTest::newRow("running") << QStringLiteral("queueItemRunning.json") << true << false << 14;
        QTest::newRow("cancelled")
            << QStringLiteral("queueItemCancelled.json") << true << true << 0;
    }

    void queueItems()
    {
        QFETCH(QString, file);
        QFETCH(bool, left);
        QFETCH(bool, cancelled);
        QFETCH(int, buildNumber);
        WireQueueItem item;
        QString error;
        QVERIFY2(parseQueueItem(reference(QStringLiteral("jenkins-rest/") + file), &item, &error),
                 qPrintable(error));
        QCOMPARE(item.left, left);
        QCOMPARE(item.cancelled, cancelled);
        QCOMPARE(item.buildNumber, buildNumber);
        QVERIFY(item.id > 0);
    }

    void locationAndCrumb()
    {
        QCOMPARE(queueIdFromLocation("http://j.example/queue/item/143/"), 143);
        QCOMPARE(queueIdFromLocation("http://j.example/ctx/queue/item/7"), 7);
        QCOMPARE(queueIdFromLocation("http://j.example/job/a/"), 0);
        WireCrumb crumb;
        QString error;
        QVERIFY(parseCrumb(
            R"({"_class":"hudson.security.csrf.DefaultCrumbIssuer","crumb":"abc","crumbRequestField":"Jenkins-Crumb"})",
            &crumb, &error));
        QCOMPARE(crumb.field, QStringLiteral("Jenkins-Crumb"));
        QVERIFY(!parseCrumb("{}", &crumb, &error));
        QVERIFY(isCrumbRejection(
            "<title>Error 403 No valid crumb was included in the request</title>"));
        QVERIFY(!isCrumbRejection("<title>Error 403 Forbidden</title>"));
    }

    void badBodiesAreErrorsNamingWhatWasRead_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words");
        QTest::newRow("html page") << fixture(QStringLiteral("error-404.html"))
                                   << QStringLiteral("HTML page (\"Error 404 Not Found\")");
        QTest::newRow("cut off") << QByteArray("{\"jobs\":[{\"name\":\"a\"\x01{")
                                 << QStringLiteral("not JSON");
        QTest::newRow("wrong shape")
            << QByteArray("[1,2]") << QStringLiteral("expected a JSON object");
    }

    void badBodiesAreErrorsNamingWhatWasRead()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        QString error;
        QList<WireJob> jobs;
        QVERIFY(!parseListing(body, {}, &jobs, &error));
        QVERIFY2(error.startsWith(QLatin1String("job listing")) && error.contains(words),
                 qPrintable(error));
        WireJobDetail d;
        QVERIFY(!parseJobDetail(body, &d, &error));
        QVERIFY(error.startsWith(QLatin1String("builds")));
        WireRunDescribe r;
        QVERIFY(!parseRunDescribe(body, &r, &error));
        QVERIFY(error.startsWith(QLatin1String("stages")));
        QList<WireInput> inputs;
        if (body != "[1,2]") {
            QVERIFY(!parsePendingInputs(body, &inputs, &error));
            QVERIFY(error.startsWith(QLatin1String("pending input steps")));
        }
    }

    void mappingScopeAndConventions()
    {
        const JenkinsMapping m(config());
        QCOMPARE(m.folders(), QStringList{QStringLiteral("shop")});
        QCOMPARE(m.jobs(),
                 QStringList{QStringLiteral("ci/shop-build")}); // bound outside the folders
        QCOMPARE(m.serviceFor(QStringLiteral("shop/deploy-prod")), QStringLiteral("shop"));
        QCOMPARE(m.environmentFor(QStringLiteral("shop/deploy-prod")), QStringLiteral("prod"));
        QCOMPARE(m.serviceFor(QStringLiteral("shop/smoke")), QStringLiteral("shop")); // by folder
        QCOMPARE(m.serviceFor(QStringLiteral("other/x")), QString());
        QCOMPARE(m.previousEnvironment(QStringLiteral("prod")), QStringLiteral("staging"));
        QCOMPARE(m.previousEnvironment(QStringLiteral("dev")), QString());
    }

    void recordsFromASnapshot()
    {
        const JenkinsMapping m(config());
        const RecordSet r =
            buildRecords(m, estate(), QUrl(QStringLiteral("https://jenkins.example/ctx/")));
        QCOMPARE(r.runs.size(), 9);
        QCOMPARE(r.deployments.size(), 9);
        QCOMPARE(r.environments.size(), 3);
        QCOMPARE(r.gates.size(), 1);
        const Gate &g = r.gates.first();
        QCOMPARE(g.id, QStringLiteral("shop/deploy-prod#9/input/Ok1"));
        QCOMPARE(g.runId, QStringLiteral("shop/deploy-prod#9"));
        QCOMPARE(g.details.value(QStringLiteral("version")).toString(), QStringLiteral("v2"));
        QCOMPARE(g.url.toString(),
                 QStringLiteral("https://jenkins.example/ctx/job/shop/job/deploy-prod/9/input/"));
        for (const EnvironmentState &e : r.environments) {
            if (e.environment == QLatin1String("staging")) {
                QCOMPARE(e.version, QStringLiteral("v2"));
                QCOMPARE(fd::toString(e.health), fd::toString(Health::Degraded));
                QCOMPARE(e.deploymentId, QStringLiteral("shop/deploy-staging#5"));
            } else if (e.environment == QLatin1String("prod")) {
                QCOMPARE(e.version, QStringLiteral("v1"));
                QCOMPARE(fd::toString(e.health), fd::toString(Health::Progressing));
                QVERIFY(e.operationRunning);
            } else {
                QCOMPARE(e.version, QStringLiteral("v3"));
                QCOMPARE(fd::toString(e.health), fd::toString(Health::Healthy));
            }
        }
        for (const Run &run : r.runs)
            if (run.id == QLatin1String("shop/deploy-prod#9")) {
                QCOMPARE(fd::toString(run.status), fd::toString(RunStatus::Waiting));
                QCOMPARE(run.stages.size(), 2);
                QCOMPARE(run.url.toString(),
                         QStringLiteral("https://jenkins.example/ctx/job/shop/job/deploy-prod/9/"));
            }
        int requested = 0, failed = 0;
        for (const TimelineEvent &e : r.events) {
            requested += e.kind == TimelineEvent::Kind::ApprovalRequested;
            failed += e.kind == TimelineEvent::Kind::DeployFailed;
        }
        QCOMPARE(requested, 1);
        QCOMPARE(failed, 1);

        // The gate goes away: proceeded while the build runs on, rejected when it ended ABORTED.
        Snapshot after = estate();
        after[QStringLiteral("shop/deploy-prod")].inputs.clear();
        QList<Gate> unknown;
        auto events = answeredGateEvents(QStringLiteral("ci"), r.gates, {}, after, &unknown);
        QCOMPARE(events.size(), 1);
        QCOMPARE(fd::toString(events.first().kind),
                 fd::toString(TimelineEvent::Kind::ApprovalGranted));
        after[QStringLiteral("shop/deploy-prod")].detail.builds.first().building = false;
        after[QStringLiteral("shop/deploy-prod")].detail.builds.first().result =
            QStringLiteral("ABORTED");
        events = answeredGateEvents(QStringLiteral("ci"), r.gates, {}, after, &unknown);
        QCOMPARE(fd::toString(events.first().kind),
                 fd::toString(TimelineEvent::Kind::ApprovalRejected));
        QVERIFY(unknown.isEmpty());
    }

    void plans_data()
    {
        QTest::addColumn<ReleaseAction>("action");
        QTest::addColumn<bool>("feasible");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("precondition");
        using V = ReleaseAction::Verb;
        QTest::newRow("approve the prod input")
            << action(V::Approve, QStringLiteral("prod")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/proceedEmpty")
            << QStringLiteral("pendingInput.id=Ok1");
        QTest::newRow("promote prod proceeds its input")
            << action(V::Promote, QStringLiteral("prod")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/proceedEmpty")
            << QStringLiteral("pendingInput.id=Ok1");
        QTest::newRow("approve by estate key")
            << action(V::Approve, {}, QStringLiteral("ci/shop/deploy-prod#9/input/Ok1")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/proceedEmpty")
            << QStringLiteral("pendingInput.id=Ok1");
        QTest::newRow("reject") << action(V::Reject, QStringLiteral("prod")) << true
                                << QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/abort")
                                << QStringLiteral("pendingInput.id=Ok1");
        QTest::newRow("pause holds at the input")
            << action(V::Pause, QStringLiteral("prod")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/abort")
            << QStringLiteral("pendingInput.id=Ok1");
        QTest::newRow("approve where nothing waits")
            << action(V::Approve, QStringLiteral("staging")) << false << QString() << QString();
        QTest::newRow("promote staging takes dev's version")
            << action(V::Promote, QStringLiteral("staging")) << true
            << QStringLiteral(
                   "/job/shop/job/deploy-staging/buildWithParameters?VERSION=v3&delay=0sec")
            << QStringLiteral("job.idle=7");
        QTest::newRow("promote dev needs a version")
            << action(V::Promote, QStringLiteral("dev")) << false << QString() << QString();
        QTest::newRow("promote with a version that needs encoding")
            << action(V::Promote, QStringLiteral("dev"), {}, QStringLiteral("v4 rc&1")) << true
            << QStringLiteral(
                   "/job/shop/job/deploy-dev/buildWithParameters?VERSION=v4%20rc%261&delay=0sec")
            << QStringLiteral("job.idle=4");
        QTest::newRow("rollback staging to the previous good version")
            << action(V::Rollback, QStringLiteral("staging")) << true
            << QStringLiteral(
                   "/job/shop/job/deploy-staging/buildWithParameters?VERSION=v1&delay=0sec")
            << QStringLiteral("job.idle=7");
        QTest::newRow("rollback to a named build")
            << action(V::Rollback, QStringLiteral("dev"), QStringLiteral("shop/deploy-dev#1"))
            << true
            << QStringLiteral("/job/shop/job/deploy-dev/buildWithParameters?VERSION=v1&delay=0sec")
            << QStringLiteral("job.idle=4");
        QTest::newRow("cancel the running prod build")
            << action(V::Cancel, {}, QStringLiteral("shop/deploy-prod#9")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/stop")
            << QStringLiteral("build.building=true");
        QTest::newRow("abort by service and env")
            << action(V::Abort, QStringLiteral("prod")) << true
            << QStringLiteral("/job/shop/job/deploy-prod/9/stop")
            << QStringLiteral("build.building=true");
        QTest::newRow("cancel a finished build")
            << action(V::Cancel, {}, QStringLiteral("shop/deploy-dev#3")) << false << QString()
            << QString();
        QTest::newRow("cancel a queue item")
            << action(V::Cancel, {}, QStringLiteral("queue/42")) << true
            << QStringLiteral("/queue/cancelItem?id=42") << QStringLiteral("queue.waiting=true");
        QTest::newRow("rerun a build")
            << action(V::Rerun, {}, QStringLiteral("shop/deploy-dev#2")) << true
            << QStringLiteral("/job/shop/job/deploy-dev/buildWithParameters?VERSION=v2&delay=0sec")
            << QStringLiteral("job.idle=4");
        QTest::newRow("no sync on Jenkins")
            << action(V::Sync, QStringLiteral("dev")) << false << QString() << QString();
        QTest::newRow("unmapped environment")
            << action(V::Promote, QStringLiteral("qa"), {}, QStringLiteral("v1")) << false
            << QString() << QString();
    }

    void plans()
    {
        QFETCH(ReleaseAction, action);
        QFETCH(bool, feasible);
        QFETCH(QString, path);
        QFETCH(QString, precondition);
        const JenkinsMapping m(config());
        const ActionPlan p = planAction(action, m, estate());
        QCOMPARE(p.action.connectionId, QStringLiteral("ci"));
        QVERIFY2(p.feasible == feasible, qPrintable(p.blockedReason));
        if (!feasible) {
            QVERIFY(!p.blockedReason.isEmpty());
            QVERIFY(p.requests.isEmpty());
            return;
        }
        QCOMPARE(p.requests.size(), 1);
        QCOMPARE(p.requests.first().method, QByteArray("POST"));
        QCOMPARE(p.requests.first().path, path);
        QVERIFY(!p.preconditions.isEmpty());
        QCOMPARE(p.preconditions.first().field + QLatin1Char('=') +
                     p.preconditions.first().expected,
                 precondition);
        QVERIFY(!p.summary.isEmpty());
    }

    void proceedWithParametersSendsTheirValues()
    {
        Snapshot s = estate();
        WireInput &in = s[QStringLiteral("shop/deploy-prod")].inputs[9].first();
        in.inputs = {{QStringLiteral("StringParameterDefinition"),
                      QStringLiteral("REASON"),
                      {},
                      QStringLiteral("routine")},
                     {QStringLiteral("BooleanParameterDefinition"),
                      QStringLiteral("FAST"),
                      {},
                      QStringLiteral("true")}};
        ReleaseAction a = action(ReleaseAction::Verb::Approve, QStringLiteral("prod"));
        a.options.insert(QStringLiteral("parameters"),
                         QVariantMap{{QStringLiteral("REASON"), QStringLiteral("hotfix")}});
        const ActionPlan p = planAction(a, JenkinsMapping(config()), s);
        QCOMPARE(p.requests.first().path,
                 QStringLiteral("/job/shop/job/deploy-prod/9/input/Ok1/proceed"));
        QCOMPARE(p.requests.first().contentType, QByteArray("application/x-www-form-urlencoded"));
        const QByteArray body = QByteArray::fromPercentEncoding(p.requests.first().body);
        QCOMPARE(
            body,
            QByteArray(
                R"(json={"parameter":[{"name":"REASON","value":"hotfix"},{"name":"FAST","value":"true"}]})"));
    }

    void preconditions_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("holds");
        QTest::newRow("input pending")
            << QStringLiteral("pendingInput.id") << QStringLiteral("Approve1")
            << fixture(QStringLiteral("pending-input-with-parameters.json")) << true;
        QTest::newRow("input answered") << QStringLiteral("pendingInput.id")
                                        << QStringLiteral("Approve1") << QByteArray("[]") << false;
        QTest::newRow("still building")
            << QStringLiteral("build.building") << QStringLiteral("true")
            << QByteArray(R"({"building":true,"number":9})") << true;
        QTest::newRow("finished") << QStringLiteral("build.building") << QStringLiteral("true")
                                  << QByteArray(R"({"building":false,"number":9})") << false;
        QTest::newRow("idle job") << QStringLiteral("job.idle") << QStringLiteral("7")
                                  << QByteArray(R"({"nextBuildNumber":7,"inQueue":false})") << true;
        QTest::newRow("someone queued")
            << QStringLiteral("job.idle") << QStringLiteral("7")
            << QByteArray(R"({"nextBuildNumber":7,"inQueue":true})") << false;
        QTest::newRow("someone built")
            << QStringLiteral("job.idle") << QStringLiteral("7")
            << QByteArray(R"({"nextBuildNumber":8,"inQueue":false})") << false;
        QTest::newRow("queue waiting")
            << QStringLiteral("queue.waiting") << QStringLiteral("true")
            << reference(QStringLiteral("jenkins-rest/queueItemPending.json")) << true;
        QTest::newRow("queue left")
            << QStringLiteral("queue.waiting") << QStringLiteral("true")
            << reference(QStringLiteral("jenkins-rest/queueItemRunning.json")) << false;
        QTest::newRow("html") << QStringLiteral("build.building") << QStringLiteral("true")
                              << fixture(QStringLiteral("error-404.html")) << false;
    }

    void preconditions()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFETCH(QByteArray, body);
        QFETCH(bool, holds);
        Precondition pc;
        pc.field = field;
        pc.expected = expected;
        QString found;
        QCOMPARE(preconditionHolds(pc, body, &found), holds);
        QVERIFY(!found.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJenkinsParsers)
#include "tst_jenkinsparsers.moc"
