// Each chat event kind rendered for each chat service, checked against the payload shapes the
// services document (written by hand from the docs, never from our own output):
// - Slack: incoming webhooks take {text, blocks}; `text` is the notification fallback; Block Kit
//   section blocks hold a text object or at most 10 fields (text objects, 2000 characters
//   each; a section text at most 3000); a context block holds at most 10 elements; a text
//   object is {type: mrkdwn|plain_text, text}; in mrkdwn, &, < and > are escaped, and
//   <url|label> is a link. (docs.slack.dev: incoming webhooks, Block Kit reference)
// - Mattermost: incoming webhooks take {text?, channel?, attachments}; an attachment requires
//   `fallback`, has a hex `color`, title/title_link, text, and `fields` of {short, title,
//   value}. (developers.mattermost.com/integrate/reference/message-attachments)
// - Teams: {type: "message", attachments: [{contentType:
//   "application/vnd.microsoft.card.adaptive", contentUrl: null, content: AdaptiveCard}]},
//   the card with $schema, type AdaptiveCard, version, body; every action but Action.Submit.
//   (msteams-docs, "Send adaptive cards using an incoming webhook")
#include "notify/chatmessage.h"
#include "workspace/workspaceloader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace fd;

namespace {

bool onlyKeys(const QJsonObject &o,
              std::initializer_list<const char *> allowed,
              QString *why,
              const QString &where)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        for (const char *k : allowed)
            known = known || it.key() == QLatin1String(k);
        if (!known) {
            *why =
                QStringLiteral("%1: key `%2` is not in the documented shape").arg(where, it.key());
            return false;
        }
    }
    return true;
}

bool nonEmptyString(const QJsonValue &v)
{
    return v.isString() && !v.toString().isEmpty();
}

bool slackTextObject(const QJsonValue &v, int maxLength, QString *why, const QString &where)
{
    const QJsonObject t = v.toObject();
    if (!v.isObject() || !onlyKeys(t, {"type", "text", "emoji", "verbatim"}, why, where))
        return why->isEmpty() ? (*why = where + QStringLiteral(": not a text object"), false)
                              : false;
    const QString type = t.value(QStringLiteral("type")).toString();
    if (type != QLatin1String("mrkdwn") && type != QLatin1String("plain_text"))
        return *why = where + QStringLiteral(": text type `%1`").arg(type), false;
    if (!nonEmptyString(t.value(QStringLiteral("text"))))
        return *why = where + QStringLiteral(": empty text"), false;
    const QString text = t.value(QStringLiteral("text")).toString();
    if (text.size() > maxLength)
        return *why =
                   where + QStringLiteral(": %1 characters > %2").arg(text.size()).arg(maxLength),
               false;
    if (type == QLatin1String("mrkdwn")) {
        // Outside <url|label> links no raw < or > may remain, and & only as an entity.
        QString rest = text;
        rest.remove(QRegularExpression(QStringLiteral("<https?://[^|<>]+\\|[^<>]+>")));
        if (rest.contains(QLatin1Char('<')) || rest.contains(QLatin1Char('>')))
            return *why = where + QStringLiteral(": unescaped < or > in mrkdwn: ") + text, false;
        rest.remove(QRegularExpression(QStringLiteral("&(amp|lt|gt);")));
        if (rest.contains(QLatin1Char('&')))
            return *why = where + QStringLiteral(": unescaped & in mrkdwn"), false;
    }
    return true;
}

