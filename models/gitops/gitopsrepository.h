#pragma once

#include "yamlscalaredit.h"

#include "git/commitrange.h"

#include <QString>

#include <functional>
#include <optional>
#include <memory>

struct git_repository;

namespace fd {

/// One edit a promotion makes: the scalar at @p key in @p file (a path inside the repository).
struct GitOpsChange
{
    QString file;
    YamlKeyPath key;
    QString value;
    /// The value the plan saw; when set, a different value on the branch head is a conflict
    /// (the precondition), not something to overwrite.
    QString expectedOldValue;
};

struct GitOpsPushOptions
{
    QString remote = QStringLiteral("origin"); // a remote of the checkout, or a URL
    QString branch = QStringLiteral("main");
    QString authorName; // empty: user.name / user.email from git config
    QString authorEmail;
    QString message; // the commit message without the trailer
    QString auditId; // written as the `Flightdeck-Action:` trailer
    int maxAttempts = 5;
    int backoffMs = 250; // before the second try; doubled before each further one
    /// Re-checks the guards on the branch head each attempt is made on; a non-empty answer
    /// is the reason to refuse, and nothing is pushed.
    std::function<QString(const QString &headSha)> recheck;
    /// Resolved by the caller from keychain: or env: references; never stored.
    QString username;
    QString password;
};

struct GitOpsResult
{
    enum class Outcome {
        Pushed,       // one new commit is on the remote branch
        AlreadyThere, // the branch already holds the value (or the revert): nothing pushed
        Refused,      // a guard or a precondition refused; nothing pushed
        Conflict,     // someone changed the same line; both values are in `error`
        Failed,       // git or the remote failed; nothing is known to be pushed
    };
    Outcome outcome = Outcome::Failed;
    QString commit;   // the pushed commit
    QString parent;   // the branch head it was made on
    QString oldValue; // the value it replaced (promotion)
    QString file;
    int line = 0;
    int attempts = 0;
    QString error;

    bool ok() const { return outcome == Outcome::Pushed || outcome == Outcome::AlreadyThere; }
};

QString toString(GitOpsResult::Outcome outcome);

/// What the branch head holds now, for a plan: the head commit and the scalar's value and line.
struct GitOpsPreview
{
    QString head;
    QString oldValue;
    int line = 0;
    QString error;
};

/// The commit that last changed a scalar on the branch: what a GitOps rollback reverts.
struct GitOpsLastChange
{
    QString head;   // the branch head the history was read from
    QString commit; // the commit that set the current value
    QString subject;
    QString author;
    QString before; // the value it replaced (what the rollback restores)
    QString after;  // the value it set (the head's value)
    int line = 0;
    QString error;
};

/**
 * The GitOps repository a promotion writes to, through a local clone: fetch the branch, edit
 * one scalar in the head's tree, commit with the audit id as a trailer, push; when the push is
 * not a fast-forward, fetch and apply the same edit on the new head, re-check the guards, and
 * try again. The clone's work tree, index, HEAD and branches are never touched: the branch is
 * fetched into refs/flightdeck/ and the commit is made from trees. Blocking: call it from a
 * worker thread, never the GUI thread.
 */
class GitOpsRepository
{
public:
    ~GitOpsRepository();
    GitOpsRepository(const GitOpsRepository &) = delete;
    GitOpsRepository &operator=(const GitOpsRepository &) = delete;

    static std::unique_ptr<GitOpsRepository> open(const QString &path, GitError *error);
    QString path() const { return m_path; }

    GitOpsPreview preview(const GitOpsChange &change, const GitOpsPushOptions &options);
    GitOpsResult promote(const GitOpsChange &change, const GitOpsPushOptions &options);
    /// A commit that reverts @p commitSha (which must be on the branch), pushed like a
    /// promotion. Refused when the commit is not a plain one-parent commit.
    GitOpsResult revert(const QString &commitSha, const GitOpsPushOptions &options);
    /// Fetches the branch and walks its first-parent history (at most @p depth commits) for
    /// the newest commit that changed the scalar at change.key in change.file.
    GitOpsLastChange lastChange(const GitOpsChange &change,
                                const GitOpsPushOptions &options,
                                int depth = 1000,
                                bool fetchFirst = true);

    /// Without the network, for plans: the branch as last fetched (refs/flightdeck/upstream/,
    /// else the remote-tracking branch, else the local branch); "" when none is there.
    QString localHead(const GitOpsPushOptions &options) const;
    /// A file of a commit; nullopt when absent.
    std::optional<QByteArray> fileAt(const QString &commit, const QString &file) const;

private:
    GitOpsRepository() = default;
    GitOpsResult run(const GitOpsPushOptions &options,
                     const std::function<GitOpsResult(const QString &head, int attempt)> &make);
    bool fetch(const GitOpsPushOptions &options, QString *head, QString *error);
    enum class PushStatus { Ok, NotFastForward, Failed };
    PushStatus push(const QString &commit, const GitOpsPushOptions &options, QString *error);
    QString commitTree(const QString &parent,
                       const void *treeOid,
                       const QString &message,
                       const GitOpsPushOptions &options,
                       QString *error);

    git_repository *m_repo = nullptr;
    QString m_path;
};

} // namespace fd
