#pragma once

// The simulated Argo CD's projects, clusters, application events and pod logs: JSON shaped
// after swagger.v3.5.1.json (v1alpha1AppProject, v1alpha1Cluster, eventsEvent,
// applicationLogEntry). The server supplies what it knows of its apps; this file writes it.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace fd::sandbox::argocd {

/// What a project is made of: its apps' destination namespaces and its sync windows.
struct ProjectFacts
{
    QString name;
    QStringList namespaces; // destination namespaces of its apps
    QJsonArray syncWindows; // v1alpha1SyncWindow objects
    qint64 createdMs = 0;
};

QJsonObject projectJson(const ProjectFacts &p);
/// GET /api/v1/clusters: the one in-cluster destination every simulated app deploys to.
QJsonObject clusterListJson(int applications, qint64 createdMs, qint64 nowMs);

/// One thing that happened to an application, for GET /api/v1/applications/{name}/events.
struct AppEvent
{
    QString reason;    // OperationStarted | OperationCompleted | ResourceUpdated
    QString message;   // as the controller writes it
    QString component; // argocd-server | argocd-application-controller
    qint64 atMs = 0;
    bool warning = false;
};
/// A core/v1 EventList whose items involve the Application @p app (uid @p appUid).
QJsonObject eventListJson(const QString &app, const QString &appUid, const QList<AppEvent> &events);

/// The NDJSON body of a pod-logs stream: one {"result":{content,timeStamp,timeStampStr,podName,
/// last:false}} line per log line, then the closing {"result":{"last":true,...}} entry.
/// @p lines are (time, text), oldest first; @p tail > 0 keeps only the newest that many.
QByteArray podLogStream(const QString &pod, const QList<QPair<qint64, QString>> &lines, int tail);

} // namespace fd::sandbox::argocd