bool slackShape(const QJsonObject &o, QString *why)
{
    if (!onlyKeys(o,
                  {"text", "blocks", "channel", "username", "icon_emoji", "icon_url", "thread_ts",
                   "mrkdwn", "unfurl_links", "unfurl_media"},
                  why, QStringLiteral("message")))
        return false;
    if (!nonEmptyString(o.value(QStringLiteral("text"))))
        return *why = QStringLiteral("no top-level text fallback"), false;
    const QJsonArray blocks = o.value(QStringLiteral("blocks")).toArray();
    if (blocks.isEmpty() || blocks.size() > 50)
        return *why = QStringLiteral("blocks: %1 (1..50)").arg(blocks.size()), false;
    for (int i = 0; i < blocks.size(); ++i) {
        const QJsonObject b = blocks.at(i).toObject();
        const QString where = QStringLiteral("blocks[%1]").arg(i);
        const QString type = b.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("section")) {
            if (!onlyKeys(b, {"type", "text", "fields", "block_id", "accessory", "expand"}, why,
                          where))
                return false;
            if (!b.contains(QStringLiteral("text")) && !b.contains(QStringLiteral("fields")))
                return *why = where + QStringLiteral(": section needs text or fields"), false;
            if (b.contains(QStringLiteral("text")) &&
                !slackTextObject(b.value(QStringLiteral("text")), 3000, why,
                                 where + QStringLiteral(".text")))
                return false;
            const QJsonArray fields = b.value(QStringLiteral("fields")).toArray();
            if (fields.size() > 10)
                return *why = where + QStringLiteral(": more than 10 fields"), false;
            for (int f = 0; f < fields.size(); ++f)
                if (!slackTextObject(fields.at(f), 2000, why,
                                     where + QStringLiteral(".fields[%1]").arg(f)))
                    return false;
        } else if (type == QLatin1String("context")) {
            if (!onlyKeys(b, {"type", "elements", "block_id"}, why, where))
                return false;
            const QJsonArray el = b.value(QStringLiteral("elements")).toArray();
            if (el.isEmpty() || el.size() > 10)
                return *why = where + QStringLiteral(": context elements 1..10"), false;
            for (int e = 0; e < el.size(); ++e)
                if (!slackTextObject(el.at(e), 3000, why,
                                     where + QStringLiteral(".elements[%1]").arg(e)))
                    return false;
        } else if (type != QLatin1String("divider") && type != QLatin1String("header")) {
            return *why = where + QStringLiteral(": block type `%1`").arg(type), false;
        }
    }
    return true;
}

bool mattermostShape(const QJsonObject &o, QString *why)
{
    if (!onlyKeys(o,
                  {"text", "channel", "username", "icon_url", "icon_emoji", "attachments", "type",
                   "props"},
                  why, QStringLiteral("message")))
        return false;
    const QJsonArray atts = o.value(QStringLiteral("attachments")).toArray();
    if (atts.isEmpty() && !nonEmptyString(o.value(QStringLiteral("text"))))
        return *why = QStringLiteral("neither text nor attachments"), false;
    static const QRegularExpression hex(QStringLiteral("^#[0-9A-Fa-f]{6}$"));
    for (int i = 0; i < atts.size(); ++i) {
        const QJsonObject a = atts.at(i).toObject();
        const QString where = QStringLiteral("attachments[%1]").arg(i);
        if (!onlyKeys(a,
                      {"fallback", "color", "pretext", "text", "author_name", "author_link",
                       "author_icon", "title", "title_link", "fields", "image_url", "thumb_url",
                       "footer", "footer_icon", "actions"},
                      why, where))
            return false;
        if (!nonEmptyString(a.value(QStringLiteral("fallback"))))
            return *why = where + QStringLiteral(": fallback is required"), false;
        if (a.contains(QStringLiteral("color")) &&
            !hex.match(a.value(QStringLiteral("color")).toString()).hasMatch())
            return *why = where + QStringLiteral(": color is not #RRGGBB"), false;
        for (const char *k : {"title_link", "author_link"})
            if (a.contains(QLatin1String(k)) &&
                !a.value(QLatin1String(k)).toString().startsWith(QLatin1String("http")))
                return *why = where + QStringLiteral(": %1 is not a URL").arg(QLatin1String(k)),
                       false;
        const QJsonArray fields = a.value(QStringLiteral("fields")).toArray();
        for (int f = 0; f < fields.size(); ++f) {
            const QJsonObject fo = fields.at(f).toObject();
            const QString fw = where + QStringLiteral(".fields[%1]").arg(f);
            if (!onlyKeys(fo, {"short", "title", "value"}, why, fw))
                return false;
            if (fo.contains(QStringLiteral("short")) && !fo.value(QStringLiteral("short")).isBool())
                return *why = fw + QStringLiteral(": short is not a boolean"), false;
            if (!fo.value(QStringLiteral("title")).isString() ||
                !fo.value(QStringLiteral("value")).isString())
                return *why = fw + QStringLiteral(": title and value are text"), false;
        }
    }
    return true;
}

