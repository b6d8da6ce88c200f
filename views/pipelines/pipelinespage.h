#pragma once

#include "domain/records.h"
#include "shared/consolepage.h"

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTreeWidget;

namespace fd {

class Backend;
class RecordFilterProxyModel;
class RunsModel;
class StatusProxy;

/// Every run from every backend, with filters and a detail pane (stages, log tail, actions).
class PipelinesPage : public ConsolePage
{
    Q_OBJECT
public:
    using BackendLookup = std::function<Backend *(const QString &connectionId)>;
    /// The log tail is fetched in pieces of this size and never kept beyond the cap.
    static constexpr qint64 LogChunkBytes = 64 * 1024;
    static constexpr qint64 LogCapBytes = 1024 * 1024;

    explicit PipelinesPage(Estate *estate, QWidget *parent = nullptr);
    void setBackendLookup(BackendLookup lookup) { m_backends = std::move(lookup); }

    RunsModel *model() const { return m_model; }
    RecordFilterProxyModel *filter() const { return m_filter; }
    QTableView *runsView() const { return m_view; }
    QComboBox *backendFilter() const { return m_backend; }
    QComboBox *serviceFilter() const { return m_service; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *branchFilter() const { return m_branch; }
    QPushButton *rerunButton() const { return m_rerun; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPlainTextEdit *logView() const { return m_log; }
    /// The key of the selected run (empty: none).
    QString selectedRunKey() const;
    void selectRun(const QString &key);
    /// The action Re-run / Cancel (or the command palette) asks for on @p run.
    static ReleaseAction actionFor(const Run &run, ReleaseAction::Verb verb);

    /// Sizes the columns to the table's width: hides the least important ones rather than
    /// scrolling sideways. Runs on every resize.
    void fitColumns();

protected:
    void updateActions() override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    int columnWidthFor(int column) const;
    void refreshFilterChoices();
    void showRun();
    /// Reads the last @p bytes of the shown run's log; @p announce shows "Loading…" meanwhile.
    void fetchLog(qint64 bytes, bool announce = true);
    /// What changes when a run moves on: its status and every stage's status.
    static QString progressOf(const Run &run);

    RunsModel *m_model;
    RecordFilterProxyModel *m_filter;
    StatusProxy *m_colours;
    QTableView *m_view;
    QComboBox *m_backend;
    QComboBox *m_service;
    QComboBox *m_status;
    QComboBox *m_branch;
    QLineEdit *m_search;
    QLabel *m_title;
    QLabel *m_meta;
    QTreeWidget *m_stages;
    QPlainTextEdit *m_log;
    QPushButton *m_more;
    QCheckBox *m_wrap;
    QPushButton *m_rerun;
    QPushButton *m_cancel;
    BackendLookup m_backends;
    QString m_shownKey;
    qint64 m_logBytes = 0;
    QString m_logProgress;    // progressOf() the shown run when its log was last read
    quint64 m_logRequest = 0; // answers to older requests are dropped
};

} // namespace fd
