#pragma once

#include <QStyledItemDelegate>

namespace fd {

/**
 * One environment-matrix cell: version on top; health dot, sync mark, drift, pending-gate
 * badge, canary weight and freeze below. A stale cell keeps its value, greyed, with its age.
 */
class MatrixCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event,
                   QAbstractItemView *view,
                   const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;
};

} // namespace fd
