#include "actionrunner.h"

#include "estate/estate.h"
#include "gitops/gitopsactions.h"
#include "ops/slogate.h"
#include "store/store.h"
#include "workspace/workspace.h"

#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcOps, "fd.ops")

namespace fd {

bool PreparedAction::blocked() const
{
    for (const auto &g : guards)
        if (g.outcome == GuardResult::Outcome::Block)
            return true;
    return false;
}

ActionRunner::ActionRunner(const Workspace *workspace,
                           Estate *estate,
                           Store *store,
                           BackendLookup backends,
                           QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_estate(estate)
    , m_store(store)
    , m_backends(std::move(backends))
{
    if (m_estate)
        connect(m_estate, &Estate::actionCompleted, this, &ActionRunner::onBackendFinished);
}

QString ActionRunner::connectionFor(const ReleaseAction &action) const
{
    if (!action.connectionId.isEmpty())
        return action.connectionId;
    // Gate and run keys are "<connection>/<backend id>".
    if (!action.target.isEmpty() && m_estate) {
        if (m_estate->gates().contains(action.target))
            return m_estate->gates().value(action.target).connectionId;
        if (m_estate->runs().contains(action.target))
            return m_estate->runs().value(action.target).connectionId;
    }
    if (m_workspace && !action.service.isEmpty() && !action.environment.isEmpty()) {
        if (const ServiceDef *svc = m_workspace->service(action.service))
            if (const ServiceBinding *b = svc->binding(action.environment))
                return ServiceDef::connectionOf(*b);
    }
    // A service × environment the estate knows from one connection only.
    if (m_estate) {
        const auto states = m_estate->environmentStates(action.service, action.environment);
        if (states.size() == 1)
            return states.first().connectionId;
    }
    return QString();
}

QString ActionRunner::targetKey(const ReleaseAction &action)
{
    // Actions on one service × environment (or one gate/run) exclude each other.
    return action.connectionId + QLatin1Char('|') + action.service + QLatin1Char('|') +
           action.environment + QLatin1Char('|') + action.target;
}

PreparedAction ActionRunner::prepare(const ReleaseAction &requested) const
{
    PreparedAction p;
    p.action = requested;
    p.action.connectionId = connectionFor(requested);
    // Approvals and runs may name only the target, as the estate key ("<connection>/<id>") or
    // as the backend's own id with the connection given: fill service/env from the record and
    // hand the backend its own id, which is what plugins plan with.
    if (m_estate && !p.action.target.isEmpty()) {
        const QString key = m_estate->gates().contains(p.action.target) ||
                                    m_estate->runs().contains(p.action.target)
                                ? p.action.target
                                : p.action.connectionId + QLatin1Char('/') + p.action.target;
        if (m_estate->gates().contains(key)) {
            const Gate g = m_estate->gates().value(key);
            if (p.action.service.isEmpty())
                p.action.service = g.service;
            if (p.action.environment.isEmpty())
                p.action.environment = g.environment;
            p.action.target = g.id;
        } else if (m_estate->runs().contains(key)) {
            const Run r = m_estate->runs().value(key);
            if (p.action.service.isEmpty())
                p.action.service = r.service;
            if (p.action.environment.isEmpty())
                p.action.environment = r.environment;
            p.action.target = r.id;
        }
    }

    Backend *backend =
        p.action.connectionId.isEmpty() ? nullptr : m_backends(p.action.connectionId);
    QList<GuardResult> gitopsGuards;
    if (!backend) {
        p.plan.action = p.action;
        p.plan.feasible = false;
        p.plan.blockedReason =
            p.action.connectionId.isEmpty()
                ? QStringLiteral("no connection serves %1 in %2")
                      .arg(p.action.service, p.action.environment)
                : QStringLiteral("connection %1 has no backend loaded").arg(p.action.connectionId);
    } else if (m_workspace && gitops::applies(*m_workspace, p.action)) {
        p.plan = gitops::plan(*m_workspace, p.action, &gitopsGuards);
        p.action.version = p.plan.action.version; // a rollback learns its version here
        // The sync that follows the push: Argo CD's own refusals (a sync window, a running
        // operation) are guards of this plan too.
        ReleaseAction sync = p.action;
        sync.verb = ReleaseAction::Verb::Sync;
        sync.version.clear();
        sync.target.clear();
        const ActionPlan syncPlan = backend->plan(sync);
        p.plan.requests += syncPlan.requests;
        if (!syncPlan.feasible)
            gitopsGuards << GuardResult{QStringLiteral("argocd-sync"), GuardResult::Outcome::Block,
                                        syncPlan.blockedReason};
    } else {
        p.plan = backend->plan(p.action);
    }

    using O = GuardResult::Outcome;
    p.readOnly = m_workspace && m_workspace->readOnly;
    p.guards << GuardResult{
        QStringLiteral("read-only"), p.readOnly ? O::Block : O::Pass,
        p.readOnly ? QStringLiteral("the workspace is read-only: nothing mutates") : QString()};
    p.guards << GuardResult{QStringLiteral("feasible"), p.plan.feasible ? O::Pass : O::Block,
                            p.plan.feasible ? QString() : p.plan.blockedReason};

    const QString env = p.action.environment;
    const bool typedNamePolicy =
        !m_workspace ||
        m_workspace->policies.value(QStringLiteral("requireTypedNameForProtected"), true).toBool();
    p.protectedEnvironment = m_workspace && !env.isEmpty() && m_workspace->isProtected(env);
    p.guards << GuardResult{
        QStringLiteral("protected-environment"),
        p.protectedEnvironment && typedNamePolicy ? O::NeedsTypedName : O::Pass,
        p.protectedEnvironment
            ? QStringLiteral("%1 is protected: type its name to confirm").arg(env)
            : QString()};

    QString freezeReason;
    p.frozen = m_workspace && !env.isEmpty() &&
               m_workspace->isFrozen(env, QDateTime::currentDateTimeUtc(), &freezeReason);
    p.freezeReason = freezeReason;
    p.guards << GuardResult{
        QStringLiteral("freeze-window"), p.frozen ? O::NeedsReason : O::Pass,
        p.frozen
            ? QStringLiteral("%1 is frozen (%2): give a reason to override").arg(env, freezeReason)
            : QString()};

    p.guards << gitopsGuards;
    p.guards << releaseLockGuard(p.action, &p.plan);

    if (m_workspace && m_estate)
        p.guards << sloGate(*m_workspace, *m_estate, m_signals ? m_signals() : nullptr, p.action);

    const bool busy = m_inFlight.contains(targetKey(p.action));
    p.guards << GuardResult{QStringLiteral("in-flight"), busy ? O::Block : O::Pass,
                            busy ? QStringLiteral("an action on this target is already running")
                                 : QString()};
    return p;
}

GuardResult ActionRunner::releaseLockGuard(const ReleaseAction &action, ActionPlan *plan) const
{
    using O = GuardResult::Outcome;
    GuardResult g{QStringLiteral("release-lock"), O::Pass, {}};
    const bool locksApply = action.verb == ReleaseAction::Verb::Promote ||
                            action.verb == ReleaseAction::Verb::PromoteFull ||
                            action.verb == ReleaseAction::Verb::Rollback;
    if (!locksApply || !m_store || action.service.isEmpty() || action.environment.isEmpty())
        return g;
    QString error;
    const auto locks = m_store->releaseLocks(action.service, action.environment, &error);
    if (!locks) {
        g.outcome = O::Block;
        g.message = QStringLiteral("the release lock could not be read: %1").arg(error);
        return g;
    }
    if (locks->isEmpty())
        return g;
    const ReleaseLock &l = locks->first();
    const QString held =
        QStringLiteral("%1 in %2 is locked by %3 since %4: %5")
            .arg(l.service, l.environment, l.holder, l.since.toString(Qt::ISODate), l.reason);
    if (action.options.value(QStringLiteral("overrideLock")).toBool()) {
        // Overriding is allowed with a written reason; the plan (and so the audit) says so.
        g.outcome = O::NeedsReason;
        g.message = held + QStringLiteral(": give a reason to override the lock");
        plan->warnings << QStringLiteral("overrides the release lock held by %1").arg(l.holder);
    } else {
        g.outcome = O::Block;
        g.message = held + QStringLiteral(" (unlock it, or override with --override-lock "
                                          "--reason TEXT)");
    }
    return g;
}

QStringList ActionRunner::refusals(const PreparedAction &p, const Confirmation &c)
{
    QStringList why;
    for (const auto &g : p.guards) {
        switch (g.outcome) {
        case GuardResult::Outcome::Pass:
            break;
        case GuardResult::Outcome::Block:
            why << g.message;
            break;
        case GuardResult::Outcome::NeedsTypedName:
            if (c.typedEnvironment != p.action.environment)
                why << QStringLiteral("type the environment name \"%1\" to confirm")
                           .arg(p.action.environment);
            break;
        case GuardResult::Outcome::NeedsReason:
            if (c.overrideReason.trimmed().isEmpty())
                why << g.message;
            break;
        }
    }
    return why;
}

bool ActionRunner::isInFlight(const ReleaseAction &action) const
{
    ReleaseAction a = action;
    a.connectionId = connectionFor(action);
    return m_inFlight.contains(targetKey(a));
}

quint64
ActionRunner::run(const PreparedAction &prepared, const Confirmation &confirmation, QString *why)
{
    // Guards are evaluated again now: state may have moved since the dialog opened.
    PreparedAction p = prepared;
    const QString key = targetKey(p.action);
    if (m_inFlight.contains(key)) {
        for (auto &g : p.guards)
            if (g.guard == QLatin1String("in-flight")) {
                g.outcome = GuardResult::Outcome::Block;
                g.message = QStringLiteral("an action on this target is already running");
            }
    }
    const QStringList refused = refusals(p, confirmation);
    const QString reason =
        confirmation.overrideReason.isEmpty() ? p.action.comment : confirmation.overrideReason;
    if (!refused.isEmpty()) {
        const QString text = refused.join(QStringLiteral("; "));
        if (why)
            *why = text;
        if (m_store)
            m_store->auditRefused(p.plan, reason, text);
        qCInfo(lcOps, "refused %s on %s/%s: %s", qPrintable(toString(p.action.verb)),
               qPrintable(p.action.service), qPrintable(p.action.environment), qPrintable(text));
        return 0;
    }
    Backend *backend = m_backends(p.action.connectionId);
    if (!backend) {
        if (why)
            *why = QStringLiteral("connection %1 has no backend loaded").arg(p.action.connectionId);
        return 0;
    }

    Pending pending;
    pending.id = m_nextId++;
    pending.prepared = p;
    pending.targetKey = key;
    if (m_store) {
        // One actor per target across processes: a second console or flightdeck-ctl on this
        // machine (or on a shared store) is refused, naming who acts, before anything is sent.
        ActionLock mine;
        mine.target = key;
        mine.actor = p.action.actor;
        mine.what = QStringLiteral("%1 %2 in %3")
                        .arg(toString(p.action.verb), p.action.service, p.action.environment);
        ActionLock holder;
        QString lockError;
        if (!m_store->takeActionLock(mine, &holder, &lockError)) {
            const QString text =
                lockError.isEmpty()
                    ? QStringLiteral("another process is acting on this target: %1")
                          .arg(holder.describe())
                    : QStringLiteral("the action lock could not be taken: %1").arg(lockError);
            if (why)
                *why = text;
            m_store->auditRefused(p.plan, reason, text);
            qCInfo(lcOps, "refused %s on %s/%s: %s", qPrintable(toString(p.action.verb)),
                   qPrintable(p.action.service), qPrintable(p.action.environment),
                   qPrintable(text));
            return 0;
        }
        QString err;
        ActionPlan audited = p.plan;
        audited.action.actor = p.action.actor;
        const auto auditId = m_store->auditIntent(audited, reason, &err);
        if (!auditId) {
            m_store->releaseActionLock(key);
            // Without a durable record of intent nothing is sent.
            if (why)
                *why = QStringLiteral("the audit log could not record the intent: %1").arg(err);
            return 0;
        }
        pending.auditId = *auditId;
    }
    m_inFlight.insert(key);
    if (p.plan.context.value(QStringLiteral("gitops")).toBool()) {
        runGitOps(pending, confirmation);
        Q_EMIT started(pending.id);
        return pending.id;
    }
    const quint64 ticket = backend->execute(p.plan);
    m_pending.insert(p.action.connectionId + QLatin1Char('#') + QString::number(ticket), pending);
    qCInfo(lcOps, "started %s on %s/%s (audit %lld)", qPrintable(toString(p.action.verb)),
           qPrintable(p.action.service), qPrintable(p.action.environment), pending.auditId);
    Q_EMIT started(pending.id);
    return pending.id;
}

void ActionRunner::onBackendFinished(const QString &connectionId,
                                     quint64 ticket,
                                     const ActionResult &result)
{
    const QString k = connectionId + QLatin1Char('#') + QString::number(ticket);
    auto it = m_pending.find(k);
    if (it == m_pending.end())
        return;
    const Pending pending = *it;
    m_pending.erase(it);
    finishAction(pending, result);
}

void ActionRunner::runGitOps(const Pending &pending, const Confirmation &confirmation)
{
    const Workspace workspace = *m_workspace; // the worker's own copy
    const ActionPlan plan = pending.prepared.plan;
    const ReleaseAction action = pending.prepared.action;
    const QString auditId = QString::number(pending.auditId);
    const bool overrideLock = action.options.value(QStringLiteral("overrideLock")).toBool();
    const bool reasoned = !confirmation.overrideReason.trimmed().isEmpty();
    Store *store = m_store;
    // The guards that can change while the push is retried, read again on each branch head.
    const auto recheck = [store, action, overrideLock, reasoned, workspace](const QString &) {
        if (store && !overrideLock) {
            const auto locks = store->releaseLocks(action.service, action.environment);
            if (locks && !locks->isEmpty())
                return QStringLiteral("%1 in %2 was locked by %3 meanwhile: %4")
                    .arg(action.service, action.environment, locks->first().holder,
                         locks->first().reason);
        }
        QString why;
        if (!reasoned &&
            workspace.isFrozen(action.environment, QDateTime::currentDateTimeUtc(), &why))
            return QStringLiteral("%1 froze meanwhile (%2)").arg(action.environment, why);
        return QString();
    };
    QtConcurrent::run([workspace, plan, auditId, recheck, store] {
        GitOpsResult r = gitops::execute(workspace, plan, auditId, recheck);
        if (store)
            store->releaseThreadConnection();
        return r;
    }).then(this, [this, pending](const GitOpsResult &r) {
        Pending next = pending;
        const QVariantMap &c = pending.prepared.plan.context;
        const QString where =
            m_workspace->gitops.remote + QLatin1Char(' ') + m_workspace->gitops.branch;
        if (r.outcome == GitOpsResult::Outcome::Pushed)
            next.steps << QStringLiteral("COMMIT %1 pushed to %2 (%3 on %4, attempt %5)")
                              .arg(r.commit, where, c.value(QStringLiteral("key")).toString(),
                                   c.value(QStringLiteral("file")).toString())
                              .arg(r.attempts);
        else
            next.steps << QStringLiteral("GIT %1: %2")
                              .arg(toString(r.outcome), r.error.isEmpty() ? where : r.error);
        if (!r.ok()) {
            ActionResult failed;
            failed.message = r.error;
            failed.finished = QDateTime::currentDateTimeUtc();
            finishAction(next, failed);
            return;
        }
        next.message = r.outcome == GitOpsResult::Outcome::Pushed
                           ? QStringLiteral("commit %1 pushed to %2").arg(r.commit.left(8), where)
                           : QStringLiteral("%1 already holds it").arg(where);
        Backend *backend = m_backends(pending.prepared.action.connectionId);
        ReleaseAction sync = pending.prepared.action;
        sync.verb = ReleaseAction::Verb::Sync;
        sync.version.clear();
        sync.target.clear();
        const ActionPlan syncPlan = backend ? backend->plan(sync) : ActionPlan{};
        if (!backend || !syncPlan.feasible) {
            // The commit is in: Argo CD's auto-sync (or the next manual sync) deploys it.
            ActionResult done;
            done.ok = true;
            done.message = next.message + QStringLiteral("; sync not sent: %1")
                                              .arg(backend ? syncPlan.blockedReason
                                                           : QStringLiteral("no backend"));
            done.finished = QDateTime::currentDateTimeUtc();
            finishAction(next, done);
            return;
        }
        const quint64 ticket = backend->execute(syncPlan);
        m_pending.insert(pending.prepared.action.connectionId + QLatin1Char('#') +
                             QString::number(ticket),
                         next);
    });
}

void ActionRunner::finishAction(const Pending &pending, ActionResult result)
{
    if (!pending.steps.isEmpty()) {
        result.steps = pending.steps + result.steps;
        if (!pending.message.isEmpty())
            result.message = result.message.isEmpty()
                                 ? pending.message
                                 : pending.message + QStringLiteral("; ") + result.message;
    }
    m_inFlight.remove(pending.targetKey);
    if (m_store && pending.auditId)
        m_store->auditResult(pending.auditId, result);
    if (m_store)
        m_store->releaseActionLock(pending.targetKey);

    const ReleaseAction &a = pending.prepared.action;
    TimelineEvent ev;
    ev.kind = a.verb == ReleaseAction::Verb::Rollback ? TimelineEvent::Kind::Rollback
                                                      : TimelineEvent::Kind::OperatorAction;
    ev.source = QStringLiteral("operator");
    ev.sourceId = QStringLiteral("audit-%1-%2").arg(pending.auditId).arg(pending.id);
    ev.time = result.finished.isValid() ? result.finished : QDateTime::currentDateTimeUtc();
    ev.service = a.service;
    ev.environment = a.environment;
    ev.actor = a.actor;
    ev.version = a.version;
    ev.title = QStringLiteral("%1 %2 in %3: %4")
                   .arg(toString(a.verb), a.service, a.environment,
                        result.ok ? QStringLiteral("accepted") : QStringLiteral("failed"));
    ev.detail = result.message;
    if (m_store)
        m_store->appendEvents({ev});
    if (m_estate)
        m_estate->recordEvents({ev});
    Q_EMIT finished(pending.id, result);
}

} // namespace fd
