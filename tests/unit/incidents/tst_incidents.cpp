// Incidents: phases and their durations, the suspects ranking on a synthetic timeline (exact
// order and scores, arithmetic beside each row), the store-backed log, and the postmortem
// Markdown (golden file + canary token).
#include "incidents/incidentlog.h"
#include "incidents/postmortem.h"
#include "incidents/suspects.h"
#include "logging/redactor.h"
#include "store/store.h"
#include "workspace/workspace.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

QDateTime at(const char *hhmm, int day = 10)
{
    return QDateTime(QDate(2024, 5, day),
                     QTime::fromString(QString::fromLatin1(hhmm), QStringLiteral("HH:mm")),
                     Qt::UTC);
}

TimelineEvent ev(TimelineEvent::Kind kind,
                 const char *id,
                 const char *service,
                 const char *env,
                 const char *version,
                 QDateTime time,
                 const char *title = "")
{
    TimelineEvent e;
    e.kind = kind;
    e.source = QStringLiteral("argocd");
    e.sourceId = QString::fromLatin1(id);
    e.service = QString::fromLatin1(service);
    e.environment = QString::fromLatin1(env);
    e.version = QString::fromLatin1(version);
    e.time = time;
    e.title = QString::fromLatin1(title);
    return e;
}

Workspace workspace()
{
    Workspace ws;
    ws.environments = {EnvironmentDef{QStringLiteral("dev")},
                       EnvironmentDef{QStringLiteral("staging")},
                       EnvironmentDef{QStringLiteral("prod")}};
    ServiceDef checkout;
    checkout.name = QStringLiteral("checkout");
    checkout.dependsOn = {QStringLiteral("payments")};
    ServiceDef payments;
    payments.name = QStringLiteral("payments");
    payments.dependsOn = {QStringLiteral("ledger")};
    ServiceDef ledger;
    ledger.name = QStringLiteral("ledger");
    ServiceDef search;
    search.name = QStringLiteral("search");
    ws.services = {checkout, payments, ledger, search};
    return ws;
}

Incident checkoutIncident()
{
    Incident i;
    i.id = 7;
    i.title = QStringLiteral("Checkout error rate above 5 %");
    i.severity = QStringLiteral("sev2");
    i.services = {QStringLiteral("checkout")};
    i.environment = QStringLiteral("prod");
    i.detectedAt = at("12:00");
    return i;
}

using K = TimelineEvent::Kind;

QStringList times(const char *list)
{
    return QString::fromLatin1(list).split(QLatin1Char(' '));
}

QList<TimelineEvent> synthetic()
{
    return {
        ev(K::DeployStarted, "e1", "checkout", "prod", "v2", at("11:20"),
           "Deploy checkout v2 to prod"),
        ev(K::DeploySucceeded, "e2", "checkout", "prod", "v2", at("11:30"),
           "Deploy checkout v2 to prod"),
        ev(K::DeploySucceeded, "e3", "payments", "prod", "p7", at("11:00"),
           "Deploy payments p7 to prod"),
        ev(K::DeploySucceeded, "e4", "checkout", "staging", "v3", at("11:50"),
           "Deploy checkout v3 to staging"),
        ev(K::CanaryWeight, "e5", "checkout", "prod", "v3", at("11:55"),
           "Canary checkout v3 at 20 %"),
        ev(K::SyncSucceeded, "e6", "ledger", "prod", "cfg-9", at("10:00"), "Sync ledger config"),
        ev(K::DeploySucceeded, "e7", "search", "prod", "s1", at("11:59"),
           "Deploy search (unrelated)"),
        ev(K::DeploySucceeded, "e8", "checkout", "prod", "v1", at("05:00"), "Too early"),
        ev(K::DeploySucceeded, "e9", "checkout", "prod", "v4", at("12:10"), "After detection"),
        ev(K::AlertFiring, "e10", "checkout", "prod", "", at("12:00"), "HighErrorRate"),
        ev(K::DeploySucceeded, "e11", "checkout", "dev", "v3", at("09:00"),
           "Deploy checkout v3 to dev"),
        ev(K::Rollback, "e12", "checkout", "prod", "v1", at("08:00"), "Rollback checkout to v1"),
    };
}

} // namespace

