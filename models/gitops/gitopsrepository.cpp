#include "gitopsrepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <git2.h>

#include <memory>

namespace fd {

namespace {

template <typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *p) const { Free(p); }
};
template <typename T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;
using CommitP = Owned<git_commit, git_commit_free>;
using TreeP = Owned<git_tree, git_tree_free>;
using EntryP = Owned<git_tree_entry, git_tree_entry_free>;
using BlobP = Owned<git_blob, git_blob_free>;
using RemoteP = Owned<git_remote, git_remote_free>;
using IndexP = Owned<git_index, git_index_free>;
using SigP = Owned<git_signature, git_signature_free>;
using RefP = Owned<git_reference, git_reference_free>;

QString lastGitMessage(const char *fallback)
{
    const git_error *e = git_error_last();
    return QString::fromUtf8(e && e->message ? e->message : fallback);
}

QString oidString(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

bool oidFrom(const QString &sha, git_oid *oid)
{
    return git_oid_fromstr(oid, sha.toLatin1().constData()) == 0;
}

struct LibGit2
{
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
};

QString upstreamRef(const QString &branch)
{
    return QStringLiteral("refs/flightdeck/upstream/") + branch;
}

QString pushRef(const QString &branch)
{
    return QStringLiteral("refs/flightdeck/push/") + branch;
}

int credentialsFor(git_credential **out,
                   const char *,
                   const char *userFromUrl,
                   unsigned int allowed,
                   void *payload)
{
    const auto *o = static_cast<const GitOpsPushOptions *>(payload);
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !o->password.isEmpty()) {
        const QByteArray user = o->username.isEmpty()
                                    ? QByteArray(userFromUrl ? userFromUrl : "x-access-token")
                                    : o->username.toUtf8();
        return git_credential_userpass_plaintext_new(out, user.constData(),
                                                     o->password.toUtf8().constData());
    }
    if (allowed & GIT_CREDENTIAL_SSH_KEY)
        return git_credential_ssh_key_from_agent(out, userFromUrl ? userFromUrl : "git");
    return GIT_PASSTHROUGH;
}

struct PushPayload
{
    const GitOpsPushOptions *options = nullptr;
    QString rejection; // the remote's status for our ref, when it refused it
};

int pushUpdateReference(const char *, const char *status, void *data)
{
    if (status)
        static_cast<PushPayload *>(data)->rejection = QString::fromUtf8(status);
    return 0;
}

// Opens the named remote, or an anonymous one for a URL or path.
RemoteP remoteFor(git_repository *repo, const QString &remote, QString *error)
{
    git_remote *r = nullptr;
    const QByteArray name = remote.toUtf8();
    if (git_remote_lookup(&r, repo, name.constData()) == 0)
        return RemoteP(r);
    if (remote.contains(QLatin1Char('/')) || remote.contains(QLatin1Char(':'))) {
        if (git_remote_create_anonymous(&r, repo, name.constData()) == 0)
            return RemoteP(r);
    }
    *error = QStringLiteral("no remote '%1': %2").arg(remote, lastGitMessage("not found"));
    return {};
}

GitOpsResult finished(GitOpsResult::Outcome outcome, const QString &error = {})
{
    GitOpsResult r;
    r.outcome = outcome;
    r.error = error;
    return r;
}

} // namespace

