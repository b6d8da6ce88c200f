#pragma once

// The two wires the signals plugin reads, parsed into plain values without I/O:
// Alertmanager API v2 `GET /api/v2/alerts` (a JSON array of gettableAlert) and the
// Prometheus HTTP API envelope of `/api/v1/query` and `/api/v1/query_range`
// ({"status","data":{"resultType","result"}} or {"status":"error","errorType","error"}).
// Written from the public API documentation; every parse error names the field and place.

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace fd::prometheus {

struct WireAlert
{
    QString fingerprint;
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    QDateTime startsAt;
    QDateTime endsAt;
    QDateTime updatedAt;
    QString state; // active | suppressed | unprocessed
    QString generatorUrl;

    QString name() const { return labels.value(QStringLiteral("alertname")); }
};

/// Parses the body of GET /api/v2/alerts. False with *error ("alerts[3].startsAt: ...").
bool parseAlerts(const QByteArray &body, QList<WireAlert> *out, QString *error);

/// Alertmanager/Prometheus time stamps: RFC 3339 with optional fraction and offset.
QDateTime parseTime(const QString &text);

struct WirePoint
{
    qint64 timeMs = 0;
    double value = 0;
};

struct WireSeries
{
    QMap<QString, QString> metric;
    QList<WirePoint> points; // one for a vector sample, many for a matrix
};

struct QueryResult
{
    QString resultType;       // vector | matrix | scalar | string
    QList<WireSeries> series; // a scalar comes as one series with no labels
};

/// Parses a Prometheus API answer of any status. For an error envelope returns false with
/// "prometheus bad_data: <error>" in *error; for a malformed body, the field that is wrong.
bool parseQueryResponse(const QByteArray &body, QueryResult *out, QString *error);

} // namespace fd::prometheus
