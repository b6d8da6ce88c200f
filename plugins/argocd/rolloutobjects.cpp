#include "rolloutobjects.h"

#include "argocdparsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <algorithm>

namespace fd::argocd {

namespace {

using L = QLatin1String;

struct Node
{
    ResourceRef ref;
    QString uid;
    QStringList parentUids;
    int revision = 0;
};

int revisionInfo(const QJsonObject &node)
{
    // Argo CD puts a ReplicaSet's revision annotation in its node info as "Rev:31".
    for (const auto &iv : node.value(L("info")).toArray()) {
        const QJsonObject i = iv.toObject();
        if (i.value(L("name")).toString() == L("Revision"))
            return i.value(L("value")).toString().section(QLatin1Char(':'), -1).toInt();
    }
    return 0;
}

bool isKind(const Node &n, L kind)
{
    return n.ref.kind == kind;
}

} // namespace

QHash<QString, OwnedObjectRefs> rolloutOwnedRefs(const QByteArray &treeBody, int maxPerKind)
{
    QHash<QString, OwnedObjectRefs> out;
    const QJsonArray nodes =
        QJsonDocument::fromJson(treeBody).object().value(L("nodes")).toArray();
    QList<Node> all;
    for (const auto &nv : nodes) {
        const QJsonObject o = nv.toObject();
        Node n;
        n.ref = {o.value(L("group")).toString(), o.value(L("version")).toString(),
                 o.value(L("kind")).toString(), o.value(L("namespace")).toString(),
                 o.value(L("name")).toString()};
        n.uid = o.value(L("uid")).toString();
        for (const auto &pv : o.value(L("parentRefs")).toArray())
            n.parentUids << pv.toObject().value(L("uid")).toString();
        n.revision = revisionInfo(o);
        all << n;
    }
    const auto childrenOf = [&](const QString &uid, L kind) {
        QList<Node> c;
        if (uid.isEmpty())
            return c;
        for (const auto &n : std::as_const(all))
            if (isKind(n, kind) && n.parentUids.contains(uid))
                c << n;
        return c;
    };
    for (const auto &ro : std::as_const(all)) {
        if (!isKind(ro, L("Rollout")) || ro.ref.group != L("argoproj.io"))
            continue;
        OwnedObjectRefs owned;
        owned.rolloutUid = ro.uid;
        const auto keep = [&](QList<Node> list, L kind) {
            if (list.size() > maxPerKind) {
                owned.leftOut[kind] += int(list.size()) - maxPerKind;
                list = list.mid(0, maxPerKind);
            }
            for (const auto &n : list)
                owned.refs << n.ref;
            return list;
        };
        QList<Node> sets = childrenOf(ro.uid, L("ReplicaSet"));
        std::sort(sets.begin(), sets.end(),
                  [](const Node &a, const Node &b) { return a.revision > b.revision; });
        QList<Node> experiments = keep(childrenOf(ro.uid, L("Experiment")), L("Experiment"));
        QList<Node> runs = childrenOf(ro.uid, L("AnalysisRun"));
        for (const auto &e : std::as_const(experiments)) {
            sets << childrenOf(e.uid, L("ReplicaSet"));
            runs << childrenOf(e.uid, L("AnalysisRun"));
        }
        sets = keep(sets, L("ReplicaSet"));
        keep(runs, L("AnalysisRun"));
        QList<Node> pods;
        for (const auto &rs : std::as_const(sets))
            pods << childrenOf(rs.uid, L("Pod"));
        keep(pods, L("Pod"));
        for (auto &r : owned.refs)
            if (r.version.isEmpty())
                r.version = r.group.isEmpty() || r.group == L("apps") ? QStringLiteral("v1")
                                                                       : QStringLiteral("v1alpha1");
        out.insert(ro.ref.name, owned);
    }
    return out;
}

QString objectResourcePath(const AppState &app, const ResourceRef &ref)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("namespace"), ref.nameSpace);
    q.addQueryItem(QStringLiteral("resourceName"), ref.name);
    q.addQueryItem(QStringLiteral("group"), ref.group);
    q.addQueryItem(QStringLiteral("kind"), ref.kind);
    q.addQueryItem(QStringLiteral("version"), ref.version);
    if (!app.appNamespace.isEmpty())
        q.addQueryItem(QStringLiteral("appNamespace"), app.appNamespace);
    return QStringLiteral("/api/v1/applications/%1/resource?").arg(app.name) +
           q.toString(QUrl::FullyEncoded);
}

void addOwnedObject(RolloutObjects *objects,
                    const ResourceRef &ref,
                    const QByteArray &body,
                    const QString &readError)
{
    QString error = readError;
    QJsonObject manifest;
    if (error.isEmpty())
        manifest = parseResourceEnvelope(body, &error);
    QString *kindError = nullptr;
    QList<QJsonObject> *list = nullptr;
    if (ref.kind == L("ReplicaSet")) {
        kindError = &objects->replicaSetsError;
        list = &objects->replicaSets;
    } else if (ref.kind == L("Pod")) {
        kindError = &objects->podsError;
        list = &objects->pods;
    } else if (ref.kind == L("Experiment")) {
        kindError = &objects->experimentsError;
        list = &objects->experiments;
    } else if (ref.kind == L("AnalysisRun")) {
        kindError = &objects->analysisRunsError;
        list = &objects->analysisRuns;
    } else {
        return;
    }
    if (!error.isEmpty()) {
        if (kindError->isEmpty())
            *kindError = QStringLiteral("%1 %2: %3").arg(ref.kind, ref.name, error);
        return;
    }
    list->append(manifest);
}

void noteLeftOut(RolloutObjects *objects, const OwnedObjectRefs &refs)
{
    for (auto it = refs.leftOut.begin(); it != refs.leftOut.end(); ++it) {
        const QString why =
            QStringLiteral("%1 more %2 objects were not read (at most %3 per refresh)")
                .arg(it.value())
                .arg(it.key())
                .arg(kMaxOwnedPerKind);
        // Older ReplicaSets left out still count for the tree, not for weights: the kept ones
        // are the newest, which hold the stable and canary pods.
        if (it.key() == L("Pod") && objects->podsError.isEmpty())
            objects->podsError = why;
        else if (it.key() == L("AnalysisRun") && objects->analysisRunsError.isEmpty())
            objects->analysisRunsError = why;
        else if (it.key() == L("Experiment") && objects->experimentsError.isEmpty())
            objects->experimentsError = why;
    }
}

} // namespace fd::argocd
