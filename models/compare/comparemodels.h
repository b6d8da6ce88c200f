#pragma once

#include "compare/compareengine.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace fd {

/// One row per service: A's version, B's, the gap, commits, config changes, drift, problems.
/// A new report merges into the rows by service (inserted, removed, changed), never a reset.
class CompareGridModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Service, VersionA, VersionB, Gap, Changes, Config, Drift, Problems, ColumnCount };

    explicit CompareGridModel(QObject *parent = nullptr);

    void setReport(const CompareReport &report);
    /// Reference time for "deployed … ago" (default: now at each data() call).
    void setNow(const QDateTime &now) { m_now = now; }
    const CompareReport &report() const { return m_report; }
    const ServiceComparison *comparison(int row) const;
    int rowOf(const QString &service) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString relationText(const ServiceComparison &s);

private:
    CompareReport m_report;
    QDateTime m_now;
};

/// The commits of one service: those in A not in B, then those in B not in A.
class CommitListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { In, Commit, Change, Subject, Author, Committed, LeadTime, ColumnCount };

    explicit CommitListModel(QObject *parent = nullptr);
    void setRange(const CommitRange &range, const QString &envA, const QString &envB);
    void clear();
    const CommitRecord *commit(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<CommitRecord> m_rows;
    int m_aCount = 0;
    QString m_envA, m_envB;
};

/// Config differences of one service by key path; normalized noise hidden unless asked for.
class ConfigDiffModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { File, Key, Change, ValueA, ValueB, ColumnCount };

    explicit ConfigDiffModel(QObject *parent = nullptr);
    void setDiff(const ConfigDiff &diff, const QString &envA, const QString &envB);
    void setShowNormalized(bool show);
    bool showNormalized() const { return m_showNormalized; }
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void rebuild();
    ConfigDiff m_diff;
    QList<ConfigChange> m_rows;
    QString m_envA, m_envB;
    bool m_showNormalized = false;
};

/// Container images side by side.
class ImagePairModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Image, Source, ImageA, ImageB, ColumnCount };

    explicit ImagePairModel(QObject *parent = nullptr);
    void setImages(const QList<ImagePair> &images, const QString &envA, const QString &envB);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ImagePair> m_rows;
    QString m_envA, m_envB;
};

/// Argo CD drift of one service: a row per drifted key path (or per resource when the backend
/// flags it without a path we can name), environment A's resources first.
class ResourceDriftModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Environment, Resource, State, Key, Desired, Live, ColumnCount };

    explicit ResourceDriftModel(QObject *parent = nullptr);
    void setDrift(const QList<ResourceDrift> &a, const QList<ResourceDrift> &b);
    void clear();
    /// Drifted resources (not rows).
    int resourceCount() const { return m_resources; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString stateText(const ResourceDrift &drift);

private:
    struct Row
    {
        ResourceDrift resource; // changes emptied: the row's own change is below
        ConfigChange change;    // path empty when the row stands for the whole resource
    };
    QList<Row> m_rows;
    int m_resources = 0;
};

/// Roles of the comparison models (DisplayRole is formatted text, SortRole the raw value).
// Declared after the models: lupdate (6.4) loses the enclosing fd:: of the class that follows it.
struct CompareRoles
{
    enum Role : int {
        SortRole = Qt::UserRole + 1,
        ServiceRole,    // QString
        RelationRole,   // int fd::VersionRelation (grid)
        ProblemRole,    // QString: the row's problems joined, empty when none (grid)
        DriftRole,      // bool: either environment drifted (grid)
        ChangeKindRole, // int fd::ConfigChange::Kind (config rows)
        ShaRole,        // QString full sha (commit rows)
        SideRole,       // int 0 = in A not in B, 1 = in B not in A (commit rows)
        DiffersRole,    // bool (grid, images)
        DriftStateRole, // int 0 modified, 1 missing live, 2 prunable, 3 unreadable (drift rows)
    };
};

} // namespace fd
