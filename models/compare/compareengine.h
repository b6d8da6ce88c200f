#pragma once

#include "compare/configdiff.h"
#include "compare/manageddiff.h"
#include "domain/enums.h"
#include "git/commitrange.h"
#include "git/repositorycache.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

namespace fd {

class Backend;
class Estate;
class ManagedResourceFetch;
struct Workspace;

/// What one environment runs for one service, as the estate reported it.
struct EnvironmentSide
{
    bool present = false;
    QString connectionId;
    QString version;
    QString commit;
    QDateTime deployedAt;
    QString deployedBy;
    SyncState sync = SyncState::Unknown;
    int driftCount = 0;
    Health health = Health::Unknown;

    /// Live differs from desired (Argo CD OutOfSync, or resources counted as drifted).
    bool drifted() const { return present && (sync == SyncState::OutOfSync || driftCount > 0); }
    bool operator==(const EnvironmentSide &) const = default;
};

/// A service's inputs, captured on the GUI thread so the worker reads no live object.
struct ServiceInput
{
    QString service;
    EnvironmentSide a;
    EnvironmentSide b;
    QString repoPath;
    QUrl repoUrl;
    /// Argo CD managed resources of each side: makeCompareRequest names the application,
    /// ManagedResourceFetch fills in what the backend answered.
    ManagedResources managedA;
    ManagedResources managedB;
};

struct CompareRequest
{
    QString envA; // the newer environment (staging): "what is in A that is not in B"
    QString envB; // the older one (prod)
    QString gitopsPath;
    QList<ServiceInput> services;
    NoiseRules noise;
    RangeOptions range;
    bool refetchMirrors = false;
};

/// A's version against B's: A ahead of B, behind it, both (diverged), or one side missing.
enum class VersionRelation { Unknown, Same, Ahead, Behind, Diverged, Missing };
QString toString(VersionRelation relation);

struct ServiceComparison
{
    QString service;
    EnvironmentSide a;
    EnvironmentSide b;
    VersionRelation relation = VersionRelation::Unknown;
    bool relationFromGit = false; // false: from the version strings alone
    CommitRange commits;          // error set when the git layer failed
    bool gitCompared = false;     // a repository was asked
    ConfigDiff config; // overlay files and Argo CD desired manifests ("argocd:Kind/name")
    ManagedSummary managedA;
    ManagedSummary managedB;
    QList<ResourceDrift> driftA; // live vs desired, drifted resources only
    QList<ResourceDrift> driftB;
    QStringList problems; // per-service messages for the user

    /// Resources drifted in A (or B); -1 when no managed resources were read for that side.
    int driftedResources(bool a) const
    {
        return (a ? managedA : managedB).compared ? int((a ? driftA : driftB).size()) : -1;
    }
    /// Live differs from desired: per resource when they were read, else the estate's word.
    bool drifted(bool a) const
    {
        const int n = driftedResources(a);
        return n >= 0 ? n > 0 : (a ? this->a : b).drifted();
    }

    bool differs() const { return relation != VersionRelation::Same || config.realChanges() > 0; }
};

struct CompareReport
{
    QString envA;
    QString envB;
    QDateTime generated;
    qint64 elapsedMs = 0;
    QList<ServiceComparison> services;

    const ServiceComparison *service(const QString &name) const;
};

/// Captures the inputs for comparing @p envA with @p envB from the workspace and the estate
/// (call on the thread that owns the estate). @p only limits the services.
CompareRequest makeCompareRequest(const Workspace &workspace,
                                  const Estate &estate,
                                  const QString &envA,
                                  const QString &envB,
                                  const QStringList &only = {});

/// The two environments compared by default: the last two in promotion order (A = the one
/// before last, B = the last), e.g. staging and prod.
QPair<QString, QString> defaultCompareEnvironments(const QStringList &promotionOrder);

/// Compares one service; blocking, for worker threads.
ServiceComparison
compareService(RepositoryCache &cache, const CompareRequest &request, const ServiceInput &input);
/// Compares every service of the request; blocking, for worker threads. @p progress gets
/// (done, total) after each service and returns false to stop early.
CompareReport compareAll(RepositoryCache &cache,
                         const CompareRequest &request,
                         const std::function<bool(int, int)> &progress = {});

/**
 * Runs comparisons off the GUI thread on its repository cache's pool. Starting a new one
 * makes the result of an older one drop silently, so a quick change of the environment
 * pickers never shows a stale grid.
 */
class CompareEngine : public QObject
{
    Q_OBJECT
public:
    using BackendLookup = std::function<Backend *(const QString &connectionId)>;

    explicit CompareEngine(QObject *parent = nullptr, const QString &mirrorDir = QString());
    ~CompareEngine() override;

    /// Where start() finds the backends to read Argo CD managed resources from (on this
    /// object's thread) before the comparison; without it the Argo CD layer is left out.
    /// A comparison still reading managed resources is dropped: start() again.
    void setBackends(BackendLookup backends);
    ManagedResourceFetch *resourceFetch() const { return m_fetch; }

    RepositoryCache *repositories() { return m_cache.get(); }
    /// The comparison as a future (progress value = services done); does not emit signals.
    QFuture<CompareReport> compare(const CompareRequest &request);
    /// Starts a comparison: managed resources first when backends are set (fetching()), then
    /// the worker; started(), progress() and finished() follow on this object's thread.
    void start(const CompareRequest &request);
    void cancel();
    bool isRunning() const { return m_running; }
    const CompareReport &lastReport() const { return m_last; }

Q_SIGNALS:
    void started(int total);
    /// Reading Argo CD managed resources before the comparison proper.
    void fetching();
    void progress(int done, int total);
    void finished(const fd::CompareReport &report);

private:
    void startWorker(const CompareRequest &request, quint64 job);

    std::unique_ptr<RepositoryCache> m_cache;
    ManagedResourceFetch *m_fetch = nullptr;
    QFuture<CompareReport> m_future;
    quint64 m_job = 0;
    bool m_running = false;
    CompareReport m_last;
};

} // namespace fd

Q_DECLARE_METATYPE(fd::CompareReport)
Q_DECLARE_METATYPE(fd::CompareRequest)
