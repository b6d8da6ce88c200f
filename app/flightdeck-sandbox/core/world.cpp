// Scenario worlds: which services exist, where each environment deploys, and what ran there.
// Everything is drawn from one seeded generator so (scenario, seed, epoch) fixes every byte.

#include "sandbox.h"
#include "gitwriter.h"

#include <QDir>

#include <map>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

struct TargetPlan
{
    const char *env;
    const char *backend;
    QString object;
    bool canary = false;
    bool autoSync = false;
    bool pending = false;
};

struct ServicePlan
{
    QString name;
    QString ciBackend;
    QString ciObject;
    QList<TargetPlan> targets;
    QStringList dependsOn;
};

QList<ServicePlan> demoPlan(const QString &org)
{
    const auto repo = [&](const char *s) { return org + u'/' + QLatin1String(s); };
    const auto app = [](const char *s, const char *env) {
        return QLatin1String(s) + u'-' + QLatin1String(env);
    };
    const auto job = [](const char *s, const char *env) {
        return QLatin1String(s) + QStringLiteral("/deploy-") + QLatin1String(env);
    };
    QList<ServicePlan> plan;
    // GitHub Actions builds, Argo CD deploys; prod goes through an Argo Rollout canary.
    plan.append({QStringLiteral("checkout"),
                 QStringLiteral("github"),
                 repo("checkout"),
                 {{"dev", "argocd", app("checkout", "dev"), false, true, false},
                  {"staging", "argocd", app("checkout", "staging"), false, true, false},
                  {"prod", "argocd", app("checkout", "prod"), true, false, true}},
                 {QStringLiteral("payments"), QStringLiteral("catalog")}});
    // Argo CD for the lower environments, a GitHub environment with reviewers for prod.
    plan.append({QStringLiteral("payments"),
                 QStringLiteral("github"),
                 repo("payments"),
                 {{"dev", "argocd", app("payments", "dev"), false, true, false},
                  {"staging", "argocd", app("payments", "staging"), false, false, false},
                  {"prod", "github", repo("payments"), false, false, true}},
                 {QStringLiteral("auth")}});
    plan.append({QStringLiteral("catalog"),
                 QStringLiteral("jenkins"),
                 QStringLiteral("catalog/build"),
                 {{"dev", "jenkins", job("catalog", "dev")},
                  {"staging", "jenkins", job("catalog", "staging")},
                  {"prod", "jenkins", job("catalog", "prod"), false, false, true}},
                 {QStringLiteral("search")}});
    plan.append({QStringLiteral("search"),
                 QStringLiteral("jenkins"),
                 QStringLiteral("search/build"),
                 {{"dev", "jenkins", job("search", "dev")},
                  {"staging", "jenkins", job("search", "staging")},
                  {"prod", "jenkins", job("search", "prod")}},
                 {}});
    plan.append({QStringLiteral("auth"),
                 QStringLiteral("gitlab"),
                 repo("auth"),
                 {{"dev", "gitlab", repo("auth")},
                  {"staging", "gitlab", repo("auth")},
                  {"prod", "gitlab", repo("auth"), false, false, true}},
                 {}});
    plan.append({QStringLiteral("notifications"),
                 QStringLiteral("gitlab"),
                 repo("notifications"),
                 {{"dev", "gitlab", repo("notifications")},
                  {"staging", "gitlab", repo("notifications")},
                  {"prod", "gitlab", repo("notifications")}},
                 {QStringLiteral("auth")}});
    return plan;
}

const char *const kPeople[][2] = {
    {"Mina Park", "mina.park"},     {"Jonas Weber", "jonas.weber"}, {"Priya Raman", "priya.raman"},
    {"Tomas Silva", "tomas.silva"}, {"Aiko Tanaka", "aiko.tanaka"}, {"Sam Okafor", "sam.okafor"},
};

const char *const kVerbs[] = {"Add", "Fix",      "Refactor", "Speed up", "Handle",
                              "Log", "Validate", "Retry",    "Cache",    "Remove"};
const char *const kThings[] = {
    "cart totals",          "currency rounding",   "idempotency keys",  "timeout on upstream calls",
    "empty search results", "token refresh",       "pagination cursor", "health endpoint",
    "metrics labels",       "feature flag lookup", "config reload",     "batch size",
    "error messages",       "rate limiter",        "db pool size"};

