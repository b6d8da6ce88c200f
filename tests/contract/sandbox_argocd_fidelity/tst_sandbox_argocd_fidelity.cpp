// Sweeps every Argo CD JSON endpoint the demo scenario serves, for both API generations the
// sandbox simulates, records each body as a sample keyed by the Swagger templated path, and
// validates them with the GitHub sweep's validate.mjs against the matching vendor document.
// The first SSE watch frames are recorded too: the stream's 200 schema is
// {"result": v1alpha1ApplicationWatchEvent}, so each frame's `result` is checked.

#include "core/sandbox.h"

#include <httplib.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using namespace fd::sandbox;

namespace {

std::string enc(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s)).toStdString();
}

/// Follows $ref chains inside the Swagger document.
QJsonObject resolved(const QJsonObject &spec, QJsonObject schema)
{
    for (int hops = 0; schema.contains(u"$ref"_s) && hops < 10; ++hops) {
        QJsonValue node = spec;
        for (const QString &key : schema[u"$ref"_s].toString().mid(2).split(u'/'))
            node = node[key];
        schema = node.toObject();
    }
    return schema;
}

/// The Swagger schemas leave additionalProperties open, so ajv accepts any misspelt key.
/// This walk reports every body key the document does not declare (maps, declared with
/// additionalProperties, and RawExtension, which is an arbitrary object on the wire, are
/// walked or skipped accordingly).
void undeclaredKeys(const QJsonObject &spec,
                    const QJsonObject &schemaIn,
                    const QJsonValue &body,
                    const QString &where,
                    QStringList *out)
{
    const QJsonObject schema = resolved(spec, schemaIn);
    if (schemaIn[u"$ref"_s].toString().endsWith(u"/runtimeRawExtension"_s))
        return;
    if (body.isArray()) {
        for (qsizetype i = 0; i < body.toArray().size(); ++i)
            undeclaredKeys(spec, schema[u"items"_s].toObject(), body.toArray()[i],
                           u"%1[%2]"_s.arg(where).arg(i), out);
        return;
    }
    if (!body.isObject())
        return;
    // an embedded Go struct (ResourceNode's ResourceRef) arrives as allOf beside properties
    QJsonObject props = schema[u"properties"_s].toObject();
    for (const QJsonValue &part : schema[u"allOf"_s].toArray()) {
        const QJsonObject partProps = resolved(spec, part.toObject())[u"properties"_s].toObject();
        for (auto it = partProps.begin(); it != partProps.end(); ++it)
            props.insert(it.key(), it.value());
    }
    const QJsonObject o = body.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString at = where + u'.' + it.key();
        if (props.contains(it.key()))
            undeclaredKeys(spec, props[it.key()].toObject(), it.value(), at, out);
        else if (schema[u"additionalProperties"_s].isObject())
            undeclaredKeys(spec, schema[u"additionalProperties"_s].toObject(), it.value(), at, out);
        else if (!schema.contains(u"additionalProperties"_s) && !props.isEmpty())
            out->append(at + u" is not in the document"_s);
    }
}

} // namespace

class TestSandboxArgoCdFidelity : public QObject
{
    Q_OBJECT

    std::unique_ptr<httplib::Client> m_c;
    httplib::Headers m_auth;
    std::unique_ptr<QTemporaryDir> m_samples;
    int m_count = 0;
    QSet<QString> m_templates;
    QStringList m_statusProblems;

    void writeSample(const char *method, const QString &templ, int status, const QJsonValue &body)
    {
        const QJsonObject sample{{u"method"_s, QLatin1String(method)},
                                 {u"path"_s, templ},
                                 {u"status"_s, status},
                                 {u"body"_s, body}};
        QFile f(m_samples->filePath(u"%1.json"_s.arg(++m_count, 4, 10, QLatin1Char('0'))));
        if (f.open(QIODevice::WriteOnly))
            f.write(QJsonDocument(sample).toJson());
        m_templates.insert(u"%1 %2 %3"_s.arg(QLatin1String(method), templ).arg(status));
    }

