#include "canarypage.h"

#include "estate/estate.h"
#include "itemmodels/formatting.h"
#include "itemmodels/itemroles.h"
#include "itemmodels/rolloutsmodel.h"
#include "shared/statusproxy.h"
#include "shared/theme.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QListView>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

namespace fd {

namespace {

/// Marks the current step with an arrow, passed ones with a tick, pauses in the warning colour.
class StepDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const bool current = index.data(Roles::CurrentStepRole).toBool();
        const bool done = index.data(Roles::StepDoneRole).toBool();
        const StatusColors colors = StatusColors::of(option->palette);
        const QString mark = current ? QStringLiteral("▶  ")
                             : done  ? QStringLiteral("✓  ")
                                     : QStringLiteral("    ");
        option->text = mark + option->text;
        if (current) {
            option->font.setBold(true);
            option->palette.setColor(QPalette::Text, colors.progress);
        } else if (done) {
            option->palette.setColor(QPalette::Text, colors.neutral);
        } else if (RolloutStep::Kind(index.data(Roles::StepKindRole).toInt()) ==
                   RolloutStep::Kind::Pause) {
            option->palette.setColor(QPalette::Text, colors.warn);
        }
    }
};

} // namespace

CanaryPage::CanaryPage(Estate *estate, QWidget *parent)
    : ConsolePage(estate, parent)
    , m_model(new RolloutsModel(estate, this))
    , m_colours(new StatusProxy(StatusProxy::Kind::Rollout, RolloutsModel::Phase, this))
    , m_steps(new RolloutStepsModel(estate, this))
{
    setObjectName(QStringLiteral("canaryPage"));
    m_colours->setSourceModel(m_model);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    auto *split = new QSplitter(Qt::Vertical, this);

    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("rolloutsView"));
    m_view->setModel(m_colours);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setDefaultSectionSize(110);
    // The analysis text is the long one ("Successful (success-rate 99.7%)"): it gets the room.
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(RolloutsModel::Analysis, QHeaderView::Stretch);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setMaximumHeight(180);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &cur) {
                m_key = cur.data(Roles::KeyRole).toString();
                m_steps->setRolloutKey(m_key);
                showRollout();
            });

    auto *cockpit = new QWidget(split);
    auto *grid = new QGridLayout(cockpit);
    grid->setContentsMargins(0, 6, 0, 0);
    m_title = new QLabel(tr("No rollout in flight."), cockpit);
    m_title->setObjectName(QStringLiteral("rolloutTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    m_detail = new QLabel(cockpit);
    m_detail->setObjectName(QStringLiteral("rolloutDetail"));
    m_detail->setWordWrap(true);
    m_analysis = new QLabel(cockpit);
    m_analysis->setObjectName(QStringLiteral("rolloutAnalysis"));
    m_analysis->setWordWrap(true);
    grid->addWidget(m_title, 0, 0, 1, 2);
    grid->addWidget(m_detail, 1, 0, 1, 2);
    grid->addWidget(m_analysis, 2, 0, 1, 2);

    m_chart = new QChart;
    m_chart->setObjectName(QStringLiteral("trafficChart"));
    m_canarySeries = new QLineSeries(m_chart);
    m_canarySeries->setName(tr("Canary"));
    m_stableSeries = new QLineSeries(m_chart);
    m_stableSeries->setName(tr("Stable"));
    m_setSeries = new QLineSeries(m_chart);
    m_setSeries->setName(tr("Set weight (target)"));
    m_chart->addSeries(m_stableSeries);
    m_chart->addSeries(m_setSeries);
    m_chart->addSeries(m_canarySeries);
    m_timeAxis = new QDateTimeAxis(m_chart);
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTickCount(5);
    m_weightAxis = new QValueAxis(m_chart);
    m_weightAxis->setRange(0, 100);
    m_weightAxis->setLabelFormat(QStringLiteral("%d%%"));
    m_weightAxis->setTickCount(6);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_weightAxis, Qt::AlignLeft);
    for (QLineSeries *s : {m_canarySeries, m_stableSeries, m_setSeries}) {
        s->attachAxis(m_timeAxis);
        s->attachAxis(m_weightAxis);
    }
    m_chart->setTitle(tr("Traffic split"));
    m_chart->legend()->setAlignment(Qt::AlignTop);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chartView = new QChartView(m_chart, cockpit);
    m_chartView->setObjectName(QStringLiteral("trafficChartView"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);
    grid->addWidget(m_chartView, 3, 0);

    auto *stepsBox = new QWidget(cockpit);
    auto *sl = new QVBoxLayout(stepsBox);
    sl->setContentsMargins(0, 0, 0, 0);
    sl->addWidget(new QLabel(tr("Steps"), stepsBox));
    m_stepList = new QListView(stepsBox);
    m_stepList->setObjectName(QStringLiteral("stepList"));
    m_stepList->setModel(m_steps);
    m_stepList->setItemDelegate(new StepDelegate(m_stepList));
    m_stepList->setSelectionMode(QAbstractItemView::NoSelection);
    sl->addWidget(m_stepList);
    stepsBox->setMinimumWidth(240);
    grid->addWidget(stepsBox, 3, 1);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 1);
    grid->setRowStretch(3, 1);

    auto *buttons = new QHBoxLayout;
    for (const auto &def : rolloutActions()) {
        auto *b = new QPushButton(def.label, cockpit);
        b->setObjectName(def.name + QStringLiteral("Button"));
        m_buttons.insert(def.name, b);
        buttons->addWidget(b);
        const QString actionName = def.name;
        connect(b, &QPushButton::clicked, this, [this, actionName] {
            const auto it = this->estate()->rollouts().constFind(m_key);
            if (it == this->estate()->rollouts().cend() || !it->actionEnabled(actionName))
                return;
            Q_EMIT actionRequested(actionFor(*it, actionName));
        });
    }
    buttons->addStretch(1);
    grid->addLayout(buttons, 4, 0, 1, 2);

    split->addWidget(m_view);
    split->addWidget(cockpit);
    split->setStretchFactor(1, 1);
    layout->addWidget(split);

    connect(estate, &Estate::changed, this,
            [this](RecordKind kind, const QStringList &ins, const QStringList &upd,
                   const QStringList &) {
                if (kind != RecordKind::Rollouts)
                    return;
                record(ins + upd);
                if (m_key.isEmpty() && m_model->rowCount() > 0)
                    m_view->selectRow(0);
                else if ((ins + upd).contains(m_key))
                    showRollout();
            });
    record(QStringList(estate->rollouts().keyBegin(), estate->rollouts().keyEnd()));
    applyChartTheme();
    if (m_model->rowCount() > 0)
        m_view->selectRow(0);
    showRollout();
}

