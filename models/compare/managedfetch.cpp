#include "managedfetch.h"

#include "backend/backend.h"

#include <QPointer>
#include <QTimer>

namespace fd {

namespace {

QString keyOf(const ManagedResources &side)
{
    return side.connectionId + QLatin1Char('\n') + side.application;
}

} // namespace

struct ManagedResourceFetch::Job
{
    CompareRequest request;
    QHash<QString, ManagedResources> results; // by connection + application
    QStringList queue;                        // keys in request order
    qsizetype next = 0;                       // the first key not yet sent
    int inFlight = 0;
    QHash<QString, QTimer *> timers; // of requests out and not answered yet

    ~Job()
    {
        for (QTimer *t : std::as_const(timers))
            t->deleteLater();
    }
};

ManagedResourceFetch::ManagedResourceFetch(BackendLookup backends, QObject *parent)
    : QObject(parent)
    , m_backends(std::move(backends))
{}

ManagedResourceFetch::~ManagedResourceFetch() = default;

bool ManagedResourceFetch::needed(const CompareRequest &request)
{
    for (const ServiceInput &s : request.services)
        if (s.managedA.requested() || s.managedB.requested())
            return true;
    return false;
}

void ManagedResourceFetch::start(const CompareRequest &request)
{
    cancel();
    const quint64 id = m_jobId;
    m_job = std::make_unique<Job>();
    m_job->request = request;
    m_running = true;
    // Two services may share an application, and A and B never fetch the same one twice.
    QStringList toFetch;
    for (const ServiceInput &s : request.services) {
        for (const ManagedResources *side : {&s.managedA, &s.managedB}) {
            if (!side->requested() || m_job->results.contains(keyOf(*side)))
                continue;
            ManagedResources r;
            r.connectionId = side->connectionId;
            r.application = side->application;
            m_job->results.insert(keyOf(r), r);
            toFetch.append(keyOf(r));
        }
    }
    m_pending = int(toFetch.size());
    if (m_pending == 0) {
        QMetaObject::invokeMethod(
            this, [this, id] { finish(id); }, Qt::QueuedConnection);
        return;
    }
    m_job->queue = toFetch;
    issue(id);
}

void ManagedResourceFetch::issue(quint64 id)
{
    // A backend may answer inside the call; its answer must not recurse into here once per
    // application, so the outer loop carries on instead.
    if (m_issuing)
        return;
    m_issuing = true;
    QPointer<ManagedResourceFetch> self(this);
    while (self && id == m_jobId && m_job && m_job->inFlight < m_maxInFlight &&
           m_job->next < m_job->queue.size()) {
        const QString key = m_job->queue.at(m_job->next++);
        ++m_job->inFlight;
        const ManagedResources side = m_job->results.value(key);
        Backend *backend = m_backends ? m_backends(side.connectionId) : nullptr;
        if (!backend) {
            answer(id, key, {},
                   QStringLiteral("connection %1 is not connected").arg(side.connectionId));
            continue;
        }
        // The clock starts when the request goes out, not while it waits for a free slot.
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, id, key, secs = m_timeoutMs / 1000.0] {
            answer(id, key, {}, QStringLiteral("no answer within %1 s").arg(secs));
        });
        timer->start(m_timeoutMs);
        m_job->timers.insert(key, timer);
        backend->fetchManagedResources(
            side.application,
            [self, id, key](const QList<ManagedResource> &resources, const QString &error) {
                if (self)
                    self->answer(id, key, resources, error);
            });
    }
    if (!self)
        return;
    m_issuing = false;
    if (id != m_jobId && m_job)
        issue(m_jobId); // a newer job started from inside a callback waits for nobody
}

void ManagedResourceFetch::cancel()
{
    ++m_jobId;
    m_job.reset();
    m_pending = 0;
    m_running = false;
}

void ManagedResourceFetch::answer(quint64 job,
                                  const QString &key,
                                  const QList<ManagedResource> &resources,
                                  const QString &error)
{
    if (job != m_jobId || !m_job)
        return;
    const auto it = m_job->results.find(key);
    if (it == m_job->results.end() || it->answered)
        return; // a reply after its timeout, or a second reply
    it->answered = true;
    it->error = error;
    if (QTimer *timer = m_job->timers.take(key)) {
        timer->stop();
        timer->deleteLater(); // this may be its own timeout
    }
    if (error.isEmpty())
        it->resources = resources;
    --m_job->inFlight;
    if (--m_pending == 0)
        // Never from inside start() or a backend's callback: the caller may not be ready.
        QMetaObject::invokeMethod(
            this, [this, job] { finish(job); }, Qt::QueuedConnection);
    else
        issue(job);
}

void ManagedResourceFetch::finish(quint64 job)
{
    if (job != m_jobId || !m_job)
        return;
    CompareRequest request = std::move(m_job->request);
    const QHash<QString, ManagedResources> results = std::move(m_job->results);
    m_job.reset();
    m_running = false;
    for (ServiceInput &s : request.services) {
        for (ManagedResources *side : {&s.managedA, &s.managedB})
            if (side->requested())
                *side = results.value(keyOf(*side));
    }
    Q_EMIT finished(request);
}

} // namespace fd
