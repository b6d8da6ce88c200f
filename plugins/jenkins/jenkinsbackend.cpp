#include "jenkinsbackend.h"

#include "http/httplog.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace fd::jenkins {

namespace {

bool isTransportError(const http::Response &r)
{
    return r.error == http::Response::Error::Timeout ||
           r.error == http::Response::Error::Connection || r.error == http::Response::Error::Tls;
}

bool unknownOutcome(const http::Response &r)
{
    return isTransportError(r) || r.status >= 500 || r.status == 408 || r.status == 429;
}

/// Words for a failed read: status (or transport error) and, for an HTML page, its title.
QString shortError(const http::Response &r)
{
    if (r.status == 0 ||
        (r.error != http::Response::Error::None && r.error != http::Response::Error::Http))
        return r.errorText.isEmpty() ? http::errorName(r.error) : r.errorText;
    QString text = QStringLiteral("HTTP %1").arg(r.status);
    const QString title = htmlErrorTitle(r.body);
    if (!title.isEmpty())
        text += QStringLiteral(" (%1)").arg(title.left(160));
    return text;
}

bool accepted(const http::Response &r)
{
    return r.ok() || (r.status >= 300 && r.status < 400);
}

} // namespace

PollSettings PollSettings::fromOptions(const QVariantMap &o)
{
    PollSettings s;
    bool activeGiven = false;
    const auto seconds = [&](const char *key, int &out) {
        bool ok = false;
        const double v = o.value(QLatin1String(key)).toDouble(&ok);
        if (ok && v > 0) {
            out = std::max(20, int(v * 1000));
            return true;
        }
        return false;
    };
    seconds("pollInterval", s.intervalMs);
    seconds("pollIntervalSeconds", s.intervalMs);
    activeGiven = seconds("activePollInterval", s.activeIntervalMs);
    if (!activeGiven)
        s.activeIntervalMs = std::max(20, std::min(s.activeIntervalMs, s.intervalMs / 4));
    s.activeIntervalMs = std::min(s.activeIntervalMs, s.intervalMs);
    const auto number = [&](const char *key, int &out, int min, int max) {
        bool ok = false;
        const int v = o.value(QLatin1String(key)).toInt(&ok);
        if (ok)
            out = std::clamp(v, min, max);
    };
    number("runDepth", s.runDepth, 1, 100);
    number("stagesDepth", s.stagesDepth, 0, 100);
    number("listingLevels", s.listingLevels, 1, 6);
    number("requestTimeoutMs", s.requestTimeoutMs, 100, 300000);
    number("maxBackoffMs", s.maxBackoffMs, 100, 3600000);
    number("queueFollowMs", s.queueFollowMs, 0, 600000);
    number("queuePollMs", s.queuePollMs, 20, 60000);
    return s;
}

struct JenkinsBackend::Execution
{
    quint64 ticket = 0;
    ActionPlan plan;
    bool retried = false;
    bool crumbTried = false;
    QStringList steps;
    int queueId = 0;
    QElapsedTimer following;
};

JenkinsBackend::JenkinsBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_mapping(config)
    , m_settings(PollSettings::fromOptions(config.options))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JenkinsBackend::tick);
}

JenkinsBackend::~JenkinsBackend()
{
    m_running = false;
    delete m_client; // aborts its requests without calling back
}

Capabilities JenkinsBackend::capabilities() const
{
    return int(Capability::Pipelines) | int(Capability::Environments) |
           int(Capability::Deployments) | int(Capability::Approvals) | int(Capability::Rollback);
}

void JenkinsBackend::start()
{
    if (!m_client) {
        http::ClientOptions options = http::ClientOptions::fromConnection(m_config);
        options.maxPerHost = 4; // a Jenkins controller is one JVM shared by everyone
        options.cacheBytes = 0; // Jenkins has no ETag contract
        m_client = new http::Client(m_config.baseUrl, options, this);
        const QString user = m_config.secret(QStringLiteral("user"));
        QString secret = m_config.secret(QStringLiteral("token"));
        if (secret.isEmpty())
            secret = m_config.secret(QStringLiteral("password"));
        if (!user.isEmpty() || !secret.isEmpty())
            m_client->setAuthorization("Authorization",
                                       http::Client::basicAuthorization(user, secret));
        m_client->setDefaultHeaders({{"Accept", "application/json"}});
    }
    m_running = true;
    m_authFailed = false;
    ++m_generation;
    m_cycleActive = false;
    m_pending = 0;
    beginCycle(true);
}