QString slugOf(const QString &s)
{
    QString out;
    for (const QChar c : s) {
        if (c.isLetterOrNumber())
            out += c.toLower();
        else if (!out.endsWith(u'-'))
            out += u'-';
    }
    while (out.endsWith(u'-'))
        out.chop(1);
    return out;
}

int pick(std::mt19937_64 &rng, int n)
{
    return int(rng() % quint64(n));
}

/// A commit before it has a sha: git (or the synthetic hasher) assigns it.
struct PlannedCommit
{
    QString subject, body, author, email, committer, committerEmail;
    qint64 timeMs = 0;
    QList<int> parents;                         // indices into the planned list
    std::map<std::string, std::string> changes; // path -> new content
    bool onMain = true; // false for feature-branch and release-branch commits
};

struct PlannedRepo
{
    QList<PlannedCommit> commits;
    QList<QPair<QString, int>> tags; // version -> commit index
    int mainTip = -1;
    QString releaseBranch;
    int releaseTip = -1;
};

/// Plans the git history of one service: PRs merged (merge commit or squash) between releases,
/// a tag per release, and a release branch with one fix that has not gone out yet.
PlannedRepo planRepo(const QString &org,
                     const QString &service,
                     const QList<qint64> &releaseTimes,
                     const QStringList &versions,
                     std::mt19937_64 &rng,
                     int *prCounter)
{
    PlannedRepo repo;
    const qint64 start = releaseTimes.first() - 5 * kDay;
    PlannedCommit init;
    init.subject = QStringLiteral("Initial commit");
    init.author = QLatin1String(kPeople[0][0]);
    init.email = QLatin1String(kPeople[0][1]) + QStringLiteral("@acme.dev");
    init.committer = init.author;
    init.committerEmail = init.email;
    init.timeMs = start;
    init.changes["README.md"] =
        (u"# "_s + service + u"\n\nThe "_s + service + u" service of the acme shop.\n"_s)
            .toStdString();
    init.changes["VERSION"] = "v0.0.0\n";
    repo.commits.append(init);
    int tip = 0;
    qint64 prev = start;
    for (int r = 0; r < releaseTimes.size(); ++r) {
        const qint64 until = releaseTimes[r] - 20 * kMinute;
        const int prs = 2 + pick(rng, 3);
        for (int p = 0; p < prs; ++p) {
            const qint64 t = prev + (until - prev) * (p + 1) / (prs + 1);
            const int who = pick(rng, 6);
            const QString author = QLatin1String(kPeople[who][0]);
            const QString email = QLatin1String(kPeople[who][1]) + QStringLiteral("@acme.dev");
            const QString subject =
                QLatin1String(kVerbs[pick(rng, 10)]) + u' ' + QLatin1String(kThings[pick(rng, 15)]);
            const int pr = ++*prCounter;
            const std::string path = "src/" + slugOf(subject).toStdString() + ".go";
            const std::string content = "package " + service.toStdString() + "\n\n// " +
                                        subject.toStdString() + " (#" + std::to_string(pr) + ")\n";
            if (pick(rng, 2) == 0) {
                // Merge-commit style: a feature branch of one or two commits, then a merge.
                const int n = 1 + pick(rng, 2);
                int base = tip;
                for (int k = 0; k < n; ++k) {
                    PlannedCommit c;
                    c.subject = k == 0 ? subject : QStringLiteral("Address review comments");
                    c.author = author;
                    c.email = email;
                    c.committer = author;
                    c.committerEmail = email;
                    c.timeMs = t - (n - k) * 37 * kMinute;
                    c.parents = {base};
                    c.changes[path] = content + std::string(size_t(k), '\n');
                    c.onMain = false;
                    repo.commits.append(c);
                    base = int(repo.commits.size()) - 1;
                }
                PlannedCommit m;
                m.subject = QStringLiteral("Merge pull request #%1 from %2/%3")
                                .arg(pr)
                                .arg(org, slugOf(subject));
                m.body = subject;
                m.author = author;
                m.email = email;
                m.committer = QStringLiteral("GitHub");
                m.committerEmail = QStringLiteral("noreply@github.com");
                m.timeMs = t;
                m.parents = {tip, base};
                repo.commits.append(m);
            } else {
                PlannedCommit c;
                c.subject = QStringLiteral("%1 (#%2)").arg(subject).arg(pr);
                c.author = author;
                c.email = email;
                c.committer = QStringLiteral("GitHub");
                c.committerEmail = QStringLiteral("noreply@github.com");
                c.timeMs = t;
                c.parents = {tip};
                c.changes[path] = content;
                repo.commits.append(c);
            }
            tip = int(repo.commits.size()) - 1;
        }
        // The release commit bumps VERSION; the tag points at it.
        PlannedCommit rel;
        rel.subject = QStringLiteral("Release %1").arg(versions[r]);
        rel.author = QLatin1String(kPeople[r % 6][0]);
        rel.email = QLatin1String(kPeople[r % 6][1]) + QStringLiteral("@acme.dev");
        rel.committer = rel.author;
        rel.committerEmail = rel.email;
        rel.timeMs = releaseTimes[r] - 5 * kMinute;
        rel.parents = {tip};
        rel.changes["VERSION"] = (versions[r] + u'\n').toStdString();
        repo.commits.append(rel);
        tip = int(repo.commits.size()) - 1;
        repo.tags.append({versions[r], tip});
        prev = releaseTimes[r];
    }
    repo.mainTip = tip;
    // A release branch cut from the third-newest release with a fix not yet released.
    const int cut = repo.tags[qMax(0, int(repo.tags.size()) - 3)].second;
    const QString cutVersion = repo.tags[qMax(0, int(repo.tags.size()) - 3)].first;
    const QStringList parts = cutVersion.mid(1).split(u'.');
    repo.releaseBranch = QStringLiteral("release/%1.%2").arg(parts.value(0), parts.value(1));
    PlannedCommit fix;
    fix.subject = QStringLiteral("Backport: fix retry storm on shutdown (#%1)").arg(++*prCounter);
    fix.author = QLatin1String(kPeople[2][0]);
    fix.email = QLatin1String(kPeople[2][1]) + QStringLiteral("@acme.dev");
    fix.committer = fix.author;
    fix.committerEmail = fix.email;
    fix.timeMs = repo.commits[cut].timeMs + 3 * kHour;
    fix.parents = {cut};
    fix.changes["src/shutdown.go"] = "package " + service.toStdString() + "\n\n// backport\n";
    fix.onMain = false;
    repo.commits.append(fix);
    repo.releaseTip = int(repo.commits.size()) - 1;
    return repo;
}

