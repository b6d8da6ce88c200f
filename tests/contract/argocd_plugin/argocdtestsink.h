#pragma once

// A BackendSink that keeps what the Argo CD backend reported, merged the way the estate
// merges it (replace kinds are full snapshots for the connection), for the contract test.

#include "backend/backend.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace fd::test {

class ArgoCdTestSink : public BackendSink
{
public:
    struct Problem
    {
        QString where;
        QString message;
    };

    void publish(const QString &, const RecordSet &records, RecordKinds replace) override
    {
        ++publishes;
        if (!records.environments.isEmpty())
            environmentBatches.append(int(records.environments.size()));
        if (replace & int(RecordKind::Deployments))
            deployments.clear();
        if (replace & int(RecordKind::Environments))
            environments.clear();
        if (replace & int(RecordKind::Gates))
            gates.clear();
        if (replace & int(RecordKind::Rollouts))
            rollouts.clear();
        for (const Deployment &d : records.deployments)
            deployments.insert(d.key(), d);
        for (const EnvironmentState &e : records.environments)
            environments.insert(e.object, e);
        for (const Gate &g : records.gates)
            gates.insert(g.id, g);
        for (const Rollout &r : records.rollouts)
            rollouts.insert(r.application + QLatin1Char('/') + r.name, r);
        events += records.events;
    }
    void healthChanged(const QString &, const ConnectionHealth &h) override
    {
        health = h;
        healthHistory.append(h);
    }
    void problem(const QString &, const QString &where, const QString &message) override
    {
        problems.append({where, message});
    }
    void initialSyncDone(const QString &) override { ++initialSyncs; }
    void actionFinished(const QString &, quint64 ticket, const ActionResult &result) override
    {
        results.insert(ticket, result);
    }

    int problemsMatching(const QString &fragment) const
    {
        int n = 0;
        for (const auto &p : problems)
            if (p.message.contains(fragment) || p.where.contains(fragment))
                ++n;
        return n;
    }
    int eventsOfKind(TimelineEvent::Kind kind) const
    {
        int n = 0;
        for (const auto &e : events)
            if (e.kind == kind)
                ++n;
        return n;
    }
    bool sawHealth(ConnectionHealth::State state) const
    {
        for (const auto &h : healthHistory)
            if (h.state == state)
                return true;
        return false;
    }

    int publishes = 0;
    QList<int> environmentBatches; // environments per publish call, in order
    int initialSyncs = 0;
    QHash<QString, Deployment> deployments;
    QHash<QString, EnvironmentState> environments; // by app name
    QHash<QString, Gate> gates;
    QHash<QString, Rollout> rollouts; // by "app/rollout"
    QList<TimelineEvent> events;
    ConnectionHealth health;
    QList<ConnectionHealth> healthHistory;
    QList<Problem> problems;
    QHash<quint64, ActionResult> results;
};

} // namespace fd::test