void JenkinsBackend::stop()
{
    m_running = false;
    m_timer.stop();
    ++m_generation;
    m_cycleActive = false;
    m_pending = 0;
    if (m_client)
        m_client->cancelAll();
}

bool JenkinsBackend::anyActive() const
{
    for (const JobSnapshot &j : m_snapshot)
        if (j.job.active() || !j.activeBuilds().isEmpty())
            return true;
    return false;
}

void JenkinsBackend::tick()
{
    if (!m_running || m_cycleActive)
        return;
    const bool full = m_authFailed || m_failStreak > 0 || !m_sinceFull.isValid() ||
                      m_sinceFull.elapsed() >= m_settings.intervalMs;
    beginCycle(full);
}

void JenkinsBackend::beginCycle(bool full)
{
    if (!m_running || m_cycleActive)
        return;
    m_cycleActive = true;
    m_cycleFull = full;
    m_authFailed = false; // this cycle probes again; a 401/403 sets it back
    m_cycleReads = 0;
    m_cycleFailures = 0;
    m_cycleTransportFailures = 0;
    m_cycleLastError.clear();
    const QVariantMap stats = m_client->statistics();
    m_cycleStartBytes = stats.value(QStringLiteral("bytesReceived")).toLongLong();
    m_cycleStartRequests = stats.value(QStringLiteral("requestsSent")).toLongLong();
    ++m_polls;
    ++m_pending; // held until every read of this cycle is issued
    if (full) {
        ++m_fullPolls;
        m_sinceFull.start();
        m_listedThisCycle.clear();
        if (m_mapping.listRoot())
            readListing(QStringLiteral("/api/json"), JobPath(), true);
        for (const QString &folder : m_mapping.folders())
            readListing(JobPath::fromKey(folder).urlPath() + QStringLiteral("/api/json"),
                        JobPath::fromKey(folder), true);
        for (const QString &job : m_mapping.jobs())
            readListing(JobPath::fromKey(job).urlPath() + QStringLiteral("/api/json"),
                        JobPath::fromKey(job), false);
    } else {
        // Between full listings only jobs with something running are read again.
        for (auto it = m_snapshot.cbegin(); it != m_snapshot.cend(); ++it)
            if (!it->missing && (it->job.active() || !it->activeBuilds().isEmpty()))
                readDetail(it.key());
    }
    if (--m_pending == 0)
        finishCycle();
}

void JenkinsBackend::get(
    const QString &path, const QString &tree, const QString &where, Handler onOk, Handler onFail)
{
    http::Request req;
    req.path = path;
    if (!tree.isEmpty())
        req.query.addQueryItem(QStringLiteral("tree"), tree);
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    req.maxAttempts = 2; // one quick retry inside the poll; the poll itself backs off
    ++m_pending;
    ++m_cycleReads;
    const int generation = m_generation;
    m_client->send(req, this, [this, generation, where, onOk, onFail](const http::Response &r) {
        if (generation != m_generation)
            return;
        if (r.status == 401 || (r.status == 403 && !isCrumbRejection(r.body))) {
            authFailed(r);
            return;
        }
        if (r.ok()) {
            onOk(r);
        } else {
            ++m_cycleFailures;
            if (isTransportError(r))
                ++m_cycleTransportFailures;
            m_cycleLastError = where + QStringLiteral(": ") + shortError(r);
            if (onFail)
                onFail(r);
            else
                reportProblem(where,
                              shortError(r) + QStringLiteral("; keeping the last good state"));
        }
        if (--m_pending == 0)
            finishCycle();
    });
}

