#pragma once

// Jenkins' wire format (core remote API, Pipeline stage view, input step, queue, crumb issuer)
// read into plain structs. Parsers never throw: a body that is not the expected JSON (an HTML
// error page, a cut-off answer) is an error value naming what was being read.

#include "domain/enums.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace fd::jenkins {

/// A job's place in the tree: item names from the root, as Jenkins reports them.
struct JobPath
{
    QStringList names;

    /// "catalog/deploy-prod"; a '/' inside one name (a multibranch branch) is written %2F.
    QString key() const;
    /// "/job/catalog/job/deploy-prod" (each name percent-encoded), no trailing slash.
    QString urlPath() const;
    bool isEmpty() const { return names.isEmpty(); }
    static JobPath fromKey(const QString &key);
    bool operator==(const JobPath &) const = default;
};

/// One buildable job found in a listing.
struct WireJob
{
    JobPath path;
    QString cls;   // _class
    QString color; // blue, red_anime, notbuilt, ... (empty when not asked)
    int nextBuildNumber = 0;

    bool isPipeline() const; // has the stage view (wfapi)
    bool isFreestyle() const;
    bool active() const { return color.endsWith(QLatin1String("_anime")); }
    /// What changes when a build starts, ends or is added: a listing with the same signature
    /// needs no detail read.
    QString signature() const
    {
        return color + QLatin1Char('#') + QString::number(nextBuildNumber);
    }
};

/// One build from a job's `builds[...]` (or lastSuccessfulBuild).
struct WireBuild
{
    int number = 0;
    QString result; // empty while building
    bool building = false;
    qint64 timestamp = 0; // ms
    qint64 duration = 0;  // ms, 0 while building
    int queueId = 0;
    QList<QPair<QString, QString>> parameters;
    QString sha;       // lastBuiltRevision.SHA1
    QString branch;    // lastBuiltRevision.branch[0].name without refs/remotes/origin/
    QString causeUser; // userId of a user cause
    QString cause;     // shortDescription of the first cause

    QString parameter(const QString &name) const;
    bool operator==(const WireBuild &) const = default;
};

/// A job's detail read: recent builds, the last successful one, and the queue item.
struct WireJobDetail
{
    QList<WireBuild> builds; // newest first
    bool hasLastSuccessful = false;
    WireBuild lastSuccessful;
    int nextBuildNumber = 0;
    bool inQueue = false;
    int queueItemId = 0;
    QString queueWhy;
};

struct WireStage
{
    QString id;
    QString name;
    QString status; // wfapi StatusExt
    qint64 startMs = 0;
    qint64 durationMs = 0;
    bool operator==(const WireStage &) const = default;
};

/// wfapi/describe of one run.
struct WireRunDescribe
{
    QString status;
    qint64 startMs = 0;
    qint64 endMs = 0;
    qint64 durationMs = 0;
    QList<WireStage> stages;
    bool pendingInput = false; // _links.pendingInputActions present or status PAUSED_PENDING_INPUT
    bool operator==(const WireRunDescribe &) const = default;
};

/// One input parameter of an input step.
struct WireInputParameter
{
    QString type;
    QString name;
    QString description;
    QString defaultValue;
    bool operator==(const WireInputParameter &) const = default;
};

/// One entry of wfapi/pendingInputActions.
struct WireInput
{
    QString id;
    QString message;
    QString proceedText;
    QString proceedUrl;
    QString abortUrl;
    QList<WireInputParameter> inputs;
    bool operator==(const WireInput &) const = default;
};

/// queue/item/<id>/api/json.
struct WireQueueItem
{
    int id = 0;
    QString cls;
    bool left = false; // Queue$LeftItem
    bool cancelled = false;
    int buildNumber = 0; // executable.number once the build exists
    QString buildUrl;
    QString why;
};

struct WireCrumb
{
    QString field;
    QString crumb;
};

// ---- the exact trees the plugin asks for ----

/// Listing of a folder (or the root): names, type, status colour and next build number,
/// nested @p levels deep (folders, multibranch projects and their branches).
QString listingTree(int levels);
/// A single job's listing fields (a job named directly in scope).
QString jobSignatureTree();
/// A job's recent builds {0,depth}, its last successful build and its queue item.
QString jobDetailTree(int depth);
QString queueItemTree();

// ---- parsers ----

/// A folder (or root) listing: every buildable job under @p parent, folders flattened.
bool parseListing(const QByteArray &body,
                  const JobPath &parent,
                  QList<WireJob> *out,
                  QString *error);
/// A job named directly: its own signature fields.
bool parseJobSignature(const QByteArray &body, const JobPath &path, WireJob *out, QString *error);
bool parseJobDetail(const QByteArray &body, WireJobDetail *out, QString *error);
bool parseRunDescribe(const QByteArray &body, WireRunDescribe *out, QString *error);
bool parsePendingInputs(const QByteArray &body, QList<WireInput> *out, QString *error);
bool parseQueueItem(const QByteArray &body, WireQueueItem *out, QString *error);
bool parseCrumb(const QByteArray &body, WireCrumb *out, QString *error);
/// The queue item id of a 201's Location (".../queue/item/<id>/"), 0 when there is none.
int queueIdFromLocation(const QByteArray &location);

/// Whether a 403 body says a crumb is missing (rather than a missing permission).
bool isCrumbRejection(const QByteArray &body);
/// The title of a Jenkins HTML error page, for messages ("HTTP ERROR 404 Not Found").
QString htmlErrorTitle(const QByteArray &body);

RunStatus runStatusFromResult(const QString &result, bool building);
RunStatus runStatusFromWfapi(const QString &status);

} // namespace fd::jenkins