QStringList versionSeries(std::mt19937_64 &rng, int count)
{
    int major = 1, minor = 2 + pick(rng, 6), patch = pick(rng, 4);
    QStringList out;
    for (int i = 0; i < count; ++i) {
        if (i > 0) {
            if (pick(rng, 4) == 0) {
                ++minor;
                patch = 0;
            } else {
                ++patch;
            }
        }
        out.append(QStringLiteral("v%1.%2.%3").arg(major).arg(minor).arg(patch));
    }
    return out;
}

QString
kustomization(const QString &org, const QString &service, const QString &env, const QString &tag)
{
    return QStringLiteral("apiVersion: kustomize.config.k8s.io/v1beta1\n"
                          "kind: Kustomization\n"
                          "namespace: %2-%3\n"
                          "resources:\n"
                          "  - ../../base\n"
                          "images:\n"
                          "  - name: ghcr.io/%1/%2\n"
                          "    newTag: %4\n")
        .arg(org, service, env, tag);
}

QString
helmValues(const QString &org, const QString &service, const QString &env, const QString &tag)
{
    return QStringLiteral("image:\n"
                          "  repository: ghcr.io/%1/%2\n"
                          "  tag: %4\n"
                          "replicaCount: %5\n"
                          "env: %3\n")
        .arg(org, service, env, tag)
        .arg(env == QLatin1String("prod") ? 4 : 1);
}

QString baseManifest(const QString &org, const QString &service, bool rollout)
{
    if (rollout)
        return QStringLiteral(
                   "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: %2\n"
                   "spec:\n  replicas: 4\n  selector:\n    matchLabels:\n      app: %2\n"
                   "  template:\n    metadata:\n      labels:\n        app: %2\n    spec:\n"
                   "      containers:\n        - name: %2\n          image: ghcr.io/%1/%2\n"
                   "  strategy:\n    canary:\n      steps:\n        - setWeight: 20\n"
                   "        - pause: {}\n        - setWeight: 50\n        - pause: {duration: "
                   "10m}\n"
                   "        - setWeight: 100\n")
            .arg(org, service);
    return QStringLiteral(
               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %2\nspec:\n"
               "  replicas: 2\n  selector:\n    matchLabels:\n      app: %2\n  template:\n"
               "    metadata:\n      labels:\n        app: %2\n    spec:\n      containers:\n"
               "        - name: %2\n          image: ghcr.io/%1/%2\n")
        .arg(org, service);
}

