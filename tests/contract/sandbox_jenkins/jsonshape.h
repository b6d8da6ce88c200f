#pragma once

// Shape comparison for the fidelity tests: every field a reference example carries must be
// in the live body with the same JSON type (numbers are one type, as in JSON). A reference
// null says nothing about the type, so any value passes there; a live null where the reference
// has a string, number or bool is a nullable scalar in another state (finished_at of a running
// pipeline), and passes too. Objects and arrays must be there. Each element of a reference
// array must be matched by some element of the live array; extra fields are allowed.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace fd::test {

inline QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        return QStringLiteral("missing");
    }
    return QStringLiteral("?");
}

inline void compareShape(const QJsonValue &ref,
                         const QJsonValue &live,
                         const QString &path,
                         QStringList *errors)
{
    if (ref.isNull())
        return;
    if (live.isNull() && (ref.isString() || ref.isDouble() || ref.isBool()))
        return;
    if (ref.type() != live.type()) {
        errors->append(QStringLiteral("%1: reference %2, live %3")
                           .arg(path, jsonTypeName(ref), jsonTypeName(live)));
        return;
    }
    if (ref.isObject()) {
        const QJsonObject r = ref.toObject(), l = live.toObject();
        for (auto it = r.begin(); it != r.end(); ++it)
            compareShape(it.value(), l.value(it.key()), path + QLatin1Char('.') + it.key(), errors);
    } else if (ref.isArray()) {
        const QJsonArray r = ref.toArray(), l = live.toArray();
        if (!r.isEmpty() && l.isEmpty()) {
            errors->append(
                QStringLiteral("%1: reference has elements, live array is empty").arg(path));
            return;
        }
        for (int i = 0; i < r.size(); ++i) {
            QStringList best;
            bool matched = false;
            for (const QJsonValue &candidate : l) {
                QStringList errs;
                compareShape(r.at(i), candidate, QStringLiteral("%1[%2]").arg(path).arg(i), &errs);
                if (errs.isEmpty()) {
                    matched = true;
                    break;
                }
                if (best.isEmpty() || errs.size() < best.size())
                    best = errs;
            }
            if (!matched)
                errors->append(best);
        }
    }
}

} // namespace fd::test