void JenkinsBackend::readListing(const QString &path, const JobPath &parent, bool folder)
{
    const QString where = folder
                              ? (parent.isEmpty() ? QStringLiteral("jobs at the root")
                                                  : QStringLiteral("folder %1").arg(parent.key()))
                              : QStringLiteral("job %1").arg(parent.key());
    const QString tree = folder ? listingTree(m_settings.listingLevels) : jobSignatureTree();
    get(
        path, tree, where,
        [this, parent, folder, where](const http::Response &r) {
            QString error;
            QList<WireJob> jobs;
            bool ok = false;
            if (folder) {
                ok = parseListing(r.body, parent, &jobs, &error);
            } else {
                WireJob job;
                ok = parseJobSignature(r.body, parent, &job, &error);
                jobs = {job};
            }
            if (!ok) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                reportProblem(where, error + QStringLiteral("; keeping the last good state"));
                // Nothing below this listing is known to be gone: mark it all as seen.
                for (auto it = m_snapshot.cbegin(); it != m_snapshot.cend(); ++it)
                    if (it.key() == parent.key() || parent.isEmpty() ||
                        it.key().startsWith(parent.key() + QLatin1Char('/')))
                        m_listedThisCycle.insert(it.key());
                return;
            }
            clearProblem(where);
            for (const WireJob &job : std::as_const(jobs))
                acceptJob(job);
            if (folder) {
                // Jobs that left the folder: a bound job is kept (and reported), others go.
                const QString prefix =
                    parent.isEmpty() ? QString() : parent.key() + QLatin1Char('/');
                QStringList gone;
                for (auto it = m_snapshot.cbegin(); it != m_snapshot.cend(); ++it)
                    if (it.key().startsWith(prefix) && !m_listedThisCycle.contains(it.key()))
                        gone.append(it.key());
                for (const QString &key : gone) {
                    if (m_mapping.bindingForJob(key)) {
                        m_snapshot[key].missing = true;
                        reportProblem(
                            QStringLiteral("job %1").arg(key),
                            QStringLiteral("no longer listed in %1 (deleted or renamed?); "
                                           "showing the last good state")
                                .arg(where));
                    } else {
                        m_snapshot.remove(key);
                    }
                }
            }
        },
        [this, parent, folder, where](const http::Response &r) {
            for (auto it = m_snapshot.begin(); it != m_snapshot.end(); ++it)
                if (it.key() == parent.key() || parent.isEmpty() ||
                    it.key().startsWith(parent.key() + QLatin1Char('/')))
                    m_listedThisCycle.insert(it.key());
            if (r.status == 404) {
                --m_cycleFailures; // a record-level problem, not a sick connection
                if (!folder && m_snapshot.contains(parent.key()))
                    m_snapshot[parent.key()].missing = true;
                reportProblem(where, QStringLiteral("not found (404): deleted, renamed or not "
                                                    "visible to this user%1")
                                         .arg(m_snapshot.contains(parent.key())
                                                  ? QStringLiteral("; showing the last good state")
                                                  : QString()));
                return;
            }
            reportProblem(where, shortError(r) + QStringLiteral("; keeping the last good state"));
        });
}

void JenkinsBackend::acceptJob(const WireJob &job)
{
    const QString key = job.path.key();
    m_listedThisCycle.insert(key);
    JobSnapshot &snap = m_snapshot[key];
    const bool wasMissing = snap.missing;
    snap.job = job;
    snap.missing = false;
    if (wasMissing)
        clearProblem(QStringLiteral("job %1").arg(key));
    if (!snap.detailRead || snap.detailSignature != job.signature() || job.active() ||
        !snap.activeBuilds().isEmpty())
        readDetail(key);
}

