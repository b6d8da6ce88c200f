#include "repositorycache.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QMutexLocker>
#include <QPromise>
#include <QStandardPaths>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

namespace fd {

namespace {

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

QDateTime gitTime(const git_time &t)
{
    Q_UNUSED(t.offset) // shown in the reader's zone; the offset does not change the instant
    return QDateTime::fromSecsSinceEpoch(t.time, Qt::UTC);
}

bool looksLikeSha(const QString &s)
{
    if (s.size() < 7 || s.size() > GIT_OID_HEXSZ)
        return false;
    for (QChar c : s)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    return true;
}

/// RAII for the few libgit2 handles used here.
template <typename T, void (*Free)(T *)>
struct GitPtr
{
    T *p = nullptr;
    GitPtr() = default;
    GitPtr(const GitPtr &) = delete;
    GitPtr &operator=(const GitPtr &) = delete;
    ~GitPtr()
    {
        if (p)
            Free(p);
    }
    T **out() { return &p; }
    void reset()
    {
        if (p)
            Free(p);
        p = nullptr;
    }
    T *get() const { return p; }
};
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using WalkPtr = GitPtr<git_revwalk, git_revwalk_free>;
using RemotePtr = GitPtr<git_remote, git_remote_free>;
using RepoPtr = GitPtr<git_repository, git_repository_free>;

CommitRecord recordOf(const git_commit *c)
{
    CommitRecord r;
    r.sha = oidString(git_commit_id(c));
    const git_signature *author = git_commit_author(c);
    const git_signature *committer = git_commit_committer(c);
    r.author = QString::fromUtf8(author->name);
    r.authorEmail = QString::fromUtf8(author->email);
    r.authored = gitTime(author->when);
    r.committed = gitTime(committer->when);
    const char *message = git_commit_message(c);
    const QString text = QString::fromUtf8(message ? message : "");
    r.subject = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    r.change = parseChangeRef(text);
    r.parentCount = int(git_commit_parentcount(c));
    return r;
}

struct LibGit2
{
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
};

} // namespace

// ---- GitRepository ----

GitRepository::~GitRepository()
{
    if (m_repo)
        git_repository_free(m_repo);
}

std::shared_ptr<GitRepository> GitRepository::open(const QString &path, GitError *error)
{
    static LibGit2 init; // once per process, before the first repository
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        *error = {GitError::Kind::MissingRepository, path,
                  path.isEmpty() ? QStringLiteral("no repository path is configured")
                                 : QStringLiteral("the repository path does not exist")};
        return {};
    }
    std::shared_ptr<GitRepository> repo(new GitRepository);
    repo->m_path = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const QByteArray p = QFile::encodeName(repo->m_path);
    const int rc = git_repository_open_ext(&repo->m_repo, p.constData(),
                                           GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc == GIT_ENOTFOUND) {
        *error = {GitError::Kind::MissingRepository, repo->m_path,
                  QStringLiteral("no git repository at this path")};
        return {};
    }
    if (rc < 0) {
        *error = {GitError::Kind::OpenFailed, repo->m_path, lastGitMessage("cannot open")};
        return {};
    }
    repo->m_shallow = git_repository_is_shallow(repo->m_repo) == 1;
    return repo;
}

bool GitRepository::isBare() const
{
    return git_repository_is_bare(m_repo) == 1;
}

void GitRepository::refresh()
{
    QMutexLocker lock(&m_mutex);
    git_odb *odb = nullptr;
    if (git_repository_odb(&odb, m_repo) == 0) {
        git_odb_refresh(odb);
        git_odb_free(odb);
    }
    m_shallow = git_repository_is_shallow(m_repo) == 1;
}

GitError GitRepository::notFound(const QString &sha) const
{
    if (m_shallow)
        return {GitError::Kind::ShallowMissingCommit, m_path,
                QStringLiteral("commit %1 is not in this shallow clone; fetch more history "
                               "(git fetch --unshallow)")
                    .arg(sha.left(12))};
    return {GitError::Kind::CommitNotFound, m_path,
            QStringLiteral("commit %1 is not in the repository: history was rewritten "
                           "(force push) or the clone is out of date")
                .arg(sha.left(12))};
}

QString GitRepository::resolve(const QString &version, GitError *error)
{
    QMutexLocker lock(&m_mutex);
    return resolveLocked(version, error);
}

