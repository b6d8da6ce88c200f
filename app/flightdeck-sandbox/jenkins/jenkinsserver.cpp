#include "jenkinsserver.h"
#include "jenkinscomputers.h"

#include "core/backends.h"
#include "jenkinstree.h"

#include <QDateTime>
#include <QUrl>

#include <httplib.h>

namespace fd::sandbox {

namespace {

// Stapler writes "application/json;charset=utf-8" (no space).
void sendJenkinsJson(httplib::Response &res, int status, const QJsonDocument &doc)
{
    sendJson(res, status, doc, "application/json;charset=utf-8");
}

constexpr auto kJenkinsVersion = "2.462.3";
const QString kFolderClass = QStringLiteral("com.cloudbees.hudson.plugins.folder.Folder");
const QString kMultiBranchClass =
    QStringLiteral("org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject");
const QString kWorkflowJobClass = QStringLiteral("org.jenkinsci.plugins.workflow.job.WorkflowJob");
const QString kFreestyleClass = QStringLiteral("hudson.model.FreeStyleProject");
const QString kWorkflowRunClass = QStringLiteral("org.jenkinsci.plugins.workflow.job.WorkflowRun");
const QString kFreestyleBuildClass = QStringLiteral("hudson.model.FreeStyleBuild");

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}
std::string s(const QString &q)
{
    return q.toStdString();
}
QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QString encodeSegment(const QString &name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(name));
}

QString decodeSegment(const QString &segment)
{
    return QUrl::fromPercentEncoding(segment.toUtf8());
}

// Sets fields on a JSON object only when the selection asks for them, so a narrow
// `tree=` never pays for the fields it does not want.
class Fields
{
public:
    Fields(const JenkinsSelection &sel, QStringList shallow, const QString &cls)
        : m_sel(sel)
        , m_shallow(std::move(shallow))
    {
        if (!cls.isEmpty())
            m_obj.insert(QLatin1String("_class"), cls);
    }
    template <typename F>
    void put(const char *name, F &&value)
    {
        const QString k = key(name);
        if (m_sel.wants(k, m_shallow))
            m_obj.insert(k, QJsonValue(value()));
    }
    const JenkinsSelection &sel() const { return m_sel; }
    QJsonObject take() { return std::move(m_obj); }

private:
    const JenkinsSelection &m_sel;
    QStringList m_shallow;
    QJsonObject m_obj;
};

template <typename T, typename F>
QJsonArray sliced(const JenkinsSelection &sel, const QString &name, const QList<T> &list, F &&fn)
{
    int from = 0, to = 0;
    sel.range(name, int(list.size()), &from, &to);
    QJsonArray out;
    for (int i = from; i < to; ++i)
        out.append(fn(list.at(i)));
    return out;
}

QJsonValue nullable(const QString &v)
{
    return v.isEmpty() ? QJsonValue() : QJsonValue(v);
}

SimDeploy
deployOf(const QString &version, const QString &sha, qint64 atMs, const QString &by, bool succeeded)
{
    SimDeploy d;
    d.version = version;
    d.sha = sha;
    d.atMs = atMs;
    d.by = by;
    d.succeeded = succeeded;
    return d;
}

QJsonObject link(const QString &href)
{
    return QJsonObject{{QLatin1String("href"), href}};
}

} // namespace

struct JenkinsServer::Request
{
    const httplib::Request &http;
    QString method;
    QString root;         // http://host:port/
    QStringList segments; // raw (still percent-encoded) path segments
    QString authUser;
    bool tokenAuth = false;
    QString session;
    QString param(const char *name) const { return q(http.get_param_value(name)); }
    bool hasParam(const char *name) const { return http.has_param(name); }
};

JenkinsServer::JenkinsServer(Sandbox &sandbox)
    : BackendServer(QStringLiteral("jenkins"), sandbox)
{
    const QString seed = QString::number(sandbox.world().seed);
    m_user = QStringLiteral("flightdeck");
    m_token = QStringLiteral("11") + stableHex(QStringLiteral("jenkins-token:") + seed, 32);
    m_password = stableHex(QStringLiteral("jenkins-password:") + seed, 16);
    build();
}

std::unique_ptr<BackendServer> makeJenkinsServer(Sandbox &sandbox)
{
    return std::make_unique<JenkinsServer>(sandbox);
}

QJsonObject JenkinsServer::credentials() const
{
    return QJsonObject{{QLatin1String("user"), m_user}, {QLatin1String("token"), m_token}};
}

int JenkinsServer::depthRequestCount() const
{
    return m_depthRequests.load();
}

int JenkinsServer::jobCount() const
{
    int n = 0;
    for (const Job &j : m_jobs) {
        if (j.kind == JobKind::Workflow || j.kind == JobKind::Freestyle)
            ++n;
    }
    return n;
}

void JenkinsServer::reset()
{
    std::lock_guard guard(sandbox().lock());
    m_jobs.clear();
    m_root.clear();
    m_queue.clear();
    m_active.clear();
    m_sessions.clear();
    m_nextQueueId = 1;
    m_depthRequests = 0;
    build();
}

// ---- the estate ----

JenkinsServer::Job &
JenkinsServer::addJob(const QString &parentKey, const QString &name, JobKind kind)
{
    const QString k =
        (parentKey.isEmpty() ? QString() : parentKey + QLatin1Char('/')) + encodeSegment(name);
    auto it = m_jobs.find(k);
    if (it != m_jobs.end())
        return *it;
    Job job;
    job.key = k;
    job.name = name;
    job.kind = kind;
    if (parentKey.isEmpty())
        m_root.append(k);
    else
        m_jobs[parentKey].children.append(k);
    return *m_jobs.insert(k, job);
}

void JenkinsServer::ensureFolders(const QStringList &segments, QString *parentKey)
{
    QString parent;
    for (const QString &seg : segments) {
        Job &f = addJob(parent, seg, JobKind::Folder);
        parent = f.key;
    }
    *parentKey = parent;
}

JenkinsServer::Build JenkinsServer::makeBuild(Job &job,
                                              qint64 startMs,
                                              const QList<QPair<QString, QString>> &params,
                                              const QString &causeUser)
{
    Build b;
    b.number = job.nextBuildNumber++;
    b.startMs = startMs;
    b.params = params;
    b.causeUser = causeUser;
    qint64 total = 0;
    for (int i = 0; i < job.stagePlan.size(); ++i) {
        Stage st;
        st.name = job.stagePlan.at(i);
        st.durationMs = job.stageDurations.value(i, 10000);
        st.input = i == job.inputStage;
        total += st.durationMs;
        b.stages.append(st);
    }
    b.estimatedMs = total;
    return b;
}

void JenkinsServer::startBuild(Job &job, Build &b)
{
    b.building = true;
    b.log += b.causeUser.isEmpty() ? QByteArrayLiteral("Started by an SCM change\n")
                                   : "Started by user " + b.causeUser.toUtf8() + '\n';
    if (job.kind == JobKind::Freestyle)
        b.log += "Running as SYSTEM\nBuilding in workspace /var/jenkins_home/workspace/" +
                 job.name.toUtf8() + '\n';
    else
        b.log += QByteArrayLiteral("[Pipeline] Start of Pipeline\n[Pipeline] node\n");
}

void JenkinsServer::finishBuild(Build &b, qint64 at, const QString &result)
{
    b.building = false;
    b.result = result;
    b.endMs = at;
    if (!b.artifact.isEmpty() && result == QLatin1String("SUCCESS"))
        b.log += "Archiving artifacts\n";
    b.log += QByteArrayLiteral("[Pipeline] End of Pipeline\nFinished: ") + result.toUtf8() + '\n';
}

void JenkinsServer::advanceBuild(Job &job, Build &b, qint64 now)
{
    const bool pipeline = job.kind != JobKind::Freestyle;
    while (b.building) {
        if (b.current >= b.stages.size()) {
            const qint64 end = b.stages.isEmpty() ? b.startMs : b.stages.last().endMs;
            finishBuild(b, end, QStringLiteral("SUCCESS"));
            return;
        }
        Stage &st = b.stages[b.current];
        if (st.startMs < 0) {
            st.startMs = b.current == 0 ? b.startMs : b.stages.at(b.current - 1).endMs;
            if (pipeline)
                b.log += "[Pipeline] stage\n[Pipeline] { (" + st.name.toUtf8() + ")\n";
        }
        if (st.input && b.input != InputState::None) {
            if (b.input == InputState::Pending) {
                b.input = InputState::Waiting;
                b.log += "[Pipeline] input\n" + b.inputMessage.toUtf8() + "\nProceed or Abort\n";
            }
            if (b.input == InputState::Waiting)
                return;
            st.endMs = qMax(st.startMs, b.inputAnsweredMs);
            if (b.input == InputState::Aborted) {
                st.status = QStringLiteral("ABORTED");
                b.log += "Rejected by " + b.inputAnsweredBy.toUtf8() + "\n[Pipeline] }\n";
                finishBuild(b, st.endMs, QStringLiteral("ABORTED"));
                return;
            }
            st.status = QStringLiteral("SUCCESS");
            b.log += "Approved by " + b.inputAnsweredBy.toUtf8() + "\n[Pipeline] }\n";
            ++b.current;
            continue;
        }
        const qint64 end = st.startMs + st.durationMs;
        if (now < end)
            return;
        st.endMs = end;
        if (b.current == b.failStage) {
            st.status = QStringLiteral("FAILED");
            b.log += "+ ./ci/" + st.name.toLower().toUtf8() + ".sh\nscript returned exit code 1\n";
            if (pipeline)
                b.log += "[Pipeline] }\n";
            b.log += "ERROR: script returned exit code 1\n";
            finishBuild(b, end, QStringLiteral("FAILURE"));
            return;
        }
        st.status = QStringLiteral("SUCCESS");
        if (st.input)
            b.log += "Approved by " + b.causeUser.toUtf8() + '\n';
        else
            b.log += "+ ./ci/" + st.name.toLower().toUtf8() + ".sh\n" + st.name.toUtf8() +
                     " ok for " + b.sha.left(7).toUtf8() + '\n';
        if (pipeline)
            b.log += "[Pipeline] }\n";
        ++b.current;
    }
}

void JenkinsServer::advanceLive(Job &job, Build &b, qint64 now)
{
    const bool wasBuilding = b.building;
    advanceBuild(job, b, now);
    if (!wasBuilding || b.building || b.result != QLatin1String("SUCCESS") ||
        job.kindHint != QLatin1String("deploy"))
        return;
    for (const auto &[name, value] : std::as_const(b.params))
        if (name == QLatin1String("VERSION"))
            sandbox().deployed(job.service, job.environment, value, b.endMs);
}

