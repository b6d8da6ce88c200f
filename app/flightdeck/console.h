#pragma once

#include "shared/theme.h"

#include <QObject>
#include <QTemporaryDir>

#include <memory>

namespace fd {

class ChatNotices;
class Estate;
class MainWindow;
class WebhookTransport;
class SandboxProcess;
class Session;

/// What the GUI program holds: the open session, its window, and the demo sandbox if any.
class Console : public QObject
{
    Q_OBJECT
public:
    explicit Console(QObject *parent = nullptr);
    ~Console() override;

    /// Open a workspace file; on errors the current one stays and the problems are shown.
    bool openWorkspace(const QString &file);
    /// Start flightdeck-sandbox and open the workspace it writes; shows the window at once.
    void startDemo();
    /// The window shown now (nullptr before the first one).
    MainWindow *window() const { return m_window.get(); }

private:
    void openSession(std::unique_ptr<Session> session, bool demo);
    void showWindow(Estate *estate, bool demo);
    void remember(const QString &file);
    QStringList recent() const;
    void showProblem(const QString &title, const QString &text);

    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<WebhookTransport> m_chatTransport;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<ChatNotices> m_chat;   // the session's chat notices; goes before the session
    std::unique_ptr<Estate> m_placeholder; // shown while the demo sandbox starts
    SandboxProcess *m_sandbox = nullptr;
    std::unique_ptr<QTemporaryDir> m_demoDir;
};

} // namespace fd
