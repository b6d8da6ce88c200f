#include "matrixpage.h"

#include "matrixcelldelegate.h"
#include "estate/estate.h"
#include "itemmodels/deploymenthistorymodel.h"
#include "itemmodels/formatting.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/recordfilterproxymodel.h"
#include "shared/confirmactiondialog.h"
#include "shared/statusproxy.h"
#include "shared/theme.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace fd {

MatrixPage::MatrixPage(Estate *estate, QWidget *parent)
    : ConsolePage(estate, parent)
    , m_model(new EnvironmentMatrixModel(estate, this))
    , m_proxy(new RecordFilterProxyModel(this))
    , m_historyModel(new DeploymentHistoryModel(estate, this))
    , m_historyProxy(new RecordFilterProxyModel(this))
    , m_historyStatus(
          new StatusProxy(StatusProxy::Kind::Deploy, DeploymentHistoryModel::Status, this))
{
    setObjectName(QStringLiteral("matrixPage"));
    m_proxy->setSourceModel(m_model);
    m_historyProxy->setSourceModel(m_historyModel);
    m_historyProxy->sort(DeploymentHistoryModel::Deployed, Qt::DescendingOrder);
    m_historyStatus->setSourceModel(m_historyProxy);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("matrixSearch"));
    m_search->setPlaceholderText(tr("Filter services, versions, people…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &RecordFilterProxyModel::setFilterText);
    auto *top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    m_legend = new QLabel(this);
    m_legend->setObjectName(QStringLiteral("matrixLegend"));
    m_legend->setTextFormat(Qt::RichText);
    top->addWidget(m_legend);
    layout->addLayout(top);
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("matrixEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->hide();
    layout->addWidget(m_empty);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("matrixView"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new MatrixCellDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setSortingEnabled(false);
    m_view->setShowGrid(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(font()).height() * 2 + 18);
    m_view->horizontalHeader()->setDefaultSectionSize(220);
    m_view->horizontalHeader()->setMinimumSectionSize(120);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &MatrixPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { showHistory(current); });

    auto *bottom = new QWidget(split);
    auto *bl = new QVBoxLayout(bottom);
    bl->setContentsMargins(0, 6, 0, 0);
    m_historyTitle = new QLabel(tr("Select a cell to see its deployment history."), bottom);
    m_historyTitle->setObjectName(QStringLiteral("historyTitle"));
    QFont bold = m_historyTitle->font();
    bold.setBold(true);
    m_historyTitle->setFont(bold);
    bl->addWidget(m_historyTitle);
    m_history = new QTableView(bottom);
    m_history->setObjectName(QStringLiteral("historyView"));
    m_history->setModel(m_historyStatus);
    m_history->verticalHeader()->hide();
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setAlternatingRowColors(true);
    m_history->setWordWrap(false);
    m_history->setTextElideMode(Qt::ElideMiddle);
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->horizontalHeader()->setDefaultSectionSize(130);
    bl->addWidget(m_history);
    m_link = new QLabel(bottom);
    m_link->setObjectName(QStringLiteral("historyLink"));
    m_link->setOpenExternalLinks(true);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    bl->addWidget(m_link);
    connect(m_history->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const QUrl url = current.data(Roles::UrlRole).toUrl();
                m_link->setText(
                    url.isEmpty()
                        ? QString()
                        : QStringLiteral("<a href=\"%1\">%2</a>")
                              .arg(url.toString(QUrl::FullyEncoded),
                                   tr("Open in %1")
                                       .arg(current.data(Roles::ConnectionRole).toString())));
            });
    split->addWidget(m_view);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    // A filter that keeps nothing says so, instead of leaving an empty grid.
    connect(m_search, &QLineEdit::textChanged, this, &MatrixPage::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MatrixPage::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MatrixPage::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MatrixPage::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MatrixPage::updateEmptyMessage);
    updateLegend();

    // The history title names what the cell runs now: it follows the cell, not the click.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MatrixPage::updateHistoryTitle);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MatrixPage::updateHistoryTitle);

    // Ages in stale cells move even when no data does.
    auto *ageTimer = new QTimer(this);
    ageTimer->setInterval(30000);
    connect(ageTimer, &QTimer::timeout, m_view->viewport(), qOverload<>(&QWidget::update));
    ageTimer->start();
}

void MatrixPage::updateEmptyMessage()
{
    const QString text = m_search->text().trimmed();
    const bool empty = !text.isEmpty() && m_proxy->rowCount() == 0;
    m_empty->setText(empty ? tr("Nothing matches \"%1\". The filter looks at service names, "
                                "versions, commits and who deployed.")
                                 .arg(text)
                           : QString());
    m_empty->setVisible(empty);
}

void MatrixPage::updateLegend()
{
    // What the dot before each version means: the health colours the cells use.
    const StatusColors colors = StatusColors::of(palette());
    const auto dot = [](const QColor &c, const QString &word) {
        return QStringLiteral("<span style='color:%1'>●</span>&nbsp;%2")
            .arg(c.name(), word.toHtmlEscaped());
    };
    const QStringList items{
        dot(colorFor(Health::Healthy, colors), Wording::health(Health::Healthy)),
        dot(colorFor(Health::Progressing, colors), Wording::health(Health::Progressing)),
        dot(colorFor(Health::Degraded, colors), Wording::health(Health::Degraded)),
        dot(colorFor(Health::Missing, colors), Wording::health(Health::Missing)),
        dot(colorFor(Health::Unknown, colors), Wording::health(Health::Unknown)),
        dot(colors.stale, tr("stale (last known)"))};
    m_legend->setText(items.join(QStringLiteral("&nbsp;&nbsp; ")));
    m_legend->setToolTip(tr("The dot before a version is the health its backend reports; grey "
                            "marks a value kept from a connection that is not live."));
}

void MatrixPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange)
        updateLegend();
    if (event->type() == QEvent::LanguageChange)
        updateEmptyMessage();
    ConsolePage::changeEvent(event);
}

