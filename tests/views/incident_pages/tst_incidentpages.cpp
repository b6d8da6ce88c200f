// The timeline, incidents and DORA pages over a real Session and store: what they show,
// chart interaction (click, zoom, pan), the rollback request, the postmortem export with its
// PNG and no token, and screenshots at two sizes, light and dark, English and Korean.
#include "dora/dorapage.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "incidents/incidentlog.h"
#include "incidents/incidentspage.h"
#include "logging/redactor.h"
#include "shared/theme.h"
#include "store/store.h"
#include "timeline/timelinechart.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinepage.h"
#include "translations.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;
using K = TimelineEvent::Kind;

Q_DECLARE_METATYPE(fd::ReleaseAction)

namespace {

const char *const workspaceYaml = R"(version: 1
name: incident pages
environments: [dev, staging, prod]
services:
  checkout:
    dependsOn: [payments]
  payments: {}
  search: {}
)";

TimelineEvent ev(const QString &id,
                 K kind,
                 const QDateTime &t,
                 const char *service,
                 const char *env,
                 const char *version,
                 const QString &title,
                 const char *actor = "ci-bot")
{
    TimelineEvent e;
    e.source = QStringLiteral("sandbox");
    e.sourceId = id;
    e.kind = kind;
    e.time = t;
    e.service = QString::fromLatin1(service);
    e.environment = QString::fromLatin1(env);
    e.version = QString::fromLatin1(version);
    e.title = title;
    e.actor = QString::fromLatin1(actor);
    return e;
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> seen;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            seen.insert(img.pixel(x, y));
    return int(seen.size());
}

} // namespace

class TestIncidentPages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void timelinePage();
    void incidentsPage();
    void exportPostmortem();
    void doraPage();
    void screenshots_data();
    void screenshots();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Session> m_session;
    QDateTime m_now;
    qint64 m_open = 0;
    qint64 m_recovered = 0;
    int m_prodDeploys = 0;
};

