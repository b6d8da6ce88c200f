#include "incidentspage.h"

#include "estate/session.h"
#include "incidents/incidentlog.h"
#include "incidents/postmortem.h"
#include "incidents/postmortemexport.h"
#include "itemmodels/formatting.h"
#include "logging/redactor.h"
#include "timeline/timeline.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinechart.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fd {

namespace {

QString phaseWord(Incident::Phase p)
{
    switch (p) {
    case Incident::Phase::Detected:
        return IncidentsPage::tr("detected");
    case Incident::Phase::Reported:
        return IncidentsPage::tr("reported");
    case Incident::Phase::Mitigated:
        return IncidentsPage::tr("mitigated");
    case Incident::Phase::Recovered:
        return IncidentsPage::tr("recovered");
    case Incident::Phase::Postmortem:
        return IncidentsPage::tr("postmortem");
    }
    return {};
}

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("MM-dd HH:mm"))
                       : QStringLiteral("—");
}

QTableWidgetItem *item(const QString &text, const QVariant &sort = {})
{
    auto *i = new QTableWidgetItem(text);
    i->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (sort.isValid())
        i->setData(Qt::UserRole, sort);
    return i;
}

} // namespace

DeclareIncidentDialog::DeclareIncidentDialog(const QStringList &services,
                                             const QStringList &environments,
                                             const QList<TimelineEvent> &alerts,
                                             QWidget *parent)
    : QDialog(parent)
    , m_alerts(alerts)
    , m_alert(new QComboBox(this))
    , m_title(new QLineEdit(this))
    , m_severity(new QComboBox(this))
    , m_services(new QListWidget(this))
    , m_environment(new QComboBox(this))
{
    setWindowTitle(tr("Declare an incident"));
    m_alert->addItem(tr("By hand"));
    for (const TimelineEvent &a : alerts)
        m_alert->addItem(QStringLiteral("%1 · %2 %3 · %4")
                             .arg(a.title, a.service, a.environment, timeText(a.time)));
    m_severity->addItems({QStringLiteral("sev1"), QStringLiteral("sev2"), QStringLiteral("sev3"),
                          QStringLiteral("sev4")});
    m_severity->setCurrentIndex(1);
    for (const QString &s : services) {
        auto *i = new QListWidgetItem(s, m_services);
        i->setFlags(i->flags() | Qt::ItemIsUserCheckable);
        i->setCheckState(Qt::Unchecked);
    }
    m_services->setMaximumHeight(140);
    m_environment->addItem(tr("(none)"), QString());
    for (const QString &e : environments)
        m_environment->addItem(e, e);
    m_environment->setCurrentIndex(m_environment->count() - 1);
    m_title->setPlaceholderText(tr("What is broken, in a few words"));

    auto *form = new QFormLayout;
    form->addRow(tr("From alert"), m_alert);
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Severity"), m_severity);
    form->addRow(tr("Services"), m_services);
    form->addRow(tr("Environment"), m_environment);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Declare"));
    m_ok->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_title, &QLineEdit::textChanged, this,
            [this](const QString &t) { m_ok->setEnabled(!t.trimmed().isEmpty()); });
    connect(m_alert, &QComboBox::currentIndexChanged, this, &DeclareIncidentDialog::takeAlert);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void DeclareIncidentDialog::takeAlert(int index)
{
    if (index <= 0 || index > m_alerts.size())
        return;
    const TimelineEvent &a = m_alerts.at(index - 1);
    m_title->setText(a.title);
    for (int i = 0; i < m_services->count(); ++i)
        m_services->item(i)->setCheckState(
            m_services->item(i)->text() == a.service ? Qt::Checked : Qt::Unchecked);
    if (int e = m_environment->findData(a.environment); e >= 0)
        m_environment->setCurrentIndex(e);
}

Incident DeclareIncidentDialog::incident() const
{
    Incident i;
    i.title = m_title->text().trimmed();
    i.severity = m_severity->currentText();
    for (int k = 0; k < m_services->count(); ++k)
        if (m_services->item(k)->checkState() == Qt::Checked)
            i.services << m_services->item(k)->text();
    i.environment = m_environment->currentData().toString();
    const int a = m_alert->currentIndex();
    if (a > 0 && a <= m_alerts.size()) {
        i.detectedAt = m_alerts.at(a - 1).time;
        i.summary = m_alerts.at(a - 1).detail;
    }
    return i;
}

