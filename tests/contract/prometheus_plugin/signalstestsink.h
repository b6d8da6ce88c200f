#pragma once

// A BackendSink that keeps what a signals backend reported, for the plugin's contract test
// and the incident end-to-end test.

#include "backend/backend.h"

#include <QList>

namespace fd::test {

class SignalsTestSink : public BackendSink
{
public:
    void publish(const QString &, const RecordSet &records, RecordKinds) override
    {
        events += records.events;
    }
    void healthChanged(const QString &, const ConnectionHealth &h) override { health = h; }
    void problem(const QString &, const QString &where, const QString &message) override
    {
        problems << where + QStringLiteral(": ") + message;
    }
    void initialSyncDone(const QString &) override { ++initialSyncs; }
    void actionFinished(const QString &, quint64, const ActionResult &result) override
    {
        results << result;
    }

    /// The newest event of @p kind for service × environment, or nullptr.
    const TimelineEvent *alert(TimelineEvent::Kind kind,
                               const QString &service,
                               const QString &environment,
                               const QString &alertName) const
    {
        const TimelineEvent *found = nullptr;
        for (const TimelineEvent &e : events)
            if (e.kind == kind && e.service == service && e.environment == environment &&
                e.title.startsWith(alertName))
                found = &e;
        return found;
    }

    QList<TimelineEvent> events;
    QStringList problems;
    ConnectionHealth health;
    QList<ActionResult> results;
    int initialSyncs = 0;
};

} // namespace fd::test