void JenkinsServer::addHistoryBuild(Job &job, const SimDeploy &d, qint64 durationScale)
{
    qint64 total = 0;
    for (qint64 ms : job.stageDurations)
        total += ms * durationScale;
    QList<QPair<QString, QString>> params;
    for (const auto &[name, def] : job.paramDefs)
        params.append({name, name == QLatin1String("VERSION") ? d.version : def});
    Build b = makeBuild(job, d.atMs - total, params, d.by);
    for (Stage &st : b.stages)
        st.durationMs *= durationScale;
    b.sha = d.sha;
    if (!d.succeeded)
        b.failStage = qMax(0, b.stages.size() - 2);
    startBuild(job, b);
    advanceBuild(job, b, d.atMs + 1);
    job.builds.append(b);
}

void JenkinsServer::build()
{
    const World &world = sandbox().world();
    const qint64 epoch = sandbox().clock().epochMs();
    m_lastTickMs = epoch;
    const QStringList deployStages{QStringLiteral("Prepare"), QStringLiteral("Approval"),
                                   QStringLiteral("Deploy"), QStringLiteral("Verify")};
    const QList<qint64> deployDurations{8000, 180000, 45000, 20000};
    const QStringList ciStages{QStringLiteral("Checkout"), QStringLiteral("Build"),
                               QStringLiteral("Test"), QStringLiteral("Publish")};
    const QList<qint64> ciDurations{6000, 90000, 120000, 30000};

    auto commitOf = [](const SimService &svc, const QString &sha) -> const SimCommit * {
        for (const SimCommit &c : svc.commits) {
            if (c.sha == sha)
                return &c;
        }
        return nullptr;
    };
    auto fillCommit = [&](const SimService &svc, Build &b) {
        if (const SimCommit *c = commitOf(svc, b.sha)) {
            b.commitSubject = c->subject;
            b.commitAuthor = c->author;
            b.commitEmail = c->email;
            b.commitTimeMs = c->timeMs;
        } else {
            b.commitSubject = QStringLiteral("Release ") + svc.name;
            b.commitAuthor = QStringLiteral("ci-bot");
            b.commitEmail = QStringLiteral("ci-bot@example.com");
            b.commitTimeMs = b.startMs;
        }
    };

    QStringList servicesDone;
    bool failurePlaced = false;
    for (const SimService &svc : world.services) {
        bool onJenkins = svc.ciBackend == QLatin1String("jenkins");
        for (const SimTarget &t : svc.targets) {
            if (t.backend != QLatin1String("jenkins"))
                continue;
            onJenkins = true;
            QStringList segs = t.object.split(QLatin1Char('/'), Qt::SkipEmptyParts);
            if (segs.isEmpty())
                continue;
            const QString leaf = segs.takeLast();
            QString parent;
            ensureFolders(segs, &parent);
            Job &job = addJob(parent, leaf, JobKind::Workflow);
            job.service = svc.name;
            job.environment = t.environment;
            job.kindHint = QStringLiteral("deploy");
            job.description = QStringLiteral("Deploys %1 to %2").arg(svc.name, t.environment);
            job.paramDefs = {{QStringLiteral("VERSION"),
                              t.history.isEmpty() ? QString() : t.history.last().version},
                             {QStringLiteral("DRY_RUN"), QStringLiteral("false")}};
            job.stagePlan = deployStages;
            job.stageDurations = deployDurations;
            job.inputStage = (t.protectedEnv || t.environment == QLatin1String("prod")) ? 1 : -1;
            if (job.inputStage < 0) {
                job.stagePlan.removeAt(1);
                job.stageDurations.removeAt(1);
            }
            for (const SimDeploy &d : t.history) {
                addHistoryBuild(job, d, 1);
                fillCommit(svc, job.builds.last());
                job.builds.last().artifact =
                    QStringLiteral("deploy/%1-manifest.yaml").arg(t.environment);
            }
            if (t.pendingApproval && job.inputStage >= 0) {
                // The gate the scenario leaves open: the newest release, waiting at its input step.
                QString version = t.pendingVersion, sha = t.pendingSha;
                if (version.isEmpty() && !svc.releases.isEmpty()) {
                    version = svc.releases.last().version;
                    sha = svc.releases.last().sha;
                }
                Build b = makeBuild(job, epoch - 4 * 60000,
                                    {{QStringLiteral("VERSION"), version},
                                     {QStringLiteral("DRY_RUN"), QStringLiteral("false")}},
                                    QStringLiteral("release-bot"));
                b.sha = sha;
                b.input = InputState::Pending;
                b.inputMessage = QStringLiteral("Deploy to %1?").arg(t.environment);
                b.inputId = stableHex(job.key + QString::number(b.number), 32);
                b.inputId[0] = b.inputId.at(0).toUpper();
                b.artifact = QStringLiteral("deploy/%1-manifest.yaml").arg(t.environment);
                fillCommit(svc, b);
                startBuild(job, b);
                advanceBuild(job, b, epoch);
                job.builds.append(b);
                m_active.append({job.key, b.number});
            }
        }
        if (!onJenkins)
            continue;
        servicesDone.append(svc.name);
        // CI: the world's build pipeline, or `<service>/build` for services deployed here.
        QStringList ciSegs = (svc.ciBackend == QLatin1String("jenkins") && !svc.ciObject.isEmpty()
                                  ? svc.ciObject
                                  : svc.name + QStringLiteral("/build"))
                                 .split(QLatin1Char('/'), Qt::SkipEmptyParts);
        const QString ciLeaf = ciSegs.takeLast();
        QString ciParent;
        ensureFolders(ciSegs, &ciParent);
        Job &ci = addJob(ciParent, ciLeaf, JobKind::Workflow);
        ci.service = svc.name;
        ci.kindHint = QStringLiteral("ci");
        ci.description = QStringLiteral("Builds and tests %1").arg(svc.name);
        ci.stagePlan = ciStages;
        ci.stageDurations = ciDurations;
        ci.concurrent = true;
        for (int i = 0; i < svc.releases.size(); ++i) {
            const SimRelease &rel = svc.releases.at(i);
            if (!failurePlaced && i == svc.releases.size() - 1 && i > 0) {
                // One recent failure: the first try of the newest release broke its tests.
                SimDeploy failed =
                    deployOf(rel.version, rel.sha, rel.builtAtMs - 20 * 60000, QString(), false);
                addHistoryBuild(ci, failed, 1);
                Build &fb = ci.builds.last();
                fb.failStage = 2;
                fillCommit(svc, fb);
                fb.stages = makeBuild(ci, fb.startMs, {}, QString()).stages;
                --ci.nextBuildNumber;
                fb.current = 0;
                fb.log.clear();
                fb.building = true;
                fb.result.clear();
                startBuild(ci, fb);
                advanceBuild(ci, fb, rel.builtAtMs);
                failurePlaced = true;
            }
            addHistoryBuild(ci, deployOf(rel.version, rel.sha, rel.builtAtMs, QString(), true), 1);
            fillCommit(svc, ci.builds.last());
            ci.builds.last().artifact =
                QStringLiteral("dist/%1-%2.tar.gz").arg(svc.name, rel.version);
        }
        if (servicesDone.size() == 1 && !svc.commits.isEmpty()) {
            // A run in progress on the head of main.
            Build b = makeBuild(ci, epoch - 90000, {}, QString());
            b.sha = svc.commits.last().sha;
            b.artifact = QStringLiteral("dist/%1-snapshot.tar.gz").arg(svc.name);
            fillCommit(svc, b);
            startBuild(ci, b);
            advanceBuild(ci, b, epoch);
            ci.builds.append(b);
            m_active.append({ci.key, b.number});
        }
        const QString folderKey = ciParent;
        // A freestyle smoke job (no wfapi) and a multibranch project with two branches.
        Job &smoke = addJob(folderKey, QStringLiteral("smoke"), JobKind::Freestyle);
        smoke.service = svc.name;
        smoke.kindHint = QStringLiteral("smoke");
        smoke.description = QStringLiteral("Smoke tests for %1").arg(svc.name);
        smoke.paramDefs = {{QStringLiteral("TARGET_ENV"), QStringLiteral("staging")},
                           {QStringLiteral("DRY_RUN"), QStringLiteral("false")}};
        smoke.stagePlan = {QStringLiteral("Build")};
        smoke.stageDurations = {45000};
        for (int i = 0; i < qMin<qsizetype>(3, svc.releases.size()); ++i) {
            const SimRelease &rel = svc.releases.at(svc.releases.size() - 1 - i);
            addHistoryBuild(smoke,
                            deployOf(rel.version, rel.sha, rel.builtAtMs + 600000,
                                     QStringLiteral("flightdeck"), true),
                            1);
        }
        std::sort(smoke.builds.begin(), smoke.builds.end(),
                  [](const Build &a, const Build &b) { return a.startMs < b.startMs; });
        for (int i = 0; i < smoke.builds.size(); ++i) {
            smoke.builds[i].number = i + 1;
            smoke.builds[i].params = {{QStringLiteral("TARGET_ENV"), QStringLiteral("staging")},
                                      {QStringLiteral("DRY_RUN"), QStringLiteral("false")}};
            smoke.builds[i].artifact = QStringLiteral("smoke-report.txt");
            fillCommit(svc, smoke.builds[i]);
        }
        Job &mb = addJob(folderKey, QStringLiteral("branches"), JobKind::MultiBranch);
        mb.service = svc.name;
        mb.description = QStringLiteral("Branch and pull-request builds of %1").arg(svc.name);
        for (const QString &branch : {QStringLiteral("main"), QStringLiteral("release/1.x")}) {
            Job &bj = addJob(mb.key, branch, JobKind::Workflow);
            bj.service = svc.name;
            bj.kindHint = QStringLiteral("branch");
            bj.stagePlan = ciStages;
            bj.stageDurations = ciDurations;
            if (!svc.releases.isEmpty()) {
                const SimRelease &rel = svc.releases.last();
                addHistoryBuild(bj, deployOf(rel.version, rel.sha, rel.builtAtMs, QString(), true),
                                1);
                bj.builds.last().branch = branch;
                fillCommit(svc, bj.builds.last());
            }
        }
    }

    // The Job DSL seed job most Jenkins controllers keep at the root.
    if (!world.services.isEmpty()) {
        Job &seed = addJob(QString(), QStringLiteral("seed-jobs"), JobKind::Freestyle);
        seed.kindHint = QStringLiteral("seed");
        seed.description = QStringLiteral("Generates the job tree from jobs/*.groovy");
        seed.stagePlan = {QStringLiteral("Build")};
        seed.stageDurations = {15000};
        for (int i = 0; i < 2; ++i)
            addHistoryBuild(seed,
                            deployOf(QString(), stableHex(QStringLiteral("seed%1").arg(i)),
                                     epoch - (2 - i) * 86400000LL, QStringLiteral("flightdeck"),
                                     true),
                            1);
    }

    // scale:N: a fleet of deploy jobs so the per-poll payload can be measured at 1,000 jobs.
    if (world.scenario.startsWith(QLatin1String("scale:"))) {
        const int wanted = world.scenario.mid(6).toInt();
        int have = jobCount();
        int i = 0;
        while (have < wanted) {
            const QString folder = QStringLiteral("fleet-%1").arg(i / 100, 2, 10, QLatin1Char('0'));
            QString parent;
            ensureFolders({folder}, &parent);
            Job &job =
                addJob(parent, QStringLiteral("app-%1-deploy").arg(i, 4, 10, QLatin1Char('0')),
                       JobKind::Workflow);
            job.kindHint = QStringLiteral("deploy");
            job.paramDefs = {{QStringLiteral("VERSION"), QStringLiteral("v1.0.0")}};
            job.stagePlan = {deployStages.at(0), deployStages.at(2), deployStages.at(3)};
            job.stageDurations = {8000, 45000, 20000};
            for (int k = 0; k < 3; ++k) {
                const QString version = QStringLiteral("v1.%1.%2").arg(i % 7).arg(k);
                addHistoryBuild(job,
                                deployOf(version, stableHex(job.key + version),
                                         epoch - (3 - k) * 3600000LL - i * 1000LL,
                                         QStringLiteral("release-bot"), (i + k) % 13 != 0),
                                1);
                job.builds.last().artifact = QStringLiteral("deploy/manifest.yaml");
            }
            ++have;
            ++i;
        }
    }
}

