#include "demoestate.h"

namespace fd::test {

namespace {

constexpr int All = int(RecordKind::Runs) | int(RecordKind::Deployments) |
                    int(RecordKind::Environments) | int(RecordKind::Gates) |
                    int(RecordKind::Rollouts);

QString sha(int n)
{
    QString s = QStringLiteral("%1").arg(quint64(0x9e3779b97f4a7c15ULL * quint64(n + 1)), 16, 16,
                                         QLatin1Char('0'));
    return (s + s + s).left(40);
}

EnvironmentState env(const QString &conn,
                     const QString &svc,
                     const QString &e,
                     const QString &version,
                     Health h,
                     SyncState sync,
                     const QDateTime &at)
{
    EnvironmentState s;
    s.connectionId = conn;
    s.service = svc;
    s.environment = e;
    s.object = svc + QLatin1Char('-') + e;
    s.version = version;
    s.commit = sha(int(qHash(version) % 1000));
    s.health = h;
    s.sync = sync;
    s.deployedAt = at;
    s.deployedBy = QStringLiteral("deploy-bot");
    s.url = QUrl(QStringLiteral("http://127.0.0.1:8080/applications/%1-%2").arg(svc, e));
    return s;
}

Run run(const QString &conn,
        const QString &id,
        const QString &svc,
        const QString &pipeline,
        int number,
        const QString &branch,
        const QString &actor,
        RunStatus status,
        const QDateTime &start,
        const QList<RunStatus> &stages)
{
    Run r;
    r.connectionId = conn;
    r.id = id;
    r.service = svc;
    r.pipeline = pipeline;
    r.number = QString::number(number);
    r.branch = branch;
    r.commit = sha(number);
    r.actor = actor;
    r.status = status;
    r.created = start;
    r.started = start;
    if (isFinished(status))
        r.finished = start.addSecs(60 + number % 300);
    const QStringList names{QStringLiteral("build"), QStringLiteral("test"),
                            QStringLiteral("package"), QStringLiteral("deploy")};
    for (int i = 0; i < stages.size(); ++i) {
        Stage s;
        s.name = names.value(i, QStringLiteral("stage %1").arg(i));
        s.status = stages.at(i);
        s.started = start.addSecs(i * 40);
        if (isFinished(stages.at(i))) {
            s.finished = s.started.addSecs(35);
            s.durationMs = 35000;
        }
        s.id = QString::number(i + 1);
        if (i == 1)
            s.steps = {Stage{QStringLiteral("unit"),
                             stages.at(i),
                             s.started,
                             s.finished,
                             s.durationMs,
                             {},
                             {}},
                       Stage{QStringLiteral("integration"),
                             stages.at(i),
                             s.started,
                             s.finished,
                             s.durationMs,
                             {},
                             {}}};
        r.stages << s;
    }
    r.url = QUrl(QStringLiteral("http://127.0.0.1:9000/runs/%1").arg(id));
    return r;
}

} // namespace

Rollout DemoEstate::canary(
    const QDateTime &now, int step, int weight, bool paused, const QList<RolloutAction> &actions)
{
    Rollout r;
    r.connectionId = QStringLiteral("argocd");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.application = QStringLiteral("checkout-prod");
    r.name = QStringLiteral("checkout");
    r.nameSpace = QStringLiteral("checkout");
    r.strategy = QStringLiteral("canary");
    using K = RolloutStep::Kind;
    r.steps = {RolloutStep{K::SetWeight, 10, -1, QStringLiteral("setWeight 10")},
               RolloutStep{K::Pause, -1, -1, QStringLiteral("pause")},
               RolloutStep{K::SetWeight, 25, -1, QStringLiteral("setWeight 25")},
               RolloutStep{K::Analysis, -1, -1, QStringLiteral("success-rate")},
               RolloutStep{K::SetWeight, 50, -1, QStringLiteral("setWeight 50")},
               RolloutStep{K::Pause, -1, 300, QStringLiteral("pause 5m")},
               RolloutStep{K::SetWeight, 100, -1, QStringLiteral("setWeight 100")}};
    r.currentStepIndex = step;
    r.step = QStringLiteral("%1/%2").arg(step).arg(r.steps.size());
    r.setWeight = 0;
    for (int i = 0; i <= step && i < r.steps.size(); ++i)
        if (r.steps.at(i).kind == K::SetWeight)
            r.setWeight = r.steps.at(i).weight;
    r.actualWeight = weight;
    r.canaryWeight = weight;
    r.stableWeight = 100 - weight;
    r.replicas = {4, 5, 1, 5, 5};
    r.images = {RolloutImage{QStringLiteral("ghcr.io/acme/checkout:v2.3.1"), {QStringLiteral("stable")}},
                RolloutImage{QStringLiteral("ghcr.io/acme/checkout:v2.4.0"), {QStringLiteral("canary")}}};
    r.phase = paused ? RolloutPhase::Paused : RolloutPhase::Progressing;
    r.paused = paused;
    if (paused) {
        r.pauseReasons = {QStringLiteral("CanaryPauseStep")};
        r.statusReason = r.message = QStringLiteral("CanaryPauseStep");
    }
    r.analysisStatus = QStringLiteral("Successful (success-rate 99.7%)");
    r.stableVersion = QStringLiteral("v2.3.1");
    r.canaryVersion = QStringLiteral("v2.4.0");
    r.actions = actions;
    r.updated = now;
    return r;
}

void DemoEstate::publish(Estate &estate, const QDateTime &now)
{
    using H = Health;
    using S = SyncState;
    const QDateTime h1 = now.addSecs(-3600);
    RecordSet argo;
    const QStringList services{QStringLiteral("checkout"), QStringLiteral("payments"),
                               QStringLiteral("search"), QStringLiteral("inventory"),
                               QStringLiteral("frontend")};
    const QStringList versions{QStringLiteral("v2.4.0"), QStringLiteral("v1.9.3"),
                               QStringLiteral("v0.14.2"), QStringLiteral("v3.1.0"),
                               QStringLiteral("v5.0.0-rc.2")};
    for (int i = 0; i < services.size(); ++i) {
        argo.environments << env(QStringLiteral("argocd"), services[i], QStringLiteral("dev"),
                                 versions[i], H::Healthy, S::Synced, h1.addSecs(i * 60));
        argo.environments << env(QStringLiteral("argocd"), services[i], QStringLiteral("staging"),
                                 i == 2 ? sha(77) : versions[i],
                                 i == 1 ? H::Progressing : H::Healthy,
                                 i == 3 ? S::OutOfSync : S::Synced, h1.addSecs(-7200 + i * 60));
    }
    auto prod = env(QStringLiteral("argocd"), QStringLiteral("checkout"), QStringLiteral("prod"),
                    QStringLiteral("v2.3.1"), H::Progressing, S::Synced, now.addSecs(-86400));
    prod.canaryWeight = 25;
    argo.environments << prod;
    argo.environments << env(QStringLiteral("argocd"), QStringLiteral("payments"),
                             QStringLiteral("prod"), QStringLiteral("v1.9.2"), H::Degraded,
                             S::OutOfSync, now.addSecs(-3 * 86400));
    argo.environments.last().driftCount = 2;
    argo.environments.last().healthMessage =
        QStringLiteral("Deployment payments: 1/3 replicas unavailable");
    argo.environments << env(QStringLiteral("argocd"), QStringLiteral("inventory"),
                             QStringLiteral("prod"), QStringLiteral("v3.0.4"), H::Healthy,
                             S::Synced, now.addSecs(-5 * 86400));
    argo.rollouts << canary(now, 3, 25, false,
                            {RolloutAction{QStringLiteral("resume"), true},
                             RolloutAction{QStringLiteral("promote-full"), false},
                             RolloutAction{QStringLiteral("pause"), false},
                             RolloutAction{QStringLiteral("abort"), false},
                             RolloutAction{QStringLiteral("retry"), true}});
    for (int i = 0; i < 4; ++i) {
        Deployment d;
        d.connectionId = QStringLiteral("argocd");
        d.id = QString::number(40 + i);
        d.service = QStringLiteral("checkout");
        d.environment = QStringLiteral("prod");
        d.version = QStringLiteral("v2.%1.%2").arg(i < 2 ? 2 : 3).arg(i % 2);
        d.commit = sha(200 + i);
        d.status = DeployStatus::Succeeded;
        d.created = now.addSecs(-86400 * (5 - i));
        d.finished = d.created.addSecs(240);
        d.actor = i % 2 ? QStringLiteral("jisoo") : QStringLiteral("deploy-bot");
        d.url = QUrl(QStringLiteral("http://127.0.0.1:8080/applications/checkout-prod?history=%1")
                         .arg(40 + i));
        argo.deployments << d;
    }
    estate.publish(QStringLiteral("argocd"), argo, All);
    ConnectionHealth ok;
    ok.state = ConnectionHealth::State::Ok;
    ok.lastSuccess = now;
    estate.healthChanged(QStringLiteral("argocd"), ok);

    RecordSet gh;
    int n = 1200;
    const QList<RunStatus> done{RunStatus::Succeeded, RunStatus::Succeeded, RunStatus::Succeeded,
                                RunStatus::Succeeded};
    gh.runs << run(
        QStringLiteral("github"), QStringLiteral("9001"), QStringLiteral("checkout"),
        QStringLiteral("ci"), n++, QStringLiteral("main"), QStringLiteral("mina"),
        RunStatus::Running, now.addSecs(-95),
        {RunStatus::Succeeded, RunStatus::Running, RunStatus::Queued, RunStatus::Queued});
    gh.runs << run(QStringLiteral("github"), QStringLiteral("9000"), QStringLiteral("checkout"),
                   QStringLiteral("deploy"), n++, QStringLiteral("main"),
                   QStringLiteral("deploy-bot"), RunStatus::Waiting, now.addSecs(-600),
                   {RunStatus::Succeeded, RunStatus::Succeeded, RunStatus::Waiting});
    gh.runs << run(QStringLiteral("github"), QStringLiteral("8990"), QStringLiteral("frontend"),
                   QStringLiteral("ci"), n++, QStringLiteral("feature/new-cart"),
                   QStringLiteral("joon"), RunStatus::Failed, now.addSecs(-1800),
                   {RunStatus::Succeeded, RunStatus::Failed, RunStatus::Skipped});
    for (int i = 0; i < 8; ++i)
        gh.runs << run(QStringLiteral("github"), QString::number(8900 - i), services[i % 5],
                       QStringLiteral("ci"), n++, QStringLiteral("main"), QStringLiteral("mina"),
                       RunStatus::Succeeded, now.addSecs(-3600 * (i + 1)), done);
    Gate g1;
    g1.connectionId = QStringLiteral("github");
    g1.id = QStringLiteral("pending-9000");
    g1.kind = GateKind::GitHubPendingDeployment;
    g1.service = QStringLiteral("checkout");
    g1.environment = QStringLiteral("staging");
    g1.title = QStringLiteral("Deploy checkout v2.4.0 to staging");
    g1.runId = QStringLiteral("9000");
    g1.since = now.addSecs(-600);
    g1.approvers = {QStringLiteral("release-managers")};
    g1.url = QUrl(QStringLiteral("http://127.0.0.1:9000/runs/9000"));
    gh.gates << g1;
    estate.publish(QStringLiteral("github"), gh, All);
    estate.healthChanged(QStringLiteral("github"), ok);

    RecordSet jk;
    jk.runs << run(QStringLiteral("jenkins"), QStringLiteral("payments/deploy-prod#88"),
                   QStringLiteral("payments"), QStringLiteral("payments/deploy-prod"), 88,
                   QStringLiteral("main"), QStringLiteral("hyun"), RunStatus::Waiting,
                   now.addSecs(-1500), {RunStatus::Succeeded, RunStatus::Waiting});
    jk.runs << run(QStringLiteral("jenkins"), QStringLiteral("payments/build#412"),
                   QStringLiteral("payments"), QStringLiteral("payments/build"), 412,
                   QStringLiteral("main"), QStringLiteral("hyun"), RunStatus::Succeeded,
                   now.addSecs(-2500), done);
    Gate g2;
    g2.connectionId = QStringLiteral("jenkins");
    g2.id = QStringLiteral("payments/deploy-prod#88/input");
    g2.kind = GateKind::JenkinsInput;
    g2.service = QStringLiteral("payments");
    g2.environment = QStringLiteral("prod");
    g2.title = QStringLiteral("Proceed with payments v1.9.3 to prod?");
    g2.since = now.addSecs(-1400);
    g2.approvers = {QStringLiteral("hyun"), QStringLiteral("mina")};
    jk.gates << g2;
    estate.publish(QStringLiteral("jenkins"), jk, All);
    ConnectionHealth limited;
    limited.state = ConnectionHealth::State::RateLimited;
    limited.rateLimitedUntil = now.addSecs(900);
    limited.reason = QStringLiteral("429 Too Many Requests");
    estate.healthChanged(QStringLiteral("jenkins"), limited);

    RecordSet gl;
    gl.runs << run(QStringLiteral("gitlab"), QStringLiteral("5531"), QStringLiteral("search"),
                   QStringLiteral("platform/search"), 5531, QStringLiteral("main"),
                   QStringLiteral("sora"), RunStatus::Succeeded, now.addSecs(-5000), done);
    gl.runs << run(QStringLiteral("gitlab"), QStringLiteral("5532"), QStringLiteral("search"),
                   QStringLiteral("platform/search"), 5532, QStringLiteral("hotfix/ranking"),
                   QStringLiteral("sora"), RunStatus::Cancelled, now.addSecs(-4000),
                   {RunStatus::Succeeded, RunStatus::Cancelled});
    gl.environments << env(QStringLiteral("gitlab"), QStringLiteral("search"),
                           QStringLiteral("prod"), QStringLiteral("v0.14.1"), H::Healthy, S::Synced,
                           now.addSecs(-2 * 86400));
    Gate g3;
    g3.connectionId = QStringLiteral("gitlab");
    g3.id = QStringLiteral("deployment-311");
    g3.kind = GateKind::GitLabBlockedDeployment;
    g3.service = QStringLiteral("search");
    g3.environment = QStringLiteral("prod");
    g3.title = QStringLiteral("Deploy search v0.14.2 to prod");
    g3.since = now.addSecs(-7200);
    g3.approvers = {QStringLiteral("platform-leads")};
    gl.gates << g3;
    // GitLab is unreachable: what it last said comes from the cache, greyed with its age.
    estate.restore(QStringLiteral("gitlab"), gl, now.addSecs(-2 * 3600));
    ConnectionHealth down;
    down.state = ConnectionHealth::State::Unreachable;
    down.reason = QStringLiteral("connection refused");
    estate.healthChanged(QStringLiteral("gitlab"), down);
}

} // namespace fd::test
