#include "actionexecutor.h"

#include <QTimer>

#include <algorithm>

namespace fd::http {

namespace {

QString statusText(const Response &r)
{
    return r.status ? QString::number(r.status) : errorName(r.error);
}

QString doneMessage(const ActionPlan &plan)
{
    return plan.summary.isEmpty() ? QStringLiteral("done")
                                  : plan.summary + QStringLiteral(": done");
}

} // namespace

QString stepLine(const QByteArray &method, const QString &path, const Response &r)
{
    return QString::fromLatin1(method) + QLatin1Char(' ') + path + QStringLiteral(" -> ") +
           statusText(r);
}

ActionExecutor::ActionExecutor(ActionBackend *backend, ExecutorSettings settings, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_settings(std::move(settings))
{}

QList<int> ActionExecutor::checksBefore(const ActionPlan &plan, int index)
{
    const QVariantList all = plan.context.value(QStringLiteral("checks")).toList();
    QList<int> out;
    if (index < all.size()) {
        for (const QVariant &v : all.at(index).toList())
            if (v.toInt() >= 0 && v.toInt() < plan.preconditions.size())
                out.append(v.toInt());
        return out;
    }
    if (index == 0)
        for (int i = 0; i < plan.preconditions.size(); ++i)
            out.append(i);
    return out;
}

QString ActionExecutor::targetOf(const ActionPlan &plan)
{
    for (const char *key : {"targetKey", "application"}) {
        const QString value = plan.context.value(QLatin1String(key)).toString();
        if (!value.isEmpty())
            return value;
    }
    // Two plans that re-read the same state act on the same thing.
    if (!plan.preconditions.isEmpty())
        return plan.preconditions.first().path;
    return plan.requests.isEmpty() ? QString() : plan.requests.first().path;
}

int ActionExecutor::waiting(const QString &target) const
{
    const auto it = m_targets.constFind(target);
    return it == m_targets.constEnd() ? 0 : int(std::max<qsizetype>(0, it->size() - 1));
}

quint64 ActionExecutor::execute(const ActionPlan &plan)
{
    auto run = std::make_shared<ActionRun>();
    run->ticket = m_nextTicket++;
    run->plan = plan;
    run->target = targetOf(plan);

    QString refusal;
    if (!plan.feasible)
        refusal = plan.blockedReason;
    else if (m_settings.readOnly)
        refusal = QStringLiteral("connection ") + m_settings.connectionId +
                  QStringLiteral(" is read-only");
    else if (plan.requests.isEmpty())
        refusal = QStringLiteral("the plan has no request");
    else
        refusal = m_backend->refuseAction(plan);
    if (!refusal.isEmpty()) {
        // Always asynchronous, so the caller holds the ticket before the result arrives.
        QTimer::singleShot(0, this, [this, run, refusal] {
            ActionResult r;
            r.message = QStringLiteral("not executed: ") + refusal;
            r.finished = QDateTime::currentDateTimeUtc();
            m_backend->actionEnded(*run, r);
        });
        return run->ticket;
    }

    // One run per target at a time: a second click waits, then re-reads the preconditions.
    auto &queue = m_targets[run->target];
    queue.enqueue(run);
    if (queue.size() == 1)
        QTimer::singleShot(0, this, [this, run] { start(run); });
    return run->ticket;
}

void ActionExecutor::start(const std::shared_ptr<ActionRun> &run)
{
    check(run, QString(), 0, [this, run] { send(run); });
}

void ActionExecutor::check(const std::shared_ptr<ActionRun> &run,
                           const QString &lostWhy,
                           int lostStatus,
                           Then holds)
{
    const QList<int> pending = checksBefore(run->plan, run->request);
    // Without a state to re-read nobody can tell whether a lost request acted: never guess.
    if (pending.isEmpty() && !lostWhy.isEmpty()) {
        finish(run, false,
               QStringLiteral("outcome unknown: the reply was lost (") + lostWhy +
                   QStringLiteral(") and the plan has nothing to re-read; not sent again"),
               lostStatus);
        return;
    }
    readNext(run, pending, std::make_shared<QHash<QString, Response>>(), lostWhy, lostStatus,
             std::move(holds));
}

void ActionExecutor::readNext(const std::shared_ptr<ActionRun> &run,
                              QList<int> pending,
                              std::shared_ptr<QHash<QString, Response>> replies,
                              const QString &lostWhy,
                              int lostStatus,
                              Then holds)
{
    if (pending.isEmpty()) {
        holds();
        return;
    }
    const Precondition pc = run->plan.preconditions.at(pending.first());
    auto evaluate = [this, run, pending, replies, lostWhy, lostStatus, holds,
                     pc](const Response &r) mutable {
        replies->insert(pc.path, r);
        pending.removeFirst();
        const PreconditionReading reading = m_backend->readPrecondition(pc, r);
        const QString more = run->request > 0 ? QStringLiteral("more ") : QString();
        const QString line = stepLine("GET", pc.path, r);
        switch (reading.state) {
        case PreconditionReading::State::Unreadable:
            run->steps.append(line);
            if (!lostWhy.isEmpty()) {
                finish(run, false,
                       QStringLiteral("outcome unknown: the reply was lost (") + lostWhy +
                           QStringLiteral(") and the precondition '") + pc.description +
                           QStringLiteral("' could not be re-read (") + reading.found +
                           QStringLiteral("); not sent again, look before trying again"),
                       lostStatus);
                return;
            }
            finish(run, false,
                   QStringLiteral("could not re-read the precondition '") + pc.description +
                       QStringLiteral("', nothing ") + more + QStringLiteral("sent: ") +
                       reading.found,
                   r.status);
            return;
        case PreconditionReading::State::DoesNotHold:
            run->steps.append(line + QStringLiteral(": ") + pc.description +
                              QStringLiteral(" does not hold"));
            if (!lostWhy.isEmpty()) {
                // The state moved on from what the plan expected: the lost request acted.
                const QString note = QStringLiteral(" (the reply was lost: ") + lostWhy +
                                     QStringLiteral("; a re-read finds ") + pc.description +
                                     QStringLiteral(" no longer holds, found ") + reading.found +
                                     QStringLiteral(", so it took effect; not sent again)");
                if (++run->request < run->plan.requests.size()) {
                    run->sends = 0;
                    run->prepared = false;
                    run->steps.append(QStringLiteral("the lost request took effect") + note);
                    check(run, QString(), 0, [this, run] { send(run); });
                    return;
                }
                finish(run, true, doneMessage(run->plan) + note, lostStatus);
                return;
            }
            finish(run, false,
                   QStringLiteral("precondition failed, nothing ") + more +
                       QStringLiteral("sent: ") + pc.description + QStringLiteral(" (expected ") +
                       pc.expected + QStringLiteral(", found ") + reading.found +
                       QStringLiteral(")") + reading.hint,
                   r.status);
            return;
        case PreconditionReading::State::Holds:
            run->steps.append(line + QStringLiteral(": ") + pc.description +
                              QStringLiteral(" holds"));
            readNext(run, pending, replies, lostWhy, lostStatus, holds);
            return;
        }
    };
    // Several checks on one document read it once per round.
    const auto known = replies->constFind(pc.path);
    if (known != replies->constEnd()) {
        evaluate(*known);
        return;
    }
    Request req;
    req.path = pc.path;
    req.conditional = false; // a fresh read, not what we saw before
    m_backend->sendForAction(req, evaluate);
}

void ActionExecutor::send(const std::shared_ptr<ActionRun> &run)
{
    const PlannedRequest planned = run->plan.requests.at(run->request);
    Request req;
    req.method = planned.method;
    req.path = planned.path;
    req.body = planned.body;
    req.contentType = planned.contentType;
    req.idempotent = false; // never re-sent by the client: we decide after a fresh read
    req.maxAttempts = 1;
    req.followRedirects = false;
    ++run->sends;
    m_backend->sendForAction(
        req, [this, run, planned](const Response &r) { answered(run, planned, r); });
}

void ActionExecutor::answered(const std::shared_ptr<ActionRun> &run,
                              const PlannedRequest &planned,
                              const Response &r)
{
    run->steps.append(stepLine(planned.method, planned.path, r));
    MutationVerdict verdict = m_backend->interpretMutation(run, planned, r);
    switch (verdict.kind) {
    case MutationVerdict::Kind::Done:
        if (++run->request < run->plan.requests.size()) {
            run->sends = 0;
            run->prepared = false;
            check(run, QString(), 0, [this, run] { send(run); });
            return;
        }
        finish(run, true, verdict.message.isEmpty() ? doneMessage(run->plan) : verdict.message,
               r.status);
        return;
    case MutationVerdict::Kind::Failed:
        finish(run, false, verdict.message, r.status);
        return;
    case MutationVerdict::Kind::Pending:
        return;
    case MutationVerdict::Kind::Resend:
        if (run->prepared || !verdict.prepare) {
            finish(run, false, verdict.message, r.status);
            return;
        }
        run->prepared = true;
        verdict.prepare(run, [this, run](const QString &failure) {
            if (!failure.isEmpty()) {
                finish(run, false, failure, 0);
                return;
            }
            check(run, QString(), 0, [this, run] { send(run); });
        });
        return;
    case MutationVerdict::Kind::Lost:
        afterLoss(run, verdict.message, r.status, verdict.minDelayMs);
        return;
    }
}

void ActionExecutor::afterLoss(const std::shared_ptr<ActionRun> &run,
                               const QString &why,
                               int status,
                               int minDelayMs)
{
    run->steps.append(QStringLiteral("outcome unknown; re-reading the precondition"));
    const int delay = std::max(minDelayMs, fullJitterDelayMs(m_settings.retry, run->sends));
    QTimer::singleShot(delay, this, [this, run, why, status] {
        check(run, why, status, [this, run, why, status] {
            // Everything still stands as planned: the lost request did not act.
            if (run->sends >= m_settings.maxSends) {
                finish(run, false,
                       QStringLiteral("not done: ") + why +
                           QStringLiteral("; a re-read shows it did not take effect after ") +
                           QString::number(run->sends) + QStringLiteral(" send(s)"),
                       status);
                return;
            }
            run->steps.append(
                QStringLiteral("the lost request did not take effect; sending again"));
            send(run);
        });
    });
}

void ActionExecutor::finish(const std::shared_ptr<ActionRun> &run,
                            bool ok,
                            const QString &message,
                            int status)
{
    auto it = m_targets.find(run->target);
    if (it == m_targets.end() || it->isEmpty() || it->head() != run)
        return; // already ended
    it->dequeue();
    ActionResult result;
    result.ok = ok;
    result.message = message;
    result.httpStatus = status;
    result.finished = QDateTime::currentDateTimeUtc();
    result.steps = run->steps;
    if (it->isEmpty()) {
        m_targets.erase(it);
    } else {
        const auto next = it->head();
        QTimer::singleShot(0, this, [this, next] { start(next); });
    }
    m_backend->actionEnded(*run, result);
}

} // namespace fd::http
