#include "argocdparsers.h"

#include "domain/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>
#include <climits>

namespace fd::argocd {

namespace {

QString str(const QJsonObject &o, QLatin1String key)
{
    return o.value(key).toString();
}

QDateTime timeOf(const QJsonValue &v)
{
    const QString s = v.toString();
    if (s.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(s, Qt::ISODate);
    return t.toUTC();
}

// int64 fields arrive as JSON numbers or, from grpc-gateway, as strings.
qint64 int64Of(const QJsonValue &v, bool *ok)
{
    if (v.isDouble()) {
        const auto n = int64FromJson(v);
        *ok = n.has_value();
        return n.value_or(0);
    }
    if (v.isString())
        return v.toString().toLongLong(ok);
    *ok = false;
    return 0;
}

// A JSON value as text whatever its type: observedGeneration is a hash or a number.
QString textOf(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return int64FromJson(v) ? QString::number(*int64FromJson(v))
                                : QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QString appWhere(const QString &name)
{
    return QStringLiteral("application %1")
        .arg(name.isEmpty() ? QStringLiteral("(unnamed)") : name);
}

QString versionFromSource(const QJsonObject &source)
{
    const QJsonArray images = source.value(QLatin1String("kustomize"))
                                  .toObject()
                                  .value(QLatin1String("images"))
                                  .toArray();
    for (const auto &i : images) {
        const QString tag = imageTag(i.toString());
        if (!tag.isEmpty())
            return tag;
    }
    const QJsonArray params =
        source.value(QLatin1String("helm")).toObject().value(QLatin1String("parameters")).toArray();
    for (const auto &p : params) {
        const QJsonObject po = p.toObject();
        if (str(po, QLatin1String("name")) == QLatin1String("image.tag"))
            return str(po, QLatin1String("value"));
    }
    return {};
}

// Pause durations are integers (seconds) or strings with a unit ("30s", "1m", "1h").
int pauseSecondsOf(const QJsonValue &duration)
{
    if (duration.isDouble())
        return int(std::clamp<qint64>(int64FromJson(duration).value_or(0), 0, INT_MAX));
    const QString s = duration.toString().trimmed();
    if (s.isEmpty())
        return -1;
    static const QRegularExpression re(QStringLiteral("^(\\d+)(s|m|h)?$"));
    const auto m = re.match(s);
    if (!m.hasMatch())
        return -1;
    const int n = m.captured(1).toInt();
    const QString unit = m.captured(2);
    if (unit == QLatin1String("m"))
        return n * 60;
    if (unit == QLatin1String("h"))
        return n * 3600;
    return n;
}

RolloutStep
parseStep(const QJsonObject &step, int index, const QString &where, QList<ParseProblem> *problems)
{
    RolloutStep s;
    if (step.contains(QLatin1String("setWeight"))) {
        s.kind = RolloutStep::Kind::SetWeight;
        s.weight = step.value(QLatin1String("setWeight")).toInt(-1);
        s.text = QStringLiteral("setWeight %1").arg(s.weight);
        if (s.weight < 0 || s.weight > 100)
            problems->append(
                {where, QStringLiteral("step %1: setWeight is not a percentage").arg(index)});
        return s;
    }
    if (step.contains(QLatin1String("pause"))) {
        s.kind = RolloutStep::Kind::Pause;
        const QJsonValue d =
            step.value(QLatin1String("pause")).toObject().value(QLatin1String("duration"));
        s.pauseSeconds = d.isUndefined() || d.isNull() ? -1 : pauseSecondsOf(d);
        s.text = s.pauseSeconds < 0 ? QStringLiteral("pause (manual promotion)")
                                    : QStringLiteral("pause %1s").arg(s.pauseSeconds);
        return s;
    }
    if (step.contains(QLatin1String("analysis"))) {
        s.kind = RolloutStep::Kind::Analysis;
        QStringList names;
        const QJsonArray templates = step.value(QLatin1String("analysis"))
                                         .toObject()
                                         .value(QLatin1String("templates"))
                                         .toArray();
        for (const auto &t : templates)
            names << t.toObject().value(QLatin1String("templateName")).toString();
        s.text = QStringLiteral("analysis: %1").arg(names.join(QStringLiteral(", ")));
        return s;
    }
    if (step.contains(QLatin1String("experiment"))) {
        s.kind = RolloutStep::Kind::Experiment;
        s.text = QStringLiteral("experiment");
        return s;
    }
    static const QStringList known{QStringLiteral("setCanaryScale"),
                                   QStringLiteral("setHeaderRoute"),
                                   QStringLiteral("setMirrorRoute"), QStringLiteral("plugin")};
    for (const auto &k : known) {
        if (step.contains(k)) {
            s.text = k;
            return s;
        }
    }
    const QString type = step.keys().isEmpty() ? QStringLiteral("(empty)") : step.keys().first();
    s.text = QStringLiteral("unknown step '%1'").arg(type);
    problems->append(
        {where,
         QStringLiteral("step %1 has an unknown type '%2'; shown as is").arg(index).arg(type)});
    return s;
}

} // namespace

QString listFieldsProjection()
{
    static const QStringList fields{
        QStringLiteral("metadata.resourceVersion"),
        QStringLiteral("items.metadata.name"),
        QStringLiteral("items.metadata.namespace"),
        QStringLiteral("items.metadata.resourceVersion"),
        QStringLiteral("items.spec.project"),
        QStringLiteral("items.spec.source.repoURL"),
        QStringLiteral("items.spec.source.path"),
        QStringLiteral("items.spec.source.targetRevision"),
        QStringLiteral("items.spec.destination"),
        QStringLiteral("items.spec.syncPolicy.automated"),
        QStringLiteral("items.status.sync.status"),
        QStringLiteral("items.status.sync.revision"),
        QStringLiteral("items.status.health"),
        QStringLiteral("items.status.operationState.phase"),
        QStringLiteral("items.status.operationState.message"),
        QStringLiteral("items.status.operationState.startedAt"),
        QStringLiteral("items.status.operationState.finishedAt"),
        QStringLiteral("items.status.operationState.operation.initiatedBy"),
        QStringLiteral("items.status.operationState.operation.sync.revision"),
        QStringLiteral("items.status.history.id"),
        QStringLiteral("items.status.history.revision"),
        QStringLiteral("items.status.history.deployedAt"),
        QStringLiteral("items.status.history.deployStartedAt"),
        QStringLiteral("items.status.history.initiatedBy"),
        QStringLiteral("items.status.history.source.kustomize.images"),
        QStringLiteral("items.status.history.source.helm.parameters"),
        QStringLiteral("items.status.summary"),
        QStringLiteral("items.status.resources.group"),
        QStringLiteral("items.status.resources.version"),
        QStringLiteral("items.status.resources.kind"),
        QStringLiteral("items.status.resources.namespace"),
        QStringLiteral("items.status.resources.name"),
        QStringLiteral("items.status.resources.status"),
        QStringLiteral("items.status.reconciledAt"),
    };
    return fields.join(QLatin1Char(','));
}

QString streamFieldsProjection()
{
    QStringList out{QStringLiteral("result.type")};
    const QStringList list = listFieldsProjection().split(QLatin1Char(','));
    for (const auto &f : list)
        if (f.startsWith(QLatin1String("items.")))
            out << QStringLiteral("result.application.") + f.mid(6);
    return out.join(QLatin1Char(','));
}

QString imageTag(const QString &image)
{
    const qsizetype at = image.indexOf(QLatin1Char('@'));
    if (at >= 0)
        return image.mid(at + 1);
    const qsizetype slash = image.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    if (colon > slash)
        return image.mid(colon + 1);
    return {};
}

QString imageName(const QString &image)
{
    QString s = image;
    const qsizetype at = s.indexOf(QLatin1Char('@'));
    if (at >= 0)
        s.truncate(at);
    const qsizetype slash = s.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = s.lastIndexOf(QLatin1Char(':'));
    if (colon > slash)
        s.truncate(colon);
    // kustomize "name=newName" image overrides
    const qsizetype eq = s.indexOf(QLatin1Char('='));
    if (eq >= 0)
        s = s.left(eq);
    return s.mid(s.lastIndexOf(QLatin1Char('/')) + 1);
}

QString versionFromImages(const QStringList &images, const QString &service)
{
    for (const auto &i : images)
        if (!service.isEmpty() && imageName(i) == service && !imageTag(i).isEmpty())
            return imageTag(i);
    for (const auto &i : images)
        if (!imageTag(i).isEmpty())
            return imageTag(i);
    return {};
}

AppState parseApplication(const QJsonObject &o, QList<ParseProblem> *problems)
{
    AppState a;
    const QJsonObject meta = o.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = o.value(QLatin1String("spec")).toObject();
    const QJsonObject status = o.value(QLatin1String("status")).toObject();
    a.name = str(meta, QLatin1String("name"));
    a.appNamespace = str(meta, QLatin1String("namespace"));
    a.resourceVersion = textOf(meta.value(QLatin1String("resourceVersion")));
    const QString where = appWhere(a.name);
    if (a.name.isEmpty())
        problems->append({where, QStringLiteral("metadata.name is missing; application skipped")});

    a.project = str(spec, QLatin1String("project"));
    QJsonObject source = spec.value(QLatin1String("source")).toObject();
    if (source.isEmpty()) {
        const QJsonArray sources = spec.value(QLatin1String("sources")).toArray();
        if (!sources.isEmpty())
            source = sources.first().toObject();
    }
    a.repoUrl = str(source, QLatin1String("repoURL"));
    a.path = str(source, QLatin1String("path"));
    a.targetRevision = str(source, QLatin1String("targetRevision"));
    const QJsonObject dest = spec.value(QLatin1String("destination")).toObject();
    a.destServer = str(dest, QLatin1String("server"));
    if (a.destServer.isEmpty())
        a.destServer = str(dest, QLatin1String("name"));
    a.destNamespace = str(dest, QLatin1String("namespace"));
    // Argo CD >= 3.0 may keep the automated block but switch it off with enabled: false.
    const QJsonValue automated =
        spec.value(QLatin1String("syncPolicy")).toObject().value(QLatin1String("automated"));
    a.autoSync =
        automated.isObject() && automated.toObject().value(QLatin1String("enabled")).toBool(true);

    const QJsonObject sync = status.value(QLatin1String("sync")).toObject();
    const QString syncText = str(sync, QLatin1String("status"));
    a.sync = syncStateFromString(syncText);
    if (!syncText.isEmpty() && a.sync == SyncState::Unknown && syncText != QLatin1String("Unknown"))
        problems->append({where, QStringLiteral("unknown sync status '%1'").arg(syncText)});
    a.syncRevision = str(sync, QLatin1String("revision"));

    const QJsonObject health = status.value(QLatin1String("health")).toObject();
    a.healthText = str(health, QLatin1String("status"));
    a.healthMessage = str(health, QLatin1String("message"));
    a.health = healthFromString(a.healthText);
    if (!a.healthText.isEmpty() && a.health == Health::Unknown &&
        a.healthText != QLatin1String("Unknown"))
        problems->append(
            {where,
             QStringLiteral("unknown health status '%1'; shown as Unknown").arg(a.healthText)});

    const QJsonObject op = status.value(QLatin1String("operationState")).toObject();
    a.operationPhase = str(op, QLatin1String("phase"));
    a.operationMessage = str(op, QLatin1String("message"));
    a.operationStarted = timeOf(op.value(QLatin1String("startedAt")));
    a.operationFinished = timeOf(op.value(QLatin1String("finishedAt")));
    const QJsonObject operation = op.value(QLatin1String("operation")).toObject();
    const QJsonObject initiated = operation.value(QLatin1String("initiatedBy")).toObject();
    a.operationInitiator = initiated.value(QLatin1String("automated")).toBool()
                               ? QStringLiteral("automated")
                               : str(initiated, QLatin1String("username"));
    a.operationRevision = operation.value(QLatin1String("sync"))
                              .toObject()
                              .value(QLatin1String("revision"))
                              .toString();

    const QJsonObject summary = status.value(QLatin1String("summary")).toObject();
    for (const auto &i : summary.value(QLatin1String("images")).toArray())
        a.images << i.toString();
    for (const auto &u : summary.value(QLatin1String("externalURLs")).toArray())
        a.externalUrls << u.toString();

    const QJsonArray history = status.value(QLatin1String("history")).toArray();
    a.history.reserve(history.size());
    for (const auto &hv : history) {
        const QJsonObject h = hv.toObject();
        HistoryEntry e;
        bool ok = false;
        e.id = int64Of(h.value(QLatin1String("id")), &ok);
        if (!ok) {
            problems->append({where, QStringLiteral("a history entry has no id; ignored")});
            continue;
        }
        e.revision = str(h, QLatin1String("revision"));
        if (e.revision.isEmpty()) {
            const QJsonArray revs = h.value(QLatin1String("revisions")).toArray();
            if (!revs.isEmpty())
                e.revision = revs.first().toString();
        }
        e.deployedAt = timeOf(h.value(QLatin1String("deployedAt")));
        e.deployStartedAt = timeOf(h.value(QLatin1String("deployStartedAt")));
        const QJsonObject by = h.value(QLatin1String("initiatedBy")).toObject();
        e.automated = by.value(QLatin1String("automated")).toBool();
        e.initiator =
            e.automated ? QStringLiteral("automated") : str(by, QLatin1String("username"));
        e.version = versionFromSource(h.value(QLatin1String("source")).toObject());
        if (e.version.isEmpty()) {
            const QJsonArray srcs = h.value(QLatin1String("sources")).toArray();
            for (const auto &s : srcs)
                if (e.version.isEmpty())
                    e.version = versionFromSource(s.toObject());
        }
        a.history << e;
    }
    // The API keeps history oldest first; sort anyway so "current" is always the last.
    std::stable_sort(a.history.begin(), a.history.end(),
                     [](const HistoryEntry &x, const HistoryEntry &y) { return x.id < y.id; });

    for (const auto &rv : status.value(QLatin1String("resources")).toArray()) {
        const QJsonObject r = rv.toObject();
        if (str(r, QLatin1String("status")) == QLatin1String("OutOfSync"))
            ++a.outOfSyncCount;
        if (a.workload.kind.isEmpty() &&
            str(r, QLatin1String("kind")) == QLatin1String("Deployment") &&
            str(r, QLatin1String("group")) == QLatin1String("apps"))
            a.workload = ResourceRef{
                QStringLiteral("apps"), QStringLiteral("v1"), QStringLiteral("Deployment"),
                str(r, QLatin1String("namespace")), str(r, QLatin1String("name"))};
        if (str(r, QLatin1String("kind")) == QLatin1String("Rollout") &&
            str(r, QLatin1String("group")) == QLatin1String("argoproj.io")) {
            ResourceRef ref{QStringLiteral("argoproj.io"), str(r, QLatin1String("version")),
                            QStringLiteral("Rollout"), str(r, QLatin1String("namespace")),
                            str(r, QLatin1String("name"))};
            if (ref.version.isEmpty())
                ref.version = QStringLiteral("v1alpha1");
            a.rollouts << ref;
        }
    }
    a.reconciledAt = timeOf(status.value(QLatin1String("reconciledAt")));
    return a;
}

AppList parseApplicationList(const QByteArray &body)
{
    QByteArray copy = body;
    return parseApplicationList(std::move(copy));
}

AppList parseApplicationList(QByteArray &&body)
{
    AppList out;
    QJsonParseError err;
    QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    // the raw bytes are not needed once parsed: at 10,000 apps they are tens of megabytes
    body = QByteArray();
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        out.error = QStringLiteral("application list is not JSON (%1 at byte %2)")
                        .arg(err.errorString())
                        .arg(err.offset);
        return out;
    }
    const QJsonObject root = doc.object();
    out.resourceVersion = textOf(
        root.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")));
    const QJsonValue itemsValue = root.value(QLatin1String("items"));
    if (!itemsValue.isArray() && !itemsValue.isNull() && !itemsValue.isUndefined()) {
        out.error = QStringLiteral("application list: items is not an array");
        return out;
    }
    const QJsonArray items = itemsValue.toArray();
    doc = QJsonDocument(); // items holds what is left of the tree
    out.apps.reserve(items.size());
    for (const auto &item : items) {
        AppState a = parseApplication(item.toObject(), &out.problems);
        if (!a.name.isEmpty())
            out.apps << std::move(a);
    }
    return out;
}

StreamEvent parseStreamEvent(const QByteArray &data)
{
    StreamEvent ev;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        ev.error = QStringLiteral("stream event is not JSON (%1 at byte %2)")
                       .arg(err.errorString())
                       .arg(err.offset);
        return ev;
    }
    const QJsonObject root = doc.object();
    if (root.contains(QLatin1String("error"))) {
        const QJsonObject e = root.value(QLatin1String("error")).toObject();
        ev.type = StreamEvent::Type::Error;
        ev.error = e.value(QLatin1String("message")).toString();
        if (ev.error.isEmpty())
            ev.error = QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact));
        ev.httpCode = e.value(QLatin1String("http_code")).toInt();
        return ev;
    }
    const QJsonObject result = root.value(QLatin1String("result")).toObject();
    const QString type = result.value(QLatin1String("type")).toString();
    if (type == QLatin1String("ADDED"))
        ev.type = StreamEvent::Type::Added;
    else if (type == QLatin1String("MODIFIED"))
        ev.type = StreamEvent::Type::Modified;
    else if (type == QLatin1String("DELETED"))
        ev.type = StreamEvent::Type::Deleted;
    else {
        ev.error = QStringLiteral("stream event has an unknown type '%1'").arg(type);
        return ev;
    }
    ev.app = parseApplication(result.value(QLatin1String("application")).toObject(), &ev.problems);
    if (ev.app.name.isEmpty()) {
        ev.type = StreamEvent::Type::Malformed;
        ev.error = QStringLiteral("stream event without an application name");
    }
    return ev;
}

