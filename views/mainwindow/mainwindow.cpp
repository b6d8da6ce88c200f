#include "mainwindow.h"

#include "notify/chatnotices.h"

#include "aboutpluginsdialog.h"
#include "canary/canarypage.h"
#include "connectionstatusbar.h"
#include "estate/estate.h"
#include "inbox/inboxpage.h"
#include "itemmodels/changesentence.h"
#include "itemmodels/gatesmodel.h"
#include "itemmodels/environmentmatrixmodel.h"
#include "itemmodels/formatting.h"
#include "itemmodels/notificationfeed.h"
#include "matrix/matrixpage.h"
#include "notificationtray.h"
#include "palette/commandpalette.h"
#include "ops/actionrunner.h"
#include "pipelines/pipelinespage.h"
#include "shared/confirmactiondialog.h"
#include "shared/theme.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QActionGroup>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace fd {

ThemeMode MainWindow::themeMode(const QString &name)
{
    if (name == QLatin1String("dark"))
        return ThemeMode::Dark;
    if (name == QLatin1String("light"))
        return ThemeMode::Light;
    return ThemeMode::System;
}

MainWindow::MainWindow(Estate *estate, QWidget *parent)
    : QMainWindow(parent)
    , m_estate(estate)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Flightdeck"));
    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    m_banner = new QFrame(central);
    m_banner->setObjectName(QStringLiteral("demoBanner"));
    m_banner->setAutoFillBackground(true);
    auto *bl = new QHBoxLayout(m_banner);
    bl->setContentsMargins(12, 6, 12, 6);
    m_bannerText =
        new QLabel(tr("<b>Demo estate</b> — a simulated GitHub, Jenkins, GitLab and Argo CD "
                      "running on this machine. Nothing here touches a real system."),
                   m_banner);
    m_bannerText->setWordWrap(true);
    auto *open = new QPushButton(tr("Open workspace…"), m_banner);
    open->setObjectName(QStringLiteral("bannerOpenWorkspace"));
    connect(open, &QPushButton::clicked, this, &MainWindow::chooseWorkspace);
    bl->addWidget(m_bannerText, 1);
    bl->addWidget(open);
    m_banner->hide();
    outer->addWidget(m_banner);

    auto *body = new QWidget(central);
    auto *hl = new QHBoxLayout(body);
    hl->setContentsMargins(0, 0, 0, 0);
    hl->setSpacing(0);
    m_nav = new QListWidget(body);
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_nav->setIconSize(QSize(22, 22));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setSpacing(2);
    m_stack = new QStackedWidget(body);
    hl->addWidget(m_nav);
    hl->addWidget(m_stack, 1);
    outer->addWidget(body, 1);
    setCentralWidget(central);

    m_matrix = new MatrixPage(estate, m_stack);
    m_pipelines = new PipelinesPage(estate, m_stack);
    m_canary = new CanaryPage(estate, m_stack);
    m_inbox = new InboxPage(estate, m_stack);
    addPage(m_matrix, QStringLiteral("matrix"), tr("Environments"), QStringLiteral("Ctrl+1"));
    addPage(m_pipelines, QStringLiteral("pipelines"), tr("Pipelines"), QStringLiteral("Ctrl+2"));
    addPage(m_canary, QStringLiteral("canary"), tr("Canary"), QStringLiteral("Ctrl+3"));
    addPage(m_inbox, QStringLiteral("inbox"), tr("Approvals"), QStringLiteral("Ctrl+4"));
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    connect(m_inbox, &InboxPage::pendingCountChanged, this, &MainWindow::updateInboxCount);
    updateInboxCount(m_inbox->model()->rowCount());
    fitNavigation();
    m_nav->setCurrentRow(0);

    m_status = new ConnectionStatusBar(estate, this);
    statusBar()->addPermanentWidget(m_status);
    m_palette = new CommandPalette(this);
    connect(m_palette, &CommandPalette::entryActivated, this, &MainWindow::runPaletteEntry);
    m_feed = new NotificationFeed(estate, this);
    m_tray = new NotificationTray(m_feed, this);
    connect(m_tray, &NotificationTray::noticeClicked, this, [this](const Notice &n) {
        showNormal();
        raise();
        activateWindow();
        switch (n.category) {
        case Notice::Category::Approval:
            showPage(Page::Inbox);
            break;
        case Notice::Category::FailedDeploy:
            showPage(Page::Pipelines);
            break;
        case Notice::Category::CanaryPaused:
        case Notice::Category::CanaryAborted:
            showPage(Page::Canary);
            break;
        case Notice::Category::Rollback:
            showPage(Page::Matrix);
            break;
        }
    });
    buildMenus();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(ConsolePage *page,
                         const QString &icon,
                         const QString &title,
                         const QString &shortcut)
{
    m_stack->addWidget(page);
    auto *item = new QListWidgetItem(pageIcon(icon, palette().color(QPalette::Text)), title, m_nav);
    item->setSizeHint(QSize(0, 40));
    item->setToolTip(QStringLiteral("%1 (%2)").arg(title, shortcut));
    connect(page, &ConsolePage::actionRequested, this, &MainWindow::requestAction);
}

