#include "console.h"

#include "chat/webhooktransport.h"
#include "notify/chatnotices.h"

#include "compare/comparepage.h"
#include "dora/dorapage.h"
#include "incidents/incidentspage.h"
#include "timeline/timelinepage.h"

#include "estate/estate.h"
#include "estate/session.h"
#include "mainwindow/mainwindow.h"
#include "sandboxprocess.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace fd {

Console::Console(QObject *parent)
    : QObject(parent)
{}

Console::~Console()
{
    // The window's models read the session's estate: the window goes first, then the
    // backends, then the sandbox they talk to.
    if (m_window)
        m_window->saveWindowState();
    m_window.reset();
    m_chat.reset();
    m_session.reset();
    if (m_sandbox)
        m_sandbox->stop();
}

QStringList Console::recent() const
{
    return QSettings().value(QStringLiteral("recentWorkspaces")).toStringList();
}

void Console::remember(const QString &file)
{
    QStringList list = recent();
    const QString abs = QFileInfo(file).absoluteFilePath();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > 8)
        list.removeLast();
    QSettings().setValue(QStringLiteral("recentWorkspaces"), list);
}

void Console::showProblem(const QString &title, const QString &text)
{
    auto *box =
        new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Close, m_window.get());
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool Console::openWorkspace(const QString &file)
{
    auto session = std::make_unique<Session>();
    if (!session->open(file)) {
        QStringList lines;
        for (const auto &issue : session->issues())
            lines << issue.toString();
        if (!m_window)
            showWindow(nullptr, false);
        showProblem(tr("The workspace cannot be opened"),
                    tr("%1\n\n%2").arg(file, lines.join(QLatin1Char('\n'))));
        return false;
    }
    remember(file);
    openSession(std::move(session), false);
    return true;
}

void Console::openSession(std::unique_ptr<Session> session, bool demo)
{
    // A new estate means new models: the window is rebuilt; its geometry comes back from
    // the settings.
    if (m_window)
        m_window->saveWindowState();
    m_window.reset();
    m_chat.reset();
    m_session = std::move(session);
    if (!m_chatTransport)
        m_chatTransport = std::make_unique<WebhookTransport>();
    m_chat = std::make_unique<ChatNotices>(m_session.get(), m_chatTransport.get());
    showWindow(m_session->estate(), demo);
    Session *s = m_session.get();
    m_window->setWorkspace(&s->workspace());
    m_window->setActionRunner(s->actions());
    m_window->setChatNotices(m_chat.get());
    m_window->setBackendLookup([s](const QString &id) { return s->backend(id); });
    m_window->setPluginRecords(s->plugins()->records());
    m_window->addSessionPage(new ComparePage(s), QStringLiteral("compare"), tr("Compare"));
    m_window->addSessionPage(new TimelinePage(s), QStringLiteral("timeline"), tr("Timeline"));
    auto *incidents = new IncidentsPage(s);
    connect(incidents, &IncidentsPage::actionRequested, m_window.get(), &MainWindow::requestAction);
    m_window->addSessionPage(incidents, QStringLiteral("incidents"), tr("Incidents"));
    m_window->addSessionPage(new DoraPage(s), QStringLiteral("dora"), tr("Delivery (DORA)"));
    connect(s, &Session::ready, m_window.get(),
            [this, s] { m_window->setPluginRecords(s->plugins()->records()); });
    if (!demo && m_sandbox)
        m_sandbox->stop(); // a real workspace replaces the demo
    s->start();
}

void Console::showWindow(Estate *estate, bool demo)
{
    if (!estate) {
        if (!m_placeholder)
            m_placeholder = std::make_unique<Estate>();
        estate = m_placeholder.get();
    }
    m_window = std::make_unique<MainWindow>(estate);
    m_window->setDemo(demo);
    m_window->setRecentWorkspaces(recent());
    connect(m_window.get(), &MainWindow::openWorkspaceRequested, this, [this](const QString &file) {
        // Queued: the request comes from inside the window that is about to be replaced.
        QMetaObject::invokeMethod(
            this, [this, file] { openWorkspace(file); }, Qt::QueuedConnection);
    });
    m_window->restoreWindowState();
    m_window->show();
}

void Console::startDemo()
{
    showWindow(nullptr, true);
    const QString program = SandboxProcess::findProgram();
    if (program.isEmpty()) {
        showProblem(tr("No demo available"),
                    tr("flightdeck-sandbox was not found next to this program. "
                       "Open a workspace with File › Open workspace."));
        return;
    }
    m_demoDir = std::make_unique<QTemporaryDir>();
    m_sandbox = new SandboxProcess(this);
    m_window->statusBar()->showMessage(tr("Starting the demo estate…"));
    connect(m_sandbox, &SandboxProcess::failed, this,
            [this](const QString &why) { showProblem(tr("The demo estate did not start"), why); });
    connect(m_sandbox, &SandboxProcess::ready, this,
            [this](const QString &file, const QHash<QString, QString> &env) {
                // The demo workspace names its credentials as env: references.
                for (auto it = env.cbegin(); it != env.cend(); ++it)
                    qputenv(it.key().toLocal8Bit().constData(), it.value().toLocal8Bit());
                auto session = std::make_unique<Session>();
                Session::OpenOptions options;
                // The demo's cache stays with the demo, not in the user's store.
                options.storePath = m_demoDir->filePath(QStringLiteral("demo.sqlite"));
                if (!session->open(file, options)) {
                    QStringList lines;
                    for (const auto &issue : session->issues())
                        lines << issue.toString();
                    showProblem(tr("The demo workspace cannot be opened"),
                                lines.join(QLatin1Char('\n')));
                    return;
                }
                openSession(std::move(session), true);
                m_placeholder.reset();
            });
    m_sandbox->start(program, m_demoDir->filePath(QStringLiteral("flightdeck.yaml")));
}

} // namespace fd
