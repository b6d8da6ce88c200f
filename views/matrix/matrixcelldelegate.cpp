#include "matrixcelldelegate.h"

#include "itemmodels/formatting.h"
#include "itemmodels/itemroles.h"
#include "shared/theme.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace fd {

namespace {

// Draws a rounded badge at x and returns where the next one starts.
qreal badge(QPainter *p,
            qreal x,
            qreal centerY,
            const QString &text,
            const QColor &fill,
            const QColor &textColor,
            const QFont &font)
{
    const QFontMetricsF fm(font);
    const qreal w = fm.horizontalAdvance(text) + 10;
    const qreal h = fm.height() + 2;
    const QRectF r(x, centerY - h / 2, w, h);
    p->setPen(Qt::NoPen);
    p->setBrush(fill);
    p->drawRoundedRect(r, h / 2, h / 2);
    p->setPen(textColor);
    p->setFont(font);
    p->drawText(r, Qt::AlignCenter, text);
    return x + w + 4;
}

} // namespace

void MatrixCellDelegate::paint(QPainter *painter,
                               const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *w = option.widget;
    QStyle *style = w ? w->style() : QApplication::style();
    if (index.column() == 0) {
        opt.font.setBold(true);
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, w);
        return;
    }
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, w);
    if (index.data(Roles::RolloutDegradedRole).toBool() &&
        !(option.state & QStyle::State_Selected)) {
        // A Degraded rollout is red, whatever the app's own health says.
        QColor tint = StatusColors::of(option.palette).bad;
        tint.setAlpha(48);
        painter->fillRect(option.rect, tint);
    }
    if (!index.data(Roles::HasStateRole).toBool() &&
        index.data(Roles::GateCountRole).toInt() == 0) {
        painter->save();
        painter->setPen(option.palette.color(QPalette::Disabled, QPalette::Text));
        painter->drawText(option.rect, Qt::AlignCenter, QStringLiteral("—"));
        painter->restore();
        return;
    }

    const StatusColors colors = StatusColors::of(option.palette);
    const bool stale = index.data(Roles::StaleRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    QColor text = selected ? option.palette.color(QPalette::HighlightedText)
                           : option.palette.color(QPalette::Text);
    if (stale)
        text = colors.stale;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(option.rect).adjusted(8, 5, -6, -5);
    const Health health = Health(index.data(Roles::HealthRole).toInt());

    // Line 1: health dot + version.
    QFont versionFont = option.font;
    versionFont.setBold(true);
    const QFontMetricsF vfm(versionFont);
    const qreal line1 = r.top() + vfm.height() / 2 + 1;
    painter->setPen(Qt::NoPen);
    painter->setBrush(stale ? colors.stale : colorFor(health, colors));
    painter->drawEllipse(QPointF(r.left() + 5, line1), 5, 5);
    painter->setPen(text);
    painter->setFont(versionFont);
    const QString version = index.data(Roles::VersionRole).toString();
    const qreal versionWidth = std::min(vfm.horizontalAdvance(version), r.width() - 16);
    painter->drawText(QRectF(r.left() + 16, r.top(), r.width() - 16, vfm.height() + 2),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      vfm.elidedText(version, Qt::ElideMiddle, r.width() - 16));
    // Who and when, after the version, as far as the cell is wide.
    const QString who = index.data(Roles::DeployedByRole).toString();
    const QDateTime at = index.data(Roles::DeployedAtRole).toDateTime();
    QString byline;
    if (at.isValid())
        byline = Wording::age(at.secsTo(QDateTime::currentDateTimeUtc()));
    if (!who.isEmpty())
        byline = byline.isEmpty() ? who : tr("%1 · %2").arg(who, byline);
    const qreal bylineLeft = r.left() + 16 + versionWidth + 10;
    if (!byline.isEmpty() && r.right() - bylineLeft > 40) {
        QFont small = option.font;
        small.setPointSizeF(std::max(7.0, option.font.pointSizeF() * 0.85));
        const QFontMetricsF sfm(small);
        painter->setFont(small);
        painter->setPen(selected ? text : option.palette.color(QPalette::PlaceholderText));
        painter->drawText(QRectF(bylineLeft, r.top(), r.right() - bylineLeft, vfm.height() + 2),
                          Qt::AlignRight | Qt::AlignVCenter,
                          sfm.elidedText(byline, Qt::ElideRight, r.right() - bylineLeft));
    }

    // Line 2: badges.
    QFont small = option.font;
    small.setPointSizeF(std::max(7.0, option.font.pointSizeF() * 0.85));
    const qreal line2 = r.top() + vfm.height() + 4 + QFontMetricsF(small).height() / 2 + 1;
    qreal x = r.left();
    // Badge fills are light in dark mode (and dark in light mode): text takes the opposite.
    const QColor onBadge = isDark(option.palette) ? QColor(0x12, 0x14, 0x17) : QColor(Qt::white);
    if (stale) {
        const qint64 age = index.data(Roles::AgeSecondsRole).toLongLong();
        x = badge(painter, x, line2, tr("stale %1").arg(Wording::age(age)), colors.stale, onBadge,
                  small);
    } else {
        const SyncState sync = SyncState(index.data(Roles::SyncRole).toInt());
        if (sync == SyncState::OutOfSync) {
            const int drift = index.data(Roles::DriftRole).toInt();
            x = badge(painter, x, line2,
                      drift > 0 ? tr("out of sync %1").arg(drift) : tr("out of sync"), colors.warn,
                      onBadge, small);
        }
    }
    const int gates = index.data(Roles::GateCountRole).toInt();
    if (gates > 0)
        x = badge(painter, x, line2, tr("%n waiting", nullptr, gates), colors.accent, onBadge,
                  small);
    // The actual weight first; the set weight only as "of", when traffic has not followed it.
    const int weight = index.data(Roles::CanaryWeightRole).toInt();
    const int setWeight = index.data(Roles::CanarySetWeightRole).toInt();
    const bool degraded = index.data(Roles::RolloutDegradedRole).toBool();
    if (weight >= 0 || setWeight >= 0) {
        const QString actualText = weight >= 0 ? tr("%1 %").arg(weight) : tr("? %");
        const QString label = setWeight >= 0 && setWeight != weight
                                  ? tr("canary %1 of %2 %").arg(actualText).arg(setWeight)
                                  : tr("canary %1").arg(actualText);
        x = badge(painter, x, line2, label, degraded ? colors.bad : colors.progress, onBadge,
                  small);
    }
    if (degraded)
        x = badge(painter, x, line2, tr("degraded"), colors.bad, onBadge, small);
    if (index.data(Roles::FrozenRole).toBool())
        x = badge(painter, x, line2, tr("frozen"), colors.bad, onBadge, small);
    Q_UNUSED(x)
    painter->restore();
}

QSize MatrixCellDelegate::sizeHint(const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    const QFontMetrics fm(option.font);
    s.setHeight(std::max(s.height(), fm.height() * 2 + 16));
    s.setWidth(std::max(s.width(), index.column() == 0 ? 140 : 200));
    return s;
}

bool MatrixCellDelegate::helpEvent(QHelpEvent *event,
                                   QAbstractItemView *view,
                                   const QStyleOptionViewItem &option,
                                   const QModelIndex &index)
{
    if (event->type() != QEvent::ToolTip || index.column() == 0)
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    if (index.data(Roles::FrozenRole).toBool()) {
        QToolTip::showText(event->globalPos(),
                           index.data(Qt::ToolTipRole).toString() + QLatin1Char('\n') +
                               tr("Frozen: %1").arg(index.data(Roles::FreezeReasonRole).toString()),
                           view);
        return true;
    }
    QToolTip::showText(event->globalPos(), index.data(Qt::ToolTipRole).toString(), view);
    return true;
}

} // namespace fd
