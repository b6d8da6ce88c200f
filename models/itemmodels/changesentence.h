#pragma once

#include "domain/action.h"

#include <QCoreApplication>
#include <QString>

namespace fd {

class Estate;

/**
 * One plain sentence, in the user's language, of what an action will change, from what the
 * estate shows now: "checkout canary 20 % → 50 % in prod", "Approve checkout v2.4.1 for prod",
 * "Roll back checkout in prod: v2.4.1 → v2.3.0". A confirmation dialog opens with it, above the
 * exact requests. Says only what the estate knows; a value it cannot find is left out, never
 * guessed.
 */
class ChangeSentence
{
    Q_DECLARE_TR_FUNCTIONS(fd::ChangeSentence)
public:
    static QString of(const ReleaseAction &action, const Estate &estate);
};

} // namespace fd
