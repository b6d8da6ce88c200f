#include "backend/pluginhost.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

class TestPluginHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsGoodPluginAndReadsMetadata();
    void refusesUnknownApiVersionWithReason();
    void refusesBrokenLibrary();
    void defaultPathsIncludeBuildTreeAndEnvironment();
};

static const PluginRecord *recordFor(const PluginHost &host, const QString &fileNamePart)
{
    for (const auto &r : host.records())
        if (r.file.contains(fileNamePart))
            return &r;
    return nullptr;
}

void TestPluginHost::loadsGoodPluginAndReadsMetadata()
{
    PluginHost host;
    host.scan({QStringLiteral(FD_TEST_PLUGINS)});
    const PluginRecord *rec = recordFor(host, QStringLiteral("fdtestplugin_good"));
    QVERIFY(rec);
    QVERIFY2(rec->loaded, qPrintable(rec->error));
    QCOMPARE(rec->id, QStringLiteral("dev.flightdeck.test"));
    QCOMPARE(rec->version, QStringLiteral("1.0.0"));
    QCOMPARE(rec->apiVersion, FD_BACKEND_API_VERSION);
    QCOMPARE(rec->capabilities,
             QStringList({QStringLiteral("pipelines"), QStringLiteral("approvals")}));
    BackendFactory *f = host.factory(QStringLiteral("testkind"));
    QVERIFY(f);
    ConnectionConfig cfg;
    cfg.id = QStringLiteral("t1");
    auto backend = f->create(cfg, nullptr);
    QVERIFY(backend);
    QCOMPARE(backend->capabilities(), int(Capability::Pipelines));
}

void TestPluginHost::refusesUnknownApiVersionWithReason()
{
    PluginHost host;
    host.scan({QStringLiteral(FD_TEST_PLUGINS)});
    const PluginRecord *rec = recordFor(host, QStringLiteral("fdtestplugin_wrongapi"));
    QVERIFY(rec);
    QVERIFY(!rec->loaded);
    QCOMPARE(rec->apiVersion, 99);
    QCOMPARE(rec->error,
             QStringLiteral("plugin dev.flightdeck.future 9.0.0 needs plugin API version 99; this "
                            "Flightdeck speaks version %1 — install a matching build of the plugin")
                 .arg(FD_BACKEND_API_VERSION));
    QVERIFY(!host.factory(QStringLiteral("futurekind")));
}

void TestPluginHost::refusesBrokenLibrary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile f(dir.filePath(QStringLiteral("libbroken.so")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not an ELF file");
    f.close();
    PluginHost host;
    host.scan({dir.path()});
    QCOMPARE(host.records().size(), 1);
    const PluginRecord &rec = host.records().first();
    QVERIFY(!rec.loaded);
    QVERIFY2(rec.error.startsWith(QStringLiteral("not a Flightdeck plugin")),
             qPrintable(rec.error));
    QVERIFY(host.kinds().isEmpty());
}

void TestPluginHost::defaultPathsIncludeBuildTreeAndEnvironment()
{
    qputenv("FLIGHTDECK_PLUGIN_PATH", "/opt/fd-extra");
    const QStringList paths = PluginHost::defaultSearchPaths();
    qunsetenv("FLIGHTDECK_PLUGIN_PATH");
    QCOMPARE(paths.first(), QStringLiteral("/opt/fd-extra"));
    QVERIFY(paths.contains(QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                           QStringLiteral("/../lib/flightdeck/plugins"))));
}

QTEST_GUILESS_MAIN(TestPluginHost)
#include "tst_pluginhost.moc"
