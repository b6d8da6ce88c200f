#include "notifytarget.h"

#include <QVariantMap>

namespace fd {

namespace {

struct KindName
{
    ChatEvent::Kind kind;
    const char *name;
};

constexpr KindName kKindNames[] = {
    {ChatEvent::Kind::PromotionPlanned, "promotion-planned"},
    {ChatEvent::Kind::DeployStarted, "deploy-started"},
    {ChatEvent::Kind::DeployFinished, "deploy-finished"},
    {ChatEvent::Kind::DeployFailed, "deploy-failed"},
    {ChatEvent::Kind::Rollback, "rollback"},
    {ChatEvent::Kind::CanaryStep, "canary-step"},
    {ChatEvent::Kind::CanaryAborted, "canary-aborted"},
    {ChatEvent::Kind::GateWaiting, "gate-waiting"},
    {ChatEvent::Kind::IncidentDeclared, "incident-declared"},
    {ChatEvent::Kind::IncidentPhase, "incident-phase"},
    {ChatEvent::Kind::IncidentNote, "incident-note"},
};

QStringList stringsOf(const QVariant &v)
{
    if (v.typeId() == QMetaType::QString)
        return {v.toString()};
    return v.toStringList();
}

} // namespace

QString toString(ChatEvent::Kind kind)
{
    for (const auto &k : kKindNames)
        if (k.kind == kind)
            return QLatin1String(k.name);
    return QString();
}

bool chatEventKindFromString(const QString &text, ChatEvent::Kind *out)
{
    for (const auto &k : kKindNames)
        if (text == QLatin1String(k.name)) {
            *out = k.kind;
            return true;
        }
    return false;
}

QList<ChatEvent::Kind> allChatEventKinds()
{
    QList<ChatEvent::Kind> all;
    for (const auto &k : kKindNames)
        all.append(k.kind);
    return all;
}

QString toString(NotifyTarget::Format format)
{
    switch (format) {
    case NotifyTarget::Format::Slack:
        return QStringLiteral("slack");
    case NotifyTarget::Format::Mattermost:
        return QStringLiteral("mattermost");
    case NotifyTarget::Format::Teams:
        return QStringLiteral("teams");
    case NotifyTarget::Format::Webhook:
        return QStringLiteral("webhook");
    }
    return QStringLiteral("webhook");
}

bool notifyFormatFromString(const QString &text, NotifyTarget::Format *out)
{
    for (auto f : {NotifyTarget::Format::Slack, NotifyTarget::Format::Mattermost,
                   NotifyTarget::Format::Teams, NotifyTarget::Format::Webhook})
        if (toString(f) == text) {
            *out = f;
            return true;
        }
    return false;
}

QStringList NotifyTarget::kindNames()
{
    return {QStringLiteral("slack"), QStringLiteral("mattermost"), QStringLiteral("teams"),
            QStringLiteral("webhook")};
}

bool NotifyTarget::wants(const ChatEvent &event) const
{
    if (!events.isEmpty() && !events.contains(event.kind))
        return false;
    if (!environments.isEmpty() && !event.environment.isEmpty() &&
        !environments.contains(event.environment))
        return false;
    if (!services.isEmpty() && !event.service.isEmpty() && !services.contains(event.service))
        return false;
    return true;
}

QList<NotifyTarget> NotifyTarget::fromWorkspace(const QVariantList &notify)
{
    QList<NotifyTarget> out;
    for (int i = 0; i < notify.size(); ++i) {
        const QVariantMap m = notify.at(i).toMap();
        NotifyTarget t;
        t.id = m.value(QStringLiteral("name")).toString();
        if (t.id.isEmpty())
            t.id = QStringLiteral("notify[%1]").arg(i);
        if (!notifyFormatFromString(m.value(QStringLiteral("kind")).toString(), &t.format))
            continue; // the loader reported it
        t.urlRef = m.value(QStringLiteral("url")).toString();
        t.channel = m.value(QStringLiteral("channel")).toString();
        if (const QString lang = m.value(QStringLiteral("language")).toString(); !lang.isEmpty())
            t.language = lang;
        for (const QString &e : stringsOf(m.value(QStringLiteral("events")))) {
            ChatEvent::Kind k;
            if (chatEventKindFromString(e, &k))
                t.events.append(k);
        }
        t.environments = stringsOf(m.value(QStringLiteral("environments")));
        t.services = stringsOf(m.value(QStringLiteral("services")));
        out.append(t);
    }
    return out;
}

} // namespace fd
