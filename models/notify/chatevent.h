#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace fd {

/// Something the team hears about in chat: one release or incident moment, with what a person
/// needs to judge it. Plain values, filled by whoever raises it (ChatNotices, the CLI).
struct ChatEvent
{
    enum class Kind {
        PromotionPlanned,
        DeployStarted,
        DeployFinished,
        DeployFailed,
        Rollback,
        CanaryStep,
        CanaryAborted,
        GateWaiting,
        IncidentDeclared,
        IncidentPhase,
        IncidentNote
    };
    struct Commit
    {
        QString sha;
        QString subject;
        int pullRequest = 0; // 0 when the commit names none

        bool operator==(const Commit &) const = default;
    };

    Kind kind = Kind::DeployStarted;
    QDateTime time;
    QString service;
    QString environment;
    QString actor; // who acted; empty when a backend did it on its own
    QString fromVersion;
    QString toVersion;
    int step = 0; // canary: the step reached (1-based) of stepCount
    int stepCount = 0;
    int weight = -1; // canary: the set weight in percent; -1 when unknown
    QList<Commit> commits;
    QUrl compareUrl;   // the comparison of fromVersion..toVersion on the repository host
    QUrl link;         // the backend's page of this deploy / rollout / gate
    QString detail;    // a failure's message, a gate's name, a note's text
    QStringList risks; // change notice: failed checks, freeze, SLO state, in words
    // Incidents
    qint64 incidentId = 0;
    QString title;
    QString severity; // sev1..sev4
    QString phase;    // detected reported mitigated recovered postmortem
    QStringList suspects;
    QUrl timelineLink;

    bool operator==(const ChatEvent &) const = default;
};

/// The workspace's words for the kinds: promotion-planned, deploy-started, ...
QString toString(ChatEvent::Kind kind);
bool chatEventKindFromString(const QString &text, ChatEvent::Kind *out);
QList<ChatEvent::Kind> allChatEventKinds();

} // namespace fd
