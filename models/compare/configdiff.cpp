#include "configdiff.h"
#include "compare/yamldocuments.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <set>

namespace fd {

QString toString(ConfigChange::Kind kind)
{
    switch (kind) {
    case ConfigChange::Kind::Added:
        return QStringLiteral("added");
    case ConfigChange::Kind::Removed:
        return QStringLiteral("removed");
    case ConfigChange::Kind::Changed:
        return QStringLiteral("changed");
    case ConfigChange::Kind::Normalized:
        return QStringLiteral("normalized");
    }
    return QString();
}

int ConfigDiff::realChanges() const
{
    int n = 0;
    for (const ConfigChange &c : changes)
        n += c.kind != ConfigChange::Kind::Normalized;
    return n;
}

namespace {

constexpr int kMaxDepth = 64; // an alias cycle or a hostile file stops here
// Aliases and merge keys can make a small file expand exponentially (found by fuzzing: a 1 KB
// file of nested `<<` merges ran for minutes). Reading one file may visit this many values.
constexpr qint64 kMaxVisits = 2'000'000;
thread_local qint64 t_visitsLeft = kMaxVisits;

void visit(const YAML::Node &node)
{
    if (--t_visitsLeft < 0)
        throw YAML::Exception(node.Mark(), "the file expands to more than 2,000,000 values "
                                           "through aliases or merge keys; it is not read");
}

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString keySegment(const QString &key)
{
    static const QRegularExpression plain(QStringLiteral(R"(^[A-Za-z0-9_\-/$@:]+$)"));
    if (plain.match(key).hasMatch())
        return key;
    QString quoted = key;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
}

QString join(const QString &prefix, const QString &segment)
{
    if (prefix.isEmpty() || segment.startsWith(QLatin1Char('[')))
        return prefix + segment;
    return prefix + QLatin1Char('.') + segment;
}

using Entries = std::vector<std::pair<YAML::Node, YAML::Node>>; // key node, value node

bool isMergeKey(const YAML::Node &key)
{
    return key.IsScalar() && key.Scalar() == "<<";
}

/// A map's entries with `<<` merge keys applied: explicit keys win, then the merged maps in
/// the order given (YAML merge key spec).
void mapEntries(const YAML::Node &map, Entries *out, int depth)
{
    if (depth > kMaxDepth)
        return;
    std::set<std::string> seen;
    std::vector<YAML::Node> merges;
    for (auto it = map.begin(); it != map.end(); ++it) {
        visit(it->second);
        if (isMergeKey(it->first)) {
            // A copy, not it->second: that lives in the iterator's temporary proxy, which is
            // gone before a range-for over it starts (found by fuzzing, ASan).
            const YAML::Node value = it->second;
            if (value.IsMap())
                merges.push_back(value);
            else if (value.IsSequence())
                for (const auto &m : value)
                    if (m.IsMap())
                        merges.push_back(m);
            continue;
        }
        const std::string k = it->first.IsScalar() ? it->first.Scalar() : YAML::Dump(it->first);
        if (seen.insert(k).second)
            out->emplace_back(it->first, it->second);
    }
    for (const YAML::Node &m : merges) {
        Entries inner;
        mapEntries(m, &inner, depth + 1);
        for (auto &e : inner) {
            const std::string k = e.first.IsScalar() ? e.first.Scalar() : YAML::Dump(e.first);
            if (seen.insert(k).second)
                out->push_back(e);
        }
    }
}

std::string scalarKey(const YAML::Node &key)
{
    return key.IsScalar() ? key.Scalar() : YAML::Dump(key);
}

/// The `name` of every element when all elements are maps with distinct scalar names: such
/// lists (containers, env, kustomize images) are matched by name, not by position.
QStringList namesOf(const YAML::Node &seq, int depth)
{
    QStringList names;
    QSet<QString> unique;
    for (const auto &item : seq) {
        if (!item.IsMap())
            return {};
        Entries entries;
        mapEntries(item, &entries, depth + 1);
        QString name;
        for (const auto &[k, v] : entries)
            if (scalarKey(k) == "name" && v.IsScalar())
                name = fromStd(v.Scalar());
        if (name.isEmpty() || unique.contains(name))
            return {};
        unique.insert(name);
        names.append(name);
    }
    return names;
}

struct Flattener
{
    const QList<QByteArray> *lines = nullptr;
    QMap<QString, YamlLeaf> *leaves = nullptr;