QString toString(GitOpsResult::Outcome outcome)
{
    switch (outcome) {
    case GitOpsResult::Outcome::Pushed:
        return QStringLiteral("pushed");
    case GitOpsResult::Outcome::AlreadyThere:
        return QStringLiteral("already there");
    case GitOpsResult::Outcome::Refused:
        return QStringLiteral("refused");
    case GitOpsResult::Outcome::Conflict:
        return QStringLiteral("conflict");
    case GitOpsResult::Outcome::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

GitOpsRepository::~GitOpsRepository()
{
    if (m_repo)
        git_repository_free(m_repo);
}

std::unique_ptr<GitOpsRepository> GitOpsRepository::open(const QString &path, GitError *error)
{
    static LibGit2 init;
    std::unique_ptr<GitOpsRepository> repo(new GitOpsRepository);
    repo->m_path = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        *error = {GitError::Kind::MissingRepository, path,
                  QStringLiteral("the GitOps checkout does not exist")};
        return {};
    }
    const QByteArray p = QFile::encodeName(repo->m_path);
    if (git_repository_open_ext(&repo->m_repo, p.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                nullptr) < 0) {
        *error = {GitError::Kind::OpenFailed, repo->m_path, lastGitMessage("cannot open")};
        return {};
    }
    return repo;
}

bool GitOpsRepository::fetch(const GitOpsPushOptions &options, QString *head, QString *error)
{
    RemoteP remote = remoteFor(m_repo, options.remote, error);
    if (!remote)
        return false;
    const QByteArray spec = (QStringLiteral("+refs/heads/") + options.branch + QLatin1Char(':') +
                             upstreamRef(options.branch))
                                .toUtf8();
    char *specs[] = {const_cast<char *>(spec.constData())};
    const git_strarray refspecs = {specs, 1};
    git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
    fo.callbacks.credentials = credentialsFor;
    fo.callbacks.payload = const_cast<GitOpsPushOptions *>(&options);
    fo.prune = GIT_FETCH_NO_PRUNE;
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    if (git_remote_fetch(remote.get(), &refspecs, &fo, "flightdeck: gitops fetch") < 0) {
        *error = QStringLiteral("fetching %1 from %2: %3")
                     .arg(options.branch, options.remote, lastGitMessage("fetch failed"));
        return false;
    }
    git_oid oid;
    if (git_reference_name_to_id(&oid, m_repo, upstreamRef(options.branch).toUtf8().constData()) <
        0) {
        *error =
            QStringLiteral("the remote %1 has no branch %2").arg(options.remote, options.branch);
        return false;
    }
    *head = oidString(&oid);
    return true;
}

GitOpsRepository::PushStatus
GitOpsRepository::push(const QString &commit, const GitOpsPushOptions &options, QString *error)
{
    git_oid oid;
    oidFrom(commit, &oid);
    git_reference *ref = nullptr;
    if (git_reference_create(&ref, m_repo, pushRef(options.branch).toUtf8().constData(), &oid, 1,
                             "flightdeck: gitops push") < 0) {
        *error = lastGitMessage("cannot write the push ref");
        return PushStatus::Failed;
    }
    git_reference_free(ref);
    RemoteP remote = remoteFor(m_repo, options.remote, error);
    if (!remote)
        return PushStatus::Failed;
    // Not forced: the remote (and libgit2 before it) refuses anything but a fast-forward.
    const QByteArray spec =
        (pushRef(options.branch) + QStringLiteral(":refs/heads/") + options.branch).toUtf8();
    char *specs[] = {const_cast<char *>(spec.constData())};
    const git_strarray refspecs = {specs, 1};
    PushPayload payload{&options, {}};
    git_push_options po = GIT_PUSH_OPTIONS_INIT;
    po.callbacks.push_update_reference = pushUpdateReference;
    po.callbacks.payload = &payload;
    // The credentials callback reads the options through the same payload pointer type.
    po.callbacks.credentials = [](git_credential **out, const char *url, const char *user,
                                  unsigned int allowed, void *data) {
        return credentialsFor(
            out, url, user, allowed,
            const_cast<GitOpsPushOptions *>(static_cast<PushPayload *>(data)->options));
    };
    const int rc = git_remote_push(remote.get(), &refspecs, &po);
    if (rc == GIT_ENONFASTFORWARD)
        return PushStatus::NotFastForward;
    if (rc < 0) {
        *error = QStringLiteral("pushing to %1: %2").arg(options.remote, lastGitMessage("failed"));
        return PushStatus::Failed;
    }
    if (!payload.rejection.isEmpty()) {
        const QString s = payload.rejection.toLower();
        if (s.contains(QLatin1String("fast-forward")) || s.contains(QLatin1String("fetch first")) ||
            s.contains(QLatin1String("stale")))
            return PushStatus::NotFastForward;
        *error = QStringLiteral("%1 refused the push of %2: %3")
                     .arg(options.remote, options.branch, payload.rejection);
        return PushStatus::Failed;
    }
    return PushStatus::Ok;
}

QString GitOpsRepository::commitTree(const QString &parent,
                                     const void *treeOid,
                                     const QString &message,
                                     const GitOpsPushOptions &options,
                                     QString *error)
{
    git_signature *sig = nullptr;
    const int rc = options.authorName.isEmpty()
                       ? git_signature_default(&sig, m_repo)
                       : git_signature_now(&sig, options.authorName.toUtf8().constData(),
                                           options.authorEmail.toUtf8().constData());
    if (rc < 0) {
        *error = QStringLiteral("no commit author: set gitops.author in the workspace, or "
                                "user.name and user.email in git config (%1)")
                     .arg(lastGitMessage("no signature"));
        return {};
    }
    SigP author(sig);
    git_tree *t = nullptr;
    if (git_tree_lookup(&t, m_repo, static_cast<const git_oid *>(treeOid)) < 0) {
        *error = lastGitMessage("tree not found");
        return {};
    }
    TreeP tree(t);
    git_oid parentOid;
    oidFrom(parent, &parentOid);
    git_commit *p = nullptr;
    if (git_commit_lookup(&p, m_repo, &parentOid) < 0) {
        *error = lastGitMessage("parent not found");
        return {};
    }
    CommitP parentCommit(p);
    QString text = message.trimmed() + QLatin1Char('\n');
    if (!options.auditId.isEmpty())
        text += QStringLiteral("\nFlightdeck-Action: ") + options.auditId + QLatin1Char('\n');
    const QByteArray msg = text.toUtf8();
    const git_commit *parents[] = {parentCommit.get()};
    git_oid out;
    if (git_commit_create(&out, m_repo, nullptr, author.get(), author.get(), "UTF-8",
                          msg.constData(), tree.get(), 1, parents) < 0) {
        *error = lastGitMessage("commit failed");
        return {};
    }
    return oidString(&out);
}

GitOpsResult
GitOpsRepository::run(const GitOpsPushOptions &options,
                      const std::function<GitOpsResult(const QString &head, int attempt)> &make)
{
    const int tries = qMax(1, options.maxAttempts);
    for (int attempt = 1; attempt <= tries; ++attempt) {
        QString head, error;
        if (!fetch(options, &head, &error)) {
            GitOpsResult r = finished(GitOpsResult::Outcome::Failed, error);
            r.attempts = attempt;
            return r;
        }
        if (options.recheck) {
            if (const QString reason = options.recheck(head); !reason.isEmpty()) {
                GitOpsResult r = finished(GitOpsResult::Outcome::Refused, reason);
                r.parent = head;
                r.attempts = attempt;
                return r;
            }
        }
        GitOpsResult r = make(head, attempt);
        r.attempts = attempt;
        r.parent = head;
        if (r.outcome != GitOpsResult::Outcome::Pushed)
            return r;
        switch (push(r.commit, options, &error)) {
        case PushStatus::Ok: {
            // As git does after a push: the fetched view of the branch now holds the commit.
            git_oid oid;
            git_reference *ref = nullptr;
            if (oidFrom(r.commit, &oid) &&
                git_reference_create(&ref, m_repo, upstreamRef(options.branch).toUtf8().constData(),
                                     &oid, 1, "flightdeck: gitops push") == 0)
                git_reference_free(ref);
            return r;
        }
        case PushStatus::Failed:
            r.outcome = GitOpsResult::Outcome::Failed;
            r.error = error;
            r.commit.clear();
            return r;
        case PushStatus::NotFastForward:
            // Someone pushed first: fetch their head and make the change again on it.
            if (attempt < tries)
                QThread::msleep(ulong(options.backoffMs) << (attempt - 1));
            break;
        }
    }
    GitOpsResult r =
        finished(GitOpsResult::Outcome::Failed,
                 QStringLiteral("%1 moved on during each of %2 tries; nothing was pushed")
                     .arg(options.branch)
                     .arg(tries));
    r.attempts = tries;
    return r;
}

GitOpsLastChange GitOpsRepository::lastChange(const GitOpsChange &change,
                                              const GitOpsPushOptions &options,
                                              int depth,
                                              bool fetchFirst)
{
    GitOpsLastChange out;
    if (fetchFirst) {
        if (!fetch(options, &out.head, &out.error))
            return out;
    } else {
        out.head = localHead(options);
        if (out.head.isEmpty()) {
            out.error =
                QStringLiteral("%1 has not been fetched into %2").arg(options.branch, m_path);
            return out;
        }
    }
    const QByteArray path = change.file.toUtf8();
    // The file's blob in a commit and the scalar read from it; nullopt when the file is absent.
    struct Read
    {
        git_oid blob{};
        bool present = false;
        YamlScalarEdit value;
    };
    const auto readAt = [&](const git_commit *c) {
        Read r;
        git_tree *t = nullptr;
        if (git_commit_tree(&t, c) < 0)
            return r;
        TreeP tree(t);
        git_tree_entry *e = nullptr;
        if (git_tree_entry_bypath(&e, tree.get(), path.constData()) < 0)
            return r;
        EntryP entry(e);
        r.blob = *git_tree_entry_id(entry.get());
        git_blob *b = nullptr;
        if (git_blob_lookup(&b, m_repo, &r.blob) < 0)
            return r;
        BlobP blob(b);
        r.present = true;
        r.value = findYamlScalar(QByteArray(static_cast<const char *>(git_blob_rawcontent(b)),
                                            qsizetype(git_blob_rawsize(b))),
                                 change.file, change.key);
        return r;
    };
    git_oid oid;
    oidFrom(out.head, &oid);
    git_commit *c = nullptr;
    if (git_commit_lookup(&c, m_repo, &oid) < 0) {
        out.error = lastGitMessage("no head commit");
        return out;
    }
    CommitP current(c);
    Read cur = readAt(current.get());
    if (!cur.present || !cur.value.ok) {
        out.error = cur.present ? cur.value.error
                                : QStringLiteral("%1: not in %2 at %3")
                                      .arg(change.file, options.branch, out.head.left(8));
        return out;
    }
    out.after = cur.value.oldValue;
    out.line = cur.value.line;
    for (int i = 0; i < depth; ++i) {
        git_commit *p = nullptr;
        const bool root = git_commit_parentcount(current.get()) == 0;
        if (!root && git_commit_parent(&p, current.get(), 0) < 0)
            break; // a shallow clone's edge: the history ends here
        CommitP parent(p);
        const Read prev = root ? Read{} : readAt(parent.get());
        const bool sameBlob = prev.present && git_oid_equal(&prev.blob, &cur.blob);
        if (!sameBlob && (!prev.present || !prev.value.ok || prev.value.oldValue != out.after)) {
            out.commit = oidString(git_commit_id(current.get()));
            out.subject = QString::fromUtf8(git_commit_summary(current.get()));
            out.author = QString::fromUtf8(git_commit_author(current.get())->name);
            if (!prev.present || !prev.value.ok) {
                out.error = QStringLiteral("%1 (%2) set %3 first; there is no earlier value to "
                                           "go back to")
                                .arg(out.commit.left(8), out.subject, change.key.toString());
                return out;
            }
            out.before = prev.value.oldValue;
            return out;
        }
        current = std::move(parent);
        cur = prev;
    }
    out.error = QStringLiteral("no commit in the last %1 on %2 changed %3 in %4")
                    .arg(depth)
                    .arg(options.branch, change.key.toString(), change.file);
    return out;
}

QString GitOpsRepository::localHead(const GitOpsPushOptions &options) const
{
    for (const QString &ref :
         {upstreamRef(options.branch),
          QStringLiteral("refs/remotes/%1/%2").arg(options.remote, options.branch),
          QStringLiteral("refs/heads/") + options.branch}) {
        git_oid oid;
        if (git_reference_name_to_id(&oid, m_repo, ref.toUtf8().constData()) == 0)
            return oidString(&oid);
    }
    return {};
}

std::optional<QByteArray> GitOpsRepository::fileAt(const QString &commit, const QString &file) const
{
    git_oid oid;
    git_commit *c = nullptr;
    if (!oidFrom(commit, &oid) || git_commit_lookup(&c, m_repo, &oid) < 0)
        return std::nullopt;
    CommitP owned(c);
    git_tree *t = nullptr;
    if (git_commit_tree(&t, c) < 0)
        return std::nullopt;
    TreeP tree(t);
    git_tree_entry *e = nullptr;
    if (git_tree_entry_bypath(&e, t, file.toUtf8().constData()) < 0)
        return std::nullopt;
    EntryP entry(e);
    git_blob *b = nullptr;
    if (git_blob_lookup(&b, m_repo, git_tree_entry_id(e)) < 0)
        return std::nullopt;
    BlobP blob(b);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(b)),
                      qsizetype(git_blob_rawsize(b)));
}