IncidentsPage::IncidentsPage(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_actor(qEnvironmentVariable("USER", QStringLiteral("operator")))
    , m_list(new QTableWidget(0, 5, this))
    , m_declare(new QPushButton(this))
    , m_title(new QLabel(this))
    , m_phases(new QLabel(this))
    , m_error(new QLabel(this))
    , m_advance(new QPushButton(this))
    , m_export(new QPushButton(this))
    , m_model(new TimelineModel(this))
    , m_chart(new TimelineChart(this))
    , m_suspectsLabel(new QLabel(this))
    , m_suspectTable(new QTableWidget(0, 6, this))
    , m_rollback(new QPushButton(this))
    , m_notesLabel(new QLabel(this))
    , m_notes(new QListWidget(this))
    , m_noteEdit(new QLineEdit(this))
    , m_addNote(new QPushButton(this))
{
    for (QTableWidget *t : {m_list, m_suspectTable}) {
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->setSelectionMode(QAbstractItemView::SingleSelection);
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->verticalHeader()->hide();
        t->setAlternatingRowColors(true);
        t->setWordWrap(false);
    }
    m_list->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_suspectTable->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_chart->setModel(m_model);
    m_chart->setMinimumHeight(200);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setWordWrap(true);
    m_phases->setTextFormat(Qt::RichText);
    m_phases->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d9534f"));
    m_error->hide();
    QFont bold = m_suspectsLabel->font();
    bold.setBold(true);
    m_suspectsLabel->setFont(bold);
    m_notesLabel->setFont(bold);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_declare);
    leftLayout->addWidget(m_list, 1);

    auto *right = new QWidget(this);
    auto *rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    auto *head = new QHBoxLayout;
    head->addWidget(m_title, 1);
    head->addWidget(m_advance);
    head->addWidget(m_export);
    rl->addLayout(head);
    rl->addWidget(m_phases);
    rl->addWidget(m_error);
    auto *split = new QSplitter(Qt::Vertical, right);
    split->addWidget(m_chart);
    auto *suspects = new QWidget(split);
    auto *sl = new QVBoxLayout(suspects);
    sl->setContentsMargins(0, 0, 0, 0);
    auto *sh = new QHBoxLayout;
    sh->addWidget(m_suspectsLabel, 1);
    sh->addWidget(m_rollback);
    sl->addLayout(sh);
    sl->addWidget(m_suspectTable, 1);
    split->addWidget(suspects);
    auto *notes = new QWidget(split);
    auto *nl = new QVBoxLayout(notes);
    nl->setContentsMargins(0, 0, 0, 0);
    nl->addWidget(m_notesLabel);
    nl->addWidget(m_notes, 1);
    auto *add = new QHBoxLayout;
    add->addWidget(m_noteEdit, 1);
    add->addWidget(m_addNote);
    nl->addLayout(add);
    split->addWidget(notes);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    rl->addWidget(split, 1);

    auto *outer = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(left);
    outer->addWidget(right);
    outer->setStretchFactor(0, 1);
    outer->setStretchFactor(1, 3);
    outer->setSizes({340, 1000});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(outer);

    connect(m_list, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && row < m_incidents.size() && m_incidents.at(row).id != m_current.id) {
            m_current = m_incidents.at(row);
            showIncident();
        }
    });
    connect(m_suspectTable, &QTableWidget::currentCellChanged, this, [this](int row) {
        m_rollback->setEnabled(row >= 0 && row < m_suspects.size() &&
                               !m_suspects.at(row).change.environment.isEmpty());
        if (row >= 0 && row < m_suspects.size())
            m_chart->setSelectedKey(TimelineModel::keyOf(m_suspects.at(row).change));
    });
    connect(m_advance, &QPushButton::clicked, this, &IncidentsPage::advancePhase);
    connect(m_addNote, &QPushButton::clicked, this, &IncidentsPage::addNote);
    connect(m_noteEdit, &QLineEdit::returnPressed, this, &IncidentsPage::addNote);
    connect(m_rollback, &QPushButton::clicked, this, &IncidentsPage::requestRollback);
    connect(m_declare, &QPushButton::clicked, this, &IncidentsPage::openDeclareDialog);
    connect(m_export, &QPushButton::clicked, this, &IncidentsPage::chooseExportDirectory);

    retranslate();
    reload();
}

