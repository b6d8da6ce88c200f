#include "rolloutsmodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

namespace fd {

RolloutsModel::RolloutsModel(Estate *estate, QObject *parent)
    : RecordTableModel(estate, RecordKind::Rollouts, parent)
{
    loadInitial();
}

bool RolloutsModel::accepts(const QString &key) const
{
    return estate()->rollouts().contains(key);
}

QStringList RolloutsModel::allKeys() const
{
    return QStringList(estate()->rollouts().keyBegin(), estate()->rollouts().keyEnd());
}

Rollout RolloutsModel::rollout(int row) const
{
    return estate()->rollouts().value(keyAt(row));
}

int RolloutsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RolloutsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto it = estate()->rollouts().constFind(keyAt(index.row()));
    if (it == estate()->rollouts().cend())
        return {};
    const Rollout &r = *it;
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
        return int(r.phase);
    case Roles::CanaryWeightRole:
        return r.canaryWeight;
    case Roles::FilterTextRole:
        return QStringList{r.name,        r.application,  r.service,
                           r.environment, r.connectionId, r.canaryVersion}
            .join(QLatin1Char(' '));
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != Roles::SortRole)
        return {};
    const bool sort = role == Roles::SortRole;
    switch (Column(index.column())) {
    case Name:
        return r.name;
    case Service:
        return r.service;
    case Environment:
        return r.environment;
    case Phase:
        return sort ? QVariant(int(r.phase)) : QVariant(Wording::rolloutPhase(r.phase));
    case Step:
        if (sort)
            return r.currentStepIndex;
        return r.steps.isEmpty()
                   ? QString()
                   : tr("%1 of %2")
                         .arg(std::min<qsizetype>(r.currentStepIndex + 1, r.steps.size()))
                         .arg(r.steps.size());
    case CanaryWeight:
        return sort ? QVariant(r.canaryWeight) : QVariant(r.weightText());
    case Analysis:
        return r.analysisStatus;
    case CanaryVersion:
        return r.canaryVersion;
    case StableVersion:
        return r.stableVersion;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RolloutsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return RecordTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name:
        return tr("Rollout");
    case Service:
        return tr("Service");
    case Environment:
        return tr("Environment");
    case Phase:
        return tr("Phase");
    case Step:
        return tr("Step");
    case CanaryWeight:
        return tr("Canary");
    case Analysis:
        return tr("Analysis");
    case CanaryVersion:
        return tr("Canary version");
    case StableVersion:
        return tr("Stable version");
    case ColumnCount:
        break;
    }
    return {};
}

RolloutStepsModel::RolloutStepsModel(Estate *estate, QObject *parent)
    : QAbstractListModel(parent)
    , m_estate(estate)
{
    connect(estate, &Estate::changed, this, &RolloutStepsModel::onChanged);
}

void RolloutStepsModel::setRolloutKey(const QString &key)
{
    if (key == m_key)
        return;
    // Another rollout is a different list, not a refresh of this one.
    beginResetModel();
    m_key = key;
    const Rollout r = m_estate->rollouts().value(key);
    m_steps = key.isEmpty() ? QList<RolloutStep>() : r.steps;
    m_current = r.currentStepIndex;
    m_finished = r.fullyPromoted;
    endResetModel();
}

void RolloutStepsModel::onChanged(RecordKind kind,
                                  const QStringList &inserted,
                                  const QStringList &updated,
                                  const QStringList &removed)
{
    if (kind != RecordKind::Rollouts || m_key.isEmpty())
        return;
    if (inserted.contains(m_key) || updated.contains(m_key) || removed.contains(m_key))
        sync();
}

void RolloutStepsModel::sync()
{
    const auto it = m_estate->rollouts().constFind(m_key);
    const QList<RolloutStep> steps =
        it == m_estate->rollouts().cend() ? QList<RolloutStep>() : it->steps;
    const int current = it == m_estate->rollouts().cend() ? -1 : it->currentStepIndex;
    const bool finished = it != m_estate->rollouts().cend() && it->fullyPromoted;
    const int oldCount = int(m_steps.size());
    const int newCount = int(steps.size());
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_steps.resize(newCount);
        endRemoveRows();
    }
    const int common = std::min(oldCount, newCount);
    int firstChanged = -1;
    int lastChanged = -1;
    for (int i = 0; i < common; ++i) {
        const bool markChanged = (i == m_current) != (i == current) ||
                                 (i < m_current) != (i < current) || m_finished != finished;
        if (!(m_steps.at(i) == steps.at(i)) || markChanged) {
            if (firstChanged < 0)
                firstChanged = i;
            lastChanged = i;
        }
    }
    for (int i = 0; i < common; ++i)
        m_steps[i] = steps.at(i);
    m_current = current;
    m_finished = finished;
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged), index(lastChanged));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i)
            m_steps << steps.at(i);
        endInsertRows();
    }
}

int RolloutStepsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

QVariant RolloutStepsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RolloutStep &s = m_steps.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (s.kind) {
        case RolloutStep::Kind::SetWeight:
            return tr("Set canary weight to %1%").arg(s.weight);
        case RolloutStep::Kind::Pause:
            return s.pauseSeconds < 0
                       ? tr("Pause until promoted")
                       : tr("Pause %1").arg(Wording::duration(qint64(s.pauseSeconds) * 1000));
        case RolloutStep::Kind::Analysis:
            return tr("Analysis: %1").arg(s.text);
        case RolloutStep::Kind::Experiment:
            return tr("Experiment: %1").arg(s.text);
        case RolloutStep::Kind::Other:
            break;
        }
        return s.text;
    case Roles::SortRole:
        return index.row();
    case Roles::StepKindRole:
        return int(s.kind);
    case Roles::CurrentStepRole:
        return !m_finished && index.row() == m_current;
    case Roles::StepDoneRole:
        return m_finished || index.row() < m_current;
    case Roles::CanaryWeightRole:
        return s.weight;
    default:
        return {};
    }
}

} // namespace fd
