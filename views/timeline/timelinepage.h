#pragma once

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;
class QTextBrowser;

namespace fd {

class Session;
class TimelineChart;
class TimelineModel;

/**
 * Every change and alert on one time axis: lanes, zoom and pan, filters by service,
 * environment and time window, the event table below and the picked event's details beside.
 * Reads the stored timeline (pruned to the retention period when it opens) and follows the
 * estate's live events.
 */
class TimelinePage : public QWidget
{
    Q_OBJECT
public:
    TimelinePage(Session *session, QWidget *parent = nullptr);

    TimelineModel *model() const { return m_model; }
    TimelineChart *chart() const { return m_chart; }
    QTableView *table() const { return m_table; }
    QComboBox *serviceFilter() const { return m_service; }
    QComboBox *environmentFilter() const { return m_environment; }
    QComboBox *windowChoice() const { return m_window; }
    /// Re-reads the stored timeline (what the window shows, plus the retention prune).
    void reload();
    /// Shows one event's details and highlights it in the chart and the table.
    void selectEvent(const QString &key);
    /// Ends the visible window at @p now (the screenshots pin it).
    void setNow(const QDateTime &now);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyFilter();
    void updateHint();
    void retranslate();
    void fillFilters();

    Session *m_session;
    TimelineModel *m_model;
    TimelineChart *m_chart;
    QTableView *m_table;
    QTextBrowser *m_details;
    QComboBox *m_service;
    QComboBox *m_environment;
    QComboBox *m_window;
    QLabel *m_serviceLabel;
    QLabel *m_environmentLabel;
    QLabel *m_windowLabel;
    QLabel *m_hint;
    QDateTime m_now;
};

} // namespace fd
