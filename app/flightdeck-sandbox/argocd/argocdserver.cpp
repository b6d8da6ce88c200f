#include "argocd/argocdserver.h"

#include "argocd/rollout.h"
#include "argocdprojects.h"
#include "core/backends.h"

#include <httplib.h>

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <optional>

namespace fd::sandbox {

namespace argocd {

namespace {

// grpc-gateway's JSON marshaler answers "application/json", no charset.
void sendArgoJson(httplib::Response &res, int status, const QJsonDocument &doc)
{
    sendJson(res, status, doc, "application/json");
}

std::atomic<qint64> g_keepAliveMs{15000};

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

QString param(const httplib::Request &req, const char *key)
{
    return req.has_param(key) ? fromStd(req.get_param_value(key)) : QString();
}

QStringList params(const httplib::Request &req, const char *key)
{
    QStringList out;
    const size_t n = req.get_param_value_count(key);
    for (size_t i = 0; i < n; ++i)
        for (const QString &v :
             fromStd(req.get_param_value(key, i)).split(u',', Qt::SkipEmptyParts))
            out.append(v);
    return out;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void projectItem(const QStringList &path,
                 QJsonValueRef item,
                 const QSet<QString> &fields,
                 bool exclude);

void projectObject(const QStringList &path,
                   QJsonObject &obj,
                   const QSet<QString> &fields,
                   bool exclude)
{
    const QStringList keys = obj.keys();
    for (const QString &k : keys) {
        QStringList childPath = path;
        childPath.append(k);
        const QString fieldPath = childPath.join(u'.');
        const bool pathIn = fields.contains(fieldPath);
        bool parentPathIn = pathIn;
        if (!parentPathIn)
            for (const QString &f : fields)
                if (f.startsWith(fieldPath)) {
                    parentPathIn = true;
                    break;
                }
        const bool keep = (exclude && !pathIn) || (!exclude && parentPathIn);
        if (keep) {
            if (!pathIn)
                projectItem(childPath, obj[k], fields, exclude);
        } else {
            obj.remove(k);
        }
    }
}

void projectItem(const QStringList &path,
                 QJsonValueRef item,
                 const QSet<QString> &fields,
                 bool exclude)
{
    if (item.isObject()) {
        QJsonObject o = item.toObject();
        projectObject(path, o, fields, exclude);
        item = o;
    } else if (item.isArray()) {
        QJsonArray a = item.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            projectItem(path, a[i], fields, exclude);
        item = a;
    }
}

} // namespace

void setKeepAliveIntervalMs(qint64 ms)
{
    g_keepAliveMs = ms;
}

qint64 keepAliveIntervalMs()
{
    return g_keepAliveMs;
}

void projectFields(QJsonObject &object, const QString &fieldsQuery)
{
    if (fieldsQuery.isEmpty())
        return;
    QString q = fieldsQuery;
    bool exclude = false;
    if (q.startsWith(u'-')) {
        q.remove(0, 1);
        exclude = true;
    }
    QSet<QString> fields;
    for (const QString &f : q.split(u','))
        fields.insert(f);
    projectObject({}, object, fields, exclude);
}

namespace {

constexpr qint64 kSyncMs = 3000; // a sync operation from Running to Succeeded

struct HistoryEntry
{
    qint64 id = 0;
    QString revision;
    QString version;
    qint64 startedMs = 0, deployedMs = 0;
    QString username;
    bool automated = false;
};

struct Operation
{
    bool running = false;
    bool exists = false;
    QString phase, message;
    qint64 startedMs = 0, finishedMs = 0, doneAtMs = 0;
    QString revision, version, username;
    bool automated = false;
    bool failed = false;
};

struct App
{
    QString name, service, env, project, ns, org;
    bool autoSync = false;
    bool drift = false;
    bool corruptManagedState = false; // test knob: managed-resources serves a cut-off live state
    int replicas = 2;
    QList<HistoryEntry> history;
    QString revision, version; // what is synced
    Operation op;
    std::optional<RolloutSim> rollout;
    qint64 createdMs = 0;
    QString churnHealth; // load knob override ("" = none)
    qint64 churnMs = 0;
    // cache
    qint64 resourceVersion = 0;
    QByteArray stateBytes; // without resourceVersion, to suppress identical events
    QJsonObject json;
    QByteArray bytes;
};

/// A project's sync window (v1alpha1SyncWindow). Only daily schedules ("M H * * *") are
/// simulated; that is what the scenario uses.
struct SyncWindowSim
{
    QString project, kind, schedule, duration, description;
    QStringList applications;
    bool manualSync = false;

    /// @p v3: Argo CD 3.x; 2.14's SyncWindow has no description yet
    QJsonObject toJson(bool v3) const
    {
        QJsonObject o{{QStringLiteral("kind"), kind},
                      {QStringLiteral("schedule"), schedule},
                      {QStringLiteral("duration"), duration},
                      {QStringLiteral("applications"), QJsonArray::fromStringList(applications)},
                      {QStringLiteral("timeZone"), QStringLiteral("UTC")}};
        if (v3)
            o.insert(QStringLiteral("description"), description);
        if (manualSync)
            o.insert(QStringLiteral("manualSync"), true);
        return o;
    }
    bool appliesTo(const QString &app) const
    {
        for (const QString &g : applications)
            if (QRegularExpression(QRegularExpression::wildcardToRegularExpression(g))
                    .match(app)
                    .hasMatch())
                return true;
        return false;
    }
    bool activeAt(qint64 nowMs) const
    {
        const QStringList f = schedule.split(u' ', Qt::SkipEmptyParts);
        if (f.size() != 5 || f[2] != QLatin1String("*") || f[3] != QLatin1String("*") ||
            f[4] != QLatin1String("*"))
            return false;
        const qint64 minute = f[0].toLongLong(), hour = f[1].toLongLong();
        const qint64 unit = duration.endsWith(u'h') ? 3600000 : duration.endsWith(u'm') ? 60000 : 0;
        const qint64 length = duration.chopped(1).toLongLong() * unit;
        const qint64 day = 24LL * 3600 * 1000;
        const qint64 start = nowMs / day * day + (hour * 60 + minute) * 60000;
        return (nowMs >= start && nowMs < start + length) ||
               (nowMs >= start - day && nowMs < start - day + length);
    }
};

struct Event
{
    qint64 rv = 0;
    int app = -1;
    QByteArray type;
    QJsonObject application;
};

class ArgoCdServer final : public BackendServer
{
public:
    explicit ArgoCdServer(Sandbox &sandbox);
    ~ArgoCdServer() override;

    void installRoutes(httplib::Server &server) override;
    void tick(qint64 simNowMs) override;
    void reset() override;
    void writeError(httplib::Response &res, int status, const QString &message) override;
    QJsonObject credentials() const override;

private:
    using Handler = std::function<void(const httplib::Request &, httplib::Response &)>;
    Handler wrap(Handler h, bool needsAuth = true);
    void grpcError(httplib::Response &res, int httpStatus, int code, const QString &message);
    bool authenticated(const httplib::Request &req, QString *why) const;

    void build();
    QString imageOf(const App &a, const QString &version) const;
    QJsonObject appJson(const App &a) const;
    void refresh(int index, const QByteArray &type = "MODIFIED");
    App *findApp(const httplib::Request &req, httplib::Response &res, const QString &name);
    bool matches(const App &a,
                 const QString &name,
                 const QStringList &projects,
                 const QString &selector) const;
    void startOperation(
        App &a, const QString &revision, const QString &version, bool automated, qint64 now);
    void finishOperation(App &a, qint64 now);
    struct RolloutMoment
    {
        bool promoted = false;
        bool aborted = false;
    };
    RolloutMoment rolloutMoment(const App &a) const;
    void noteRolloutOutcome(const App &a, const RolloutMoment &before, qint64 now);
    QString healthOf(const App &a, QString *message) const;
    QJsonObject liveObject(const App &a, const QString &kind, bool withStatus) const;
    QJsonObject treeOf(const App &a) const;

    void handleList(const httplib::Request &req, httplib::Response &res);
    void handleStream(const httplib::Request &req, httplib::Response &res);
    void handleAction(const httplib::Request &req,
                      httplib::Response &res,
                      const QString &name,
                      const QJsonObject &target,
                      const QString &action);
    void runChurn();

    bool m_v3 = true;
    QString m_username = s("admin"), m_password, m_token;
    QSet<QString> m_sessions;
    std::vector<App> m_apps;
    QHash<QString, int> m_byName;
    QList<SyncWindowSim> m_windows;
    /// The windows of @p a's project that apply to it; *canSync false when one blocks a manual
    /// sync now.
    QJsonObject windowsOf(const App &a, bool *canSync) const;
    /// Sync and rollback both refuse while an operation runs or a sync window blocks; true
    /// when @p res now holds that refusal.
    bool refusedNow(const App &a, httplib::Response &res);

    std::mutex m_eventMutex;
    std::condition_variable m_eventCv;
    std::deque<Event> m_events;
    qint64 m_rv = 0; // under m_eventMutex and lock()
    std::atomic<bool> m_stopping{false};

