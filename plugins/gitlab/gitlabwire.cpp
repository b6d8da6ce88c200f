#include "gitlabwire.h"

#include "domain/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QUrl>

#include <cmath>

namespace fd::gitlab {

namespace {

QDateTime timeOf(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isString())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(v.toString(), Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QString stringOf(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

qint64 idOf(const QJsonValue &v)
{
    if (v.isDouble())
        return int64FromJson(v).value_or(0);
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        return ok ? n : 0;
    }
    return 0;
}

qint64 idOf(const QJsonObject &o, const char *key)
{
    return idOf(o.value(QLatin1String(key)));
}

QString usernameOf(const QJsonObject &o)
{
    const QJsonObject user = o.value(QLatin1String("user")).toObject();
    const QString name = user.value(QLatin1String("username")).toString();
    return name.isEmpty() ? user.value(QLatin1String("name")).toString() : name;
}

std::optional<QJsonDocument> documentOf(const QByteArray &body, QStringList *errors)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        errors->append(QStringLiteral("body: not JSON (%1 at offset %2)")
                           .arg(error.errorString())
                           .arg(error.offset));
        return std::nullopt;
    }
    return doc;
}

/// Reads a JSON array of objects with one item reader; the list-shaped parsers share it.
template <typename T, typename Reader>
Parsed<T> parseArray(const QByteArray &body, Reader read)
{
    Parsed<T> out;
    const auto doc = documentOf(body, &out.errors);
    if (!doc || !doc->isArray()) {
        if (doc)
            out.errors.append(QStringLiteral("body: expected a JSON array"));
        out.bodyOk = false;
        return out;
    }
    const QJsonArray items = doc->array();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString place = QStringLiteral("[%1]").arg(i);
        if (!items.at(i).isObject()) {
            out.errors.append(place + QStringLiteral(": not an object"));
            continue;
        }
        const QJsonObject o = items.at(i).toObject();
        QString error;
        std::optional<T> item = read(o, &error);
        if (!item) {
            out.errors.append(place + error);
            if (const qint64 id = idOf(o, "id"))
                out.rejectedIds.append(id);
            continue;
        }
        out.items.append(*item);
    }
    return out;
}

template <typename T, typename Reader>
std::optional<T> parseObject(const QByteArray &body, QString *error, Reader read)
{
    QStringList errors;
    const auto doc = documentOf(body, &errors);
    if (!doc || !doc->isObject()) {
        if (error)
            *error = doc ? QStringLiteral("body: expected a JSON object") : errors.value(0);
        return std::nullopt;
    }
    QString itemError;
    std::optional<T> item = read(doc->object(), &itemError);
    if (!item && error)
        *error = itemError.mid(itemError.startsWith(QLatin1Char('.')) ? 1 : 0);
    return item;
}

std::optional<WirePipeline> readPipeline(const QJsonObject &o, QString *error)
{
    WirePipeline p;
    p.id = idOf(o, "id");
    if (!p.id) {
        *error = QStringLiteral(".id: missing");
        return std::nullopt;
    }
    p.status = stringOf(o, "status");
    const auto mapped = mapRunStatus(p.status);
    if (!mapped) {
        *error = QStringLiteral(".status: unknown status '%1' (pipeline %2)")
                     .arg(p.status, QString::number(p.id));
        return std::nullopt;
    }
    p.mapped = *mapped;
    p.iid = int(idOf(o, "iid"));
    p.projectId = idOf(o, "project_id");
    p.source = stringOf(o, "source");
    p.ref = stringOf(o, "ref");
    p.sha = stringOf(o, "sha");
    p.name = stringOf(o, "name");
    p.user = usernameOf(o);
    p.created = timeOf(o, "created_at");
    p.updated = timeOf(o, "updated_at");
    p.started = timeOf(o, "started_at");
    p.finished = timeOf(o, "finished_at");
    p.webUrl = QUrl(stringOf(o, "web_url"));
    return p;
}