void TestIncidentPages::initTestCase()
{
    qRegisterMetaType<ReleaseAction>();
    QVERIFY(m_dir.isValid());
    const QString ws = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
    QFile f(ws);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(workspaceYaml);
    f.close();
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("plugins"))));
    m_session = std::make_unique<Session>();
    Session::OpenOptions o;
    o.storePath = m_dir.filePath(QStringLiteral("fd.db"));
    o.pluginDirs = {m_dir.filePath(QStringLiteral("plugins"))};
    QVERIFY2(m_session->open(ws, o), "workspace did not open");
    QVERIFY(m_session->store());

    // Twelve weeks of history: a production deploy of checkout every other day and of payments
    // every fourth, each after a staging deploy; a rollback and two incidents.
    m_now = QDateTime::currentDateTimeUtc();
    QList<TimelineEvent> events;
    for (int day = 83; day >= 1; --day) {
        const QDateTime t = m_now.addDays(-day).addSecs(-3 * 3600);
        const QByteArray v = "v1." + QByteArray::number(100 - day);
        if (day % 2 == 0) {
            events << ev(
                QStringLiteral("stg-%1").arg(day), K::DeploySucceeded, t.addSecs(-5 * 3600),
                "checkout", "staging", v.constData(),
                QStringLiteral("Deploy checkout %1 to staging").arg(QString::fromLatin1(v)));
            events << ev(QStringLiteral("prd-%1").arg(day), K::DeploySucceeded, t, "checkout",
                         "prod", v.constData(),
                         QStringLiteral("Deploy checkout %1 to prod").arg(QString::fromLatin1(v)));
            ++m_prodDeploys;
        }
        if (day % 4 == 1) {
            events << ev(QStringLiteral("pay-%1").arg(day), K::DeploySucceeded, t.addSecs(1800),
                         "payments", "prod", "p2", QStringLiteral("Deploy payments p2 to prod"));
            ++m_prodDeploys;
        }
    }
    events << ev(QStringLiteral("rb-9"), K::Rollback, m_now.addDays(-10).addSecs(-2 * 3600),
                 "checkout", "prod", "v1.89", QStringLiteral("Rollback checkout to v1.89"),
                 "alice");
    // Today's incident: a canary then a full deploy of a bad version, an alert after it.
    const QDateTime d0 = m_now.addSecs(-90 * 60);
    events << ev(QStringLiteral("bad-stg"), K::DeploySucceeded, d0.addSecs(-3 * 3600), "checkout",
                 "staging", "v2.0", QStringLiteral("Deploy checkout v2.0 to staging"));
    events << ev(QStringLiteral("bad-can"), K::CanaryWeight, d0.addSecs(-40 * 60), "checkout",
                 "prod", "v2.0", QStringLiteral("Canary checkout v2.0 at 25 %"));
    events << ev(QStringLiteral("bad-prd"), K::DeploySucceeded, d0.addSecs(-25 * 60), "checkout",
                 "prod", "v2.0", QStringLiteral("Deploy checkout v2.0 to prod"));
    events << ev(QStringLiteral("pay-now"), K::DeploySucceeded, d0.addSecs(-80 * 60), "payments",
                 "prod", "p3", QStringLiteral("Deploy payments p3 to prod"));
    events << ev(QStringLiteral("srch"), K::DeploySucceeded, d0.addSecs(-10 * 60), "search", "prod",
                 "s9", QStringLiteral("Deploy search s9 to prod"));
    events << ev(QStringLiteral("alert"), K::AlertFiring, d0, "checkout", "prod", "",
                 QStringLiteral("CheckoutHighErrorRate"), "alertmanager");
    events << ev(QStringLiteral("approve"), K::ApprovalGranted, d0.addSecs(-30 * 60), "checkout",
                 "prod", "v2.0", QStringLiteral("Approved deploy of checkout v2.0"), "bob");
    QVERIFY(m_session->store()->appendEvents(events));
    m_prodDeploys += 2; // bad-prd, pay-now (srch is another service, counted too)
    ++m_prodDeploys;

    IncidentLog log(m_session->store());
    Incident old;
    old.title = QStringLiteral("Payments timeouts");
    old.severity = QStringLiteral("sev3");
    old.services = {QStringLiteral("payments")};
    old.environment = QStringLiteral("prod");
    old.detectedAt = m_now.addDays(-20);
    auto id = log.declare(old, QStringLiteral("alice"), old.detectedAt);
    QVERIFY(id);
    m_recovered = *id;
    QVERIFY(log.advance(m_recovered, Incident::Phase::Recovered, old.detectedAt.addSecs(50 * 60),
                        QStringLiteral("alice"))
                .isEmpty());

    TimelineEvent alert = events.at(events.size() - 2);
    id = log.declareFromAlert(alert, QStringLiteral("sev1"), QStringLiteral("alice"), m_now);
    QVERIFY(id);
    m_open = *id;
    QVERIFY(
        log.advance(m_open, Incident::Phase::Reported, d0.addSecs(5 * 60), QStringLiteral("alice"))
            .isEmpty());
    QVERIFY(log.addNote(m_open, QStringLiteral("alice"),
                        QStringLiteral("Error rate 9 % since the v2.0 deploy."),
                        d0.addSecs(6 * 60)));
    QVERIFY(log.addNote(m_open, QStringLiteral("bob"),
                        QStringLiteral("Follow-up: canary analysis must include errors"),
                        d0.addSecs(8 * 60)));
}

void TestIncidentPages::timelinePage()
{
    TimelinePage page(m_session.get());
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const int all = page.model()->rowCount();
    QVERIFY(all > 100);
    // Filter by service: only checkout's events (and those naming no service).
    page.serviceFilter()->setCurrentIndex(
        page.serviceFilter()->findData(QStringLiteral("payments")));
    QVERIFY(page.model()->rowCount() < all);
    for (const TimelineEvent &e : page.model()->events())
        QVERIFY(e.service.isEmpty() || e.service == QLatin1String("payments"));
    page.serviceFilter()->setCurrentIndex(0);
    QCOMPARE(page.model()->rowCount(), all);

    // Click on the bad deploy in the chart: it is selected in the table and described.
    TimelineChart *chart = page.chart();
    const QString key = QStringLiteral("sandbox/bad-prd");
    QPoint p = chart->positionOf(key);
    QVERIFY(!p.isNull());
    QSignalSpy activated(chart, &TimelineChart::eventActivated);
    QTest::mouseClick(chart, Qt::LeftButton, {}, p);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), key);
    QCOMPARE(page.table()->currentIndex().row(), page.model()->rowOf(key));

    // Wheel zooms in around the cursor; dragging pans.
    const qint64 span = chart->from().secsTo(chart->to());
    QWheelEvent wheel(QPointF(p), chart->mapToGlobal(QPointF(p)), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(chart, &wheel);
    const qint64 zoomed = chart->from().secsTo(chart->to());
    QVERIFY2(zoomed < span * 0.7, qPrintable(QStringLiteral("%1 -> %2").arg(span).arg(zoomed)));
    QVERIFY(!chart->positionOf(key).isNull()); // still under the cursor
    QVERIFY(std::abs(chart->positionOf(key).x() - p.x()) <= 2);
    const QDateTime before = chart->from();
    QTest::mousePress(chart, Qt::LeftButton, {}, p);
    QTest::mouseMove(chart, p + QPoint(-200, 0));
    QTest::mouseRelease(chart, Qt::LeftButton, {}, p + QPoint(-200, 0));
    QVERIFY(chart->from() > before); // dragged left: later times come into view

    // Live events from the estate appear without a reload.
    const int rows = page.model()->rowCount();
    m_session->estate()->recordEvents({ev(QStringLiteral("live"), K::Note, m_now, "checkout",
                                          "prod", "", QStringLiteral("Live note"), "bob")});
    QCOMPARE(page.model()->rowCount(), rows + 1);
}

