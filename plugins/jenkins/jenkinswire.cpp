#include "jenkinswire.h"

#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace fd::jenkins {

namespace {

bool parseJson(const QByteArray &body, QJsonDocument *doc, const QString &what, QString *error)
{
    QJsonParseError pe;
    *doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError)
        return true;
    const QString title = htmlErrorTitle(body);
    if (!title.isEmpty())
        *error =
            QStringLiteral("%1: an HTML page (\"%2\") where JSON was expected").arg(what, title);
    else if (body.trimmed().startsWith('<'))
        *error = QStringLiteral("%1: an HTML page where JSON was expected").arg(what);
    else
        *error = QStringLiteral("%1: not JSON (%2 at byte %3)")
                     .arg(what, pe.errorString())
                     .arg(pe.offset);
    return false;
}

bool parseObject(const QByteArray &body, QJsonObject *out, const QString &what, QString *error)
{
    QJsonDocument doc;
    if (!parseJson(body, &doc, what, error))
        return false;
    if (!doc.isObject()) {
        *error = QStringLiteral("%1: expected a JSON object").arg(what);
        return false;
    }
    *out = doc.object();
    return true;
}

qint64 number(const QJsonValue &v)
{
    if (!v.isDouble())
        return v.toString().toLongLong();
    // A double outside qint64 does not convert (undefined behaviour; found by fuzzing): no
    // build number, timestamp or duration is that large, so it reads as 0, like a bad string.
    const double d = v.toDouble();
    if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18)
        return 0;
    return qint64(d);
}

QString scalarText(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) {
        const double d = v.toDouble();
        const bool integral = std::isfinite(d) && std::abs(d) < 9.2e18 && d == double(qint64(d));
        return integral ? QString::number(qint64(d)) : QString::number(d);
    }
    return v.toString();
}

bool isFolderClass(const QString &cls)
{
    return cls.endsWith(QLatin1String(".Folder")) ||
           cls.endsWith(QLatin1String("MultiBranchProject")) ||
           cls.endsWith(QLatin1String("OrganizationFolder"));
}

bool isJobClass(const QString &cls)
{
    static const QStringList known{
        QStringLiteral("org.jenkinsci.plugins.workflow.job.WorkflowJob"),
        QStringLiteral("hudson.model.FreeStyleProject"),
        QStringLiteral("hudson.maven.MavenModuleSet"),
        QStringLiteral("hudson.matrix.MatrixProject"),
        QStringLiteral("hudson.model.ExternalJob"),
    };
    return known.contains(cls);
}