bool teamsShape(const QJsonObject &o, QString *why)
{
    if (!onlyKeys(o, {"type", "attachments"}, why, QStringLiteral("message")))
        return false;
    if (o.value(QStringLiteral("type")).toString() != QLatin1String("message"))
        return *why = QStringLiteral("type must be \"message\""), false;
    const QJsonArray atts = o.value(QStringLiteral("attachments")).toArray();
    if (atts.isEmpty())
        return *why = QStringLiteral("no attachments"), false;
    for (int i = 0; i < atts.size(); ++i) {
        const QJsonObject a = atts.at(i).toObject();
        const QString where = QStringLiteral("attachments[%1]").arg(i);
        if (!onlyKeys(a, {"contentType", "contentUrl", "content"}, why, where))
            return false;
        if (a.value(QStringLiteral("contentType")).toString() !=
            QLatin1String("application/vnd.microsoft.card.adaptive"))
            return *why = where + QStringLiteral(": contentType"), false;
        if (!a.value(QStringLiteral("contentUrl")).isNull())
            return *why = where + QStringLiteral(": contentUrl must be null"), false;
        const QJsonObject card = a.value(QStringLiteral("content")).toObject();
        if (card.value(QStringLiteral("type")).toString() != QLatin1String("AdaptiveCard"))
            return *why = where + QStringLiteral(": content.type"), false;
        if (card.value(QStringLiteral("$schema")).toString() !=
            QLatin1String("http://adaptivecards.io/schemas/adaptive-card.json"))
            return *why = where + QStringLiteral(": $schema"), false;
        if (!QRegularExpression(QStringLiteral("^1\\.[0-9]$"))
                 .match(card.value(QStringLiteral("version")).toString())
                 .hasMatch())
            return *why = where + QStringLiteral(": version"), false;
        const QJsonArray body = card.value(QStringLiteral("body")).toArray();
        if (body.isEmpty())
            return *why = where + QStringLiteral(": empty body"), false;
        for (int b = 0; b < body.size(); ++b) {
            const QJsonObject el = body.at(b).toObject();
            const QString type = el.value(QStringLiteral("type")).toString();
            const QString bw = where + QStringLiteral(".body[%1]").arg(b);
            if (type == QLatin1String("TextBlock")) {
                if (!nonEmptyString(el.value(QStringLiteral("text"))))
                    return *why = bw + QStringLiteral(": TextBlock without text"), false;
            } else if (type == QLatin1String("FactSet")) {
                for (const auto &f : el.value(QStringLiteral("facts")).toArray()) {
                    const QJsonObject fo = f.toObject();
                    if (!onlyKeys(fo, {"title", "value"}, why, bw) ||
                        !fo.value(QStringLiteral("title")).isString() ||
                        !fo.value(QStringLiteral("value")).isString())
                        return why->isEmpty() ? (*why = bw + QStringLiteral(": fact"), false)
                                              : false;
                }
            } else {
                return *why = bw + QStringLiteral(": element type `%1`").arg(type), false;
            }
        }
        for (const auto &act : card.value(QStringLiteral("actions")).toArray()) {
            const QJsonObject ao = act.toObject();
            const QString type = ao.value(QStringLiteral("type")).toString();
            if (type != QLatin1String("Action.OpenUrl") &&
                type != QLatin1String("Action.ShowCard") &&
                type != QLatin1String("Action.ToggleVisibility"))
                return *why =
                           where +
                           QStringLiteral(": action `%1` is not supported by webhooks").arg(type),
                       false;
            if (type == QLatin1String("Action.OpenUrl") &&
                !ao.value(QStringLiteral("url")).toString().startsWith(QLatin1String("http")))
                return *why = where + QStringLiteral(": Action.OpenUrl without url"), false;
        }
    }
    return true;
}

