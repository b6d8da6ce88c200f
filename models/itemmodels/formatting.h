#pragma once

#include "domain/connection.h"
#include "domain/records.h"

#include <QString>

namespace fd {

/// Words for values, translated, shared by models and views so a status reads the same
/// everywhere (the context for translators is "fd::Wording").
namespace Wording {
QString runStatus(RunStatus s);
QString deployStatus(DeployStatus s);
QString health(Health h);
QString sync(SyncState s);
QString gateKind(GateKind k);
QString rolloutPhase(RolloutPhase p);
QString connectionState(ConnectionHealth::State s);
/// "42 s", "3 min 5 s", "2 h 10 min"; empty for a negative duration.
QString duration(qint64 ms);
/// "just now", "5 min ago", "3 h ago", "2 d ago".
QString age(qint64 seconds);
/// Local time for tables: "HH:mm" today, "MM-dd HH:mm" this year, else with the year.
QString dateTime(const QDateTime &t);
QString shortCommit(const QString &sha);
/// A pipeline's name as people write it: Jenkins multibranch jobs arrive URL-encoded
/// ("release%2F1.x"), shown decoded ("release/1.x").
QString pipelineName(const QString &pipeline);
} // namespace Wording

} // namespace fd