    bool markedLine(int line0) const
    {
        return line0 >= 0 && line0 < lines->size() &&
               lines->at(line0).contains(kPerEnvironmentMarker);
    }

    void leaf(const QString &path, const QString &value, const YAML::Mark &mark, bool marked)
    {
        YamlLeaf l;
        l.value = value;
        l.line = mark.line >= 0 ? mark.line + 1 : 0;
        l.marked = marked || markedLine(mark.line);
        leaves->insert(path, l);
    }

    /// @p marked: an enclosing key carries the marker, which covers everything below it.
    void walk(const YAML::Node &node,
              const QString &path,
              const YAML::Mark &keyMark,
              int depth,
              bool marked)
    {
        if (depth > kMaxDepth) {
            leaf(path, QStringLiteral("…"), keyMark, marked);
            return;
        }
        visit(node);
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            leaf(path, QStringLiteral("null"), keyMark, marked);
            return;
        case YAML::NodeType::Scalar:
            leaf(path, fromStd(node.Scalar()), keyMark, marked);
            return;
        case YAML::NodeType::Sequence: {
            if (node.size() == 0) {
                leaf(path, QStringLiteral("[]"), keyMark, marked);
                return;
            }
            const QStringList names = namesOf(node, depth);
            int i = 0;
            for (const auto &item : node) {
                const QString seg = names.isEmpty() ? QStringLiteral("[%1]").arg(i)
                                                    : QStringLiteral("[name=%1]").arg(names[i]);
                walk(item, join(path, seg), item.Mark(), depth + 1, marked);
                ++i;
            }
            return;
        }
        case YAML::NodeType::Map: {
            Entries entries;
            mapEntries(node, &entries, depth);
            if (entries.empty()) {
                leaf(path, QStringLiteral("{}"), keyMark, marked);
                return;
            }
            for (const auto &[k, v] : entries) {
                const QString key = fromStd(scalarKey(k));
                walk(v, join(path, keySegment(key)), k.Mark(), depth + 1,
                     marked || markedLine(k.Mark().line));
            }
            return;
        }
        }
    }
};

QString documentId(const YAML::Node &doc, int index)
{
    if (doc.IsMap()) {
        const YAML::Node kind = doc["kind"];
        const YAML::Node meta = doc["metadata"];
        if (kind && kind.IsScalar() && meta && meta.IsMap() && meta["name"] &&
            meta["name"].IsScalar())
            return fromStd(kind.Scalar()) + QLatin1Char('/') + fromStd(meta["name"].Scalar());
    }
    return QStringLiteral("doc %1").arg(index + 1);
}

QString replaceEnvironment(QString value, const QString &env)
{
    if (env.isEmpty())
        return value;
    const QRegularExpression token(QStringLiteral("(?<![A-Za-z0-9])") +
                                   QRegularExpression::escape(env) +
                                   QStringLiteral("(?![A-Za-z0-9])"));
    return value.replace(token, QStringLiteral("<env>"));
}

bool matchesKey(const QString &path, const QStringList &keys)
{
    for (const QString &k : keys) {
        if (path == k || path.endsWith(QLatin1Char('.') + k) || path.endsWith(QLatin1Char(']') + k))
            return true;
    }
    return false;
}

QString lastSegment(const QString &path)
{
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot < 0 ? path : path.mid(dot + 1);
}

} // namespace