// ---- the clock ----

int JenkinsServer::enqueue(Job &job,
                           const QList<QPair<QString, QString>> &params,
                           qint64 delayMs,
                           const QString &causeUser)
{
    const qint64 now = sandbox().clock().nowMs();
    QueueItem item;
    item.id = m_nextQueueId++;
    item.jobKey = job.key;
    item.params = params;
    item.causeUser = causeUser;
    item.inQueueSinceMs = now;
    item.readyAtMs = now + delayMs;
    m_queue.insert(item.id, item);
    return item.id;
}

JenkinsServer::Build *JenkinsServer::runningBuild(Job &job)
{
    for (Build &b : job.builds) {
        if (b.building)
            return &b;
    }
    return nullptr;
}

void JenkinsServer::advanceTo(qint64 now)
{
    if (now < m_lastTickMs)
        now = m_lastTickMs;
    m_lastTickMs = now;
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
        QueueItem &item = *it;
        if (item.left || now < item.readyAtMs)
            continue;
        Job &job = m_jobs[item.jobKey];
        if (!job.concurrent && runningBuild(job))
            continue; // blocked
        Build b = makeBuild(job, qMax(item.readyAtMs, now), item.params, item.causeUser);
        b.queueId = item.id;
        const Build *prev = job.builds.isEmpty() ? nullptr : &job.builds.last();
        b.sha = prev ? prev->sha : stableHex(job.key);
        b.commitSubject = prev ? prev->commitSubject : QStringLiteral("Initial commit");
        b.commitAuthor = prev ? prev->commitAuthor : m_user;
        b.commitEmail = prev ? prev->commitEmail : QStringLiteral("flightdeck@example.com");
        b.commitTimeMs = prev ? prev->commitTimeMs : now;
        b.artifact = prev ? prev->artifact : QString();
        if (job.inputStage >= 0) {
            b.input = InputState::Pending;
            b.inputMessage = QStringLiteral("Deploy to %1?").arg(job.environment);
            b.inputId = stableHex(job.key + QString::number(b.number), 32);
            b.inputId[0] = b.inputId.at(0).toUpper();
        }
        startBuild(job, b);
        job.builds.append(b);
        item.left = true;
        item.buildNumber = job.builds.last().number;
        m_active.append({job.key, item.buildNumber});
    }
    for (int i = 0; i < m_active.size();) {
        Job &job = m_jobs[m_active.at(i).first];
        Build *b = findBuild(job, QString::number(m_active.at(i).second));
        if (b)
            advanceLive(job, *b, now);
        if (!b || !b->building)
            m_active.removeAt(i);
        else
            ++i;
    }
}

void JenkinsServer::tick(qint64 simNowMs)
{
    std::lock_guard guard(sandbox().lock());
    advanceTo(simNowMs);
}

JenkinsServer::Build *JenkinsServer::findBuild(Job &job, const QString &ref)
{
    auto last = [&](auto pred) -> Build * {
        for (int i = job.builds.size() - 1; i >= 0; --i) {
            if (pred(job.builds[i]))
                return &job.builds[i];
        }
        return nullptr;
    };
    if (ref == QLatin1String("lastBuild"))
        return last([](const Build &) { return true; });
    if (ref == QLatin1String("lastSuccessfulBuild") || ref == QLatin1String("lastStableBuild"))
        return last([](const Build &b) { return b.result == QLatin1String("SUCCESS"); });
    if (ref == QLatin1String("lastFailedBuild"))
        return last([](const Build &b) { return b.result == QLatin1String("FAILURE"); });
    if (ref == QLatin1String("lastCompletedBuild"))
        return last([](const Build &b) { return !b.building; });
    if (ref == QLatin1String("lastUnsuccessfulBuild"))
        return last(
            [](const Build &b) { return !b.building && b.result != QLatin1String("SUCCESS"); });
    bool ok = false;
    const int n = ref.toInt(&ok);
    if (!ok)
        return nullptr;
    return last([n](const Build &b) { return b.number == n; });
}

// ---- rendering ----

QString JenkinsServer::jobPath(const Job &job) const
{
    QString out = QStringLiteral("/");
    for (const QString &seg : job.key.split(QLatin1Char('/')))
        out += QStringLiteral("job/") + seg + QLatin1Char('/');
    return out;
}

QString JenkinsServer::jobUrl(const QString &root, const Job &job) const
{
    return root + jobPath(job).mid(1);
}

QString JenkinsServer::color(const Job &job) const
{
    if (job.builds.isEmpty())
        return QStringLiteral("notbuilt");
    QString base = QStringLiteral("notbuilt");
    for (int i = job.builds.size() - 1; i >= 0; --i) {
        const Build &b = job.builds.at(i);
        if (b.building)
            continue;
        if (b.result == QLatin1String("SUCCESS"))
            base = QStringLiteral("blue");
        else if (b.result == QLatin1String("FAILURE"))
            base = QStringLiteral("red");
        else if (b.result == QLatin1String("UNSTABLE"))
            base = QStringLiteral("yellow");
        else
            base = QStringLiteral("aborted");
        break;
    }
    return job.builds.last().building ? base + QStringLiteral("_anime") : base;
}

QString JenkinsServer::runStatus(const Build &b) const
{
    if (b.building)
        return b.input == InputState::Waiting ? QStringLiteral("PAUSED_PENDING_INPUT")
                                              : QStringLiteral("IN_PROGRESS");
    if (b.result == QLatin1String("FAILURE"))
        return QStringLiteral("FAILED");
    if (b.result == QLatin1String("NOT_BUILT"))
        return QStringLiteral("NOT_EXECUTED");
    return b.result;
}

QString JenkinsServer::stageStatus(const Build &b, const Stage &st) const
{
    if (st.endMs >= 0)
        return st.status.isEmpty() ? QStringLiteral("SUCCESS") : st.status;
    if (st.input && b.input == InputState::Waiting)
        return QStringLiteral("PAUSED_PENDING_INPUT");
    if (!b.building)
        return b.result == QLatin1String("ABORTED") ? QStringLiteral("ABORTED")
                                                    : QStringLiteral("NOT_EXECUTED");
    return QStringLiteral("IN_PROGRESS");
}

QJsonValue JenkinsServer::renderBuildRef(const Request &r,
                                         const Job &job,
                                         const Build *b,
                                         const JenkinsSelection &sel) const
{
    if (!b)
        return QJsonValue();
    return renderBuild(r, job, *b, sel);
}

QJsonArray
JenkinsServer::renderBuildActions(const Job &job, const Build &b, const JenkinsSelection &sel) const
{
    // Each action is plain data: under a tree only the listed fields appear.
    QJsonArray out;
    auto action = [&](const QString &cls, const QList<QPair<const char *, QJsonValue>> &fields) {
        QJsonObject o{{QLatin1String("_class"), cls}};
        for (const auto &[name, value] : fields) {
            if (sel.wants(key(name)))
                o.insert(key(name), value);
        }
        out.append(o);
    };
    if (!b.params.isEmpty()) {
        const JenkinsSelection ps = sel.data(QStringLiteral("parameters"));
        QJsonArray params;
        for (const auto &[name, value] : b.params) {
            const bool boolean = value == QLatin1String("true") || value == QLatin1String("false");
            QJsonObject p{{QLatin1String("_class"),
                           boolean ? QStringLiteral("hudson.model.BooleanParameterValue")
                                   : QStringLiteral("hudson.model.StringParameterValue")}};
            if (ps.wants(QStringLiteral("name")))
                p.insert(QLatin1String("name"), name);
            if (ps.wants(QStringLiteral("value")))
                p.insert(QLatin1String("value"),
                         boolean ? QJsonValue(value == QLatin1String("true")) : QJsonValue(value));
            params.append(p);
        }
        action(QStringLiteral("hudson.model.ParametersAction"), {{"parameters", params}});
        // The badge plugin's summary: what this build was asked to do.
        QString summary;
        for (const auto &[name, value] : b.params)
            summary +=
                QStringLiteral("<b>%1</b>=%2 ").arg(name.toHtmlEscaped(), value.toHtmlEscaped());
        action(QStringLiteral("com.jenkinsci.plugins.badge.action.BadgeSummaryAction"),
               {{"text", summary.trimmed()}, {"iconPath", QStringLiteral("symbol-parameters")}});
    }
    {
        const JenkinsSelection cs = sel.data(QStringLiteral("causes"));
        QJsonObject c;
        if (b.causeUser.isEmpty()) {
            c.insert(QLatin1String("_class"),
                     QStringLiteral("hudson.triggers.SCMTrigger$SCMTriggerCause"));
            if (cs.wants(QStringLiteral("shortDescription")))
                c.insert(QLatin1String("shortDescription"),
                         QStringLiteral("Started by an SCM change"));
        } else {
            c.insert(QLatin1String("_class"), QStringLiteral("hudson.model.Cause$UserIdCause"));
            if (cs.wants(QStringLiteral("shortDescription")))
                c.insert(QLatin1String("shortDescription"),
                         QStringLiteral("Started by user ") + b.causeUser);
            if (cs.wants(QStringLiteral("userId")))
                c.insert(QLatin1String("userId"), b.causeUser);
            if (cs.wants(QStringLiteral("userName")))
                c.insert(QLatin1String("userName"), b.causeUser);
        }
        action(QStringLiteral("hudson.model.CauseAction"), {{"causes", QJsonArray{c}}});
    }
    action(QStringLiteral("jenkins.metrics.impl.TimeInQueueAction"),
           {{"blockedDurationMillis", 0}, {"queuingDurationMillis", 5000}});
    if (!b.sha.isEmpty()) {
        const JenkinsSelection bs = sel.data(QStringLiteral("lastBuiltRevision"));
        QJsonObject branch{
            {QLatin1String("SHA1"), b.sha},
            {QLatin1String("name"), QStringLiteral("refs/remotes/origin/") + b.branch}};
        QJsonObject rev;
        if (bs.wants(QStringLiteral("SHA1")))
            rev.insert(QLatin1String("SHA1"), b.sha);
        if (bs.wants(QStringLiteral("branch")))
            rev.insert(QLatin1String("branch"), QJsonArray{branch});
        action(QStringLiteral("hudson.plugins.git.util.BuildData"),
               {{"lastBuiltRevision", rev},
                {"remoteUrls",
                 QJsonArray{QStringLiteral("https://git.example.com/%1.git").arg(job.service)}},
                {"scmName", QString()}});
    }
    if (job.kind != JobKind::Freestyle) {
        if (job.inputStage >= 0)
            action(QStringLiteral("org.jenkinsci.plugins.workflow.support.steps.input.InputAction"),
                   {{"waitingForInput", b.input == InputState::Waiting}});
        action(QStringLiteral("org.jenkinsci.plugins.workflow.job.views.FlowGraphAction"), {});
    }
    out.append(QJsonObject{});
    action(QStringLiteral("org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction"), {});
    return out;
}

