#pragma once

// Turns an operator's intent into the exact GitLab requests it would make, from the cached
// project snapshots only (no I/O), and checks a plan's preconditions against fresh reads.
//
// Plans may hold several requests (promote = approve, then play). plan.context["checks"] is
// a list, one entry per request, of the precondition indices re-read before that request is
// sent (and again before it is ever re-sent).

#include "gitlabrecords.h"

#include "domain/action.h"

namespace fd::gitlab {

/// The cached state a plan is made from.
struct PlanningState
{
    const GitLabMapping *mapping = nullptr;
    QHash<QString, ProjectSnapshot> projects;      // by lowercased workspace ref
    QString apiPrefix = QStringLiteral("/api/v4"); // "" when the base URL already ends in it
    qint64 userId = 0;                             // the token's user, 0 when unknown
};

ActionPlan planAction(const ReleaseAction &action, const PlanningState &state);

/**
 * Evaluates one precondition against the body of its fresh GET. Fields:
 *  - deployment.status / job.status / pipeline.status: the object's status is one of
 *    `expected` ("a|b|c");
 *  - deployments.newest_id: the first deployment of the list has id `expected` ("none" for
 *    an empty list).
 * @p found gets what was there, in words.
 */
bool preconditionHolds(const Precondition &precondition, const QByteArray &body, QString *found);

/// The precondition indices to re-read before request @p index of @p plan.
QList<int> checksBefore(const ActionPlan &plan, int index);

} // namespace fd::gitlab
