#include "environmentmatrixmodel.h"

#include "estate/estate.h"
#include "formatting.h"
#include "itemroles.h"

#include <QRegularExpression>

#include <algorithm>

namespace fd {

namespace {

// Worst first: the cell shows the most alarming thing any backend says.
int healthSeverity(Health h)
{
    switch (h) {
    case Health::Degraded:
        return 5;
    case Health::Missing:
        return 4;
    case Health::Progressing:
        return 3;
    case Health::Suspended:
        return 2;
    case Health::Healthy:
        return 1;
    case Health::Unknown:
        break;
    }
    return 0;
}

} // namespace

EnvironmentMatrixModel::EnvironmentMatrixModel(Estate *estate, QObject *parent)
    : QAbstractTableModel(parent)
    , m_estate(estate)
{
    connect(estate, &Estate::changed, this, &EnvironmentMatrixModel::onChanged);
    connect(estate, &Estate::connectionHealthChanged, this,
            [this](const QString &id) { onConnectionChanged(id); });
    connect(estate, &Estate::connectionSynced, this, &EnvironmentMatrixModel::onConnectionChanged);

    // Whatever the estate already holds (a restored snapshot) is merged like any change.
    const auto all = [](const auto &table) {
        return QStringList(table.keyBegin(), table.keyEnd());
    };
    onChanged(RecordKind::Environments, all(estate->environments()), {}, {});
    onChanged(RecordKind::Gates, all(estate->gates()), {}, {});
    onChanged(RecordKind::Rollouts, all(estate->rollouts()), {}, {});
}

EnvironmentMatrixModel::CellId EnvironmentMatrixModel::cellId(const QString &service,
                                                              const QString &environment)
{
    return service + QChar(0x1f) + environment;
}

void EnvironmentMatrixModel::setEnvironments(const QStringList &promotionOrder)
{
    QStringList order = promotionOrder;
    for (const auto &e : std::as_const(m_envs))
        if (!order.contains(e))
            order << e;
    if (order == m_envs)
        return;
    // A different promotion order is a new workspace, not a refresh: the columns move.
    beginResetModel();
    m_envs = order;
    endResetModel();
}

void EnvironmentMatrixModel::setServices(const QStringList &services)
{
    for (const auto &s : services) {
        m_declared.insert(s);
        ensureRow(s);
    }
}

void EnvironmentMatrixModel::setFreezeCheck(FreezeCheck check)
{
    m_freezeCheck = std::move(check);
    if (rowCount() > 0 && columnCount() > 1)
        Q_EMIT dataChanged(index(0, 1), index(rowCount() - 1, columnCount() - 1),
                           {Roles::FrozenRole, Roles::FreezeReasonRole});
}

QModelIndex EnvironmentMatrixModel::indexOf(const QString &service,
                                            const QString &environment) const
{
    const int row = m_serviceRow.value(service, -1);
    const int col = m_envs.indexOf(environment);
    if (row < 0 || col < 0)
        return {};
    return index(row, col + 1);
}

EnvironmentMatrixModel::Cell EnvironmentMatrixModel::cell(const QString &service,
                                                          const QString &environment) const
{
    return m_cells.value(cellId(service, environment));
}

QString EnvironmentMatrixModel::nextEnvironment(const QString &environment) const
{
    const int i = m_envs.indexOf(environment);
    return i >= 0 ? m_envs.value(i + 1) : QString();
}

QString EnvironmentMatrixModel::shortVersion(const QString &version)
{
    static const QRegularExpression sha(QStringLiteral("^[0-9a-f]{12,64}$"));
    if (sha.match(version).hasMatch())
        return version.left(7);
    return version;
}

template <typename T>
void EnvironmentMatrixModel::reindex(const QHash<QString, T> &table,
                                     QHash<QString, CellId> &keyCell,
                                     QHash<CellId, QSet<QString>> &cellKeys,
                                     const QStringList &changedKeys,
                                     const QStringList &removed,
                                     QSet<CellId> &touched)
{
    auto drop = [&](const QString &key) {
        const auto it = keyCell.constFind(key);
        if (it == keyCell.cend())
            return;
        touched.insert(*it);
        auto ck = cellKeys.find(*it);
        if (ck != cellKeys.end()) {
            ck->remove(key);
            if (ck->isEmpty())
                cellKeys.erase(ck);
        }
        keyCell.erase(it);
    };
    for (const auto &key : changedKeys) {
        const auto rec = table.constFind(key);
        if (rec == table.cend())
            continue;
        drop(key); // the record may have moved to another service or environment
        if (rec->service.isEmpty() || rec->environment.isEmpty())
            continue;
        const CellId id = cellId(rec->service, rec->environment);
        keyCell.insert(key, id);
        cellKeys[id].insert(key);
        touched.insert(id);
    }
    for (const auto &key : removed)
        drop(key);
}

void EnvironmentMatrixModel::onChanged(RecordKind kind,
                                       const QStringList &inserted,
                                       const QStringList &updated,
                                       const QStringList &removed)
{
    QSet<CellId> touched;
    const QStringList changedKeys = inserted + updated;
    switch (kind) {
    case RecordKind::Environments:
        reindex(m_estate->environments(), m_stateCell, m_cellStates, changedKeys, removed, touched);
        break;
    case RecordKind::Gates:
        reindex(m_estate->gates(), m_gateCell, m_cellGates, changedKeys, removed, touched);
        break;
    case RecordKind::Rollouts:
        reindex(m_estate->rollouts(), m_rolloutCell, m_cellRollouts, changedKeys, removed, touched);
        break;
    case RecordKind::Runs:
    case RecordKind::Deployments:
        return;
    }
    refreshCells(touched);
}

EnvironmentMatrixModel::Cell EnvironmentMatrixModel::compute(const CellId &id) const
{
    Cell c;
    const EnvironmentState *primary = nullptr;
    for (const auto &key : m_cellStates.value(id)) {
        const auto it = m_estate->environments().constFind(key);
        if (it == m_estate->environments().cend())
            continue;
        const EnvironmentState &s = *it;
        c.present = true;
        if (!c.connections.contains(s.connectionId))
            c.connections << s.connectionId;
        if (healthSeverity(s.health) > healthSeverity(c.health)) {
            c.health = s.health;
            c.healthMessage = s.healthMessage;
        }
        if (s.sync == SyncState::OutOfSync)
            c.sync = SyncState::OutOfSync;
        else if (c.sync == SyncState::Unknown)
            c.sync = s.sync;
        c.drift += s.driftCount;
        if (!s.freeze.isEmpty() && c.backendFreeze.isEmpty())
            c.backendFreeze = s.freeze;
        c.canaryWeight = std::max(c.canaryWeight, s.canaryWeight);
        const bool better = !primary || (primary->version.isEmpty() && !s.version.isEmpty()) ||
                            (!s.version.isEmpty() && s.deployedAt > primary->deployedAt) ||
                            (s.deployedAt == primary->deployedAt && s.key() < primary->key());
        if (better)
            primary = &s;
    }
    if (primary) {
        c.version = shortVersion(primary->version.isEmpty() ? primary->commit : primary->version);
        c.commit = primary->commit;
        c.deployedAt = primary->deployedAt;
        c.deployedBy = primary->deployedBy;
        c.url = primary->url;
    }
    for (const auto &key : m_cellRollouts.value(id)) {
        const auto it = m_estate->rollouts().constFind(key);
        if (it == m_estate->rollouts().cend())
            continue;
        if (!it->fullyPromoted && !it->aborted && it->phase != RolloutPhase::Healthy &&
            it->strategy == QLatin1String("canary")) {
            // Set and actual weight of one Rollout, never mixed across two.
            if (c.canarySetWeight < 0 || it->actualWeight > c.canaryWeight) {
                c.canaryWeight = it->actualWeight;
                c.canarySetWeight = it->setWeight;
            }
        }
        c.rolloutDegraded = c.rolloutDegraded || it->phase == RolloutPhase::Degraded;
        if (!c.connections.contains(it->connectionId))
            c.connections << it->connectionId;
    }
    c.gates = int(m_cellGates.value(id).size());
    c.connections.sort();
    return c;
}

void EnvironmentMatrixModel::ensureRow(const QString &service)
{
    if (m_serviceRow.contains(service))
        return;
    const int row = int(m_services.size());
    beginInsertRows({}, row, row);
    m_services << service;
    m_serviceRow.insert(service, row);
    endInsertRows();
}

void EnvironmentMatrixModel::ensureColumn(const QString &environment)
{
    if (m_envs.contains(environment))
        return;
    const int col = int(m_envs.size()) + 1;
    beginInsertColumns({}, col, col);
    m_envs << environment;
    endInsertColumns();
}

void EnvironmentMatrixModel::refreshCells(const QSet<CellId> &touched)
{
    // Sorted so that rows and columns appear in a stable order within one batch.
    QStringList ids(touched.begin(), touched.end());
    ids.sort();
    QSet<QString> maybeGone;
    // New services arrive as one block of rows and changed cells as one signal per run of
    // rows: a first snapshot of 10,000 apps is then a handful of signals for the views and
    // proxies above, not 10,000 single-row inserts (each of which a proxy re-maps).
    QStringList newServices;
    QSet<QString> newServiceSet;
    QList<QPair<QString, QString>> changed; // (service, environment)
    changed.reserve(ids.size());
    for (const auto &id : std::as_const(ids)) {
        const qsizetype sep = id.indexOf(QChar(0x1f));
        const QString service = id.left(sep);
        const QString env = id.mid(sep + 1);
        const Cell next = compute(id);
        const bool referenced =
            m_cellStates.contains(id) || m_cellGates.contains(id) || m_cellRollouts.contains(id);
        if (referenced) {
            if (!m_serviceRow.contains(service) && !newServiceSet.contains(service)) {
                newServiceSet.insert(service);
                newServices << service;
            }
            ensureColumn(env);
        }
        const auto old = m_cells.constFind(id);
        const bool had = old != m_cells.cend();
        if (!referenced) {
            if (!had)
                continue;
            m_cells.remove(id);
            maybeGone.insert(service);
        } else {
            if (had && *old == next)
                continue;
            m_cells.insert(id, next);
        }
        if (!newServiceSet.contains(service))
            changed.append({service, env});
    }
    if (!newServices.isEmpty()) {
        const int first = int(m_services.size());
        beginInsertRows({}, first, first + int(newServices.size()) - 1);
        for (const auto &service : std::as_const(newServices)) {
            m_serviceRow.insert(service, int(m_services.size()));
            m_services << service;
        }
        endInsertRows();
    }
    emitCellsChanged(changed);

    // A service nobody reports any more (and the workspace does not declare) leaves the grid.
    for (const auto &service : std::as_const(maybeGone)) {
        if (m_declared.contains(service))
            continue;
        bool any = false;
        for (const auto &env : std::as_const(m_envs))
            any = any || m_cells.contains(cellId(service, env));
        if (any)
            continue;
        const int row = m_serviceRow.value(service, -1);
        if (row < 0)
            continue;
        beginRemoveRows({}, row, row);
        m_services.removeAt(row);
        m_serviceRow.remove(service);
        for (int r = row; r < m_services.size(); ++r)
            m_serviceRow.insert(m_services.at(r), r);
        endRemoveRows();
    }
}

void EnvironmentMatrixModel::emitCellsChanged(const QList<QPair<QString, QString>> &cells,
                                              const QList<int> &roles)
{
    // A few cells: one signal each (the view repaints just those). Many: one signal per run of
    // consecutive rows across every environment column, so the signal count stays small.
    constexpr int kPerCellLimit = 64;
    if (cells.size() <= kPerCellLimit) {
        for (const auto &[service, env] : cells) {
            const QModelIndex idx = indexOf(service, env);
            if (idx.isValid())
                Q_EMIT dataChanged(idx, idx, roles);
        }
        return;
    }
    QList<int> rows;
    rows.reserve(cells.size());
    for (const auto &cell : cells)
        if (const int row = m_serviceRow.value(cell.first, -1); row >= 0)
            rows << row;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const int lastColumn = columnCount() - 1;
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype j = i;
        while (j + 1 < rows.size() && rows.at(j + 1) == rows.at(j) + 1)
            ++j;
        Q_EMIT dataChanged(index(rows.at(i), 1), index(rows.at(j), lastColumn), roles);
        i = j + 1;
    }
}

