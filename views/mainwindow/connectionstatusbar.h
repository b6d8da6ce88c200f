#pragma once

#include "domain/connection.h"

#include <QHash>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace fd {

class Estate;

/// One chip per connection (ok / degraded / auth failed / unreachable / rate limited until
/// HH:MM) and the age of the oldest data shown.
class ConnectionStatusBar : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionStatusBar(Estate *estate, QWidget *parent = nullptr);
    /// Text of the chip for one connection (for tests and tool tips).
    QString chipText(const QString &connectionId) const;
    QString ageText() const;
    QString ageToolTip() const;
    /// How fresh one connection's data is, from its last successful poll (the tooltips).
    QString freshness(const QString &connectionId) const;
    static QString describe(const QString &connectionId, const ConnectionHealth &health);
    /// Connections whose workspace entry says `tls.insecure: true`: their chips carry a red
    /// "TLS not verified" mark for as long as the window is open, whatever their health.
    void setUnverifiedTls(const QStringList &connectionIds);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    QLabel *chip(const QString &connectionId);

    Estate *m_estate;
    QHBoxLayout *m_layout;
    QHash<QString, QLabel *> m_chips;
    QStringList m_unverifiedTls;
    QLabel *m_age;
};

} // namespace fd