WireBuild readBuild(const QJsonObject &o)
{
    WireBuild b;
    b.number = int(number(o.value(QLatin1String("number"))));
    b.result = o.value(QLatin1String("result")).toString();
    b.building = o.value(QLatin1String("building")).toBool();
    b.timestamp = number(o.value(QLatin1String("timestamp")));
    b.duration = number(o.value(QLatin1String("duration")));
    b.queueId = int(number(o.value(QLatin1String("queueId"))));
    for (const QJsonValue &av : o.value(QLatin1String("actions")).toArray()) {
        const QJsonObject a = av.toObject();
        // Actions are told apart by their fields: trimmed answers do not always carry _class.
        if (a.contains(QLatin1String("parameters"))) {
            for (const QJsonValue &pv : a.value(QLatin1String("parameters")).toArray()) {
                const QJsonObject p = pv.toObject();
                const QString name = p.value(QLatin1String("name")).toString();
                if (!name.isEmpty())
                    b.parameters.append({name, scalarText(p.value(QLatin1String("value")))});
            }
        }
        if (a.contains(QLatin1String("causes"))) {
            for (const QJsonValue &cv : a.value(QLatin1String("causes")).toArray()) {
                const QJsonObject c = cv.toObject();
                if (b.cause.isEmpty())
                    b.cause = c.value(QLatin1String("shortDescription")).toString();
                if (b.causeUser.isEmpty())
                    b.causeUser = c.value(QLatin1String("userId")).toString();
            }
        }
        const QJsonObject rev = a.value(QLatin1String("lastBuiltRevision")).toObject();
        if (!rev.isEmpty() && b.sha.isEmpty()) {
            b.sha = rev.value(QLatin1String("SHA1")).toString();
            const QString branch = rev.value(QLatin1String("branch"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .value(QLatin1String("name"))
                                       .toString();
            static const QRegularExpression remote(QStringLiteral("^(refs/remotes/)?[^/]+/"));
            b.branch = branch;
            if (branch.startsWith(QLatin1String("refs/remotes/")) ||
                branch.startsWith(QLatin1String("origin/")))
                b.branch = QString(branch).remove(remote);
        }
    }
    if (b.sha.isEmpty()) {
        // Without git's BuildData the newest change set item is the best guess at the revision
        // (freestyle builds say `changeSet`, Pipeline runs `changeSets`).
        QJsonArray sets = o.value(QLatin1String("changeSets")).toArray();
        if (o.value(QLatin1String("changeSet")).isObject())
            sets.append(o.value(QLatin1String("changeSet")));
        for (const QJsonValue &sv : std::as_const(sets)) {
            const QJsonArray items = sv.toObject().value(QLatin1String("items")).toArray();
            if (!items.isEmpty())
                b.sha = items.last().toObject().value(QLatin1String("commitId")).toString();
        }
    }
    return b;
}

void collectJobs(const QJsonArray &jobs, const JobPath &parent, QList<WireJob> *out)
{
    for (const QJsonValue &v : jobs) {
        const QJsonObject o = v.toObject();
        const QString name = o.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            continue;
        JobPath path = parent;
        path.names.append(name);
        const QString cls = o.value(QLatin1String("_class")).toString();
        if (o.contains(QLatin1String("jobs")) || isFolderClass(cls)) {
            collectJobs(o.value(QLatin1String("jobs")).toArray(), path, out);
            continue;
        }
        if (!isJobClass(cls) && !o.contains(QLatin1String("color")))
            continue; // agents, templates, views: nothing that builds
        WireJob job;
        job.path = path;
        job.cls = cls;
        job.color = o.value(QLatin1String("color")).toString();
        job.nextBuildNumber = int(number(o.value(QLatin1String("nextBuildNumber"))));
        out->append(job);
    }
}

} // namespace

QString JobPath::key() const
{
    QStringList parts;
    for (const QString &n : names)
        parts.append(QString(n).replace(QLatin1Char('/'), QLatin1String("%2F")));
    return parts.join(QLatin1Char('/'));
}

QString JobPath::urlPath() const
{
    QString out;
    for (const QString &n : names)
        out += QLatin1String("/job/") + QString::fromLatin1(QUrl::toPercentEncoding(n));
    return out;
}

JobPath JobPath::fromKey(const QString &key)
{
    JobPath p;
    for (const QString &part : key.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        p.names.append(
            QString(part).replace(QLatin1String("%2F"), QLatin1String("/"), Qt::CaseInsensitive));
    return p;
}

bool WireJob::isPipeline() const
{
    return cls == QLatin1String("org.jenkinsci.plugins.workflow.job.WorkflowJob");
}

bool WireJob::isFreestyle() const
{
    return cls == QLatin1String("hudson.model.FreeStyleProject") ||
           cls == QLatin1String("hudson.maven.MavenModuleSet") ||
           cls == QLatin1String("hudson.matrix.MatrixProject");
}

QString WireBuild::parameter(const QString &name) const
{
    for (const auto &[n, v] : parameters)
        if (n == name)
            return v;
    return {};
}

QString listingTree(int levels)
{
    QString inner = QStringLiteral("name,color,nextBuildNumber");
    for (int i = 1; i < levels; ++i)
        inner = QStringLiteral("name,color,nextBuildNumber,jobs[%1]").arg(inner);
    return QStringLiteral("jobs[%1]").arg(inner);
}

QString jobSignatureTree()
{
    return QStringLiteral("name,color,nextBuildNumber");
}

QString jobDetailTree(int depth)
{
    const QString build =
        QStringLiteral("number,result,building,timestamp,duration,queueId,"
                       "actions[parameters[name,value],causes[userId,shortDescription],"
                       "lastBuiltRevision[SHA1,branch[name]]]");
    return QStringLiteral("nextBuildNumber,inQueue,queueItem[id,why],builds[%1]{0,%2},"
                          "lastSuccessfulBuild[%1]")
        .arg(build)
        .arg(depth);
}

QString queueItemTree()
{
    return QStringLiteral("id,cancelled,why,executable[number,url]");
}

bool parseListing(const QByteArray &body,
                  const JobPath &parent,
                  QList<WireJob> *out,
                  QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("job listing"), error))
        return false;
    if (!o.value(QLatin1String("jobs")).isArray()) {
        *error = QStringLiteral("job listing: no `jobs` array");
        return false;
    }
    out->clear();
    collectJobs(o.value(QLatin1String("jobs")).toArray(), parent, out);
    return true;
}

