#include "githubwire.h"

#include "domain/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>

namespace fd::github {

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

QString loginOf(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject().value(QLatin1String("login")).toString();
}

/// User login or team slug (name when a team has no slug).
QStringList reviewersOf(const QJsonArray &reviewers)
{
    QStringList out;
    for (const QJsonValue &r : reviewers) {
        const QJsonObject entry = r.toObject();
        const QJsonObject who = entry.value(QLatin1String("reviewer")).toObject();
        QString name = who.value(QLatin1String("login")).toString();
        if (name.isEmpty()) {
            const QString slug = who.value(QLatin1String("slug")).toString();
            name = slug.isEmpty() ? who.value(QLatin1String("name")).toString() : slug;
            if (!name.isEmpty() &&
                entry.value(QLatin1String("type")).toString() == QLatin1String("Team"))
                name.prepend(QStringLiteral("team:"));
        }
        if (!name.isEmpty() && !out.contains(name))
            out.append(name);
    }
    return out;
}

/// Parses the body as JSON; on failure records an error naming the offset.
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

/// The array under @p key of an object body ({total_count, key: [...]}), or the body itself.
template <typename T>
std::optional<QJsonArray> listOf(const QByteArray &body, const char *key, Parsed<T> *out)
{
    const auto doc = documentOf(body, &out->errors);
    if (!doc) {
        out->bodyOk = false;
        return std::nullopt;
    }
    if (!key) {
        if (!doc->isArray()) {
            out->bodyOk = false;
            out->errors.append(QStringLiteral("body: expected a JSON array"));
            return std::nullopt;
        }
        return doc->array();
    }
    const QJsonObject root = doc->object();
    const QJsonValue list = root.value(QLatin1String(key));
    if (!doc->isObject() || !list.isArray()) {
        out->bodyOk = false;
        out->errors.append(
            QStringLiteral("body: expected an object with a '%1' array").arg(QLatin1String(key)));
        return std::nullopt;
    }
    if (root.value(QLatin1String("total_count")).isDouble())
        out->totalCount = root.value(QLatin1String("total_count")).toInt();
    return list.toArray();
}

QString place(const char *list, qsizetype index, const char *field)
{
    return QStringLiteral("%1[%2].%3")
        .arg(QLatin1String(list))
        .arg(index)
        .arg(QLatin1String(field));
}

std::optional<WireRun> runOf(const QJsonObject &o, const QString &where, QString *error)
{
    WireRun run;
    run.id = idOf(o.value(QLatin1String("id")));
    if (run.id <= 0) {
        *error = where + QStringLiteral(".id: missing or not a number");
        return std::nullopt;
    }
    run.name = stringOf(o, "name");
    run.displayTitle = stringOf(o, "display_title");
    QString path = stringOf(o, "path");
    path = path.section(QLatin1Char('@'), 0, 0);
    run.workflowFile = path.section(QLatin1Char('/'), -1);
    run.workflowId = idOf(o.value(QLatin1String("workflow_id")));
    run.runNumber = o.value(QLatin1String("run_number")).toInt();
    run.attempt = std::max(1, o.value(QLatin1String("run_attempt")).toInt(1));
    run.event = stringOf(o, "event");
    run.status = stringOf(o, "status");
    run.conclusion = stringOf(o, "conclusion");
    const auto mapped = mapRunStatus(run.status, run.conclusion);
    if (!mapped) {
        *error = QStringLiteral("%1.status: unknown value '%2'%3")
                     .arg(where, run.status,
                          run.conclusion.isEmpty()
                              ? QString()
                              : QStringLiteral(" (conclusion '%1')").arg(run.conclusion));
        return std::nullopt;
    }
    run.mapped = *mapped;
    run.headBranch = stringOf(o, "head_branch");
    run.headSha = stringOf(o, "head_sha");
    run.actor = loginOf(o, "triggering_actor");
    if (run.actor.isEmpty())
        run.actor = loginOf(o, "actor");
    run.created = timeOf(o, "created_at");
    run.updated = timeOf(o, "updated_at");
    run.started = timeOf(o, "run_started_at");
    run.htmlUrl = QUrl(stringOf(o, "html_url"));
    return run;
}

} // namespace

