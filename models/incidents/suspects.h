#pragma once

#include "domain/action.h"
#include "domain/incident.h"
#include "domain/records.h"

#include <QHash>
#include <QList>
#include <QString>

namespace fd {

struct Workspace;

struct SuspectOptions
{
    qint64 windowSecs = 6 * 3600; // how far before detection a change may be a suspect
};

/// SuspectOptions with policies.suspectWindowHours applied when the workspace sets it.
SuspectOptions suspectOptions(const Workspace &workspace);

/**
 * A change that may have caused an incident, with its score taken apart so the operator can
 * see why it ranks where it does:
 *   score = 100 × closeness × environment × relation × change
 *   closeness   = 1 − (seconds before detection ÷ window)
 *   environment = 1.0 production, 0.5 the environment promoted into production, 0.25 other
 *   relation    = 1.0 an affected service, 0.5^depth a service it depends on (depth ≥ 1)
 *   change      = 1.0 deploy / promotion, 0.8 canary step or failed deploy, 0.7 config sync,
 *                 0.6 rollback
 * The score is rounded to one decimal; ties go to the later change, then to the service name.
 */
struct Suspect
{
    TimelineEvent
        change; // the latest event of the change (a deploy's "succeeded", a canary's last step)
    int eventCount = 1;      // events folded into this change (started + succeeded, canary steps)
    QString changeKind;      // deploy, promotion, canary, failed deploy, config sync, rollback
    int dependencyDepth = 0; // 0 = an affected service
    QString dependencyOf;    // the affected service whose dependency changed
    qint64 secondsBefore = 0;
    double closeness = 0;
    double environmentWeight = 0;
    double relationWeight = 0;
    double changeWeight = 0;
    double score = 0;
    QString explanation; // "25 min before detection (closeness 0.93) × production 1.0 × ..."

    bool operator==(const Suspect &) const = default;
};

/// The changes to the incident's services (and what they depend on) in the window before
/// detection, best suspect first. @p events may hold anything; non-changes are ignored.
QList<Suspect> rankSuspects(const Incident &incident,
                            const QList<TimelineEvent> &events,
                            const Workspace &workspace,
                            const SuspectOptions &options = {});

/// The rollback a "Roll back from here" asks for: the suspect's service in its environment
/// to the version before, planned and guarded by the action path like any other action.
ReleaseAction rollbackFor(const Suspect &suspect, const Incident &incident, const QString &actor);

/// The services an incident touches with their dependency depth (0 = named by the incident),
/// following dependsOn transitively.
QHash<QString, int> affectedServices(const Incident &incident, const Workspace &workspace);

/// "1 h 20 min", "25 min", "40 s" (English: postmortems and the CLI).
QString durationText(qint64 seconds);

} // namespace fd
