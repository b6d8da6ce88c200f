#include "githubrepos.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace fd::sandbox::github {

namespace {

// The scenario's people commit as "first.last@…"; their GitHub login is "first-last".
QString loginOf(const SimCommit &c)
{
    return c.email.section(u'@', 0, 0).replace(u'.', u'-');
}

QJsonObject signature(const SimCommit &c)
{
    return {{u"name"_s, c.author}, {u"email"_s, c.email}, {u"date"_s, isoTime(c.timeMs)}};
}

QString releaseBranchSha(const SimService &service)
{
    return service.releases.isEmpty() ? QString() : service.releases.last().sha;
}

} // namespace

int commitIndex(const SimService &service, const QString &ref)
{
    if (ref.isEmpty())
        return -1;
    if (ref == service.defaultBranch || ref == u"HEAD"_s)
        return int(service.commits.size()) - 1;
    QString sha = ref;
    if (!service.releaseBranch.isEmpty() && ref == service.releaseBranch)
        sha = releaseBranchSha(service);
    if (sha.size() < 7)
        return -1;
    for (int i = int(service.commits.size()) - 1; i >= 0; --i)
        if (service.commits[i].sha.startsWith(sha, Qt::CaseInsensitive))
            return i;
    return -1;
}

QJsonObject
commitJson(const SimService &service, int index, const RepoUrls &urls, const UserJson &userOf)
{
    const SimCommit &c = service.commits.at(index);
    QJsonArray parents;
    for (const QString &p : c.parents)
        parents.append(QJsonObject{{u"sha"_s, p},
                                   {u"url"_s, urls.api + u"/commits/"_s + p},
                                   {u"html_url"_s, urls.html + u"/commit/"_s + p}});
    const QString tree = stableHex(u"tree/"_s + c.sha);
    QJsonObject o{
        {u"sha"_s, c.sha},
        {u"node_id"_s, u"C_"_s + QString::fromLatin1(c.sha.left(20).toLatin1().toBase64(
                                     QByteArray::OmitTrailingEquals))},
        {u"commit"_s,
         QJsonObject{{u"author"_s, signature(c)},
                     {u"committer"_s, signature(c)},
                     {u"message"_s, c.subject},
                     {u"tree"_s, QJsonObject{{u"sha"_s, tree},
                                             {u"url"_s, urls.api + u"/git/trees/"_s + tree}}},
                     {u"url"_s, urls.api + u"/git/commits/"_s + c.sha},
                     {u"comment_count"_s, 0},
                     {u"verification"_s, QJsonObject{{u"verified"_s, false},
                                                     {u"reason"_s, u"unsigned"_s},
                                                     {u"signature"_s, QJsonValue()},
                                                     {u"payload"_s, QJsonValue()},
                                                     {u"verified_at"_s, QJsonValue()}}}}},
        {u"url"_s, urls.api + u"/commits/"_s + c.sha},
        {u"html_url"_s, urls.html + u"/commit/"_s + c.sha},
        {u"comments_url"_s, urls.api + u"/commits/"_s + c.sha + u"/comments"_s},
        {u"author"_s, userOf(loginOf(c))},
        {u"committer"_s, userOf(loginOf(c))},
        {u"parents"_s, parents}};
    // The world keeps no per-file changes of a commit: "stats" and "files" are left out rather
    // than invented (clients read them lazily).
    return o;
}

QJsonArray branchesJson(const SimService &service, const RepoUrls &urls)
{
    QJsonArray out;
    const auto add = [&](const QString &name, const QString &sha) {
        out.append(
            QJsonObject{{u"name"_s, name},
                        {u"commit"_s,
                         QJsonObject{{u"sha"_s, sha}, {u"url"_s, urls.api + u"/commits/"_s + sha}}},
                        {u"protected"_s, name == service.defaultBranch}});
    };
    if (!service.commits.isEmpty())
        add(service.defaultBranch, service.commits.last().sha);
    if (!service.releaseBranch.isEmpty() && !releaseBranchSha(service).isEmpty())
        add(service.releaseBranch, releaseBranchSha(service));
    return out;
}

QJsonValue branchJson(const SimService &service,
                      const QString &name,
                      const RepoUrls &urls,
                      const UserJson &userOf)
{
    if (name != service.defaultBranch &&
        (service.releaseBranch.isEmpty() || name != service.releaseBranch))
        return QJsonValue(QJsonValue::Undefined);
    const int index = commitIndex(service, name);
    if (index < 0)
        return QJsonValue(QJsonValue::Undefined);
    const QString self =
        urls.api + u"/branches/"_s + QString::fromLatin1(QUrl::toPercentEncoding(name));
    const bool isProtected = name == service.defaultBranch;
    return QJsonObject{
        {u"name"_s, name},
        {u"commit"_s, commitJson(service, index, urls, userOf)},
        {u"_links"_s, QJsonObject{{u"self"_s, self}, {u"html"_s, urls.html + u"/tree/"_s + name}}},
        {u"protected"_s, isProtected},
        {u"protection"_s, QJsonObject{{u"enabled"_s, isProtected},
                                      {u"required_status_checks"_s,
                                       QJsonObject{{u"enforcement_level"_s,
                                                    isProtected ? u"non_admins"_s : u"off"_s},
                                                   {u"contexts"_s, QJsonArray()},
                                                   {u"checks"_s, QJsonArray()}}}}},
        {u"protection_url"_s, self + u"/protection"_s}};
}

QJsonObject compareJson(const SimService &service,
                        int base,
                        int head,
                        const QString &spec,
                        const RepoUrls &urls,
                        const UserJson &userOf)
{
    // One linear history: the merge base is the older of the two.
    const int mergeBase = std::min(base, head);
    QJsonArray commits;
    for (int i = mergeBase + 1; i <= head; ++i)
        commits.append(commitJson(service, i, urls, userOf));
    const int ahead = std::max(0, head - base);
    const int behind = std::max(0, base - head);
    const QString status = ahead && behind ? u"diverged"_s
                           : ahead         ? u"ahead"_s
                           : behind        ? u"behind"_s
                                           : u"identical"_s;
    return {{u"url"_s, urls.api + u"/compare/"_s + spec},
            {u"html_url"_s, urls.html + u"/compare/"_s + spec},
            {u"permalink_url"_s, urls.html + u"/compare/"_s + service.commits[base].sha.left(7) +
                                     u"..."_s + service.commits[head].sha.left(7)},
            {u"diff_url"_s, urls.html + u"/compare/"_s + spec + u".diff"_s},
            {u"patch_url"_s, urls.html + u"/compare/"_s + spec + u".patch"_s},
            {u"base_commit"_s, commitJson(service, base, urls, userOf)},
            {u"merge_base_commit"_s, commitJson(service, mergeBase, urls, userOf)},
            {u"status"_s, status},
            {u"ahead_by"_s, ahead},
            {u"behind_by"_s, behind},
            {u"total_commits"_s, int(commits.size())},
            {u"commits"_s, commits}};
}

} // namespace fd::sandbox::github