    std::atomic<int> m_churnPerSecond{0};
    std::thread m_churnThread;
    std::atomic<qint64> m_churned{0};
};

ArgoCdServer::ArgoCdServer(Sandbox &sandbox)
    : BackendServer(s("argocd"), sandbox)
{
    m_v3 = !sandbox.options().argocdVersion.startsWith(s("2."));
    const QString seed = QString::number(sandbox.options().seed);
    m_password = stableHex(s("argocd-password/") + seed, 16);
    const auto b64 = [](const QByteArray &b) {
        return QString::fromLatin1(
            b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    // an account token shaped like Argo CD's HS256 JWTs; only the sandbox checks it
    m_token =
        b64(R"({"alg":"HS256","typ":"JWT"})") + u'.' +
        b64(QStringLiteral(R"({"iss":"argocd","sub":"admin:apiKey","nbf":%1,"iat":%1,"jti":"%2"})")
                .arg(sandbox.clock().epochMs() / 1000)
                .arg(stableHex(s("jti/") + seed, 32))
                .toUtf8()) +
        u'.' + b64(QByteArray::fromHex(stableHex(s("sig/") + seed, 64).toLatin1()));
    std::lock_guard guard(sandbox.lock());
    build();
    m_churnThread = std::thread([this] { runChurn(); });
}

ArgoCdServer::~ArgoCdServer()
{
    m_stopping = true;
    m_eventCv.notify_all();
    if (m_churnThread.joinable())
        m_churnThread.join();
}

QJsonObject ArgoCdServer::credentials() const
{
    return QJsonObject{
        {s("token"), m_token}, {s("username"), m_username}, {s("password"), m_password}};
}

void ArgoCdServer::grpcError(httplib::Response &res,
                             int httpStatus,
                             int code,
                             const QString &message)
{
    sendArgoJson(res, httpStatus,
                 QJsonDocument(QJsonObject{{s("error"), message},
                                           {s("code"), code},
                                           {s("message"), message},
                                           {s("details"), QJsonArray{}}}));
}

void ArgoCdServer::writeError(httplib::Response &res, int status, const QString &message)
{
    // the grpc code grpc-gateway would have mapped to this HTTP status
    int code = 2;
    switch (status) {
    case 400:
        code = 3;
        break;
    case 401:
        code = 16;
        break;
    case 403:
        code = 7;
        break;
    case 404:
        code = 5;
        break;
    case 409:
        code = 6;
        break;
    case 429:
        code = 8;
        break;
    case 501:
        code = 12;
        break;
    case 503:
        code = 14;
        break;
    case 504:
        code = 4;
        break;
    default:
        code = status >= 500 ? 13 : 2;
    }
    grpcError(res, status, code, message);
}

bool ArgoCdServer::authenticated(const httplib::Request &req, QString *why) const
{
    QString token;
    const QString auth = fromStd(req.get_header_value("Authorization"));
    if (auth.startsWith(s("Bearer "), Qt::CaseInsensitive))
        token = auth.mid(7).trimmed();
    if (token.isEmpty()) {
        for (const QString &c : fromStd(req.get_header_value("Cookie")).split(u';')) {
            const QString t = c.trimmed();
            if (t.startsWith(s("argocd.token=")))
                token = t.mid(13);
        }
    }
    if (token.isEmpty()) {
        *why = s("no session information");
        return false;
    }
    if (token == m_token || m_sessions.contains(token))
        return true;
    *why = s("invalid session: token signature is invalid");
    return false;
}

ArgoCdServer::Handler ArgoCdServer::wrap(Handler h, bool needsAuth)
{
    // faults, post-faults and the request log are wired by the core around every route
    return [this, h, needsAuth](const httplib::Request &req, httplib::Response &res) {
        QString why;
        bool ok = true;
        if (needsAuth) {
            std::lock_guard guard(sandbox().lock());
            ok = authenticated(req, &why);
        }
        if (!ok)
            grpcError(res, 401, 16, why);
        else
            h(req, res);
    };
}

QString ArgoCdServer::imageOf(const App &a, const QString &version) const
{
    return QStringLiteral("ghcr.io/%1/%2:%3").arg(a.org, a.service, version);
}

void ArgoCdServer::build()
{
    m_apps.clear();
    m_byName.clear();
    const World &world = sandbox().world();
    const qint64 now = sandbox().clock().nowMs();
    bool driftPicked = false;
    for (const auto &[service, target] : world.targetsOn(s("argocd"))) {
        App a;
        a.name = target->object;
        a.service = service->name;
        a.env = target->environment;
        a.project = target->environment;
        a.ns = service->name + u'-' + target->environment;
        a.org = world.org;
        a.autoSync = target->autoSync;
        a.replicas = target->environment == s("prod") ? 4 : 2;
        a.createdMs = world.epochMs - 90LL * 24 * 3600 * 1000;
        qint64 nextId = 1;
        const SimDeploy *lastOk = nullptr;
        for (const SimDeploy &d : target->history) {
            if (!d.succeeded)
                continue;
            HistoryEntry h;
            h.id = d.historyId > 0 ? d.historyId : nextId;
            nextId = h.id + 1;
            h.revision = d.gitopsRevision.isEmpty()
                             ? stableHex(s("gitops/") + a.name + u'/' + d.version)
                             : d.gitopsRevision;
            h.version = d.version;
            h.deployedMs = d.atMs;
            h.startedMs = d.atMs - 4000;
            h.username = d.by;
            h.automated = a.autoSync;
            a.history.append(h);
            lastOk = &d;
        }
        while (a.history.size() > 10) // spec.revisionHistoryLimit
            a.history.removeFirst();
        if (!a.history.isEmpty()) {
            a.revision = a.history.last().revision;
            a.version = a.history.last().version;
            a.op.exists = true;
            a.op.phase = s("Succeeded");
            a.op.message = s("successfully synced (all tasks run)");
            a.op.startedMs = a.history.last().startedMs;
            a.op.finishedMs = a.history.last().deployedMs;
            a.op.revision = a.revision;
            a.op.version = a.version;
            a.op.username = a.history.last().username;
            a.op.automated = a.autoSync;
        }
        if (!target->history.isEmpty() && !target->history.last().succeeded) {
            const SimDeploy &bad = target->history.last();
            a.op.exists = true;
            a.op.phase = s("Failed");
            a.op.message = s("one or more objects failed to apply, reason: admission webhook "
                             "denied the request");
            a.op.startedMs = bad.atMs - 4000;
            a.op.finishedMs = bad.atMs;
            a.op.revision = bad.gitopsRevision.isEmpty()
                                ? stableHex(s("gitops/") + a.name + u'/' + bad.version)
                                : bad.gitopsRevision;
            a.op.version = bad.version;
            a.op.username = bad.by;
        }
        (void)lastOk;
        if (target->canary) {
            RolloutSim r(target->rollout.isEmpty() ? service->name : target->rollout, a.ns,
                         {CanaryStep::setWeight(20), CanaryStep::pause(), CanaryStep::setWeight(50),
                          CanaryStep::pause(600), CanaryStep::analysis(s("error-rate")),
                          CanaryStep::setWeight(100)},
                         a.replicas);
            const auto bad = [&](const QString &v) {
                const SimRelease *rel = service->release(v);
                return rel && rel->bad;
            };
            const int n = int(a.history.size());
            if (n >= 2 && (target->pendingApproval || bad(a.history.last().version))) {
                const HistoryEntry &stable = a.history[n - 2];
                const HistoryEntry &next = a.history[n - 1];
                r.setStable({stable.version, imageOf(a, stable.version), bad(stable.version)},
                            next.startedMs);
                // the gate: the canary waits at its manual pause step
                // the incident: the canary's pods never become ready, so it stalls at its
                // 50 % step (actual traffic 0 %) until the progress deadline makes the
                // Rollout Degraded; otherwise it waits at its manual pause step
                const bool stalls = sandbox().options().scenario == s("incident");
                r.startUpdateAt(
                    {next.version, imageOf(a, next.version), bad(next.version), stalls},
                    stalls ? 2 : (target->pendingApproval ? 1 : 0),
                    stalls ? now - RolloutSim::kProgressDeadlineMs - 60000
                           : (target->pendingApproval ? now : next.deployedMs));
            } else if (n >= 1) {
                r.setStable({a.version, imageOf(a, a.version), bad(a.version)},
                            a.history.last().deployedMs);
            }
            a.rollout = std::move(r);
        } else if (!driftPicked && !a.autoSync && a.env != s("prod")) {
            a.drift = true; // someone scaled it by hand: the app is OutOfSync with a diff
            driftPicked = true;
        }
        m_byName.insert(a.name, int(m_apps.size()));
        m_apps.push_back(std::move(a));
    }
    // a freeze Argo CD enforces itself: checkout's dev cluster is being migrated
    m_windows = {SyncWindowSim{s("dev"),
                               s("deny"),
                               s("0 0 * * *"),
                               s("24h"),
                               s("checkout dev cluster migration (INFRA-2231)"),
                               {s("checkout-*")},
                               false},
                 SyncWindowSim{s("prod"),
                               s("allow"),
                               s("0 6 * * *"),
                               s("12h"),
                               s("checkout deploys to prod in business hours"),
                               {s("checkout-*")},
                               true}};
    std::lock_guard events(m_eventMutex);
    m_events.clear();
    for (int i = 0; i < int(m_apps.size()); ++i) {
        App &a = m_apps[size_t(i)];
        QJsonObject j = appJson(a);
        a.stateBytes = compact(j);
        a.resourceVersion = ++m_rv;
        QJsonObject meta = j[s("metadata")].toObject();
        meta.insert(s("resourceVersion"), QString::number(a.resourceVersion));
        j.insert(s("metadata"), meta);
        a.json = j;
        a.bytes = compact(j);
    }
}

QString ArgoCdServer::healthOf(const App &a, QString *message) const
{
    if (!a.churnHealth.isEmpty())
        return a.churnHealth;
    if (a.rollout) {
        const auto h = a.rollout->health();
        if (message)
            *message = h.second;
        return h.first;
    }
    if (a.op.running)
        return s("Progressing");
    return s("Healthy");
}

QJsonObject ArgoCdServer::appJson(const App &a) const
{
    const World &world = sandbox().world();
    const QString repo = world.gitopsPath.isEmpty()
                             ? QStringLiteral("https://git.example.com/%1/gitops.git").arg(a.org)
                             : QStringLiteral("file://") + world.gitopsPath;
    const QJsonObject source{
        {s("repoURL"), repo},
        {s("path"), QStringLiteral("apps/%1/overlays/%2").arg(a.service, a.env)},
        {s("targetRevision"), s("HEAD")}};
    const QJsonObject destination{{s("server"), s("https://kubernetes.default.svc")},
                                  {s("namespace"), a.ns}};
    QJsonObject syncPolicy{{s("syncOptions"), QJsonArray{s("CreateNamespace=true")}}};
    if (a.autoSync)
        syncPolicy.insert(s("automated"), QJsonObject{{s("prune"), true}, {s("selfHeal"), true}});
    const QJsonObject spec{{s("source"), source},
                           {s("destination"), destination},
                           {s("project"), a.project},
                           {s("syncPolicy"), syncPolicy}};

    QJsonArray history;
    for (const HistoryEntry &h : a.history)
        history.append(QJsonObject{
            {s("id"), h.id},
            {s("revision"), h.revision},
            {s("deployedAt"), isoTime(h.deployedMs)},
            {s("deployStartedAt"), isoTime(h.startedMs)},
            {s("source"), source},
            {s("initiatedBy"), h.automated ? QJsonObject{{s("automated"), true}}
                                           : QJsonObject{{s("username"), h.username}}}});

    QString healthMessage;
    const QString health = healthOf(a, &healthMessage);
    const QString kind = a.rollout ? s("Rollout") : s("Deployment");
    const QString group = a.rollout ? s("argoproj.io") : s("apps");
    const QString version = a.rollout ? s("v1alpha1") : s("v1");
    const QString workload = a.rollout ? a.rollout->name() : a.service;
    const QString syncStatus = a.drift ? s("OutOfSync") : s("Synced");
    QJsonObject workloadHealth{{s("status"), health}};
    if (!healthMessage.isEmpty())
        workloadHealth.insert(s("message"), healthMessage);
    QJsonArray resources{QJsonObject{{s("version"), s("v1")},
                                     {s("kind"), s("ConfigMap")},
                                     {s("namespace"), a.ns},
                                     {s("name"), a.service + s("-config")},
                                     {s("status"), s("Synced")}},
                         QJsonObject{{s("version"), s("v1")},
                                     {s("kind"), s("Service")},
                                     {s("namespace"), a.ns},
                                     {s("name"), a.service},
                                     {s("status"), s("Synced")},
                                     {s("health"), QJsonObject{{s("status"), s("Healthy")}}}},
                         QJsonObject{{s("group"), group},
                                     {s("version"), version},
                                     {s("kind"), kind},
                                     {s("namespace"), a.ns},
                                     {s("name"), workload},
                                     {s("status"), syncStatus},
                                     {s("health"), workloadHealth}}};

    QJsonArray images{imageOf(a, a.version)};
    if (a.rollout && !a.rollout->fullyPromoted() &&
        a.rollout->stableRevision().version != a.version)
        images = QJsonArray{imageOf(a, a.rollout->stableRevision().version), imageOf(a, a.version)};

    QJsonObject appHealth{{s("status"), health}};
    if (m_v3)
        appHealth.insert(s("lastTransitionTime"),
                         isoTime(a.history.isEmpty() ? a.createdMs : a.history.last().deployedMs));
    else if (!healthMessage.isEmpty())
        appHealth.insert(s("message"), healthMessage);

    QJsonObject status{
        {s("resources"), resources},
        {s("sync"), QJsonObject{{s("status"), syncStatus},
                                {s("comparedTo"), QJsonObject{{s("source"), source},
                                                              {s("destination"), destination}}},
                                {s("revision"), a.revision}}},
        {s("health"), appHealth},
        {s("history"), history},
        {s("reconciledAt"),
         isoTime(qMax(a.churnMs, a.history.isEmpty() ? a.createdMs : a.history.last().deployedMs))},
        {s("sourceType"), s("Kustomize")},
        {s("summary"), QJsonObject{{s("images"), images}}},
        {s("controllerNamespace"), s("argocd")}};
    if (a.op.exists) {
        QJsonObject syncOp{{s("revision"), a.op.revision}};
        QJsonObject opState{
            {s("operation"),
             QJsonObject{{s("sync"), syncOp},
                         {s("initiatedBy"), a.op.automated
                                                ? QJsonObject{{s("automated"), true}}
                                                : QJsonObject{{s("username"), a.op.username}}},
                         {s("retry"), QJsonObject{}}}},
            {s("phase"), a.op.phase},
            {s("message"), a.op.message},
            {s("startedAt"), isoTime(a.op.startedMs)}};
        if (!a.op.running) {
            opState.insert(s("finishedAt"), isoTime(a.op.finishedMs));
            opState.insert(
                s("syncResult"),
                QJsonObject{
                    {s("revision"), a.op.revision},
                    {s("source"), source},
                    {s("resources"),
                     QJsonArray{QJsonObject{
                         {s("group"), group},
                         {s("version"), version},
                         {s("kind"), kind},
                         {s("namespace"), a.ns},
                         {s("name"), workload},
                         {s("status"), a.op.failed ? s("SyncFailed") : s("Synced")},
                         {s("message"), a.op.failed ? a.op.message
                                                    : QStringLiteral("%1.%2/%3 configured")
                                                          .arg(kind.toLower(), group, workload)},
                         {s("hookPhase"), a.op.failed ? s("Failed") : s("Succeeded")},
                         {s("syncPhase"), s("Sync")}}}}});
        }
        status.insert(s("operationState"), opState);
    }
    QJsonObject app{
        {s("metadata"),
         QJsonObject{{s("name"), a.name},
                     {s("namespace"), s("argocd")},
                     {s("uid"), stableHex(s("app-uid/") + a.name, 32)},
                     {s("generation"), qint64(a.history.size() + 1)},
                     {s("creationTimestamp"), isoTime(a.createdMs)},
                     {s("labels"), QJsonObject{{s("app.kubernetes.io/part-of"), a.service},
                                               {s("flightdeck.dev/service"), a.service},
                                               {s("flightdeck.dev/environment"), a.env}}}}},
        {s("spec"), spec},
        {s("status"), status}};
    if (a.op.running)
        app.insert(s("operation"),
                   QJsonObject{{s("sync"), QJsonObject{{s("revision"), a.op.revision}}},
                               {s("initiatedBy"), QJsonObject{{s("username"), a.op.username}}}});
    return app;
}

void ArgoCdServer::refresh(int index, const QByteArray &type)
{
    App &a = m_apps[size_t(index)];
    QJsonObject j = appJson(a);
    const QByteArray state = compact(j);
    if (state == a.stateBytes && type == "MODIFIED")
        return; // identical: the real stream suppresses it too
    a.stateBytes = state;
    std::lock_guard events(m_eventMutex);
    a.resourceVersion = ++m_rv;
    QJsonObject meta = j[s("metadata")].toObject();
    meta.insert(s("resourceVersion"), QString::number(a.resourceVersion));
    j.insert(s("metadata"), meta);
    a.json = j;
    a.bytes = compact(j);
    m_events.push_back({a.resourceVersion, index, type, j});
    while (m_events.size() > 20000)
        m_events.pop_front();
    m_eventCv.notify_all();
}

void ArgoCdServer::tick(qint64 now)
{
    std::lock_guard guard(sandbox().lock());
    for (int i = 0; i < int(m_apps.size()); ++i) {
        App &a = m_apps[size_t(i)];
        bool changed = false;
        if (a.op.running && now >= a.op.doneAtMs) {
            finishOperation(a, now);
            changed = true;
        }
        if (a.rollout) {
            const RolloutMoment before = rolloutMoment(a);
            if (a.rollout->reconcile(now))
                changed = true;
            noteRolloutOutcome(a, before, now);
        }
        if (changed)
            refresh(i);
    }
}

ArgoCdServer::RolloutMoment ArgoCdServer::rolloutMoment(const App &a) const
{
    return a.rollout ? RolloutMoment{a.rollout->fullyPromoted(), a.rollout->aborted()}
                     : RolloutMoment{};
}

void ArgoCdServer::noteRolloutOutcome(const App &a, const RolloutMoment &before, qint64 now)
{
    if (!a.rollout)
        return;
    // a canary that completes puts its version in front of all traffic; one that aborts sends
    // all traffic back to stable: either way the metrics follow what now serves
    if (a.rollout->fullyPromoted() && !before.promoted)
        sandbox().deployed(a.service, a.env, a.rollout->stableRevision().version, now);
    else if (a.rollout->aborted() && !before.aborted)
        sandbox().deployed(a.service, a.env, a.rollout->stableRevision().version, now);
}

void ArgoCdServer::reset()
{
    std::lock_guard guard(sandbox().lock());
    // everything watching sees the scenario come back as modifications
    build();
    std::lock_guard events(m_eventMutex);
    for (int i = 0; i < int(m_apps.size()); ++i)
        m_events.push_back(
            {m_apps[size_t(i)].resourceVersion, i, "MODIFIED", m_apps[size_t(i)].json});
    m_eventCv.notify_all();
}

void ArgoCdServer::startOperation(
    App &a, const QString &revision, const QString &version, bool automated, qint64 now)
{
    a.op = Operation{};
    a.op.exists = true;
    a.op.running = true;
    a.op.phase = s("Running");
    a.op.message = s("waiting for completion of hook and 1 more resources");
    a.op.startedMs = now;
    a.op.doneAtMs = now + kSyncMs;
    a.op.revision = revision;
    a.op.version = version;
    a.op.username = m_username;
    a.op.automated = automated;
}

void ArgoCdServer::finishOperation(App &a, qint64 now)
{
    a.op.running = false;
    a.op.phase = s("Succeeded");
    a.op.message = s("successfully synced (all tasks run)");
    a.op.finishedMs = now;
    const bool newVersion = a.op.version != a.version;
    a.revision = a.op.revision;
    a.version = a.op.version;
    a.drift = false;
    HistoryEntry h;
    h.id = a.history.isEmpty() ? 1 : a.history.last().id + 1;
    h.revision = a.revision;
    h.version = a.version;
    h.startedMs = a.op.startedMs;
    h.deployedMs = now;
    h.username = a.op.username;
    h.automated = a.op.automated;
    a.history.append(h);
    while (a.history.size() > 10)
        a.history.removeFirst();
    if (a.rollout && newVersion) {
        const SimService *svc = sandbox().world().service(a.service);
        const SimRelease *rel = svc ? svc->release(a.version) : nullptr;
        a.rollout->startUpdate({a.version, imageOf(a, a.version), rel && rel->bad}, now);
    }
    // what serves now: the synced version, or (behind a Rollout) the stable one until the new
    // canary completes
    sandbox().deployed(
        a.service, a.env,
        a.rollout && !a.rollout->fullyPromoted() ? a.rollout->stableRevision().version : a.version,
        now);
}

bool ArgoCdServer::refusedNow(const App &a, httplib::Response &res)
{
    if (a.op.running) {
        grpcError(res, 400, 9, s("another operation is already in progress"));
        return true;
    }
    bool canSync = true;
    windowsOf(a, &canSync);
    if (!canSync) {
        grpcError(res, 403, 7, s("cannot sync: blocked by sync window"));
        return true;
    }
    return false;
}

QJsonObject ArgoCdServer::windowsOf(const App &a, bool *canSync) const
{
    // Argo CD's rule: an active deny blocks; with allow windows assigned, a sync needs an active
    // allow; manualSync on the active windows lets a manual sync through anyway
    const qint64 now = sandbox().clock().nowMs();
    QJsonArray assigned, active;
    bool deny = false, denyManual = true, anyAllow = false, allowActive = false,
         allowManual = false;
    for (const SyncWindowSim &w : m_windows) {
        if (w.project != a.project || !w.appliesTo(a.name))
            continue;
        const QJsonObject j{{s("kind"), w.kind},
                            {s("schedule"), w.schedule},
                            {s("duration"), w.duration},
                            {s("manualSync"), w.manualSync}};
        assigned.append(j);
        const bool on = w.activeAt(now);
        if (on)
            active.append(j);
        if (w.kind == s("deny") && on) {
            deny = true;
            denyManual = denyManual && w.manualSync;
        }
        if (w.kind == s("allow")) {
            anyAllow = true;
            allowActive = allowActive || on;
            allowManual = allowManual || w.manualSync;
        }
    }
    *canSync = (!deny || denyManual) && (!anyAllow || allowActive || allowManual);
    QJsonObject out;
    if (!assigned.isEmpty()) // protobuf JSON leaves empty lists and false out
        out.insert(s("assignedWindows"), assigned);
    if (!active.isEmpty())
        out.insert(s("activeWindows"), active);
    if (*canSync)
        out.insert(s("canSync"), true);
    return out;
}

App *ArgoCdServer::findApp(const httplib::Request &req, httplib::Response &res, const QString &name)
{
    const auto it = m_byName.constFind(name);
    if (it == m_byName.constEnd()) {
        // Argo CD hides whether an app exists from callers that did not name its project
        if (req.has_param("project"))
            grpcError(res, 404, 5,
                      QStringLiteral("applications.argoproj.io \"%1\" not found").arg(name));
        else
            grpcError(res, 403, 7, s("permission denied"));
        return nullptr;
    }
    App *a = &m_apps[size_t(*it)];
    const QString project = param(req, "project");
    if (!project.isEmpty() && project != a->project) {
        grpcError(res, 403, 7, s("permission denied"));
        return nullptr;
    }
    return a;
}

bool ArgoCdServer::matches(const App &a,
                           const QString &name,
                           const QStringList &projects,
                           const QString &selector) const
{
    if (!name.isEmpty() && a.name != name)
        return false;
    if (!projects.isEmpty() && !projects.contains(a.project))
        return false;
    if (selector.isEmpty())
        return true;
    const QJsonObject labels = a.json[s("metadata")][s("labels")].toObject();
    for (const QString &raw : selector.split(u',', Qt::SkipEmptyParts)) {
        const QString term = raw.trimmed();
        if (term.contains(s("!="))) {
            const QStringList kv = term.split(s("!="));
            if (labels.value(kv[0].trimmed()).toString() == kv[1].trimmed())
                return false;
        } else if (term.contains(u'=')) {
            const QStringList kv = term.split(u'=', Qt::SkipEmptyParts);
            if (kv.size() != 2 || labels.value(kv[0].trimmed()).toString() != kv[1].trimmed())
                return false;
        } else if (term.startsWith(u'!')) {
            if (labels.contains(term.mid(1)))
                return false;
        } else if (!labels.contains(term)) {
            return false;
        }
    }
    return true;
}

void ArgoCdServer::handleList(const httplib::Request &req, httplib::Response &res)
{
    const QString name = param(req, "name");
    QStringList projects = params(req, "projects") + params(req, "project");
    const QString selector = param(req, "selector");
    const QString fields = param(req, "fields");
    std::lock_guard guard(sandbox().lock());
    QByteArray rv;
    {
        std::lock_guard events(m_eventMutex);
        rv = QByteArray::number(m_rv);
    }
    if (fields.isEmpty()) {
        QByteArray body;
        qsizetype size = 64;
        for (const App &a : m_apps)
            size += a.bytes.size() + 1;
        body.reserve(size);
        body += "{\"metadata\":{\"resourceVersion\":\"" + rv + "\"},\"items\":[";
        bool first = true;
        for (const App &a : m_apps) {
            if (!matches(a, name, projects, selector))
                continue;
            if (!first)
                body += ',';
            body += a.bytes;
            first = false;
        }
        body += "]}";
        res.status = 200;
        res.set_content(body.constData(), size_t(body.size()), "application/json");
        return;
    }
    QJsonArray items;
    for (const App &a : m_apps)
        if (matches(a, name, projects, selector))
            items.append(a.json);
    QJsonObject list{{s("metadata"), QJsonObject{{s("resourceVersion"), QString::fromLatin1(rv)}}},
                     {s("items"), items}};
    projectFields(list, fields);
    sendArgoJson(res, 200, QJsonDocument(list));
}

void ArgoCdServer::handleStream(const httplib::Request &req, httplib::Response &res)
{
    struct StreamState
    {
        bool sse = false;
        QString name, selector, fields;
        QStringList projects;
        qint64 cursor = -1; // -1: send the snapshot first
        bool resume = false;
        std::chrono::steady_clock::time_point lastWrite;
        QHash<QString, QByteArray> lastByApp; // duplicate suppression per app
    };
    auto st = std::make_shared<StreamState>();
    st->sse = req.get_header_value("Accept") == "text/event-stream";
    st->name = param(req, "name");
    st->selector = param(req, "selector");
    st->fields = param(req, "fields");
    st->projects = params(req, "projects") + params(req, "project");
    const QString rv = param(req, "resourceVersion");
    if (!rv.isEmpty()) {
        bool ok = false;
        st->cursor = rv.toLongLong(&ok);
        if (!ok) {
            grpcError(res, 400, 3, QStringLiteral("invalid resourceVersion %1").arg(rv));
            return;
        }
        st->resume = true;
    }
    st->lastWrite = std::chrono::steady_clock::now();
    if (st->sse)
        res.set_header("X-Content-Type-Options", "nosniff");
    const char *contentType = st->sse ? "text/event-stream" : "application/json";

    res.set_chunked_content_provider(contentType, [this, st](size_t, httplib::DataSink &sink) {
        const auto frame = [&](const QByteArray &type, const QJsonObject &app) -> QByteArray {
            QJsonObject msg{{s("result"), QJsonObject{{s("type"), QString::fromLatin1(type)},
                                                      {s("application"), app}}}};
            projectFields(msg, st->fields);
            const QByteArray data = compact(msg);
            const QString key = app[s("metadata")][s("name")].toString();
            if (st->lastByApp.value(key) == data)
                return {};
            st->lastByApp.insert(key, data);
            // argoproj/pkg's SSE marshaler frames "data: %s \n\n"; grpc-gateway then writes
            // its "\n" delimiter after every message, in both modes
            return st->sse ? "data: " + data + " \n\n\n" : data + "\n";
        };
        QByteArray out;
        if (st->cursor < 0) {
            std::lock_guard guard(sandbox().lock());
            std::lock_guard events(m_eventMutex);
            for (const App &a : m_apps)
                if (matches(a, st->name, st->projects, st->selector))
                    out += frame("ADDED", a.json);
            st->cursor = m_rv;
        } else {
            std::vector<Event> pending;
            {
                std::unique_lock events(m_eventMutex);
                const auto keepAlive = std::chrono::milliseconds(g_keepAliveMs.load());
                const auto deadline =
                    std::min(st->lastWrite + keepAlive,
                             std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
                m_eventCv.wait_until(events, deadline,
                                     [&] { return m_stopping || m_rv > st->cursor; });
                if (m_stopping) {
                    sink.done();
                    return true;
                }
                for (auto it =
                         std::lower_bound(m_events.begin(), m_events.end(), st->cursor + 1,
                                          [](const Event &e, qint64 rv) { return e.rv < rv; });
                     it != m_events.end(); ++it)
                    pending.push_back(*it);
                st->cursor = m_rv;
            }
            if (!pending.empty()) {
                std::lock_guard guard(sandbox().lock());
                for (const Event &e : pending) {
                    const App &a = m_apps[size_t(e.app)];
                    if (matches(a, st->name, st->projects, st->selector))
                        out += frame(e.type, e.application);
                }
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (out.isEmpty() && st->sse &&
            now - st->lastWrite >= std::chrono::milliseconds(g_keepAliveMs.load()))
            out = ":\n";
        if (out.isEmpty())
            return sink.is_writable();
        st->lastWrite = now;
        return sink.write(out.constData(), size_t(out.size()));
    });
}

QJsonObject ArgoCdServer::liveObject(const App &a, const QString &kind, bool withStatus) const
{
    // withStatus = false: what the overlay in Git renders (Argo CD's targetState, with its
    // tracking label); true: what the cluster holds, with the fields the API server adds.
    const QString env = a.env;
    const bool prod = env == s("prod");
    const QJsonObject labels{{s("app"), a.service}, {s("app.kubernetes.io/instance"), a.name}};
    const QJsonArray containerEnv{QJsonObject{{s("name"), s("ENVIRONMENT")}, {s("value"), env}},
                                  QJsonObject{{s("name"), s("LOG_LEVEL")},
                                              {s("value"), prod              ? s("warn")
                                                           : env == s("dev") ? s("debug")
                                                                             : s("info")}},
                                  QJsonObject{{s("name"), s("OTEL_TRACES_SAMPLER_ARG")},
                                              {s("value"), prod ? s("0.05") : s("1.0")}}};
    const QJsonArray envFrom{
        QJsonObject{{s("configMapRef"), QJsonObject{{s("name"), a.service + s("-config")}}}}};
    const QJsonObject limits{{s("cpu"), prod ? s("1") : s("500m")},
                             {s("memory"), prod ? s("1Gi") : s("512Mi")}};
    const auto liveMeta = [&](QJsonObject meta, bool generation) {
        meta.insert(s("uid"), stableHex(s("uid/") + a.ns + kind + meta[s("name")].toString(), 32));
        meta.insert(s("resourceVersion"),
                    QString::number(stableHash(a.ns + kind + QString::number(a.resourceVersion)) %
                                    1000000));
        meta.insert(s("creationTimestamp"), isoTime(a.createdMs));
        if (generation)
            meta.insert(s("generation"), qint64(a.history.size() + 1));
        meta.insert(s("managedFields"),
                    QJsonArray{QJsonObject{
                        {s("manager"), s("argocd-controller")},
                        {s("operation"), s("Apply")},
                        {s("apiVersion"), kind == s("Rollout")      ? s("argoproj.io/v1alpha1")
                                          : kind == s("Deployment") ? s("apps/v1")
                                                                    : s("v1")},
                        {s("fieldsType"), s("FieldsV1")},
                        {s("time"), isoTime(a.createdMs)}}});
        return meta;
    };
    const auto withPodEnv = [&](QJsonObject spec) {
        QJsonObject tpl = spec[s("template")].toObject();
        QJsonObject tplSpec = tpl[s("spec")].toObject();
        QJsonArray containers = tplSpec[s("containers")].toArray();
        if (!containers.isEmpty()) {
            QJsonObject c = containers[0].toObject();
            c.insert(s("env"), containerEnv);
            c.insert(s("envFrom"), envFrom);
            QJsonObject res = c[s("resources")].toObject();
            res.insert(s("limits"), limits);
            c.insert(s("resources"), res);
            containers[0] = c;
            // CI stamps the source commit on the pod template (the OCI revision key), so the
            // cluster says which commit runs, not only which tag
            const QString image = c[s("image")].toString();
            const SimService *svc = sandbox().world().service(a.service);
            const SimRelease *rel =
                svc ? svc->release(image.mid(image.lastIndexOf(u':') + 1)) : nullptr;
            if (rel && !rel->sha.isEmpty()) {
                QJsonObject tplMeta = tpl[s("metadata")].toObject();
                QJsonObject annotations = tplMeta[s("annotations")].toObject();
                annotations.insert(s("org.opencontainers.image.revision"), rel->sha);
                tplMeta.insert(s("annotations"), annotations);
                tpl.insert(s("metadata"), tplMeta);
            }
        }
        tplSpec.insert(s("containers"), containers);
        tpl.insert(s("spec"), tplSpec);
        spec.insert(s("template"), tpl);
        return spec;
    };
    if (kind == s("Rollout") && a.rollout) {
        QJsonObject o = a.rollout->manifest();
        QJsonObject spec = withPodEnv(o[s("spec")].toObject());
        QJsonObject meta{
            {s("name"), a.rollout->name()}, {s("namespace"), a.ns}, {s("labels"), labels}};
        if (!withStatus) {
            o.remove(s("status"));
            spec.remove(s("paused"));
            spec.remove(s("restartAt"));
        } else {
            // the controller's own metadata (generation drives promote-full), plus the
            // fields every live object carries
            const QJsonArray managed = liveMeta({}, false)[s("managedFields")].toArray();
            meta = o[s("metadata")].toObject();
            meta.insert(s("labels"), labels);
            meta.insert(s("managedFields"), managed);
        }
        o.insert(s("metadata"), meta);
        o.insert(s("spec"), spec);
        return o;
    }
    if (kind == s("Service")) {
        QJsonObject spec{
            {s("ports"), QJsonArray{QJsonObject{
                             {s("port"), 80}, {s("targetPort"), 8080}, {s("protocol"), s("TCP")}}}},
            {s("selector"), QJsonObject{{s("app"), a.service}}},
            {s("type"), s("ClusterIP")}};
        QJsonObject meta{{s("name"), a.service}, {s("namespace"), a.ns}, {s("labels"), labels}};
        QJsonObject o{{s("apiVersion"), s("v1")}, {s("kind"), s("Service")}};
        if (withStatus) {
            meta = liveMeta(meta, false);
            spec.insert(s("clusterIP"), QStringLiteral("10.96.%1.%2")
                                            .arg(stableHash(a.ns) % 250 + 1)
                                            .arg(stableHash(a.ns + s("/ip")) % 250 + 1));
            spec.insert(s("sessionAffinity"), s("None"));
            o.insert(s("status"), QJsonObject{{s("loadBalancer"), QJsonObject{}}});
        }
        o.insert(s("metadata"), meta);
        o.insert(s("spec"), spec);
        return o;
    }
    if (kind == s("ConfigMap")) {
        QJsonObject meta{
            {s("name"), a.service + s("-config")}, {s("namespace"), a.ns}, {s("labels"), labels}};
        if (withStatus)
            meta = liveMeta(meta, false);
        const QJsonObject data{
            {s("ENVIRONMENT"), env},
            {s("PAYMENTS_URL"),
             QStringLiteral("http://payments.payments-%1.svc.cluster.local:8080").arg(env)},
            {s("FEATURE_FLAGS_URL"), QStringLiteral("https://flags.%1.acme.internal").arg(env)},
            {s("CACHE_TTL_SECONDS"), prod ? s("300") : s("30")},
            {s("FEATURE_EXPRESS_CHECKOUT"), prod ? s("false") : s("true")}};
        return QJsonObject{{s("apiVersion"), s("v1")},
                           {s("kind"), s("ConfigMap")},
                           {s("metadata"), meta},
                           {s("data"), data}};
    }
    if (kind == s("Deployment") && !a.rollout) {
        const int replicas = withStatus && a.drift ? a.replicas + 1 : a.replicas;
        QJsonObject meta{{s("name"), a.service}, {s("namespace"), a.ns}, {s("labels"), labels}};
        if (withStatus) {
            meta = liveMeta(meta, true);
            meta.insert(s("annotations"), QJsonObject{{s("deployment.kubernetes.io/revision"),
                                                       QString::number(a.history.size())}});
        }
        QJsonObject container{
            {s("name"), a.service},
            {s("image"), imageOf(a, a.version)},
            {s("ports"),
             QJsonArray{QJsonObject{
                 {s("containerPort"), 8080}, {s("name"), s("http")}, {s("protocol"), s("TCP")}}}},
            {s("resources"), QJsonObject{{s("requests"), QJsonObject{{s("cpu"), s("50m")},
                                                                     {s("memory"), s("64Mi")}}}}}};
        QJsonObject spec{
            {s("replicas"), replicas},
            {s("selector"), QJsonObject{{s("matchLabels"), QJsonObject{{s("app"), a.service}}}}},
            {s("template"),
             QJsonObject{
                 {s("metadata"), QJsonObject{{s("labels"), QJsonObject{{s("app"), a.service}}}}},
                 {s("spec"), QJsonObject{{s("containers"), QJsonArray{container}}}}}}};
        QJsonObject o{{s("apiVersion"), s("apps/v1")},
                      {s("kind"), s("Deployment")},
                      {s("metadata"), meta},
                      {s("spec"), withPodEnv(spec)}};
        if (withStatus)
            o.insert(s("status"),
                     QJsonObject{{s("replicas"), replicas},
                                 {s("readyReplicas"), replicas},
                                 {s("availableReplicas"), replicas},
                                 {s("updatedReplicas"), replicas},
                                 {s("observedGeneration"), qint64(a.history.size() + 1)}});
        return o;
    }
    return {};
}

QJsonObject ArgoCdServer::treeOf(const App &a) const
{
    QJsonArray nodes;
    const QString created = isoTime(a.createdMs);
    const auto node = [&](const QString &group, const QString &version, const QString &kind,
                          const QString &name, const QJsonArray &parents, const QString &health,
                          const QJsonArray &images, const QJsonArray &info) {
        QJsonObject n{{s("version"), version},
                      {s("kind"), kind},
                      {s("namespace"), a.ns},
                      {s("name"), name},
                      {s("uid"), stableHex(s("uid/") + a.ns + kind + name, 32)},
                      {s("resourceVersion"),
                       QString::number(
                           stableHash(a.ns + name + QString::number(a.resourceVersion)) % 100000)},
                      {s("createdAt"), created}};
        if (!group.isEmpty())
            n.insert(s("group"), group);
        if (!parents.isEmpty())
            n.insert(s("parentRefs"), parents);
        if (!health.isEmpty())
            n.insert(s("health"), QJsonObject{{s("status"), health}});
        if (!images.isEmpty())
            n.insert(s("images"), images);
        if (!info.isEmpty())
            n.insert(s("info"), info);
        return n;
    };
    const auto ref = [&](const QString &group, const QString &kind, const QString &name) {
        QJsonObject r{{s("kind"), kind},
                      {s("namespace"), a.ns},
                      {s("name"), name},
                      {s("uid"), stableHex(s("uid/") + a.ns + kind + name, 32)}};
        if (!group.isEmpty())
            r.insert(s("group"), group);
        return r;
    };
    nodes.append(node({}, s("v1"), s("ConfigMap"), a.service + s("-config"), {}, {}, {}, {}));
    nodes.append(node({}, s("v1"), s("Service"), a.service, {}, s("Healthy"), {}, {}));
    const auto pods = [&](const QString &rsName, int count, const QString &image,
                          bool ready = true) {
        for (int p = 0; p < count; ++p)
            nodes.append(node(
                {}, s("v1"), s("Pod"), rsName + u'-' + stableHex(rsName + QString::number(p), 5),
                QJsonArray{ref({}, s("ReplicaSet"), rsName)},
                ready ? s("Healthy") : s("Progressing"), QJsonArray{image},
                QJsonArray{QJsonObject{{s("name"), s("Status Reason")},
                                       {s("value"), ready ? s("Running") : s("ImagePullBackOff")}},
                           QJsonObject{{s("name"), s("Containers")},
                                       {s("value"), ready ? s("1/1") : s("0/1")}}}));
    };
    if (a.rollout) {
        const RolloutSim &r = *a.rollout;
        QString hm;
        const QString h = healthOf(a, &hm);
        // A node's uid is its object's metadata.uid: the ReplicaSets' owner is the Rollout's.
        QJsonObject rolloutNode = node(
            s("argoproj.io"), s("v1alpha1"), s("Rollout"), r.name(), {}, h,
            QJsonArray{imageOf(a, r.canaryRevision().version)},
            QJsonArray{QJsonObject{{s("name"), s("Revision")},
                                   {s("value"), QStringLiteral("Rev:%1").arg(r.generation())}}});
        rolloutNode.insert(s("uid"), r.uid());
        nodes.append(rolloutNode);
        QJsonObject owner = ref(s("argoproj.io"), s("Rollout"), r.name());
        owner.insert(s("uid"), r.uid());
        for (const QString &hash : r.replicaSetHashes()) {
            const QString rs = r.replicaSetName(hash);
            const QJsonObject live = r.replicaSetManifest(rs, {});
            const QString image = hash == r.stableHash() ? r.stableRevision().image
                                                         : r.canaryRevision().image;
            const QJsonObject st = live[s("status")].toObject();
            const bool ready = st[s("availableReplicas")].toInt() >= st[s("replicas")].toInt();
            nodes.append(node(s("apps"), s("v1"), s("ReplicaSet"), rs, QJsonArray{owner},
                              ready ? s("Healthy") : s("Progressing"), QJsonArray{image},
                              QJsonArray{QJsonObject{
                                  {s("name"), s("Revision")},
                                  {s("value"), s("Rev:") + live[s("metadata")][s("annotations")]
                                                                [s("rollout.argoproj.io/revision")]
                                                                    .toString()}}}));
            pods(rs, r.replicasFor(hash), image, ready);
        }
    } else {
        const QString image = imageOf(a, a.version);
        const QString rs = a.service + u'-' + RolloutSim::podHash(image);
        nodes.append(node(s("apps"), s("v1"), s("Deployment"), a.service, {}, s("Healthy"),
                          QJsonArray{image}, {}));
        nodes.append(node(s("apps"), s("v1"), s("ReplicaSet"), rs,
                          QJsonArray{ref(s("apps"), s("Deployment"), a.service)}, s("Healthy"),
                          QJsonArray{image}, {}));
        pods(rs, a.drift ? a.replicas + 1 : a.replicas, image);
    }
    return QJsonObject{{s("nodes"), nodes}, {s("hosts"), QJsonArray{}}};
}

void ArgoCdServer::handleAction(const httplib::Request &req,
                                httplib::Response &res,
                                const QString &name,
                                const QJsonObject &target,
                                const QString &action)
{
    std::lock_guard guard(sandbox().lock());
    App *a = findApp(req, res, name);
    if (!a)
        return;
    const QString kind = target[s("kind")].toString();
    const QString resourceName = target[s("resourceName")].toString();
    if (kind != s("Rollout") || !a->rollout ||
        (!resourceName.isEmpty() && resourceName != a->rollout->name())) {
        grpcError(res, 404, 5,
                  QStringLiteral("%1 %2 not found as part of application %3")
                      .arg(kind, resourceName, name));
        return;
    }
    const qint64 now = sandbox().clock().nowMs();
    QString error;
    const RolloutMoment before = rolloutMoment(*a);
    if (!a->rollout->runAction(action, now, m_v3, &error)) {
        grpcError(res, 400, 3, QStringLiteral("error getting Lua resource action: %1").arg(error));
        return;
    }
    a->rollout->reconcile(now); // the controller reacts at once
    noteRolloutOutcome(*a, before, now);
    refresh(m_byName.value(name));
    sendArgoJson(res, 200, QJsonDocument(QJsonObject{}));
}

void ArgoCdServer::runChurn()
{
    // a load knob: flips app health to produce a steady rate of MODIFIED events
    auto next = std::chrono::steady_clock::now();
    size_t cursor = 0;
    while (!m_stopping) {
        const int rate = m_churnPerSecond.load();
        if (rate <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            next = std::chrono::steady_clock::now();
            continue;
        }
        next += std::chrono::microseconds(1000000 / rate);
        std::this_thread::sleep_until(next);
        std::lock_guard guard(sandbox().lock());
        if (m_apps.empty())
            continue;
        App &a = m_apps[cursor % m_apps.size()];
        a.churnHealth = a.churnHealth == s("Progressing") ? s("Healthy") : s("Progressing");
        a.churnMs = sandbox().clock().nowMs();
        refresh(int(cursor % m_apps.size()));
        ++cursor;
        ++m_churned;
    }
}

void ArgoCdServer::installRoutes(httplib::Server &server)
{
    server.Get(
        "/api/version",
        wrap(
            [this](const httplib::Request &req, httplib::Response &res) {
                const QString version = m_v3 ? s("v3.5.1+109ca7c") : s("v2.14.21+206a6ee");
                QString why;
                std::lock_guard guard(sandbox().lock());
                if (!authenticated(req, &why)) { // unauthenticated callers learn the version only
                    sendArgoJson(res, 200, QJsonDocument(QJsonObject{{s("Version"), version}}));
                    return;
                }
                sendArgoJson(
                    res, 200,
                    QJsonDocument(QJsonObject{
                        {s("Version"), version},
                        {s("BuildDate"),
                         m_v3 ? s("2026-10-02T13:03:11Z") : s("2025-09-30T17:20:44Z")},
                        {s("GitCommit"), m_v3 ? s("109ca7ca71139e514114499d294a492e7910a965")
                                              : s("206a6eeca509bbf7f239301f3d3fa498c23251a4")},
                        {s("GitTag"), m_v3 ? s("v3.5.1") : s("v2.14.21")},
                        {s("GitTreeState"), s("clean")},
                        {s("GoVersion"), m_v3 ? s("go1.25.1") : s("go1.24.6")},
                        {s("Compiler"), s("gc")},
                        {s("Platform"), s("linux/amd64")},
                        {s("KustomizeVersion"), s("v5.7.0 2025-06-28T07:00:07Z")},
                        {s("HelmVersion"), s("v3.18.4+gd80839c")},
                        {s("KubectlVersion"), s("v0.33.1")},
                        {s("JsonnetVersion"), s("v0.21.0")}}));
            },
            false));

    server.Post(
        "/api/v1/session",
        wrap(
            [this](const httplib::Request &req, httplib::Response &res) {
                QJsonParseError pe;
                const QJsonDocument doc =
                    QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &pe);
                if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                    grpcError(res, 400, 3, s("invalid character looking for beginning of value"));
                    return;
                }
                const QJsonObject o = doc.object();
                std::lock_guard guard(sandbox().lock());
                if (o[s("username")].toString() != m_username ||
                    o[s("password")].toString() != m_password) {
                    grpcError(res, 401, 16, s("Invalid username or password"));
                    return;
                }
                const QByteArray payload =
                    QStringLiteral(R"({"iss":"argocd","sub":"admin","iat":%1,"jti":"%2"})")
                        .arg(sandbox().clock().nowMs() / 1000)
                        .arg(stableHex(s("session/") + QString::number(m_sessions.size()), 32))
                        .toUtf8();
                const auto b64 = [](const QByteArray &b) {
                    return QString::fromLatin1(
                        b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
                };
                const QString token =
                    b64(R"({"alg":"HS256","typ":"JWT"})") + u'.' + b64(payload) + u'.' +
                    b64(QByteArray::fromHex(stableHex(QString::fromUtf8(payload), 64).toLatin1()));
                m_sessions.insert(token);
                res.set_header("Set-Cookie", toStd(s("argocd.token=") + token +
                                                   s("; path=/; SameSite=lax; httpOnly; Secure")));
                sendArgoJson(res, 200, QJsonDocument(QJsonObject{{s("token"), token}}));
            },
            false));

    server.Delete("/api/v1/session", wrap([](const httplib::Request &, httplib::Response &res) {
                      sendArgoJson(res, 200, QJsonDocument(QJsonObject{}));
                  }));

    server.Get(
        "/api/v1/session/userinfo",
        wrap(
            [this](const httplib::Request &req, httplib::Response &res) {
                QString why;
                std::lock_guard guard(sandbox().lock());
                if (!authenticated(req, &why)) {
                    sendArgoJson(res, 200, QJsonDocument(QJsonObject{{s("loggedIn"), false}}));
                    return;
                }
                sendArgoJson(res, 200,
                             QJsonDocument(QJsonObject{{s("loggedIn"), true},
                                                       {s("username"), m_username},
                                                       {s("iss"), s("argocd")},
                                                       {s("groups"), QJsonArray{}}}));
            },
            false));

    server.Get("/api/v1/applications",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   handleList(req, res);
               }));

    server.Get("/api/v1/stream/applications",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   handleStream(req, res);
               }));

    server.Get(R"(/api/v1/applications/([^/]+))",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   if (App *a = findApp(req, res, fromStd(req.matches[1])))
                       sendArgoJson(res, 200, QJsonDocument(a->json));
               }));

