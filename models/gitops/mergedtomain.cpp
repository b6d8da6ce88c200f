#include "mergedtomain.h"

#include "git/repositorycache.h"

namespace fd {

MergedToMain
checkMergedToMain(GitRepository &repo, const QString &mainBranch, const QString &version)
{
    MergedToMain m;
    m.versionSha = repo.resolve(version, &m.error);
    if (m.versionSha.isEmpty())
        return m;
    for (const QString &ref : {QStringLiteral("refs/remotes/origin/") + mainBranch,
                               QStringLiteral("refs/heads/") + mainBranch}) {
        GitError ignored;
        const QString sha = repo.resolve(ref, &ignored);
        if (!sha.isEmpty()) {
            m.mainRef = ref;
            m.mainSha = sha;
            break;
        }
    }
    if (m.mainSha.isEmpty()) {
        m.error = {
            GitError::Kind::UnknownVersion, repo.path(),
            QStringLiteral("the main branch \"%1\" is not in this repository").arg(mainBranch)};
        return m;
    }
    // What the version has that main lacks: nothing means main contains it.
    RangeOptions o;
    o.limit = 1;
    const CommitRange r = repo.range(m.mainSha, m.versionSha, o);
    if (!r.ok()) {
        m.error = r.error;
        return m;
    }
    m.merged = r.ahead == 0;
    return m;
}

GuardResult mergedToMainGuard(const MergedToMain &check,
                              const QString &version,
                              const QString &environment,
                              bool protectedEnvironment)
{
    using O = GuardResult::Outcome;
    GuardResult g{QStringLiteral("merged-to-main"), O::Pass, {}};
    if (check.error.isError()) {
        g.outcome = O::Block;
        g.message = QStringLiteral("cannot tell whether %1 is merged to main: %2")
                        .arg(version, check.error.toString());
        return g;
    }
    const QString branch = check.mainRef.section(QLatin1Char('/'), 2);
    if (check.merged) {
        g.message =
            QStringLiteral("%1 (%2) is on %3").arg(version, check.versionSha.left(8), branch);
        return g;
    }
    const QString notMerged =
        QStringLiteral("%1 (%2) is not on %3").arg(version, check.versionSha.left(8), branch);
    if (protectedEnvironment) {
        g.outcome = O::Block;
        g.message =
            notMerged +
            QStringLiteral(": %1 is protected and takes only merged commits").arg(environment);
    } else {
        g.outcome = O::NeedsReason;
        g.message =
            notMerged + QStringLiteral(": give a reason to deploy it to %1").arg(environment);
    }
    return g;
}

} // namespace fd