void EnvironmentMatrixModel::onConnectionChanged(const QString &connectionId)
{
    // Staleness and age are read live in data(); tell the view which cells to repaint.
    QList<QPair<QString, QString>> cells;
    for (auto it = m_cells.cbegin(); it != m_cells.cend(); ++it) {
        if (!it->connections.contains(connectionId))
            continue;
        const qsizetype sep = it.key().indexOf(QChar(0x1f));
        cells.append({it.key().left(sep), it.key().mid(sep + 1)});
    }
    emitCellsChanged(cells, {Roles::StaleRole, Roles::AgeSecondsRole});
}

bool EnvironmentMatrixModel::stale(const Cell &cell) const
{
    for (const auto &c : cell.connections)
        if (m_estate->isStale(c))
            return true;
    return false;
}

qint64 EnvironmentMatrixModel::ageSeconds(const Cell &cell) const
{
    QDateTime oldest;
    for (const auto &c : cell.connections) {
        const QDateTime t = m_estate->dataTime(c);
        if (t.isValid() && (!oldest.isValid() || t < oldest))
            oldest = t;
    }
    return oldest.isValid() ? oldest.secsTo(QDateTime::currentDateTimeUtc()) : -1;
}

int EnvironmentMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_services.size());
}

int EnvironmentMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_envs.size()) + 1;
}

