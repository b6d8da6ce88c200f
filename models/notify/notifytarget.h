#pragma once

#include "chatevent.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace fd {

/// One `notify:` entry of the workspace: where to post, in which format and language, and
/// which events of which services and environments. The URL is a credential reference.
struct NotifyTarget
{
    enum class Format { Slack, Mattermost, Teams, Webhook };
    QString id; // "notify[0]" unless the entry names itself
    Format format = Format::Webhook;
    QString urlRef; // env:NAME | keychain:NAME, never the URL itself
    QString channel;
    QString language = QStringLiteral("en"); // en | ko
    QList<ChatEvent::Kind> events;           // empty = every kind
    QStringList environments;                // empty = every environment
    QStringList services;                    // empty = every service

    bool wants(const ChatEvent &event) const;
    bool operator==(const NotifyTarget &) const = default;

    /// From the workspace loader's already validated `notify:` list.
    static QList<NotifyTarget> fromWorkspace(const QVariantList &notify);
    static QStringList kindNames(); // slack mattermost teams webhook
};

QString toString(NotifyTarget::Format format);
bool notifyFormatFromString(const QString &text, NotifyTarget::Format *out);

} // namespace fd
