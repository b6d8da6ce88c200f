#include "comparemodels.h"

#include "compare/comparereport.h"

#include <QSet>

namespace fd {

// ---- CompareGridModel ----

CompareGridModel::CompareGridModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void CompareGridModel::setReport(const CompareReport &report)
{
    const bool envsChanged = report.envA != m_report.envA || report.envB != m_report.envB;
    QSet<QString> incoming;
    for (const ServiceComparison &s : report.services)
        incoming.insert(s.service);
    // Rows that went away, from the bottom so the indices above stay valid.
    for (int row = int(m_report.services.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_report.services.at(row).service))
            continue;
        beginRemoveRows({}, row, row);
        m_report.services.removeAt(row);
        endRemoveRows();
    }
    m_report.envA = report.envA;
    m_report.envB = report.envB;
    m_report.generated = report.generated;
    m_report.elapsedMs = report.elapsedMs;
    for (const ServiceComparison &s : report.services) {
        const int row = rowOf(s.service);
        if (row >= 0) {
            m_report.services[row] = s;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            const int at = int(m_report.services.size());
            beginInsertRows({}, at, at);
            m_report.services.append(s);
            endInsertRows();
        }
    }
    if (envsChanged)
        Q_EMIT headerDataChanged(Qt::Horizontal, VersionA, VersionB);
}

const ServiceComparison *CompareGridModel::comparison(int row) const
{
    return row >= 0 && row < m_report.services.size() ? &m_report.services.at(row) : nullptr;
}

int CompareGridModel::rowOf(const QString &service) const
{
    for (int i = 0; i < m_report.services.size(); ++i)
        if (m_report.services.at(i).service == service)
            return i;
    return -1;
}

int CompareGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_report.services.size());
}

int CompareGridModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CompareGridModel::relationText(const ServiceComparison &s)
{
    switch (s.relation) {
    case VersionRelation::Same:
        return tr("same");
    case VersionRelation::Missing:
        return tr("missing");
    case VersionRelation::Unknown:
        return tr("unknown");
    // Counts as +N / −N: no plural forms to get wrong in any language.
    case VersionRelation::Ahead:
        return s.relationFromGit ? tr("ahead +%1").arg(s.commits.ahead) : tr("ahead");
    case VersionRelation::Behind:
        return s.relationFromGit ? tr("behind −%1").arg(s.commits.behind) : tr("behind");
    case VersionRelation::Diverged:
        return tr("diverged +%1 / −%2").arg(s.commits.ahead).arg(s.commits.behind);
    }
    return QString();
}

namespace {

QString sideText(const EnvironmentSide &side, const QDateTime &now)
{
    if (!side.present)
        return QStringLiteral("—");
    QString v = side.version.isEmpty() ? side.commit.left(8) : side.version;
    if (side.deployedAt.isValid())
        v += QStringLiteral("  ·  ") + formatDuration(side.deployedAt.secsTo(now));
    return v;
}

} // namespace