QString environmentNeutral(const QString &value, const QString &environment)
{
    return replaceEnvironment(value, environment);
}

FlatYaml flattenYaml(const QByteArray &text)
{
    FlatYaml out;
    std::vector<YAML::Node> docs;
    t_visitsLeft = kMaxVisits;
    try {
        docs = loadAllDocuments(std::string(text.constData(), size_t(text.size())));
    } catch (const YAML::Exception &e) {
        out.error = QStringLiteral("%1:%2: %3")
                        .arg(e.mark.line + 1)
                        .arg(e.mark.column + 1)
                        .arg(fromStd(e.msg));
        return out;
    }
    const QList<QByteArray> lines = text.split('\n');
    Flattener f{&lines, &out.leaves};
    std::vector<const YAML::Node *> real;
    for (const YAML::Node &d : docs)
        if (d.IsDefined() && !d.IsNull())
            real.push_back(&d);
    QSet<QString> ids;
    try {
        for (size_t i = 0; i < real.size(); ++i) {
            QString prefix;
            if (real.size() > 1) {
                QString id = documentId(*real[i], int(i));
                if (ids.contains(id))
                    id += QStringLiteral("#%1").arg(i + 1);
                ids.insert(id);
                prefix = QLatin1Char('[') + id + QLatin1Char(']');
            }
            f.walk(*real[i], prefix, real[i]->Mark(), 0, false);
        }
    } catch (const YAML::Exception &e) {
        out.leaves.clear();
        out.error = QStringLiteral("%1:%2: %3")
                        .arg(e.mark.line + 1)
                        .arg(e.mark.column + 1)
                        .arg(fromStd(e.msg));
    }
    return out;
}

namespace {

void walkJson(const QJsonValue &v, const QString &path, int depth, QMap<QString, YamlLeaf> *out)
{
    const auto leaf = [&](const QString &value) { out->insert(path, YamlLeaf{value, 0, false}); };
    if (depth > kMaxDepth)
        return leaf(QStringLiteral("…"));
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return leaf(QStringLiteral("null"));
    case QJsonValue::Bool:
        return leaf(v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
    case QJsonValue::Double: {
        const double d = v.toDouble();
        // Integers as integers: "3", not "3.0", as YAML writes them.
        if (d == double(qint64(d)) && qAbs(d) < 9.0e15)
            return leaf(QString::number(qint64(d)));
        return leaf(QString::number(d, 'g', 17));
    }
    case QJsonValue::String:
        return leaf(v.toString());
    case QJsonValue::Array: {
        const QJsonArray array = v.toArray();
        if (array.isEmpty())
            return leaf(QStringLiteral("[]"));
        // Matched by name when every element is an object with a distinct name, as flattenYaml.
        QStringList names;
        for (const QJsonValue &item : array) {
            const QString name = item.toObject().value(QLatin1String("name")).toString();
            if (!item.isObject() || name.isEmpty() || names.contains(name)) {
                names.clear();
                break;
            }
            names.append(name);
        }
        for (qsizetype i = 0; i < array.size(); ++i)
            walkJson(array.at(i),
                     join(path, names.isEmpty() ? QStringLiteral("[%1]").arg(i)
                                                : QStringLiteral("[name=%1]").arg(names.at(i))),
                     depth + 1, out);
        return;
    }
    case QJsonValue::Object: {
        const QJsonObject object = v.toObject();
        if (object.isEmpty())
            return leaf(QStringLiteral("{}"));
        for (auto it = object.begin(); it != object.end(); ++it)
            walkJson(it.value(), join(path, keySegment(it.key())), depth + 1, out);
        return;
    }
    }
}

} // namespace

FlatYaml flattenJson(const QJsonValue &value)
{
    FlatYaml out;
    walkJson(value, QString(), 0, &out.leaves);
    return out;
}