bool podTemplateRevision(const QJsonObject &manifest,
                         const QString &container,
                         QString *image,
                         QString *revision)
{
    static const QRegularExpression sha(QStringLiteral("^[0-9a-f]{7,40}$"));
    const QLatin1String key("org.opencontainers.image.revision");
    const QJsonObject tpl = manifest.value(QLatin1String("spec"))
                                .toObject()
                                .value(QLatin1String("template"))
                                .toObject();
    const QJsonObject tplMeta = tpl.value(QLatin1String("metadata")).toObject();
    QString rev = tplMeta.value(QLatin1String("annotations")).toObject().value(key).toString();
    if (rev.isEmpty())
        rev = tplMeta.value(QLatin1String("labels")).toObject().value(key).toString();
    rev = rev.trimmed().toLower();
    if (!sha.match(rev).hasMatch())
        return false;
    const QJsonArray containers =
        tpl.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    QString img;
    for (const auto &cv : containers)
        if (str(cv.toObject(), QLatin1String("name")) == container)
            img = str(cv.toObject(), QLatin1String("image"));
    if (img.isEmpty() && !containers.isEmpty())
        img = str(containers.first().toObject(), QLatin1String("image"));
    *image = img;
    *revision = rev;
    return true;
}

QJsonObject parseResourceEnvelope(const QByteArray &body, QString *error)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error =
            QStringLiteral("the resource reply is not a JSON object (%1)").arg(err.errorString());
        return {};
    }
    const QByteArray manifest = doc.object().value(QLatin1String("manifest")).toString().toUtf8();
    const QJsonDocument m = QJsonDocument::fromJson(manifest, &err);
    if (err.error != QJsonParseError::NoError || !m.isObject()) {
        *error = QStringLiteral("its manifest is not a JSON object (%1)").arg(err.errorString());
        return {};
    }
    return m.object();
}

