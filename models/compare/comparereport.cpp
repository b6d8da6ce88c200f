#include "comparereport.h"

#include <QJsonArray>

namespace fd {

QString formatDuration(qint64 s)
{
    if (s < 0)
        return QString();
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1d %2h").arg(s / 86400).arg((s % 86400) / 3600);
}

namespace {

/// A table cell: pipes and newlines would break the row.
QString cell(QString s)
{
    s.replace(QLatin1Char('|'), QStringLiteral("\\|"));
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return s;
}

QString code(const QString &s)
{
    return s.isEmpty() ? QStringLiteral("—") : QLatin1Char('`') + cell(s) + QLatin1Char('`');
}

QString since(const EnvironmentSide &side, const QDateTime &now)
{
    if (!side.deployedAt.isValid())
        return QString();
    return formatDuration(side.deployedAt.secsTo(now));
}

QString versionCell(const EnvironmentSide &side, const QDateTime &now)
{
    if (!side.present)
        return QStringLiteral("—");
    QString s = code(side.version.isEmpty() ? side.commit.left(8) : side.version);
    if (const QString d = since(side, now); !d.isEmpty())
        s += QStringLiteral(" (%1)").arg(d);
    return s;
}

QString gapText(const ServiceComparison &s)
{
    switch (s.relation) {
    case VersionRelation::Same:
        return QStringLiteral("same");
    case VersionRelation::Missing:
        return QStringLiteral("missing");
    case VersionRelation::Unknown:
        return QStringLiteral("unknown");
    case VersionRelation::Ahead:
        return s.relationFromGit ? QStringLiteral("ahead %1").arg(s.commits.ahead)
                                 : QStringLiteral("ahead");
    case VersionRelation::Behind:
        return s.relationFromGit ? QStringLiteral("behind %1").arg(s.commits.behind)
                                 : QStringLiteral("behind");
    case VersionRelation::Diverged:
        return QStringLiteral("diverged +%1 −%2").arg(s.commits.ahead).arg(s.commits.behind);
    }
    return QString();
}

QString driftCell(const ServiceComparison &s, const QString &envA, const QString &envB)
{
    QStringList parts;
    for (const auto &[isA, env] : {std::pair{true, envA}, std::pair{false, envB}}) {
        if (!s.drifted(isA))
            continue;
        const EnvironmentSide &side = isA ? s.a : s.b;
        const int n = s.driftedResources(isA) >= 0 ? s.driftedResources(isA) : side.driftCount;
        parts.append(n > 0 ? QStringLiteral("%1: %2 out of sync").arg(env).arg(n)
                           : QStringLiteral("%1: out of sync").arg(env));
    }
    return parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(", "));
}

/// What is wrong with a drifted resource, in a few words.
QString driftState(const ResourceDrift &d)
{
    if (!d.error.isEmpty())
        return QStringLiteral("unreadable");
    if (d.missingLive)
        return QStringLiteral("missing live");
    if (d.prunable)
        return QStringLiteral("not in Git (prune)");
    return QStringLiteral("modified");
}

void driftTable(QString &md, const QList<ResourceDrift> &drift)
{
    for (const ResourceDrift &d : drift) {
        if (d.changes.isEmpty()) {
            md += QStringLiteral("| %1 | %2 | %3 | %4 | — | — |\n")
                      .arg(cell(d.environment), cell(d.label()), driftState(d),
                           d.error.isEmpty() ? QStringLiteral("—") : cell(d.error));
            continue;
        }
        for (const ConfigChange &c : d.changes)
            md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                      .arg(cell(d.environment), cell(d.label()), driftState(d), code(c.path),
                           code(c.a), code(c.b));
    }
}

QJsonObject managedJson(const ManagedSummary &m)
{
    QJsonObject o{{QStringLiteral("application"), m.application},
                  {QStringLiteral("connection"), m.connectionId},
                  {QStringLiteral("compared"), m.compared},
                  {QStringLiteral("resources"), m.resources}};
    if (!m.error.isEmpty())
        o.insert(QStringLiteral("error"), m.error);
    return o;
}

QJsonArray driftJson(const QList<ResourceDrift> &drift)
{
    QJsonArray out;
    for (const ResourceDrift &d : drift) {
        QJsonArray changes;
        for (const ConfigChange &c : d.changes)
            changes.append(QJsonObject{{QStringLiteral("path"), c.path},
                                       {QStringLiteral("kind"), toString(c.kind)},
                                       {QStringLiteral("desired"), c.a},
                                       {QStringLiteral("live"), c.b}});
        QJsonObject o{{QStringLiteral("environment"), d.environment},
                      {QStringLiteral("application"), d.application},
                      {QStringLiteral("group"), d.group},
                      {QStringLiteral("kind"), d.kind},
                      {QStringLiteral("namespace"), d.ns},
                      {QStringLiteral("name"), d.name},
                      {QStringLiteral("modified"), d.modified},
                      {QStringLiteral("missingLive"), d.missingLive},
                      {QStringLiteral("prunable"), d.prunable},
                      {QStringLiteral("changes"), changes}};
        if (!d.error.isEmpty())
            o.insert(QStringLiteral("error"), d.error);
        out.append(o);
    }
    return out;
}

void commitTable(QString &md, const QList<CommitRecord> &commits)
{
    md += QStringLiteral("| Commit | PR/MR | Subject | Author | Committed | Lead time |\n"
                         "|---|---|---|---|---|---|\n");
    for (const CommitRecord &c : commits)
        md += QStringLiteral("| `%1` | %2 | %3 | %4 | %5 | %6 |\n")
                  .arg(c.shortSha(), cell(c.change.text()), cell(c.subject), cell(c.author),
                       c.committed.toString(Qt::ISODate), formatDuration(c.leadTimeSecs));
}

QJsonObject sideJson(const EnvironmentSide &s)
{
    if (!s.present)
        return {{QStringLiteral("present"), false}};
    return {{QStringLiteral("present"), true},
            {QStringLiteral("connection"), s.connectionId},
            {QStringLiteral("version"), s.version},
            {QStringLiteral("commit"), s.commit},
            {QStringLiteral("deployedAt"), s.deployedAt.toString(Qt::ISODate)},
            {QStringLiteral("deployedBy"), s.deployedBy},
            {QStringLiteral("sync"), toString(s.sync)},
            {QStringLiteral("driftCount"), s.driftCount},
            {QStringLiteral("drifted"), s.drifted()}};
}

QJsonArray commitsJson(const QList<CommitRecord> &commits)
{
    QJsonArray out;
    for (const CommitRecord &c : commits) {
        QJsonObject o{{QStringLiteral("sha"), c.sha},
                      {QStringLiteral("author"), c.author},
                      {QStringLiteral("authorEmail"), c.authorEmail},
                      {QStringLiteral("authored"), c.authored.toString(Qt::ISODate)},
                      {QStringLiteral("committed"), c.committed.toString(Qt::ISODate)},
                      {QStringLiteral("subject"), c.subject},
                      {QStringLiteral("merge"), c.isMerge()},
                      {QStringLiteral("leadTimeSeconds"), c.leadTimeSecs}};
        if (c.change.isValid())
            o.insert(QStringLiteral("change"), c.change.text());
        out.append(o);
    }
    return out;
}

} // namespace

