#include "runsmodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

namespace fd {

RunsModel::RunsModel(Estate *estate, QObject *parent)
    : RecordTableModel(estate, RecordKind::Runs, parent)
{
    loadInitial();
}

bool RunsModel::accepts(const QString &key) const
{
    return estate()->runs().contains(key);
}

QStringList RunsModel::allKeys() const
{
    return QStringList(estate()->runs().keyBegin(), estate()->runs().keyEnd());
}

Run RunsModel::run(int row) const
{
    return estate()->runs().value(keyAt(row));
}

int RunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 RunsModel::durationMs(const Run &run)
{
    const QDateTime start = run.started.isValid() ? run.started : run.created;
    if (!start.isValid())
        return -1;
    if (run.finished.isValid())
        return start.msecsTo(run.finished);
    if (isFinished(run.status))
        return -1;
    return start.msecsTo(QDateTime::currentDateTimeUtc());
}

QVariant RunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto it = estate()->runs().constFind(keyAt(index.row()));
    if (it == estate()->runs().cend())
        return {};
    const Run &r = *it;
    switch (role) {
    case Roles::KeyRole:
        return r.key();
    case Roles::ConnectionRole:
        return r.connectionId;
    case Roles::ServiceRole:
        return r.service;
    case Roles::EnvironmentRole:
        return r.environment;
    case Roles::StatusRole:
        return int(r.status);
    case Roles::BranchRole:
        return r.branch;
    case Roles::UrlRole:
        return r.url;
    case Roles::DurationMsRole:
        return durationMs(r);
    case Roles::StartedRole:
        return r.started.isValid() ? r.started : r.created;
    case Roles::StagesRole: {
        QVariantList stages;
        for (const auto &s : r.stages)
            stages << int(s.status);
        return stages;
    }
    case Roles::FilterTextRole:
        return QStringList{
            r.connectionId, r.service, r.pipeline, Wording::pipelineName(r.pipeline), r.number,
            r.branch,       r.commit,  r.actor,    Wording::runStatus(r.status)}
            .join(QLatin1Char(' '));
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != Roles::SortRole)
        return {};
    const bool sort = role == Roles::SortRole;
    switch (Column(index.column())) {
    case Backend:
        return r.connectionId;
    case Service:
        return r.service;
    case Pipeline:
        return Wording::pipelineName(r.pipeline);
    case Number:
        if (sort)
            return r.number.toLongLong();
        return r.attempt > 1 ? QStringLiteral("#%1 (%2)").arg(r.number).arg(r.attempt)
                             : QStringLiteral("#%1").arg(r.number);
    case Branch:
        return r.branch;
    case Commit:
        return sort ? r.commit : Wording::shortCommit(r.commit);
    case Actor:
        return r.actor;
    case Status:
        return sort ? QVariant(int(r.status)) : QVariant(Wording::runStatus(r.status));
    case Stages: {
        int done = 0;
        for (const auto &s : r.stages)
            done += isFinished(s.status) ? 1 : 0;
        if (sort)
            return done;
        return r.stages.isEmpty() ? QString()
                                  : QStringLiteral("%1/%2").arg(done).arg(r.stages.size());
    }
    case Duration: {
        const qint64 ms = durationMs(r);
        return sort ? QVariant(ms) : QVariant(Wording::duration(ms));
    }
    case Started: {
        const QDateTime t = r.started.isValid() ? r.started : r.created;
        return sort ? QVariant(t) : QVariant(Wording::dateTime(t));
    }
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return RecordTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Backend:
        return tr("Backend");
    case Service:
        return tr("Service");
    case Pipeline:
        return tr("Pipeline");
    case Number:
        return tr("Run");
    case Branch:
        return tr("Branch");
    case Commit:
        return tr("Commit");
    case Actor:
        return tr("Actor");
    case Status:
        return tr("Status");
    case Stages:
        return tr("Stages");
    case Duration:
        return tr("Duration");
    case Started:
        return tr("Started");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace fd
