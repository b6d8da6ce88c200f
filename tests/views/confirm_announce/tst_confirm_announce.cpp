// The confirm dialog's option to post a promotion's change notice to chat first: offered when
// told the targets, checked to begin with, read back as the operator leaves it; rendered light
// and dark, English and Korean, into <build>/screenshots/.
#include "shared/confirmactiondialog.h"
#include "shared/theme.h"
#include "translations.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QImage>
#include <QTest>

using namespace fd;

namespace {

PreparedAction promotion()
{
    PreparedAction p;
    p.action.verb = ReleaseAction::Verb::Promote;
    p.action.connectionId = QStringLiteral("argocd");
    p.action.service = QStringLiteral("checkout");
    p.action.environment = QStringLiteral("prod");
    p.action.actor = QStringLiteral("alice");
    p.plan.action = p.action;
    p.plan.summary = QStringLiteral("promote one step canary v1.7.3 of checkout prod");
    p.plan.requests = {{"POST",
                        QStringLiteral("/api/v1/applications/checkout-prod/resource/actions/v2"),
                        "{\"action\":\"resume\"}", "application/json",
                        QStringLiteral("run Rollout action 'resume' on checkout")}};
    p.protectedEnvironment = true;
    p.guards = {{QStringLiteral("protected-environment"), GuardResult::Outcome::NeedsTypedName,
                 QStringLiteral("prod is protected: type its name to confirm")}};
    return p;
}

} // namespace

class TestConfirmAnnounce : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notOfferedUnlessTold()
    {
        ConfirmActionDialog dialog(promotion());
        QVERIFY(!dialog.announceBox());
        QVERIFY(!dialog.announce());
        dialog.offerAnnouncement({});
        QVERIFY(!dialog.announceBox());
    }

    void offeredCheckedAndReadBack()
    {
        ConfirmActionDialog dialog(promotion());
        dialog.offerAnnouncement({QStringLiteral("team-chat")});
        QVERIFY(dialog.announceBox());
        QVERIFY(dialog.announceBox()->text().contains(QLatin1String("team-chat")));
        QVERIFY(dialog.announce());
        dialog.announceBox()->setChecked(false);
        QVERIFY(!dialog.announce());
        // The option never lets an unconfirmed action through.
        QVERIFY(!dialog.canConfirm());
    }

    void render_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("theme");
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
            for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark")})
                QTest::addRow("%s-%s", qPrintable(lang), qPrintable(theme)) << lang << theme;
    }

    void render()
    {
        QFETCH(QString, lang);
        QFETCH(QString, theme);
        QCOMPARE(installTranslations(lang), lang);
        applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);
        ConfirmActionDialog dialog(promotion());
        dialog.offerAnnouncement({QStringLiteral("team-chat")});
        if (lang == QLatin1String("ko"))
            QVERIFY2(dialog.announceBox()->text().contains(QStringLiteral("변경 공지")),
                     qPrintable(dialog.announceBox()->text()));
        dialog.resize(700, 480);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString dir = QStringLiteral(FD_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        const QString file = QStringLiteral("%1/confirm-announce-%2-%3.png").arg(dir, lang, theme);
        QVERIFY(dialog.grab().toImage().save(file));
    }
};

QTEST_MAIN(TestConfirmAnnounce)
#include "tst_confirm_announce.moc"
