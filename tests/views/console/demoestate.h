#pragma once

#include "estate/estate.h"

namespace fd::test {

/// A realistic estate: four connections, five services, three environments, runs in every
/// state, gates of every kind, one canary mid-flight. Times are relative to @p now.
struct DemoEstate
{
    static QStringList environments()
    {
        return {QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("prod")};
    }
    static void publish(Estate &estate, const QDateTime &now);
    /// The canary at step @p step with its weight, paused or not, with these action flags.
    static Rollout canary(const QDateTime &now,
                          int step,
                          int weight,
                          bool paused,
                          const QList<RolloutAction> &actions);
};

} // namespace fd::test
