#include "domain/json.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace fd;

namespace {

QDateTime at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
}

Stage sampleStage()
{
    Stage s;
    s.name = QStringLiteral("build");
    s.id = QStringLiteral("job-7");
    s.status = RunStatus::Failed;
    s.started = at("2026-03-01T10:00:00.250Z");
    s.finished = at("2026-03-01T10:05:00Z");
    s.durationMs = 300000;
    Stage step;
    step.name = QStringLiteral("compile");
    step.status = RunStatus::Succeeded;
    s.steps = {step};
    return s;
}

Run sampleRun()
{
    Run r;
    r.connectionId = QStringLiteral("gh");
    r.id = QStringLiteral("9001");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.pipeline = QStringLiteral("ci.yml");
    r.number = QStringLiteral("42");
    r.attempt = 2;
    r.branch = QStringLiteral("main");
    r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    r.actor = QStringLiteral("octocat");
    r.event = QStringLiteral("push");
    r.status = RunStatus::Running;
    r.created = at("2026-03-01T09:59:59Z");
    r.started = at("2026-03-01T10:00:00Z");
    r.stages = {sampleStage()};
    r.url = QUrl(QStringLiteral("https://github.example/acme/checkout/actions/runs/9001"));
    return r;
}

Deployment sampleDeployment()
{
    Deployment d;
    d.connectionId = QStringLiteral("argocd");
    d.id = QStringLiteral("17");
    d.service = QStringLiteral("checkout");
    d.environment = QStringLiteral("staging");
    d.version = QStringLiteral("v1.4.2");
    d.commit = QStringLiteral("abc");
    d.ref = QStringLiteral("refs/tags/v1.4.2");
    d.status = DeployStatus::Blocked;
    d.created = at("2026-03-02T00:00:00Z");
    d.finished = at("2026-03-02T00:01:00.999Z");
    d.actor = QStringLiteral("ana");
    d.url = QUrl(QStringLiteral("https://argo.example/applications/checkout-staging"));
    d.runId = QStringLiteral("9001");
    return d;
}

EnvironmentState sampleEnv()
{
    EnvironmentState e;
    e.connectionId = QStringLiteral("argocd");
    e.service = QStringLiteral("checkout");
    e.environment = QStringLiteral("prod");
    e.object = QStringLiteral("checkout-prod");
    e.version = QStringLiteral("v1.4.1");
    e.commit = QStringLiteral("def");
    e.deployedAt = at("2026-03-01T12:00:00Z");
    e.deployedBy = QStringLiteral("bo");
    e.health = Health::Degraded;
    e.healthMessage = QStringLiteral("1/3 pods ready");
    e.sync = SyncState::OutOfSync;
    e.autoSync = true;
    e.operationRunning = true;
    e.driftCount = 3;
    e.canaryWeight = 20;
    e.url = QUrl(QStringLiteral("https://argo.example/applications/checkout-prod"));
    e.deploymentId = QStringLiteral("16");
    e.freeze = QStringLiteral("deny window '0 22 * * *' for 1h");
    return e;
}

