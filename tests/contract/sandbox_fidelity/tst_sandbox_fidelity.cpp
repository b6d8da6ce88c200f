// Sweeps every GitHub endpoint the demo scenario serves, records each body as a sample keyed
// by the OpenAPI templated path, and validates them all with validate.mjs (ajv).

#include "core/sandbox.h"

#include <httplib.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace fd::sandbox;

class TestSandboxFidelity : public QObject
{
    Q_OBJECT

    std::unique_ptr<httplib::Client> m_c;
    httplib::Headers m_auth;
    QTemporaryDir m_samples;
    int m_count = 0;
    QSet<QString> m_templates;

    /// Requests @p path, records the body under @p templ; returns the body as JSON.
    QJsonDocument record(const char *method,
                         const QString &templ,
                         const std::string &path,
                         int expected,
                         const std::string &body = std::string())
    {
        httplib::Result r = QByteArray(method) == "GET"
                                ? m_c->Get(path.c_str(), m_auth)
                                : m_c->Post(path.c_str(), m_auth, body, "application/json");
        if (!r) {
            qWarning("%s %s: no response", method, path.c_str());
            return {};
        }
        if (r->status != expected)
            qWarning("%s %s: status %d, expected %d", method, path.c_str(), r->status, expected);
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r->body));
        QJsonObject sample{
            {u"method"_s, QLatin1String(method)}, {u"path"_s, templ}, {u"status"_s, r->status}};
        sample.insert(u"body"_s, doc.isArray()    ? QJsonValue(doc.array())
                                 : doc.isObject() ? QJsonValue(doc.object())
                                                  : QJsonValue());
        QFile f(m_samples.filePath(u"%1.json"_s.arg(++m_count, 4, 10, QLatin1Char('0'))));
        if (f.open(QIODevice::WriteOnly))
            f.write(QJsonDocument(sample).toJson());
        m_templates.insert(u"%1 %2"_s.arg(QLatin1String(method), templ));
        return doc;
    }