QString SyncWindows::activeDenyText() const
{
    QStringList parts;
    for (const auto &w : active)
        if (w.kind == QLatin1String("deny"))
            parts << QStringLiteral("deny window '%1' for %2%3")
                         .arg(w.schedule, w.duration,
                              w.manualSync ? QStringLiteral(" (manual syncs allowed)") : QString());
    return parts.join(QStringLiteral("; "));
}

namespace {

QList<SyncWindow> windowsOf(const QJsonValue &v)
{
    QList<SyncWindow> out;
    for (const auto &wv : v.toArray()) {
        const QJsonObject w = wv.toObject();
        out << SyncWindow{str(w, QLatin1String("kind")), str(w, QLatin1String("schedule")),
                          str(w, QLatin1String("duration")),
                          w.value(QLatin1String("manualSync")).toBool()};
    }
    return out;
}

} // namespace

SyncWindows parseSyncWindows(const QByteArray &body, QString *error)
{
    SyncWindows out;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("sync windows are not a JSON object (%1)").arg(err.errorString());
        return out;
    }
    const QJsonObject o = doc.object();
    out.known = true;
    out.active = windowsOf(o.value(QLatin1String("activeWindows")));
    out.assigned = windowsOf(o.value(QLatin1String("assignedWindows")));
    // protobuf JSON omits false: a missing canSync means syncs are blocked, unless nothing is
    // active at all (an empty reply from a server that leaves the field out)
    const QJsonValue canSync = o.value(QLatin1String("canSync"));
    out.canSync = canSync.isBool() ? canSync.toBool() : out.activeDenyText().isEmpty();
    return out;
}

