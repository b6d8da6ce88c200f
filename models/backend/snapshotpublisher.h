#pragma once

#include "backend.h"

#include <QSet>

namespace fd {

/**
 * For polling backends: publishes runs, deployments, environments and gates as one full
 * snapshot of the connection only when they differ from what was last published, and each
 * timeline event only once (by source id). A poll that finds nothing new publishes nothing.
 */
class SnapshotPublisher
{
public:
    /// @p force publishes the snapshot even when unchanged (the first full read).
    void publish(BackendSink *sink,
                 const QString &connectionId,
                 const RecordSet &records,
                 const QList<TimelineEvent> &events,
                 bool force);

private:
    QSet<QString> m_emittedEvents;
    RecordSet m_published;
};

} // namespace fd