void TestIncidentPages::incidentsPage()
{
    IncidentsPage page(m_session.get());
    page.setActor(QStringLiteral("carol"));
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    // The open incident is listed first and selected.
    QCOMPARE(page.selectedIncident(), m_open);
    QCOMPARE(page.incidentsTable()->rowCount(), 2);
    // Suspects: the prod deploy of v2.0 first, the canary second, the dependency's deploy later;
    // search (unrelated) is not a suspect.
    const QList<Suspect> &s = page.suspects();
    QVERIFY(s.size() >= 3);
    QCOMPARE(s.at(0).change.sourceId, QStringLiteral("bad-prd"));
    QCOMPARE(s.at(1).change.sourceId, QStringLiteral("bad-can"));
    for (const Suspect &x : s)
        QVERIFY(x.change.service != QLatin1String("search"));
    QCOMPARE(page.suspectsTable()->rowCount(), int(s.size()));
    QVERIFY(page.suspectsTable()->item(0, 5)->text().contains(QStringLiteral("closeness")));

    // Roll back from here: a Rollback of checkout in prod, handed to the window.
    QSignalSpy asked(&page, &IncidentsPage::actionRequested);
    page.suspectsTable()->setCurrentCell(0, 0);
    QVERIFY(page.rollbackButton()->isEnabled());
    QTest::mouseClick(page.rollbackButton(), Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
    const auto action = asked.first().first().value<ReleaseAction>();
    QCOMPARE(int(action.verb), int(ReleaseAction::Verb::Rollback));
    QCOMPARE(action.service, QStringLiteral("checkout"));
    QCOMPARE(action.environment, QStringLiteral("prod"));
    QCOMPARE(action.actor, QStringLiteral("carol"));

    // The phase button moves the incident on (reported → mitigated) and records it.
    QVERIFY(page.phaseButton()->isEnabled());
    QTest::mouseClick(page.phaseButton(), Qt::LeftButton);
    QCOMPARE(int(m_session->store()->incident(m_open)->phase), int(Incident::Phase::Mitigated));
    QCOMPARE(page.selectedIncident(), m_open);

    // Declaring by hand adds a row.
    Incident i;
    i.title = QStringLiteral("Search latency");
    i.severity = QStringLiteral("sev4");
    i.services = {QStringLiteral("search")};
    const qint64 id = page.declare(i);
    QVERIFY(id > 0);
    QCOMPARE(page.incidentsTable()->rowCount(), 3);
    QCOMPARE(page.selectedIncident(), id);
    QVERIFY(m_session->store()->deleteIncident(id).isEmpty());
}

void TestIncidentPages::exportPostmortem()
{
    const QString canary = QStringLiteral("cnry-5d1e0c77-incident-token");
    Redactor::instance().addSecret(canary);
    IncidentLog log(m_session->store());
    QVERIFY(log.addNote(m_open, QStringLiteral("bob"),
                        QStringLiteral("curl -H 'Authorization: Bearer %1'").arg(canary),
                        m_now.addSecs(-60)));
    QVERIFY(m_session->store()->appendEvents(
        {ev(QStringLiteral("leak"), K::OperatorAction, m_now.addSecs(-120), "checkout", "prod", "",
            QStringLiteral("token=%1").arg(canary), "bob")}));
    IncidentsPage page(m_session.get());
    page.selectIncident(m_open);
    QTemporaryDir out;
    const QString why = page.exportPostmortem(out.path());
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QFile md(out.filePath(QStringLiteral("incident-%1-postmortem.md").arg(m_open)));
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(md.readAll());
    Redactor::instance().clearSecrets();
    QVERIFY(!text.contains(canary));
    QVERIFY(text.contains(QStringLiteral("***")));
    QVERIFY(text.contains(QStringLiteral("## Suspects")));
    QVERIFY(text.contains(QStringLiteral("Deploy checkout v2.0 to prod")));
    QVERIFY(text.contains(QStringLiteral("- [ ] canary analysis must include errors")));
    const QString png = out.filePath(QStringLiteral("incident-%1-timeline.png").arg(m_open));
    QVERIFY(text.contains(QStringLiteral("(incident-%1-timeline.png)").arg(m_open)));
    QImage chart(png);
    QCOMPARE(chart.size(), QSize(1400, 420));
    QVERIFY(distinctColours(chart) > 20);
    QVERIFY(QDir().mkpath(QStringLiteral(FD_BINARY_DIR "/screenshots")));
    QVERIFY(chart.save(QStringLiteral(FD_BINARY_DIR "/screenshots/postmortem-chart.png")));
}

void TestIncidentPages::doraPage()
{
    DoraPage page(m_session.get());
    QSignalSpy updated(&page, &DoraPage::updated);
    page.refresh(m_now);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 20000);
    const DoraFigures &f = page.report().total;
    // 12 weeks = 84 days covers every production deploy of the synthetic history.
    QCOMPARE(page.report().options.service, QString());
    QCOMPARE(page.report().services.size(), 3);
    QCOMPARE(f.deployments, m_prodDeploys);
    QCOMPARE(page.report().weeks.size() >= 12, true);
    // One recovered incident in 50 min: elite restore.
    QCOMPARE(f.timeToRestoreSecs, qint64(50 * 60));
    QCOMPARE(toString(f.restoreBand), QStringLiteral("elite"));
    // Lead time from "first deploy" (staging 5 h before prod) for checkout.
    QVERIFY(f.leadTimeSamples > 0);
    QCOMPARE(page.bandLabel(3)->text(), DoraPage::bandName(DoraBand::Elite));
    // Filtering by service recomputes.
    page.serviceFilter()->setCurrentIndex(
        page.serviceFilter()->findData(QStringLiteral("payments")));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 20000);
    QCOMPARE(page.report().options.service, QStringLiteral("payments"));
    QVERIFY(page.report().total.deployments < m_prodDeploys);
}