void JenkinsBackend::readDetail(const QString &key)
{
    const QString where = QStringLiteral("job %1: builds").arg(key);
    const QString signature = m_snapshot.value(key).job.signature();
    get(JobPath::fromKey(key).urlPath() + QStringLiteral("/api/json"),
        jobDetailTree(m_settings.runDepth), where,
        [this, key, where, signature](const http::Response &r) {
            WireJobDetail detail;
            QString error;
            if (!parseJobDetail(r.body, &detail, &error)) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                reportProblem(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            clearProblem(where);
            if (!m_snapshot.contains(key))
                return;
            JobSnapshot &snap = m_snapshot[key];
            snap.detail = detail;
            snap.detailRead = true;
            snap.detailSignature = signature;
            // The listing may be older than this read: keep the newer number.
            snap.job.nextBuildNumber = std::max(snap.job.nextBuildNumber, detail.nextBuildNumber);
            QSet<int> inWindow;
            for (const WireBuild &b : std::as_const(detail.builds)) {
                inWindow.insert(b.number);
                if (!b.building)
                    snap.inputs.remove(b.number);
            }
            for (auto it = snap.stages.begin(); it != snap.stages.end();)
                it = inWindow.contains(it.key()) ? std::next(it) : snap.stages.erase(it);
            for (auto it = snap.inputs.begin(); it != snap.inputs.end();)
                it = inWindow.contains(it.key()) ? std::next(it) : snap.inputs.erase(it);
            if (snap.job.isFreestyle() || snap.noStageView)
                return;
            int rank = 0;
            for (const WireBuild &b : std::as_const(detail.builds)) {
                if (b.building) {
                    readStages(key, b.number);
                    continue;
                }
                // A finished build's stages never change: read once, for the newest few.
                const auto st = snap.stages.constFind(b.number);
                const bool settled =
                    st != snap.stages.constEnd() && isFinished(runStatusFromWfapi(st->status));
                if (rank++ < m_settings.stagesDepth && !settled)
                    readStages(key, b.number);
            }
        });
}

void JenkinsBackend::readStages(const QString &key, int number)
{
    const QString where = QStringLiteral("job %1 #%2: stages").arg(key).arg(number);
    get(
        JobPath::fromKey(key).urlPath() + QStringLiteral("/%1/wfapi/describe").arg(number),
        QString(), where,
        [this, key, number, where](const http::Response &r) {
            WireRunDescribe run;
            QString error;
            if (!parseRunDescribe(r.body, &run, &error)) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                reportProblem(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            clearProblem(where);
            if (!m_snapshot.contains(key))
                return;
            JobSnapshot &snap = m_snapshot[key];
            snap.stages.insert(number, run);
            const WireBuild *b = snap.build(number);
            if (run.pendingInput && b && b->building)
                readInputs(key, number);
            else
                snap.inputs.remove(number);
        },
        [this, key, where](const http::Response &r) {
            if (r.status == 404 && m_snapshot.contains(key)) {
                // A job without the Pipeline stage view (freestyle, Maven, or the plugin is
                // missing): its runs are shown without stages, and we stop asking.
                m_snapshot[key].noStageView = true;
                --m_cycleFailures;
                reportProblem(
                    QStringLiteral("job %1: stages").arg(key),
                    QStringLiteral("no stage view (wfapi answered 404): the job is not a "
                                   "Pipeline or the Pipeline Stage View plugin is missing; "
                                   "its builds are shown without stages"));
                return;
            }
            reportProblem(where, shortError(r) + QStringLiteral("; keeping the last good state"));
        });
}

void JenkinsBackend::readInputs(const QString &key, int number)
{
    const QString where = QStringLiteral("job %1 #%2: input steps").arg(key).arg(number);
    get(JobPath::fromKey(key).urlPath() +
            QStringLiteral("/%1/wfapi/pendingInputActions").arg(number),
        QString(), where, [this, key, number, where](const http::Response &r) {
            QList<WireInput> inputs;
            QString error;
            if (!parsePendingInputs(r.body, &inputs, &error)) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                reportProblem(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            clearProblem(where);
            if (!m_snapshot.contains(key))
                return;
            if (inputs.isEmpty())
                m_snapshot[key].inputs.remove(number);
            else
                m_snapshot[key].inputs.insert(number, inputs);
        });
}

void JenkinsBackend::finishCycle()
{
    if (!m_cycleActive)
        return;
    m_cycleActive = false;
    const QVariantMap stats = m_client->statistics();
    m_lastPollBytes = stats.value(QStringLiteral("bytesReceived")).toLongLong() - m_cycleStartBytes;
    m_lastPollRequests =
        stats.value(QStringLiteral("requestsSent")).toLongLong() - m_cycleStartRequests;
    if (m_firstPollBytes < 0) {
        m_firstPollBytes = m_lastPollBytes;
        m_firstPollRequests = m_lastPollRequests;
    }
    if (!m_authFailed && m_cycleFull && m_cycleFailures == 0) {
        // A mapped job no listing showed: the workspace points at something Jenkins lacks.
        for (const ServiceBinding &b : m_config.bindings) {
            if (b.object.isEmpty() || m_listedThisCycle.contains(b.object))
                continue;
            const QString where = QStringLiteral("job %1").arg(b.object);
            if (!m_snapshot.contains(b.object))
                reportProblem(where, QStringLiteral("not found: the workspace maps %1%2 to it, but "
                                                    "Jenkins lists no such job")
                                         .arg(b.service, b.environment.isEmpty()
                                                             ? QString()
                                                             : QLatin1Char(' ') + b.environment));
        }
    }
    if (!m_authFailed) {
        ConnectionHealth h = m_health;
        if (m_cycleFailures > 0) {
            ++m_failStreak;
            h.state = m_cycleTransportFailures >= m_cycleReads && m_cycleReads > 0
                          ? ConnectionHealth::State::Unreachable
                          : ConnectionHealth::State::Degraded;
            h.reason = QStringLiteral("connection %1: %2 of %3 reads failed (%4); showing the last "
                                      "good state, next try in a while")
                           .arg(m_config.id)
                           .arg(m_cycleFailures)
                           .arg(m_cycleReads)
                           .arg(m_cycleLastError);
        } else {
            m_failStreak = 0;
            h.state = ConnectionHealth::State::Ok;
            h.reason.clear();
            h.lastSuccess = QDateTime::currentDateTimeUtc();
        }
        setHealth(h);
        publishRecords();
    }
    if (!m_initialDone) {
        m_initialDone = true;
        m_sink->initialSyncDone(m_config.id);
    }
    if (!m_running)
        return;
    int delay = 0;
    if (m_authFailed || m_failStreak > 0)
        delay = backoffMs();
    else if (anyActive())
        delay = m_settings.activeIntervalMs;
    else
        delay = int(std::max<qint64>(1, m_settings.intervalMs - m_sinceFull.elapsed()));
    m_timer.start(std::max(1, delay));
}

int JenkinsBackend::backoffMs() const
{
    const double base = m_settings.activeIntervalMs;
    const double cap = std::max<double>(m_settings.maxBackoffMs, base);
    const double full =
        std::min(cap, base * std::pow(2.0, std::min(std::max(m_failStreak, 1), 16)));
    return int(full / 2 + QRandomGenerator::global()->bounded(full / 2));
}

void JenkinsBackend::authFailed(const http::Response &r)
{
    if (!m_authFailed) {
        ConnectionHealth h = m_health;
        h.state = ConnectionHealth::State::AuthFailed;
        const QString user = m_config.secret(QStringLiteral("user"));
        h.reason = r.status == 401
                       ? QStringLiteral("connection %1: Jenkins rejected user %2 and its API token "
                                        "(401); check the credential")
                             .arg(m_config.id, user.isEmpty() ? QStringLiteral("(none)") : user)
                       : QStringLiteral("connection %1: Jenkins denied user %2 (403 %3); the user "
                                        "lacks Overall/Read or Job/Read")
                             .arg(m_config.id, user.isEmpty() ? QStringLiteral("(none)") : user,
                                  htmlErrorTitle(r.body).left(120));
        setHealth(h);
        reportProblem(QStringLiteral("connection %1").arg(m_config.id), h.reason);
    }
    m_authFailed = true;
    m_failStreak = std::max(1, m_failStreak + (m_cycleActive ? 1 : 0));
    // Drop every answer of this cycle; the next probe is a full poll after a backoff.
    ++m_generation;
    m_pending = 0;
    m_cycleActive = true;
    finishCycle();
}

void JenkinsBackend::reportProblem(const QString &where, const QString &message)
{
    const QString key = where + QLatin1Char('\n') + message;
    if (m_reported.contains(key))
        return;
    for (auto it = m_reported.begin(); it != m_reported.end();)
        it = it->startsWith(where + QLatin1Char('\n')) ? m_reported.erase(it) : std::next(it);
    m_reported.insert(key);
    qCWarning(http::lcNet).noquote() << "jenkins" << m_config.id << where << ":" << message;
    m_sink->problem(m_config.id, where, message);
}

void JenkinsBackend::clearProblem(const QString &where)
{
    for (auto it = m_reported.begin(); it != m_reported.end();)
        it = it->startsWith(where + QLatin1Char('\n')) ? m_reported.erase(it) : std::next(it);
}

void JenkinsBackend::setHealth(const ConnectionHealth &health)
{
    if (health == m_health)
        return;
    const bool changed = health.state != m_health.state || health.reason != m_health.reason;
    m_health = health;
    if (changed)
        m_sink->healthChanged(m_config.id, m_health);
}

void JenkinsBackend::publishRecords()
{
    // A healthy answer after an auth failure: polling works again.
    RecordSet all = buildRecords(m_mapping, m_snapshot, m_config.baseUrl);
    QList<Gate> unknown;
    QList<TimelineEvent> events = all.events;
    events += answeredGateEvents(m_config.id, m_openGates, all.gates, m_snapshot, &unknown);
    m_openGates = all.gates + unknown;
    m_publisher.publish(m_sink, m_config.id, all, events, !m_initialDone);
}

ActionPlan JenkinsBackend::plan(const ReleaseAction &action) const
{
    return planAction(action, m_mapping, m_snapshot);
}

quint64 JenkinsBackend::execute(const ActionPlan &plan)
{
    auto exec = std::make_shared<Execution>();
    exec->ticket = m_nextTicket++;
    exec->plan = plan;
    // Report asynchronously even when the plan fails at once, so callers see one path.
    QTimer::singleShot(0, this, [this, exec] { runExecution(exec); });
    return exec->ticket;
}

void JenkinsBackend::runExecution(const std::shared_ptr<Execution> &exec)
{
    if (!m_client) {
        start();
    }
    if (!exec->plan.feasible) {
        finishExecution(exec, false, QStringLiteral("not executed: ") + exec->plan.blockedReason,
                        0);
        return;
    }
    if (m_config.readOnly) {
        finishExecution(exec, false, QStringLiteral("connection %1 is read-only").arg(m_config.id),
                        0);
        return;
    }
    if (exec->plan.requests.size() != 1) {
        finishExecution(exec, false, QStringLiteral("a Jenkins plan has exactly one request"), 0);
        return;
    }
    checkPreconditions(exec, 0, [this, exec] { sendMutation(exec); });
}

void JenkinsBackend::checkPreconditions(const std::shared_ptr<Execution> &exec,
                                        int index,
                                        std::function<void()> onHold)
{
    if (index >= exec->plan.preconditions.size()) {
        onHold();
        return;
    }
    const Precondition pc = exec->plan.preconditions.at(index);
    http::Request req;
    req.path = pc.path.section(QLatin1Char('?'), 0, 0);
    req.query = QUrlQuery(pc.path.section(QLatin1Char('?'), 1));
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, exec, index, pc, onHold](const http::Response &r) {
        QString found;
        if (!r.ok() && !(r.status == 404 && pc.field == QLatin1String("pendingInput.id"))) {
            exec->steps.append(
                QStringLiteral("GET %1 -> %2")
                    .arg(pc.path, r.status ? QString::number(r.status) : http::errorName(r.error)));
            const QString why =
                r.status == 404 ? QStringLiteral("it is gone (404)") : shortError(r);
            finishExecution(
                exec, false,
                QStringLiteral("could not re-read the precondition '%1': %2; nothing sent")
                    .arg(pc.description, why),
                r.status);
            return;
        }
        const bool holds = r.ok() && preconditionHolds(pc, r.body, &found);
        if (!r.ok())
            found = QStringLiteral("the build no longer waits (404)");
        exec->steps.append(QStringLiteral("GET %1 -> %2: %3 %4")
                               .arg(pc.path)
                               .arg(r.status)
                               .arg(pc.description, holds ? QStringLiteral("holds")
                                                          : QStringLiteral("does not hold")));
        if (!holds) {
            const QString op = exec->plan.context.value(QStringLiteral("op")).toString();
            const bool input =
                op == QLatin1String(op::Proceed) || op == QLatin1String(op::AbortInput);
            finishExecution(
                exec, false,
                QStringLiteral("precondition failed, nothing sent: %1 (expected %2, found %3)%4")
                    .arg(pc.description, pc.expected, found,
                         input ? QStringLiteral("; the input was already answered, "
                                                "perhaps by someone else")
                               : QString()),
                r.status);
            return;
        }
        checkPreconditions(exec, index + 1, onHold);
    });
}

void JenkinsBackend::fetchCrumb(const std::shared_ptr<Execution> &exec, std::function<void()> then)
{
    http::Request req;
    req.path = QStringLiteral("/crumbIssuer/api/json");
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, exec, then](const http::Response &r) {
        exec->steps.append(
            QStringLiteral("GET /crumbIssuer/api/json -> %1")
                .arg(r.status ? QString::number(r.status) : http::errorName(r.error)));
        WireCrumb crumb;
        QString error;
        if (!r.ok() || !parseCrumb(r.body, &crumb, &error)) {
            finishExecution(exec, false,
                            QStringLiteral("Jenkins asks for a CSRF crumb but the crumb issuer did "
                                           "not give one (%1); nothing was changed")
                                .arg(r.ok() ? error : shortError(r)),
                            r.status);
            return;
        }
        m_crumbField = crumb.field.toUtf8();
        m_crumb = crumb.crumb.toUtf8();
        // The crumb is bound to the web session: keep the session cookie it came with.
        const QByteArray cookie = r.header("set-cookie");
        if (!cookie.isEmpty())
            m_cookie = cookie.split('\n').first().split(';').first().trimmed();
        then();
    });
}

