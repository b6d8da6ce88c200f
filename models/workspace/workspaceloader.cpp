#include "workspaceloader.h"
#include "yamltree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fd {

namespace {

const QLatin1String kDefaultsName("<defaults>");
constexpr int kMaxTeamLayers = 8;

// Built-in defaults: the lowest layer.
const char kDefaults[] = R"(version: 1
readOnly: false
policies:
  requireTypedNameForProtected: true
  mutationSpacingSeconds: 1
ui:
  theme: system
  language: en
)";

using Node = YamlNode;
using Issues = IssueList;

QString join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString indexed(const QString &path, int i)
{
    return path + QStringLiteral("[%1]").arg(i);
}

std::optional<Node> parseText(const QByteArray &text, const QString &file, Issues &issues)
{
    return parseYamlText(text, file, issues);
}

std::optional<Node>
parseFile(const QString &path, Issues &issues, const SourceLocation &from, const QString &fromPath)
{
    return parseYamlFile(path, issues, from, fromPath);
}

// Later wins; maps merge member by member, anything else is replaced whole. `over` is taken
// apart: a layer's subtrees move into the result instead of being copied (a workspace of
// 250,000 services is one large subtree).
void merge(Node &base, Node &&over)
{
    if (!base.isMap() || !over.isMap()) {
        const QString key = base.key;
        const SourceLocation keyLoc = base.keyLoc;
        const SourceLocation overKeyLoc = over.keyLoc;
        base = std::move(over);
        if (!key.isEmpty()) {
            base.key = key;
            base.keyLoc = overKeyLoc.line ? overKeyLoc : keyLoc;
        }
        return;
    }
    for (auto &member : over.children) {
        if (Node *existing = base.get(member.key))
            merge(*existing, std::move(member));
        else
            base.addMember(std::move(member));
    }
}

QString resolvePath(const QString &value, const SourceLocation &loc)
{
    if (value.isEmpty())
        return value;
    QString v = value;
    if (v == u'~' || v.startsWith(QLatin1String("~/")))
        v = QDir::homePath() + v.mid(1);
    if (QDir::isAbsolutePath(v) || loc.file.isEmpty() || loc.file == kDefaultsName)
        return QDir::cleanPath(v);
    return QDir::cleanPath(QFileInfo(loc.file).absoluteDir().filePath(v));
}

QVariant toVariant(const Node &n)
{
    switch (n.type) {
    case Node::Type::Null:
        return {};
    case Node::Type::Scalar: {
        if (n.quoted)
            return n.scalar;
        const QString s = n.scalar;
        if (s == QLatin1String("true") || s == QLatin1String("True"))
            return true;
        if (s == QLatin1String("false") || s == QLatin1String("False"))
            return false;
        if (s == u'~' || s == QLatin1String("null"))
            return {};
        bool ok = false;
        const qlonglong i = s.toLongLong(&ok);
        if (ok)
            return i;
        const double d = s.toDouble(&ok);
        if (ok)
            return d;
        return s;
    }
    case Node::Type::Sequence: {
        QVariantList l;
        for (const auto &c : n.children)
            l.append(toVariant(c));
        return l;
    }
    case Node::Type::Map: {
        QVariantMap m;
        for (const auto &c : n.children)
            m.insert(c.key, toVariant(c));
        return m;
    }
    }
    return {};
}

const QStringList kKinds = {QStringLiteral("github"), QStringLiteral("jenkins"),
                            QStringLiteral("gitlab"), QStringLiteral("argocd"),
                            QStringLiteral("prometheus")};

QStringList keys(std::initializer_list<const char *> names)
{
    QStringList out;
    for (const char *n : names)
        out.append(QLatin1String(n));
    return out;
}

QString backtickList(const QStringList &l)
{
    QStringList out;
    for (const auto &s : l)
        out.append(u'`' + s + u'`');
    return out.join(QLatin1String(", "));
}

// Reads the merged tree into a Workspace, collecting every problem.
class Reader
{
public:
    Reader(Issues &issues, const LoadOptions &options)
        : m_issues(issues)
        , m_options(options)
    {}

    void read(const Node &root, Workspace &ws);

private:
    bool expect(const Node &n, Node::Type type, const QString &path)
    {
        if (n.type == type)
            return true;
        static const char *const names[] = {"nothing", "a value", "a list", "a map"};
        m_issues.error(n.loc, path,
                       QStringLiteral("expected %1, found %2")
                           .arg(QLatin1String(names[int(type)]), describe(n)));
        return false;
    }

    void checkKeys(const Node &map, const QString &path, const QStringList &allowed)
    {
        for (const auto &c : map.children) {
            if (allowed.contains(c.key))
                continue;
            const QString near = closestMatch(c.key, allowed);
            QString msg = QStringLiteral("unknown key `%1`").arg(c.key);
            if (!near.isEmpty())
                msg += QStringLiteral("; did you mean `%1`?").arg(near);
            else
                msg += QStringLiteral("; expected one of %1").arg(backtickList(allowed));
            m_issues.error(c.keyLoc, join(path, c.key), msg);
        }
    }

    std::optional<QString> string(const Node *n, const QString &path)
    {
        if (!n)
            return std::nullopt;
        if (n->type != Node::Type::Scalar) {
            m_issues.error(n->loc, path,
                           QStringLiteral("expected a text value, found %1").arg(describe(*n)));
            return std::nullopt;
        }
        return n->scalar;
    }

    std::optional<bool> boolean(const Node *n, const QString &path)
    {
        if (!n)
            return std::nullopt;
        const QString s = n->type == Node::Type::Scalar ? n->scalar.toLower() : QString();
        if (n->type == Node::Type::Scalar && !n->quoted) {
            if (s == QLatin1String("true") || s == QLatin1String("yes") || s == QLatin1String("on"))
                return true;
            if (s == QLatin1String("false") || s == QLatin1String("no") ||
                s == QLatin1String("off"))
                return false;
        }
        m_issues.error(n->loc, path,
                       QStringLiteral("expected true or false, found %1").arg(describe(*n)));
        return std::nullopt;
    }

    std::optional<qlonglong> integer(const Node *n, const QString &path)
    {
        if (!n)
            return std::nullopt;
        bool ok = false;
        const qlonglong v = n->type == Node::Type::Scalar ? n->scalar.toLongLong(&ok) : 0;
        if (ok)
            return v;
        m_issues.error(n->loc, path,
                       QStringLiteral("expected a whole number, found %1").arg(describe(*n)));
        return std::nullopt;
    }

    QStringList stringList(const Node *n, const QString &path)
    {
        QStringList out;
        if (!n || n->isNull())
            return out;
        if (n->type == Node::Type::Scalar)
            return {n->scalar}; // a single name is a list of one
        if (!expect(*n, Node::Type::Sequence, path))
            return out;
        int i = 0;
        for (const auto &c : n->children)
            if (auto s = string(&c, indexed(path, i++)))
                out.append(*s);
        return out;
    }

