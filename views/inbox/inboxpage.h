#pragma once

#include "domain/records.h"
#include "shared/consolepage.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace fd {

class GatesModel;
class RecordFilterProxyModel;
class StatusProxy;

/// Every gate waiting for a human, across backends; approve or reject with a comment.
class InboxPage : public ConsolePage
{
    Q_OBJECT
public:
    explicit InboxPage(Estate *estate, QWidget *parent = nullptr);

    GatesModel *model() const { return m_model; }
    QTableView *gatesView() const { return m_view; }
    QLineEdit *commentEdit() const { return m_comment; }
    QPushButton *approveButton() const { return m_approve; }
    QPushButton *rejectButton() const { return m_reject; }
    QString selectedKey() const { return m_key; }
    void selectGate(const QString &key);
    /// The action Approve / Reject (or the command palette) asks for on @p gate.
    static ReleaseAction
    actionFor(const Gate &gate, ReleaseAction::Verb verb, const QString &comment);

Q_SIGNALS:
    void pendingCountChanged(int count);

protected:
    void updateActions() override;

private:
    void showGate();
    void request(ReleaseAction::Verb verb);

    GatesModel *m_model;
    RecordFilterProxyModel *m_filter;
    StatusProxy *m_colours;
    QTableView *m_view;
    QLineEdit *m_search;
    QLabel *m_detail;
    QLineEdit *m_comment;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QString m_key;
    bool m_selectedGoing = false;
};

} // namespace fd
