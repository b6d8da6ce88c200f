#include "chatmessage.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace fd {

namespace {

bool korean(const QString &language)
{
    return language == QLatin1String("ko");
}

// The words of a message, per language. Korean sits beside English so that a new line of
// text cannot be added in one language only.
QString word(const char *key, const QString &language)
{
    struct Entry
    {
        const char *key;
        const char *en;
        const char *ko;
    };
    static constexpr Entry table[] = {
        {"versions", "Versions", "버전"},
        {"commits", "Commits", "커밋"},
        {"by", "By", "실행자"},
        {"severity", "Severity", "심각도"},
        {"phase", "Phase", "단계"},
        {"suspects", "Suspects", "의심 변경"},
        {"timeline", "Timeline", "타임라인"},
        {"risks", "Risks", "위험"},
        {"compare", "Compare", "비교"},
        {"open", "Open", "열기"},
        {"detail", "Detail", "상세"},
        {"none", "none", "없음"},
    };
    for (const auto &e : table)
        if (qstrcmp(e.key, key) == 0)
            return QString::fromUtf8(korean(language) ? e.ko : e.en);
    return QString::fromUtf8(key);
}

QString subject(const ChatEvent &e)
{
    QString s = e.service;
    if (!e.toVersion.isEmpty())
        s += QLatin1Char(' ') + e.toVersion;
    if (!e.environment.isEmpty())
        s += QStringLiteral(" → ") + e.environment;
    return s;
}

QString what(const ChatEvent &e, bool ko)
{
    switch (e.kind) {
    case ChatEvent::Kind::PromotionPlanned:
        return ko ? QStringLiteral("승격 예정") : QStringLiteral("promotion planned");
    case ChatEvent::Kind::DeployStarted:
        return ko ? QStringLiteral("배포 시작") : QStringLiteral("deploy started");
    case ChatEvent::Kind::DeployFinished:
        return ko ? QStringLiteral("배포 완료") : QStringLiteral("deployed");
    case ChatEvent::Kind::DeployFailed:
        return ko ? QStringLiteral("배포 실패") : QStringLiteral("deploy failed");
    case ChatEvent::Kind::Rollback:
        return ko ? QStringLiteral("롤백") : QStringLiteral("rolled back");
    case ChatEvent::Kind::CanaryStep: {
        QString s = ko ? QStringLiteral("카나리 %1 %").arg(e.weight)
                       : QStringLiteral("canary at %1 %").arg(e.weight);
        if (e.weight < 0)
            s = ko ? QStringLiteral("카나리 진행") : QStringLiteral("canary stepped");
        if (e.stepCount > 0)
            s += ko ? QStringLiteral(" (%1/%2단계)").arg(e.step).arg(e.stepCount)
                    : QStringLiteral(" (step %1/%2)").arg(e.step).arg(e.stepCount);
        return s;
    }
    case ChatEvent::Kind::CanaryAborted:
        return ko ? QStringLiteral("카나리 중단") : QStringLiteral("canary aborted");
    case ChatEvent::Kind::GateWaiting:
        return ko ? QStringLiteral("승인 대기") : QStringLiteral("waiting for approval");
    default:
        return QString();
    }
}

QString incidentLine(const ChatEvent &e, bool ko)
{
    const QString sev = e.severity.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(e.severity);
    switch (e.kind) {
    case ChatEvent::Kind::IncidentDeclared:
        return ko ? QStringLiteral("장애 #%1 선언%2: %3").arg(e.incidentId).arg(sev, e.title)
                  : QStringLiteral("Incident #%1 declared%2: %3")
                        .arg(e.incidentId)
                        .arg(sev, e.title);
    case ChatEvent::Kind::IncidentPhase:
        return ko ? QStringLiteral("장애 #%1%2 단계 %3: %4")
                        .arg(e.incidentId)
                        .arg(sev, e.phase, e.title)
                  : QStringLiteral("Incident #%1%2 is now %3: %4")
                        .arg(e.incidentId)
                        .arg(sev, e.phase, e.title);
    default:
        return ko ? QStringLiteral("장애 #%1 메모: %2").arg(e.incidentId).arg(e.detail)
                  : QStringLiteral("Incident #%1 note: %2").arg(e.incidentId).arg(e.detail);
    }
}

bool isIncident(ChatEvent::Kind k)
{
    return k == ChatEvent::Kind::IncidentDeclared || k == ChatEvent::Kind::IncidentPhase ||
           k == ChatEvent::Kind::IncidentNote;
}

// Label and value pairs shown under the headline, in the order a reader wants them.
QList<QPair<QString, QString>> facts(const ChatEvent &e, const QString &lang)
{
    QList<QPair<QString, QString>> out;
    if (isIncident(e.kind)) {
        if (!e.severity.isEmpty())
            out.append({word("severity", lang), e.severity});
        if (!e.phase.isEmpty())
            out.append({word("phase", lang), e.phase});
        if (!e.suspects.isEmpty())
            out.append({word("suspects", lang), e.suspects.join(QStringLiteral(", "))});
    } else {
        if (!e.fromVersion.isEmpty() || !e.toVersion.isEmpty())
            out.append({word("versions", lang),
                        QStringLiteral("%1 → %2").arg(
                            e.fromVersion.isEmpty() ? QStringLiteral("?") : e.fromVersion,
                            e.toVersion.isEmpty() ? QStringLiteral("?") : e.toVersion)});
        if (!e.commits.isEmpty()) {
            QStringList prs;
            for (const auto &c : e.commits)
                if (c.pullRequest > 0)
                    prs << QStringLiteral("#%1").arg(c.pullRequest);
            out.append({word("commits", lang), prs.isEmpty()
                                                   ? QString::number(e.commits.size())
                                                   : QStringLiteral("%1 (%2)")
                                                         .arg(e.commits.size())
                                                         .arg(prs.join(QStringLiteral(", ")))});
        }
        if (!e.risks.isEmpty())
            out.append({word("risks", lang), e.risks.join(QStringLiteral("; "))});
    }
    if (!e.actor.isEmpty())
        out.append({word("by", lang), e.actor});
    if (!e.detail.isEmpty() && e.kind != ChatEvent::Kind::IncidentNote)
        out.append({word("detail", lang), e.detail});
    return out;
}

// Links at the foot of a message: the backend's page, the comparison, the timeline.
QList<QPair<QString, QUrl>> links(const ChatEvent &e, const QString &lang)
{
    QList<QPair<QString, QUrl>> out;
    if (e.link.isValid() && !e.link.isEmpty())
        out.append({word("open", lang), e.link});
    if (e.compareUrl.isValid() && !e.compareUrl.isEmpty())
        out.append({word("compare", lang), e.compareUrl});
    if (e.timelineLink.isValid() && !e.timelineLink.isEmpty())
        out.append({word("timeline", lang), e.timelineLink});
    return out;
}

QString colorOf(ChatEvent::Kind k)
{
    switch (k) {
    case ChatEvent::Kind::DeployFailed:
    case ChatEvent::Kind::CanaryAborted:
    case ChatEvent::Kind::IncidentDeclared:
        return QStringLiteral("#D0021B");
    case ChatEvent::Kind::Rollback:
    case ChatEvent::Kind::GateWaiting:
    case ChatEvent::Kind::IncidentPhase:
        return QStringLiteral("#F5A623");
    case ChatEvent::Kind::DeployFinished:
        return QStringLiteral("#2EB67D");
    default:
        return QStringLiteral("#1D9BD1");
    }
}

// Slack's mrkdwn treats &, < and > as control characters; everything else is literal.
QString slackEscape(QString s)
{
    s.replace(QLatin1Char('&'), QStringLiteral("&amp;"));
    s.replace(QLatin1Char('<'), QStringLiteral("&lt;"));
    s.replace(QLatin1Char('>'), QStringLiteral("&gt;"));
    return s;
}

QString commitLines(const ChatEvent &e, bool slack)
{
    QStringList lines;
    const int shown = qMin(int(e.commits.size()), 10);
    for (int i = 0; i < shown; ++i) {
        const auto &c = e.commits.at(i);
        QString line = QStringLiteral("• %1 %2").arg(c.sha.left(7), c.subject);
        if (c.pullRequest > 0 && !c.subject.contains(QStringLiteral("#%1").arg(c.pullRequest)))
            line += QStringLiteral(" (#%1)").arg(c.pullRequest);
        lines << (slack ? slackEscape(line) : line);
    }
    if (e.commits.size() > shown)
        lines << QStringLiteral("… +%1").arg(e.commits.size() - shown);
    return lines.join(QLatin1Char('\n'));
}

QJsonObject slackBody(const ChatEvent &e, const NotifyTarget &t)
{
    const QString head = ChatMessage::headline(e, t.language);
    QJsonArray blocks;
    blocks.append(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("section")},
        {QStringLiteral("text"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                     {QStringLiteral("text"), QStringLiteral("*%1*").arg(slackEscape(head))}}}});
    QJsonArray fields;
    for (const auto &[label, value] : facts(e, t.language)) {
        if (fields.size() == 10) // a section holds at most 10 fields
            break;
        fields.append(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("mrkdwn")},
            {QStringLiteral("text"),
             QStringLiteral("*%1*\n%2").arg(slackEscape(label), slackEscape(value)).left(2000)}});
    }
    if (!fields.isEmpty())
        blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                                  {QStringLiteral("fields"), fields}});
    if (!e.commits.isEmpty())
        blocks.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                        {QStringLiteral("text"),
                         QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                                     {QStringLiteral("text"), commitLines(e, true).left(3000)}}}});
    if (e.kind == ChatEvent::Kind::IncidentNote && !e.detail.isEmpty())
        blocks.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                        {QStringLiteral("text"),
                         QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                                     {QStringLiteral("text"), slackEscape(e.detail).left(3000)}}}});
    QStringList linkTexts;
    for (const auto &[label, url] : links(e, t.language))
        linkTexts << QStringLiteral("<%1|%2>").arg(QString::fromUtf8(url.toEncoded()),
                                                   slackEscape(label));
    if (!linkTexts.isEmpty())
        blocks.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("context")},
                        {QStringLiteral("elements"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("type"), QStringLiteral("mrkdwn")},
                             {QStringLiteral("text"), linkTexts.join(QStringLiteral(" · "))}}}}});
    QJsonObject body{{QStringLiteral("text"), head}, {QStringLiteral("blocks"), blocks}};
    if (!t.channel.isEmpty())
        body.insert(QStringLiteral("channel"), t.channel);
    return body;
}

