#include "commandpalette.h"

#include "shared/theme.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace fd {

namespace {

// Text on the left, the kind and the detail greyed on the right, elided to fit.
class PaletteDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void
    paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, p, opt.widget);
        const bool selected = opt.state & QStyle::State_Selected;
        const QPalette &pal = opt.palette;
        const QRect r = opt.rect.adjusted(10, 0, -10, 0);
        const QString kind =
            PaletteModel::kindText(PaletteEntry::Kind(index.data(PaletteModel::KindRole).toInt()));
        const QString detail = index.data(PaletteModel::DetailRole).toString();
        QFont small = opt.font;
        if (small.pointSizeF() > 0)
            small.setPointSizeF(small.pointSizeF() * 0.9);
        else if (small.pixelSize() > 0)
            small.setPixelSize(std::max(8, small.pixelSize() * 9 / 10));
        const QString right = detail.isEmpty() ? kind : QStringLiteral("%1 · %2").arg(detail, kind);
        p->save();
        // Measure with the fonts the painter really uses, so nothing is elided that fits.
        p->setFont(small);
        const QFontMetrics sfm = p->fontMetrics();
        const int rightWidth = std::min(sfm.horizontalAdvance(right) + 2, r.width() / 2);
        QColor dim = pal.color(selected ? QPalette::HighlightedText : QPalette::PlaceholderText);
        p->setPen(dim);
        p->drawText(QRect(r.right() - rightWidth, r.top(), rightWidth, r.height()),
                    Qt::AlignVCenter | Qt::AlignRight,
                    sfm.elidedText(right, Qt::ElideLeft, rightWidth));
        p->setFont(opt.font);
        p->setPen(pal.color(selected ? QPalette::HighlightedText : QPalette::Text));
        const QRect left(r.left(), r.top(), r.width() - rightWidth - 12, r.height());
        p->drawText(left, Qt::AlignVCenter | Qt::AlignLeft,
                    p->fontMetrics().elidedText(text, Qt::ElideRight, left.width()));
        p->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(option.fontMetrics.height() + 12);
        return s;
    }
};

} // namespace

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint)
    , m_model(new PaletteModel(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setWindowTitle(tr("Command palette"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_query = new QLineEdit(this);
    m_query->setObjectName(QStringLiteral("paletteQuery"));
    m_query->setPlaceholderText(
        tr("Jump to a service, environment, run or approval, or type an action…"));
    m_query->setClearButtonEnabled(true);
    QFont f = m_query->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_query->setFont(f);
    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("paletteList"));
    m_list->setModel(m_model);
    m_list->setItemDelegate(new PaletteDelegate(m_list));
    m_list->setUniformItemSizes(true);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_query);
    layout->addWidget(m_list, 1);
    m_query->installEventFilter(this);
    connect(m_query, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setQuery(text);
        if (m_model->rowCount() > 0)
            m_list->setCurrentIndex(m_model->index(0));
    });
    connect(m_list, &QListView::activated, this,
            [this](const QModelIndex &i) { activateRow(i.row()); });
    connect(m_list, &QListView::clicked, this,
            [this](const QModelIndex &i) { activateRow(i.row()); });
}

void CommandPalette::popup(const QList<PaletteEntry> &entries)
{
    m_model->setEntries(entries);
    m_query->clear();
    m_model->setQuery(QString());
    if (m_model->rowCount() > 0)
        m_list->setCurrentIndex(m_model->index(0));
    placeOverParent();
    show();
    raise();
    activateWindow();
    m_query->setFocus(Qt::PopupFocusReason);
}

void CommandPalette::placeOverParent()
{
    QWidget *p = parentWidget();
    if (!p)
        return;
    const int w = std::clamp(p->width() * 3 / 5, 420, 900);
    const int h = std::clamp(p->height() * 3 / 5, 240, 600);
    const QPoint topLeft =
        p->mapToGlobal(QPoint((p->width() - w) / 2, std::min(80, p->height() / 8)));
    setGeometry(QRect(topLeft, QSize(w, h)));
}

bool CommandPalette::activateRow(int row)
{
    const PaletteEntry *e = m_model->entryAt(row);
    if (!e)
        return false;
    const PaletteEntry picked = *e; // the model may be rebuilt by whoever handles it
    hide();
    Q_EMIT entryActivated(picked);
    return true;
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_query && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const int rows = m_model->rowCount();
        const int cur = m_list->currentIndex().isValid() ? m_list->currentIndex().row() : -1;
        const int page = std::max(1, m_list->height() / std::max(1, m_list->sizeHintForRow(0)) - 1);
        int next = -2;
        switch (key->key()) {
        case Qt::Key_Down:
            next = std::min(rows - 1, cur + 1);
            break;
        case Qt::Key_Up:
            next = std::max(0, cur - 1);
            break;
        case Qt::Key_PageDown:
            next = std::min(rows - 1, cur + page);
            break;
        case Qt::Key_PageUp:
            next = std::max(0, cur - page);
            break;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activateRow(cur);
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
        if (next != -2) {
            if (next >= 0 && rows > 0)
                m_list->setCurrentIndex(m_model->index(next));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace fd
