#pragma once

// The simulated Jenkins' nodes: GET /computer/api/json and /computer/<name>/api/json, shaped
// as Jenkins 2.4xx writes hudson.model.ComputerSet and its computers.

#include <QJsonObject>
#include <QString>

namespace fd::sandbox {

/// The built-in node (2 executors) and one agent (4 executors); @p busy running builds take
/// executors, the built-in node's first.
QJsonObject jenkinsComputerSet(int busy);
/// One computer of that set by its URL name ("(built-in)", its old alias "(master)", or an
/// agent's name); an empty object when there is none.
QJsonObject jenkinsComputer(int busy, const QString &urlName);

} // namespace fd::sandbox
