#undef QT_NO_CAST_FROM_ASCII
// Issue #20, part A: a workspace file cannot knock the loader over, hang it, make it quadratic,
// or slip a wrong setting past it in silence. Every refusal names file:line:column.
#include "workspace/workspaceloader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <ctime>

#include <sys/stat.h>
#include <sys/types.h>

using namespace fd;

namespace {

LoadOptions isolated(const QStringList &vars = {})
{
    LoadOptions o;
    o.overridesFile = QString();
    o.environment = QProcessEnvironment();
    for (const QString &v : vars)
        o.environment.insert(v, QStringLiteral("x"));
    return o;
}

LoadResult fromText(const QByteArray &yaml, const QStringList &vars = {})
{
    return WorkspaceLoader::loadFromString(yaml, QStringLiteral("ws.yaml"), isolated(vars));
}

QString lines(const LoadResult &r)
{
    QStringList out;
    for (const auto &i : r.issues)
        out.append(i.toString());
    return out.join(u'\n');
}

const QByteArray kHead = "version: 1\n"
                         "connections:\n"
                         "  argo: {kind: argocd, url: \"https://argocd.example\"}\n"
                         "environments: [dev, prod]\n";

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TestWorkspaceHardening : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void devicesAreRefusedBeforeReading_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("zero") << QStringLiteral("/dev/zero");
        QTest::newRow("urandom") << QStringLiteral("/dev/urandom");
        QTest::newRow("directory") << QStringLiteral("/tmp");
    }
    void devicesAreRefusedBeforeReading()
    {
        QFETCH(QString, path);
        const LoadResult r = WorkspaceLoader::load(path, isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY2(r.issues.at(0).message.contains(QLatin1String("regular file")), qPrintable(lines(r)));
    }

    void fifoIsRefusedWithoutBlocking()
    {
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("flightdeck.yaml"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const LoadResult r = WorkspaceLoader::load(fifo, isolated()); // no writer: open would wait
        QCOMPARE(r.issues.size(), 1);
        QVERIFY2(r.issues.at(0).message.contains(QLatin1String("FIFO")), qPrintable(lines(r)));
    }

    void fileLargerThanTheCapIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.yaml"));
        QVERIFY(writeFile(path, "# " + QByteArray(4 * 1024 * 1024, 'x') + "\n"));
        const LoadResult r = WorkspaceLoader::load(path, isolated());
        QCOMPARE(r.issues.size(), 1);
        QVERIFY2(r.issues.at(0).message.contains(QLatin1String("larger than 4 MiB")),
                 qPrintable(lines(r)));
    }

    static QByteArray services(int count)
    {
        QByteArray yaml = kHead + "services:\n";
        yaml.reserve(yaml.size() + count * 28);
        for (int i = 0; i < count; ++i)
            yaml += "  s" + QByteArray::number(i) + ": {deploy: argo}\n";
        return yaml;
    }

    // 100,000 services: a linear loader reads them; the old one took minutes and then said
    // "nested too deeply". (No wall-clock assertion; the time is printed for the record.)
    void hundredThousandServicesLoad()
    {
        const int count = 100000;
        const QByteArray yaml = services(count);
        QElapsedTimer t;
        t.start();
        const std::clock_t cpu = std::clock();
        const LoadResult r = fromText(yaml);
        qInfo("%d services (%lld bytes) loaded in %lld ms (%ld ms of processor time)", count,
              qint64(yaml.size()), t.elapsed(), long((std::clock() - cpu) * 1000 / CLOCKS_PER_SEC));
        QVERIFY2(r.ok(), qPrintable(lines(r).left(2000)));
        QCOMPARE(r.workspace.services.size(), count);
        QCOMPARE(r.workspace.services.last().bindings.size(), 2);
    }

    // 250,000 services are past the documented size limit: refused at once, not after a minute.
    void quarterMillionServicesAreRefusedByTheSizeLimit()
    {
        const QByteArray yaml = services(250000);
        QElapsedTimer t;
        t.start();
        const LoadResult r = fromText(yaml);
        qInfo("250000 services (%lld bytes) refused in %lld ms", qint64(yaml.size()), t.elapsed());
        QCOMPARE(lines(r), QStringLiteral("ws.yaml: cannot read ws.yaml: it is larger than 4 MiB, "
                                          "the limit for a workspace file"));
    }

    void duplicateKeyInALargeMapIsFound()
    {
        QByteArray yaml = kHead + "services:\n";
        for (int i = 0; i < 5000; ++i)
            yaml += "  s" + QByteArray::number(i) + ": {deploy: argo}\n";
        yaml += "  s17: {deploy: argo}\n";
        const LoadResult r = fromText(yaml);
        QCOMPARE(r.errors().size(), 1);
        QCOMPARE(r.errors().at(0).toString(),
                 QStringLiteral("ws.yaml:5006:3: services.s17: key `s17` appears twice (first at "
                                "line 23)"));
    }

    void deepNestingIsRefusedWithItsPlace_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("where");
        QTest::newRow("flow lists") << QByteArray("x: " + QByteArray(10000, '[') + QByteArray(10000, ']'))
                                    << QStringLiteral("ws.yaml:1:67:");
        QTest::newRow("flow maps") << QByteArray("x: " + QByteArray(10000, '{'))
                                   << QStringLiteral("ws.yaml:1:67:");
        QByteArray dashes = "x:\n";
        for (int i = 0; i < 10000; ++i)
            dashes += "- ";
        dashes += "1\n";
        QTest::newRow("list entries") << dashes << QStringLiteral("ws.yaml:2:");
        QByteArray indented;
        for (int i = 0; i < 200; ++i)
            indented += QByteArray(i, ' ') + "k:\n";
        QTest::newRow("indented maps") << indented << QStringLiteral("ws.yaml:65:65:");
    }
    void deepNestingIsRefusedWithItsPlace()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, where);
        const LoadResult r = fromText(yaml);
        QCOMPARE(r.issues.size(), 1);
        const QString s = r.issues.at(0).toString();
        QVERIFY2(s.startsWith(where), qPrintable(s));
        QVERIFY2(s.contains(QLatin1String("nested more than 64 levels deep")), qPrintable(s));
    }

    void nestingWithinTheLimitStillLoads()
    {
        // Brackets and dashes inside quotes, comments and block scalars are not nesting.
        QByteArray yaml = kHead + "name: \"[[[[ {{{{ - - -\"\n"
                                  "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
                                  "services:\n"
                                  "  a:\n"
                                  "    deploy: argo\n"
                                  "    sli:\n"
                                  "      q: |\n";
        for (int i = 0; i < 100; ++i)
            yaml += "        " + QByteArray(i, ' ') + "[{ - \n";
        yaml += "  b: {deploy: argo, sli: {q: 'it''s [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['}}\n";
        const LoadResult r = fromText(yaml);
        QVERIFY2(r.ok(), qPrintable(lines(r)));
        QCOMPARE(r.workspace.services.size(), 2);
    }

    void controlCharactersAndBadEncoding_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("NUL") << QByteArray("version: 1\nname: ab\0cd\n", 24)
                             << QStringLiteral("ws.yaml:2:9: control character U+0000 (NUL) is not "
                                               "allowed in a workspace file (only tabs and line "
                                               "breaks are)");
        QTest::newRow("escape") << QByteArray("version: 1\nname: \x1b[31mred\n")
                                << QStringLiteral("ws.yaml:2:7: control character U+001B (escape) "
                                                  "is not allowed in a workspace file (only tabs "
                                                  "and line breaks are)");
        QTest::newRow("latin-1") << QByteArray("version: 1\nname: caf\xe9\n")
                                 << QStringLiteral("ws.yaml:2:10: the file is not UTF-8 text: byte "
                                                   "0xE9 is not part of a UTF-8 character; save "
                                                   "the file as UTF-8");
        QTest::newRow("C1 control") << QByteArray("name: \xc2\x9b\n")
                                    << QStringLiteral("ws.yaml:1:7: control character U+009B is "
                                                      "not allowed in a workspace file (only tabs "
                                                      "and line breaks are)");
    }
    void controlCharactersAndBadEncoding()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const LoadResult r = fromText(yaml);
        QCOMPARE(lines(r), expected);
    }

    void utf8TextStillLoads()
    {
        const LoadResult r = fromText("\xef\xbb\xbfversion: 1\nname: \"배포 café\"\n");
        QVERIFY2(r.ok(), qPrintable(lines(r)));
        QCOMPARE(r.workspace.name, QStringLiteral("배포 café"));
    }

    void secondDocumentIsRefused()
    {
        const LoadResult r = fromText("version: 1\n---\nname: other\n");
        QCOMPARE(r.issues.size(), 1);
        QVERIFY2(r.issues.at(0).toString().startsWith(QLatin1String("ws.yaml:2:1: a second YAML "
                                                                    "document starts here")),
                 qPrintable(lines(r)));
        QVERIFY2(fromText("---\nversion: 1\n...\n").ok(), "one document with markers is fine");
    }

    void dependsOnCycleIsRefused()
    {
        const LoadResult r = fromText(kHead + "services:\n"
                                              "  a: {deploy: argo, dependsOn: [b]}\n"
                                              "  b: {deploy: argo, dependsOn: [c]}\n"
                                              "  c: {deploy: argo, dependsOn: [d, a]}\n"
                                              "  d: {deploy: argo}\n"
                                              "  e: {deploy: argo, dependsOn: [e]}\n");
        QCOMPARE(lines(r),
                 QStringLiteral("ws.yaml:8:36: services.c.dependsOn[1]: `dependsOn` makes a "
                                "cycle: a → b → c → a\n"
                                "ws.yaml:10:33: services.e.dependsOn[0]: `dependsOn` makes a "
                                "cycle: e → e"));
    }

    void longDependencyChainIsNoProblem()
    {
        QByteArray yaml = kHead + "services:\n";
        for (int i = 0; i < 50000; ++i)
            yaml += "  s" + QByteArray::number(i) + ": {deploy: argo, dependsOn: [s" +
                    QByteArray::number(i + 1) + "]}\n";
        yaml += "  s50000: {deploy: argo}\n";
        const LoadResult r = fromText(yaml);
        QVERIFY2(r.ok(), qPrintable(lines(r).left(1000)));
    }

    void teamFileIncludingItselfIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("flightdeck.yaml")),
                          "version: 1\nteam: team.yaml\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("team.yaml")),
                          "team: base.yaml\nname: team\n"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("base.yaml")),
                          "team: team.yaml\nreadOnly: true\n"));
        LoadResult r =
            WorkspaceLoader::load(dir.filePath(QStringLiteral("flightdeck.yaml")), isolated());
        QCOMPARE(r.errors().size(), 1);
        QVERIFY2(r.errors().at(0).toString().contains(
                     QString("base.yaml:1:7: team: the team file `" + dir.filePath("team.yaml") +
                             "` includes itself: flightdeck.yaml → team.yaml → base.yaml → "
                             "team.yaml")),
                 qPrintable(lines(r)));

        // A workspace that names itself as its team file.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("self.yaml")), "version: 1\nteam: self.yaml\n"));
        r = WorkspaceLoader::load(dir.filePath(QStringLiteral("self.yaml")), isolated());
        QCOMPARE(r.errors().size(), 1);
        QVERIFY2(r.errors().at(0).message.contains(QLatin1String("includes itself")),
                 qPrintable(lines(r)));

        // A chain without a cycle reads every layer, lowest first.
        QVERIFY(writeFile(dir.filePath(QStringLiteral("base.yaml")), "readOnly: true\nname: base\n"));
        r = WorkspaceLoader::load(dir.filePath(QStringLiteral("flightdeck.yaml")), isolated());
        QVERIFY2(r.ok(), qPrintable(lines(r)));
        QCOMPARE(r.workspace.layers.mid(1),
                 (QStringList{dir.filePath("base.yaml"), dir.filePath("team.yaml"),
                              dir.filePath("flightdeck.yaml")}));
        QVERIFY(r.workspace.readOnly);
        QCOMPARE(r.workspace.name, QStringLiteral("team"));
    }

    void numbersOutOfRange_data()
    {
        QTest::addColumn<QByteArray>("options");
        QTest::addColumn<QString>("expected");
        QTest::newRow("pollInterval 0")
            << QByteArray("{pollInterval: 0}")
            << QStringLiteral("ws.yaml:3:77: connections.gl.options.pollInterval: `0` is out of "
                              "range: pollInterval takes 0.05 to 86400 seconds");
        QTest::newRow("runDepth -1")
            << QByteArray("{runDepth: -1}")
            << QStringLiteral("ws.yaml:3:73: connections.gl.options.runDepth: `-1` is out of "
                              "range: runDepth takes 1 to 1000 runs");
        QTest::newRow("runDepth text")
            << QByteArray("{runDepth: many}")
            << QStringLiteral("ws.yaml:3:73: connections.gl.options.runDepth: expected a whole "
                              "number, found `many`");
        QTest::newRow("fraction where whole")
            << QByteArray("{environmentsEvery: 2.5}")
            << QStringLiteral("ws.yaml:3:82: connections.gl.options.environmentsEvery: expected a "
                              "whole number, found `2.5`");
        QTest::newRow("in range") << QByteArray("{pollInterval: 0.5, runDepth: 1000}") << QString();
    }
    void numbersOutOfRange()
    {
        QFETCH(QByteArray, options);
        QFETCH(QString, expected);
        const LoadResult r = fromText("version: 1\nconnections:\n"
                                      "  gl: {kind: gitlab, url: \"https://gitlab.example\", options: " +
                                      options + "}\n");
        QCOMPARE(lines(r), expected);
    }

    void unsetVariableIsAnErrorForAConnectionInUse()
    {
        const QByteArray yaml = "version: 1\n"
                                "connections:\n"
                                "  argo: {kind: argocd, url: \"https://a.example\", credentials: {token: \"env:FD_T1\"}}\n"
                                "  spare: {kind: argocd, url: \"https://b.example\", credentials: {token: \"env:FD_T2\"}}\n"
                                "environments: [dev]\n"
                                "services:\n"
                                "  checkout: {deploy: argo}\n";
        LoadResult r = fromText(yaml);
        QCOMPARE(r.errors().size(), 1);
        QCOMPARE(r.issues.size(), 2);
        QCOMPARE(r.errors().at(0).toString(),
                 QStringLiteral("ws.yaml:3:71: connections.argo.credentials.token: environment "
                                "variable `FD_T1` is not set, and connection `argo` needs it: "
                                "service `checkout` uses the connection"));
        QVERIFY(r.issues.at(1).severity == WorkspaceIssue::Severity::Warning);
        QVERIFY(fromText(yaml, {QStringLiteral("FD_T1")}).ok());
    }

    void credentialsInUrlsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("path");
        QTest::newRow("user and password")
            << QByteArray("connections:\n  j: {kind: jenkins, url: \"https://bob:hunter2@jenkins.example\"}\n")
            << QStringLiteral("connections.j.url");
        QTest::newRow("token as user")
            << QByteArray("connections:\n  g: {kind: gitlab, url: \"https://glpat-hunter2@gitlab.example\"}\n")
            << QStringLiteral("connections.g.url");
        QTest::newRow("option URL")
            << QByteArray("connections:\n  p: {kind: prometheus, url: \"http://p.example\", options: {alertmanagerUrl: \"http://a:hunter2@am.example\"}}\n")
            << QStringLiteral("connections.p.options.alertmanagerUrl");
        QTest::newRow("repository URL")
            << QByteArray("services:\n  s: {repository: {url: \"https://x:hunter2@git.example/s.git\"}}\n")
            << QStringLiteral("services.s.repository.url");
    }
    void credentialsInUrlsAreRefused()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, path);
        const LoadResult r = fromText("version: 1\n" + yaml);
        QCOMPARE(r.errors().size(), 1);
        QCOMPARE(r.errors().at(0).keyPath, path);
        QVERIFY2(r.errors().at(0).message.contains(QLatin1String("carries credentials")),
                 qPrintable(lines(r)));
        QVERIFY2(!lines(r).contains(QLatin1String("hunter2")), "the secret is never echoed");
    }

    void sshUserNameIsNotACredential()
    {
        const LoadResult r =
            fromText("version: 1\nservices:\n  s: {repository: {url: \"ssh://git@git.example/s.git\"}}\n");
        QVERIFY2(r.ok(), qPrintable(lines(r)));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceHardening)
#include "tst_workspace_hardening.moc"
