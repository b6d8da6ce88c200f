#pragma once

// Writes deterministic git history with libgit2: fixed signatures and times make fixed shas,
// so the world's SimCommit.sha is the repository's real sha on every run.

#include <QString>
#include <QStringList>

#include <map>
#include <string>

struct git_repository;

namespace fd::sandbox {

struct GitCommitSpec
{
    QString message;
    QString author, email, committer, committerEmail;
    qint64 timeSeconds = 0;
    QStringList parents;
};

class GitWriter
{
public:
    GitWriter();
    ~GitWriter();
    GitWriter(const GitWriter &) = delete;
    GitWriter &operator=(const GitWriter &) = delete;

    /// Opens the repository at @p path, creating it (HEAD -> main) when absent.
    bool open(const QString &path, QString *error);
    /// Writes a commit whose tree holds exactly @p files (path -> content).
    bool commit(const GitCommitSpec &spec,
                const std::map<std::string, std::string> &files,
                QString *sha,
                QString *error);
    void setRef(const QString &name, const QString &sha);
    /// Writes the refs, points HEAD at @p head and checks the work tree out.
    bool finish(const QString &head, QString *error);

private:
    git_repository *m_repo = nullptr;
    QString m_path;
    std::map<QString, QString> m_refs;
};

} // namespace fd::sandbox
