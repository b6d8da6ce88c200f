#include "gitopsactions.h"

#include "gitopstarget.h"
#include "mergedtomain.h"

#include "git/repositorycache.h"
#include "workspace/workspace.h"

namespace fd::gitops {

namespace {

using Verb = ReleaseAction::Verb;

GitOpsPushOptions pushOptions(const Workspace &ws)
{
    GitOpsPushOptions o;
    o.remote = ws.gitops.remote;
    o.branch = ws.gitops.branch;
    o.authorName = ws.gitops.authorName;
    o.authorEmail = ws.gitops.authorEmail;
    return o;
}

ActionPlan blockedPlan(ActionPlan plan, const QString &why)
{
    plan.feasible = false;
    plan.blockedReason = why;
    return plan;
}

QString lineOf(const QByteArray &bytes, int line)
{
    const QList<QByteArray> lines = bytes.split('\n');
    return line >= 1 && line <= lines.size()
               ? QString::fromUtf8(lines.at(line - 1)).remove(QLatin1Char('\r'))
               : QString();
}

} // namespace

bool applies(const Workspace &ws, const ReleaseAction &action)
{
    if (ws.gitopsPath.isEmpty())
        return false;
    const bool promote = action.verb == Verb::Promote && !action.version.isEmpty();
    const bool rollback =
        action.verb == Verb::Rollback && action.target.isEmpty() && action.version.isEmpty();
    if (!promote && !rollback)
        return false;
    const ServiceDef *s = ws.service(action.service);
    const ServiceBinding *b = s ? s->binding(action.environment) : nullptr;
    const ConnectionDef *c = b ? ws.connection(ServiceDef::connectionOf(*b)) : nullptr;
    // Opted in: the workspace names the remote to push to, or the environment its file and key.
    const bool optedIn = b && (ws.gitops.promotes || b->options.contains(QStringLiteral("gitops")));
    return c && c->kind == QLatin1String("argocd") && optedIn;
}

ActionPlan plan(const Workspace &ws, const ReleaseAction &action, QList<GuardResult> *guards)
{
    ActionPlan p;
    p.action = action;
    GitError gitError;
    auto repo = GitOpsRepository::open(ws.gitopsPath, &gitError);
    if (!repo)
        return blockedPlan(p, gitError.toString());
    const GitOpsPushOptions o = pushOptions(ws);
    const QString head = repo->localHead(o);
    if (head.isEmpty())
        return blockedPlan(p, QStringLiteral("%1: the branch %2 has not been fetched; fetch it "
                                             "from %3")
                                  .arg(ws.gitopsPath, o.branch, o.remote));
    const QString version = action.verb == Verb::Promote ? action.version : QString();
    const GitOpsTarget target =
        gitOpsTarget(ws, action.service, action.environment, version,
                     [&](const QString &file) { return repo->fileAt(head, file); });
    if (!target.isValid())
        return blockedPlan(p, target.error);
    const std::optional<QByteArray> bytes = repo->fileAt(head, target.file);
    if (!bytes)
        return blockedPlan(
            p, QStringLiteral("%1: not in %2 at %3").arg(target.file, o.branch, head.left(8)));
    const ServiceDef *svc = ws.service(action.service);
    const ServiceBinding *binding = svc ? svc->binding(action.environment) : nullptr;
    p.context.insert(QStringLiteral("gitops"), true);
    p.context.insert(QStringLiteral("file"), target.file);
    p.context.insert(QStringLiteral("key"), target.key.toString());
    p.context.insert(QStringLiteral("head"), head);
    p.context.insert(QStringLiteral("app"), binding ? binding->object : QString());

    if (action.verb == Verb::Promote) {
        const YamlScalarEdit edit = editYamlScalar(*bytes, target.file, target.key, version);
        if (!edit.ok)
            return blockedPlan(p, edit.error);
        if (edit.oldValue == version)
            return blockedPlan(p, QStringLiteral("%1 in %2 is already at %3 (%4:%5)")
                                      .arg(action.service, action.environment, version, target.file)
                                      .arg(edit.line));
        // The commits the version brings, from the service's repository when it is known.
        QList<CommitRecord> commits;
        if (svc && !svc->repoPath.isEmpty()) {
            GitError e;
            if (auto code = GitRepository::open(svc->repoPath, &e)) {
                const CommitRange range = code->range(edit.oldValue, version);
                if (range.ok())
                    commits = range.commits;
                const MergedToMain merged = checkMergedToMain(*code, svc->mainBranch, version);
                guards->append(mergedToMainGuard(merged, version, action.environment,
                                                 ws.isProtected(action.environment)));
            } else {
                guards->append({QStringLiteral("merged-to-main"), GuardResult::Outcome::Block,
                                QStringLiteral("cannot tell whether %1 is merged to main: %2")
                                    .arg(version, e.toString())});
            }
        } else {
            guards->append({QStringLiteral("merged-to-main"), GuardResult::Outcome::Block,
                            QStringLiteral("cannot tell whether %1 is merged to main: "
                                           "services.%2.repository.path is not set")
                                .arg(version, action.service)});
        }
        const QString message = gitOpsCommitMessage(ws, action.service, action.environment,
                                                    edit.oldValue, version, commits);
        p.summary = QStringLiteral("promote %1 in %2 from %3 to %4: one commit to %5 %6, "
                                   "then sync %7")
                        .arg(action.service, action.environment, edit.oldValue, version, o.remote,
                             o.branch, p.context.value(QStringLiteral("app")).toString());
        p.requests << PlannedRequest{
            "COMMIT", QStringLiteral("%1:%2").arg(target.file).arg(edit.line),
            (QStringLiteral("-") + lineOf(*bytes, edit.line) + QStringLiteral("\n+") +
             lineOf(edit.bytes, edit.line) + QLatin1Char('\n'))
                .toUtf8(),
            "text/x-diff",
            QStringLiteral("set %1 to %2, push to %3 %4")
                .arg(target.key.toString(), version, o.remote, o.branch)};
        p.preconditions << Precondition{QStringLiteral("%1:%2 %3 is %4")
                                            .arg(target.file)
                                            .arg(edit.line)
                                            .arg(target.key.toString(), edit.oldValue),
                                        target.file, target.key.toString(), edit.oldValue};
        p.context.insert(QStringLiteral("op"), QStringLiteral("promote"));
        p.context.insert(QStringLiteral("value"), version);
        p.context.insert(QStringLiteral("expected"), edit.oldValue);
        p.context.insert(QStringLiteral("message"), message);
        return p;
    }

    const GitOpsLastChange last =
        repo->lastChange({target.file, target.key, {}, {}}, o, 1000, /*fetchFirst=*/false);
    if (!last.error.isEmpty())
        return blockedPlan(p, last.error);
    p.action.version = last.before;
    p.summary = QStringLiteral("roll back %1 in %2 from %3 to %4: revert %5 (\"%6\" by %7) on "
                               "%8 %9, then sync %10")
                    .arg(action.service, action.environment, last.after, last.before,
                         last.commit.left(8), last.subject, last.author, o.remote, o.branch,
                         p.context.value(QStringLiteral("app")).toString());
    p.requests << PlannedRequest{"REVERT",
                                 last.commit,
                                 {},
                                 {},
                                 QStringLiteral("revert %1: %2 back from %3 to %4, push to %5 %6")
                                     .arg(last.commit.left(8), target.key.toString(), last.after,
                                          last.before, o.remote, o.branch)};
    p.preconditions << Precondition{QStringLiteral("%1:%2 %3 is %4")
                                        .arg(target.file)
                                        .arg(last.line)
                                        .arg(target.key.toString(), last.after),
                                    target.file, target.key.toString(), last.after};
    p.context.insert(QStringLiteral("op"), QStringLiteral("revert"));
    p.context.insert(QStringLiteral("commit"), last.commit);
    p.context.insert(QStringLiteral("value"), last.before);
    p.context.insert(QStringLiteral("expected"), last.after);
    return p;
}

GitOpsResult execute(const Workspace &ws,
                     const ActionPlan &plan,
                     const QString &auditId,
                     const std::function<QString(const QString &head)> &recheck)
{
    GitError e;
    auto repo = GitOpsRepository::open(ws.gitopsPath, &e);
    if (!repo) {
        GitOpsResult r;
        r.error = e.toString();
        return r;
    }
    GitOpsPushOptions o = pushOptions(ws);
    o.auditId = auditId;
    o.recheck = recheck;
    const QVariantMap &c = plan.context;
    if (c.value(QStringLiteral("op")).toString() == QLatin1String("revert")) {
        // The value must still be the one the plan saw: otherwise someone moved it since.
        const QString file = c.value(QStringLiteral("file")).toString();
        const YamlKeyPath key = YamlKeyPath::parse(c.value(QStringLiteral("key")).toString());
        const QString expected = c.value(QStringLiteral("expected")).toString();
        o.recheck = [&](const QString &head) {
            const std::optional<QByteArray> bytes = repo->fileAt(head, file);
            const YamlScalarEdit now = bytes ? findYamlScalar(*bytes, file, key) : YamlScalarEdit{};
            if (!now.ok || now.oldValue != expected)
                return QStringLiteral("%1: %2 on %3 is now '%4', not '%5' as planned; nothing "
                                      "was pushed")
                    .arg(file, key.toString(), o.branch, now.ok ? now.oldValue : now.error,
                         expected);
            return recheck ? recheck(head) : QString();
        };
        return repo->revert(c.value(QStringLiteral("commit")).toString(), o);
    }
    o.message = c.value(QStringLiteral("message")).toString();
    GitOpsChange change{c.value(QStringLiteral("file")).toString(),
                        YamlKeyPath::parse(c.value(QStringLiteral("key")).toString()),
                        c.value(QStringLiteral("value")).toString(),
                        c.value(QStringLiteral("expected")).toString()};
    return repo->promote(change, o);
}

} // namespace fd::gitops
