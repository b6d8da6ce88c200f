#include "dorapage.h"

#include "estate/session.h"
#include "itemmodels/formatting.h"
#include "metrics/dorahistory.h"
#include "shared/theme.h"
#include "timeline/timeline.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

namespace fd {

namespace {

enum Metric { Frequency, LeadTime, FailureRate, Restore, MetricCount };
const QList<int> periodWeeks{4, 12, 26};

QColor bandColour(DoraBand band, const StatusColors &c)
{
    switch (band) {
    case DoraBand::Elite:
        return c.ok;
    case DoraBand::High:
        return c.progress;
    case DoraBand::Medium:
        return c.warn;
    case DoraBand::Low:
        return c.bad;
    case DoraBand::None:
        return c.neutral;
    }
    return c.neutral;
}

QString durationOrDash(qint64 secs)
{
    return secs < 0 ? QStringLiteral("—") : Wording::duration(secs * 1000);
}

} // namespace

QString DoraPage::bandName(DoraBand band)
{
    switch (band) {
    case DoraBand::Elite:
        return tr("elite");
    case DoraBand::High:
        return tr("high");
    case DoraBand::Medium:
        return tr("medium");
    case DoraBand::Low:
        return tr("low");
    case DoraBand::None:
        return tr("no data");
    }
    return {};
}

DoraPage::DoraPage(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_engine(new DoraEngine(session, this))
    , m_service(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_period(new QComboBox(this))
    , m_serviceLabel(new QLabel(this))
    , m_environmentLabel(new QLabel(this))
    , m_periodLabel(new QLabel(this))
    , m_status(new QLabel(this))
    , m_services(new QTableWidget(0, 5, this))
{
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_serviceLabel);
    bar->addWidget(m_service);
    bar->addSpacing(12);
    bar->addWidget(m_environmentLabel);
    bar->addWidget(m_environment);
    bar->addSpacing(12);
    bar->addWidget(m_periodLabel);
    bar->addWidget(m_period);
    bar->addStretch(1);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setWordWrap(true);
    bar->addWidget(m_status, 2);

    auto *cards = new QHBoxLayout;
    auto *charts = new QGridLayout;
    for (int m = 0; m < MetricCount; ++m) {
        auto *card = new QFrame(this);
        card->setFrameShape(QFrame::StyledPanel);
        auto *cl = new QVBoxLayout(card);
        auto *title = new QLabel(card);
        auto *value = new QLabel(card);
        QFont f = value->font();
        f.setPointSizeF(f.pointSizeF() * 1.8);
        f.setBold(true);
        value->setFont(f);
        auto *band = new QLabel(card);
        band->setAlignment(Qt::AlignCenter);
        band->setMinimumWidth(80);
        auto *detail = new QLabel(card);
        detail->setForegroundRole(QPalette::PlaceholderText);
        detail->setWordWrap(true);
        auto *row = new QHBoxLayout;
        row->addWidget(value, 1);
        row->addWidget(band);
        cl->addWidget(title);
        cl->addLayout(row);
        cl->addWidget(detail);
        cards->addWidget(card, 1);
        m_titles << title;
        m_values << value;
        m_bands << band;
        m_details << detail;
        auto *chart = new QChart;
        chart->legend()->hide();
        chart->setMargins(QMargins(4, 4, 4, 4));
        auto *view = new QChartView(chart, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(170);
        charts->addWidget(view, m / 2, m % 2);
        m_charts << view;
    }
    m_services->verticalHeader()->hide();
    m_services->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_services->setSelectionMode(QAbstractItemView::NoSelection);
    m_services->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_services->setMaximumHeight(150);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(cards);
    layout->addLayout(charts, 1);
    layout->addWidget(m_services);

    if (m_session) {
        for (const ServiceDef &s : m_session->workspace().services)
            m_service->addItem(s.name, s.name);
        for (const QString &e : m_session->workspace().environmentNames())
            m_environment->addItem(e, e);
        m_environment->setCurrentIndex(
            std::max(0, m_environment->findData(productionEnvironment(m_session->workspace()))));
    }
    retranslate();
    m_period->setCurrentIndex(1);
    connect(m_engine, &DoraEngine::started, this, [this] { m_status->setText(tr("Computing…")); });
    connect(m_engine, &DoraEngine::updated, this, [this] {
        showReport(m_engine->report(), m_engine->notes());
        Q_EMIT updated();
    });
    for (QComboBox *box : {m_service, m_environment, m_period})
        connect(box, &QComboBox::currentIndexChanged, this, &DoraPage::askEngine);
    askEngine();
}

DoraPage::~DoraPage() = default;

void DoraPage::refresh(const QDateTime &now)
{
    if (now.isValid())
        m_engine->setNow(now);
    else
        m_engine->refresh();
}

void DoraPage::askEngine()
{
    m_engine->setQuestion(m_service->currentData().toString(),
                          m_environment->currentData().toString(),
                          periodWeeks.value(m_period->currentIndex(), 12));
}

void DoraPage::showReport(const DoraReport &r, const QStringList &notes)
{
    const DoraFigures &f = r.total;
    const StatusColors colours = StatusColors::of(palette());
    m_values[Frequency]->setText(tr("%1 / week").arg(QString::number(f.deploysPerDay * 7, 'f', 1)));
    m_details[Frequency]->setText(tr("%n deploy(s) to %1 in %2 days", nullptr, f.deployments)
                                      .arg(r.options.environment)
                                      .arg(qRound(f.days)));
    m_values[LeadTime]->setText(durationOrDash(f.leadTimeSecs));
    m_details[LeadTime]->setText(
        tr("median of %n change(s), commit → deploy", nullptr, f.leadTimeSamples));
    m_values[FailureRate]->setText(
        f.changeFailureRate < 0 ? QStringLiteral("—")
                                : QStringLiteral("%1 %").arg(qRound(f.changeFailureRate * 100)));
    m_details[FailureRate]->setText(
        tr("%1 of %2 deploys failed or were followed by a rollback or an incident "
           "within %3")
            .arg(f.failedChanges)
            .arg(f.attempts)
            .arg(Wording::duration(r.options.failureWindowSecs * 1000)));
    m_values[Restore]->setText(durationOrDash(f.timeToRestoreSecs));
    m_details[Restore]->setText(
        tr("median of %n incident(s), detected → recovered", nullptr, f.restoreSamples));
    const DoraBand bands[] = {f.frequencyBand, f.leadTimeBand, f.failureBand, f.restoreBand};
    for (int m = 0; m < MetricCount; ++m) {
        const QColor c = bandColour(bands[m], colours);
        m_bands[m]->setText(bandName(bands[m]));
        m_bands[m]->setStyleSheet(
            QStringLiteral("QLabel { background: %1; color: %2; border-radius: 8px; "
                           "padding: 3px 10px; font-weight: bold; }")
                .arg(c.name(),
                     isDark(palette()) ? QStringLiteral("#111") : QStringLiteral("#fff")));
    }

    // Weekly trends.
    QStringList categories;
    for (const DoraWeek &w : r.weeks)
        categories << tr("W%1").arg(
            w.monday.weekNumber()); // ISO week: short enough to never be cut
    for (int m = 0; m < MetricCount; ++m) {
        QChart *chart = m_charts[m]->chart();
        chart->removeAllSeries();
        for (QAbstractAxis *a : chart->axes())
            chart->removeAxis(a);
        auto *x = new QBarCategoryAxis;
        x->append(categories);
        auto *y = new QValueAxis;
        y->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        const QColor colour = colours.accent;
        double maxY = 1;
        if (m == Frequency) {
            auto *set = new QBarSet(tr("deploys"));
            set->setColor(colour);
            for (const DoraWeek &w : r.weeks) {
                *set << w.figures.deployments;
                maxY = std::max(maxY, double(w.figures.deployments));
            }
            auto *bars = new QBarSeries;
            bars->append(set);
            chart->addSeries(bars);
            bars->attachAxis(x);
            bars->attachAxis(y);
        } else {
            auto *line = new QLineSeries;
            auto *dots = new QScatterSeries;
            line->setColor(colour);
            dots->setColor(colour);
            dots->setBorderColor(colour);
            dots->setMarkerSize(7);
            for (int i = 0; i < r.weeks.size(); ++i) {
                const DoraFigures &wf = r.weeks.at(i).figures;
                double v = -1;
                if (m == LeadTime && wf.leadTimeSecs >= 0)
                    v = wf.leadTimeSecs / 3600.0;
                else if (m == FailureRate && wf.changeFailureRate >= 0)
                    v = wf.changeFailureRate * 100;
                else if (m == Restore && wf.timeToRestoreSecs >= 0)
                    v = wf.timeToRestoreSecs / 3600.0;
                if (v < 0)
                    continue; // a week without samples is a gap, not a zero
                line->append(i, v);
                dots->append(i, v);
                maxY = std::max(maxY, v);
            }
            chart->addSeries(line);
            chart->addSeries(dots);
            for (QAbstractSeries *s :
                 {static_cast<QAbstractSeries *>(line), static_cast<QAbstractSeries *>(dots)}) {
                s->attachAxis(x);
                s->attachAxis(y);
            }
        }
        y->setRange(0, maxY * 1.15);
        y->applyNiceNumbers();
        // Small ranges need a decimal, or the ticks read "0 1 1 2".
        y->setLabelFormat(y->max() < 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));

        applyChartTheme(chart);
    }
    m_charts[Frequency]->chart()->setTitle(tr("Deploys per week"));
    m_charts[LeadTime]->chart()->setTitle(tr("Lead time, median (hours)"));
    m_charts[FailureRate]->chart()->setTitle(tr("Change failure rate (%)"));
    m_charts[Restore]->chart()->setTitle(tr("Time to restore, median (hours)"));

    m_services->setRowCount(int(r.services.size()));
    for (int row = 0; row < r.services.size(); ++row) {
        const auto &[name, sf] = r.services.at(row);
        const QStringList cells{
            name,
            QStringLiteral("%1 / week · %2")
                .arg(QString::number(sf.deploysPerDay * 7, 'f', 1), bandName(sf.frequencyBand)),
            QStringLiteral("%1 · %2").arg(durationOrDash(sf.leadTimeSecs),
                                          bandName(sf.leadTimeBand)),
            QStringLiteral("%1 · %2").arg(
                sf.changeFailureRate < 0
                    ? QStringLiteral("—")
                    : QStringLiteral("%1 %").arg(qRound(sf.changeFailureRate * 100)),
                bandName(sf.failureBand)),
            QStringLiteral("%1 · %2").arg(durationOrDash(sf.timeToRestoreSecs),
                                          bandName(sf.restoreBand))};
        for (int c = 0; c < cells.size(); ++c)
            m_services->setItem(row, c, new QTableWidgetItem(cells.at(c)));
    }
    m_status->setText(notes.isEmpty() ? tr("Bands: DORA 2023 thresholds (see DORA.md)")
                                      : notes.join(QLatin1Char('\n')));
}

void DoraPage::applyChartTheme(QChart *chart)
{
    const QPalette pal = palette();
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundPen(QPen(pal.color(QPalette::Mid)));
    chart->setTitleBrush(pal.color(QPalette::Text));
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setLinePenColor(pal.color(QPalette::Mid));
        QColor grid = pal.color(QPalette::Mid);
        grid.setAlpha(80);
        axis->setGridLineColor(grid);
    }
}

void DoraPage::retranslate()
{
    m_serviceLabel->setText(tr("Service"));
    m_environmentLabel->setText(tr("Environment"));
    m_periodLabel->setText(tr("Period"));
    if (m_service->count() == 0 || !m_service->itemData(0).toString().isEmpty()) {
        // First time: "all services" goes on top and is the starting choice.
        m_service->insertItem(0, QString(), QString());
        m_service->setCurrentIndex(0);
    }
    m_service->setItemText(0, tr("All services"));
    const int p = m_period->currentIndex();
    QSignalBlocker block(m_period);
    m_period->clear();
    m_period->addItems({tr("4 weeks"), tr("12 weeks"), tr("26 weeks")});
    m_period->setCurrentIndex(std::max(0, p));
    m_titles[Frequency]->setText(tr("Deployment frequency"));
    m_titles[LeadTime]->setText(tr("Lead time for changes"));
    m_titles[FailureRate]->setText(tr("Change failure rate"));
    m_titles[Restore]->setText(tr("Time to restore"));
    m_services->setHorizontalHeaderLabels({tr("Service"), tr("Deployment frequency"),
                                           tr("Lead time"), tr("Change failure rate"),
                                           tr("Time to restore")});
}

void DoraPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        if (!isBusy())
            showReport(report(), notes());
    } else if (event->type() == QEvent::PaletteChange && !isBusy()) {
        showReport(report(), notes());
    }
    QWidget::changeEvent(event);
}

} // namespace fd
