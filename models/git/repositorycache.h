#pragma once

#include "commitrange.h"

#include <QFuture>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QThreadPool>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

struct git_repository;

namespace fd {

/**
 * One open libgit2 repository. libgit2 objects must not be used by two threads at once, so
 * every call takes the repository's own lock; different repositories walk in parallel.
 * Never call it on the GUI thread: use RepositoryCache's asynchronous functions.
 */
class GitRepository
{
public:
    ~GitRepository();
    GitRepository(const GitRepository &) = delete;
    GitRepository &operator=(const GitRepository &) = delete;

    /// Opens the repository at @p path (a work tree, its .git or a bare repository).
    static std::shared_ptr<GitRepository> open(const QString &path, GitError *error);

    QString path() const { return m_path; }
    bool isShallow() const { return m_shallow; }
    bool isBare() const;

    /// A full commit sha for a version: a sha (full or abbreviated), a tag ("v1.4.2", also
    /// tried with and without the "v"), or a ref. Errors: UnknownVersion, CommitNotFound,
    /// ShallowMissingCommit.
    QString resolve(const QString &version, GitError *error);
    /// Reads one commit. nullopt with *error when it is absent.
    std::optional<CommitRecord> commit(const QString &sha, GitError *error);
    /// The commits between two resolved versions (shas, tags or refs).
    CommitRange range(const QString &from, const QString &to, const RangeOptions &options = {});
    /// Re-reads refs and the object database after a fetch into this repository.
    void refresh();

private:
    GitRepository() = default;
    QString resolveLocked(const QString &version, GitError *error);
    GitError notFound(const QString &sha) const;

    git_repository *m_repo = nullptr;
    QString m_path;
    bool m_shallow = false;
    QMutex m_mutex;
};

/// Transfer figures of a clone or fetch.
struct TransferProgress
{
    quint64 receivedObjects = 0;
    quint64 totalObjects = 0;
    quint64 indexedObjects = 0;
    quint64 receivedBytes = 0;
};

/// The result of making or updating a mirror.
struct MirrorResult
{
    QString path;        // the bare mirror in the cache
    bool cloned = false; // false when an existing mirror was fetched
    GitError error;
};

/**
 * Repositories opened once and kept: local clones named in the workspace, and bare mirrors
 * Flightdeck clones and fetches itself into its cache directory (file:// and https remotes).
 * The synchronous functions are for worker threads; the QFuture ones run on the cache's own
 * thread pool so the GUI thread never waits on libgit2.
 */
class RepositoryCache
{
public:
    /// @p mirrorDir: where mirrors go ("" = <cache location>/git-mirrors).
    explicit RepositoryCache(QString mirrorDir = QString());
    ~RepositoryCache();
    RepositoryCache(const RepositoryCache &) = delete;
    RepositoryCache &operator=(const RepositoryCache &) = delete;

    QString mirrorDir() const { return m_mirrorDir; }
    /// A clone or fetch that has not finished after this long is stopped (default 300 s).
    void setTransferTimeout(int seconds) { m_transferTimeoutSecs = seconds; }
    /// The cached repository at @p path, opening it on first use. Thread-safe.
    std::shared_ptr<GitRepository> repository(const QString &path, GitError *error);
    /// How many times a repository was actually opened (the cache's hit test).
    int openCount() const { return m_opens.load(); }
    void clear();

    /// Where the mirror of @p url lives (whether or not it exists yet).
    QString mirrorPath(const QUrl &url) const;
    using ProgressFn = std::function<bool(const TransferProgress &)>; // false cancels
    /// Clones @p url as a bare mirror, or fetches (with prune) when the mirror exists.
    /// Blocking: call on a worker thread.
    MirrorResult syncMirror(const QUrl &url, const ProgressFn &progress = {});
    /// The local repository for a service: @p path when set, else the mirror of @p url,
    /// made or fetched at most once per cache lifetime unless @p refetch.
    std::shared_ptr<GitRepository> serviceRepository(const QString &path,
                                                     const QUrl &url,
                                                     GitError *error,
                                                     const ProgressFn &progress = {},
                                                     bool refetch = false);

    /// syncMirror on the pool; progress is the future's (value = received objects, maximum =
    /// total objects) and cancelling the future cancels the transfer.
    QFuture<MirrorResult> syncMirrorAsync(const QUrl &url);
    /// range() on the pool.
    QFuture<CommitRange> rangeAsync(const QString &path,
                                    const QString &from,
                                    const QString &to,
                                    const RangeOptions &options = {});
    QThreadPool *pool() { return &m_pool; }

private:
    QString m_mirrorDir;
    mutable QMutex m_mutex;
    QHash<QString, std::shared_ptr<GitRepository>> m_repos;
    QHash<QString, bool> m_fetched; // mirror paths fetched in this lifetime
    std::atomic<int> m_opens{0};
    int m_transferTimeoutSecs = 300;
    QThreadPool m_pool;
};

} // namespace fd
