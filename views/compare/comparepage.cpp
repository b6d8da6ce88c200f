#include "comparepage.h"

#include "compare/comparemodels.h"
#include "compare/comparereport.h"
#include "estate/estate.h"
#include "estate/session.h"
#include "shared/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace fd {

namespace {

/// Sorts the grid by raw values and colours the gap, drift and problem columns.
class GridProxy : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::ForegroundRole) {
            const StatusColors c = StatusColors::of(QApplication::palette());
            switch (index.column()) {
            case CompareGridModel::Gap:
                switch (VersionRelation(index.data(CompareRoles::RelationRole).toInt())) {
                case VersionRelation::Same:
                    return c.ok;
                case VersionRelation::Ahead:
                    return c.accent;
                case VersionRelation::Behind:
                    return c.warn;
                case VersionRelation::Diverged:
                    return c.bad;
                case VersionRelation::Missing:
                case VersionRelation::Unknown:
                    return c.neutral;
                }
                break;
            case CompareGridModel::Drift:
                return index.data(CompareRoles::DriftRole).toBool() ? QVariant(c.warn)
                                                                    : QVariant(c.neutral);
            case CompareGridModel::Problems:
                return c.bad;
            default:
                break;
            }
        }
        if (role == Qt::FontRole && index.column() == CompareGridModel::Service) {
            QFont f = QApplication::font();
            f.setBold(true);
            return f;
        }
        return QSortFilterProxyModel::data(index, role);
    }
};

/// Colours config rows by kind and greys commits that only B has.
class DetailProxy : public QIdentityProxyModel
{
public:
    enum class Kind { Config, Commits, Drift };
    DetailProxy(Kind kind, QObject *parent)
        : QIdentityProxyModel(parent)
        , m_kind(kind)
    {}

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role != Qt::ForegroundRole && role != Qt::FontRole)
            return QIdentityProxyModel::data(index, role);
        const QModelIndex source = mapToSource(index);
        const StatusColors c = StatusColors::of(QApplication::palette());
        if (m_kind == Kind::Config && role == Qt::ForegroundRole &&
            index.column() == ConfigDiffModel::Change) {
            switch (ConfigChange::Kind(source.data(CompareRoles::ChangeKindRole).toInt())) {
            case ConfigChange::Kind::Added:
                return c.ok;
            case ConfigChange::Kind::Removed:
                return c.bad;
            case ConfigChange::Kind::Changed:
                return c.warn;
            case ConfigChange::Kind::Normalized:
                return c.neutral;
            }
        }
        if (m_kind == Kind::Drift && role == Qt::ForegroundRole &&
            index.column() == ResourceDriftModel::State)
            return source.data(CompareRoles::DriftStateRole).toInt() == 0 ? c.warn : c.bad;
        if (m_kind == Kind::Drift && role == Qt::FontRole &&
            (index.column() == ResourceDriftModel::Desired ||
             index.column() == ResourceDriftModel::Live))
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        if (m_kind == Kind::Commits && source.data(CompareRoles::SideRole).toInt() == 1) {
            if (role == Qt::ForegroundRole)
                return c.warn;
        }
        if (m_kind == Kind::Commits && role == Qt::FontRole &&
            index.column() == CommitListModel::Commit) {
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        }
        return QIdentityProxyModel::data(index, role);
    }

private:
    Kind m_kind;
};

QTableView *makeTable(QWidget *parent, const QString &name)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->verticalHeader()->hide();
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setShowGrid(false);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setHighlightSections(false);
    view->verticalHeader()->setDefaultSectionSize(QFontMetrics(view->font()).height() + 10);
    return view;
}

} // namespace

