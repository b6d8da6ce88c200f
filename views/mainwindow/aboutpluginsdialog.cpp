#include "aboutpluginsdialog.h"

#include "shared/theme.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fd {

AboutPluginsDialog::AboutPluginsDialog(const QList<PluginRecord> &records, QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(int(records.size()), 6, this))
{
    setWindowTitle(tr("About plugins"));
    setObjectName(QStringLiteral("aboutPluginsDialog"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(
        tr("Backend plugins found by Flightdeck %1").arg(QStringLiteral(FD_VERSION)), this));
    m_table->setHorizontalHeaderLabels(
        {tr("Plugin"), tr("Version"), tr("Kind"), tr("API"), tr("Capabilities"), tr("State")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const StatusColors colors = StatusColors::of(palette());
    for (int i = 0; i < records.size(); ++i) {
        const PluginRecord &r = records.at(i);
        auto set = [this, i](int col, const QString &text) {
            auto *item = new QTableWidgetItem(text);
            m_table->setItem(i, col, item);
            return item;
        };
        set(0, r.name.isEmpty() ? QFileInfo(r.file).fileName() : r.name)->setToolTip(r.file);
        set(1, r.version);
        set(2, r.kind);
        set(3, r.apiVersion > 0 ? QString::number(r.apiVersion) : QString());
        set(4, r.capabilities.join(QStringLiteral(", ")));
        auto *state = set(5, r.loaded ? tr("loaded") : tr("refused: %1").arg(r.error));
        state->setForeground(r.loaded ? colors.ok : colors.bad);
        state->setToolTip(r.error);
    }
    m_table->resizeColumnsToContents();
    layout->addWidget(m_table);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(820, 360);
}

} // namespace fd