    /// Requests @p path, records the body under @p templ; returns the body as JSON. A status
    /// other than @p expected is collected as a failure: the sweep must reach every shape.
    QJsonDocument record(const char *method,
                         const QString &templ,
                         const std::string &path,
                         int expected,
                         const std::string &body = std::string(),
                         const httplib::Headers *headers = nullptr)
    {
        const httplib::Headers &h = headers ? *headers : m_auth;
        const QByteArray m(method);
        httplib::Result r = m == "GET"      ? m_c->Get(path.c_str(), h)
                            : m == "DELETE" ? m_c->Delete(path.c_str(), h)
                                            : m_c->Post(path.c_str(), h, body, "application/json");
        if (!r) {
            m_statusProblems.append(
                u"%1 %2: no response"_s.arg(QLatin1String(method), QString::fromStdString(path)));
            return {};
        }
        if (r->status != expected)
            m_statusProblems.append(u"%1 %2: status %3, expected %4 (%5)"_s
                                        .arg(QLatin1String(method), QString::fromStdString(path))
                                        .arg(r->status)
                                        .arg(expected)
                                        .arg(QString::fromStdString(r->body).left(200)));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r->body), &pe);
        if (pe.error != QJsonParseError::NoError)
            m_statusProblems.append(u"%1 %2: body is not JSON: %3"_s.arg(
                QLatin1String(method), QString::fromStdString(path), pe.errorString()));
        writeSample(method, templ, r->status,
                    doc.isArray()    ? QJsonValue(doc.array())
                    : doc.isObject() ? QJsonValue(doc.object())
                                     : QJsonValue());
        return doc;
    }

    /// Reads the SSE watch stream until one ADDED frame per app arrived (or 5 s passed) and
    /// records each frame. Returns the number of frames.
    int recordStream(int wanted)
    {
        httplib::Headers h = m_auth;
        h.emplace("Accept", "text/event-stream");
        QByteArray buffer;
        int frames = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        m_c->Get("/api/v1/stream/applications", h, [&](const char *data, size_t n) {
            buffer.append(data, qsizetype(n));
            qsizetype end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
                const QByteArray frame = buffer.left(end).trimmed();
                buffer.remove(0, end + 2);
                if (frame.isEmpty() || frame.startsWith(':'))
                    continue; // keep-alive comment or grpc-gateway's extra delimiter
                if (!frame.startsWith("data:")) {
                    m_statusProblems.append(
                        u"SSE frame without data: %1"_s.arg(QString::fromUtf8(frame.left(80))));
                    continue;
                }
                QJsonParseError pe;
                const QJsonDocument doc = QJsonDocument::fromJson(frame.mid(5).trimmed(), &pe);
                if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                    m_statusProblems.append(
                        u"SSE frame is not a JSON object: %1"_s.arg(pe.errorString()));
                    continue;
                }
                const QString type = doc[u"result"_s][u"type"_s].toString();
                if (type != u"ADDED"_s)
                    m_statusProblems.append(u"SSE snapshot frame of type '%1'"_s.arg(type));
                writeSample("GET", u"/api/v1/stream/applications"_s, 200, doc.object());
                ++frames;
            }
            return frames < wanted && std::chrono::steady_clock::now() < deadline;
        });
        return frames;
    }

    /// Runs validate.mjs over the samples; every failing line is printed.
    void validate(const QString &spec)
    {
        QVERIFY2(QFileInfo::exists(QStringLiteral(FD_VALIDATOR_MODULES)),
                 "the validator's npm dependencies are missing: configure sandbox_fidelity "
                 "(it runs npm ci into its build folder)");
        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(QStringLiteral(FD_NODE),
                   {QStringLiteral(FD_VALIDATOR), u"--spec"_s,
                    QStringLiteral(FD_TEST_DATA_DIR) + u"/argocd/"_s + spec,
                    u"--samples"_s, m_samples->path()});
        QVERIFY2(node.waitForStarted(10000),
                 "node is not installed (needed for the fidelity sweep)");
        QVERIFY(node.waitForFinished(60000));
        const QByteArray out = node.readAll();
        for (const QByteArray &line : out.split('\n'))
            if (!line.isEmpty())
                qInfo("%s", line.constData());
        QVERIFY2(out.contains("validated"), out.constData());
        QCOMPARE(node.exitCode(), 0);
    }

    /// Every sample's body keys must be declared by the document's response schema.
    void checkDeclaredKeys(const QString &spec)
    {
        QFile f(QStringLiteral(FD_TEST_DATA_DIR) + u"/argocd/"_s + spec);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        QStringList problems;
        for (const QFileInfo &fi :
             QDir(m_samples->path()).entryInfoList({u"*.json"_s}, QDir::Files, QDir::Name)) {
            QFile sf(fi.filePath());
            QVERIFY(sf.open(QIODevice::ReadOnly));
            const QJsonObject sample = QJsonDocument::fromJson(sf.readAll()).object();
            const QJsonObject responses =
                doc[u"paths"_s][sample[u"path"_s].toString()]
                   [sample[u"method"_s].toString().toLower()][u"responses"_s]
                       .toObject();
            const QString code = QString::number(sample[u"status"_s].toInt());
            const QJsonObject response = resolved(
                doc, responses.value(responses.contains(code) ? code : u"default"_s).toObject());
            QStringList found;
            undeclaredKeys(doc, response[u"schema"_s].toObject(), sample[u"body"_s], u"body"_s,
                           &found);
            for (const QString &p : std::as_const(found))
                problems.append(u"%1 %2 %3 %4: %5"_s.arg(fi.fileName(),
                                                         sample[u"method"_s].toString(),
                                                         sample[u"path"_s].toString(), code, p));
        }
        problems.removeDuplicates();
        for (const QString &p : std::as_const(problems))
            qWarning("UNDECLARED %s", qPrintable(p));
        QVERIFY2(problems.isEmpty(), "bodies carry keys the Swagger document does not declare");
    }