/// Turns a planned history into commits with shas, writing them to git when @p git is set.
bool realiseRepo(
    const PlannedRepo &plan, GitWriter *git, const QString &salt, QStringList *shas, QString *error)
{
    shas->clear();
    std::vector<std::map<std::string, std::string>> states;
    states.reserve(size_t(plan.commits.size()));
    for (int i = 0; i < plan.commits.size(); ++i) {
        const PlannedCommit &c = plan.commits[i];
        std::map<std::string, std::string> files;
        if (!c.parents.isEmpty())
            files = states[size_t(c.parents.last())]; // a merge takes the feature branch's tree
        for (const auto &[path, content] : c.changes)
            files[path] = content;
        states.push_back(files);
        QStringList parents;
        for (int p : c.parents)
            parents.append(shas->at(p));
        QString sha;
        if (git) {
            GitCommitSpec spec{c.subject + (c.body.isEmpty() ? QString() : u"\n\n"_s + c.body) +
                                   u'\n',
                               c.author,
                               c.email,
                               c.committer,
                               c.committerEmail,
                               c.timeMs / 1000,
                               parents};
            if (!git->commit(spec, states.back(), &sha, error))
                return false;
        } else {
            sha = stableHex(salt + u'/' + QString::number(i) + u'/' + c.subject);
        }
        shas->append(sha);
    }
    return true;
}

} // namespace

const SimService *World::service(const QString &name) const
{
    for (const SimService &s : services)
        if (s.name == name)
            return &s;
    return nullptr;
}

std::vector<std::pair<const SimService *, const SimTarget *>>
World::targetsOn(const QString &backend) const
{
    std::vector<std::pair<const SimService *, const SimTarget *>> out;
    for (const SimService &s : services)
        for (const SimTarget &t : s.targets)
            if (t.backend == backend)
                out.emplace_back(&s, &t);
    return out;
}

const SimRelease *SimService::release(const QString &version) const
{
    for (const SimRelease &r : releases)
        if (r.version == version)
            return &r;
    return nullptr;
}

const SimTarget *SimService::target(const QString &environment) const
{
    for (const SimTarget &t : targets)
        if (t.environment == environment)
            return &t;
    return nullptr;
}

const SimDeploy *SimTarget::current() const
{
    for (auto it = history.crbegin(); it != history.crend(); ++it)
        if (it->succeeded)
            return &*it;
    return nullptr;
}

