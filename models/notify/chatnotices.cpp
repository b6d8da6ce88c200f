#include "chatnotices.h"

#include "domain/incident.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "git/repositorycache.h"
#include "incidents/suspects.h"
#include "store/store.h"
#include "ops/actionrunner.h"

#include <QEventLoop>
#include <QTimer>

namespace fd {

namespace {

// A GitHub-style comparison page, when the service names its repository's web address.
QUrl compareUrl(const ServiceDef *service, const QString &from, const QString &to)
{
    if (!service || service->repoUrl.isEmpty() || from.isEmpty() || to.isEmpty())
        return {};
    QString base = service->repoUrl;
    if (base.endsWith(QLatin1String(".git")))
        base.chop(4);
    if (!base.startsWith(QLatin1String("https://")))
        return {};
    return QUrl(base + QStringLiteral("/compare/%1...%2").arg(from, to));
}

const Rollout *rolloutOf(const Estate &estate, const QString &service, const QString &environment)
{
    for (const Rollout &r : estate.rollouts())
        if (r.service == service && r.environment == environment)
            return &r;
    return nullptr;
}

} // namespace

ChatNotices::ChatNotices(Session *session, ChatTransport *transport, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_outbox(
          session->store(), NotifyTarget::fromWorkspace(session->workspace().notify), transport)
    , m_openedAt(QDateTime::currentDateTimeUtc())
{
    if (m_outbox.targets().isEmpty())
        return;
    connect(session->estate(), &Estate::eventsArrived, this, &ChatNotices::onEvents);
    m_outbox.start(); // what an earlier run left goes out first
}

std::optional<ChatEvent> ChatNotices::fromTimeline(const TimelineEvent &e) const
{
    using K = TimelineEvent::Kind;
    ChatEvent c;
    switch (e.kind) {
    case K::DeployStarted:
        c.kind = ChatEvent::Kind::DeployStarted;
        break;
    case K::DeploySucceeded:
    case K::CanaryPromoted:
        c.kind = ChatEvent::Kind::DeployFinished;
        break;
    case K::DeployFailed:
        c.kind = ChatEvent::Kind::DeployFailed;
        break;
    case K::Rollback:
        c.kind = ChatEvent::Kind::Rollback;
        break;
    case K::CanaryStep:
        c.kind = ChatEvent::Kind::CanaryStep;
        break;
    case K::CanaryAborted:
        c.kind = ChatEvent::Kind::CanaryAborted;
        break;
    case K::ApprovalRequested:
    case K::DeployBlocked:
        c.kind = ChatEvent::Kind::GateWaiting;
        break;
    default:
        return std::nullopt;
    }
    c.time = e.time;
    c.service = e.service;
    c.environment = e.environment;
    c.actor = e.actor;
    if (c.actor.isEmpty()) {
        const auto who = m_actors.value(e.service + QLatin1Char('|') + e.environment);
        if (who.second.isValid() && who.second.secsTo(QDateTime::currentDateTimeUtc()) < 600)
            c.actor = who.first;
    }
    c.toVersion = e.version;
    c.link = e.link;
    if (c.kind == ChatEvent::Kind::DeployFailed || c.kind == ChatEvent::Kind::GateWaiting)
        c.detail = e.title;
    if (const Rollout *r = rolloutOf(*m_session->estate(), e.service, e.environment)) {
        // The rollout as the estate holds it now: the step the event announced, or later.
        c.fromVersion = r->stableVersion;
        if (c.toVersion.isEmpty())
            c.toVersion = r->canaryVersion;
        if (c.kind == ChatEvent::Kind::CanaryStep) {
            c.stepCount = int(r->steps.size());
            c.step = std::min(r->currentStepIndex + 1, c.stepCount);
            c.weight = r->setWeight;
        }
    }
    if (c.link.isEmpty())
        for (const EnvironmentState &s :
             m_session->estate()->environmentStates(e.service, e.environment))
            if (!s.url.isEmpty())
                c.link = s.url;
    return c;
}

void ChatNotices::onEvents(const QList<TimelineEvent> &events)
{
    for (const TimelineEvent &e : events) {
        const QString id = e.source + QLatin1Char('/') + e.sourceId;
        if (m_seen.contains(id))
            continue;
        m_seen.insert(id);
        if (e.kind == TimelineEvent::Kind::OperatorAction ||
            e.kind == TimelineEvent::Kind::Rollback)
            noteActor(e.service, e.environment, e.actor);
        // A first read brings the history of every target: chat hears of what happens now.
        if (e.time.isValid() && e.time < m_openedAt.addSecs(-120))
            continue;
        if (auto c = fromTimeline(e))
            m_outbox.enqueue(*c);
    }
}

QStringList ChatNotices::noticeTargets(const PreparedAction &prepared) const
{
    ChatEvent probe;
    probe.kind = ChatEvent::Kind::PromotionPlanned;
    probe.service = prepared.action.service;
    probe.environment = prepared.action.environment;
    QStringList names;
    for (const NotifyTarget &t : m_outbox.targets())
        if (t.wants(probe))
            names << t.id;
    return names;
}

void ChatNotices::linkToLatestAudit(const QList<qint64> &rows)
{
    if (Store *store = m_session->store())
        if (auto entries = store->auditEntries(1); entries && !entries->isEmpty())
            m_outbox.linkAudit(rows, entries->first().id);
}

bool ChatNotices::wantsNotice(const PreparedAction &prepared) const
{
    ChatEvent probe;
    probe.kind = ChatEvent::Kind::PromotionPlanned;
    probe.service = prepared.action.service;
    probe.environment = prepared.action.environment;
    for (const NotifyTarget &t : m_outbox.targets())
        if (t.wants(probe))
            return true;
    return false;
}

ChatEvent ChatNotices::changeNotice(const PreparedAction &p) const
{
    const ReleaseAction &a = p.action;
    const Workspace &ws = m_session->workspace();
    const Estate &estate = *m_session->estate();
    ChatEvent c;
    c.kind = ChatEvent::Kind::PromotionPlanned;
    c.time = QDateTime::currentDateTimeUtc();
    c.service = a.service;
    c.environment = a.environment;
    c.actor = a.actor;
    QString fromCommit, toCommit;
    for (const EnvironmentState &s : estate.environmentStates(a.service, a.environment)) {
        c.fromVersion = s.version;
        fromCommit = s.commit;
        c.link = s.url;
    }
    c.toVersion = a.version;
    if (const Rollout *r = rolloutOf(estate, a.service, a.environment);
        r && c.toVersion.isEmpty()) {
        c.fromVersion = r->stableVersion;
        c.toVersion = r->canaryVersion;
    }
    if (c.toVersion.isEmpty()) {
        // Promotion along the path: what the environment before this one runs.
        const QStringList order = ws.environmentNames();
        const int i = int(order.indexOf(a.environment));
        if (i > 0)
            for (const EnvironmentState &s : estate.environmentStates(a.service, order.at(i - 1))) {
                c.toVersion = s.version;
                toCommit = s.commit;
            }
    }
    const ServiceDef *service = ws.service(a.service);
    c.compareUrl = compareUrl(service, c.fromVersion, c.toVersion);
    if (service && !service->repoPath.isEmpty() && !c.fromVersion.isEmpty() &&
        !c.toVersion.isEmpty()) {
        GitError err;
        if (auto repo = GitRepository::open(service->repoPath, &err)) {
            const CommitRange range = repo->range(fromCommit.isEmpty() ? c.fromVersion : fromCommit,
                                                  toCommit.isEmpty() ? c.toVersion : toCommit);
            if (range.ok())
                for (const CommitRecord &r : range.commits)
                    c.commits.append(
                        {r.sha, r.subject,
                         r.change.kind == ChangeRef::Kind::None ? 0 : r.change.number});
        }
    }
    for (const GuardResult &g : p.guards)
        if (g.outcome != GuardResult::Outcome::Pass &&
            g.guard != QLatin1String("protected-environment"))
            c.risks << g.message;
    if (p.frozen)
        c.risks << QStringLiteral("freeze window: %1").arg(p.freezeReason);
    for (const QString &w : p.plan.warnings)
        c.risks << w;
    for (const Run &r : estate.runs())
        if (r.service == a.service && r.status == RunStatus::Failed && !toCommit.isEmpty() &&
            r.commit == toCommit)
            c.risks << QStringLiteral("failed check: %1").arg(r.pipeline);
    return c;
}

void ChatNotices::noteActor(const QString &service,
                            const QString &environment,
                            const QString &actor)
{
    if (!actor.isEmpty())
        m_actors.insert(service + QLatin1Char('|') + environment,
                        {actor, QDateTime::currentDateTimeUtc()});
}

QList<qint64> ChatNotices::announce(const PreparedAction &prepared, qint64 auditId)
{
    noteActor(prepared.action.service, prepared.action.environment, prepared.action.actor);
    return m_outbox.enqueue(changeNotice(prepared), auditId);
}

void ChatNotices::incident(const Incident &incident,
                           ChatEvent::Kind kind,
                           const QString &actor,
                           const QString &detail,
                           const QStringList &suspects)
{
    ChatEvent c;
    c.kind = kind;
    c.time = QDateTime::currentDateTimeUtc();
    c.service = incident.services.value(0);
    c.environment = incident.environment;
    c.actor = actor;
    c.incidentId = incident.id;
    c.title = incident.title;
    c.severity = incident.severity;
    c.phase = toString(incident.phase);
    c.suspects = suspects;
    if (c.suspects.isEmpty() && m_session->store() && incident.detectedAt.isValid()) {
        // The changes just before detection, ranked as the incident page ranks them.
        const SuspectOptions options = suspectOptions(m_session->workspace());
        const auto events = m_session->store()->events(
            incident.detectedAt.addSecs(-options.windowSecs), incident.detectedAt.addSecs(1));
        if (events)
            for (const Suspect &s :
                 rankSuspects(incident, *events, m_session->workspace(), options).mid(0, 3))
                c.suspects << QStringLiteral("%1 %2 → %3 (%4)")
                                  .arg(s.change.service, s.change.version, s.change.environment,
                                       s.changeKind);
    }
    c.detail = detail;
    m_outbox.enqueue(c);
}

bool ChatNotices::drain(int timeoutMs)
{
    // Done when nothing is on the wire and nothing falls due before the deadline: a row held
    // back longer (a retry after a 429, the canary minute) is left for the next run.
    const QDateTime deadline = QDateTime::currentDateTimeUtc().addMSecs(timeoutMs);
    const auto settled = [&] {
        if (!m_outbox.isIdle())
            return false;
        for (const ChatOutbox::Row &r : m_outbox.rows(QStringLiteral("pending")))
            if (r.due <= deadline)
                return false;
        return true;
    };
    if (settled())
        return true;
    QEventLoop loop;
    QTimer poll, limit;
    connect(&poll, &QTimer::timeout, &loop, [&] {
        if (settled())
            loop.quit();
    });
    connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
    poll.start(100);
    limit.setSingleShot(true);
    limit.start(timeoutMs);
    loop.exec();
    return m_outbox.pendingCount() == 0;
}

} // namespace fd