QJsonObject JenkinsServer::renderBuild(const Request &r,
                                       const Job &job,
                                       const Build &b,
                                       const JenkinsSelection &sel) const
{
    const bool freestyle = job.kind == JobKind::Freestyle;
    const qint64 now = m_lastTickMs;
    const QString url = jobUrl(r.root, job) + QString::number(b.number) + QLatin1Char('/');
    Fields f(sel, {QStringLiteral("number"), QStringLiteral("url")},
             freestyle ? kFreestyleBuildClass : kWorkflowRunClass);
    f.put("actions",
          [&] { return renderBuildActions(job, b, sel.data(QStringLiteral("actions"))); });
    f.put("artifacts", [&] {
        QJsonArray a;
        if (!b.artifact.isEmpty() && !b.building && b.result == QLatin1String("SUCCESS")) {
            const QString file = b.artifact.section(QLatin1Char('/'), -1);
            a.append(QJsonObject{{QLatin1String("displayPath"), file},
                                 {QLatin1String("fileName"), file},
                                 {QLatin1String("relativePath"), b.artifact}});
        }
        return a;
    });
    f.put("building", [&] { return b.building; });
    f.put("description", [&] { return QJsonValue(); });
    f.put("displayName", [&] { return QStringLiteral("#%1").arg(b.number); });
    f.put("duration", [&] { return b.building ? 0.0 : double(b.endMs - b.startMs); });
    f.put("estimatedDuration", [&] { return double(b.estimatedMs); });
    f.put("executor", [&] {
        return b.building ? QJsonValue(QJsonObject{{QLatin1String("_class"),
                                                    QStringLiteral("hudson.model.OneOffExecutor")}})
                          : QJsonValue();
    });
    f.put("fullDisplayName", [&] {
        return QStringLiteral("%1 #%2")
            .arg(job.key.split(QLatin1Char('/'))
                     .join(QStringLiteral(" » "))
                     .replace(QStringLiteral("%2F"), QStringLiteral("/")))
            .arg(b.number);
    });
    f.put("id", [&] { return QString::number(b.number); });
    f.put("inProgress", [&] { return b.building; });
    f.put("keepLog", [&] { return false; });
    f.put("number", [&] { return b.number; });
    f.put("queueId", [&] { return b.queueId; });
    f.put("result", [&] { return nullable(b.result); });
    f.put("timestamp", [&] { return double(b.startMs); });
    f.put("url", [&] { return url; });
    f.put("builtOn", [&] { return QString(); });
    auto changeItems = [&](const JenkinsSelection &cs) {
        QJsonArray items;
        if (b.sha.isEmpty())
            return items;
        const JenkinsSelection is = cs.data(QStringLiteral("items"));
        Fields it(is, {}, QStringLiteral("hudson.plugins.git.GitChangeSet"));
        const QString authorUrl = r.root + QStringLiteral("user/") + b.commitAuthor;
        it.put("affectedPaths", [&] { return QJsonArray{QStringLiteral("src/main.cpp")}; });
        it.put("commitId", [&] { return b.sha; });
        it.put("timestamp", [&] { return double(b.commitTimeMs); });
        it.put("author", [&] {
            return QJsonObject{{QLatin1String("absoluteUrl"), authorUrl},
                               {QLatin1String("fullName"), b.commitAuthor}};
        });
        it.put("authorEmail", [&] { return b.commitEmail; });
        it.put("comment", [&] { return b.commitSubject + QLatin1Char('\n'); });
        it.put("date", [&] {
            return QDateTime::fromMSecsSinceEpoch(b.commitTimeMs, Qt::UTC)
                       .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                   QStringLiteral(" +0000");
        });
        it.put("id", [&] { return b.sha; });
        it.put("msg", [&] { return b.commitSubject; });
        it.put("paths", [&] {
            return QJsonArray{QJsonObject{{QLatin1String("editType"), QStringLiteral("edit")},
                                          {QLatin1String("file"), QStringLiteral("src/main.cpp")}}};
        });
        items.append(it.take());
        return items;
    };
    if (freestyle) {
        f.put("changeSet", [&] {
            const JenkinsSelection cs = sel.data(QStringLiteral("changeSet"));
            QJsonObject o{
                {QLatin1String("_class"), QStringLiteral("hudson.plugins.git.GitChangeSetList")}};
            if (cs.wants(QStringLiteral("items")))
                o.insert(QLatin1String("items"), changeItems(cs));
            if (cs.wants(QStringLiteral("kind")))
                o.insert(QLatin1String("kind"), QStringLiteral("git"));
            return o;
        });
    } else {
        f.put("changeSets", [&] {
            const JenkinsSelection cs = sel.data(QStringLiteral("changeSets"));
            QJsonObject o{
                {QLatin1String("_class"), QStringLiteral("hudson.plugins.git.GitChangeSetList")}};
            if (cs.wants(QStringLiteral("items")))
                o.insert(QLatin1String("items"), changeItems(cs));
            if (cs.wants(QStringLiteral("kind")))
                o.insert(QLatin1String("kind"), QStringLiteral("git"));
            return QJsonArray{o};
        });
    }
    f.put("culprits", [&] {
        QJsonArray c;
        if (!b.commitAuthor.isEmpty())
            c.append(QJsonObject{
                {QLatin1String("absoluteUrl"), r.root + QStringLiteral("user/") + b.commitAuthor},
                {QLatin1String("fullName"), b.commitAuthor}});
        return c;
    });
    (void)now;
    return f.take();
}