void IncidentsPage::reload()
{
    const qint64 keep = m_current.id;
    m_incidents.clear();
    if (m_session && m_session->store())
        if (auto all = m_session->store()->incidents())
            m_incidents = *all;
    // Open incidents first, then newest first.
    std::stable_sort(m_incidents.begin(), m_incidents.end(),
                     [](const Incident &a, const Incident &b) {
                         const bool openA = int(a.phase) < int(Incident::Phase::Recovered);
                         const bool openB = int(b.phase) < int(Incident::Phase::Recovered);
                         if (openA != openB)
                             return openA;
                         return a.detectedAt > b.detectedAt;
                     });
    QSignalBlocker block(m_list);
    m_list->setRowCount(int(m_incidents.size()));
    int select = m_incidents.isEmpty() ? -1 : 0;
    for (int r = 0; r < m_incidents.size(); ++r) {
        const Incident &i = m_incidents.at(r);
        m_list->setItem(r, 0, item(QStringLiteral("#%1").arg(i.id)));
        m_list->setItem(r, 1, item(i.title));
        m_list->setItem(r, 2, item(i.severity));
        m_list->setItem(r, 3, item(phaseWord(i.phase)));
        m_list->setItem(r, 4, item(timeText(i.detectedAt)));
        if (i.id == keep)
            select = r;
    }
    m_list->resizeColumnsToContents();
    m_list->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    if (select >= 0) {
        m_list->selectRow(select);
        m_list->setCurrentCell(select, 0);
        m_current = m_incidents.at(select);
    } else {
        m_current = Incident();
    }
    showIncident();
}

void IncidentsPage::selectIncident(qint64 id)
{
    for (int r = 0; r < m_incidents.size(); ++r)
        if (m_incidents.at(r).id == id) {
            m_list->setCurrentCell(r, 0);
            m_list->selectRow(r);
            m_current = m_incidents.at(r);
            showIncident();
            return;
        }
}

