#pragma once

/**
 * @file signals.h
 * Service level indicators (SLIs) offered by a backend with the Metrics capability.
 *
 * The SDK's record types carry no measurements, so a backend that reads metrics (the
 * prometheus plugin) implements fd::SignalSource beside fd::Backend. The host finds it with
 * `dynamic_cast<const fd::SignalSource *>(backend)`: host and plugins are built by the same
 * compiler with RTTI on, and the type is matched by name across the plugin boundary.
 *
 * Indicator names are the keys of a service's `sli` map in the workspace (`errorRatio`,
 * `latencyP99`, ...). An error ratio is a share in [0, 1]; a latency is in seconds.
 */

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace fd {

/// One measurement of an indicator.
struct SliPoint
{
    QDateTime time; ///< UTC
    double value = 0;

    bool operator==(const SliPoint &) const = default;
};

/// An indicator over time for one version of a service in one environment.
struct SliSeries
{
    QString service;
    QString environment;
    QString version;        ///< empty when the metrics carry no version label
    QString name;           ///< the indicator: errorRatio, latencyP99, ...
    QList<SliPoint> points; ///< oldest first

    bool operator==(const SliSeries &) const = default;
};

/**
 * Implemented by backends that can evaluate SLIs. Lives on the backend's thread (the GUI
 * thread); never blocks.
 */
class SignalSource
{
public:
    virtual ~SignalSource() = default;

    /**
     * Evaluates indicator @p sli of @p service in @p environment over [@p from, @p to], one
     * series per version. @p done runs exactly once, later (never inside this call), on the
     * backend's thread: with the series, or with an empty list and an error naming the place.
     */
    virtual void querySli(const QString &service,
                          const QString &environment,
                          const QString &sli,
                          const QDateTime &from,
                          const QDateTime &to,
                          std::function<void(QList<SliSeries> series, QString error)> done) = 0;

    /**
     * The newest value of @p sli for @p version of @p service in @p environment from the
     * backend's own polling, or nullopt when it has none (never measured, or the series
     * vanished). Cheap: reads cached state, makes no request.
     */
    virtual std::optional<double> latest(const QString &service,
                                         const QString &environment,
                                         const QString &version,
                                         const QString &sli) const = 0;
};

} // namespace fd
