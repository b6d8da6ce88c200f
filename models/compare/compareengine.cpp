#include "compareengine.h"

#include "compare/managedfetch.h"
#include "estate/estate.h"
#include "workspace/workspace.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPromise>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

namespace fd {

QString toString(VersionRelation relation)
{
    switch (relation) {
    case VersionRelation::Unknown:
        return QStringLiteral("unknown");
    case VersionRelation::Same:
        return QStringLiteral("same");
    case VersionRelation::Ahead:
        return QStringLiteral("ahead");
    case VersionRelation::Behind:
        return QStringLiteral("behind");
    case VersionRelation::Diverged:
        return QStringLiteral("diverged");
    case VersionRelation::Missing:
        return QStringLiteral("missing");
    }
    return QString();
}

const ServiceComparison *CompareReport::service(const QString &name) const
{
    for (const ServiceComparison &s : services)
        if (s.service == name)
            return &s;
    return nullptr;
}

QPair<QString, QString> defaultCompareEnvironments(const QStringList &order)
{
    if (order.size() >= 2)
        return {order.at(order.size() - 2), order.last()};
    if (order.size() == 1)
        return {order.first(), order.first()};
    return {};
}

namespace {

EnvironmentSide sideOf(const Estate &estate, const QString &service, const QString &env)
{
    EnvironmentSide side;
    // Several connections may report one environment (CI deploy + Argo CD): the newest
    // deployment with a version is what runs.
    for (const EnvironmentState &s : estate.environmentStates(service, env)) {
        if (s.version.isEmpty() && s.commit.isEmpty())
            continue;
        if (side.present && side.deployedAt.isValid() && s.deployedAt.isValid() &&
            s.deployedAt <= side.deployedAt)
            continue;
        side.present = true;
        side.connectionId = s.connectionId;
        side.version = s.version;
        side.commit = s.commit;
        side.deployedAt = s.deployedAt;
        side.deployedBy = s.deployedBy;
        side.sync = s.sync;
        side.health = s.health;
        side.driftCount = s.driftCount;
    }
    return side;
}

/// The Argo CD application that serves @p env for @p service, whatever else deploys there.
ManagedResources managedOf(const Workspace &workspace,
                           const Estate &estate,
                           const QString &service,
                           const QString &env)
{
    ManagedResources m;
    for (const EnvironmentState &s : estate.environmentStates(service, env)) {
        const ConnectionDef *c = workspace.connection(s.connectionId);
        if (!c || c->kind != QLatin1String("argocd"))
            continue;
        m.connectionId = s.connectionId;
        // The naming convention when the backend did not say which object it read.
        m.application = s.object.isEmpty() ? service + QLatin1Char('-') + env : s.object;
        break;
    }
    return m;
}

/// Numeric parts of a version ("v1.4.2-rc1" → 1,4,2); empty when it is not a version number.
QList<int> versionNumbers(const QString &version)
{
    static const QRegularExpression re(QStringLiteral(R"(^v?(\d+(?:\.\d+)*)(?:[-+].*)?$)"));
    const auto m = re.match(version.trimmed());
    if (!m.hasMatch())
        return {};
    QList<int> out;
    for (const QString &p : m.captured(1).split(QLatin1Char('.')))
        out.append(p.toInt());
    return out;
}

VersionRelation byVersionString(const QString &a, const QString &b)
{
    QList<int> va = versionNumbers(a), vb = versionNumbers(b);
    if (va.isEmpty() || vb.isEmpty())
        return VersionRelation::Unknown;
    while (va.size() < vb.size())
        va.append(0);
    while (vb.size() < va.size())
        vb.append(0);
    for (int i = 0; i < va.size(); ++i) {
        if (va[i] != vb[i])
            return va[i] > vb[i] ? VersionRelation::Ahead : VersionRelation::Behind;
    }
    return a == b ? VersionRelation::Same : VersionRelation::Unknown;
}

} // namespace

CompareRequest makeCompareRequest(const Workspace &workspace,
                                  const Estate &estate,
                                  const QString &envA,
                                  const QString &envB,
                                  const QStringList &only)
{
    CompareRequest r;
    r.envA = envA;
    r.envB = envB;
    r.gitopsPath = workspace.gitopsPath;
    const QVariantMap compare = workspace.policies.value(QStringLiteral("compare")).toMap();
    r.noise.perEnvironmentKeys = compare.value(QStringLiteral("perEnvironment")).toStringList();
    QStringList names;
    for (const ServiceDef &s : workspace.services)
        names.append(s.name);
    QStringList extra = estate.services();
    std::sort(extra.begin(), extra.end());
    for (const QString &s : std::as_const(extra))
        if (!s.isEmpty() && !names.contains(s))
            names.append(s);
    for (const QString &name : std::as_const(names)) {
        if (!only.isEmpty() && !only.contains(name))
            continue;
        ServiceInput in;
        in.service = name;
        if (const ServiceDef *def = workspace.service(name)) {
            in.repoPath = def->repoPath;
            in.repoUrl = QUrl(def->repoUrl);
        }
        in.a = sideOf(estate, name, envA);
        in.b = sideOf(estate, name, envB);
        in.managedA = managedOf(workspace, estate, name, envA);
        in.managedB = managedOf(workspace, estate, name, envB);
        r.services.append(in);
    }
    return r;
}

namespace {

/// The Argo CD layer: desired manifests of A against B, and live against desired in each.
void compareManaged(ServiceComparison &out, const CompareRequest &request, const ServiceInput &in)
{
    out.managedA = ManagedSummary::of(in.managedA);
    out.managedB = ManagedSummary::of(in.managedB);
    for (const auto &[side, env] :
         {std::pair{&in.managedA, request.envA}, std::pair{&in.managedB, request.envB}}) {
        if (!side->requested())
            continue;
        const QString where =
            QStringLiteral("argocd: %1 (application %2)").arg(env, side->application);
        if (!side->answered)
            out.problems.append(where + QStringLiteral(": managed resources were not read"));
        else if (!side->error.isEmpty())
            out.problems.append(where + QStringLiteral(": ") + side->error);
        else
            for (const ManagedResource &r : side->resources)
                if (!r.error.isEmpty())
                    out.problems.append(where + QStringLiteral(", ") + managedResourceLabel(r) +
                                        QStringLiteral(": ") + r.error);
    }
    out.driftA = driftOf(in.managedA, request.envA);
    out.driftB = driftOf(in.managedB, request.envB);
    // Half a comparison would report every resource as added or removed.
    if (!in.managedA.usable() || !in.managedB.usable())
        return;
    for (const auto &[side, files] :
         {std::pair{&in.managedA, &out.config.filesA}, std::pair{&in.managedB, &out.config.filesB}})
        for (const ManagedResource &r : side->resources)
            if (!r.desired.isEmpty())
                files->append(managedResourceLabel(r));
    // A resource whose live state was unreadable still has a desired state to compare.
    out.config.changes.append(diffDesired(in.managedA.resources, in.managedB.resources,
                                          request.envA, request.envB, request.noise,
                                          &out.config.images));
}

} // namespace

ServiceComparison
compareService(RepositoryCache &cache, const CompareRequest &request, const ServiceInput &input)
{
    ServiceComparison out;
    out.service = input.service;
    out.a = input.a;
    out.b = input.b;
    const EnvironmentSide &a = input.a;
    const EnvironmentSide &b = input.b;

    if (!a.present || !b.present) {
        out.relation = VersionRelation::Missing;
        if (!a.present && !b.present)
            out.problems.append(
                QStringLiteral("not deployed in %1 or %2").arg(request.envA, request.envB));
        else
            out.problems.append(
                QStringLiteral("deployed only in %1").arg(a.present ? request.envA : request.envB));
    } else if (a.version == b.version &&
               (a.commit == b.commit || a.commit.isEmpty() || b.commit.isEmpty())) {
        out.relation = VersionRelation::Same;
    }

    // Commits: B's commit .. A's commit in the service's repository.
    if (a.present && b.present && (!input.repoPath.isEmpty() || !input.repoUrl.isEmpty())) {
        out.gitCompared = true;
        GitError error;
        auto repo = cache.serviceRepository(input.repoPath, input.repoUrl, &error, {},
                                            request.refetchMirrors);
        if (!repo) {
            out.commits.error = error;
        } else {
            const QString from = b.commit.isEmpty() ? b.version : b.commit;
            const QString to = a.commit.isEmpty() ? a.version : a.commit;
            out.commits = repo->range(from, to, request.range);
            const auto kind = out.commits.error.kind;
            if ((kind == GitError::Kind::CommitNotFound ||
                 kind == GitError::Kind::ShallowMissingCommit) &&
                !a.version.isEmpty() && !b.version.isEmpty() &&
                (from != b.version || to != a.version)) {
                // The deployed sha is gone (force push, shallow clone) but the release tags may
                // still name the versions: compare those, and say so.
                CommitRange byTag = repo->range(b.version, a.version, request.range);
                if (byTag.ok()) {
                    out.problems.append(
                        QStringLiteral("commits: %1; compared by version tags instead")
                            .arg(out.commits.error.toString()));
                    out.commits = byTag;
                }
            }
            if (out.commits.ok()) {
                out.commits.applyLeadTime(a.deployedAt);
                // What B runs and A lacks went out to B at B's deployment.
                for (CommitRecord &c : out.commits.missing)
                    c.leadTimeSecs = b.deployedAt.isValid() && c.committed.isValid()
                                         ? qMax<qint64>(0, c.committed.secsTo(b.deployedAt))
                                         : -1;
                out.relationFromGit = true;
                switch (out.commits.relation) {
                case RangeRelation::Same:
                    out.relation = VersionRelation::Same;
                    break;
                case RangeRelation::Ahead:
                    out.relation = VersionRelation::Ahead;
                    break;
                case RangeRelation::Behind:
                    out.relation = VersionRelation::Behind;
                    break;
                case RangeRelation::Diverged:
                    out.relation = VersionRelation::Diverged;
                    break;
                case RangeRelation::Unknown:
                    out.relationFromGit = false;
                    break;
                }
            }
        }
        if (!out.commits.ok())
            out.problems.append(QStringLiteral("commits: ") + out.commits.error.toString());
    } else if (a.present && b.present && out.relation != VersionRelation::Same) {
        out.problems.append(
            QStringLiteral("commits: no repository is configured for %1").arg(input.service));
    }
    if (out.relation == VersionRelation::Unknown && a.present && b.present)
        out.relation = byVersionString(a.version, b.version);

    out.config = diffServiceConfig(request.gitopsPath, input.service, request.envA, request.envB,
                                   request.noise);
    for (const QString &p : std::as_const(out.config.problems))
        out.problems.append(QStringLiteral("config: ") + p);
    compareManaged(out, request, input);
    return out;
}

CompareReport compareAll(RepositoryCache &cache,
                         const CompareRequest &request,
                         const std::function<bool(int, int)> &progress)
{
    QElapsedTimer timer;
    timer.start();
    CompareReport report;
    report.envA = request.envA;
    report.envB = request.envB;
    report.generated = QDateTime::currentDateTimeUtc();
    const int total = int(request.services.size());
    report.services.reserve(total);
    for (int i = 0; i < total; ++i) {
        report.services.append(compareService(cache, request, request.services.at(i)));
        if (progress && !progress(i + 1, total))
            break;
    }
    report.elapsedMs = timer.elapsed();
    return report;
}

CompareEngine::CompareEngine(QObject *parent, const QString &mirrorDir)
    : QObject(parent)
    , m_cache(std::make_unique<RepositoryCache>(mirrorDir))
{
    qRegisterMetaType<fd::CompareReport>();
}

void CompareEngine::setBackends(BackendLookup backends)
{
    if (m_fetch && m_fetch->isRunning()) {
        ++m_job; // that comparison waited for the fetch being dropped: it will not finish
        m_running = false;
    }
    delete m_fetch;
    m_fetch = nullptr;
    if (!backends)
        return;
    m_fetch = new ManagedResourceFetch(std::move(backends), this);
    connect(m_fetch, &ManagedResourceFetch::finished, this,
            [this](const CompareRequest &r) { startWorker(r, m_job); });
}

CompareEngine::~CompareEngine()
{
    m_future.cancel();
    m_future.waitForFinished(); // the worker uses m_cache
}

QFuture<CompareReport> CompareEngine::compare(const CompareRequest &request)
{
    RepositoryCache *cache = m_cache.get();
    return QtConcurrent::run(cache->pool(), [cache, request](QPromise<CompareReport> &promise) {
        promise.setProgressRange(0, int(request.services.size()));
        CompareReport report = compareAll(*cache, request, [&promise](int done, int) {
            promise.setProgressValue(done);
            return !promise.isCanceled();
        });
        promise.addResult(std::move(report));
    });
}

void CompareEngine::start(const CompareRequest &request)
{
    m_future.cancel();
    const quint64 job = ++m_job;
    m_running = true;
    Q_EMIT started(int(request.services.size()));
    if (m_fetch && ManagedResourceFetch::needed(request)) {
        Q_EMIT fetching();
        m_fetch->start(request); // its finished() starts the worker for the newest job
        return;
    }
    if (m_fetch)
        m_fetch->cancel();
    startWorker(request, job);
}

void CompareEngine::startWorker(const CompareRequest &request, quint64 job)
{
    const int total = int(request.services.size());
    m_future = compare(request);
    auto *watcher = new QFutureWatcher<CompareReport>(this);
    connect(watcher, &QFutureWatcher<CompareReport>::progressValueChanged, this,
            [this, job, total](int done) {
                if (job == m_job)
                    Q_EMIT progress(done, total);
            });
    connect(watcher, &QFutureWatcher<CompareReport>::finished, this, [this, job, watcher]() {
        watcher->deleteLater();
        if (job != m_job || watcher->future().isCanceled() || watcher->future().resultCount() == 0)
            return; // an older job, or one cancelled: its result is not what the user asked for
        m_running = false;
        m_last = watcher->future().result();
        Q_EMIT finished(m_last);
    });
    watcher->setFuture(m_future);
}

void CompareEngine::cancel()
{
    ++m_job;
    if (m_fetch)
        m_fetch->cancel();
    m_future.cancel();
    m_running = false;
}

} // namespace fd
