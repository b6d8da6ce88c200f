#pragma once

// Jenkins' `tree=` query: a field list with nested selections and array ranges,
// e.g. `jobs[name,url,lastBuild[number,result]]{0,20}`. The renderers consult a
// JenkinsSelection for every field before computing it, so a narrow tree is cheap.

#include <QList>
#include <QString>
#include <QStringList>

#include <climits>
#include <memory>

namespace fd::sandbox {

struct TreeField
{
    QString name;
    QList<TreeField> children; // empty: the field itself (objects then show only `_class`)
    bool hasRange = false;
    int from = 0;
    int to = INT_MAX; // exclusive
};

/// Parses a tree expression. On a syntax error returns false and names the offset in *error.
bool parseTree(const QString &text, QList<TreeField> *out, QString *error);

/// What to render of one object: everything (with a depth budget for nested model objects),
/// a shallow summary (Jenkins' view of a nested model object at depth 0), or a tree selection.
class JenkinsSelection
{
public:
    enum class Mode { All, Shallow, Tree };

    static JenkinsSelection all(int depth) { return JenkinsSelection(Mode::All, depth, nullptr); }
    static JenkinsSelection shallow() { return JenkinsSelection(Mode::Shallow, 0, nullptr); }
    static JenkinsSelection tree(const QList<TreeField> *fields)
    {
        return JenkinsSelection(Mode::Tree, 0, fields);
    }

    Mode mode() const { return m_mode; }
    /// Whether @p name should be rendered; @p shallowFields lists what a shallow view shows.
    bool wants(const QString &name, const QStringList &shallowFields = {}) const;
    /// The selection for a nested model object (job, build) under @p name.
    JenkinsSelection model(const QString &name) const;
    /// The selection for nested plain data (actions, parameters): shown whole unless a tree narrows
    /// it.
    JenkinsSelection data(const QString &name) const;
    /// Slices [from, to) of an array of @p count elements under @p name.
    void range(const QString &name, int count, int *from, int *to) const;

private:
    JenkinsSelection(Mode mode, int depth, const QList<TreeField> *fields)
        : m_mode(mode)
        , m_depth(depth)
        , m_fields(fields)
    {}
    const TreeField *field(const QString &name) const;

    Mode m_mode;
    int m_depth;
    const QList<TreeField> *m_fields;
};

} // namespace fd::sandbox
