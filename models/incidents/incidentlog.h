#pragma once

#include "domain/incident.h"
#include "domain/records.h"
#include "store/store.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace fd {

/// Seconds between an incident's phases; -1 where a time is missing.
struct IncidentDurations
{
    qint64 toDetect = -1;   // likely start of impact → detected
    qint64 toReport = -1;   // detected → reported
    qint64 toMitigate = -1; // detected → mitigated
    qint64 toRestore = -1;  // detected → recovered (DORA's time to restore)
};

/// When the incident entered @p phase (invalid when it has not, or for Postmortem, whose
/// time lives on the timeline).
QDateTime phaseTime(const Incident &incident, Incident::Phase phase);
/// Moves the incident forward to @p phase at @p time. Phases only go forward; a skipped phase
/// gets the same time (recovering implies having mitigated by then), and no phase may be
/// earlier than the one before it. Empty on success, else why not, naming the incident.
QString advancePhase(Incident &incident, Incident::Phase phase, const QDateTime &time);
/// @p impactStart: when the trouble likely began (the top suspect change), invalid if unknown.
IncidentDurations incidentDurations(const Incident &incident, const QDateTime &impactStart = {});

/// The timeline note an incident writes for each of its moments, so declarations, phases and
/// notes appear on the same time axis as the changes and alerts.
TimelineEvent incidentEvent(const Incident &incident,
                            const QString &what,
                            const QString &idPart,
                            const QDateTime &time,
                            const QString &actor,
                            const QString &detail = {});

/**
 * Incidents kept in the store: declared by hand or from an alert, moved through their phases,
 * annotated with notes. Every change is also appended to the timeline. Errors are values.
 */
class IncidentLog
{
public:
    explicit IncidentLog(Store *store);

    /// Saves a new incident in phase Detected (detectedAt defaults to @p now). Returns its id.
    std::optional<qint64> declare(Incident incident,
                                  const QString &actor,
                                  const QDateTime &now,
                                  QString *error = nullptr);
    /// An incident for a firing alert: its title, service, environment and firing time.
    std::optional<qint64> declareFromAlert(const TimelineEvent &alert,
                                           const QString &severity,
                                           const QString &actor,
                                           const QDateTime &now,
                                           QString *error = nullptr);
    QString advance(qint64 id, Incident::Phase phase, const QDateTime &time, const QString &actor);
    std::optional<qint64> addNote(qint64 id,
                                  const QString &author,
                                  const QString &text,
                                  const QDateTime &time,
                                  QString *error = nullptr);
    QString setSummary(qint64 id, const QString &summary);

    static bool isValidSeverity(const QString &severity);

private:
    Store *m_store;
};

} // namespace fd
