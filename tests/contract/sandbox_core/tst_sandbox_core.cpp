// The sandbox core: clock, faults, control API, request log, determinism, ready line,
// workspace file, git repositories and the real executable's lifecycle.

#include "core/sandbox.h"

#include <httplib.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace Qt::StringLiterals;
using namespace fd::sandbox;

namespace {

constexpr qint64 kEpoch = 1'795'672'800'000; // 2026-11-26T06:00:00Z

Options frozen(const QString &scenario = u"demo"_s)
{
    Options o;
    o.scenario = scenario;
    o.seed = 7;
    o.epochMs = kEpoch;
    o.clockSpeed = 0;
    return o;
}

QJsonDocument getJson(int port, const std::string &path)
{
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(5, 0);
    auto r = c.Get(path.c_str());
    return r ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body)) : QJsonDocument();
}

int status(const httplib::Result &r)
{
    return r ? r->status : -int(r.error());
}
std::string bodyOf(const httplib::Result &r)
{
    return r ? r->body : std::string();
}

} // namespace

class TestSandboxCore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clockAdvancesAndRuns()
    {
        Clock frozenClock(1000, 0);
        QCOMPARE(frozenClock.nowMs(), 1000);
        frozenClock.advance(500);
        QCOMPARE(frozenClock.nowMs(), 1500);
        Clock fast(0, 100);
        QTest::qWait(50);
        QVERIFY2(fast.nowMs() >= 4000, qPrintable(QString::number(fast.nowMs())));
        fast.setSpeed(0);
        const qint64 stopped = fast.nowMs();
        QTest::qWait(20);
        QCOMPARE(fast.nowMs(), stopped);
    }

    void parseFault_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("probability");
        QTest::addColumn<qint64>("durationMs");
        QTest::newRow("rate-limit")
            << u"github:rate-limit"_s << true << u"rate-limit"_s << 1.0 << qint64(0);
        QTest::newRow("5xx 20%") << u"argocd:5xx:20%"_s << true << u"5xx"_s << 0.2 << qint64(0);
        QTest::newRow("latency 2s")
            << u"jenkins:latency:2s"_s << true << u"latency"_s << 1.0 << qint64(2000);
        QTest::newRow("latency 500ms")
            << u"gitlab:latency:500ms"_s << true << u"latency"_s << 1.0 << qint64(500);
        QTest::newRow("malformed 5%")
            << u"gitlab:malformed:5%"_s << true << u"malformed"_s << 0.05 << qint64(0);
        QTest::newRow("all expired")
            << u"all:expired-token"_s << true << u"expired-token"_s << 1.0 << qint64(0);
        QTest::newRow("unknown backend")
            << u"gitea:5xx"_s << false << QString() << 0.0 << qint64(0);
        QTest::newRow("unknown kind")
            << u"github:explode"_s << false << QString() << 0.0 << qint64(0);
        QTest::newRow("bad percent")
            << u"github:5xx:140%"_s << false << QString() << 0.0 << qint64(0);
        QTest::newRow("duration on 5xx")
            << u"github:5xx:2s"_s << false << QString() << 0.0 << qint64(0);
        QTest::newRow("no kind") << u"github"_s << false << QString() << 0.0 << qint64(0);
    }
    void parseFault()
    {
        QFETCH(QString, spec);
        QFETCH(bool, ok);
        Fault f;
        QString error;
        QCOMPARE(fd::sandbox::parseFault(spec, &f, &error), ok);
        if (!ok) {
            QVERIFY(error.contains(spec));
            return;
        }
        QFETCH(QString, kind);
        QFETCH(double, probability);
        QFETCH(qint64, durationMs);
        QCOMPARE(f.kind, kind);
        QCOMPARE(f.probability, probability);
        QCOMPARE(f.durationMs, durationMs);
    }

    void controlApiAndFaults()
    {
        Sandbox sb(frozen());
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        const int control = sb.port(u"control"_s);
        const int metrics = sb.port(u"metrics"_s);
        QVERIFY(control > 0 && metrics > 0);
        httplib::Client c("127.0.0.1", control);
        c.set_read_timeout(5, 0);

        // clock
        QCOMPARE(status(c.Post("/_sandbox/clock/advance?seconds=90")), 200);
        QCOMPARE(sb.clock().nowMs(), kEpoch + 90'000);
        QCOMPARE(status(c.Post("/_sandbox/clock/advance?seconds=x")), 400);

        // faults: bad spec is refused, good ones apply and read back
        QCOMPARE(status(c.Put("/_sandbox/faults", "[\"github:nope\"]", "application/json")), 400);
        QCOMPARE(status(c.Put("/_sandbox/faults", "[\"metrics:5xx\"]", "application/json")), 200);
        QCOMPARE(getJson(control, "/_sandbox/faults").array(), QJsonArray{u"metrics:5xx"_s});
        httplib::Client m("127.0.0.1", metrics);
        m.set_read_timeout(5, 0);
        const int faulted = status(m.Get("/metrics"));
        QVERIFY2(faulted >= 500 && faulted <= 503, qPrintable(QString::number(faulted)));
        c.Put("/_sandbox/faults", "[\"metrics:malformed\"]", "application/json");
        auto mangled = m.Get("/metrics");
        QCOMPARE(status(mangled), 200);
        QVERIFY(mangled->body.find("\x01{") != std::string::npos);
        c.Put("/_sandbox/faults", "[\"metrics:latency:300ms\"]", "application/json");
        QElapsedTimer t;
        t.start();
        QCOMPARE(status(m.Get("/metrics")), 200);
        QVERIFY(t.elapsed() >= 280);
        c.Put("/_sandbox/faults", "[]", "application/json");
        QCOMPARE(status(m.Get("/metrics")), 200);

        // request log: every request, mutating filter, per backend, clearable. Only requests
        // carrying this test's marker are counted: on a machine with the test Prometheus
        // running, a scrape aimed at a port another test used before can land here.
        const std::string mark = "probe=core-" + std::to_string(QCoreApplication::applicationPid());
        const std::string marked = "/metrics?" + mark;
        const auto ours = [&](const QJsonArray &rows) {
            QJsonArray kept;
            for (const QJsonValue &r : rows)
                if (r.toObject().value(u"path"_s).toString().contains(QString::fromStdString(mark)))
                    kept.append(r);
            return kept;
        };
        const auto oursLogged = [&] {
            int n = 0;
            for (const LoggedRequest &r : sb.requests(u"metrics"_s))
                n += r.path.contains(QString::fromStdString(mark)) ? 1 : 0;
            return n;
        };
        QCOMPARE(status(c.Delete("/_sandbox/requests")), 204);
        m.Get(marked);
        m.Post(marked, "{}", "application/json");
        m.Post(marked, "{\"a\":1}", "application/json");
        QTRY_COMPARE(oursLogged(), 3);
        const QJsonArray mut =
            ours(getJson(control, "/_sandbox/requests?backend=metrics&mutating=1").array());
        QCOMPARE(mut.size(), 2);
        // Each request may be served on its own pool thread: the log's order between two
        // requests a moment apart is not asserted, their content is.
        QStringList bodies;
        for (const QJsonValue &r : mut) {
            QCOMPARE(r.toObject().value(u"method"_s).toString(), u"POST"_s);
            bodies << r.toObject().value(u"body"_s).toString();
        }
        bodies.sort();
        QCOMPARE(bodies, (QStringList{u"{\"a\":1}"_s, u"{}"_s}));
        QCOMPARE(getJson(control, "/_sandbox/requests?backend=github").array().size(), 0);

        // reset: clock back to the epoch, log empty
        QCOMPARE(status(c.Post("/_sandbox/reset")), 200);
        QCOMPARE(sb.clock().nowMs(), kEpoch);
        QCOMPARE(oursLogged(), 0);
        for (const LoggedRequest &r : sb.requests())
            QVERIFY2(r.backend == u"metrics"_s && r.method == u"GET"_s,
                     qPrintable(u"left after reset: "_s + r.method + u' ' + r.path));

        // world
        const QJsonObject world = getJson(control, "/_sandbox/world").object();
        QCOMPARE(world.value(u"services"_s).toArray().size(), 6);
    }

    void demoWorldShape()
    {
        QString error;
        const World w = buildWorld(frozen(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(w.services.size(), 6);
        QStringList gatedBackends;
        int failures = 0;
        for (const SimService &s : w.services)
            for (const SimTarget &t : s.targets) {
                QVERIFY2(t.history.size() >= 10, qPrintable(s.name + t.environment));
                if (t.pendingApproval)
                    gatedBackends << t.backend;
                for (const SimDeploy &d : t.history) {
                    failures += d.succeeded ? 0 : 1;
                    QVERIFY(d.atMs < kEpoch);
                    QVERIFY(s.release(d.version));
                    QCOMPARE(s.release(d.version)->sha, d.sha);
                }
            }
        gatedBackends.sort();
        QCOMPARE(gatedBackends, (QStringList{u"argocd"_s, u"github"_s, u"gitlab"_s, u"jenkins"_s}));
        QCOMPARE(failures, 1);
        const SimTarget *canary = w.service(u"checkout"_s)->target(u"prod"_s);
        QVERIFY(canary->canary && canary->pendingApproval);
        QCOMPARE(canary->rollout, u"checkout"_s);

        const World incident = buildWorld(frozen(u"incident"_s), &error);
        int bad = 0;
        for (const SimService &s : incident.services)
            for (const SimRelease &r : s.releases)
                if (r.bad) {
                    ++bad;
                    QCOMPARE(s.target(u"prod"_s)->current()->version, r.version);
                }
        QCOMPARE(bad, 1);

        const World scale = buildWorld(frozen(u"scale:500"_s), &error);
        QCOMPARE(scale.targetsOn(u"argocd"_s).size(), size_t(500));
        QCOMPARE(buildWorld(frozen(u"empty"_s), &error).services.size(), 0);
        QVERIFY(buildWorld(frozen(u"nonsense"_s), &error).services.isEmpty());
        QVERIFY(error.contains(u"nonsense"_s));
    }

    void determinism()
    {
        // Same seed and epoch: identical bytes once the (random) ports are taken out.
        const auto sweep = [](Sandbox &sb) {
            QByteArray all;
            const QString token =
                sb.backend(u"github"_s)->credentials().value(u"token"_s).toString();
            httplib::Client g("127.0.0.1", sb.port(u"github"_s));
            httplib::Headers h{{"Authorization", "Bearer " + token.toStdString()}};
            for (const char *p :
                 {"/repos/acme/payments/actions/runs?per_page=100",
                  "/repos/acme/checkout/actions/workflows", "/repos/acme/payments/deployments",
                  "/repos/acme/payments/environments"}) {
                auto r = g.Get(p, h);
                all += QByteArray::fromStdString(r ? r->body : std::string("none"));
            }
            httplib::Client m("127.0.0.1", sb.port(u"metrics"_s));
            all += QByteArray::fromStdString(bodyOf(m.Get("/metrics")));
            all.replace(QByteArray::number(sb.port(u"github"_s)), "PORT");
            return all;
        };
        Sandbox a(frozen()), b(frozen());
        QString error;
        QVERIFY(a.start(&error));
        QVERIFY(b.start(&error));
        const QByteArray x = sweep(a), y = sweep(b);
        QVERIFY(x.size() > 10'000);
        QCOMPARE(x, y);
        Options other = frozen();
        other.seed = 8;
        Sandbox c(other);
        QVERIFY(c.start(&error));
        QVERIFY(sweep(c) != x);
    }

    void readyLineAndWorkspaceAndGit()
    {
        QTemporaryDir dir;
        Options o = frozen();
        o.workspaceFile = dir.filePath(u"ws/flightdeck.yaml"_s);
        Sandbox sb(o);
        QString error;
        QVERIFY2(sb.start(&error), qPrintable(error));
        const QByteArray line = sb.readyLine();
        QVERIFY(!line.contains('\n'));
        QVERIFY(line.startsWith("{\"ready\":true,\"ports\":{\"github\":"));
        const QJsonObject ready = QJsonDocument::fromJson(line).object();
        for (const char *k :
             {"github", "jenkins", "gitlab", "argocd", "metrics", "chat", "control"})
            QVERIFY(ready[u"ports"_s][QLatin1String(k)].toInt() > 0);
        QVERIFY(!ready[u"credentials"_s][u"github"_s][u"token"_s].toString().isEmpty());
        QVERIFY(!ready[u"credentials"_s][u"jenkins"_s][u"user"_s].toString().isEmpty());
        QCOMPARE(ready[u"workspace"_s].toString(), QFileInfo(o.workspaceFile).absoluteFilePath());
        const QJsonObject env = ready[u"env"_s].toObject();
        QCOMPARE(env.keys(),
                 (QStringList{u"FD_SANDBOX_ARGOCD_TOKEN"_s, u"FD_SANDBOX_CHAT_URL"_s,
                              u"FD_SANDBOX_GITHUB_TOKEN"_s, u"FD_SANDBOX_GITLAB_TOKEN"_s,
                              u"FD_SANDBOX_JENKINS_TOKEN"_s, u"FD_SANDBOX_JENKINS_USER"_s}));
        QCOMPARE(env[u"FD_SANDBOX_GITHUB_TOKEN"_s],
                 ready[u"credentials"_s][u"github"_s][u"token"_s]);

        QFile ws(o.workspaceFile);
        QVERIFY(ws.open(QIODevice::ReadOnly));
        const QString yaml = QString::fromUtf8(ws.readAll());
        QVERIFY(yaml.contains(u"version: 1"_s));
        QVERIFY(yaml.contains(u"url: \"http://127.0.0.1:%1\""_s.arg(sb.port(u"github"_s))));
        QVERIFY(yaml.contains(u"token: \"env:FD_SANDBOX_GITHUB_TOKEN\""_s));
        QVERIFY(
            yaml.contains(u"prod: {connection: argocd, app: checkout-prod, rollout: checkout}"_s));
        QVERIFY(yaml.contains(u"job: catalog/deploy-prod, versionParameter: VERSION"_s));
        QVERIFY(
            !yaml.contains(env[u"FD_SANDBOX_GITHUB_TOKEN"_s].toString())); // no secrets in the file
        const QString gitRoot = dir.filePath(u"ws/git"_s);
        QVERIFY(yaml.contains(u"gitops: {path: \"%1/gitops\"}"_s.arg(gitRoot)));

        // Every sha the world reports is a commit in the service's repository, tags match.
        git_libgit2_init();
        for (const SimService &s : sb.world().services) {
            git_repository *repo = nullptr;
            QCOMPARE(git_repository_open(&repo, QFile::encodeName(s.gitPath).constData()), 0);
            for (const SimCommit &c : s.commits) {
                git_oid oid;
                git_commit *commit = nullptr;
                QCOMPARE(git_oid_fromstr(&oid, c.sha.toLatin1().constData()), 0);
                QCOMPARE(git_commit_lookup(&commit, repo, &oid), 0);
                QCOMPARE(QString::fromUtf8(git_commit_summary(commit)), c.subject);
                QCOMPARE(qint64(git_commit_time(commit)) * 1000, c.timeMs);
                git_commit_free(commit);
            }
            for (const SimRelease &r : s.releases) {
                git_object *obj = nullptr;
                QCOMPARE(git_revparse_single(&obj, repo, r.version.toLatin1().constData()), 0);
                char hex[GIT_OID_HEXSZ + 1] = {};
                git_oid_tostr(hex, sizeof hex, git_object_id(obj));
                QCOMPARE(QString::fromLatin1(hex), r.sha);
                git_object_free(obj);
            }
            git_repository_free(repo);
        }
        // The gitops overlay of each Argo CD app names the version the app runs.
        for (const auto &[s, t] : sb.world().targetsOn(u"argocd"_s)) {
            QFile k(u"%1/gitops/apps/%2/overlays/%3/kustomization.yaml"_s.arg(gitRoot, s->name,
                                                                              t->environment));
            QVERIFY2(k.open(QIODevice::ReadOnly), qPrintable(k.fileName()));
            QVERIFY(k.readAll().contains("newTag: " + t->history.last().version.toLatin1()));
            QFile v(u"%1/gitops/apps/%2/values-%3.yaml"_s.arg(gitRoot, s->name, t->environment));
            QVERIFY(v.open(QIODevice::ReadOnly));
            QVERIFY(v.readAll().contains("tag: " + t->history.last().version.toLatin1()));
        }
        git_libgit2_shutdown();

        // Building the same world again over the same directory yields the same shas.
        Options again = o;
        again.gitDir = gitRoot;
        const World w2 = buildWorld(again, &error);
        QCOMPARE(w2.services[0].commits.last().sha, sb.world().services[0].commits.last().sha);
    }

    void metricsText()
    {
        Options o = frozen(u"incident"_s);
        Sandbox sb(o);
        QString error;
        QVERIFY(sb.start(&error));
        httplib::Client m("127.0.0.1", sb.port(u"metrics"_s));
        auto r = m.Get("/metrics");
        QCOMPARE(status(r), 200);
        QVERIFY(r->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
        const QString text = QString::fromStdString(r->body);
        QVERIFY(text.contains(u"# TYPE http_requests_total counter"_s));
        QVERIFY(text.contains(u"# TYPE http_request_duration_seconds histogram"_s));
        // The bad catalog release errors far more than a healthy prod version.
        QString badVersion;
        for (const SimRelease &rel : sb.world().service(u"catalog"_s)->releases)
            if (rel.bad)
                badVersion = rel.version;
        const auto value = [&](const QString &svc, const QString &version, const char *code) {
            const QString key =
                u"http_requests_total{service=\"%1\",env=\"prod\",version=\"%2\",code=\"%3\"} "_s
                    .arg(svc, version, QLatin1String(code));
            const int at = text.indexOf(key);
            return at < 0 ? -1.0 : text.mid(at + key.size()).section(u'\n', 0, 0).toDouble();
        };
        const double badRatio =
            value(u"catalog"_s, badVersion, "500") /
            (value(u"catalog"_s, badVersion, "200") + value(u"catalog"_s, badVersion, "500"));
        const QString searchVersion =
            sb.world().service(u"search"_s)->target(u"prod"_s)->current()->version;
        const double goodRatio =
            value(u"search"_s, searchVersion, "500") /
            (value(u"search"_s, searchVersion, "200") + value(u"search"_s, searchVersion, "500"));
        QVERIFY2(badRatio > 10 * goodRatio, qPrintable(u"%1 vs %2"_s.arg(badRatio).arg(goodRatio)));
        // Counters only grow as the clock moves.
        const double before = value(u"catalog"_s, badVersion, "500");
        sb.advance(600'000);
        const QString later = QString::fromStdString(bodyOf(m.Get("/metrics")));
        const QString key =
            u"http_requests_total{service=\"catalog\",env=\"prod\",version=\"%1\",code=\"500\"} "_s
                .arg(badVersion);
        QVERIFY(later.mid(later.indexOf(key) + key.size()).section(u'\n', 0, 0).toDouble() >
                before);
    }

    void executableReadyLineAndSigterm()
    {
        QProcess p;
        p.start(QStringLiteral(FD_SANDBOX_EXE),
                {u"--scenario"_s, u"empty"_s, u"--clock-speed"_s, u"0"_s});
        QVERIFY(p.waitForStarted(30000));
        QTRY_VERIFY_WITH_TIMEOUT(p.canReadLine(), 60000);
        const QJsonObject ready = QJsonDocument::fromJson(p.readLine()).object();
        QCOMPARE(ready[u"ready"_s].toBool(), true);
        const int control = ready[u"ports"_s][u"control"_s].toInt();
        QCOMPARE(getJson(control, "/_sandbox/world").object()[u"scenario"_s].toString(),
                 u"empty"_s);
        p.terminate(); // SIGTERM
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().trimmed().isEmpty()); // exactly one line

        QProcess bad;
        bad.start(QStringLiteral(FD_SANDBOX_EXE), {u"--no-such-flag"_s});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
        bad.start(QStringLiteral(FD_SANDBOX_EXE), {u"--fault"_s, u"github:explode"_s});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestSandboxCore)
#include "tst_sandbox_core.moc"