QList<CanaryPage::RolloutActionDef> CanaryPage::rolloutActions()
{
    return {{QStringLiteral("resume"), tr("Promote step"), ReleaseAction::Verb::Promote},
            {QStringLiteral("promote-full"), tr("Promote full"), ReleaseAction::Verb::PromoteFull},
            {QStringLiteral("pause"), tr("Pause"), ReleaseAction::Verb::Pause},
            {QStringLiteral("abort"), tr("Abort"), ReleaseAction::Verb::Abort},
            {QStringLiteral("retry"), tr("Retry"), ReleaseAction::Verb::Retry}};
}

ReleaseAction CanaryPage::actionFor(const Rollout &rollout, const QString &actionName)
{
    ReleaseAction a;
    for (const auto &def : rolloutActions())
        if (def.name == actionName)
            a.verb = def.verb;
    a.connectionId = rollout.connectionId;
    a.service = rollout.service;
    a.environment = rollout.environment;
    a.target = rollout.key();
    a.options.insert(QStringLiteral("rolloutAction"), actionName);
    // The step it was asked at: the precondition that keeps a double click from promoting twice.
    a.options.insert(QStringLiteral("step"), rollout.currentStepIndex);
    return a;
}

void CanaryPage::selectRollout(const QString &key)
{
    const int row = m_model->rowOf(key);
    if (row >= 0)
        m_view->selectRow(row);
}

