#pragma once

// Turns an operator's intent into the exact Jenkins requests it would make, from the cached
// snapshot only (no I/O), and checks a plan's preconditions against fresh reads.

#include "jenkinsrecords.h"

#include "domain/action.h"

namespace fd::jenkins {

/// What execute() does with a plan, carried in ActionPlan::context["op"].
namespace op {
inline constexpr char Proceed[] = "proceed";       // proceed an input step
inline constexpr char AbortInput[] = "abortInput"; // abort (reject) an input step
inline constexpr char Stop[] = "stop";             // stop a running build
inline constexpr char CancelQueued[] = "cancelQueued";
inline constexpr char Build[] = "build"; // run a job (with parameters); follow the queue
} // namespace op

/**
 * promote / promote-full / approve: proceed the pending input (with its parameters, defaults
 * unless action.options["parameters"] names values); promote without an input runs the
 * environment's deploy job with the version (action.version, else the previous environment's).
 * reject / pause: abort the input. abort / cancel: abort the input, stop the build, or cancel
 * the queued item. rollback: the deploy job with the previous successful version (or the
 * version of the build named by action.target / action.version). retry / rerun: the build's
 * job again with the same parameters.
 */
ActionPlan
planAction(const ReleaseAction &action, const JenkinsMapping &mapping, const Snapshot &snapshot);

/**
 * Evaluates one precondition against the body of its fresh GET. Fields:
 *  - pendingInput.id: an input with id `expected` is pending;
 *  - build.building: the build's `building` equals `expected`;
 *  - build.number: the build's number equals `expected`;
 *  - job.idle: nextBuildNumber equals `expected` and nothing of the job waits in the queue;
 *  - queue.waiting: the queue item has not left the queue.
 * @p found gets what was there, in words.
 */
bool preconditionHolds(const Precondition &precondition, const QByteArray &body, QString *found);

/// The form body that proceeds an input with parameters: json={"parameter":[...]}.
QByteArray proceedBody(const QList<QPair<QString, QString>> &parameters);

} // namespace fd::jenkins