QJsonObject
JenkinsServer::renderJob(const Request &r, const Job &job, const JenkinsSelection &sel) const
{
    const QString url = jobUrl(r.root, job);
    const bool folder = job.kind == JobKind::Folder || job.kind == JobKind::MultiBranch;
    const QString cls = job.kind == JobKind::Folder        ? kFolderClass
                        : job.kind == JobKind::MultiBranch ? kMultiBranchClass
                        : job.kind == JobKind::Workflow    ? kWorkflowJobClass
                                                           : kFreestyleClass;
    Fields f(sel,
             folder ? QStringList{QStringLiteral("name"), QStringLiteral("url")}
                    : QStringList{QStringLiteral("name"), QStringLiteral("url"),
                                  QStringLiteral("color")},
             cls);
    auto paramDefs = [&](const JenkinsSelection &ps) {
        QJsonArray defs;
        for (const auto &[name, def] : job.paramDefs) {
            const bool boolean = def == QLatin1String("true") || def == QLatin1String("false");
            const QJsonValue dv =
                boolean ? QJsonValue(def == QLatin1String("true")) : QJsonValue(def);
            Fields d(ps.data(QStringLiteral("parameterDefinitions")), {},
                     boolean ? QStringLiteral("hudson.model.BooleanParameterDefinition")
                             : QStringLiteral("hudson.model.StringParameterDefinition"));
            d.put("defaultParameterValue", [&] {
                return QJsonObject{{QLatin1String("_class"),
                                    boolean ? QStringLiteral("hudson.model.BooleanParameterValue")
                                            : QStringLiteral("hudson.model.StringParameterValue")},
                                   {QLatin1String("name"), name},
                                   {QLatin1String("value"), dv}};
            });
            d.put("description",
                  [&] { return QStringLiteral("The %1 to use").arg(name.toLower()); });
            d.put("name", [&] { return name; });
            d.put("type", [&] {
                return boolean ? QStringLiteral("BooleanParameterDefinition")
                               : QStringLiteral("StringParameterDefinition");
            });
            defs.append(d.take());
        }
        return defs;
    };
    f.put("actions", [&] {
        QJsonArray a;
        if (!job.paramDefs.isEmpty()) {
            const JenkinsSelection as = sel.data(QStringLiteral("actions"));
            QJsonObject o{{QLatin1String("_class"),
                           QStringLiteral("hudson.model.ParametersDefinitionProperty")}};
            if (as.wants(QStringLiteral("parameterDefinitions")))
                o.insert(QLatin1String("parameterDefinitions"), paramDefs(as));
            a.append(o);
        }
        a.append(QJsonObject{});
        a.append(QJsonObject{
            {QLatin1String("_class"),
             QStringLiteral("com.cloudbees.plugins.credentials.ViewCredentialsAction")}});
        return a;
    });
    f.put("description", [&] { return job.description; });
    f.put("displayName", [&] { return job.name; });
    f.put("displayNameOrNull", [&] { return QJsonValue(); });
    f.put("fullDisplayName", [&] {
        QStringList parts;
        for (const QString &seg : job.key.split(QLatin1Char('/')))
            parts.append(decodeSegment(seg));
        return parts.join(QStringLiteral(" » "));
    });
    f.put("fullName", [&] {
        QStringList parts;
        for (const QString &seg : job.key.split(QLatin1Char('/')))
            parts.append(decodeSegment(seg));
        return parts.join(QLatin1Char('/'));
    });
    f.put("name", [&] { return job.name; });
    f.put("url", [&] { return url; });
    f.put("healthReport", [&] {
        int ok = 0, n = 0;
        for (int i = job.builds.size() - 1; i >= 0 && n < 5; --i) {
            if (job.builds.at(i).building)
                continue;
            ++n;
            ok += job.builds.at(i).result == QLatin1String("SUCCESS");
        }
        const int score = n ? ok * 100 / n : 100;
        const QString bucket = score > 80   ? QStringLiteral("80plus")
                               : score > 60 ? QStringLiteral("60to79")
                               : score > 40 ? QStringLiteral("40to59")
                               : score > 20 ? QStringLiteral("20to39")
                                            : QStringLiteral("00to19");
        return QJsonArray{
            QJsonObject{{QLatin1String("description"),
                         QStringLiteral("Build stability: %1 out of the last %2 builds failed.")
                             .arg(n - ok)
                             .arg(n)},
                        {QLatin1String("iconClassName"), QStringLiteral("icon-health-") + bucket},
                        {QLatin1String("iconUrl"), QStringLiteral("health-%1.png").arg(bucket)},
                        {QLatin1String("score"), score}}};
    });
    if (folder) {
        f.put("jobs", [&] {
            const JenkinsSelection js = sel.model(QStringLiteral("jobs"));
            return sliced(sel, QStringLiteral("jobs"), job.children,
                          [&](const QString &k) { return renderJob(r, m_jobs.value(k), js); });
        });
        f.put("primaryView", [&] {
            return QJsonObject{{QLatin1String("_class"), QStringLiteral("hudson.model.AllView")},
                               {QLatin1String("name"), QStringLiteral("All")},
                               {QLatin1String("url"), url}};
        });
        return f.take();
    }
    auto buildAt = [&](auto pred) -> const Build * {
        for (int i = job.builds.size() - 1; i >= 0; --i) {
            if (pred(job.builds.at(i)))
                return &job.builds.at(i);
        }
        return nullptr;
    };
    auto ref = [&](const char *name, auto pred) {
        f.put(name, [&] { return renderBuildRef(r, job, buildAt(pred), sel.model(key(name))); });
    };
    f.put("buildable", [&] { return true; });
    f.put("builds", [&] {
        const JenkinsSelection bs = sel.model(QStringLiteral("builds"));
        QList<const Build *> recent;
        for (int i = job.builds.size() - 1; i >= 0 && recent.size() < 100; --i)
            recent.append(&job.builds.at(i));
        return sliced(sel, QStringLiteral("builds"), recent,
                      [&](const Build *b) { return renderBuild(r, job, *b, bs); });
    });
    f.put("allBuilds", [&] {
        if (sel.mode() != JenkinsSelection::Mode::Tree)
            return QJsonValue(); // allBuilds is only exported on request
        const JenkinsSelection bs = sel.model(QStringLiteral("allBuilds"));
        QList<const Build *> all;
        for (int i = job.builds.size() - 1; i >= 0; --i)
            all.append(&job.builds.at(i));
        return QJsonValue(sliced(sel, QStringLiteral("allBuilds"), all,
                                 [&](const Build *b) { return renderBuild(r, job, *b, bs); }));
    });
    f.put("color", [&] { return color(job); });
    f.put("firstBuild", [&] {
        return renderBuildRef(r, job, job.builds.isEmpty() ? nullptr : &job.builds.first(),
                              sel.model(QStringLiteral("firstBuild")));
    });
    const QueueItem *queued = nullptr;
    for (const QueueItem &item : m_queue) {
        if (item.jobKey == job.key && !item.left)
            queued = &item;
    }
    f.put("inQueue", [&] { return queued != nullptr; });
    f.put("keepDependencies", [&] { return false; });
    ref("lastBuild", [](const Build &) { return true; });
    ref("lastCompletedBuild", [](const Build &b) { return !b.building; });
    ref("lastFailedBuild", [](const Build &b) { return b.result == QLatin1String("FAILURE"); });
    ref("lastStableBuild", [](const Build &b) { return b.result == QLatin1String("SUCCESS"); });
    ref("lastSuccessfulBuild", [](const Build &b) { return b.result == QLatin1String("SUCCESS"); });
    ref("lastUnstableBuild", [](const Build &b) { return b.result == QLatin1String("UNSTABLE"); });
    ref("lastUnsuccessfulBuild",
        [](const Build &b) { return !b.building && b.result != QLatin1String("SUCCESS"); });
    f.put("nextBuildNumber", [&] { return job.nextBuildNumber; });
    f.put("property", [&] {
        QJsonArray props;
        if (!job.paramDefs.isEmpty()) {
            const JenkinsSelection ps = sel.data(QStringLiteral("property"));
            QJsonObject o{{QLatin1String("_class"),
                           QStringLiteral("hudson.model.ParametersDefinitionProperty")}};
            if (ps.wants(QStringLiteral("parameterDefinitions")))
                o.insert(QLatin1String("parameterDefinitions"), paramDefs(ps));
            props.append(o);
        }
        if (job.kind == JobKind::Workflow && !job.concurrent)
            props.append(
                QJsonObject{{QLatin1String("_class"),
                             QStringLiteral("org.jenkinsci.plugins.workflow.job.properties."
                                            "DisableConcurrentBuildsJobProperty")}});
        return props;
    });
    f.put("queueItem", [&] {
        return queued
                   ? QJsonValue(renderQueueItem(r, *queued, sel.data(QStringLiteral("queueItem"))))
                   : QJsonValue();
    });
    f.put("concurrentBuild", [&] { return job.concurrent; });
    if (job.kind == JobKind::Workflow) {
        f.put("resumeBlocked", [&] { return false; });
    } else {
        f.put("downstreamProjects", [&] { return QJsonArray{}; });
        f.put("labelExpression", [&] { return QJsonValue(); });
        f.put("scm", [&] {
            return QJsonObject{
                {QLatin1String("_class"), QStringLiteral("hudson.plugins.git.GitSCM")}};
        });
        f.put("upstreamProjects", [&] { return QJsonArray{}; });
    }
    return f.take();
}

QJsonObject JenkinsServer::renderRoot(const Request &r, const JenkinsSelection &sel) const
{
    Fields f(sel, {}, QStringLiteral("hudson.model.Hudson"));
    f.put("assignedLabels", [&] {
        return QJsonArray{QJsonObject{{QLatin1String("name"), QStringLiteral("built-in")}}};
    });
    f.put("mode", [&] { return QStringLiteral("NORMAL"); });
    f.put("nodeDescription",
          [&] { return QStringLiteral("the Jenkins controller's built-in node"); });
    f.put("nodeName", [&] { return QString(); });
    f.put("numExecutors", [&] { return 4; });
    f.put("description", [&] { return QJsonValue(); });
    f.put("jobs", [&] {
        const JenkinsSelection js = sel.model(QStringLiteral("jobs"));
        return sliced(sel, QStringLiteral("jobs"), m_root,
                      [&](const QString &k) { return renderJob(r, m_jobs.value(k), js); });
    });
    f.put("primaryView", [&] {
        return QJsonObject{{QLatin1String("_class"), QStringLiteral("hudson.model.AllView")},
                           {QLatin1String("name"), QStringLiteral("all")},
                           {QLatin1String("url"), r.root}};
    });
    f.put("quietingDown", [&] { return false; });
    f.put("slaveAgentPort", [&] { return -1; });
    f.put("url", [&] { return r.root; });
    f.put("useCrumbs", [&] { return true; });
    f.put("useSecurity", [&] { return true; });
    return f.take();
}

QJsonObject JenkinsServer::renderQueueItem(const Request &r,
                                           const QueueItem &item,
                                           const JenkinsSelection &sel) const
{
    const Job &job = m_jobs[item.jobKey];
    const qint64 now = m_lastTickMs;
    Job &mutableJob = const_cast<Job &>(job);
    const Build *running = nullptr;
    for (const Build &b : mutableJob.builds) {
        if (b.building)
            running = &b;
    }
    const bool blocked = !item.left && !job.concurrent && running && now >= item.readyAtMs;
    const bool waiting = !item.left && now < item.readyAtMs;
    const QString cls = item.left ? QStringLiteral("hudson.model.Queue$LeftItem")
                        : blocked ? QStringLiteral("hudson.model.Queue$BlockedItem")
                        : waiting ? QStringLiteral("hudson.model.Queue$WaitingItem")
                                  : QStringLiteral("hudson.model.Queue$BuildableItem");
    Fields f(sel, {}, cls);
    f.put("actions", [&] {
        QJsonArray a;
        if (!item.params.isEmpty()) {
            QJsonArray ps;
            for (const auto &[n, v] : item.params) {
                const bool boolean = v == QLatin1String("true") || v == QLatin1String("false");
                ps.append(QJsonObject{
                    {QLatin1String("_class"),
                     boolean ? QStringLiteral("hudson.model.BooleanParameterValue")
                             : QStringLiteral("hudson.model.StringParameterValue")},
                    {QLatin1String("name"), n},
                    {QLatin1String("value"),
                     boolean ? QJsonValue(v == QLatin1String("true")) : QJsonValue(v)}});
            }
            a.append(QJsonObject{
                {QLatin1String("_class"), QStringLiteral("hudson.model.ParametersAction")},
                {QLatin1String("parameters"), ps}});
        }
        a.append(QJsonObject{
            {QLatin1String("_class"), QStringLiteral("hudson.model.CauseAction")},
            {QLatin1String("causes"),
             QJsonArray{QJsonObject{
                 {QLatin1String("_class"), QStringLiteral("hudson.model.Cause$UserIdCause")},
                 {QLatin1String("shortDescription"),
                  QStringLiteral("Started by user ") + item.causeUser},
                 {QLatin1String("userId"), item.causeUser},
                 {QLatin1String("userName"), item.causeUser}}}}});
        return a;
    });
    f.put("blocked", [&] { return blocked; });
    f.put("buildable", [&] { return !item.left && !blocked && !waiting; });
    f.put("id", [&] { return item.id; });
    f.put("inQueueSince", [&] { return double(item.inQueueSinceMs); });
    f.put("params", [&] {
        QString p;
        for (const auto &[n, v] : item.params)
            p += QLatin1Char('\n') + n + QLatin1Char('=') + v;
        return p;
    });
    f.put("stuck", [&] { return false; });
    f.put("task", [&] {
        return QJsonObject{{QLatin1String("_class"),
                            job.kind == JobKind::Freestyle ? kFreestyleClass : kWorkflowJobClass},
                           {QLatin1String("name"), job.name},
                           {QLatin1String("url"), jobUrl(r.root, job)},
                           {QLatin1String("color"), color(job)}};
    });
    f.put("url", [&] { return QStringLiteral("queue/item/%1/").arg(item.id); });
    f.put("why", [&] {
        if (item.left)
            return QJsonValue();
        if (blocked)
            return QJsonValue(
                QStringLiteral("Build #%1 is already in progress (ETA: %2 sec)")
                    .arg(running->number)
                    .arg(qMax<qint64>(1, (running->startMs + running->estimatedMs - now) / 1000)));
        if (waiting)
            return QJsonValue(QStringLiteral("In the quiet period. Expires in %1 sec")
                                  .arg(qMax<qint64>(1, (item.readyAtMs - now + 999) / 1000)));
        return QJsonValue(QStringLiteral("Waiting for next available executor"));
    });
    if (item.left) {
        f.put("cancelled", [&] { return item.cancelled; });
        f.put("executable", [&] {
            if (item.cancelled || item.buildNumber == 0)
                return QJsonValue();
            return QJsonValue(QJsonObject{
                {QLatin1String("_class"),
                 job.kind == JobKind::Freestyle ? kFreestyleBuildClass : kWorkflowRunClass},
                {QLatin1String("number"), item.buildNumber},
                {QLatin1String("url"),
                 jobUrl(r.root, job) + QString::number(item.buildNumber) + QLatin1Char('/')}});
        });
    } else {
        f.put("buildableStartMilliseconds", [&] { return double(item.readyAtMs); });
        f.put("pending", [&] { return false; });
    }
    return f.take();
}

