#pragma once

#include "domain/action.h"
#include "incidents/suspects.h"
#include "store/store.h"

#include <QDialog>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace fd {

class Session;
class TimelineChart;
class TimelineModel;

/// Declaring an incident: by hand (title, severity, services, environment) or from an alert.
class DeclareIncidentDialog : public QDialog
{
    Q_OBJECT
public:
    DeclareIncidentDialog(const QStringList &services,
                          const QStringList &environments,
                          const QList<TimelineEvent> &alerts,
                          QWidget *parent = nullptr);
    Incident incident() const;
    QLineEdit *titleEdit() const { return m_title; }
    QComboBox *alertChoice() const { return m_alert; }

private:
    void takeAlert(int index);

    QList<TimelineEvent> m_alerts;
    QComboBox *m_alert;
    QLineEdit *m_title;
    QComboBox *m_severity;
    QListWidget *m_services;
    QComboBox *m_environment;
    QPushButton *m_ok;
};

/**
 * Incidents: the list, and for the selected one its phases with their times, the timeline
 * around it, the ranked suspects with the reason for each score, notes, and the postmortem
 * export. "Roll back from here" asks the window for the suspect's rollback through
 * actionRequested(); the page never acts itself.
 */
class IncidentsPage : public QWidget
{
    Q_OBJECT
public:
    IncidentsPage(Session *session, QWidget *parent = nullptr);

    /// Re-reads incidents from the store, keeping the selection.
    void reload();
    void selectIncident(qint64 id);
    qint64 selectedIncident() const { return m_current.id; }
    const QList<Suspect> &suspects() const { return m_suspects; }
    QTableWidget *incidentsTable() const { return m_list; }
    QTableWidget *suspectsTable() const { return m_suspectTable; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QPushButton *phaseButton() const { return m_advance; }
    TimelineChart *chart() const { return m_chart; }
    /// Writes <dir>/incident-N-postmortem.md and the chart PNG beside it; "" or the error.
    QString exportPostmortem(const QString &directory);
    /// Declares an incident (the dialog's result); returns its id or 0 with the error shown.
    qint64 declare(const Incident &incident);
    /// Who the page acts as (notes, phases, rollback requests).
    void setActor(const QString &actor) { m_actor = actor; }

Q_SIGNALS:
    /// The operator asked to roll back a suspect; the window plans, confirms and runs it.
    void actionRequested(const fd::ReleaseAction &action);

protected:
    void changeEvent(QEvent *event) override;

private:
    void showIncident();
    void retranslate();
    void advancePhase();
    void addNote();
    void requestRollback();
    void openDeclareDialog();
    void chooseExportDirectory();

    Session *m_session;
    QString m_actor;
    QList<Incident> m_incidents;
    Incident m_current;
    QList<Suspect> m_suspects;
    QTableWidget *m_list;
    QPushButton *m_declare;
    QLabel *m_title;
    QLabel *m_phases;
    QLabel *m_error;
    QPushButton *m_advance;
    QPushButton *m_export;
    TimelineModel *m_model;
    TimelineChart *m_chart;
    QLabel *m_suspectsLabel;
    QTableWidget *m_suspectTable;
    QPushButton *m_rollback;
    QLabel *m_notesLabel;
    QListWidget *m_notes;
    QLineEdit *m_noteEdit;
    QPushButton *m_addNote;
};

} // namespace fd
