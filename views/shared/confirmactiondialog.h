#pragma once

#include "ops/actionrunner.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace fd {

/**
 * Shows what an action would do before it is done: the plan's exact requests (method, path,
 * body), its preconditions and warnings, and every guard's result. The confirm button stays
 * disabled until no guard refuses: a protected environment needs its name typed, a freeze
 * window needs a written reason, read-only and blocking guards never let it through.
 */
class ConfirmActionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConfirmActionDialog(const PreparedAction &prepared, QWidget *parent = nullptr);
    /// @p change: one plain sentence of what the action changes (ChangeSentence), shown first.
    ConfirmActionDialog(const PreparedAction &prepared, const QString &change, QWidget *parent);

    Confirmation confirmation() const;
    /// The action, plan and guards shown.
    const PreparedAction &prepared() const { return m_prepared; }
    /// The guards that still refuse with what has been typed so far (empty: may confirm).
    QStringList refusals() const;
    bool canConfirm() const { return refusals().isEmpty(); }

    QLineEdit *typedNameEdit() const { return m_typedName; }
    QPlainTextEdit *reasonEdit() const { return m_reason; }
    QPushButton *confirmButton() const;

    /// Offers to post the change notice to these chat targets first (checked to begin with).
    void offerAnnouncement(const QStringList &targets);
    /// True when the operator wants the change notice posted.
    bool announce() const;
    QCheckBox *announceBox() const { return m_announce; }

    /// The refusals in the user's language, as the dialog shows them.
    QStringList refusalTexts() const;

    /// Words for a verb as a button says it ("Promote", "Roll back", ...).
    static QString verbText(ReleaseAction::Verb verb);
    /// A guard's name in the user's language ("protected-environment" → "protected environment").
    static QString guardName(const QString &guard);

private:
    QString guardMessage(const GuardResult &guard) const;
    void updateState();

    PreparedAction m_prepared;
    QLineEdit *m_typedName = nullptr;
    QPlainTextEdit *m_reason = nullptr;
    QLabel *m_refusal = nullptr;
    QCheckBox *m_announce = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace fd
