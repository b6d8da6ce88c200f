// The Compare page on the demo sandbox's estate (real git repositories and GitOps overlays):
// defaults, grid, detail, Markdown, a window that keeps turning while the engine walks, and
// screenshots at two sizes, light and dark, English and Korean, saved for people to look at.
// Argo CD managed resources come from a fake backend that serves manifests made from the
// world's own versions (the plugin's side is tested against the sandbox in tests/e2e).
#include "backend/backend.h"
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
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>
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

/// Argo CD as the page reads it: for "<service>-<env>" a Deployment running the world's version
/// and a ConfigMap; payments-staging has been scaled by hand and lost an env var (drift).
class FakeArgo : public Backend
{
public:
    explicit FakeArgo(const sandbox::World *world)
        : m_world(world)
    {}
    int asked = 0;

    Capabilities capabilities() const override { return int(Capability::Environments); }
    void start() override {}
    void stop() override {}
    ConnectionHealth health() const override { return {}; }
    ActionPlan plan(const ReleaseAction &) const override { return {}; }
    quint64 execute(const ActionPlan &) override { return 0; }
    void fetchManagedResources(
        const QString &app,
        std::function<void(const QList<ManagedResource> &, const QString &)> done) override
    {
        ++asked;
        const qsizetype dash = app.lastIndexOf(u'-');
        const QString service = app.left(dash), env = app.mid(dash + 1);
        const sandbox::SimService *s = m_world->service(service);
        const sandbox::SimTarget *t = s ? s->target(env) : nullptr;
        if (!t || !t->current()) {
            done({}, QStringLiteral("application %1 not found").arg(app));
            return;
        }
        const QString version = t->current()->version;
        const QString ns = QStringLiteral("shop-") + env;
        const auto meta = [&](const QString &name) {
            return QJsonObject{
                {u"name"_qs, name},
                {u"namespace"_qs, ns},
                {u"labels"_qs, QJsonObject{{u"app.kubernetes.io/instance"_qs, app}}}};
        };
        const auto deployment = [&](int replicas, bool feature) {
            QJsonArray envVars{
                QJsonObject{{u"name"_qs, u"LOG_LEVEL"_qs},
                            {u"value"_qs, env == u"prod" ? u"info"_qs : u"debug"_qs}}};
            if (feature)
                envVars.append(
                    QJsonObject{{u"name"_qs, u"NEW_CHECKOUT"_qs}, {u"value"_qs, u"on"_qs}});
            return QJsonObject{
                {u"apiVersion"_qs, u"apps/v1"_qs},
                {u"kind"_qs, u"Deployment"_qs},
                {u"metadata"_qs, meta(service)},
                {u"spec"_qs,
                 QJsonObject{
                     {u"replicas"_qs, replicas},
                     {u"template"_qs,
                      QJsonObject{
                          {u"spec"_qs, QJsonObject{{u"containers"_qs,
                                                    QJsonArray{QJsonObject{
                                                        {u"name"_qs, service},
                                                        {u"image"_qs, u"ghcr.io/acme/"_qs +
                                                                          service + u':' + version},
                                                        {u"env"_qs, envVars}}}}}}}}}}};
        };
        const bool staging = env == u"staging";
        ManagedResource dep{u"apps"_qs,
                            u"Deployment"_qs,
                            ns,
                            service,
                            deployment(staging ? 2 : 4, staging),
                            deployment(staging ? 2 : 4, staging),
                            false,
                            {}};
        if (app == u"payments-staging") {
            dep.live = deployment(3, false);
            dep.modified = true;
        }
        const QJsonObject config{
            {u"apiVersion"_qs, u"v1"_qs},
            {u"kind"_qs, u"ConfigMap"_qs},
            {u"metadata"_qs, meta(service + u"-config"_qs)},
            {u"data"_qs, QJsonObject{{u"DB_HOST"_qs, u"db."_qs + env + u".internal"_qs},
                                     {u"POOL_SIZE"_qs, staging ? u"10"_qs : u"40"_qs}}}};
        const QList<ManagedResource> out{
            dep,
            ManagedResource{
                u""_qs, u"ConfigMap"_qs, ns, service + u"-config"_qs, config, config, false, {}}};
        // Asynchronously, as a real backend answers.
        QTimer::singleShot(5, [out, done] { done(out, QString()); });
    }

private:
    const sandbox::World *m_world;
};

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

    void showsArgoCdDesiredStateAndDrift()
    {
        Session session;
        openWithWorld(session);
        ComparePage page(&session);
        FakeArgo argo(&m_sandbox->world());
        page.engine()->setBackends(
            [&argo](const QString &id) -> Backend * { return id == u"argocd" ? &argo : nullptr; });
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSignalSpy compared(&page, &ComparePage::compared);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(compared.size(), 1, 30000);
        QVERIFY(argo.asked >= 3); // checkout staging + prod, payments staging

        // The grid flags the drifted environment with its resource count.
        const int row = page.gridModel()->rowOf(u"payments"_qs);
        QVERIFY(row >= 0);
        const QModelIndex drift = page.gridModel()->index(row, CompareGridModel::Drift);
        QCOMPARE(drift.data().toString(), u"⚠ out of sync: staging (1)"_qs);
        QVERIFY(drift.data(CompareRoles::DriftRole).toBool());
        const int checkoutRow = page.gridModel()->rowOf(u"checkout"_qs);
        QCOMPARE(page.gridModel()->index(checkoutRow, CompareGridModel::Drift).data().toString(),
                 u"—"_qs);

        // The detail lists the drifted resource by path, and the desired-state differences.
        page.selectService(u"payments"_qs);
        QCOMPARE(page.detailTabs()->tabText(3), u"Drift (1)"_qs);
        QCOMPARE(page.driftModel()->rowCount(), 3); // replicas, NEW_CHECKOUT name and value
        QCOMPARE(page.driftModel()->index(0, ResourceDriftModel::Key).data().toString(),
                 u"spec.replicas"_qs);
        QCOMPARE(page.driftModel()->index(0, ResourceDriftModel::Live).data().toString(), u"3"_qs);
        page.selectService(u"checkout"_qs);
        const ServiceComparison *checkout = page.gridModel()->report().service(u"checkout"_qs);
        QVERIFY(checkout);
        QVERIFY(checkout->managedA.compared && checkout->managedB.compared);
        bool image = false, pool = false;
        for (const ConfigChange &c : checkout->config.changes) {
            image |= c.file == u"argocd:Deployment/checkout" && c.path.endsWith(u".image"_qs) &&
                     c.kind == ConfigChange::Kind::Changed;
            pool |= c.file == u"argocd:ConfigMap/checkout-config" && c.path == u"data.POOL_SIZE" &&
                    c.a == u"10" && c.b == u"40";
        }
        QCOMPARE(image, checkout->a.version != checkout->b.version);
        QVERIFY(pool);
        QCOMPARE(page.detailTabs()->tabText(3), u"Drift (0)"_qs);
        // A service no Argo CD application serves says so.
        page.selectService(u"catalog"_qs);
        QCOMPARE(page.detailTabs()->tabText(3), u"Drift"_qs);
        QVERIFY(page.markdown().contains(u"### Drift: live vs desired (Argo CD)"_qs));
    }

    /// The real path: the Argo CD plugin reads managed-resources from the sandbox, the page asks
    /// it through the session. The sandbox's demo has one hand-scaled app (payments-staging).
    void readsArgoCdThroughThePlugin()
    {
        const auto env = m_sandbox->workspaceEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            qputenv(it.key().toLocal8Bit().constData(), it.value().toLocal8Bit());
        Session session;
        Session::OpenOptions o;
        o.storePath = QStringLiteral(":memory:");
        o.pluginDirs = {QStringLiteral(FD_PLUGIN_DIR)};
        QVERIFY(session.open(m_workspace, o));
        session.start();
        QTRY_VERIFY_WITH_TIMEOUT(session.isReady(), 30000);
        QVERIFY2(session.backend(u"argocd"_qs),
                 "the Argo CD plugin did not load from " FD_PLUGIN_DIR);
        QTRY_VERIFY_WITH_TIMEOUT(session.allSynced(), 60000);

        ComparePage page(&session);
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSignalSpy compared(&page, &ComparePage::compared);
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!compared.isEmpty(), 60000);
        const CompareReport &report = page.gridModel()->report();
        const ServiceComparison *payments = report.service(u"payments"_qs);
        QVERIFY(payments);
        QVERIFY2(payments->managedA.compared, qPrintable(payments->problems.join(u'\n')));
        QCOMPARE(payments->driftA.size(), 1);
        QCOMPARE(payments->driftA[0].kind, u"Deployment"_qs);
        QVERIFY(payments->driftA[0].modified);
        const ServiceComparison *checkout = report.service(u"checkout"_qs);
        QVERIFY(checkout && checkout->managedA.compared && checkout->managedB.compared);
        QVERIFY(checkout->driftA.isEmpty() && checkout->driftB.isEmpty());
        int argoChanges = 0;
        for (const ConfigChange &c : checkout->config.changes)
            argoChanges +=
                c.file.startsWith(u"argocd:"_qs) && c.kind != ConfigChange::Kind::Normalized;
        QVERIFY(argoChanges > 0);

        const int row = page.gridModel()->rowOf(u"payments"_qs);
        QCOMPARE(page.gridModel()->index(row, CompareGridModel::Drift).data().toString(),
                 u"⚠ out of sync: staging (1)"_qs);
        page.selectService(u"payments"_qs);
        page.detailTabs()->setCurrentIndex(3);
        QCOMPARE(page.driftModel()->index(0, ResourceDriftModel::Key).data().toString(),
                 u"spec.replicas"_qs);
        for (const auto &[service, tab, name] : {std::tuple{u"payments"_qs, 3, u"drift"_qs},
                                                 std::tuple{u"checkout"_qs, 1, u"config"_qs}}) {
            page.selectService(service);
            page.detailTabs()->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            const QImage image = page.grab().toImage();
            const QString file =
                QStringLiteral("%1/compare-live-%2-en-light-1280x800.png").arg(m_shots, name);
            QVERIFY2(image.save(file), qPrintable(file));
        }
        session.stop();
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
        FakeArgo argo(&m_sandbox->world());
        page.engine()->setBackends([&argo](const QString &) -> Backend * { return &argo; });
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
             {std::pair{0, QStringLiteral("commits")}, std::pair{1, QStringLiteral("config")},
              std::pair{3, QStringLiteral("drift")}}) {
            if (tab == 1 && size != QSize(1280, 800))
                continue;
            if (tab == 1)
                page.selectService(QStringLiteral("checkout"));
            if (tab == 3)
                page.selectService(QStringLiteral("payments"));
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
        // The workspace names its credentials as env: references; a connection a service uses
        // must have them set even when no plugin will read it.
        const auto env = m_sandbox->workspaceEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            qputenv(it.key().toLocal8Bit().constData(), it.value().toLocal8Bit());
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
