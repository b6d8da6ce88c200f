#include "manageddiff.h"

#include <QJsonObject>

#include <algorithm>

namespace fd {

ManagedSummary ManagedSummary::of(const ManagedResources &side)
{
    ManagedSummary s;
    s.connectionId = side.connectionId;
    s.application = side.application;
    s.compared = side.usable();
    s.resources = int(side.resources.size());
    s.error = side.error;
    return s;
}

QString managedResourceLabel(const ManagedResource &resource)
{
    return QStringLiteral("argocd:") + resource.kind + QLatin1Char('/') + resource.name;
}

namespace {

/// Annotations the cluster or Argo CD writes: never part of what Git asks for.
bool systemAnnotation(const QString &key)
{
    return key == QLatin1String("kubectl.kubernetes.io/last-applied-configuration") ||
           key.startsWith(QLatin1String("argocd.argoproj.io/")) ||
           key == QLatin1String("deployment.kubernetes.io/revision");
}

QJsonObject withoutClusterNoise(QJsonObject manifest)
{
    manifest.remove(QLatin1String("status"));
    QJsonObject meta = manifest.value(QLatin1String("metadata")).toObject();
    if (meta.isEmpty())
        return manifest;
    for (const char *key :
         {"resourceVersion", "uid", "managedFields", "generation", "creationTimestamp", "selfLink"})
        meta.remove(QLatin1String(key));
    QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
    for (const QString &key : annotations.keys())
        if (systemAnnotation(key))
            annotations.remove(key);
    if (annotations.isEmpty())
        meta.remove(QLatin1String("annotations"));
    else
        meta.insert(QLatin1String("annotations"), annotations);
    manifest.insert(QLatin1String("metadata"), meta);
    return manifest;
}

/// Deployments and Argo Rollouts run the same pod template: an environment that moves to a
/// canary keeps its workload, so the two pair up and the kind shows as a change.
QString workloadFamily(const ManagedResource &r)
{
    if ((r.group == QLatin1String("apps") && r.kind == QLatin1String("Deployment")) ||
        (r.group == QLatin1String("argoproj.io") && r.kind == QLatin1String("Rollout")))
        return QStringLiteral("workload");
    return r.group + QLatin1Char('/') + r.kind;
}

struct Paired
{
    bool unreadable = false;
    QString name;
    QString label;
    const ManagedResource *a = nullptr;
    const ManagedResource *b = nullptr;
};

} // namespace

FlatYaml flattenManifest(const QJsonObject &manifest)
{
    return flattenJson(withoutClusterNoise(manifest));
}

QList<ConfigChange> diffDesired(const QList<ManagedResource> &a,
                                const QList<ManagedResource> &b,
                                const QString &envA,
                                const QString &envB,
                                const NoiseRules &rules,
                                QList<ImagePair> *images)
{
    // Pair by group/kind/name with the environment's own name made neutral; the namespace is
    // left out of the key, as it is expected to differ per environment.
    QMap<QString, Paired> pairs;
    const auto add = [&pairs](const QList<ManagedResource> &side, const QString &env, bool isA) {
        for (const ManagedResource &r : side) {
            if (r.desired.isEmpty() && r.error.isEmpty())
                continue; // Git no longer asks for it: drift's business, not config's
            const QString name = environmentNeutral(r.name, env);
            Paired &p = pairs[workloadFamily(r) + QLatin1Char('/') + name];
            (isA ? p.a : p.b) = &r;
            p.name = name;
            // Its desired state could not be read: saying its partner is "only in" the other
            // environment would be wrong, so the pair is left out (the problem is reported).
            p.unreadable = p.unreadable || r.desired.isEmpty();
        }
    };
    add(a, envA, true);
    add(b, envB, false);

    QList<Paired> ordered = pairs.values();
    for (Paired &p : ordered) {
        QString kind = p.a ? p.a->kind : p.b->kind;
        if (p.a && p.b && p.a->kind != p.b->kind)
            kind = p.a->kind + QLatin1Char('|') + p.b->kind;
        p.label = QStringLiteral("argocd:") + kind + QLatin1Char('/') + p.name;
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Paired &x, const Paired &y) { return x.label < y.label; });
    QList<ConfigChange> out;
    for (const Paired &p : std::as_const(ordered)) {
        if (p.unreadable)
            continue;
        const FlatYaml fa = p.a ? flattenManifest(p.a->desired) : FlatYaml{};
        const FlatYaml fb = p.b ? flattenManifest(p.b->desired) : FlatYaml{};
        if (!p.a || !p.b) {
            ConfigChange c;
            c.kind = p.a ? ConfigChange::Kind::Added : ConfigChange::Kind::Removed;
            c.file = p.label;
            c.a = p.a ? QStringLiteral("present") : QString();
            c.b = p.b ? QStringLiteral("present") : QString();
            out.append(c);
        } else {
            out.append(diffFlat(fa, fb, p.label, envA, envB, rules));
        }
        if (!images)
            continue;
        const QMap<QString, QString> ia = imagesOf(fa);
        const QMap<QString, QString> ib = imagesOf(fb);
        QStringList keys = ia.keys();
        for (const QString &k : ib.keys())
            if (!ia.contains(k))
                keys.append(k);
        for (const QString &k : std::as_const(keys)) {
            const QString va = ia.value(k), vb = ib.value(k);
            images->append({imageRepository(va.isEmpty() ? vb : va), p.label, va, vb});
        }
    }
    return out;
}

QList<ResourceDrift> driftOf(const ManagedResources &side, const QString &environment)
{
    QList<ResourceDrift> out;
    if (!side.usable())
        return out;
    for (const ManagedResource &r : side.resources) {
        ResourceDrift d;
        d.environment = environment;
        d.application = side.application;
        d.group = r.group;
        d.kind = r.kind;
        d.ns = r.ns;
        d.name = r.name;
        d.modified = r.modified;
        d.error = r.error;
        if (r.error.isEmpty()) {
            d.missingLive = !r.desired.isEmpty() && r.live.isEmpty();
            d.prunable = r.desired.isEmpty() && !r.live.isEmpty();
        }
        if (r.error.isEmpty() && !r.desired.isEmpty() && !r.live.isEmpty()) {
            // Only what Git sets counts: the cluster fills in defaults and controller fields
            // that no manifest names, and those are not drift.
            const FlatYaml desired = flattenManifest(r.desired);
            const FlatYaml live = flattenManifest(r.live);
            for (auto it = desired.leaves.cbegin(); it != desired.leaves.cend(); ++it) {
                const auto l = live.leaves.constFind(it.key());
                if (l != live.leaves.cend() && l->value == it->value)
                    continue;
                ConfigChange c;
                c.kind = l == live.leaves.cend() ? ConfigChange::Kind::Added
                                                 : ConfigChange::Kind::Changed;
                c.file = managedResourceLabel(r);
                c.path = it.key();
                c.a = it->value;
                c.b = l == live.leaves.cend() ? QString() : l->value;
                d.changes.append(c);
            }
        }
        if (d.drifted())
            out.append(d);
    }
    return out;
}

} // namespace fd
