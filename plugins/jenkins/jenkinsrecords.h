#pragma once

// What a Jenkins connection knows (the last good read of each job) and how it becomes
// normalized records: runs, deployments, environment states, gates and timeline events.

#include "jenkinswire.h"

#include "domain/connection.h"
#include "domain/records.h"

#include <QHash>
#include <QSet>
#include <QUrl>

namespace fd::jenkins {

/// The workspace's view of this connection: which job deploys which service where.
class JenkinsMapping
{
public:
    explicit JenkinsMapping(const ConnectionConfig &config);

    const ConnectionConfig &config() const { return m_config; }
    /// The binding whose object is @p jobKey (deploy bindings first), or nullptr.
    const ServiceBinding *bindingForJob(const QString &jobKey) const;
    /// The deploy binding of service × environment, or nullptr.
    const ServiceBinding *deployBinding(const QString &service, const QString &environment) const;
    /// Service of a job: its binding's, else the first folder when it names a bound service.
    QString serviceFor(const QString &jobKey) const;
    QString environmentFor(const QString &jobKey) const;
    QString versionParameter(const QString &jobKey) const;
    /// The environment before @p environment in promotion order ("" for the first).
    QString previousEnvironment(const QString &environment) const;
    /// Folders and jobs in scope, plus every bound job not under a scoped folder.
    QStringList folders() const { return m_folders; }
    QStringList jobs() const { return m_jobs; }
    /// Scope is empty: list the whole controller from the root.
    bool listRoot() const { return m_folders.isEmpty() && m_jobs.isEmpty(); }

private:
    ConnectionConfig m_config;
    QStringList m_folders;
    QStringList m_jobs;
    QSet<QString> m_services;
};

/// The last good read of one job.
struct JobSnapshot
{
    WireJob job;
    bool detailRead = false;
    WireJobDetail detail;
    QString detailSignature;             // job signature the detail matches
    QHash<int, WireRunDescribe> stages;  // by build number
    QHash<int, QList<WireInput>> inputs; // pending inputs by build number (only while paused)
    bool noStageView = false;            // wfapi answered 404: a job without Pipeline stages
    bool missing = false;                // the last read said 404

    const WireBuild *build(int number) const;
    /// Builds still running (or paused at an input).
    QList<int> activeBuilds() const;
};

using Snapshot = QHash<QString, JobSnapshot>; // by job key

/// Run id of a build: "<job key>#<number>".
QString runId(const QString &jobKey, int number);
/// Splits a run id; false when it is not one.
bool splitRunId(const QString &id, QString *jobKey, int *number);
QString gateId(const QString &jobKey, int number, const QString &inputId);

/// The version a deploy build placed: its version parameter, else the built revision.
QString versionOf(const WireBuild &build, const QString &versionParameter);

/// Records of every job in @p snapshot. Events carry stable source ids (published once by
/// the caller's de-duplication).
RecordSet
buildRecords(const JenkinsMapping &mapping, const Snapshot &snapshot, const QUrl &baseUrl);

/// Events for gates that were open and are gone: proceeded, or aborted when the build ended
/// ABORTED. Builds not yet read again give no event (the caller keeps them for later).
QList<TimelineEvent> answeredGateEvents(const QString &connectionId,
                                        const QList<Gate> &before,
                                        const QList<Gate> &now,
                                        const Snapshot &snapshot,
                                        QList<Gate> *stillUnknown);

} // namespace fd::jenkins
