#pragma once

#include "backend/backend.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>

namespace fd {

class Estate;
class SignalSource;
class Store;
struct Workspace;

/// One check a plan must pass before it may run.
struct GuardResult
{
    enum class Outcome { Pass, Block, NeedsTypedName, NeedsReason };
    QString guard; // read-only, feasible, protected-environment, freeze-window, release-lock,
                   // slo-gate, in-flight
    Outcome outcome = Outcome::Pass;
    QString message;
};

/// An action with its plan and guard results, ready to show for confirmation.
struct PreparedAction
{
    ReleaseAction action;
    ActionPlan plan;
    QList<GuardResult> guards;
    bool protectedEnvironment = false;
    bool frozen = false;
    QString freezeReason;
    bool readOnly = false;

    /// True when some guard blocks whatever the operator types.
    bool blocked() const;
};

/// What the operator supplied in the confirmation step.
struct Confirmation
{
    QString typedEnvironment; // must equal the environment's name when it is protected
    QString overrideReason;   // required to act inside a freeze window
};

/**
 * The one path every mutation takes: plan (dry run) → guards → confirmation → audit intent →
 * execute → audit result → timeline event. A target being acted on refuses a second action
 * until the first finishes, so a double click never sends anything twice.
 */
class ActionRunner : public QObject
{
    Q_OBJECT
public:
    using BackendLookup = std::function<Backend *(const QString &connectionId)>;
    using SignalLookup = std::function<const SignalSource *()>;

    ActionRunner(const Workspace *workspace,
                 Estate *estate,
                 Store *store,
                 BackendLookup backends,
                 QObject *parent = nullptr);

    /// Which connection acts for @p action: the given one, the owner of the gate/run key in
    /// target, or the workspace binding of service × environment.
    QString connectionFor(const ReleaseAction &action) const;
    PreparedAction prepare(const ReleaseAction &action) const;
    /// Starts the action; returns its id, or 0 with *why when refused.
    quint64 run(const PreparedAction &prepared, const Confirmation &confirmation, QString *why);
    bool isInFlight(const ReleaseAction &action) const;
    /// Where the SLO gate reads the canary's measured error ratio (the signals connection).
    void setSignalLookup(SignalLookup lookup) { m_signals = std::move(lookup); }

    /// Guard evaluation with a confirmation; the texts of the guards that still refuse.
    static QStringList refusals(const PreparedAction &prepared, const Confirmation &confirmation);
    /// What actions exclude each other on: one service × environment (or one gate or run) of
    /// one connection. Also the key of the cross-process lock in the store.
    static QString targetKey(const ReleaseAction &action);

Q_SIGNALS:
    void started(quint64 id);
    void finished(quint64 id, const fd::ActionResult &result);

private:
    void onBackendFinished(const QString &connectionId, quint64 ticket, const ActionResult &result);
    /// A release lock on the target blocks promote and rollback; with the action option
    /// "overrideLock" it asks for a reason instead.
    GuardResult releaseLockGuard(const ReleaseAction &action, ActionPlan *plan) const;

    struct Pending
    {
        quint64 id = 0;
        qint64 auditId = 0;
        PreparedAction prepared;
        QString targetKey;
        QStringList steps; // done before the backend's part (a GitOps commit and push)
        QString message;
    };
    void finishAction(const Pending &pending, ActionResult result);
    /// A GitOps promotion or rollback: commit and push off this thread, then sync the app.
    void runGitOps(const Pending &pending, const Confirmation &confirmation);
    const Workspace *m_workspace;
    Estate *m_estate;
    Store *m_store;
    BackendLookup m_backends;
    SignalLookup m_signals;
    QHash<QString, Pending> m_pending; // by connectionId + '#' + ticket
    QSet<QString> m_inFlight;
    quint64 m_nextId = 1;
};

} // namespace fd
