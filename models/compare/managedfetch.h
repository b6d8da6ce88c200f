#pragma once

#include "compare/compareengine.h"

#include <QObject>

#include <functional>
#include <memory>

namespace fd {

class Backend;

/**
 * Fetches, on the thread it lives on (the GUI thread, where backends live), the managed
 * resources of every Argo CD environment in a comparison request, each with a timeout, and
 * emits the request with them filled in. Starting again drops the older fetch's replies.
 */
class ManagedResourceFetch : public QObject
{
    Q_OBJECT
public:
    using BackendLookup = std::function<Backend *(const QString &connectionId)>;

    explicit ManagedResourceFetch(BackendLookup backends, QObject *parent = nullptr);
    ~ManagedResourceFetch() override;

    /// Per application; a reply later than this is dropped and the side gets a timeout error.
    void setTimeout(int ms) { m_timeoutMs = ms; }
    int timeout() const { return m_timeoutMs; }
    /// Requests out at once; the rest wait for a free slot (10,000 apps are not 10,000
    /// simultaneous requests).
    void setMaxInFlight(int n) { m_maxInFlight = qMax(1, n); }
    int maxInFlight() const { return m_maxInFlight; }

    /// True when @p request names an application to fetch.
    static bool needed(const CompareRequest &request);
    /// Fetches every application of @p request once; finished() follows, never from inside
    /// this call.
    void start(const CompareRequest &request);
    void cancel();
    bool isRunning() const { return m_running; }
    int pending() const { return m_pending; }

Q_SIGNALS:
    void finished(const fd::CompareRequest &request);

private:
    struct Job;
    void answer(quint64 job,
                const QString &key,
                const QList<ManagedResource> &resources,
                const QString &error);
    void finish(quint64 job);
    void issue(quint64 job);

    BackendLookup m_backends;
    std::unique_ptr<Job> m_job;
    quint64 m_jobId = 0;
    int m_pending = 0;
    bool m_running = false;
    int m_timeoutMs = 15000;
    int m_maxInFlight = 8;
    bool m_issuing = false;
};

} // namespace fd
