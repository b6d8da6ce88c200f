#include "yamltree.h"

#include <QFile>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <unordered_map>

namespace fd {

namespace {

SourceLocation locOf(const YAML::Mark &mark, const QString &file)
{
    if (mark.is_null() || mark.line < 0)
        return {file, 0, 0};
    return {file, mark.line + 1, mark.column + 1};
}

QString hex(uint value, int width)
{
    return QStringLiteral("%1").arg(value, width, 16, QLatin1Char('0')).toUpper();
}

QString controlName(uint cp)
{
    switch (cp) {
    case 0x00:
        return QStringLiteral(" (NUL)");
    case 0x08:
        return QStringLiteral(" (backspace)");
    case 0x0B:
        return QStringLiteral(" (vertical tab)");
    case 0x0C:
        return QStringLiteral(" (form feed)");
    case 0x1B:
        return QStringLiteral(" (escape)");
    case 0x7F:
        return QStringLiteral(" (delete)");
    default:
        return QString();
    }
}

// One pass over the bytes: well-formed UTF-8 and no control characters other than tab, line
// feed and carriage return. yaml-cpp reads a NUL as the end of its input and other control
// bytes as garbage, so its own messages about them name the wrong thing.
bool checkCharacters(const QByteArray &text, const QString &file, IssueList &issues)
{
    const auto *p = reinterpret_cast<const unsigned char *>(text.constData());
    const qsizetype n = text.size();
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (c == '\n') {
                ++line;
                column = 1;
            } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
                issues.error({file, line, column}, QString(),
                             QStringLiteral("control character U+%1%2 is not allowed in a "
                                            "workspace file (only tabs and line breaks are)")
                                 .arg(hex(c, 4), controlName(c)));
                return false;
            } else {
                ++column;
            }
            ++i;
            continue;
        }
        int length = 0;
        uint cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            cp = c & 0x07;
        }
        bool valid = length > 0 && i + length <= n;
        for (int k = 1; valid && k < length; ++k) {
            valid = (p[i + k] & 0xC0) == 0x80;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        valid = valid && !(length == 3 && cp < 0x800) &&
                !(length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!valid) {
            issues.error({file, line, column}, QString(),
                         QStringLiteral("the file is not UTF-8 text: byte 0x%1 is not part of a "
                                        "UTF-8 character; save the file as UTF-8")
                             .arg(hex(c, 2)));
            return false;
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            issues.error({file, line, column}, QString(),
                         QStringLiteral("control character U+%1 is not allowed in a workspace "
                                        "file (only tabs and line breaks are)")
                             .arg(hex(cp, 4)));
            return false;
        }
        ++column;
        i += length;
    }
    return true;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// A block scalar header (`|`, `>-`, `|2+` ...) ends the text in [from, to).
bool endsWithBlockScalarHeader(const QByteArray &t, qsizetype from, qsizetype to)
{
    while (to > from && isBlank(t.at(to - 1)))
        --to;
    qsizetype i = to;
    while (i > from && (std::isdigit(static_cast<unsigned char>(t.at(i - 1))) ||
                        t.at(i - 1) == '+' || t.at(i - 1) == '-'))
        --i;
    if (i == from || (t.at(i - 1) != '|' && t.at(i - 1) != '>'))
        return false;
    --i;
    return i == from || isBlank(t.at(i - 1));
}

