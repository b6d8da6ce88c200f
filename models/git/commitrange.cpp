#include "commitrange.h"

#include <QRegularExpression>

namespace fd {

QString toString(GitError::Kind kind)
{
    switch (kind) {
    case GitError::Kind::None:
        return QStringLiteral("none");
    case GitError::Kind::MissingRepository:
        return QStringLiteral("missing-repository");
    case GitError::Kind::OpenFailed:
        return QStringLiteral("open-failed");
    case GitError::Kind::UnknownVersion:
        return QStringLiteral("unknown-version");
    case GitError::Kind::CommitNotFound:
        return QStringLiteral("commit-not-found");
    case GitError::Kind::ShallowMissingCommit:
        return QStringLiteral("shallow-missing-commit");
    case GitError::Kind::MissingObject:
        return QStringLiteral("missing-object");
    case GitError::Kind::CloneFailed:
        return QStringLiteral("clone-failed");
    case GitError::Kind::FetchFailed:
        return QStringLiteral("fetch-failed");
    case GitError::Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

QString GitError::toString() const
{
    if (where.isEmpty())
        return message;
    return where + QStringLiteral(": ") + message;
}

QString toString(RangeRelation relation)
{
    switch (relation) {
    case RangeRelation::Unknown:
        return QStringLiteral("unknown");
    case RangeRelation::Same:
        return QStringLiteral("same");
    case RangeRelation::Ahead:
        return QStringLiteral("ahead");
    case RangeRelation::Behind:
        return QStringLiteral("behind");
    case RangeRelation::Diverged:
        return QStringLiteral("diverged");
    }
    return QStringLiteral("unknown");
}

QString ChangeRef::text() const
{
    switch (kind) {
    case Kind::None:
        return QString();
    case Kind::PullRequest:
        return QStringLiteral("#%1").arg(number);
    case Kind::MergeRequest:
        return project + QStringLiteral("!%1").arg(number);
    }
    return QString();
}

ChangeRef parseChangeRef(const QString &message)
{
    // Compiled once: this runs for every commit of every range.
    static const QRegularExpression mergeRequest(
        QStringLiteral(R"(See merge request (?:([\w.\-]+(?:/[\w.\-]+)+))?!(\d+))"));
    static const QRegularExpression mergePull(
        QStringLiteral(R"(^Merge pull request #(\d+) from )"));
    static const QRegularExpression squash(QStringLiteral(R"(\(#(\d+)\)\s*$)"));

    const QString subject = message.section(QLatin1Char('\n'), 0, 0);
    ChangeRef ref;
    if (const auto m = mergePull.match(subject); m.hasMatch()) {
        ref.kind = ChangeRef::Kind::PullRequest;
        ref.number = m.captured(1).toInt();
        return ref;
    }
    if (const auto m = mergeRequest.match(message); m.hasMatch()) {
        ref.kind = ChangeRef::Kind::MergeRequest;
        ref.project = m.captured(1);
        ref.number = m.captured(2).toInt();
        return ref;
    }
    if (const auto m = squash.match(subject); m.hasMatch()) {
        ref.kind = ChangeRef::Kind::PullRequest;
        ref.number = m.captured(1).toInt();
    }
    return ref;
}

void CommitRange::applyLeadTime(const QDateTime &deployedAt)
{
    for (CommitRecord &c : commits)
        c.leadTimeSecs = deployedAt.isValid() && c.committed.isValid()
                             ? qMax<qint64>(0, c.committed.secsTo(deployedAt))
                             : -1;
}

} // namespace fd