namespace {

World buildScale(World world, int n, std::mt19937_64 &rng)
{
    world.services.reserve(n);
    for (int i = 0; i < n; ++i) {
        SimService s;
        s.name = QStringLiteral("svc-%1").arg(i, 5, 10, QLatin1Char('0'));
        s.ciBackend = QStringLiteral("github");
        s.ciObject = world.org + u'/' + s.name;
        const QStringList versions = versionSeries(rng, 3);
        for (int r = 0; r < 3; ++r) {
            SimCommit c;
            c.timeMs = world.epochMs - (3 - r) * kDay - pick(rng, 600) * kMinute;
            c.sha = stableHex(s.name + u'/' + versions[r]);
            c.subject = QStringLiteral("Release %1").arg(versions[r]);
            c.author = QLatin1String(kPeople[r % 6][0]);
            c.email = QLatin1String(kPeople[r % 6][1]) + QStringLiteral("@acme.dev");
            if (!s.commits.isEmpty())
                c.parents = {s.commits.last().sha};
            s.commits.append(c);
            s.releases.append({versions[r], c.sha, c.timeMs + 10 * kMinute, false});
        }
        SimTarget t;
        t.environment = world.environments[i % 3];
        t.backend = QStringLiteral("argocd");
        t.object = s.name + u'-' + t.environment;
        t.protectedEnv = t.environment == QLatin1String("prod");
        t.autoSync = i % 2 == 0;
        for (int r = 0; r < 3; ++r) {
            const SimRelease &rel = s.releases[r];
            SimDeploy d{rel.version,
                        rel.sha,
                        rel.builtAtMs + 30 * kMinute,
                        QStringLiteral("argocd"),
                        true,
                        r + 1,
                        stableHex(QStringLiteral("gitops/") + t.object + u'/' + rel.version),
                        r + 1};
            t.history.append(d);
        }
        s.targets.append(t);
        world.services.append(s);
    }
    return world;
}

/// gitlab-scale:N: N GitLab projects acme/svc-0001..., each its own service with a short,
/// settled history: four releases (one pipeline each), dev deployed from all of them,
/// staging from three, prod from two. Every tenth project holds a prod deployment at its
/// approval gate and every seventh has a failed staging deploy; nothing is left running, so
/// the estate stays still until someone acts.
World buildGitLabScale(World world, int n, std::mt19937_64 &rng)
{
    constexpr int kReleases = 4;
    world.services.reserve(n);
    for (int i = 1; i <= n; ++i) {
        SimService s;
        s.name = QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0'));
        s.ciBackend = QStringLiteral("gitlab");
        s.ciObject = world.org + u'/' + s.name;
        const QStringList versions = versionSeries(rng, kReleases);
        for (int r = 0; r < kReleases; ++r) {
            SimCommit c;
            c.timeMs = world.epochMs - (kReleases - r) * kDay - pick(rng, 600) * kMinute;
            c.sha = stableHex(u"gitlab-scale/"_s + s.name + u'/' + versions[r]);
            c.subject = QStringLiteral("Release %1").arg(versions[r]);
            c.author = QLatin1String(kPeople[r % 6][0]);
            c.email = QLatin1String(kPeople[r % 6][1]) + QStringLiteral("@acme.dev");
            if (!s.commits.isEmpty())
                c.parents = {s.commits.last().sha};
            s.commits.append(c);
            s.releases.append({versions[r], c.sha, c.timeMs + 10 * kMinute, false});
        }
        for (int ti = 0; ti < world.environments.size(); ++ti) {
            SimTarget t;
            t.environment = world.environments[ti];
            t.backend = QStringLiteral("gitlab");
            t.object = s.ciObject;
            t.protectedEnv = t.environment == QLatin1String("prod");
            const int lag = ti; // dev takes every release, staging one fewer, prod two fewer
            const qint64 delay = lag == 0 ? 15 * kMinute : lag == 1 ? 2 * kHour : 5 * kHour;
            for (int r = 0; r < kReleases - lag; ++r) {
                const SimRelease &rel = s.releases[r];
                const qint64 at = rel.builtAtMs + delay + pick(rng, 30) * kMinute;
                t.history.append({rel.version, rel.sha, at, QLatin1String(kPeople[pick(rng, 6)][1]),
                                  true, 0, QString(), 0});
            }
            if (lag == 1 && i % 7 == 0) {
                const SimRelease &next = s.releases[kReleases - lag];
                t.history.append({next.version, next.sha, next.builtAtMs + delay,
                                  QLatin1String(kPeople[3][1]), false, 0, QString(), 0});
            }
            if (lag == 2 && i % 10 == 0) {
                const SimRelease &next = s.releases[kReleases - lag];
                t.pendingApproval = true;
                t.pendingVersion = next.version;
                t.pendingSha = next.sha;
            }
            for (int h = 0; h < t.history.size(); ++h) {
                t.history[h].historyId = h + 1;
                t.history[h].number = ti * 1000 + h + 1;
            }
            s.targets.append(t);
        }
        world.services.append(s);
    }
    return world;
}

} // namespace