QJsonObject mattermostBody(const ChatEvent &e, const NotifyTarget &t)
{
    const QString head = ChatMessage::headline(e, t.language);
    QJsonObject attachment{{QStringLiteral("fallback"), head},
                           {QStringLiteral("color"), colorOf(e.kind)},
                           {QStringLiteral("title"), head}};
    const auto ls = links(e, t.language);
    if (!ls.isEmpty())
        attachment.insert(QStringLiteral("title_link"),
                          QString::fromUtf8(ls.first().second.toEncoded()));
    QStringList text;
    if (!e.commits.isEmpty())
        text << commitLines(e, false);
    if (e.kind == ChatEvent::Kind::IncidentNote && !e.detail.isEmpty())
        text << e.detail;
    QStringList linkTexts;
    for (const auto &[label, url] : ls)
        linkTexts << QStringLiteral("[%1](%2)").arg(label, QString::fromUtf8(url.toEncoded()));
    if (!linkTexts.isEmpty())
        text << linkTexts.join(QStringLiteral(" · "));
    if (!text.isEmpty())
        attachment.insert(QStringLiteral("text"), text.join(QStringLiteral("\n\n")));
    QJsonArray fields;
    for (const auto &[label, value] : facts(e, t.language))
        fields.append(QJsonObject{{QStringLiteral("short"), value.size() <= 40},
                                  {QStringLiteral("title"), label},
                                  {QStringLiteral("value"), value}});
    if (!fields.isEmpty())
        attachment.insert(QStringLiteral("fields"), fields);
    QJsonObject body{{QStringLiteral("attachments"), QJsonArray{attachment}}};
    if (!t.channel.isEmpty())
        body.insert(QStringLiteral("channel"), t.channel);
    return body;
}