void MainWindow::fitNavigation()
{
    // Width follows the longest translated label, so Korean and English both fit; the count
    // badge ("Approvals (12)") and the session's pages added later count too.
    int navWidth = m_nav->fontMetrics().horizontalAdvance(tr("Approvals (%1)").arg(888));
    for (int i = 0; i < m_nav->count(); ++i)
        navWidth =
            std::max(navWidth, m_nav->fontMetrics().horizontalAdvance(m_nav->item(i)->text()));
    m_nav->setFixedWidth(navWidth + 64);
}

void MainWindow::addSessionPage(QWidget *page, const QString &icon, const QString &title)
{
    const int index = m_stack->count();
    m_stack->addWidget(page);
    auto *item = new QListWidgetItem(pageIcon(icon, palette().color(QPalette::Text)), title, m_nav);
    item->setSizeHint(QSize(0, 40));
    fitNavigation();
    if (index < 9) {
        const QKeySequence key(QStringLiteral("Ctrl+%1").arg(index + 1));
        item->setToolTip(
            QStringLiteral("%1 (%2)").arg(title, key.toString(QKeySequence::NativeText)));
        auto *a = new QAction(title, page);
        a->setShortcut(key);
        a->setShortcutContext(Qt::ApplicationShortcut);
        addAction(a);
        connect(a, &QAction::triggered, this, [this, index] { m_nav->setCurrentRow(index); });
        // Listed in the View menu with the console's own pages, above the palette.
        if (m_viewMenu)
            m_viewMenu->insertAction(m_viewSeparator, a);
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open workspace…"), this, &MainWindow::chooseWorkspace);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Recent workspaces"));
    m_recentMenu->setEnabled(false);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<QPair<QString, Page>> pages{{tr("Environments"), Page::Matrix},
                                            {tr("Pipelines"), Page::Pipelines},
                                            {tr("Canary"), Page::Canary},
                                            {tr("Approvals"), Page::Inbox}};
    int n = 1;
    for (const auto &[title, page] : pages) {
        QAction *a = view->addAction(title);
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(n++)));
        const Page p = page;
        connect(a, &QAction::triggered, this, [this, p] { showPage(p); });
    }

    m_viewMenu = view;
    m_viewSeparator = view->addSeparator();
    QAction *palette =
        view->addAction(tr("Command palette…"), this, &MainWindow::openCommandPalette);
    palette->setObjectName(QStringLiteral("commandPaletteAction"));
    palette->setShortcut(QKeySequence(QStringLiteral("Ctrl+K")));
    palette->setShortcutContext(Qt::ApplicationShortcut);

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->setObjectName(QStringLiteral("settingsMenu"));
    m_tray->fillMenu(settings);
    settings->addSeparator();
    // Languages are named in their own words, so whoever cannot read the current one still
    // finds theirs.
    QMenu *language = settings->addMenu(tr("Language"));
    language->setObjectName(QStringLiteral("languageMenu"));
    auto *languages = new QActionGroup(language);
    const QString chosenLanguage = QSettings().value(LanguageKey).toString();
    const QList<QPair<QString, QString>> languageChoices{
        {QString(), tr("As the system")},
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("ko"), QStringLiteral("한국어")}};
    for (const auto &[code, name] : languageChoices) {
        QAction *a = language->addAction(name);
        a->setObjectName(QStringLiteral("language_") +
                         (code.isEmpty() ? QStringLiteral("system") : code));
        a->setCheckable(true);
        a->setChecked(code == chosenLanguage);
        languages->addAction(a);
        const QString c = code;
        connect(a, &QAction::triggered, this, [this, c] {
            QSettings().setValue(LanguageKey, c);
            statusBar()->showMessage(tr("The language changes when Flightdeck starts again."),
                                     15000);
        });
    }
    QMenu *theme = settings->addMenu(tr("Theme"));
    theme->setObjectName(QStringLiteral("themeMenu"));
    auto *themes = new QActionGroup(theme);
    const QString chosenTheme = QSettings().value(ThemeKey).toString();
    const QList<QPair<QString, QString>> themeChoices{{QString(), tr("As the system")},
                                                      {QStringLiteral("light"), tr("Light")},
                                                      {QStringLiteral("dark"), tr("Dark")}};
    for (const auto &[code, name] : themeChoices) {
        QAction *a = theme->addAction(name);
        a->setObjectName(QStringLiteral("theme_") +
                         (code.isEmpty() ? QStringLiteral("system") : code));
        a->setCheckable(true);
        a->setChecked(code == chosenTheme);
        themes->addAction(a);
        const QString c = code;
        connect(a, &QAction::triggered, this, [c] {
            QSettings().setValue(ThemeKey, c);
            // Every page follows a palette change; no restart needed.
            applyTheme(themeMode(c));
        });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("About &plugins…"), this, &MainWindow::showAboutPlugins);
    help->addAction(tr("&About Flightdeck"), this, [this] {
        QMessageBox::about(this, tr("About Flightdeck"),
                           tr("Flightdeck %1 — one release console for GitHub Actions, Jenkins, "
                              "GitLab and Argo CD.")
                               .arg(QStringLiteral(FD_VERSION)));
    });
}

