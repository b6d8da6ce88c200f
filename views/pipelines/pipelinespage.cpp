#include "pipelinespage.h"

#include "backend/backend.h"
#include "estate/estate.h"
#include "itemmodels/formatting.h"
#include "itemmodels/logtext.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/recordfilterproxymodel.h"
#include "itemmodels/runsmodel.h"
#include "shared/stagebardelegate.h"
#include "shared/statusproxy.h"
#include "shared/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace fd {

namespace {

QComboBox *filterCombo(const QString &name, const QString &all, QWidget *parent)
{
    auto *c = new QComboBox(parent);
    c->setObjectName(name);
    c->addItem(all, QString());
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    c->setMinimumWidth(120);
    return c;
}

// Keeps the choices in step with the data without disturbing the current choice.
// One pass over what the combo holds, not a findData() per value: thousands of services and
// branches would make that quadratic on every refresh.
void mergeChoices(QComboBox *combo, const QStringList &values)
{
    QSet<QString> known;
    known.reserve(combo->count());
    for (int i = 0; i < combo->count(); ++i)
        known.insert(combo->itemData(i).toString());
    for (const auto &v : values)
        if (!v.isEmpty() && !known.contains(v))
            combo->addItem(v, v);
}

} // namespace

PipelinesPage::PipelinesPage(Estate *estate, QWidget *parent)
    : ConsolePage(estate, parent)
    , m_model(new RunsModel(estate, this))
    , m_filter(new RecordFilterProxyModel(this))
    , m_colours(new StatusProxy(StatusProxy::Kind::Run, RunsModel::Status, this))
{
    setObjectName(QStringLiteral("pipelinesPage"));
    m_filter->setSourceModel(m_model);
    m_filter->sort(RunsModel::Started, Qt::DescendingOrder);
    m_colours->setSourceModel(m_filter);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    auto *bar = new QHBoxLayout;
    m_backend = filterCombo(QStringLiteral("backendFilter"), tr("All backends"), this);
    m_service = filterCombo(QStringLiteral("serviceFilter"), tr("All services"), this);
    m_status = filterCombo(QStringLiteral("statusFilter"), tr("Any status"), this);
    m_branch = filterCombo(QStringLiteral("branchFilter"), tr("All branches"), this);
    for (RunStatus s : {RunStatus::Running, RunStatus::Queued, RunStatus::Waiting,
                        RunStatus::Succeeded, RunStatus::Failed, RunStatus::Cancelled})
        m_status->addItem(Wording::runStatus(s), QString::number(int(s)));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("runSearch"));
    m_search->setPlaceholderText(tr("Search runs…"));
    m_search->setClearButtonEnabled(true);
    for (QComboBox *c : {m_backend, m_service, m_status, m_branch})
        bar->addWidget(c);
    bar->addWidget(m_search, 1);
    layout->addLayout(bar);

    const QList<QPair<QComboBox *, int>> filters{{m_backend, Roles::ConnectionRole},
                                                 {m_service, Roles::ServiceRole},
                                                 {m_status, Roles::StatusRole},
                                                 {m_branch, Roles::BranchRole}};
    for (const auto &[combo, role] : filters) {
        connect(combo, &QComboBox::currentIndexChanged, this, [this, combo = combo, role = role] {
            m_filter->setRoleFilter(role, combo->currentData().toString());
        });
    }
    connect(m_search, &QLineEdit::textChanged, m_filter, &RecordFilterProxyModel::setFilterText);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("runsView"));
    m_view->setModel(m_colours);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunsModel::Started, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(font()).height() + 10);
    m_view->setItemDelegateForColumn(RunsModel::Stages, new StageBarDelegate(m_view));
    auto *header = m_view->horizontalHeader();
    header->setTextElideMode(Qt::ElideRight);
    header->setMinimumSectionSize(36);
    // Pipeline takes what is left; the others get what their content needs, and the least
    // important ones go when the table is narrow (fitColumns), so nothing scrolls sideways.
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(RunsModel::Pipeline, QHeaderView::Stretch);
    header->setStretchLastSection(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->installEventFilter(this);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { showRun(); });
    // The detail pane follows live changes of the selected run.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl) {
        if (m_model->keyAt(tl.row()) == m_shownKey)
            showRun();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &PipelinesPage::refreshFilterChoices);

    auto *detail = new QWidget(split);
    auto *dl = new QVBoxLayout(detail);
    dl->setContentsMargins(6, 0, 0, 0);
    m_title = new QLabel(tr("Select a run."), detail);
    m_title->setObjectName(QStringLiteral("runTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_meta = new QLabel(detail);
    m_meta->setObjectName(QStringLiteral("runMeta"));
    m_meta->setWordWrap(true);
    m_meta->setOpenExternalLinks(true);
    m_meta->setTextInteractionFlags(Qt::TextBrowserInteraction);
    dl->addWidget(m_title);
    dl->addWidget(m_meta);
    auto *buttons = new QHBoxLayout;
    m_rerun = new QPushButton(tr("Re-run"), detail);
    m_rerun->setObjectName(QStringLiteral("rerunButton"));
    m_cancel = new QPushButton(tr("Cancel run"), detail);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    buttons->addWidget(m_rerun);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    dl->addLayout(buttons);
    auto request = [this](ReleaseAction::Verb verb) {
        const Run r = this->estate()->runs().value(m_shownKey);
        if (r.id.isEmpty())
            return;
        Q_EMIT actionRequested(actionFor(r, verb));
    };
    connect(m_rerun, &QPushButton::clicked, this,
            [request] { request(ReleaseAction::Verb::Rerun); });
    connect(m_cancel, &QPushButton::clicked, this,
            [request] { request(ReleaseAction::Verb::Cancel); });

    m_stages = new QTreeWidget(detail);
    m_stages->setObjectName(QStringLiteral("stageTree"));
    m_stages->setHeaderLabels({tr("Stage"), tr("Status"), tr("Duration")});
    m_stages->setRootIsDecorated(true);
    m_stages->header()->setStretchLastSection(false);
    m_stages->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    dl->addWidget(m_stages, 2);
    auto *logBar = new QHBoxLayout;
    logBar->addWidget(new QLabel(tr("Log tail"), detail));
    logBar->addStretch(1);
    m_wrap = new QCheckBox(tr("Wrap lines"), detail);
    m_wrap->setObjectName(QStringLiteral("wrapLogCheck"));
    m_wrap->setChecked(true);
    logBar->addWidget(m_wrap);
    m_more = new QPushButton(tr("Load earlier lines"), detail);
    m_more->setObjectName(QStringLiteral("moreLogButton"));
    logBar->addWidget(m_more);
    dl->addLayout(logBar);
    m_log = new QPlainTextEdit(detail);
    m_log->setObjectName(QStringLiteral("logTail"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_log->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // A capped block count keeps a huge log from being laid out whole.
    m_log->setMaximumBlockCount(5000);
    dl->addWidget(m_log, 3);
    connect(m_wrap, &QCheckBox::toggled, this, [this](bool wrap) {
        m_log->setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    });
    connect(m_more, &QPushButton::clicked, this,
            [this] { fetchLog(std::min(LogCapBytes, std::max(m_logBytes, LogChunkBytes) * 2)); });

    split->addWidget(m_view);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({1000, 420});
    layout->addWidget(split, 1);
    refreshFilterChoices();
    updateActions();
}

ReleaseAction PipelinesPage::actionFor(const Run &run, ReleaseAction::Verb verb)
{
    ReleaseAction a;
    a.verb = verb;
    a.connectionId = run.connectionId;
    a.service = run.service;
    a.environment = run.environment;
    a.target = run.id; // the backend's run id; connectionId says whose
    return a;
}

int PipelinesPage::columnWidthFor(int column) const
{
    const QFontMetrics fm(m_view->font());
    const QFontMetrics hfm(m_view->horizontalHeader()->font());
    const int pad =
        2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 14;
    const int header =
        hfm.horizontalAdvance(
            m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString()) +
        22; // room for the sort arrow
    auto widest = [&fm](const QStringList &samples) {
        int w = 0;
        for (const QString &t : samples)
            w = std::max(w, fm.horizontalAdvance(t));
        return w;
    };
    int content = 0;
    switch (RunsModel::Column(column)) {
    case RunsModel::Backend:
        content =
            widest({QStringLiteral("jenkins"), QStringLiteral("argocd"), QStringLiteral("gitlab")});
        break;
    case RunsModel::Service:
        content = fm.horizontalAdvance(QLatin1Char('m')) * 8;
        break;
    case RunsModel::Pipeline:
        content = fm.horizontalAdvance(QLatin1Char('m')) * 8;
        break;
    case RunsModel::Number:
        content = fm.horizontalAdvance(QStringLiteral("99999"));
        break;
    case RunsModel::Branch:
        content = fm.horizontalAdvance(QLatin1Char('m')) * 7;
        break;
    case RunsModel::Commit:
        content = fm.horizontalAdvance(QStringLiteral("0a1b2c3"));
        break;
    case RunsModel::Actor:
        content = fm.horizontalAdvance(QLatin1Char('m')) * 6;
        break;
    case RunsModel::Status: {
        QStringList words;
        for (RunStatus st : {RunStatus::Queued, RunStatus::Running, RunStatus::Waiting,
                             RunStatus::Succeeded, RunStatus::Failed, RunStatus::Cancelled})
            words << Wording::runStatus(st);
        content = widest(words);
        break;
    }
    case RunsModel::Stages:
        content = 72;
        break;
    case RunsModel::Duration:
        content = widest(
            {Wording::duration(59 * 60000 + 59000), Wording::duration(23 * 3600000 + 59 * 60000)});
        break;
    case RunsModel::Started:
        content = fm.horizontalAdvance(QStringLiteral("12-31 23:59"));
        break;
    case RunsModel::ColumnCount:
        break;
    }
    return std::max(header, content + pad);
}

void PipelinesPage::fitColumns()
{
    QHeaderView *header = m_view->horizontalHeader();
    const int available = m_view->viewport()->width();
    if (available <= 0)
        return;
    // Least important first: these go, in this order, when the table is too narrow.
    static const QList<int> dropOrder{RunsModel::Commit, RunsModel::Actor,  RunsModel::Backend,
                                      RunsModel::Branch, RunsModel::Number, RunsModel::Stages};
    QHash<int, int> widths;
    for (int c = 0; c < RunsModel::ColumnCount; ++c)
        widths.insert(c, columnWidthFor(c));
    QSet<int> hidden;
    auto total = [&] {
        int sum = 0;
        for (int c = 0; c < RunsModel::ColumnCount; ++c)
            if (!hidden.contains(c))
                sum += widths.value(c);
        return sum;
    };
    for (int c : dropOrder) {
        if (total() <= available)
            break;
        hidden.insert(c);
    }
    for (int c = 0; c < RunsModel::ColumnCount; ++c) {
        m_view->setColumnHidden(c, hidden.contains(c));
        if (c != RunsModel::Pipeline && !hidden.contains(c))
            header->resizeSection(c, widths.value(c));
    }
}

bool PipelinesPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && (event->type() == QEvent::Resize || event->type() == QEvent::Show ||
                              event->type() == QEvent::FontChange))
        fitColumns();
    return ConsolePage::eventFilter(watched, event);
}

void PipelinesPage::changeEvent(QEvent *event)
{
    ConsolePage::changeEvent(event);
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::FontChange)
        fitColumns();
}

