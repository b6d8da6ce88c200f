#pragma once

#include "backend.h"

#include <QList>
#include <QString>
#include <QStringList>

class QPluginLoader;

namespace fd {

/// What the host knows about one plugin file: its metadata, and why it was refused if it was.
struct PluginRecord
{
    QString file;
    QString id;
    QString name;
    QString version;
    QString kind;
    int apiVersion = 0;
    QStringList capabilities;
    bool loaded = false;
    QString error; // empty when loaded; otherwise words a user can act on
};

/**
 * Finds backend plugins, checks their metadata before loading the library, and keeps a
 * record per file (loaded or refused, with the reason) for the CLI and "About plugins".
 */
class PluginHost
{
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost &) = delete;
    PluginHost &operator=(const PluginHost &) = delete;

    /// Where plugins are looked for: $FLIGHTDECK_PLUGIN_PATH, next to the executable in the
    /// build tree (../lib/flightdeck/plugins) and the install directory.
    static QStringList defaultSearchPaths();

    /// Scan @p dirs (default search paths when empty) and load every acceptable plugin.
    void scan(const QStringList &dirs = {});
    /// Load one file; returns its record (also kept in records()).
    PluginRecord loadFile(const QString &file);

    const QList<PluginRecord> &records() const { return m_records; }
    /// The factory for a connection kind, or nullptr when no loaded plugin serves it.
    BackendFactory *factory(const QString &kind) const;
    QStringList kinds() const;

private:
    struct Loaded
    {
        QString kind;
        QPluginLoader *loader = nullptr;
        BackendFactory *factory = nullptr;
    };
    QList<PluginRecord> m_records;
    QList<Loaded> m_loaded;
};

} // namespace fd
