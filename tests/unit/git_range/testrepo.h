#pragma once

// Builds git repositories with known histories through libgit2, for the git and compare tests.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QString>
#include <QStringList>

#include <QTest>

#include <git2.h>

namespace fd::test {

class TestRepo
{
public:
    TestRepo() { git_libgit2_init(); }
    ~TestRepo()
    {
        if (m_repo)
            git_repository_free(m_repo);
        git_libgit2_shutdown();
    }
    TestRepo(const TestRepo &) = delete;
    TestRepo &operator=(const TestRepo &) = delete;

    bool init(const QString &path, bool bare = false)
    {
        m_path = path;
        QDir().mkpath(path);
        return git_repository_init(&m_repo, QFile::encodeName(path).constData(), bare ? 1 : 0) == 0;
    }
    QString path() const { return m_path; }
    git_repository *raw() const { return m_repo; }

    /// A commit whose tree holds @p files (path → content; one level of directories is enough
    /// for these tests, so paths are flat names). Returns the sha, or "" on failure.
    QString commit(const QString &message,
                   const QStringList &parents,
                   qint64 time,
                   const QMap<QString, QByteArray> &files = {{QStringLiteral("README"), "x\n"}},
                   const QString &author = QStringLiteral("Ada Lovelace"),
                   const QString &committer = QString())
    {
        git_treebuilder *tb = nullptr;
        if (git_treebuilder_new(&tb, m_repo, nullptr) != 0)
            return {};
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            git_oid blob;
            git_blob_create_from_buffer(&blob, m_repo, it.value().constData(),
                                        size_t(it.value().size()));
            git_treebuilder_insert(nullptr, tb, it.key().toUtf8().constData(), &blob,
                                   GIT_FILEMODE_BLOB);
        }
        git_oid treeId;
        git_treebuilder_write(&treeId, tb);
        git_treebuilder_free(tb);
        git_tree *tree = nullptr;
        git_tree_lookup(&tree, m_repo, &treeId);
        const QString cname = committer.isEmpty() ? author : committer;
        git_signature *a = nullptr, *c = nullptr;
        const QByteArray an = author.toUtf8(), cn = cname.toUtf8();
        const QByteArray ae =
            QString(author).replace(u' ', u'.').toLower().toUtf8() + "@example.org";
        git_signature_new(&a, an.constData(), ae.constData(), time, 0);
        git_signature_new(&c, cn.constData(), "noreply@example.org", time, 0);
        std::vector<git_commit *> ps;
        for (const QString &p : parents) {
            git_oid oid;
            git_oid_fromstr(&oid, p.toLatin1().constData());
            git_commit *pc = nullptr;
            if (git_commit_lookup(&pc, m_repo, &oid) != 0)
                return {};
            ps.push_back(pc);
        }
        git_oid out;
        const QByteArray msg = message.toUtf8();
        const int rc =
            git_commit_create(&out, m_repo, nullptr, a, c, nullptr, msg.constData(), tree,
                              ps.size(), const_cast<const git_commit **>(ps.data()));
        for (git_commit *pc : ps)
            git_commit_free(pc);
        git_signature_free(a);
        git_signature_free(c);
        git_tree_free(tree);
        if (rc != 0)
            return {};
        char buf[GIT_OID_HEXSZ + 1];
        git_oid_tostr(buf, sizeof buf, &out);
        return QString::fromLatin1(buf);
    }

    bool setRef(const QString &name, const QString &sha)
    {
        git_oid oid;
        git_oid_fromstr(&oid, sha.toLatin1().constData());
        git_reference *ref = nullptr;
        const int rc =
            git_reference_create(&ref, m_repo, name.toUtf8().constData(), &oid, 1, "test");
        git_reference_free(ref);
        return rc == 0;
    }
    bool setHead(const QString &ref)
    {
        return git_repository_set_head(m_repo, ref.toUtf8().constData()) == 0;
    }

    /// Path of the loose object file of @p sha (to delete it: a missing object).
    QString objectFile(const QString &sha) const
    {
        const QString gitDir = QString::fromUtf8(git_repository_path(m_repo));
        return gitDir + QStringLiteral("objects/") + sha.left(2) + QLatin1Char('/') + sha.mid(2);
    }
    QString gitDir() const { return QString::fromUtf8(git_repository_path(m_repo)); }

    /// Packs everything reachable from @p tip and drops the loose objects, as `git gc` leaves
    /// a clone (and as a fetch delivers a mirror).
    bool pack(const QString &tip)
    {
        git_packbuilder *pb = nullptr;
        git_revwalk *walk = nullptr;
        git_oid oid;
        git_oid_fromstr(&oid, tip.toLatin1().constData());
        bool ok = git_packbuilder_new(&pb, m_repo) == 0 && git_revwalk_new(&walk, m_repo) == 0 &&
                  git_revwalk_push(walk, &oid) == 0 && git_packbuilder_insert_walk(pb, walk) == 0 &&
                  git_packbuilder_write(pb, nullptr, 0, nullptr, nullptr) == 0;
        git_revwalk_free(walk);
        git_packbuilder_free(pb);
        if (!ok)
            return false;
        QDir objects(gitDir() + QStringLiteral("objects"));
        for (const QString &d : objects.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (d.size() == 2)
                QDir(objects.filePath(d)).removeRecursively();
        return true;
    }

private:
    git_repository *m_repo = nullptr;
    QString m_path;
};

} // namespace fd::test
