#pragma once

#include "domain/records.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QStringList>

#include <functional>

namespace fd {

class Estate;

/**
 * Services (rows) x environments in promotion order (columns 1..n; column 0 names the
 * service). A cell folds every backend's view of one service in one environment: version,
 * health, sync, drift, pending gates, canary weight. Estate changes are merged: only the
 * cells whose folded value changed get dataChanged; new services and environments are
 * inserted; nothing ever resets on refresh.
 */
class EnvironmentMatrixModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct Cell
    {
        QString version; // tag or short sha as shown
        QString commit;
        QString deployedBy;
        QDateTime deployedAt;
        Health health = Health::Unknown;
        QString healthMessage;
        SyncState sync = SyncState::Unknown;
        int drift = 0;
        int gates = 0;
        int canaryWeight = -1;    // actual
        int canarySetWeight = -1; // set (the target), of the same Rollout
        bool rolloutDegraded = false;
        QStringList connections; // who reports this cell
        QUrl url;
        QString backendFreeze; // a freeze the backend enforces (Argo CD deny window), in words
        bool present = false;

        bool operator==(const Cell &) const = default;
    };
    /// Is @p environment frozen now; fills @p reason when it is.
    using FreezeCheck = std::function<bool(const QString &environment, QString *reason)>;

    explicit EnvironmentMatrixModel(Estate *estate, QObject *parent = nullptr);

    /// Promotion order from the workspace; environments only seen in data are appended.
    void setEnvironments(const QStringList &promotionOrder);
    /// Services declared by the workspace keep their row even before any data arrives.
    void setServices(const QStringList &services);
    void setFreezeCheck(FreezeCheck check);

    QStringList environments() const { return m_envs; }
    QString serviceAt(int row) const { return m_services.value(row); }
    /// Empty for column 0 and out-of-range columns.
    QString environmentAt(int column) const { return m_envs.value(column - 1); }
    QModelIndex indexOf(const QString &service, const QString &environment) const;
    Cell cell(const QString &service, const QString &environment) const;
    /// The environment after @p environment in promotion order (empty at the end).
    QString nextEnvironment(const QString &environment) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Short form of a version: a full or long hex sha becomes its first 7 characters.
    static QString shortVersion(const QString &version);

private:
    using CellId = QString; // service + '\x1f' + environment
    static CellId cellId(const QString &service, const QString &environment);

    void onChanged(RecordKind kind,
                   const QStringList &inserted,
                   const QStringList &updated,
                   const QStringList &removed);
    void onConnectionChanged(const QString &connectionId);
    template <typename T>
    void reindex(const QHash<QString, T> &table,
                 QHash<QString, CellId> &keyCell,
                 QHash<CellId, QSet<QString>> &cellKeys,
                 const QStringList &changedKeys,
                 const QStringList &removed,
                 QSet<CellId> &touched);
    Cell compute(const CellId &id) const;
    void emitCellsChanged(const QList<QPair<QString, QString>> &cells,
                          const QList<int> &roles = {});
    void ensureRow(const QString &service);
    void ensureColumn(const QString &environment);
    void refreshCells(const QSet<CellId> &touched);
    bool stale(const Cell &cell) const;
    qint64 ageSeconds(const Cell &cell) const;
    QString toolTip(const QString &service, const QString &env, const Cell &cell) const;

    Estate *m_estate;
    QStringList m_services;
    QHash<QString, int> m_serviceRow;
    QStringList m_envs;
    QSet<QString> m_declared;
    FreezeCheck m_freezeCheck;

    QHash<QString, CellId> m_stateCell;
    QHash<CellId, QSet<QString>> m_cellStates;
    QHash<QString, CellId> m_gateCell;
    QHash<CellId, QSet<QString>> m_cellGates;
    QHash<QString, CellId> m_rolloutCell;
    QHash<CellId, QSet<QString>> m_cellRollouts;
    QHash<CellId, Cell> m_cells;
};

} // namespace fd