Rollout sampleRollout()
{
    Rollout r;
    r.connectionId = QStringLiteral("argocd");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.application = QStringLiteral("checkout-prod");
    r.name = QStringLiteral("checkout");
    r.nameSpace = QStringLiteral("shop");
    r.strategy = QStringLiteral("canary");
    r.steps = {RolloutStep{RolloutStep::Kind::SetWeight, 20, -1, QStringLiteral("setWeight 20")},
               RolloutStep{RolloutStep::Kind::Pause, -1, 600, QStringLiteral("pause 10m")},
               RolloutStep{RolloutStep::Kind::Analysis, -1, -1, QStringLiteral("analysis")},
               RolloutStep{RolloutStep::Kind::Experiment, -1, -1, QStringLiteral("exp")},
               RolloutStep{RolloutStep::Kind::Other, -1, -1, QStringLiteral("other")}};
    r.currentStepIndex = 1;
    r.step = QStringLiteral("1/5");
    r.setWeight = 20;
    r.actualWeight = 0;
    r.canaryWeight = 0;
    r.stableWeight = 100;
    r.phase = RolloutPhase::Paused;
    r.statusReason = QStringLiteral("CanaryPauseStep");
    r.message = QStringLiteral("CanaryPauseStep");
    r.replicas = {5, 6, 1, 5, 5};
    r.images = {RolloutImage{QStringLiteral("shop/checkout:v1.4.1"), {QStringLiteral("stable")}},
                RolloutImage{QStringLiteral("shop/checkout:v1.4.2"), {QStringLiteral("canary")}}};
    RolloutRevisionItem rs;
    rs.kind = QStringLiteral("ReplicaSet");
    rs.name = QStringLiteral("checkout-6d4f");
    rs.status = QStringLiteral("Progressing");
    rs.roles = {QStringLiteral("canary")};
    rs.podsReady = 0;
    rs.podsTotal = 1;
    RolloutRevisionItem ar;
    ar.kind = QStringLiteral("AnalysisRun");
    ar.name = QStringLiteral("checkout-6d4f-2");
    ar.status = QStringLiteral("Failed");
    ar.successful = 3;
    ar.failed = 1;
    ar.inconclusive = 2;
    ar.errors = 4;
    r.revisions = {RolloutRevision{2, {rs, ar}}};
    r.unknown = {{QStringLiteral("pods"), QStringLiteral("the pods could not be read: 403")}};
    r.pauseReasons = {QStringLiteral("CanaryPauseStep")};
    r.paused = true;
    r.aborted = false;
    r.fullyPromoted = false;
    r.analysisStatus = QStringLiteral("Running");
    r.stableVersion = QStringLiteral("v1.4.1");
    r.canaryVersion = QStringLiteral("v1.4.2");
    r.actions = {RolloutAction{QStringLiteral("resume"), false},
                 RolloutAction{QStringLiteral("pause"), true}};
    r.updated = at("2026-03-01T12:30:00Z");
    return r;
}

Gate sampleGate()
{
    Gate g;
    g.connectionId = QStringLiteral("gh");
    g.id = QStringLiteral("pd-1");
    g.kind = GateKind::GitHubPendingDeployment;
    g.service = QStringLiteral("checkout");
    g.environment = QStringLiteral("prod");
    g.title = QStringLiteral("Deploy checkout to prod");
    g.runId = QStringLiteral("9001");
    g.since = at("2026-03-01T12:00:00Z");
    g.approvers = {QStringLiteral("ana"), QStringLiteral("bo")};
    g.currentUserCanApprove = false;
    g.waitTimerMinutes = 5;
    g.url = QUrl(QStringLiteral("https://github.example/x"));
    g.details = {{QStringLiteral("environmentIds"), QVariantList{1.0, 2.0}},
                 {QStringLiteral("note"), QStringLiteral("x")}};
    return g;
}

TimelineEvent sampleEvent()
{
    TimelineEvent e;
    e.sourceId = QStringLiteral("gh:run:9001:completed");
    e.source = QStringLiteral("gh");
    e.kind = TimelineEvent::Kind::CanaryPromoted;
    e.time = at("2026-03-01T12:34:56.789Z");
    e.service = QStringLiteral("checkout");
    e.environment = QStringLiteral("prod");
    e.actor = QStringLiteral("ana");
    e.version = QStringLiteral("v1.4.2");
    e.title = QStringLiteral("Canary promoted");
    e.detail = QStringLiteral("step 3 → full");
    e.link = QUrl(QStringLiteral("https://argo.example/r?a=1&b=%20"));
    return e;
}

ReleaseAction sampleAction()
{
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::RerunFailed;
    a.connectionId = QStringLiteral("gh");
    a.service = QStringLiteral("checkout");
    a.environment = QStringLiteral("prod");
    a.target = QStringLiteral("9001");
    a.version = QStringLiteral("v1.4.2");
    a.comment = QStringLiteral("flaky test");
    a.actor = QStringLiteral("ana");
    a.options = {{QStringLiteral("full"), true}};
    return a;
}

