#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace fd {

/// A declared outage with its phases.
struct Incident
{
    enum class Phase { Detected, Reported, Mitigated, Recovered, Postmortem };
    qint64 id = 0;
    QString title;
    QString severity; // sev1..sev4
    QStringList services;
    QString environment;
    Phase phase = Phase::Detected;
    QDateTime detectedAt;
    QDateTime reportedAt;
    QDateTime mitigatedAt;
    QDateTime recoveredAt;
    QString summary;

    bool operator==(const Incident &) const = default;
};

QString toString(Incident::Phase p);
Incident::Phase incidentPhaseFromString(const QString &s);

} // namespace fd