void CanaryPage::record(const QStringList &keys)
{
    for (const auto &key : keys) {
        const auto it = estate()->rollouts().constFind(key);
        if (it == estate()->rollouts().cend())
            continue;
        QList<QPointF> &points = m_history[key];
        QList<QPointF> &set = m_setHistory[key];
        const qreal now = qreal(QDateTime::currentMSecsSinceEpoch());
        qreal t = it->updated.isValid() ? qreal(it->updated.toMSecsSinceEpoch()) : now;
        if (!points.isEmpty() && t <= points.last().x())
            t = std::max(now, points.last().x());
        // The chart draws what the traffic really does (actual weight); the set weight is only
        // the target line. Both may be -1 (unknown), drawn as a gap.
        if (!points.isEmpty() && points.last().y() == it->actualWeight &&
            set.last().y() == it->setWeight)
            continue;
        points << QPointF(t, it->actualWeight);
        set << QPointF(t, it->setWeight);
        // A long-running rollout keeps its last few hundred changes, enough for the chart.
        if (points.size() > 500) {
            points.removeFirst();
            set.removeFirst();
        }
    }
}

void CanaryPage::showRollout()
{
    const auto it = estate()->rollouts().constFind(m_key);
    if (it == estate()->rollouts().cend()) {
        m_title->setText(tr("No rollout in flight."));
        m_detail->clear();
        m_analysis->clear();
        redrawChart();
        updateActions();
        return;
    }
    const Rollout &r = *it;
    m_title->setText(tr("%1 in %2 — %3")
                         .arg(r.service.isEmpty() ? r.name : r.service, r.environment,
                              Wording::rolloutPhase(r.phase)));
    const StatusColors colors = StatusColors::of(palette());
    const auto pct = [&](int w, const QString &field) {
        return w >= 0 ? QStringLiteral("%1%").arg(w)
                      : tr("unknown (%1)").arg(r.unknown.value(field, tr("not reported")));
    };
    QStringList lines;
    if (r.strategy == QLatin1String("canary"))
        lines << tr("Canary %1: actual %2 of set %3 · stable %4")
                     .arg(r.canaryVersion.toHtmlEscaped(),
                          pct(r.actualWeight, QStringLiteral("actualWeight")).toHtmlEscaped(),
                          pct(r.setWeight, QStringLiteral("setWeight")).toHtmlEscaped(),
                          r.stableVersion.toHtmlEscaped());
    else
        lines << tr("Blue-green: stable %1, next %2")
                     .arg(r.stableVersion.toHtmlEscaped(), r.canaryVersion.toHtmlEscaped());
    if (!r.step.isEmpty())
        lines << tr("Step %1").arg(r.step);
    const RolloutReplicas &n = r.replicas;
    if (n.desired >= 0 && n.current >= 0)
        lines << tr("Replicas: %1 desired, %2 current, %3 updated, %4 ready, %5 available")
                     .arg(n.desired)
                     .arg(n.current)
                     .arg(n.updated)
                     .arg(n.ready)
                     .arg(n.available);
    QStringList images;
    for (const RolloutImage &img : r.images)
        images << (img.roles.isEmpty() ? img.image
                                       : QStringLiteral("%1 (%2)").arg(
                                             img.image, img.roles.join(QStringLiteral(", "))))
                      .toHtmlEscaped();
    if (!images.isEmpty())
        lines << tr("Images: %1").arg(images.join(QStringLiteral(", ")));
    if (!r.message.isEmpty())
        lines << (r.phase == RolloutPhase::Degraded
                      ? QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                            .arg(colors.bad.name(), r.message.toHtmlEscaped())
                      : r.message.toHtmlEscaped());
    m_detail->setTextFormat(Qt::RichText);
    m_detail->setText(lines.join(QStringLiteral("<br>")));
    const QString analysis =
        r.analysisStatus.isEmpty() ? tr("no analysis running") : r.analysisStatus;
    const bool bad = analysis.contains(QLatin1String("fail"), Qt::CaseInsensitive) ||
                     analysis.contains(QLatin1String("error"), Qt::CaseInsensitive);
    const bool good = analysis.contains(QLatin1String("success"), Qt::CaseInsensitive);
    m_analysis->setText(tr("Analysis: <span style='color:%1'><b>%2</b></span>")
                            .arg((bad    ? colors.bad
                                  : good ? colors.ok
                                         : colors.neutral)
                                     .name(),
                                 analysis.toHtmlEscaped()));
    redrawChart();
    updateActions();
}