void MainWindow::setWorkspace(const Workspace *workspace)
{
    m_workspace = workspace;
    if (!workspace)
        return;
    m_matrix->model()->setEnvironments(workspace->environmentNames());
    QStringList services;
    for (const auto &s : workspace->services)
        services << s.name;
    m_matrix->model()->setServices(services);
    m_matrix->model()->setFreezeCheck([workspace](const QString &env, QString *reason) {
        return workspace->isFrozen(env, QDateTime::currentDateTimeUtc(), reason);
    });
    setReadOnly(workspace->readOnly);
    QStringList unverified;
    for (const ConnectionDef &c : workspace->connections)
        if (c.insecure)
            unverified << c.id;
    m_status->setUnverifiedTls(unverified);
    const QString name =
        workspace->name.isEmpty() ? QFileInfo(workspace->file).fileName() : workspace->name;
    setWindowTitle(tr("%1 — Flightdeck").arg(name));
}

void MainWindow::setActionRunner(ActionRunner *runner)
{
    m_runner = runner;
    if (!runner)
        return;
    connect(runner, &ActionRunner::finished, this, [this](quint64, const ActionResult &r) {
        statusBar()->showMessage(
            // A backend that accepted a request has not finished the work it starts (a deploy
            // or rollback run): the pages show how that goes.
            r.ok ? tr("Accepted: %1").arg(r.message) : tr("Failed: %1").arg(r.message), 15000);
    });
}

void MainWindow::setBackendLookup(std::function<Backend *(const QString &)> lookup)
{
    m_pipelines->setBackendLookup(std::move(lookup));
}

void MainWindow::setPluginRecords(const QList<PluginRecord> &records)
{
    m_plugins = records;
}