GitOpsPreview GitOpsRepository::preview(const GitOpsChange &change,
                                        const GitOpsPushOptions &options)
{
    GitOpsPreview p;
    if (!fetch(options, &p.head, &p.error))
        return p;
    git_oid oid;
    oidFrom(p.head, &oid);
    git_commit *c = nullptr;
    git_commit_lookup(&c, m_repo, &oid);
    CommitP commit(c);
    git_tree *t = nullptr;
    git_commit_tree(&t, commit.get());
    TreeP tree(t);
    git_tree_entry *e = nullptr;
    if (git_tree_entry_bypath(&e, tree.get(), change.file.toUtf8().constData()) < 0) {
        p.error =
            QStringLiteral("%1: not in %2 at %3").arg(change.file, options.branch, p.head.left(8));
        return p;
    }
    EntryP entry(e);
    git_blob *b = nullptr;
    git_blob_lookup(&b, m_repo, git_tree_entry_id(entry.get()));
    BlobP blob(b);
    const QByteArray bytes(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                           qsizetype(git_blob_rawsize(blob.get())));
    const YamlScalarEdit found = findYamlScalar(bytes, change.file, change.key);
    if (!found.ok) {
        p.error = found.error;
        return p;
    }
    p.oldValue = found.oldValue;
    p.line = found.line;
    return p;
}