QString compareToMarkdown(const CompareReport &report, const QDateTime &nowIn)
{
    const QDateTime now = nowIn.isValid() ? nowIn : report.generated;
    const QString &A = report.envA;
    const QString &B = report.envB;
    int differing = 0;
    for (const ServiceComparison &s : report.services)
        differing += s.differs();
    QString md;
    md += QStringLiteral("# %1 vs %2\n\n").arg(A, B);
    md += QStringLiteral(
              "What is in **%1** that is not in **%2**. Generated %3; %4 services, %5 differ.\n\n")
              .arg(A, B, report.generated.toString(Qt::ISODate))
              .arg(report.services.size())
              .arg(differing);
    md += QStringLiteral("| Service | %1 | %2 | Gap | Commits | Config changes | Drift |\n"
                         "|---|---|---|---|---|---|---|\n")
              .arg(cell(A), cell(B));
    for (const ServiceComparison &s : report.services) {
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
                  .arg(cell(s.service), versionCell(s.a, now), versionCell(s.b, now), gapText(s),
                       s.commits.ok() && s.relationFromGit ? QString::number(s.commits.ahead)
                                                           : QStringLiteral("—"),
                       s.config.hasSource() ? QString::number(s.config.realChanges())
                                            : QStringLiteral("—"),
                       driftCell(s, A, B));
    }
    for (const ServiceComparison &s : report.services) {
        md += QStringLiteral("\n## %1\n\n").arg(s.service);
        md += QStringLiteral("- **%1**: %2").arg(A, versionCell(s.a, now));
        if (s.a.present && !s.a.commit.isEmpty())
            md += QStringLiteral(", commit `%1`").arg(s.a.commit.left(12));
        if (s.a.deployedAt.isValid())
            md += QStringLiteral(", deployed %1").arg(s.a.deployedAt.toString(Qt::ISODate));
        md += QStringLiteral("\n- **%1**: %2").arg(B, versionCell(s.b, now));
        if (s.b.present && !s.b.commit.isEmpty())
            md += QStringLiteral(", commit `%1`").arg(s.b.commit.left(12));
        if (s.b.deployedAt.isValid())
            md += QStringLiteral(", deployed %1").arg(s.b.deployedAt.toString(Qt::ISODate));
        md += QStringLiteral("\n- **Gap**: %1").arg(gapText(s));
        if (!s.commits.mergeBase.isEmpty() && s.relation == VersionRelation::Diverged)
            md += QStringLiteral(" (merge base `%1`)").arg(s.commits.mergeBase.left(12));
        md += QStringLiteral("\n- **Drift**: %1\n").arg(driftCell(s, A, B));

        if (s.relationFromGit && !s.commits.commits.isEmpty()) {
            md += QStringLiteral("\n### Commits in %1 not in %2 (%3)\n\n")
                      .arg(A, B)
                      .arg(s.commits.ahead);
            commitTable(md, s.commits.commits);
            if (s.commits.commits.size() < s.commits.ahead)
                md += QStringLiteral("\n…and %1 more.\n")
                          .arg(s.commits.ahead - s.commits.commits.size());
        }
        if (s.relationFromGit && !s.commits.missing.isEmpty()) {
            md += QStringLiteral("\n### Commits in %1 not in %2 (%3)\n\n")
                      .arg(B, A)
                      .arg(s.commits.behind);
            commitTable(md, s.commits.missing);
        }
        if (s.config.hasSource()) {
            md += QStringLiteral("\n### Config\n\n");
            const int normalized = int(s.config.changes.size()) - s.config.realChanges();
            if (s.config.realChanges() == 0)
                md += QStringLiteral("No differences");
            else {
                md += QStringLiteral("| File | Key | Change | %1 | %2 |\n|---|---|---|---|---|\n")
                          .arg(cell(A), cell(B));
                for (const ConfigChange &c : s.config.changes)
                    if (c.kind != ConfigChange::Kind::Normalized)
                        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 |\n")
                                  .arg(cell(c.file), code(c.path), toString(c.kind), code(c.a),
                                       code(c.b));
            }
            if (normalized > 0)
                md += QStringLiteral("%1%2 expected per-environment difference(s) left out "
                                     "(namespace, environment name, marked keys).\n")
                          .arg(s.config.realChanges() == 0 ? QStringLiteral("; ")
                                                           : QStringLiteral("\n"))
                          .arg(normalized);
            else if (s.config.realChanges() == 0)
                md += QStringLiteral(".\n");
            if (!s.config.images.isEmpty()) {
                md += QStringLiteral("\n| Image | Source | %1 | %2 |\n|---|---|---|---|\n")
                          .arg(cell(A), cell(B));
                for (const ImagePair &i : s.config.images)
                    md += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                              .arg(cell(i.name), cell(i.source), code(i.a), code(i.b));
            }
        }
        if (!s.driftA.isEmpty() || !s.driftB.isEmpty()) {
            md += QStringLiteral("\n### Drift: live vs desired (Argo CD)\n\n"
                                 "| Environment | Resource | State | Key | Desired | Live |\n"
                                 "|---|---|---|---|---|---|\n");
            driftTable(md, s.driftA);
            driftTable(md, s.driftB);
        }
        if (!s.problems.isEmpty()) {
            md += QStringLiteral("\n### Problems\n\n");
            for (const QString &p : s.problems)
                md += QStringLiteral("- %1\n").arg(p);
        }
    }
    return md;
}

