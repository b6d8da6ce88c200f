// The expectation tables are long lists of literal text; implicit conversion keeps them readable.
#undef QT_NO_CAST_FROM_ASCII

#include "workspace/credentialresolver.h"
#include "workspace/workspaceloader.h"

#include "logging/redactor.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace fd;

namespace {

QString fixtures()
{
    return QStringLiteral(FD_SOURCE_DIR "/tests/unit/workspace/fixtures");
}

QProcessEnvironment env(const QStringList &pairs)
{
    QProcessEnvironment e;
    for (const auto &p : pairs)
        e.insert(p.section(u'=', 0, 0), p.section(u'=', 1));
    return e;
}

LoadOptions isolated(const QStringList &pairs = {})
{
    LoadOptions o;
    o.overridesFile = QString(); // never the developer's own overrides
    o.environment = env(pairs);
    return o;
}

// "E file:line:col: path: message" with the fixture folder left out.
QStringList render(const LoadResult &r, const QString &dir)
{
    QStringList out;
    for (const auto &i : r.issues) {
        QString s = i.toString();
        s.replace(QDir(dir).absolutePath() + u'/', QString());
        out.append((i.severity == WorkspaceIssue::Severity::Error ? QLatin1String("E ")
                                                                  : QLatin1String("W ")) +
                   s);
    }
    return out;
}

const QStringList kAllTokens = {QStringLiteral("GITHUB_TOKEN=t1"), QStringLiteral("JENKINS_USER=u"),
                                QStringLiteral("GITLAB_TOKEN=t2"),
                                QStringLiteral("ARGOCD_TOKEN=t3")};

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issues_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("complete valid example") << "valid" << kAllTokens << QStringList();
        QTest::newRow("empty file") << "empty" << QStringList() << QStringList();
        QTest::newRow("malformed YAML")
            << "malformed" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:6:13: malformed YAML: end of sequence flow not found"};
        QTest::newRow("not a map") << "not_a_map" << QStringList()
                                   << QStringList{"E flightdeck.yaml:1:1: expected a map of "
                                                  "settings at the top of the file, found "
                                                  "`just a string`"};
        QTest::newRow("wrong types")
            << "wrong_type" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:2:11: readOnly: expected true or false, found `yes please`",
                   "E flightdeck.yaml:9:21: connections.gh.tls.insecure: expected true or false, "
                   "found "
                   "`maybe`",
                   "E flightdeck.yaml:4:3: environments: expected a list, found a map",
                   "E flightdeck.yaml:10:38: policies.compare.perEnvironment: expected a list, "
                   "found a map"};
        QTest::newRow("unknown keys")
            << "unknown_key" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:2:1: enviroments: unknown key `enviroments`; did you mean "
                   "`environments`?",
                   "E flightdeck.yaml:5:53: connections.gh.scop: unknown key `scop`; did you mean "
                   "`scope`?"};
        QTest::newRow("unknown kind")
            << "unknown_kind" << QStringList()
            << QStringList{"E flightdeck.yaml:4:11: connections.gh.kind: unknown connection kind "
                           "`githib`; did "
                           "you mean `github`?",
                           "E flightdeck.yaml:7:11: connections.bb.kind: unknown connection kind "
                           "`bitbucket`; "
                           "expected one of github, jenkins, gitlab, argocd, prometheus"};
        QTest::newRow("undefined connection")
            << "undefined_connection" << QStringList()
            << QStringList{"E flightdeck.yaml:9:26: "
                           "services.checkout.environments.prod.connection: connection "
                           "`argo` is not defined in `connections`"};
        QTest::newRow("undefined environment")
            << "undefined_environment" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:9:7: services.checkout.environments.production: environment "
                   "`production` is not defined in `environments`",
                   "E flightdeck.yaml:7:17: services.checkout.dependsOn[0]: service `paymnts` is "
                   "not "
                   "defined in `services`; did you mean `payments`?"};
        QTest::newRow("duplicate environment")
            << "duplicate_environment" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:5:5: environments[2].name: environment `dev` is listed twice "
                   "(first at line 3)"};
        QTest::newRow("literal secret")
            << "literal_secret" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:7:14: connections.gh.credentials.token: a literal secret is "
                   "not "
                   "allowed in the workspace file; write `env:NAME` to read it from an environment "
                   "variable or `keychain:NAME` to read it from the system keychain (service "
                   "\"flightdeck\")"};
        QTest::newRow("freeze windows")
            << "freeze_end_before_start" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:5:46: environments[0].freeze[0].end: the freeze window ends "
                   "(2026-12-20T00:00:00Z) before it starts (2027-01-02T00:00:00Z)",
                   "E flightdeck.yaml:6:22: environments[0].freeze[1].days[1]: unknown day "
                   "`funday`; "
                   "expected one of mon, tue, wed, thu, fri, sat, sun",
                   "E flightdeck.yaml:6:50: environments[0].freeze[1].to: `25:00` is not a time of "
                   "day "
                   "such as 09:30"};
        QTest::newRow("missing environment variable")
            << "missing_env" << QStringList()
            << QStringList{
                   "W flightdeck.yaml:6:26: connections.gh.credentials.token: environment variable "
                   "`FD_SURELY_UNSET_TOKEN` is not set"};
        QTest::newRow("valid example without tokens")
            << "valid"
            << QStringList()
            // Every connection of the example is in use: without its token it cannot connect.
            << QStringList{
                   "E flightdeck.yaml:8:26: connections.gh.credentials.token: environment variable "
                   "`GITHUB_TOKEN` is not set, and connection `gh` needs it: service `checkout` "
                   "uses the connection",
                   "E flightdeck.yaml:14:25: connections.jenkins.credentials.user: environment "
                   "variable `JENKINS_USER` is not set, and connection `jenkins` needs it: "
                   "service `payments` uses the connection",
                   "E flightdeck.yaml:19:26: connections.gitlab.credentials.token: environment "
                   "variable `GITLAB_TOKEN` is not set, and connection `gitlab` needs it: "
                   "service `payments` uses the connection",
                   "E flightdeck.yaml:24:26: connections.argocd.credentials.token: environment "
                   "variable `ARGOCD_TOKEN` is not set, and connection `argocd` needs it: "
                   "service `checkout` uses the connection"};
        QTest::newRow("all problems collected")
            << "many_problems" << QStringList()
            << QStringList{
                   "E flightdeck.yaml:1:10: version: unsupported version 2; this Flightdeck reads "
                   "version 1",
                   "E flightdeck.yaml:3:27: connections.gh.url: `not a url` is not an http(s) URL",
                   "E flightdeck.yaml:3:61: connections.gh.credentials.token: a literal secret is "
                   "not "
                   "allowed in the workspace file; write `env:NAME` to read it from an environment "
                   "variable or `keychain:NAME` to read it from the system keychain (service "
                   "\"flightdeck\")",
                   "E flightdeck.yaml:5:17: environments[0].protectd: unknown key `protectd`; did "
                   "you "
                   "mean `protected`?",
                   "E flightdeck.yaml:8:13: services.checkout.deploy: connection `nowhere` is not "
                   "defined "
                   "in `connections`",
                   "E flightdeck.yaml:10:12: services.checkout.environments.dev.connection: "
                   "missing "
                   "required key `connection` (the service has no `deploy` default)"};
    }

    void issues()
    {
        QFETCH(QString, fixture);
        QFETCH(QStringList, environment);
        QFETCH(QStringList, expected);
        const QString dir = fixtures() + u'/' + fixture;
        const LoadResult r =
            WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), isolated(environment));
        QCOMPARE(render(r, dir), expected);
        bool anyError = false;
        for (const auto &e : expected)
            anyError = anyError || e.startsWith(u'E');
        QCOMPARE(r.ok(), !anyError);
    }

    void literalSecretIsNeverEchoed()
    {
        const QString dir = fixtures() + QLatin1String("/literal_secret");
        const auto r = WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY(!r.issues.at(0).toString().contains(QLatin1String("ghp_0123")));
        QVERIFY(r.workspace.connections.at(0).credentialRefs.isEmpty());
    }

    void completeExample()
    {
        const QString dir = fixtures() + QLatin1String("/valid");
        const auto r =
            WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), isolated(kAllTokens));
        QVERIFY(r.ok());
        const Workspace &ws = r.workspace;
        QCOMPARE(ws.name, QStringLiteral("Acme delivery"));
        QCOMPARE(ws.version, 1);
        QVERIFY(!ws.readOnly);
        QCOMPARE(ws.connections.size(), 5);
        const ConnectionDef *gh = ws.connection(QStringLiteral("gh"));
        QVERIFY(gh);
        QCOMPARE(gh->kind, QStringLiteral("github"));
        QCOMPARE(gh->url, QUrl(QStringLiteral("https://github.example/api/v3")));
        QCOMPARE(gh->credentialRefs.value(QStringLiteral("token")),
                 QStringLiteral("env:GITHUB_TOKEN"));
        QCOMPARE(gh->scope.value(QStringLiteral("repos")).toStringList(),
                 QStringList{"acme/checkout"});
        QCOMPARE(gh->options.value(QStringLiteral("pollInterval")).toInt(), 60);
        const ConnectionDef *argo = ws.connection(QStringLiteral("argocd"));
        QCOMPARE(argo->caFile, QDir::cleanPath(dir + QLatin1String("/certs/ca.pem")));
        QCOMPARE(argo->scope.value(QStringLiteral("selector")).toString(),
                 QStringLiteral("team=acme"));
        QCOMPARE(ws.environmentNames(), (QStringList{"dev", "staging", "prod"}));
        QVERIFY(ws.isProtected(QStringLiteral("prod")));
        QVERIFY(!ws.isProtected(QStringLiteral("dev")));
        QCOMPARE(ws.environment(QStringLiteral("prod"))->freeze.size(), 2);

        const ServiceDef *checkout = ws.service(QStringLiteral("checkout"));
        QVERIFY(checkout);
        QCOMPARE(checkout->repoPath, QDir::cleanPath(dir + QLatin1String("/../src/checkout")));
        QCOMPARE(checkout->repoUrl, QStringLiteral("https://git.example/acme/checkout.git"));
        QCOMPARE(checkout->dependsOn, QStringList{"payments"});
        QCOMPARE(checkout->deployConnection, QStringLiteral("argocd"));
        QCOMPARE(checkout->pipelines.size(), 1);
        QCOMPARE(checkout->pipelines.at(0).object, QStringLiteral("acme/checkout"));
        QCOMPARE(checkout->pipelines.at(0).options.value(QStringLiteral("workflow")).toString(),
                 QStringLiteral("ci.yml"));
        QCOMPARE(checkout->bindings.size(), 3);
        QCOMPARE(checkout->binding(QStringLiteral("dev"))->object, QStringLiteral("checkout-dev"));
        QVERIFY(!checkout->binding(QStringLiteral("dev"))->conventional);
        QCOMPARE(checkout->binding(QStringLiteral("staging"))->object,
                 QStringLiteral("checkout-staging"));
        QVERIFY(checkout->binding(QStringLiteral("staging"))->conventional);
        const ServiceBinding *prod = checkout->binding(QStringLiteral("prod"));
        QCOMPARE(prod->options.value(QStringLiteral("rollout")).toString(),
                 QStringLiteral("checkout"));
        QCOMPARE(ServiceDef::connectionOf(*prod), QStringLiteral("argocd"));
        QCOMPARE(checkout->sli.value(QStringLiteral("latencyP99")).toString(),
                 QStringLiteral("p99"));

        const ServiceDef *payments = ws.service(QStringLiteral("payments"));
        QCOMPARE(payments->binding(QStringLiteral("dev"))->object,
                 QStringLiteral("payments/deploy-dev"));
        QCOMPARE(payments->binding(QStringLiteral("dev"))
                     ->options.value(QStringLiteral("versionParameter"))
                     .toString(),
                 QStringLiteral("VERSION"));
        QVERIFY(!payments->binding(QStringLiteral("staging"))); // no mapping, no deploy default
        QCOMPARE(payments->binding(QStringLiteral("prod"))
                     ->options.value(QStringLiteral("environment"))
                     .toString(),
                 QStringLiteral("production"));

        QCOMPARE(ws.gitopsPath, QStringLiteral("/src/gitops"));
        QCOMPARE(ws.policies.value(QStringLiteral("compare"))
                     .toMap()
                     .value(QStringLiteral("perEnvironment"))
                     .toStringList(),
                 QStringList{QStringLiteral("spec.replicas")});
        QCOMPARE(ws.policies.value(QStringLiteral("sloGate"))
                     .toMap()
                     .value(QStringLiteral("errorRatio"))
                     .toDouble(),
                 0.02);
        QCOMPARE(ws.ui.value(QStringLiteral("theme")).toString(), QStringLiteral("system"));

        const auto configs = CredentialResolver::configsWithoutSecrets(ws);
        QCOMPARE(configs.size(), 5);
        QCOMPARE(configs.at(3).id, QStringLiteral("argocd"));
        QCOMPARE(configs.at(3).environments, (QStringList{"dev", "staging", "prod"}));
        QCOMPARE(configs.at(3).bindings.size(), 3);
        QVERIFY(configs.at(3).secrets.isEmpty());
    }

    void layering()
    {
        const QString dir = fixtures() + QLatin1String("/layering");
        LoadOptions o = isolated({QStringLiteral("ARGOCD_TOKEN=x")});
        o.overridesFile = dir + QLatin1String("/overrides.yaml");
        const auto r = WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), o);
        // The unknown key is reported against the overrides file, where it was written.
        QCOMPARE(render(r, dir),
                 QStringList{"E overrides.yaml:5:5: connections.argocd.bogus: unknown key `bogus`; "
                             "expected one of "
                             "`kind`, `url`, `credentials`, `scope`, `tls`, `options`"});
        const Workspace &ws = r.workspace;
        QCOMPARE(ws.layers, (QStringList{"<defaults>", dir + "/team.yaml", dir + "/flightdeck.yaml",
                                         dir + "/overrides.yaml"}));
        const ConnectionDef *argo = ws.connection(QStringLiteral("argocd"));
        QVERIFY(argo);
        QCOMPARE(argo->kind, QStringLiteral("argocd"));                            // team
        QCOMPARE(argo->url, QUrl(QStringLiteral("https://argocd.mine.example")));  // overrides
        QCOMPARE(argo->options.value(QStringLiteral("pollInterval")).toInt(), 30); // team
        QCOMPARE(argo->options.value(QStringLiteral("runDepth")).toInt(), 50);     // workspace
        QCOMPARE(ws.environmentNames(), (QStringList{"dev", "prod"}));
        QCOMPARE(ws.policies.value(QStringLiteral("mutationSpacingSeconds")).toInt(), 5);
        QCOMPARE(ws.policies.value(QStringLiteral("requireTypedNameForProtected")).toBool(),
                 true); // defaults
        QCOMPARE(ws.ui.value(QStringLiteral("language")).toString(), QStringLiteral("ko"));
        QCOMPARE(ws.ui.value(QStringLiteral("theme")).toString(), QStringLiteral("dark"));
        QCOMPARE(ws.service(QStringLiteral("checkout"))->binding(QStringLiteral("prod"))->object,
                 QStringLiteral("checkout-prod"));

        // Without `team:` the team file comes from FLIGHTDECK_TEAM_FILE.
        QFile f(dir + QLatin1String("/flightdeck.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        text.replace("team: team.yaml\n", "");
        LoadOptions viaEnv =
            isolated({QStringLiteral("ARGOCD_TOKEN=x"),
                      QStringLiteral("FLIGHTDECK_TEAM_FILE=") + dir + "/team.yaml"});
        const auto r2 =
            WorkspaceLoader::loadFromString(text, dir + QLatin1String("/flightdeck.yaml"), viaEnv);
        QVERIFY(r2.ok());
        QCOMPARE(r2.workspace.connection(QStringLiteral("argocd"))->url,
                 QUrl(QStringLiteral("https://argocd.team.example")));

        // A team file that is named but missing is an error at the `team:` key.
        text = "version: 1\nteam: nowhere.yaml\n";
        const auto r3 = WorkspaceLoader::loadFromString(
            text, dir + QLatin1String("/flightdeck.yaml"), isolated());
        QCOMPARE(r3.issues.size(), 1);
        QCOMPARE(r3.issues.at(0).line, 2);
        QCOMPARE(r3.issues.at(0).column, 7);
        QCOMPARE(r3.issues.at(0).keyPath, QStringLiteral("team"));
        QVERIFY(r3.issues.at(0).message.startsWith(QLatin1String("cannot read ") + dir +
                                                   "/nowhere.yaml"));
    }

    void conventions()
    {
        const QString dir = fixtures() + QLatin1String("/conventions");
        const auto r = WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), isolated());
        QCOMPARE(
            render(r, dir),
            QStringList{"E flightdeck.yaml:24:13: services.orphan.deploy: cannot name the github "
                        "repository of "
                        "`orphan` by convention: add a pipeline on `gh` or map the environment"});
        const Workspace &ws = r.workspace;
        const auto *checkout = ws.service(QStringLiteral("checkout"));
        QCOMPARE(checkout->binding(QStringLiteral("dev"))->object, QStringLiteral("checkout-dev"));
        QVERIFY(checkout->binding(QStringLiteral("dev"))->conventional);
        QCOMPARE(checkout->binding(QStringLiteral("prod"))->object,
                 QStringLiteral("checkout-live"));
        QVERIFY(!checkout->binding(QStringLiteral("prod"))->conventional);

        const auto *web = ws.service(QStringLiteral("web"));
        QCOMPARE(web->bindings.size(), 3);
        QCOMPARE(web->binding(QStringLiteral("staging"))->object, QStringLiteral("acme/web"));
        QCOMPARE(web->binding(QStringLiteral("staging"))
                     ->options.value(QStringLiteral("environment"))
                     .toString(),
                 QStringLiteral("staging"));
        QVERIFY(web->binding(QStringLiteral("staging"))->conventional);
        const auto *webProd = web->binding(QStringLiteral("prod"));
        QCOMPARE(webProd->object, QStringLiteral("acme/web"));
        QCOMPARE(webProd->options.value(QStringLiteral("workflow")).toString(),
                 QStringLiteral("deploy.yml"));
        QCOMPARE(ServiceDef::connectionOf(*webProd), QStringLiteral("gh"));

        QCOMPARE(ws.service(QStringLiteral("batch"))->binding(QStringLiteral("prod"))->object,
                 QStringLiteral("batch/deploy-prod"));
        const auto *payStaging =
            ws.service(QStringLiteral("payments"))->binding(QStringLiteral("staging"));
        QCOMPARE(payStaging->object, QStringLiteral("acme/payments"));
        QCOMPARE(payStaging->options.value(QStringLiteral("environment")).toString(),
                 QStringLiteral("staging"));
        QVERIFY(ws.service(QStringLiteral("orphan"))->bindings.isEmpty());
        QCOMPARE(ws.bindingsFor(QStringLiteral("argocd")).size(), 3);
    }

    void freezeWindows_data()
    {
        QTest::addColumn<QString>("time");
        QTest::addColumn<bool>("frozen");
        QTest::addColumn<QString>("reason");
        QTest::newRow("holiday") << "2026-12-24T12:00:00Z" << true << "Holiday freeze";
        QTest::newRow("holiday end is open")
            << "2027-01-02T00:00:00Z" << true << "No weekend deploys"; // a Saturday
        QTest::newRow("weekday") << "2026-03-04T12:00:00Z" << false << "";
        QTest::newRow("saturday") << "2026-03-07T00:00:00Z" << true << "No weekend deploys";
        QTest::newRow("sunday last minute")
            << "2026-03-08T23:59:30Z" << true << "No weekend deploys";
        QTest::newRow("monday") << "2026-03-09T00:00:00Z" << false << "";
        QTest::newRow("sunday in another zone")
            << "2026-03-09T08:00:00+09:00" << true << "No weekend deploys";
    }

    void freezeWindows()
    {
        QFETCH(QString, time);
        QFETCH(bool, frozen);
        QFETCH(QString, reason);
        const auto r = WorkspaceLoader::load(fixtures() + QLatin1String("/valid/flightdeck.yaml"),
                                             isolated(kAllTokens));
        QString why;
        QCOMPARE(r.workspace.isFrozen(QStringLiteral("prod"),
                                      QDateTime::fromString(time, Qt::ISODate), &why),
                 frozen);
        QCOMPARE(why, reason);
        QVERIFY(
            !r.workspace.isFrozen(QStringLiteral("dev"), QDateTime::fromString(time, Qt::ISODate)));
    }

    void overnightWindow()
    {
        FreezeWindow w;
        w.kind = FreezeWindow::Kind::Weekly;
        w.days = {5}; // Friday
        w.from = QTime(22, 0);
        w.to = QTime(5, 59);
        QVERIFY(
            w.contains(QDateTime::fromString(QStringLiteral("2026-03-06T23:00:00Z"), Qt::ISODate)));
        QVERIFY(
            w.contains(QDateTime::fromString(QStringLiteral("2026-03-07T05:59:59Z"), Qt::ISODate)));
        QVERIFY(!w.contains(
            QDateTime::fromString(QStringLiteral("2026-03-07T06:00:00Z"), Qt::ISODate)));
        QVERIFY(!w.contains(
            QDateTime::fromString(QStringLiteral("2026-03-06T21:59:00Z"), Qt::ISODate)));
    }

    // Any prefix of a valid file, and a few hostile documents, give issues and never a crash.
    void neverCrashes()
    {
        QFile f(fixtures() + QLatin1String("/valid/flightdeck.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray valid = f.readAll();
        for (qsizetype n = 0; n < valid.size(); n += 7)
            WorkspaceLoader::loadFromString(valid.left(n), QStringLiteral("prefix.yaml"),
                                            isolated());

        QByteArray bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (char c = 'b'; c <= 'k'; ++c)
            bomb += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [*" +
                    QByteArray(1, char(c - 1)) + ", *" + QByteArray(1, char(c - 1)) + ", *" +
                    QByteArray(1, char(c - 1)) + ", *" + QByteArray(1, char(c - 1)) + ", *" +
                    QByteArray(1, char(c - 1)) + "]\n";
        auto r = WorkspaceLoader::loadFromString(bomb, QStringLiteral("bomb.yaml"), isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY2(r.issues.at(0).message.contains(QLatin1String("aliases expand the document")),
                 qPrintable(r.issues.at(0).toString()));

        // The loader measures nesting before yaml-cpp sees the text (see workspace_hardening).
        const QByteArray veryDeep = QByteArray(5000, '[') + QByteArray(5000, ']');
        r = WorkspaceLoader::loadFromString("x: " + veryDeep, QStringLiteral("deep.yaml"),
                                            isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY(!r.ok());
        const QByteArray deep = QByteArray(100, '[') + QByteArray(100, ']');
        r = WorkspaceLoader::loadFromString("x: " + deep, QStringLiteral("deep.yaml"), isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY(r.issues.at(0).message.contains(QLatin1String("nested more than 64 levels")));

        r = WorkspaceLoader::loadFromString(
            "connections: {a: {kind: github, url: x}}\nconnections: {}\n",
            QStringLiteral("dup.yaml"), isolated());
        QCOMPARE(r.errors().size(), 2); // url and the duplicate key
        QVERIFY(
            r.errors().at(0).message.startsWith(QLatin1String("key `connections` appears twice")));

        // A key that looks like a placeholder is quoted as written, with its own line number.
        r = WorkspaceLoader::loadFromString("x: 1\n'a%2b': 1\n'a%2b': 2\n",
                                            QStringLiteral("pct.yaml"), isolated());
        QVERIFY(r.errors().size() >= 2); // unknown keys, and the duplicate
        bool quoted = false;
        for (const WorkspaceIssue &e : r.errors())
            quoted =
                quoted || e.message == QLatin1String("key `a%2b` appears twice (first at line 2)");
        QVERIFY2(quoted, qPrintable(r.errors().at(0).message + u'|' + r.errors().at(1).message));

        r = WorkspaceLoader::load(QStringLiteral("/nonexistent/flightdeck.yaml"), isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY(r.issues.at(0).toString().startsWith(QLatin1String(
            "/nonexistent/flightdeck.yaml: cannot read /nonexistent/flightdeck.yaml")));
    }

    void didYouMean_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("expected");
        QTest::newRow("typo") << "enviroments"
                              << "environments";
        QTest::newRow("case") << "ReadOnly"
                              << "readOnly";
        QTest::newRow("far") << "zzz"
                             << "";
        QTest::newRow("short") << "ui2"
                               << "ui";
    }

    void didYouMean()
    {
        QFETCH(QString, word);
        QFETCH(QString, expected);
        const QStringList keys = {"version",      "name",     "readOnly", "team",     "connections",
                                  "environments", "services", "gitops",   "policies", "ui"};
        QCOMPARE(closestMatch(word, keys), expected);
    }

    void resolverFillsSecretsAndRegistersThem()
    {
        const QString dir = fixtures() + QLatin1String("/valid");
        const auto r =
            WorkspaceLoader::load(dir + QLatin1String("/flightdeck.yaml"), isolated(kAllTokens));
        const QString canary = QStringLiteral("canary-secret-value-4711");
        CredentialResolver resolver(env({QStringLiteral("GITHUB_TOKEN=") + canary,
                                         QStringLiteral("GITLAB_TOKEN=gl-secret-value")}));
        QObject context;
        std::optional<ResolvedConnections> resolved;
        resolver.resolveAll(r.workspace, &context, [&](ResolvedConnections rc) { resolved = rc; });
        // keychain:jenkins-token goes through QtKeychain; without a keychain it fails, in time.
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), 20000);
        QCOMPARE(resolved->connections.size(), 5);
        QCOMPARE(resolved->connections.at(0).secret(QStringLiteral("token")), canary);
        QCOMPARE(resolved->connections.at(2).secret(QStringLiteral("token")),
                 QStringLiteral("gl-secret-value"));
        QStringList paths;
        for (const auto &i : resolved->issues)
            paths.append(i.keyPath + u'@' + QString::number(i.line));
        paths.sort();
        QVERIFY2(paths.contains(QLatin1String("connections.argocd.credentials.token@24")),
                 qPrintable(paths.join(u' ')));
        QVERIFY(paths.contains(QLatin1String("connections.jenkins.credentials.user@14")));
        QCOMPARE(Redactor::instance().redact(QStringLiteral("x ") + canary + QStringLiteral(" y")),
                 QStringLiteral("x *** y"));
    }

    void credentialRefs()
    {
        QVERIFY(CredentialRef::parse(QStringLiteral("env:A"))->source ==
                CredentialRef::Source::Env);
        QCOMPARE(CredentialRef::parse(QStringLiteral("keychain:gh"))->name, QStringLiteral("gh"));
        QVERIFY(!CredentialRef::parse(QStringLiteral("ghp_x")));
        QVERIFY(!CredentialRef::parse(QStringLiteral("env:")));
        CredentialResolver resolver(env({QStringLiteral("EMPTY=")}));
        QString error;
        QVERIFY(!resolver.resolveNow(QStringLiteral("env:EMPTY"), &error));
        QCOMPARE(error, QStringLiteral("environment variable `EMPTY` is empty"));
        QVERIFY(!resolver.resolveNow(QStringLiteral("env:NOPE"), &error));
        QCOMPARE(error, QStringLiteral("environment variable `NOPE` is not set"));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