World buildWorld(const Options &options, QString *error)
{
    World world;
    world.scenario = options.scenario;
    world.seed = options.seed;
    world.epochMs = options.epochMs;
    std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL ^ stableHash(options.scenario));

    const QString scenario = options.scenario;
    if (scenario == QLatin1String("empty"))
        return world;
    if (scenario.startsWith(QLatin1String("scale:"))) {
        bool ok = false;
        const int n = scenario.mid(6).toInt(&ok);
        if (!ok || n < 1 || n > 100000) {
            if (error)
                *error =
                    QStringLiteral("buildWorld: bad scale count in '%1' (1..100000)").arg(scenario);
            return {};
        }
        return buildScale(world, n, rng);
    }
    if (scenario.startsWith(QLatin1String("gitlab-scale:"))) {
        bool ok = false;
        const int n = scenario.mid(13).toInt(&ok);
        if (!ok || n < 1 || n > 9999) {
            if (error)
                *error =
                    QStringLiteral("buildWorld: bad project count in '%1' (1..9999)").arg(scenario);
            return {};
        }
        return buildGitLabScale(world, n, rng);
    }
    const bool incident = scenario == QLatin1String("incident");
    if (scenario != QLatin1String("demo") && !incident) {
        if (error)
            *error = QStringLiteral("buildWorld: unknown scenario '%1' (demo, incident, scale:N, "
                                    "gitlab-scale:N, empty)")
                         .arg(scenario);
        return {};
    }

    std::unique_ptr<GitWriter> gitops;
    if (!options.gitDir.isEmpty()) {
        world.gitRoot = QDir(options.gitDir).absolutePath();
        if (!QDir().mkpath(world.gitRoot)) {
            if (error)
                *error = QStringLiteral("buildWorld: cannot create git dir %1").arg(world.gitRoot);
            return {};
        }
        world.gitopsPath = world.gitRoot + QStringLiteral("/gitops");
    }

    constexpr int kReleases = 12;
    int prCounter = 0;
    for (const ServicePlan &plan : demoPlan(world.org)) {
        SimService s;
        s.name = plan.name;
        s.ciBackend = plan.ciBackend;
        s.ciObject = plan.ciObject;
        s.dependsOn = plan.dependsOn;
        prCounter = 10 + pick(rng, 200);

        // Releases every two to three days, the newest about a day before the epoch.
        const int extra = incident && s.name == QLatin1String("catalog") ? 1 : 0;
        const QStringList versions = versionSeries(rng, kReleases + extra);
        QList<qint64> times(kReleases + extra);
        qint64 t = world.epochMs - kDay - pick(rng, 180) * kMinute;
        for (int r = kReleases - 1; r >= 0; --r) {
            times[r] = (t / 1000) * 1000;
            t -= 2 * kDay + pick(rng, 24 * 60) * kMinute;
        }
        if (extra)
            times[kReleases] = world.epochMs - 3 * kHour;

        const PlannedRepo repo = planRepo(world.org, s.name, times, versions, rng, &prCounter);
        QStringList shas;
        std::unique_ptr<GitWriter> git;
        if (!world.gitRoot.isEmpty()) {
            s.gitPath = world.gitRoot + u'/' + s.name;
            git = std::make_unique<GitWriter>();
            if (!git->open(s.gitPath, error))
                return {};
        }
        if (!realiseRepo(repo, git.get(), QStringLiteral("%1/%2").arg(s.name).arg(world.seed),
                         &shas, error))
            return {};
        for (int i = 0; i < repo.commits.size(); ++i) {
            const PlannedCommit &c = repo.commits[i];
            if (!c.onMain && i != repo.releaseTip) {
                // feature commits are reachable from main through merges: keep them
            }
            if (i == repo.releaseTip)
                continue; // only on the release branch
            QStringList parents;
            for (int p : c.parents)
                parents.append(shas[p]);
            s.commits.append({shas[i], c.subject, c.author, c.email, c.timeMs, parents});
        }
        for (int r = 0; r < repo.tags.size(); ++r) {
            const bool bad = extra && r == kReleases;
            s.releases.append({repo.tags[r].first, shas[repo.tags[r].second], times[r], bad});
        }
        s.releaseBranch = repo.releaseBranch;
        if (git) {
            git->setRef(QStringLiteral("refs/heads/main"), shas[repo.mainTip]);
            git->setRef(QStringLiteral("refs/heads/") + repo.releaseBranch, shas[repo.releaseTip]);
            for (const auto &[version, index] : repo.tags)
                git->setRef(QStringLiteral("refs/tags/") + version, shas[index]);
            if (!git->finish(QStringLiteral("refs/heads/main"), error))
                return {};
        }

        // Deploy histories: dev takes every release soon after it is built, staging a day
        // later, prod two days later; each environment lags the one before by one release.
        const int base = 100 + pick(rng, 400);
        for (int ti = 0; ti < plan.targets.size(); ++ti) {
            const TargetPlan &tp = plan.targets[ti];
            SimTarget target;
            target.environment = QLatin1String(tp.env);
            target.backend = QLatin1String(tp.backend);
            target.object = tp.object;
            target.protectedEnv = target.environment == QLatin1String("prod");
            target.canary = tp.canary;
            target.autoSync = tp.autoSync;
            target.rollout = tp.canary ? s.name : QString();
            const int lag = ti; // dev 0, staging 1, prod 2
            const qint64 delay = lag == 0 ? 15 * kMinute : lag == 1 ? kDay : 2 * kDay;
            const int first = kReleases - 10 - lag;
            for (int r = qMax(0, first); r < kReleases - lag; ++r) {
                SimDeploy d;
                d.version = s.releases[r].version;
                d.sha = s.releases[r].sha;
                d.atMs = s.releases[r].builtAtMs + delay + pick(rng, 50) * kMinute;
                d.by = QLatin1String(kPeople[pick(rng, 6)][1]);
                target.history.append(d);
            }
            if (tp.pending) {
                const SimRelease &next = s.releases[kReleases - lag];
                target.pendingApproval = true;
                target.pendingVersion = next.version;
                target.pendingSha = next.sha;
                if (tp.canary) {
                    // The canary's version is synced and the Rollout pauses at its manual step.
                    SimDeploy d{next.version,
                                next.sha,
                                world.epochMs - 40 * kMinute,
                                QLatin1String(kPeople[0][1]),
                                true,
                                0,
                                QString(),
                                0};
                    target.history.append(d);
                }
            }
            // The recent failure: search's newest staging deploy failed an hour ago.
            if (s.name == QLatin1String("search") &&
                target.environment == QLatin1String("staging")) {
                const SimRelease &next = s.releases[kReleases - lag];
                target.history.append({next.version, next.sha, world.epochMs - kHour,
                                       QLatin1String(kPeople[3][1]), false, 0, QString(), 0});
            }
            if (extra) {
                // The incident: the bad release went everywhere within the last three hours.
                const SimRelease &bad = s.releases[kReleases];
                target.history.append({bad.version, bad.sha,
                                       bad.builtAtMs + (ti + 1) * 50 * kMinute,
                                       QLatin1String(kPeople[1][1]), true, 0, QString(), 0});
            }
            for (int h = 0; h < target.history.size(); ++h) {
                target.history[h].historyId = h + 1;
                target.history[h].number = base + ti * 1000 + h + 1;
            }
            s.targets.append(target);
        }
        world.services.append(s);
    }

    // The GitOps repository: one commit per Argo CD deploy, in time order, so every
    // overlay's newTag is the version Argo CD reports for that app at that revision.
    struct Event
    {
        qint64 at;
        int service, target, deploy;
    };
    std::vector<Event> events;
    for (int si = 0; si < world.services.size(); ++si)
        for (int ti = 0; ti < world.services[si].targets.size(); ++ti)
            if (world.services[si].targets[ti].backend == QLatin1String("argocd"))
                for (int d = 0; d < world.services[si].targets[ti].history.size(); ++d)
                    events.push_back({world.services[si].targets[ti].history[d].atMs, si, ti, d});
    std::stable_sort(events.begin(), events.end(),
                     [](const Event &a, const Event &b) { return a.at < b.at; });
    std::unique_ptr<GitWriter> ops;
    if (!world.gitopsPath.isEmpty()) {
        ops = std::make_unique<GitWriter>();
        if (!ops->open(world.gitopsPath, error))
            return {};
    }
    std::map<std::string, std::string> files;
    files["README.md"] =
        "# gitops\n\nDesired state of every acme app, one overlay per environment.\n";
    for (const SimService &s : world.services)
        for (const SimTarget &t : s.targets)
            if (t.backend == QLatin1String("argocd"))
                files[(u"apps/"_s + s.name +
                       (t.canary ? u"/base/rollout.yaml"_s : u"/base/deployment.yaml"_s))
                          .toStdString()] = baseManifest(world.org, s.name, t.canary).toStdString();
    QString parent;
    const QString bot = QStringLiteral("acme-release-bot");
    const QString botEmail = QStringLiteral("release-bot@acme.dev");
    const auto commitOps = [&](const QString &message, qint64 atMs, QString *sha) {
        if (ops) {
            GitCommitSpec spec{message + u'\n',
                               bot,
                               botEmail,
                               bot,
                               botEmail,
                               atMs / 1000,
                               parent.isEmpty() ? QStringList() : QStringList{parent}};
            if (!ops->commit(spec, files, sha, error))
                return false;
        } else {
            *sha = stableHex(QStringLiteral("gitops/%1/%2").arg(world.seed).arg(message));
        }
        parent = *sha;
        return true;
    };
    QString sha;
    const qint64 firstAt = events.empty() ? world.epochMs - 30 * kDay : events.front().at - kHour;
    if (!commitOps(QStringLiteral("Bootstrap app bases"), firstAt, &sha))
        return {};
    for (const Event &e : events) {
        SimService &s = world.services[e.service];
        SimTarget &t = s.targets[e.target];
        SimDeploy &d = t.history[e.deploy];
        const std::string dir = "apps/" + s.name.toStdString();
        files[dir + "/overlays/" + t.environment.toStdString() + "/kustomization.yaml"] =
            kustomization(world.org, s.name, t.environment, d.version).toStdString();
        files[dir + "/values-" + t.environment.toStdString() + ".yaml"] =
            helmValues(world.org, s.name, t.environment, d.version).toStdString();
        if (!commitOps(QStringLiteral("%1: deploy %2 to %3").arg(s.name, d.version, t.environment),
                       d.atMs - kMinute, &sha))
            return {};
        d.gitopsRevision = sha;
    }
    if (ops) {
        ops->setRef(QStringLiteral("refs/heads/main"), parent);
        if (!ops->finish(QStringLiteral("refs/heads/main"), error))
            return {};
    }
    return world;
}

