#pragma once

#include "metrics/dora.h"

#include <QDateTime>
#include <QWidget>

#include <memory>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QTableWidget;

namespace fd {

class RepositoryCache;
class Session;

/**
 * DORA metrics for a service (or all) in an environment (production unless chosen): four
 * figures with their performance band, their weekly trends as charts, and one row per
 * service. The history is read from the estate and the store on the GUI thread (quick) and
 * computed on a worker, because lead time may walk git history.
 */
class DoraPage : public QWidget
{
    Q_OBJECT
public:
    DoraPage(Session *session, QWidget *parent = nullptr);
    ~DoraPage() override;

    /// Recomputes for the chosen filters, ending the period at @p now (default: now).
    void refresh(const QDateTime &now = {});
    bool isBusy() const { return m_busy; }
    const DoraReport &report() const { return m_report; }
    QStringList notes() const { return m_notes; }
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
    void show(const DoraReport &report, const QStringList &notes);
    void retranslate();
    void applyChartTheme(QChart *chart);

    Session *m_session;
    std::shared_ptr<RepositoryCache> m_git;
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
    DoraReport m_report;
    QStringList m_notes;
    QDateTime m_now;
    bool m_busy = false;
    int m_generation = 0;
};

} // namespace fd
