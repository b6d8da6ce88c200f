#pragma once

#include "backend/backend.h"
#include "backend/pluginhost.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace fd {

class ActionRunner;
class Estate;
class Store;

/**
 * One open workspace: its connections as backends, the merged estate, the store, and the
 * action path. The GUI and the CLI are both thin shells around a Session.
 */
class Session : public QObject
{
    Q_OBJECT
public:
    struct OpenOptions
    {
        QString storePath;      // "" = the default data directory; ":memory:" for none kept
        QStringList pluginDirs; // "" = PluginHost::defaultSearchPaths()
        std::optional<QString> overridesFile; // as LoadOptions
        bool restoreSnapshot = true;
    };

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    /// Load and validate the workspace, open the store, show the cached estate, load plugins
    /// and resolve credentials. False when the workspace has errors (see issues()). Backends
    /// are created when credentials are resolved (ready() is emitted), then start() runs them.
    bool open(const QString &workspaceFile, const OpenOptions &options);
    bool open(const QString &workspaceFile) { return open(workspaceFile, OpenOptions{}); }
    /// Start every backend (waits for credentials when they are still being read).
    void start();
    void stop();

    const Workspace &workspace() const { return m_workspace; }
    QList<WorkspaceIssue> issues() const { return m_issues; }
    Estate *estate() const { return m_estate; }
    PluginHost *plugins() const { return m_plugins.get(); }
    Store *store() const { return m_store.get(); }
    ActionRunner *actions() const { return m_actions; }
    Backend *backend(const QString &connectionId) const;
    QStringList connectionIds() const;
    QString connectionKind(const QString &connectionId) const;
    bool isReady() const { return m_ready; }
    /// True when every started backend reported its first full read.
    bool allSynced() const;

    /// CLI only: spin a local event loop until every backend synced or @p timeoutMs passed.
    bool waitForSync(int timeoutMs);
    /// Waits until every event and snapshot handed to the store's writer thread is written:
    /// call before reading the timeline back from the store (incidents, DORA, the CLI).
    void flushWrites();

Q_SIGNALS:
    void ready();     // backends exist
    void syncedAll(); // every backend finished its first read

private:
    void createBackends(const QList<ConnectionConfig> &configs);
    void saveSnapshots();

    Workspace m_workspace;
    QList<WorkspaceIssue> m_issues;
    Estate *m_estate = nullptr;
    std::unique_ptr<PluginHost> m_plugins;
    std::unique_ptr<Store> m_store;
    QThreadPool m_writer; // one thread: events and snapshots, written in order
    ActionRunner *m_actions = nullptr;
    QHash<QString, std::shared_ptr<Backend>> m_backends;
    QHash<QString, QString> m_kinds;
    bool m_ready = false;
    bool m_startRequested = false;
    bool m_started = false;
    QTimer m_snapshotTimer;
    QTimer m_confirmTimer;
};

} // namespace fd
