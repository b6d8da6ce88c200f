#pragma once

#include "dora.h"

#include <QDateTime>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace fd {

class RepositoryCache;
class Session;
struct DoraSources;

/// Everything DORA is computed from, read from an open session: the stored timeline and
/// incidents of [from − failure window, to) and the estate's deployments and runs.
bool readDoraSources(Session &session,
                     const QDateTime &from,
                     const QDateTime &to,
                     DoraSources *sources,
                     QString *error = nullptr);

/**
 * DORA for one service filter, environment and period over a live session. The report is
 * computed on a worker (lead time may walk git history) and computed again whenever its
 * inputs change: deployments or runs in the estate, events arriving on the timeline. Changes
 * within a second (a backend's first read) are gathered into one computation, and the result
 * of a computation that a newer one superseded is dropped.
 */
class DoraEngine : public QObject
{
    Q_OBJECT
public:
    explicit DoraEngine(Session *session, QObject *parent = nullptr);
    ~DoraEngine() override;

    /// What to measure; a change starts a computation.
    void setQuestion(const QString &service, const QString &environment, int weeks);
    /// Ends the period at @p now (the default, an invalid time, follows the clock).
    void setNow(const QDateTime &now);
    /// Computes now, whatever changed.
    void refresh();

    QString service() const { return m_service; }
    QString environment() const { return m_environment; }
    int weeks() const { return m_weeks; }
    bool isBusy() const { return m_busy; }
    const DoraReport &report() const { return m_report; }
    QStringList notes() const { return m_notes; }
    /// How many computations have finished (one per burst of changes, plus asked refreshes).
    int computations() const { return m_computations; }

Q_SIGNALS:
    void started();
    void updated();

private:
    void scheduleRefresh();

    Session *m_session;
    std::shared_ptr<RepositoryCache> m_git;
    QString m_service;
    QString m_environment;
    int m_weeks = 12;
    QDateTime m_now;
    QTimer m_debounce;
    DoraReport m_report;
    QStringList m_notes;
    bool m_busy = false;
    int m_generation = 0;
    int m_computations = 0;
};

} // namespace fd
