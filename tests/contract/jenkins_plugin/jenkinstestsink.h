#pragma once

// A BackendSink that keeps what a Jenkins backend reported, merged the way the estate merges
// it, for the plugin's contract test and the poll benchmark.

#include "backend/backend.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace fd::test {

struct JenkinsProblem
{
    QString where;
    QString message;
};

class JenkinsTestSink : public BackendSink
{
public:
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

    bool hasProblem(const QString &whereFragment, const QString &messageFragment = {}) const
    {
        for (const auto &p : problems)
            if (p.where.contains(whereFragment) && p.message.contains(messageFragment))
                return true;
        return false;
    }
    int eventCount(TimelineEvent::Kind kind) const
    {
        int n = 0;
        for (const auto &e : events)
            if (e.kind == kind)
                ++n;
        return n;
    }
    const Gate *gateFor(const QString &service, const QString &environment) const
    {
        for (const Gate &g : gates)
            if (g.service == service && g.environment == environment)
                return &g;
        return nullptr;
    }
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
    QList<JenkinsProblem> problems;
    ConnectionHealth health;
    QList<ConnectionHealth> healthHistory;
    QHash<quint64, ActionResult> results;
    int initialSyncs = 0;
    int publishes = 0;
};

} // namespace fd::test