private Q_SLOTS:
    void githubBodiesMatchTheOpenApiDocument()
    {
        QVERIFY(m_samples.isValid());
        Options o;
        o.epochMs = 1'795'672'800'000;
        o.clockSpeed = 0;
        Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        m_c = std::make_unique<httplib::Client>("127.0.0.1", sb.port(u"github"_s));
        m_c->set_read_timeout(5, 0);
        m_auth = {
            {"Authorization",
             "Bearer " +
                 sb.backend(u"github"_s)->credentials()[u"token"_s].toString().toStdString()}};
        const QString R = u"/repos/{owner}/{repo}"_s;

        record("GET", u"/rate_limit"_s, "/rate_limit", 200);
        for (const char *repoName : {"acme/checkout", "acme/payments"}) {
            const std::string repo = std::string("/repos/") + repoName;
            const QJsonArray runs =
                record("GET", R + u"/actions/runs"_s, repo + "/actions/runs?per_page=100",
                       200)[u"workflow_runs"_s]
                    .toArray();
            QVERIFY(!runs.isEmpty());
            const QJsonArray workflows = record("GET", R + u"/actions/workflows"_s,
                                                repo + "/actions/workflows", 200)[u"workflows"_s]
                                             .toArray();
            for (const QJsonValue &w : workflows) {
                const std::string id = std::to_string(w[u"id"_s].toInteger());
                record("GET", R + u"/actions/workflows/{workflow_id}"_s,
                       repo + "/actions/workflows/" + id, 200);
                record("GET", R + u"/actions/workflows/{workflow_id}/runs"_s,
                       repo + "/actions/workflows/" + id + "/runs", 200);
            }
            // Every run, its jobs, one job, attempts, gates and approvals.
            for (const QJsonValue &run : runs) {
                const std::string base =
                    repo + "/actions/runs/" + std::to_string(run[u"id"_s].toInteger());
                record("GET", R + u"/actions/runs/{run_id}"_s, base, 200);
                record("GET", R + u"/actions/runs/{run_id}/attempts/{attempt_number}"_s,
                       base + "/attempts/1", 200);
                const QJsonArray jobs = record("GET", R + u"/actions/runs/{run_id}/jobs"_s,
                                               base + "/jobs", 200)[u"jobs"_s]
                                            .toArray();
                record("GET", R + u"/actions/runs/{run_id}/attempts/{attempt_number}/jobs"_s,
                       base + "/attempts/1/jobs", 200);
                for (const QJsonValue &j : jobs)
                    record("GET", R + u"/actions/jobs/{job_id}"_s,
                           repo + "/actions/jobs/" + std::to_string(j[u"id"_s].toInteger()), 200);
                record("GET", R + u"/actions/runs/{run_id}/pending_deployments"_s,
                       base + "/pending_deployments", 200);
                record("GET", R + u"/actions/runs/{run_id}/approvals"_s, base + "/approvals", 200);
            }
            const QJsonArray deployments =
                record("GET", R + u"/deployments"_s, repo + "/deployments?per_page=100", 200)
                    .array();
            for (const QJsonValue &d : deployments) {
                const std::string base =
                    repo + "/deployments/" + std::to_string(d[u"id"_s].toInteger());
                record("GET", R + u"/deployments/{deployment_id}"_s, base, 200);
                const QJsonArray statuses =
                    record("GET", R + u"/deployments/{deployment_id}/statuses"_s,
                           base + "/statuses", 200)
                        .array();
                for (const QJsonValue &s : statuses)
                    record("GET", R + u"/deployments/{deployment_id}/statuses/{status_id}"_s,
                           base + "/statuses/" + std::to_string(s[u"id"_s].toInteger()), 200);
            }
            const QJsonArray envs = record("GET", R + u"/environments"_s, repo + "/environments",
                                           200)[u"environments"_s]
                                        .toArray();
            for (const QJsonValue &e : envs)
                record("GET", R + u"/environments/{environment_name}"_s,
                       repo + "/environments/" + e[u"name"_s].toString().toStdString(), 200);
        }
        // Mutations and their error shapes.
        const std::string pay = "/repos/acme/payments";
        const QJsonArray waiting = QJsonDocument::fromJson(QByteArray::fromStdString(
            m_c->Get((pay + "/actions/runs?status=waiting").c_str(), m_auth)
                ->body))[u"workflow_runs"_s]
                                       .toArray();
        QCOMPARE(waiting.size(), 1);
        const std::string gated =
            pay + "/actions/runs/" + std::to_string(waiting[0][u"id"_s].toInteger());
        const qint64 envId =
            record("GET", R + u"/actions/runs/{run_id}/pending_deployments"_s,
                   gated + "/pending_deployments", 200)[0][u"environment"_s][u"id"_s]
                .toInteger();
        record("POST", R + u"/actions/runs/{run_id}/pending_deployments"_s,
               gated + "/pending_deployments", 200,
               "{\"environment_ids\":[" + std::to_string(envId) +
                   "],\"state\":\"approved\",\"comment\":\"ok\"}");
        record("POST", R + u"/actions/runs/{run_id}/cancel"_s, gated + "/cancel", 202);
        record("POST", R + u"/actions/runs/{run_id}/cancel"_s, gated + "/cancel", 409);
        record("POST", R + u"/actions/runs/{run_id}/rerun"_s, gated + "/rerun", 201, "{}");
        const QJsonDocument created = record("POST", R + u"/deployments"_s, pay + "/deployments",
                                             201, "{\"ref\":\"main\",\"environment\":\"prod\"}");
        record("POST", R + u"/deployments"_s, pay + "/deployments", 422, "{\"ref\":\"nope\"}");
        record("POST", R + u"/deployments/{deployment_id}/statuses"_s,
               pay + "/deployments/" + std::to_string(created[u"id"_s].toInteger()) + "/statuses",
               201, "{\"state\":\"success\"}");
        record(
            "POST", R + u"/actions/workflows/{workflow_id}/dispatches"_s,
            pay + "/actions/workflows/deploy.yml/dispatches", 200,
            "{\"ref\":\"main\",\"inputs\":{\"environment\":\"prod\"},\"return_run_details\":true}");

        qInfo("recorded %d samples over %lld endpoint forms", m_count,
              qlonglong(m_templates.size()));
        QVERIFY(m_templates.size() >= 20);

        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(QStringLiteral(FD_NODE),
                   {QStringLiteral(FD_VALIDATOR), u"--spec"_s,
                    QStringLiteral(FD_TEST_DATA_DIR) +
                        u"/github/api.github.com.actions-deployments.openapi.json"_s,
                    u"--samples"_s, m_samples.path()});
        QVERIFY2(node.waitForStarted(10000),
                 "node is not installed (needed for the fidelity sweep)");
        QVERIFY(node.waitForFinished(60000));
        const QByteArray out = node.readAll();
        const QList<QByteArray> lines = out.split('\n');
        for (int i = 0; i < std::min<qsizetype>(lines.size(), 60); ++i)
            if (!lines[i].isEmpty())
                qInfo("%s", lines[i].constData());
        QVERIFY2(out.contains("validated"), out.constData());
        QCOMPARE(node.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxFidelity)
#include "tst_sandbox_fidelity.moc"
