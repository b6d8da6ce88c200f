#pragma once

#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace fd {
class BackendSink;
}

namespace fd::http {

struct Response;

/**
 * The problems a connection has shown the user, one open message per place. A message is
 * passed on once, not every poll; a new message for the same place replaces the old one.
 * It also remembers which answers could not be read at all, so the next poll asks for them
 * without a validator (a 304 would otherwise keep the unreadable body's ETag alive).
 */
class ProblemLedger
{
public:
    ProblemLedger(const char *plugin, const QString &connectionId, BackendSink *sink);

    void report(const QString &where, const QString &message);
    void clear(const QString &where);

    /// The result of parsing one answer. Unreadable as a whole: the last good state stays,
    /// the user is told so, and false is returned. Readable: its record-level errors (if
    /// any) become the place's problem, otherwise (when clearWhenClean) the place is cleared;
    /// true is returned.
    bool accept(const QString &where,
                const QUrl &url,
                bool readable,
                const QStringList &errors,
                bool clearWhenClean = true);
    /// Whether a read of one of a place's documents went through. A 404 means the place
    /// itself is gone or hidden: one notFound message for the place, whichever read met it;
    /// any other failure is the document's own problem ("<where>: <what>").
    bool readOk(const QString &where,
                const QString &what,
                const Response &response,
                const std::function<QString(const Response &)> &describe,
                const std::function<QString(const Response &)> &notFound);
    /// Marks an answer as read well or not without touching any problem.
    void markReadable(const QUrl &url, bool readable);
    /// Whether the answer at url was unreadable last time (read it without a validator).
    bool mustReadFresh(const QString &url) const { return m_fresh.contains(url); }

private:
    const char *m_plugin;
    QString m_connectionId;
    BackendSink *m_sink;
    QSet<QString> m_reported; // "where\nmessage"
    QSet<QString> m_fresh;    // URLs whose last answer could not be read
};

} // namespace fd::http
