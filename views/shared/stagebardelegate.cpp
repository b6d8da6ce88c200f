#include "stagebardelegate.h"

#include "itemmodels/itemroles.h"
#include "theme.h"

#include <QApplication>
#include <QPainter>

namespace fd {

void StageBarDelegate::paint(QPainter *painter,
                             const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *w = option.widget;
    (w ? w->style() : QApplication::style())
        ->drawControl(QStyle::CE_ItemViewItem, &opt, painter, w);

    const QVariantList stages = index.data(Roles::StagesRole).toList();
    if (stages.isEmpty())
        return;
    const StatusColors colors = StatusColors::of(option.palette);
    const QRectF area =
        QRectF(option.rect)
            .adjusted(4, option.rect.height() / 2.0 - 4, -4, -(option.rect.height() / 2.0 - 4));
    const qreal gap = 2;
    const qreal width = (area.width() - gap * (stages.size() - 1)) / stages.size();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    for (int i = 0; i < stages.size(); ++i) {
        const QRectF seg(area.left() + i * (width + gap), area.top(), std::max<qreal>(width, 2),
                         area.height());
        painter->setBrush(colorFor(RunStatus(stages.at(i).toInt()), colors));
        painter->drawRoundedRect(seg, 2, 2);
    }
    painter->restore();
}

QSize StageBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), 90));
    return s;
}

} // namespace fd