QList<ProjectWindow> parseProjectSyncWindows(const QByteArray &body, QString *error)
{
    QList<ProjectWindow> out;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("project sync windows are not a JSON object (%1)")
                     .arg(err.errorString());
        return out;
    }
    const auto strings = [](const QJsonValue &v) {
        QStringList l;
        for (const auto &x : v.toArray())
            l << x.toString();
        return l;
    };
    const auto compile = [](const QStringList &globs) {
        QList<QRegularExpression> out;
        for (const auto &g : globs)
            out << QRegularExpression(
                QRegularExpression::anchoredPattern(QRegularExpression::wildcardToRegularExpression(
                    g, QRegularExpression::UnanchoredWildcardConversion)));
        return out;
    };
    for (const auto &wv : doc.object().value(QLatin1String("windows")).toArray()) {
        const QJsonObject w = wv.toObject();
        ProjectWindow pw;
        pw.kind = str(w, QLatin1String("kind"));
        pw.applications = strings(w.value(QLatin1String("applications")));
        pw.namespaces = strings(w.value(QLatin1String("namespaces")));
        pw.clusters = strings(w.value(QLatin1String("clusters")));
        pw.andOperator = w.value(QLatin1String("andOperator")).toBool();
        pw.applicationPatterns = compile(pw.applications);
        pw.namespacePatterns = compile(pw.namespaces);
        pw.clusterPatterns = compile(pw.clusters);
        out << pw;
    }
    return out;
}

