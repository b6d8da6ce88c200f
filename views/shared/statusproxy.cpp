#include "statusproxy.h"

#include "itemmodels/itemroles.h"
#include "theme.h"

#include <QFont>
#include <QGuiApplication>

namespace fd {

StatusProxy::StatusProxy(Kind kind, int statusColumn, QObject *parent)
    : QIdentityProxyModel(parent)
    , m_kind(kind)
    , m_statusColumn(statusColumn)
{}

QVariant StatusProxy::data(const QModelIndex &index, int role) const
{
    if (role == Qt::ToolTipRole) {
        const QString text = QIdentityProxyModel::data(index, Qt::DisplayRole).toString();
        return text.isEmpty() ? QVariant() : QVariant(text);
    }
    if (index.column() != m_statusColumn || (role != Qt::ForegroundRole && role != Qt::FontRole))
        return QIdentityProxyModel::data(index, role);
    const int status = QIdentityProxyModel::data(index, Roles::StatusRole).toInt();
    const StatusColors colors = StatusColors::of(QGuiApplication::palette());
    QColor color = colors.neutral;
    bool alarming = false;
    switch (m_kind) {
    case Kind::Run:
        color = colorFor(RunStatus(status), colors);
        alarming = RunStatus(status) == RunStatus::Failed;
        break;
    case Kind::Deploy:
        color = colorFor(DeployStatus(status), colors);
        alarming = DeployStatus(status) == DeployStatus::Failed;
        break;
    case Kind::Rollout:
        color = colorFor(RolloutPhase(status), colors);
        alarming = RolloutPhase(status) == RolloutPhase::Degraded;
        break;
    case Kind::Gate:
        color = colors.warn;
        break;
    }
    if (role == Qt::ForegroundRole)
        return color;
    QFont font;
    font.setBold(alarming);
    return font;
}

} // namespace fd