QJsonObject teamsBody(const ChatEvent &e, const NotifyTarget &t)
{
    QJsonArray cardBody;
    cardBody.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                                {QStringLiteral("text"), ChatMessage::headline(e, t.language)},
                                {QStringLiteral("weight"), QStringLiteral("Bolder")},
                                {QStringLiteral("size"), QStringLiteral("Medium")},
                                {QStringLiteral("wrap"), true}});
    QJsonArray factList;
    for (const auto &[label, value] : facts(e, t.language))
        factList.append(
            QJsonObject{{QStringLiteral("title"), label}, {QStringLiteral("value"), value}});
    if (!factList.isEmpty())
        cardBody.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("FactSet")},
                                    {QStringLiteral("facts"), factList}});
    QString text;
    if (!e.commits.isEmpty())
        text = commitLines(e, false).replace(QStringLiteral("• "), QStringLiteral("- "));
    if (e.kind == ChatEvent::Kind::IncidentNote)
        text = e.detail;
    if (!text.isEmpty())
        cardBody.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                                    {QStringLiteral("text"), text},
                                    {QStringLiteral("wrap"), true}});
    QJsonObject card{{QStringLiteral("$schema"),
                      QStringLiteral("http://adaptivecards.io/schemas/adaptive-card.json")},
                     {QStringLiteral("type"), QStringLiteral("AdaptiveCard")},
                     {QStringLiteral("version"), QStringLiteral("1.2")},
                     {QStringLiteral("body"), cardBody}};
    QJsonArray actions;
    for (const auto &[label, url] : links(e, t.language))
        actions.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("Action.OpenUrl")},
                                   {QStringLiteral("title"), label},
                                   {QStringLiteral("url"), QString::fromUtf8(url.toEncoded())}});
    if (!actions.isEmpty())
        card.insert(QStringLiteral("actions"), actions);
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("message")},
        {QStringLiteral("attachments"),
         QJsonArray{QJsonObject{{QStringLiteral("contentType"),
                                 QStringLiteral("application/vnd.microsoft.card.adaptive")},
                                {QStringLiteral("contentUrl"), QJsonValue::Null},
                                {QStringLiteral("content"), card}}}}};
}

