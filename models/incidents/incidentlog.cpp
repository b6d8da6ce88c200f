#include "incidentlog.h"

#include "logging/redactor.h"

namespace fd {

QDateTime phaseTime(const Incident &incident, Incident::Phase phase)
{
    switch (phase) {
    case Incident::Phase::Detected:
        return incident.detectedAt;
    case Incident::Phase::Reported:
        return incident.reportedAt;
    case Incident::Phase::Mitigated:
        return incident.mitigatedAt;
    case Incident::Phase::Recovered:
        return incident.recoveredAt;
    case Incident::Phase::Postmortem:
        return {};
    }
    return {};
}

static QDateTime *phaseField(Incident &incident, Incident::Phase phase)
{
    switch (phase) {
    case Incident::Phase::Detected:
        return &incident.detectedAt;
    case Incident::Phase::Reported:
        return &incident.reportedAt;
    case Incident::Phase::Mitigated:
        return &incident.mitigatedAt;
    case Incident::Phase::Recovered:
        return &incident.recoveredAt;
    case Incident::Phase::Postmortem:
        return nullptr;
    }
    return nullptr;
}

QString advancePhase(Incident &incident, Incident::Phase phase, const QDateTime &time)
{
    const QString who = QStringLiteral("incident %1").arg(incident.id);
    if (!time.isValid())
        return QStringLiteral("%1: no time given for %2").arg(who, toString(phase));
    if (int(phase) <= int(incident.phase))
        return QStringLiteral("%1: already %2; phases only move forward (detected → reported → "
                              "mitigated → recovered → postmortem)")
            .arg(who, toString(incident.phase));
    // The latest time of a phase already reached: the new one may not be earlier.
    QDateTime floor = incident.detectedAt;
    Incident::Phase floorPhase = Incident::Phase::Detected;
    for (int p = int(Incident::Phase::Detected); p <= int(incident.phase); ++p) {
        const QDateTime t = phaseTime(incident, Incident::Phase(p));
        if (t.isValid() && (!floor.isValid() || t >= floor)) {
            floor = t;
            floorPhase = Incident::Phase(p);
        }
    }
    if (floor.isValid() && time < floor)
        return QStringLiteral("%1: %2 at %3 would be before %4 at %5")
            .arg(who, toString(phase), time.toUTC().toString(Qt::ISODate), toString(floorPhase),
                 floor.toUTC().toString(Qt::ISODate));
    for (int p = int(incident.phase) + 1; p <= int(phase); ++p)
        if (QDateTime *f = phaseField(incident, Incident::Phase(p)); f && !f->isValid())
            *f = time.toUTC();
    incident.phase = phase;
    return {};
}

IncidentDurations incidentDurations(const Incident &incident, const QDateTime &impactStart)
{
    const auto secs = [](const QDateTime &a, const QDateTime &b) -> qint64 {
        return a.isValid() && b.isValid() && b >= a ? a.secsTo(b) : -1;
    };
    IncidentDurations d;
    d.toDetect = secs(impactStart, incident.detectedAt);
    d.toReport = secs(incident.detectedAt, incident.reportedAt);
    d.toMitigate = secs(incident.detectedAt, incident.mitigatedAt);
    d.toRestore = secs(incident.detectedAt, incident.recoveredAt);
    return d;
}

TimelineEvent incidentEvent(const Incident &incident,
                            const QString &what,
                            const QString &idPart,
                            const QDateTime &time,
                            const QString &actor,
                            const QString &detail)
{
    TimelineEvent e;
    e.kind = TimelineEvent::Kind::Note;
    e.source = QStringLiteral("incident");
    e.sourceId = QStringLiteral("incident-%1-%2").arg(incident.id).arg(idPart);
    e.time = time.toUTC();
    // One service is filterable; an incident across several shows under every filter.
    e.service = incident.services.size() == 1 ? incident.services.first() : QString();
    e.environment = incident.environment;
    e.actor = actor;
    e.title = QStringLiteral("Incident #%1 %2: %3").arg(incident.id).arg(what, incident.title);
    e.detail = detail;
    return e;
}

IncidentLog::IncidentLog(Store *store)
    : m_store(store)
{}

bool IncidentLog::isValidSeverity(const QString &severity)
{
    static const QStringList all{QStringLiteral("sev1"), QStringLiteral("sev2"),
                                 QStringLiteral("sev3"), QStringLiteral("sev4")};
    return all.contains(severity);
}

std::optional<qint64>
IncidentLog::declare(Incident incident, const QString &actor, const QDateTime &now, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<qint64> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!m_store)
        return fail(QStringLiteral("incident: no store is open"));
    // What people type is stored through the same masks as the logs: a token pasted into an
    // incident never reaches the database, the shared timeline or an export.
    incident.title = Redactor::instance().redact(incident.title.trimmed());
    incident.summary = Redactor::instance().redact(incident.summary);
    if (incident.title.isEmpty())
        return fail(QStringLiteral("incident: a title is required"));
    if (!isValidSeverity(incident.severity))
        return fail(QStringLiteral("incident: severity \"%1\" is not one of sev1, sev2, sev3, sev4")
                        .arg(incident.severity));
    incident.id = 0;
    incident.phase = Incident::Phase::Detected;
    incident.detectedAt = (incident.detectedAt.isValid() ? incident.detectedAt : now).toUTC();
    incident.reportedAt = incident.mitigatedAt = incident.recoveredAt = QDateTime();
    QString err;
    const auto id = m_store->createIncident(incident, &err);
    if (!id)
        return fail(err);
    incident.id = *id;
    m_store->appendEvents(
        {incidentEvent(incident, QStringLiteral("declared"), QStringLiteral("declared"),
                       incident.detectedAt, actor,
                       QStringLiteral("%1, %2").arg(
                           incident.severity, incident.services.join(QStringLiteral(", "))))});
    return id;
}

