#pragma once

// A BackendSink that keeps what a GitLab backend reported, merged the way the estate merges
// it, for the GitLab plugin's contract test and poll benchmark.

#include "backend/backend.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace fd::test {

class GitLabTestSink : public BackendSink
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
        if (replace & int(RecordKind::Runs))
            runs.clear();
        if (replace & int(RecordKind::Deployments))
            deployments.clear();
        if (replace & int(RecordKind::Environments))
            environments.clear();
        if (replace & int(RecordKind::Gates))
            gates.clear();
        for (const Run &r : records.runs)
            runs.insert(r.id, r);
        for (const Deployment &d : records.deployments)
            deployments.insert(d.id, d);
        for (const EnvironmentState &e : records.environments)
            environments.insert(e.service + QLatin1Char('/') + e.environment, e);
        for (const Gate &g : records.gates)
            gates.insert(g.id, g);
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

    int problemsAt(const QString &whereFragment) const
    {
        int n = 0;
        for (const auto &p : problems)
            if (p.where.contains(whereFragment))
                ++n;
        return n;
    }
    int eventCount(TimelineEvent::Kind kind) const
    {
        int n = 0;
        for (const auto &e : events)
            n += e.kind == kind;
        return n;
    }
    bool sawHealth(ConnectionHealth::State state) const
    {
        for (const auto &h : healthHistory)
            if (h.state == state)
                return true;
        return false;
    }
    QList<Deployment> deploymentsOf(const QString &service, const QString &env) const
    {
        QList<Deployment> out;
        for (const Deployment &d : deployments)
            if (d.service == service && d.environment == env)
                out.append(d);
        std::sort(out.begin(), out.end(), [](const Deployment &a, const Deployment &b) {
            return a.id.toLongLong() > b.id.toLongLong();
        });
        return out;
    }
    /// Every text the backend handed out, for the "no token anywhere" check.
    QStringList allTexts() const
    {
        QStringList out;
        for (const auto &p : problems)
            out << p.where << p.message;
        for (const auto &h : healthHistory)
            out << h.reason;
        for (const auto &r : results)
            out << r.message << r.steps;
        for (const auto &e : events)
            out << e.title << e.detail << e.link.toString();
        for (const auto &r : runs)
            out << r.url.toString();
        return out;
    }

    QHash<QString, Run> runs;
    QHash<QString, Deployment> deployments;
    QHash<QString, EnvironmentState> environments; // "service/environment"
    QHash<QString, Gate> gates;
    QList<TimelineEvent> events;
    QList<Problem> problems;
    ConnectionHealth health;
    QList<ConnectionHealth> healthHistory;
    QHash<quint64, ActionResult> results;
    int initialSyncs = 0;
    int publishes = 0;
};

} // namespace fd::test