QString PipelinesPage::selectedRunKey() const
{
    return m_shownKey;
}

void PipelinesPage::selectRun(const QString &key)
{
    const int row = m_model->rowOf(key);
    if (row < 0)
        return;
    const QModelIndex idx =
        m_colours->mapFromSource(m_filter->mapFromSource(m_model->index(row, 0)));
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
}

void PipelinesPage::refreshFilterChoices()
{
    QStringList backends, services, branches;
    for (const auto &r : estate()->runs()) {
        backends << r.connectionId;
        services << r.service;
        branches << r.branch;
    }
    for (auto *list : {&backends, &services, &branches}) {
        list->removeDuplicates();
        list->sort();
    }
    mergeChoices(m_backend, backends);
    mergeChoices(m_service, services);
    mergeChoices(m_branch, branches);
}

void PipelinesPage::showRun()
{
    const QModelIndex current = m_view->currentIndex();
    const QString key = current.isValid() ? current.data(Roles::KeyRole).toString() : QString();
    const bool newRun = key != m_shownKey;
    m_shownKey = key;
    const auto it = estate()->runs().constFind(key);
    m_stages->clear();
    if (it == estate()->runs().cend()) {
        m_title->setText(tr("Select a run."));
        m_meta->clear();
        m_log->clear();
        updateActions();
        return;
    }
    const Run &r = *it;
    m_title->setText(
        tr("%1 #%2 — %3")
            .arg(Wording::pipelineName(r.pipeline), r.number, Wording::runStatus(r.status)));
    QStringList meta;
    meta << tr("%1 on %2").arg(r.service.isEmpty() ? r.connectionId : r.service, r.connectionId);
    if (!r.branch.isEmpty())
        meta << tr("branch %1 at %2").arg(r.branch, Wording::shortCommit(r.commit));
    if (!r.actor.isEmpty())
        meta << tr("by %1").arg(r.actor);
    meta << Wording::duration(RunsModel::durationMs(r));
    QString html = meta.join(QStringLiteral(" · ")).toHtmlEscaped();
    if (r.url.isValid())
        html += QStringLiteral("<br><a href=\"%1\">%2</a>")
                    .arg(r.url.toString(QUrl::FullyEncoded), tr("Open in %1").arg(r.connectionId));
    m_meta->setText(html);
    const StatusColors colors = StatusColors::of(palette());
    std::function<void(QTreeWidgetItem *, const Stage &)> fill = [&](QTreeWidgetItem *item,
                                                                     const Stage &s) {
        item->setText(0, s.name);
        item->setText(1, Wording::runStatus(s.status));
        item->setForeground(1, colorFor(s.status, colors));
        qint64 ms = s.durationMs;
        if (ms < 0 && s.started.isValid())
            ms = s.started.msecsTo(s.finished.isValid() ? s.finished
                                                        : QDateTime::currentDateTimeUtc());
        item->setText(2, Wording::duration(ms));
        item->setData(0, Qt::UserRole, s.id);
        for (const auto &step : s.steps)
            fill(new QTreeWidgetItem(item), step);
    };
    for (const auto &s : r.stages)
        fill(new QTreeWidgetItem(m_stages), s);
    m_stages->expandToDepth(0);
    updateActions();
    // The tail is read again whenever the run moves on (a stage starts or ends, the run
    // finishes), so a finished run never shows the log of a stage it has left.
    const QString progress = progressOf(r);
    if (newRun)
        fetchLog(LogChunkBytes);
    else if (progress != m_logProgress)
        fetchLog(std::max(m_logBytes, LogChunkBytes), false);
    m_logProgress = progress;
}