void JenkinsBackend::sendMutation(const std::shared_ptr<Execution> &exec)
{
    const PlannedRequest planned = exec->plan.requests.first();
    http::Request req;
    req.method = planned.method;
    req.path = planned.path.section(QLatin1Char('?'), 0, 0);
    if (planned.path.contains(QLatin1Char('?')))
        req.query = QUrlQuery(planned.path.section(QLatin1Char('?'), 1));
    req.body = planned.body;
    req.contentType = planned.contentType;
    req.timeoutMs = m_settings.requestTimeoutMs;
    req.idempotent = false; // never retried by the client: we decide after a fresh read
    req.maxAttempts = 1;
    req.followRedirects = false;
    if (!m_crumb.isEmpty()) {
        req.setHeader(m_crumbField, m_crumb);
        if (!m_cookie.isEmpty())
            req.setHeader("Cookie", m_cookie);
    }
    m_client->send(req, this, [this, exec, planned](const http::Response &r) {
        exec->steps.append(
            QStringLiteral("%1 %2 -> %3")
                .arg(QString::fromLatin1(planned.method), planned.path)
                .arg(r.status ? QString::number(r.status) : http::errorName(r.error)));
        const QString op = exec->plan.context.value(QStringLiteral("op")).toString();
        if (accepted(r)) {
            if (op == QLatin1String(op::Build)) {
                exec->queueId = queueIdFromLocation(r.header("location"));
                if (exec->queueId > 0) {
                    exec->following.start();
                    followQueue(exec);
                    return;
                }
                finishExecution(exec, true,
                                exec->plan.summary + QStringLiteral(": started (Jenkins "
                                                                    "named no queue item)"),
                                r.status);
                return;
            }
            finishExecution(exec, true, exec->plan.summary + QStringLiteral(": done"), r.status);
            return;
        }
        if (r.status == 403 && isCrumbRejection(r.body) && !exec->crumbTried) {
            // Basic auth with a password (not an API token) needs a crumb; the server refused
            // before acting, so one more try with a crumb is safe after a fresh precondition read.
            exec->crumbTried = true;
            exec->steps.append(QStringLiteral("Jenkins asks for a CSRF crumb; fetching one"));
            fetchCrumb(exec, [this, exec] {
                checkPreconditions(exec, 0, [this, exec] { sendMutation(exec); });
            });
            return;
        }
        if (r.status == 401 || r.status == 403) {
            if (r.status == 401)
                authFailed(r);
            finishExecution(exec, false,
                            QStringLiteral("connection %1: Jenkins refused the request (%2)")
                                .arg(m_config.id, shortError(r)),
                            r.status);
            return;
        }
        if ((op == QLatin1String(op::Proceed) || op == QLatin1String(op::AbortInput)) &&
            (r.status == 404 || r.status == 409)) {
            finishExecution(exec, false,
                            QStringLiteral("the input step is no longer pending (%1): someone else "
                                           "answered it or the build ended")
                                .arg(r.status),
                            r.status);
            return;
        }
        if (op == QLatin1String(op::Build) && r.status == 409) {
            finishExecution(exec, false,
                            QStringLiteral("Jenkins will not build %1 (409): the job is disabled")
                                .arg(exec->plan.context.value(QStringLiteral("job")).toString()),
                            r.status);
            return;
        }
        if (unknownOutcome(r) && !exec->retried) {
            // The request may or may not have acted. Only a fresh read of the precondition
            // says whether sending it again is safe.
            exec->retried = true;
            exec->steps.append(QStringLiteral("outcome unknown; re-reading the precondition"));
            checkPreconditions(exec, 0, [this, exec] { sendMutation(exec); });
            return;
        }
        finishExecution(exec, false, shortError(r), r.status);
    });
}

