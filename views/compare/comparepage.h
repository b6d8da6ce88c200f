#pragma once

#include "compare/compareengine.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace fd {

class CommitListModel;
class CompareGridModel;
class ConfigDiffModel;
class ImagePairModel;
class ResourceDriftModel;
class Session;

/**
 * Environment comparison: what is in A that is not in B, for every service at once (a grid)
 * and for the selected one (its commits, config differences, images and Argo CD drift). Argo CD
 * managed resources are read first on the GUI thread (asynchronously); the comparison runs
 * on the engine's worker threads; the page shows progress and stays usable meanwhile.
 */
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePage(Session *session, QWidget *parent = nullptr);
    ~ComparePage() override;

    /// Compare these two environments (and start at once).
    void setEnvironments(const QString &envA, const QString &envB);
    QString environmentA() const;
    QString environmentB() const;
    /// Start a comparison with the current pickers ("" service = all).
    void refresh();
    /// Select a service's row and show its detail.
    void selectService(const QString &service);
    /// The current report as Markdown (what "Copy Markdown" puts on the clipboard).
    QString markdown() const;
    bool isComparing() const;

    CompareEngine *engine() const { return m_engine; }
    CompareGridModel *gridModel() const { return m_grid; }
    CommitListModel *commitModel() const { return m_commits; }
    ConfigDiffModel *configModel() const { return m_config; }
    ResourceDriftModel *driftModel() const { return m_drift; }
    QTableView *gridView() const { return m_gridView; }
    QTabWidget *detailTabs() const { return m_tabs; }

Q_SIGNALS:
    /// A comparison finished and is on screen.
    void compared();

private:
    void fillPickers();
    void showDetail(const QString &service);
    QString driftTitle() const;
    void onFinished(const CompareReport &report);
    void copyMarkdown();
    void saveMarkdown();
    void changeEvent(QEvent *event) override;
    void retranslate();

    Session *m_session;
    CompareEngine *m_engine;
    CompareGridModel *m_grid;
    QSortFilterProxyModel *m_gridProxy;
    CommitListModel *m_commits;
    ConfigDiffModel *m_config;
    ImagePairModel *m_images;
    ResourceDriftModel *m_drift;
    QComboBox *m_envA;
    QComboBox *m_envB;
    QComboBox *m_service;
    QPushButton *m_swap;
    QPushButton *m_refresh;
    QPushButton *m_copy;
    QPushButton *m_save;
    QProgressBar *m_progress;
    QLabel *m_status;
    QLabel *m_title;
    QLabel *m_aLabel;
    QLabel *m_bLabel;
    QLabel *m_serviceLabel;
    QLabel *m_detailTitle;
    QLabel *m_detailSummary;
    QLabel *m_problems;
    QTableView *m_gridView;
    QTableView *m_commitView;
    QTableView *m_configView;
    QTableView *m_imageView;
    QTableView *m_driftView;
    QCheckBox *m_showNormalized;
    QTabWidget *m_tabs;
    QString m_selected;
    QTimer m_estateSettle; // an estate change re-compares once things are quiet
};

} // namespace fd
