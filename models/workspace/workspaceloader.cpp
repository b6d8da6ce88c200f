#include "workspaceloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <vector>

namespace fd {

namespace {

const QLatin1String kDefaultsName("<defaults>");

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

constexpr int kMaxDepth = 64;
constexpr int kMaxNodes = 200000; // alias bombs expand exponentially; stop well before memory
constexpr qint64 kMaxFileBytes = 8 * 1024 * 1024;

// A YAML node copied out of yaml-cpp with where it came from, so that after the layers merge
// every value still names its own file, line and column.
struct Node
{
    enum class Type { Null, Scalar, Sequence, Map };
    Type type = Type::Null;
    QString scalar;
    bool quoted = false;
    std::vector<Node> children; // sequence items, or map members (with key set)
    QString key;
    SourceLocation loc;
    SourceLocation keyLoc;

    const Node *get(const QString &name) const
    {
        if (type != Type::Map)
            return nullptr;
        for (const auto &c : children)
            if (c.key == name)
                return &c;
        return nullptr;
    }
    Node *get(const QString &name) { return const_cast<Node *>(std::as_const(*this).get(name)); }
    bool isMap() const { return type == Type::Map; }
    bool isNull() const { return type == Type::Null; }
};

SourceLocation locOf(const YAML::Mark &mark, const QString &file)
{
    if (mark.is_null() || mark.line < 0)
        return {file, 0, 0};
    return {file, mark.line + 1, mark.column + 1};
}

QString describe(const Node &n)
{
    switch (n.type) {
    case Node::Type::Null:
        return QStringLiteral("nothing");
    case Node::Type::Scalar:
        return QStringLiteral("`%1`").arg(n.scalar.left(60));
    case Node::Type::Sequence:
        return QStringLiteral("a list");
    case Node::Type::Map:
        return QStringLiteral("a map");
    }
    return {};
}

QString join(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString indexed(const QString &path, int i)
{
    return path + QStringLiteral("[%1]").arg(i);
}

class Issues
{
public:
    void add(WorkspaceIssue::Severity s,
             const SourceLocation &loc,
             const QString &path,
             const QString &message)
    {
        list.append({s, loc.file, loc.line, loc.column, path, message});
    }
    void error(const SourceLocation &loc, const QString &path, const QString &message)
    {
        add(WorkspaceIssue::Severity::Error, loc, path, message);
    }
    void warning(const SourceLocation &loc, const QString &path, const QString &message)
    {
        add(WorkspaceIssue::Severity::Warning, loc, path, message);
    }
    QList<WorkspaceIssue> list;
};

bool convertYaml(const YAML::Node &y,
                 const QString &file,
                 Node *out,
                 int depth,
                 int *budget,
                 Issues &issues,
                 const QString &path)
{
    out->loc = locOf(y.Mark(), file);
    if (--*budget < 0 || depth > kMaxDepth) {
        if (*budget == -1 || depth == kMaxDepth + 1)
            issues.error(out->loc, path,
                         QStringLiteral("the document is nested too deeply or expands too far "
                                        "(aliases); refusing to read further"));
        return false;
    }
    switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        out->type = Node::Type::Null;
        return true;
    case YAML::NodeType::Scalar:
        out->type = Node::Type::Scalar;
        out->scalar = QString::fromStdString(y.Scalar());
        out->quoted = y.Tag() == "!";
        return true;
    case YAML::NodeType::Sequence: {
        out->type = Node::Type::Sequence;
        int i = 0;
        for (const auto &item : y) {
            Node child;
            if (!convertYaml(item, file, &child, depth + 1, budget, issues, indexed(path, i++)))
                return false;
            out->children.push_back(std::move(child));
        }
        return true;
    }
    case YAML::NodeType::Map: {
        out->type = Node::Type::Map;
        for (const auto &member : y) {
            const SourceLocation keyLoc = locOf(member.first.Mark(), file);
            if (!member.first.IsScalar()) {
                issues.error(keyLoc, path, QStringLiteral("a key must be a plain name"));
                continue;
            }
            const QString key = QString::fromStdString(member.first.Scalar());
            if (const Node *first = out->get(key)) {
                issues.error(keyLoc, join(path, key),
                             QStringLiteral("key `%1` appears twice (first at line %2)")
                                 .arg(key)
                                 .arg(first->keyLoc.line));
                continue;
            }
            Node child;
            if (!convertYaml(member.second, file, &child, depth + 1, budget, issues,
                             join(path, key)))
                return false;
            child.key = key;
            child.keyLoc = keyLoc;
            if (child.loc.line == 0) // an empty value has no mark of its own
                child.loc = keyLoc;
            out->children.push_back(std::move(child));
        }
        return true;
    }
    }
    return true;
}

std::optional<Node> parseText(const QByteArray &text, const QString &file, Issues &issues)
{
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        Node node;
        int budget = kMaxNodes;
        if (!convertYaml(root, file, &node, 0, &budget, issues, QString()))
            return std::nullopt;
        if (node.isNull()) {
            node.type = Node::Type::Map; // an empty file is an empty layer
            node.loc = {file, 1, 1};
        }
        if (!node.isMap()) {
            issues.error(node.loc, QString(),
                         QStringLiteral("expected a map of settings at the top of the file, "
                                        "found %1")
                             .arg(describe(node)));
            return std::nullopt;
        }
        return node;
    } catch (const YAML::Exception &e) {
        issues.error(locOf(e.mark, file), QString(),
                     QStringLiteral("malformed YAML: %1").arg(QString::fromStdString(e.msg)));
    } catch (const std::exception &e) {
        issues.error({file, 0, 0}, QString(),
                     QStringLiteral("cannot read YAML: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        issues.error({file, 0, 0}, QString(), QStringLiteral("cannot read YAML"));
    }
    return std::nullopt;
}

std::optional<Node>
parseFile(const QString &path, Issues &issues, const SourceLocation &from, const QString &fromPath)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        const QString msg = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        if (from.file.isEmpty())
            issues.error({path, 0, 0}, QString(), msg);
        else
            issues.error(from, fromPath, msg);
        return std::nullopt;
    }
    if (f.size() > kMaxFileBytes) {
        issues.error({path, 0, 0}, QString(),
                     QStringLiteral("the file is larger than %1 MB").arg(kMaxFileBytes >> 20));
        return std::nullopt;
    }
    return parseText(f.readAll(), path, issues);
}

// Later wins; maps merge member by member, anything else is replaced whole.
void merge(Node &base, const Node &over)
{
    if (!base.isMap() || !over.isMap()) {
        const QString key = base.key;
        const SourceLocation keyLoc = base.keyLoc;
        base = over;
        if (!key.isEmpty()) {
            base.key = key;
            base.keyLoc = over.keyLoc.line ? over.keyLoc : keyLoc;
        }
        return;
    }
    for (const auto &member : over.children) {
        if (Node *existing = base.get(member.key))
            merge(*existing, member);
        else
            base.children.push_back(member);
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
    void checkReferences(Workspace &ws, const Node &root);

    Issues &m_issues;
    const LoadOptions &m_options;
    Workspace *m_ws = nullptr;
};

void Reader::read(const Node &root, Workspace &ws)
{
    m_ws = &ws;
    checkKeys(root, QString(),
              keys({"version", "name", "readOnly", "team", "connections", "environments",
                    "services", "gitops", "policies", "ui"}));

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
                                   .arg(def.name)
                                   .arg(first->location.line));
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
            ws.services.append(def);
        }
    }

    if (const Node *g = root.get(QStringLiteral("gitops"));
        g && !g->isNull() && expect(*g, Node::Type::Map, QStringLiteral("gitops"))) {
        checkKeys(*g, QStringLiteral("gitops"), keys({"path"}));
        if (const Node *p = g->get(QStringLiteral("path")))
            if (auto s = string(p, QStringLiteral("gitops.path")))
                ws.gitopsPath = resolvePath(*s, p->loc);
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

    checkReferences(ws, root);
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
        else
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
                        m_issues.warning(
                            v.loc, vpath,
                            QStringLiteral("environment variable `%1` is not set").arg(name));
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

    if (const Node *o = n.get(QStringLiteral("options")); o && !o->isNull())
        if (expect(*o, Node::Type::Map, join(path, QStringLiteral("options"))))
            c.options = toVariant(*o).toMap();
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
            if (auto v = string(r->get(QStringLiteral("url")), join(rpath, QStringLiteral("url"))))
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

void Reader::checkReferences(Workspace &ws, const Node &root)
{
    const Node *svcs = root.get(QStringLiteral("services"));
    QStringList names;
    for (const auto &s : ws.services)
        names.append(s.name);
    for (const auto &s : ws.services) {
        const Node *sn = svcs ? svcs->get(s.name) : nullptr;
        const Node *deps = sn ? sn->get(QStringLiteral("dependsOn")) : nullptr;
        for (int i = 0; i < s.dependsOn.size(); ++i) {
            const QString &dep = s.dependsOn.at(i);
            if (names.contains(dep))
                continue;
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

        // The team layer sits under the workspace, but the workspace names it.
        QString teamPath;
        SourceLocation teamLoc;
        if (const Node *t = workspaceNode->get(QStringLiteral("team"));
            t && t->type == Node::Type::Scalar && !t->scalar.isEmpty()) {
            teamPath = resolvePath(t->scalar, t->loc);
            teamLoc = t->loc;
        } else if (options.environment.contains(QStringLiteral("FLIGHTDECK_TEAM_FILE"))) {
            teamPath = options.environment.value(QStringLiteral("FLIGHTDECK_TEAM_FILE"));
        }
        if (!teamPath.isEmpty()) {
            if (auto team = parseFile(teamPath, issues, teamLoc, QStringLiteral("team"))) {
                merge(merged, *team);
                result.workspace.layers.append(teamPath);
            }
        }
        merge(merged, *workspaceNode);
        result.workspace.layers.append(file);

        const QString overrides =
            options.overridesFile.value_or(WorkspaceLoader::defaultOverridesFile());
        const bool mustExist = options.overridesFile.has_value();
        if (!overrides.isEmpty() && (mustExist || QFileInfo::exists(overrides))) {
            if (auto o = parseFile(overrides, issues, {}, QString())) {
                merge(merged, *o);
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