void JenkinsBackend::followQueue(const std::shared_ptr<Execution> &exec)
{
    http::Request req;
    req.path = QStringLiteral("/queue/item/%1/api/json").arg(exec->queueId);
    req.query.addQueryItem(QStringLiteral("tree"), queueItemTree());
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, exec](const http::Response &r) {
        const QString job = exec->plan.context.value(QStringLiteral("job")).toString();
        WireQueueItem item;
        QString error;
        const bool ok = r.ok() && parseQueueItem(r.body, &item, &error);
        if (ok && item.buildNumber > 0) {
            exec->steps.append(QStringLiteral("queue item %1 -> %2 #%3")
                                   .arg(exec->queueId)
                                   .arg(job)
                                   .arg(item.buildNumber));
            finishExecution(exec, true,
                            exec->plan.summary + QStringLiteral(": started as %1 (queue item %2)")
                                                     .arg(runId(job, item.buildNumber))
                                                     .arg(exec->queueId),
                            201);
            return;
        }
        if (ok && item.cancelled) {
            exec->steps.append(QStringLiteral("queue item %1 cancelled").arg(exec->queueId));
            finishExecution(exec, false,
                            QStringLiteral("%1: queue item %2 was cancelled before it started")
                                .arg(exec->plan.summary)
                                .arg(exec->queueId),
                            201);
            return;
        }
        if (exec->following.elapsed() >= m_settings.queueFollowMs) {
            const QString why = ok ? item.why : (r.ok() ? error : shortError(r));
            exec->steps.append(QStringLiteral("queue item %1 still waiting").arg(exec->queueId));
            finishExecution(exec, true,
                            QStringLiteral("%1: queued as item %2 (queue/%2), not started yet%3")
                                .arg(exec->plan.summary)
                                .arg(exec->queueId)
                                .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why),
                            201);
            return;
        }
        QTimer::singleShot(m_settings.queuePollMs, this, [this, exec] { followQueue(exec); });
    });
}