QString urlText(const QUrl &u)
{
    return u.isEmpty() ? QString() : QString::fromUtf8(u.toEncoded());
}

} // namespace

QString ChatMessage::headline(const ChatEvent &e, const QString &language)
{
    const bool ko = korean(language);
    if (isIncident(e.kind)) {
        QString line = incidentLine(e, ko);
        if (e.kind == ChatEvent::Kind::IncidentNote && !e.actor.isEmpty())
            line +=
                ko ? QStringLiteral(" (%1)").arg(e.actor) : QStringLiteral(" by %1").arg(e.actor);
        return line;
    }
    QString line = subject(e) + QStringLiteral(": ") + what(e, ko);
    if (e.kind == ChatEvent::Kind::Rollback && !e.toVersion.isEmpty())
        line = QStringLiteral("%1 → %2: ").arg(e.service, e.environment) +
               (ko ? QStringLiteral("%1(으)로 롤백").arg(e.toVersion)
                   : QStringLiteral("rolled back to %1").arg(e.toVersion));
    if (!e.actor.isEmpty())
        line += ko ? QStringLiteral(" (%1)").arg(e.actor) : QStringLiteral(" by %1").arg(e.actor);
    return line;
}

QJsonObject ChatMessage::body(const ChatEvent &event, const NotifyTarget &target)
{
    switch (target.format) {
    case NotifyTarget::Format::Slack:
        return slackBody(event, target);
    case NotifyTarget::Format::Mattermost:
        return mattermostBody(event, target);
    case NotifyTarget::Format::Teams:
        return teamsBody(event, target);
    case NotifyTarget::Format::Webhook:
        break;
    }
    QJsonObject o = eventJson(event);
    o.insert(QStringLiteral("text"), headline(event, target.language));
    QJsonArray factList;
    for (const auto &[label, value] : facts(event, target.language))
        factList.append(
            QJsonObject{{QStringLiteral("title"), label}, {QStringLiteral("value"), value}});
    o.insert(QStringLiteral("facts"), factList);
    if (!target.channel.isEmpty())
        o.insert(QStringLiteral("channel"), target.channel);
    return o;
}

