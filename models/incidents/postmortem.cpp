#include "postmortem.h"

#include "logging/redactor.h"
#include "timeline/timeline.h"
#include "workspace/workspace.h"

#include <QRegularExpression>

#include <algorithm>

namespace fd {

namespace {

QString clean(const QString &text)
{
    return Redactor::instance().redact(text);
}

/// One Markdown table cell: redacted, on one line, pipes escaped.
QString cell(const QString &text)
{
    QString s = clean(text).simplified();
    s.replace(QLatin1Char('|'), QLatin1String("\\|"));
    return s.isEmpty() ? QStringLiteral(" ") : s;
}

QString when(const QDateTime &t)
{
    return t.isValid()
               ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QLatin1String(" UTC")
               : QStringLiteral("—");
}

QString row(const QStringList &cells)
{
    QStringList c;
    for (const QString &s : cells)
        c << cell(s);
    return QLatin1String("| ") + c.join(QLatin1String(" | ")) + QLatin1String(" |\n");
}

QString header(const QStringList &names)
{
    QString h = row(names);
    h += QLatin1Char('|');
    for (qsizetype i = 0; i < names.size(); ++i)
        h += QLatin1String("---|");
    return h + QLatin1Char('\n');
}

QString laneWord(TimelineLane lane)
{
    return toString(lane);
}

QString kindWord(TimelineEvent::Kind k)
{
    return toString(k).replace(QLatin1Char('-'), QLatin1Char(' ')); // "deploy-succeeded"
}

} // namespace

QString postmortemFileName(qint64 incidentId)
{
    return QStringLiteral("incident-%1-postmortem.md").arg(incidentId);
}

QString postmortemChartFileName(qint64 incidentId)
{
    return QStringLiteral("incident-%1-timeline.png").arg(incidentId);
}

QStringList followUps(const QList<IncidentNote> &notes)
{
    static const QRegularExpression prefix(
        QStringLiteral("^\\s*(follow[- ]?up|todo|action item)\\s*:\\s*"),
        QRegularExpression::CaseInsensitiveOption);
    QStringList out;
    for (const IncidentNote &n : notes) {
        const auto m = prefix.match(n.text);
        if (m.hasMatch())
            out << n.text.mid(m.capturedLength()).trimmed();
    }
    return out;
}

std::optional<PostmortemData> collectPostmortem(Store &store,
                                                const Workspace &workspace,
                                                qint64 incidentId,
                                                const QDateTime &now,
                                                QString *error)
{
    auto incident = store.incident(incidentId, error);
    if (!incident) {
        if (error && error->isEmpty())
            *error = QStringLiteral("incident %1: not found").arg(incidentId);
        return std::nullopt;
    }
    PostmortemData d;
    d.incident = *incident;
    d.generatedAt = now.toUTC();
    if (auto notes = store.incidentNotes(incidentId, error))
        d.notes = *notes;
    else
        return std::nullopt;

    const SuspectOptions so = suspectOptions(workspace);
    const QDateTime detected = incident->detectedAt;
    const QDateTime end = incident->recoveredAt.isValid() ? incident->recoveredAt : now.toUTC();
    const QHash<QString, int> affected = affectedServices(*incident, workspace);

    TimelineFilter suspectsWindow;
    suspectsWindow.from = detected.addSecs(-so.windowSecs);
    suspectsWindow.to = detected.addSecs(1);
    auto before = loadTimeline(store, suspectsWindow, error);
    if (!before)
        return std::nullopt;
    d.suspects = rankSuspects(*incident, *before, workspace, so);

    // The table starts an hour before detection, or at the best suspect if that is earlier,
    // and ends a quarter of an hour after recovery: the cause, the trouble and the recovery.
    d.windowFrom = detected.addSecs(-3600);
    if (!d.suspects.isEmpty() && d.suspects.first().change.time < d.windowFrom)
        d.windowFrom = d.suspects.first().change.time;
    d.windowTo = std::max(end, detected).addSecs(15 * 60);
    TimelineFilter window;
    window.from = d.windowFrom;
    window.to = d.windowTo;
    window.services = affected.keys(); // empty when the incident names no service: everything
    auto events = loadTimeline(store, window, error);
    if (!events)
        return std::nullopt;
    using K = TimelineEvent::Kind;
    for (const TimelineEvent &e : std::as_const(*events)) {
        // Pipeline runs are CI noise here; their failures stay.
        if (e.kind == K::RunStarted || e.kind == K::RunSucceeded || e.kind == K::RunCancelled)
            continue;
        // Other incidents' notes do not belong in this one's table.
        if (e.source == QLatin1String("incident") &&
            !e.sourceId.startsWith(QStringLiteral("incident-%1-").arg(incidentId)))
            continue;
        d.events << e;
    }

    auto audit = store.auditEntries(5000, error);
    if (!audit)
        return std::nullopt;
    for (const AuditEntry &a : std::as_const(*audit)) {
        if (a.time < detected.addSecs(-3600) || a.time > d.windowTo)
            continue;
        if (!incident->services.isEmpty() && !affected.contains(a.service))
            continue;
        d.actions << a;
    }
    std::sort(d.actions.begin(), d.actions.end(),
              [](const AuditEntry &a, const AuditEntry &b) { return a.time < b.time; });
    d.chartFile = postmortemChartFileName(incidentId);
    return d;
}

QString postmortemMarkdown(const PostmortemData &d)
{
    const Incident &i = d.incident;
    QString md;
    md += QStringLiteral("# Postmortem: %1 (incident #%2)\n\n")
              .arg(clean(i.title).simplified(), QString::number(i.id));
    md += header({QStringLiteral("Field"), QStringLiteral("Value")});
    md += row({QStringLiteral("Severity"), i.severity});
    md += row({QStringLiteral("Services"), i.services.isEmpty()
                                               ? QStringLiteral("(not named)")
                                               : i.services.join(QStringLiteral(", "))});
    md += row({QStringLiteral("Environment"),
               i.environment.isEmpty() ? QStringLiteral("(not named)") : i.environment});
    md += row({QStringLiteral("Phase"), toString(i.phase)});
    md += row({QStringLiteral("Detected"), when(i.detectedAt)});
    md += row({QStringLiteral("Reported"), when(i.reportedAt)});
    md += row({QStringLiteral("Mitigated"), when(i.mitigatedAt)});
    md += row({QStringLiteral("Recovered"), when(i.recoveredAt)});
    md += row({QStringLiteral("Written"), when(d.generatedAt)});

    md += QStringLiteral("\n## Summary\n\n");
    md += i.summary.trimmed().isEmpty() ? QStringLiteral("_No summary written yet._\n")
                                        : clean(i.summary.trimmed()) + QLatin1Char('\n');

    md += QStringLiteral("\n## Impact\n\n");
    QStringList deps;
    for (const Suspect &s : d.suspects)
        if (s.dependencyDepth > 0 && !deps.contains(s.change.service))
            deps << s.change.service;
    md += QStringLiteral("- Affected: %1%2%3\n")
              .arg(i.services.isEmpty() ? QStringLiteral("(services not named)")
                                        : clean(i.services.join(QStringLiteral(", "))),
                   i.environment.isEmpty() ? QString()
                                           : QStringLiteral(" in ") + clean(i.environment),
                   deps.isEmpty() ? QString()
                                  : QStringLiteral(" (changed dependencies: %1)")
                                        .arg(clean(deps.join(QStringLiteral(", ")))));
    const QDateTime end = i.recoveredAt.isValid() ? i.recoveredAt : d.generatedAt;
    md += QStringLiteral("- Duration: %1 (detected → %2)\n")
              .arg(durationText(i.detectedAt.secsTo(end)),
                   i.recoveredAt.isValid() ? QStringLiteral("recovered")
                                           : QStringLiteral("not recovered yet"));
    QStringList alerts;
    for (const TimelineEvent &e : d.events)
        if (e.kind == TimelineEvent::Kind::AlertFiring ||
            e.kind == TimelineEvent::Kind::AlertResolved)
            alerts << QStringLiteral("%1 %2 at %3")
                          .arg(clean(e.title).simplified(),
                               e.kind == TimelineEvent::Kind::AlertFiring
                                   ? QStringLiteral("fired")
                                   : QStringLiteral("resolved"),
                               e.time.toUTC().toString(QStringLiteral("HH:mm")));
    md += QStringLiteral("- Alerts: %1\n")
              .arg(alerts.isEmpty() ? QStringLiteral("none recorded")
                                    : alerts.join(QStringLiteral("; ")));

    md += QStringLiteral("\n## Key times\n\n");
    const QDateTime impactStart =
        d.suspects.isEmpty() ? QDateTime() : d.suspects.first().change.time;
    const IncidentDurations du = incidentDurations(i, impactStart);
    md += header(
        {QStringLiteral("Measure"), QStringLiteral("From → to"), QStringLiteral("Duration")});
    md += row({QStringLiteral("Time to detect"),
               QStringLiteral("top suspect change (%1) → detected").arg(when(impactStart)),
               durationText(du.toDetect)});
    md += row({QStringLiteral("Time to report"), QStringLiteral("detected → reported"),
               durationText(du.toReport)});
    md += row({QStringLiteral("Time to mitigate"), QStringLiteral("detected → mitigated"),
               durationText(du.toMitigate)});
    md += row({QStringLiteral("Time to restore"), QStringLiteral("detected → recovered"),
               durationText(du.toRestore)});

    md += QStringLiteral("\n## Timeline\n\n");
    if (!d.chartFile.isEmpty())
        md += QStringLiteral("![Timeline of incident #%1](%2)\n\n").arg(i.id).arg(d.chartFile);
    md += QStringLiteral("From %1 to %2.\n\n").arg(when(d.windowFrom), when(d.windowTo));
    md += header({QStringLiteral("Time (UTC)"), QStringLiteral("Lane"), QStringLiteral("Event"),
                  QStringLiteral("Service"), QStringLiteral("Env"), QStringLiteral("What"),
                  QStringLiteral("Who")});
    for (const TimelineEvent &e : d.events)
        md += row({e.time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                   laneWord(laneOf(e.kind)), kindWord(e.kind), e.service, e.environment,
                   e.version.isEmpty() || e.title.contains(e.version)
                       ? e.title
                       : e.title + QStringLiteral(" (") + e.version + QLatin1Char(')'),
                   e.actor});
    if (d.events.isEmpty())
        md += row({QStringLiteral("—"), QString(), QString(), QString(), QString(),
                   QStringLiteral("no events recorded in the window"), QString()});

    md += QStringLiteral("\n## Suspects\n\n");
    if (d.suspects.isEmpty()) {
        md +=
            QStringLiteral("No change to the affected services or their dependencies in the window "
                           "before detection.\n");
    } else {
        md +=
            QStringLiteral("Changes before detection, ranked by closeness in time and blast radius "
                           "(score = 100 × closeness × environment × relation × change).\n\n");
        md +=
            header({QStringLiteral("Rank"), QStringLiteral("Change"), QStringLiteral("Service"),
                    QStringLiteral("Env"), QStringLiteral("Version"), QStringLiteral("When (UTC)"),
                    QStringLiteral("Score"), QStringLiteral("Why")});
        int rank = 0;
        for (const Suspect &s : d.suspects)
            md += row({QString::number(++rank), s.change.title, s.change.service,
                       s.change.environment, s.change.version,
                       s.change.time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                       QString::number(s.score, 'f', 1), s.explanation});
    }

    md += QStringLiteral("\n## Actions taken\n\n");
    if (d.actions.isEmpty()) {
        md += QStringLiteral("No audited action on the affected services in the window.\n");
    } else {
        md += header({QStringLiteral("When (UTC)"), QStringLiteral("Who"), QStringLiteral("Action"),
                      QStringLiteral("Service"), QStringLiteral("Env"), QStringLiteral("Result"),
                      QStringLiteral("Reason")});
        for (const AuditEntry &a : d.actions) {
            QString result = toString(a.state);
            if (a.result && !a.result->message.isEmpty())
                result += QStringLiteral(": ") + a.result->message;
            md += row({a.time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), a.actor,
                       a.plan.summary.isEmpty() ? a.verb
                                                : a.verb + QStringLiteral(" — ") + a.plan.summary,
                       a.service, a.environment, result, a.reason});
        }
    }

    md += QStringLiteral("\n## Notes\n\n");
    if (d.notes.isEmpty())
        md += QStringLiteral("No notes.\n");
    for (const IncidentNote &n : d.notes)
        md += QStringLiteral("- %1, %2: %3\n")
                  .arg(when(n.time), clean(n.author).simplified(), clean(n.text).simplified());

    md += QStringLiteral("\n## Follow-ups\n\n");
    const QStringList follow = followUps(d.notes);
    if (follow.isEmpty())
        md +=
            QStringLiteral("- [ ] _None recorded yet: add a note starting with \"Follow-up:\"._\n");
    for (const QString &f : follow)
        md += QStringLiteral("- [ ] %1\n").arg(clean(f).simplified());
    return md;
}

} // namespace fd
