// The Rollout derivation against the official tool's own test objects (tests/data, copied from
// argoproj/argo-rollouts v1.9.1, see tests/data/README-rollouts.md). Every expected value below
// was worked out by hand from the upstream rules (utils/rollout GetRolloutPhase,
// info/rollout_info.go, replicaset_info.go) and checked against the upstream tests
// (info/info_test.go, cmd/get/get_test.go), never taken from our own output.

#include "ctlcanary.h"
#include "rolloutinfo.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace fd;
using namespace fd::argocd;

#define QCOMPARE_PHASE(actual, expected) QCOMPARE(fd::toString(actual), fd::toString(expected))

namespace {

// Unquoted YAML scalars become numbers and booleans; quoted ones stay strings, as a manifest
// read from the API would have them (observedGeneration: "429" is a string).
QJsonValue yamlToJson(const YAML::Node &n)
{
    if (n.IsMap()) {
        QJsonObject o;
        for (const auto &kv : n)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), yamlToJson(kv.second));
        return o;
    }
    if (n.IsSequence()) {
        QJsonArray a;
        for (const auto &v : n)
            a.append(yamlToJson(v));
        return a;
    }
    if (!n.IsScalar())
        return QJsonValue::Null;
    const QString s = QString::fromStdString(n.Scalar());
    if (n.Tag() == "!")
        return s;
    bool ok = false;
    const qlonglong i = s.toLongLong(&ok);
    if (ok)
        return double(i);
    if (s == QLatin1String("true") || s == QLatin1String("false"))
        return s == QLatin1String("true");
    if (s == QLatin1String("null"))
        return QJsonValue::Null;
    return s;
}

/// Every object of every folder in one pool, as one namespace-wide read would return them:
/// the two `canary-demo` Rollouts' objects are mixed on purpose.
struct Pool
{
    QList<std::pair<QString, QJsonObject>> rollouts; // folder/file, object
    RolloutObjects owned;
};

Pool loadPool()
{
    Pool pool;
    const QString root =
        QStringLiteral(FD_TEST_DATA_DIR "/argocd/rollouts/kubectl-plugin-testdata");
    QDirIterator it(root, {QStringLiteral("*.yaml")}, QDir::Files, QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext())
        files << it.next();
    files.sort();
    for (const auto &file : files) {
        for (const auto &doc : YAML::LoadAllFromFile(file.toStdString())) {
            const QJsonObject o = yamlToJson(doc).toObject();
            const QString kind = o.value(QLatin1String("kind")).toString();
            if (kind == QLatin1String("Rollout"))
                pool.rollouts.append({QDir(root).relativeFilePath(file), o});
            else if (kind == QLatin1String("ReplicaSet"))
                pool.owned.replicaSets << o;
            else if (kind == QLatin1String("Pod"))
                pool.owned.pods << o;
            else if (kind == QLatin1String("Experiment"))
                pool.owned.experiments << o;
            else if (kind == QLatin1String("AnalysisRun"))
                pool.owned.analysisRuns << o;
        }
    }
    return pool;
}

QString imagesText(const QList<RolloutImage> &images)
{
    QStringList out;
    for (const auto &i : images)
        out << (i.roles.isEmpty() ? i.image
                                  : QStringLiteral("%1 (%2)").arg(i.image,
                                                                  i.roles.join(QStringLiteral(", "))));
    return out.join(QStringLiteral("; "));
}

QString replicasText(const RolloutReplicas &r)
{
    return QStringLiteral("%1/%2/%3/%4/%5")
        .arg(r.desired)
        .arg(r.current)
        .arg(r.updated)
        .arg(r.ready)
        .arg(r.available);
}

/// "rev: kind name status [roles] pods" lines, newest revision first.
QString revisionsText(const QList<RolloutRevision> &revisions)
{
    QStringList out;
    for (const auto &rev : revisions) {
        for (const auto &i : rev.items) {
            QString line = QStringLiteral("%1:%2 %3 %4").arg(rev.revision).arg(i.kind, i.name, i.status);
            if (!i.roles.isEmpty())
                line += QLatin1Char(' ') + i.roles.join(QLatin1Char(','));
            if (i.kind == QLatin1String("ReplicaSet"))
                line += QStringLiteral(" pods:%1/%2").arg(i.podsReady).arg(i.podsTotal);
            if (i.kind == QLatin1String("AnalysisRun"))
                line += QStringLiteral(" %1/%2/%3/%4")
                            .arg(i.successful)
                            .arg(i.failed)
                            .arg(i.inconclusive)
                            .arg(i.errors);
            out << line;
        }
    }
    return out.join(QStringLiteral("; "));
}