    void unknownName(const SourceLocation &loc,
                     const QString &path,
                     const QString &what,
                     const QString &name,
                     const QString &section,
                     const QStringList &known)
    {
        QString msg = QStringLiteral("%1 `%2` is not defined in `%3`").arg(what, name, section);
        const QString near = closestMatch(name, known);
        if (!near.isEmpty())
            msg += QStringLiteral("; did you mean `%1`?").arg(near);
        m_issues.error(loc, path, msg);
    }

    void readConnection(const Node &n, const QString &path, ConnectionDef &c);
    void readEnvironment(const Node &n, const QString &path, EnvironmentDef &e);
    std::optional<FreezeWindow> readFreeze(const Node &n, const QString &path);
    void readService(const Node &n, const QString &path, ServiceDef &s);
    std::optional<ServiceBinding> readBinding(const Node &n,
                                              const QString &path,
                                              const ServiceDef &s,
                                              const QString &environment);
    void applyConventions(ServiceDef &s, const QString &path, const Node &serviceNode);
    void readNotify(const Node &list, Workspace &ws);
    void checkReferences(Workspace &ws, const Node &root);
    void checkDependencyCycles(const Workspace &ws, const Node &root);
    void checkCredentialsInUse(const Workspace &ws, const Node &root);
    bool refuseUserInfo(const QUrl &url, const SourceLocation &loc, const QString &path);
    void checkOptionRanges(const Node &options, const QString &path, const QString &kind);

    struct UnsetVariable
    {
        QString connection;
        QString name;
        QString path;
        SourceLocation loc;
    };
    QList<UnsetVariable> m_unsetVariables;

    Issues &m_issues;
    const LoadOptions &m_options;
    Workspace *m_ws = nullptr;
};

void Reader::read(const Node &root, Workspace &ws)
{
    m_ws = &ws;
    checkKeys(root, QString(),
              keys({"version", "name", "readOnly", "team", "connections", "environments",
                    "services", "gitops", "policies", "ui", "notify"}));

    if (const Node *v = root.get(QStringLiteral("version"))) {
        if (auto n = integer(v, QStringLiteral("version"))) {
            ws.version = int(*n);
            if (*n != 1)
                m_issues.error(v->loc, QStringLiteral("version"),
                               QStringLiteral("unsupported version %1; this Flightdeck reads "
                                              "version 1")
                                   .arg(*n));
        }
    }
    if (auto s = string(root.get(QStringLiteral("name")), QStringLiteral("name")))
        ws.name = *s;
    if (auto b = boolean(root.get(QStringLiteral("readOnly")), QStringLiteral("readOnly")))
        ws.readOnly = *b;
    string(root.get(QStringLiteral("team")), QStringLiteral("team")); // type check only

    if (const Node *conns = root.get(QStringLiteral("connections"));
        conns && !conns->isNull() &&
        expect(*conns, Node::Type::Map, QStringLiteral("connections"))) {
        for (const auto &c : conns->children) {
            ConnectionDef def;
            def.id = c.key;
            def.location = c.keyLoc;
            readConnection(c, join(QStringLiteral("connections"), c.key), def);
            ws.connections.append(def);
        }
    }

    if (const Node *envs = root.get(QStringLiteral("environments"));
        envs && !envs->isNull() &&
        expect(*envs, Node::Type::Sequence, QStringLiteral("environments"))) {
        int i = 0;
        for (const auto &e : envs->children) {
            const QString path = indexed(QStringLiteral("environments"), i++);
            EnvironmentDef def;
            def.location = e.loc;
            readEnvironment(e, path, def);
            if (def.name.isEmpty())
                continue;
            if (const auto *first = ws.environment(def.name)) {
                m_issues.error(e.loc, join(path, QStringLiteral("name")),
                               QStringLiteral("environment `%1` is listed twice (first at line %2)")
                                   .arg(def.name, QString::number(first->location.line)));
                continue;
            }
            ws.environments.append(def);
        }
    }

    // Services need every connection and environment known first.
    if (const Node *svcs = root.get(QStringLiteral("services"));
        svcs && !svcs->isNull() && expect(*svcs, Node::Type::Map, QStringLiteral("services"))) {
        for (const auto &s : svcs->children) {
            ServiceDef def;
            def.name = s.key;
            readService(s, join(QStringLiteral("services"), s.key), def);
            ws.services.append(std::move(def));
        }
    }

    if (const Node *g = root.get(QStringLiteral("gitops"));
        g && !g->isNull() && expect(*g, Node::Type::Map, QStringLiteral("gitops"))) {
        checkKeys(*g, QStringLiteral("gitops"),
                  keys({"path", "remote", "branch", "author", "message"}));
        if (const Node *p = g->get(QStringLiteral("path")))
            if (auto s = string(p, QStringLiteral("gitops.path")))
                ws.gitopsPath = resolvePath(*s, p->loc);
        if (auto s = string(g->get(QStringLiteral("remote")), QStringLiteral("gitops.remote"))) {
            ws.gitops.remote = *s;
            ws.gitops.promotes = true;
        }
        if (auto s = string(g->get(QStringLiteral("branch")), QStringLiteral("gitops.branch")))
            ws.gitops.branch = *s;
        if (auto s = string(g->get(QStringLiteral("message")), QStringLiteral("gitops.message")))
            ws.gitops.message = *s;
        if (const Node *a = g->get(QStringLiteral("author"));
            a && !a->isNull() && expect(*a, Node::Type::Map, QStringLiteral("gitops.author"))) {
            checkKeys(*a, QStringLiteral("gitops.author"), keys({"name", "email"}));
            if (auto s =
                    string(a->get(QStringLiteral("name")), QStringLiteral("gitops.author.name")))
                ws.gitops.authorName = *s;
            if (auto s =
                    string(a->get(QStringLiteral("email")), QStringLiteral("gitops.author.email")))
                ws.gitops.authorEmail = *s;
        }
    }

    if (const Node *p = root.get(QStringLiteral("policies"));
        p && !p->isNull() && expect(*p, Node::Type::Map, QStringLiteral("policies"))) {
        checkKeys(*p, QStringLiteral("policies"),
                  keys({"requireTypedNameForProtected", "mutationSpacingSeconds", "sloGate",
                        "timelineRetentionDays", "suspectWindowHours", "changeFailureWindowHours",
                        "productionEnvironment", "compare"}));
        boolean(p->get(QStringLiteral("requireTypedNameForProtected")),
                QStringLiteral("policies.requireTypedNameForProtected"));
        if (auto n = integer(p->get(QStringLiteral("mutationSpacingSeconds")),
                             QStringLiteral("policies.mutationSpacingSeconds"));
            n && *n < 0)
            m_issues.error(p->get(QStringLiteral("mutationSpacingSeconds"))->loc,
                           QStringLiteral("policies.mutationSpacingSeconds"),
                           QStringLiteral("must not be negative"));
        for (const char *key :
             {"timelineRetentionDays", "suspectWindowHours", "changeFailureWindowHours"}) {
            const QString path = QStringLiteral("policies.") + QLatin1String(key);
            if (auto n = integer(p->get(QLatin1String(key)), path); n && *n <= 0)
                m_issues.error(p->get(QLatin1String(key))->loc, path,
                               QStringLiteral("must be positive"));
        }
        string(p->get(QStringLiteral("productionEnvironment")),
               QStringLiteral("policies.productionEnvironment"));
        if (const Node *slo = p->get(QStringLiteral("sloGate")); slo && !slo->isNull())
            expect(*slo, Node::Type::Map, QStringLiteral("policies.sloGate"));
        if (const Node *c = p->get(QStringLiteral("compare"));
            c && !c->isNull() && expect(*c, Node::Type::Map, QStringLiteral("policies.compare"))) {
            checkKeys(*c, QStringLiteral("policies.compare"), keys({"perEnvironment"}));
            stringList(c->get(QStringLiteral("perEnvironment")),
                       QStringLiteral("policies.compare.perEnvironment"));
        }
        ws.policies = toVariant(*p).toMap();
    }

    if (const Node *u = root.get(QStringLiteral("ui"));
        u && !u->isNull() && expect(*u, Node::Type::Map, QStringLiteral("ui"))) {
        checkKeys(*u, QStringLiteral("ui"), keys({"theme", "language"}));
        auto oneOf = [&](const char *key, const QStringList &allowed) {
            const Node *n = u->get(QLatin1String(key));
            const QString path = join(QStringLiteral("ui"), QLatin1String(key));
            if (auto s = string(n, path); s && !allowed.contains(*s))
                m_issues.error(n->loc, path,
                               QStringLiteral("unknown value `%1`; expected one of %2")
                                   .arg(*s, backtickList(allowed)));
        };
        oneOf("theme", keys({"system", "light", "dark"}));
        oneOf("language", keys({"en", "ko"}));
        ws.ui = toVariant(*u).toMap();
    }

    if (const Node *n = root.get(QStringLiteral("notify"));
        n && !n->isNull() && expect(*n, Node::Type::Sequence, QStringLiteral("notify")))
        readNotify(*n, ws);

    checkReferences(ws, root);
    checkDependencyCycles(ws, root);
    checkCredentialsInUse(ws, root);
}

