#include "gitwriter.h"

#include <git2.h>

#include <QDir>
#include <QFile>

#include <memory>
#include <vector>

namespace fd::sandbox {

namespace {

QString gitError(const char *where)
{
    const git_error *e = git_error_last();
    return QStringLiteral("git %1: %2")
        .arg(QLatin1String(where), e ? QString::fromUtf8(e->message) : QStringLiteral("failed"));
}

/// Builds the tree of every path under @p prefix (paths use '/'), recursing per directory.
int writeTree(git_repository *repo,
              const std::map<std::string, std::string> &files,
              const std::string &prefix,
              git_oid *out)
{
    git_treebuilder *builder = nullptr;
    if (int rc = git_treebuilder_new(&builder, repo, nullptr))
        return rc;
    std::unique_ptr<git_treebuilder, void (*)(git_treebuilder *)> guard(builder,
                                                                        git_treebuilder_free);
    for (auto it = files.lower_bound(prefix); it != files.end();) {
        if (it->first.compare(0, prefix.size(), prefix) != 0)
            break;
        const std::string rest = it->first.substr(prefix.size());
        const size_t slash = rest.find('/');
        git_oid oid;
        if (slash == std::string::npos) {
            if (int rc =
                    git_blob_create_from_buffer(&oid, repo, it->second.data(), it->second.size()))
                return rc;
            if (int rc =
                    git_treebuilder_insert(nullptr, builder, rest.c_str(), &oid, GIT_FILEMODE_BLOB))
                return rc;
            ++it;
        } else {
            const std::string dir = rest.substr(0, slash);
            const std::string sub = prefix + dir + '/';
            if (int rc = writeTree(repo, files, sub, &oid))
                return rc;
            if (int rc =
                    git_treebuilder_insert(nullptr, builder, dir.c_str(), &oid, GIT_FILEMODE_TREE))
                return rc;
            // skip everything under this directory
            std::string after = sub;
            after.back() = char('/' + 1);
            it = files.lower_bound(after);
        }
    }
    return git_treebuilder_write(out, builder);
}

} // namespace

GitWriter::GitWriter()
{
    git_libgit2_init();
}

GitWriter::~GitWriter()
{
    if (m_repo)
        git_repository_free(m_repo);
    git_libgit2_shutdown();
}

bool GitWriter::open(const QString &path, QString *error)
{
    m_path = path;
    const QByteArray p = QFile::encodeName(path);
    if (QDir(path + QStringLiteral("/.git")).exists()) {
        if (git_repository_open(&m_repo, p.constData()) == 0)
            return true;
        if (error)
            *error = gitError("open ") + u' ' + path;
        return false;
    }
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    if (git_repository_init_ext(&m_repo, p.constData(), &opts) != 0) {
        if (error)
            *error = gitError("init") + u' ' + path;
        return false;
    }
    return true;
}

bool GitWriter::commit(const GitCommitSpec &spec,
                       const std::map<std::string, std::string> &files,
                       QString *sha,
                       QString *error)
{
    git_oid treeId;
    if (writeTree(m_repo, files, std::string(), &treeId) != 0) {
        if (error)
            *error = gitError("tree");
        return false;
    }
    git_tree *tree = nullptr;
    git_signature *author = nullptr, *committer = nullptr;
    std::vector<git_commit *> parents;
    bool ok = git_tree_lookup(&tree, m_repo, &treeId) == 0 &&
              git_signature_new(&author, spec.author.toUtf8().constData(),
                                spec.email.toUtf8().constData(), spec.timeSeconds, 0) == 0 &&
              git_signature_new(&committer, spec.committer.toUtf8().constData(),
                                spec.committerEmail.toUtf8().constData(), spec.timeSeconds, 0) == 0;
    for (const QString &p : spec.parents) {
        if (!ok)
            break;
        git_oid pid;
        git_commit *pc = nullptr;
        ok = git_oid_fromstr(&pid, p.toLatin1().constData()) == 0 &&
             git_commit_lookup(&pc, m_repo, &pid) == 0;
        if (pc)
            parents.push_back(pc);
    }
    git_oid id;
    if (ok) {
        const QByteArray message = spec.message.toUtf8();
        ok = git_commit_create(&id, m_repo, nullptr, author, committer, "UTF-8",
                               message.constData(), tree, parents.size(),
                               const_cast<const git_commit **>(parents.data())) == 0;
    }
    if (!ok && error)
        *error = gitError("commit");
    for (git_commit *c : parents)
        git_commit_free(c);
    git_signature_free(author);
    git_signature_free(committer);
    git_tree_free(tree);
    if (ok) {
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, &id);
        *sha = QString::fromLatin1(hex);
    }
    return ok;
}

void GitWriter::setRef(const QString &name, const QString &sha)
{
    m_refs[name] = sha;
}

bool GitWriter::finish(const QString &head, QString *error)
{
    for (const auto &[name, sha] : m_refs) {
        git_oid oid;
        git_reference *ref = nullptr;
        if (git_oid_fromstr(&oid, sha.toLatin1().constData()) != 0 ||
            git_reference_create(&ref, m_repo, name.toUtf8().constData(), &oid, 1,
                                 "flightdeck-sandbox") != 0) {
            if (error)
                *error = gitError("ref") + u' ' + name;
            return false;
        }
        git_reference_free(ref);
    }
    if (git_repository_set_head(m_repo, head.toUtf8().constData()) != 0) {
        if (error)
            *error = gitError("head");
        return false;
    }
    git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
    co.checkout_strategy = GIT_CHECKOUT_FORCE;
    if (git_checkout_head(m_repo, &co) != 0) {
        if (error)
            *error = gitError("checkout") + u' ' + m_path;
        return false;
    }
    return true;
}

} // namespace fd::sandbox