std::optional<RunStatus> mapRunStatus(const QString &status, const QString &conclusion)
{
    if (status == QLatin1String("queued") || status == QLatin1String("requested") ||
        status == QLatin1String("pending"))
        return RunStatus::Queued;
    if (status == QLatin1String("in_progress"))
        return RunStatus::Running;
    if (status == QLatin1String("waiting") || status == QLatin1String("action_required"))
        return RunStatus::Waiting;
    if (status != QLatin1String("completed"))
        return std::nullopt;
    if (conclusion == QLatin1String("success") || conclusion == QLatin1String("neutral"))
        return RunStatus::Succeeded;
    if (conclusion == QLatin1String("failure") || conclusion == QLatin1String("timed_out") ||
        conclusion == QLatin1String("startup_failure"))
        return RunStatus::Failed;
    if (conclusion == QLatin1String("cancelled"))
        return RunStatus::Cancelled;
    if (conclusion == QLatin1String("skipped") || conclusion == QLatin1String("stale"))
        return RunStatus::Skipped;
    // A run that needs a human before it may even start (first-time contributor, ...).
    if (conclusion == QLatin1String("action_required"))
        return RunStatus::Waiting;
    return std::nullopt;
}

std::optional<DeployStatus> mapDeploymentState(const QString &state)
{
    if (state == QLatin1String("success"))
        return DeployStatus::Succeeded;
    // Inactive: it succeeded and a newer deployment to the environment superseded it.
    if (state == QLatin1String("inactive"))
        return DeployStatus::Succeeded;
    if (state == QLatin1String("failure") || state == QLatin1String("error"))
        return DeployStatus::Failed;
    if (state == QLatin1String("pending") || state == QLatin1String("queued"))
        return DeployStatus::Queued;
    if (state == QLatin1String("in_progress"))
        return DeployStatus::Running;
    return std::nullopt;
}

bool isTerminalDeploymentState(const QString &state)
{
    return state == QLatin1String("success") || state == QLatin1String("inactive") ||
           state == QLatin1String("failure") || state == QLatin1String("error");
}

Parsed<WireRun> parseRuns(const QByteArray &body)
{
    Parsed<WireRun> out;
    const auto list = listOf(body, "workflow_runs", &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        QString error;
        const auto run =
            runOf(list->at(i).toObject(), QStringLiteral("workflow_runs[%1]").arg(i), &error);
        if (run) {
            out.items.append(*run);
        } else {
            out.errors.append(error);
            if (const qint64 id = idOf(list->at(i).toObject().value(QLatin1String("id"))))
                out.rejectedIds.append(id);
        }
    }
    return out;
}

std::optional<WireRun> parseRun(const QByteArray &body, QString *error)
{
    QStringList errors;
    const auto doc = documentOf(body, &errors);
    if (!doc || !doc->isObject()) {
        *error = errors.isEmpty() ? QStringLiteral("body: expected a run object") : errors.first();
        return std::nullopt;
    }
    return runOf(doc->object(), QStringLiteral("run"), error);
}