std::optional<qint64> IncidentLog::declareFromAlert(const TimelineEvent &alert,
                                                    const QString &severity,
                                                    const QString &actor,
                                                    const QDateTime &now,
                                                    QString *error)
{
    Incident i;
    i.title = alert.title;
    i.severity = severity;
    if (!alert.service.isEmpty())
        i.services = {alert.service};
    i.environment = alert.environment;
    i.detectedAt = alert.time.isValid() ? alert.time : now;
    i.summary = alert.detail;
    return declare(i, actor, now, error);
}

QString
IncidentLog::advance(qint64 id, Incident::Phase phase, const QDateTime &time, const QString &actor)
{
    if (!m_store)
        return QStringLiteral("incident %1: no store is open").arg(id);
    QString err;
    auto incident = m_store->incident(id, &err);
    if (!incident)
        return err.isEmpty() ? QStringLiteral("incident %1: not found").arg(id) : err;
    if (QString why = advancePhase(*incident, phase, time); !why.isEmpty())
        return why;
    if (StoreError e = m_store->updateIncident(*incident); !e.isEmpty())
        return e;
    m_store->appendEvents(
        {incidentEvent(*incident, toString(phase), toString(phase), time, actor)});
    return {};
}

std::optional<qint64> IncidentLog::addNote(
    qint64 id, const QString &author, const QString &text, const QDateTime &time, QString *error)
{
    if (!m_store || text.trimmed().isEmpty()) {
        if (error)
            *error = !m_store ? QStringLiteral("incident %1: no store is open").arg(id)
                              : QStringLiteral("incident %1: the note is empty").arg(id);
        return std::nullopt;
    }
    auto incident = m_store->incident(id, error);
    if (!incident) {
        if (error && error->isEmpty())
            *error = QStringLiteral("incident %1: not found").arg(id);
        return std::nullopt;
    }
    IncidentNote note;
    note.incidentId = id;
    note.time = time.toUTC();
    note.author = author;
    note.text = Redactor::instance().redact(text.trimmed());
    auto noteId = m_store->addIncidentNote(note, error);
    if (noteId)
        m_store->appendEvents(
            {incidentEvent(*incident, QStringLiteral("note"),
                           QStringLiteral("note-%1").arg(*noteId), note.time, author, note.text)});
    return noteId;
}

QString IncidentLog::setSummary(qint64 id, const QString &summary)
{
    if (!m_store)
        return QStringLiteral("incident %1: no store is open").arg(id);
    QString err;
    auto incident = m_store->incident(id, &err);
    if (!incident)
        return err.isEmpty() ? QStringLiteral("incident %1: not found").arg(id) : err;
    incident->summary = Redactor::instance().redact(summary);
    return m_store->updateIncident(*incident);
}

} // namespace fd
