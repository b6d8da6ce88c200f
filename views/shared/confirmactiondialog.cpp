#include "confirmactiondialog.h"

#include "theme.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fd {

QString ConfirmActionDialog::verbText(ReleaseAction::Verb verb)
{
    using V = ReleaseAction::Verb;
    switch (verb) {
    case V::Promote:
        return tr("Promote");
    case V::PromoteFull:
        return tr("Promote fully");
    case V::Pause:
        return tr("Pause");
    case V::Resume:
        return tr("Resume");
    case V::Abort:
        return tr("Abort");
    case V::Retry:
        return tr("Retry");
    case V::Rollback:
        return tr("Roll back");
    case V::Approve:
        return tr("Approve");
    case V::Reject:
        return tr("Reject");
    case V::Rerun:
        return tr("Re-run");
    case V::RerunFailed:
        return tr("Re-run failed jobs");
    case V::Cancel:
        return tr("Cancel");
    case V::Sync:
        return tr("Sync");
    case V::Restart:
        return tr("Restart");
    }
    return {};
}

QString ConfirmActionDialog::guardName(const QString &guard)
{
    if (guard == QLatin1String("read-only"))
        return tr("read-only");
    if (guard == QLatin1String("feasible"))
        return tr("feasible");
    if (guard == QLatin1String("protected-environment"))
        return tr("protected environment");
    if (guard == QLatin1String("freeze-window"))
        return tr("freeze window");
    if (guard == QLatin1String("in-flight"))
        return tr("in flight");
    if (guard == QLatin1String("slo-gate"))
        return tr("SLO gate");
    return guard;
}

QString ConfirmActionDialog::guardMessage(const GuardResult &g) const
{
    // The runner's own words are English; the ones we know are said in the user's language.
    // A backend's reason (an infeasible plan) is shown as the backend gave it.
    const QString env = m_prepared.action.environment;
    if (g.outcome == GuardResult::Outcome::Pass)
        return {};
    if (g.guard == QLatin1String("read-only"))
        return tr("the workspace is read-only: nothing mutates");
    if (g.guard == QLatin1String("protected-environment"))
        return tr("%1 is protected: type its name to confirm").arg(env);
    if (g.guard == QLatin1String("freeze-window"))
        return tr("%1 is frozen (%2): give a reason to override").arg(env, m_prepared.freezeReason);
    if (g.guard == QLatin1String("in-flight"))
        return tr("an action on this target is already running");
    return g.message;
}

QStringList ConfirmActionDialog::refusalTexts() const
{
    const Confirmation c = confirmation();
    QStringList out;
    for (const auto &g : m_prepared.guards) {
        switch (g.outcome) {
        case GuardResult::Outcome::Pass:
            break;
        case GuardResult::Outcome::Block:
            out << guardMessage(g);
            break;
        case GuardResult::Outcome::NeedsTypedName:
            if (c.typedEnvironment != m_prepared.action.environment)
                out << tr("type the environment name \"%1\" to confirm")
                           .arg(m_prepared.action.environment);
            break;
        case GuardResult::Outcome::NeedsReason:
            if (c.overrideReason.trimmed().isEmpty())
                out << guardMessage(g);
            break;
        }
    }
    return out;
}

ConfirmActionDialog::ConfirmActionDialog(const PreparedAction &prepared, QWidget *parent)
    : ConfirmActionDialog(prepared, QString(), parent)
{}

