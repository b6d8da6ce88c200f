#pragma once

#include "domain/action.h"

#include <QAbstractListModel>
#include <QList>

#include <optional>

namespace fd {

/// One thing the command palette can jump to or do.
struct PaletteEntry
{
    enum class Kind { Page, Service, Cell, Environment, Run, Gate, Rollout, Action };
    Kind kind = Kind::Page;
    QString text;   // what is matched and shown ("Promote checkout to prod")
    QString detail; // shown beside it, matched with a lower weight ("argocd · step 2 of 7")
    QString service;
    QString environment;
    QString key;                         // record key of a run, gate or rollout
    int page = -1;                       // MainWindow::Page for Kind::Page
    std::optional<ReleaseAction> action; // Kind::Action: what requestAction() receives

    bool operator==(const PaletteEntry &) const = default;
};

/**
 * Fuzzy subsequence match: every character of @p query appears in @p text in order (case
 * folded). Returns -1 when it does not; otherwise a score where a match at the start, at
 * word starts and in consecutive runs ranks higher, and a shorter text breaks ties.
 */
int fuzzyScore(const QString &query, const QString &text);

/**
 * The palette's list: a snapshot of entries taken when the palette opens, filtered and
 * ranked by the typed query. A new query is a new question, so the rows are rebuilt (reset);
 * the estate is not watched while the palette is open.
 */
class PaletteModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { KindRole = Qt::UserRole + 1, DetailRole, ScoreRole };
    static constexpr int MaxRows = 200;

    explicit PaletteModel(QObject *parent = nullptr);

    void setEntries(const QList<PaletteEntry> &entries);
    const QList<PaletteEntry> &entries() const { return m_entries; }
    void setQuery(const QString &query);
    QString query() const { return m_query; }

    /// The entry shown on @p row (nullptr when out of range).
    const PaletteEntry *entryAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    static QString kindText(PaletteEntry::Kind kind);

private:
    void rebuild();

    QList<PaletteEntry> m_entries;
    QString m_query;
    QList<QPair<int, int>> m_rows; // (entry index, score), best first
};

} // namespace fd