QJsonObject compareToJson(const CompareReport &report)
{
    QJsonArray services;
    for (const ServiceComparison &s : report.services) {
        QJsonObject sideA = sideJson(s.a), sideB = sideJson(s.b);
        if (s.a.present)
            sideA.insert(QStringLiteral("drifted"), s.drifted(true));
        if (s.b.present)
            sideB.insert(QStringLiteral("drifted"), s.drifted(false));
        QJsonObject o{{QStringLiteral("service"), s.service},
                      {QStringLiteral("a"), sideA},
                      {QStringLiteral("b"), sideB},
                      {QStringLiteral("relation"), toString(s.relation)},
                      {QStringLiteral("relationFromGit"), s.relationFromGit}};
        if (s.gitCompared) {
            QJsonObject c{{QStringLiteral("repository"), s.commits.repository},
                          {QStringLiteral("ahead"), s.commits.ahead},
                          {QStringLiteral("behind"), s.commits.behind},
                          {QStringLiteral("mergeBase"), s.commits.mergeBase},
                          {QStringLiteral("commits"), commitsJson(s.commits.commits)},
                          {QStringLiteral("missing"), commitsJson(s.commits.missing)}};
            if (!s.commits.ok())
                c.insert(QStringLiteral("error"),
                         QJsonObject{{QStringLiteral("kind"), toString(s.commits.error.kind)},
                                     {QStringLiteral("where"), s.commits.error.where},
                                     {QStringLiteral("message"), s.commits.error.message}});
            o.insert(QStringLiteral("commits"), c);
        }
        QJsonArray changes;
        for (const ConfigChange &c : s.config.changes)
            changes.append(QJsonObject{{QStringLiteral("file"), c.file},
                                       {QStringLiteral("path"), c.path},
                                       {QStringLiteral("kind"), toString(c.kind)},
                                       {QStringLiteral("a"), c.a},
                                       {QStringLiteral("b"), c.b},
                                       {QStringLiteral("note"), c.note}});
        QJsonArray images;
        for (const ImagePair &i : s.config.images)
            images.append(QJsonObject{{QStringLiteral("name"), i.name},
                                      {QStringLiteral("source"), i.source},
                                      {QStringLiteral("a"), i.a},
                                      {QStringLiteral("b"), i.b}});
        o.insert(
            QStringLiteral("config"),
            QJsonObject{{QStringLiteral("filesA"), QJsonArray::fromStringList(s.config.filesA)},
                        {QStringLiteral("filesB"), QJsonArray::fromStringList(s.config.filesB)},
                        {QStringLiteral("changes"), changes},
                        {QStringLiteral("images"), images}});
        if (!s.managedA.application.isEmpty() || !s.managedB.application.isEmpty()) {
            o.insert(QStringLiteral("managed"),
                     QJsonObject{{QStringLiteral("a"), managedJson(s.managedA)},
                                 {QStringLiteral("b"), managedJson(s.managedB)}});
            o.insert(QStringLiteral("drift"),
                     QJsonObject{{QStringLiteral("a"), driftJson(s.driftA)},
                                 {QStringLiteral("b"), driftJson(s.driftB)}});
        }
        o.insert(QStringLiteral("problems"), QJsonArray::fromStringList(s.problems));
        services.append(o);
    }
    return {{QStringLiteral("a"), report.envA},
            {QStringLiteral("b"), report.envB},
            {QStringLiteral("generated"), report.generated.toString(Qt::ISODate)},
            {QStringLiteral("elapsedMs"), report.elapsedMs},
            {QStringLiteral("services"), services}};
}

} // namespace fd
