#pragma once

#include <Qt>

namespace fd {

/**
 * Item data roles shared by the item models, the views' delegates and proxies, and the tests.
 * DisplayRole is always formatted text; SortRole carries the raw value the column sorts by.
 */
namespace Roles {
enum : int {
    SortRole = Qt::UserRole + 1,
    KeyRole,        // the record key (connection/object id) of the row
    ConnectionRole, // connection id
    ServiceRole,
    EnvironmentRole,
    StatusRole, // int: fd::RunStatus / DeployStatus / RolloutPhase as the model says
    BranchRole,
    UrlRole,        // QUrl to the backend's own page
    FilterTextRole, // text the free-text filter matches against (whole row)

    // Environment matrix cells
    VersionRole,      // version text (tag or short sha)
    HealthRole,       // int fd::Health
    SyncRole,         // int fd::SyncState
    DriftRole,        // int resources out of sync
    GateCountRole,    // int pending gates for this service x environment
    CanaryWeightRole, // int: the ACTUAL canary weight, -1 when none in flight or unknown
    CanarySetWeightRole, // int: the weight the current step asks for, -1 when none/unknown
    RolloutDegradedRole, // bool: a Rollout of this cell is Degraded
    StaleRole,        // bool: last-known value from a connection that is not live
    AgeSecondsRole,   // qint64 seconds since the cell's data was confirmed (-1 unknown)
    FrozenRole,       // bool: a freeze window covers the environment now
    FreezeReasonRole, // QString
    HasStateRole,     // bool: any backend reports this service in this environment
    DeployedByRole,   // QString: who deployed the version the cell runs ("" unknown)
    DeployedAtRole,   // QDateTime: when it was deployed

    // Runs
    StagesRole,     // QVariantList of int fd::RunStatus, one per stage (mini-bar)
    DurationMsRole, // qint64, -1 unknown
    StartedRole,    // QDateTime

    // Rollout steps
    CurrentStepRole, // bool: the rollout is at this step
    StepDoneRole,    // bool: the step has been passed
    StepKindRole,    // int fd::RolloutStep::Kind
};
} // namespace Roles

} // namespace fd