QString GitRepository::resolveLocked(const QString &version, GitError *error)
{
    const QString v = version.trimmed();
    if (v.isEmpty()) {
        *error = {GitError::Kind::UnknownVersion, m_path, QStringLiteral("no version is known")};
        return {};
    }
    if (looksLikeSha(v)) {
        git_oid oid;
        const QByteArray hex = v.toLatin1();
        if (git_oid_fromstrn(&oid, hex.constData(), size_t(hex.size())) == 0) {
            CommitPtr c;
            const int rc =
                hex.size() == GIT_OID_HEXSZ
                    ? git_commit_lookup(c.out(), m_repo, &oid)
                    : git_commit_lookup_prefix(c.out(), m_repo, &oid, size_t(hex.size()));
            if (rc == 0)
                return oidString(git_commit_id(c.get()));
            // A full sha that is absent is a commit we cannot see, not a misspelt tag.
            if (hex.size() == GIT_OID_HEXSZ) {
                *error = notFound(v);
                return {};
            }
        }
    }
    QStringList candidates{QStringLiteral("refs/tags/") + v, v};
    if (v.startsWith(QLatin1Char('v')))
        candidates.append(QStringLiteral("refs/tags/") + v.mid(1));
    else
        candidates.append(QStringLiteral("refs/tags/v") + v);
    for (const QString &spec : std::as_const(candidates)) {
        ObjectPtr obj;
        const QByteArray s = spec.toUtf8();
        if (git_revparse_single(obj.out(), m_repo, s.constData()) != 0)
            continue;
        ObjectPtr peeled;
        if (git_object_peel(peeled.out(), obj.get(), GIT_OBJECT_COMMIT) != 0)
            continue;
        return oidString(git_object_id(peeled.get()));
    }
    *error = {
        GitError::Kind::UnknownVersion, m_path,
        QStringLiteral("version \"%1\" is neither a commit nor a tag of this repository").arg(v)};
    return {};
}

std::optional<CommitRecord> GitRepository::commit(const QString &sha, GitError *error)
{
    QMutexLocker lock(&m_mutex);
    const QString full = resolveLocked(sha, error);
    if (full.isEmpty())
        return std::nullopt;
    git_oid oid;
    const QByteArray hex = full.toLatin1();
    git_oid_fromstr(&oid, hex.constData());
    CommitPtr c;
    if (git_commit_lookup(c.out(), m_repo, &oid) != 0) {
        *error = notFound(full);
        return std::nullopt;
    }
    return recordOf(c.get());
}

CommitRange
GitRepository::range(const QString &from, const QString &to, const RangeOptions &options)
{
    QMutexLocker lock(&m_mutex);
    CommitRange out;
    out.repository = m_path;
    out.from = resolveLocked(from, &out.error);
    if (out.error.isError())
        return out;
    out.to = resolveLocked(to, &out.error);
    if (out.error.isError())
        return out;
    if (out.from == out.to) {
        out.relation = RangeRelation::Same;
        out.mergeBase = out.from;
        return out;
    }
    git_oid fromOid, toOid;
    git_oid_fromstr(&fromOid, out.from.toLatin1().constData());
    git_oid_fromstr(&toOid, out.to.toLatin1().constData());

    // One walk per side: "reachable from X, not from Y", newest first.
    const auto walk = [&](const git_oid *include, const git_oid *exclude,
                          QList<CommitRecord> *records, int *count) -> bool {
        WalkPtr w;
        if (git_revwalk_new(w.out(), m_repo) != 0)
            return false;
        git_revwalk_sorting(w.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
        if (options.firstParentOnly)
            git_revwalk_simplify_first_parent(w.get());
        if (git_revwalk_push(w.get(), include) != 0 || git_revwalk_hide(w.get(), exclude) != 0)
            return false;
        git_oid oid;
        int rc = 0;
        *count = 0;
        while ((rc = git_revwalk_next(&oid, w.get())) == 0) {
            ++*count;
            if (options.limit >= 0 && records->size() >= options.limit)
                continue;
            CommitPtr c;
            if (git_commit_lookup(c.out(), m_repo, &oid) != 0)
                return false;
            records->append(recordOf(c.get()));
        }
        return rc == GIT_ITEROVER;
    };
    if (!walk(&toOid, &fromOid, &out.commits, &out.ahead) ||
        !walk(&fromOid, &toOid, &out.missing, &out.behind)) {
        const QString detail = lastGitMessage("the walk failed");
        out.commits.clear();
        out.missing.clear();
        out.ahead = out.behind = 0;
        out.error = m_shallow
                        ? GitError{GitError::Kind::ShallowMissingCommit, m_path,
                                   QStringLiteral("the history between %1 and %2 is cut off by "
                                                  "this shallow clone (%3)")
                                       .arg(out.from.left(12), out.to.left(12), detail)}
                        : GitError{GitError::Kind::MissingObject, m_path,
                                   QStringLiteral("the history between %1 and %2 lacks an "
                                                  "object (%3)")
                                       .arg(out.from.left(12), out.to.left(12), detail)};
        return out;
    }
    git_oid base;
    if (git_merge_base(&base, m_repo, &fromOid, &toOid) == 0)
        out.mergeBase = oidString(&base);
    if (out.ahead > 0 && out.behind > 0)
        out.relation = RangeRelation::Diverged;
    else if (out.ahead > 0)
        out.relation = RangeRelation::Ahead;
    else if (out.behind > 0)
        out.relation = RangeRelation::Behind;
    else
        out.relation = RangeRelation::Same; // two shas, one tree of history (cannot happen)
    return out;
}

// ---- RepositoryCache ----

RepositoryCache::RepositoryCache(QString mirrorDir)
    : m_mirrorDir(std::move(mirrorDir))
{
    if (m_mirrorDir.isEmpty())
        m_mirrorDir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                      QStringLiteral("/git-mirrors");
    // Walks of different repositories run in parallel; a repository serialises its own.
    m_pool.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
}

RepositoryCache::~RepositoryCache()
{
    m_pool.clear();
    m_pool.waitForDone();
}

std::shared_ptr<GitRepository> RepositoryCache::repository(const QString &path, GitError *error)
{
    const QString key = path.isEmpty() ? path : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_repos.constFind(key); it != m_repos.constEnd())
            return *it;
    }
    auto repo = GitRepository::open(key, error);
    if (!repo)
        return {};
    QMutexLocker lock(&m_mutex);
    // Two workers may open the same path at once; the first one kept wins.
    if (auto it = m_repos.constFind(key); it != m_repos.constEnd())
        return *it;
    m_opens.fetch_add(1);
    m_repos.insert(key, repo);
    return repo;
}

void RepositoryCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_repos.clear();
    m_fetched.clear();
}

QString RepositoryCache::mirrorPath(const QUrl &url) const
{
    QString name = (url.host() + url.path()).toLower();
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    for (QChar &c : name)
        if (!c.isLetterOrNumber() && c != u'-' && c != u'.')
            c = u'_';
    while (name.startsWith(u'_'))
        name.remove(0, 1);
    const QByteArray hash = QCryptographicHash::hash(url.toString(QUrl::FullyEncoded).toUtf8(),
                                                     QCryptographicHash::Sha1)
                                .toHex()
                                .left(8);
    return m_mirrorDir + QLatin1Char('/') + name.right(80) + QLatin1Char('-') +
           QString::fromLatin1(hash) + QStringLiteral(".git");
}

namespace {

struct ProgressPayload
{
    const RepositoryCache::ProgressFn *fn = nullptr;
    QDeadlineTimer deadline;
    bool cancelled = false;
    bool timedOut = false;
};

int transferProgress(const git_indexer_progress *stats, void *payload)
{
    auto *p = static_cast<ProgressPayload *>(payload);
    // libgit2 1.5 has no transfer timeout of its own: a stalled remote stops here.
    if (p->deadline.hasExpired()) {
        p->timedOut = true;
        return -1;
    }
    if (!p->fn || !*p->fn)
        return 0;
    const TransferProgress t{stats->received_objects, stats->total_objects, stats->indexed_objects,
                             stats->received_bytes};
    if (!(*p->fn)(t)) {
        p->cancelled = true;
        return -1;
    }
    return 0;
}

} // namespace