void MainWindow::setDemo(bool demo)
{
    m_banner->setVisible(demo);
    if (demo) {
        QPalette p = m_banner->palette();
        const QColor accent = StatusColors::of(palette()).accent;
        QColor bg = accent;
        bg.setAlpha(isDark(palette()) ? 90 : 45);
        p.setColor(QPalette::Window, bg);
        m_banner->setPalette(p);
    }
}

void MainWindow::setRecentWorkspaces(const QStringList &files)
{
    m_recent = files;
    m_recentMenu->clear();
    for (const auto &f : files) {
        QAction *a = m_recentMenu->addAction(f);
        connect(a, &QAction::triggered, this, [this, f] { Q_EMIT openWorkspaceRequested(f); });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (ConsolePage *p :
         std::initializer_list<ConsolePage *>{m_matrix, m_pipelines, m_canary, m_inbox})
        p->setMutationsEnabled(!readOnly);
    if (readOnly)
        statusBar()->showMessage(tr("Read-only workspace: actions are disabled."));
}

void MainWindow::showPage(Page page)
{
    m_nav->setCurrentRow(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_stack->currentIndex());
}

void MainWindow::updateInboxCount(int count)
{
    QListWidgetItem *item = m_nav->item(int(Page::Inbox));
    if (!item)
        return;
    item->setText(count > 0 ? tr("Approvals (%1)").arg(count) : tr("Approvals"));
}

void MainWindow::requestAction(const ReleaseAction &requested)
{
    if (m_readOnly) {
        statusBar()->showMessage(tr("Read-only workspace: actions are disabled."), 8000);
        return;
    }
    if (!m_runner) {
        statusBar()->showMessage(tr("No workspace is open: nothing can act."), 8000);
        return;
    }
    ReleaseAction action = requested;
    if (action.actor.isEmpty())
        action.actor = qEnvironmentVariable("USER", QStringLiteral("operator"));
    const PreparedAction prepared = m_runner->prepare(action);
    auto *dialog =
        new ConfirmActionDialog(prepared, ChangeSentence::of(prepared.action, *m_estate), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const bool promotion = prepared.action.verb == ReleaseAction::Verb::Promote ||
                           prepared.action.verb == ReleaseAction::Verb::PromoteFull;
    if (m_chat && promotion && prepared.protectedEnvironment && m_chat->wantsNotice(prepared))
        dialog->offerAnnouncement(m_chat->noticeTargets(prepared));
    connect(dialog, &QDialog::accepted, this, [this, dialog, prepared] {
        QString why;
        // The notice is stored (and posted) before the action is sent; chat never holds it up.
        const QList<qint64> notice =
            dialog->announce() && m_chat ? m_chat->announce(prepared) : QList<qint64>();
        const quint64 id = m_runner->run(prepared, dialog->confirmation(), &why);
        if (id && !notice.isEmpty())
            m_chat->linkToLatestAudit(notice);
        statusBar()->showMessage(
            id ? tr("Sent: %1").arg(prepared.plan.summary) : tr("Refused: %1").arg(why), 15000);
    });
    dialog->open();
}

void MainWindow::showAboutPlugins()
{
    auto *dialog = new AboutPluginsDialog(m_plugins, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::chooseWorkspace()
{
    auto *dialog = new QFileDialog(this, tr("Open workspace"), QString(),
                                   tr("Flightdeck workspace (*.yaml *.yml)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openWorkspaceRequested);
    dialog->open();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 860);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    const int page = settings.value(QStringLiteral("window/page"), 0).toInt();
    if (page >= 0 && page < m_stack->count())
        m_nav->setCurrentRow(page);
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), m_stack->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

QList<PaletteEntry> MainWindow::paletteEntries() const
{
    using K = PaletteEntry::Kind;
    using V = ReleaseAction::Verb;
    QList<PaletteEntry> out;
    // Every page in the navigation, the session's pages (compare, timeline, ...) included.
    for (int index = 0; index < m_nav->count(); ++index) {
        PaletteEntry e;
        e.kind = K::Page;
        e.text = tr("Go to %1").arg(m_nav->item(index)->text());
        if (index < 9)
            e.detail = QStringLiteral("Ctrl+%1").arg(index + 1);
        e.page = index;
        out << e;
    }
    const EnvironmentMatrixModel *matrix = m_matrix->model();
    QStringList services;
    for (int row = 0; row < matrix->rowCount(); ++row)
        services << matrix->serviceAt(row);
    const QStringList envs = matrix->environments();
    for (const QString &service : services)
        out << PaletteEntry{K::Service, service, {}, service,
                            {},         {},      -1, std::nullopt}; // the kind says "service"
    for (const QString &env : envs)
        out << PaletteEntry{K::Environment, env, {}, {}, env, {}, -1, std::nullopt};
    QList<PaletteEntry> actions;
    for (const QString &service : services) {
        for (const QString &env : envs) {
            const auto cell = matrix->cell(service, env);
            if (cell.version.isEmpty())
                continue;
            out << PaletteEntry{
                K::Cell,     tr("%1 in %2").arg(service, env), cell.version, service, env, {}, -1,
                std::nullopt};
            if (m_readOnly)
                continue;
            for (const ReleaseAction &a : m_matrix->cellActions(service, env)) {
                QString text;
                switch (a.verb) {
                case V::Promote:
                    text = tr("Promote %1 to %2").arg(service, a.environment);
                    break;
                case V::Rollback:
                    text = tr("Roll back %1 in %2").arg(service, env);
                    break;
                case V::Pause:
                    text = tr("Pause %1 in %2").arg(service, env);
                    break;
                default:
                    text =
                        tr("%1 %2 in %3").arg(ConfirmActionDialog::verbText(a.verb), service, env);
                    break;
                }
                const QString detail =
                    a.verb == V::Promote ? tr("%1 from %2").arg(cell.version, env) : cell.version;
                actions << PaletteEntry{K::Action, text, detail, service, env, {}, -1, a};
            }
        }
    }
    for (const Rollout &r : m_estate->rollouts()) {
        const QString where = tr("%1 in %2").arg(r.service, r.environment);
        out << PaletteEntry{
            K::Rollout,
            tr("Canary %1").arg(where),
            tr("canary %1 · %2").arg(r.weightText(), Wording::rolloutPhase(r.phase)),
            r.service,
            r.environment,
            r.key(),
            -1,
            std::nullopt};
        if (m_readOnly)
            continue;
        // Only what the backend itself says may run now, as the cockpit's buttons.
        for (const auto &def : CanaryPage::rolloutActions())
            if (r.actionEnabled(def.name))
                actions << PaletteEntry{K::Action,
                                        tr("%1: canary %2").arg(def.label, where),
                                        tr("canary %1").arg(r.weightText()),
                                        r.service,
                                        r.environment,
                                        r.key(),
                                        -1,
                                        CanaryPage::actionFor(r, def.name)};
    }
    for (const Gate &g : m_estate->gates()) {
        if (GatesModel::isTimedPause(*m_estate, g))
            continue; // it ends by itself: nothing to approve
        const QString where = tr("%1 in %2").arg(g.service, g.environment);
        out << PaletteEntry{K::Gate,
                            g.title.isEmpty() ? where : GatesModel::describe(*m_estate, g),
                            tr("%1 · %2").arg(Wording::gateKind(g.kind), g.connectionId),
                            g.service,
                            g.environment,
                            g.key(),
                            -1,
                            std::nullopt};
        if (m_readOnly || !g.currentUserCanApprove)
            continue;
        actions << PaletteEntry{K::Action,
                                tr("Approve %1").arg(where),
                                g.title,
                                g.service,
                                g.environment,
                                g.key(),
                                -1,
                                InboxPage::actionFor(g, V::Approve, QString())};
        actions << PaletteEntry{K::Action,
                                tr("Reject %1").arg(where),
                                g.title,
                                g.service,
                                g.environment,
                                g.key(),
                                -1,
                                InboxPage::actionFor(g, V::Reject, QString())};
    }
    // Newest runs first, so a bare "checkout" finds the run that just started.
    QList<const Run *> runs;
    runs.reserve(m_estate->runs().size());
    for (const Run &r : m_estate->runs())
        runs << &r;
    std::sort(runs.begin(), runs.end(),
              [](const Run *a, const Run *b) { return a->started > b->started; });
    for (const Run *r : runs) {
        const QString name = tr("%1 #%2").arg(r->pipeline, r->number);
        const QString detail = QStringLiteral("%1 · %2 · %3")
                                   .arg(r->service.isEmpty() ? r->connectionId : r->service,
                                        r->branch, Wording::runStatus(r->status));
        out << PaletteEntry{K::Run,         name,     detail, r->service,
                            r->environment, r->key(), -1,     std::nullopt};
        if (m_readOnly)
            continue;
        if (isFinished(r->status))
            actions << PaletteEntry{K::Action,
                                    tr("Re-run %1").arg(name),
                                    detail,
                                    r->service,
                                    r->environment,
                                    r->key(),
                                    -1,
                                    PipelinesPage::actionFor(*r, V::Rerun)};
        else
            actions << PaletteEntry{K::Action,
                                    tr("Cancel %1").arg(name),
                                    detail,
                                    r->service,
                                    r->environment,
                                    r->key(),
                                    -1,
                                    PipelinesPage::actionFor(*r, V::Cancel)};
    }
    // Things to look at come before things to do when the scores tie.
    return out + actions;
}

void MainWindow::openCommandPalette()
{
    m_palette->popup(paletteEntries());
}

void MainWindow::runPaletteEntry(const PaletteEntry &entry)
{
    using K = PaletteEntry::Kind;
    auto firstCellOf = [this](const QString &service, const QString &env) {
        const EnvironmentMatrixModel *m = m_matrix->model();
        for (const QString &e : m->environments())
            if ((env.isEmpty() || e == env) && !m->cell(service, e).version.isEmpty())
                return e;
        return env.isEmpty() ? m->environments().value(0) : env;
    };
    switch (entry.kind) {
    case K::Page:
        m_nav->setCurrentRow(entry.page);
        return;
    case K::Service:
        showPage(Page::Matrix);
        m_matrix->selectCell(entry.service, firstCellOf(entry.service, {}));
        return;
    case K::Environment: {
        showPage(Page::Matrix);
        const EnvironmentMatrixModel *m = m_matrix->model();
        for (int row = 0; row < m->rowCount(); ++row)
            if (!m->cell(m->serviceAt(row), entry.environment).version.isEmpty()) {
                m_matrix->selectCell(m->serviceAt(row), entry.environment);
                break;
            }
        return;
    }
    case K::Cell:
        showPage(Page::Matrix);
        m_matrix->selectCell(entry.service, entry.environment);
        return;
    case K::Run:
        showPage(Page::Pipelines);
        m_pipelines->selectRun(entry.key);
        return;
    case K::Gate:
        showPage(Page::Inbox);
        m_inbox->selectGate(entry.key);
        return;
    case K::Rollout:
        showPage(Page::Canary);
        m_canary->selectRollout(entry.key);
        return;
    case K::Action:
        break;
    }
    if (!entry.action)
        return;
    // Show what is acted on behind the confirmation, then take the one path every action takes.
    if (m_estate->rollouts().contains(entry.key)) {
        showPage(Page::Canary);
        m_canary->selectRollout(entry.key);
    } else if (m_estate->gates().contains(entry.key)) {
        showPage(Page::Inbox);
        m_inbox->selectGate(entry.key);
    } else if (m_estate->runs().contains(entry.key)) {
        showPage(Page::Pipelines);
        m_pipelines->selectRun(entry.key);
    } else if (!entry.service.isEmpty()) {
        showPage(Page::Matrix);
        m_matrix->selectCell(entry.service, entry.environment);
    }
    requestAction(*entry.action);
}

} // namespace fd