QJsonObject JenkinsServer::renderRun(const Request &r, const Job &job, const Build &b) const
{
    (void)r;
    const QString base = jobPath(job) + QString::number(b.number) + QLatin1Char('/');
    QJsonObject links{{QLatin1String("self"), link(base + QStringLiteral("wfapi/describe"))}};
    if (b.input == InputState::Waiting)
        links.insert(QLatin1String("pendingInputActions"),
                     link(base + QStringLiteral("wfapi/pendingInputActions")));
    if (!b.building && b.result == QLatin1String("SUCCESS") && !b.artifact.isEmpty())
        links.insert(QLatin1String("artifacts"), link(base + QStringLiteral("wfapi/artifacts")));
    const qint64 now = m_lastTickMs;
    const qint64 end = b.building ? now : b.endMs;
    QJsonArray stages;
    for (int i = 0; i < b.stages.size(); ++i) {
        const Stage &st = b.stages.at(i);
        if (st.startMs < 0)
            continue;
        const QString id = QString::number(5 + 3 * i);
        const qint64 stEnd = st.endMs >= 0 ? st.endMs : now;
        stages.append(QJsonObject{
            {QLatin1String("_links"),
             QJsonObject{
                 {QLatin1String("self"),
                  link(base + QStringLiteral("execution/node/%1/wfapi/describe").arg(id))}}},
            {QLatin1String("id"), id},
            {QLatin1String("name"), st.name},
            {QLatin1String("execNode"), QString()},
            {QLatin1String("status"), stageStatus(b, st)},
            {QLatin1String("startTimeMillis"), double(st.startMs)},
            {QLatin1String("durationMillis"), double(stEnd - st.startMs)},
            {QLatin1String("pauseDurationMillis"), st.input ? double(stEnd - st.startMs) : 0.0}});
    }
    return QJsonObject{{QLatin1String("_links"), links},
                       {QLatin1String("id"), QString::number(b.number)},
                       {QLatin1String("name"), QStringLiteral("#%1").arg(b.number)},
                       {QLatin1String("status"), runStatus(b)},
                       {QLatin1String("startTimeMillis"), double(b.startMs)},
                       {QLatin1String("endTimeMillis"), double(end)},
                       {QLatin1String("durationMillis"), double(end - b.startMs)},
                       {QLatin1String("queueDurationMillis"), 0},
                       {QLatin1String("pauseDurationMillis"), 0},
                       {QLatin1String("stages"), stages}};
}

QJsonArray
JenkinsServer::renderPendingInputs(const Request &r, const Job &job, const Build &b) const
{
    (void)r;
    QJsonArray out;
    if (b.input != InputState::Waiting)
        return out;
    const QString base = jobPath(job) + QString::number(b.number) + QLatin1Char('/');
    out.append(
        QJsonObject{{QLatin1String("id"), b.inputId},
                    {QLatin1String("proceedText"), QStringLiteral("Proceed")},
                    {QLatin1String("message"), b.inputMessage},
                    {QLatin1String("inputs"), QJsonArray{}},
                    {QLatin1String("proceedUrl"),
                     base + QStringLiteral("wfapi/inputSubmit?inputId=") + b.inputId},
                    {QLatin1String("abortUrl"),
                     base + QStringLiteral("input/") + b.inputId + QStringLiteral("/abort")},
                    {QLatin1String("redirectApprovalUrl"), base + QStringLiteral("input/")}});
    return out;
}

// ---- HTTP ----

void JenkinsServer::sendHtml(httplib::Response &res,
                             int status,
                             const QString &title,
                             const QString &text)
{
    const QString body =
        QStringLiteral(
            "<html><head><meta http-equiv='Content-Type' content='text/html;charset=utf-8'/>"
            "<title>Error %1 %2</title></head><body><h2>HTTP ERROR %1 %2</h2>"
            "<table><tr><th>URI:</th><td>%3</td></tr><tr><th>STATUS:</th><td>%1</td></tr>"
            "<tr><th>MESSAGE:</th><td>%2</td></tr></table><hr/>"
            "<a href=\"https://jetty.org/\">Powered by Jetty:// 12.0.13</a><hr/></body></html>\n")
            .arg(status)
            .arg(title.toHtmlEscaped(), text.toHtmlEscaped());
    res.status = status;
    res.set_content(s(body), "text/html;charset=utf-8");
}

void JenkinsServer::writeError(httplib::Response &res, int status, const QString &message)
{
    res.set_header("X-Jenkins", kJenkinsVersion);
    sendHtml(res, status, message, message);
}

void JenkinsServer::installRoutes(httplib::Server &server)
{
    auto handler = [this](const httplib::Request &req, httplib::Response &res) { serve(req, res); };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Delete(".*", handler);
}

void JenkinsServer::serve(const httplib::Request &req, httplib::Response &res)
{
    res.set_header("X-Jenkins", kJenkinsVersion);
    res.set_header("X-Hudson", "1.395");
    {
        std::lock_guard guard(sandbox().lock());
        advanceTo(sandbox().clock().nowMs());
        const std::string target = req.target.empty() ? req.path : req.target;
        const QString path = q(target.substr(0, target.find('?')));
        Request r{
            req,       q(req.method), QString(), path.split(QLatin1Char('/'), Qt::SkipEmptyParts),
            QString(), false,         QString()};
        const std::string host = req.get_header_value("Host");
        r.root = QStringLiteral("http://") +
                 (host.empty() ? QStringLiteral("127.0.0.1") : q(host)) + QLatin1Char('/');
        if (authenticate(r, res))
            route(r, res);
    }
}

bool JenkinsServer::authenticate(Request &r, httplib::Response &res)
{
    // Login form: the only way into a cookie session, which then needs a crumb on POST.
    if (r.segments == QStringList{QStringLiteral("j_spring_security_check")} &&
        r.method == QLatin1String("POST")) {
        if (r.param("j_username") != m_user || r.param("j_password") != m_password) {
            res.status = 302;
            res.set_header("Location", s(r.root + QStringLiteral("loginError")));
            return false;
        }
        const QString sid = QStringLiteral("node0") +
                            stableHex(QStringLiteral("session:%1").arg(m_nextSession++), 24);
        m_sessions.insert(sid, stableHex(QStringLiteral("crumb:") + sid, 64));
        res.status = 302;
        res.set_header(
            "Set-Cookie",
            s(QStringLiteral("JSESSIONID.%1=%2; Path=/; HttpOnly").arg(stableHex(m_user, 8), sid)));
        res.set_header("Location", s(r.root));
        return false;
    }
    const std::string auth = r.http.get_header_value("Authorization");
    if (auth.rfind("Basic ", 0) == 0) {
        const QByteArray decoded =
            QByteArray::fromBase64(QByteArray::fromStdString(auth.substr(6)));
        const int colon = decoded.indexOf(':');
        const QString user = QString::fromUtf8(decoded.left(colon));
        const QString secret = QString::fromUtf8(decoded.mid(colon + 1));
        if (colon < 0 || user != m_user || (secret != m_token && secret != m_password)) {
            res.set_header("WWW-Authenticate", "Basic realm=\"Jenkins\"");
            sendHtml(res, 401, QStringLiteral("Unauthorized"),
                     QStringLiteral("Invalid password/token for user: ") + user);
            return false;
        }
        r.authUser = user;
        r.tokenAuth = secret == m_token;
    }
    const std::string cookie = r.http.get_header_value("Cookie");
    for (const QString &part : q(cookie).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString c = part.trimmed();
        if (c.startsWith(QLatin1String("JSESSIONID."))) {
            const QString sid = c.section(QLatin1Char('='), 1);
            if (m_sessions.contains(sid)) {
                r.session = sid;
                if (r.authUser.isEmpty())
                    r.authUser = m_user;
            }
        }
    }
    if (r.authUser.isEmpty()) {
        res.set_header("X-You-Are-Authenticated-As", "anonymous");
        res.set_header("X-Required-Permission", "hudson.model.Hudson.Read");
        res.set_header("WWW-Authenticate", "Basic realm=\"Jenkins\"");
        sendHtml(res, 401, QStringLiteral("Unauthorized"),
                 QStringLiteral("Authentication required"));
        return false;
    }
    res.set_header("X-You-Are-Authenticated-As", s(r.authUser));
    if (r.method == QLatin1String("POST") && !r.tokenAuth) {
        // API tokens are exempt from CSRF protection; sessions and passwords are not.
        QString crumb = q(r.http.get_header_value("Jenkins-Crumb"));
        if (crumb.isEmpty())
            crumb = r.param("Jenkins-Crumb");
        if (r.session.isEmpty() || crumb.isEmpty() || crumb != m_sessions.value(r.session)) {
            sendHtml(res, 403, QStringLiteral("No valid crumb was included in the request"),
                     QStringLiteral("No valid crumb was included in the request"));
            return false;
        }
    }
    return true;
}