ComparePage::ComparePage(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_engine(new CompareEngine(this))
    , m_grid(new CompareGridModel(this))
    , m_gridProxy(new GridProxy(this))
    , m_commits(new CommitListModel(this))
    , m_config(new ConfigDiffModel(this))
    , m_images(new ImagePairModel(this))
    , m_drift(new ResourceDriftModel(this))
{
    if (m_session)
        m_engine->setBackends([session = QPointer<Session>(m_session)](const QString &id) {
            return session ? session->backend(id) : nullptr;
        });
    setObjectName(QStringLiteral("comparePage"));
    m_gridProxy->setSourceModel(m_grid);
    m_gridProxy->setSortRole(CompareRoles::SortRole);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);

    // Pickers and export.
    auto *bar = new QHBoxLayout;
    bar->setSpacing(6);
    m_title = new QLabel(this);
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_title->setFont(big);
    bar->addWidget(m_title);
    bar->addSpacing(12);
    m_aLabel = new QLabel(this);
    bar->addWidget(m_aLabel);
    m_envA = new QComboBox(this);
    m_envA->setObjectName(QStringLiteral("compareEnvA"));
    m_envA->setMinimumContentsLength(8);
    bar->addWidget(m_envA);
    m_swap = new QPushButton(QStringLiteral("⇄"), this);
    m_swap->setObjectName(QStringLiteral("compareSwap"));
    m_swap->setFixedWidth(36);
    bar->addWidget(m_swap);
    m_bLabel = new QLabel(this);
    bar->addWidget(m_bLabel);
    m_envB = new QComboBox(this);
    m_envB->setObjectName(QStringLiteral("compareEnvB"));
    m_envB->setMinimumContentsLength(8);
    bar->addWidget(m_envB);
    bar->addSpacing(12);
    m_serviceLabel = new QLabel(this);
    bar->addWidget(m_serviceLabel);
    m_service = new QComboBox(this);
    m_service->setObjectName(QStringLiteral("compareService"));
    m_service->setMinimumContentsLength(12);
    bar->addWidget(m_service);
    m_refresh = new QPushButton(this);
    m_refresh->setObjectName(QStringLiteral("compareRefresh"));
    bar->addWidget(m_refresh);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("compareProgress"));
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_progress->hide();
    bar->addWidget(m_progress);
    bar->addStretch(1);
    m_copy = new QPushButton(this);
    m_copy->setObjectName(QStringLiteral("compareCopyMarkdown"));
    bar->addWidget(m_copy);
    m_save = new QPushButton(this);
    m_save->setObjectName(QStringLiteral("compareSave"));
    bar->addWidget(m_save);
    layout->addLayout(bar);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("compareStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    m_gridView = makeTable(split, QStringLiteral("compareGrid"));
    m_gridView->setModel(m_gridProxy);
    m_gridView->setSortingEnabled(true);
    m_gridView->sortByColumn(CompareGridModel::Service, Qt::AscendingOrder);
    m_gridView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_gridView->horizontalHeader()->setStretchLastSection(true);
    m_gridView->verticalHeader()->setDefaultSectionSize(QFontMetrics(font()).height() + 14);

    auto *detail = new QWidget(split);
    auto *dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 6, 0, 0);
    dl->setSpacing(4);
    m_detailTitle = new QLabel(detail);
    m_detailTitle->setObjectName(QStringLiteral("compareDetailTitle"));
    QFont bold = m_detailTitle->font();
    bold.setBold(true);
    m_detailTitle->setFont(bold);
    dl->addWidget(m_detailTitle);
    m_detailSummary = new QLabel(detail);
    m_detailSummary->setObjectName(QStringLiteral("compareDetailSummary"));
    m_detailSummary->setWordWrap(true);
    m_detailSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dl->addWidget(m_detailSummary);
    m_problems = new QLabel(detail);
    m_problems->setObjectName(QStringLiteral("compareProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->hide();
    dl->addWidget(m_problems);

    m_tabs = new QTabWidget(detail);
    m_tabs->setObjectName(QStringLiteral("compareTabs"));
    m_commitView = makeTable(m_tabs, QStringLiteral("compareCommits"));
    auto *commitProxy = new DetailProxy(DetailProxy::Kind::Commits, this);
    commitProxy->setSourceModel(m_commits);
    m_commitView->setModel(commitProxy);
    m_commitView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_commitView->horizontalHeader()->setSectionResizeMode(CommitListModel::Subject,
                                                           QHeaderView::Stretch);
    m_tabs->addTab(m_commitView, QString());

    auto *configPane = new QWidget(m_tabs);
    auto *cl = new QVBoxLayout(configPane);
    cl->setContentsMargins(0, 4, 0, 0);
    m_showNormalized = new QCheckBox(configPane);
    m_showNormalized->setObjectName(QStringLiteral("compareShowNormalized"));
    cl->addWidget(m_showNormalized);
    m_configView = makeTable(configPane, QStringLiteral("compareConfig"));
    auto *configProxy = new DetailProxy(DetailProxy::Kind::Config, this);
    configProxy->setSourceModel(m_config);
    m_configView->setModel(configProxy);
    m_configView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_configView->horizontalHeader()->setSectionResizeMode(ConfigDiffModel::ValueA,
                                                           QHeaderView::Stretch);
    m_configView->horizontalHeader()->setSectionResizeMode(ConfigDiffModel::ValueB,
                                                           QHeaderView::Stretch);
    cl->addWidget(m_configView);
    m_tabs->addTab(configPane, QString());

    m_imageView = makeTable(m_tabs, QStringLiteral("compareImages"));
    m_imageView->setModel(m_images);
    m_imageView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_imageView->horizontalHeader()->setSectionResizeMode(ImagePairModel::ImageA,
                                                          QHeaderView::Stretch);
    m_imageView->horizontalHeader()->setSectionResizeMode(ImagePairModel::ImageB,
                                                          QHeaderView::Stretch);
    m_tabs->addTab(m_imageView, QString());

    m_driftView = makeTable(m_tabs, QStringLiteral("compareDrift"));
    auto *driftProxy = new DetailProxy(DetailProxy::Kind::Drift, this);
    driftProxy->setSourceModel(m_drift);
    m_driftView->setModel(driftProxy);
    m_driftView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_driftView->horizontalHeader()->setSectionResizeMode(ResourceDriftModel::Desired,
                                                          QHeaderView::Stretch);
    m_driftView->horizontalHeader()->setSectionResizeMode(ResourceDriftModel::Live,
                                                          QHeaderView::Stretch);
    m_tabs->addTab(m_driftView, QString());
    dl->addWidget(m_tabs, 1);

    split->addWidget(m_gridView);
    split->addWidget(detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(m_gridView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showDetail(current.data(CompareRoles::ServiceRole).toString());
            });
    connect(m_envA, &QComboBox::activated, this, [this] { refresh(); });
    connect(m_envB, &QComboBox::activated, this, [this] { refresh(); });
    connect(m_service, &QComboBox::activated, this, [this] { refresh(); });
    connect(m_swap, &QPushButton::clicked, this,
            [this] { setEnvironments(environmentB(), environmentA()); });
    connect(m_refresh, &QPushButton::clicked, this, [this] { refresh(); });
    connect(m_copy, &QPushButton::clicked, this, &ComparePage::copyMarkdown);
    connect(m_save, &QPushButton::clicked, this, &ComparePage::saveMarkdown);
    connect(m_showNormalized, &QCheckBox::toggled, m_config, &ConfigDiffModel::setShowNormalized);

    connect(m_engine, &CompareEngine::started, this, [this](int total) {
        m_progress->setRange(0, qMax(1, total));
        m_progress->setValue(0);
        m_progress->show();
        m_status->setText(tr("Comparing %1 with %2…").arg(environmentA(), environmentB()));
    });
    connect(m_engine, &CompareEngine::fetching, this, [this] {
        m_progress->setRange(0, 0); // busy: the backends answer when they answer
        m_status->setText(tr("Reading Argo CD desired and live state for %1 and %2…")
                              .arg(environmentA(), environmentB()));
    });
    connect(m_engine, &CompareEngine::progress, this, [this](int done, int total) {
        m_progress->setRange(0, qMax(1, total));
        m_progress->setValue(done);
    });
    connect(m_engine, &CompareEngine::finished, this, &ComparePage::onFinished);

    // New deployments change what is compared; re-compare once the estate is quiet.
    m_estateSettle.setSingleShot(true);
    m_estateSettle.setInterval(1500);
    connect(&m_estateSettle, &QTimer::timeout, this, [this] { refresh(); });
    if (m_session) {
        // Only changes to the two compared environments matter: each re-compare reads every
        // Argo CD application's managed resources again.
        connect(m_session->estate(), &Estate::changed, this,
                [this](RecordKind kind, const QStringList &inserted, const QStringList &updated,
                       const QStringList &removed) {
                    if (kind != RecordKind::Environments)
                        return;
                    const QString a = environmentA(), b = environmentB();
                    for (const QStringList *keys : {&inserted, &updated, &removed})
                        for (const QString &key : *keys) {
                            // EnvironmentState keys end in "/<environment>".
                            const QString env = key.section(QLatin1Char('/'), -1);
                            if (env == a || env == b) {
                                m_estateSettle.start();
                                return;
                            }
                        }
                });
        connect(m_session, &Session::syncedAll, this, [this] { refresh(); });
    }

    retranslate();
    fillPickers();
    if (m_session && !m_session->estate()->environments().isEmpty())
        refresh();
}

ComparePage::~ComparePage() = default;

void ComparePage::retranslate()
{
    m_title->setText(tr("Compare"));
    m_aLabel->setText(tr("What is in"));
    m_bLabel->setText(tr("that is not in"));
    m_serviceLabel->setText(tr("Service"));
    m_swap->setToolTip(tr("Swap the environments"));
    m_refresh->setText(tr("Refresh"));
    m_copy->setText(tr("Copy Markdown"));
    m_save->setText(tr("Save…"));
    m_showNormalized->setText(
        tr("Show expected per-environment differences (namespace, environment name, marked keys)"));
    if (m_service->count() > 0)
        m_service->setItemText(0, tr("All services"));
    if (m_grid->report().services.isEmpty() && !m_engine->isRunning())
        m_status->setText(tr("Pick two environments to compare."));
    showDetail(m_selected);
}

void ComparePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void ComparePage::fillPickers()
{
    QStringList envs = m_session ? m_session->workspace().environmentNames() : QStringList();
    const auto [a, b] = defaultCompareEnvironments(envs);
    m_envA->clear();
    m_envB->clear();
    m_envA->addItems(envs);
    m_envB->addItems(envs);
    m_envA->setCurrentText(a);
    m_envB->setCurrentText(b);
    m_service->clear();
    m_service->addItem(tr("All services"), QString());
    if (m_session)
        for (const ServiceDef &s : m_session->workspace().services)
            m_service->addItem(s.name, s.name);
}

void ComparePage::setEnvironments(const QString &envA, const QString &envB)
{
    m_envA->setCurrentText(envA);
    m_envB->setCurrentText(envB);
    refresh();
}

QString ComparePage::environmentA() const
{
    return m_envA->currentText();
}

QString ComparePage::environmentB() const
{
    return m_envB->currentText();
}

bool ComparePage::isComparing() const
{
    return m_engine->isRunning();
}

void ComparePage::refresh()
{
    if (!m_session || environmentA().isEmpty() || environmentB().isEmpty())
        return;
    if (m_envA->count() == 0)
        fillPickers();
    const QString only = m_service->currentData().toString();
    m_engine->start(makeCompareRequest(m_session->workspace(), *m_session->estate(), environmentA(),
                                       environmentB(),
                                       only.isEmpty() ? QStringList() : QStringList{only}));
}

void ComparePage::onFinished(const CompareReport &report)
{
    m_progress->hide();
    m_grid->setReport(report);
    m_gridView->resizeColumnsToContents();
    for (int c = 0; c < CompareGridModel::ColumnCount; ++c)
        m_gridView->setColumnWidth(c, qMin(m_gridView->columnWidth(c) + 16, 360));
    int differ = 0, problems = 0;
    for (const ServiceComparison &s : report.services) {
        differ += s.differs();
        problems += !s.problems.isEmpty();
    }
    QString status = tr("%1 vs %2: services compared: %3")
                         .arg(report.envA, report.envB)
                         .arg(report.services.size());
    status += QStringLiteral(" · ") + tr("differ: %1").arg(differ);
    if (problems > 0)
        status += QStringLiteral(" · ") + tr("with problems: %1").arg(problems);
    status += QStringLiteral(" · ") + tr("%1 ms").arg(report.elapsedMs);
    m_status->setText(status);
    const QString keep = m_selected;
    if (!keep.isEmpty() && report.service(keep))
        selectService(keep);
    else if (!report.services.isEmpty())
        selectService(m_gridProxy->index(0, 0).data(CompareRoles::ServiceRole).toString());
    else
        showDetail(QString());
    Q_EMIT compared();
}

void ComparePage::selectService(const QString &service)
{
    const int row = m_grid->rowOf(service);
    if (row < 0)
        return;
    const QModelIndex proxy = m_gridProxy->mapFromSource(m_grid->index(row, 0));
    m_gridView->setCurrentIndex(proxy);
    m_gridView->scrollTo(proxy);
    showDetail(service);
}

QString ComparePage::driftTitle() const
{
    // The grid's column header: one word, translated once.
    return m_grid->headerData(CompareGridModel::Drift, Qt::Horizontal, Qt::DisplayRole).toString();
}

void ComparePage::showDetail(const QString &service)
{
    m_selected = service;
    const ServiceComparison *s = m_grid->report().service(service);
    const QString A = m_grid->report().envA, B = m_grid->report().envB;
    if (!s) {
        m_detailTitle->setText(tr("Select a service to see its commits and config differences."));
        m_detailSummary->clear();
        m_problems->hide();
        m_commits->setRange({}, A, B);
        m_config->setDiff({}, A, B);
        m_images->setImages({}, A, B);
        m_drift->clear();
        m_tabs->setTabText(0, tr("Commits"));
        m_tabs->setTabText(1, tr("Config"));
        m_tabs->setTabText(2, tr("Images"));
        m_tabs->setTabText(3, driftTitle());
        return;
    }
    m_detailTitle->setText(
        tr("%1: %2 vs %3 — %4").arg(s->service, A, B, CompareGridModel::relationText(*s)));
    const auto side = [s](const EnvironmentSide &e, const QString &env) {
        if (!e.present)
            return tr("%1: not deployed").arg(env);
        QString t = tr("%1: %2").arg(env, e.version.isEmpty() ? e.commit.left(8) : e.version);
        if (!e.commit.isEmpty())
            t += QStringLiteral(" (%1)").arg(e.commit.left(8));
        if (e.deployedAt.isValid())
            t += QStringLiteral(", ") +
                 tr("deployed %1 ago")
                     .arg(formatDuration(e.deployedAt.secsTo(QDateTime::currentDateTimeUtc())));
        const bool isA = &e == &s->a;
        if (s->drifted(isA)) {
            const int n = s->driftedResources(isA) > 0 ? s->driftedResources(isA) : e.driftCount;
            t += QStringLiteral(", ") +
                 (n > 0 ? tr("out of sync (resources: %1)").arg(n) : tr("out of sync"));
        }
        return t;
    };
    QString summary = side(s->a, A) + QStringLiteral("   ·   ") + side(s->b, B);
    if (s->relation == VersionRelation::Diverged && !s->commits.mergeBase.isEmpty())
        summary +=
            QStringLiteral("   ·   ") + tr("merge base %1").arg(s->commits.mergeBase.left(8));
    m_detailSummary->setText(summary);
    if (s->problems.isEmpty()) {
        m_problems->hide();
    } else {
        const StatusColors c = StatusColors::of(palette());
        m_problems->setStyleSheet(QStringLiteral("color: %1").arg(c.bad.name()));
        m_problems->setText(QStringLiteral("⚠ ") + s->problems.join(QStringLiteral("\n⚠ ")));
        m_problems->show();
    }
    m_commits->setRange(s->commits, A, B);
    m_config->setDiff(s->config, A, B);
    m_images->setImages(s->config.images, A, B);
    m_tabs->setTabText(
        0, tr("Commits (%1)").arg(s->commits.commits.size() + s->commits.missing.size()));
    m_tabs->setTabText(1, tr("Config (%1)").arg(s->config.realChanges()));
    m_tabs->setTabText(2, tr("Images (%1)").arg(s->config.images.size()));
    m_drift->setDrift(s->driftA, s->driftB);
    const bool managed = !s->managedA.application.isEmpty() || !s->managedB.application.isEmpty();
    m_tabs->setTabText(
        3, managed ? QStringLiteral("%1 (%2)").arg(driftTitle()).arg(m_drift->resourceCount())
                   : driftTitle());
    m_tabs->setTabToolTip(3, managed ? tr("Live vs desired per Argo CD managed resource")
                                     : tr("No Argo CD application serves this service"));
}

QString ComparePage::markdown() const
{
    return compareToMarkdown(m_grid->report(), QDateTime::currentDateTimeUtc());
}

void ComparePage::copyMarkdown()
{
    QApplication::clipboard()->setText(markdown());
    m_status->setText(tr("Markdown report copied to the clipboard."));
}

void ComparePage::saveMarkdown()
{
    const QString name = QStringLiteral("compare-%1-%2.md").arg(environmentA(), environmentB());
    auto *dialog = new QFileDialog(this, tr("Save comparison"), name, tr("Markdown (*.md)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Open, not exec: a modal loop here would hold up the comparison's progress updates.
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(markdown().toUtf8()) < 0 ||
            !out.commit()) {
            m_status->setText(tr("Could not save %1: %2").arg(file, out.errorString()));
            return;
        }
        m_status->setText(tr("Saved %1.").arg(file));
    });
    dialog->open();
}

} // namespace fd
