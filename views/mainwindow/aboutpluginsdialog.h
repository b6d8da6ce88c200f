#pragma once

#include "backend/pluginhost.h"

#include <QDialog>

class QTableWidget;

namespace fd {

/// Every plugin file the host looked at: loaded ones with versions and capabilities,
/// refused ones with the reason.
class AboutPluginsDialog : public QDialog
{
    Q_OBJECT
public:
    AboutPluginsDialog(const QList<PluginRecord> &records, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

} // namespace fd