std::optional<WireJob> readJob(const QJsonObject &o, QString *error)
{
    WireJob j;
    j.id = idOf(o, "id");
    if (!j.id) {
        *error = QStringLiteral(".id: missing");
        return std::nullopt;
    }
    j.status = stringOf(o, "status");
    const auto mapped = mapRunStatus(j.status);
    if (!mapped) {
        *error = QStringLiteral(".status: unknown status '%1' (job %2)")
                     .arg(j.status, QString::number(j.id));
        return std::nullopt;
    }
    j.mapped = *mapped;
    j.name = stringOf(o, "name");
    j.stage = stringOf(o, "stage");
    j.allowFailure = o.value(QLatin1String("allow_failure")).toBool();
    j.manual = o.value(QLatin1String("manual")).toBool() ||
               stringOf(o, "when") == QLatin1String("manual") ||
               j.status == QLatin1String("manual");
    j.ref = stringOf(o, "ref");
    j.tag = o.value(QLatin1String("tag")).toBool();
    const QJsonObject pipeline = o.value(QLatin1String("pipeline")).toObject();
    j.pipelineId = idOf(pipeline, "id");
    j.sha = stringOf(pipeline, "sha");
    if (j.sha.isEmpty())
        j.sha = stringOf(o.value(QLatin1String("commit")).toObject(), "id");
    j.user = usernameOf(o);
    j.environment = stringOf(o.value(QLatin1String("environment")).toObject(), "name");
    j.failureReason = stringOf(o, "failure_reason");
    j.created = timeOf(o, "created_at");
    j.started = timeOf(o, "started_at");
    j.finished = timeOf(o, "finished_at");
    const QJsonValue duration = o.value(QLatin1String("duration"));
    if (duration.isDouble())
        j.durationMs = int64FromJson(QJsonValue(duration.toDouble() * 1000.0)).value_or(0);
    else if (j.started.isValid() && j.finished.isValid())
        j.durationMs = j.started.msecsTo(j.finished);
    j.webUrl = QUrl(stringOf(o, "web_url"));
    return j;
}

WireApproval readApproval(const QJsonObject &o)
{
    WireApproval a;
    const QJsonObject user = o.value(QLatin1String("user")).toObject();
    a.userId = idOf(user, "id");
    a.user = usernameOf(o);
    a.status = stringOf(o, "status");
    a.comment = stringOf(o, "comment");
    a.created = timeOf(o, "created_at");
    return a;
}

WireApprovalRule readRule(const QJsonObject &o)
{
    WireApprovalRule r;
    r.userId = idOf(o, "user_id");
    r.groupId = idOf(o, "group_id");
    const QJsonValue level = o.value(QLatin1String("access_level"));
    r.accessLevel = level.isDouble() ? level.toInt() : -1;
    r.description = stringOf(o, "access_level_description");
    r.requiredApprovals = o.value(QLatin1String("required_approvals")).toInt();
    for (const QJsonValue &a : o.value(QLatin1String("deployment_approvals")).toArray())
        r.approvals.append(readApproval(a.toObject()));
    return r;
}

