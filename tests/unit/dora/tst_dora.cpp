// DORA figures on a fixed synthetic history, against values computed by hand (the arithmetic
// is written beside each expectation), plus the history collection and git lead times.
#include "git/repositorycache.h"
#include "metrics/dora.h"
#include "metrics/dorahistory.h"
#include "workspace/workspace.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace fd;

namespace {

QDateTime at(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    return t;
}

DoraDeployment dep(const char *service,
                   const char *env,
                   const char *version,
                   DeployStatus status,
                   const char *time,
                   QList<QDateTime> changes = {})
{
    DoraDeployment d;
    d.service = QString::fromLatin1(service);
    d.environment = QString::fromLatin1(env);
    d.version = QString::fromLatin1(version);
    d.status = status;
    d.time = at(time);
    d.changeTimes = changes;
    return d;
}

TimelineEvent rollback(const char *service, const char *env, const char *time)
{
    TimelineEvent e;
    e.kind = TimelineEvent::Kind::Rollback;
    e.source = QStringLiteral("argocd");
    e.sourceId = QString::fromLatin1(service) + QString::fromLatin1(time);
    e.service = QString::fromLatin1(service);
    e.environment = QString::fromLatin1(env);
    e.time = at(time);
    return e;
}

Incident incident(const char *service, const char *env, const char *detected, const char *recovered)
{
    Incident i;
    i.title = QStringLiteral("outage");
    i.severity = QStringLiteral("sev2");
    i.services = {QString::fromLatin1(service)};
    i.environment = QString::fromLatin1(env);
    i.detectedAt = at(detected);
    i.recoveredAt = at(recovered);
    i.phase = Incident::Phase::Recovered;
    return i;
}

constexpr auto OK = DeployStatus::Succeeded;
constexpr auto KO = DeployStatus::Failed;

/// Two weeks, Monday 2024-03-04 to Monday 2024-03-18, production = "prod".
DoraInput history()
{
    DoraInput in;
    in.deployments = {
        // D0 before the period: not counted; the rollback below blames it, also not counted.
        dep("checkout", "prod", "v0", OK, "2024-03-01T09:00:00", {at("2024-03-01T08:00:00")}),
        // D1: lead 2 h and 1 h
        dep("checkout", "prod", "v1", OK, "2024-03-04T10:00:00",
            {at("2024-03-04T08:00:00"), at("2024-03-04T09:00:00")}),
        // D2: lead 24 h
        dep("checkout", "prod", "v2", OK, "2024-03-05T12:00:00", {at("2024-03-04T12:00:00")}),
        // D3: failed deploy: an attempt and a failure, no lead time
        dep("checkout", "prod", "v3", KO, "2024-03-06T09:00:00", {at("2024-03-06T08:00:00")}),
        // D4: lead 30 min
        dep("checkout", "prod", "v4", OK, "2024-03-07T15:00:00", {at("2024-03-07T14:30:00")}),
        // D5: lead 48 h; rolled back 2 h later → failed change
        dep("payments", "prod", "p1", OK, "2024-03-08T10:00:00", {at("2024-03-06T10:00:00")}),
        // D6 (week 2): lead 3 h; an incident 2 h later → failed change
        dep("checkout", "prod", "v5", OK, "2024-03-11T09:00:00", {at("2024-03-11T06:00:00")}),
        // D7: lead 24 h
        dep("checkout", "prod", "v6", OK, "2024-03-13T09:00:00", {at("2024-03-12T09:00:00")}),
        // D8: lead 1 h; the payments incident comes 49 h later: outside the 24 h window
        dep("payments", "prod", "p2", OK, "2024-03-14T09:00:00", {at("2024-03-14T08:00:00")}),
        // D9: staging, not production
        dep("checkout", "staging", "v7", OK, "2024-03-15T09:00:00", {at("2024-03-15T08:00:00")}),
    };
    in.events = {
        rollback("checkout", "prod", "2024-03-01T10:00:00"), // blames D0 (outside the period)
        rollback("payments", "prod", "2024-03-08T12:00:00"), // blames D5 (2 h ≤ 24 h)
        rollback("checkout", "prod", "2024-03-09T20:00:00"), // latest is D4, 53 h before: nobody
    };
    in.incidents = {
        incident("checkout", "prod", "2024-03-11T11:00:00",
                 "2024-03-11T11:45:00"),                                        // 2700 s, blames D6
        incident("payments", "", "2024-03-16T10:00:00", "2024-03-16T14:00:00"), // 14400 s
    };
    return in;
}

DoraOptions period(const QString &service = {})
{
    DoraOptions o;
    o.environment = QStringLiteral("prod");
    o.service = service;
    o.from = at("2024-03-04T00:00:00");
    o.to = at("2024-03-18T00:00:00");
    return o;
}

void git(const QString &dir, const QStringList &args, const QString &date = {})
{
    QProcess p;
    p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Dev"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("dev@example.org"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Dev"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("dev@example.org"));
    if (!date.isEmpty()) {
        env.insert(QStringLiteral("GIT_AUTHOR_DATE"), date);
        env.insert(QStringLiteral("GIT_COMMITTER_DATE"), date);
    }
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("git"), args);
    QVERIFY(p.waitForFinished(20000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
}

} // namespace