ActionPlan samplePlan()
{
    ActionPlan p;
    p.action = sampleAction();
    p.summary = QStringLiteral("Re-run failed jobs of run 9001");
    p.requests = {
        PlannedRequest{
            "POST", QStringLiteral("/repos/acme/checkout/actions/runs/9001/rerun-failed-jobs"),
            "{\"enable_debug_logging\":false}", "application/json", QStringLiteral("re-run")},
        PlannedRequest{"PUT", QStringLiteral("/bin"), QByteArray("\xff\x00\x01", 3),
                       "application/octet-stream", QStringLiteral("binary body")}};
    p.preconditions = {Precondition{QStringLiteral("run 9001 attempt 2"),
                                    QStringLiteral("/repos/acme/checkout/actions/runs/9001"),
                                    QStringLiteral("run_attempt"), QStringLiteral("2")}};
    p.warnings = {QStringLiteral("prod is protected")};
    p.feasible = false;
    p.blockedReason = QStringLiteral("freeze");
    p.alternatives = {QStringLiteral("wait")};
    p.context = {{QStringLiteral("attempt"), 2}};
    return p;
}

} // namespace

class TestDomainJson : public QObject
{
    Q_OBJECT

private:
    template <typename T>
    void roundTrip(const T &value)
    {
        const QJsonObject json = toJson(value);
        // Through text as the CLI and the store write it.
        const QJsonDocument doc = QJsonDocument::fromJson(QJsonDocument(json).toJson());
        T back;
        QString error;
        QVERIFY2(fromJson(doc.object(), &back, &error), qPrintable(error));
        QCOMPARE(back, value);
        QCOMPARE(toJson(back), json);
    }

private Q_SLOTS:
    void roundTrips()
    {
        roundTrip(sampleStage());
        roundTrip(sampleRun());
        roundTrip(sampleDeployment());
        roundTrip(sampleEnv());
        roundTrip(sampleRollout());
        roundTrip(RolloutStep{RolloutStep::Kind::Pause, -1, 30, QStringLiteral("pause 30s")});
        roundTrip(RolloutAction{QStringLiteral("abort"), true});
        roundTrip(sampleGate());
        roundTrip(sampleEvent());
        roundTrip(ServiceBinding{QStringLiteral("checkout"),
                                 QStringLiteral("dev"),
                                 QStringLiteral("checkout-dev"),
                                 {{QStringLiteral("rollout"), QStringLiteral("checkout")}},
                                 true});
        roundTrip(sampleAction());
        roundTrip(samplePlan());
        roundTrip(ActionResult{true,
                               QStringLiteral("done"),
                               204,
                               at("2026-03-01T00:00:00Z"),
                               {QStringLiteral("POST /x → 204")}});
        ConnectionHealth h;
        h.state = ConnectionHealth::State::RateLimited;
        h.reason = QStringLiteral("secondary rate limit");
        h.rateLimitedUntil = at("2026-03-01T01:00:00Z");
        h.lastSuccess = at("2026-03-01T00:59:00Z");
        h.rateLimitRemaining = 0;
        h.rateLimitLimit = 5000;
        roundTrip(h);
        Incident i;
        i.id = 7;
        i.title = QStringLiteral("Checkout 5xx");
        i.severity = QStringLiteral("sev2");
        i.services = {QStringLiteral("checkout"), QStringLiteral("payments")};
        i.environment = QStringLiteral("prod");
        i.phase = Incident::Phase::Mitigated;
        i.detectedAt = at("2026-03-01T00:00:00Z");
        i.reportedAt = at("2026-03-01T00:02:00Z");
        i.mitigatedAt = at("2026-03-01T00:10:00Z");
        i.summary = QStringLiteral("bad release");
        roundTrip(i);
    }

    void recordSetRoundTrip()
    {
        RecordSet rs;
        rs.runs = {sampleRun(), sampleRun()};
        rs.runs[1].id = QStringLiteral("9002");
        rs.deployments = {sampleDeployment()};
        rs.environments = {sampleEnv()};
        rs.gates = {sampleGate()};
        rs.rollouts = {sampleRollout()};
        rs.events = {sampleEvent()};
        RecordSet back;
        QVERIFY(fromJson(toJson(rs), &back));
        QCOMPARE(back.runs, rs.runs);
        QCOMPARE(back.deployments, rs.deployments);
        QCOMPARE(back.environments, rs.environments);
        QCOMPARE(back.gates, rs.gates);
        QCOMPARE(back.rollouts, rs.rollouts);
        QCOMPARE(back.events, rs.events);
    }