QVariant CompareGridModel::data(const QModelIndex &index, int role) const
{
    const ServiceComparison *s = comparison(index.row());
    if (!s || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const QDateTime now = m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
    switch (role) {
    case CompareRoles::ServiceRole:
        return s->service;
    case CompareRoles::RelationRole:
        return int(s->relation);
    case CompareRoles::ProblemRole:
        return s->problems.join(QLatin1Char('\n'));
    case CompareRoles::DriftRole:
        return s->drifted(true) || s->drifted(false);
    case CompareRoles::DiffersRole:
        return s->differs();
    default:
        break;
    }
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Service:
            return s->service;
        case VersionA:
            return sideText(s->a, now);
        case VersionB:
            return sideText(s->b, now);
        case Gap:
            if (s->relation == VersionRelation::Missing)
                return !s->a.present && !s->b.present
                           ? tr("in neither")
                           : tr("only in %1").arg(s->a.present ? m_report.envA : m_report.envB);
            return relationText(*s);
        case Changes: {
            if (!s->commits.ok())
                return tr("unavailable");
            if (!s->relationFromGit)
                return QStringLiteral("—");
            int n = 0;
            for (const CommitRecord &c : s->commits.commits + s->commits.missing)
                n += c.change.isValid();
            return QString::number(n);
        }
        case Config:
            if (!s->config.hasSource())
                return QStringLiteral("—");
            return s->config.realChanges() == 0 ? tr("none")
                                                : QString::number(s->config.realChanges());
        case Drift: {
            QStringList envs;
            for (const bool isA : {true, false}) {
                if (!s->drifted(isA))
                    continue;
                const QString &env = isA ? m_report.envA : m_report.envB;
                const int n = s->driftedResources(isA);
                envs.append(n > 0 ? QStringLiteral("%1 (%2)").arg(env).arg(n) : env);
            }
            return envs.isEmpty() ? QStringLiteral("—")
                                  : QStringLiteral("⚠ ") +
                                        tr("out of sync: %1").arg(envs.join(QStringLiteral(", ")));
        }
        case Problems:
            return s->problems.isEmpty()
                       ? QString()
                       : s->problems.first() +
                             (s->problems.size() > 1
                                  ? QStringLiteral(" (+%1)").arg(s->problems.size() - 1)
                                  : QString());
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        if (column == Problems && !s->problems.isEmpty())
            return s->problems.join(QLatin1Char('\n'));
        if (column == VersionA && s->a.present)
            return tr("%1, commit %2, deployed %3")
                .arg(s->a.version, s->a.commit.left(12), s->a.deployedAt.toString(Qt::ISODate));
        if (column == Drift && (s->drifted(true) || s->drifted(false))) {
            QStringList lines;
            for (const ResourceDrift &d : s->driftA + s->driftB)
                lines.append(QStringLiteral("%1: %2 — %3")
                                 .arg(d.environment, d.label(), ResourceDriftModel::stateText(d)));
            return lines.isEmpty() ? tr("Argo CD reports the application out of sync")
                                   : lines.join(QLatin1Char('\n'));
        }
        if (column == VersionB && s->b.present)
            return tr("%1, commit %2, deployed %3")
                .arg(s->b.version, s->b.commit.left(12), s->b.deployedAt.toString(Qt::ISODate));
    } else if (role == CompareRoles::SortRole) {
        switch (column) {
        case Service:
            return s->service;
        case VersionA:
            return s->a.deployedAt;
        case VersionB:
            return s->b.deployedAt;
        case Gap:
            return int(s->relation);
        case Changes:
            return s->commits.ahead + s->commits.behind;
        case Config:
            return s->config.realChanges();
        case Drift:
            return qMax(0, s->driftedResources(true)) + qMax(0, s->driftedResources(false)) +
                   int(s->drifted(true)) + int(s->drifted(false));
        case Problems:
            return int(s->problems.size());
        case ColumnCount:
            break;
        }
    }
    return {};
}

QVariant CompareGridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Service:
        return tr("Service");
    case VersionA:
        return m_report.envA.isEmpty() ? tr("A") : m_report.envA;
    case VersionB:
        return m_report.envB.isEmpty() ? tr("B") : m_report.envB;
    case Gap:
        return tr("Gap");
    case Changes:
        return tr("PRs/MRs");
    case Config:
        return tr("Config changes");
    case Drift:
        return tr("Drift");
    case Problems:
        return tr("Problems");
    case ColumnCount:
        break;
    }
    return {};
}

// ---- CommitListModel ----

CommitListModel::CommitListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void CommitListModel::setRange(const CommitRange &range, const QString &envA, const QString &envB)
{
    beginResetModel(); // another service's commits: nothing to merge with
    m_rows = range.commits + range.missing;
    m_aCount = int(range.commits.size());
    m_envA = envA;
    m_envB = envB;
    endResetModel();
}

void CommitListModel::clear()
{
    setRange({}, m_envA, m_envB);
}