void MatrixPage::selectCell(const QString &service, const QString &environment)
{
    const QModelIndex idx = m_proxy->mapFromSource(m_model->indexOf(service, environment));
    if (!idx.isValid())
        return;
    m_view->setCurrentIndex(idx);
}

void MatrixPage::showHistory(const QModelIndex &proxyIndex)
{
    const QString service = proxyIndex.data(Roles::ServiceRole).toString();
    const QString env = proxyIndex.data(Roles::EnvironmentRole).toString();
    if (service.isEmpty() || env.isEmpty())
        return;
    m_historyModel->setTarget(service, env);
    m_historyService = service;
    m_historyEnvironment = env;
    updateHistoryTitle();
    const auto cell = m_model->cell(service, env);
    m_link->setText(cell.url.isEmpty() ? QString()
                                       : QStringLiteral("<a href=\"%1\">%2</a>")
                                             .arg(cell.url.toString(QUrl::FullyEncoded),
                                                  tr("Open in %1").arg(cell.connections.value(0))));
}

void MatrixPage::updateHistoryTitle()
{
    if (m_historyService.isEmpty())
        return;
    const auto cell = m_model->cell(m_historyService, m_historyEnvironment);
    m_historyTitle->setText(tr("Deployment history of %1 in %2 — now %3")
                                .arg(m_historyService, m_historyEnvironment,
                                     cell.version.isEmpty() ? QStringLiteral("—") : cell.version));
}

QList<ReleaseAction> MatrixPage::cellActions(const QString &service,
                                             const QString &environment) const
{
    QList<ReleaseAction> out;
    const auto cell = m_model->cell(service, environment);
    const QString next = m_model->nextEnvironment(environment);
    if (!next.isEmpty() && !cell.version.isEmpty()) {
        ReleaseAction promote;
        promote.verb = ReleaseAction::Verb::Promote;
        promote.service = service;
        promote.environment = next;
        // The cell shows a short sha; the action needs the full one.
        promote.version = !cell.commit.isEmpty() && cell.commit.startsWith(cell.version)
                              ? cell.commit
                              : cell.version;
        promote.options.insert(QStringLiteral("from"), environment);
        out << promote;
    }
    ReleaseAction rollback;
    rollback.verb = ReleaseAction::Verb::Rollback;
    rollback.service = service;
    rollback.environment = environment;
    out << rollback;
    ReleaseAction pause;
    pause.verb = ReleaseAction::Verb::Pause;
    pause.service = service;
    pause.environment = environment;
    out << pause;
    return out;
}

void MatrixPage::showContextMenu(const QPoint &pos)
{
    const QModelIndex idx = m_view->indexAt(pos);
    const QString service = idx.data(Roles::ServiceRole).toString();
    const QString env = idx.data(Roles::EnvironmentRole).toString();
    if (service.isEmpty() || env.isEmpty())
        return;
    QMenu menu(this);
    for (const auto &a : cellActions(service, env)) {
        QString text;
        switch (a.verb) {
        case ReleaseAction::Verb::Promote:
            text = tr("Promote %1 to %2").arg(a.version, a.environment);
            break;
        case ReleaseAction::Verb::Rollback:
            text = tr("Roll back %1 in %2").arg(service, env);
            break;
        case ReleaseAction::Verb::Pause:
            text = tr("Pause %1 in %2").arg(service, env);
            break;
        default:
            text = ConfirmActionDialog::verbText(a.verb);
            break;
        }
        QAction *act = menu.addAction(text);
        act->setEnabled(mutationsEnabled());
        connect(act, &QAction::triggered, this, [this, a] { Q_EMIT actionRequested(a); });
    }
    menu.addSeparator();
    QAction *history = menu.addAction(tr("Show deployment history"));
    connect(history, &QAction::triggered, this, [this, idx] { m_view->setCurrentIndex(idx); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace fd
