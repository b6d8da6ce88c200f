#pragma once

#include "http/backoff.h"
#include "http/request.h"

#include "domain/action.h"
#include "domain/connection.h"

#include <QHash>
#include <QObject>
#include <QQueue>

#include <functional>
#include <memory>

namespace fd::http {

/// One plan on its way through the executor; the plugin's hooks read it and add steps.
struct ActionRun
{
    quint64 ticket = 0;
    ActionPlan plan;
    QString target;        // runs on one target go one after the other
    int request = 0;       // index of the planned request being sent
    int sends = 0;         // how often that request has been sent
    bool prepared = false; // a Resend verdict's preparation ran for this request
    QStringList steps;     // what was read and sent, in order, with statuses
};

/// What a fresh read of a precondition says.
struct PreconditionReading
{
    enum class State { Holds, DoesNotHold, Unreadable };
    State state = State::Unreadable;
    QString found; // DoesNotHold: the value met; Unreadable: why it could not be read
    QString hint;  // DoesNotHold: added to the message ("; someone else answered it")

    static PreconditionReading holds() { return {State::Holds, {}, {}}; }
    static PreconditionReading differs(const QString &found, const QString &hint = {})
    {
        return {State::DoesNotHold, found, hint};
    }
    static PreconditionReading unreadable(const QString &why)
    {
        return {State::Unreadable, why, {}};
    }
    /// Holds, or not, with the value found.
    static PreconditionReading compared(bool holds, const QString &found, const QString &hint = {})
    {
        return holds ? PreconditionReading::holds() : differs(found, hint);
    }
};

/// How a plugin reads the answer to a mutation.
struct MutationVerdict
{
    enum class Kind {
        Done,    // it acted; the next planned request follows, or the run ends well
        Failed,  // it did not act (or must not be tried again): the run ends with message
        Lost,    // nobody knows whether it acted: a fresh read of the preconditions decides
        Resend,  // it was refused before acting; prepare, re-read the preconditions, send again
        Pending, // the plugin follows up itself and ends the run with ActionExecutor::finish
    };
    Kind kind = Kind::Failed;
    QString message;    // Done: the result's words (default "<summary>: done"); else why
    int minDelayMs = 0; // Lost: wait at least this long before the re-read (a 429)
    /// Resend: runs before the re-read; calls back with an empty string, or why it failed.
    std::function<void(const std::shared_ptr<ActionRun> &,
                       std::function<void(const QString &failure)>)>
        prepare;
};

/// What is each backend's own; everything else about running a plan is shared.
class ActionBackend
{
public:
    using Reply = std::function<void(const Response &)>;
    virtual ~ActionBackend() = default;

    /// Sends through the plugin's client (its auth, timeouts, headers). The executor fills
    /// method, path, body; for a mutation it forbids client retries and redirects.
    virtual void sendForAction(const Request &request, Reply reply) = 0;
    /// Compares the re-read answer with what the plan expects (any status arrives here).
    virtual PreconditionReading readPrecondition(const Precondition &pc, const Response &r) = 0;
    /// Reads the answer to one planned request.
    virtual MutationVerdict interpretMutation(const std::shared_ptr<ActionRun> &run,
                                              const PlannedRequest &planned,
                                              const Response &r) = 0;
    /// Hands the result on (to the sink) and looks again soon when it went well.
    virtual void actionEnded(const ActionRun &run, const ActionResult &result) = 0;
    /// A reason to refuse a plan before anything is read (auth failed, a plan's shape).
    virtual QString refuseAction(const ActionPlan &) { return {}; }
};

struct ExecutorSettings
{
    QString connectionId;
    bool readOnly = false;
    /// Sends of one request at the most; each later one only after a fresh precondition read
    /// still finds the state the plan expects (so the earlier one did not act).
    int maxSends = 2;
    /// Wait before the re-read that follows a lost reply (full jitter, shared backoff).
    RetryTiming retry{250, 4000, 60000, {}, {}};

    static ExecutorSettings
    of(const ConnectionConfig &config, int maxSends = 2, int retryBaseMs = 250)
    {
        ExecutorSettings s;
        s.connectionId = config.id;
        s.readOnly = config.readOnly;
        s.maxSends = maxSends;
        s.retry.baseMs = retryBaseMs;
        return s;
    }
};

/**
 * Runs release plans for every plugin: refuses what must not run, re-reads each precondition
 * before sending and before any retry, sends each planned request once, and after a lost reply
 * reads again to tell "it went through" from "it did not". Plans on one target run one after
 * the other, so a double click finds the state the first click left. Results always arrive
 * asynchronously, after execute() has returned the ticket.
 */
class ActionExecutor : public QObject
{
    Q_OBJECT

public:
    ActionExecutor(ActionBackend *backend, ExecutorSettings settings, QObject *parent = nullptr);

    quint64 execute(const ActionPlan &plan);
    /// Ends a run a Pending verdict left with the plugin.
    void finish(const std::shared_ptr<ActionRun> &run, bool ok, const QString &message, int status);
    /// Runs waiting behind the one in progress on target (for tests and statistics).
    int waiting(const QString &target) const;

    /// Indices of the preconditions to re-read before planned request index: the plan's
    /// context "checks" (a list per request) when given, else all of them before the first.
    static QList<int> checksBefore(const ActionPlan &plan, int index);
    /// The lock a plan takes: context targetKey, application, else what its first check reads.
    static QString targetOf(const ActionPlan &plan);

private:
    using Then = std::function<void()>;
    void start(const std::shared_ptr<ActionRun> &run);
    /// Re-reads the preconditions; calls holds when all hold, else ends the run or, after a
    /// lost reply (lostWhy set), decides that the request went through.
    void check(const std::shared_ptr<ActionRun> &run,
               const QString &lostWhy,
               int lostStatus,
               Then holds);
    void readNext(const std::shared_ptr<ActionRun> &run,
                  QList<int> pending,
                  std::shared_ptr<QHash<QString, Response>> replies,
                  const QString &lostWhy,
                  int lostStatus,
                  Then holds);
    void send(const std::shared_ptr<ActionRun> &run);
    void answered(const std::shared_ptr<ActionRun> &run,
                  const PlannedRequest &planned,
                  const Response &r);
    void afterLoss(const std::shared_ptr<ActionRun> &run,
                   const QString &why,
                   int status,
                   int minDelayMs);

    ActionBackend *m_backend; // the plugin that owns this executor
    ExecutorSettings m_settings;
    QHash<QString, QQueue<std::shared_ptr<ActionRun>>> m_targets; // the head runs
    quint64 m_nextTicket = 1;
};

/// "GET /path -> 200": built by concatenation, so an encoded %2F in the path stays as it is.
QString stepLine(const QByteArray &method, const QString &path, const Response &r);

} // namespace fd::http
