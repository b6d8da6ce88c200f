#pragma once

#include <QIdentityProxyModel>

namespace fd {

/**
 * The presentation half of a record table: colours the status column from the raw
 * StatusRole and adds tool tips, leaving the data model free of colours and fonts.
 */
class StatusProxy : public QIdentityProxyModel
{
    Q_OBJECT
public:
    enum class Kind { Run, Deploy, Rollout, Gate };
    StatusProxy(Kind kind, int statusColumn, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    Kind m_kind;
    int m_statusColumn;
};

} // namespace fd
