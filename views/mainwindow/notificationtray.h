#pragma once

#include "itemmodels/notificationfeed.h"

#include <QObject>

class QMainWindow;
class QMenu;
class QSystemTrayIcon;

namespace fd {

/**
 * Shows the NotificationFeed's notices as desktop notifications through the system tray, or
 * in the window's status bar where there is no tray. The switches live in QSettings
 * ("notifications/enabled", "notifications/<category>") and in the Settings menu it fills.
 */
class NotificationTray : public QObject
{
    Q_OBJECT
public:
    NotificationTray(NotificationFeed *feed, QMainWindow *window);
    ~NotificationTray() override;

    /// Adds "Desktop notifications" and one switch per category to @p menu.
    void fillMenu(QMenu *menu);
    /// Read the switches from QSettings and apply them to the feed.
    void loadSettings();

    NotificationFeed *feed() const { return m_feed; }
    /// The notices shown so far, newest last (kept for the tests and the tray tooltip).
    const QList<Notice> &shown() const { return m_shown; }
    bool hasTray() const { return m_tray != nullptr; }

    static QString settingsKey(Notice::Category category);

Q_SIGNALS:
    /// The user clicked a notification: the window shows what it is about.
    void noticeClicked(const fd::Notice &notice);

private:
    void show(const Notice &notice);

    NotificationFeed *m_feed;
    QMainWindow *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QList<Notice> m_shown;
};

} // namespace fd