ConfirmActionDialog::ConfirmActionDialog(const PreparedAction &prepared,
                                         const QString &change,
                                         QWidget *parent)
    : QDialog(parent)
    , m_prepared(prepared)
{
    const ReleaseAction &a = prepared.action;
    setWindowTitle(tr("Confirm: %1").arg(verbText(a.verb)));
    setObjectName(QStringLiteral("confirmActionDialog"));
    auto *layout = new QVBoxLayout(this);

    // First what changes, in one sentence; the backend's summary and the requests beneath.
    QString headline = change;
    if (headline.isEmpty())
        headline = prepared.plan.summary.isEmpty()
                       ? tr("%1 %2 in %3").arg(verbText(a.verb), a.service, a.environment)
                       : prepared.plan.summary;
    auto *title = new QLabel(headline, this);
    title->setObjectName(QStringLiteral("changeSentence"));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    big.setBold(true);
    title->setFont(big);
    title->setWordWrap(true);
    layout->addWidget(title);
    auto *where =
        new QLabel(tr("Connection %1 · service %2 · environment %3")
                       .arg(a.connectionId, a.service.isEmpty() ? QStringLiteral("—") : a.service,
                            a.environment.isEmpty() ? QStringLiteral("—") : a.environment),
                   this);
    where->setWordWrap(true);
    if (!change.isEmpty() && !prepared.plan.summary.isEmpty())
        where->setText(prepared.plan.summary + QStringLiteral("\n") + where->text());
    layout->addWidget(where);

    // The exact requests: what the operator approves is what is sent.
    auto *plan = new QPlainTextEdit(this);
    plan->setObjectName(QStringLiteral("planText"));
    plan->setReadOnly(true);
    plan->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QStringList lines;
    for (const auto &r : prepared.plan.requests) {
        lines << QStringLiteral("%1 %2").arg(QString::fromLatin1(r.method), r.path);
        if (!r.purpose.isEmpty())
            lines << QStringLiteral("    # %1").arg(r.purpose);
        if (!r.body.isEmpty())
            lines << QStringLiteral("    %1").arg(QString::fromUtf8(r.body));
    }
    if (prepared.plan.requests.isEmpty())
        lines << tr("(no requests)");
    for (const auto &p : prepared.plan.preconditions)
        lines << tr("precondition: %1 (%2 = %3 at %4)")
                     .arg(p.description, p.field, p.expected, p.path);
    for (const auto &w : prepared.plan.warnings)
        lines << tr("warning: %1").arg(w);
    if (!prepared.plan.feasible) {
        lines << tr("not possible: %1").arg(prepared.plan.blockedReason);
        for (const auto &alt : prepared.plan.alternatives)
            lines << tr("instead: %1").arg(alt);
    }
    plan->setPlainText(lines.join(QLatin1Char('\n')));
    plan->setMinimumHeight(120);
    // The exact requests are one click away, collapsed: the sentence above is what most
    // operators read, the requests are what an auditor checks.
    auto *toggle = new QToolButton(this);
    toggle->setObjectName(QStringLiteral("planToggle"));
    toggle->setText(tr("Requests this action will send"));
    toggle->setCheckable(true);
    toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toggle->setArrowType(Qt::RightArrow);
    toggle->setAutoRaise(true);
    plan->setVisible(false);
    auto *spare = new QSpacerItem(0, 0, QSizePolicy::Minimum, QSizePolicy::Expanding);
    connect(toggle, &QToolButton::toggled, this, [this, layout, plan, toggle, spare](bool open) {
        toggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
        plan->setVisible(open);
        // Spare height goes to the requests when they show, else below the form, so the
        // collapsed dialog does not spread its rows apart.
        layout->setStretchFactor(plan, open ? 1 : 0);
        layout->setStretch(layout->indexOf(spare), open ? 0 : 1);
        // Taller to make room for the requests, never narrower than the operator made it.
        if (open)
            resize(width(), std::max(height(), sizeHint().height() + plan->minimumHeight()));
    });
    layout->addWidget(toggle);
    layout->addWidget(plan, 0);

    auto *guards = new QLabel(this);
    guards->setObjectName(QStringLiteral("guardList"));
    guards->setTextFormat(Qt::RichText);
    guards->setWordWrap(true);
    const StatusColors colors = StatusColors::of(palette());
    QStringList rows;
    for (const auto &g : prepared.guards) {
        QString mark;
        QColor color;
        switch (g.outcome) {
        case GuardResult::Outcome::Pass:
            mark = QStringLiteral("✓");
            color = colors.ok;
            break;
        case GuardResult::Outcome::Block:
            mark = QStringLiteral("✗");
            color = colors.bad;
            break;
        case GuardResult::Outcome::NeedsTypedName:
        case GuardResult::Outcome::NeedsReason:
            mark = QStringLiteral("!");
            color = colors.warn;
            break;
        }
        const QString message = guardMessage(g);
        rows << QStringLiteral("<span style='color:%1'><b>%2</b></span> %3%4")
                    .arg(color.name(), mark, guardName(g.guard).toHtmlEscaped(),
                         message.isEmpty() ? QString()
                                           : QStringLiteral(" — ") + message.toHtmlEscaped());
    }
    guards->setText(rows.join(QStringLiteral("<br>")));
    layout->addWidget(new QLabel(tr("Guards:"), this));
    layout->addWidget(guards);

    auto *form = new QFormLayout;
    if (prepared.protectedEnvironment) {
        m_typedName = new QLineEdit(this);
        m_typedName->setObjectName(QStringLiteral("typedEnvironment"));
        // No placeholder: a grey "prod" in the box reads as if it were already typed.
        form->addRow(tr("Type \"%1\" to confirm:").arg(a.environment), m_typedName);
        connect(m_typedName, &QLineEdit::textChanged, this, &ConfirmActionDialog::updateState);
    }
    if (prepared.frozen) {
        m_reason = new QPlainTextEdit(this);
        m_reason->setObjectName(QStringLiteral("overrideReason"));
        m_reason->setPlaceholderText(tr("Why this cannot wait for the freeze to end"));
        m_reason->setMaximumHeight(70);
        form->addRow(tr("Freeze (%1) — reason:").arg(prepared.freezeReason), m_reason);
        connect(m_reason, &QPlainTextEdit::textChanged, this, &ConfirmActionDialog::updateState);
    }
    layout->addLayout(form);
    layout->addItem(spare);
    layout->setStretch(layout->indexOf(spare), 1);

    m_refusal = new QLabel(this);
    m_refusal->setObjectName(QStringLiteral("refusal"));
    m_refusal->setWordWrap(true);
    QPalette rp = m_refusal->palette();
    rp.setColor(QPalette::WindowText, colors.bad);
    m_refusal->setPalette(rp);
    layout->addWidget(m_refusal);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(verbText(a.verb));
    // Enter presses the default button. Where a name must be typed, that is the confirm
    // button: Enter after typing the name confirms, and does nothing while the button is
    // disabled (never a silent cancel). Elsewhere it is Cancel: nothing goes by a stray key.
    if (m_typedName)
        confirmButton()->setDefault(true);
    else
        m_buttons->button(QDialogButtonBox::Cancel)->setDefault(true);

    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canConfirm())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    resize(640, 360);
    updateState();
}

