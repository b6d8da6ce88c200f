#pragma once

// ReleaseAction -> ActionPlan for Argo CD, from cached state only (no side effects), and the
// precondition reader used before sending and before any retry.

#include "appstate.h"
#include "argocdrecords.h"

#include "domain/action.h"

namespace fd::argocd {

/// What GET /api/version said; decides v1 vs v2 actions and whether `pause` exists.
struct ServerInfo
{
    bool known = false;
    int major = 0;
    int minor = 0;
    QString version;

    bool hasV2Actions() const { return known && (major > 3 || (major == 3 && minor >= 1)); }
};

/// The cached state a plan is made from.
struct PlanInput
{
    QString connectionId;
    const AppState *app = nullptr; // null when the application is not known
    QString applicationName;       // what was looked for (for the message)
    AppMapping mapping;
    const RolloutState *rollout = nullptr; // null when the app has no Rollout (or not read yet)
    ServerInfo server;
};

/// The Argo CD action name a verb runs on a Rollout ("" when the verb is not a Rollout action).
QString rolloutActionFor(ReleaseAction::Verb verb);

ActionPlan planAction(const ReleaseAction &action, const PlanInput &input);

/// Paths the plan's requests and preconditions use.
QString resourcePath(const AppState &app, const Rollout &rollout);
QString actionsPath(const AppState &app, const Rollout &rollout);
QString applicationPath(const QString &application);

/**
 * Reads one precondition field from a fresh GET body:
 * rollout.currentStepIndex | rollout.paused | rollout.aborted | rollout.fullyPromoted |
 * rollout.restartAt (from …/resource), action.<name>.enabled (from …/resource/actions),
 * app.operationRunning | app.history.lastId | app.autoSync | app.sync.revision (from the app).
 * Returns the value as text; sets *error when the body or the field cannot be read.
 */
QString readPreconditionField(const QString &field, const QByteArray &body, QString *error);

} // namespace fd::argocd