void JenkinsServer::route(Request &r, httplib::Response &res)
{
    const QStringList &seg = r.segments;
    const bool get = r.method == QLatin1String("GET");
    const bool post = r.method == QLatin1String("POST");
    auto notFound = [&] {
        sendHtml(res, 404, QStringLiteral("Not Found"), QStringLiteral("Not Found"));
    };
    auto methodNotAllowed = [&] {
        sendHtml(res, 405, QStringLiteral("Method Not Allowed"),
                 QStringLiteral("This URL requires POST"));
    };

    if (seg.isEmpty() || seg.first() == QLatin1String("api")) {
        if (seg.isEmpty()) {
            res.status = 200;
            res.set_content(
                "<html><head><title>Dashboard [Jenkins]</title></head><body></body></html>",
                "text/html;charset=utf-8");
            return;
        }
        if (seg != QStringList{QStringLiteral("api"), QStringLiteral("json")})
            return notFound();
    } else if (seg.first() == QLatin1String("job")) {
        // Walk /job/a/job/b/... down the folders.
        const Job *job = nullptr;
        QString k;
        int i = 0;
        while (i + 1 < seg.size() && seg.at(i) == QLatin1String("job")) {
            const QString next = (k.isEmpty() ? QString() : k + QLatin1Char('/')) +
                                 encodeSegment(decodeSegment(seg.at(i + 1)));
            auto it = m_jobs.find(next);
            if (it == m_jobs.end() || (job && !job->children.contains(next)) ||
                (!job && !m_root.contains(next)))
                return notFound();
            job = &*it;
            k = next;
            i += 2;
        }
        if (!job)
            return notFound();
        return routeJob(r, res, m_jobs[k], seg.mid(i));
    } else if (seg.first() == QLatin1String("queue")) {
        if (seg == QStringList{QStringLiteral("queue"), QStringLiteral("api"),
                               QStringLiteral("json")} &&
            get) {
            const JenkinsSelection sel = JenkinsSelection::all(0);
            QJsonArray items;
            for (const QueueItem &item : m_queue) {
                if (!item.left)
                    items.append(renderQueueItem(r, item, sel));
            }
            sendJenkinsJson(res, 200,
                            QJsonDocument(QJsonObject{
                                {QLatin1String("_class"), QStringLiteral("hudson.model.Queue")},
                                {QLatin1String("discoverableItems"), QJsonArray{}},
                                {QLatin1String("items"), items}}));
            return;
        }
        if (seg.size() == 2 && seg.at(1) == QLatin1String("cancelItem")) {
            if (!post)
                return methodNotAllowed();
            const int id = r.param("id").toInt();
            auto it = m_queue.find(id);
            if (it == m_queue.end())
                return notFound();
            if (!it->left) {
                it->left = true;
                it->cancelled = true;
            }
            res.status = 204;
            return;
        }
        if (seg.size() >= 3 && seg.at(1) == QLatin1String("item")) {
            auto it = m_queue.find(seg.at(2).toInt());
            if (it == m_queue.end())
                return notFound();
            if (seg.mid(3) != QStringList{QStringLiteral("api"), QStringLiteral("json")})
                return notFound();
            // fall through to the generic api/json handling below
            QList<TreeField> tree;
            QString error;
            if (r.hasParam("tree") && !parseTree(r.param("tree"), &tree, &error)) {
                sendHtml(res, 400, QStringLiteral("Bad Request"), error);
                return;
            }
            const JenkinsSelection sel =
                r.hasParam("tree") ? JenkinsSelection::tree(&tree) : JenkinsSelection::all(0);
            sendJenkinsJson(res, 200, QJsonDocument(renderQueueItem(r, *it, sel)));
            return;
        }
        return notFound();
    } else if (seg.first() == QLatin1String("crumbIssuer")) {
        if (seg.mid(1) != QStringList{QStringLiteral("api"), QStringLiteral("json")})
            return notFound();
        QString sid = r.session;
        if (sid.isEmpty()) {
            sid = QStringLiteral("node0") +
                  stableHex(QStringLiteral("session:%1").arg(m_nextSession++), 24);
            m_sessions.insert(sid, stableHex(QStringLiteral("crumb:") + sid, 64));
            res.set_header("Set-Cookie", s(QStringLiteral("JSESSIONID.%1=%2; Path=/; HttpOnly")
                                               .arg(stableHex(m_user, 8), sid)));
        }
        sendJenkinsJson(
            res, 200,
            QJsonDocument(QJsonObject{
                {QLatin1String("_class"),
                 QStringLiteral("hudson.security.csrf.DefaultCrumbIssuer")},
                {QLatin1String("crumb"), m_sessions.value(sid)},
                {QLatin1String("crumbRequestField"), QStringLiteral("Jenkins-Crumb")}}));
        return;
    } else if (seg.first() == QLatin1String("computer")) {
        // Every building build holds one executor.
        int busy = 0;
        for (const Job &job : std::as_const(m_jobs))
            for (const Build &b : job.builds)
                busy += b.building ? 1 : 0;
        const QStringList apiJson{QStringLiteral("api"), QStringLiteral("json")};
        if (seg.mid(1) == apiJson)
            return sendJenkinsJson(res, 200, QJsonDocument(jenkinsComputerSet(busy)));
        const QJsonObject computer = seg.size() == 4 && seg.mid(2) == apiJson
                                         ? jenkinsComputer(busy, decodeSegment(seg.at(1)))
                                         : QJsonObject();
        if (computer.isEmpty())
            return notFound();
        return sendJenkinsJson(res, 200, QJsonDocument(computer));
    } else if ((seg.first() == QLatin1String("user") && seg.size() == 4 &&
                seg.mid(2) == QStringList{QStringLiteral("api"), QStringLiteral("json")}) ||
               seg == QStringList{QStringLiteral("me"), QStringLiteral("api"),
                                  QStringLiteral("json")}) {
        // /me is the authenticated user's own page (python-jenkins' get_whoami()).
        if (seg.first() == QLatin1String("user") && seg.at(1) != m_user)
            return notFound();
        sendJenkinsJson(
            res, 200,
            QJsonDocument(QJsonObject{
                {QLatin1String("_class"), QStringLiteral("hudson.model.User")},
                {QLatin1String("absoluteUrl"), r.root + QStringLiteral("user/") + m_user},
                {QLatin1String("description"), QJsonValue()},
                {QLatin1String("fullName"), QStringLiteral("Flightdeck")},
                {QLatin1String("id"), m_user},
                {QLatin1String("property"),
                 QJsonArray{QJsonObject{{QLatin1String("_class"),
                                         QStringLiteral("jenkins.security.ApiTokenProperty")}},
                            QJsonObject{{QLatin1String("_class"),
                                         QStringLiteral("hudson.model.MyViewsProperty")}},
                            QJsonObject{{QLatin1String("_class"),
                                         QStringLiteral("hudson.search.UserSearchProperty")},
                                        {QLatin1String("insensitiveSearch"), true}},
                            QJsonObject{{QLatin1String("_class"),
                                         QStringLiteral("hudson.model.TimeZoneProperty")}}}}}));
        return;
    } else {
        return notFound();
    }
    // root api/json
    if (!get)
        return methodNotAllowed();
    QList<TreeField> tree;
    QString error;
    if (r.hasParam("tree") && !parseTree(r.param("tree"), &tree, &error))
        return sendHtml(res, 400, QStringLiteral("Bad Request"), error);
    int depth = 0;
    if (r.hasParam("depth")) {
        ++m_depthRequests;
        depth = r.param("depth").toInt();
    }
    const JenkinsSelection sel =
        r.hasParam("tree") ? JenkinsSelection::tree(&tree) : JenkinsSelection::all(depth);
    sendJenkinsJson(res, 200, QJsonDocument(renderRoot(r, sel)));
}

void JenkinsServer::routeJob(Request &r, httplib::Response &res, Job &job, const QStringList &rest)
{
    const bool get = r.method == QLatin1String("GET");
    const bool post = r.method == QLatin1String("POST");
    const bool pipeline = job.kind == JobKind::Workflow;
    const bool buildable = job.kind == JobKind::Workflow || job.kind == JobKind::Freestyle;
    auto notFound = [&] {
        sendHtml(res, 404, QStringLiteral("Not Found"), QStringLiteral("Not Found"));
    };
    auto methodNotAllowed = [&] {
        sendHtml(res, 405, QStringLiteral("Method Not Allowed"),
                 QStringLiteral("This URL requires POST"));
    };
    if (rest.isEmpty()) {
        res.status = 200;
        res.set_content(
            s(QStringLiteral("<html><head><title>%1 [Jenkins]</title></head><body></body></html>")
                  .arg(job.name.toHtmlEscaped())),
            "text/html;charset=utf-8");
        return;
    }
    if (rest == QStringList{QStringLiteral("api"), QStringLiteral("json")}) {
        if (!get)
            return methodNotAllowed();
        QList<TreeField> tree;
        QString error;
        if (r.hasParam("tree") && !parseTree(r.param("tree"), &tree, &error))
            return sendHtml(res, 400, QStringLiteral("Bad Request"), error);
        int depth = 0;
        if (r.hasParam("depth")) {
            ++m_depthRequests;
            depth = r.param("depth").toInt();
        }
        const JenkinsSelection sel =
            r.hasParam("tree") ? JenkinsSelection::tree(&tree) : JenkinsSelection::all(depth);
        sendJenkinsJson(res, 200, QJsonDocument(renderJob(r, job, sel)));
        return;
    }
    const QString head = rest.first();
    if ((head == QLatin1String("build") || head == QLatin1String("buildWithParameters")) &&
        rest.size() == 1) {
        if (!buildable)
            return notFound();
        if (!post)
            return methodNotAllowed();
        QList<QPair<QString, QString>> params;
        if (head == QLatin1String("buildWithParameters") && job.paramDefs.isEmpty()) {
            sendHtml(res, 500, QStringLiteral("Server Error"),
                     QStringLiteral(
                         "java.lang.IllegalStateException: This build is not parameterized!"));
            return;
        }
        for (const auto &[name, def] : job.paramDefs) {
            const QByteArray n = name.toUtf8();
            params.append(
                {name, r.hasParam(n.constData()) && head == QLatin1String("buildWithParameters")
                           ? r.param(n.constData())
                           : def});
        }
        qint64 delay = 5000; // Jenkins' default quiet period
        if (r.hasParam("delay")) {
            QString d = r.param("delay");
            d.remove(QStringLiteral("sec"));
            delay = d.toLongLong() * 1000;
        }
        // A second request for the same parameters while one waits collapses into it, like Jenkins.
        for (const QueueItem &item : m_queue) {
            if (!item.left && item.jobKey == job.key && item.params == params) {
                res.status = 201;
                res.set_header("Location",
                               s(r.root + QStringLiteral("queue/item/%1/").arg(item.id)));
                return;
            }
        }
        const int id = enqueue(job, params, delay, r.authUser);
        advanceTo(sandbox().clock().nowMs());
        res.status = 201;
        res.set_header("Location", s(r.root + QStringLiteral("queue/item/%1/").arg(id)));
        return;
    }
    if (head == QLatin1String("wfapi")) {
        if (!pipeline || rest.size() != 2)
            return notFound();
        if (rest.at(1) == QLatin1String("describe")) {
            sendJenkinsJson(
                res, 200,
                QJsonDocument(QJsonObject{
                    {QLatin1String("_links"),
                     QJsonObject{{QLatin1String("self"),
                                  link(jobPath(job) + QStringLiteral("wfapi/describe"))},
                                 {QLatin1String("runs"),
                                  link(jobPath(job) + QStringLiteral("wfapi/runs"))}}},
                    {QLatin1String("name"), job.name},
                    {QLatin1String("runCount"), int(job.builds.size())}}));
            return;
        }
        if (rest.at(1) == QLatin1String("runs")) {
            QJsonArray runs;
            const int since =
                r.hasParam("since") ? r.param("since").remove(QLatin1Char('#')).toInt() : 0;
            for (int i = job.builds.size() - 1; i >= 0 && runs.size() < 10; --i) {
                if (job.builds.at(i).number <= since && since > 0)
                    break;
                runs.append(renderRun(r, job, job.builds.at(i)));
            }
            sendJenkinsJson(res, 200, QJsonDocument(runs));
            return;
        }
        return notFound();
    }
    if (rest.size() >= 1) {
        if (Build *b = findBuild(job, head); b && buildable)
            return routeBuild(r, res, job, *b, rest.mid(1));
    }
    notFound();
}

