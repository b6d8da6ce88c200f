#pragma once

#include "shared/theme.h"

#include "backend/pluginhost.h"
#include "domain/action.h"
#include "itemmodels/palettemodel.h"

#include <QMainWindow>

#include <functional>

class QFrame;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace fd {

class ActionRunner;
class Backend;
class ChatNotices;
class CanaryPage;
class CommandPalette;
class NotificationFeed;
class NotificationTray;
class ConnectionStatusBar;
class ConsolePage;
class Estate;
class InboxPage;
class MatrixPage;
class PipelinesPage;
struct Workspace;

/**
 * The console window: navigation on the left, one page per screen, the connection status
 * bar, the demo banner. Operator intents from the pages are planned and confirmed here and
 * handed to the ActionRunner; nothing else in the views mutates anything.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page { Matrix, Pipelines, Canary, Inbox };

    explicit MainWindow(Estate *estate, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Promotion order, declared services, freeze windows, read-only and the title.
    void setWorkspace(const Workspace *workspace);
    void setActionRunner(ActionRunner *runner);
    /// Where a promotion's change notice can be posted from the confirm dialog (may be null).
    void setChatNotices(ChatNotices *chat) { m_chat = chat; }
    void setBackendLookup(std::function<Backend *(const QString &)> lookup);
    void setPluginRecords(const QList<PluginRecord> &records);
    void setDemo(bool demo);
    void setRecentWorkspaces(const QStringList &files);
    void setReadOnly(bool readOnly);

    void showPage(Page page);
    /// A page that needs the whole session (comparison, timeline, incidents, DORA); added
    /// after the estate pages, reachable by Ctrl+5 onwards.
    void addSessionPage(QWidget *page, const QString &icon, const QString &title);
    Page currentPage() const;
    MatrixPage *matrixPage() const { return m_matrix; }
    PipelinesPage *pipelinesPage() const { return m_pipelines; }
    CanaryPage *canaryPage() const { return m_canary; }
    InboxPage *inboxPage() const { return m_inbox; }
    ConnectionStatusBar *connectionStatus() const { return m_status; }
    QFrame *demoBanner() const { return m_banner; }

    /// Plan an action, show the confirmation, run it when confirmed.
    void requestAction(const ReleaseAction &action);

    /// Ctrl+K: everything one can jump to or do, as the palette lists it (a snapshot).
    QList<PaletteEntry> paletteEntries() const;
    void openCommandPalette();
    /// Jump to what @p entry names; for an action, jump to its target and request it.
    void runPaletteEntry(const PaletteEntry &entry);
    CommandPalette *commandPalette() const { return m_palette; }
    NotificationFeed *notifications() const { return m_feed; }
    NotificationTray *notificationTray() const { return m_tray; }
    void showAboutPlugins();

    /// The language ("", "en", "ko") and theme ("", "light", "dark") chosen under Settings,
    /// read at start-up when no --lang or --theme is given ("" follows the system).
    static constexpr QLatin1String LanguageKey{"ui/language"};
    static constexpr QLatin1String ThemeKey{"ui/theme"};
    static ThemeMode themeMode(const QString &name);

    /// Window geometry and state from/to QSettings ("window/geometry", "window/state").
    void restoreWindowState();
    void saveWindowState() const;

Q_SIGNALS:
    void openWorkspaceRequested(const QString &file);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void fitNavigation();
    void buildMenus();
    void
    addPage(ConsolePage *page, const QString &icon, const QString &title, const QString &shortcut);
    void chooseWorkspace();
    void updateInboxCount(int count);

    Estate *m_estate;
    ActionRunner *m_runner = nullptr;
    ChatNotices *m_chat = nullptr;
    const Workspace *m_workspace = nullptr;
    QList<PluginRecord> m_plugins;
    QListWidget *m_nav;
    QStackedWidget *m_stack;
    QFrame *m_banner;
    QLabel *m_bannerText;
    ConnectionStatusBar *m_status;
    MatrixPage *m_matrix;
    PipelinesPage *m_pipelines;
    CanaryPage *m_canary;
    InboxPage *m_inbox;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_viewSeparator = nullptr;
    CommandPalette *m_palette = nullptr;
    NotificationFeed *m_feed = nullptr;
    NotificationTray *m_tray = nullptr;
    QStringList m_recent;
    bool m_readOnly = false;
};

} // namespace fd