void Reader::readConnection(const Node &n, const QString &path, ConnectionDef &c)
{
    if (!expect(n, Node::Type::Map, path))
        return;
    checkKeys(n, path, keys({"kind", "url", "credentials", "scope", "tls", "options"}));

    const Node *kind = n.get(QStringLiteral("kind"));
    if (!kind) {
        m_issues.error(n.loc, join(path, QStringLiteral("kind")),
                       QStringLiteral("missing required key `kind` (one of %1)")
                           .arg(kKinds.join(QLatin1String(", "))));
    } else if (auto k = string(kind, join(path, QStringLiteral("kind")))) {
        if (kKinds.contains(*k)) {
            c.kind = *k;
        } else {
            QString msg = QStringLiteral("unknown connection kind `%1`").arg(*k);
            const QString near = closestMatch(*k, kKinds);
            msg +=
                near.isEmpty()
                    ? QStringLiteral("; expected one of %1").arg(kKinds.join(QLatin1String(", ")))
                    : QStringLiteral("; did you mean `%1`?").arg(near);
            m_issues.error(kind->loc, join(path, QStringLiteral("kind")), msg);
        }
    }

    const Node *url = n.get(QStringLiteral("url"));
    if (!url) {
        m_issues.error(n.loc, join(path, QStringLiteral("url")),
                       QStringLiteral("missing required key `url`"));
    } else if (auto u = string(url, join(path, QStringLiteral("url")))) {
        const QUrl parsed(*u, QUrl::StrictMode);
        const QString scheme = parsed.scheme();
        if (!parsed.isValid() || parsed.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            m_issues.error(url->loc, join(path, QStringLiteral("url")),
                           QStringLiteral("`%1` is not an http(s) URL").arg(*u));
        else if (refuseUserInfo(parsed, url->loc, join(path, QStringLiteral("url"))))
            c.url = parsed;
    }

    if (const Node *cred = n.get(QStringLiteral("credentials")); cred && !cred->isNull()) {
        const QString cpath = join(path, QStringLiteral("credentials"));
        if (expect(*cred, Node::Type::Map, cpath)) {
            checkKeys(*cred, cpath, keys({"token", "user", "username", "password"}));
            static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
            for (const auto &v : cred->children) {
                const QString vpath = join(cpath, v.key);
                if (v.type != Node::Type::Scalar) {
                    string(&v, vpath);
                    continue;
                }
                const QString ref = v.scalar.trimmed();
                if (ref.startsWith(QLatin1String("env:"))) {
                    const QString name = ref.mid(4);
                    if (!envName.match(name).hasMatch()) {
                        m_issues.error(v.loc, vpath,
                                       QStringLiteral("`%1` is not a valid environment variable "
                                                      "name")
                                           .arg(name));
                        continue;
                    }
                    if (m_options.checkEnvironment && !m_options.environment.contains(name))
                        m_unsetVariables.append({c.id, name, vpath, v.loc});
                } else if (ref.startsWith(QLatin1String("keychain:"))) {
                    if (ref.size() == 9) {
                        m_issues.error(v.loc, vpath,
                                       QStringLiteral("`keychain:` needs an entry name"));
                        continue;
                    }
                } else {
                    // Never echo the value: it may be a real secret.
                    m_issues.error(v.loc, vpath,
                                   QStringLiteral("a literal secret is not allowed in the "
                                                  "workspace file; write `env:NAME` to read it "
                                                  "from an environment variable or "
                                                  "`keychain:NAME` to read it from the system "
                                                  "keychain (service \"flightdeck\")"));
                    continue;
                }
                c.credentialRefs.insert(v.key, ref);
                c.credentialLocations.insert(v.key, v.loc);
            }
            const auto has = [&](const char *k) {
                return c.credentialRefs.contains(QLatin1String(k));
            };
            if (c.kind == QLatin1String("jenkins") && (has("token") || has("user")) &&
                !(has("token") && has("user")))
                m_issues.error(cred->loc, cpath,
                               QStringLiteral("jenkins needs both `user` and `token`"));
            if (c.kind == QLatin1String("argocd") && has("password") && !has("username"))
                m_issues.error(cred->loc, cpath,
                               QStringLiteral("argocd needs `username` with `password`"));
        }
    }

    if (const Node *scope = n.get(QStringLiteral("scope")); scope && !scope->isNull()) {
        const QString spath = join(path, QStringLiteral("scope"));
        if (expect(*scope, Node::Type::Map, spath)) {
            static const QHash<QString, QStringList> scopeKeys = {
                {QStringLiteral("github"), keys({"repos", "owners"})},
                {QStringLiteral("jenkins"), keys({"folders", "jobs"})},
                {QStringLiteral("gitlab"), keys({"projects", "groups"})},
                {QStringLiteral("argocd"), keys({"projects", "selector"})},
                {QStringLiteral("prometheus"), {}},
            };
            if (scopeKeys.contains(c.kind))
                checkKeys(*scope, spath, scopeKeys.value(c.kind));
            for (const auto &v : scope->children) {
                if (v.key == QLatin1String("selector")) {
                    if (auto s = string(&v, join(spath, v.key)))
                        c.scope.insert(v.key, *s);
                } else {
                    c.scope.insert(v.key, stringList(&v, join(spath, v.key)));
                }
            }
        }
    }

    if (const Node *tls = n.get(QStringLiteral("tls")); tls && !tls->isNull()) {
        const QString tpath = join(path, QStringLiteral("tls"));
        if (expect(*tls, Node::Type::Map, tpath)) {
            checkKeys(*tls, tpath, keys({"caFile", "insecure"}));
            if (const Node *ca = tls->get(QStringLiteral("caFile")))
                if (auto s = string(ca, join(tpath, QStringLiteral("caFile"))))
                    c.caFile = resolvePath(*s, ca->loc);
            if (auto b = boolean(tls->get(QStringLiteral("insecure")),
                                 join(tpath, QStringLiteral("insecure"))))
                c.insecure = *b;
        }
    }

    if (const Node *o = n.get(QStringLiteral("options")); o && !o->isNull()) {
        const QString opath = join(path, QStringLiteral("options"));
        if (expect(*o, Node::Type::Map, opath)) {
            checkOptionRanges(*o, opath, c.kind);
            for (const auto &m : o->children)
                if (m.key.endsWith(QLatin1String("Url")) && m.type == Node::Type::Scalar)
                    refuseUserInfo(QUrl(m.scalar), m.loc, join(opath, m.key));
            c.options = toVariant(*o).toMap();
        }
    }
}

bool Reader::refuseUserInfo(const QUrl &url, const SourceLocation &loc, const QString &path)
{
    // An ssh user name (`ssh://git@host/...`) is not a secret; a password is, and so is any
    // user part of an http(s) URL (tokens are often passed as the user name).
    const bool http =
        url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
    if (url.password().isEmpty() && (!http || url.userName().isEmpty()))
        return true;
    // Never echo the user part either: it is often a token.
    m_issues.error(loc, path,
                   QStringLiteral("the URL carries credentials (`user:…@`); write the URL "
                                  "without them and put them under `credentials` as `env:NAME` "
                                  "or `keychain:NAME` references"));
    return false;
}

// The numeric options the plugins read, with the ranges they accept. A value outside is an
// error here rather than being clamped or ignored in silence when the connection starts.
void Reader::checkOptionRanges(const Node &options, const QString &path, const QString &kind)
{
    struct Range
    {
        const char *key;
        double min;
        double max;
        bool whole;
        const char *unit;
    };
    static const Range ranges[] = {
        {"pollInterval", 0.05, 86400, false, "seconds"},
        {"pollIntervalSeconds", 0.05, 86400, false, "seconds"},
        {"activePollInterval", 0.05, 86400, false, "seconds"},
        {"requestTimeoutMs", 100, 300000, true, "milliseconds"},
        {"maxAttempts", 1, 10, true, "attempts"},
        {"maxBackoffMs", 100, 3600000, true, "milliseconds"},
        {"rateLimitBackoffMs", 100, 3600000, true, "milliseconds"},
        {"jobsDepth", 0, 100, true, "jobs"},
        {"deploymentDepth", 1, 100, true, "deployments"},
        {"protectedEvery", 1, 1000, true, "polls"},
        {"deploymentsFullEvery", 1, 1000, true, "polls"},
        {"environmentsEvery", 1, 1000, true, "polls"},
        {"ownerRelistPolls", 1, 1000, true, "polls"},
        {"requestsPerMinute", 1, 1000000, true, "requests"},
        {"stagesDepth", 0, 100, true, "stages"},
        {"listingLevels", 1, 6, true, "levels"},
        {"queueFollowMs", 0, 600000, true, "milliseconds"},
        {"queuePollMs", 20, 60000, true, "milliseconds"},
    };
    const auto check = [&](const Node &m, const Range &r) {
        const QString mpath = join(path, m.key);
        bool ok = m.type == Node::Type::Scalar && !m.quoted;
        const double v = ok ? m.scalar.toDouble(&ok) : 0;
        const bool whole = ok && v == std::floor(v);
        if (!ok || (r.whole && !whole) || !std::isfinite(v)) {
            m_issues.error(
                m.loc, mpath,
                QStringLiteral("expected %1, found %2")
                    .arg(r.whole ? QStringLiteral("a whole number") : QStringLiteral("a number"),
                         describe(m)));
            return;
        }
        if (v < r.min || v > r.max)
            m_issues.error(m.loc, mpath,
                           QStringLiteral("`%1` is out of range: %2 takes %3 to %4 %5")
                               .arg(m.scalar, m.key, QString::number(r.min),
                                    QString::number(r.max, 'f', 0), QLatin1String(r.unit)));
    };
    for (const auto &m : options.children) {
        if (m.key == QLatin1String("runDepth")) {
            // github and jenkins read at most 100 runs per pipeline a poll; gitlab pages on.
            const double max = kind == QLatin1String("gitlab") ? 1000 : 100;
            check(m, Range{"runDepth", 1, max, true, "runs"});
            continue;
        }
        for (const Range &r : ranges)
            if (m.key == QLatin1String(r.key))
                check(m, r);
    }
}

std::optional<FreezeWindow> Reader::readFreeze(const Node &n, const QString &path)
{
    if (!expect(n, Node::Type::Map, path))
        return std::nullopt;
    checkKeys(n, path, keys({"start", "end", "days", "from", "to", "reason"}));
    FreezeWindow w;
    if (auto r = string(n.get(QStringLiteral("reason")), join(path, QStringLiteral("reason"))))
        w.reason = *r;
    const Node *start = n.get(QStringLiteral("start"));
    const Node *end = n.get(QStringLiteral("end"));
    const Node *days = n.get(QStringLiteral("days"));
    bool ok = true;
    auto date = [&](const Node *d, const char *key) -> QDateTime {
        const QString kpath = join(path, QLatin1String(key));
        if (!d) {
            m_issues.error(n.loc, kpath,
                           QStringLiteral("missing required key `%1`").arg(QLatin1String(key)));
            ok = false;
            return {};
        }
        auto s = string(d, kpath);
        if (!s) {
            ok = false;
            return {};
        }
        QDateTime dt = QDateTime::fromString(*s, Qt::ISODate);
        if (!dt.isValid()) {
            m_issues.error(d->loc, kpath,
                           QStringLiteral("`%1` is not an ISO-8601 time such as "
                                          "2026-12-20T00:00:00Z")
                               .arg(*s));
            ok = false;
        }
        return dt.toUTC();
    };
    auto clock = [&](const char *key) -> QTime {
        const Node *d = n.get(QLatin1String(key));
        const QString kpath = join(path, QLatin1String(key));
        if (!d) {
            m_issues.error(n.loc, kpath,
                           QStringLiteral("missing required key `%1`").arg(QLatin1String(key)));
            ok = false;
            return {};
        }
        auto s = string(d, kpath);
        const QTime t = s ? QTime::fromString(*s, QStringLiteral("HH:mm")) : QTime();
        if (s && !t.isValid())
            m_issues.error(d->loc, kpath,
                           QStringLiteral("`%1` is not a time of day such as 09:30").arg(*s));
        if (!t.isValid())
            ok = false;
        return t;
    };

    if (days && (start || end)) {
        m_issues.error(n.loc, path,
                       QStringLiteral("a freeze window has either `start`/`end` (dates) or "
                                      "`days`/`from`/`to` (weekly), not both"));
        return std::nullopt;
    }
    if (days) {
        w.kind = FreezeWindow::Kind::Weekly;
        static const QStringList dayNames = keys({"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
        const QString dpath = join(path, QStringLiteral("days"));
        if (days->type == Node::Type::Sequence) {
            int i = 0;
            for (const auto &d : days->children) {
                const QString ipath = indexed(dpath, i++);
                auto s = string(&d, ipath);
                if (!s) {
                    ok = false;
                    continue;
                }
                const int idx = int(dayNames.indexOf(s->left(3).toLower()));
                if (idx < 0) {
                    m_issues.error(d.loc, ipath,
                                   QStringLiteral("unknown day `%1`; expected one of %2")
                                       .arg(*s, dayNames.join(QLatin1String(", "))));
                    ok = false;
                } else {
                    w.days.append(idx + 1);
                }
            }
        } else {
            expect(*days, Node::Type::Sequence, dpath);
            ok = false;
        }
        w.from = clock("from");
        w.to = clock("to");
    } else {
        w.start = date(start, "start");
        w.end = date(end, "end");
        if (ok && w.end <= w.start) {
            m_issues.error(end->loc, join(path, QStringLiteral("end")),
                           QStringLiteral("the freeze window ends (%1) before it starts (%2)")
                               .arg(end->scalar, start->scalar));
            ok = false;
        }
    }
    return ok ? std::optional(w) : std::nullopt;
}

void Reader::readEnvironment(const Node &n, const QString &path, EnvironmentDef &e)
{
    if (n.type == Node::Type::Scalar) { // "- dev" is short for "- {name: dev}"
        e.name = n.scalar;
        return;
    }
    if (!expect(n, Node::Type::Map, path))
        return;
    checkKeys(n, path, keys({"name", "protected", "freeze"}));
    const Node *name = n.get(QStringLiteral("name"));
    if (!name)
        m_issues.error(n.loc, join(path, QStringLiteral("name")),
                       QStringLiteral("missing required key `name`"));
    else if (auto s = string(name, join(path, QStringLiteral("name"))))
        e.name = *s;
    if (auto b =
            boolean(n.get(QStringLiteral("protected")), join(path, QStringLiteral("protected"))))
        e.isProtected = *b;
    if (const Node *f = n.get(QStringLiteral("freeze")); f && !f->isNull()) {
        const QString fpath = join(path, QStringLiteral("freeze"));
        if (expect(*f, Node::Type::Sequence, fpath)) {
            int i = 0;
            for (const auto &w : f->children)
                if (auto window = readFreeze(w, indexed(fpath, i++)))
                    e.freeze.append(*window);
        }
    }
}

std::optional<ServiceBinding> Reader::readBinding(const Node &n,
                                                  const QString &path,
                                                  const ServiceDef &s,
                                                  const QString &environment)
{
    if (!expect(n, Node::Type::Map, path))
        return std::nullopt;
    ServiceBinding b;
    b.service = s.name;
    b.environment = environment;
    QString connection = s.deployConnection;
    const Node *conn = n.get(QStringLiteral("connection"));
    if (conn) {
        if (auto c = string(conn, join(path, QStringLiteral("connection"))))
            connection = *c;
        else
            return std::nullopt;
    }
    if (connection.isEmpty()) {
        m_issues.error(n.loc, join(path, QStringLiteral("connection")),
                       environment.isEmpty()
                           ? QStringLiteral("missing required key `connection`")
                           : QStringLiteral("missing required key `connection` (the service "
                                            "has no `deploy` default)"));
        return std::nullopt;
    }
    const ConnectionDef *def = m_ws->connection(connection);
    if (!def) {
        QStringList ids;
        for (const auto &c : m_ws->connections)
            ids.append(c.id);
        unknownName(conn ? conn->loc : n.loc, join(path, QStringLiteral("connection")),
                    QStringLiteral("connection"), connection, QStringLiteral("connections"), ids);
        return std::nullopt;
    }
    b.options.insert(QStringLiteral("connection"), connection);
    if (def->kind == QLatin1String("prometheus")) {
        m_issues.error(conn ? conn->loc : n.loc, join(path, QStringLiteral("connection")),
                       QStringLiteral("connection `%1` is prometheus, which runs no pipelines "
                                      "and holds no deployments")
                           .arg(connection));
        return std::nullopt;
    }
    const QString objectKey = WorkspaceLoader::objectKey(def->kind);
    static const QStringList objectKeys = keys({"repo", "job", "project", "app"});
    for (const auto &m : n.children) {
        if (m.key == QLatin1String("connection"))
            continue;
        const QString mpath = join(path, m.key);
        if (m.key == objectKey) {
            if (auto o = string(&m, mpath))
                b.object = *o;
        } else if (objectKeys.contains(m.key) && !def->kind.isEmpty()) {
            m_issues.error(m.keyLoc, mpath,
                           QStringLiteral("`%1` does not apply to %2 connection `%3`; it names "
                                          "its object with `%4`")
                               .arg(m.key, def->kind, connection, objectKey));
        } else {
            b.options.insert(m.key, toVariant(m));
        }
    }
    if (b.object.isEmpty() && environment.isEmpty() && !def->kind.isEmpty()) {
        m_issues.error(n.loc, join(path, objectKey),
                       QStringLiteral("missing required key `%1`").arg(objectKey));
        return std::nullopt;
    }
    return b;
}

void Reader::readService(const Node &n, const QString &path, ServiceDef &s)
{
    if (!expect(n, Node::Type::Map, path))
        return;
    checkKeys(n, path,
              keys({"repository", "dependsOn", "deploy", "pipelines", "environments", "sli"}));
    if (const Node *r = n.get(QStringLiteral("repository")); r && !r->isNull()) {
        const QString rpath = join(path, QStringLiteral("repository"));
        if (expect(*r, Node::Type::Map, rpath)) {
            checkKeys(*r, rpath, keys({"path", "url", "mainBranch"}));
            if (const Node *p = r->get(QStringLiteral("path")))
                if (auto v = string(p, join(rpath, QStringLiteral("path"))))
                    s.repoPath = resolvePath(*v, p->loc);
            if (const Node *u = r->get(QStringLiteral("url")))
                if (auto v = string(u, join(rpath, QStringLiteral("url"))))
                    if (refuseUserInfo(QUrl(*v), u->loc, join(rpath, QStringLiteral("url"))))
                        s.repoUrl = *v;
            if (auto v = string(r->get(QStringLiteral("mainBranch")),
                                join(rpath, QStringLiteral("mainBranch"))))
                s.mainBranch = *v;
        }
    }
    s.dependsOn =
        stringList(n.get(QStringLiteral("dependsOn")), join(path, QStringLiteral("dependsOn")));

    if (const Node *d = n.get(QStringLiteral("deploy"))) {
        const QString dpath = join(path, QStringLiteral("deploy"));
        if (auto v = string(d, dpath)) {
            const ConnectionDef *def = m_ws->connection(*v);
            if (!def) {
                QStringList ids;
                for (const auto &c : m_ws->connections)
                    ids.append(c.id);
                unknownName(d->loc, dpath, QStringLiteral("connection"), *v,
                            QStringLiteral("connections"), ids);
            } else if (def->kind == QLatin1String("prometheus")) {
                m_issues.error(d->loc, dpath,
                               QStringLiteral("connection `%1` is prometheus, which cannot "
                                              "deploy")
                                   .arg(*v));
            } else {
                s.deployConnection = *v;
            }
        }
    }

    if (const Node *p = n.get(QStringLiteral("pipelines")); p && !p->isNull()) {
        const QString ppath = join(path, QStringLiteral("pipelines"));
        if (expect(*p, Node::Type::Sequence, ppath)) {
            int i = 0;
            ServiceDef noDefault = s;
            noDefault.deployConnection.clear(); // a pipeline names its connection itself
            for (const auto &item : p->children)
                if (auto b = readBinding(item, indexed(ppath, i++), noDefault, QString()))
                    s.pipelines.append(*b);
        }
    }

    if (const Node *envs = n.get(QStringLiteral("environments")); envs && !envs->isNull()) {
        const QString epath = join(path, QStringLiteral("environments"));
        if (expect(*envs, Node::Type::Map, epath)) {
            const QStringList known = m_ws->environmentNames();
            for (const auto &e : envs->children) {
                if (!m_ws->environment(e.key)) {
                    unknownName(e.keyLoc, join(epath, e.key), QStringLiteral("environment"), e.key,
                                QStringLiteral("environments"), known);
                    continue;
                }
                if (auto b = readBinding(e, join(epath, e.key), s, e.key))
                    s.bindings.append(*b);
            }
        }
    }

    if (const Node *sli = n.get(QStringLiteral("sli")); sli && !sli->isNull()) {
        const QString spath = join(path, QStringLiteral("sli"));
        if (expect(*sli, Node::Type::Map, spath))
            for (const auto &m : sli->children)
                if (auto v = string(&m, join(spath, m.key)))
                    s.sli.insert(m.key, *v);
    }

    applyConventions(s, path, n);
}

void Reader::applyConventions(ServiceDef &s, const QString &path, const Node &serviceNode)
{
    QList<ServiceBinding> ordered;
    bool warned = false;
    for (const auto &env : std::as_const(m_ws->environments)) {
        ServiceBinding b;
        if (const ServiceBinding *explicitBinding = s.binding(env.name)) {
            b = *explicitBinding;
        } else if (!s.deployConnection.isEmpty()) {
            b.service = s.name;
            b.environment = env.name;
            b.options.insert(QStringLiteral("connection"), s.deployConnection);
            b.conventional = true;
        } else {
            continue;
        }
        const QString connection = ServiceDef::connectionOf(b);
        const ConnectionDef *def = m_ws->connection(connection);
        const QString kind = def ? def->kind : QString();
        if (kind == QLatin1String("github") || kind == QLatin1String("gitlab")) {
            if (!b.options.contains(QStringLiteral("environment")))
                b.options.insert(QStringLiteral("environment"), env.name);
            if (b.object.isEmpty()) {
                for (const auto &p : std::as_const(s.pipelines))
                    if (ServiceDef::connectionOf(p) == connection) {
                        b.object = p.object;
                        break;
                    }
            }
            if (b.object.isEmpty()) {
                if (!warned) {
                    const Node *d = serviceNode.get(QStringLiteral("deploy"));
                    m_issues.error(
                        d ? d->loc : serviceNode.loc, join(path, QStringLiteral("deploy")),
                        QStringLiteral("cannot name the %1 %2 of `%3` by convention: "
                                       "add a pipeline on `%4` or map the environment")
                            .arg(kind,
                                 kind == QLatin1String("github") ? QStringLiteral("repository")
                                                                 : QStringLiteral("project"),
                                 s.name, connection));
                    warned = true;
                }
                continue;
            }
        } else if (b.object.isEmpty() && kind == QLatin1String("argocd")) {
            b.object = s.name + u'-' + env.name;
        } else if (b.object.isEmpty() && kind == QLatin1String("jenkins")) {
            b.object = s.name + QLatin1String("/deploy-") + env.name;
        }
        ordered.append(b);
    }
    s.bindings = ordered;
}

// Chat targets. The webhook URL is a secret like a token: only a reference may be written.
void Reader::readNotify(const Node &list, Workspace &ws)
{
    static const QStringList kinds = keys({"slack", "mattermost", "teams", "webhook"});
    static const QStringList events =
        keys({"promotion-planned", "deploy-started", "deploy-finished", "deploy-failed", "rollback",
              "canary-step", "canary-aborted", "gate-waiting", "incident-declared",
              "incident-phase", "incident-note"});
    int i = 0;
    for (const Node &t : list.children) {
        const QString path = indexed(QStringLiteral("notify"), i++);
        if (!expect(t, Node::Type::Map, path))
            continue;
        checkKeys(t, path,
                  keys({"name", "kind", "url", "channel", "events", "environments", "services",
                        "language"}));
        const Node *kind = t.get(QStringLiteral("kind"));
        if (!kind)
            m_issues.error(t.loc, join(path, QStringLiteral("kind")),
                           QStringLiteral("missing; expected one of %1").arg(backtickList(kinds)));
        else if (auto k = string(kind, join(path, QStringLiteral("kind")));
                 k && !kinds.contains(*k))
            m_issues.error(kind->loc, join(path, QStringLiteral("kind")),
                           QStringLiteral("unknown value `%1`; expected one of %2")
                               .arg(*k, backtickList(kinds)));
        const Node *url = t.get(QStringLiteral("url"));
        if (!url)
            m_issues.error(t.loc, join(path, QStringLiteral("url")),
                           QStringLiteral("missing; write env:NAME or keychain:NAME"));
        else if (auto u = string(url, join(path, QStringLiteral("url")));
                 u && !u->startsWith(QLatin1String("env:")) &&
                 !u->startsWith(QLatin1String("keychain:")))
            // Never echo the value: it is most likely the webhook URL itself.
            m_issues.error(url->loc, join(path, QStringLiteral("url")),
                           QStringLiteral("a webhook URL is a secret and must not be in the file; "
                                          "write env:NAME or keychain:NAME"));
        string(t.get(QStringLiteral("channel")), join(path, QStringLiteral("channel")));
        string(t.get(QStringLiteral("name")), join(path, QStringLiteral("name")));
        if (const Node *lang = t.get(QStringLiteral("language")))
            if (auto l = string(lang, join(path, QStringLiteral("language")));
                l && *l != QLatin1String("en") && *l != QLatin1String("ko"))
                m_issues.error(
                    lang->loc, join(path, QStringLiteral("language")),
                    QStringLiteral("unknown value `%1`; expected one of `en`, `ko`").arg(*l));
        const Node *ev = t.get(QStringLiteral("events"));
        const QStringList named = stringList(ev, join(path, QStringLiteral("events")));
        for (int j = 0; j < named.size(); ++j)
            if (!events.contains(named.at(j))) {
                QString msg = QStringLiteral("unknown event `%1`").arg(named.at(j));
                const QString near = closestMatch(named.at(j), events);
                msg += near.isEmpty()
                           ? QStringLiteral("; expected one of %1").arg(backtickList(events))
                           : QStringLiteral("; did you mean `%1`?").arg(near);
                m_issues.error(ev->loc, indexed(join(path, QStringLiteral("events")), j), msg);
            }
        for (const char *key : {"environments", "services"})
            stringList(t.get(QLatin1String(key)), join(path, QLatin1String(key)));
        ws.notify.append(toVariant(t));
    }
}

void Reader::checkReferences(Workspace &ws, const Node &root)
{
    const Node *svcs = root.get(QStringLiteral("services"));
    QSet<QString> known;
    known.reserve(ws.services.size());
    for (const auto &s : ws.services)
        known.insert(s.name);
    QStringList names; // only for "did you mean", built when first needed
    for (const auto &s : ws.services) {
        const Node *sn = svcs ? svcs->get(s.name) : nullptr;
        const Node *deps = sn ? sn->get(QStringLiteral("dependsOn")) : nullptr;
        for (int i = 0; i < s.dependsOn.size(); ++i) {
            const QString &dep = s.dependsOn.at(i);
            if (known.contains(dep))
                continue;
            if (names.isEmpty())
                names = QStringList(known.cbegin(), known.cend());
            const Node *item =
                deps && deps->type == Node::Type::Sequence && std::size_t(i) < deps->children.size()
                    ? &deps->children.at(std::size_t(i))
                    : deps;
            unknownName(
                item ? item->loc : SourceLocation{},
                indexed(QStringLiteral("services.") + s.name + QLatin1String(".dependsOn"), i),
                QStringLiteral("service"), dep, QStringLiteral("services"), names);
        }
    }
}

// A dependsOn cycle has no order to deploy or roll back in. Walked without recursion: a chain
// of 250,000 services must not overflow the stack.
void Reader::checkDependencyCycles(const Workspace &ws, const Node &root)
{
    QHash<QString, qsizetype> index;
    index.reserve(ws.services.size());
    for (qsizetype i = 0; i < ws.services.size(); ++i)
        index.insert(ws.services.at(i).name, i);
    enum class Mark : char { New, Open, Done };
    std::vector<Mark> mark(std::size_t(ws.services.size()), Mark::New);
    struct Frame
    {
        qsizetype service;
        qsizetype next; // index into dependsOn
    };
    const Node *svcs = root.get(QStringLiteral("services"));
    for (qsizetype start = 0; start < ws.services.size(); ++start) {
        if (mark[std::size_t(start)] != Mark::New)
            continue;
        std::vector<Frame> stack{{start, 0}};
        mark[std::size_t(start)] = Mark::Open;
        while (!stack.empty()) {
            Frame &f = stack.back();
            const ServiceDef &s = ws.services.at(f.service);
            if (f.next >= s.dependsOn.size()) {
                mark[std::size_t(f.service)] = Mark::Done;
                stack.pop_back();
                continue;
            }
            const qsizetype depIndex = f.next++;
            const auto it = index.constFind(s.dependsOn.at(depIndex));
            if (it == index.cend())
                continue; // reported by checkReferences
            const qsizetype dep = *it;
            if (mark[std::size_t(dep)] == Mark::New) {
                mark[std::size_t(dep)] = Mark::Open;
                stack.push_back({dep, 0});
                continue;
            }
            if (mark[std::size_t(dep)] != Mark::Open)
                continue;
            // The cycle is the part of the stack from `dep` to here.
            QStringList cycle;
            auto from = std::find_if(stack.begin(), stack.end(),
                                     [dep](const Frame &x) { return x.service == dep; });
            for (auto k = from; k != stack.end(); ++k)
                cycle.append(ws.services.at(k->service).name);
            cycle.append(ws.services.at(dep).name);
            const Node *sn = svcs ? svcs->get(s.name) : nullptr;
            const Node *deps = sn ? sn->get(QStringLiteral("dependsOn")) : nullptr;
            const Node *item = deps && deps->type == Node::Type::Sequence &&
                                       std::size_t(depIndex) < deps->children.size()
                                   ? &deps->children.at(std::size_t(depIndex))
                                   : deps;
            m_issues.error(
                item ? item->loc : SourceLocation{},
                indexed(QStringLiteral("services.") + s.name + QLatin1String(".dependsOn"),
                        int(depIndex)),
                QStringLiteral("`dependsOn` makes a cycle: %1")
                    .arg(cycle.join(QStringLiteral(" → "))));
        }
    }
}

// An unset variable is an error where a connection in use needs it (it could not connect), and
// a warning where no service uses the connection.
void Reader::checkCredentialsInUse(const Workspace &ws, const Node &root)
{
    if (m_unsetVariables.isEmpty())
        return;
    QHash<QString, QString> usedBy; // connection → first service that uses it
    bool signalsUsed = false;
    for (const auto &s : ws.services) {
        for (const auto *list : {&s.pipelines, &s.bindings})
            for (const auto &b : *list)
                if (const QString c = ServiceDef::connectionOf(b); !usedBy.contains(c))
                    usedBy.insert(c, s.name);
        signalsUsed = signalsUsed || !s.sli.isEmpty();
    }
    if (const Node *p = root.get(QStringLiteral("policies")))
        signalsUsed = signalsUsed || p->get(QStringLiteral("sloGate"));
    for (const auto &u : std::as_const(m_unsetVariables)) {
        const ConnectionDef *def = ws.connection(u.connection);
        QString user = usedBy.value(u.connection);
        if (user.isEmpty() && def && def->kind == QLatin1String("prometheus") && signalsUsed)
            user = QStringLiteral("the service indicators");
        else if (!user.isEmpty())
            user = QStringLiteral("service `%1`").arg(user);
        if (user.isEmpty())
            m_issues.warning(u.loc, u.path,
                             QStringLiteral("environment variable `%1` is not set").arg(u.name));
        else
            m_issues.error(u.loc, u.path,
                           QStringLiteral("environment variable `%1` is not set, and connection "
                                          "`%2` needs it: %3 uses the connection")
                               .arg(u.name, u.connection, user));
    }
}

} // namespace

bool LoadResult::ok() const
{
    for (const auto &i : issues)
        if (i.severity == WorkspaceIssue::Severity::Error)
            return false;
    return true;
}

QList<WorkspaceIssue> LoadResult::errors() const
{
    QList<WorkspaceIssue> out;
    for (const auto &i : issues)
        if (i.severity == WorkspaceIssue::Severity::Error)
            out.append(i);
    return out;
}

int editDistance(const QString &a, const QString &b)
{
    const QString x = a.toLower();
    const QString y = b.toLower();
    std::vector<int> prev(std::size_t(y.size()) + 1), cur(prev.size());
    for (std::size_t j = 0; j < prev.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= x.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= y.size(); ++j) {
            const int cost = x.at(i - 1) == y.at(j - 1) ? 0 : 1;
            cur[std::size_t(j)] = std::min({prev[std::size_t(j)] + 1, cur[std::size_t(j - 1)] + 1,
                                            prev[std::size_t(j - 1)] + cost});
        }
        std::swap(prev, cur);
    }
    return prev[std::size_t(y.size())];
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = std::numeric_limits<int>::max();
    for (const auto &c : candidates) {
        const int d = editDistance(word, c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    const int limit = std::clamp(int(word.size()) / 3, 1, 3);
    return bestDistance <= limit ? best : QString();
}

QStringList WorkspaceLoader::connectionKinds()
{
    return kKinds;
}

QString WorkspaceLoader::objectKey(const QString &kind)
{
    if (kind == QLatin1String("github"))
        return QStringLiteral("repo");
    if (kind == QLatin1String("jenkins"))
        return QStringLiteral("job");
    if (kind == QLatin1String("gitlab"))
        return QStringLiteral("project");
    if (kind == QLatin1String("argocd"))
        return QStringLiteral("app");
    return {};
}

QString WorkspaceLoader::defaultOverridesFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QLatin1String("/flightdeck/overrides.yaml");
}

namespace {

LoadResult loadLayers(std::optional<Node> workspaceNode,
                      const QString &file,
                      const LoadOptions &options,
                      Issues &issues)
{
    LoadResult result;
    result.workspace.file = file;
    try {
        Node merged = *parseText(QByteArray(kDefaults), kDefaultsName, issues);
        result.workspace.layers.append(kDefaultsName);
        if (!workspaceNode) {
            result.issues = issues.list;
            return result;
        }

        // The team layer sits under the workspace, but the workspace names it; a team file may
        // name a further team file under itself.
        QString teamPath;
        SourceLocation teamLoc;
        if (const Node *t = workspaceNode->get(QStringLiteral("team"));
            t && t->type == Node::Type::Scalar && !t->scalar.isEmpty()) {
            teamPath = resolvePath(t->scalar, t->loc);
            teamLoc = t->loc;
        } else if (options.environment.contains(QStringLiteral("FLIGHTDECK_TEAM_FILE"))) {
            teamPath = options.environment.value(QStringLiteral("FLIGHTDECK_TEAM_FILE"));
        }
        const auto identity = [](const QString &path) {
            const QString canonical = QFileInfo(path).canonicalFilePath();
            return canonical.isEmpty() ? QDir::cleanPath(path) : canonical;
        };
        QStringList chain{identity(file)};
        QList<std::pair<QString, Node>> teams; // nearest the workspace first
        while (!teamPath.isEmpty()) {
            const QString id = identity(teamPath);
            if (chain.contains(id)) {
                QStringList names;
                for (const QString &c : std::as_const(chain))
                    names.append(QFileInfo(c).fileName());
                names.append(QFileInfo(id).fileName());
                issues.error(teamLoc, QStringLiteral("team"),
                             QStringLiteral("the team file `%1` includes itself: %2")
                                 .arg(teamPath, names.join(QStringLiteral(" → "))));
                break;
            }
            if (teams.size() >= kMaxTeamLayers) {
                issues.error(teamLoc, QStringLiteral("team"),
                             QStringLiteral("more than %1 team files include one another; "
                                            "refusing to read further")
                                 .arg(kMaxTeamLayers));
                break;
            }
            chain.append(id);
            auto team = parseFile(teamPath, issues, teamLoc, QStringLiteral("team"));
            if (!team)
                break;
            QString next;
            if (const Node *t = team->get(QStringLiteral("team"));
                t && t->type == Node::Type::Scalar && !t->scalar.isEmpty()) {
                next = resolvePath(t->scalar, t->loc);
                teamLoc = t->loc;
            }
            teams.append({teamPath, std::move(*team)});
            teamPath = next;
        }
        for (auto it = teams.rbegin(); it != teams.rend(); ++it) {
            merge(merged, std::move(it->second));
            result.workspace.layers.append(it->first);
        }
        merge(merged, std::move(*workspaceNode));
        result.workspace.layers.append(file);

        const QString overrides =
            options.overridesFile.value_or(WorkspaceLoader::defaultOverridesFile());
        const bool mustExist = options.overridesFile.has_value();
        if (!overrides.isEmpty() && (mustExist || QFileInfo::exists(overrides))) {
            if (auto o = parseFile(overrides, issues, {}, QString())) {
                merge(merged, std::move(*o));
                result.workspace.layers.append(overrides);
            }
        }

        Reader reader(issues, options);
        reader.read(merged, result.workspace);
    } catch (const std::exception &e) {
        // Nothing above should throw; if something does, it is a bug to report, not a crash.
        issues.error({file, 0, 0}, QString(),
                     QStringLiteral("internal error while reading the workspace: %1")
                         .arg(QString::fromLocal8Bit(e.what())));
    }
    result.issues = issues.list;
    return result;
}

} // namespace

LoadResult WorkspaceLoader::load(const QString &file, const LoadOptions &options)
{
    Issues issues;
    const QString absolute = QFileInfo(file).absoluteFilePath();
    return loadLayers(parseFile(absolute, issues, {}, QString()), absolute, options, issues);
}

LoadResult WorkspaceLoader::loadFromString(const QByteArray &yaml,
                                           const QString &fileName,
                                           const LoadOptions &options)
{
    Issues issues;
    return loadLayers(parseText(yaml, fileName, issues), fileName, options, issues);
}

} // namespace fd
