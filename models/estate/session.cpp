#include "session.h"

#include "estate.h"
#include "logging/redactor.h"
#include "backend/signals.h"
#include "ops/actionrunner.h"
#include "store/store.h"
#include "timeline/timeline.h"
#include "workspace/credentialresolver.h"
#include "workspace/workspaceloader.h"

#include <QEventLoop>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "fd.session")

namespace fd {

Session::Session(QObject *parent)
    : QObject(parent)
    , m_estate(new Estate(this))
    , m_plugins(std::make_unique<PluginHost>())
{
    // The cached estate is written a while after changes settle, not on every change.
    m_snapshotTimer.setSingleShot(true);
    m_snapshotTimer.setInterval(5000);
    connect(&m_snapshotTimer, &QTimer::timeout, this, &Session::saveSnapshots);
    connect(m_estate, &Estate::changed, this, [this] { m_snapshotTimer.start(); });
    // Events and snapshots are written by one thread of their own, in the order they came:
    // a first read of 10,000 apps must not hold the window while SQLite commits.
    m_writer.setMaxThreadCount(1);
    m_writer.setExpiryTimeout(-1);
    connect(m_estate, &Estate::eventsArrived, this, [this](const QList<TimelineEvent> &events) {
        if (Store *store = m_store.get())
            m_writer.start([store, events] { store->appendEvents(events); });
    });
    // Backends tell of a change of health, not of every successful poll: the time of the last
    // success is read from them, so the data's age is the age of its last confirmation.
    m_confirmTimer.setInterval(5000);
    connect(&m_confirmTimer, &QTimer::timeout, this, [this] {
        for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it)
            m_estate->confirmData(it.key(), it.value()->health().lastSuccess);
    });
    connect(m_estate, &Estate::connectionSynced, this, [this] {
        if (allSynced())
            Q_EMIT syncedAll();
    });
}

Session::~Session()
{
    stop();
    if (m_store && m_ready)
        saveSnapshots();
    flushWrites();
    // Backends hold sinks into the estate: they go first.
    m_backends.clear();
}

bool Session::open(const QString &workspaceFile, const OpenOptions &options)
{
    LoadOptions lo;
    lo.overridesFile = options.overridesFile;
    LoadResult loaded = WorkspaceLoader::load(workspaceFile, lo);
    m_issues = loaded.issues;
    if (!loaded.ok())
        return false;
    m_workspace = loaded.workspace;

    if (options.storePath != QLatin1String(":none")) {
        QString err;
        flushWrites(); // a store being replaced gets what was handed to it
        m_store = Store::open(
            options.storePath.isEmpty() ? Store::defaultPath() : options.storePath, &err);
        if (!m_store)
            m_issues << WorkspaceIssue{WorkspaceIssue::Severity::Warning,
                                       options.storePath,
                                       0,
                                       0,
                                       QString(),
                                       QStringLiteral("store not opened: %1").arg(err)};
    }
    if (m_store)
        pruneTimeline(*m_store, m_workspace, QDateTime::currentDateTimeUtc());
    if (m_store && options.restoreSnapshot) {
        if (auto snaps = m_store->loadSnapshots()) {
            for (auto it = snaps->cbegin(); it != snaps->cend(); ++it)
                if (m_workspace.connection(it.key()))
                    m_estate->restore(it.key(), it->first, it->second);
        }
    }

    m_plugins->scan(options.pluginDirs);
    m_actions = new ActionRunner(
        &m_workspace, m_estate, m_store.get(), [this](const QString &id) { return backend(id); },
        this);
    m_actions->setSignalLookup([this]() -> const SignalSource * {
        for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it)
            if (auto *s = dynamic_cast<const SignalSource *>(it.value().get()))
                return s;
        return nullptr;
    });

    auto *resolver = new CredentialResolver();
    resolver->resolveAll(m_workspace, this, [this, resolver](ResolvedConnections resolved) {
        delete resolver;
        m_issues += resolved.issues;
        // The resolver registers every value it reads as a secret; a user name is read the
        // same way (env:JENKINS_USER) but names a person, who must stay visible on the record.
        for (const ConnectionConfig &c : std::as_const(resolved.connections))
            for (const char *field : {"user", "username"})
                Redactor::instance().addIdentity(c.secret(QLatin1String(field)));
        createBackends(resolved.connections);
    });
    return true;
}

void Session::createBackends(const QList<ConnectionConfig> &configs)
{
    for (const ConnectionConfig &cfg : configs) {
        m_kinds.insert(cfg.id, cfg.kind);
        BackendFactory *factory = m_plugins->factory(cfg.kind);
        if (!factory) {
            ConnectionHealth h;
            h.state = ConnectionHealth::State::Unreachable;
            h.reason = QStringLiteral("no plugin serves connections of kind \"%1\"").arg(cfg.kind);
            m_estate->healthChanged(cfg.id, h);
            continue;
        }
        std::unique_ptr<Backend> b = factory->create(cfg, m_estate);
        if (b)
            m_backends.insert(cfg.id, std::shared_ptr<Backend>(std::move(b)));
    }
    m_ready = true;
    Q_EMIT ready();
    if (m_startRequested)
        start();
}

void Session::start()
{
    m_startRequested = true;
    if (!m_ready || m_started)
        return;
    m_started = true;
    for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it) {
        qCInfo(lcSession, "starting connection %s (%s)", qPrintable(it.key()),
               qPrintable(m_kinds.value(it.key())));
        it.value()->start();
    }
    m_confirmTimer.start();
    if (allSynced())
        Q_EMIT syncedAll();
}

void Session::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_confirmTimer.stop();
    for (const auto &b : std::as_const(m_backends))
        b->stop();
}

Backend *Session::backend(const QString &connectionId) const
{
    return m_backends.value(connectionId).get();
}

QStringList Session::connectionIds() const
{
    QStringList ids;
    for (const auto &c : m_workspace.connections)
        ids << c.id;
    return ids;
}

QString Session::connectionKind(const QString &connectionId) const
{
    const ConnectionDef *c = m_workspace.connection(connectionId);
    return c ? c->kind : QString();
}

bool Session::allSynced() const
{
    if (!m_ready)
        return false;
    for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it)
        if (!m_estate->isSynced(it.key()))
            return false;
    return true;
}

bool Session::waitForSync(int timeoutMs)
{
    if (!m_started)
        start();
    if (allSynced()) {
        flushWrites();
        return true;
    }
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &Session::syncedAll, &loop, &QEventLoop::quit);
    connect(this, &Session::ready, &loop, [this, &loop] {
        if (allSynced())
            loop.quit();
    });
    timer.start(timeoutMs);
    loop.exec();
    flushWrites(); // what the first reads said is in the store for whoever reads it next
    return allSynced();
}

void Session::saveSnapshots()
{
    Store *store = m_store.get();
    if (!store)
        return;
    // The copy is cheap (shared strings); turning it into JSON and writing it is not.
    for (auto it = m_backends.cbegin(); it != m_backends.cend(); ++it)
        if (m_estate->isSynced(it.key()))
            m_writer.start(
                [store, id = it.key(), records = m_estate->snapshot(it.key()),
                 at = m_estate->dataTime(it.key())] { store->saveSnapshot(id, records, at); });
}

void Session::flushWrites()
{
    m_writer.waitForDone();
}

} // namespace fd
