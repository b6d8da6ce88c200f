#pragma once

#include "itemmodels/environmentmatrixmodel.h"
#include "shared/consolepage.h"

class QLabel;
class QLineEdit;
class QTableView;

namespace fd {

class DeploymentHistoryModel;
class RecordFilterProxyModel;
class StatusProxy;

/// Services x environments; the selected cell's deployment history below.
class MatrixPage : public ConsolePage
{
    Q_OBJECT
public:
    explicit MatrixPage(Estate *estate, QWidget *parent = nullptr);

    EnvironmentMatrixModel *model() const { return m_model; }
    QTableView *matrixView() const { return m_view; }
    QTableView *historyView() const { return m_history; }
    DeploymentHistoryModel *historyModel() const { return m_historyModel; }
    QLineEdit *searchEdit() const { return m_search; }
    QLabel *historyTitle() const { return m_historyTitle; }
    QLabel *legend() const { return m_legend; }
    /// "Nothing matches …" when the filter keeps no row; hidden otherwise.
    QLabel *emptyMessage() const { return m_empty; }

    /// Select one cell (and show its history).
    void selectCell(const QString &service, const QString &environment);
    /// The actions the context menu offers for a cell, in menu order.
    QList<ReleaseAction> cellActions(const QString &service, const QString &environment) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateEmptyMessage();
    void updateLegend();
    void showHistory(const QModelIndex &proxyIndex);
    void showContextMenu(const QPoint &pos);
    void updateHistoryTitle();

    EnvironmentMatrixModel *m_model;
    RecordFilterProxyModel *m_proxy;
    DeploymentHistoryModel *m_historyModel;
    RecordFilterProxyModel *m_historyProxy;
    StatusProxy *m_historyStatus;
    QTableView *m_view;
    QTableView *m_history;
    QLineEdit *m_search;
    QLabel *m_historyTitle;
    QLabel *m_link;
    QLabel *m_legend;
    QLabel *m_empty;
    QString m_historyService; // the cell whose history is shown
    QString m_historyEnvironment;
};

} // namespace fd
