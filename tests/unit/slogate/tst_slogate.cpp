// The SLO gate guard: a canary promotion needs a reason while the canary breaches its
// error-ratio objective, or while nothing says whether it does.

#include "backend/signals.h"
#include "estate/estate.h"
#include "ops/slogate.h"
#include "workspace/workspace.h"

#include <QTest>

using namespace fd;

namespace {

/// Error ratios by version, as a signals backend would have measured them.
class FakeSignals : public SignalSource
{
public:
    void querySli(const QString &,
                  const QString &,
                  const QString &,
                  const QDateTime &,
                  const QDateTime &,
                  std::function<void(QList<SliSeries>, QString)> done) override
    {
        done({}, QStringLiteral("not used"));
    }
    std::optional<double> latest(const QString &service,
                                 const QString &environment,
                                 const QString &version,
                                 const QString &sli) const override
    {
        if (service != QLatin1String("checkout") || environment != QLatin1String("prod") ||
            sli != QLatin1String("errorRatio") || !ratios.contains(version))
            return std::nullopt;
        return ratios.value(version);
    }
    QHash<QString, double> ratios;
};

Rollout canaryRollout(const QString &canaryVersion)
{
    Rollout r;
    r.connectionId = QStringLiteral("argocd");
    r.service = QStringLiteral("checkout");
    r.environment = QStringLiteral("prod");
    r.application = QStringLiteral("checkout-prod");
    r.name = QStringLiteral("checkout");
    r.strategy = QStringLiteral("canary");
    r.stableVersion = QStringLiteral("v1.4.0");
    r.canaryVersion = canaryVersion;
    r.canaryWeight = 20;
    r.stableWeight = 80;
    r.paused = true;
    return r;
}

} // namespace

class TestSloGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gate_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QVariant>("objective"); // policies.sloGate.errorRatio
        QTest::addColumn<QString>("canary");     // canary version in flight ("" none)
        QTest::addColumn<bool>("withSignals");
        QTest::addColumn<QVariant>("ratio"); // measured ratio of the canary (invalid: none)
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("message"); // a fragment of the message

        const int pass = int(GuardResult::Outcome::Pass);
        const int reason = int(GuardResult::Outcome::NeedsReason);
        QTest::newRow("breach blocks promote")
            << "promote" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.073) << reason
            << "fails 7.3% of requests, over the 2% objective";
        QTest::newRow("breach blocks promote-full")
            << "promote-full" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.05) << reason
            << "over the 2% objective";
        QTest::newRow("healthy canary passes")
            << "promote" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.003) << pass
            << "fails 0.3% of requests (objective: at most 2%)";
        QTest::newRow("exactly at the objective passes")
            << "promote" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.02) << pass
            << "at most 2%";
        QTest::newRow("unmeasured canary needs a reason")
            << "promote" << QVariant(0.02) << "v1.5.0" << true << QVariant() << reason
            << "no error ratio measured yet";
        QTest::newRow("no signals connection needs a reason")
            << "promote" << QVariant(0.02) << "v1.5.0" << false << QVariant() << reason
            << "no signals connection";
        QTest::newRow("no policy passes") << "promote" << QVariant() << "v1.5.0" << true
                                          << QVariant(0.5) << pass << "no SLO gate set";
        QTest::newRow("no canary in flight passes")
            << "promote" << QVariant(0.02) << "" << true << QVariant(0.5) << pass
            << "no canary in flight";
        QTest::newRow("rollback is never gated")
            << "rollback" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.5) << pass << "";
        QTest::newRow("abort is never gated")
            << "abort" << QVariant(0.02) << "v1.5.0" << true << QVariant(0.5) << pass << "";
    }

    void gate()
    {
        QFETCH(QString, verb);
        QFETCH(QVariant, objective);
        QFETCH(QString, canary);
        QFETCH(bool, withSignals);
        QFETCH(QVariant, ratio);
        QFETCH(int, outcome);
        QFETCH(QString, message);

        Workspace ws;
        if (objective.isValid())
            ws.policies.insert(QStringLiteral("sloGate"),
                               QVariantMap{{QStringLiteral("errorRatio"), objective}});
        Estate estate;
        if (!canary.isEmpty()) {
            RecordSet rs;
            rs.rollouts << canaryRollout(canary);
            estate.publish(QStringLiteral("argocd"), rs);
        }
        FakeSignals signals;
        if (ratio.isValid())
            signals.ratios.insert(canary, ratio.toDouble());
        // The stable version's ratio must not stand in for the canary's.
        signals.ratios.insert(QStringLiteral("v1.4.0"), 0.001);

        ReleaseAction a;
        QVERIFY(verbFromString(verb, &a.verb));
        a.service = QStringLiteral("checkout");
        a.environment = QStringLiteral("prod");
        const GuardResult r = sloGate(ws, estate, withSignals ? &signals : nullptr, a);
        QCOMPARE(r.guard, QStringLiteral("slo-gate"));
        QCOMPARE(int(r.outcome), outcome);
        QVERIFY2(r.message.contains(message), qPrintable(r.message));
    }

    void otherServicesCanaryDoesNotCount()
    {
        Workspace ws;
        ws.policies.insert(QStringLiteral("sloGate"),
                           QVariantMap{{QStringLiteral("errorRatio"), 0.02}});
        Estate estate;
        RecordSet rs;
        rs.rollouts << canaryRollout(QStringLiteral("v1.5.0"));
        estate.publish(QStringLiteral("argocd"), rs);
        FakeSignals signals;
        signals.ratios.insert(QStringLiteral("v1.5.0"), 0.4);
        ReleaseAction a;
        a.verb = ReleaseAction::Verb::Promote;
        a.service = QStringLiteral("payments");
        a.environment = QStringLiteral("prod");
        QCOMPARE(int(sloGate(ws, estate, &signals, a).outcome), int(GuardResult::Outcome::Pass));
        a.service = QStringLiteral("checkout");
        a.environment = QStringLiteral("staging");
        QCOMPARE(int(sloGate(ws, estate, &signals, a).outcome), int(GuardResult::Outcome::Pass));
    }
};

QTEST_GUILESS_MAIN(TestSloGate)
#include "tst_slogate.moc"