class TestIncidents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void suspectsRanking()
    {
        const QList<Suspect> s = rankSuspects(checkoutIncident(), synthetic(), workspace());
        // window 6 h = 21600 s; score = 100 × closeness × environment × relation × change
        QStringList got;
        for (const Suspect &x : s)
            got << x.change.sourceId + QLatin1Char('=') + QString::number(x.score, 'f', 1);
        QCOMPARE(got, (QStringList{
                          // e1+e2: 1800 s → 1 − 1800/21600 = 0.91667 × prod 1 × direct 1 × deploy 1
                          QStringLiteral("e2=91.7"),
                          // e5: 300 s → 0.98611 × 1 × 1 × canary 0.8 = 0.78889
                          QStringLiteral("e5=78.9"),
                          // e4: 600 s → 0.97222 × staging 0.5 = 0.48611
                          QStringLiteral("e4=48.6"),
                          // e3: 3600 s → 0.83333 × 1 × dependency 0.5 = 0.41667
                          QStringLiteral("e3=41.7"),
                          // e12: 14400 s → 0.33333 × 1 × 1 × rollback 0.6 = 0.2
                          QStringLiteral("e12=20.0"),
                          // e11: 10800 s → 0.5 × dev 0.25 = 0.125
                          QStringLiteral("e11=12.5"),
                          // e6: 7200 s → 0.66667 × 1 × depth 2: 0.25 × sync 0.7 = 0.11667
                          QStringLiteral("e6=11.7"),
                      }));
        QCOMPARE(s.first().eventCount, 2);
        QCOMPARE(s.first().explanation,
                 QStringLiteral(
                     "30 min before detection (closeness 0.92) × production 1.00 × direct 1.00 × "
                     "deploy 1.00 = 91.7"));
        QCOMPARE(s.at(3).dependencyOf, QStringLiteral("checkout"));
        QCOMPARE(s.at(3).explanation,
                 QStringLiteral(
                     "1 h before detection (closeness 0.83) × production 1.00 × dependency of "
                     "checkout 0.50 × deploy 1.00 = 41.7"));
        QCOMPARE(s.at(6).dependencyDepth, 2);
        QCOMPARE(s.at(6).changeKind, QStringLiteral("config sync"));
    }

    void suspectsWindowAndNoServices()
    {
        SuspectOptions o;
        o.windowSecs = 3600; // only e2, e5, e4 and e3 (exactly 1 h: closeness 0, score 0)
        QList<Suspect> s = rankSuspects(checkoutIncident(), synthetic(), workspace(), o);
        QCOMPARE(s.size(), 4);
        QCOMPARE(s.last().change.sourceId, QStringLiteral("e3"));
        QCOMPARE(s.last().score, 0.0);
        // An incident naming no service suspects every change, search included.
        Incident any = checkoutIncident();
        any.services.clear();
        s = rankSuspects(any, synthetic(), workspace());
        QCOMPARE(s.first().change.sourceId, QStringLiteral("e7")); // 60 s before, prod, deploy
        QCOMPARE(s.first().score, 99.7);                           // 1 − 60/21600 = 0.99722
    }

    void rollbackFromSuspect()
    {
        const QList<Suspect> s = rankSuspects(checkoutIncident(), synthetic(), workspace());
        const ReleaseAction a = rollbackFor(s.first(), checkoutIncident(), QStringLiteral("alice"));
        QCOMPARE(toString(a.verb), toString(ReleaseAction::Verb::Rollback));
        QCOMPARE(a.service, QStringLiteral("checkout"));
        QCOMPARE(a.environment, QStringLiteral("prod"));
        QCOMPARE(a.actor, QStringLiteral("alice"));
        QVERIFY(a.comment.contains(QStringLiteral("incident #7")));
        QVERIFY(a.connectionId.isEmpty()); // the action path resolves the binding
    }

    void phases_data()
    {
        QTest::addColumn<QList<int>>("steps");  // phases to advance to, in order
        QTest::addColumn<QStringList>("times"); // HH:mm per step
        QTest::addColumn<int>("failAt");        // index of the step that must fail, -1 none
        QTest::newRow("in order") << QList<int>{1, 2, 3, 4} << times("12:05 12:20 12:50 13:00")
                                  << -1;
        QTest::newRow("skip to recovered") << QList<int>{3} << times("12:40") << -1;
        QTest::newRow("backwards phase") << QList<int>{2, 1} << times("12:20 12:30") << 1;
        QTest::newRow("same phase twice") << QList<int>{1, 1} << times("12:20 12:30") << 1;
        QTest::newRow("earlier than previous") << QList<int>{1, 2} << times("12:20 12:10") << 1;
        QTest::newRow("before detection") << QList<int>{1} << times("11:59") << 0;
    }

    void phases()
    {
        QFETCH(QList<int>, steps);
        QFETCH(QStringList, times);
        QFETCH(int, failAt);
        Incident i = checkoutIncident();
        for (int k = 0; k < steps.size(); ++k) {
            const Incident before = i;
            const QString why = advancePhase(i, Incident::Phase(steps.at(k)),
                                             at(times.at(k).toLatin1().constData()));
            if (k == failAt) {
                QVERIFY(!why.isEmpty());
                QVERIFY(why.startsWith(QStringLiteral("incident 7: ")));
                QCOMPARE(i, before); // a refused step changes nothing
                return;
            }
            QVERIFY2(why.isEmpty(), qPrintable(why));
            QCOMPARE(int(i.phase), steps.at(k));
        }
        QCOMPARE(failAt, -1);
    }

    void durations()
    {
        Incident i = checkoutIncident();
        QVERIFY(advancePhase(i, Incident::Phase::Reported, at("12:05")).isEmpty());
        QVERIFY(advancePhase(i, Incident::Phase::Recovered, at("12:50")).isEmpty());
        // Skipped "mitigated" takes the recovery time: mitigated no later than recovered.
        QCOMPARE(i.mitigatedAt, at("12:50"));
        const IncidentDurations d = incidentDurations(i, at("11:30"));
        QCOMPARE(d.toDetect, qint64(1800));
        QCOMPARE(d.toReport, qint64(300));
        QCOMPARE(d.toMitigate, qint64(3000));
        QCOMPARE(d.toRestore, qint64(3000));
        QCOMPARE(incidentDurations(checkoutIncident()).toRestore, qint64(-1));
        QCOMPARE(durationText(3000), QStringLiteral("50 min"));
        QCOMPARE(durationText(4800), QStringLiteral("1 h 20 min"));
        QCOMPARE(durationText(3 * 86400 + 7200), QStringLiteral("3 d 2 h"));
    }

    void logInStore()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        QVERIFY(store);
        IncidentLog log(store.get());
        QString err;
        Incident bad = checkoutIncident();
        bad.severity = QStringLiteral("critical");
        QVERIFY(!log.declare(bad, QStringLiteral("alice"), at("12:01"), &err));
        QVERIFY(err.contains(QStringLiteral("sev1")));

        const TimelineEvent alert = synthetic().at(9);
        const auto id = log.declareFromAlert(alert, QStringLiteral("sev1"), QStringLiteral("alice"),
                                             at("12:02"), &err);
        QVERIFY2(id, qPrintable(err));
        auto stored = store->incident(*id);
        QVERIFY(stored);
        QCOMPARE(stored->title, QStringLiteral("HighErrorRate"));
        QCOMPARE(stored->services, QStringList{QStringLiteral("checkout")});
        QCOMPARE(stored->detectedAt, at("12:00"));
        QCOMPARE(toString(stored->phase), toString(Incident::Phase::Detected));

        QVERIFY(log.advance(*id, Incident::Phase::Mitigated, at("12:30"), QStringLiteral("bob"))
                    .isEmpty());
        QVERIFY(!log.advance(*id, Incident::Phase::Reported, at("12:31"), QStringLiteral("bob"))
                     .isEmpty());
        QVERIFY(log.addNote(*id, QStringLiteral("bob"),
                            QStringLiteral("Follow-up: alert on p99 too"), at("12:35")));
        QVERIFY(!log.addNote(*id, QStringLiteral("bob"), QStringLiteral("   "), at("12:36")));
        stored = store->incident(*id);
        QCOMPARE(toString(stored->phase), toString(Incident::Phase::Mitigated));
        QCOMPARE(stored->reportedAt, at("12:30"));
        QCOMPARE(stored->mitigatedAt, at("12:30"));

        // Declared, mitigated and the note are on the timeline, in the notes lane.
        const auto events = store->events(at("11:00"), at("13:00"));
        QVERIFY(events);
        QStringList ids;
        for (const TimelineEvent &e : *events) {
            QCOMPARE(toString(e.kind), toString(TimelineEvent::Kind::Note));
            ids << e.sourceId;
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("incident-%1-declared").arg(*id),
                                   QStringLiteral("incident-%1-mitigated").arg(*id),
                                   QStringLiteral("incident-%1-note-1").arg(*id)}));
    }

    void postmortemGolden()
    {
        Redactor::instance().clearSecrets();
        const QString md = postmortemMarkdown(goldenData());
        const QString path =
            QStringLiteral(FD_SOURCE_DIR "/tests/unit/incidents/golden/postmortem.md");
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QString expected = QString::fromUtf8(f.readAll());
        if (md != expected) {
            QFile out(QStringLiteral(FD_BINARY_DIR "/postmortem.actual.md"));
            if (out.open(QIODevice::WriteOnly))
                out.write(md.toUtf8());
        }
        QCOMPARE(md, expected);
    }

    void postmortemTitleIsQuotedAsTyped()
    {
        Redactor::instance().clearSecrets();
        PostmortemData d = goldenData();
        d.incident.title = QStringLiteral("5xx at 40%1 of checkout");
        d.incident.id = 12;
        const QString md = postmortemMarkdown(d);
        QVERIFY2(
            md.startsWith(QStringLiteral("# Postmortem: 5xx at 40%1 of checkout (incident #12)")),
            qPrintable(md.left(120)));
    }

    void postmortemCarriesNoToken()
    {
        Redactor::instance().clearSecrets();
        const QString canary = QStringLiteral("cnry-7f3a9b2e-flightdeck");
        Redactor::instance().addSecret(canary);
        PostmortemData d = goldenData();
        d.incident.title += QStringLiteral(" ") + canary;
        d.incident.summary = QStringLiteral("token %1 leaked into the summary").arg(canary);
        d.events[0].detail = canary;
        d.events[0].title = QStringLiteral("deploy with ") + canary;
        d.notes[0].text = QStringLiteral("Follow-up: rotate %1").arg(canary);
        d.actions[0].reason = QStringLiteral("Authorization: Bearer %1").arg(canary);
        d.suspects[0].change.title = canary;
        // A token that no one registered but that looks like one: the patterns catch it.
        d.notes[1].text = QStringLiteral("pasted ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        const QString md = postmortemMarkdown(d);
        Redactor::instance().clearSecrets();
        QVERIFY(!md.contains(canary));
        QVERIFY(!md.contains(QStringLiteral("ghp_abcdefghijklmnopqrstuvwxyz0123456789")));
        QVERIFY(md.count(QStringLiteral("***")) >= 7);
    }

    void typedSecretsAreStoredMasked()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        QVERIFY(store);
        IncidentLog log(store.get());
        // A credential of the workspace (an Argo CD password, say) is known to the redactor.
        const QString password = QStringLiteral("s3cr3t-Arg0-pw");
        Redactor::instance().clearSecrets();
        Redactor::instance().addSecret(password);
        Incident i = checkoutIncident();
        i.title = QStringLiteral("login fails with %1").arg(password);
        i.summary = QStringLiteral("curl -H 'Authorization: Basic YWRtaW46czNjcjN0LUFyZzAtcHc='");
        const auto id = log.declare(i, QStringLiteral("alice"), at("12:01"));
        QVERIFY(id);
        QVERIFY(log.addNote(*id, QStringLiteral("bob"),
                            QStringLiteral("used token ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
                                           "and Basic YWRtaW46czNjcjN0LUFyZzAtcHc= to check"),
                            at("12:05")));
        QVERIFY(log.setSummary(*id, QStringLiteral("pw was %1").arg(password)).isEmpty());
        Redactor::instance().clearSecrets();

        const Incident stored = store->incident(*id).value();
        QCOMPARE(stored.title, QStringLiteral("login fails with ***"));
        QCOMPARE(stored.summary, QStringLiteral("pw was ***"));
        const QList<IncidentNote> notes = store->incidentNotes(*id).value();
        QCOMPARE(notes.size(), 1);
        QCOMPARE(notes.first().text, QStringLiteral("used token *** and Basic *** to check"));
        // The timeline copy of the note is the masked text too.
        bool onTimeline = false;
        const QList<TimelineEvent> events = store->events(at("11:00"), at("13:00")).value();
        for (const TimelineEvent &e : events) {
            QVERIFY2(!e.detail.contains(QLatin1String("ghp_")), qPrintable(e.detail));
            QVERIFY2(!e.title.contains(password), qPrintable(e.title));
            onTimeline = onTimeline || e.detail.contains(QLatin1String("used token ***"));
        }
        QVERIFY(onTimeline);
    }

    void collectFromStore()
    {
        QTemporaryDir dir;
        auto store = Store::open(dir.filePath(QStringLiteral("fd.db")));
        QVERIFY(store);
        QVERIFY(store->appendEvents(synthetic()));
        IncidentLog log(store.get());
        Incident i = checkoutIncident();
        const auto id = log.declare(i, QStringLiteral("alice"), at("12:01"));
        QVERIFY(id);
        QVERIFY(log.advance(*id, Incident::Phase::Recovered, at("12:40"), QStringLiteral("bob"))
                    .isEmpty());
        QVERIFY(log.addNote(*id, QStringLiteral("bob"),
                            QStringLiteral("TODO: canary analysis on errors"), at("12:45")));
        // An audited rollback on checkout and one on an unrelated service.
        ActionPlan plan;
        plan.action.verb = ReleaseAction::Verb::Rollback;
        plan.action.service = QStringLiteral("checkout");
        plan.action.environment = QStringLiteral("prod");
        plan.action.actor = QStringLiteral("bob");
        plan.summary = QStringLiteral("Roll back checkout in prod to v1");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // The audit log stamps its own time (now): the incident is moved to now for this part.
        ActionPlan other = plan;
        other.action.service = QStringLiteral("search");
        QVERIFY(store->auditIntent(plan, QStringLiteral("incident")));
        QVERIFY(store->auditIntent(other, QStringLiteral("unrelated")));
        Incident moved = *store->incident(*id);
        moved.detectedAt = now.addSecs(-600);
        moved.recoveredAt = now.addSecs(60);
        moved.reportedAt = moved.mitigatedAt = moved.recoveredAt;
        QVERIFY(store->updateIncident(moved).isEmpty());
        QString err;
        auto d = collectPostmortem(*store, workspace(), *id, now.addSecs(120), &err);
        QVERIFY2(d, qPrintable(err));
        QCOMPARE(d->actions.size(), 1);
        QCOMPARE(d->actions.first().service, QStringLiteral("checkout"));
        QCOMPARE(d->notes.size(), 1);
        QCOMPARE(followUps(d->notes), QStringList{QStringLiteral("canary analysis on errors")});
        QCOMPARE(d->chartFile, QStringLiteral("incident-%1-timeline.png").arg(*id));

        // With the original times the suspects come from the stored timeline.
        Incident original = moved;
        original.detectedAt = at("12:00");
        original.recoveredAt = original.reportedAt = original.mitigatedAt = at("12:40");
        QVERIFY(store->updateIncident(original).isEmpty());
        d = collectPostmortem(*store, workspace(), *id, at("13:00"), &err);
        QVERIFY(d);
        QCOMPARE(d->suspects.size(), 7);
        QCOMPARE(d->suspects.first().change.sourceId, QStringLiteral("e2"));
        // Table window: 11:00 (an hour before detection; the best suspect is later) to 12:55.
        QCOMPARE(d->windowFrom, at("11:00"));
        QCOMPARE(d->windowTo, at("12:55"));
        for (const TimelineEvent &e : d->events) {
            QVERIFY(e.service != QLatin1String("search")); // unrelated service left out
            QVERIFY(e.time >= at("11:00") && e.time < at("12:55"));
        }
        QVERIFY(!collectPostmortem(*store, workspace(), 999, at("13:00"), &err));
        QVERIFY(err.contains(QStringLiteral("999")));
    }

