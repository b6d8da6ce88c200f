#include "connectionstatusbar.h"

#include "estate/estate.h"
#include "itemmodels/formatting.h"
#include "shared/theme.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>

namespace fd {

ConnectionStatusBar::ConnectionStatusBar(Estate *estate, QWidget *parent)
    : QWidget(parent)
    , m_estate(estate)
    , m_layout(new QHBoxLayout(this))
    , m_age(new QLabel(this))
{
    setObjectName(QStringLiteral("connectionStatusBar"));
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(10);
    m_age->setObjectName(QStringLiteral("dataAge"));
    m_layout->addWidget(m_age);
    connect(estate, &Estate::connectionHealthChanged, this, &ConnectionStatusBar::refresh);
    connect(estate, &Estate::connectionSynced, this, &ConnectionStatusBar::refresh);
    connect(estate, &Estate::changed, this, &ConnectionStatusBar::refresh);
    auto *timer = new QTimer(this);
    timer->setInterval(5000);
    connect(timer, &QTimer::timeout, this, &ConnectionStatusBar::refresh);
    timer->start();
    refresh();
}

QString ConnectionStatusBar::describe(const QString &connectionId, const ConnectionHealth &health)
{
    using S = ConnectionHealth::State;
    QString state = Wording::connectionState(health.state);
    if (health.state == S::RateLimited && health.rateLimitedUntil.isValid())
        state = tr("rate limited until %1")
                    .arg(health.rateLimitedUntil.toLocalTime().toString(QStringLiteral("HH:mm")));
    return QStringLiteral("%1: %2").arg(connectionId, state);
}

QLabel *ConnectionStatusBar::chip(const QString &connectionId)
{
    QLabel *&label = m_chips[connectionId];
    if (!label) {
        label = new QLabel(this);
        label->setObjectName(QStringLiteral("chip_") + connectionId);
        label->setTextFormat(Qt::RichText);
        m_layout->insertWidget(m_layout->count() - 1, label);
    }
    return label;
}

QString ConnectionStatusBar::chipText(const QString &connectionId) const
{
    QString text = describe(connectionId, m_estate->health(connectionId));
    if (m_unverifiedTls.contains(connectionId))
        text += QStringLiteral(" — ") + tr("TLS not verified");
    return text;
}

void ConnectionStatusBar::setUnverifiedTls(const QStringList &connectionIds)
{
    m_unverifiedTls = connectionIds;
    refresh();
}

QString ConnectionStatusBar::freshness(const QString &connectionId) const
{
    const QDateTime t = m_estate->dataTime(connectionId);
    if (!t.isValid())
        return tr("%1: no successful read yet").arg(connectionId);
    const QString age = Wording::age(t.secsTo(QDateTime::currentDateTimeUtc()));
    if (m_estate->isStale(connectionId))
        return tr("%1: showing data from %2 (not live)").arg(connectionId, age);
    return tr("%1: last successful poll %2").arg(connectionId, age);
}

QString ConnectionStatusBar::ageText() const
{
    return m_age->text();
}

QString ConnectionStatusBar::ageToolTip() const
{
    return m_age->toolTip();
}

void ConnectionStatusBar::refresh()
{
    const StatusColors colors = StatusColors::of(palette());
    QStringList ids = m_estate->connectionIds();
    ids.sort();
    QDateTime oldest;
    QStringList freshLines;
    for (const auto &id : std::as_const(ids)) {
        const ConnectionHealth h = m_estate->health(id);
        QLabel *label = chip(id);
        const QString text = describe(id, h);
        QString html = QStringLiteral("<span style='color:%1'>●</span> %2")
                           .arg(colorFor(h.state, colors).name(), text.toHtmlEscaped());
        QString tip = h.reason;
        if (m_unverifiedTls.contains(id)) {
            // Anyone on the network path could be answering: say so where it is seen.
            html += QStringLiteral(" <b style='color:%1'>%2</b>")
                        .arg(colors.bad.name(), tr("TLS not verified").toHtmlEscaped());
            tip = tr("tls.insecure is set for this connection: its server's certificate is not "
                     "checked") +
                  (tip.isEmpty() ? QString() : QStringLiteral("\n") + tip);
        }
        label->setText(html);
        if (h.rateLimitRemaining >= 0)
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                   tr("%1 of %2 requests left").arg(h.rateLimitRemaining).arg(h.rateLimitLimit);
        const QDateTime t = m_estate->dataTime(id);
        const QString fresh = freshness(id);
        tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + fresh;
        label->setToolTip(tip);
        freshLines << fresh;
        if (t.isValid() && (!oldest.isValid() || t < oldest))
            oldest = t;
    }
    // The oldest confirmation is the one that matters at a glance; each connection's is in the
    // tooltip.
    m_age->setText(oldest.isValid() ? tr("data %1").arg(Wording::age(
                                          oldest.secsTo(QDateTime::currentDateTimeUtc())))
                                    : tr("no data yet"));
    m_age->setToolTip(freshLines.join(QLatin1Char('\n')));
}

void ConnectionStatusBar::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        refresh();
    QWidget::changeEvent(event);
}

} // namespace fd