QList<ConfigChange> diffFlat(const FlatYaml &a,
                             const FlatYaml &b,
                             const QString &file,
                             const QString &envA,
                             const QString &envB,
                             const NoiseRules &rules)
{
    QList<ConfigChange> out;
    QStringList paths = a.leaves.keys();
    for (auto it = b.leaves.cbegin(); it != b.leaves.cend(); ++it)
        if (!a.leaves.contains(it.key()))
            paths.append(it.key());
    std::sort(paths.begin(), paths.end());
    for (const QString &path : std::as_const(paths)) {
        const auto ia = a.leaves.constFind(path);
        const auto ib = b.leaves.constFind(path);
        const bool inA = ia != a.leaves.cend();
        const bool inB = ib != b.leaves.cend();
        ConfigChange c;
        c.file = file;
        c.path = path;
        c.a = inA ? ia->value : QString();
        c.b = inB ? ib->value : QString();
        if (inA && inB && c.a == c.b)
            continue;
        const bool marked = (inA && ia->marked) || (inB && ib->marked) ||
                            matchesKey(path, rules.perEnvironmentKeys);
        c.kind = !inB   ? ConfigChange::Kind::Added
                 : !inA ? ConfigChange::Kind::Removed
                        : ConfigChange::Kind::Changed;
        if (marked) {
            c.kind = ConfigChange::Kind::Normalized;
            c.note = QStringLiteral("marked per-environment");
        } else if (inA && inB && rules.namespaces &&
                   lastSegment(path) == QLatin1String("namespace")) {
            c.kind = ConfigChange::Kind::Normalized;
            c.note = QStringLiteral("namespace");
        } else if (inA && inB && rules.environmentNames &&
                   replaceEnvironment(c.a, envA) == replaceEnvironment(c.b, envB)) {
            c.kind = ConfigChange::Kind::Normalized;
            c.note = QStringLiteral("environment name");
        }
        out.append(c);
    }
    return out;
}

QMap<QString, QString> imagesOf(const FlatYaml &flat)
{
    QMap<QString, QString> images;
    for (auto it = flat.leaves.cbegin(); it != flat.leaves.cend(); ++it) {
        const QString &path = it.key();
        // kustomize: images[name=X].newTag / .newName / .digest
        if (path.contains(QLatin1String("images[name="))) {
            const qsizetype open = path.indexOf(QLatin1String("images[name=")) + 12;
            const qsizetype close = path.indexOf(QLatin1Char(']'), open);
            if (close < 0)
                continue;
            const QString prefix = path.left(close + 1);
            if (images.contains(prefix))
                continue;
            const QString name = path.mid(open, close - open);
            const QString newName = flat.leaves.value(prefix + QStringLiteral(".newName")).value;
            const QString tag = flat.leaves.value(prefix + QStringLiteral(".newTag")).value;
            const QString digest = flat.leaves.value(prefix + QStringLiteral(".digest")).value;
            const QString repo = newName.isEmpty() ? name : newName;
            images.insert(prefix, !digest.isEmpty() ? repo + QLatin1Char('@') + digest
                                  : !tag.isEmpty()  ? repo + QLatin1Char(':') + tag
                                                    : repo);
            continue;
        }
        // Helm: image.repository + image.tag (at any depth)
        if (path == QLatin1String("image.repository") ||
            path.endsWith(QLatin1String(".image.repository"))) {
            const QString prefix = path.left(path.size() - QStringLiteral(".repository").size());
            const QString tag = flat.leaves.value(prefix + QStringLiteral(".tag")).value;
            images.insert(prefix, tag.isEmpty() ? it->value : it->value + QLatin1Char(':') + tag);
            continue;
        }
        // manifests: containers[…].image
        if (path.endsWith(QLatin1String(".image")) && path.contains(QLatin1String("containers")))
            images.insert(path, it->value);
    }
    return images;
}

