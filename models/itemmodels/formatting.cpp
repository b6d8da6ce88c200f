#include "formatting.h"

#include <QCoreApplication>
#include <QLocale>
#include <QUrl>

namespace fd::Wording {

QString runStatus(RunStatus s)
{
    switch (s) {
    case RunStatus::Queued:
        return QCoreApplication::translate("fd::Wording", "queued");
    case RunStatus::Running:
        return QCoreApplication::translate("fd::Wording", "running");
    case RunStatus::Waiting:
        return QCoreApplication::translate("fd::Wording", "waiting");
    case RunStatus::Succeeded:
        return QCoreApplication::translate("fd::Wording", "succeeded");
    case RunStatus::Failed:
        return QCoreApplication::translate("fd::Wording", "failed");
    case RunStatus::Cancelled:
        return QCoreApplication::translate("fd::Wording", "cancelled");
    case RunStatus::Skipped:
        return QCoreApplication::translate("fd::Wording", "skipped");
    case RunStatus::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString deployStatus(DeployStatus s)
{
    switch (s) {
    case DeployStatus::Created:
        return QCoreApplication::translate("fd::Wording", "created");
    case DeployStatus::Queued:
        return QCoreApplication::translate("fd::Wording", "queued");
    case DeployStatus::Running:
        return QCoreApplication::translate("fd::Wording", "running");
    case DeployStatus::Succeeded:
        return QCoreApplication::translate("fd::Wording", "succeeded");
    case DeployStatus::Failed:
        return QCoreApplication::translate("fd::Wording", "failed");
    case DeployStatus::Cancelled:
        return QCoreApplication::translate("fd::Wording", "cancelled");
    case DeployStatus::Blocked:
        return QCoreApplication::translate("fd::Wording", "blocked");
    case DeployStatus::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString health(Health h)
{
    switch (h) {
    case Health::Healthy:
        return QCoreApplication::translate("fd::Wording", "healthy");
    case Health::Progressing:
        return QCoreApplication::translate("fd::Wording", "progressing");
    case Health::Degraded:
        return QCoreApplication::translate("fd::Wording", "degraded");
    case Health::Suspended:
        return QCoreApplication::translate("fd::Wording", "suspended");
    case Health::Missing:
        return QCoreApplication::translate("fd::Wording", "missing");
    case Health::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString sync(SyncState s)
{
    switch (s) {
    case SyncState::Synced:
        return QCoreApplication::translate("fd::Wording", "synced");
    case SyncState::OutOfSync:
        return QCoreApplication::translate("fd::Wording", "out of sync");
    case SyncState::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString gateKind(GateKind k)
{
    switch (k) {
    case GateKind::GitHubPendingDeployment:
        return QCoreApplication::translate("fd::Wording", "GitHub pending deployment");
    case GateKind::GitLabBlockedDeployment:
        return QCoreApplication::translate("fd::Wording", "GitLab blocked deployment");
    case GateKind::JenkinsInput:
        return QCoreApplication::translate("fd::Wording", "Jenkins input step");
    case GateKind::RolloutPause:
        return QCoreApplication::translate("fd::Wording", "paused rollout");
    case GateKind::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString rolloutPhase(RolloutPhase p)
{
    switch (p) {
    case RolloutPhase::Healthy:
        return QCoreApplication::translate("fd::Wording", "healthy");
    case RolloutPhase::Progressing:
        return QCoreApplication::translate("fd::Wording", "progressing");
    case RolloutPhase::Paused:
        return QCoreApplication::translate("fd::Wording", "paused");
    case RolloutPhase::Degraded:
        return QCoreApplication::translate("fd::Wording", "degraded");
    case RolloutPhase::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "unknown");
}

QString connectionState(ConnectionHealth::State s)
{
    using S = ConnectionHealth::State;
    switch (s) {
    case S::Ok:
        return QCoreApplication::translate("fd::Wording", "ok");
    case S::Degraded:
        return QCoreApplication::translate("fd::Wording", "degraded");
    case S::AuthFailed:
        return QCoreApplication::translate("fd::Wording", "auth failed");
    case S::Unreachable:
        return QCoreApplication::translate("fd::Wording", "unreachable");
    case S::RateLimited:
        return QCoreApplication::translate("fd::Wording", "rate limited");
    case S::Unknown:
        break;
    }
    return QCoreApplication::translate("fd::Wording", "connecting");
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return {};
    const qint64 s = ms / 1000;
    if (s < 60)
        return QCoreApplication::translate("fd::Wording", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("fd::Wording", "%1 min %2 s").arg(s / 60).arg(s % 60);
    return QCoreApplication::translate("fd::Wording", "%1 h %2 min")
        .arg(s / 3600)
        .arg((s % 3600) / 60);
}

QString age(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 45)
        return QCoreApplication::translate("fd::Wording", "just now");
    if (seconds < 3600)
        return QCoreApplication::translate("fd::Wording", "%1 min ago")
            .arg(std::max<qint64>(1, seconds / 60));
    if (seconds < 86400)
        return QCoreApplication::translate("fd::Wording", "%1 h ago").arg(seconds / 3600);
    return QCoreApplication::translate("fd::Wording", "%1 d ago").arg(seconds / 86400);
}

QString dateTime(const QDateTime &t)
{
    if (!t.isValid())
        return {};
    // Compact for tables: the year only when it is not this one.
    const QDateTime local = t.toLocalTime();
    const QDate today = QDate::currentDate();
    if (local.date() == today)
        return local.toString(QStringLiteral("HH:mm"));
    if (local.date().year() == today.year())
        return local.toString(QStringLiteral("MM-dd HH:mm"));
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString shortCommit(const QString &sha)
{
    return sha.left(7);
}

QString pipelineName(const QString &pipeline)
{
    if (!pipeline.contains(QLatin1Char('%')))
        return pipeline;
    return QUrl::fromPercentEncoding(pipeline.toUtf8());
}

} // namespace fd::Wording
