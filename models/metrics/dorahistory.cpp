#include "dorahistory.h"

#include "git/repositorycache.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QHash>

#include <algorithm>

namespace fd {

namespace {

bool sameCommit(const QString &a, const QString &b)
{
    if (a.size() < 7 || b.size() < 7)
        return false;
    return a.startsWith(b) || b.startsWith(a);
}

bool sameChange(const DoraDeployment &d, const TimelineEvent &e)
{
    if (d.service != e.service || d.environment != e.environment)
        return false;
    if (std::abs(d.time.secsTo(e.time)) > 600)
        return false;
    return d.version == e.version || sameCommit(d.commit, e.version);
}

std::shared_ptr<GitRepository>
repositoryOf(const ServiceDef *svc, RepositoryCache *git, QString *why)
{
    if (!git || !svc)
        return nullptr;
    QString path = svc->repoPath;
    if (path.isEmpty() && !svc->repoUrl.isEmpty()) {
        // Only a mirror that already exists: computing metrics never starts a clone.
        const QString mirror = git->mirrorPath(QUrl(svc->repoUrl));
        if (QDir(mirror).exists())
            path = mirror;
    }
    if (path.isEmpty()) {
        *why = QStringLiteral("no local repository");
        return nullptr;
    }
    GitError err;
    auto repo = git->repository(path, &err);
    if (!repo)
        *why = err.toString();
    return repo;
}

} // namespace

DoraOptions doraOptions(const Workspace &workspace,
                        const QString &service,
                        const QString &environment,
                        const QDateTime &from,
                        const QDateTime &to)
{
    DoraOptions o;
    o.service = service;
    o.environment = environment.isEmpty() ? productionEnvironment(workspace) : environment;
    o.from = from;
    o.to = to;
    bool ok = false;
    const double hours =
        workspace.policies.value(QStringLiteral("changeFailureWindowHours")).toDouble(&ok);
    if (ok && hours > 0)
        o.failureWindowSecs = qint64(hours * 3600);
    return o;
}

bool readDoraSources(
    Store &store, const QDateTime &from, const QDateTime &to, DoraSources *sources, QString *error)
{
    // A week before the period too: the deploys a rollback or an incident inside it blames.
    auto events = store.events(from.addDays(-7), to, {}, {}, error);
    if (!events)
        return false;
    auto incidents = store.incidents(error);
    if (!incidents)
        return false;
    sources->events = *events;
    sources->incidents = *incidents;
    return true;
}

DoraInput doraInput(const DoraSources &sources,
                    const Workspace &workspace,
                    RepositoryCache *git,
                    QStringList *notes)
{
    DoraInput in;
    in.events = sources.events;
    in.incidents = sources.incidents;
    for (const Deployment &d : sources.deployments) {
        DoraDeployment x;
        x.service = d.service;
        x.environment = d.environment;
        x.version = d.version;
        x.commit = d.commit;
        x.status = d.status;
        x.time = d.finished.isValid() ? d.finished : d.created;
        if (!x.service.isEmpty() && x.time.isValid())
            in.deployments << x;
    }
    for (const TimelineEvent &e : sources.events) {
        if (e.kind != TimelineEvent::Kind::DeploySucceeded &&
            e.kind != TimelineEvent::Kind::DeployFailed)
            continue;
        if (e.service.isEmpty() || e.environment.isEmpty())
            continue;
        const bool known = std::any_of(in.deployments.cbegin(), in.deployments.cend(),
                                       [&e](const DoraDeployment &d) { return sameChange(d, e); });
        if (known)
            continue;
        DoraDeployment x;
        x.service = e.service;
        x.environment = e.environment;
        x.version = e.version;
        x.status = e.kind == TimelineEvent::Kind::DeploySucceeded ? DeployStatus::Succeeded
                                                                  : DeployStatus::Failed;
        x.time = e.time;
        in.deployments << x;
    }
    std::sort(in.deployments.begin(), in.deployments.end(),
              [](const DoraDeployment &a, const DoraDeployment &b) { return a.time < b.time; });

    // Lead time of each successful deployment.
    QHash<QString, std::shared_ptr<GitRepository>> repos;
    QHash<QString, QString> repoProblems;
    QHash<QString, DoraDeployment> previous; // service/env → last successful deployment so far
    for (DoraDeployment &d : in.deployments) {
        if (d.status != DeployStatus::Succeeded)
            continue;
        const QString slot = d.service + QLatin1Char('/') + d.environment;
        const DoraDeployment prev = previous.value(slot);
        previous.insert(slot, d);

        if (git && !repos.contains(d.service) && !repoProblems.contains(d.service)) {
            QString why;
            if (auto r = repositoryOf(workspace.service(d.service), git, &why))
                repos.insert(d.service, r);
            else
                repoProblems.insert(d.service, why);
        }
        const QString to = d.commit.isEmpty() ? d.version : d.commit;
        if (auto repo = repos.value(d.service); repo && !to.isEmpty()) {
            const QString from = prev.commit.isEmpty() ? prev.version : prev.commit;
            GitError err;
            if (!from.isEmpty()) {
                const CommitRange range = repo->range(from, to);
                if (range.ok()) {
                    for (const CommitRecord &c : range.commits)
                        d.changeTimes << c.committed;
                    d.leadTimeSource = QStringLiteral("git");
                    continue;
                }
                err = range.error;
            } else {
                const QString sha = repo->resolve(to, &err);
                if (!err.isError())
                    if (auto c = repo->commit(sha, &err)) {
                        d.changeTimes << c->committed;
                        d.leadTimeSource = QStringLiteral("git");
                        continue;
                    }
            }
            if (notes)
                *notes << QStringLiteral("%1 %2 in %3: %4; lead time from backend timestamps")
                              .arg(d.service, d.version, d.environment, err.toString());
        }
        QDateTime first;
        for (const Run &r : sources.runs)
            if (r.service == d.service && sameCommit(r.commit, d.commit) && r.created.isValid() &&
                r.created <= d.time && (!first.isValid() || r.created < first))
                first = r.created;
        if (first.isValid()) {
            d.changeTimes = {first};
            d.leadTimeSource = QStringLiteral("run");
            continue;
        }
        for (const DoraDeployment &o : std::as_const(in.deployments))
            // Another environment only: a redeploy of the same version is not where it began.
            if (o.service == d.service && !d.version.isEmpty() && o.version == d.version &&
                o.environment != d.environment && o.time < d.time &&
                (!first.isValid() || o.time < first))
                first = o.time;
        if (first.isValid()) {
            d.changeTimes = {first};
            d.leadTimeSource = QStringLiteral("first deploy");
        }
    }
    if (notes)
        for (auto it = repoProblems.cbegin(); it != repoProblems.cend(); ++it)
            if (workspace.service(it.key()) && (!workspace.service(it.key())->repoPath.isEmpty() ||
                                                !workspace.service(it.key())->repoUrl.isEmpty()))
                *notes << QStringLiteral("%1: git not used (%2); lead time from backend timestamps")
                              .arg(it.key(), it.value());
    return in;
}

} // namespace fd