MirrorResult RepositoryCache::syncMirror(const QUrl &url, const ProgressFn &progress)
{
    static LibGit2 init;
    MirrorResult result;
    const QString where = url.toString(QUrl::RemoveUserInfo);
    result.path = mirrorPath(url);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("file") && url.scheme() != QLatin1String("https") &&
         url.scheme() != QLatin1String("http"))) {
        result.error = {
            GitError::Kind::CloneFailed, where,
            QStringLiteral("only file://, http:// and https:// remotes can be mirrored")};
        return result;
    }
    ProgressPayload payload{&progress, QDeadlineTimer(qint64(m_transferTimeoutSecs) * 1000)};
    git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
    fetch.callbacks.transfer_progress = transferProgress;
    fetch.callbacks.payload = &payload;
    fetch.prune = GIT_FETCH_PRUNE;
    fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    const QByteArray remoteUrl = url.toString(QUrl::FullyEncoded).toUtf8();
    const QByteArray path = QFile::encodeName(result.path);

    RepoPtr repo;
    RemotePtr remote;
    const bool exists = QFileInfo::exists(result.path + QStringLiteral("/HEAD"));
    if (exists) {
        if (git_repository_open_bare(repo.out(), path.constData()) != 0 ||
            git_remote_lookup(remote.out(), repo.get(), "origin") != 0) {
            result.error = {GitError::Kind::FetchFailed, where,
                            QStringLiteral("the mirror at %1 is unreadable: %2")
                                .arg(result.path, lastGitMessage("cannot open"))};
            return result;
        }
    } else {
        QDir().mkpath(m_mirrorDir);
        // A bare repository with a mirror refspec: every branch and tag, force-updated, so a
        // force push on the remote shows up here as rewritten history.
        if (git_repository_init(repo.out(), path.constData(), 1) != 0 ||
            git_remote_create_with_fetchspec(remote.out(), repo.get(), "origin",
                                             remoteUrl.constData(), "+refs/*:refs/*") != 0) {
            result.error = {GitError::Kind::CloneFailed, where,
                            lastGitMessage("cannot create mirror")};
            return result;
        }
        result.cloned = true;
    }
    const int rc = git_remote_fetch(remote.get(), nullptr, &fetch, exists ? "fetch" : "clone");
    if (rc != 0) {
        const auto kind = payload.cancelled ? GitError::Kind::Cancelled
                          : exists          ? GitError::Kind::FetchFailed
                                            : GitError::Kind::CloneFailed;
        result.error = {kind, where,
                        payload.cancelled ? QStringLiteral("cancelled")
                        : payload.timedOut
                            ? QStringLiteral("timed out after %1 s").arg(m_transferTimeoutSecs)
                            : lastGitMessage("fetch failed")};
        if (!exists) {
            remote.reset();
            repo.reset();
            QDir(result.path)
                .removeRecursively(); // no half-made mirror left to confuse the next run
        }
        return result;
    }
    // HEAD names whichever of the usual default branches the remote has.
    for (const char *head : {"refs/heads/main", "refs/heads/master"}) {
        git_reference *ref = nullptr;
        if (git_reference_lookup(&ref, repo.get(), head) == 0) {
            git_reference_free(ref);
            git_repository_set_head(repo.get(), head);
            break;
        }
    }
    QMutexLocker lock(&m_mutex);
    m_fetched.insert(result.path, true);
    if (auto it = m_repos.constFind(result.path); it != m_repos.constEnd())
        (*it)->refresh();
    return result;
}

std::shared_ptr<GitRepository> RepositoryCache::serviceRepository(
    const QString &path, const QUrl &url, GitError *error, const ProgressFn &progress, bool refetch)
{
    if (!path.isEmpty() || url.isEmpty())
        return repository(path, error);
    const QString mirror = mirrorPath(url);
    bool fetched = false;
    {
        QMutexLocker lock(&m_mutex);
        fetched = m_fetched.value(mirror);
    }
    if (!fetched || refetch) {
        const MirrorResult r = syncMirror(url, progress);
        if (r.error.isError()) {
            // A fetch that fails over an existing mirror still leaves last-known history usable.
            if (!QFileInfo::exists(mirror + QStringLiteral("/HEAD"))) {
                *error = r.error;
                return {};
            }
        }
    }
    return repository(mirror, error);
}

QFuture<MirrorResult> RepositoryCache::syncMirrorAsync(const QUrl &url)
{
    return QtConcurrent::run(&m_pool, [this, url](QPromise<MirrorResult> &promise) {
        promise.setProgressRange(0, 0);
        const ProgressFn fn = [&promise](const TransferProgress &t) {
            if (t.totalObjects > 0)
                promise.setProgressRange(0, int(t.totalObjects));
            promise.setProgressValue(int(t.receivedObjects));
            return !promise.isCanceled();
        };
        promise.addResult(syncMirror(url, fn));
    });
}

QFuture<CommitRange> RepositoryCache::rangeAsync(const QString &path,
                                                 const QString &from,
                                                 const QString &to,
                                                 const RangeOptions &options)
{
    return QtConcurrent::run(&m_pool, [this, path, from, to, options]() {
        GitError error;
        auto repo = repository(path, &error);
        if (!repo) {
            CommitRange r;
            r.repository = path;
            r.error = error;
            return r;
        }
        return repo->range(from, to, options);
    });
}

} // namespace fd
