#include "suspects.h"

#include "timeline/timeline.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QQueue>

#include <algorithm>
#include <cmath>

namespace fd {

SuspectOptions suspectOptions(const Workspace &workspace)
{
    SuspectOptions o;
    bool ok = false;
    const double hours =
        workspace.policies.value(QStringLiteral("suspectWindowHours")).toDouble(&ok);
    if (ok && hours > 0)
        o.windowSecs = qint64(hours * 3600);
    return o;
}

QString durationText(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("—");
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 48)
        return minutes % 60 ? QStringLiteral("%1 h %2 min").arg(hours).arg(minutes % 60)
                            : QStringLiteral("%1 h").arg(hours);
    return hours % 24 ? QStringLiteral("%1 d %2 h").arg(hours / 24).arg(hours % 24)
                      : QStringLiteral("%1 d").arg(hours / 24);
}

QHash<QString, int> affectedServices(const Incident &incident, const Workspace &workspace)
{
    QHash<QString, int> depth;
    QQueue<QString> queue;
    for (const QString &s : incident.services) {
        depth.insert(s, 0);
        queue.enqueue(s);
    }
    while (!queue.isEmpty()) {
        const QString s = queue.dequeue();
        const ServiceDef *def = workspace.service(s);
        if (!def)
            continue;
        for (const QString &dep : def->dependsOn) {
            if (depth.contains(dep))
                continue;
            depth.insert(dep, depth.value(s) + 1);
            queue.enqueue(dep);
        }
    }
    return depth;
}

namespace {

enum class Family { Deploy, Canary, Sync, Rollback };

Family familyOf(TimelineEvent::Kind k)
{
    using K = TimelineEvent::Kind;
    switch (k) {
    case K::CanaryStep:
    case K::CanaryWeight:
    case K::CanaryPromoted:
        return Family::Canary;
    case K::SyncSucceeded:
        return Family::Sync;
    case K::Rollback:
        return Family::Rollback;
    default:
        return Family::Deploy;
    }
}

void changeWeight(TimelineEvent::Kind k, QString *name, double *weight)
{
    using K = TimelineEvent::Kind;
    switch (k) {
    case K::CanaryPromoted:
        *name = QStringLiteral("promotion");
        *weight = 1.0;
        return;
    case K::CanaryStep:
    case K::CanaryWeight:
        *name = QStringLiteral("canary");
        *weight = 0.8;
        return;
    case K::DeployFailed:
        *name = QStringLiteral("failed deploy");
        *weight = 0.8;
        return;
    case K::SyncSucceeded:
        *name = QStringLiteral("config sync");
        *weight = 0.7;
        return;
    case K::Rollback:
        *name = QStringLiteral("rollback");
        *weight = 0.6;
        return;
    default:
        *name = QStringLiteral("deploy");
        *weight = 1.0;
        return;
    }
}

QString num(double v)
{
    return QString::number(v, 'f', 2);
}

} // namespace

QList<Suspect> rankSuspects(const Incident &incident,
                            const QList<TimelineEvent> &events,
                            const Workspace &workspace,
                            const SuspectOptions &options)
{
    const QDateTime detected = incident.detectedAt;
    if (!detected.isValid() || options.windowSecs <= 0)
        return {};
    const QDateTime from = detected.addSecs(-options.windowSecs);
    const QHash<QString, int> depth = affectedServices(incident, workspace);
    const QString production = productionEnvironment(workspace);
    const QStringList envs = workspace.environmentNames();
    const qsizetype prodIndex = envs.indexOf(production);
    const QString beforeProduction = prodIndex > 0 ? envs.at(prodIndex - 1) : QString();

    // Fold the events of one change (deploy started + succeeded, canary steps of one version)
    // into one suspect, represented by its latest event.
    QHash<QString, Suspect> byChange;
    QStringList order;
    for (const TimelineEvent &e : events) {
        if (!isChange(e.kind) || e.time < from || e.time > detected)
            continue;
        if (!incident.services.isEmpty() && !depth.contains(e.service))
            continue;
        const QString identity =
            e.version.isEmpty() ? e.source + QLatin1Char('/') + e.sourceId : e.version;
        const QString key =
            QStringList{e.service, e.environment, identity, QString::number(int(familyOf(e.kind)))}
                .join(QLatin1Char('\x1f'));
        auto it = byChange.find(key);
        if (it == byChange.end()) {
            Suspect s;
            s.change = e;
            byChange.insert(key, s);
            order << key;
        } else {
            ++it->eventCount;
            if (e.time >= it->change.time)
                it->change = e;
        }
    }

    QList<Suspect> out;
    for (const QString &key : std::as_const(order)) {
        Suspect s = byChange.value(key);
        const TimelineEvent &e = s.change;
        s.secondsBefore = e.time.secsTo(detected);
        s.closeness = 1.0 - double(s.secondsBefore) / double(options.windowSecs);
        QString envWord;
        if (!production.isEmpty() && e.environment == production) {
            s.environmentWeight = 1.0;
            envWord = QStringLiteral("production");
        } else if (!beforeProduction.isEmpty() && e.environment == beforeProduction) {
            s.environmentWeight = 0.5;
            envWord = e.environment;
        } else {
            s.environmentWeight = 0.25;
            envWord = e.environment.isEmpty() ? QStringLiteral("no environment") : e.environment;
        }
        s.dependencyDepth = depth.value(e.service, 0);
        s.relationWeight = std::pow(0.5, s.dependencyDepth);
        QString relation = QStringLiteral("direct");
        if (s.dependencyDepth > 0) {
            // Name the service one step closer to the incident that depends on this one.
            // (The first by name when several do, so the text is stable.)
            for (auto it = depth.cbegin(); it != depth.cend(); ++it) {
                const ServiceDef *def = workspace.service(it.key());
                if (it.value() == s.dependencyDepth - 1 && def &&
                    def->dependsOn.contains(e.service) &&
                    (s.dependencyOf.isEmpty() || it.key() < s.dependencyOf))
                    s.dependencyOf = it.key();
            }
            relation = s.dependencyOf.isEmpty()
                           ? QStringLiteral("dependency (depth %1)").arg(s.dependencyDepth)
                           : QStringLiteral("dependency of %1").arg(s.dependencyOf);
        }
        changeWeight(e.kind, &s.changeKind, &s.changeWeight);
        s.score = std::round(1000.0 * s.closeness * s.environmentWeight * s.relationWeight *
                             s.changeWeight) /
                  10.0;
        s.explanation =
            QStringLiteral("%1 before detection (closeness %2) × %3 %4 × %5 %6 × %7 %8 = %9")
                .arg(durationText(s.secondsBefore), num(s.closeness), envWord,
                     num(s.environmentWeight), relation, num(s.relationWeight), s.changeKind,
                     num(s.changeWeight), QString::number(s.score, 'f', 1));
        out << s;
    }
    std::stable_sort(out.begin(), out.end(), [](const Suspect &a, const Suspect &b) {
        if (a.score != b.score)
            return a.score > b.score;
        if (a.change.time != b.change.time)
            return a.change.time > b.change.time;
        return a.change.service < b.change.service;
    });
    return out;
}

ReleaseAction rollbackFor(const Suspect &suspect, const Incident &incident, const QString &actor)
{
    ReleaseAction a;
    a.verb = ReleaseAction::Verb::Rollback;
    a.service = suspect.change.service;
    a.environment = suspect.change.environment;
    a.actor = actor;
    a.comment = QStringLiteral("incident #%1 (%2): roll back suspect \"%3\"")
                    .arg(incident.id)
                    .arg(incident.title, suspect.change.title);
    return a;
}

} // namespace fd