/// A minimal canary Rollout whose status the precedence tests change one field at a time.
QJsonObject baseCanary()
{
    const QByteArray json = R"({
      "kind": "Rollout",
      "metadata": {"name": "web", "namespace": "prod", "uid": "u-1", "generation": 7},
      "spec": {"replicas": 4, "strategy": {"canary": {"steps": [
          {"setWeight": 25}, {"pause": {}}, {"setWeight": 50}, {"pause": {"duration": "1m"}}]}}},
      "status": {"observedGeneration": "7", "stableRS": "aaa", "currentPodHash": "bbb",
                 "currentStepIndex": 1, "replicas": 5, "updatedReplicas": 1,
                 "readyReplicas": 5, "availableReplicas": 4,
                 "conditions": [{"type": "Available", "status": "True",
                                 "reason": "AvailableReason", "message": "ok"}]}
    })";
    return QJsonDocument::fromJson(json).object();
}

QJsonObject replicaSet(const QString &name,
                       const QString &ownerUid,
                       const QString &hash,
                       int revision,
                       int replicas,
                       int available,
                       const QString &image)
{
    return QJsonObject{
        {QStringLiteral("kind"), QStringLiteral("ReplicaSet")},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), name},
                     {QStringLiteral("uid"), name + QStringLiteral("-uid")},
                     {QStringLiteral("generation"), 1},
                     {QStringLiteral("labels"),
                      QJsonObject{{QStringLiteral("rollouts-pod-template-hash"), hash}}},
                     {QStringLiteral("annotations"),
                      QJsonObject{{QStringLiteral("rollout.argoproj.io/revision"),
                                   QString::number(revision)}}},
                     {QStringLiteral("ownerReferences"),
                      QJsonArray{QJsonObject{{QStringLiteral("kind"), QStringLiteral("Rollout")},
                                             {QStringLiteral("uid"), ownerUid}}}}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("replicas"), replicas},
                     {QStringLiteral("template"),
                      QJsonObject{{QStringLiteral("spec"),
                                   QJsonObject{{QStringLiteral("containers"),
                                                QJsonArray{QJsonObject{
                                                    {QStringLiteral("image"), image}}}}}}}}}},
        {QStringLiteral("status"),
         QJsonObject{{QStringLiteral("replicas"), replicas},
                     {QStringLiteral("availableReplicas"), available},
                     {QStringLiteral("observedGeneration"), 1}}}};
}

void setPath(QJsonObject *o, const QStringList &path, const QJsonValue &v)
{
    if (path.size() == 1) {
        if (v.isUndefined())
            o->remove(path.first());
        else
            o->insert(path.first(), v);
        return;
    }
    QJsonObject child = o->value(path.first()).toObject();
    setPath(&child, path.mid(1), v);
    o->insert(path.first(), child);
}

QJsonObject condition(const QString &type, const QString &reason, const QString &message)
{
    return {{QStringLiteral("type"), type},
            {QStringLiteral("status"), QStringLiteral("False")},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("message"), message}};
}

} // namespace