private Q_SLOTS:
    void argocdBodiesMatchTheSwaggerDocument_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("spec");
        QTest::newRow("3.5") << u"3.5"_s << u"swagger.v3.5.1.json"_s;
        QTest::newRow("2.14") << u"2.14"_s << u"swagger.v2.14.21.json"_s;
    }

    void argocdBodiesMatchTheSwaggerDocument()
    {
        QFETCH(QString, version);
        QFETCH(QString, spec);
        m_samples = std::make_unique<QTemporaryDir>();
        QVERIFY(m_samples->isValid());
        m_count = 0;
        m_templates.clear();
        m_statusProblems.clear();

        Options o;
        o.epochMs = 1'795'672'800'000;
        o.clockSpeed = 0;
        o.argocdVersion = version;
        Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        m_c = std::make_unique<httplib::Client>("127.0.0.1", sb.port(u"argocd"_s));
        m_c->set_read_timeout(5, 0);
        m_c->set_connection_timeout(2, 0);
        const QJsonObject creds = sb.backend(u"argocd"_s)->credentials();
        m_auth = {{"Authorization", "Bearer " + creds[u"token"_s].toString().toStdString()}};
        const httplib::Headers anonymous;
        const httplib::Headers forged{{"Authorization", "Bearer not.a.token"}};
        const bool v3 = version == u"3.5"_s;

        // Version and session.
        const QJsonDocument ver = record("GET", u"/api/version"_s, "/api/version", 200);
        QCOMPARE(ver[u"Version"_s].toString().startsWith(v3 ? u"v3.5."_s : u"v2.14."_s), true);
        record("GET", u"/api/version"_s, "/api/version", 200, {}, &anonymous);
        const std::string login = QJsonDocument(QJsonObject{{u"username"_s, creds[u"username"_s]},
                                                            {u"password"_s, creds[u"password"_s]}})
                                      .toJson(QJsonDocument::Compact)
                                      .toStdString();
        const QJsonDocument session =
            record("POST", u"/api/v1/session"_s, "/api/v1/session", 200, login, &anonymous);
        QVERIFY(!session[u"token"_s].toString().isEmpty());
        record("POST", u"/api/v1/session"_s, "/api/v1/session", 401,
               R"({"username":"admin","password":"wrong"})", &anonymous);
        record("POST", u"/api/v1/session"_s, "/api/v1/session", 400, "{not json", &anonymous);
        record("GET", u"/api/v1/session/userinfo"_s, "/api/v1/session/userinfo", 200);
        record("GET", u"/api/v1/session/userinfo"_s, "/api/v1/session/userinfo", 200, {},
               &anonymous);
        const httplib::Headers sessionAuth{
            {"Authorization", "Bearer " + session[u"token"_s].toString().toStdString()}};
        record("DELETE", u"/api/v1/session"_s, "/api/v1/session", 200, {}, &sessionAuth);

        // The list, whole and projected, and its auth errors.
        const QString L = u"/api/v1/applications"_s;
        const QJsonArray apps = record("GET", L, "/api/v1/applications", 200)[u"items"_s].toArray();
        QVERIFY(apps.size() >= 3);
        record("GET", L,
               "/api/v1/applications?fields=" +
                   enc(u"metadata.resourceVersion,items.metadata.name,items.spec.project,"
                       "items.status.sync.status,items.status.health,"
                       "items.status.operationState.phase"_s),
               200);
        record("GET", L, "/api/v1/applications?fields=" + enc(u"-items.status.resources"_s), 200);
        record("GET", L, "/api/v1/applications?selector=" + enc(u"no-such-label"_s), 200);
        record("GET", L, "/api/v1/applications", 401, {}, &anonymous);
        record("GET", L, "/api/v1/applications", 401, {}, &forged);

        // Every app: itself, its tree, its managed resources, each resource and its actions.
        const QString A = L + u"/{name}"_s;
        QString canary, manualApp;
        qint64 manualHistoryId = -1;
        QString manualProject;
        for (const QJsonValue &v : apps) {
            const QString name = v[u"metadata"_s][u"name"_s].toString();
            const std::string base = "/api/v1/applications/" + enc(name);
            const QJsonDocument app = record("GET", A, base, 200);
            record("GET", A, base + "?project=" + enc(app[u"spec"_s][u"project"_s].toString()),
                   200);
            record("GET", A + u"/syncwindows"_s, base + "/syncwindows", 200);
            record("GET", u"/api/v1/projects/{name}/syncwindows"_s,
                   "/api/v1/projects/" + enc(app[u"spec"_s][u"project"_s].toString()) +
                       "/syncwindows",
                   200);
            record("GET", L + u"/{applicationName}/resource-tree"_s, base + "/resource-tree", 200);
            const QJsonArray managed = record("GET", L + u"/{applicationName}/managed-resources"_s,
                                              base + "/managed-resources", 200)[u"items"_s]
                                           .toArray();
            QVERIFY2(!managed.isEmpty(), qPrintable(name));
            for (const QJsonValue &m : managed) {
                const QString kind = m[u"kind"_s].toString();
                const std::string query = "?namespace=" + enc(m[u"namespace"_s].toString()) +
                                          "&resourceName=" + enc(m[u"name"_s].toString()) +
                                          "&group=" + enc(m[u"group"_s].toString()) +
                                          "&kind=" + enc(kind) + "&version=v1";
                record("GET", A + u"/resource"_s, base + "/resource" + query, 200);
                record("GET", A + u"/resource/actions"_s, base + "/resource/actions" + query, 200);
                if (kind == u"Rollout"_s && canary.isEmpty())
                    canary = name;
            }
            const QJsonArray history = app[u"status"_s][u"history"_s].toArray();
            if (manualApp.isEmpty() &&
                !app[u"spec"_s][u"syncPolicy"_s][u"automated"_s].isObject() && !history.isEmpty() &&
                !app[u"status"_s][u"operationState"_s][u"phase"_s].toString().contains(
                    u"Running"_s)) {
                manualApp = name;
                manualProject = app[u"spec"_s][u"project"_s].toString();
                manualHistoryId = history.first()[u"id"_s].toVariant().toLongLong();
            }
        }
        QVERIFY2(!canary.isEmpty(), "the demo scenario has no Rollout-backed app");
        QVERIFY2(!manualApp.isEmpty(), "the demo scenario has no manual-sync app with history");

        // Error bodies: unknown app (hidden as 403, or 404 with a project), foreign project,
        // unknown resource, no auth.
        const std::string nope = "/api/v1/applications/no-such-app";
        record("GET", A, nope, 403);
        record("GET", A, nope + "?project=default", 404);
        record("GET", A,
               "/api/v1/applications/" + enc(manualApp) + "?project=not-" + enc(manualProject),
               403);
        record("GET", A, "/api/v1/applications/" + enc(manualApp), 401, {}, &anonymous);
        record("GET", L + u"/{applicationName}/resource-tree"_s, nope + "/resource-tree", 403);
        record("GET", L + u"/{applicationName}/managed-resources"_s, nope + "/managed-resources",
               403);
        const std::string manual = "/api/v1/applications/" + enc(manualApp);
        record("GET", A + u"/resource"_s, manual + "/resource?kind=ConfigMap&resourceName=nope",
               404);
        record("GET", A + u"/resource/actions"_s,
               manual + "/resource/actions?kind=ConfigMap&resourceName=nope", 404);
        record("GET", L + u"/{applicationName}/resource-tree"_s, manual + "/resource-tree", 401, {},
               &anonymous);

        // Rollout actions: v1 (body is the action name) and, on 3.x, v2; then an unknown action.
        const std::string rollout = "/api/v1/applications/" + enc(canary);
        const QJsonArray actions = QJsonDocument::fromJson(QByteArray::fromStdString(
            m_c->Get((rollout + "/resource/actions?kind=Rollout&group=argoproj.io").c_str(), m_auth)
                ->body))[u"actions"_s]
                                       .toArray();
        QString enabled;
        for (const QJsonValue &a : actions)
            if (!a[u"disabled"_s].toBool() && a[u"name"_s].toString() == u"restart"_s)
                enabled = a[u"name"_s].toString();
        QVERIFY2(!enabled.isEmpty(), "the canary's Rollout offers no enabled restart action");
        record("POST", A + u"/resource/actions"_s,
               rollout + "/resource/actions?kind=Rollout&group=argoproj.io", 200,
               "\"" + enabled.toStdString() + "\"");
        record("POST", A + u"/resource/actions"_s,
               rollout + "/resource/actions?kind=Rollout&group=argoproj.io", 400,
               "\"no-such-action\"");
        record("POST", A + u"/resource/actions"_s,
               rollout + "/resource/actions?kind=ConfigMap&resourceName=nope", 404, "\"restart\"");
        if (v3) {
            const std::string v2 = QJsonDocument(QJsonObject{{u"kind"_s, u"Rollout"_s},
                                                             {u"group"_s, u"argoproj.io"_s},
                                                             {u"action"_s, enabled}})
                                       .toJson(QJsonDocument::Compact)
                                       .toStdString();
            record("POST", A + u"/resource/actions/v2"_s, rollout + "/resource/actions/v2", 200,
                   v2);
            record("POST", A + u"/resource/actions/v2"_s, rollout + "/resource/actions/v2", 400,
                   "[");
        }

        // Rollback and sync responses and their errors, on the manual-sync app.
        record("POST", A + u"/rollback"_s, manual + "/rollback", 400, R"({"id":987654})");
        record("POST", A + u"/rollback"_s, manual + "/rollback", 400, "{broken");
        record("POST", A + u"/rollback"_s, manual + "/rollback", 200,
               "{\"id\":" + std::to_string(manualHistoryId) + "}");
        record("POST", A + u"/sync"_s, manual + "/sync", 400, "{}"); // rollback still running
        record("DELETE", A + u"/operation"_s, manual + "/operation", 200);
        record("DELETE", A + u"/operation"_s, manual + "/operation", 400);
        record("POST", A + u"/sync"_s, manual + "/sync", 400, R"({"revision":"no-such-revision"})");
        record("POST", A + u"/sync"_s, manual + "/sync", 400, "{broken");
        record("POST", A + u"/sync"_s, manual + "/sync", 200,
               R"({"revision":"HEAD","prune":false})");
        record("POST", A + u"/sync"_s, nope + "/sync", 403, "{}");
        record("POST", A + u"/sync"_s, manual + "/sync", 401, "{}", &anonymous);
        record("GET", A, manual, 200); // the app with its operation running

        // The watch stream's snapshot: one ADDED frame per app.
        const int frames = recordStream(int(apps.size()));
        QCOMPARE(frames, int(apps.size()));
        record("GET", u"/api/v1/stream/applications"_s,
               "/api/v1/stream/applications?resourceVersion=abc", 400);

        for (const QString &p : std::as_const(m_statusProblems))
            qWarning("%s", qPrintable(p));
        qInfo("Argo CD %s: recorded %d samples over %lld endpoint/status forms",
              qPrintable(version), m_count, qlonglong(m_templates.size()));
        QVERIFY2(m_statusProblems.isEmpty(), "the sweep did not reach every shape (see warnings)");
        QVERIFY(m_templates.size() >= 25);
        validate(spec);
        checkDeclaredKeys(spec);
        sb.stop();
    }
};

QTEST_GUILESS_MAIN(TestSandboxArgoCdFidelity)
#include "tst_sandbox_argocd_fidelity.moc"
