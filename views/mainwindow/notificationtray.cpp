#include "notificationtray.h"

#include <QApplication>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace fd {

namespace {
const QString EnabledKey = QStringLiteral("notifications/enabled");
constexpr int KeepShown = 50;
} // namespace

QString NotificationTray::settingsKey(Notice::Category category)
{
    using C = Notice::Category;
    switch (category) {
    case C::Approval:
        return QStringLiteral("notifications/approval");
    case C::FailedDeploy:
        return QStringLiteral("notifications/failedDeploy");
    case C::CanaryPaused:
        return QStringLiteral("notifications/canaryPaused");
    case C::CanaryAborted:
        return QStringLiteral("notifications/canaryAborted");
    case C::Rollback:
        return QStringLiteral("notifications/rollback");
    }
    return {};
}

NotificationTray::NotificationTray(NotificationFeed *feed, QMainWindow *window)
    : QObject(window)
    , m_feed(feed)
    , m_window(window)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(tr("Flightdeck"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (!m_shown.isEmpty())
                Q_EMIT noticeClicked(m_shown.last());
        });
        connect(m_tray, &QSystemTrayIcon::activated, m_window, [this] {
            m_window->showNormal();
            m_window->raise();
            m_window->activateWindow();
        });
        m_tray->show();
    }
    connect(feed, &NotificationFeed::notify, this, &NotificationTray::show);
    loadSettings();
}

NotificationTray::~NotificationTray() = default;

void NotificationTray::loadSettings()
{
    QSettings s;
    m_feed->setEnabled(s.value(EnabledKey, true).toBool());
    for (Notice::Category c : NotificationFeed::categories())
        m_feed->setCategoryEnabled(c, s.value(settingsKey(c), true).toBool());
}

void NotificationTray::fillMenu(QMenu *menu)
{
    QAction *all = menu->addAction(tr("Desktop notifications"));
    all->setObjectName(QStringLiteral("notificationsEnabled"));
    all->setCheckable(true);
    all->setChecked(m_feed->isEnabled());
    QMenu *which = menu->addMenu(tr("Notify about"));
    which->setEnabled(m_feed->isEnabled());
    connect(all, &QAction::toggled, this, [this, which](bool on) {
        QSettings().setValue(EnabledKey, on);
        m_feed->setEnabled(on);
        which->setEnabled(on);
    });
    for (Notice::Category c : NotificationFeed::categories()) {
        QAction *a = which->addAction(NotificationFeed::categoryText(c));
        a->setObjectName(settingsKey(c));
        a->setCheckable(true);
        a->setChecked(m_feed->isCategoryEnabled(c));
        connect(a, &QAction::toggled, this, [this, c](bool on) {
            QSettings().setValue(settingsKey(c), on);
            m_feed->setCategoryEnabled(c, on);
        });
    }
}

void NotificationTray::show(const Notice &notice)
{
    m_shown.append(notice);
    if (m_shown.size() > KeepShown)
        m_shown.removeFirst();
    const bool urgent = notice.category == Notice::Category::FailedDeploy ||
                        notice.category == Notice::Category::CanaryAborted ||
                        notice.category == Notice::Category::Rollback;
    if (m_tray && m_tray->isVisible()) {
        m_tray->showMessage(notice.title, notice.body,
                            urgent ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information,
                            10000);
        return;
    }
    // No tray (offscreen, some desktops): the status bar says it instead.
    m_window->statusBar()->showMessage(notice.title, 15000);
}

} // namespace fd
