#pragma once

#include "domain/incident.h"
#include "domain/records.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

namespace fd {

/// One deployment as DORA sees it: where, when, how it ended, and when its changes were made.
struct DoraDeployment
{
    QString service;
    QString environment;
    QString version;
    QString commit;
    DeployStatus status = DeployStatus::Unknown; // only Succeeded and Failed count
    QDateTime time;               // when it finished (or started, when no finish is known)
    QList<QDateTime> changeTimes; // commit times of the changes it brought (lead time)
    QString leadTimeSource;       // "git", "run", "first deploy" or "" (unknown)

    bool operator==(const DoraDeployment &) const = default;
};

struct DoraInput
{
    QList<DoraDeployment> deployments;
    QList<TimelineEvent> events; // rollbacks are read from here
    QList<Incident> incidents;
};

struct DoraOptions
{
    QString environment; // the environment measured: production unless asked
    QString service;     // "" = every service
    QDateTime from;      // inclusive
    QDateTime to;        // exclusive
    qint64 failureWindowSecs = 24 * 3600;
};

/// DORA performance bands; None when there is nothing to measure.
enum class DoraBand { None, Low, Medium, High, Elite };
QString toString(DoraBand band);

struct DoraFigures
{
    int deployments = 0;   // successful deploys to the environment in the period
    int attempts = 0;      // deploys that ended (succeeded or failed)
    int failedChanges = 0; // attempts that failed or were followed by a failure
    double days = 0;       // length of the period
    double deploysPerDay = 0;
    qint64 leadTimeSecs = -1; // median commit → deploy; -1 without samples
    int leadTimeSamples = 0;
    double changeFailureRate = -1; // 0..1; -1 without attempts
    qint64 timeToRestoreSecs = -1; // median detected → recovered; -1 without incidents
    int restoreSamples = 0;
    DoraBand frequencyBand = DoraBand::None;
    DoraBand leadTimeBand = DoraBand::None;
    DoraBand failureBand = DoraBand::None;
    DoraBand restoreBand = DoraBand::None;

    bool operator==(const DoraFigures &) const = default;
};

struct DoraWeek
{
    QDate monday;
    DoraFigures figures;
};

struct DoraReport
{
    DoraOptions options;
    DoraFigures total;
    QList<DoraWeek> weeks;                       // Monday-based UTC weeks covering the period
    QList<QPair<QString, DoraFigures>> services; // one row per service seen, sorted by name
};

/// Bands by the thresholds written in models/metrics/DORA.md.
DoraBand frequencyBand(double deploysPerDay);
DoraBand leadTimeBand(qint64 seconds);
DoraBand failureRateBand(double rate);
DoraBand restoreBand(qint64 seconds);

/// Median of whole seconds: the middle value, or the mean of the two middle ones rounded down.
qint64 medianSecs(QList<qint64> values);

/// Figures for one service filter and period (see DORA.md for every formula).
DoraFigures doraFigures(const DoraInput &input, const DoraOptions &options);
/// Figures for the period, each week of it, and each service.
DoraReport doraReport(const DoraInput &input, const DoraOptions &options);

} // namespace fd