bool windowApplies(const ProjectWindow &w, const AppState &app)
{
    const auto any = [](const QList<QRegularExpression> &patterns, const QString &value) {
        for (const auto &re : patterns)
            if (re.match(value).hasMatch())
                return true;
        return false;
    };
    int tests = 0, passed = 0;
    const auto test = [&](const QList<QRegularExpression> &patterns, const QString &value) {
        if (patterns.isEmpty())
            return;
        ++tests;
        passed += any(patterns, value) ? 1 : 0;
    };
    test(w.applicationPatterns, app.name);
    test(w.namespacePatterns, app.destNamespace);
    test(w.clusterPatterns, app.destServer);
    if (tests == 0)
        return false;
    return w.andOperator ? passed == tests : passed > 0;
}

ResourceTree parseResourceTree(const QByteArray &body, QString *error)
{
    ResourceTree tree;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("resource tree is not JSON (%1)").arg(err.errorString());
        return tree;
    }
    const QJsonArray nodes = doc.object().value(QLatin1String("nodes")).toArray();
    QStringList rolloutNames;
    for (const auto &nv : nodes) {
        const QJsonObject n = nv.toObject();
        if (str(n, QLatin1String("kind")) == QLatin1String("Rollout") &&
            str(n, QLatin1String("group")) == QLatin1String("argoproj.io")) {
            ResourceRef r{QStringLiteral("argoproj.io"), str(n, QLatin1String("version")),
                          QStringLiteral("Rollout"), str(n, QLatin1String("namespace")),
                          str(n, QLatin1String("name"))};
            if (r.version.isEmpty())
                r.version = QStringLiteral("v1alpha1");
            tree.rollouts << r;
        }
    }
    for (const auto &nv : nodes) {
        const QJsonObject n = nv.toObject();
        if (str(n, QLatin1String("kind")) != QLatin1String("ReplicaSet"))
            continue;
        const QString name = str(n, QLatin1String("name"));
        QString owner;
        for (const auto &pv : n.value(QLatin1String("parentRefs")).toArray()) {
            const QJsonObject p = pv.toObject();
            if (str(p, QLatin1String("kind")) == QLatin1String("Rollout"))
                owner = str(p, QLatin1String("name"));
        }
        if (owner.isEmpty() || !name.startsWith(owner + QLatin1Char('-')))
            continue;
        const QJsonArray images = n.value(QLatin1String("images")).toArray();
        if (!images.isEmpty())
            tree.imageByPodHash.insert(name.mid(owner.size() + 1), images.first().toString());
    }
    return tree;
}

