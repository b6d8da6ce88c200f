#include "snapshotpublisher.h"

namespace fd {

void SnapshotPublisher::publish(BackendSink *sink,
                                const QString &connectionId,
                                const RecordSet &records,
                                const QList<TimelineEvent> &events,
                                bool force)
{
    QList<TimelineEvent> fresh;
    for (const TimelineEvent &e : events) {
        if (m_emittedEvents.contains(e.sourceId))
            continue;
        m_emittedEvents.insert(e.sourceId);
        fresh.append(e);
    }
    const bool changed = force || records.runs != m_published.runs ||
                         records.deployments != m_published.deployments ||
                         records.environments != m_published.environments ||
                         records.gates != m_published.gates;
    if (!changed && fresh.isEmpty())
        return;
    RecordSet out;
    RecordKinds replace = 0;
    if (changed) {
        out.runs = records.runs;
        out.deployments = records.deployments;
        out.environments = records.environments;
        out.gates = records.gates;
        replace = int(RecordKind::Runs) | int(RecordKind::Deployments) |
                  int(RecordKind::Environments) | int(RecordKind::Gates);
        m_published = records;
        m_published.events.clear();
    }
    out.events = fresh;
    sink->publish(connectionId, out, replace);
}

} // namespace fd
