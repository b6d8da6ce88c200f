#include "argocdprojects.h"

#include "core/sandbox.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>

namespace fd::sandbox::argocd {

namespace {

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

QString nanoTime(qint64 ms)
{
    // Argo CD log entries carry RFC 3339 with nanoseconds.
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(s("yyyy-MM-ddTHH:mm:ss.zzz")) +
           s("000000Z");
}

} // namespace

QJsonObject projectJson(const ProjectFacts &p)
{
    QJsonArray destinations;
    for (const QString &ns : p.namespaces)
        destinations.append(QJsonObject{{s("server"), s("https://kubernetes.default.svc")},
                                        {s("namespace"), ns},
                                        {s("name"), s("in-cluster")}});
    if (p.name == QLatin1String("default"))
        destinations = QJsonArray{QJsonObject{{s("server"), s("*")}, {s("namespace"), s("*")}}};
    QJsonObject spec{{s("sourceRepos"), QJsonArray{s("*")}},
                     {s("destinations"), destinations},
                     {s("clusterResourceWhitelist"),
                      QJsonArray{QJsonObject{{s("group"), s("*")}, {s("kind"), s("*")}}}}};
    if (p.name != QLatin1String("default"))
        spec.insert(s("description"),
                    QStringLiteral("Applications of the %1 environment").arg(p.name));
    if (!p.syncWindows.isEmpty())
        spec.insert(s("syncWindows"), p.syncWindows);
    return {
        {s("metadata"), QJsonObject{{s("name"), p.name},
                                    {s("namespace"), s("argocd")},
                                    {s("uid"), stableHex(s("project/") + p.name, 32)},
                                    {s("resourceVersion"),
                                     QString::number(stableHash(s("project/") + p.name) % 100000)},
                                    {s("generation"), 1},
                                    {s("creationTimestamp"), isoTime(p.createdMs)}}},
        {s("spec"), spec},
        {s("status"), QJsonObject{}}};
}

QJsonObject clusterListJson(int applications, qint64 createdMs, qint64 nowMs)
{
    // The connection is checked on the controller's cache sync; the newest full minute stands in.
    const QString checked = isoTime(nowMs - nowMs % 60000);
    const QJsonObject connection{{s("status"), s("Successful")}, {s("attemptedAt"), checked}};
    const QJsonObject cluster{
        {s("server"), s("https://kubernetes.default.svc")},
        {s("name"), s("in-cluster")},
        {s("config"), QJsonObject{{s("tlsClientConfig"), QJsonObject{{s("insecure"), false}}}}},
        {s("connectionState"), connection},
        {s("serverVersion"), s("1.33")},
        {s("info"),
         QJsonObject{{s("connectionState"), connection},
                     {s("serverVersion"), s("1.33")},
                     {s("cacheInfo"), QJsonObject{{s("resourcesCount"), 40 + 9 * applications},
                                                  {s("apisCount"), 64},
                                                  {s("lastCacheSyncTime"), isoTime(createdMs)}}},
                     {s("applicationsCount"), applications}}}};
    return {{s("metadata"), QJsonObject{}}, {s("items"), QJsonArray{cluster}}};
}

QJsonObject eventListJson(const QString &app, const QString &appUid, const QList<AppEvent> &events)
{
    QJsonArray items;
    for (const AppEvent &e : events) {
        const QString name = app + u'.' + stableHex(app + e.reason + QString::number(e.atMs), 16);
        items.append(QJsonObject{
            {s("metadata"),
             QJsonObject{{s("name"), name},
                         {s("namespace"), s("argocd")},
                         {s("uid"), stableHex(s("event/") + name, 32)},
                         {s("resourceVersion"), QString::number(stableHash(name) % 1000000)},
                         {s("creationTimestamp"), isoTime(e.atMs)}}},
            {s("involvedObject"), QJsonObject{{s("kind"), s("Application")},
                                              {s("namespace"), s("argocd")},
                                              {s("name"), app},
                                              {s("uid"), appUid},
                                              {s("apiVersion"), s("argoproj.io/v1alpha1")}}},
            {s("reason"), e.reason},
            {s("message"), e.message},
            {s("source"), QJsonObject{{s("component"), e.component}}},
            {s("firstTimestamp"), isoTime(e.atMs)},
            {s("lastTimestamp"), isoTime(e.atMs)},
            {s("count"), 1},
            {s("type"), e.warning ? s("Warning") : s("Normal")},
            {s("eventTime"), QJsonValue()},
            {s("reportingComponent"), QString()},
            {s("reportingInstance"), QString()}});
    }
    return {{s("metadata"), QJsonObject{}}, {s("items"), items}};
}

QByteArray podLogStream(const QString &pod, const QList<QPair<qint64, QString>> &lines, int tail)
{
    QByteArray out;
    const qsizetype from = tail > 0 ? std::max<qsizetype>(0, lines.size() - tail) : 0;
    for (qsizetype i = from; i < lines.size(); ++i) {
        const auto &[at, text] = lines.at(i);
        const QJsonObject entry{{s("content"), text},
                                {s("timeStamp"), isoTime(at)},
                                {s("timeStampStr"), nanoTime(at)},
                                {s("podName"), pod},
                                {s("last"), false}};
        out +=
            QJsonDocument(QJsonObject{{s("result"), entry}}).toJson(QJsonDocument::Compact) + '\n';
    }
    const QJsonObject last{{s("content"), QString()}, {s("podName"), pod}, {s("last"), true}};
    out += QJsonDocument(QJsonObject{{s("result"), last}}).toJson(QJsonDocument::Compact) + '\n';
    return out;
}

} // namespace fd::sandbox::argocd
