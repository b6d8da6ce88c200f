#pragma once

// A simulated Argo Rollout (canary strategy) and the Argo CD resource actions on it.
//
// The split mirrors the real system: Argo CD's actions are patches of the live Rollout
// object (JSON in, JSON out, see applyRolloutAction), and the Rollouts controller reacts to
// the patched object on its next reconcile (RolloutSim::reconcile). Discovery works on the
// manifest alone, so it can be checked against upstream's action_test.yaml objects.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace fd::sandbox::argocd {

struct CanaryStep
{
    enum class Kind { SetWeight, Pause, Analysis };
    Kind kind = Kind::SetWeight;
    int weight = 0;           // SetWeight
    qint64 pauseSeconds = -1; // Pause: -1 = no duration, waits for a manual resume
    QString analysisTemplate; // Analysis

    static CanaryStep setWeight(int w) { return {Kind::SetWeight, w, -1, {}}; }
    static CanaryStep pause(qint64 seconds = -1) { return {Kind::Pause, 0, seconds, {}}; }
    static CanaryStep analysis(const QString &t) { return {Kind::Analysis, 0, -1, t}; }
};

/// The action list Argo CD's Rollout discovery.lua would offer for @p rollout (a live
/// Rollout manifest), sorted by name as the API server returns it. @p withV31Actions adds
/// `pause` and `skip-current-step` (Argo CD >= 3.1).
QJsonArray rolloutActions(const QJsonObject &rollout, bool withV31Actions);

/// Applies one Rollout action to the live manifest the way the Lua action does.
/// @p nowIso is used by `restart`. False with *error for an unknown action.
bool applyRolloutAction(QJsonObject &rollout,
                        const QString &action,
                        const QString &nowIso,
                        bool withV31Actions,
                        QString *error);

/// One canary Rollout and the part of the Argo Rollouts controller that moves it.
class RolloutSim
{
public:
    struct Revision
    {
        QString version;
        QString image;
        bool bad = false;    // its analysis fails
        bool stalls = false; // its pods never become ready (bad image): progress deadline
    };

    RolloutSim() = default;
    RolloutSim(QString name, QString ns, QList<CanaryStep> steps, int replicas);

    /// Starts fully promoted on @p stable (no update in flight).
    void setStable(const Revision &stable, qint64 nowMs);
    /// A new pod template (what a sync of a new version does): the canary starts at step 0.
    void startUpdate(const Revision &next, qint64 nowMs);
    /// Places an update in flight at @p stepIndex, as if the controller had got there.
    void startUpdateAt(const Revision &next, int stepIndex, qint64 nowMs);

    /// One controller reconcile at @p nowMs. True when anything in the status changed.
    bool reconcile(qint64 nowMs);

    /// The live object: apiVersion/kind/metadata/spec/status as the cluster would return it.
    QJsonObject manifest() const;
    /// Runs an Argo CD action: patch the manifest, then read the patched fields back.
    bool runAction(const QString &action, qint64 nowMs, bool withV31Actions, QString *error);

    // what the app view needs
    QString name() const { return m_name; }
    QString ns() const { return m_namespace; }
    QString phase() const { return m_phase; }
    QString message() const { return m_message; }
    bool paused() const { return m_specPaused || !m_pauseConditions.isEmpty(); }
    bool aborted() const { return m_abort; }
    bool fullyPromoted() const { return m_currentPodHash == m_stableRS; }
    int currentStepIndex() const { return m_currentStepIndex; }
    int canaryWeight() const;
    QString stableHash() const { return m_stableRS; }
    QString canaryHash() const { return m_currentPodHash; }
    const Revision &stableRevision() const { return m_stable; }
    const Revision &canaryRevision() const { return m_canary; }
    const QList<CanaryStep> &steps() const { return m_steps; }
    QString analysisRunName() const { return m_analysisName; }
    QString analysisRunStatus() const { return m_analysisStatus; }
    qint64 generation() const { return m_generation; }
    int replicas() const { return m_replicas; }
    /// Pods per ReplicaSet hash under the current weights (what the resource tree shows).
    int replicasFor(const QString &hash) const;
    /// Argo CD's health of this Rollout (the Rollout health.lua result): status + message.
    QPair<QString, QString> health() const;
    /// metadata.uid of the live Rollout: its ReplicaSets' ownerReferences name it.
    QString uid() const;
    /// The hashes of the ReplicaSets it owns now: stable, then the canary while one runs.
    QStringList replicaSetHashes() const;
    /// "<rollout>-<hash>" and its pods' names, as the resource tree lists them.
    QString replicaSetName(const QString &hash) const { return m_name + u'-' + hash; }
    QString podName(const QString &hash, int index) const;
    /// The live ReplicaSet / pod as the cluster returns them (label
    /// rollouts-pod-template-hash, revision annotation, ownerReferences uid, replica counts);
    /// empty when this Rollout has no such object.
    QJsonObject replicaSetManifest(const QString &name, const QString &uidOf) const;
    QJsonObject podManifest(const QString &name) const;
    /// The traffic weight the router really gives the canary: 0 while its pods are not ready.
    int trafficWeight() const;
    QString restartedAt() const { return m_restartedAt; }

    static constexpr qint64 kStepSettleMs = 5000; // a setWeight step's pods becoming ready
    static constexpr qint64 kAnalysisMs = 30000;  // one AnalysisRun
    static constexpr qint64 kProgressDeadlineMs = 600000; // spec.progressDeadlineSeconds default
    static QString podHash(const QString &image);

private:
    void setPhase(qint64 nowMs);
    void readBack(const QJsonObject &patched);
    void finishAnalysis(bool failed, qint64 atMs);

    QString m_name, m_namespace;
    QList<CanaryStep> m_steps;
    int m_replicas = 5;
    qint64 m_generation = 1;
    qint64 m_createdMs = 0;
    Revision m_stable, m_canary;

    // spec fields an action may patch
    bool m_specPaused = false;
    bool m_specPausedSet = false;
    QString m_restartAt;

    // status
    QString m_stableRS, m_currentPodHash;
    int m_currentStepIndex = 0;
    bool m_abort = false;
    bool m_abortSet = false; // "abort: null" after retry stays visible as in the real object
    qint64 m_abortedAtMs = 0;
    bool m_promoteFull = false;
    bool m_controllerPause = false;
    struct PauseCondition
    {
        QString reason;
        qint64 startMs = 0;
    };
    QList<PauseCondition> m_pauseConditions;
    qint64 m_stepStartedMs = 0;
    QString m_analysisName, m_analysisStatus, m_analysisMessage;
    QString m_phase = QStringLiteral("Healthy"), m_message;
    QString m_abortMessage;
    QString m_restartedAt;
    qint64 m_transitionMs = 0; // last phase change, for the conditions' timestamps
    qint64 m_observedGeneration = 1;
    bool m_wasAborted = false;
    bool m_deadlineExceeded = false; // a stalled canary ran past its progress deadline
};

} // namespace fd::sandbox::argocd