    // Keys and enum spellings are a published format; renaming one must fail here.
    void stableKeysAndNames()
    {
        const QJsonObject run = toJson(sampleRun());
        QCOMPARE(run.value(QLatin1String("connectionId")).toString(), QStringLiteral("gh"));
        QCOMPARE(run.value(QLatin1String("status")).toString(), QStringLiteral("running"));
        QCOMPARE(run.value(QLatin1String("started")).toString(),
                 QStringLiteral("2026-03-01T10:00:00.000Z"));
        QVERIFY(run.value(QLatin1String("finished")).isNull());
        const QJsonObject env = toJson(sampleEnv());
        QCOMPARE(env.value(QLatin1String("health")).toString(), QStringLiteral("Degraded"));
        QCOMPARE(env.value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync"));
        const QJsonObject ev = toJson(sampleEvent());
        QCOMPARE(ev.value(QLatin1String("kind")).toString(), QStringLiteral("canary-promoted"));
        QCOMPARE(ev.value(QLatin1String("sourceId")).toString(),
                 QStringLiteral("gh:run:9001:completed"));
        const QJsonObject gate = toJson(sampleGate());
        QCOMPARE(gate.value(QLatin1String("kind")).toString(),
                 QStringLiteral("github-pending-deployment"));
        const QJsonObject plan = toJson(samplePlan());
        QCOMPARE(
            plan.value(QLatin1String("action")).toObject().value(QLatin1String("verb")).toString(),
            QStringLiteral("rerun-failed"));
        const QJsonArray reqs = plan.value(QLatin1String("requests")).toArray();
        QCOMPARE(reqs.at(0).toObject().value(QLatin1String("body")).toString(),
                 QStringLiteral("{\"enable_debug_logging\":false}"));
        QVERIFY(reqs.at(1).toObject().contains(QLatin1String("bodyBase64")));
        const QJsonObject ro = toJson(sampleRollout());
        QCOMPARE(ro.value(QLatin1String("namespace")).toString(), QStringLiteral("shop"));
        // Set and actual weight are two numbers; canaryWeight is the actual one.
        QCOMPARE(ro.value(QLatin1String("setWeight")).toInt(), 20);
        QCOMPARE(ro.value(QLatin1String("actualWeight")).toInt(), 0);
        QCOMPARE(ro.value(QLatin1String("canaryWeight")).toInt(), 0);
        QCOMPARE(ro.value(QLatin1String("replicas")).toObject().value(QLatin1String("current")).toInt(),
                 6);
        QCOMPARE(ro.value(QLatin1String("steps"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QLatin1String("kind"))
                     .toString(),
                 QStringLiteral("setWeight"));
    }

    void datesAreUtc()
    {
        const QDateTime local(QDate(2026, 3, 1), QTime(12, 0), QTimeZone(3600 * 9));
        QCOMPARE(dateToJson(local).toString(), QStringLiteral("2026-03-01T03:00:00.000Z"));
        QCOMPARE(dateFromJson(QStringLiteral("2026-03-01T12:00:00+09:00")), local);
        QVERIFY(!dateFromJson(QStringLiteral("yesterday")).isValid());
        QVERIFY(!dateFromJson(QJsonValue(42)).isValid());
    }

    void lenientReading()
    {
        Run r;
        QVERIFY(fromJson(QJsonObject{{QStringLiteral("id"), 5},
                                     {QStringLiteral("status"), QStringLiteral("exploded")},
                                     {QStringLiteral("stages"), QStringLiteral("nope")}},
                         &r));
        QCOMPARE(r.id, QString());
        QVERIFY(r.status == RunStatus::Unknown);
        QCOMPARE(r.attempt, 1);
        QVERIFY(r.stages.isEmpty());

        QString error;
        QVERIFY(!fromJson(QJsonValue(QStringLiteral("x")), &r, &error));
        QCOMPARE(error, QStringLiteral("Run: expected a JSON object"));

        ReleaseAction a;
        QVERIFY(!fromJson(QJsonObject{{QStringLiteral("verb"), QStringLiteral("explode")}}, &a,
                          &error));
        QCOMPARE(error, QStringLiteral("ReleaseAction.verb: unknown verb \"explode\""));

        int skipped = 0;
        const auto events = listFromJson<TimelineEvent>(
            QJsonArray{toJson(sampleEvent()), 3, QStringLiteral("x")}, &skipped);
        QCOMPARE(events.size(), 1);
        QCOMPARE(skipped, 2);
    }
};

QTEST_GUILESS_MAIN(TestDomainJson)
#include "tst_domain_json.moc"