bool parseJobSignature(const QByteArray &body, const JobPath &path, WireJob *out, QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("job"), error))
        return false;
    out->path = path;
    out->cls = o.value(QLatin1String("_class")).toString();
    out->color = o.value(QLatin1String("color")).toString();
    out->nextBuildNumber = int(number(o.value(QLatin1String("nextBuildNumber"))));
    if (isFolderClass(out->cls)) {
        *error = QStringLiteral("job: %1 is a folder, not a job (list it under scope.folders)")
                     .arg(path.key());
        return false;
    }
    return true;
}

bool parseJobDetail(const QByteArray &body, WireJobDetail *out, QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("builds"), error))
        return false;
    const QJsonValue builds = o.value(QLatin1String("builds"));
    if (!builds.isArray() && !builds.isUndefined()) {
        *error = QStringLiteral("builds: `builds` is not an array");
        return false;
    }
    *out = WireJobDetail();
    for (const QJsonValue &v : builds.toArray()) {
        const WireBuild b = readBuild(v.toObject());
        if (b.number > 0)
            out->builds.append(b);
    }
    std::sort(out->builds.begin(), out->builds.end(),
              [](const WireBuild &a, const WireBuild &b) { return a.number > b.number; });
    const QJsonObject last = o.value(QLatin1String("lastSuccessfulBuild")).toObject();
    if (!last.isEmpty()) {
        out->lastSuccessful = readBuild(last);
        out->hasLastSuccessful = out->lastSuccessful.number > 0;
    }
    out->nextBuildNumber = int(number(o.value(QLatin1String("nextBuildNumber"))));
    out->inQueue = o.value(QLatin1String("inQueue")).toBool();
    const QJsonObject item = o.value(QLatin1String("queueItem")).toObject();
    out->queueItemId = int(number(item.value(QLatin1String("id"))));
    out->queueWhy = item.value(QLatin1String("why")).toString();
    return true;
}

bool parseRunDescribe(const QByteArray &body, WireRunDescribe *out, QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("stages (wfapi/describe)"), error))
        return false;
    if (!o.contains(QLatin1String("status"))) {
        *error = QStringLiteral("stages (wfapi/describe): no `status`");
        return false;
    }
    *out = WireRunDescribe();
    out->status = o.value(QLatin1String("status")).toString();
    out->startMs = number(o.value(QLatin1String("startTimeMillis")));
    out->endMs = number(o.value(QLatin1String("endTimeMillis")));
    out->durationMs = number(o.value(QLatin1String("durationMillis")));
    out->pendingInput = o.value(QLatin1String("_links"))
                            .toObject()
                            .contains(QLatin1String("pendingInputActions")) ||
                        out->status == QLatin1String("PAUSED_PENDING_INPUT");
    for (const QJsonValue &v : o.value(QLatin1String("stages")).toArray()) {
        const QJsonObject s = v.toObject();
        WireStage st;
        st.id = scalarText(s.value(QLatin1String("id")));
        st.name = s.value(QLatin1String("name")).toString();
        st.status = s.value(QLatin1String("status")).toString();
        st.startMs = number(s.value(QLatin1String("startTimeMillis")));
        st.durationMs = number(s.value(QLatin1String("durationMillis")));
        out->stages.append(st);
    }
    return true;
}