void ConfirmActionDialog::offerAnnouncement(const QStringList &targets)
{
    if (targets.isEmpty() || m_announce)
        return;
    m_announce = new QCheckBox(
        tr("Post the change notice to %1 first").arg(targets.join(QStringLiteral(", "))), this);
    m_announce->setObjectName(QStringLiteral("announce"));
    m_announce->setToolTip(tr("Versions, commits with their pull requests and the risks go to "
                              "the team's chat before anything is sent; chat being down does "
                              "not hold the action."));
    m_announce->setChecked(true);
    if (auto *box = qobject_cast<QBoxLayout *>(layout()))
        box->insertWidget(box->indexOf(m_refusal), m_announce);
}

bool ConfirmActionDialog::announce() const
{
    return m_announce && m_announce->isChecked();
}

QPushButton *ConfirmActionDialog::confirmButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

Confirmation ConfirmActionDialog::confirmation() const
{
    Confirmation c;
    if (m_typedName)
        c.typedEnvironment = m_typedName->text().trimmed();
    if (m_reason)
        c.overrideReason = m_reason->toPlainText().trimmed();
    return c;
}

QStringList ConfirmActionDialog::refusals() const
{
    return ActionRunner::refusals(m_prepared, confirmation());
}

void ConfirmActionDialog::updateState()
{
    // Whether it may go is the runner's decision; the words are ours.
    confirmButton()->setEnabled(refusals().isEmpty());
    m_refusal->setText(refusalTexts().join(QLatin1Char('\n')));
}

} // namespace fd