QString imageRepository(const QString &ref)
{
    const qsizetype at = ref.indexOf(QLatin1Char('@'));
    QString name = at >= 0 ? ref.left(at) : ref;
    const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
    if (colon > name.lastIndexOf(QLatin1Char('/')))
        name.truncate(colon);
    return name;
}

namespace {

struct LoadedFile
{
    bool exists = false;
    FlatYaml flat;
    QString problem;
};

LoadedFile load(const QString &path)
{
    LoadedFile f;
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return f;
    f.exists = true;
    QFile file(path);
    if (info.isDir() || !file.open(QIODevice::ReadOnly)) {
        f.problem =
            QStringLiteral("cannot read: %1")
                .arg(info.isDir() ? QStringLiteral("it is a directory") : file.errorString());
        return f;
    }
    f.flat = flattenYaml(file.readAll());
    if (!f.flat.error.isEmpty())
        f.problem = QStringLiteral("not valid YAML at %1").arg(f.flat.error);
    return f;
}

} // namespace

ConfigDiff diffServiceConfig(const QString &gitopsRoot,
                             const QString &service,
                             const QString &envA,
                             const QString &envB,
                             const NoiseRules &rules)
{
    ConfigDiff diff;
    if (gitopsRoot.isEmpty())
        return diff;
    const QString app = gitopsRoot + QStringLiteral("/apps/") + service;
    // Labels with "<env>" pair A's file with B's.
    QStringList labels;
    const auto overlayFiles = [&](const QString &env) {
        const QDir dir(app + QStringLiteral("/overlays/") + env);
        return dir.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
                             QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    };
    for (const QString &env : {envA, envB})
        for (const QString &f : overlayFiles(env))
            if (const QString l = QStringLiteral("overlays/<env>/") + f; !labels.contains(l))
                labels.append(l);
    std::sort(labels.begin(), labels.end());
    labels.append(QStringLiteral("values-<env>.yaml"));
    const auto pathOf = [&](const QString &label, const QString &env) {
        QString rel = label;
        rel.replace(QStringLiteral("<env>"), env);
        return app + QLatin1Char('/') + rel;
    };
    for (const QString &label : std::as_const(labels)) {
        const LoadedFile fa = load(pathOf(label, envA));
        const LoadedFile fb = load(pathOf(label, envB));
        if (!fa.exists && !fb.exists)
            continue;
        if (fa.exists)
            diff.filesA.append(label);
        if (fb.exists)
            diff.filesB.append(label);
        for (const auto &[f, env] : {std::pair{&fa, envA}, std::pair{&fb, envB}})
            if (!f->problem.isEmpty())
                diff.problems.append(QStringLiteral("apps/%1/%2: %3")
                                         .arg(service,
                                              QString(label).replace(QStringLiteral("<env>"), env),
                                              f->problem));
        if (!fa.problem.isEmpty() || !fb.problem.isEmpty())
            continue; // half a comparison would report every key as added or removed
        if (fa.exists != fb.exists) {
            ConfigChange c;
            c.kind = fa.exists ? ConfigChange::Kind::Added : ConfigChange::Kind::Removed;
            c.file = label;
            c.a = fa.exists ? QStringLiteral("present") : QString();
            c.b = fb.exists ? QStringLiteral("present") : QString();
            diff.changes.append(c);
        } else {
            diff.changes.append(diffFlat(fa.flat, fb.flat, label, envA, envB, rules));
        }
        const QMap<QString, QString> ia = imagesOf(fa.flat);
        const QMap<QString, QString> ib = imagesOf(fb.flat);
        QStringList keys = ia.keys();
        for (const QString &k : ib.keys())
            if (!keys.contains(k))
                keys.append(k);
        for (const QString &k : std::as_const(keys)) {
            const QString a = ia.value(k), b = ib.value(k);
            diff.images.append({imageRepository(a.isEmpty() ? b : a), label, a, b});
        }
    }
    return diff;
}

} // namespace fd
