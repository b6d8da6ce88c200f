#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace fd {

/// A git problem as a value: which repository, what went wrong, in words a user can act on.
struct GitError
{
    enum class Kind {
        None,
        MissingRepository,    // the path does not exist or holds no repository
        OpenFailed,           // a repository is there but libgit2 cannot read it
        UnknownVersion,       // a version that is neither a commit nor a tag/ref
        CommitNotFound,       // a full sha absent from a complete clone: history rewritten
        ShallowMissingCommit, // a sha absent because the clone is shallow
        MissingObject,        // the walk reached an object the object database lacks
        CloneFailed,
        FetchFailed,
        Cancelled,
    };
    Kind kind = Kind::None;
    QString where; // repository path or remote URL
    QString message;

    bool isError() const { return kind != Kind::None; }
    /// "where: message"
    QString toString() const;
    bool operator==(const GitError &) const = default;
};

QString toString(GitError::Kind kind);

/// The pull or merge request a commit came from, as its subject or body names it.
struct ChangeRef
{
    enum class Kind { None, PullRequest, MergeRequest };
    Kind kind = Kind::None;
    int number = 0;
    QString project; // GitLab "group/project" of a merge request, when the message names it

    bool isValid() const { return kind != Kind::None; }
    /// "#123" for a pull request, "group/project!45" (or "!45") for a merge request.
    QString text() const;
    bool operator==(const ChangeRef &) const = default;
};

/// Finds the change number in the usual subjects: "Merge pull request #N from …",
/// "… (#N)" (squash merges) and "See merge request group/project!N" (GitLab merge commits).
ChangeRef parseChangeRef(const QString &message);

struct CommitRecord
{
    QString sha;
    QString author;
    QString authorEmail;
    QDateTime authored;
    QDateTime committed; // when the commit landed on its branch; lead time starts here
    QString subject;
    ChangeRef change;
    int parentCount = 1;
    qint64 leadTimeSecs = -1; // committed → deployed in the newer environment; -1 unknown

    bool isMerge() const { return parentCount > 1; }
    QString shortSha() const { return sha.left(8); }
    bool operator==(const CommitRecord &) const = default;
};

/// How one commit stands to another: `to` ahead of `from`, behind it, or both (diverged).
enum class RangeRelation { Unknown, Same, Ahead, Behind, Diverged };
QString toString(RangeRelation relation);

struct RangeOptions
{
    bool firstParentOnly = false; // the PR list of a merge-commit workflow without branch noise
    int limit = -1;               // at most this many records per side (counts stay exact)
};

/// The commits between two versions: `commits` are in `to` and not in `from` (what A would
/// bring to B), `missing` are in `from` and not in `to` (what A lacks), both newest first.
struct CommitRange
{
    QString repository;
    QString from;      // full sha (B)
    QString to;        // full sha (A)
    QString mergeBase; // empty when the histories share nothing
    int ahead = 0;
    int behind = 0;
    RangeRelation relation = RangeRelation::Unknown;
    QList<CommitRecord> commits;
    QList<CommitRecord> missing;
    GitError error;

    bool ok() const { return !error.isError(); }
    /// Sets each commit's lead time to the moment `to` was deployed.
    void applyLeadTime(const QDateTime &deployedAt);
};

} // namespace fd

Q_DECLARE_METATYPE(fd::CommitRange)