GitOpsResult GitOpsRepository::promote(const GitOpsChange &change, const GitOpsPushOptions &options)
{
    QString base = change.expectedOldValue;
    return run(options, [&](const QString &head, int attempt) {
        GitOpsResult r;
        r.file = change.file;
        git_oid headOid;
        oidFrom(head, &headOid);
        git_commit *c = nullptr;
        if (git_commit_lookup(&c, m_repo, &headOid) < 0)
            return finished(GitOpsResult::Outcome::Failed, lastGitMessage("no head commit"));
        CommitP commit(c);
        git_tree *t = nullptr;
        git_commit_tree(&t, commit.get());
        TreeP tree(t);
        git_tree_entry *e = nullptr;
        if (git_tree_entry_bypath(&e, tree.get(), change.file.toUtf8().constData()) < 0)
            return finished(GitOpsResult::Outcome::Refused,
                            QStringLiteral("%1: not in %2 at %3")
                                .arg(change.file, options.branch, head.left(8)));
        EntryP entry(e);
        git_blob *b = nullptr;
        if (git_blob_lookup(&b, m_repo, git_tree_entry_id(entry.get())) < 0)
            return finished(GitOpsResult::Outcome::Refused,
                            QStringLiteral("%1: not a file").arg(change.file));
        BlobP blob(b);
        const QByteArray bytes(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                               qsizetype(git_blob_rawsize(blob.get())));
        const YamlScalarEdit edit = editYamlScalar(bytes, change.file, change.key, change.value);
        r.oldValue = edit.oldValue;
        r.line = edit.line;
        if (!edit.ok) {
            r.outcome = GitOpsResult::Outcome::Refused;
            r.error = edit.error;
            return r;
        }
        if (attempt == 1 && base.isEmpty())
            base = edit.oldValue;
        if (edit.oldValue == change.value) {
            r.outcome = GitOpsResult::Outcome::AlreadyThere;
            return r;
        }
        if (edit.oldValue != base) {
            r.outcome = GitOpsResult::Outcome::Conflict;
            r.error = QStringLiteral("%1:%2: %3 on %4 is now '%5' (head %6), not '%7'; this "
                                     "promotion sets '%8'; nothing was pushed")
                          .arg(change.file)
                          .arg(edit.line)
                          .arg(change.key.toString(), options.branch, edit.oldValue, head.left(8),
                               base, change.value);
            return r;
        }
        git_oid blobOid;
        if (git_blob_create_from_buffer(&blobOid, m_repo, edit.bytes.constData(),
                                        size_t(edit.bytes.size())) < 0)
            return finished(GitOpsResult::Outcome::Failed, lastGitMessage("blob"));
        const QByteArray filePath = change.file.toUtf8();
        git_tree_update update{};
        update.action = GIT_TREE_UPDATE_UPSERT;
        update.id = blobOid;
        update.filemode = git_tree_entry_filemode(entry.get());
        update.path = filePath.constData();
        git_oid treeOid;
        if (git_tree_create_updated(&treeOid, m_repo, tree.get(), 1, &update) < 0)
            return finished(GitOpsResult::Outcome::Failed, lastGitMessage("tree"));
        QString error;
        r.commit = commitTree(head, &treeOid, options.message, options, &error);
        if (r.commit.isEmpty())
            return finished(GitOpsResult::Outcome::Failed, error);
        r.outcome = GitOpsResult::Outcome::Pushed; // ready to push
        return r;
    });
}

