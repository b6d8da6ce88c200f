#include "prometheuswire.h"

#include "domain/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace fd::prometheus {

namespace {

bool stringMap(const QJsonValue &v,
               const QString &where,
               QMap<QString, QString> *out,
               QString *error)
{
    if (!v.isObject()) {
        *error = u"%1: expected an object"_s.arg(where);
        return false;
    }
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString()) {
            *error = u"%1.%2: expected a string"_s.arg(where, it.key());
            return false;
        }
        out->insert(it.key(), it.value().toString());
    }
    return true;
}

/// Prometheus writes sample values as strings: "0.05", "NaN", "+Inf", "-Inf".
bool sampleValue(const QJsonValue &v, double *out)
{
    if (!v.isString())
        return false;
    const QString s = v.toString();
    if (s == u"NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (s == u"+Inf" || s == u"Inf") {
        *out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (s == u"-Inf") {
        *out = -std::numeric_limits<double>::infinity();
        return true;
    }
    bool ok = false;
    *out = s.toDouble(&ok);
    return ok;
}

bool pointFrom(const QJsonValue &v, const QString &where, WirePoint *out, QString *error)
{
    const QJsonArray a = v.toArray();
    if (!v.isArray() || a.size() != 2 || !a.at(0).isDouble()) {
        *error = u"%1: expected [unix-seconds, \"value\"]"_s.arg(where);
        return false;
    }
    out->timeMs = int64FromJson(QJsonValue(std::round(a.at(0).toDouble() * 1000))).value_or(0);
    if (!sampleValue(a.at(1), &out->value)) {
        *error = u"%1[1]: expected a number in a string"_s.arg(where);
        return false;
    }
    return true;
}

} // namespace

QDateTime parseTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        // Go writes up to nanoseconds ("...05.957445121Z"); Qt reads at most milliseconds.
        static const QRegularExpression fraction(u"(\\.\\d{3})\\d+"_s);
        QString trimmed = text;
        trimmed.replace(fraction, u"\\1"_s);
        t = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    }
    return t.isValid() ? t.toUTC() : QDateTime();
}

bool parseAlerts(const QByteArray &body, QList<WireAlert> *out, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = u"alerts: not JSON (%1 at byte %2)"_s.arg(pe.errorString()).arg(pe.offset);
        return false;
    }
    if (!doc.isArray()) {
        *error = u"alerts: expected a JSON array"_s;
        return false;
    }
    const QJsonArray arr = doc.array();
    for (int i = 0; i < arr.size(); ++i) {
        const QString where = u"alerts[%1]"_s.arg(i);
        if (!arr.at(i).isObject()) {
            *error = where + u": expected an object"_s;
            return false;
        }
        const QJsonObject o = arr.at(i).toObject();
        WireAlert a;
        a.fingerprint = o.value(u"fingerprint"_s).toString();
        if (a.fingerprint.isEmpty()) {
            *error = where + u".fingerprint: missing"_s;
            return false;
        }
        if (!stringMap(o.value(u"labels"_s), where + u".labels"_s, &a.labels, error))
            return false;
        if (o.contains(u"annotations"_s) &&
            !stringMap(o.value(u"annotations"_s), where + u".annotations"_s, &a.annotations, error))
            return false;
        const auto time = [&](const char *key, QDateTime *t, bool required) {
            const QString text = o.value(QLatin1String(key)).toString();
            *t = parseTime(text);
            if (!t->isValid() && required) {
                *error =
                    u"%1.%2: not an RFC 3339 time: \"%3\""_s.arg(where, QLatin1String(key), text);
                return false;
            }
            return true;
        };
        if (!time("startsAt", &a.startsAt, true) || !time("endsAt", &a.endsAt, false) ||
            !time("updatedAt", &a.updatedAt, false))
            return false;
        a.state = o.value(u"status"_s).toObject().value(u"state"_s).toString();
        a.generatorUrl = o.value(u"generatorURL"_s).toString();
        out->append(a);
    }
    return true;
}

bool parseQueryResponse(const QByteArray &body, QueryResult *out, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = pe.error != QJsonParseError::NoError
                     ? u"query: not JSON (%1 at byte %2)"_s.arg(pe.errorString()).arg(pe.offset)
                     : u"query: expected a JSON object"_s;
        return false;
    }
    const QJsonObject o = doc.object();
    const QString status = o.value(u"status"_s).toString();
    if (status == u"error") {
        *error = u"prometheus %1: %2"_s.arg(o.value(u"errorType"_s).toString(),
                                            o.value(u"error"_s).toString());
        return false;
    }
    if (status != u"success") {
        *error = u"query.status: expected \"success\" or \"error\", got \"%1\""_s.arg(status);
        return false;
    }
    const QJsonObject data = o.value(u"data"_s).toObject();
    out->resultType = data.value(u"resultType"_s).toString();
    const QJsonValue result = data.value(u"result"_s);
    if (out->resultType == u"scalar" || out->resultType == u"string") {
        WireSeries s;
        WirePoint p;
        if (out->resultType == u"scalar" && !pointFrom(result, u"data.result"_s, &p, error))
            return false;
        s.points.append(p);
        out->series.append(s);
        return true;
    }
    if (out->resultType != u"vector" && out->resultType != u"matrix") {
        *error = u"data.resultType: unknown \"%1\""_s.arg(out->resultType);
        return false;
    }
    if (!result.isArray()) {
        *error = u"data.result: expected an array"_s;
        return false;
    }
    const QJsonArray arr = result.toArray();
    const bool matrix = out->resultType == u"matrix";
    for (int i = 0; i < arr.size(); ++i) {
        const QString where = u"data.result[%1]"_s.arg(i);
        const QJsonObject so = arr.at(i).toObject();
        WireSeries s;
        if (!stringMap(so.value(u"metric"_s), where + u".metric"_s, &s.metric, error))
            return false;
        if (matrix) {
            const QJsonArray values = so.value(u"values"_s).toArray();
            for (int k = 0; k < values.size(); ++k) {
                WirePoint p;
                if (!pointFrom(values.at(k), u"%1.values[%2]"_s.arg(where, QString::number(k)), &p,
                               error))
                    return false;
                s.points.append(p);
            }
        } else {
            WirePoint p;
            if (!pointFrom(so.value(u"value"_s), where + u".value"_s, &p, error))
                return false;
            s.points.append(p);
        }
        out->series.append(s);
    }
    return true;
}

} // namespace fd::prometheus
