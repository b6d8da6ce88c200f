#pragma once

#include "domain/action.h"

#include <QWidget>

namespace fd {

class Estate;

/// A page of the console: shows the estate and asks for actions, never performs them.
class ConsolePage : public QWidget
{
    Q_OBJECT
public:
    ConsolePage(Estate *estate, QWidget *parent)
        : QWidget(parent)
        , m_estate(estate)
    {}
    Estate *estate() const { return m_estate; }
    /// A read-only workspace disables every mutating control.
    virtual void setMutationsEnabled(bool enabled)
    {
        m_mutations = enabled;
        updateActions();
    }
    bool mutationsEnabled() const { return m_mutations; }

Q_SIGNALS:
    /// The operator asked for an action; the window plans, confirms and runs it.
    void actionRequested(const fd::ReleaseAction &action);

protected:
    virtual void updateActions() {}

private:
    Estate *m_estate;
    bool m_mutations = true;
};

} // namespace fd
