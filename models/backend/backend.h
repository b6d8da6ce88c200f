#pragma once

/**
 * @file backend.h
 * The Flightdeck plugin SDK: what a backend plugin implements and what the host gives it.
 *
 * Only Qt and SDK value types cross this boundary; no exception crosses it. A plugin is a
 * Qt plugin whose root object implements fd::BackendFactory (IID below) and whose JSON
 * metadata carries: id, name, version, apiVersion, kind, capabilities. The host reads that
 * metadata before loading the library and refuses an apiVersion it does not know.
 *
 * Bump FD_BACKEND_API_VERSION (and the IID's major number) on any layout change of the
 * types in models/domain or of the interfaces here.
 */

#include "domain/action.h"
#include "domain/connection.h"
#include "domain/records.h"

#include <QtPlugin>

#include <functional>
#include <memory>

#define FD_BACKEND_API_VERSION 3
#define FD_BACKEND_FACTORY_IID "dev.flightdeck.BackendFactory/3.0"

namespace fd {

/// What a backend can do; the UI enables features from these.
enum class Capability {
    Pipelines = 1 << 0,
    Environments = 1 << 1,
    Deployments = 1 << 2,
    Canary = 1 << 3,
    Approvals = 1 << 4,
    Rollback = 1 << 5,
    Streaming = 1 << 6,
    Alerts = 1 << 7,
    Metrics = 1 << 8,
};
using Capabilities = int;

QString toString(Capability c);
QStringList capabilityNames(Capabilities caps);
Capabilities capabilitiesFromNames(const QStringList &names);

/**
 * Implemented by the host (the estate); a backend reports everything through it.
 * All calls happen on the thread the backend lives on (the GUI thread).
 */
class BackendSink
{
public:
    virtual ~BackendSink() = default;

    /// Deliver normalized records. Kinds listed in @p replace are full snapshots for the
    /// connection: records of that kind missing from @p records are gone. Other kinds merge.
    virtual void
    publish(const QString &connectionId, const RecordSet &records, RecordKinds replace = 0) = 0;
    /// Connection health changed (ok, degraded with reason, auth failed, unreachable, rate
    /// limited).
    virtual void healthChanged(const QString &connectionId, const ConnectionHealth &health) = 0;
    /// A record-level problem a user can act on ("repo acme/x: 404 not found"); shown, not only
    /// logged.
    virtual void
    problem(const QString &connectionId, const QString &where, const QString &message) = 0;
    /// The first full read after start() is complete (the CLI waits for this).
    virtual void initialSyncDone(const QString &connectionId) = 0;
    /// An execute() finished.
    virtual void
    actionFinished(const QString &connectionId, quint64 ticket, const ActionResult &result) = 0;
};

/**
 * One backend object per connection. Lives on the GUI thread; does its network I/O
 * asynchronously and parses large payloads off that thread.
 */
class Backend
{
public:
    virtual ~Backend() = default;

    virtual Capabilities capabilities() const = 0;
    /// Start syncing: first a full read, then polling or streaming.
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual ConnectionHealth health() const = 0;

    /**
     * Turn an intent into the exact requests it would make, without side effects other
     * than reads from cached state. An infeasible action returns a plan with feasible=false,
     * a reason and alternatives rather than failing later at execute time.
     */
    virtual ActionPlan plan(const ReleaseAction &action) const = 0;
    /**
     * Execute a plan asynchronously; the result arrives through BackendSink::actionFinished
     * with the returned ticket. Preconditions are re-read before sending and before any retry.
     */
    virtual quint64 execute(const ActionPlan &plan) = 0;

    /// The last @p maxBytes of a run's or stage's log; delivered asynchronously.
    virtual void fetchLogTail(const QString &runId,
                              const QString &stageId,
                              qint64 maxBytes,
                              std::function<void(const QString &text, const QString &error)> done)
    {
        Q_UNUSED(runId)
        Q_UNUSED(stageId)
        Q_UNUSED(maxBytes)
        done(QString(), QStringLiteral("this backend does not serve logs"));
    }

    /**
     * What the backend is told to run for @p object (an Argo CD application) and what runs:
     * one entry per managed resource with its desired and live manifests. Read on demand (the
     * comparison view, `flightdeck-ctl compare`), never polled; delivered asynchronously on the
     * backend's thread. Backends without desired state answer with an error.
     */
    virtual void fetchManagedResources(
        const QString &object,
        std::function<void(const QList<ManagedResource> &resources, const QString &error)> done)
    {
        Q_UNUSED(object)
        done({}, QStringLiteral("this backend does not report desired state"));
    }

    /// Network accounting for benchmarks: requests, notModified, bytes, retries, peakInFlight.
    virtual QVariantMap statistics() const { return {}; }
};

/// The root object of a backend plugin.
class BackendFactory
{
public:
    virtual ~BackendFactory() = default;
    /// The connection kind this plugin serves (github, jenkins, gitlab, argocd, prometheus).
    virtual QString kind() const = 0;
    virtual std::unique_ptr<Backend> create(const ConnectionConfig &config, BackendSink *sink) = 0;
};

} // namespace fd

Q_DECLARE_INTERFACE(fd::BackendFactory, FD_BACKEND_FACTORY_IID)