void CanaryPage::redrawChart()
{
    const QList<QPointF> points = m_history.value(m_key);
    const QList<QPointF> setPoints = m_setHistory.value(m_key);
    QList<QPointF> canary, stable, set;
    // Weight changes are steps, not slopes; an unknown weight (-1) leaves that stretch out.
    const auto stepLine = [](const QList<QPointF> &in, QList<QPointF> *out, bool inverse) {
        for (int i = 0; i < in.size(); ++i) {
            if (in.at(i).y() < 0)
                continue;
            const qreal y = inverse ? 100 - in.at(i).y() : in.at(i).y();
            if (i > 0 && in.at(i - 1).y() >= 0)
                *out << QPointF(in.at(i).x(), inverse ? 100 - in.at(i - 1).y() : in.at(i - 1).y());
            *out << QPointF(in.at(i).x(), y);
        }
    };
    stepLine(points, &canary, false);
    stepLine(points, &stable, true);
    stepLine(setPoints, &set, false);
    const qreal nowMs = qreal(QDateTime::currentMSecsSinceEpoch());
    if (!set.isEmpty() && setPoints.last().y() >= 0 && nowMs > set.last().x() &&
        nowMs - set.last().x() < 24 * 3600 * 1000.0)
        set << QPointF(nowMs, set.last().y());
    m_setSeries->replace(set);
    m_canarySeries->replace(canary);
    m_stableSeries->replace(stable);
    if (points.isEmpty()) {
        const QDateTime now = QDateTime::currentDateTime();
        m_timeAxis->setRange(now.addSecs(-600), now);
        return;
    }
    // A live rollout holds its last weight until now.
    const qreal now = qreal(QDateTime::currentMSecsSinceEpoch());
    if (now > points.last().x() && now - points.last().x() < 24 * 3600 * 1000.0 &&
        points.last().y() >= 0) {
        canary << QPointF(now, points.last().y());
        stable << QPointF(now, 100 - points.last().y());
        m_canarySeries->replace(canary);
        m_stableSeries->replace(stable);
    }
    const qint64 first = qint64(points.first().x());
    const qint64 last = std::max<qint64>(
        qint64(std::max(canary.isEmpty() ? 0.0 : canary.last().x(), points.last().x())),
        first + 60000);
    const qint64 pad = (last - first) / 20;
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(first - pad),
                         QDateTime::fromMSecsSinceEpoch(last + pad));
}

void CanaryPage::updateActions()
{
    const auto it = estate()->rollouts().constFind(m_key);
    for (auto b = m_buttons.cbegin(); b != m_buttons.cend(); ++b) {
        const bool available = it != estate()->rollouts().cend() && it->actionEnabled(b.key());
        (*b)->setEnabled(mutationsEnabled() && available);
    }
}

void CanaryPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyChartTheme();
    ConsolePage::changeEvent(event);
}

void CanaryPage::applyChartTheme()
{
    const QPalette pal = palette();
    const StatusColors colors = StatusColors::of(pal);
    m_chart->setBackgroundBrush(pal.color(QPalette::Base));
    m_chart->setBackgroundPen(QPen(pal.color(QPalette::Mid)));
    m_chart->setTitleBrush(pal.color(QPalette::Text));
    m_chart->legend()->setLabelColor(pal.color(QPalette::Text));
    for (QAbstractAxis *axis :
         {static_cast<QAbstractAxis *>(m_timeAxis), static_cast<QAbstractAxis *>(m_weightAxis)}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setGridLineColor(pal.color(QPalette::Mid));
        axis->setLinePenColor(pal.color(QPalette::Mid));
    }
    QPen canaryPen(colors.accent, 2.5);
    QPen stablePen(colors.ok, 2.0);
    m_canarySeries->setPen(canaryPen);
    m_stableSeries->setPen(stablePen);
    QPen setPen(colors.neutral, 1.5, Qt::DashLine);
    m_setSeries->setPen(setPen);
    m_chartView->setBackgroundBrush(pal.color(QPalette::Window));
}

} // namespace fd
