// GitOps promotion through libgit2 against a bare repository in a temp dir standing in for the
// remote: one commit with the author and the audit trailer, a diff of exactly one line, the
// clone's work tree left alone, and the push race — a second clone pushing first — handled by
// fetching and re-applying the edit, refusing when both changed the same line.
#include "gitops/gitopsrepository.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <git2.h>

using namespace fd;

namespace {

const QString kProd = QStringLiteral("apps/checkout/overlays/prod/kustomization.yaml");
const QString kStaging = QStringLiteral("apps/checkout/overlays/staging/kustomization.yaml");
const QString kValues = QStringLiteral("apps/checkout/values-prod.yaml");

QByteArray overlay(const char *env, const char *tag)
{
    return QByteArray("apiVersion: kustomize.config.k8s.io/v1beta1\n"
                      "kind: Kustomization\n"
                      "namespace: checkout-") +
           env +
           "\n# 운영 overlay — edited by promotions\n"
           "images:\n"
           "  - name: ghcr.io/acme/checkout\n"
           "    newTag: " +
           tag + " # current\n";
}

YamlKeyPath imageTag()
{
    return YamlKeyPath::parse(QStringLiteral("images[name=ghcr.io/acme/checkout].newTag"));
}

QString oidText(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

// A libgit2 handle on a repository made or cloned by the test.
class Repo
{
public:
    Repo() { git_libgit2_init(); }
    ~Repo()
    {
        if (m_repo)
            git_repository_free(m_repo);
        git_libgit2_shutdown();
    }
    Repo(const Repo &) = delete;
    Repo &operator=(const Repo &) = delete;

    bool initBare(const QString &path)
    {
        QDir().mkpath(path);
        return git_repository_init(&m_repo, QFile::encodeName(path).constData(), 1) == 0;
    }
    bool clone(const QString &url, const QString &path)
    {
        return git_clone(&m_repo, QFile::encodeName(url).constData(),
                         QFile::encodeName(path).constData(), nullptr) == 0;
    }
    git_repository *raw() const { return m_repo; }

    /// Commits @p files (nested paths) on top of refs/heads/main.
    QString commitFiles(const QMap<QString, QByteArray> &files, const QString &message)
    {
        git_oid parentOid;
        const bool hasParent = git_reference_name_to_id(&parentOid, m_repo, "refs/heads/main") == 0;
        git_tree *base = nullptr;
        git_commit *parent = nullptr;
        if (hasParent) {
            git_commit_lookup(&parent, m_repo, &parentOid);
            git_commit_tree(&base, parent);
        } else {
            git_treebuilder *tb = nullptr;
            git_oid empty;
            git_treebuilder_new(&tb, m_repo, nullptr);
            git_treebuilder_write(&empty, tb);
            git_treebuilder_free(tb);
            git_tree_lookup(&base, m_repo, &empty);
        }
        std::vector<git_tree_update> updates;
        std::vector<QByteArray> paths;
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            paths.push_back(it.key().toUtf8());
        int k = 0;
        for (auto it = files.cbegin(); it != files.cend(); ++it, ++k) {
            git_tree_update u{};
            u.action = GIT_TREE_UPDATE_UPSERT;
            git_blob_create_from_buffer(&u.id, m_repo, it.value().constData(),
                                        size_t(it.value().size()));
            u.filemode = GIT_FILEMODE_BLOB;
            u.path = paths[size_t(k)].constData();
            updates.push_back(u);
        }
        git_oid treeOid;
        git_tree_create_updated(&treeOid, m_repo, base, updates.size(), updates.data());
        git_tree *tree = nullptr;
        git_tree_lookup(&tree, m_repo, &treeOid);
        git_signature *sig = nullptr;
        git_signature_new(&sig, "Dev", "dev@example.org", 1767225600, 0);
        const git_commit *parents[] = {parent};
        git_oid out;
        const QByteArray msg = message.toUtf8();
        const int rc = git_commit_create(&out, m_repo, "refs/heads/main", sig, sig, nullptr,
                                         msg.constData(), tree, hasParent ? 1 : 0, parents);
        git_signature_free(sig);
        git_tree_free(tree);
        git_tree_free(base);
        if (parent)
            git_commit_free(parent);
        return rc == 0 ? oidText(&out) : QString();
    }

    QString ref(const char *name) const
    {
        git_oid oid;
        if (git_reference_name_to_id(&oid, m_repo, name) != 0)
            return {};
        return oidText(&oid);
    }

    QByteArray fileAt(const QString &sha, const QString &path) const
    {
        git_oid oid;
        git_oid_fromstr(&oid, sha.toLatin1().constData());
        git_commit *c = nullptr;
        if (git_commit_lookup(&c, m_repo, &oid) != 0)
            return {};
        git_tree *t = nullptr;
        git_commit_tree(&t, c);
        git_tree_entry *e = nullptr;
        QByteArray out;
        if (git_tree_entry_bypath(&e, t, path.toUtf8().constData()) == 0) {
            git_blob *b = nullptr;
            git_blob_lookup(&b, m_repo, git_tree_entry_id(e));
            out = QByteArray(static_cast<const char *>(git_blob_rawcontent(b)),
                             qsizetype(git_blob_rawsize(b)));
            git_blob_free(b);
            git_tree_entry_free(e);
        }
        git_tree_free(t);
        git_commit_free(c);
        return out;
    }

    struct CommitInfo
    {
        QString message;
        QString author;
        QString email;
        QStringList parents;
        QMap<QString, QString> trailers;
        int changedFiles = 0;
    };
    CommitInfo info(const QString &sha) const
    {
        CommitInfo i;
        git_oid oid;
        git_oid_fromstr(&oid, sha.toLatin1().constData());
        git_commit *c = nullptr;
        if (git_commit_lookup(&c, m_repo, &oid) != 0)
            return i;
        i.message = QString::fromUtf8(git_commit_message(c));
        i.author = QString::fromUtf8(git_commit_author(c)->name);
        i.email = QString::fromUtf8(git_commit_author(c)->email);
        for (unsigned p = 0; p < git_commit_parentcount(c); ++p)
            i.parents.append(oidText(git_commit_parent_id(c, p)));
        git_message_trailer_array trailers{};
        if (git_message_trailers(&trailers, git_commit_message(c)) == 0) {
            for (size_t t = 0; t < trailers.count; ++t)
                i.trailers.insert(QString::fromUtf8(trailers.trailers[t].key),
                                  QString::fromUtf8(trailers.trailers[t].value));
            git_message_trailer_array_free(&trailers);
        }
        git_commit *parent = nullptr;
        git_tree *a = nullptr, *b = nullptr;
        git_commit_tree(&b, c);
        if (git_commit_parent(&parent, c, 0) == 0)
            git_commit_tree(&a, parent);
        git_diff *diff = nullptr;
        git_diff_tree_to_tree(&diff, m_repo, a, b, nullptr);
        i.changedFiles = int(git_diff_num_deltas(diff));
        git_diff_free(diff);
        git_tree_free(a);
        git_tree_free(b);
        if (parent)
            git_commit_free(parent);
        git_commit_free(c);
        return i;
    }

    void setConfig(const char *key, const char *value)
    {
        git_config *cfg = nullptr;
        git_repository_config(&cfg, m_repo);
        git_config_set_string(cfg, key, value);
        git_config_free(cfg);
    }

private:
    git_repository *m_repo = nullptr;
};

// Lines that differ between two versions of a file of the same line count; -1 if the counts
// differ.
int changedLines(const QByteArray &a, const QByteArray &b)
{
    const QList<QByteArray> x = a.split('\n'), y = b.split('\n');
    if (x.size() != y.size())
        return -1;
    int n = 0;
    for (int i = 0; i < x.size(); ++i)
        n += x.at(i) != y.at(i);
    return n;
}

} // namespace

class TestGitOpsPush : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_remote = std::make_unique<Repo>();
        QVERIFY(m_remote->initBare(path(QStringLiteral("remote.git"))));
        m_base = m_remote->commitFiles({{kProd, overlay("prod", "v1.8.2")},
                                        {kStaging, overlay("staging", "v1.8.3")},
                                        {kValues, "image:\n  tag: v1.8.2\n"}},
                                       QStringLiteral("Bootstrap"));
        QVERIFY(!m_base.isEmpty());
        QVERIFY(git_repository_set_head(m_remote->raw(), "refs/heads/main") == 0);
        m_a = std::make_unique<Repo>();
        m_b = std::make_unique<Repo>();
        QVERIFY(m_a->clone(path(QStringLiteral("remote.git")), path(QStringLiteral("a"))));
        QVERIFY(m_b->clone(path(QStringLiteral("remote.git")), path(QStringLiteral("b"))));
    }
    void cleanup()
    {
        m_a.reset();
        m_b.reset();
        m_remote.reset();
        m_dir.reset();
    }

    void promoteMakesOneCommitOfOneLine()
    {
        auto repo = openClone(QStringLiteral("a"));
        QVERIFY(repo);
        GitOpsPushOptions o = options(QStringLiteral("act-1"));
        const GitOpsResult r = repo->promote(prodTo(QStringLiteral("v1.8.3")), o);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Pushed));
        QCOMPARE(r.attempts, 1);
        QCOMPARE(r.parent, m_base);
        QCOMPARE(r.oldValue, QStringLiteral("v1.8.2"));
        QCOMPARE(r.line, 7);
        QCOMPARE(m_remote->ref("refs/heads/main"), r.commit);

        const Repo::CommitInfo info = m_remote->info(r.commit);
        QCOMPARE(info.parents, QStringList{m_base});
        QCOMPARE(info.author, QStringLiteral("Release Bot"));
        QCOMPARE(info.email, QStringLiteral("release-bot@example.org"));
        QVERIFY(info.message.startsWith(QStringLiteral("promote checkout to v1.8.3 in prod\n")));
        QCOMPARE(info.trailers.value(QStringLiteral("Flightdeck-Action")), QStringLiteral("act-1"));
        QCOMPARE(info.changedFiles, 1);
        const QByteArray before = m_remote->fileAt(m_base, kProd);
        const QByteArray after = m_remote->fileAt(r.commit, kProd);
        QCOMPARE(changedLines(before, after), 1);
        QCOMPARE(after, overlay("prod", "v1.8.3"));

        // The clone's work tree and branch are the operator's: untouched.
        QCOMPARE(m_a->ref("refs/heads/main"), m_base);
        QFile onDisk(path(QStringLiteral("a/") + kProd));
        QVERIFY(onDisk.open(QIODevice::ReadOnly));
        QCOMPARE(onDisk.readAll(), before);
    }

    void authorFromGitConfig()
    {
        m_a->setConfig("user.name", "Grace Hopper");
        m_a->setConfig("user.email", "grace@example.org");
        auto repo = openClone(QStringLiteral("a"));
        GitOpsPushOptions o = options(QStringLiteral("act-2"));
        o.authorName.clear();
        o.authorEmail.clear();
        const GitOpsResult r = repo->promote(prodTo(QStringLiteral("v1.8.3")), o);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(m_remote->info(r.commit).author, QStringLiteral("Grace Hopper"));
        QCOMPARE(m_remote->info(r.commit).email, QStringLiteral("grace@example.org"));
    }

    void racingClonesRebaseTheOneFileChange()
    {
        auto a = openClone(QStringLiteral("a"));
        auto b = openClone(QStringLiteral("b"));
        GitOpsResult first;
        QStringList heads;
        GitOpsPushOptions ob = options(QStringLiteral("act-b"));
        ob.message = QStringLiteral("promote checkout to v1.9.0 in staging");
        // B has fetched and is about to commit when A pushes: B's push is not a fast-forward.
        ob.recheck = [&](const QString &head) {
            heads.append(head);
            if (heads.size() == 1)
                first =
                    a->promote(prodTo(QStringLiteral("v1.8.3")), options(QStringLiteral("act-a")));
            return QString();
        };
        GitOpsChange staging{kStaging, imageTag(), QStringLiteral("v1.9.0"), {}};
        const GitOpsResult r = b->promote(staging, ob);
        QVERIFY2(first.ok(), qPrintable(first.error));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.attempts, 2);
        QCOMPARE(heads, (QStringList{m_base, first.commit})); // the guards ran on each head
        QCOMPARE(r.parent, first.commit);
        QCOMPARE(m_remote->ref("refs/heads/main"), r.commit);
        QCOMPARE(m_remote->info(r.commit).parents, QStringList{first.commit});
        QCOMPARE(m_remote->info(r.commit).changedFiles, 1);
        QCOMPARE(m_remote->fileAt(r.commit, kProd), overlay("prod", "v1.8.3"));
        QCOMPARE(m_remote->fileAt(r.commit, kStaging), overlay("staging", "v1.9.0"));
    }

    void sameLineConflictShowsBothValues()
    {
        auto a = openClone(QStringLiteral("a"));
        auto b = openClone(QStringLiteral("b"));
        GitOpsResult first;
        GitOpsPushOptions ob = options(QStringLiteral("act-b"));
        int calls = 0;
        ob.recheck = [&](const QString &) {
            if (++calls == 1)
                first =
                    a->promote(prodTo(QStringLiteral("v1.9.0")), options(QStringLiteral("act-a")));
            return QString();
        };
        const GitOpsResult r = b->promote(prodTo(QStringLiteral("v1.8.3")), ob);
        QVERIFY2(first.ok(), qPrintable(first.error));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Conflict));
        QCOMPARE(r.error,
                 QStringLiteral("%1:7: images[name=ghcr.io/acme/checkout].newTag on main is now "
                                "'v1.9.0' (head %2), not 'v1.8.2'; this promotion sets 'v1.8.3'; "
                                "nothing was pushed")
                     .arg(kProd, first.commit.left(8)));
        QCOMPARE(m_remote->ref("refs/heads/main"), first.commit);
    }

    void planPreconditionAndValueAlreadyThere()
    {
        auto repo = openClone(QStringLiteral("a"));
        GitOpsChange change = prodTo(QStringLiteral("v1.8.3"));
        change.expectedOldValue = QStringLiteral("v1.7.0");
        GitOpsResult r = repo->promote(change, options(QStringLiteral("act-3")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Conflict));
        QVERIFY(r.error.contains(QLatin1String("is now 'v1.8.2'")));

        r = repo->promote(prodTo(QStringLiteral("v1.8.2")), options(QStringLiteral("act-4")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::AlreadyThere));
        QVERIFY(r.commit.isEmpty());
        QCOMPARE(m_remote->ref("refs/heads/main"), m_base);

        const GitOpsPreview p =
            repo->preview(prodTo(QStringLiteral("v1.8.3")), options(QStringLiteral("act-5")));
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QCOMPARE(p.head, m_base);
        QCOMPARE(p.oldValue, QStringLiteral("v1.8.2"));
        QCOMPARE(p.line, 7);
    }

    void guardAndMissingKeyRefuse()
    {
        auto repo = openClone(QStringLiteral("a"));
        GitOpsPushOptions o = options(QStringLiteral("act-6"));
        o.recheck = [](const QString &) { return QStringLiteral("prod is frozen until 18:00"); };
        GitOpsResult r = repo->promote(prodTo(QStringLiteral("v1.8.3")), o);
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Refused));
        QCOMPARE(r.error, QStringLiteral("prod is frozen until 18:00"));

        GitOpsChange digest{
            kProd,
            YamlKeyPath::parse(QStringLiteral("images[name=ghcr.io/acme/checkout].digest")),
            QStringLiteral("sha256:ab"),
            {}};
        r = repo->promote(digest, options(QStringLiteral("act-7")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Refused));
        QCOMPARE(r.error, kProd + QStringLiteral(": images[name=ghcr.io/acme/checkout].digest: no "
                                                 "key 'digest' under "
                                                 "images[name=ghcr.io/acme/checkout]"));
        GitOpsChange missing{QStringLiteral("apps/checkout/overlays/qa/kustomization.yaml"),
                             imageTag(),
                             QStringLiteral("v1"),
                             {}};
        r = repo->promote(missing, options(QStringLiteral("act-8")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Refused));
        QCOMPARE(r.error, QStringLiteral("apps/checkout/overlays/qa/kustomization.yaml: not in "
                                         "main at %1")
                              .arg(m_base.left(8)));
        QCOMPARE(m_remote->ref("refs/heads/main"), m_base);
    }

    void givesUpAfterMaxAttempts()
    {
        auto a = openClone(QStringLiteral("a"));
        auto b = openClone(QStringLiteral("b"));
        GitOpsPushOptions ob = options(QStringLiteral("act-b"));
        ob.maxAttempts = 3;
        int n = 0;
        ob.recheck = [&](const QString &) {
            // Every time B is about to commit, A lands another change to the values file.
            GitOpsChange v{kValues,
                           YamlKeyPath::parse(QStringLiteral("image.tag")),
                           QStringLiteral("v2.0.%1").arg(n++),
                           {}};
            a->promote(v, options(QStringLiteral("act-a")));
            return QString();
        };
        const GitOpsResult r = b->promote(prodTo(QStringLiteral("v1.8.3")), ob);
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Failed));
        QCOMPARE(r.attempts, 3);
        QCOMPARE(r.error,
                 QStringLiteral("main moved on during each of 3 tries; nothing was pushed"));
        const QString head = m_remote->ref("refs/heads/main");
        QCOMPARE(m_remote->fileAt(head, kProd), overlay("prod", "v1.8.2"));
        QCOMPARE(m_remote->fileAt(head, kValues), QByteArray("image:\n  tag: v2.0.2\n"));
    }

    void revertRestoresTheFile()
    {
        auto a = openClone(QStringLiteral("a"));
        auto b = openClone(QStringLiteral("b"));
        const GitOpsResult promoted =
            a->promote(prodTo(QStringLiteral("v1.8.3")), options(QStringLiteral("act-p")));
        QVERIFY2(promoted.ok(), qPrintable(promoted.error));

        // Another promotion lands on a different file while B reverts: B retries on it.
        GitOpsPushOptions ob = options(QStringLiteral("act-r"));
        ob.message.clear();
        int calls = 0;
        GitOpsResult other;
        ob.recheck = [&](const QString &) {
            if (++calls == 1)
                other = a->promote({kStaging, imageTag(), QStringLiteral("v1.9.0"), {}},
                                   options(QStringLiteral("act-s")));
            return QString();
        };
        const GitOpsResult r = b->revert(promoted.commit, ob);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Pushed));
        QCOMPARE(r.attempts, 2);
        QCOMPARE(r.parent, other.commit);
        const Repo::CommitInfo info = m_remote->info(r.commit);
        QCOMPARE(info.message, QStringLiteral("Revert \"promote checkout to v1.8.3 in prod\"\n\n"
                                              "This reverts commit %1.\n\n"
                                              "Flightdeck-Action: act-r\n")
                                   .arg(promoted.commit));
        QCOMPARE(info.changedFiles, 1);
        QCOMPARE(m_remote->fileAt(r.commit, kProd), overlay("prod", "v1.8.2"));
        QCOMPARE(m_remote->fileAt(r.commit, kStaging), overlay("staging", "v1.9.0"));

        // Reverting again finds nothing to do.
        const GitOpsResult again = b->revert(promoted.commit, options(QStringLiteral("act-r2")));
        QCOMPARE(fd::toString(again.outcome), fd::toString(GitOpsResult::Outcome::AlreadyThere));
        QCOMPARE(m_remote->ref("refs/heads/main"), r.commit);
    }

    void revertRefusals()
    {
        auto a = openClone(QStringLiteral("a"));
        const GitOpsResult p1 =
            a->promote(prodTo(QStringLiteral("v1.8.3")), options(QStringLiteral("act-1")));
        GitOpsChange next = prodTo(QStringLiteral("v1.9.0"));
        const GitOpsResult p2 = a->promote(next, options(QStringLiteral("act-2")));
        QVERIFY(p1.ok() && p2.ok());
        // The line p1 changed was changed again since: a revert would conflict.
        GitOpsResult r = a->revert(p1.commit, options(QStringLiteral("act-r")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Conflict));
        QCOMPARE(r.error, QStringLiteral("reverting %1 conflicts with later changes on main to "
                                         "%2; nothing was pushed")
                              .arg(p1.commit.left(8), kProd));
        r = a->revert(QStringLiteral("0123456789012345678901234567890123456789"),
                      options(QStringLiteral("act-r")));
        QCOMPARE(fd::toString(r.outcome), fd::toString(GitOpsResult::Outcome::Refused));
        QCOMPARE(m_remote->ref("refs/heads/main"), p2.commit);
    }

    void lastChangeFindsThePromotion()
    {
        auto a = openClone(QStringLiteral("a"));
        GitOpsPushOptions o = options(QStringLiteral("act-1"));
        GitOpsLastChange last = a->lastChange(prodTo(QString()), o);
        QCOMPARE(last.error, QStringLiteral("%1 (Bootstrap) set "
                                            "images[name=ghcr.io/acme/checkout].newTag first; "
                                            "there is no earlier value to go back to")
                                 .arg(m_base.left(8)));
        const GitOpsResult p1 = a->promote(prodTo(QStringLiteral("v1.8.3")), o);
        QVERIFY2(p1.ok(), qPrintable(p1.error));
        // Later commits that leave the value alone: another file, and a comment in this one.
        const QString other = m_remote->commitFiles({{kStaging, overlay("staging", "v1.9.0")}},
                                                    QStringLiteral("staging"));
        QByteArray commented = overlay("prod", "v1.8.3");
        commented.replace("edited by promotions", "edited by promotions only");
        const QString comment =
            m_remote->commitFiles({{kProd, commented}}, QStringLiteral("Reword a comment"));
        QVERIFY(!other.isEmpty() && !comment.isEmpty());

        last = a->lastChange(prodTo(QString()), o);
        QVERIFY2(last.error.isEmpty(), qPrintable(last.error));
        QCOMPARE(last.head, comment);
        QCOMPARE(last.commit, p1.commit);
        QCOMPARE(last.subject, QStringLiteral("promote checkout to v1.8.3 in prod"));
        QCOMPARE(last.author, QStringLiteral("Release Bot"));
        QCOMPARE(last.before, QStringLiteral("v1.8.2"));
        QCOMPARE(last.after, QStringLiteral("v1.8.3"));
        QCOMPARE(last.line, 7);

        // Reverting it leaves the reworded comment and restores the value.
        const GitOpsResult r = a->revert(last.commit, options(QStringLiteral("act-r")));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QByteArray expected = commented;
        expected.replace("newTag: v1.8.3", "newTag: v1.8.2");
        QCOMPARE(m_remote->fileAt(r.commit, kProd), expected);
    }

private:
    QString path(const QString &rel) const { return m_dir->filePath(rel); }
    std::unique_ptr<GitOpsRepository> openClone(const QString &name) const
    {
        GitError error;
        auto repo = GitOpsRepository::open(path(name), &error);
        if (!repo)
            qDebug("%s", qPrintable(error.toString()));
        return repo;
    }
    static GitOpsPushOptions options(const QString &auditId)
    {
        GitOpsPushOptions o;
        o.authorName = QStringLiteral("Release Bot");
        o.authorEmail = QStringLiteral("release-bot@example.org");
        o.message = QStringLiteral("promote checkout to v1.8.3 in prod");
        o.auditId = auditId;
        o.backoffMs = 1;
        return o;
    }
    static GitOpsChange prodTo(const QString &v) { return {kProd, imageTag(), v, {}}; }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repo> m_remote, m_a, m_b;
    QString m_base;
};

QTEST_GUILESS_MAIN(TestGitOpsPush)
#include "tst_gitopspush.moc"
