#pragma once

#include "itemmodels/palettemodel.h"

#include <QDialog>

class QLineEdit;
class QListView;

namespace fd {

/**
 * Ctrl+K: a search field over everything the console can show or do. Typing filters by fuzzy
 * match; Up/Down move, Enter picks, Escape closes. It only says what was picked
 * (entryActivated); the window decides what that means, so actions take the usual
 * confirm path.
 */
class CommandPalette : public QDialog
{
    Q_OBJECT
public:
    explicit CommandPalette(QWidget *parent = nullptr);

    /// Show with a fresh set of entries and an empty query.
    void popup(const QList<PaletteEntry> &entries);
    /// Pick the entry on @p row of the filtered list; false when there is none.
    bool activateRow(int row);

    PaletteModel *model() const { return m_model; }
    QLineEdit *queryEdit() const { return m_query; }
    QListView *listView() const { return m_list; }

Q_SIGNALS:
    void entryActivated(const fd::PaletteEntry &entry);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void placeOverParent();

    PaletteModel *m_model;
    QLineEdit *m_query;
    QListView *m_list;
};

} // namespace fd