    server.Post(
        R"(/api/v1/applications/([^/]+)/sync)",
        wrap([this](const httplib::Request &req, httplib::Response &res) {
            QJsonObject body;
            if (!req.body.empty()) {
                QJsonParseError pe;
                const QJsonDocument doc =
                    QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &pe);
                if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                    grpcError(res, 400, 3, s("invalid character looking for beginning of value"));
                    return;
                }
                body = doc.object();
            }
            std::lock_guard guard(sandbox().lock());
            const QString name = fromStd(req.matches[1]);
            App *a = findApp(req, res, name);
            if (!a)
                return;
            if (refusedNow(*a, res))
                return;
            QString revision = body[s("revision")].toString();
            QString version = a->version;
            QString gitRevision = a->revision;
            if (!revision.isEmpty() && revision != s("HEAD") && revision != a->revision) {
                const SimService *svc = sandbox().world().service(a->service);
                const SimRelease *rel = svc ? svc->release(revision) : nullptr;
                bool found = false;
                if (rel) {
                    version = rel->version;
                    gitRevision = stableHex(s("gitops/") + a->name + u'/' + rel->version);
                    found = true;
                }
                for (const HistoryEntry &h : a->history)
                    if (h.revision == revision) {
                        version = h.version;
                        gitRevision = h.revision;
                        found = true;
                    }
                if (!found && svc)
                    for (const SimRelease &r : svc->releases)
                        if (r.sha == revision) {
                            version = r.version;
                            gitRevision = stableHex(s("gitops/") + a->name + u'/' + r.version);
                            found = true;
                        }
                if (!found) {
                    grpcError(res, 400, 3,
                              QStringLiteral("rpc error: code = Unknown desc = unable to resolve "
                                             "'%1' to a commit SHA")
                                  .arg(revision));
                    return;
                }
            }
            startOperation(*a, gitRevision, version, false, sandbox().clock().nowMs());
            refresh(m_byName.value(name));
            sendArgoJson(res, 200, QJsonDocument(a->json));
        }));