RolloutDetails parseRolloutManifest(const QJsonObject &m,
                                    const QHash<QString, QString> &imageByPodHash)
{
    RolloutDetails d;
    Rollout &r = d.rollout;
    const QJsonObject meta = m.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = m.value(QLatin1String("spec")).toObject();
    r.name = str(meta, QLatin1String("name"));
    r.nameSpace = str(meta, QLatin1String("namespace"));
    const QString where =
        QStringLiteral("rollout %1").arg(r.name.isEmpty() ? QStringLiteral("(unnamed)") : r.name);
    if (m.value(QLatin1String("kind")).toString() != QLatin1String("Rollout"))
        d.problems.append({where, QStringLiteral("the live object is not a Rollout (kind '%1')")
                                      .arg(m.value(QLatin1String("kind")).toString())});

    const QJsonObject strategy = spec.value(QLatin1String("strategy")).toObject();
    if (strategy.contains(QLatin1String("canary"))) {
        r.strategy = QStringLiteral("canary");
        const QJsonArray steps = strategy.value(QLatin1String("canary"))
                                     .toObject()
                                     .value(QLatin1String("steps"))
                                     .toArray();
        for (int i = 0; i < steps.size(); ++i)
            r.steps << parseStep(steps.at(i).toObject(), i, where, &d.problems);
    } else if (strategy.contains(QLatin1String("blueGreen"))) {
        r.strategy = QStringLiteral("blueGreen");
    } else {
        d.problems.append(
            {where, QStringLiteral("spec.strategy names neither canary nor blueGreen")});
    }
    d.specPaused = spec.value(QLatin1String("paused")).toBool();
    d.restartAt = str(spec, QLatin1String("restartAt"));
    QString templateImage;
    const QJsonArray containers = spec.value(QLatin1String("template"))
                                      .toObject()
                                      .value(QLatin1String("spec"))
                                      .toObject()
                                      .value(QLatin1String("containers"))
                                      .toArray();
    if (!containers.isEmpty())
        templateImage = containers.first().toObject().value(QLatin1String("image")).toString();
    podTemplateRevision(m, r.name, &d.podImage, &d.podRevision);

    const QJsonValue statusValue = m.value(QLatin1String("status"));
    const QJsonObject status = statusValue.toObject();
    if (!statusValue.isObject() || status.isEmpty())
        d.problems.append({where, QStringLiteral("no status yet (the Rollouts controller has not "
                                                 "reconciled it); step and weights unknown")});
    const QJsonObject canary = status.value(QLatin1String("canary")).toObject();
    d.observedGeneration = textOf(status.value(QLatin1String("observedGeneration")));
    d.stableHash = str(status, QLatin1String("stableRS"));
    if (d.stableHash.isEmpty())
        d.stableHash = str(canary, QLatin1String("stableRS")); // before rollouts v1.0
    d.canaryHash = str(status, QLatin1String("currentPodHash"));
    const QJsonValue stepIndex = status.value(QLatin1String("currentStepIndex"));
    if (stepIndex.isDouble())
        r.currentStepIndex = stepIndex.toInt();
    else if (!stepIndex.isUndefined() && !stepIndex.isNull())
        d.problems.append({where, QStringLiteral("status.currentStepIndex is not a number")});
    else if (!r.steps.isEmpty() && !status.isEmpty())
        r.currentStepIndex = 0;

    r.aborted = status.value(QLatin1String("abort")).toBool();
    QStringList reasons;
    for (const auto &pv : status.value(QLatin1String("pauseConditions")).toArray()) {
        const QJsonObject p = pv.toObject();
        reasons << str(p, QLatin1String("reason"));
        const QDateTime since = timeOf(p.value(QLatin1String("startTime")));
        if (since.isValid() && (!d.pausedSince.isValid() || since < d.pausedSince))
            d.pausedSince = since;
    }
    if (d.specPaused)
        reasons << QStringLiteral("paused by a user (spec.paused)");
    r.pauseReasons = reasons;
    r.paused = d.specPaused || !reasons.isEmpty() ||
               status.value(QLatin1String("controllerPause")).toBool();
    r.fullyPromoted = !d.stableHash.isEmpty() && d.stableHash == d.canaryHash;

    const QJsonObject weights = canary.value(QLatin1String("weights")).toObject();
    if (!weights.isEmpty()) {
        r.canaryWeight = weights.value(QLatin1String("canary"))
                             .toObject()
                             .value(QLatin1String("weight"))
                             .toInt();
        r.stableWeight = weights.value(QLatin1String("stable"))
                             .toObject()
                             .value(QLatin1String("weight"))
                             .toInt(100 - r.canaryWeight);
    } else if (r.fullyPromoted || r.aborted || r.currentStepIndex < 0) {
        r.canaryWeight = 0;
        r.stableWeight = 100;
    } else {
        // Without a traffic router the split is the last setWeight at or before the index.
        int w = 0;
        const int last = std::min<int>(r.currentStepIndex, int(r.steps.size()) - 1);
        for (int i = 0; i <= last; ++i)
            if (r.steps.at(i).kind == RolloutStep::Kind::SetWeight)
                w = r.steps.at(i).weight;
        r.canaryWeight = w;
        r.stableWeight = 100 - w;
    }

    const QString phase = str(status, QLatin1String("phase"));
    r.message = str(status, QLatin1String("message"));
    if (!phase.isEmpty()) {
        r.phase = rolloutPhaseFromString(phase);
        if (r.phase == RolloutPhase::Unknown && phase != QLatin1String("Unknown"))
            d.problems.append({where, QStringLiteral("unknown phase '%1'").arg(phase)});
    } else if (!status.isEmpty()) {
        // Before rollouts v1.0 there is no phase: derive it from the flags.
        r.phase = r.aborted         ? RolloutPhase::Degraded
                  : r.paused        ? RolloutPhase::Paused
                  : r.fullyPromoted ? RolloutPhase::Healthy
                                    : RolloutPhase::Progressing;
    }

    const QJsonObject stepRun =
        canary.value(QLatin1String("currentStepAnalysisRunStatus")).toObject();
    const QJsonObject bgRun =
        canary.value(QLatin1String("currentBackgroundAnalysisRunStatus")).toObject();
    const QJsonObject run = !stepRun.isEmpty() ? stepRun : bgRun;
    if (!run.isEmpty()) {
        r.analysisStatus = str(run, QLatin1String("status"));
        const QString msg = str(run, QLatin1String("message"));
        if (!msg.isEmpty())
            r.analysisStatus += QStringLiteral(": ") + msg;
    }

    const QString canaryImage = imageByPodHash.value(d.canaryHash, templateImage);
    r.canaryVersion = imageTag(canaryImage.isEmpty() ? templateImage : canaryImage);
    if (r.fullyPromoted)
        r.stableVersion = r.canaryVersion;
    else
        r.stableVersion = imageTag(imageByPodHash.value(d.stableHash));
    return d;
}