void IncidentsPage::showIncident()
{
    const bool has = m_current.id != 0;
    m_error->hide();
    m_advance->setEnabled(has && m_current.phase != Incident::Phase::Postmortem);
    m_export->setEnabled(has);
    m_noteEdit->setEnabled(has);
    m_addNote->setEnabled(has);
    m_rollback->setEnabled(false);
    m_notes->clear();
    m_suspects.clear();
    m_suspectTable->setRowCount(0);
    if (!has) {
        m_title->setText(tr("No incident selected"));
        m_phases->setText(
            tr("Declare one when something is broken: its timeline and suspects appear here."));
        m_model->setEvents({});
        m_chart->setMarkers({});
        return;
    }
    const Incident &i = m_current;
    m_title->setText(QStringLiteral("#%1 %2").arg(i.id).arg(i.title));
    QStringList parts;
    for (int p = 0; p <= int(Incident::Phase::Recovered); ++p) {
        const auto phase = Incident::Phase(p);
        const QString text =
            QStringLiteral("%1 %2").arg(phaseWord(phase), timeText(phaseTime(i, phase)));
        parts << (phase == i.phase ? QStringLiteral("<b>%1</b>").arg(text.toHtmlEscaped())
                                   : text.toHtmlEscaped());
    }
    if (i.phase == Incident::Phase::Postmortem)
        parts << QStringLiteral("<b>%1</b>").arg(phaseWord(Incident::Phase::Postmortem));
    const IncidentDurations d = incidentDurations(i);
    m_phases->setText(QStringLiteral("%1 · %2 · %3<br>%4<br>%5")
                          .arg(i.severity.toHtmlEscaped(),
                               i.services.isEmpty()
                                   ? tr("no service named")
                                   : i.services.join(QStringLiteral(", ")).toHtmlEscaped(),
                               i.environment.toHtmlEscaped(), parts.join(QStringLiteral(" → ")),
                               tr("Time to mitigate %1 · time to restore %2")
                                   .arg(d.toMitigate < 0 ? QStringLiteral("—")
                                                         : Wording::duration(d.toMitigate * 1000),
                                        d.toRestore < 0 ? QStringLiteral("—")
                                                        : Wording::duration(d.toRestore * 1000))));
    if (i.phase != Incident::Phase::Postmortem)
        m_advance->setText(tr("Mark %1").arg(phaseWord(Incident::Phase(int(i.phase) + 1))));

    if (!m_session || !m_session->store())
        return;
    m_session->flushWrites();
    Store *store = m_session->store();
    const Workspace &ws = m_session->workspace();
    const SuspectOptions so = suspectOptions(ws);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime end = i.recoveredAt.isValid() ? i.recoveredAt : now;
    TimelineFilter window;
    window.from = i.detectedAt.addSecs(-so.windowSecs);
    window.to = std::max(end, i.detectedAt).addSecs(30 * 60);
    window.services = affectedServices(i, ws).keys();
    const QList<TimelineEvent> events =
        loadTimeline(*store, window).value_or(QList<TimelineEvent>());
    m_model->setEvents(events);
    m_suspects = rankSuspects(i, events, ws, so);
    // The chart opens on the best suspect (or an hour before detection) up to recovery.
    QDateTime from = i.detectedAt.addSecs(-3600);
    if (!m_suspects.isEmpty())
        from = std::min(from, m_suspects.first().change.time.addSecs(-600));
    m_chart->setRange(from, std::max(end, i.detectedAt.addSecs(1800)).addSecs(600));
    QList<TimelineChart::Marker> markers{{i.detectedAt, tr("detected")}};
    if (i.mitigatedAt.isValid() && i.mitigatedAt != i.recoveredAt)
        markers << TimelineChart::Marker{i.mitigatedAt, tr("mitigated")};
    if (i.recoveredAt.isValid())
        markers << TimelineChart::Marker{i.recoveredAt, tr("recovered")};
    m_chart->setMarkers(markers);

    m_suspectTable->setRowCount(int(m_suspects.size()));
    for (int r = 0; r < m_suspects.size(); ++r) {
        const Suspect &s = m_suspects.at(r);
        m_suspectTable->setItem(r, 0, item(QString::number(s.score, 'f', 1)));
        m_suspectTable->setItem(r, 1,
                                item(s.change.title.isEmpty()
                                         ? TimelineModel::kindName(s.change.kind)
                                         : s.change.title));
        m_suspectTable->setItem(r, 2, item(s.change.service));
        m_suspectTable->setItem(r, 3, item(s.change.environment));
        m_suspectTable->setItem(r, 4, item(timeText(s.change.time)));
        auto *why = item(s.explanation);
        why->setToolTip(s.explanation);
        m_suspectTable->setItem(r, 5, why);
    }
    m_suspectTable->resizeColumnsToContents();
    m_suspectTable->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    if (!m_suspects.isEmpty())
        m_suspectTable->setCurrentCell(0, 0);
    m_suspectsLabel->setText(
        tr("Suspects: %n change(s) in the %1 before detection", nullptr, int(m_suspects.size()))
            .arg(Wording::duration(so.windowSecs * 1000)));

    if (auto notes = store->incidentNotes(i.id))
        for (const IncidentNote &n : *notes)
            m_notes->addItem(Redactor::instance().redact(
                QStringLiteral("%1  %2: %3").arg(timeText(n.time), n.author, n.text)));
}

void IncidentsPage::advancePhase()
{
    if (!m_current.id || !m_session || !m_session->store() ||
        m_current.phase == Incident::Phase::Postmortem)
        return;
    IncidentLog log(m_session->store());
    const QString why = log.advance(m_current.id, Incident::Phase(int(m_current.phase) + 1),
                                    QDateTime::currentDateTimeUtc(), m_actor);
    if (!why.isEmpty()) {
        m_error->setText(why);
        m_error->show();
        return;
    }
    reload();
}

