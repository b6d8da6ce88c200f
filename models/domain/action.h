#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace fd {

/// An operator's intent.
struct ReleaseAction
{
    enum class Verb {
        Promote,
        PromoteFull,
        Pause,
        Resume,
        Abort,
        Retry,
        Rollback,
        Approve,
        Reject,
        Rerun,
        RerunFailed,
        Cancel,
        Sync,
        Restart
    };
    Verb verb = Verb::Promote;
    QString connectionId;
    QString service;
    QString environment;
    QString target;  // run id, gate id, rollout key, history id — what the verb acts on
    QString version; // promote/rollback to this version when given
    QString comment; // approval comment / reason
    QString actor;   // who asks
    QVariantMap options;

    bool operator==(const ReleaseAction &) const = default;
};

QString toString(ReleaseAction::Verb v);
bool verbFromString(const QString &s, ReleaseAction::Verb *out);
bool isMutating(ReleaseAction::Verb v);

/// One exact request a plan would make.
struct PlannedRequest
{
    QByteArray method; // GET POST PUT DELETE
    QString path;      // joined onto the connection's base URL, query included
    QByteArray body;   // exact body, may be empty
    QByteArray contentType;
    QString purpose; // "approve pending deployment for prod"

    bool operator==(const PlannedRequest &) const = default;
};

/// The state the plan expects to find; re-read before sending and before any retry.
struct Precondition
{
    QString description; // "rollout checkout-prod at step 3"
    QString path;        // GET that re-reads it (relative to the base URL)
    QString field;       // what is compared
    QString expected;

    bool operator==(const Precondition &) const = default;
};

/// The exact requests or commits an action would make.
struct ActionPlan
{
    ReleaseAction action;
    QString summary;
    QList<PlannedRequest> requests;
    QList<Precondition> preconditions;
    QStringList warnings;
    bool feasible = true;
    QString blockedReason;    // when !feasible: why, in words
    QStringList alternatives; // when !feasible: what the operator can do instead
    QVariantMap context;      // backend data carried from plan to execute

    bool operator==(const ActionPlan &) const = default;
};

/// What happened when a plan ran.
struct ActionResult
{
    bool ok = false;
    QString message;
    int httpStatus = 0;
    QDateTime finished;
    QStringList steps; // what was sent, in order, with statuses

    bool operator==(const ActionResult &) const = default;
};

} // namespace fd