Parsed<WireJob> parseJobs(const QByteArray &body)
{
    Parsed<WireJob> out;
    const auto list = listOf(body, "jobs", &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireJob job;
        job.id = idOf(o.value(QLatin1String("id")));
        if (job.id <= 0) {
            out.errors.append(place("jobs", i, "id") + QStringLiteral(": missing or not a number"));
            continue;
        }
        job.runId = idOf(o.value(QLatin1String("run_id")));
        job.runAttempt = std::max(1, o.value(QLatin1String("run_attempt")).toInt(1));
        job.name = stringOf(o, "name");
        const auto mapped = mapRunStatus(stringOf(o, "status"), stringOf(o, "conclusion"));
        if (!mapped) {
            out.errors.append(place("jobs", i, "status") +
                              QStringLiteral(": unknown value '%1'").arg(stringOf(o, "status")));
            out.rejectedIds.append(job.id);
            continue;
        }
        job.mapped = *mapped;
        job.started = timeOf(o, "started_at");
        job.completed = timeOf(o, "completed_at");
        job.htmlUrl = QUrl(stringOf(o, "html_url"));
        const QJsonArray steps = o.value(QLatin1String("steps")).toArray();
        for (qsizetype s = 0; s < steps.size(); ++s) {
            const QJsonObject so = steps.at(s).toObject();
            WireStep step;
            step.name = stringOf(so, "name");
            step.number = so.value(QLatin1String("number")).toInt(int(s) + 1);
            // An unknown step status does not cost the job: the step shows as unknown.
            step.mapped = mapRunStatus(stringOf(so, "status"), stringOf(so, "conclusion"))
                              .value_or(RunStatus::Unknown);
            step.started = timeOf(so, "started_at");
            step.completed = timeOf(so, "completed_at");
            job.steps.append(step);
        }
        out.items.append(job);
    }
    return out;
}

Parsed<WireEnvironment> parseEnvironments(const QByteArray &body)
{
    Parsed<WireEnvironment> out;
    const auto list = listOf(body, "environments", &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireEnvironment env;
        env.id = idOf(o.value(QLatin1String("id")));
        env.name = stringOf(o, "name");
        if (env.id <= 0 || env.name.isEmpty()) {
            out.errors.append(place("environments", i, "id/name") + QStringLiteral(": missing"));
            continue;
        }
        env.htmlUrl = QUrl(stringOf(o, "html_url"));
        const QJsonArray rules = o.value(QLatin1String("protection_rules")).toArray();
        for (const QJsonValue &rv : rules) {
            const QJsonObject rule = rv.toObject();
            const QString type = stringOf(rule, "type");
            if (type == QLatin1String("wait_timer")) {
                env.waitTimerMinutes = rule.value(QLatin1String("wait_timer")).toInt();
            } else if (type == QLatin1String("required_reviewers")) {
                env.requiresReviewers = true;
                env.preventSelfReview = rule.value(QLatin1String("prevent_self_review")).toBool();
                env.reviewers = reviewersOf(rule.value(QLatin1String("reviewers")).toArray());
            } else if (type == QLatin1String("branch_policy")) {
                env.branchPolicy = true;
            }
            // Other rule types (custom apps) are not shown; they need no handling here.
        }
        if (o.value(QLatin1String("deployment_branch_policy")).isObject())
            env.branchPolicy = true;
        out.items.append(env);
    }
    return out;
}

Parsed<WireRepository> parseRepositories(const QByteArray &body)
{
    Parsed<WireRepository> out;
    const auto list = listOf(body, nullptr, &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireRepository repo;
        repo.id = idOf(o.value(QLatin1String("id")));
        repo.fullName = stringOf(o, "full_name");
        if (repo.id <= 0 || repo.fullName.count(QLatin1Char('/')) != 1) {
            out.errors.append(place("repositories", i, "id/full_name") +
                              QStringLiteral(": missing"));
            continue;
        }
        repo.archived = o.value(QLatin1String("archived")).toBool();
        repo.disabled = o.value(QLatin1String("disabled")).toBool();
        out.items.append(repo);
    }
    return out;
}

Parsed<WireDeployment> parseDeployments(const QByteArray &body)
{
    Parsed<WireDeployment> out;
    const auto list = listOf(body, nullptr, &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireDeployment d;
        d.id = idOf(o.value(QLatin1String("id")));
        if (d.id <= 0) {
            out.errors.append(place("deployments", i, "id") +
                              QStringLiteral(": missing or not a number"));
            continue;
        }
        d.sha = stringOf(o, "sha");
        d.ref = stringOf(o, "ref");
        d.task = stringOf(o, "task");
        d.environment = stringOf(o, "environment");
        if (d.environment.isEmpty())
            d.environment = stringOf(o, "original_environment");
        // The payload is an object, or (for older deployments) a JSON string.
        QJsonValue payload = o.value(QLatin1String("payload"));
        if (payload.isString())
            payload = QJsonDocument::fromJson(payload.toString().toUtf8()).object();
        const QJsonValue version = payload.toObject().value(QLatin1String("version"));
        if (version.isString())
            d.payloadVersion = version.toString();
        d.creator = loginOf(o, "creator");
        d.created = timeOf(o, "created_at");
        d.updated = timeOf(o, "updated_at");
        d.production = o.value(QLatin1String("production_environment")).toBool();
        out.items.append(d);
    }
    return out;
}