std::optional<WireDeployment> readDeployment(const QJsonObject &o, QString *error)
{
    WireDeployment d;
    d.id = idOf(o, "id");
    if (!d.id) {
        *error = QStringLiteral(".id: missing");
        return std::nullopt;
    }
    d.status = stringOf(o, "status");
    const auto mapped = mapDeploymentStatus(d.status);
    if (!mapped) {
        *error = QStringLiteral(".status: unknown status '%1' (deployment %2)")
                     .arg(d.status, QString::number(d.id));
        return std::nullopt;
    }
    d.mapped = *mapped;
    d.iid = int(idOf(o, "iid"));
    d.ref = stringOf(o, "ref");
    d.sha = stringOf(o, "sha");
    d.user = usernameOf(o);
    d.created = timeOf(o, "created_at");
    d.updated = timeOf(o, "updated_at");
    d.finished = timeOf(o, "finished_at");
    const QJsonObject env = o.value(QLatin1String("environment")).toObject();
    d.environmentId = idOf(env, "id");
    d.environment = stringOf(env, "name");
    const QJsonObject job = o.value(QLatin1String("deployable")).toObject();
    d.jobId = idOf(job, "id");
    d.jobName = stringOf(job, "name");
    d.jobStatus = stringOf(job, "status");
    d.jobTag = job.value(QLatin1String("tag")).toBool();
    d.jobUrl = QUrl(stringOf(job, "web_url"));
    d.pipelineId = idOf(job.value(QLatin1String("pipeline")).toObject(), "id");
    if (!d.finished.isValid() && isFinishedStatus(d.status))
        d.finished = timeOf(job, "finished_at");
    const QJsonValue pending = o.value(QLatin1String("pending_approval_count"));
    d.pendingApprovalCount = pending.isDouble() ? pending.toInt() : -1;
    for (const QJsonValue &a : o.value(QLatin1String("approvals")).toArray())
        d.approvals.append(readApproval(a.toObject()));
    const QJsonObject summary = o.value(QLatin1String("approval_summary")).toObject();
    for (const QJsonValue &r : summary.value(QLatin1String("rules")).toArray())
        d.rules.append(readRule(r.toObject()));
    return d;
}

std::optional<WireEnvironment> readEnvironment(const QJsonObject &o, QString *error)
{
    WireEnvironment e;
    e.id = idOf(o, "id");
    e.name = stringOf(o, "name");
    if (!e.id || e.name.isEmpty()) {
        *error = e.id ? QStringLiteral(".name: missing") : QStringLiteral(".id: missing");
        return std::nullopt;
    }
    e.slug = stringOf(o, "slug");
    e.state = stringOf(o, "state");
    e.tier = stringOf(o, "tier");
    e.externalUrl = QUrl(stringOf(o, "external_url"));
    e.created = timeOf(o, "created_at");
    e.updated = timeOf(o, "updated_at");
    if (o.contains(QLatin1String("last_deployment"))) {
        e.detailed = true;
        const QJsonValue last = o.value(QLatin1String("last_deployment"));
        if (last.isObject()) {
            QString lastError;
            e.lastDeployment = readDeployment(last.toObject(), &lastError);
            if (!e.lastDeployment) {
                *error = QStringLiteral(".last_deployment") + lastError;
                return std::nullopt;
            }
        }
    }
    return e;
}

std::optional<WireProtectedEnvironment> readProtected(const QJsonObject &o, QString *error)
{
    WireProtectedEnvironment p;
    p.name = stringOf(o, "name");
    if (p.name.isEmpty()) {
        *error = QStringLiteral(".name: missing");
        return std::nullopt;
    }
    for (const QJsonValue &l : o.value(QLatin1String("deploy_access_levels")).toArray())
        p.deployers.append(stringOf(l.toObject(), "access_level_description"));
    int sum = 0;
    for (const QJsonValue &r : o.value(QLatin1String("approval_rules")).toArray()) {
        p.rules.append(readRule(r.toObject()));
        sum += p.rules.last().requiredApprovals;
    }
    const QJsonValue count = o.value(QLatin1String("required_approval_count"));
    p.requiredApprovals = count.isDouble() ? std::max(count.toInt(), sum) : sum;
    return p;
}

} // namespace

std::optional<RunStatus> mapRunStatus(const QString &s)
{
    if (s == QLatin1String("created") || s == QLatin1String("waiting_for_resource") ||
        s == QLatin1String("preparing") || s == QLatin1String("pending") ||
        s == QLatin1String("scheduled") || s == QLatin1String("waiting_for_callback"))
        return RunStatus::Queued;
    if (s == QLatin1String("running") || s == QLatin1String("canceling"))
        return RunStatus::Running;
    if (s == QLatin1String("manual"))
        return RunStatus::Waiting;
    if (s == QLatin1String("success"))
        return RunStatus::Succeeded;
    if (s == QLatin1String("failed"))
        return RunStatus::Failed;
    if (s == QLatin1String("canceled"))
        return RunStatus::Cancelled;
    if (s == QLatin1String("skipped"))
        return RunStatus::Skipped;
    return std::nullopt;
}