class TestRolloutInfo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        m_pool = loadPool();
        // 11 Rollouts in 6 folders: if one went missing, its row below would silently pass.
        QCOMPARE(m_pool.rollouts.size(), 11);
    }

    void upstreamRollouts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("step");
        QTest::addColumn<int>("setWeight");
        QTest::addColumn<int>("actualWeight");
        QTest::addColumn<QString>("images");
        QTest::addColumn<QString>("replicas");

        const QString pde = QStringLiteral(
            "ProgressDeadlineExceeded: ReplicaSet \"canary-demo-65fb5ffc84\" has timed out "
            "progressing.");
        const QString canaryImages = QStringLiteral(
            "argoproj/rollouts-demo:does-not-exist (canary); argoproj/rollouts-demo:green (stable)");
        // The canary RS never became available: 0 of 5 available pods are canary pods, so the
        // traffic really sits at 0 % while step 0 asks for 20 %.
        for (const char *file : {"canary/canary-rollout.yaml", "canary/canary-rollout2.yaml",
                                 "canary/canary-rollout3.yaml"})
            QTest::newRow(file) << QString::fromLatin1(file) << "Degraded"
                                << "ProgressDeadlineExceeded" << pde << "Canary"
                                << "0/8" << 20 << 0 << canaryImages << "5/6/1/5/5";
        QTest::newRow("canary/canary-rollout4.yaml (ping-pong)")
            << "canary/canary-rollout4.yaml" << "Degraded" << "ProgressDeadlineExceeded" << pde
            << "Canary" << "0/8" << 20 << 0
            << "argoproj/rollouts-demo:does-not-exist (canary, ping); "
               "argoproj/rollouts-demo:green (stable, pong)"
            << "5/6/1/5/5";
        // Traffic routing reports 20 in status.canary.weights: that is the actual weight.
        QTest::newRow("canary/canary-rollout5.yaml (router weights)")
            << "canary/canary-rollout5.yaml" << "Degraded" << "ProgressDeadlineExceeded" << pde
            << "Canary" << "0/8" << 20 << 20 << canaryImages << "5/6/1/5/5";
        // Traffic routing without reported weights: the tool shows the set weight.
        QTest::newRow("canary/canary-rollout6.yaml (router, no weights)")
            << "canary/canary-rollout6.yaml" << "Degraded" << "ProgressDeadlineExceeded" << pde
            << "Canary" << "0/8" << 20 << 20 << canaryImages << "5/6/1/5/5";
        QTest::newRow("blue-green")
            << "blue-green/bluegreen-rollout.yaml" << "Paused" << "BlueGreenPause"
            << "BlueGreenPause" << "BlueGreen" << "" << -1 << -1
            << "argoproj/rollouts-demo:blue (stable, active); argoproj/rollouts-demo:green "
               "(preview)"
            << "3/6/3/6/3";
        // Step 1 (experiment) inherits setWeight 25 from step 0; 1 of 4 available pods is canary.
        QTest::newRow("experiment-analysis")
            << "experiment-analysis/rollout-experiment-analysis.yaml" << "Degraded"
            << "ProgressDeadlineExceeded"
            << "ProgressDeadlineExceeded: ReplicaSet \"rollout-experiment-analysis-6f646bf7b7\" "
               "has timed out progressing."
            << "Canary" << "1/2" << 25 << 25
            << "argoproj/rollouts-demo:blue (stable); argoproj/rollouts-demo:yellow (canary)"
            << "4/4/1/4/4";
        // No Degraded condition, no pause; updatedReplicas absent (0) < 5 desired.
        QTest::newRow("experiment-step")
            << "experiment-step/canary-demo.yaml" << "Progressing" << "UpdatingReplicas"
            << "more replicas need to be updated" << "Canary" << "0/1" << 0 << 0
            << QStringLiteral("argoproj/rollouts-demo:blue (\u03A3:canary-preview); "
                              "argoproj/rollouts-demo:green (stable)")
            << "5/5/0/5/5";
        // Aborted: set weight 0; the canary RS is scaled down, so actual 0 too.
        QTest::newRow("rollout-aborted")
            << "rollout-aborted/rollout.yaml" << "Degraded" << "RolloutAborted"
            << "RolloutAborted: metric \"web\" assessed Failed due to failed (1) > failureLimit (0)"
            << "Canary" << "0/2" << 0 << 0 << "argoproj/rollouts-demo:blue (stable)"
            << "1/1/0/1/1";
        // No steps, no currentStepIndex: Step empty, both weights the max (100), no images.
        QTest::newRow("rollout-invalid")
            << "rollout-invalid/rollout-invalid.yaml" << "Degraded" << "InvalidSpec"
            << "InvalidSpec: The Rollout \"rollout-invalid\" is invalid: "
               "spec.template.metadata.labels: Invalid value: "
               "map[string]string{\"app\":\"doesnt-match\"}: `selector` does not match template "
               "`labels`"
            << "Canary" << "" << 100 << 100 << "" << "1/0/0/0/0";
    }

    void upstreamRollouts()
    {
        QFETCH(QString, file);
        RolloutObjects objects = m_pool.owned;
        for (const auto &[f, o] : std::as_const(m_pool.rollouts))
            if (f == file)
                objects.rollout = o;
        QVERIFY2(!objects.rollout.isEmpty(), qPrintable(file));
        const RolloutInfo info = deriveRolloutInfo(objects);
        QTEST(toString(info.phase), "phase");
        QTEST(info.statusReason, "reason");
        QTEST(info.message, "message");
        QTEST(info.strategy, "strategy");
        QTEST(info.step, "step");
        QTEST(info.setWeight, "setWeight");
        QTEST(info.actualWeight, "actualWeight");
        QTEST(imagesText(info.images), "images");
        QTEST(replicasText(info.replicas), "replicas");
        QVERIFY2(info.unknown.isEmpty(), qPrintable(info.unknown.keys().join(QLatin1Char(','))));
    }

    // The revision trees of get_test.go, as lines. The pool mixes both `canary-demo` Rollouts:
    // only ownerReferences uids keep experiment-step's ReplicaSet canary-demo-877894d5b (and its
    // five pods) out of the canary folder's tree, and the other way round.
    void revisionTrees_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("tree");
        QTest::newRow("canary") << "canary/canary-rollout.yaml"
                                << "31:ReplicaSet canary-demo-65fb5ffc84 Progressing canary pods:0/1; "
                                   "30:ReplicaSet canary-demo-877894d5b Healthy stable pods:5/5; "
                                   "29:ReplicaSet canary-demo-859c99b45c ScaledDown pods:0/0";
        QTest::newRow("experiment-step")
            << "experiment-step/canary-demo.yaml"
            << "2:ReplicaSet canary-demo-645d5dbc4c ScaledDown canary pods:0/0; "
               "2:Experiment canary-demo-645d5dbc4c-2-0 Running; "
               "1:ReplicaSet canary-demo-877894d5b Healthy stable pods:5/5";
        QTest::newRow("blue-green")
            << "blue-green/bluegreen-rollout.yaml"
            << "11:ReplicaSet bluegreen-demo-74b948fccb Healthy preview pods:3/3; "
               "10:ReplicaSet bluegreen-demo-6cbccd9f99 Healthy stable,active pods:3/3; "
               "8:ReplicaSet bluegreen-demo-746d5fddf6 ScaledDown pods:0/0";
        QTest::newRow("experiment-analysis")
            << "experiment-analysis/rollout-experiment-analysis.yaml"
            << "2:ReplicaSet rollout-experiment-analysis-6f646bf7b7 Healthy canary pods:1/1; "
               "2:Experiment rollout-experiment-analysis-6f646bf7b7-1-vcv27 Running; "
               "2:AnalysisRun rollout-experiment-analysis-random-fail-6f646bf7b7-skqcr "
               "Inconclusive 4/4/1/1; "
               "1:ReplicaSet rollout-experiment-analysis-f6db98dff Healthy stable pods:3/3";
        QTest::newRow("rollout-aborted")
            << "rollout-aborted/rollout.yaml"
            << "2:ReplicaSet rollout-background-analysis-db976bc44 ScaledDown canary pods:0/0; "
               "2:AnalysisRun rollout-background-analysis-db976bc44-2 Failed 0/1/0/0; "
               "1:ReplicaSet rollout-background-analysis-7d84d44bb8 Healthy stable pods:1/1";
        QTest::newRow("rollout-invalid") << "rollout-invalid/rollout-invalid.yaml" << "";
    }

    void revisionTrees()
    {
        QFETCH(QString, file);
        QFETCH(QString, tree);
        RolloutObjects objects = m_pool.owned;
        for (const auto &[f, o] : std::as_const(m_pool.rollouts))
            if (f == file)
                objects.rollout = o;
        QCOMPARE(revisionsText(deriveRolloutInfo(objects).revisions), tree);
    }

    // flightdeck-ctl's header lines against cmd/get/get_test.go's expected output (v1.9.1),
    // Name to Available, character for character.
    void cliHeaderMatchesKubectlPlugin_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("header");
        QTest::newRow("canary") << "canary/canary-rollout.yaml"
                                << "Name:            canary-demo\n"
                                   "Namespace:       jesse-test\n"
                                   "Status:          ✖ Degraded\n"
                                   "Message:         ProgressDeadlineExceeded: ReplicaSet \"canary-demo-65fb5ffc84\" has timed out progressing.\n"
                                   "Strategy:        Canary\n"
                                   "  Step:          0/8\n"
                                   "  SetWeight:     20\n"
                                   "  ActualWeight:  0\n"
                                   "Images:          argoproj/rollouts-demo:does-not-exist (canary)\n"
                                   "                 argoproj/rollouts-demo:green (stable)\n"
                                   "Replicas:\n"
                                   "  Desired:       5\n"
                                   "  Current:       6\n"
                                   "  Updated:       1\n"
                                   "  Ready:         5\n"
                                   "  Available:     5\n";
        QTest::newRow("blue-green") << "blue-green/bluegreen-rollout.yaml"
                                    << "Name:            bluegreen-demo\n"
                                       "Namespace:       jesse-test\n"
                                       "Status:          ॥ Paused\n"
                                       "Message:         BlueGreenPause\n"
                                       "Strategy:        BlueGreen\n"
                                       "Images:          argoproj/rollouts-demo:blue (stable, active)\n"
                                       "                 argoproj/rollouts-demo:green (preview)\n"
                                       "Replicas:\n"
                                       "  Desired:       3\n"
                                       "  Current:       6\n"
                                       "  Updated:       3\n"
                                       "  Ready:         6\n"
                                       "  Available:     3\n";
        QTest::newRow("experiment-step")
            << "experiment-step/canary-demo.yaml"
            << "Name:            canary-demo\n"
               "Namespace:       jesse-test\n"
               "Status:          ◌ Progressing\n"
               "Message:         more replicas need to be updated\n"
               "Strategy:        Canary\n"
               "  Step:          0/1\n"
               "  SetWeight:     0\n"
               "  ActualWeight:  0\n"
               "Images:          argoproj/rollouts-demo:blue (Σ:canary-preview)\n"
               "                 argoproj/rollouts-demo:green (stable)\n"
               "Replicas:\n"
               "  Desired:       5\n"
               "  Current:       5\n"
               "  Updated:       0\n"
               "  Ready:         5\n"
               "  Available:     5\n";
        QTest::newRow("rollout-invalid")
            << "rollout-invalid/rollout-invalid.yaml"
            << "Name:            rollout-invalid\n"
               "Namespace:       default\n"
               "Status:          ✖ Degraded\n"
               "Message:         InvalidSpec: The Rollout \"rollout-invalid\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"doesnt-match\"}: `selector` does not match template `labels`\n"
               "Strategy:        Canary\n"
               "  Step:\n"
               "  SetWeight:     100\n"
               "  ActualWeight:  100\n"
               "Replicas:\n"
               "  Desired:       1\n"
               "  Current:       0\n"
               "  Updated:       0\n"
               "  Ready:         0\n"
               "  Available:     0\n";
    }

    void cliHeaderMatchesKubectlPlugin()
    {
        QFETCH(QString, file);
        QFETCH(QString, header);
        RolloutObjects objects = m_pool.owned;
        for (const auto &[f, o] : std::as_const(m_pool.rollouts))
            if (f == file)
                objects.rollout = o;
        Rollout r;
        applyRolloutInfo(deriveRolloutInfo(objects), &r);
        const QString report = canaryReport(r);
        QCOMPARE(report.left(report.indexOf(QStringLiteral("\n\n")) + 1), header);
        QVERIFY(report.contains(QStringLiteral("⟳ ") + r.name));
    }

    // One row per rule of the phase precedence, each beating the rows below it.
    void precedence_data()
    {
        QTest::addColumn<QJsonObject>("rollout");
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        const QJsonObject base = baseCanary();
        const auto with = [&](const QStringList &path, const QJsonValue &v, QJsonObject from) {
            setPath(&from, path, v);
            return from;
        };
        const QJsonObject pde = with(
            {QStringLiteral("status"), QStringLiteral("conditions")},
            QJsonArray{condition(QStringLiteral("Progressing"),
                                 QStringLiteral("ProgressDeadlineExceeded"), QStringLiteral("slow"))},
            base);
        const QJsonObject paused = with(
            {QStringLiteral("status"), QStringLiteral("pauseConditions")},
            QJsonArray{QJsonObject{{QStringLiteral("reason"), QStringLiteral("CanaryPauseStep")}}},
            with({QStringLiteral("status"), QStringLiteral("controllerPause")}, true, base));

        QTest::newRow("spec not observed beats Degraded")
            << with({QStringLiteral("metadata"), QStringLiteral("generation")}, 8, pde)
            << "Progressing" << "SpecNotObserved"
            << "waiting for rollout spec update to be observed";
        QTest::newRow("unpausing beats Degraded")
            << with({QStringLiteral("status"), QStringLiteral("controllerPause")}, true, pde)
            << "Progressing" << "Unpausing" << "waiting for rollout to unpause";
        QTest::newRow("reported phase is taken as is")
            << with({QStringLiteral("status"), QStringLiteral("message")}, QStringLiteral("from controller"),
                    with({QStringLiteral("status"), QStringLiteral("phase")}, QStringLiteral("Paused"), base))
            << "Paused" << "" << "from controller";
        QTest::newRow("InvalidSpec first in order")
            << with({QStringLiteral("status"), QStringLiteral("conditions")},
                    QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("InvalidSpec")},
                                           {QStringLiteral("reason"), QStringLiteral("InvalidSpec")},
                                           {QStringLiteral("message"), QStringLiteral("bad")}},
                               condition(QStringLiteral("Progressing"),
                                         QStringLiteral("RolloutAborted"), QStringLiteral("x"))},
                    base)
            << "Degraded" << "InvalidSpec" << "InvalidSpec: bad";
        QTest::newRow("aborted condition first in order")
            << with({QStringLiteral("status"), QStringLiteral("conditions")},
                    QJsonArray{condition(QStringLiteral("Progressing"),
                                         QStringLiteral("RolloutAborted"), QStringLiteral("metric failed")),
                               QJsonObject{{QStringLiteral("type"), QStringLiteral("InvalidSpec")},
                                           {QStringLiteral("message"), QStringLiteral("bad")}}},
                    base)
            << "Degraded" << "RolloutAborted" << "RolloutAborted: metric failed";
        QTest::newRow("deadline beats manual pause")
            << with({QStringLiteral("spec"), QStringLiteral("paused")}, true, pde) << "Degraded"
            << "ProgressDeadlineExceeded" << "ProgressDeadlineExceeded: slow";
        QTest::newRow("manual pause beats pause step")
            << with({QStringLiteral("spec"), QStringLiteral("paused")}, true, paused) << "Paused"
            << "Manual" << "manually paused";
        QTest::newRow("pause step") << paused << "Paused" << "CanaryPauseStep" << "CanaryPauseStep";
        QTest::newRow("inconclusive analysis")
            << with({QStringLiteral("status"), QStringLiteral("pauseConditions")},
                    QJsonArray{QJsonObject{
                        {QStringLiteral("reason"), QStringLiteral("InconclusiveAnalysisRun")}}},
                    paused)
            << "Paused" << "InconclusiveAnalysisRun" << "InconclusiveAnalysisRun";
        QTest::newRow("restart pending")
            << with({QStringLiteral("spec"), QStringLiteral("restartAt")},
                    QStringLiteral("2026-01-01T00:00:00Z"), base)
            << "Progressing" << "Restarting" << "rollout is restarting";
        QTest::newRow("replicas to update") << base << "Progressing" << "UpdatingReplicas"
                                            << "more replicas need to be updated";
        QJsonObject updated = with({QStringLiteral("status"), QStringLiteral("updatedReplicas")}, 4, base);
        QTest::newRow("updated not yet available")
            << with({QStringLiteral("status"), QStringLiteral("availableReplicas")}, 3, updated)
            << "Progressing" << "ReplicasBecomingAvailable"
            << "updated replicas are still becoming available";
        QTest::newRow("old replicas terminating")
            << updated << "Progressing" << "OldReplicasTerminating"
            << "old replicas are pending termination";
        updated = with({QStringLiteral("status"), QStringLiteral("replicas")}, 4, updated);
        QTest::newRow("steps pending") << updated << "Progressing" << "StepsPending"
                                       << "waiting for all steps to complete";
        QTest::newRow("healthy")
            << with({QStringLiteral("status"), QStringLiteral("currentPodHash")}, QStringLiteral("aaa"), updated)
            << "Healthy" << "" << "";
        QJsonObject bg = with({QStringLiteral("spec"), QStringLiteral("strategy")},
                              QJsonObject{{QStringLiteral("blueGreen"), QJsonObject{}}}, updated);
        QTest::newRow("blue-green cutover pending")
            << bg << "Progressing" << "ActiveCutoverPending" << "active service cutover pending";
        bg = with({QStringLiteral("status"), QStringLiteral("blueGreen")},
                  QJsonObject{{QStringLiteral("activeSelector"), QStringLiteral("bbb")}}, bg);
        QTest::newRow("blue-green post-promotion verification")
            << bg << "Progressing" << "PostPromotionVerification"
            << "waiting for post-promotion verification to complete";
    }

    void precedence()
    {
        QFETCH(QJsonObject, rollout);
        RolloutObjects objects;
        objects.rollout = rollout;
        const RolloutInfo info = deriveRolloutInfo(objects);
        QTEST(toString(info.phase), "phase");
        QTEST(info.statusReason, "reason");
        QTEST(info.message, "message");
    }

    void actualWeightFromAvailableCanaryPods()
    {
        // Step 2 sets 50 %, but only 1 of 4 available pods is a canary pod: 25 % really.
        QJsonObject ro = baseCanary();
        setPath(&ro, {QStringLiteral("status"), QStringLiteral("currentStepIndex")}, 2);
        RolloutObjects objects;
        objects.rollout = ro;
        objects.replicaSets << replicaSet(QStringLiteral("web-aaa"), QStringLiteral("u-1"),
                                          QStringLiteral("aaa"), 1, 3, 3, QStringLiteral("web:1"))
                            << replicaSet(QStringLiteral("web-bbb"), QStringLiteral("u-1"),
                                          QStringLiteral("bbb"), 2, 2, 1, QStringLiteral("web:2"));
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE(info.step, QStringLiteral("2/4"));
        QCOMPARE(info.setWeight, 50);
        QCOMPARE(info.actualWeight, 25);
        QCOMPARE(imagesText(info.images), QStringLiteral("web:1 (stable); web:2 (canary)"));

        Rollout r;
        applyRolloutInfo(info, &r);
        QCOMPARE(r.canaryWeight, 25);
        QCOMPARE(r.stableWeight, 75);
        QCOMPARE(r.stableVersion, QStringLiteral("1"));
        QCOMPARE(r.canaryVersion, QStringLiteral("2"));
    }

    void sameNameOtherUidIsNotOwned()
    {
        // A Rollout deleted and re-created under the same name leaves ReplicaSets with the same
        // names and hashes but the old uid: they are not this Rollout's pods.
        QJsonObject ro = baseCanary();
        RolloutObjects objects;
        objects.rollout = ro;
        objects.replicaSets << replicaSet(QStringLiteral("web-bbb"), QStringLiteral("u-old"),
                                          QStringLiteral("bbb"), 2, 4, 4, QStringLiteral("web:2"));
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE(info.actualWeight, 0);
        QVERIFY(info.images.isEmpty());
        QVERIFY(info.revisions.isEmpty());
    }

    void unreadableReplicaSetsMakeActualWeightUnknown()
    {
        RolloutObjects objects;
        objects.rollout = baseCanary();
        objects.replicaSetsError = QStringLiteral("HTTP 403");
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE(info.setWeight, 25); // derivable from the spec alone
        QCOMPARE_PHASE(info.phase, RolloutPhase::Progressing);
        QCOMPARE(info.actualWeight, -1);
        QVERIFY(info.unknown.value(QStringLiteral("actualWeight")).contains(QLatin1String("403")));
        QVERIFY(info.unknown.contains(QStringLiteral("images")));
        Rollout r;
        applyRolloutInfo(info, &r);
        QCOMPARE(r.canaryWeight, -1);
        QCOMPARE(r.stableWeight, -1);
    }

    void weightsOutOfRangeAreUnknown()
    {
        QJsonObject ro = baseCanary();
        setPath(&ro, {QStringLiteral("spec"), QStringLiteral("strategy"), QStringLiteral("canary"),
                      QStringLiteral("trafficRouting")},
                QJsonObject{{QStringLiteral("smi"), QJsonObject{}}});
        setPath(&ro, {QStringLiteral("status"), QStringLiteral("canary"), QStringLiteral("weights")},
                QJsonObject{{QStringLiteral("canary"), QJsonObject{{QStringLiteral("weight"), 140}}}});
        RolloutObjects objects;
        objects.rollout = ro;
        RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE(info.setWeight, 25);
        QCOMPARE(info.actualWeight, -1);
        QVERIFY(info.unknown.value(QStringLiteral("actualWeight")).contains(QLatin1String("140")));

        // A step asking for 150 %: the set weight is unknown, and so is the actual weight that a
        // router without a report would take from it.
        QJsonArray steps = ro.value(QLatin1String("spec"))
                               .toObject()
                               .value(QLatin1String("strategy"))
                               .toObject()
                               .value(QLatin1String("canary"))
                               .toObject()
                               .value(QLatin1String("steps"))
                               .toArray();
        steps[0] = QJsonObject{{QStringLiteral("setWeight"), 150}};
        setPath(&ro, {QStringLiteral("spec"), QStringLiteral("strategy"), QStringLiteral("canary"),
                      QStringLiteral("steps")},
                steps);
        setPath(&ro, {QStringLiteral("status"), QStringLiteral("canary")}, QJsonObject{});
        objects.rollout = ro;
        info = deriveRolloutInfo(objects);
        QCOMPARE(info.setWeight, -1);
        QCOMPARE(info.actualWeight, -1);
        QVERIFY(info.unknown.value(QStringLiteral("setWeight")).contains(QLatin1String("150")));
        QVERIFY(info.unknown.contains(QStringLiteral("actualWeight")));
    }

    void unknownConditionTypeIsNotedNotFatal()
    {
        QJsonObject ro = baseCanary();
        setPath(&ro, {QStringLiteral("status"), QStringLiteral("conditions")},
                QJsonArray{condition(QStringLiteral("Frobnicated"), QStringLiteral("Whatever"),
                                     QStringLiteral("?"))});
        RolloutObjects objects;
        objects.rollout = ro;
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE_PHASE(info.phase, RolloutPhase::Progressing);
        QCOMPARE(info.notes.size(), 1);
        QVERIFY(info.notes.first().contains(QLatin1String("Frobnicated")));
    }

    void missingStatusLeavesCountsUnknown()
    {
        QJsonObject ro = baseCanary();
        ro.remove(QStringLiteral("status"));
        RolloutObjects objects;
        objects.rollout = ro;
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE(info.replicas.desired, 4);
        QCOMPARE(info.replicas.current, -1);
        QVERIFY(info.unknown.contains(QStringLiteral("replicas")));
        QCOMPARE(info.step, QString()); // no currentStepIndex: the tool prints an empty Step
    }

    void unknownReportedPhase()
    {
        QJsonObject ro = baseCanary();
        setPath(&ro, {QStringLiteral("status"), QStringLiteral("phase")}, QStringLiteral("Exploding"));
        RolloutObjects objects;
        objects.rollout = ro;
        const RolloutInfo info = deriveRolloutInfo(objects);
        QCOMPARE_PHASE(info.phase, RolloutPhase::Unknown);
        QVERIFY(info.unknown.value(QStringLiteral("status")).contains(QLatin1String("Exploding")));
    }

private:
    Pool m_pool;
};

QTEST_GUILESS_MAIN(TestRolloutInfo)
#include "tst_rolloutinfo.moc"
