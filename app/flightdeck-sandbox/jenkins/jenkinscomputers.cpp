#include "jenkinscomputers.h"

#include <QJsonArray>

#include <algorithm>

namespace fd::sandbox {

namespace {

struct Node
{
    const char *urlName;
    const char *displayName;
    const char *computerClass;
    const char *label;
    const char *description;
    int executors;
};

const Node kNodes[] = {
    {"(built-in)", "Built-In Node", "hudson.model.Hudson$MasterComputer", "built-in",
     "the Jenkins controller's built-in node", 2},
    {"linux-agent-1", "linux-agent-1", "hudson.slaves.SlaveComputer", "linux", "Linux build agent",
     4},
};

QJsonObject computerJson(const Node &node, int busyHere)
{
    QJsonArray executors;
    for (int i = 0; i < node.executors; ++i)
        executors.append(QJsonObject{});
    return {{QStringLiteral("_class"), QLatin1String(node.computerClass)},
            {QStringLiteral("actions"), QJsonArray{}},
            {QStringLiteral("assignedLabels"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QLatin1String(node.label)}}}},
            {QStringLiteral("description"), QLatin1String(node.description)},
            {QStringLiteral("displayName"), QLatin1String(node.displayName)},
            {QStringLiteral("executors"), executors},
            {QStringLiteral("icon"), QStringLiteral("symbol-computer")},
            {QStringLiteral("iconClassName"), QStringLiteral("symbol-computer")},
            {QStringLiteral("idle"), busyHere == 0},
            {QStringLiteral("jnlpAgent"), false},
            {QStringLiteral("launchSupported"), true},
            {QStringLiteral("loadStatistics"),
             QJsonObject{{QStringLiteral("_class"), QStringLiteral("hudson.model.Label$1")}}},
            {QStringLiteral("manualLaunchAllowed"), true},
            {QStringLiteral("monitorData"), QJsonObject{}},
            {QStringLiteral("numExecutors"), node.executors},
            {QStringLiteral("offline"), false},
            {QStringLiteral("offlineCause"), QJsonValue()},
            {QStringLiteral("offlineCauseReason"), QString()},
            {QStringLiteral("oneOffExecutors"), QJsonArray{}},
            {QStringLiteral("temporarilyOffline"), false}};
}

} // namespace

QJsonObject jenkinsComputerSet(int busy)
{
    QJsonArray computers;
    int total = 0, left = busy;
    for (const Node &n : kNodes) {
        const int here = std::min(left, n.executors);
        left -= here;
        total += n.executors;
        computers.append(computerJson(n, here));
    }
    return {{QStringLiteral("_class"), QStringLiteral("hudson.model.ComputerSet")},
            {QStringLiteral("busyExecutors"), std::min(busy, total)},
            {QStringLiteral("computer"), computers},
            {QStringLiteral("displayName"), QStringLiteral("Nodes")},
            {QStringLiteral("totalExecutors"), total}};
}

QJsonObject jenkinsComputer(int busy, const QString &urlName)
{
    const QString name =
        urlName == QLatin1String("(master)") ? QStringLiteral("(built-in)") : urlName;
    int left = busy;
    for (const Node &n : kNodes) {
        const int here = std::min(left, n.executors);
        left -= here;
        if (name == QLatin1String(n.urlName))
            return computerJson(n, here);
    }
    return {};
}

} // namespace fd::sandbox
