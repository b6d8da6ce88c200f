#pragma once

// Parsers from Argo CD API JSON (ENDPOINTS.md §A.4) to the plugin's values. Pure functions:
// safe to run on a worker thread; a bad field is a ParseProblem naming the place, never a throw.

#include "appstate.h"

#include <QByteArray>
#include <QJsonObject>

namespace fd::argocd {

/// The `fields` projection for the list (no Helm values blobs, no managed-field noise).
QString listFieldsProjection();
/// The same projection for the watch stream (`result.application.` prefix + `result.type`).
QString streamFieldsProjection();

/// One Application object; problems name the app.
AppState parseApplication(const QJsonObject &object, QList<ParseProblem> *problems);
/// GET /api/v1/applications.
AppList parseApplicationList(const QByteArray &body);
/// The same, releasing @p body as soon as it is parsed (the first list is large).
AppList parseApplicationList(QByteArray &&body);
/// The data of one SSE event of the watch stream.
StreamEvent parseStreamEvent(const QByteArray &data);

/// "repo/app:v1.4.2" -> "v1.4.2"; "repo/app@sha256:…" -> "sha256:…"; no tag -> "".
QString imageTag(const QString &image);
/// "ghcr.io/acme/checkout:v1" -> "checkout".
QString imageName(const QString &image);
/// The version an app runs: the tag of the image named like the service (else the first image).
QString versionFromImages(const QStringList &images, const QString &service);

/// The source commit a workload's pod template is stamped with (annotation or label
/// org.opencontainers.image.revision, a 7–40 digit hex sha) and the image of its container named
/// like @p container (else the first). False when there is no such stamp.
bool podTemplateRevision(const QJsonObject &manifest,
                         const QString &container,
                         QString *image,
                         QString *revision);
/// GET …/resource: the live manifest inside {"manifest": "<JSON string>"}.
QJsonObject parseResourceEnvelope(const QByteArray &body, QString *error);

/// GET /api/v1/applications/{name}/syncwindows.
SyncWindows parseSyncWindows(const QByteArray &body, QString *error);
/// GET /api/v1/projects/{name}/syncwindows: the windows and whom they apply to.
QList<ProjectWindow> parseProjectSyncWindows(const QByteArray &body, QString *error);
/// True when @p window applies to @p app (globs on name, destination namespace and server).
bool windowApplies(const ProjectWindow &window, const AppState &app);

/// GET …/resource-tree.
ResourceTree parseResourceTree(const QByteArray &body, QString *error);
/// GET …/resource: {"manifest": "<JSON string>"} of a Rollout.
RolloutDetails parseRolloutResource(const QByteArray &body,
                                    const QHash<QString, QString> &imageByPodHash);
/// The parsed Rollout manifest itself.
RolloutDetails parseRolloutManifest(const QJsonObject &manifest,
                                    const QHash<QString, QString> &imageByPodHash);
/// GET …/resource/actions: the actions with their disabled flags, sorted by name.
QList<RolloutAction> parseResourceActions(const QByteArray &body, QString *error);

/// GET …/managed-resources: desired (targetState) and live (normalizedLiveState, else
/// liveState) manifests, parsed from the JSON strings Argo CD sends. A state that cannot be read
/// leaves that side empty and sets the record's error, naming the application and resource;
/// *error is set only when the body as a whole cannot be read.
QList<ManagedResource>
parseManagedResources(const QByteArray &body, const QString &application, QString *error);

/// "v3.5.1+abc" -> (3, 5); false when it is not a version.
bool parseServerVersion(const QByteArray &versionBody, int *major, int *minor, QString *text);

/// An Argo CD error body {"error","message","code"} as words; the raw text when not JSON.
QString errorMessage(const QByteArray &body);

} // namespace fd::argocd