void JenkinsBackend::finishExecution(const std::shared_ptr<Execution> &exec,
                                     bool ok,
                                     const QString &message,
                                     int status)
{
    ActionResult result;
    result.ok = ok;
    result.message = message;
    result.httpStatus = status;
    result.finished = QDateTime::currentDateTimeUtc();
    result.steps = exec->steps;
    m_sink->actionFinished(m_config.id, exec->ticket, result);
    // Look again soon so the change shows without waiting a whole poll interval.
    if (ok && m_running && !m_cycleActive) {
        m_sinceFull.invalidate();
        m_timer.start(std::min(m_settings.activeIntervalMs, 200));
    }
}

void JenkinsBackend::fetchLogTail(const QString &id,
                                  const QString &stageId,
                                  qint64 maxBytes,
                                  std::function<void(const QString &, const QString &)> done)
{
    Q_UNUSED(stageId) // Jenkins' progressive log is per build; a stage's part is not separable
    QString key;
    int number = 0;
    if (!splitRunId(id, &key, &number) || !m_client) {
        done(QString(),
             QStringLiteral("%1 is not a Jenkins build on connection %2").arg(id, m_config.id));
        return;
    }
    const qint64 offset = m_logs.value(id).offset;
    http::Request req;
    req.path =
        JobPath::fromKey(key).urlPath() + QStringLiteral("/%1/logText/progressiveText").arg(number);
    req.query.addQueryItem(QStringLiteral("start"), QString::number(offset));
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, id, maxBytes, offset, done](const http::Response &r) {
        if (!r.ok()) {
            done(QString(), QStringLiteral("log of %1: %2").arg(id, shortError(r)));
            return;
        }
        LogCursor &cursor = m_logs[id];
        if (cursor.offset != offset) // another read moved on meanwhile; start over
            cursor = LogCursor();
        cursor.tail += r.body;
        bool ok = false;
        const qint64 next = r.header("x-text-size").toLongLong(&ok);
        cursor.offset = ok ? next : offset + r.body.size();
        const qint64 keep = std::max<qint64>(maxBytes, 256 * 1024);
        if (cursor.tail.size() > keep)
            cursor.tail = cursor.tail.right(keep);
        const QByteArray tail = maxBytes > 0 && cursor.tail.size() > maxBytes
                                    ? cursor.tail.right(maxBytes)
                                    : cursor.tail;
        done(QString::fromUtf8(tail), QString());
    });
}

QVariantMap JenkinsBackend::statistics() const
{
    QVariantMap stats = m_client ? m_client->statistics() : QVariantMap();
    stats.insert(QStringLiteral("polls"), m_polls);
    stats.insert(QStringLiteral("fullPolls"), m_fullPolls);
    stats.insert(QStringLiteral("lastPollBytes"), m_lastPollBytes);
    stats.insert(QStringLiteral("lastPollRequests"), m_lastPollRequests);
    stats.insert(QStringLiteral("firstPollBytes"), m_firstPollBytes);
    stats.insert(QStringLiteral("firstPollRequests"), m_firstPollRequests);
    stats.insert(QStringLiteral("jobs"), qint64(m_snapshot.size()));
    return stats;
}

} // namespace fd::jenkins