// Nesting depth, measured on the text before yaml-cpp sees it: yaml-cpp's parser recurses once
// per level and gives up deep documents with a message ("bad file") that names nothing. This
// counts block levels by indentation and flow levels by brackets, outside quotes, comments and
// block scalars; it errs towards counting a level too many, never one too few per line.
bool checkNesting(const QByteArray &t, const QString &file, IssueList &issues)
{
    std::vector<int> block; // indentation columns of the open block levels
    int flow = 0;
    enum class Quote { None, Single, Double } quote = Quote::None;
    int blockScalarParent = -1; // >= 0 while inside a block scalar's content
    int line = 0;
    const qsizetype n = t.size();
    const auto tooDeep = [&](qsizetype lineStart, qsizetype at) {
        issues.error({file, line, int(at - lineStart) + 1}, QString(),
                     QStringLiteral("the document is nested more than %1 levels deep here; "
                                    "refusing to read further")
                         .arg(YamlLimits::maxDepth));
        return false;
    };
    for (qsizetype pos = 0; pos < n;) {
        ++line;
        qsizetype end = t.indexOf('\n', pos);
        if (end < 0)
            end = n;
        qsizetype i = pos;
        while (i < end && t.at(i) == ' ')
            ++i;
        const int indent = int(i - pos);
        const bool empty = i == end || t.at(i) == '#' || (t.at(i) == '\r' && i + 1 == end);
        if (blockScalarParent >= 0) {
            if (empty || indent > blockScalarParent) {
                pos = end + 1;
                continue;
            }
            blockScalarParent = -1;
        }
        if (quote == Quote::None && flow == 0 && !empty) {
            const bool marker = indent == 0 && end - i >= 3 &&
                                (t.mid(i, 3) == "---" || t.mid(i, 3) == "...") &&
                                (i + 3 == end || isBlank(t.at(i + 3)));
            if (marker) {
                block.clear();
                i += 3;
            } else {
                while (!block.empty() && block.back() >= indent)
                    block.pop_back();
                block.push_back(indent);
                if (int(block.size()) > YamlLimits::maxDepth)
                    return tooDeep(pos, i);
            }
        }
        qsizetype contentEnd = end;
        for (; i < end; ++i) {
            const char c = t.at(i);
            if (quote == Quote::Single) {
                if (c == '\'') {
                    if (i + 1 < end && t.at(i + 1) == '\'')
                        ++i;
                    else
                        quote = Quote::None;
                }
                continue;
            }
            if (quote == Quote::Double) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    quote = Quote::None;
                continue;
            }
            const char before = i == pos ? ' ' : t.at(i - 1);
            const bool tokenStart =
                isBlank(before) || before == '[' || before == '{' || before == ',' || i == pos;
            if (c == '#' && isBlank(before)) {
                contentEnd = i;
                break;
            }
            if ((c == '\'' || c == '"') && tokenStart) {
                quote = c == '\'' ? Quote::Single : Quote::Double;
            } else if ((c == '[' || c == '{') && (flow > 0 || tokenStart)) {
                ++flow;
                if (int(block.size()) + flow > YamlLimits::maxDepth)
                    return tooDeep(pos, i);
            } else if ((c == ']' || c == '}') && flow > 0) {
                --flow;
            } else if (flow == 0 && (c == '-' || c == '?') && tokenStart &&
                       (i + 1 == end || isBlank(t.at(i + 1)))) {
                // "- - x": every entry marker on the line opens one more level.
                block.push_back(int(i - pos) + 2);
                if (int(block.size()) > YamlLimits::maxDepth)
                    return tooDeep(pos, i);
            }
        }
        if (quote == Quote::None && flow == 0 && !block.empty() &&
            endsWithBlockScalarHeader(t, pos, contentEnd))
            blockScalarParent = block.back();
        pos = end + 1;
    }
    return true;
}

// Builds our tree straight from yaml-cpp's parse events: no yaml-cpp node graph is built (it cost
// more than the parse itself), and depth, size and duplicate keys are checked as the events
// come, so a refusal stops the parse where the problem is.
class TreeBuilder : public YAML::EventHandler
{
public:
    /// Thrown from an event to stop the parse once the refusal is recorded.
    struct Refused
    {
    };

    TreeBuilder(const QString &file, IssueList &issues, qsizetype textBytes)
        : m_file(file)
        , m_issues(issues)
        , m_budget(int(std::min<qint64>(YamlLimits::maxValues,
                                        1000 + qint64(textBytes) * YamlLimits::maxValuesPerByte)))
    {}

    std::optional<YamlNode> takeRoot() { return std::move(m_root); }
    int documents() const { return m_documents; }

