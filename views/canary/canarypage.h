#pragma once

#include "domain/records.h"
#include "shared/consolepage.h"

#include <QDateTime>
#include <QHash>
#include <QPointF>

class QLabel;
class QListView;
class QPushButton;
class QTableView;

class QChart;
class QChartView;
class QLineSeries;
class QDateTimeAxis;
class QValueAxis;

namespace fd {

class RolloutStepsModel;
class RolloutsModel;
class StatusProxy;

/**
 * The canary cockpit: the rollouts in flight, the selected one's traffic split over time
 * (recorded as the Rollout record changes), its steps, analysis, and the operator buttons.
 * Buttons are enabled from the backend's own action list, never guessed from the phase.
 */
class CanaryPage : public ConsolePage
{
    Q_OBJECT
public:
    explicit CanaryPage(Estate *estate, QWidget *parent = nullptr);

    /// The rollout actions the cockpit offers, by the backend's action name, in button order.
    struct RolloutActionDef
    {
        QString name; // resume, promote-full, pause, abort, retry
        QString label;
        ReleaseAction::Verb verb;
    };
    static QList<RolloutActionDef> rolloutActions();
    /// The action a cockpit button (or the command palette) asks for on @p rollout.
    static ReleaseAction actionFor(const Rollout &rollout, const QString &actionName);

    RolloutsModel *model() const { return m_model; }
    RolloutStepsModel *stepsModel() const { return m_steps; }
    QTableView *rolloutsView() const { return m_view; }
    QChartView *chartView() const { return m_chartView; }
    /// The button for a backend action name: resume, promote-full, pause, abort, retry.
    QPushButton *button(const QString &actionName) const { return m_buttons.value(actionName); }
    QString selectedKey() const { return m_key; }
    void selectRollout(const QString &key);
    /// The recorded canary weight points (ms since epoch, weight) of one rollout.
    QList<QPointF> history(const QString &key) const { return m_history.value(key); }

protected:
    void updateActions() override;
    void changeEvent(QEvent *event) override;

private:
    void record(const QStringList &keys);
    void showRollout();
    void redrawChart();
    void applyChartTheme();

    RolloutsModel *m_model;
    StatusProxy *m_colours;
    RolloutStepsModel *m_steps;
    QTableView *m_view;
    QLabel *m_title;
    QLabel *m_detail;
    QLabel *m_analysis;
    QListView *m_stepList;
    QChart *m_chart;
    QChartView *m_chartView;
    QLineSeries *m_canarySeries;
    QLineSeries *m_stableSeries;
    QLineSeries *m_setSeries; // the set weight: the target the actual weight should reach
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_weightAxis;
    QHash<QString, QPushButton *> m_buttons;
    QHash<QString, QList<QPointF>> m_history;    // actual weight over time (-1: unknown)
    QHash<QString, QList<QPointF>> m_setHistory; // set weight over time (-1: unknown)
    QString m_key;
};

} // namespace fd