private:
    static PostmortemData goldenData()
    {
        PostmortemData d;
        d.incident = checkoutIncident();
        d.incident.reportedAt = at("12:05");
        d.incident.mitigatedAt = at("12:20");
        d.incident.recoveredAt = at("12:50");
        d.incident.phase = Incident::Phase::Postmortem;
        d.incident.summary =
            QStringLiteral("checkout v2 | shipped a broken payment client; errors rose to 9 %.");
        d.suspects = rankSuspects(d.incident, synthetic(), workspace());
        for (const TimelineEvent &e : synthetic())
            if (e.time >= at("11:00") && e.time < at("13:05") &&
                e.service != QLatin1String("search"))
                d.events << e;
        std::sort(d.events.begin(), d.events.end(),
                  [](const TimelineEvent &a, const TimelineEvent &b) { return a.time < b.time; });
        d.events[0].actor = QStringLiteral("ci-bot");
        IncidentNote n1{1, 7, at("12:10"), QStringLiteral("alice"),
                        QStringLiteral("Rolling back checkout.")};
        IncidentNote n2{2, 7, at("12:55"), QStringLiteral("bob"),
                        QStringLiteral("Follow-up: add a payment-client contract test")};
        IncidentNote n3{3, 7, at("12:56"), QStringLiteral("bob"),
                        QStringLiteral("todo: page on canary errors")};
        d.notes = {n1, n2, n3};
        AuditEntry a;
        a.id = 1;
        a.time = at("12:12");
        a.actor = QStringLiteral("alice");
        a.verb = QStringLiteral("rollback");
        a.service = QStringLiteral("checkout");
        a.environment = QStringLiteral("prod");
        a.reason = QStringLiteral("incident #7");
        a.plan.summary = QStringLiteral("GitOps revert of checkout prod to v1");
        a.state = AuditEntry::State::Succeeded;
        a.result = ActionResult{true, QStringLiteral("reverted in 3f2a1b0"), 200, at("12:14"), {}};
        d.actions = {a};
        d.windowFrom = at("11:00");
        d.windowTo = at("13:05");
        d.generatedAt = at("14:00");
        d.chartFile = postmortemChartFileName(7);
        return d;
    }
};

QTEST_GUILESS_MAIN(TestIncidents)
#include "tst_incidents.moc"