// Our own `webhook` shape, as models/workspace/SCHEMA.md documents it.
bool webhookShape(const QJsonObject &o, QString *why)
{
    for (const char *k : {"kind", "text", "time"})
        if (!nonEmptyString(o.value(QLatin1String(k))))
            return *why = QStringLiteral("`%1` missing").arg(QLatin1String(k)), false;
    if (!QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODate).isValid())
        return *why = QStringLiteral("time is not ISO-8601"), false;
    if (!o.value(QStringLiteral("commits")).isArray())
        return *why = QStringLiteral("commits is not a list"), false;
    return true;
}

ChatEvent sampleEvent(ChatEvent::Kind kind)
{
    ChatEvent e;
    e.kind = kind;
    e.time = QDateTime(QDate(2026, 12, 8), QTime(1, 2, 3), Qt::UTC);
    e.service = QStringLiteral("checkout");
    e.environment = QStringLiteral("prod");
    e.actor = QStringLiteral("alice");
    e.fromVersion = QStringLiteral("v1.7.2");
    e.toVersion = QStringLiteral("v1.7.3");
    e.step = 3;
    e.stepCount = 6;
    e.weight = 50;
    e.commits = {{QStringLiteral("a1b2c3d4e5"), QStringLiteral("Fix <cart> & totals (#12)"), 12},
                 {QStringLiteral("b2c3d4e5f6"), QStringLiteral("Bump client"), 0},
                 {QStringLiteral("c3d4e5f6a7"), QStringLiteral("Retry payments"), 15}};
    e.compareUrl = QUrl(QStringLiteral("https://github.com/acme/checkout/compare/v1.7.2...v1.7.3"));
    e.link = QUrl(QStringLiteral("https://argocd.example/applications/checkout-prod"));
    e.risks = {QStringLiteral("check `e2e` failed"), QStringLiteral("SLO error ratio 0.8 %")};
    if (kind == ChatEvent::Kind::DeployFailed || kind == ChatEvent::Kind::GateWaiting)
        e.detail = QStringLiteral("job deploy exited 1");
    if (kind == ChatEvent::Kind::Rollback)
        e.toVersion = QStringLiteral("v1.7.2"), e.fromVersion = QStringLiteral("v1.7.3");
    if (kind >= ChatEvent::Kind::IncidentDeclared) {
        e = ChatEvent{};
        e.kind = kind;
        e.time = QDateTime(QDate(2026, 12, 8), QTime(1, 2, 3), Qt::UTC);
        e.service = QStringLiteral("checkout");
        e.environment = QStringLiteral("prod");
        e.actor = QStringLiteral("bob");
        e.incidentId = 7;
        e.title = QStringLiteral("Checkout errors");
        e.severity = QStringLiteral("sev2");
        e.phase = kind == ChatEvent::Kind::IncidentPhase ? QStringLiteral("mitigated")
                                                         : QStringLiteral("detected");
        e.suspects = {QStringLiteral("checkout v1.7.3 → prod"), QStringLiteral("payments v2.0.1")};
        e.timelineLink = QUrl(QStringLiteral("https://flightdeck.example/incidents/7"));
        if (kind == ChatEvent::Kind::IncidentNote)
            e.detail = QStringLiteral("Rolled back checkout; errors dropping");
    }
    return e;
}

NotifyTarget targetOf(NotifyTarget::Format f, const QString &language)
{
    NotifyTarget t;
    t.id = QStringLiteral("t");
    t.format = f;
    t.urlRef = QStringLiteral("env:HOOK");
    t.language = language;
    return t;
}

