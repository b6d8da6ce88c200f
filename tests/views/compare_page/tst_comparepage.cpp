// The Compare page on the demo sandbox's estate (real git repositories and GitOps overlays):
// defaults, grid, detail, Markdown, a window that keeps turning while the engine walks, and
// screenshots at two sizes, light and dark, English and Korean, saved for people to look at.
#include "compare/comparemodels.h"
#include "compare/comparepage.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "shared/theme.h"
#include "translations.h"

#include "core/sandbox.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHash>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

int distinctColours(const QImage &image)
{
    QHash<QRgb, int> counts;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 2) {
        const auto *line = reinterpret_cast<const QRgb *>(img.constScanLine(y));
        for (int x = 0; x < img.width(); x += 2)
            ++counts[line[x]];
    }
    return int(counts.size());
}

} // namespace

class TestComparePage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        sandbox::Options options;
        options.scenario = QStringLiteral("demo");
        options.gitDir = m_dir.path() + QStringLiteral("/git");
        m_sandbox = std::make_unique<sandbox::Sandbox>(options);
        QString error;
        QVERIFY2(m_sandbox->start(&error), qPrintable(error));
        m_workspace = m_dir.path() + QStringLiteral("/flightdeck.yaml");
        QVERIFY2(m_sandbox->writeWorkspace(m_workspace, &error), qPrintable(error));
        QDir().mkpath(m_dir.path() + QStringLiteral("/no-plugins"));
        m_shots = QStringLiteral(FD_BINARY_DIR "/screenshots");
        QVERIFY(QDir().mkpath(m_shots));
    }
    void cleanupTestCase() { m_sandbox->stop(); }

    void comparesTheDemoEstate()
    {
        Session session;
        openWithWorld(session);
        ComparePage page(&session);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.environmentA(), QStringLiteral("staging"));
        QCOMPARE(page.environmentB(), QStringLiteral("prod"));
        QSignalSpy compared(&page, &ComparePage::compared);
        page.refresh();
        // The event loop keeps turning while the engine walks: QTRY spins it.
        QTRY_COMPARE_WITH_TIMEOUT(compared.size(), 1, 30000);
        const sandbox::World &world = m_sandbox->world();
        QCOMPARE(page.gridModel()->rowCount(), int(world.services.size()));

        // The service with the most commits between staging and prod: its commits are listed.
        QString busiest;
        int most = -1;
        for (const ServiceComparison &s : page.gridModel()->report().services)
            if (s.commits.ahead > most) {
                most = s.commits.ahead;
                busiest = s.service;
            }
        QVERIFY(most > 0);
        page.selectService(busiest);
        QCOMPARE(page.commitModel()->rowCount(), most);
        QVERIFY(page.detailTabs()->tabText(0).contains(QString::number(most)));

        // Copy Markdown puts the same report on the clipboard.
        page.findChild<QPushButton *>(QStringLiteral("compareCopyMarkdown"))->click();
        const QString md = QApplication::clipboard()->text();
        QVERIFY(md.startsWith(QStringLiteral("# staging vs prod")));
        QVERIFY(md.contains(QStringLiteral("## ") + busiest));

        // Swapping the pickers compares the other way: prod is behind.
        QSignalSpy again(&page, &ComparePage::compared);
        page.findChild<QPushButton *>(QStringLiteral("compareSwap"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(again.size(), 1, 30000);
        QCOMPARE(page.environmentA(), QStringLiteral("prod"));
        const ServiceComparison *s = page.gridModel()->report().service(busiest);
        QVERIFY(s);
        QCOMPARE(toString(s->relation), toString(VersionRelation::Behind));
        QCOMPARE(s->commits.behind, most);
    }

    void screenshots_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("theme");
        QTest::addColumn<QSize>("size");
        for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
            for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark")})
                for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)})
                    QTest::addRow("%s-%s-%dx%d", qPrintable(lang), qPrintable(theme), size.width(),
                                  size.height())
                        << lang << theme << size;
    }
    void screenshots()
    {
        QFETCH(QString, lang);
        QFETCH(QString, theme);
        QFETCH(QSize, size);
        QCOMPARE(installTranslations(lang), lang);
        applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);
        Session session;
        openWithWorld(session);
        ComparePage page(&session);
        QSignalSpy compared(&page, &ComparePage::compared);
        page.resize(size);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(compared.size(), 1, 30000);
        QString busiest;
        int most = -1;
        for (const ServiceComparison &s : page.gridModel()->report().services)
            if (s.commits.ahead > most) {
                most = s.commits.ahead;
                busiest = s.service;
            }
        page.selectService(busiest);
        for (const auto &[tab, name] :
             {std::pair{0, QStringLiteral("commits")}, std::pair{1, QStringLiteral("config")}}) {
            if (tab == 1 && size != QSize(1280, 800))
                continue;
            if (tab == 1)
                page.selectService(QStringLiteral("checkout"));
            page.detailTabs()->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            const QImage image = page.grab().toImage();
            QCOMPARE(image.size(), size);
            const QString file = QStringLiteral("%1/compare-%2-%3-%4-%5x%6.png")
                                     .arg(m_shots, name, lang, theme)
                                     .arg(size.width())
                                     .arg(size.height());
            QVERIFY2(image.save(file), qPrintable(file));
            QVERIFY2(distinctColours(image) > 100, qPrintable(file));
        }
    }

private:
    /// Opens the sandbox's workspace without backends and publishes what the world says runs
    /// where, so the page sees the demo estate without waiting for four plugins to sync.
    void openWithWorld(Session &session)
    {
        Session::OpenOptions o;
        o.storePath = QStringLiteral(":none");
        o.pluginDirs = {m_dir.path() + QStringLiteral("/no-plugins")};
        QVERIFY(session.open(m_workspace, o));
        const sandbox::World &world = m_sandbox->world();
        for (const sandbox::SimService &s : world.services)
            for (const sandbox::SimTarget &t : s.targets) {
                const sandbox::SimDeploy *d = t.current();
                EnvironmentState st;
                st.connectionId = t.backend;
                st.service = s.name;
                st.environment = t.environment;
                st.object = t.object;
                st.version = d->version;
                st.commit = d->sha;
                st.deployedAt = QDateTime::fromMSecsSinceEpoch(d->atMs, Qt::UTC);
                st.sync =
                    t.backend == QLatin1String("argocd") ? SyncState::Synced : SyncState::Unknown;
                // One drifted app, as the Argo CD demo shows it.
                if (s.name == QLatin1String("payments") &&
                    t.environment == QLatin1String("staging")) {
                    st.sync = SyncState::OutOfSync;
                    st.driftCount = 2;
                }
                RecordSet rs;
                rs.environments = {st};
                session.estate()->publish(t.backend, rs, 0);
            }
    }

    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::Sandbox> m_sandbox;
    QString m_workspace;
    QString m_shots;
};

QTEST_MAIN(TestComparePage)
#include "tst_comparepage.moc"