std::optional<DeployStatus> mapDeploymentStatus(const QString &s)
{
    if (s == QLatin1String("created"))
        return DeployStatus::Created;
    if (s == QLatin1String("running"))
        return DeployStatus::Running;
    if (s == QLatin1String("success"))
        return DeployStatus::Succeeded;
    if (s == QLatin1String("failed"))
        return DeployStatus::Failed;
    if (s == QLatin1String("canceled") || s == QLatin1String("skipped"))
        return DeployStatus::Cancelled;
    if (s == QLatin1String("blocked"))
        return DeployStatus::Blocked;
    return std::nullopt;
}

bool isFinishedStatus(const QString &s)
{
    return s == QLatin1String("success") || s == QLatin1String("failed") ||
           s == QLatin1String("canceled") || s == QLatin1String("skipped");
}

Parsed<WirePipeline> parsePipelines(const QByteArray &body)
{
    return parseArray<WirePipeline>(body, readPipeline);
}

std::optional<WirePipeline> parsePipeline(const QByteArray &body, QString *error)
{
    return parseObject<WirePipeline>(body, error, readPipeline);
}

Parsed<WireJob> parseJobs(const QByteArray &body)
{
    return parseArray<WireJob>(body, readJob);
}

std::optional<WireJob> parseJob(const QByteArray &body, QString *error)
{
    return parseObject<WireJob>(body, error, readJob);
}

Parsed<WireEnvironment> parseEnvironments(const QByteArray &body)
{
    return parseArray<WireEnvironment>(body, readEnvironment);
}

std::optional<WireEnvironment> parseEnvironment(const QByteArray &body, QString *error)
{
    return parseObject<WireEnvironment>(body, error, readEnvironment);
}

Parsed<WireDeployment> parseDeployments(const QByteArray &body)
{
    return parseArray<WireDeployment>(body, readDeployment);
}

std::optional<WireDeployment> parseDeployment(const QByteArray &body, QString *error)
{
    return parseObject<WireDeployment>(body, error, readDeployment);
}

Parsed<WireProtectedEnvironment> parseProtectedEnvironments(const QByteArray &body)
{
    return parseArray<WireProtectedEnvironment>(body, readProtected);
}

std::optional<WireApproval> parseApproval(const QByteArray &body, QString *error)
{
    return parseObject<WireApproval>(
        body, error, [](const QJsonObject &o, QString *e) -> std::optional<WireApproval> {
            WireApproval a = readApproval(o);
            if (a.status.isEmpty()) {
                *e = QStringLiteral(".status: missing");
                return std::nullopt;
            }
            return a;
        });
}

qint64 parseUserId(const QByteArray &body, QString *username)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (username)
        *username = o.value(QLatin1String("username")).toString();
    return idOf(o, "id");
}

QString errorMessage(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        const QByteArray text = body.trimmed();
        // Rack::Attack answers "Retry later" in plain text; anything long or binary is not words.
        if (!text.isEmpty() && text.size() <= 200 && !text.startsWith('<') && !text.contains('\0'))
            return QString::fromUtf8(text);
        return {};
    }
    const QJsonObject o = doc.object();
    const QJsonValue message = o.value(QLatin1String("message"));
    if (message.isString())
        return message.toString();
    if (message.isObject()) {
        QStringList parts;
        const QJsonObject fields = message.toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            QStringList texts;
            if (it.value().isArray()) {
                for (const QJsonValue &t : it.value().toArray())
                    texts.append(t.toString());
            } else {
                texts.append(it.value().toString());
            }
            parts.append(QStringLiteral("%1: %2").arg(it.key(), texts.join(QStringLiteral(", "))));
        }
        return parts.join(QStringLiteral("; "));
    }
    return o.value(QLatin1String("error")).toString();
}

QString encodeProject(const QString &project)
{
    bool numeric = false;
    project.toLongLong(&numeric);
    if (numeric)
        return project;
    return QString::fromLatin1(QUrl::toPercentEncoding(project));
}

} // namespace fd::gitlab