QString headlineOf(const QJsonObject &o, NotifyTarget::Format f)
{
    switch (f) {
    case NotifyTarget::Format::Slack:
        return o.value(QStringLiteral("text")).toString();
    case NotifyTarget::Format::Mattermost:
        return o.value(QStringLiteral("attachments"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("fallback"))
            .toString();
    case NotifyTarget::Format::Teams:
        return o.value(QStringLiteral("attachments"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("content"))
            .toObject()
            .value(QStringLiteral("body"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("text"))
            .toString();
    case NotifyTarget::Format::Webhook:
        return o.value(QStringLiteral("text")).toString();
    }
    return QString();
}

} // namespace

class TestNotifyFormats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    // The validators accept the services' own documented examples.
    void validatorsAcceptDocumentedExamples()
    {
        const auto read = [](const char *name) {
            QFile f(QStringLiteral(FD_TEST_DATA_DIR "/chat/") + QLatin1String(name));
            if (!f.open(QIODevice::ReadOnly))
                qFatal("missing test data %s", name);
            QJsonParseError err;
            const QJsonDocument d = QJsonDocument::fromJson(f.readAll(), &err);
            if (err.error != QJsonParseError::NoError)
                qFatal("bad test data %s: %s", name, qPrintable(err.errorString()));
            return d.object();
        };
        QString why;
        QVERIFY2(teamsShape(read("teams-adaptive-card-webhook.json"), &why), qPrintable(why));
        QVERIFY2(mattermostShape(read("mattermost-attachments.json"), &why), qPrintable(why));
        // Slack's incoming-webhook example with a section and a context block.
        const auto textObject = [](const char *type, const char *text) {
            return QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                               {QStringLiteral("text"), QString::fromUtf8(text)}};
        };
        const QJsonObject slack{
            {QStringLiteral("text"), QStringLiteral("Danny Torrence left a 1 star review")},
            {QStringLiteral("blocks"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                             {QStringLiteral("text"),
                              textObject("mrkdwn", "Danny Torrence left the following review")}},
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                             {QStringLiteral("fields"),
                              QJsonArray{textObject("mrkdwn", "*Average Rating*\n1.0")}}},
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("context")},
                             {QStringLiteral("elements"),
                              QJsonArray{textObject("mrkdwn",
                                                    "<https://example.com|Fountain Valley>")}}}}}};
        QVERIFY2(slackShape(slack, &why), qPrintable(why));
        // And refuse what the docs rule out.
        QJsonObject bad = slack;
        bad.remove(QStringLiteral("text"));
        QVERIFY(!slackShape(bad, &why));
        QVERIFY(!teamsShape(QJsonObject{{QStringLiteral("type"), QStringLiteral("AdaptiveCard")}},
                            &why));
    }

    void everyKindInEveryFormat_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("language");
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
            for (auto f : {NotifyTarget::Format::Slack, NotifyTarget::Format::Mattermost,
                           NotifyTarget::Format::Teams, NotifyTarget::Format::Webhook})
                for (ChatEvent::Kind k : allChatEventKinds())
                    QTest::addRow("%s/%s/%s", qPrintable(toString(f)), qPrintable(toString(k)),
                                  qPrintable(lang))
                        << int(f) << int(k) << lang;
    }

    void everyKindInEveryFormat()
    {
        QFETCH(int, format);
        QFETCH(int, kind);
        QFETCH(QString, language);
        const auto f = NotifyTarget::Format(format);
        const ChatEvent e = sampleEvent(ChatEvent::Kind(kind));
        const QByteArray bytes = ChatMessage::bytes(e, targetOf(f, language));
        QJsonParseError err;
        const QJsonObject o = QJsonDocument::fromJson(bytes, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QString why;
        switch (f) {
        case NotifyTarget::Format::Slack:
            QVERIFY2(slackShape(o, &why), qPrintable(why));
            break;
        case NotifyTarget::Format::Mattermost:
            QVERIFY2(mattermostShape(o, &why), qPrintable(why));
            break;
        case NotifyTarget::Format::Teams:
            QVERIFY2(teamsShape(o, &why), qPrintable(why));
            break;
        case NotifyTarget::Format::Webhook:
            QVERIFY2(webhookShape(o, &why), qPrintable(why));
            QCOMPARE(o.value(QStringLiteral("kind")).toString(), toString(e.kind));
            break;
        }
        // The line a person reads first leads every format.
        QCOMPARE(headlineOf(o, f), ChatMessage::headline(e, language));
        const QString text = QString::fromUtf8(bytes);
        QVERIFY(text.contains(QStringLiteral("checkout")));
        if (e.incidentId > 0) {
            QVERIFY(text.contains(QStringLiteral("sev2")));
            QVERIFY(text.contains(QStringLiteral("Checkout errors")) ||
                    e.kind == ChatEvent::Kind::IncidentNote);
            QVERIFY(text.contains(QStringLiteral("https://flightdeck.example/incidents/7")));
            if (e.kind != ChatEvent::Kind::IncidentNote || f == NotifyTarget::Format::Webhook) {
                QVERIFY(text.contains(QStringLiteral("payments v2.0.1")));
            }
        } else {
            // Versions, commit count with PR numbers, who, and the links.
            QVERIFY(text.contains(QStringLiteral("v1.7.2")));
            QVERIFY(text.contains(QStringLiteral("#12")));
            QVERIFY(text.contains(QStringLiteral("#15")));
            QVERIFY(text.contains(QStringLiteral("alice")));
            QVERIFY(text.contains(
                QStringLiteral("https://github.com/acme/checkout/compare/v1.7.2...v1.7.3")));
            QVERIFY(
                text.contains(QStringLiteral("https://argocd.example/applications/checkout-prod")));
        }
    }

    void headlines_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("expected");
        QTest::newRow("canary en")
            << int(ChatEvent::Kind::CanaryStep) << QStringLiteral("en")
            << QStringLiteral("checkout v1.7.3 → prod: canary at 50 % (step 3/6) by alice");
        QTest::newRow("canary ko")
            << int(ChatEvent::Kind::CanaryStep) << QStringLiteral("ko")
            << QStringLiteral("checkout v1.7.3 → prod: 카나리 50 % (3/6단계) (alice)");
        QTest::newRow("finished en") << int(ChatEvent::Kind::DeployFinished) << QStringLiteral("en")
                                     << QStringLiteral("checkout v1.7.3 → prod: deployed by alice");
        QTest::newRow("rollback en")
            << int(ChatEvent::Kind::Rollback) << QStringLiteral("en")
            << QStringLiteral("checkout → prod: rolled back to v1.7.2 by alice");
        QTest::newRow("planned ko")
            << int(ChatEvent::Kind::PromotionPlanned) << QStringLiteral("ko")
            << QStringLiteral("checkout v1.7.3 → prod: 승격 예정 (alice)");
        QTest::newRow("incident en")
            << int(ChatEvent::Kind::IncidentDeclared) << QStringLiteral("en")
            << QStringLiteral("Incident #7 declared (sev2): Checkout errors");
        QTest::newRow("phase en") << int(ChatEvent::Kind::IncidentPhase) << QStringLiteral("en")
                                  << QStringLiteral(
                                         "Incident #7 (sev2) is now mitigated: Checkout errors");
    }

    void headlines()
    {
        QFETCH(int, kind);
        QFETCH(QString, language);
        QFETCH(QString, expected);
        QCOMPARE(ChatMessage::headline(sampleEvent(ChatEvent::Kind(kind)), language), expected);
    }

    void slackEscapesControlCharacters()
    {
        const QJsonObject o =
            QJsonDocument::fromJson(
                ChatMessage::bytes(sampleEvent(ChatEvent::Kind::DeployStarted),
                                   targetOf(NotifyTarget::Format::Slack, QStringLiteral("en"))))
                .object();
        const QString all = QString::fromUtf8(QJsonDocument(o).toJson());
        QVERIFY(all.contains(QStringLiteral("Fix &lt;cart&gt; &amp; totals")));
    }

    void storedEventRoundTrips()
    {
        for (ChatEvent::Kind k : allChatEventKinds()) {
            const ChatEvent e = sampleEvent(k);
            QCOMPARE(ChatMessage::eventFromJson(ChatMessage::eventJson(e)), e);
        }
    }

    void workspaceNotifyTargets()
    {
        const QByteArray yaml =
            "version: 1\n"
            "environments: [{name: staging}, {name: prod}]\n"
            "notify:\n"
            "  - {name: team, kind: slack, url: \"env:HOOK\", channel: \"#rel\", "
            "language: ko, events: [canary-step, deploy-finished], "
            "environments: [prod], services: [checkout]}\n"
            "  - {kind: teams, url: \"https://example.webhook.office.com/"
            "webhookb2/fdcanaryTEAMS123\"}\n"
            "  - {kind: mattermost, url: \"keychain:mm\", events: [canary-stepp]}\n"
            "  - {kind: discord, url: \"env:X\", language: fr}\n";
        LoadOptions options;
        options.overridesFile = QString();
        const LoadResult r =
            WorkspaceLoader::loadFromString(yaml, QStringLiteral("ws.yaml"), options);
        QStringList texts;
        for (const auto &i : r.issues)
            texts << i.toString();
        const QString all = texts.join(QLatin1Char('\n'));
        QVERIFY2(!all.contains(QLatin1String("fdcanaryTEAMS123")), qPrintable(all)); // never echoed
        QVERIFY2(
            all.contains(QLatin1String("ws.yaml:5:24: notify[1].url: a webhook URL is a secret")),
            qPrintable(all));
        QVERIFY2(
            all.contains(QLatin1String("notify[2].events[0]: unknown event `canary-stepp`; did "
                                       "you mean `canary-step`?")),
            qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("notify[3].kind: unknown value `discord`")),
                 qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("notify[3].language: unknown value `fr`")),
                 qPrintable(all));
        QCOMPARE(r.errors().size(), 4);

        const QList<NotifyTarget> targets = NotifyTarget::fromWorkspace(r.workspace.notify);
        QCOMPARE(targets.size(), 3); // the unknown kind is left out
        const NotifyTarget &t = targets.first();
        QCOMPARE(t.id, QStringLiteral("team"));
        QVERIFY(t.format == NotifyTarget::Format::Slack);
        QCOMPARE(t.urlRef, QStringLiteral("env:HOOK"));
        QCOMPARE(t.channel, QStringLiteral("#rel"));
        QCOMPARE(t.language, QStringLiteral("ko"));
        QVERIFY(t.events == (QList<ChatEvent::Kind>{ChatEvent::Kind::CanaryStep,
                                                    ChatEvent::Kind::DeployFinished}));
        QCOMPARE(t.environments, QStringList{QStringLiteral("prod")});
        QCOMPARE(t.services, QStringList{QStringLiteral("checkout")});
        QCOMPARE(targets.at(1).id, QStringLiteral("notify[1]"));
    }

    void targetsFilterByKindServiceEnvironment()
    {
        NotifyTarget t = targetOf(NotifyTarget::Format::Slack, QStringLiteral("en"));
        t.events = {ChatEvent::Kind::CanaryStep};
        t.environments = {QStringLiteral("prod")};
        t.services = {QStringLiteral("checkout")};
        ChatEvent e = sampleEvent(ChatEvent::Kind::CanaryStep);
        QVERIFY(t.wants(e));
        e.environment = QStringLiteral("staging");
        QVERIFY(!t.wants(e));
        e = sampleEvent(ChatEvent::Kind::DeployFinished);
        QVERIFY(!t.wants(e));
        e = sampleEvent(ChatEvent::Kind::CanaryStep);
        e.service = QStringLiteral("payments");
        QVERIFY(!t.wants(e));
    }
};

QTEST_GUILESS_MAIN(TestNotifyFormats)
#include "tst_notify_formats.moc"