void JenkinsServer::routeBuild(
    Request &r, httplib::Response &res, Job &job, Build &b, const QStringList &rest)
{
    const bool get = r.method == QLatin1String("GET");
    const bool post = r.method == QLatin1String("POST");
    const bool pipeline = job.kind == JobKind::Workflow;
    const QString buildUrl = jobUrl(r.root, job) + QString::number(b.number) + QLatin1Char('/');
    const qint64 now = sandbox().clock().nowMs();
    auto notFound = [&] {
        sendHtml(res, 404, QStringLiteral("Not Found"), QStringLiteral("Not Found"));
    };
    auto methodNotAllowed = [&] {
        sendHtml(res, 405, QStringLiteral("Method Not Allowed"),
                 QStringLiteral("This URL requires POST"));
    };
    auto redirectToBuild = [&] {
        res.status = 302;
        res.set_header("Location", s(buildUrl));
    };
    auto answerInput = [&](bool proceed) {
        b.input = proceed ? InputState::Proceeded : InputState::Aborted;
        b.inputAnsweredMs = now;
        b.inputAnsweredBy = r.authUser;
        Job &j = job;
        advanceLive(j, b, now);
        if (b.building && !m_active.contains({job.key, b.number}))
            m_active.append({job.key, b.number});
    };
    if (rest.isEmpty()) {
        res.status = 200;
        res.set_content(
            s(QStringLiteral("<html><head><title>#%1 [Jenkins]</title></head><body></body></html>")
                  .arg(b.number)),
            "text/html;charset=utf-8");
        return;
    }
    if (rest == QStringList{QStringLiteral("api"), QStringLiteral("json")}) {
        if (!get)
            return methodNotAllowed();
        QList<TreeField> tree;
        QString error;
        if (r.hasParam("tree") && !parseTree(r.param("tree"), &tree, &error))
            return sendHtml(res, 400, QStringLiteral("Bad Request"), error);
        int depth = 0;
        if (r.hasParam("depth")) {
            ++m_depthRequests;
            depth = r.param("depth").toInt();
        }
        const JenkinsSelection sel =
            r.hasParam("tree") ? JenkinsSelection::tree(&tree) : JenkinsSelection::all(depth);
        sendJenkinsJson(res, 200, QJsonDocument(renderBuild(r, job, b, sel)));
        return;
    }
    const QString head = rest.first();
    if (head == QLatin1String("stop") || head == QLatin1String("term") ||
        head == QLatin1String("kill")) {
        if (!post)
            return methodNotAllowed();
        if (b.building) {
            for (Stage &st : b.stages) {
                if (st.startMs >= 0 && st.endMs < 0) {
                    st.endMs = now;
                    st.status = QStringLiteral("ABORTED");
                }
            }
            if (b.input == InputState::Waiting)
                b.input = InputState::Aborted;
            b.log += "Aborted by " + r.authUser.toUtf8() + '\n';
            finishBuild(b, now, QStringLiteral("ABORTED"));
        }
        return redirectToBuild();
    }
    if (head == QLatin1String("consoleText") && rest.size() == 1) {
        res.status = 200;
        res.set_content(b.log.constData(), size_t(b.log.size()), "text/plain;charset=utf-8");
        return;
    }
    if (head == QLatin1String("logText") && rest.size() == 2 &&
        (rest.at(1) == QLatin1String("progressiveText") ||
         rest.at(1) == QLatin1String("progressiveHtml"))) {
        const qint64 start = qBound<qint64>(0, r.param("start").toLongLong(), b.log.size());
        const QByteArray chunk = b.log.mid(start);
        res.status = 200;
        res.set_header("X-Text-Size", std::to_string(b.log.size()));
        if (b.building)
            res.set_header("X-More-Data", "true");
        if (rest.at(1) == QLatin1String("progressiveHtml"))
            res.set_header("X-ConsoleAnnotator",
                           "rO0ABXNyAC5odWRzb24uY29uc29sZS5Db25zb2xlQW5ub3RhdG9y");
        res.set_content(chunk.constData(), size_t(chunk.size()),
                        rest.at(1) == QLatin1String("progressiveHtml")
                            ? "text/html;charset=utf-8"
                            : "text/plain;charset=utf-8");
        return;
    }
    if (head == QLatin1String("input") && pipeline) {
        // /input/<id>/proceedEmpty | proceed | abort
        if (rest.size() != 3 || b.input != InputState::Waiting || rest.at(1) != b.inputId)
            return notFound();
        const QString verb = rest.at(2);
        if (verb != QLatin1String("proceedEmpty") && verb != QLatin1String("proceed") &&
            verb != QLatin1String("abort"))
            return notFound();
        if (!post)
            return methodNotAllowed();
        answerInput(verb != QLatin1String("abort"));
        return redirectToBuild();
    }
    if (head == QLatin1String("wfapi") && pipeline && rest.size() == 2) {
        const QString what = rest.at(1);
        if (what == QLatin1String("describe") && get) {
            sendJenkinsJson(res, 200, QJsonDocument(renderRun(r, job, b)));
            return;
        }
        if ((what == QLatin1String("pendingInputActions")) && get) {
            sendJenkinsJson(res, 200, QJsonDocument(renderPendingInputs(r, job, b)));
            return;
        }
        if (what == QLatin1String("nextPendingInputAction") && get) {
            const QJsonArray p = renderPendingInputs(r, job, b);
            if (p.isEmpty())
                return notFound();
            sendJenkinsJson(res, 200, QJsonDocument(p.first().toObject()));
            return;
        }
        if (what == QLatin1String("artifacts") && get) {
            QJsonArray a;
            if (!b.artifact.isEmpty() && !b.building && b.result == QLatin1String("SUCCESS"))
                a.append(QJsonObject{
                    {QLatin1String("id"), QStringLiteral("n1")},
                    {QLatin1String("name"), b.artifact.section(QLatin1Char('/'), -1)},
                    {QLatin1String("path"), b.artifact},
                    {QLatin1String("url"), jobPath(job) + QString::number(b.number) +
                                               QStringLiteral("/artifact/") + b.artifact},
                    {QLatin1String("size"), 2048}});
            sendJenkinsJson(res, 200, QJsonDocument(a));
            return;
        }
        if (what == QLatin1String("inputSubmit")) {
            if (!post)
                return methodNotAllowed();
            if (b.input != InputState::Waiting || r.param("inputId") != b.inputId)
                return notFound();
            answerInput(true);
            res.status = 200;
            return;
        }
        return notFound();
    }
    if (head == QLatin1String("execution") && pipeline && rest.size() == 5 &&
        rest.at(1) == QLatin1String("node") && rest.at(3) == QLatin1String("wfapi")) {
        const int id = rest.at(2).toInt();
        const int stageIndex = (id - 5) / 3;
        const bool isStage = id >= 5 && (id - 5) % 3 == 0;
        const bool isStep = id >= 6 && (id - 6) % 3 == 0;
        const int si = isStage ? stageIndex : (id - 6) / 3;
        if ((!isStage && !isStep) || si < 0 || si >= b.stages.size() || b.stages.at(si).startMs < 0)
            return notFound();
        const Stage &st = b.stages.at(si);
        const QString base =
            jobPath(job) + QString::number(b.number) + QStringLiteral("/execution/node/");
        const qint64 end = st.endMs >= 0 ? st.endMs : now;
        const QString status = stageStatus(b, st);
        const QString stepId = QString::number(6 + 3 * si);
        const QByteArray stepLog = "+ ./ci/" + st.name.toLower().toUtf8() + ".sh\n";
        if (rest.at(4) == QLatin1String("log") && isStep) {
            sendJenkinsJson(
                res, 200,
                QJsonDocument(QJsonObject{
                    {QLatin1String("nodeId"), stepId},
                    {QLatin1String("nodeStatus"), status},
                    {QLatin1String("length"), int(stepLog.size())},
                    {QLatin1String("hasMore"), st.endMs < 0},
                    {QLatin1String("text"), QString::fromUtf8(stepLog)},
                    {QLatin1String("consoleUrl"), base + stepId + QStringLiteral("/log")}}));
            return;
        }
        if (rest.at(4) != QLatin1String("describe"))
            return notFound();
        QJsonObject step{
            {QLatin1String("_links"),
             QJsonObject{
                 {QLatin1String("self"), link(base + stepId + QStringLiteral("/wfapi/describe"))},
                 {QLatin1String("log"), link(base + stepId + QStringLiteral("/wfapi/log"))}}},
            {QLatin1String("id"), stepId},
            {QLatin1String("name"), st.input ? QStringLiteral("Wait for interactive input")
                                             : QStringLiteral("Shell Script")},
            {QLatin1String("status"), status},
            {QLatin1String("startTimeMillis"), double(st.startMs)},
            {QLatin1String("durationMillis"), double(end - st.startMs)},
            {QLatin1String("parentNodes"), QJsonArray{QString::number(5 + 3 * si)}}};
        if (status == QLatin1String("FAILED"))
            step.insert(
                QLatin1String("error"),
                QJsonObject{
                    {QLatin1String("message"), QStringLiteral("script returned exit code 1")},
                    {QLatin1String("type"), QStringLiteral("hudson.AbortException")}});
        if (isStep) {
            sendJenkinsJson(res, 200, QJsonDocument(step));
            return;
        }
        const QString sid = QString::number(5 + 3 * si);
        sendJenkinsJson(res, 200,
                        QJsonDocument(QJsonObject{
                            {QLatin1String("_links"),
                             QJsonObject{{QLatin1String("self"),
                                          link(base + sid + QStringLiteral("/wfapi/describe"))}}},
                            {QLatin1String("id"), sid},
                            {QLatin1String("name"), st.name},
                            {QLatin1String("status"), status},
                            {QLatin1String("startTimeMillis"), double(st.startMs)},
                            {QLatin1String("durationMillis"), double(end - st.startMs)},
                            {QLatin1String("stageFlowNodes"), QJsonArray{step}}}));
        return;
    }
    notFound();
}

} // namespace fd::sandbox