RolloutDetails parseRolloutResource(const QByteArray &body,
                                    const QHash<QString, QString> &imageByPodHash)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    RolloutDetails bad;
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        bad.problems.append(
            {QStringLiteral("rollout"),
             QStringLiteral("resource reply is not JSON (%1)").arg(err.errorString())});
        return bad;
    }
    const QJsonValue manifest = doc.object().value(QLatin1String("manifest"));
    QJsonObject object;
    if (manifest.isString()) {
        const QJsonDocument inner = QJsonDocument::fromJson(manifest.toString().toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !inner.isObject()) {
            bad.problems.append(
                {QStringLiteral("rollout"),
                 QStringLiteral("manifest is not JSON (%1)").arg(err.errorString())});
            return bad;
        }
        object = inner.object();
    } else if (manifest.isObject()) {
        object = manifest.toObject();
    } else {
        bad.problems.append(
            {QStringLiteral("rollout"), QStringLiteral("resource reply has no manifest")});
        return bad;
    }
    return parseRolloutManifest(object, imageByPodHash);
}

QList<RolloutAction> parseResourceActions(const QByteArray &body, QString *error)
{
    QList<RolloutAction> out;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("actions list is not JSON (%1)").arg(err.errorString());
        return out;
    }
    for (const auto &av : doc.object().value(QLatin1String("actions")).toArray()) {
        const QJsonObject a = av.toObject();
        const QString name = str(a, QLatin1String("name"));
        if (name.isEmpty())
            continue;
        // proto3 JSON leaves out false booleans: a missing flag means enabled.
        out << RolloutAction{name, a.value(QLatin1String("disabled")).toBool(false)};
    }
    std::sort(out.begin(), out.end(),
              [](const RolloutAction &x, const RolloutAction &y) { return x.name < y.name; });
    return out;
}

