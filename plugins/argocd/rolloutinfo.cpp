#include "rolloutinfo.h"

#include "domain/json.h"

#include "argocdparsers.h"

#include <QJsonArray>

#include <algorithm>
#include <optional>

namespace fd::argocd {

namespace {

using L = QLatin1String;

const L kHashLabel("rollouts-pod-template-hash");
const L kRevisionAnnotation("rollout.argoproj.io/revision");
const L kTemplateAnnotation("experiment.argoproj.io/template-name");
const L kWorkloadGenerationAnnotation("rollout.argoproj.io/workload-generation");

QJsonObject obj(const QJsonObject &o, L key)
{
    return o.value(key).toObject();
}
QString text(const QJsonObject &o, L key)
{
    return o.value(key).toString();
}

/// An integer field that Go would read as 0 when absent; nullopt when present but not an
/// integer (a broken body must not become a count).
std::optional<qint64> count(const QJsonObject &o, L key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return 0;
    const auto n = int64FromJson(v);
    if (!n || v.toDouble() != double(*n))
        return std::nullopt;
    return n;
}
int countOr0(const QJsonObject &o, L key)
{
    return int(count(o, key).value_or(0));
}

QString uidOf(const QJsonObject &object)
{
    return text(obj(object, L("metadata")), L("uid"));
}
QString nameOf(const QJsonObject &object)
{
    return text(obj(object, L("metadata")), L("name"));
}

bool ownedBy(const QJsonObject &object, const QString &ownerUid)
{
    if (ownerUid.isEmpty())
        return false;
    for (const auto &rv : obj(object, L("metadata")).value(L("ownerReferences")).toArray())
        if (rv.toObject().value(L("uid")).toString() == ownerUid)
            return true;
    return false;
}

/// The revision annotation as the tool reads it: a number, else 0.
int revisionOf(const QJsonObject &object)
{
    bool ok = false;
    const int r = obj(obj(object, L("metadata")), L("annotations"))
                      .value(kRevisionAnnotation)
                      .toString()
                      .toInt(&ok);
    return ok ? r : 0;
}

QStringList containerImages(const QJsonObject &replicaSet)
{
    QStringList out;
    const QJsonObject podSpec = obj(obj(obj(replicaSet, L("spec")), L("template")), L("spec"));
    for (const auto &cv : podSpec.value(L("containers")).toArray())
        out << cv.toObject().value(L("image")).toString();
    return out;
}

/// The tool's ReplicaSet health: Progressing until the controller has observed the spec and all
/// wanted replicas are available; ReplicaFailure when that condition is true.
QString replicaSetHealth(const QJsonObject &rs)
{
    const QJsonObject spec = obj(rs, L("spec"));
    const QJsonObject status = obj(rs, L("status"));
    const qint64 generation = count(obj(rs, L("metadata")), L("generation")).value_or(0);
    const qint64 observed = count(status, L("observedGeneration")).value_or(0);
    const QJsonValue wanted = spec.value(L("replicas"));
    if (generation > observed)
        return QStringLiteral("Progressing");
    for (const auto &cv : status.value(L("conditions")).toArray()) {
        const QJsonObject c = cv.toObject();
        if (text(c, L("type")) == L("ReplicaFailure")) {
            if (text(c, L("status")) == L("True"))
                return QStringLiteral("ReplicaFailure");
            break;
        }
    }
    if (wanted.isDouble() && countOr0(status, L("availableReplicas")) < wanted.toInt())
        return QStringLiteral("Progressing");
    if (wanted.isDouble() && wanted.toInt() == 0)
        return QStringLiteral("ScaledDown");
    return QStringLiteral("Healthy");
}

/// A pod counts as ready when every one of its containers runs and is ready (the tool's
/// "ready:n/n").
bool podReady(const QJsonObject &pod)
{
    const int total = int(obj(pod, L("spec")).value(L("containers")).toArray().size());
    if (total == 0 || obj(pod, L("metadata")).contains(L("deletionTimestamp")))
        return false;
    int ready = 0;
    for (const auto &sv : obj(pod, L("status")).value(L("containerStatuses")).toArray()) {
        const QJsonObject s = sv.toObject();
        if (s.value(L("ready")).toBool() && obj(s, L("state")).contains(L("running")))
            ++ready;
    }
    return ready == total;
}

/// Adds @p roles for @p image the way the tool merges them: a new image keeps its roles in
/// the order given, a repeated image gets the sorted union.
void mergeImage(QList<RolloutImage> *images, const QString &image, const QStringList &roles)
{
    for (auto &existing : *images) {
        if (existing.image != image)
            continue;
        QStringList merged = existing.roles + roles;
        merged.removeDuplicates();
        std::sort(merged.begin(), merged.end());
        existing.roles = merged;
        return;
    }
    images->append({image, roles});
    std::sort(images->begin(), images->end(),
              [](const RolloutImage &a, const RolloutImage &b) { return a.image < b.image; });
}

struct ReplicaSetView
{
    RolloutRevisionItem item;
    int revision = 0;
    int replicas = 0;  // status.replicas
    int available = 0; // status.availableReplicas
    QString uid;
    QStringList images;
    QString templateName;
};

ReplicaSetView replicaSetView(const QJsonObject &rs)
{
    ReplicaSetView v;
    const QJsonObject meta = obj(rs, L("metadata"));
    v.item.kind = QStringLiteral("ReplicaSet");
    v.item.name = text(meta, L("name"));
    v.item.status = replicaSetHealth(rs);
    v.revision = revisionOf(rs);
    v.replicas = countOr0(obj(rs, L("status")), L("replicas"));
    v.available = countOr0(obj(rs, L("status")), L("availableReplicas"));
    v.uid = text(meta, L("uid"));
    v.images = containerImages(rs);
    v.templateName = obj(meta, L("annotations")).value(kTemplateAnnotation).toString();
    return v;
}

void addPods(QList<ReplicaSetView> *sets, const QList<QJsonObject> &pods)
{
    for (const auto &pod : pods) {
        for (auto &rs : *sets) {
            if (!ownedBy(pod, rs.uid))
                continue;
            ++rs.item.podsTotal;
            rs.item.podsReady += podReady(pod) ? 1 : 0;
            break;
        }
    }
}

struct Phase
{
    RolloutPhase phase = RolloutPhase::Unknown;
    QString reason;
    QString message;
};

bool generationObserved(const QJsonObject &rollout)
{
    // A numeric observedGeneration (v0.10+) must have caught up; a v0.9 hash always counts.
    bool numeric = false;
    const qint64 observed =
        text(obj(rollout, L("status")), L("observedGeneration")).toLongLong(&numeric);
    if (!numeric)
        return true;
    const qint64 generation = count(obj(rollout, L("metadata")), L("generation")).value_or(0);
    return observed >= generation;
}

bool workloadGenerationObserved(const QJsonObject &rollout)
{
    bool ok = false;
    const qint64 wanted = obj(obj(rollout, L("metadata")), L("annotations"))
                              .value(kWorkloadGenerationAnnotation)
                              .toString()
                              .toLongLong(&ok);
    if (!ok)
        return true;
    bool numeric = false;
    const qint64 observed =
        text(obj(rollout, L("status")), L("workloadObservedGeneration")).toLongLong(&numeric);
    return !numeric || observed == wanted;
}

/// The controller's own phase rules (CalculateRolloutPhase), in its order: Degraded by
/// condition, then paused, then the reasons a rollout is still progressing, else Healthy.
Phase calculatePhase(const QJsonObject &spec, const QJsonObject &status, int desired)
{
    for (const auto &cv : status.value(L("conditions")).toArray()) {
        const QJsonObject c = cv.toObject();
        if (text(c, L("type")) == L("InvalidSpec"))
            return {RolloutPhase::Degraded, QStringLiteral("InvalidSpec"),
                    QStringLiteral("InvalidSpec: ") + text(c, L("message"))};
        const QString reason = text(c, L("reason"));
        if (reason == L("RolloutAborted") || reason == L("ProgressDeadlineExceeded"))
            return {RolloutPhase::Degraded, reason,
                    reason + QStringLiteral(": ") + text(c, L("message"))};
    }
    if (spec.value(L("paused")).toBool())
        return {RolloutPhase::Paused, QStringLiteral("Manual"), QStringLiteral("manually paused")};
    const QJsonArray pauses = status.value(L("pauseConditions")).toArray();
    if (!pauses.isEmpty()) {
        const QString reason = text(pauses.first().toObject(), L("reason"));
        return {RolloutPhase::Paused, reason, reason};
    }
    const QString restartAt = text(spec, L("restartAt"));
    if (!restartAt.isEmpty()) {
        const QString restartedAt = text(status, L("restartedAt"));
        const QDateTime a = QDateTime::fromString(restartAt, Qt::ISODate);
        const QDateTime b = QDateTime::fromString(restartedAt, Qt::ISODate);
        if (restartedAt.isEmpty() || a != b)
            return {RolloutPhase::Progressing, QStringLiteral("Restarting"),
                    QStringLiteral("rollout is restarting")};
    }
    const int updated = countOr0(status, L("updatedReplicas"));
    const int available = countOr0(status, L("availableReplicas"));
    if (updated < desired)
        return {RolloutPhase::Progressing, QStringLiteral("UpdatingReplicas"),
                QStringLiteral("more replicas need to be updated")};
    if (available < updated)
        return {RolloutPhase::Progressing, QStringLiteral("ReplicasBecomingAvailable"),
                QStringLiteral("updated replicas are still becoming available")};
    const QJsonObject strategy = obj(spec, L("strategy"));
    const QString stable = text(status, L("stableRS"));
    const bool fullyPromoted = stable == text(status, L("currentPodHash"));
    if (strategy.contains(L("blueGreen"))) {
        const QString active = text(obj(status, L("blueGreen")), L("activeSelector"));
        if (active.isEmpty() || active != text(status, L("currentPodHash")))
            return {RolloutPhase::Progressing, QStringLiteral("ActiveCutoverPending"),
                    QStringLiteral("active service cutover pending")};
        if (stable.isEmpty() || !fullyPromoted) {
            const bool postAnalysis =
                obj(strategy, L("blueGreen")).contains(L("postPromotionAnalysis"));
            const QString runPhase = text(
                obj(obj(status, L("blueGreen")), L("postPromotionAnalysisRunStatus")), L("status"));
            const bool completed = runPhase == L("Successful") || runPhase == L("Failed") ||
                                   runPhase == L("Error") || runPhase == L("Inconclusive");
            if (postAnalysis && !completed)
                return {RolloutPhase::Progressing, QStringLiteral("PostPromotionAnalysis"),
                        QStringLiteral("waiting for analysis to complete")};
            return {RolloutPhase::Progressing, QStringLiteral("PostPromotionVerification"),
                    QStringLiteral("waiting for post-promotion verification to complete")};
        }
    } else if (strategy.contains(L("canary"))) {
        // Only a basic canary: blue-green and traffic-routed canaries keep old replicas on
        // purpose (scale-down delay).
        if (!obj(strategy, L("canary")).contains(L("trafficRouting")) &&
            countOr0(status, L("replicas")) > updated)
            return {RolloutPhase::Progressing, QStringLiteral("OldReplicasTerminating"),
                    QStringLiteral("old replicas are pending termination")};
        if (stable.isEmpty() || !fullyPromoted)
            return {RolloutPhase::Progressing, QStringLiteral("StepsPending"),
                    QStringLiteral("waiting for all steps to complete")};
    }
    return {RolloutPhase::Healthy, QString(), QString()};
}

/// The phase the tool shows (GetRolloutPhase): client-side waits first, then the controller's
/// status.phase when it wrote one, else the calculation above.
Phase rolloutPhase(const QJsonObject &rollout, int desired, RolloutInfo *info)
{
    const QJsonObject spec = obj(rollout, L("spec"));
    const QJsonObject status = obj(rollout, L("status"));
    if (!generationObserved(rollout))
        return {RolloutPhase::Progressing, QStringLiteral("SpecNotObserved"),
                QStringLiteral("waiting for rollout spec update to be observed")};
    if (status.value(L("controllerPause")).toBool() &&
        status.value(L("pauseConditions")).toArray().isEmpty())
        return {RolloutPhase::Progressing, QStringLiteral("Unpausing"),
                QStringLiteral("waiting for rollout to unpause")};
    if (spec.value(L("templateResolvedFromRef")).toBool() && !workloadGenerationObserved(rollout))
        return {RolloutPhase::Progressing, QStringLiteral("WorkloadNotObserved"),
                QStringLiteral("waiting for rollout spec update to be observed for the reference "
                               "workload")};
    const Phase calculated = calculatePhase(spec, status, desired);
    const QString reported = text(status, L("phase"));
    if (reported.isEmpty())
        return calculated;
    Phase p{rolloutPhaseFromString(reported), QString(), text(status, L("message"))};
    if (p.phase == RolloutPhase::Unknown) {
        info->unknown.insert(QStringLiteral("status"),
                             QStringLiteral("status.phase '%1' is not a phase Argo Rollouts "
                                            "defines")
                                 .arg(reported));
        return p;
    }
    // The controller wrote the phase; the reason is ours only when our rules agree with it.
    if (p.phase == calculated.phase)
        p.reason = calculated.reason;
    return p;
}

/// The index the controller is at (status.currentStepIndex, else 0) and whether a step exists
/// there (GetCurrentCanaryStep).
bool currentCanaryStep(const QJsonArray &steps, const QJsonObject &status, int *index)
{
    *index = status.value(L("currentStepIndex")).toInt(0);
    return !steps.isEmpty() && *index >= 0 && *index < steps.size();
}

void deriveCanaryWeights(const QJsonObject &rollout,
                         const QList<ReplicaSetView> &sets,
                         const RolloutObjects &objects,
                         RolloutInfo *info)
{
    const QJsonObject canary = obj(obj(obj(rollout, L("spec")), L("strategy")), L("canary"));
    const QJsonObject status = obj(rollout, L("status"));
    const QJsonArray steps = canary.value(L("steps")).toArray();
    const bool routed = canary.contains(L("trafficRouting"));
    const QJsonValue max = obj(canary, L("trafficRouting")).value(L("maxTrafficWeight"));
    if (max.isDouble() && max.toInt() > 0)
        info->maxWeight = max.toInt();

    const QJsonValue index = status.value(L("currentStepIndex"));
    if (index.isDouble() && !steps.isEmpty())
        info->step = QStringLiteral("%1/%2").arg(index.toInt()).arg(steps.size());

    const auto inRange = [&](qint64 w) { return w >= 0 && w <= info->maxWeight; };
    int at = 0;
    const bool hasStep = currentCanaryStep(steps, status, &at);
    // SetWeight: 0 once aborted; the max when no step is current (done, or no steps); else the
    // last setWeight at or before the current step.
    if (status.value(L("abort")).toBool()) {
        info->setWeight = 0;
    } else if (!hasStep) {
        info->setWeight = info->maxWeight;
    } else {
        info->setWeight = 0;
        for (int i = at; i >= 0; --i) {
            const QJsonValue w = steps.at(i).toObject().value(L("setWeight"));
            if (w.isUndefined())
                continue;
            if (!int64FromJson(w) || !inRange(*int64FromJson(w))) {
                info->setWeight = -1;
                info->unknown.insert(QStringLiteral("setWeight"),
                                     QStringLiteral("step %1 sets weight '%2', outside 0..%3")
                                         .arg(i)
                                         .arg(w.toVariant().toString())
                                         .arg(info->maxWeight));
            } else {
                info->setWeight = w.toInt();
            }
            break;
        }
    }

    // ActualWeight: the max when no step is current; 0 while nothing is available; else the
    // traffic router's report, or (without a router) the canary's share of available pods.
    const auto unknown = [&](const QString &why) {
        info->actualWeight = -1;
        info->unknown.insert(QStringLiteral("actualWeight"), why);
    };
    if (!hasStep) {
        info->actualWeight = info->maxWeight;
        return;
    }
    const std::optional<qint64> available = count(status, L("availableReplicas"));
    if (!available)
        return unknown(QStringLiteral("status.availableReplicas is not a number"));
    if (*available <= 0) {
        info->actualWeight = 0;
        return;
    }
    if (routed) {
        const QJsonObject weights = obj(obj(status, L("canary")), L("weights"));
        if (weights.isEmpty()) {
            if (info->setWeight < 0)
                return unknown(QStringLiteral("no traffic weights reported and the set weight "
                                              "is unknown"));
            info->actualWeight = info->setWeight;
            return;
        }
        const QJsonValue w = obj(weights, L("canary")).value(L("weight"));
        if (w.isUndefined() || w.isNull()) {
            info->actualWeight = 0;
            return;
        }
        if (!int64FromJson(w) || !inRange(*int64FromJson(w)))
            return unknown(QStringLiteral("status.canary.weights.canary.weight '%1' is outside "
                                          "0..%2")
                               .arg(w.toVariant().toString())
                               .arg(info->maxWeight));
        info->actualWeight = w.toInt();
        return;
    }
    if (!objects.replicaSetsError.isEmpty())
        return unknown(QStringLiteral("the ReplicaSets could not be read: ") +
                       objects.replicaSetsError);
    info->actualWeight = 0;
    for (const auto &rs : sets)
        if (rs.item.roles.contains(QStringLiteral("canary")))
            info->actualWeight = int(rs.available * info->maxWeight / *available);
    if (!inRange(info->actualWeight))
        unknown(QStringLiteral("the canary ReplicaSet has more available pods (%1% of the "
                               "maximum) than the Rollout reports")
                    .arg(info->actualWeight));
}

void deriveReplicas(const QJsonObject &rollout, RolloutInfo *info)
{
    const QJsonValue specReplicas = obj(rollout, L("spec")).value(L("replicas"));
    if (specReplicas.isUndefined() || specReplicas.isNull())
        info->replicas.desired = 1;
    else if (specReplicas.isDouble())
        info->replicas.desired = specReplicas.toInt();
    else
        info->unknown.insert(QStringLiteral("replicas.desired"),
                             QStringLiteral("spec.replicas is not a number"));
    const QJsonValue statusValue = rollout.value(L("status"));
    if (!statusValue.isObject()) {
        info->unknown.insert(QStringLiteral("replicas"),
                             QStringLiteral("the Rollouts controller has not written a status"));
        return;
    }
    const QJsonObject status = statusValue.toObject();
    const auto read = [&](L key, int *out) {
        const std::optional<qint64> v = count(status, key);
        if (v)
            *out = int(*v);
        else
            info->unknown.insert(QStringLiteral("replicas.") + key,
                                 QStringLiteral("status.%1 is not a number").arg(key));
    };
    read(L("replicas"), &info->replicas.current);
    read(L("updatedReplicas"), &info->replicas.updated);
    read(L("readyReplicas"), &info->replicas.ready);
    read(L("availableReplicas"), &info->replicas.available);
}

void noteUnknownConditions(const QJsonObject &status, RolloutInfo *info)
{
    static const QStringList known{QStringLiteral("InvalidSpec"), QStringLiteral("Available"),
                                   QStringLiteral("Progressing"), QStringLiteral("ReplicaFailure"),
                                   QStringLiteral("Paused"),      QStringLiteral("Completed"),
                                   QStringLiteral("Healthy")};
    for (const auto &cv : status.value(L("conditions")).toArray()) {
        const QString type = text(cv.toObject(), L("type"));
        if (!known.contains(type))
            info->notes << QStringLiteral("condition type '%1' is not one Argo Rollouts defines; "
                                          "only its reason was considered")
                               .arg(type);
    }
}

} // namespace

RolloutInfo deriveRolloutInfo(const RolloutObjects &objects)
{
    RolloutInfo info;
    const QJsonObject &ro = objects.rollout;
    const QJsonObject meta = obj(ro, L("metadata"));
    const QJsonObject spec = obj(ro, L("spec"));
    const QJsonObject status = obj(ro, L("status"));
    const QJsonObject strategy = obj(spec, L("strategy"));
    info.name = text(meta, L("name"));
    info.nameSpace = text(meta, L("namespace"));
    info.stableHash = text(status, L("stableRS"));
    info.currentHash = text(status, L("currentPodHash"));
    const bool isCanary = strategy.contains(L("canary"));
    const bool isBlueGreen = strategy.contains(L("blueGreen"));
    info.strategy = isCanary      ? QStringLiteral("Canary")
                    : isBlueGreen ? QStringLiteral("BlueGreen")
                                  : QString();
    if (info.strategy.isEmpty())
        info.unknown.insert(QStringLiteral("strategy"),
                            QStringLiteral("spec.strategy names neither canary nor blueGreen"));

    deriveReplicas(ro, &info);
    noteUnknownConditions(status, &info);
    const Phase p = rolloutPhase(ro, info.replicas.desired < 0 ? 1 : info.replicas.desired, &info);
    info.phase = p.phase;
    info.statusReason = p.reason;
    info.message = p.message;

    // ReplicaSets owned by this Rollout's uid, with the roles they play.
    const QString uid = uidOf(ro);
    if (uid.isEmpty())
        info.notes << QStringLiteral("the Rollout has no metadata.uid: no object can be its own");
    QList<ReplicaSetView> sets;
    for (const auto &rs : objects.replicaSets) {
        if (!ownedBy(rs, uid))
            continue;
        ReplicaSetView v = replicaSetView(rs);
        // Unlike the tool we never give a role to a ReplicaSet without a hash label: an empty
        // label would otherwise "match" an empty status.stableRS.
        const QString hash = obj(obj(rs, L("metadata")), L("labels")).value(kHashLabel).toString();
        if (!hash.isEmpty()) {
            const bool pingPong = obj(strategy, L("canary")).contains(L("pingPong"));
            const bool stableIsPing =
                text(obj(status, L("canary")), L("stablePingPong")) == L("ping");
            if (isCanary && hash == info.stableHash) {
                v.item.roles << QStringLiteral("stable");
                if (pingPong)
                    v.item.roles << (stableIsPing ? QStringLiteral("ping")
                                                  : QStringLiteral("pong"));
            } else if (isCanary && hash == info.currentHash) {
                v.item.roles << QStringLiteral("canary");
                if (pingPong)
                    v.item.roles << (stableIsPing ? QStringLiteral("pong")
                                                  : QStringLiteral("ping"));
            }
            if (isBlueGreen) {
                const QJsonObject bg = obj(status, L("blueGreen"));
                if (hash == info.stableHash)
                    v.item.roles << QStringLiteral("stable");
                if (hash == text(bg, L("activeSelector")))
                    v.item.roles << QStringLiteral("active");
                else if (hash == text(bg, L("previewSelector")))
                    v.item.roles << QStringLiteral("preview");
            }
        }
        sets << v;
    }
    std::sort(sets.begin(), sets.end(), [](const ReplicaSetView &a, const ReplicaSetView &b) {
        return a.revision != b.revision ? a.revision > b.revision : a.item.name < b.item.name;
    });
    addPods(&sets, objects.pods);

    if (isCanary)
        deriveCanaryWeights(ro, sets, objects, &info);

    // Images: what runs (status.replicas > 0), with the roles of the ReplicaSets running it.
    if (objects.replicaSetsError.isEmpty()) {
        for (const auto &rs : sets) {
            if (rs.replicas <= 0)
                continue;
            static const QStringList order{QStringLiteral("canary"), QStringLiteral("stable"),
                                           QStringLiteral("active"), QStringLiteral("preview"),
                                           QStringLiteral("ping"),   QStringLiteral("pong")};
            QStringList roles;
            for (const auto &r : order)
                if (rs.item.roles.contains(r))
                    roles << r;
            for (const auto &image : rs.images)
                mergeImage(&info.images, image, roles);
        }
    } else {
        info.unknown.insert(QStringLiteral("images"),
                            QStringLiteral("the ReplicaSets could not be read: ") +
                                objects.replicaSetsError);
        info.unknown.insert(QStringLiteral("revisions"),
                            QStringLiteral("the ReplicaSets could not be read: ") +
                                objects.replicaSetsError);
    }
    if (!objects.podsError.isEmpty())
        info.unknown.insert(QStringLiteral("pods"),
                            QStringLiteral("the pods could not be read: ") + objects.podsError);

    // Experiments of this Rollout add their running ReplicaSets' images ("Σ:<template>").
    struct Child
    {
        RolloutRevisionItem item;
        int revision = 0;
        QString created;
    };
    QList<Child> experiments;
    for (const auto &e : objects.experiments) {
        if (!ownedBy(e, uid))
            continue;
        Child c;
        c.item.kind = QStringLiteral("Experiment");
        c.item.name = nameOf(e);
        c.item.status = text(obj(e, L("status")), L("phase"));
        c.revision = revisionOf(e);
        c.created = text(obj(e, L("metadata")), L("creationTimestamp"));
        experiments << c;
        const QString expUid = uidOf(e);
        for (const auto &rs : objects.replicaSets) {
            if (!ownedBy(rs, expUid))
                continue;
            const ReplicaSetView v = replicaSetView(rs);
            if (v.replicas <= 0)
                continue;
            for (const auto &image : v.images)
                mergeImage(&info.images, image,
                           v.templateName.isEmpty()
                               ? QStringList()
                               : QStringList{QStringLiteral("\u03A3:") + v.templateName});
        }
    }
    std::stable_sort(experiments.begin(), experiments.end(), [](const Child &a, const Child &b) {
        return a.revision != b.revision ? a.revision > b.revision : a.created < b.created;
    });

    QList<Child> runs;
    for (const auto &ar : objects.analysisRuns) {
        if (!ownedBy(ar, uid))
            continue;
        Child c;
        c.item.kind = QStringLiteral("AnalysisRun");
        c.item.name = nameOf(ar);
        c.item.status = text(obj(ar, L("status")), L("phase"));
        for (const auto &mv : obj(ar, L("status")).value(L("metricResults")).toArray()) {
            const QJsonObject m = mv.toObject();
            c.item.successful += countOr0(m, L("successful"));
            c.item.failed += countOr0(m, L("failed"));
            c.item.inconclusive += countOr0(m, L("inconclusive"));
            c.item.errors += countOr0(m, L("error"));
        }
        c.revision = revisionOf(ar);
        c.created = text(obj(ar, L("metadata")), L("creationTimestamp"));
        runs << c;
    }
    std::sort(runs.begin(), runs.end(), [](const Child &a, const Child &b) {
        if (a.revision != b.revision)
            return a.revision > b.revision;
        if (a.created != b.created)
            return a.created < b.created;
        return a.item.name > b.item.name;
    });

    // The revision tree: every revision any of them carries, newest first.
    QList<int> numbers;
    for (const auto &rs : sets)
        numbers << rs.revision;
    for (const auto &c : experiments)
        numbers << c.revision;
    for (const auto &c : runs)
        numbers << c.revision;
    std::sort(numbers.begin(), numbers.end(), std::greater<>());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    for (const int n : numbers) {
        RolloutRevision rev{n, {}};
        for (const auto &rs : sets)
            if (rs.revision == n)
                rev.items << rs.item;
        for (const auto &c : experiments)
            if (c.revision == n)
                rev.items << c.item;
        for (const auto &c : runs)
            if (c.revision == n)
                rev.items << c.item;
        info.revisions << rev;
    }
    return info;
}

void applyRolloutInfo(const RolloutInfo &info, Rollout *r)
{
    if (r->name.isEmpty())
        r->name = info.name;
    if (r->nameSpace.isEmpty())
        r->nameSpace = info.nameSpace;
    if (info.strategy == QLatin1String("Canary"))
        r->strategy = QStringLiteral("canary");
    else if (info.strategy == QLatin1String("BlueGreen"))
        r->strategy = QStringLiteral("blueGreen");
    r->phase = info.phase;
    r->statusReason = info.statusReason;
    r->message = info.message;
    r->step = info.step;
    r->setWeight = info.setWeight;
    r->actualWeight = info.actualWeight;
    r->canaryWeight = info.actualWeight;
    r->stableWeight = info.actualWeight < 0 ? -1 : info.maxWeight - info.actualWeight;
    r->replicas = info.replicas;
    r->images = info.images;
    r->revisions = info.revisions;
    r->unknown = info.unknown;
    // Versions from what really runs: the image tags of the ReplicaSets in each role.
    QString stable, next;
    for (const auto &image : info.images) {
        if (image.roles.contains(QStringLiteral("stable")) && stable.isEmpty())
            stable = imageTag(image.image);
        if ((image.roles.contains(QStringLiteral("canary")) ||
             image.roles.contains(QStringLiteral("preview"))) &&
            next.isEmpty())
            next = imageTag(image.image);
    }
    if (!stable.isEmpty())
        r->stableVersion = stable;
    if (!next.isEmpty())
        r->canaryVersion = next;
}

} // namespace fd::argocd
