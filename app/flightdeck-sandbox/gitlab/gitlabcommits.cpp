#include "gitlabcommits.h"

#include <QDateTime>

namespace fd::sandbox {

namespace {

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

int indexOf(const SimService &service, const QString &ref)
{
    if (ref.isEmpty() || ref == service.defaultBranch)
        return int(service.commits.size()) - 1;
    if (ref.size() < 7)
        return -1;
    for (int i = int(service.commits.size()) - 1; i >= 0; --i)
        if (service.commits.at(i).sha.startsWith(ref, Qt::CaseInsensitive))
            return i;
    return -1;
}

} // namespace

QJsonObject gitlabCommitJson(const SimCommit &c, const QString &projectWebUrl)
{
    return QJsonObject{
        {QStringLiteral("id"), c.sha},
        {QStringLiteral("short_id"), c.sha.left(8)},
        {QStringLiteral("created_at"), iso(c.timeMs)},
        {QStringLiteral("parent_ids"), QJsonArray::fromStringList(c.parents)},
        {QStringLiteral("title"), c.subject},
        {QStringLiteral("message"), c.subject + QLatin1Char('\n')},
        {QStringLiteral("author_name"), c.author},
        {QStringLiteral("author_email"), c.email},
        {QStringLiteral("authored_date"), iso(c.timeMs)},
        {QStringLiteral("committer_name"), c.author},
        {QStringLiteral("committer_email"), c.email},
        {QStringLiteral("committed_date"), iso(c.timeMs)},
        {QStringLiteral("trailers"), QJsonObject{}},
        {QStringLiteral("extended_trailers"), QJsonObject{}},
        {QStringLiteral("web_url"), projectWebUrl + QStringLiteral("/-/commit/") + c.sha}};
}

bool gitlabCommitList(const SimService &service,
                      const GitLabCommitFilter &filter,
                      QList<const SimCommit *> *out)
{
    const int head = indexOf(service, filter.refName);
    if (head < 0)
        return false;
    for (int i = head; i >= 0; --i) {
        const SimCommit &c = service.commits.at(i);
        if (filter.sinceMs >= 0 && c.timeMs < filter.sinceMs)
            continue;
        if (filter.untilMs >= 0 && c.timeMs > filter.untilMs)
            continue;
        out->append(&c);
    }
    return true;
}

const SimCommit *gitlabCommit(const SimService &service, const QString &ref)
{
    const int i = indexOf(service, ref);
    return i < 0 ? nullptr : &service.commits.at(i);
}

} // namespace fd::sandbox
