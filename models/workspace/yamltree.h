#pragma once

// The YAML half of the workspace loader: bytes → a tree of nodes that remember where they were
// written. Knows nothing of the schema; WorkspaceLoader reads the schema from the tree.

#include "workspace.h"

#include <QByteArray>
#include <QHash>

#include <memory>
#include <optional>
#include <vector>

namespace fd {

/// What the loader refuses to read (documented in SCHEMA.md, "Limits").
struct YamlLimits
{
    /// yaml-cpp reads about 2-4 MB a second; 4 MiB holds some 100,000 services of a line each
    /// (or 20,000 richly described ones) and keeps the worst load near a second.
    static constexpr qint64 maxFileBytes = 4 * 1024 * 1024;
    static constexpr int maxDepth = 64;
    /// Values after aliases expand; an alias bomb expands exponentially, so stop well before
    /// memory does. A million fits 250,000 services of a line or two each.
    static constexpr int maxValues = 1'000'000;
    /// Aliases may repeat what the text wrote, but not by more than this many values per byte
    /// of text: a few hundred bytes of nested aliases are refused at once, not after a million.
    static constexpr int maxValuesPerByte = 64;
};

/// Every problem found so far, in file order per file.
class IssueList
{
public:
    void error(const SourceLocation &loc, const QString &path, const QString &message)
    {
        add(WorkspaceIssue::Severity::Error, loc, path, message);
    }
    void warning(const SourceLocation &loc, const QString &path, const QString &message)
    {
        add(WorkspaceIssue::Severity::Warning, loc, path, message);
    }
    void add(WorkspaceIssue::Severity s,
             const SourceLocation &loc,
             const QString &path,
             const QString &message)
    {
        list.append({s, loc.file, loc.line, loc.column, path, message});
    }
    QList<WorkspaceIssue> list;
};

/// A YAML node copied out of yaml-cpp with where it came from, so that after the layers merge
/// every value still names its own file, line and column.
struct YamlNode
{
    enum class Type { Null, Scalar, Sequence, Map };
    Type type = Type::Null;
    QString scalar;
    bool quoted = false;
    std::vector<YamlNode> children; // sequence items, or map members (with key set)
    QString key;
    SourceLocation loc;
    SourceLocation keyLoc;

    const YamlNode *get(const QString &name) const;
    YamlNode *get(const QString &name)
    {
        return const_cast<YamlNode *>(std::as_const(*this).get(name));
    }
    /// Adds a map member (its key must not be there yet).
    void addMember(YamlNode member);
    bool isMap() const { return type == Type::Map; }
    bool isNull() const { return type == Type::Null; }

    YamlNode() = default;
    YamlNode(const YamlNode &other);
    YamlNode &operator=(const YamlNode &other);
    YamlNode(YamlNode &&) noexcept = default;
    YamlNode &operator=(YamlNode &&) noexcept = default;

private:
    // Large maps (services) are looked up by name once per member: an index keeps that linear.
    // Small maps do without one, which keeps a 250,000-service tree small.
    static constexpr std::size_t kIndexFrom = 16;
    std::unique_ptr<QHash<QString, std::size_t>> m_index;
    void reindex();
};

/// "nothing", "`value`", "a list", "a map": for messages.
QString describe(const YamlNode &n);

/// Parses one YAML document. Checks the text first (UTF-8, no control characters, nesting
/// depth) so that yaml-cpp never sees what would make it recurse too deep or misreport; then
/// refuses a second document, duplicate keys and a document that expands too far.
std::optional<YamlNode> parseYamlText(const QByteArray &text, const QString &file, IssueList &issues);

/// Reads a regular file of at most YamlLimits::maxFileBytes (counting the bytes actually read,
/// so a device that reports size 0 cannot feed it forever) and parses it. Anything that is not
/// a regular file (a FIFO, a device, a directory) is refused before it is opened, so it never
/// blocks. `from`/`fromPath` name the place that referred to the file, if any.
std::optional<YamlNode> parseYamlFile(const QString &path,
                                      IssueList &issues,
                                      const SourceLocation &from = {},
                                      const QString &fromPath = {});

} // namespace fd