QJsonObject worldToJson(const World &world)
{
    const auto deployJson = [](const SimDeploy &d) {
        return QJsonObject{{u"version"_s, d.version},     {u"sha"_s, d.sha},
                           {u"at"_s, isoTime(d.atMs)},    {u"by"_s, d.by},
                           {u"succeeded"_s, d.succeeded}, {u"historyId"_s, d.historyId},
                           {u"number"_s, d.number},       {u"gitopsRevision"_s, d.gitopsRevision}};
    };
    QJsonArray services;
    for (const SimService &s : world.services) {
        QJsonArray targets;
        for (const SimTarget &t : s.targets) {
            QJsonArray history;
            for (const SimDeploy &d : t.history)
                history.append(deployJson(d));
            const SimDeploy *cur = t.current();
            targets.append(QJsonObject{
                {u"environment"_s, t.environment},
                {u"backend"_s, t.backend},
                {u"object"_s, t.object},
                {u"protected"_s, t.protectedEnv},
                {u"canary"_s, t.canary},
                {u"autoSync"_s, t.autoSync},
                {u"rollout"_s, t.rollout},
                {u"pendingApproval"_s, t.pendingApproval},
                {u"pendingVersion"_s, t.pendingVersion},
                {u"pendingSha"_s, t.pendingSha},
                {u"currentVersion"_s, cur ? cur->version : QString()},
                {u"currentSha"_s, cur ? cur->sha : QString()},
                {u"history"_s, history},
            });
        }
        QJsonArray releases;
        for (const SimRelease &r : s.releases)
            releases.append(QJsonObject{{u"version"_s, r.version},
                                        {u"sha"_s, r.sha},
                                        {u"builtAt"_s, isoTime(r.builtAtMs)},
                                        {u"bad"_s, r.bad}});
        services.append(QJsonObject{
            {u"name"_s, s.name},
            {u"ciBackend"_s, s.ciBackend},
            {u"ciObject"_s, s.ciObject},
            {u"gitPath"_s, s.gitPath},
            {u"defaultBranch"_s, s.defaultBranch},
            {u"releaseBranch"_s, s.releaseBranch},
            {u"headSha"_s, s.commits.isEmpty() ? QString() : s.commits.last().sha},
            {u"commitCount"_s, int(s.commits.size())},
            {u"dependsOn"_s, QJsonArray::fromStringList(s.dependsOn)},
            {u"releases"_s, releases},
            {u"targets"_s, targets},
        });
    }
    return QJsonObject{{u"scenario"_s, world.scenario},
                       {u"seed"_s, QString::number(world.seed)},
                       {u"epoch"_s, isoTime(world.epochMs)},
                       {u"environments"_s, QJsonArray::fromStringList(world.environments)},
                       {u"gitRoot"_s, world.gitRoot},
                       {u"gitopsPath"_s, world.gitopsPath},
                       {u"services"_s, services}};
}

} // namespace fd::sandbox
