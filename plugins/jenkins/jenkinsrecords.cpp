#include "jenkinsrecords.h"

#include <QVariantList>

namespace fd::jenkins {

namespace {

QDateTime utc(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
}

QString eventOf(const WireBuild &b)
{
    if (!b.causeUser.isEmpty())
        return QStringLiteral("manual");
    if (b.cause.contains(QLatin1String("SCM"), Qt::CaseInsensitive) ||
        b.cause.contains(QLatin1String("push"), Qt::CaseInsensitive))
        return QStringLiteral("push");
    if (b.cause.contains(QLatin1String("timer"), Qt::CaseInsensitive))
        return QStringLiteral("timer");
    if (b.cause.contains(QLatin1String("upstream"), Qt::CaseInsensitive))
        return QStringLiteral("upstream");
    return b.cause.isEmpty() ? QString() : QStringLiteral("other");
}

DeployStatus deployStatusOf(RunStatus s)
{
    switch (s) {
    case RunStatus::Queued:
        return DeployStatus::Queued;
    case RunStatus::Running:
        return DeployStatus::Running;
    case RunStatus::Waiting:
        return DeployStatus::Blocked;
    case RunStatus::Succeeded:
        return DeployStatus::Succeeded;
    case RunStatus::Failed:
        return DeployStatus::Failed;
    case RunStatus::Cancelled:
    case RunStatus::Skipped:
        return DeployStatus::Cancelled;
    case RunStatus::Unknown:
        break;
    }
    return DeployStatus::Unknown;
}

QUrl buildUrl(const QUrl &base, const QString &jobKey, int number)
{
    QUrl u = base;
    QString path = base.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    path += JobPath::fromKey(jobKey).urlPath() + QLatin1Char('/');
    if (number > 0)
        path += QString::number(number) + QLatin1Char('/');
    u.setPath(path, QUrl::TolerantMode);
    return u;
}

RunStatus statusOf(const JobSnapshot &job, const WireBuild &b)
{
    if (!b.building)
        return runStatusFromResult(b.result, false);
    if (!job.inputs.value(b.number).isEmpty())
        return RunStatus::Waiting;
    const auto it = job.stages.constFind(b.number);
    if (it != job.stages.constEnd() && it->pendingInput)
        return RunStatus::Waiting;
    return RunStatus::Running;
}

} // namespace

JenkinsMapping::JenkinsMapping(const ConnectionConfig &config)
    : m_config(config)
{
    const auto list = [&](const char *key) {
        QStringList out;
        const QVariant v = config.scope.value(QLatin1String(key));
        const QStringList items =
            v.typeId() == QMetaType::QString ? QStringList{v.toString()} : v.toStringList();
        for (QString item : items) {
            while (item.endsWith(QLatin1Char('/')))
                item.chop(1);
            if (!item.isEmpty() && !out.contains(item))
                out.append(item);
        }
        return out;
    };
    m_folders = list("folders");
    m_jobs = list("jobs");
    const bool wholeController = m_folders.isEmpty() && m_jobs.isEmpty();
    for (const ServiceBinding &b : config.bindings) {
        m_services.insert(b.service);
        if (b.object.isEmpty() || wholeController)
            continue;
        bool covered = m_jobs.contains(b.object);
        for (const QString &f : std::as_const(m_folders))
            covered = covered || b.object.startsWith(f + QLatin1Char('/'));
        if (!covered)
            m_jobs.append(b.object);
    }
}

const ServiceBinding *JenkinsMapping::bindingForJob(const QString &jobKey) const
{
    const ServiceBinding *pipeline = nullptr;
    for (const ServiceBinding &b : m_config.bindings) {
        if (b.object != jobKey)
            continue;
        if (!b.environment.isEmpty())
            return &b;
        pipeline = &b;
    }
    return pipeline;
}

const ServiceBinding *JenkinsMapping::deployBinding(const QString &service,
                                                    const QString &environment) const
{
    for (const ServiceBinding &b : m_config.bindings)
        if (b.service == service && b.environment == environment && !environment.isEmpty())
            return &b;
    return nullptr;
}

QString JenkinsMapping::serviceFor(const QString &jobKey) const
{
    if (const ServiceBinding *b = bindingForJob(jobKey))
        return b->service;
    const QString folder = jobKey.section(QLatin1Char('/'), 0, 0);
    return jobKey.contains(QLatin1Char('/')) && m_services.contains(folder) ? folder : QString();
}

QString JenkinsMapping::environmentFor(const QString &jobKey) const
{
    const ServiceBinding *b = bindingForJob(jobKey);
    return b ? b->environment : QString();
}

QString JenkinsMapping::versionParameter(const QString &jobKey) const
{
    const ServiceBinding *b = bindingForJob(jobKey);
    const QString p =
        b ? b->options.value(QStringLiteral("versionParameter")).toString() : QString();
    return p.isEmpty() ? QStringLiteral("VERSION") : p;
}

QString JenkinsMapping::previousEnvironment(const QString &environment) const
{
    const qsizetype i = m_config.environments.indexOf(environment);
    return i > 0 ? m_config.environments.at(i - 1) : QString();
}

const WireBuild *JobSnapshot::build(int number) const
{
    for (const WireBuild &b : detail.builds)
        if (b.number == number)
            return &b;
    return nullptr;
}

QList<int> JobSnapshot::activeBuilds() const
{
    QList<int> out;
    for (const WireBuild &b : detail.builds)
        if (b.building)
            out.append(b.number);
    return out;
}

QString runId(const QString &jobKey, int number)
{
    return jobKey + QLatin1Char('#') + QString::number(number);
}

bool splitRunId(const QString &id, QString *jobKey, int *number)
{
    const qsizetype hash = id.lastIndexOf(QLatin1Char('#'));
    if (hash <= 0)
        return false;
    bool ok = false;
    const int n = id.mid(hash + 1).toInt(&ok);
    if (!ok || n <= 0)
        return false;
    *jobKey = id.left(hash);
    *number = n;
    return true;
}

QString gateId(const QString &jobKey, int number, const QString &inputId)
{
    return runId(jobKey, number) + QStringLiteral("/input/") + inputId;
}

QString versionOf(const WireBuild &build, const QString &versionParameter)
{
    const QString v = build.parameter(versionParameter);
    return v.isEmpty() ? build.sha : v;
}

RecordSet buildRecords(const JenkinsMapping &mapping, const Snapshot &snapshot, const QUrl &baseUrl)
{
    RecordSet out;
    const QString conn = mapping.config().id;
    for (auto it = snapshot.cbegin(); it != snapshot.cend(); ++it) {
        const QString &key = it.key();
        const JobSnapshot &job = *it;
        if (!job.detailRead)
            continue;
        const QString service = mapping.serviceFor(key);
        const QString environment = mapping.environmentFor(key);
        const QString versionParam = mapping.versionParameter(key);
        const bool deployJob = !environment.isEmpty();

        for (const WireBuild &b : job.detail.builds) {
            Run r;
            r.connectionId = conn;
            r.id = runId(key, b.number);
            r.service = service;
            r.environment = environment;
            r.pipeline = key;
            r.number = QString::number(b.number);
            r.branch = b.branch;
            r.commit = b.sha;
            r.actor = b.causeUser;
            r.event = eventOf(b);
            r.status = statusOf(job, b);
            r.created = utc(b.timestamp);
            r.started = utc(b.timestamp);
            if (!b.building)
                r.finished = utc(b.timestamp + b.duration);
            r.url = buildUrl(baseUrl, key, b.number);
            const auto st = job.stages.constFind(b.number);
            if (st != job.stages.constEnd()) {
                for (const WireStage &ws : st->stages) {
                    Stage s;
                    s.id = ws.id;
                    s.name = ws.name;
                    s.status = runStatusFromWfapi(ws.status);
                    s.started = utc(ws.startMs);
                    s.durationMs = ws.durationMs;
                    if (isFinished(s.status) && ws.startMs > 0)
                        s.finished = utc(ws.startMs + ws.durationMs);
                    r.stages.append(s);
                }
            }
            out.runs.append(r);

            TimelineEvent started;
            started.source = conn;
            started.service = service;
            started.environment = environment;
            started.actor = b.causeUser;
            started.link = r.url;
            started.sourceId = conn + QLatin1Char('/') + r.id + QStringLiteral("/started");
            started.time = r.started;
            started.kind = TimelineEvent::Kind::RunStarted;
            started.title = QStringLiteral("%1 #%2 started").arg(key, QString::number(b.number));
            if (deployJob) {
                started.kind = TimelineEvent::Kind::DeployStarted;
                started.version = versionOf(b, versionParam);
                started.title =
                    QStringLiteral("Deploy %1 %2 to %3 started (%4 #%5)")
                        .arg(service, started.version, environment, key, QString::number(b.number));
            }
            out.events.append(started);
            if (isFinished(r.status)) {
                TimelineEvent done = started;
                done.sourceId = conn + QLatin1Char('/') + r.id + QStringLiteral("/finished");
                done.time = r.finished;
                const QString word = r.status == RunStatus::Succeeded ? QStringLiteral("succeeded")
                                     : r.status == RunStatus::Cancelled ? QStringLiteral("aborted")
                                                                        : QStringLiteral("failed");
                if (deployJob) {
                    done.kind = r.status == RunStatus::Succeeded
                                    ? TimelineEvent::Kind::DeploySucceeded
                                    : TimelineEvent::Kind::DeployFailed;
                    done.title = QStringLiteral("Deploy %1 %2 to %3 %4 (%5 #%6)")
                                     .arg(service, done.version, environment, word, key,
                                          QString::number(b.number));
                } else {
                    done.kind = r.status == RunStatus::Succeeded ? TimelineEvent::Kind::RunSucceeded
                                : r.status == RunStatus::Cancelled
                                    ? TimelineEvent::Kind::RunCancelled
                                    : TimelineEvent::Kind::RunFailed;
                    done.title =
                        QStringLiteral("%1 #%2 %3").arg(key, QString::number(b.number), word);
                }
                done.detail = b.result;
                out.events.append(done);
            }

            if (deployJob) {
                Deployment d;
                d.connectionId = conn;
                d.id = r.id;
                d.service = service;
                d.environment = environment;
                d.version = versionOf(b, versionParam);
                d.commit = b.sha;
                d.ref = b.branch;
                d.status = deployStatusOf(r.status);
                d.created = r.created;
                d.finished = r.finished;
                d.actor = b.causeUser;
                d.url = r.url;
                d.runId = r.id;
                out.deployments.append(d);
            }

            const QList<WireInput> inputs = job.inputs.value(b.number);
            for (const WireInput &in : inputs) {
                Gate g;
                g.connectionId = conn;
                g.id = gateId(key, b.number, in.id);
                g.kind = GateKind::JenkinsInput;
                g.service = service;
                g.environment = environment;
                g.title = in.message.isEmpty() ? QStringLiteral("Input requested by %1 #%2")
                                                     .arg(key, QString::number(b.number))
                                               : in.message;
                g.runId = r.id;
                g.since = r.started;
                if (st != job.stages.constEnd())
                    for (const WireStage &ws : st->stages)
                        if (ws.status == QLatin1String("PAUSED_PENDING_INPUT"))
                            g.since = utc(ws.startMs);
                g.url = buildUrl(baseUrl, key, b.number);
                g.url.setPath(g.url.path() + QStringLiteral("input/"), QUrl::TolerantMode);
                QVariantList params;
                for (const WireInputParameter &p : in.inputs)
                    params.append(QVariantMap{{QStringLiteral("name"), p.name},
                                              {QStringLiteral("type"), p.type},
                                              {QStringLiteral("description"), p.description},
                                              {QStringLiteral("default"), p.defaultValue}});
                g.details = {{QStringLiteral("job"), key},
                             {QStringLiteral("build"), b.number},
                             {QStringLiteral("inputId"), in.id},
                             {QStringLiteral("proceedText"), in.proceedText},
                             {QStringLiteral("proceedUrl"), in.proceedUrl},
                             {QStringLiteral("abortUrl"), in.abortUrl},
                             {QStringLiteral("inputs"), params}};
                if (deployJob)
                    g.details.insert(QStringLiteral("version"), versionOf(b, versionParam));
                out.gates.append(g);

                TimelineEvent e;
                e.sourceId = conn + QLatin1Char('/') + g.id + QStringLiteral("/requested");
                e.source = conn;
                e.kind = TimelineEvent::Kind::ApprovalRequested;
                e.time = g.since;
                e.service = service;
                e.environment = environment;
                e.version = g.details.value(QStringLiteral("version")).toString();
                e.title = QStringLiteral("Input requested: %1 (%2 #%3)")
                              .arg(g.title, key, QString::number(b.number));
                e.link = g.url;
                out.events.append(e);
            }
        }

        if (deployJob) {
            const WireBuild *current = nullptr;
            for (const WireBuild &b : job.detail.builds)
                if (!b.building && b.result == QLatin1String("SUCCESS")) {
                    current = &b;
                    break;
                }
            if (!current && job.detail.hasLastSuccessful)
                current = &job.detail.lastSuccessful;
            EnvironmentState s;
            s.connectionId = conn;
            s.service = service;
            s.environment = environment;
            s.object = key;
            s.url = buildUrl(baseUrl, key, 0);
            if (current) {
                s.version = versionOf(*current, versionParam);
                s.commit = current->sha;
                s.deployedAt = utc(current->timestamp + current->duration);
                s.deployedBy = current->causeUser;
                s.deploymentId = runId(key, current->number);
                s.health = Health::Healthy;
                s.sync = SyncState::Synced;
            } else {
                s.healthMessage = QStringLiteral("no successful deploy of %1 yet").arg(key);
            }
            const WireBuild *newest =
                job.detail.builds.isEmpty() ? nullptr : &job.detail.builds.first();
            if (newest && newest->building) {
                s.operationRunning = true;
                s.health = Health::Progressing;
                s.healthMessage =
                    QStringLiteral("%1 #%2 is running").arg(key, QString::number(newest->number));
            } else if (newest && current && newest->number != current->number) {
                s.health = Health::Degraded;
                s.healthMessage = QStringLiteral("the last deploy (%1 #%2) ended %3")
                                      .arg(key, QString::number(newest->number), newest->result);
            }
            out.environments.append(s);
        }
    }
    return out;
}

QList<TimelineEvent> answeredGateEvents(const QString &connectionId,
                                        const QList<Gate> &before,
                                        const QList<Gate> &now,
                                        const Snapshot &snapshot,
                                        QList<Gate> *stillUnknown)
{
    QList<TimelineEvent> out;
    QSet<QString> open;
    for (const Gate &g : now)
        open.insert(g.id);
    for (const Gate &g : before) {
        if (open.contains(g.id))
            continue;
        QString key;
        int number = 0;
        splitRunId(g.runId, &key, &number);
        const auto found = snapshot.constFind(key);
        const JobSnapshot *job = found == snapshot.constEnd() ? nullptr : &*found;
        const WireBuild *b = job ? job->build(number) : nullptr;
        if (!b) {
            if (stillUnknown)
                stillUnknown->append(g);
            continue;
        }
        TimelineEvent e;
        e.sourceId = connectionId + QLatin1Char('/') + g.id + QStringLiteral("/answered");
        e.source = connectionId;
        e.service = g.service;
        e.environment = g.environment;
        e.version = g.details.value(QStringLiteral("version")).toString();
        e.link = g.url;
        e.time = QDateTime::currentDateTimeUtc();
        const bool aborted = !b->building && b->result == QLatin1String("ABORTED");
        e.kind =
            aborted ? TimelineEvent::Kind::ApprovalRejected : TimelineEvent::Kind::ApprovalGranted;
        e.title = QStringLiteral("Input %1: %2 (%3 #%4)")
                      .arg(aborted ? QStringLiteral("aborted") : QStringLiteral("proceeded"),
                           g.title, key, QString::number(number));
        out.append(e);
    }
    return out;
}

} // namespace fd::jenkins