const CommitRecord *CommitListModel::commit(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int CommitListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CommitListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommitListModel::data(const QModelIndex &index, int role) const
{
    const CommitRecord *c = commit(index.row());
    if (!c || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const bool inA = index.row() < m_aCount;
    if (role == CompareRoles::ShaRole)
        return c->sha;
    if (role == CompareRoles::SideRole)
        return inA ? 0 : 1;
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case In:
            return inA ? m_envA : m_envB;
        case Commit:
            return c->shortSha();
        case Change:
            return c->change.text();
        case Subject:
            return c->subject;
        case Author:
            return c->author;
        case Committed:
            return c->committed.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case LeadTime:
            return formatDuration(c->leadTimeSecs);
        case ColumnCount:
            break;
        }
    } else if (role == CompareRoles::SortRole) {
        switch (column) {
        case In:
            return inA ? 0 : 1;
        case Commit:
            return c->sha;
        case Change:
            return c->change.number;
        case Subject:
            return c->subject;
        case Author:
            return c->author;
        case Committed:
            return c->committed;
        case LeadTime:
            return c->leadTimeSecs;
        case ColumnCount:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        return QStringLiteral("%1\n%2 <%3>\n%4").arg(c->sha, c->author, c->authorEmail, c->subject);
    }
    return {};
}

QVariant CommitListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case In:
        return tr("Only in");
    case Commit:
        return tr("Commit");
    case Change:
        return tr("PR/MR");
    case Subject:
        return tr("Subject");
    case Author:
        return tr("Author");
    case Committed:
        return tr("Committed");
    case LeadTime:
        return tr("Lead time");
    case ColumnCount:
        break;
    }
    return {};
}

// ---- ConfigDiffModel ----

ConfigDiffModel::ConfigDiffModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ConfigDiffModel::setDiff(const ConfigDiff &diff, const QString &envA, const QString &envB)
{
    m_diff = diff;
    m_envA = envA;
    m_envB = envB;
    rebuild();
    Q_EMIT headerDataChanged(Qt::Horizontal, ValueA, ValueB);
}

void ConfigDiffModel::setShowNormalized(bool show)
{
    if (show == m_showNormalized)
        return;
    m_showNormalized = show;
    rebuild();
}

void ConfigDiffModel::clear()
{
    setDiff({}, m_envA, m_envB);
}

void ConfigDiffModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    for (const ConfigChange &c : std::as_const(m_diff.changes))
        if (m_showNormalized || c.kind != ConfigChange::Kind::Normalized)
            m_rows.append(c);
    endResetModel();
}

int ConfigDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConfigDiffModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConfigDiffModel::data(const QModelIndex &index, int role) const
{
    if (index.row() < 0 || index.row() >= m_rows.size() || index.column() < 0 ||
        index.column() >= ColumnCount)
        return {};
    const ConfigChange &c = m_rows.at(index.row());
    if (role == CompareRoles::ChangeKindRole)
        return int(c.kind);
    if (role == Qt::DisplayRole || role == CompareRoles::SortRole) {
        switch (Column(index.column())) {
        case File:
            return c.file;
        case Key:
            return c.path.isEmpty() ? tr("(whole file)") : c.path;
        case Change:
            switch (c.kind) {
            case ConfigChange::Kind::Added:
                return tr("only in %1").arg(m_envA);
            case ConfigChange::Kind::Removed:
                return tr("only in %1").arg(m_envB);
            case ConfigChange::Kind::Changed:
                return tr("changed");
            case ConfigChange::Kind::Normalized:
                return tr("expected (%1)").arg(c.note);
            }
            return {};
        case ValueA:
            return c.a;
        case ValueB:
            return c.b;
        case ColumnCount:
            break;
        }
    }
    return {};
}

QVariant ConfigDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case File:
        return tr("File");
    case Key:
        return tr("Key");
    case Change:
        return tr("Change");
    case ValueA:
        return m_envA.isEmpty() ? tr("A") : m_envA;
    case ValueB:
        return m_envB.isEmpty() ? tr("B") : m_envB;
    case ColumnCount:
        break;
    }
    return {};
}

// ---- ImagePairModel ----

ImagePairModel::ImagePairModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ImagePairModel::setImages(const QList<ImagePair> &images,
                               const QString &envA,
                               const QString &envB)
{
    beginResetModel();
    m_rows = images;
    m_envA = envA;
    m_envB = envB;
    endResetModel();
}

int ImagePairModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ImagePairModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ImagePairModel::data(const QModelIndex &index, int role) const
{
    if (index.row() < 0 || index.row() >= m_rows.size() || index.column() < 0 ||
        index.column() >= ColumnCount)
        return {};
    const ImagePair &i = m_rows.at(index.row());
    if (role == CompareRoles::DiffersRole)
        return i.differs();
    if (role == Qt::DisplayRole || role == CompareRoles::SortRole) {
        switch (Column(index.column())) {
        case Image:
            return i.name;
        case Source:
            return i.source;
        case ImageA:
            return i.a.isEmpty() ? QStringLiteral("—") : i.a;
        case ImageB:
            return i.b.isEmpty() ? QStringLiteral("—") : i.b;
        case ColumnCount:
            break;
        }
    }
    return {};
}

QVariant ImagePairModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Image:
        return tr("Image");
    case Source:
        return tr("Source");
    case ImageA:
        return m_envA.isEmpty() ? tr("A") : m_envA;
    case ImageB:
        return m_envB.isEmpty() ? tr("B") : m_envB;
    case ColumnCount:
        break;
    }
    return {};
}

// ---- ResourceDriftModel ----

ResourceDriftModel::ResourceDriftModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ResourceDriftModel::setDrift(const QList<ResourceDrift> &a, const QList<ResourceDrift> &b)
{
    beginResetModel(); // another service's resources: nothing to merge with
    m_rows.clear();
    m_resources = 0;
    for (const ResourceDrift &d : a + b) {
        ++m_resources;
        ResourceDrift head = d;
        head.changes.clear();
        if (d.changes.isEmpty())
            m_rows.append({head, ConfigChange{}});
        for (const ConfigChange &c : d.changes)
            m_rows.append({head, c});
    }
    endResetModel();
}

void ResourceDriftModel::clear()
{
    setDrift({}, {});
}

int ResourceDriftModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResourceDriftModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ResourceDriftModel::stateText(const ResourceDrift &d)
{
    if (!d.error.isEmpty())
        return tr("unreadable: %1").arg(d.error);
    if (d.missingLive)
        return tr("missing from the cluster");
    if (d.prunable)
        return tr("not in Git (would be pruned)");
    return tr("modified");
}

namespace {

int stateOf(const ResourceDrift &d)
{
    return !d.error.isEmpty() ? 3 : d.missingLive ? 1 : d.prunable ? 2 : 0;
}

} // namespace

QVariant ResourceDriftModel::data(const QModelIndex &index, int role) const
{
    if (index.row() < 0 || index.row() >= m_rows.size() || index.column() < 0 ||
        index.column() >= ColumnCount)
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == CompareRoles::DriftStateRole)
        return stateOf(r.resource);
    if (role == CompareRoles::ChangeKindRole)
        return int(r.change.kind);
    if (role == Qt::ToolTipRole && index.column() == Resource)
        return tr("%1 in namespace %2, application %3")
            .arg(r.resource.label(), r.resource.ns.isEmpty() ? tr("(cluster)") : r.resource.ns,
                 r.resource.application);
    if (role != Qt::DisplayRole && role != CompareRoles::SortRole)
        return {};
    switch (Column(index.column())) {
    case Environment:
        return r.resource.environment;
    case Resource:
        return r.resource.label();
    case State:
        if (role == CompareRoles::SortRole)
            return stateOf(r.resource);
        if (r.change.path.isEmpty())
            return stateText(r.resource);
        // The config table's wording, so its translation carries over.
        return r.change.kind == ConfigChange::Kind::Added ? tr("not set live")
                                                          : ConfigDiffModel::tr("changed");
    case Key:
        return r.change.path.isEmpty() ? QStringLiteral("—") : r.change.path;
    case Desired:
        return r.change.path.isEmpty() ? QStringLiteral("—") : r.change.a;
    case Live:
        if (r.change.path.isEmpty())
            return QStringLiteral("—");
        return r.change.b.isEmpty() ? tr("(absent)") : r.change.b;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ResourceDriftModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Environment:
        return tr("Environment");
    case Resource:
        return tr("Resource");
    case State:
        return tr("State");
    case Key:
        return ConfigDiffModel::tr("Key");
    case Desired:
        return tr("Desired (Git)");
    case Live:
        return tr("Live (cluster)");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace fd
