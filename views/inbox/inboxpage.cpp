#include "inboxpage.h"

#include "estate/estate.h"
#include "itemmodels/formatting.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/recordfilterproxymodel.h"
#include "shared/statusproxy.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace fd {

InboxPage::InboxPage(Estate *estate, QWidget *parent)
    : ConsolePage(estate, parent)
    , m_model(new GatesModel(estate, this))
    , m_filter(new RecordFilterProxyModel(this))
    , m_colours(new StatusProxy(StatusProxy::Kind::Gate, GatesModel::Kind, this))
{
    setObjectName(QStringLiteral("inboxPage"));
    m_filter->setSourceModel(m_model);
    m_filter->sort(GatesModel::Since, Qt::AscendingOrder);
    m_colours->setSourceModel(m_filter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("inboxSearch"));
    m_search->setPlaceholderText(tr("Filter approvals…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &RecordFilterProxyModel::setFilterText);
    layout->addWidget(m_search);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("gatesView"));
    m_view->setModel(m_colours);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(GatesModel::Since, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(font()).height() + 12);
    auto *header = m_view->horizontalHeader();
    header->setDefaultSectionSize(120);
    header->resizeSection(GatesModel::What, 300);
    header->resizeSection(GatesModel::Kind, 190);
    header->setStretchLastSection(true);
    layout->addWidget(m_view, 1);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &cur) {
                const QString before = m_key;
                if (!m_key.isEmpty() && !this->estate()->gates().contains(m_key)) {
                    // The view is moving off a removed gate; cleared below once removal ends.
                    m_selectedGoing = true;
                    m_key.clear();
                } else {
                    m_key = cur.data(Roles::KeyRole).toString();
                }
                // A comment is written for one decision: it never travels to another gate.
                if (m_key != before)
                    m_comment->clear();
                showGate();
            });
    auto counts = [this] { Q_EMIT pendingCountChanged(m_model->rowCount()); };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, counts);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, counts);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl) {
        if (m_model->keyAt(tl.row()) == m_key)
            showGate();
    });
    // When the selected gate goes away (approved elsewhere, timed out), nothing else becomes
    // selected: moving to a neighbour would put a different gate under the operator's click.
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_selectedGoing)
            return;
        m_selectedGoing = false;
        m_view->selectionModel()->clearSelection();
        m_view->selectionModel()->clearCurrentIndex();
        m_key.clear();
        m_comment->clear();
        showGate();
    });

    m_detail = new QLabel(tr("Select an approval."), this);
    m_detail->setObjectName(QStringLiteral("gateDetail"));
    m_detail->setWordWrap(true);
    m_detail->setOpenExternalLinks(true);
    m_detail->setTextInteractionFlags(Qt::TextBrowserInteraction);
    layout->addWidget(m_detail);
    auto *row = new QHBoxLayout;
    m_comment = new QLineEdit(this);
    m_comment->setObjectName(QStringLiteral("gateComment"));
    m_comment->setPlaceholderText(tr("Comment (kept with the decision)"));
    m_approve = new QPushButton(tr("Approve"), this);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_reject = new QPushButton(tr("Reject"), this);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    row->addWidget(m_comment, 1);
    row->addWidget(m_approve);
    row->addWidget(m_reject);
    layout->addLayout(row);
    connect(m_approve, &QPushButton::clicked, this,
            [this] { request(ReleaseAction::Verb::Approve); });
    connect(m_reject, &QPushButton::clicked, this,
            [this] { request(ReleaseAction::Verb::Reject); });
    updateActions();
}

void InboxPage::selectGate(const QString &key)
{
    const int row = m_model->rowOf(key);
    if (row < 0)
        return;
    m_view->setCurrentIndex(
        m_colours->mapFromSource(m_filter->mapFromSource(m_model->index(row, 0))));
}

void InboxPage::showGate()
{
    const auto it = estate()->gates().constFind(m_key);
    if (it == estate()->gates().cend()) {
        m_detail->setText(tr("Select an approval."));
        updateActions();
        return;
    }
    const Gate &g = *it;
    QString html =
        tr("<b>%1</b><br>%2 · %3 in %4 · waiting %5")
            .arg(GatesModel::describe(*estate(), g).toHtmlEscaped(), Wording::gateKind(g.kind),
                 g.service.toHtmlEscaped(), g.environment.toHtmlEscaped(),
                 Wording::age(g.since.isValid() ? g.since.secsTo(QDateTime::currentDateTimeUtc())
                                                : -1));
    if (!g.approvers.isEmpty())
        html += QStringLiteral("<br>") +
                tr("May approve: %1").arg(g.approvers.join(QStringLiteral(", ")).toHtmlEscaped());
    if (!g.currentUserCanApprove)
        html += QStringLiteral("<br>") + tr("You are not among the approvers of this gate.");
    if (g.url.isValid())
        html += QStringLiteral("<br><a href=\"%1\">%2</a>")
                    .arg(g.url.toString(QUrl::FullyEncoded), tr("Open in %1").arg(g.connectionId));
    m_detail->setText(html);
    updateActions();
}

void InboxPage::request(ReleaseAction::Verb verb)
{
    const auto it = estate()->gates().constFind(m_key);
    if (it == estate()->gates().cend())
        return;
    Q_EMIT actionRequested(actionFor(*it, verb, m_comment->text().trimmed()));
}

ReleaseAction
InboxPage::actionFor(const Gate &gate, ReleaseAction::Verb verb, const QString &comment)
{
    ReleaseAction a;
    a.verb = verb;
    a.connectionId = gate.connectionId;
    a.service = gate.service;
    a.environment = gate.environment;
    // The backend's own gate id: the planners look gates up by it (the connection says whose).
    a.target = gate.id;
    a.comment = comment;
    return a;
}

void InboxPage::updateActions()
{
    const auto it = estate()->gates().constFind(m_key);
    const bool can =
        mutationsEnabled() && it != estate()->gates().cend() && it->currentUserCanApprove;
    m_approve->setEnabled(can);
    m_reject->setEnabled(can);
}

} // namespace fd
