#include "problemledger.h"

#include "http/httplog.h"
#include "http/request.h"

#include "backend/backend.h"

namespace fd::http {

ProblemLedger::ProblemLedger(const char *plugin, const QString &connectionId, BackendSink *sink)
    : m_plugin(plugin)
    , m_connectionId(connectionId)
    , m_sink(sink)
{}

void ProblemLedger::report(const QString &where, const QString &message)
{
    const QString key = where + QLatin1Char('\n') + message;
    if (m_reported.contains(key))
        return;
    clear(where);
    m_reported.insert(key);
    qCWarning(lcNet).noquote() << m_plugin << m_connectionId << where << ":" << message;
    m_sink->problem(m_connectionId, where, message);
}

void ProblemLedger::clear(const QString &where)
{
    const QString prefix = where + QLatin1Char('\n');
    for (auto it = m_reported.begin(); it != m_reported.end();)
        it = it->startsWith(prefix) ? m_reported.erase(it) : std::next(it);
}

bool ProblemLedger::accept(const QString &where,
                           const QUrl &url,
                           bool readable,
                           const QStringList &errors,
                           bool clearWhenClean)
{
    markReadable(url, readable);
    const QString joined = errors.join(QStringLiteral("; "));
    if (!readable) {
        report(where, QStringLiteral("unreadable answer, keeping the last good state: ") + joined);
        return false;
    }
    if (!errors.isEmpty())
        report(where, joined);
    else if (clearWhenClean)
        clear(where);
    return true;
}

bool ProblemLedger::readOk(const QString &where,
                           const QString &what,
                           const Response &response,
                           const std::function<QString(const Response &)> &describe,
                           const std::function<QString(const Response &)> &notFound)
{
    if (response.ok()) {
        clear(where);
        return true;
    }
    if (response.status == 404)
        report(where, notFound(response));
    else
        report(where + QStringLiteral(": ") + what, describe(response));
    return false;
}

void ProblemLedger::markReadable(const QUrl &url, bool readable)
{
    if (readable)
        m_fresh.remove(url.toString());
    else
        m_fresh.insert(url.toString());
}

} // namespace fd::http
