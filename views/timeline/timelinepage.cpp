#include "timelinepage.h"

#include "timelinechart.h"

#include "estate/estate.h"
#include "estate/session.h"
#include "itemmodels/formatting.h"
#include "store/store.h"
#include "timeline/timelinemodel.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace fd {

namespace {
// Window lengths offered, in hours.
const QList<int> windowHours{1, 6, 24, 7 * 24, 30 * 24};
} // namespace

TimelinePage::TimelinePage(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new TimelineModel(this))
    , m_chart(new TimelineChart(this))
    , m_table(new QTableView(this))
    , m_details(new QTextBrowser(this))
    , m_service(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_window(new QComboBox(this))
    , m_serviceLabel(new QLabel(this))
    , m_environmentLabel(new QLabel(this))
    , m_windowLabel(new QLabel(this))
    , m_hint(new QLabel(this))
{
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_serviceLabel);
    bar->addWidget(m_service);
    bar->addSpacing(12);
    bar->addWidget(m_environmentLabel);
    bar->addWidget(m_environment);
    bar->addSpacing(12);
    bar->addWidget(m_windowLabel);
    bar->addWidget(m_window);
    bar->addStretch(1);
    m_hint->setObjectName(QStringLiteral("timelineHint"));
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_hint);

    m_chart->setModel(m_model);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(TimelineModel::TitleColumn,
                                                      QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setColumnWidth(TimelineModel::KindColumn, 150);
    m_table->setColumnWidth(TimelineModel::EnvironmentColumn, 110);
    m_details->setOpenExternalLinks(true);

    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_table);
    lower->addWidget(m_details);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    retranslate();
    m_window->setCurrentIndex(1);
    m_now = QDateTime::currentDateTimeUtc();

    connect(m_service, &QComboBox::currentIndexChanged, this, &TimelinePage::applyFilter);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &TimelinePage::applyFilter);
    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this] { setNow(QDateTime::currentDateTimeUtc()); });
    connect(m_chart, &TimelineChart::eventActivated, this, &TimelinePage::selectEvent);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    selectEvent(current.data(TimelineRoles::EventKeyRole).toString());
            });
    if (m_session && m_session->estate())
        connect(m_session->estate(), &Estate::eventsArrived, this,
                [this](const QList<TimelineEvent> &events) {
                    m_model->addEvents(events);
                    fillFilters();
                });
    // The count follows the rows shown, whichever way they came (live events, a reload, a filter).
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &TimelinePage::updateHint);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TimelinePage::updateHint);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &TimelinePage::updateHint);
    reload();
    applyFilter();
}

void TimelinePage::updateHint()
{
    m_hint->setText(tr("%n event(s) · wheel zooms, drag pans", nullptr, m_model->rowCount()));
}

void TimelinePage::reload()
{
    if (!m_session || !m_session->store())
        return;
    m_session->flushWrites();
    Store *store = m_session->store();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    pruneTimeline(*store, m_session->workspace(), now);
    TimelineFilter everything;
    everything.from = now.addDays(-timelineRetentionDays(m_session->workspace()));
    if (auto events = loadTimeline(*store, everything))
        m_model->setEvents(*events);
    fillFilters();
}

void TimelinePage::fillFilters()
{
    QStringList services;
    QStringList envs;
    if (m_session) {
        for (const ServiceDef &s : m_session->workspace().services)
            services << s.name;
        envs = m_session->workspace().environmentNames();
    }
    for (const QString &s : m_model->services())
        if (!services.contains(s))
            services << s;
    for (const QString &e : m_model->environments())
        if (!envs.contains(e))
            envs << e;
    const auto refill = [](QComboBox *box, const QStringList &items) {
        const QString current = box->currentData().toString();
        if (box->count() == items.size() + 1)
            return;
        QSignalBlocker block(box);
        while (box->count() > 1)
            box->removeItem(1);
        for (const QString &i : items)
            box->addItem(i, i);
        box->setCurrentIndex(std::max(0, box->findData(current)));
    };
    refill(m_service, services);
    refill(m_environment, envs);
}

void TimelinePage::applyFilter()
{
    TimelineFilter f;
    const QString svc = m_service->currentData().toString();
    if (!svc.isEmpty())
        f.services = {svc};
    f.environment = m_environment->currentData().toString();
    m_model->setFilter(f);
    const int hours = windowHours.value(m_window->currentIndex(), 6);
    m_chart->setRange(m_now.addSecs(-qint64(hours) * 3600),
                      m_now.addSecs(qint64(hours) * 3600 / 20));
    updateHint();
}

void TimelinePage::setNow(const QDateTime &now)
{
    m_now = now.toUTC();
    applyFilter();
}

void TimelinePage::selectEvent(const QString &key)
{
    const int row = m_model->rowOf(key);
    m_chart->setSelectedKey(key);
    if (row < 0) {
        m_details->clear();
        return;
    }
    const QModelIndex idx = m_model->index(row, 0);
    if (m_table->currentIndex().row() != row) {
        QSignalBlocker block(m_table->selectionModel());
        m_table->setCurrentIndex(idx);
        m_table->selectRow(row);
    }
    m_table->scrollTo(idx);
    const TimelineEvent &e = m_model->event(row);
    QString html = QStringLiteral("<h3>%1</h3><table>").arg(e.title.toHtmlEscaped());
    const auto line = [&html](const QString &name, const QString &value) {
        if (!value.isEmpty())
            html += QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>")
                        .arg(name, value.toHtmlEscaped());
    };
    line(tr("Event"), TimelineModel::kindName(e.kind));
    line(tr("Time"), e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    line(tr("Service"), e.service);
    line(tr("Environment"), e.environment);
    line(tr("Version"), e.version);
    line(tr("Who"), e.actor);
    line(tr("Source"), e.source);
    html += QStringLiteral("</table>");
    if (!e.detail.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(e.detail.toHtmlEscaped());
    if (e.link.isValid())
        html += QStringLiteral("<p><a href=\"%1\">%2</a></p>")
                    .arg(e.link.toString().toHtmlEscaped(), tr("Open in the backend"));
    m_details->setHtml(html);
}

void TimelinePage::retranslate()
{
    m_serviceLabel->setText(tr("Service"));
    m_environmentLabel->setText(tr("Environment"));
    m_windowLabel->setText(tr("Window"));
    const int windowIndex = m_window->currentIndex();
    QSignalBlocker block(m_window);
    m_window->clear();
    m_window->addItems({tr("1 hour"), tr("6 hours"), tr("24 hours"), tr("7 days"), tr("30 days")});
    m_window->setCurrentIndex(std::max(0, windowIndex));
    for (QComboBox *box : {m_service, m_environment}) {
        if (box->count() == 0)
            box->addItem(QString(), QString());
        box->setItemText(0, tr("All"));
    }
    m_details->setPlaceholderText(
        tr("Pick an event in the chart or the table to see its details."));
}

void TimelinePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        applyFilter();
    }
    QWidget::changeEvent(event);
}

} // namespace fd