QString PipelinesPage::progressOf(const Run &run)
{
    QString out = QString::number(int(run.status));
    std::function<void(const Stage &)> add = [&](const Stage &s) {
        out += QLatin1Char('|') + s.id + QLatin1Char(':') + QString::number(int(s.status));
        for (const Stage &step : s.steps)
            add(step);
    };
    for (const Stage &s : run.stages)
        add(s);
    return out;
}

void PipelinesPage::fetchLog(qint64 bytes, bool announce)
{
    const auto it = estate()->runs().constFind(m_shownKey);
    if (it == estate()->runs().cend())
        return;
    Backend *backend = m_backends ? m_backends(it->connectionId) : nullptr;
    // Our own messages wrap to the pane; a log keeps its lines as they are.
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    if (!backend) {
        m_log->setPlainText(
            tr("No log: the backend for %1 is not connected.").arg(it->connectionId));
        m_more->setEnabled(false);
        return;
    }
    const quint64 request = ++m_logRequest;
    m_logBytes = bytes;
    if (announce)
        m_log->setPlainText(tr("Loading the last %1 KiB…").arg(bytes / 1024));
    QPointer<PipelinesPage> self(this);
    backend->fetchLogTail(
        it->id, QString(), bytes,
        [self, request, bytes](const QString &text, const QString &error) {
            // The page may be gone, or the user may have moved on to another run.
            if (!self || request != self->m_logRequest)
                return;
            if (!error.isEmpty()) {
                self->m_log->setPlainText(tr("Could not load the log: %1").arg(error));
                return;
            }
            self->m_log->setLineWrapMode(self->m_wrap->isChecked() ? QPlainTextEdit::WidgetWidth
                                                                   : QPlainTextEdit::NoWrap);
            self->m_log->setPlainText(readableLog(text.right(int(LogCapBytes))));
            self->m_log->moveCursor(QTextCursor::End);
            self->m_more->setEnabled(bytes < LogCapBytes && text.size() >= bytes / 2);
        });
}

void PipelinesPage::updateActions()
{
    const auto it = estate()->runs().constFind(m_shownKey);
    const bool have = it != estate()->runs().cend();
    m_rerun->setEnabled(mutationsEnabled() && have && isFinished(it->status));
    m_cancel->setEnabled(mutationsEnabled() && have && !isFinished(it->status));
    m_more->setEnabled(have && m_logBytes < LogCapBytes);
}

} // namespace fd