GitOpsResult GitOpsRepository::revert(const QString &commitSha, const GitOpsPushOptions &options)
{
    return run(options, [&](const QString &head, int) {
        GitOpsResult r;
        git_oid target, headOid;
        oidFrom(head, &headOid);
        git_commit *c = nullptr;
        if (!oidFrom(commitSha, &target) || git_commit_lookup(&c, m_repo, &target) < 0)
            return finished(
                GitOpsResult::Outcome::Refused,
                QStringLiteral("commit %1 is not in the GitOps repository").arg(commitSha));
        CommitP reverted(c);
        if (git_commit_parentcount(reverted.get()) != 1)
            return finished(GitOpsResult::Outcome::Refused,
                            QStringLiteral("commit %1 is a merge or a root; only a one-parent "
                                           "promotion commit is reverted")
                                .arg(commitSha.left(8)));
        if (!git_oid_equal(&target, &headOid) &&
            git_graph_descendant_of(m_repo, &headOid, &target) != 1)
            return finished(
                GitOpsResult::Outcome::Refused,
                QStringLiteral("commit %1 is not on %2").arg(commitSha.left(8), options.branch));
        git_commit *h = nullptr;
        git_commit_lookup(&h, m_repo, &headOid);
        CommitP headCommit(h);
        git_index *i = nullptr;
        if (git_revert_commit(&i, m_repo, reverted.get(), headCommit.get(), 0, nullptr) < 0)
            return finished(GitOpsResult::Outcome::Failed, lastGitMessage("revert failed"));
        IndexP index(i);
        if (git_index_has_conflicts(index.get())) {
            QStringList files;
            git_index_conflict_iterator *it = nullptr;
            git_index_conflict_iterator_new(&it, index.get());
            const git_index_entry *anc, *ours, *theirs;
            while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
                const git_index_entry *any = ours ? ours : (theirs ? theirs : anc);
                files.append(QString::fromUtf8(any->path));
            }
            git_index_conflict_iterator_free(it);
            return finished(
                GitOpsResult::Outcome::Conflict,
                QStringLiteral("reverting %1 conflicts with later changes on %2 to "
                               "%3; nothing was pushed")
                    .arg(commitSha.left(8), options.branch, files.join(QStringLiteral(", "))));
        }
        git_oid treeOid;
        if (git_index_write_tree_to(&treeOid, index.get(), m_repo) < 0)
            return finished(GitOpsResult::Outcome::Failed, lastGitMessage("tree"));
        if (git_oid_equal(&treeOid, git_commit_tree_id(headCommit.get()))) {
            r.outcome = GitOpsResult::Outcome::AlreadyThere;
            return r;
        }
        const QString subject = QString::fromUtf8(git_commit_summary(reverted.get()));
        const QString message = options.message.isEmpty()
                                    ? QStringLiteral("Revert \"%1\"\n\nThis reverts commit %2.")
                                          .arg(subject, oidString(&target))
                                    : options.message;
        QString error;
        r.commit = commitTree(head, &treeOid, message, options, &error);
        if (r.commit.isEmpty())
            return finished(GitOpsResult::Outcome::Failed, error);
        r.outcome = GitOpsResult::Outcome::Pushed;
        return r;
    });
}

} // namespace fd