void IncidentsPage::addNote()
{
    if (!m_current.id || !m_session || !m_session->store() ||
        m_noteEdit->text().trimmed().isEmpty())
        return;
    IncidentLog log(m_session->store());
    QString err;
    if (!log.addNote(m_current.id, m_actor, m_noteEdit->text(), QDateTime::currentDateTimeUtc(),
                     &err)) {
        m_error->setText(err);
        m_error->show();
        return;
    }
    m_noteEdit->clear();
    showIncident();
}

void IncidentsPage::requestRollback()
{
    const int row = m_suspectTable->currentRow();
    if (row < 0 || row >= m_suspects.size())
        return;
    Q_EMIT actionRequested(rollbackFor(m_suspects.at(row), m_current, m_actor));
}

qint64 IncidentsPage::declare(const Incident &incident)
{
    if (!m_session || !m_session->store())
        return 0;
    IncidentLog log(m_session->store());
    QString err;
    const auto id = log.declare(incident, m_actor, QDateTime::currentDateTimeUtc(), &err);
    if (!id) {
        m_error->setText(err);
        m_error->show();
        return 0;
    }
    m_current.id = *id;
    reload();
    return *id;
}

void IncidentsPage::openDeclareDialog()
{
    QStringList services;
    QStringList envs;
    QList<TimelineEvent> alerts;
    if (m_session) {
        for (const ServiceDef &s : m_session->workspace().services)
            services << s.name;
        envs = m_session->workspace().environmentNames();
        if (m_session->store()) {
            m_session->flushWrites();
            TimelineFilter f;
            f.from = QDateTime::currentDateTimeUtc().addDays(-1);
            for (const TimelineEvent &e :
                 loadTimeline(*m_session->store(), f).value_or(QList<TimelineEvent>()))
                if (e.kind == TimelineEvent::Kind::AlertFiring)
                    alerts.prepend(e);
        }
    }
    DeclareIncidentDialog dialog(services, envs, alerts, this);
    if (dialog.exec() == QDialog::Accepted)
        declare(dialog.incident());
}

QString IncidentsPage::exportPostmortem(const QString &directory)
{
    if (!m_current.id || !m_session || !m_session->store())
        return tr("No incident selected.");
    QString err;
    m_session->flushWrites();
    const auto data = collectPostmortem(*m_session->store(), m_session->workspace(), m_current.id,
                                        QDateTime::currentDateTimeUtc(), &err);
    if (!data)
        return err;
    return writePostmortem(*data, QDir(directory).filePath(postmortemFileName(m_current.id)),
                           palette());
}

void IncidentsPage::chooseExportDirectory()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the postmortem to"));
    if (dir.isEmpty())
        return;
    const QString why = exportPostmortem(dir);
    m_error->setText(why.isEmpty() ? tr("Postmortem written to %1").arg(dir) : why);
    m_error->setStyleSheet(why.isEmpty() ? QString() : QStringLiteral("color: #d9534f"));
    m_error->show();
}

void IncidentsPage::retranslate()
{
    m_declare->setText(tr("Declare an incident…"));
    m_export->setText(tr("Export postmortem…"));
    m_rollback->setText(tr("Roll back from here…"));
    m_rollback->setToolTip(
        tr("Plan a rollback of the selected suspect's service in its environment; "
           "you confirm it before anything is sent."));
    m_notesLabel->setText(tr("Notes"));
    m_noteEdit->setPlaceholderText(
        tr("Add a note (start with \"Follow-up:\" to list it in the postmortem)"));
    m_addNote->setText(tr("Add note"));
    m_list->setHorizontalHeaderLabels(
        {tr("#"), tr("Incident"), tr("Severity"), tr("Phase"), tr("Detected")});
    m_suspectTable->setHorizontalHeaderLabels(
        {tr("Score"), tr("Change"), tr("Service"), tr("Environment"), tr("When"), tr("Why")});
    m_suspectsLabel->setText(tr("Suspects"));
    showIncident();
}

void IncidentsPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace fd
