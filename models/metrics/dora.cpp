#include "dora.h"

#include <QSet>

#include <algorithm>

namespace fd {

QString toString(DoraBand band)
{
    switch (band) {
    case DoraBand::None:
        return QStringLiteral("none");
    case DoraBand::Low:
        return QStringLiteral("low");
    case DoraBand::Medium:
        return QStringLiteral("medium");
    case DoraBand::High:
        return QStringLiteral("high");
    case DoraBand::Elite:
        return QStringLiteral("elite");
    }
    return {};
}

DoraBand frequencyBand(double deploysPerDay)
{
    if (deploysPerDay >= 1.0)
        return DoraBand::Elite;
    if (deploysPerDay >= 1.0 / 7.0)
        return DoraBand::High;
    if (deploysPerDay >= 1.0 / 30.0)
        return DoraBand::Medium;
    return DoraBand::Low;
}

DoraBand leadTimeBand(qint64 seconds)
{
    if (seconds < 0)
        return DoraBand::None;
    if (seconds < 86400)
        return DoraBand::Elite;
    if (seconds < 7 * 86400)
        return DoraBand::High;
    if (seconds < 30 * 86400)
        return DoraBand::Medium;
    return DoraBand::Low;
}

DoraBand failureRateBand(double rate)
{
    if (rate < 0)
        return DoraBand::None;
    if (rate <= 0.05)
        return DoraBand::Elite;
    if (rate <= 0.10)
        return DoraBand::High;
    if (rate <= 0.15)
        return DoraBand::Medium;
    return DoraBand::Low;
}

DoraBand restoreBand(qint64 seconds)
{
    if (seconds < 0)
        return DoraBand::None;
    if (seconds < 3600)
        return DoraBand::Elite;
    if (seconds < 86400)
        return DoraBand::High;
    if (seconds < 7 * 86400)
        return DoraBand::Medium;
    return DoraBand::Low;
}

qint64 medianSecs(QList<qint64> values)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    if (n % 2)
        return values.at(n / 2);
    return (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

namespace {

bool counts(const DoraDeployment &d)
{
    return d.status == DeployStatus::Succeeded || d.status == DeployStatus::Failed;
}

/// Indexes of the deployments a failure signal is blamed on: the latest deploy of that service
/// to that environment at or before the signal, if within the window. Earlier deploys are not
/// blamed: the latest one is what was running when it went wrong.
int blamedDeployment(const QList<DoraDeployment> &all,
                     const QString &service,
                     const QString &env,
                     const QDateTime &at,
                     qint64 window)
{
    int best = -1;
    for (int i = 0; i < all.size(); ++i) {
        const DoraDeployment &d = all.at(i);
        if (!counts(d) || d.service != service || d.environment != env || d.time > at)
            continue;
        if (best < 0 || d.time > all.at(best).time)
            best = i;
    }
    if (best >= 0 && all.at(best).time.secsTo(at) > window)
        return -1;
    return best;
}

} // namespace

DoraFigures doraFigures(const DoraInput &input, const DoraOptions &o)
{
    DoraFigures f;
    const auto inPeriod = [&o](const QDateTime &t) {
        return t.isValid() && (!o.from.isValid() || t >= o.from) && (!o.to.isValid() || t < o.to);
    };
    const auto serviceOk = [&o](const QString &s) { return o.service.isEmpty() || s == o.service; };

    // Failures blamed on deploys, over all history (a deploy just before the period may be
    // blamed by a rollback inside it, and then it is not counted: it is outside the period).
    QSet<int> failed;
    for (const TimelineEvent &e : input.events) {
        if (e.kind != TimelineEvent::Kind::Rollback)
            continue;
        const int i = blamedDeployment(input.deployments, e.service, e.environment, e.time,
                                       o.failureWindowSecs);
        if (i >= 0)
            failed.insert(i);
    }
    for (const Incident &inc : input.incidents) {
        const QString env = inc.environment.isEmpty() ? o.environment : inc.environment;
        for (const QString &svc : inc.services) {
            const int i =
                blamedDeployment(input.deployments, svc, env, inc.detectedAt, o.failureWindowSecs);
            if (i >= 0)
                failed.insert(i);
        }
    }

    QList<qint64> leadTimes;
    for (int i = 0; i < input.deployments.size(); ++i) {
        const DoraDeployment &d = input.deployments.at(i);
        if (!counts(d) || d.environment != o.environment || !serviceOk(d.service) ||
            !inPeriod(d.time))
            continue;
        ++f.attempts;
        if (d.status == DeployStatus::Failed || failed.contains(i))
            ++f.failedChanges;
        if (d.status != DeployStatus::Succeeded)
            continue;
        ++f.deployments;
        for (const QDateTime &c : d.changeTimes)
            if (c.isValid() && c <= d.time)
                leadTimes << c.secsTo(d.time);
    }
    QList<qint64> restores;
    for (const Incident &inc : input.incidents) {
        if (!inPeriod(inc.detectedAt) || !inc.recoveredAt.isValid() ||
            inc.recoveredAt < inc.detectedAt)
            continue;
        if (!inc.environment.isEmpty() && inc.environment != o.environment)
            continue;
        if (!o.service.isEmpty() && !inc.services.contains(o.service))
            continue;
        restores << inc.detectedAt.secsTo(inc.recoveredAt);
    }

    if (o.from.isValid() && o.to.isValid())
        f.days = double(o.from.secsTo(o.to)) / 86400.0;
    f.deploysPerDay = f.days > 0 ? f.deployments / f.days : 0;
    f.frequencyBand = f.days > 0 ? frequencyBand(f.deploysPerDay) : DoraBand::None;
    f.leadTimeSamples = int(leadTimes.size());
    f.leadTimeSecs = medianSecs(leadTimes);
    f.leadTimeBand = leadTimeBand(f.leadTimeSecs);
    f.changeFailureRate = f.attempts ? double(f.failedChanges) / f.attempts : -1;
    f.failureBand = failureRateBand(f.changeFailureRate);
    f.restoreSamples = int(restores.size());
    f.timeToRestoreSecs = medianSecs(restores);
    f.restoreBand = restoreBand(f.timeToRestoreSecs);
    return f;
}

DoraReport doraReport(const DoraInput &input, const DoraOptions &options)
{
    DoraReport r;
    r.options = options;
    r.total = doraFigures(input, options);
    if (options.from.isValid() && options.to.isValid()) {
        const QDate first = options.from.toUTC().date();
        QDate monday = first.addDays(1 - first.dayOfWeek());
        for (;; monday = monday.addDays(7)) {
            const QDateTime start(monday, QTime(0, 0), Qt::UTC);
            if (start >= options.to)
                break;
            DoraOptions w = options;
            w.from = std::max(start, options.from);
            w.to = std::min(start.addDays(7), options.to);
            r.weeks << DoraWeek{monday, doraFigures(input, w)};
        }
    }
    QSet<QString> seen;
    for (const DoraDeployment &d : input.deployments)
        if (d.environment == options.environment)
            seen.insert(d.service);
    for (const Incident &i : input.incidents)
        for (const QString &s : i.services)
            seen.insert(s);
    QStringList names(seen.cbegin(), seen.cend());
    names.sort();
    for (const QString &s : std::as_const(names)) {
        if (!options.service.isEmpty() && s != options.service)
            continue;
        DoraOptions so = options;
        so.service = s;
        r.services << qMakePair(s, doraFigures(input, so));
    }
    return r;
}

} // namespace fd