Parsed<WireDeploymentStatus> parseDeploymentStatuses(const QByteArray &body)
{
    Parsed<WireDeploymentStatus> out;
    const auto list = listOf(body, nullptr, &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireDeploymentStatus s;
        s.id = idOf(o.value(QLatin1String("id")));
        s.state = stringOf(o, "state");
        const auto mapped = mapDeploymentState(s.state);
        if (!mapped) {
            out.errors.append(place("statuses", i, "state") +
                              QStringLiteral(": unknown value '%1'").arg(s.state));
            if (s.id)
                out.rejectedIds.append(s.id);
            continue;
        }
        s.mapped = *mapped;
        s.creator = loginOf(o, "creator");
        s.created = timeOf(o, "created_at");
        s.description = stringOf(o, "description");
        s.targetUrl = QUrl(stringOf(o, "target_url"));
        s.logUrl = QUrl(stringOf(o, "log_url"));
        out.items.append(s);
    }
    return out;
}

Parsed<WirePendingDeployment> parsePendingDeployments(const QByteArray &body)
{
    Parsed<WirePendingDeployment> out;
    const auto list = listOf(body, nullptr, &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        const QJsonObject env = o.value(QLatin1String("environment")).toObject();
        WirePendingDeployment p;
        p.environmentId = idOf(env.value(QLatin1String("id")));
        p.environmentName = stringOf(env, "name");
        if (p.environmentId <= 0) {
            out.errors.append(place("pending_deployments", i, "environment.id") +
                              QStringLiteral(": missing"));
            continue;
        }
        p.waitTimerMinutes = o.value(QLatin1String("wait_timer")).toInt();
        p.waitTimerStarted = timeOf(o, "wait_timer_started_at");
        p.currentUserCanApprove = o.value(QLatin1String("current_user_can_approve")).toBool();
        p.reviewers = reviewersOf(o.value(QLatin1String("reviewers")).toArray());
        out.items.append(p);
    }
    return out;
}

Parsed<WireApproval> parseApprovals(const QByteArray &body)
{
    Parsed<WireApproval> out;
    const auto list = listOf(body, nullptr, &out);
    if (!list)
        return out;
    for (qsizetype i = 0; i < list->size(); ++i) {
        const QJsonObject o = list->at(i).toObject();
        WireApproval a;
        for (const QJsonValue &e : o.value(QLatin1String("environments")).toArray()) {
            a.environmentIds.append(idOf(e.toObject().value(QLatin1String("id"))));
            a.environmentNames.append(e.toObject().value(QLatin1String("name")).toString());
        }
        a.state = stringOf(o, "state");
        a.user = loginOf(o, "user");
        a.comment = stringOf(o, "comment");
        out.items.append(a);
    }
    return out;
}

const WireDeploymentStatus *newestStatus(const QList<WireDeploymentStatus> &statuses)
{
    const WireDeploymentStatus *best = nullptr;
    for (const auto &s : statuses) {
        if (!best || s.created > best->created || (s.created == best->created && s.id > best->id))
            best = &s;
    }
    return best;
}

qint64 runIdFromStatus(const WireDeploymentStatus &status)
{
    static const QRegularExpression runPath(QStringLiteral("/actions/runs/(\\d+)"));
    for (const QUrl &url : {status.logUrl, status.targetUrl}) {
        const auto m = runPath.match(url.path());
        if (m.hasMatch())
            return m.captured(1).toLongLong();
    }
    return 0;
}

QString errorMessage(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(QLatin1String("message")).toString();
}

} // namespace fd::github