QVariant EnvironmentMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString service = m_services.at(index.row());
    if (index.column() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case Roles::SortRole:
        case Roles::ServiceRole:
            return service;
        case Roles::FilterTextRole: {
            // The filter keeps rows: a row matches by its service and by what any of its
            // cells runs and who put it there.
            QStringList words{service};
            for (const QString &env : m_envs) {
                const auto it = m_cells.constFind(cellId(service, env));
                if (it != m_cells.cend())
                    words << it->version << it->commit << it->deployedBy;
            }
            return words.join(QLatin1Char(' '));
        }
        default:
            return {};
        }
    }
    const QString env = m_envs.at(index.column() - 1);
    const Cell c = m_cells.value(cellId(service, env));
    switch (role) {
    case Qt::DisplayRole:
    case Roles::VersionRole:
        return c.version;
    case Roles::SortRole:
        return c.deployedAt;
    case Roles::ServiceRole:
        return service;
    case Roles::EnvironmentRole:
        return env;
    case Roles::FilterTextRole:
        return QStringList{service, env, c.version, c.commit, c.deployedBy}.join(QLatin1Char(' '));
    case Roles::DeployedByRole:
        return c.deployedBy;
    case Roles::DeployedAtRole:
        return c.deployedAt;
    case Qt::ToolTipRole:
        return toolTip(service, env, c);
    case Roles::HealthRole:
        return int(c.health);
    case Roles::SyncRole:
        return int(c.sync);
    case Roles::DriftRole:
        return c.drift;
    case Roles::GateCountRole:
        return c.gates;
    case Roles::CanaryWeightRole:
        return c.canaryWeight;
    case Roles::CanarySetWeightRole:
        return c.canarySetWeight;
    case Roles::RolloutDegradedRole:
        return c.rolloutDegraded;
    case Roles::StaleRole:
        return stale(c);
    case Roles::AgeSecondsRole:
        return ageSeconds(c);
    case Roles::HasStateRole:
        return c.present;
    case Roles::ConnectionRole:
        return c.connections.value(0);
    case Roles::UrlRole:
        return c.url;
    case Roles::FrozenRole:
    case Roles::FreezeReasonRole: {
        // The workspace's freeze windows, or one the backend itself enforces on this cell.
        QString reason;
        bool frozen = m_freezeCheck && m_freezeCheck(env, &reason);
        if (!frozen)
            reason.clear();
        if (!c.backendFreeze.isEmpty()) {
            reason = reason.isEmpty() ? c.backendFreeze
                                      : reason + QStringLiteral("; ") + c.backendFreeze;
            frozen = true;
        }
        return role == Roles::FrozenRole ? QVariant(frozen) : QVariant(reason);
    }
    default:
        return {};
    }
}

