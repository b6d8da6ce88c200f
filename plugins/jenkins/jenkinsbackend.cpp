#include "jenkinsbackend.h"

#include "http/backoff.h"

#include "http/httplog.h"

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

JenkinsBackend::JenkinsBackend(const ConnectionConfig &config, BackendSink *sink, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_sink(sink)
    , m_mapping(config)
    , m_settings(PollSettings::fromOptions(config.options))
    , m_problems("jenkins", config.id, sink)
    , m_executor(new http::ActionExecutor(this, http::ExecutorSettings::of(config), this))
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
                m_problems.report(where,
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
                m_problems.report(where, error + QStringLiteral("; keeping the last good state"));
                // Nothing below this listing is known to be gone: mark it all as seen.
                for (auto it = m_snapshot.cbegin(); it != m_snapshot.cend(); ++it)
                    if (it.key() == parent.key() || parent.isEmpty() ||
                        it.key().startsWith(parent.key() + QLatin1Char('/')))
                        m_listedThisCycle.insert(it.key());
                return;
            }
            m_problems.clear(where);
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
                        m_problems.report(
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
                m_problems.report(where,
                                  QStringLiteral("not found (404): deleted, renamed or not "
                                                 "visible to this user%1")
                                      .arg(m_snapshot.contains(parent.key())
                                               ? QStringLiteral("; showing the last good state")
                                               : QString()));
                return;
            }
            m_problems.report(where,
                              shortError(r) + QStringLiteral("; keeping the last good state"));
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
        m_problems.clear(QStringLiteral("job %1").arg(key));
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
                m_problems.report(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            m_problems.clear(where);
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
    const QString where = QStringLiteral("job %1 #%2: stages").arg(key, QString::number(number));
    get(
        JobPath::fromKey(key).urlPath() + QStringLiteral("/%1/wfapi/describe").arg(number),
        QString(), where,
        [this, key, number, where](const http::Response &r) {
            WireRunDescribe run;
            QString error;
            if (!parseRunDescribe(r.body, &run, &error)) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                m_problems.report(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            m_problems.clear(where);
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
                m_problems.report(
                    QStringLiteral("job %1: stages").arg(key),
                    QStringLiteral("no stage view (wfapi answered 404): the job is not a "
                                   "Pipeline or the Pipeline Stage View plugin is missing; "
                                   "its builds are shown without stages"));
                return;
            }
            m_problems.report(where,
                              shortError(r) + QStringLiteral("; keeping the last good state"));
        });
}

void JenkinsBackend::readInputs(const QString &key, int number)
{
    const QString where =
        QStringLiteral("job %1 #%2: input steps").arg(key, QString::number(number));
    get(JobPath::fromKey(key).urlPath() +
            QStringLiteral("/%1/wfapi/pendingInputActions").arg(number),
        QString(), where, [this, key, number, where](const http::Response &r) {
            QList<WireInput> inputs;
            QString error;
            if (!parsePendingInputs(r.body, &inputs, &error)) {
                ++m_cycleFailures;
                m_cycleLastError = where + QStringLiteral(": ") + error;
                m_problems.report(where, error + QStringLiteral("; keeping the last good state"));
                return;
            }
            m_problems.clear(where);
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
                m_problems.report(where,
                                  QStringLiteral("not found: the workspace maps %1%2 to it, but "
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
    http::RetryTiming timing;
    timing.baseMs = m_settings.activeIntervalMs;
    timing.capMs = std::max(m_settings.maxBackoffMs, m_settings.activeIntervalMs);
    // Equal jitter: no failing server is probed again sooner than half the backoff.
    return std::max(1,
                    http::equalJitterDelayMs(timing, std::min(std::max(m_failStreak, 1), 16) + 1));
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
        m_problems.report(QStringLiteral("connection %1").arg(m_config.id), h.reason);
    }
    m_authFailed = true;
    m_failStreak = std::max(1, m_failStreak + (m_cycleActive ? 1 : 0));
    // Drop every answer of this cycle; the next probe is a full poll after a backoff.
    ++m_generation;
    m_pending = 0;
    m_cycleActive = true;
    finishCycle();
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
    return m_executor->execute(plan);
}

QString JenkinsBackend::refuseAction(const ActionPlan &plan)
{
    return plan.requests.size() == 1 ? QString()
                                     : QStringLiteral("a Jenkins plan has exactly one request");
}

void JenkinsBackend::sendForAction(const http::Request &request, Reply reply)
{
    if (!m_client)
        start();
    http::Request req = request;
    req.timeoutMs = m_settings.requestTimeoutMs;
    if (req.method != "GET" && !m_crumb.isEmpty()) {
        req.setHeader(m_crumbField, m_crumb);
        if (!m_cookie.isEmpty())
            req.setHeader("Cookie", m_cookie);
    }
    m_client->send(req, this, std::move(reply));
}

http::PreconditionReading JenkinsBackend::readPrecondition(const Precondition &pc,
                                                           const http::Response &r)
{
    const bool input = pc.field == QLatin1String("pendingInput.id");
    const QString answered = input ? QStringLiteral("; the input was already answered, perhaps "
                                                    "by someone else")
                                   : QString();
    // An input that is no longer pending answers 404: the precondition is read, and fails.
    if (input && r.status == 404)
        return http::PreconditionReading::differs(QStringLiteral("the build no longer waits (404)"),
                                                  answered);
    if (!r.ok())
        return http::PreconditionReading::unreadable(
            r.status == 404 ? QStringLiteral("it is gone (404)") : shortError(r));
    QString found;
    const bool holds = preconditionHolds(pc, r.body, &found);
    return http::PreconditionReading::compared(holds, found, answered);
}

void JenkinsBackend::actionEnded(const http::ActionRun &run, const ActionResult &result)
{
    m_sink->actionFinished(m_config.id, run.ticket, result);
    // Look again soon so the change shows without waiting a whole poll interval.
    if (result.ok && m_running && !m_cycleActive) {
        m_sinceFull.invalidate();
        m_timer.start(std::min(m_settings.activeIntervalMs, 200));
    }
}

http::MutationVerdict JenkinsBackend::interpretMutation(const std::shared_ptr<http::ActionRun> &run,
                                                        const PlannedRequest &,
                                                        const http::Response &r)
{
    using Kind = http::MutationVerdict::Kind;
    const QString op = run->plan.context.value(QStringLiteral("op")).toString();
    const bool input = op == QLatin1String(op::Proceed) || op == QLatin1String(op::AbortInput);
    if (accepted(r)) {
        if (op != QLatin1String(op::Build))
            return {Kind::Done, run->plan.summary + QStringLiteral(": done")};
        const int queueId = queueIdFromLocation(r.header("location"));
        if (queueId <= 0)
            return {Kind::Done, run->plan.summary + QStringLiteral(": started (Jenkins named no "
                                                                   "queue item)")};
        followQueue(run, queueId, QDateTime::currentMSecsSinceEpoch());
        return {Kind::Pending, {}};
    }
    if (r.status == 403 && isCrumbRejection(r.body) && !run->prepared) {
        // Basic auth with a password (not an API token) needs a crumb; the server refused
        // before acting, so one more try with a crumb is safe after a fresh precondition read.
        run->steps.append(QStringLiteral("Jenkins asks for a CSRF crumb; fetching one"));
        http::MutationVerdict resend{Kind::Resend, shortError(r)};
        resend.prepare = [this](const std::shared_ptr<http::ActionRun> &run,
                                std::function<void(const QString &)> done) {
            fetchCrumb(run, std::move(done));
        };
        return resend;
    }
    if (r.status == 401 || r.status == 403) {
        if (r.status == 401)
            authFailed(r);
        return {Kind::Failed, QStringLiteral("connection ") + m_config.id +
                                  QStringLiteral(": Jenkins refused the request (") +
                                  shortError(r) + QLatin1Char(')')};
    }
    if (input && (r.status == 404 || r.status == 409))
        return {Kind::Failed, QStringLiteral("the input step is no longer pending (%1): someone "
                                             "else answered it or the build ended")
                                  .arg(r.status)};
    if (op == QLatin1String(op::Build) && r.status == 409)
        return {Kind::Failed, QStringLiteral("Jenkins will not build %1 (409): the job is disabled")
                                  .arg(run->plan.context.value(QStringLiteral("job")).toString())};
    // The request may or may not have acted; only a fresh read says whether to send again.
    if (unknownOutcome(r))
        return {Kind::Lost, shortError(r)};
    return {Kind::Failed, shortError(r)};
}

void JenkinsBackend::fetchCrumb(const std::shared_ptr<http::ActionRun> &run,
                                std::function<void(const QString &failure)> done)
{
    http::Request req;
    req.path = QStringLiteral("/crumbIssuer/api/json");
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, run, done](const http::Response &r) {
        run->steps.append(http::stepLine("GET", QStringLiteral("/crumbIssuer/api/json"), r));
        WireCrumb crumb;
        QString error;
        if (!r.ok() || !parseCrumb(r.body, &crumb, &error)) {
            done(QStringLiteral("Jenkins asks for a CSRF crumb but the crumb issuer did not give "
                                "one (") +
                 (r.ok() ? error : shortError(r)) + QStringLiteral("); nothing was changed"));
            return;
        }
        m_crumbField = crumb.field.toUtf8();
        m_crumb = crumb.crumb.toUtf8();
        // The crumb is bound to the web session: keep the session cookie it came with.
        const QByteArray cookie = r.header("set-cookie");
        if (!cookie.isEmpty())
            m_cookie = cookie.split('\n').first().split(';').first().trimmed();
        done(QString());
    });
}

void JenkinsBackend::followQueue(const std::shared_ptr<http::ActionRun> &run,
                                 int queueId,
                                 qint64 startedMs)
{
    http::Request req;
    req.path =
        QStringLiteral("/queue/item/") + QString::number(queueId) + QStringLiteral("/api/json");
    req.query.addQueryItem(QStringLiteral("tree"), queueItemTree());
    req.conditional = false;
    req.timeoutMs = m_settings.requestTimeoutMs;
    m_client->send(req, this, [this, run, queueId, startedMs](const http::Response &r) {
        const QString job = run->plan.context.value(QStringLiteral("job")).toString();
        const QString item = QString::number(queueId);
        const QString summary = run->plan.summary;
        WireQueueItem wire;
        QString error;
        const bool ok = r.ok() && parseQueueItem(r.body, &wire, &error);
        if (ok && wire.buildNumber > 0) {
            run->steps.append(QStringLiteral("queue item ") + item + QStringLiteral(" -> ") + job +
                              QStringLiteral(" #") + QString::number(wire.buildNumber));
            m_executor->finish(run, true,
                               summary + QStringLiteral(": started as ") +
                                   runId(job, wire.buildNumber) + QStringLiteral(" (queue item ") +
                                   item + QLatin1Char(')'),
                               201);
            return;
        }
        if (ok && wire.cancelled) {
            run->steps.append(QStringLiteral("queue item ") + item + QStringLiteral(" cancelled"));
            m_executor->finish(run, false,
                               summary + QStringLiteral(": queue item ") + item +
                                   QStringLiteral(" was cancelled before it started"),
                               201);
            return;
        }
        if (QDateTime::currentMSecsSinceEpoch() - startedMs >= m_settings.queueFollowMs) {
            const QString why = ok ? wire.why : (r.ok() ? error : shortError(r));
            run->steps.append(QStringLiteral("queue item ") + item +
                              QStringLiteral(" still waiting"));
            m_executor->finish(run, true,
                               summary + QStringLiteral(": queued as item ") + item +
                                   QStringLiteral(" (queue/") + item +
                                   QStringLiteral("), not started yet") +
                                   (why.isEmpty() ? QString() : QStringLiteral(": ") + why),
                               201);
            return;
        }
        QTimer::singleShot(m_settings.queuePollMs, this, [this, run, queueId, startedMs] {
            followQueue(run, queueId, startedMs);
        });
    });
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