bool parsePendingInputs(const QByteArray &body, QList<WireInput> *out, QString *error)
{
    QJsonDocument doc;
    if (!parseJson(body, &doc, QStringLiteral("pending input steps"), error))
        return false;
    if (!doc.isArray()) {
        *error = QStringLiteral("pending input steps: expected a JSON array");
        return false;
    }
    out->clear();
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        WireInput in;
        in.id = o.value(QLatin1String("id")).toString();
        if (in.id.isEmpty())
            continue;
        in.message = o.value(QLatin1String("message")).toString();
        in.proceedText = o.value(QLatin1String("proceedText")).toString();
        in.proceedUrl = o.value(QLatin1String("proceedUrl")).toString();
        in.abortUrl = o.value(QLatin1String("abortUrl")).toString();
        for (const QJsonValue &iv : o.value(QLatin1String("inputs")).toArray()) {
            const QJsonObject i = iv.toObject();
            WireInputParameter p;
            p.type = i.value(QLatin1String("type")).toString();
            p.name = i.value(QLatin1String("name")).toString();
            p.description = i.value(QLatin1String("description")).toString();
            const QJsonObject def = i.value(QLatin1String("definition")).toObject();
            const QJsonValue dv = def.value(QLatin1String("defaultParameterValue"))
                                      .toObject()
                                      .value(QLatin1String("value"));
            p.defaultValue =
                scalarText(dv.isUndefined() ? def.value(QLatin1String("defaultValue")) : dv);
            in.inputs.append(p);
        }
        out->append(in);
    }
    return true;
}

bool parseQueueItem(const QByteArray &body, WireQueueItem *out, QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("queue item"), error))
        return false;
    *out = WireQueueItem();
    out->id = int(number(o.value(QLatin1String("id"))));
    out->cls = o.value(QLatin1String("_class")).toString();
    out->left = out->cls.endsWith(QLatin1String("$LeftItem"));
    out->cancelled = o.value(QLatin1String("cancelled")).toBool();
    const QJsonObject exe = o.value(QLatin1String("executable")).toObject();
    out->buildNumber = int(number(exe.value(QLatin1String("number"))));
    out->buildUrl = exe.value(QLatin1String("url")).toString();
    out->why = o.value(QLatin1String("why")).toString();
    if (out->buildNumber > 0)
        out->left = true;
    return true;
}

bool parseCrumb(const QByteArray &body, WireCrumb *out, QString *error)
{
    QJsonObject o;
    if (!parseObject(body, &o, QStringLiteral("crumb issuer"), error))
        return false;
    out->field = o.value(QLatin1String("crumbRequestField")).toString();
    out->crumb = o.value(QLatin1String("crumb")).toString();
    if (out->field.isEmpty() || out->crumb.isEmpty()) {
        *error = QStringLiteral("crumb issuer: no crumb or crumbRequestField");
        return false;
    }
    return true;
}

int queueIdFromLocation(const QByteArray &location)
{
    static const QRegularExpression re(QStringLiteral("/queue/item/(\\d+)/?$"));
    const auto m = re.match(QString::fromLatin1(location));
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool isCrumbRejection(const QByteArray &body)
{
    return body.contains("No valid crumb");
}

QString htmlErrorTitle(const QByteArray &body)
{
    static const QRegularExpression title(QStringLiteral("<title>([^<]*)</title>"),
                                          QRegularExpression::CaseInsensitiveOption);
    const auto m = title.match(QString::fromUtf8(body.left(4096)));
    return m.hasMatch() ? m.captured(1).trimmed() : QString();
}

RunStatus runStatusFromResult(const QString &result, bool building)
{
    if (building || result.isEmpty())
        return RunStatus::Running;
    if (result == QLatin1String("SUCCESS"))
        return RunStatus::Succeeded;
    if (result == QLatin1String("FAILURE") || result == QLatin1String("UNSTABLE"))
        return RunStatus::Failed;
    if (result == QLatin1String("ABORTED"))
        return RunStatus::Cancelled;
    if (result == QLatin1String("NOT_BUILT"))
        return RunStatus::Skipped;
    return RunStatus::Unknown;
}

RunStatus runStatusFromWfapi(const QString &status)
{
    if (status == QLatin1String("SUCCESS"))
        return RunStatus::Succeeded;
    if (status == QLatin1String("FAILED") || status == QLatin1String("UNSTABLE"))
        return RunStatus::Failed;
    if (status == QLatin1String("ABORTED"))
        return RunStatus::Cancelled;
    if (status == QLatin1String("IN_PROGRESS"))
        return RunStatus::Running;
    if (status == QLatin1String("PAUSED_PENDING_INPUT"))
        return RunStatus::Waiting;
    if (status == QLatin1String("NOT_EXECUTED"))
        return RunStatus::Skipped;
    return RunStatus::Unknown;
}

} // namespace fd::jenkins