QString
EnvironmentMatrixModel::toolTip(const QString &service, const QString &env, const Cell &c) const
{
    QStringList lines{tr("%1 in %2").arg(service, env)};
    if (!c.present)
        return lines.first() + QLatin1Char('\n') + tr("No backend reports it here.");
    lines << tr("Version: %1").arg(c.version.isEmpty() ? QStringLiteral("—") : c.version);
    if (!c.commit.isEmpty() && !c.commit.startsWith(c.version))
        lines << tr("Commit: %1").arg(Wording::shortCommit(c.commit));
    // Who and when: the backend's record of the deployment now running.
    if (c.deployedAt.isValid()) {
        const QString when = tr("%1 (%2)").arg(
            Wording::age(c.deployedAt.secsTo(QDateTime::currentDateTimeUtc())),
            c.deployedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        lines << (c.deployedBy.isEmpty() ? tr("Deployed %1").arg(when)
                                         : tr("Deployed by %1, %2").arg(c.deployedBy, when));
    } else if (!c.deployedBy.isEmpty()) {
        lines << tr("Deployed by %1").arg(c.deployedBy);
    }
    lines << tr("Health: %1").arg(Wording::health(c.health));
    if (!c.healthMessage.isEmpty())
        lines << c.healthMessage;
    lines << tr("Sync: %1").arg(Wording::sync(c.sync));
    if (c.drift > 0)
        lines << tr("%n resource(s) out of sync", nullptr, c.drift);
    if (c.canaryWeight >= 0)
        lines << tr("Canary at %1 %").arg(c.canaryWeight);
    if (c.gates > 0)
        lines << tr("%n approval(s) waiting", nullptr, c.gates);
    if (stale(c))
        lines << tr("Last known value, %1").arg(Wording::age(ageSeconds(c)));
    if (!c.connections.isEmpty())
        lines << tr("Reported by %1").arg(c.connections.join(QStringLiteral(", ")));
    return lines.join(QLatin1Char('\n'));
}

QVariant
EnvironmentMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return tr("Service");
    return m_envs.value(section - 1);
}

} // namespace fd