QByteArray ChatMessage::bytes(const ChatEvent &event, const NotifyTarget &target)
{
    return QJsonDocument(body(event, target)).toJson(QJsonDocument::Compact);
}

QJsonObject ChatMessage::eventJson(const ChatEvent &e)
{
    QJsonArray commits;
    for (const auto &c : e.commits)
        commits.append(QJsonObject{{QStringLiteral("sha"), c.sha},
                                   {QStringLiteral("subject"), c.subject},
                                   {QStringLiteral("pullRequest"), c.pullRequest}});
    QJsonObject o{
        {QStringLiteral("kind"), toString(e.kind)},
        {QStringLiteral("time"), e.time.toUTC().toString(Qt::ISODate)},
        {QStringLiteral("service"), e.service},
        {QStringLiteral("environment"), e.environment},
        {QStringLiteral("actor"), e.actor},
        {QStringLiteral("fromVersion"), e.fromVersion},
        {QStringLiteral("toVersion"), e.toVersion},
        {QStringLiteral("step"), e.step},
        {QStringLiteral("stepCount"), e.stepCount},
        {QStringLiteral("weight"), e.weight},
        {QStringLiteral("commits"), commits},
        {QStringLiteral("compareUrl"), urlText(e.compareUrl)},
        {QStringLiteral("link"), urlText(e.link)},
        {QStringLiteral("detail"), e.detail},
        {QStringLiteral("risks"), QJsonArray::fromStringList(e.risks)},
    };
    if (e.incidentId > 0 || isIncident(e.kind)) {
        o.insert(QStringLiteral("incident"),
                 QJsonObject{{QStringLiteral("id"), e.incidentId},
                             {QStringLiteral("title"), e.title},
                             {QStringLiteral("severity"), e.severity},
                             {QStringLiteral("phase"), e.phase},
                             {QStringLiteral("suspects"), QJsonArray::fromStringList(e.suspects)},
                             {QStringLiteral("timelineLink"), urlText(e.timelineLink)}});
    }
    return o;
}

ChatEvent ChatMessage::eventFromJson(const QJsonObject &o)
{
    ChatEvent e;
    chatEventKindFromString(o.value(QStringLiteral("kind")).toString(), &e.kind);
    e.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODate);
    e.service = o.value(QStringLiteral("service")).toString();
    e.environment = o.value(QStringLiteral("environment")).toString();
    e.actor = o.value(QStringLiteral("actor")).toString();
    e.fromVersion = o.value(QStringLiteral("fromVersion")).toString();
    e.toVersion = o.value(QStringLiteral("toVersion")).toString();
    e.step = o.value(QStringLiteral("step")).toInt();
    e.stepCount = o.value(QStringLiteral("stepCount")).toInt();
    e.weight = o.value(QStringLiteral("weight")).toInt(-1);
    for (const auto &v : o.value(QStringLiteral("commits")).toArray()) {
        const QJsonObject c = v.toObject();
        e.commits.append({c.value(QStringLiteral("sha")).toString(),
                          c.value(QStringLiteral("subject")).toString(),
                          c.value(QStringLiteral("pullRequest")).toInt()});
    }
    e.compareUrl = QUrl(o.value(QStringLiteral("compareUrl")).toString());
    e.link = QUrl(o.value(QStringLiteral("link")).toString());
    e.detail = o.value(QStringLiteral("detail")).toString();
    for (const auto &v : o.value(QStringLiteral("risks")).toArray())
        e.risks << v.toString();
    const QJsonObject inc = o.value(QStringLiteral("incident")).toObject();
    e.incidentId = qint64(inc.value(QStringLiteral("id")).toDouble());
    e.title = inc.value(QStringLiteral("title")).toString();
    e.severity = inc.value(QStringLiteral("severity")).toString();
    e.phase = inc.value(QStringLiteral("phase")).toString();
    for (const auto &v : inc.value(QStringLiteral("suspects")).toArray())
        e.suspects << v.toString();
    e.timelineLink = QUrl(inc.value(QStringLiteral("timelineLink")).toString());
    return e;
}

} // namespace fd