class TestDora : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wholePeriod()
    {
        const DoraFigures f = doraFigures(history(), period());
        // Successful production deploys in the period: D1 D2 D4 D5 D6 D7 D8 = 7; attempts add D3.
        QCOMPARE(f.deployments, 7);
        QCOMPARE(f.attempts, 8);
        // 14 days: 7 / 14 = 0.5 a day → at least weekly, less than daily: high.
        QCOMPARE(f.days, 14.0);
        QCOMPARE(f.deploysPerDay, 0.5);
        QCOMPARE(toString(f.frequencyBand), toString(DoraBand::High));
        // Lead samples: D1 7200 3600, D2 86400, D4 1800, D5 172800, D6 10800, D7 86400, D8 3600.
        // Sorted: 1800 3600 3600 7200 | 10800 86400 86400 172800 → (7200 + 10800) / 2 = 9000 s.
        QCOMPARE(f.leadTimeSamples, 8);
        QCOMPARE(f.leadTimeSecs, qint64(9000));
        QCOMPARE(toString(f.leadTimeBand), toString(DoraBand::Elite)); // < 1 day
        // Failed: D3 (failed), D5 (rollback after 2 h), D6 (incident after 2 h) = 3 of 8 = 0.375.
        QCOMPARE(f.failedChanges, 3);
        QCOMPARE(f.changeFailureRate, 0.375);
        QCOMPARE(toString(f.failureBand), toString(DoraBand::Low)); // > 15 %
        // Restore: 2700 and 14400 → (2700 + 14400) / 2 = 8550 s → under a day: high.
        QCOMPARE(f.restoreSamples, 2);
        QCOMPARE(f.timeToRestoreSecs, qint64(8550));
        QCOMPARE(toString(f.restoreBand), toString(DoraBand::High));
    }

    void weeklyTrend()
    {
        const DoraReport r = doraReport(history(), period());
        QCOMPARE(r.weeks.size(), 2);
        QCOMPARE(r.weeks.at(0).monday, QDate(2024, 3, 4));
        QCOMPARE(r.weeks.at(1).monday, QDate(2024, 3, 11));
        const DoraFigures &w1 = r.weeks.at(0).figures;
        // Week 1: D1 D2 D4 D5 succeeded (4 / 7 days), D3 failed; failed D3 D5 = 2 of 5.
        QCOMPARE(w1.deployments, 4);
        QCOMPARE(w1.deploysPerDay, 4.0 / 7.0);
        QCOMPARE(w1.changeFailureRate, 0.4);
        // Lead 1800 3600 7200 86400 172800 → 7200.
        QCOMPARE(w1.leadTimeSecs, qint64(7200));
        QCOMPARE(w1.timeToRestoreSecs, qint64(-1));
        QCOMPARE(toString(w1.restoreBand), toString(DoraBand::None));
        const DoraFigures &w2 = r.weeks.at(1).figures;
        // Week 2: D6 D7 D8 (3 / 7 days), failed D6 = 1 of 3; lead 3600 10800 86400 → 10800.
        QCOMPARE(w2.deployments, 3);
        QCOMPARE(w2.changeFailureRate, 1.0 / 3.0);
        QCOMPARE(w2.leadTimeSecs, qint64(10800));
        QCOMPARE(w2.timeToRestoreSecs, qint64(8550));
    }

    void perService()
    {
        const DoraReport r = doraReport(history(), period());
        QCOMPARE(r.services.size(), 2);
        QCOMPARE(r.services.at(0).first, QStringLiteral("checkout"));
        const DoraFigures &c = r.services.at(0).second;
        // checkout: D1 D2 D4 D6 D7 = 5 (5 / 14 = 0.357 a day: high); attempts 6 with D3;
        // failed D3 D6 = 2 of 6. Lead 1800 3600 7200 | 10800 86400 86400 → 9000.
        QCOMPARE(c.deployments, 5);
        QCOMPARE(c.attempts, 6);
        QCOMPARE(c.changeFailureRate, 2.0 / 6.0);
        QCOMPARE(c.leadTimeSecs, qint64(9000));
        // Its one incident took 2700 s (45 min): elite.
        QCOMPARE(c.timeToRestoreSecs, qint64(2700));
        QCOMPARE(toString(c.restoreBand), toString(DoraBand::Elite));
        const DoraFigures &p = r.services.at(1).second;
        // payments: D5 D8 = 2 / 14 days = exactly once a week: high (the boundary is inclusive).
        QCOMPARE(p.deployments, 2);
        QCOMPARE(toString(p.frequencyBand), toString(DoraBand::High));
        // failed D5 = 1 of 2; lead 172800 and 3600 → 88200 (24.5 h): high.
        QCOMPARE(p.changeFailureRate, 0.5);
        QCOMPARE(p.leadTimeSecs, qint64(88200));
        QCOMPARE(toString(p.leadTimeBand), toString(DoraBand::High));
        // The payments incident had no environment: it counts for production. 14400 s: high.
        QCOMPARE(p.timeToRestoreSecs, qint64(14400));
        // Filtering the report by service gives the same figures as its row.
        QCOMPARE(doraFigures(history(), period(QStringLiteral("payments"))), p);
    }

    void otherEnvironment()
    {
        DoraOptions o = period();
        o.environment = QStringLiteral("staging");
        const DoraFigures f = doraFigures(history(), o);
        // Only D9; lead 1 h; no failures; the payments incident (no environment) counts for
        // the measured environment but has no staging deploy to blame; checkout's is prod.
        QCOMPARE(f.deployments, 1);
        QCOMPARE(f.leadTimeSecs, qint64(3600));
        QCOMPARE(f.changeFailureRate, 0.0);
        QCOMPARE(toString(f.failureBand), toString(DoraBand::Elite));
        QCOMPARE(f.timeToRestoreSecs, qint64(14400));
    }

    void failureWindowIsAnOption()
    {
        DoraOptions o = period();
        o.failureWindowSecs = 3600; // the rollback and the incident came 2 h later: no blame
        QCOMPARE(doraFigures(history(), o).failedChanges, 1);
        o.failureWindowSecs = 60 * 3600; // 60 h: the 53 h rollback blames D4, the 49 h incident D8
        QCOMPARE(doraFigures(history(), o).failedChanges, 5);
    }

    void bands_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("value");
        QTest::addColumn<DoraBand>("band");
        QTest::newRow("df daily") << QStringLiteral("df") << 1.0 << DoraBand::Elite;
        QTest::newRow("df under daily") << QStringLiteral("df") << 0.99 << DoraBand::High;
        QTest::newRow("df weekly") << QStringLiteral("df") << 1.0 / 7 << DoraBand::High;
        QTest::newRow("df monthly") << QStringLiteral("df") << 1.0 / 30 << DoraBand::Medium;
        QTest::newRow("df rarer") << QStringLiteral("df") << 1.0 / 31 << DoraBand::Low;
        QTest::newRow("lt 23h") << QStringLiteral("lt") << 23 * 3600.0 << DoraBand::Elite;
        QTest::newRow("lt 1d") << QStringLiteral("lt") << 86400.0 << DoraBand::High;
        QTest::newRow("lt 7d") << QStringLiteral("lt") << 7 * 86400.0 << DoraBand::Medium;
        QTest::newRow("lt 30d") << QStringLiteral("lt") << 30 * 86400.0 << DoraBand::Low;
        QTest::newRow("lt none") << QStringLiteral("lt") << -1.0 << DoraBand::None;
        QTest::newRow("cfr 5%") << QStringLiteral("cfr") << 0.05 << DoraBand::Elite;
        QTest::newRow("cfr 10%") << QStringLiteral("cfr") << 0.10 << DoraBand::High;
        QTest::newRow("cfr 15%") << QStringLiteral("cfr") << 0.15 << DoraBand::Medium;
        QTest::newRow("cfr 16%") << QStringLiteral("cfr") << 0.16 << DoraBand::Low;
        QTest::newRow("ttr 59m") << QStringLiteral("ttr") << 59 * 60.0 << DoraBand::Elite;
        QTest::newRow("ttr 1h") << QStringLiteral("ttr") << 3600.0 << DoraBand::High;
        QTest::newRow("ttr 1d") << QStringLiteral("ttr") << 86400.0 << DoraBand::Medium;
        QTest::newRow("ttr 1w") << QStringLiteral("ttr") << 7 * 86400.0 << DoraBand::Low;
    }

    void bands()
    {
        QFETCH(QString, metric);
        QFETCH(double, value);
        QFETCH(DoraBand, band);
        DoraBand got = DoraBand::None;
        if (metric == QLatin1String("df"))
            got = frequencyBand(value);
        else if (metric == QLatin1String("lt"))
            got = leadTimeBand(qint64(value));
        else if (metric == QLatin1String("cfr"))
            got = failureRateBand(value);
        else
            got = restoreBand(qint64(value));
        QCOMPARE(toString(got), toString(band));
    }

    void median()
    {
        QCOMPARE(medianSecs({}), qint64(-1));
        QCOMPARE(medianSecs({5}), qint64(5));
        QCOMPARE(medianSecs({9, 1, 5}), qint64(5));
        QCOMPARE(medianSecs({4, 1}), qint64(2)); // (1 + 4) / 2 = 2.5, rounded down
    }

    void historyMergesRecordsEventsAndRuns()
    {
        Workspace ws;
        ws.environments = {EnvironmentDef{QStringLiteral("staging")},
                           EnvironmentDef{QStringLiteral("prod")}};
        DoraSources src;
        Deployment d;
        d.service = QStringLiteral("checkout");
        d.environment = QStringLiteral("prod");
        d.version = QStringLiteral("v2");
        d.commit = QStringLiteral("abcdef1234567890");
        d.status = DeployStatus::Succeeded;
        d.created = at("2024-03-05T11:50:00");
        d.finished = at("2024-03-05T12:00:00");
        src.deployments << d;
        Deployment s = d;
        s.service = QStringLiteral("payments");
        s.environment = QStringLiteral("staging");
        s.version = QStringLiteral("p9");
        s.commit.clear();
        s.finished = at("2024-03-05T07:00:00");
        src.deployments << s;
        s.environment = QStringLiteral("prod");
        s.finished = at("2024-03-05T12:00:00");
        src.deployments << s;
        // The same checkout deploy as an event 4 min later: one deployment, not two.
        TimelineEvent same;
        same.kind = TimelineEvent::Kind::DeploySucceeded;
        same.source = QStringLiteral("github");
        same.sourceId = QStringLiteral("1");
        same.service = QStringLiteral("checkout");
        same.environment = QStringLiteral("prod");
        same.version = QStringLiteral("v2");
        same.time = at("2024-03-05T12:04:00");
        // An older deploy no backend lists any more: added from the timeline.
        TimelineEvent old = same;
        old.sourceId = QStringLiteral("0");
        old.version = QStringLiteral("v1");
        old.kind = TimelineEvent::Kind::DeployFailed;
        old.time = at("2024-03-04T12:00:00");
        src.events = {same, old};
        Run run;
        run.service = QStringLiteral("checkout");
        run.commit = QStringLiteral("abcdef1234");
        run.created = at("2024-03-05T09:00:00");
        Run later = run;
        later.created = at("2024-03-05T10:00:00");
        src.runs = {later, run};

        const DoraInput in = doraInput(src, ws, nullptr);
        QCOMPARE(in.deployments.size(), 4);
        // Sorted by time: v1 (failed, from the event), payments staging, checkout v2, payments
        // prod.
        QCOMPARE(in.deployments.at(0).version, QStringLiteral("v1"));
        QCOMPARE(toString(in.deployments.at(0).status), toString(DeployStatus::Failed));
        const auto find = [&in](const char *svc, const char *env) {
            for (const DoraDeployment &x : in.deployments)
                if (x.service == QLatin1String(svc) && x.environment == QLatin1String(env) &&
                    x.status == DeployStatus::Succeeded)
                    return x;
            return DoraDeployment{};
        };
        // checkout v2: its commit's first CI run at 09:00 → 3 h before the 12:00 deploy.
        const DoraDeployment c = find("checkout", "prod");
        QCOMPARE(c.leadTimeSource, QStringLiteral("run"));
        QCOMPARE(c.changeTimes, QList<QDateTime>{at("2024-03-05T09:00:00")});
        // payments p9: no commit known; first deployed to staging at 07:00 → 5 h.
        const DoraDeployment p = find("payments", "prod");
        QCOMPARE(p.leadTimeSource, QStringLiteral("first deploy"));
        QCOMPARE(p.changeTimes, QList<QDateTime>{at("2024-03-05T07:00:00")});
    }

    void leadTimeFromGit()
    {
        QTemporaryDir dir;
        const QString repo = dir.filePath(QStringLiteral("checkout"));
        QVERIFY(QDir().mkpath(repo));
        git(repo, {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
                   QStringLiteral("main")});
        const QStringList dates{QStringLiteral("2024-03-04T08:00:00Z"),
                                QStringLiteral("2024-03-04T09:00:00Z"),
                                QStringLiteral("2024-03-04T11:00:00Z")};
        for (int i = 0; i < dates.size(); ++i) {
            git(repo,
                {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
                 QStringLiteral("-m"), QStringLiteral("change %1").arg(i)},
                dates.at(i));
            git(repo, {QStringLiteral("tag"), QStringLiteral("v%1").arg(i)});
        }
        Workspace ws;
        ServiceDef svc;
        svc.name = QStringLiteral("checkout");
        svc.repoPath = repo;
        ws.services << svc;
        DoraSources src;
        Deployment d;
        d.service = QStringLiteral("checkout");
        d.environment = QStringLiteral("prod");
        d.status = DeployStatus::Succeeded;
        d.id = QStringLiteral("1");
        d.version = QStringLiteral("v0");
        d.finished = at("2024-03-04T10:00:00");
        src.deployments << d;
        d.id = QStringLiteral("2");
        d.version = QStringLiteral("v2");
        d.finished = at("2024-03-04T12:00:00");
        src.deployments << d;
        RepositoryCache cache(dir.filePath(QStringLiteral("mirrors")));
        QStringList notes;
        const DoraInput in = doraInput(src, ws, &cache, &notes);
        QVERIFY2(notes.isEmpty(), qPrintable(notes.join(QLatin1Char('\n'))));
        QCOMPARE(in.deployments.size(), 2);
        // v0: the first deployment: its own commit, 08:00 → 2 h.
        QCOMPARE(in.deployments.at(0).leadTimeSource, QStringLiteral("git"));
        QCOMPARE(in.deployments.at(0).changeTimes, QList<QDateTime>{at("2024-03-04T08:00:00")});
        // v2 after v0 brings changes 1 and 2 (09:00 and 11:00), newest first.
        QCOMPARE(in.deployments.at(1).leadTimeSource, QStringLiteral("git"));
        QCOMPARE(in.deployments.at(1).changeTimes,
                 (QList<QDateTime>{at("2024-03-04T11:00:00"), at("2024-03-04T09:00:00")}));
        DoraOptions o;
        o.environment = QStringLiteral("prod");
        o.from = at("2024-03-04T00:00:00");
        o.to = at("2024-03-05T00:00:00");
        // Samples 7200 (v0), 3600 and 10800 (v2) → median 7200.
        QCOMPARE(doraFigures(in, o).leadTimeSecs, qint64(7200));
    }
};

QTEST_GUILESS_MAIN(TestDora)
#include "tst_dora.moc"
