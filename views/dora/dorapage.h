#pragma once

#include "metrics/doraengine.h"

#include <QDateTime>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QTableWidget;

namespace fd {

class Session;

/**
 * DORA metrics for a service (or all) in an environment (production unless chosen): four
 * figures with their performance band, their weekly trends as charts, and one row per
 * service. The figures come from a DoraEngine, which computes them again whenever the estate
 * or the timeline changes; the page shows each result and sends the filters.
 */
class DoraPage : public QWidget
{
    Q_OBJECT
public:
    DoraPage(Session *session, QWidget *parent = nullptr);
    ~DoraPage() override;

    /// Recomputes for the chosen filters, ending the period at @p now (default: now).
    void refresh(const QDateTime &now = {});
    bool isBusy() const { return m_engine->isBusy(); }
    const DoraReport &report() const { return m_engine->report(); }
    QStringList notes() const { return m_engine->notes(); }
    DoraEngine *engine() const { return m_engine; }
    QComboBox *serviceFilter() const { return m_service; }
    QComboBox *environmentFilter() const { return m_environment; }
    QComboBox *periodChoice() const { return m_period; }
    QLabel *valueLabel(int metric) const { return m_values.value(metric); }
    QLabel *bandLabel(int metric) const { return m_bands.value(metric); }
    QTableWidget *servicesTable() const { return m_services; }

    static QString bandName(DoraBand band);

Q_SIGNALS:
    void updated();

protected:
    void changeEvent(QEvent *event) override;

private:
    void askEngine();
    void showReport(const DoraReport &report, const QStringList &notes);
    void retranslate();
    void applyChartTheme(QChart *chart);

    Session *m_session;
    DoraEngine *m_engine;
    QComboBox *m_service;
    QComboBox *m_environment;
    QComboBox *m_period;
    QLabel *m_serviceLabel;
    QLabel *m_environmentLabel;
    QLabel *m_periodLabel;
    QLabel *m_status;
    QList<QLabel *> m_titles;
    QList<QLabel *> m_values;
    QList<QLabel *> m_bands;
    QList<QLabel *> m_details;
    QList<QChartView *> m_charts;
    QTableWidget *m_services;
};

} // namespace fd