void TestIncidentPages::screenshots_data()
{
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QString>("theme");
    QTest::addColumn<QSize>("size");
    for (const QString &lang : {QStringLiteral("en"), QStringLiteral("ko")})
        for (const QString &theme : {QStringLiteral("light"), QStringLiteral("dark")})
            for (const QSize &size : {QSize(1280, 800), QSize(1920, 1080)})
                QTest::addRow("%s-%s-%dx%d", qPrintable(lang), qPrintable(theme), size.width(),
                              size.height())
                    << lang << theme << size;
}

void TestIncidentPages::screenshots()
{
    QFETCH(QString, lang);
    QFETCH(QString, theme);
    QFETCH(QSize, size);
    installTranslations(lang);
    applyTheme(theme == QLatin1String("dark") ? ThemeMode::Dark : ThemeMode::Light);
    const QString dir = QStringLiteral(FD_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));

    TimelinePage timeline(m_session.get());
    timeline.windowChoice()->setCurrentIndex(2); // 24 hours
    IncidentsPage incidents(m_session.get());
    incidents.selectIncident(m_open);
    DoraPage dora(m_session.get());
    dora.refresh(m_now);
    QTRY_VERIFY_WITH_TIMEOUT(!dora.isBusy(), 20000);
    const QList<QPair<QString, QWidget *>> pages{{QStringLiteral("timeline"), &timeline},
                                                 {QStringLiteral("incidents"), &incidents},
                                                 {QStringLiteral("dora"), &dora}};
    for (const auto &[name, w] : pages) {
        w->resize(size);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
        QCoreApplication::processEvents();
        const QImage image = w->grab().toImage();
        QCOMPARE(image.size(), size);
        const QString file = QStringLiteral("%1/%2-%3-%4-%5x%6.png")
                                 .arg(dir, name, lang, theme)
                                 .arg(size.width())
                                 .arg(size.height());
        QVERIFY2(image.save(file), qPrintable(file));
        QVERIFY2(distinctColours(image) > 100, qPrintable(file));
        w->hide();
    }
}

QTEST_MAIN(TestIncidentPages)
#include "tst_incidentpages.moc"