bool parseServerVersion(const QByteArray &body, int *major, int *minor, QString *text)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString v = o.value(QLatin1String("Version")).toString();
    static const QRegularExpression re(QStringLiteral("^v?(\\d+)\\.(\\d+)"));
    const auto m = re.match(v);
    if (!m.hasMatch())
        return false;
    *major = m.captured(1).toInt();
    *minor = m.captured(2).toInt();
    if (text)
        *text = v;
    return true;
}

QString errorMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        QString msg = o.value(QLatin1String("message")).toString();
        if (msg.isEmpty())
            msg = o.value(QLatin1String("error")).toString();
        if (!msg.isEmpty())
            return msg;
    }
    return QString::fromUtf8(body.left(300)).trimmed();
}

namespace {

// A *State field of managed-resources: a JSON string holding a manifest. "" and "null" mean
// there is no such object (not in Git, or not in the cluster); anything else must be an object.
bool parseStateString(const QJsonValue &value, QJsonObject *out, QString *why)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        *why = QStringLiteral("is not a JSON string");
        return false;
    }
    const QString text = value.toString();
    if (text.isEmpty() || text == QLatin1String("null"))
        return true;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError) {
        *why = QStringLiteral("is not valid JSON (%1 at offset %2)")
                   .arg(err.errorString())
                   .arg(err.offset);
        return false;
    }
    if (!doc.isObject()) {
        *why = QStringLiteral("is not a JSON object");
        return false;
    }
    *out = doc.object();
    return true;
}

} // namespace

QList<ManagedResource>
parseManagedResources(const QByteArray &body, const QString &application, QString *error)
{
    QList<ManagedResource> out;
    QJsonParseError err;
    QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("managed resources of application %1 are not a JSON object (%2)")
                     .arg(application, err.error != QJsonParseError::NoError
                                           ? err.errorString()
                                           : QStringLiteral("other JSON"));
        return out;
    }
    // protobuf JSON leaves an empty list out: {} is an application that manages nothing
    const QJsonArray items = doc.object().value(QLatin1String("items")).toArray();
    doc = QJsonDocument(); // the items array shares the data; drop the document's own reference
    out.reserve(items.size());
    for (const auto &iv : items) {
        const QJsonObject item = iv.toObject();
        ManagedResource r;
        r.group = str(item, QLatin1String("group"));
        r.kind = str(item, QLatin1String("kind"));
        r.ns = str(item, QLatin1String("namespace"));
        r.name = str(item, QLatin1String("name"));
        r.modified = item.value(QLatin1String("modified")).toBool();
        const QString where =
            QStringLiteral("application %1, resource %2%3 %4")
                .arg(application, r.group.isEmpty() ? QString() : r.group + QLatin1Char('/'),
                     r.kind, r.ns.isEmpty() ? r.name : r.ns + QLatin1Char('/') + r.name);
        QStringList problems;
        QString why;
        if (!parseStateString(item.value(QLatin1String("targetState")), &r.desired, &why))
            problems << QStringLiteral("targetState %1").arg(why);
        // The normalized state is what Argo CD diffs (ignoreDifferences applied); the raw
        // live state stands in when it is absent or unreadable.
        const QJsonValue normalized = item.value(QLatin1String("normalizedLiveState"));
        bool haveLive = false;
        if (normalized.isString() && !normalized.toString().isEmpty() &&
            normalized.toString() != QLatin1String("null")) {
            if (parseStateString(normalized, &r.live, &why))
                haveLive = true;
            else
                problems << QStringLiteral("normalizedLiveState %1").arg(why);
        }
        if (!haveLive && !parseStateString(item.value(QLatin1String("liveState")), &r.live, &why))
            problems << QStringLiteral("liveState %1").arg(why);
        if (!problems.isEmpty())
            r.error = QStringLiteral("%1: %2").arg(where, problems.join(QStringLiteral("; ")));
        out << r;
    }
    return out;
}

} // namespace fd::argocd
