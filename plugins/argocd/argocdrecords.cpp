#include "argocdrecords.h"

#include "argocdparsers.h"

#include <algorithm>

namespace fd::argocd {

namespace {

QString targetKey(const QString &service, const QString &environment)
{
    return service + QLatin1Char('\n') + environment;
}

QString shortRevision(const QString &revision)
{
    return revision.left(7);
}

QString describeTarget(const QString &service, const QString &environment)
{
    return environment.isEmpty() ? service : service + QLatin1Char(' ') + environment;
}

TimelineEvent event(const QString &connectionId,
                    TimelineEvent::Kind kind,
                    const QString &sourceId,
                    const QDateTime &time,
                    const QString &service,
                    const QString &environment)
{
    TimelineEvent e;
    e.source = connectionId;
    e.sourceId = connectionId + QLatin1Char('/') + sourceId;
    e.kind = kind;
    e.time = time;
    e.service = service;
    e.environment = environment;
    return e;
}

} // namespace

AppMapper::AppMapper(const ConnectionConfig &config)
    : m_environments(config.environments)
{
    for (const auto &b : config.bindings) {
        AppMapping m;
        m.service = b.service;
        m.environment = b.environment;
        m.rollout = b.options.value(QStringLiteral("rollout")).toString();
        m.rolloutNamespace = b.options.value(QStringLiteral("namespace")).toString();
        m.repo = b.options.value(QStringLiteral("repo")).toString();
        m.bound = !b.conventional;
        const QString app =
            b.object.isEmpty() ? b.service + QLatin1Char('-') + b.environment : b.object;
        m_bound.insert(app, m);
        m_appByTarget.insert(targetKey(b.service, b.environment), app);
    }
    // Longest first, so "prod-eu" wins over "eu" as a suffix.
    std::sort(m_environments.begin(), m_environments.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

AppMapping AppMapper::map(const QString &application) const
{
    const auto it = m_bound.constFind(application);
    if (it != m_bound.constEnd())
        return *it;
    AppMapping m;
    for (const auto &env : m_environments) {
        if (application.size() > env.size() + 1 && application.endsWith(env) &&
            application.at(application.size() - env.size() - 1) == QLatin1Char('-')) {
            m.service = application.left(application.size() - env.size() - 1);
            m.environment = env;
            return m;
        }
    }
    m.service = application;
    return m;
}

QString AppMapper::applicationFor(const QString &service, const QString &environment) const
{
    const auto it = m_appByTarget.constFind(targetKey(service, environment));
    if (it != m_appByTarget.constEnd())
        return *it;
    return environment.isEmpty() ? service : service + QLatin1Char('-') + environment;
}

namespace {

QString repoKey(QString url)
{
    url = url.trimmed().toLower();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (url.endsWith(QLatin1String(".git")))
        url.chop(4);
    // scp-like git@host:org/name and https://host/org/name compare by host path
    const qsizetype scheme = url.indexOf(QLatin1String("://"));
    if (scheme >= 0)
        url = url.mid(scheme + 3);
    url.replace(QLatin1Char(':'), QLatin1Char('/'));
    const qsizetype at = url.indexOf(QLatin1Char('@'));
    if (at >= 0 && at < url.indexOf(QLatin1Char('/')))
        url = url.mid(at + 1);
    return url;
}

} // namespace

bool sourceIsServiceRepo(const AppState &app, const AppMapping &mapping)
{
    if (app.repoUrl.isEmpty())
        return false;
    if (!mapping.repo.isEmpty())
        return repoKey(mapping.repo) == repoKey(app.repoUrl) ||
               repoKey(app.repoUrl).endsWith(QLatin1Char('/') + repoKey(mapping.repo));
    if (mapping.service.isEmpty())
        return false;
    return repoKey(app.repoUrl).section(QLatin1Char('/'), -1) == mapping.service.toLower();
}

QString sourceCommit(const AppState &app, const AppMapping &mapping, const QString &version)
{
    if (sourceIsServiceRepo(app, mapping)) {
        if (!app.history.isEmpty() && !app.history.last().revision.isEmpty())
            return app.history.last().revision;
        if (app.sync == SyncState::Synced)
            return app.syncRevision;
        return {};
    }
    return version.isEmpty() ? QString() : app.commits.value(version);
}

QString applicationUrlPath(const AppState &app)
{
    return app.appNamespace.isEmpty()
               ? QStringLiteral("/applications/%1").arg(app.name)
               : QStringLiteral("/applications/%1/%2").arg(app.appNamespace, app.name);
}

QString deploymentId(const QString &application, qint64 historyId)
{
    return application + QLatin1Char('/') + QString::number(historyId);
}

static QUrl appUrl(const QUrl &baseUrl, const AppState &app)
{
    QUrl u = baseUrl;
    QString path = u.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    u.setPath(path + applicationUrlPath(app));
    return u;
}

EnvironmentState environmentState(const QString &connectionId,
                                  const QUrl &baseUrl,
                                  const AppState &app,
                                  const AppMapping &mapping,
                                  const Rollout *rollout)
{
    EnvironmentState s;
    s.connectionId = connectionId;
    s.service = mapping.service;
    s.environment = mapping.environment;
    s.object = app.name;
    const bool inFlight = rollout && !rollout->fullyPromoted && !rollout->stableVersion.isEmpty();
    if (inFlight)
        s.version = rollout->stableVersion; // most traffic still goes to stable
    else
        s.version = versionFromImages(app.images, mapping.service);
    if (s.version.isEmpty() && !app.history.isEmpty())
        s.version = app.history.last().version;
    s.commit = sourceCommit(app, mapping, s.version);
    if (!app.history.isEmpty()) {
        const HistoryEntry &h = app.history.last();
        s.deployedAt = h.deployedAt;
        s.deployedBy = h.initiator;
        s.deploymentId = deploymentId(app.name, h.id);
    }
    s.health = app.health;
    s.healthMessage = app.healthMessage;
    if (s.health == Health::Unknown && !app.healthText.isEmpty() &&
        app.healthText != QLatin1String("Unknown"))
        s.healthMessage = QStringLiteral("health '%1' is not known to Flightdeck%2")
                              .arg(app.healthText, app.healthMessage.isEmpty()
                                                       ? QString()
                                                       : QStringLiteral(": ") + app.healthMessage);
    s.sync = app.sync;
    s.autoSync = app.autoSync;
    s.operationRunning = app.operationRunning();
    s.driftCount = app.outOfSyncCount;
    s.canaryWeight =
        rollout && !rollout->fullyPromoted && rollout->strategy == QLatin1String("canary")
            ? rollout->canaryWeight
            : -1;
    s.url = appUrl(baseUrl, app);
    if (app.windows.known) {
        s.freeze = app.windows.activeDenyText();
        if (s.freeze.isEmpty() && !app.windows.canSync)
            s.freeze = QStringLiteral("Argo CD says syncs are blocked by a sync window now");
    }
    return s;
}

QList<Deployment> deployments(const QString &connectionId,
                              const QUrl &baseUrl,
                              const AppState &app,
                              const AppMapping &mapping)
{
    QList<Deployment> out;
    out.reserve(app.history.size());
    const QUrl url = appUrl(baseUrl, app);
    const bool serviceRepo = sourceIsServiceRepo(app, mapping);
    for (const auto &h : app.history) {
        Deployment d;
        d.connectionId = connectionId;
        d.id = deploymentId(app.name, h.id);
        d.service = mapping.service;
        d.environment = mapping.environment;
        d.version = h.version;
        d.ref = h.revision; // a GitOps revision unless the source is the service repository
        if (serviceRepo)
            d.commit = h.revision;
        else if (!h.version.isEmpty())
            d.commit = app.commits.value(h.version);
        d.status = DeployStatus::Succeeded; // Argo CD records history only for completed syncs
        d.created = h.deployStartedAt.isValid() ? h.deployStartedAt : h.deployedAt;
        d.finished = h.deployedAt;
        d.actor = h.initiator;
        d.url = url;
        out << d;
    }
    if (!out.isEmpty() && out.last().version.isEmpty()) {
        out.last().version = versionFromImages(app.images, mapping.service);
        if (!serviceRepo)
            out.last().commit = app.commits.value(out.last().version);
    }
    return out;
}

std::optional<Gate> rolloutGate(const QString &connectionId,
                                const QUrl &baseUrl,
                                const AppState &app,
                                const RolloutDetails &details)
{
    const Rollout &r = details.rollout;
    if (!r.paused || r.aborted)
        return std::nullopt;
    Gate g;
    g.connectionId = connectionId;
    g.id = QStringLiteral("rollout:%1/%2").arg(app.name, r.name);
    g.kind = GateKind::RolloutPause;
    g.service = r.service;
    g.environment = r.environment;
    const int total = int(r.steps.size());
    g.title = QStringLiteral("Promote canary %1 of %2: step %3/%4 at %5%")
                  .arg(r.canaryVersion.isEmpty() ? r.name : r.canaryVersion,
                       describeTarget(r.service, r.environment))
                  .arg(std::min(r.currentStepIndex + 1, total))
                  .arg(total)
                  .arg(r.canaryWeight);
    g.runId = r.key();
    g.since = details.pausedSince;
    g.url = appUrl(baseUrl, app);
    g.details = {{QStringLiteral("application"), app.name},
                 {QStringLiteral("rollout"), r.name},
                 {QStringLiteral("namespace"), r.nameSpace},
                 {QStringLiteral("stepIndex"), r.currentStepIndex},
                 {QStringLiteral("canaryWeight"), r.canaryWeight},
                 {QStringLiteral("reasons"), r.pauseReasons}};
    return g;
}

QList<TimelineEvent> applicationEvents(const QString &connectionId,
                                       const AppState *before,
                                       const AppState &after,
                                       const AppMapping &m,
                                       const QDateTime &now,
                                       int firstSightHistory)
{
    using K = TimelineEvent::Kind;
    QList<TimelineEvent> out;
    const QString app = after.name;
    const QString target = describeTarget(m.service, m.environment);

    // New history entries are completed deploys; one that returns to an older revision
    // (not the one just before) is a rollback.
    const qint64 seenId = before ? before->currentHistoryId() : -1;
    const qsizetype firstNew =
        before ? 0 : std::max<qsizetype>(0, after.history.size() - firstSightHistory);
    for (qsizetype i = firstNew; i < after.history.size(); ++i) {
        const HistoryEntry &h = after.history.at(i);
        if (h.id <= seenId)
            continue;
        bool rollback = false;
        if (i >= 2 && after.history.at(i - 1).revision != h.revision) {
            for (qsizetype j = 0; j < i - 1; ++j)
                if (after.history.at(j).revision == h.revision)
                    rollback = true;
        }
        TimelineEvent e =
            event(connectionId, rollback ? K::Rollback : K::DeploySucceeded,
                  QStringLiteral("%1/history/%2").arg(app, QString::number(h.id)),
                  h.deployedAt.isValid() ? h.deployedAt : now, m.service, m.environment);
        e.actor = h.initiator;
        e.version = h.version;
        e.title =
            rollback
                ? QStringLiteral("%1 rolled back to %2")
                      .arg(target, h.version.isEmpty() ? shortRevision(h.revision) : h.version)
                : QStringLiteral("%1 deployed %2")
                      .arg(target, h.version.isEmpty() ? shortRevision(h.revision) : h.version);
        e.detail = QStringLiteral("Argo CD application %1, history %2, revision %3")
                       .arg(app, QString::number(h.id), h.revision);
        out << e;
    }
    if (!before)
        return out;

    const bool newOperation =
        after.operationStarted.isValid() && after.operationStarted != before->operationStarted;
    if (!after.operationPhase.isEmpty() &&
        (newOperation || after.operationPhase != before->operationPhase)) {
        const QString startedKey = QString::number(after.operationStarted.toMSecsSinceEpoch());
        const QString rev = shortRevision(
            after.operationRevision.isEmpty() ? after.syncRevision : after.operationRevision);
        if (after.operationPhase == QLatin1String("Running") && newOperation) {
            TimelineEvent e = event(connectionId, K::SyncStarted,
                                    QStringLiteral("%1/sync/%2/started").arg(app, startedKey),
                                    after.operationStarted, m.service, m.environment);
            e.actor = after.operationInitiator;
            e.title = QStringLiteral("sync of %1 started (%2)").arg(target, rev);
            out << e;
        } else if (after.operationPhase == QLatin1String("Succeeded") ||
                   after.operationPhase == QLatin1String("Failed") ||
                   after.operationPhase == QLatin1String("Error")) {
            const bool ok = after.operationPhase == QLatin1String("Succeeded");
            TimelineEvent e =
                event(connectionId, ok ? K::SyncSucceeded : K::SyncFailed,
                      QStringLiteral("%1/sync/%2/%3").arg(app, startedKey, after.operationPhase),
                      after.operationFinished.isValid() ? after.operationFinished : now, m.service,
                      m.environment);
            e.actor = after.operationInitiator;
            e.title = ok ? QStringLiteral("sync of %1 succeeded (%2)").arg(target, rev)
                         : QStringLiteral("sync of %1 failed (%2)").arg(target, rev);
            e.detail = after.operationMessage;
            out << e;
        }
    }
    if (after.health != before->health || after.healthText != before->healthText) {
        TimelineEvent e =
            event(connectionId, K::HealthChanged,
                  QStringLiteral("%1/health/%2/%3")
                      .arg(app, QString::number(now.toMSecsSinceEpoch()), after.healthText),
                  now, m.service, m.environment);
        e.title =
            QStringLiteral("%1 health %2 → %3")
                .arg(target,
                     before->healthText.isEmpty() ? QStringLiteral("Unknown") : before->healthText,
                     after.healthText.isEmpty() ? QStringLiteral("Unknown") : after.healthText);
        e.detail = after.healthMessage;
        out << e;
    }
    return out;
}

QList<TimelineEvent> rolloutEvents(const QString &connectionId,
                                   const Rollout *before,
                                   const Rollout &after,
                                   const QDateTime &now)
{
    using K = TimelineEvent::Kind;
    QList<TimelineEvent> out;
    if (!before)
        return out;
    const QString target = describeTarget(after.service, after.environment);
    const QString base = QStringLiteral("%1/rollout/%2/%3/").arg(after.application, after.name) +
                         QString::number(now.toMSecsSinceEpoch()) + QLatin1Char('/');
    const auto add = [&](K kind, const QString &what, const QString &title) {
        TimelineEvent e =
            event(connectionId, kind, base + what, now, after.service, after.environment);
        e.version = after.canaryVersion;
        e.title = title;
        e.detail =
            QStringLiteral("Rollout %1 in application %2").arg(after.name, after.application);
        out << e;
    };
    const int total = int(after.steps.size());
    if (after.aborted && !before->aborted)
        add(K::CanaryAborted, QStringLiteral("abort"),
            QStringLiteral("canary %1 of %2 aborted; traffic back to stable")
                .arg(after.canaryVersion, target));
    if (!after.aborted && before->aborted)
        add(K::CanaryRetried, QStringLiteral("retry"),
            QStringLiteral("canary %1 of %2 retried").arg(after.canaryVersion, target));
    if (after.fullyPromoted && !before->fullyPromoted)
        add(K::CanaryPromoted, QStringLiteral("promoted"),
            QStringLiteral("canary %1 of %2 fully promoted").arg(after.canaryVersion, target));
    if (after.currentStepIndex != before->currentStepIndex && after.currentStepIndex >= 0) {
        const QString stepText = after.currentStepIndex < total
                                     ? after.steps.at(after.currentStepIndex).text
                                     : QStringLiteral("all steps done");
        add(K::CanaryStep, QStringLiteral("step%1").arg(after.currentStepIndex),
            QStringLiteral("canary %1 of %2 at step %3/%4: %5")
                .arg(after.canaryVersion, target)
                .arg(std::min(after.currentStepIndex + 1, total))
                .arg(total)
                .arg(stepText));
    }
    if (after.canaryWeight != before->canaryWeight)
        add(K::CanaryWeight, QStringLiteral("weight%1").arg(after.canaryWeight),
            QStringLiteral("canary %1 of %2 weight %3% → %4%")
                .arg(after.canaryVersion, target)
                .arg(before->canaryWeight)
                .arg(after.canaryWeight));
    if (after.paused && !before->paused)
        add(K::CanaryPaused, QStringLiteral("paused"),
            QStringLiteral("canary %1 of %2 paused at step %3 (%4)")
                .arg(after.canaryVersion, target)
                .arg(after.currentStepIndex + 1)
                .arg(after.pauseReasons.join(QStringLiteral(", "))));
    if (!after.paused && before->paused && !after.aborted)
        add(K::CanaryResumed, QStringLiteral("resumed"),
            QStringLiteral("canary %1 of %2 resumed").arg(after.canaryVersion, target));
    return out;
}

} // namespace fd::argocd