    server.Post(
        R"(/api/v1/applications/([^/]+)/rollback)",
        wrap([this](const httplib::Request &req, httplib::Response &res) {
            QJsonParseError pe;
            const QJsonDocument doc =
                QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &pe);
            if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                grpcError(res, 400, 3, s("invalid character looking for beginning of value"));
                return;
            }
            std::lock_guard guard(sandbox().lock());
            const QString name = fromStd(req.matches[1]);
            App *a = findApp(req, res, name);
            if (!a)
                return;
            // int64 ids may arrive as JSON strings (protobuf JSON) or numbers
            const qint64 id = doc.object()[s("id")].toVariant().toLongLong();
            const HistoryEntry *entry = nullptr;
            for (const HistoryEntry &h : a->history)
                if (h.id == id)
                    entry = &h;
            if (!entry) {
                grpcError(res, 400, 3,
                          QStringLiteral("application %1 does not have deployment with id %2")
                              .arg(name)
                              .arg(id));
                return;
            }
            if (a->autoSync) {
                grpcError(res, 400, 9, s("rollback cannot be initiated when auto-sync is enabled"));
                return;
            }
            if (refusedNow(*a, res))
                return;
            startOperation(*a, entry->revision, entry->version, false, sandbox().clock().nowMs());
            refresh(m_byName.value(name));
            sendArgoJson(res, 200, QJsonDocument(a->json));
        }));

    server.Delete(R"(/api/v1/applications/([^/]+)/operation)",
                  wrap([this](const httplib::Request &req, httplib::Response &res) {
                      std::lock_guard guard(sandbox().lock());
                      const QString name = fromStd(req.matches[1]);
                      App *a = findApp(req, res, name);
                      if (!a)
                          return;
                      if (!a->op.running) {
                          grpcError(
                              res, 400, 9,
                              s("Unable to terminate operation. No operation is in progress"));
                          return;
                      }
                      a->op.running = false;
                      a->op.phase = s("Failed");
                      a->op.failed = true;
                      a->op.message = s("Operation terminated");
                      a->op.finishedMs = sandbox().clock().nowMs();
                      refresh(m_byName.value(name));
                      sendArgoJson(res, 200, QJsonDocument(QJsonObject{}));
                  }));

    server.Get(R"(/api/v1/applications/([^/]+)/syncwindows)",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   if (App *a = findApp(req, res, fromStd(req.matches[1]))) {
                       bool canSync = true;
                       sendArgoJson(res, 200, QJsonDocument(windowsOf(*a, &canSync)));
                   }
               }));

    server.Get(R"(/api/v1/projects/([^/]+)/syncwindows)",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   const QString project = fromStd(req.matches[1]);
                   std::lock_guard guard(sandbox().lock());
                   bool exists = false;
                   for (const App &a : m_apps)
                       exists = exists || a.project == project;
                   if (!exists) {
                       grpcError(
                           res, 404, 5,
                           QStringLiteral("appprojects.argoproj.io \"%1\" not found").arg(project));
                       return;
                   }
                   QJsonArray windows;
                   for (const SyncWindowSim &w : m_windows)
                       if (w.project == project)
                           windows.append(w.toJson(m_v3));
                   QJsonObject out;
                   if (!windows.isEmpty())
                       out.insert(s("windows"), windows);
                   sendArgoJson(res, 200, QJsonDocument(out));
               }));

    // ---- projects, clusters, events, pod logs (argocdprojects.h writes the JSON) ----
    const auto projectFacts = [this](const QString &name) {
        ProjectFacts p{name, {}, {}, sandbox().world().epochMs - 120LL * 24 * 3600 * 1000};
        for (const App &a : m_apps)
            if (a.project == name && !p.namespaces.contains(a.ns))
                p.namespaces.append(a.ns);
        for (const SyncWindowSim &w : m_windows)
            if (w.project == name)
                p.syncWindows.append(w.toJson(m_v3));
        return p;
    };
    const auto projectNames = [this] {
        QStringList names{s("default")};
        for (const App &a : m_apps)
            if (!names.contains(a.project))
                names.append(a.project);
        return names;
    };
    server.Get("/api/v1/projects", wrap([projectFacts, projectNames, this](const httplib::Request &,
                                                                           httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   QJsonArray items;
                   for (const QString &name : projectNames())
                       items.append(projectJson(projectFacts(name)));
                   sendArgoJson(res, 200,
                                QJsonDocument(QJsonObject{{s("metadata"), QJsonObject{}},
                                                          {s("items"), items}}));
               }));
    server.Get(R"(/api/v1/projects/([^/]+))",
               wrap([projectFacts, projectNames, this](const httplib::Request &req,
                                                       httplib::Response &res) {
                   const QString name =
                       QUrl::fromPercentEncoding(QByteArray::fromStdString(req.matches[1]));
                   std::lock_guard guard(sandbox().lock());
                   if (!projectNames().contains(name)) {
                       grpcError(
                           res, 404, 5,
                           QStringLiteral("appprojects.argoproj.io \"%1\" not found").arg(name));
                       return;
                   }
                   sendArgoJson(res, 200, QJsonDocument(projectJson(projectFacts(name))));
               }));
    server.Get(
        "/api/v1/clusters", wrap([this](const httplib::Request &req, httplib::Response &res) {
            std::lock_guard guard(sandbox().lock());
            const QString server = param(req, "server"), name = param(req, "name");
            QJsonObject list = clusterListJson(int(m_apps.size()),
                                               sandbox().world().epochMs - 120LL * 24 * 3600 * 1000,
                                               sandbox().clock().nowMs());
            if ((!server.isEmpty() && server != s("https://kubernetes.default.svc")) ||
                (!name.isEmpty() && name != s("in-cluster")))
                list.insert(s("items"), QJsonArray());
            sendArgoJson(res, 200, QJsonDocument(list));
        }));
    server.Get(R"(/api/v1/applications/([^/]+)/events)",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   App *a = findApp(req, res, fromStd(req.matches[1]));
                   if (!a)
                       return;
                   QList<AppEvent> events;
                   for (const HistoryEntry &h : a->history) {
                       const QString rev = h.revision.left(7);
                       events.append(
                           {s("OperationStarted"),
                            h.automated
                                ? QStringLiteral("Initiated automated sync to '%1'").arg(h.revision)
                                : QStringLiteral("%1 initiated sync to %2").arg(h.username, rev),
                            h.automated ? s("argocd-application-controller") : s("argocd-server"),
                            h.startedMs});
                       events.append(
                           {s("OperationCompleted"),
                            QStringLiteral("Sync operation to %1 succeeded").arg(h.revision),
                            s("argocd-application-controller"), h.deployedMs});
                   }
                   if (a->op.exists && a->op.running)
                       events.append({s("OperationStarted"),
                                      QStringLiteral("%1 initiated sync to %2")
                                          .arg(a->op.automated ? s("automated") : a->op.username,
                                               a->op.revision.left(7)),
                                      s("argocd-server"), a->op.startedMs});
                   sendArgoJson(res, 200,
                                QJsonDocument(eventListJson(
                                    a->name, stableHex(s("app-uid/") + a->name, 32), events)));
               }));
    const auto podLogs = [this](const httplib::Request &req, httplib::Response &res,
                                const QString &appName, const QString &podName) {
        std::lock_guard guard(sandbox().lock());
        App *a = findApp(req, res, appName);
        if (!a)
            return;
        const qint64 now = sandbox().clock().nowMs();
        // Without a pod name Argo CD reads the app's pods; the first one stands for them here.
        QString image, pod;
        for (const QJsonValue &n : treeOf(*a)[s("nodes")].toArray())
            if (n[s("kind")].toString() == s("Pod") && pod.isEmpty() &&
                (podName.isEmpty() || n[s("name")].toString() == podName)) {
                image = n[s("images")].toArray().first().toString();
                pod = n[s("name")].toString();
            }
        if (image.isEmpty()) {
            grpcError(res, 404, 5,
                      podName.isEmpty() ? s("no pods found")
                                        : QStringLiteral("pods \"%1\" not found").arg(podName));
            return;
        }
        // A pod logs its start, then one health check a minute (at most the last 200).
        const qint64 started = a->history.isEmpty() ? a->createdMs : a->history.last().deployedMs;
        QList<QPair<qint64, QString>> lines{
            {started,
             QStringLiteral("level=info msg=\"starting %1\" image=%2").arg(a->service, image)},
            {started + 900, s("level=info msg=\"listening\" addr=:8080")}};
        const qint64 from = std::max(started + 60000, now - 200 * 60000);
        for (qint64 t = from - (from - started) % 60000; t <= now; t += 60000)
            lines.append({t, s("level=info msg=\"request\" method=GET path=/healthz status=200")});
        const int tail = param(req, "tailLines").toInt();
        const QByteArray body = podLogStream(pod, lines, tail);
        res.status = 200;
        res.set_content(body.constData(), size_t(body.size()), "application/json");
    };
    server.Get(R"(/api/v1/applications/([^/]+)/pods/([^/]+)/logs)",
               wrap([podLogs](const httplib::Request &req, httplib::Response &res) {
                   podLogs(req, res, fromStd(req.matches[1]), fromStd(req.matches[2]));
               }));
    server.Get(R"(/api/v1/applications/([^/]+)/logs)",
               wrap([podLogs](const httplib::Request &req, httplib::Response &res) {
                   podLogs(req, res, fromStd(req.matches[1]), param(req, "podName"));
               }));

    server.Get(R"(/api/v1/applications/([^/]+)/resource-tree)",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   if (App *a = findApp(req, res, fromStd(req.matches[1])))
                       sendArgoJson(res, 200, QJsonDocument(treeOf(*a)));
               }));

    server.Get(
        R"(/api/v1/applications/([^/]+)/managed-resources)",
        wrap([this](const httplib::Request &req, httplib::Response &res) {
            std::lock_guard guard(sandbox().lock());
            App *a = findApp(req, res, fromStd(req.matches[1]));
            if (!a)
                return;
            const QString kindFilter = param(req, "kind");
            const QString nameFilter = param(req, "name");
            const QString workloadKind = a->rollout ? s("Rollout") : s("Deployment");
            QJsonArray items;
            const QList<QPair<QString, QString>> kinds{
                {s(""), s("ConfigMap")},
                {s(""), s("Service")},
                {a->rollout ? s("argoproj.io") : s("apps"), workloadKind}};
            for (const auto &[group, kind] : kinds) {
                if (!kindFilter.isEmpty() && kindFilter != kind)
                    continue;
                const QJsonObject target = liveObject(*a, kind, false);
                QJsonObject live = liveObject(*a, kind, true);
                const QString name = target[s("metadata")][s("name")].toString();
                if (!nameFilter.isEmpty() && nameFilter != name)
                    continue;
                const bool modified = kind == s("Deployment") && a->drift;
                QString liveText = QString::fromUtf8(compact(live));
                // the diff normalizer drops managedFields (and ignoreDifferences paths)
                QJsonObject meta = live[s("metadata")].toObject();
                meta.remove(s("managedFields"));
                live.insert(s("metadata"), meta);
                QString normalizedText = QString::fromUtf8(compact(live));
                if (a->corruptManagedState && kind == workloadKind) {
                    // a test knob: a state cut off mid-object, as a broken proxy would deliver
                    liveText.truncate(liveText.size() / 2);
                    normalizedText.truncate(normalizedText.size() / 2);
                }
                QJsonObject item{
                    {s("kind"), kind},
                    {s("namespace"), a->ns},
                    {s("name"), name},
                    {s("targetState"), QString::fromUtf8(compact(target))},
                    {s("liveState"), liveText},
                    {s("normalizedLiveState"), normalizedText},
                    {s("predictedLiveState"),
                     modified ? QString::fromUtf8(compact(target)) : normalizedText},
                    {s("modified"), modified},
                    {s("hook"), false},
                    {s("resourceVersion"), live[s("metadata")][s("resourceVersion")].toString()}};
                if (!group.isEmpty())
                    item.insert(s("group"), group);
                if (modified)
                    item.insert(
                        s("diff"),
                        QStringLiteral(R"([{"op":"replace","path":"/spec/replicas","value":%1}])")
                            .arg(a->replicas));
                items.append(item);
            }
            sendArgoJson(res, 200, QJsonDocument(QJsonObject{{s("items"), items}}));
        }));

    server.Get(
        R"(/api/v1/applications/([^/]+)/resource)",
        wrap([this](const httplib::Request &req, httplib::Response &res) {
            std::lock_guard guard(sandbox().lock());
            const QString name = fromStd(req.matches[1]);
            App *a = findApp(req, res, name);
            if (!a)
                return;
            const QString kind = param(req, "kind");
            const QString resourceName = param(req, "resourceName");
            QJsonObject live;
            if (a->rollout && kind == s("ReplicaSet"))
                live = a->rollout->replicaSetManifest(
                    resourceName, stableHex(s("uid/") + a->ns + kind + resourceName, 32));
            else if (a->rollout && kind == s("Pod"))
                live = a->rollout->podManifest(resourceName);
            else
                live = liveObject(*a, kind, true);
            if (live.isEmpty() || (!resourceName.isEmpty() &&
                                   live[s("metadata")][s("name")].toString() != resourceName)) {
                grpcError(res, 404, 5,
                          QStringLiteral("%1 %2 not found as part of application %3")
                              .arg(kind, resourceName, name));
                return;
            }
            sendArgoJson(
                res, 200,
                QJsonDocument(QJsonObject{{s("manifest"), QString::fromUtf8(compact(live))}}));
        }));

    server.Get(R"(/api/v1/applications/([^/]+)/resource/actions)",
               wrap([this](const httplib::Request &req, httplib::Response &res) {
                   std::lock_guard guard(sandbox().lock());
                   const QString name = fromStd(req.matches[1]);
                   App *a = findApp(req, res, name);
                   if (!a)
                       return;
                   const QString kind = param(req, "kind");
                   if (kind != s("Rollout") || !a->rollout) {
                       const QJsonObject live = liveObject(*a, kind, true);
                       const QString resourceName = param(req, "resourceName");
                       if (live.isEmpty() ||
                           (!resourceName.isEmpty() &&
                            live[s("metadata")][s("name")].toString() != resourceName)) {
                           grpcError(res, 404, 5,
                                     QStringLiteral("%1 %2 not found as part of application %3")
                                         .arg(kind, param(req, "resourceName"), name));
                           return;
                       }
                       sendArgoJson(res, 200, QJsonDocument(QJsonObject{}));
                       return;
                   }
                   sendArgoJson(res, 200,
                                QJsonDocument(QJsonObject{
                                    {s("actions"), rolloutActions(a->rollout->manifest(), m_v3)}}));
               }));

    server.Post(
        R"(/api/v1/applications/([^/]+)/resource/actions)",
        wrap([this](const httplib::Request &req, httplib::Response &res) {
            // v1: the body is the action name as a JSON string
            QJsonParseError pe;
            const QJsonDocument doc =
                QJsonDocument::fromJson("[" + QByteArray::fromStdString(req.body) + "]", &pe);
            if (pe.error != QJsonParseError::NoError || !doc.array().first().isString()) {
                grpcError(res, 400, 3, s("invalid character looking for beginning of value"));
                return;
            }
            const QJsonObject target{{s("kind"), param(req, "kind")},
                                     {s("resourceName"), param(req, "resourceName")}};
            handleAction(req, res, fromStd(req.matches[1]), target, doc.array().first().toString());
        }));

    if (m_v3) {
        server.Post(R"(/api/v1/applications/([^/]+)/resource/actions/v2)",
                    wrap([this](const httplib::Request &req, httplib::Response &res) {
                        QJsonParseError pe;
                        const QJsonDocument doc =
                            QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &pe);
                        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
                            grpcError(res, 400, 3,
                                      s("invalid character looking for beginning of value"));
                            return;
                        }
                        handleAction(req, res, fromStd(req.matches[1]), doc.object(),
                                     doc.object()[s("action")].toString());
                    }));
    }

    // a test knob: ?app=NAME&state=malformed|ok makes the workload's live state in
    // managed-resources unreadable (or readable again) until the next reset
    server.Post("/_sandbox/argocd/managed-state",
                [this](const httplib::Request &req, httplib::Response &res) {
                    std::lock_guard guard(sandbox().lock());
                    const auto it = m_byName.constFind(param(req, "app"));
                    if (it == m_byName.constEnd()) {
                        writeError(res, 404, s("no such application"));
                        return;
                    }
                    m_apps[size_t(*it)].corruptManagedState = param(req, "state") == s("malformed");
                    sendArgoJson(res, 200, QJsonDocument(QJsonObject{}));
                });

    server.Post(
        "/_sandbox/argocd/churn", [this](const httplib::Request &req, httplib::Response &res) {
            m_churnPerSecond = param(req, "perSecond").toInt();
            sendArgoJson(res, 200,
                         QJsonDocument(QJsonObject{{s("perSecond"), m_churnPerSecond.load()},
                                                   {s("churned"), qint64(m_churned.load())}}));
        });

    // grpc-gateway v1 without a proto error handler: plain-text 404 / 405 for unknown routes
    const QList<QPair<QString, QRegularExpression>> known = [this] {
        QList<QPair<QString, QRegularExpression>> k;
        const auto add = [&](const char *m, const char *p) {
            k.append({s(m), QRegularExpression(QStringLiteral("^%1$").arg(s(p)))});
        };
        add("GET", "/api/version");
        add("POST", "/api/v1/session");
        add("DELETE", "/api/v1/session");
        add("GET", "/api/v1/session/userinfo");
        add("GET", "/api/v1/applications");
        add("POST", "/api/v1/applications");
        add("GET", "/api/v1/stream/applications");
        add("GET", "/api/v1/applications/[^/]+");
        add("DELETE", "/api/v1/applications/[^/]+");
        add("PATCH", "/api/v1/applications/[^/]+");
        add("POST", "/api/v1/applications/[^/]+/sync");
        add("POST", "/api/v1/applications/[^/]+/rollback");
        add("DELETE", "/api/v1/applications/[^/]+/operation");
        add("GET", "/api/v1/applications/[^/]+/resource-tree");
        add("GET", "/api/v1/applications/[^/]+/syncwindows");
        add("GET", "/api/v1/projects/[^/]+/syncwindows");
        add("GET", "/api/v1/projects");
        add("GET", "/api/v1/projects/[^/]+");
        add("GET", "/api/v1/clusters");
        add("GET", "/api/v1/applications/[^/]+/events");
        add("GET", "/api/v1/applications/[^/]+/pods/[^/]+/logs");
        add("GET", "/api/v1/applications/[^/]+/logs");
        add("GET", "/api/v1/applications/[^/]+/managed-resources");
        add("GET", "/api/v1/applications/[^/]+/resource");
        add("POST", "/api/v1/applications/[^/]+/resource");
        add("DELETE", "/api/v1/applications/[^/]+/resource");
        add("GET", "/api/v1/applications/[^/]+/resource/actions");
        add("POST", "/api/v1/applications/[^/]+/resource/actions");
        if (m_v3)
            add("POST", "/api/v1/applications/[^/]+/resource/actions/v2");
        return k;
    }();
    const auto unknown = wrap(
        [known](const httplib::Request &req, httplib::Response &res) {
            const QString path = fromStd(req.path);
            bool otherMethod = false;
            for (const auto &[method, re] : known)
                if (re.match(path).hasMatch() && method != fromStd(req.method))
                    otherMethod = true;
            const int status = otherMethod ? 405 : 404;
            const std::string body = otherMethod ? "Method Not Allowed\n" : "Not Found\n";
            res.status = status;
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_content(body, "text/plain; charset=utf-8");
        },
        false);
    server.Get("/api/.*", unknown);
    server.Post("/api/.*", unknown);
    server.Put("/api/.*", unknown);
    server.Patch("/api/.*", unknown);
    server.Delete("/api/.*", unknown);
}

} // namespace

} // namespace argocd

std::unique_ptr<BackendServer> makeArgoCdServer(Sandbox &sandbox)
{
    return std::make_unique<argocd::ArgoCdServer>(sandbox);
}

} // namespace fd::sandbox
