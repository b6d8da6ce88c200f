#include "doraengine.h"

#include "dorahistory.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "git/repositorycache.h"
#include "store/store.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace fd {

bool readDoraSources(Session &session,
                     const QDateTime &from,
                     const QDateTime &to,
                     DoraSources *sources,
                     QString *error)
{
    if (Store *store = session.store()) {
        // Events handed to the writer thread must be on disk before the timeline is read.
        session.flushWrites();
        if (!readDoraSources(*store, from, to, sources, error))
            return false;
    }
    if (Estate *estate = session.estate()) {
        sources->deployments = estate->deployments().values();
        sources->runs = estate->runs().values();
    }
    return true;
}

DoraEngine::DoraEngine(Session *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_git(std::make_shared<RepositoryCache>())
{
    // Not restarted by every change: a live estate changes every second, and a computation
    // that waited for quiet would never come. One per second at most.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(1000);
    connect(&m_debounce, &QTimer::timeout, this, &DoraEngine::refresh);
    if (m_session && m_session->estate()) {
        Estate *estate = m_session->estate();
        connect(estate, &Estate::changed, this, [this](RecordKind kind) {
            if (kind == RecordKind::Deployments || kind == RecordKind::Runs)
                scheduleRefresh();
        });
        connect(estate, &Estate::eventsArrived, this, &DoraEngine::scheduleRefresh);
    }
}

DoraEngine::~DoraEngine() = default;

void DoraEngine::setQuestion(const QString &service, const QString &environment, int weeks)
{
    if (service == m_service && environment == m_environment && weeks == m_weeks && m_computations)
        return;
    m_service = service;
    m_environment = environment;
    m_weeks = weeks;
    refresh();
}

void DoraEngine::setNow(const QDateTime &now)
{
    m_now = now.isValid() ? now.toUTC() : QDateTime();
    refresh();
}

void DoraEngine::scheduleRefresh()
{
    if (!m_debounce.isActive())
        m_debounce.start();
}

void DoraEngine::refresh()
{
    m_debounce.stop();
    const QDateTime end = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    const QDateTime from = end.addDays(-7 * qint64(m_weeks));
    DoraSources sources;
    Workspace ws;
    QStringList readNotes;
    if (m_session) {
        ws = m_session->workspace();
        QString error;
        if (!readDoraSources(*m_session, from, end, &sources, &error))
            readNotes << error;
    }
    const DoraOptions options = doraOptions(ws, m_service, m_environment, from, end);
    m_busy = true;
    Q_EMIT started();
    const int generation = ++m_generation;
    auto git = m_git;
    using Result = QPair<DoraReport, QStringList>;
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        // A later computation superseded this one: its result is dropped.
        if (generation != m_generation)
            return;
        const Result result = watcher->result();
        m_report = result.first;
        m_notes = result.second;
        m_busy = false;
        ++m_computations;
        Q_EMIT updated();
    });
    watcher->setFuture(QtConcurrent::run([sources, ws, options, git, readNotes] {
        QStringList notes = readNotes;
        const DoraInput input = doraInput(sources, ws, git.get(), &notes);
        return qMakePair(doraReport(input, options), notes);
    }));
}

} // namespace fd
