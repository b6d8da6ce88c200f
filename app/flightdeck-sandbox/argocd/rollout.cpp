#include "argocd/rollout.h"

#include "core/sandbox.h"

#include <algorithm>
#include <cmath>

namespace fd::sandbox::argocd {

namespace {

QString deadlineMessage(const QString &rollout, const QString &hash)
{
    return QStringLiteral("ReplicaSet \"%1-%2\" has timed out progressing.").arg(rollout, hash);
}

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

bool truthy(const QJsonValue &v)
{
    return v.isBool() ? v.toBool() : false;
}

QJsonObject action(const QString &name, bool disabled)
{
    return QJsonObject{{str("name"), name}, {str("disabled"), disabled}};
}

bool isCanaryWithSteps(const QJsonObject &rollout)
{
    const QJsonObject canary = rollout[str("spec")][str("strategy")][str("canary")].toObject();
    return canary.contains(str("steps")) && canary[str("steps")].isArray();
}

} // namespace

QJsonArray rolloutActions(const QJsonObject &rollout, bool withV31Actions)
{
    const QJsonObject spec = rollout[str("spec")].toObject();
    const QJsonObject status = rollout[str("status")].toObject();

    // discovery.lua: pauseConditions win over spec.paused when present at all
    bool paused = false;
    if (status.contains(str("pauseConditions")) && !status[str("pauseConditions")].isNull())
        paused = !status[str("pauseConditions")].toArray().isEmpty();
    else if (spec.contains(str("paused")))
        paused = truthy(spec[str("paused")]);

    const bool fullyPromoted = status[str("currentPodHash")] == status[str("stableRS")];
    const bool aborted = truthy(status[str("abort")]);

    bool promoteFullDisabled = true;
    if (!rollout[str("status")].isUndefined() && !fullyPromoted) {
        // observedGeneration is a hash before Rollouts v0.10; such controllers cannot
        // promote a blue-green rollout fully
        bool numeric = false;
        const qint64 observed =
            status[str("observedGeneration")].toVariant().toString().toLongLong(&numeric);
        const qint64 generation =
            rollout[str("metadata")][str("generation")].toVariant().toLongLong();
        if (!numeric || observed > generation)
            promoteFullDisabled = spec[str("strategy")].toObject().contains(str("blueGreen"));
        else
            promoteFullDisabled = false;
    }

    QJsonArray out;
    out.append(action(str("abort"), fullyPromoted || aborted));
    if (withV31Actions)
        out.append(action(str("pause"), fullyPromoted || aborted || truthy(spec[str("paused")])));
    out.append(action(str("promote-full"), promoteFullDisabled));
    QJsonObject restart = action(str("restart"), false);
    restart.insert(str("displayName"), str("Restart Pods"));
    out.append(restart);
    out.append(action(str("resume"), !paused));
    out.append(action(str("retry"), fullyPromoted || !aborted));
    if (withV31Actions) {
        bool skipEnabled = false;
        if (isCanaryWithSteps(rollout)) {
            const int steps =
                int(spec[str("strategy")][str("canary")][str("steps")].toArray().size());
            skipEnabled = status[str("currentStepIndex")].toInt(0) < steps;
        }
        out.append(action(str("skip-current-step"), !skipEnabled));
    }
    return out;
}

bool applyRolloutAction(QJsonObject &rollout,
                        const QString &actionName,
                        const QString &nowIso,
                        bool withV31Actions,
                        QString *error)
{
    QJsonObject spec = rollout[str("spec")].toObject();
    QJsonObject status = rollout[str("status")].toObject();
    const QString a = actionName;
    if (a == str("resume")) {
        if (!status.value(str("pauseConditions")).toArray().isEmpty())
            status.remove(str("pauseConditions"));
        if (truthy(spec.value(str("paused"))))
            spec.insert(str("paused"), false);
    } else if (a == str("abort")) {
        status.insert(str("abort"), true);
    } else if (a == str("retry")) {
        status.insert(str("abort"), QJsonValue::Null);
    } else if (a == str("restart")) {
        spec.insert(str("restartAt"), nowIso);
    } else if (a == str("promote-full")) {
        bool numeric = false;
        const qint64 observed =
            status.value(str("observedGeneration")).toVariant().toString().toLongLong(&numeric);
        const qint64 generation =
            rollout.value(str("metadata"))[str("generation")].toVariant().toLongLong();
        if (!numeric || observed > generation) {
            // Rollouts v0.9 has no promoteFull field: jump to the end of the steps
            if (isCanaryWithSteps(rollout)) {
                status.insert(str("abort"), QJsonValue::Null);
                status.insert(
                    str("currentStepIndex"),
                    int(spec.value(str("strategy"))[str("canary")][str("steps")].toArray().size()));
            }
        } else {
            status.insert(str("promoteFull"), true);
        }
    } else if (withV31Actions && a == str("pause")) {
        spec.insert(str("paused"), true);
    } else if (withV31Actions && a == str("skip-current-step")) {
        status.insert(str("currentStepIndex"), status.value(str("currentStepIndex")).toInt(0) + 1);
        status.remove(str("pauseConditions"));
    } else {
        if (error)
            *error = QStringLiteral("action %1 not found").arg(actionName);
        return false;
    }
    rollout.insert(str("spec"), spec);
    rollout.insert(str("status"), status);
    return true;
}

// ---------------------------------------------------------------------------------------

RolloutSim::RolloutSim(QString name, QString ns, QList<CanaryStep> steps, int replicas)
    : m_name(std::move(name))
    , m_namespace(std::move(ns))
    , m_steps(std::move(steps))
    , m_replicas(replicas)
{}

QString RolloutSim::podHash(const QString &image)
{
    return stableHex(QStringLiteral("podtemplate:") + image, 10);
}

void RolloutSim::setStable(const Revision &stable, qint64 nowMs)
{
    if (m_createdMs == 0)
        m_createdMs = nowMs;
    m_stable = stable;
    m_canary = stable;
    m_stableRS = m_currentPodHash = podHash(stable.image);
    m_currentStepIndex = int(m_steps.size());
    m_abort = false;
    m_pauseConditions.clear();
    m_controllerPause = false;
    m_stepStartedMs = nowMs;
    m_transitionMs = nowMs;
    setPhase(nowMs);
}

void RolloutSim::startUpdate(const Revision &next, qint64 nowMs)
{
    startUpdateAt(next, 0, nowMs);
}

void RolloutSim::startUpdateAt(const Revision &next, int stepIndex, qint64 nowMs)
{
    if (m_createdMs == 0)
        m_createdMs = nowMs;
    if (!fullyPromoted() && !m_abort) {
        // a new template while a canary runs replaces the canary; the stable one stays
    }
    m_canary = next;
    m_currentPodHash = podHash(next.image);
    ++m_generation;
    m_observedGeneration = m_generation;
    m_currentStepIndex = std::clamp(stepIndex, 0, int(m_steps.size()));
    m_abort = false;
    m_abortedAtMs = 0;
    m_wasAborted = false;
    m_deadlineExceeded = false;
    m_promoteFull = false;
    m_pauseConditions.clear();
    m_controllerPause = false;
    m_analysisName.clear();
    m_analysisStatus.clear();
    m_analysisMessage.clear();
    m_stepStartedMs = nowMs;
    if (m_currentPodHash == m_stableRS) // same template again: nothing to roll out
        m_currentStepIndex = int(m_steps.size());
    reconcile(nowMs);
}

int RolloutSim::canaryWeight() const
{
    if (m_abort || fullyPromoted())
        return 0;
    int weight = 0;
    for (int i = 0; i <= m_currentStepIndex && i < m_steps.size(); ++i)
        if (m_steps[i].kind == CanaryStep::Kind::SetWeight)
            weight = m_steps[i].weight;
    return weight;
}

int RolloutSim::trafficWeight() const
{
    return m_canary.stalls && !fullyPromoted() ? 0 : canaryWeight();
}

QString RolloutSim::uid() const
{
    return stableHex(QStringLiteral("rollout-uid:") + m_namespace + m_name, 32);
}

QStringList RolloutSim::replicaSetHashes() const
{
    QStringList out{m_stableRS};
    if (!fullyPromoted())
        out << m_currentPodHash;
    return out;
}

QString RolloutSim::podName(const QString &hash, int index) const
{
    const QString rs = replicaSetName(hash);
    return rs + u'-' + stableHex(rs + QString::number(index), 5);
}

QJsonObject RolloutSim::replicaSetManifest(const QString &name, const QString &uidOf) const
{
    for (const QString &hash : replicaSetHashes()) {
        if (replicaSetName(hash) != name)
            continue;
        const bool canary = hash == m_currentPodHash && !fullyPromoted();
        const Revision &rev = canary ? m_canary : m_stable;
        const int replicas = replicasFor(hash);
        const int available = canary && m_canary.stalls ? 0 : replicas;
        // the canary is the newest revision; the stable one the revision before it
        const qint64 revision = canary || fullyPromoted() ? m_generation : std::max<qint64>(1, m_generation - 1);
        QJsonObject status{{str("replicas"), replicas},
                           {str("fullyLabeledReplicas"), replicas},
                           {str("readyReplicas"), available},
                           {str("availableReplicas"), available},
                           {str("observedGeneration"), 1}};
        return QJsonObject{
            {str("apiVersion"), str("apps/v1")},
            {str("kind"), str("ReplicaSet")},
            {str("metadata"),
             QJsonObject{{str("name"), name},
                         {str("namespace"), m_namespace},
                         {str("uid"), uidOf},
                         {str("generation"), 1},
                         {str("creationTimestamp"), isoTime(m_createdMs)},
                         {str("labels"), QJsonObject{{str("app"), m_name},
                                                     {str("rollouts-pod-template-hash"), hash}}},
                         {str("annotations"),
                          QJsonObject{{str("rollout.argoproj.io/revision"), QString::number(revision)}}},
                         {str("ownerReferences"),
                          QJsonArray{QJsonObject{{str("apiVersion"), str("argoproj.io/v1alpha1")},
                                                 {str("kind"), str("Rollout")},
                                                 {str("name"), m_name},
                                                 {str("uid"), uid()},
                                                 {str("controller"), true},
                                                 {str("blockOwnerDeletion"), true}}}}}},
            {str("spec"),
             QJsonObject{{str("replicas"), replicas},
                         {str("template"),
                          QJsonObject{{str("spec"),
                                       QJsonObject{{str("containers"),
                                                    QJsonArray{QJsonObject{{str("name"), m_name},
                                                                           {str("image"), rev.image}}}}}}}}}},
            {str("status"), status}};
    }
    return {};
}

QJsonObject RolloutSim::podManifest(const QString &name) const
{
    for (const QString &hash : replicaSetHashes()) {
        for (int i = 0; i < replicasFor(hash); ++i) {
            if (podName(hash, i) != name)
                continue;
            const bool canary = hash == m_currentPodHash && !fullyPromoted();
            const Revision &rev = canary ? m_canary : m_stable;
            const bool ready = !(canary && m_canary.stalls);
            const QString rs = replicaSetName(hash);
            QJsonObject state = ready ? QJsonObject{{str("running"), QJsonObject{{str("startedAt"), isoTime(m_createdMs)}}}}
                                      : QJsonObject{{str("waiting"), QJsonObject{{str("reason"), str("ImagePullBackOff")}}}};
            return QJsonObject{
                {str("apiVersion"), str("v1")},
                {str("kind"), str("Pod")},
                {str("metadata"),
                 QJsonObject{{str("name"), name},
                             {str("namespace"), m_namespace},
                             {str("labels"), QJsonObject{{str("rollouts-pod-template-hash"), hash}}},
                             {str("ownerReferences"),
                              QJsonArray{QJsonObject{
                                  {str("kind"), str("ReplicaSet")},
                                  {str("name"), rs},
                                  {str("uid"), stableHex(QStringLiteral("uid/") + m_namespace +
                                                             str("ReplicaSet") + rs, 32)}}}}}},
                {str("spec"), QJsonObject{{str("containers"),
                                           QJsonArray{QJsonObject{{str("name"), m_name}, {str("image"), rev.image}}}}}},
                {str("status"),
                 QJsonObject{{str("phase"), ready ? str("Running") : str("Pending")},
                             {str("containerStatuses"),
                              QJsonArray{QJsonObject{{str("name"), m_name},
                                                     {str("ready"), ready},
                                                     {str("restartCount"), 0},
                                                     {str("state"), state}}}}}}};
        }
    }
    return {};
}

int RolloutSim::replicasFor(const QString &hash) const
{
    if (fullyPromoted())
        return hash == m_stableRS ? m_replicas : 0;
    if (hash == m_stableRS)
        return m_replicas; // traffic routing keeps the stable ReplicaSet at full size
    if (hash == m_currentPodHash)
        return int(std::ceil(m_replicas * canaryWeight() / 100.0));
    return 0;
}

void RolloutSim::finishAnalysis(bool failed, qint64 atMs)
{
    if (failed) {
        m_analysisStatus = QStringLiteral("Failed");
        m_analysisMessage = QStringLiteral(
            "metric \"error-rate\" assessed Failed due to failed (1) > failureLimit (0)");
        m_abort = true;
        m_abortSet = true;
        m_abortedAtMs = atMs;
        m_abortMessage = m_analysisMessage;
    } else {
        m_analysisStatus = QStringLiteral("Successful");
        m_analysisMessage.clear();
    }
}

bool RolloutSim::reconcile(qint64 nowMs)
{
    const QJsonObject before = manifest();
    m_observedGeneration = m_generation;
    if (!m_restartAt.isEmpty() && m_restartAt != m_restartedAt)
        m_restartedAt = m_restartAt; // pods were replaced

    if (m_abort) {
        if (!m_wasAborted) {
            if (m_abortedAtMs == 0)
                m_abortedAtMs = nowMs;
            if (m_abortMessage.isEmpty())
                m_abortMessage =
                    QStringLiteral("Rollout aborted update to revision %1").arg(m_generation);
            m_pauseConditions.clear();
            m_controllerPause = false;
            m_wasAborted = true;
        }
    } else {
        if (m_wasAborted) {
            // retry: the update starts over from the first step
            m_wasAborted = false;
            m_abortMessage.clear();
            m_currentStepIndex = fullyPromoted() ? int(m_steps.size()) : 0;
            m_analysisName.clear();
            m_analysisStatus.clear();
            m_stepStartedMs = nowMs;
        }
        if (m_promoteFull) {
            m_currentStepIndex = int(m_steps.size());
            m_pauseConditions.clear();
            m_controllerPause = false;
            m_promoteFull = false;
        }
        while (!fullyPromoted() && !m_specPaused && !m_abort &&
               m_currentStepIndex < m_steps.size()) {
            const CanaryStep &step = m_steps[m_currentStepIndex];
            if (step.kind == CanaryStep::Kind::SetWeight) {
                if (m_canary.stalls) {
                    // the canary pods never become ready: the step never completes, and
                    // after the progress deadline the controller calls it Degraded
                    m_deadlineExceeded = nowMs >= m_stepStartedMs + kProgressDeadlineMs;
                    break;
                }
                const qint64 doneAt = m_stepStartedMs + kStepSettleMs;
                if (nowMs < doneAt)
                    break;
                ++m_currentStepIndex;
                m_stepStartedMs = doneAt;
            } else if (step.kind == CanaryStep::Kind::Pause) {
                if (m_pauseConditions.isEmpty() && !m_controllerPause) {
                    m_pauseConditions.append({QStringLiteral("CanaryPauseStep"), m_stepStartedMs});
                    m_controllerPause = true;
                }
                if (m_pauseConditions.isEmpty()) { // resumed by a user
                    m_controllerPause = false;
                    ++m_currentStepIndex;
                    m_stepStartedMs = nowMs;
                    continue;
                }
                if (step.pauseSeconds >= 0) {
                    const qint64 doneAt =
                        m_pauseConditions.first().startMs + step.pauseSeconds * 1000;
                    if (nowMs < doneAt)
                        break;
                    m_pauseConditions.clear();
                    m_controllerPause = false;
                    ++m_currentStepIndex;
                    m_stepStartedMs = doneAt;
                    continue;
                }
                break;
            } else { // Analysis
                const QString runName = QStringLiteral("%1-%2-%3-%4")
                                            .arg(m_name, m_currentPodHash)
                                            .arg(m_generation)
                                            .arg(m_currentStepIndex);
                if (m_analysisName != runName) {
                    m_analysisName = runName;
                    m_analysisStatus = QStringLiteral("Running");
                    m_analysisMessage.clear();
                }
                const qint64 doneAt = m_stepStartedMs + kAnalysisMs;
                if (nowMs < doneAt)
                    break;
                finishAnalysis(m_canary.bad, doneAt);
                if (m_abort) {
                    m_wasAborted = true;
                    m_pauseConditions.clear();
                    m_controllerPause = false;
                    break;
                }
                ++m_currentStepIndex;
                m_stepStartedMs = doneAt;
            }
        }
        if (!m_abort && !m_specPaused && m_currentStepIndex >= m_steps.size() && !fullyPromoted()) {
            m_stableRS = m_currentPodHash; // promotion: the canary becomes stable
            m_stable = m_canary;
            m_currentStepIndex = int(m_steps.size());
        }
    }
    setPhase(nowMs);
    return manifest() != before;
}

void RolloutSim::setPhase(qint64 nowMs)
{
    QString phase, message;
    if (m_abort) {
        phase = QStringLiteral("Degraded");
        message = QStringLiteral("RolloutAborted: ") + m_abortMessage;
    } else if (m_deadlineExceeded && !fullyPromoted()) {
        phase = QStringLiteral("Degraded");
        message = QStringLiteral("ProgressDeadlineExceeded: ") + deadlineMessage(m_name, m_currentPodHash);
    } else if (m_specPaused) {
        phase = QStringLiteral("Paused");
        message = QStringLiteral("manually paused");
    } else if (!m_pauseConditions.isEmpty()) {
        phase = QStringLiteral("Paused");
        message = m_pauseConditions.first().reason;
    } else if (!fullyPromoted()) {
        phase = QStringLiteral("Progressing");
        message = QStringLiteral("more replicas need to be updated");
    } else {
        phase = QStringLiteral("Healthy");
    }
    if (phase != m_phase || message != m_message)
        m_transitionMs = nowMs;
    m_phase = phase;
    m_message = message;
}

QPair<QString, QString> RolloutSim::health() const
{
    if (m_observedGeneration != m_generation)
        return {QStringLiteral("Progressing"),
                QStringLiteral("Waiting for rollout spec update to be observed")};
    if (m_phase == QStringLiteral("Degraded"))
        return {QStringLiteral("Degraded"), m_message};
    if (m_phase == QStringLiteral("Paused"))
        return {QStringLiteral("Suspended"),
                m_specPaused ? QStringLiteral("Rollout is paused") : m_message};
    if (m_phase == QStringLiteral("Progressing"))
        return {QStringLiteral("Progressing"),
                QStringLiteral("Waiting for roll out to finish: ") + m_message};
    return {QStringLiteral("Healthy"), QString()};
}

QJsonObject RolloutSim::manifest() const
{
    const QString app = m_name;
    QJsonArray steps;
    for (const CanaryStep &s : m_steps) {
        switch (s.kind) {
        case CanaryStep::Kind::SetWeight:
            steps.append(QJsonObject{{str("setWeight"), s.weight}});
            break;
        case CanaryStep::Kind::Pause: {
            QJsonObject pause;
            if (s.pauseSeconds >= 0)
                pause.insert(str("duration"), QStringLiteral("%1s").arg(s.pauseSeconds));
            steps.append(QJsonObject{{str("pause"), pause}});
            break;
        }
        case CanaryStep::Kind::Analysis:
            steps.append(QJsonObject{
                {str("analysis"),
                 QJsonObject{{str("templates"), QJsonArray{QJsonObject{{str("templateName"),
                                                                        s.analysisTemplate}}}}}}});
            break;
        }
    }
    const QString image = m_canary.image;
    QJsonObject container{
        {str("name"), app},
        {str("image"), image},
        {str("ports"), QJsonArray{QJsonObject{{str("containerPort"), 8080},
                                              {str("name"), str("http")},
                                              {str("protocol"), str("TCP")}}}},
        {str("resources"),
         QJsonObject{{str("requests"),
                      QJsonObject{{str("cpu"), str("50m")}, {str("memory"), str("64Mi")}}}}}};
    QJsonObject spec{
        {str("replicas"), m_replicas},
        {str("revisionHistoryLimit"), 3},
        {str("selector"), QJsonObject{{str("matchLabels"), QJsonObject{{str("app"), app}}}}},
        {str("strategy"),
         QJsonObject{
             {str("canary"),
              QJsonObject{{str("canaryService"), app + str("-canary")},
                          {str("stableService"), app + str("-stable")},
                          {str("trafficRouting"),
                           QJsonObject{{str("nginx"), QJsonObject{{str("stableIngress"), app}}}}},
                          {str("steps"), steps}}}}},
        {str("template"),
         QJsonObject{
             {str("metadata"), QJsonObject{{str("labels"), QJsonObject{{str("app"), app}}}}},
             {str("spec"), QJsonObject{{str("containers"), QJsonArray{container}}}}}}};
    if (m_specPausedSet)
        spec.insert(str("paused"), m_specPaused);
    if (!m_restartAt.isEmpty())
        spec.insert(str("restartAt"), m_restartAt);

    const int canaryReplicas = fullyPromoted() ? 0 : replicasFor(m_currentPodHash);
    const int total = fullyPromoted() ? m_replicas : m_replicas + canaryReplicas;
    const int updated = fullyPromoted() ? m_replicas : canaryReplicas;
    const int ready = m_canary.stalls && !fullyPromoted() ? total - canaryReplicas : total;
    const int weight = trafficWeight();

    QJsonObject canary{
        {str("weights"),
         QJsonObject{{str("canary"), QJsonObject{{str("podTemplateHash"), m_currentPodHash},
                                                 {str("serviceName"), app + str("-canary")},
                                                 {str("weight"), weight}}},
                     {str("stable"), QJsonObject{{str("podTemplateHash"), m_stableRS},
                                                 {str("serviceName"), app + str("-stable")},
                                                 {str("weight"), 100 - weight}}}}}};
    if (!m_analysisName.isEmpty()) {
        QJsonObject run{{str("name"), m_analysisName}, {str("status"), m_analysisStatus}};
        if (!m_analysisMessage.isEmpty())
            run.insert(str("message"), m_analysisMessage);
        canary.insert(str("currentStepAnalysisRunStatus"), run);
    }

    const QString t = isoTime(m_transitionMs);
    auto cond = [&](const char *type, const char *status, const QString &reason,
                    const QString &msg) {
        return QJsonObject{{str("type"), str(type)},       {str("status"), str(status)},
                           {str("reason"), reason},        {str("message"), msg},
                           {str("lastTransitionTime"), t}, {str("lastUpdateTime"), t}};
    };
    QJsonArray conditions{
        cond("Available", "True", str("AvailableReason"), str("Rollout has minimum availability"))};
    if (m_abort)
        conditions.append(cond("Progressing", "False", str("RolloutAborted"), m_abortMessage));
    else if (m_deadlineExceeded && !fullyPromoted())
        conditions.append(cond("Progressing", "False", str("ProgressDeadlineExceeded"),
                               deadlineMessage(app, m_currentPodHash)));
    else if (m_phase == str("Paused"))
        conditions.append(
            cond("Progressing", "Unknown", str("RolloutPaused"), str("Rollout is paused")));
    else if (fullyPromoted())
        conditions.append(cond("Progressing", "True", str("NewReplicaSetAvailable"),
                               QStringLiteral("ReplicaSet \"%1-%2\" has successfully progressed.")
                                   .arg(app, m_currentPodHash)));
    else
        conditions.append(cond(
            "Progressing", "True", str("ReplicaSetUpdated"),
            QStringLiteral("ReplicaSet \"%1-%2\" is progressing.").arg(app, m_currentPodHash)));
    if (m_phase == str("Paused"))
        conditions.append(cond("Paused", "True", str("RolloutPaused"), str("Rollout is paused")));
    conditions.append(
        fullyPromoted()
            ? cond("Healthy", "True", str("RolloutHealthy"), str("Rollout is healthy"))
            : cond("Healthy", "False", str("RolloutHealthy"), str("Rollout is not healthy")));
    conditions.append(
        fullyPromoted()
            ? cond("Completed", "True", str("RolloutCompleted"),
                   str("Rollout completed update to revision ") + QString::number(m_generation))
            : cond("Completed", "False", str("RolloutCompleted"), str("RolloutCompleted")));

    QJsonObject status{{str("HPAReplicas"), total},
                       {str("availableReplicas"), ready},
                       {str("readyReplicas"), ready},
                       {str("replicas"), total},
                       {str("updatedReplicas"), updated},
                       {str("blueGreen"), QJsonObject{}},
                       {str("canary"), canary},
                       {str("conditions"), conditions},
                       {str("currentPodHash"), m_currentPodHash},
                       {str("currentStepHash"), stableHex(QStringLiteral("steps:") + m_name, 10)},
                       {str("currentStepIndex"), m_currentStepIndex},
                       {str("observedGeneration"), QString::number(m_observedGeneration)},
                       {str("phase"), m_phase},
                       {str("selector"), str("app=") + app},
                       {str("stableRS"), m_stableRS}};
    if (!m_message.isEmpty())
        status.insert(str("message"), m_message);
    if (m_abortSet)
        status.insert(str("abort"), m_abort ? QJsonValue(true) : QJsonValue(QJsonValue::Null));
    if (m_abortedAtMs > 0)
        status.insert(str("abortedAt"), isoTime(m_abortedAtMs));
    if (m_controllerPause)
        status.insert(str("controllerPause"), true);
    if (!m_pauseConditions.isEmpty()) {
        QJsonArray pcs;
        for (const PauseCondition &pc : m_pauseConditions)
            pcs.append(
                QJsonObject{{str("reason"), pc.reason}, {str("startTime"), isoTime(pc.startMs)}});
        status.insert(str("pauseConditions"), pcs);
    }
    if (m_promoteFull)
        status.insert(str("promoteFull"), true);
    if (!m_restartedAt.isEmpty())
        status.insert(str("restartedAt"), m_restartedAt);

    return QJsonObject{
        {str("apiVersion"), str("argoproj.io/v1alpha1")},
        {str("kind"), str("Rollout")},
        {str("metadata"),
         QJsonObject{
             {str("name"), m_name},
             {str("namespace"), m_namespace},
             {str("uid"), stableHex(QStringLiteral("rollout-uid:") + m_namespace + m_name, 32)},
             {str("generation"), m_generation},
             {str("creationTimestamp"), isoTime(m_createdMs)},
             {str("annotations"),
              QJsonObject{{str("rollout.argoproj.io/revision"), QString::number(m_generation)}}},
             {str("labels"), QJsonObject{{str("app.kubernetes.io/instance"), m_name}}}}},
        {str("spec"), spec},
        {str("status"), status}};
}

void RolloutSim::readBack(const QJsonObject &patched)
{
    const QJsonObject spec = patched[str("spec")].toObject();
    const QJsonObject status = patched[str("status")].toObject();
    const bool pausedBefore = m_specPaused;
    m_specPausedSet = spec.contains(str("paused"));
    m_specPaused = truthy(spec[str("paused")]);
    const QString restartBefore = m_restartAt;
    m_restartAt = spec[str("restartAt")].toString();
    if (pausedBefore != m_specPaused || restartBefore != m_restartAt)
        ++m_generation; // a spec patch is a new generation for the controller to observe
    if (status.contains(str("abort"))) {
        m_abortSet = true;
        m_abort = truthy(status[str("abort")]);
    }
    m_promoteFull = truthy(status[str("promoteFull")]);
    m_currentStepIndex = std::clamp(status[str("currentStepIndex")].toInt(m_currentStepIndex), 0,
                                    int(m_steps.size()));
    if (!status.contains(str("pauseConditions")))
        m_pauseConditions.clear();
}

bool RolloutSim::runAction(const QString &actionName,
                           qint64 nowMs,
                           bool withV31Actions,
                           QString *error)
{
    QJsonObject live = manifest();
    const int indexBefore = m_currentStepIndex;
    if (!applyRolloutAction(live, actionName, isoTime(nowMs), withV31Actions, error))
        return false;
    readBack(live);
    if (m_currentStepIndex != indexBefore) {
        // skip-current-step: the controller begins the next step now
        m_controllerPause = false;
        m_stepStartedMs = nowMs;
    }
    return true;
}

} // namespace fd::sandbox::argocd
