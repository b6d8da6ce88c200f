#include "pluginhost.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLibrary>
#include <QLoggingCategory>
#include <QPluginLoader>

Q_LOGGING_CATEGORY(lcPlugins, "fd.plugin")

namespace fd {

PluginHost::PluginHost() = default;

PluginHost::~PluginHost()
{
    // Backends made by these factories must be gone before this; unloading is left to the
    // process exit because Qt keeps plugin instances alive until then anyway.
    for (auto &l : m_loaded)
        delete l.loader;
}

QStringList PluginHost::defaultSearchPaths()
{
    QStringList dirs;
    const QByteArray env = qgetenv("FLIGHTDECK_PLUGIN_PATH");
    if (!env.isEmpty())
        dirs += QString::fromLocal8Bit(env).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const QString appDir = QCoreApplication::applicationDirPath();
    dirs << QDir(appDir).absoluteFilePath(QStringLiteral("../lib/flightdeck/plugins"));
#ifdef FD_INSTALL_PLUGIN_DIR
    dirs << QStringLiteral(FD_INSTALL_PLUGIN_DIR);
#endif
    QStringList unique;
    for (const QString &d : dirs) {
        const QString clean = QDir::cleanPath(d);
        if (!unique.contains(clean))
            unique << clean;
    }
    return unique;
}

void PluginHost::scan(const QStringList &dirs)
{
    const QStringList paths = dirs.isEmpty() ? defaultSearchPaths() : dirs;
    for (const QString &dir : paths) {
        QDir d(dir);
        if (!d.exists())
            continue;
        const auto entries = d.entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &fi : entries) {
            if (!QLibrary::isLibrary(fi.fileName()))
                continue;
            // The same plugin found twice (build tree and install dir): the first wins.
            bool seen = false;
            for (const auto &r : std::as_const(m_records))
                seen = seen || QFileInfo(r.file).fileName() == fi.fileName();
            if (!seen)
                loadFile(fi.absoluteFilePath());
        }
    }
}

PluginRecord PluginHost::loadFile(const QString &file)
{
    PluginRecord rec;
    rec.file = file;
    auto *loader = new QPluginLoader(file);
    // metaData() reads the JSON embedded in the library without running any of its code.
    const QJsonObject raw = loader->metaData();
    const QJsonObject meta = raw.value(QLatin1String("MetaData")).toObject();
    const QString iid = raw.value(QLatin1String("IID")).toString();
    rec.id = meta.value(QLatin1String("id")).toString();
    rec.name = meta.value(QLatin1String("name")).toString();
    rec.version = meta.value(QLatin1String("version")).toString();
    rec.kind = meta.value(QLatin1String("kind")).toString();
    rec.apiVersion = meta.value(QLatin1String("apiVersion")).toInt();
    for (const auto &c : meta.value(QLatin1String("capabilities")).toArray())
        rec.capabilities << c.toString();

    auto refuse = [&](const QString &why) {
        rec.error = why;
        qCWarning(lcPlugins, "refused plugin %s: %s", qPrintable(file), qPrintable(why));
        delete loader;
        m_records << rec;
        return rec;
    };

    if (raw.isEmpty())
        return refuse(QStringLiteral("not a Flightdeck plugin: %1")
                          .arg(loader->errorString().isEmpty()
                                   ? QStringLiteral("no plugin metadata")
                                   : loader->errorString()));
    if (iid != QLatin1String(FD_BACKEND_FACTORY_IID))
        return refuse(QStringLiteral("plugin interface %1 is not %2")
                          .arg(iid.isEmpty() ? QStringLiteral("(none)") : iid,
                               QStringLiteral(FD_BACKEND_FACTORY_IID)));
    if (rec.id.isEmpty() || rec.kind.isEmpty())
        return refuse(QStringLiteral("plugin metadata lacks \"id\" or \"kind\""));
    if (rec.apiVersion != FD_BACKEND_API_VERSION)
        return refuse(QStringLiteral("plugin %1 %2 needs plugin API version %3; this Flightdeck "
                                     "speaks version %4 — install a matching build of the plugin")
                          .arg(rec.id, rec.version)
                          .arg(rec.apiVersion)
                          .arg(FD_BACKEND_API_VERSION));
    if (factory(rec.kind))
        return refuse(
            QStringLiteral("another loaded plugin already serves connections of kind \"%1\"")
                .arg(rec.kind));

    QObject *instance = loader->instance();
    if (!instance)
        return refuse(QStringLiteral("library could not be loaded: %1").arg(loader->errorString()));
    auto *f = qobject_cast<BackendFactory *>(instance);
    if (!f)
        return refuse(QStringLiteral("plugin object does not implement %1")
                          .arg(QStringLiteral(FD_BACKEND_FACTORY_IID)));
    if (f->kind() != rec.kind)
        return refuse(QStringLiteral("plugin says kind \"%1\" but its metadata says \"%2\"")
                          .arg(f->kind(), rec.kind));
    rec.loaded = true;
    m_loaded.append({rec.kind, loader, f});
    m_records << rec;
    qCInfo(lcPlugins, "loaded plugin %s %s (%s)", qPrintable(rec.id), qPrintable(rec.version),
           qPrintable(file));
    return rec;
}

BackendFactory *PluginHost::factory(const QString &kind) const
{
    for (const auto &l : m_loaded)
        if (l.kind == kind)
            return l.factory;
    return nullptr;
}

QStringList PluginHost::kinds() const
{
    QStringList k;
    for (const auto &l : m_loaded)
        k << l.kind;
    return k;
}

} // namespace fd