    void OnDocumentStart(const YAML::Mark &mark) override
    {
        if (++m_documents > 1) {
            m_issues.error(locOf(mark, m_file), QString(),
                           QStringLiteral("a second YAML document starts here; a workspace file "
                                          "holds one document (remove the `---` line or split "
                                          "the file)"));
            throw Refused{};
        }
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        YamlNode n;
        n.loc = locOf(mark, m_file);
        complete(std::move(n), anchor, 1, 0, 1);
    }

    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        const auto it = m_anchors.find(anchor);
        if (it == m_anchors.end()) {
            OnNull(mark, 0);
            return;
        }
        const Anchored &a = it->second;
        if (int(m_stack.size()) + a.depth > YamlLimits::maxDepth) {
            m_issues.error(locOf(mark, m_file), currentPath(),
                           QStringLiteral("the document is nested more than %1 levels deep "
                                          "(through aliases); refusing to read further")
                               .arg(YamlLimits::maxDepth));
            throw Refused{};
        }
        YamlNode copy = a.node;
        copy.loc = locOf(mark, m_file);
        complete(std::move(copy), 0, a.values, a.depth, a.values); // what it expands to counts
    }

    void OnScalar(const YAML::Mark &mark,
                  const std::string &tag,
                  YAML::anchor_t anchor,
                  const std::string &value) override
    {
        YamlNode n;
        n.type = YamlNode::Type::Scalar;
        n.scalar = QString::fromStdString(value);
        n.quoted = tag == "!";
        n.loc = locOf(mark, m_file);
        complete(std::move(n), anchor, 1, 0, 1);
    }

    void OnSequenceStart(const YAML::Mark &mark,
                         const std::string &,
                         YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(YamlNode::Type::Sequence, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark &mark,
                    const std::string &,
                    YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(YamlNode::Type::Map, mark, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame
    {
        YamlNode node;
        YAML::anchor_t anchor = 0;
        QString path;
        int values = 1;    // this node and everything under it
        int depth = 1;     // levels from this node down
        bool inKey = true; // a map: the next node completed is a key
        bool keyUsable = false;
        QString key;
        SourceLocation keyLoc;
    };
    struct Anchored
    {
        YamlNode node;
        int values = 1;
        int depth = 0;
    };

    QString currentPath() const { return m_stack.empty() ? QString() : m_stack.back().path; }

    QString childPath() const
    {
        if (m_stack.empty())
            return QString();
        const Frame &f = m_stack.back();
        if (f.node.type == YamlNode::Type::Sequence)
            return f.path + QStringLiteral("[%1]").arg(f.node.children.size());
        if (f.inKey)
            return f.path;
        return f.path.isEmpty() ? f.key : f.path + u'.' + f.key;
    }

    void count(int values)
    {
        m_values += values;
        if (m_values > m_budget) {
            m_issues.error(m_lastLoc, currentPath(),
                           m_budget == YamlLimits::maxValues
                               ? QStringLiteral("the document holds more than %1 values (counting "
                                                "what aliases expand to); refusing to read "
                                                "further")
                                     .arg(YamlLimits::maxValues)
                               : QStringLiteral("aliases expand the document to more than %1 "
                                                "values; refusing to read further")
                                     .arg(m_budget));
            throw Refused{};
        }
    }

    void open(YamlNode::Type type, const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        Frame f;
        f.node.type = type;
        f.node.loc = locOf(mark, m_file);
        f.anchor = anchor;
        f.path = childPath();
        m_stack.push_back(std::move(f));
        if (int(m_stack.size()) > YamlLimits::maxDepth) { // the text check counts the same
            m_issues.error(m_stack.back().node.loc, m_stack.back().path,
                           QStringLiteral("the document is nested more than %1 levels deep; "
                                          "refusing to read further")
                               .arg(YamlLimits::maxDepth));
            throw Refused{};
        }
    }

    void close()
    {
        Frame f = std::move(m_stack.back());
        m_stack.pop_back();
        complete(std::move(f.node), f.anchor, f.values, f.depth, 1); // children counted already
    }

    /// `values`/`depth`: the size of n's subtree (kept with an anchor); `added`: the values
    /// not counted yet.
    void complete(YamlNode &&n, YAML::anchor_t anchor, int values, int depth, int added)
    {
        m_lastLoc = n.loc;
        if (anchor != 0)
            m_anchors[anchor] = Anchored{n, values, depth};
        if (m_stack.empty()) {
            m_root = std::move(n);
            return;
        }
        Frame &parent = m_stack.back();
        if (parent.node.type == YamlNode::Type::Map && parent.inKey) {
            parent.inKey = false;
            parent.keyLoc = n.loc;
            parent.keyUsable = n.type == YamlNode::Type::Scalar;
            if (!parent.keyUsable) {
                m_issues.error(n.loc, parent.path, QStringLiteral("a key must be a plain name"));
                return;
            }
            parent.key = n.scalar;
            // Large maps keep an index (YamlNode::addMember), so this stays linear overall.
            if (const YamlNode *first = parent.node.get(parent.key)) {
                m_issues.error(n.loc, childPath(),
                               QStringLiteral("key `%1` appears twice (first at line %2)")
                                   .arg(parent.key, QString::number(first->keyLoc.line)));
                parent.keyUsable = false;
            }
            return;
        }
        count(added);
        parent.values += values;
        parent.depth = std::max(parent.depth, depth + 1);
        if (parent.node.type == YamlNode::Type::Sequence) {
            parent.node.children.push_back(std::move(n));
            return;
        }
        parent.inKey = true;
        if (!parent.keyUsable)
            return;
        n.key = parent.key;
        n.keyLoc = parent.keyLoc;
        if (n.isNull()) // an empty value: point at its key
            n.loc = parent.keyLoc;
        parent.node.addMember(std::move(n));
    }

    const QString &m_file;
    IssueList &m_issues;
    int m_budget;
    int m_values = 1;
    int m_documents = 0;
    SourceLocation m_lastLoc;
    std::vector<Frame> m_stack;
    std::optional<YamlNode> m_root;
    std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
};

} // namespace

YamlNode::YamlNode(const YamlNode &other)
    : type(other.type)
    , scalar(other.scalar)
    , quoted(other.quoted)
    , children(other.children)
    , key(other.key)
    , loc(other.loc)
    , keyLoc(other.keyLoc)
    , m_index(other.m_index ? std::make_unique<QHash<QString, std::size_t>>(*other.m_index)
                            : nullptr)
{}

YamlNode &YamlNode::operator=(const YamlNode &other)
{
    if (this != &other) {
        YamlNode copy(other);
        *this = std::move(copy);
    }
    return *this;
}

const YamlNode *YamlNode::get(const QString &name) const
{
    if (type != Type::Map)
        return nullptr;
    if (m_index) {
        const auto it = m_index->constFind(name);
        return it == m_index->cend() ? nullptr : &children[*it];
    }
    for (const auto &c : children)
        if (c.key == name)
            return &c;
    return nullptr;
}

void YamlNode::addMember(YamlNode member)
{
    children.push_back(std::move(member));
    if (m_index)
        m_index->insert(children.back().key, children.size() - 1);
    else if (children.size() >= kIndexFrom)
        reindex();
}

void YamlNode::reindex()
{
    m_index = std::make_unique<QHash<QString, std::size_t>>();
    m_index->reserve(qsizetype(children.size()) * 2);
    for (std::size_t i = 0; i < children.size(); ++i)
        m_index->insert(children[i].key, i);
}

QString describe(const YamlNode &n)
{
    switch (n.type) {
    case YamlNode::Type::Null:
        return QStringLiteral("nothing");
    case YamlNode::Type::Scalar:
        return QStringLiteral("`%1`").arg(n.scalar.left(60));
    case YamlNode::Type::Sequence:
        return QStringLiteral("a list");
    case YamlNode::Type::Map:
        return QStringLiteral("a map");
    }
    return {};
}

QString tooLarge(const QString &file)
{
    return QStringLiteral("cannot read %1: it is larger than %2 MiB, the limit for a workspace "
                          "file")
        .arg(file, QString::number(YamlLimits::maxFileBytes >> 20));
}

std::optional<YamlNode>
parseYamlText(const QByteArray &text, const QString &file, IssueList &issues)
{
    if (text.size() > YamlLimits::maxFileBytes) {
        issues.error({file, 0, 0}, QString(), tooLarge(file));
        return std::nullopt;
    }
    if (!checkCharacters(text, file, issues) || !checkNesting(text, file, issues))
        return std::nullopt;
    try {
        std::istringstream in(std::string(text.constData(), std::size_t(text.size())));
        YAML::Parser parser(in);
        TreeBuilder builder(file, issues, text.size());
        while (parser.HandleNextDocument(builder)) {
        }
        std::optional<YamlNode> root = builder.takeRoot();
        YamlNode node = root ? std::move(*root) : YamlNode();
        if (node.isNull()) {
            node.type = YamlNode::Type::Map; // an empty file is an empty layer
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
    } catch (const TreeBuilder::Refused &) {
        return std::nullopt;
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

std::optional<YamlNode> parseYamlFile(const QString &path,
                                      IssueList &issues,
                                      const SourceLocation &from,
                                      const QString &fromPath)
{
    const auto refuse = [&](const QString &message) {
        if (from.file.isEmpty())
            issues.error({path, 0, 0}, QString(), message);
        else
            issues.error(from, fromPath, message);
        return std::nullopt;
    };
    // Checked before opening: opening a FIFO waits for a writer, a device never ends.
    std::error_code ec;
    const auto status = std::filesystem::status(path.toStdString(), ec);
    if (ec || !std::filesystem::exists(status))
        return refuse(QStringLiteral("cannot read %1: %2")
                          .arg(path, ec ? QString::fromStdString(ec.message())
                                        : QStringLiteral("No such file or directory")));
    if (!std::filesystem::is_regular_file(status)) {
        const char *what =
            std::filesystem::is_directory(status) ? "a directory"
            : std::filesystem::is_fifo(status)    ? "a FIFO (named pipe)"
            : std::filesystem::is_character_file(status) || std::filesystem::is_block_file(status)
                ? "a device"
            : std::filesystem::is_socket(status) ? "a socket"
                                                 : "not a regular file";
        return refuse(QStringLiteral("cannot read %1: it is %2; a workspace is read from a "
                                     "regular file")
                          .arg(path, QLatin1String(what)));
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return refuse(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    // What was read counts, not what size() claims: a file can grow while it is read.
    const QByteArray text = f.read(YamlLimits::maxFileBytes + 1);
    if (text.size() > YamlLimits::maxFileBytes)
        return refuse(tooLarge(path));
    if (f.error() != QFileDevice::NoError)
        return refuse(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return parseYamlText(text, path, issues);
}

} // namespace fd
