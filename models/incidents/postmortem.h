#pragma once

#include "incidentlog.h"
#include "suspects.h"
#include "store/store.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace fd {

struct Workspace;

/// Everything a postmortem says, gathered from the store.
struct PostmortemData
{
    Incident incident;
    QList<IncidentNote> notes;
    QList<TimelineEvent> events; // the incident's window, oldest first
    QList<Suspect> suspects;
    QList<AuditEntry> actions; // audited actions on the affected services, oldest first
    QDateTime windowFrom;      // what the timeline table and chart cover
    QDateTime windowTo;
    QDateTime generatedAt;
    QString chartFile; // the timeline PNG beside the Markdown ("" = none)
};

/// Reads the incident, its notes, the timeline around it, its suspects and the audit entries
/// of the affected services. @p now closes the window of an incident not yet recovered.
std::optional<PostmortemData> collectPostmortem(Store &store,
                                                const Workspace &workspace,
                                                qint64 incidentId,
                                                const QDateTime &now,
                                                QString *error = nullptr);

/// The postmortem as Markdown a team can paste into its wiki. Every text that came from a
/// backend, an operator or a note passes through fd::Redactor: no token leaves in it.
QString postmortemMarkdown(const PostmortemData &data);

/// Notes that name a follow-up ("Follow-up: …", "TODO: …", "Action item: …"), their text only.
QStringList followUps(const QList<IncidentNote> &notes);

/// "incident-12-postmortem.md" / "incident-12-timeline.png"
QString postmortemFileName(qint64 incidentId);
QString postmortemChartFileName(qint64 incidentId);

} // namespace fd
