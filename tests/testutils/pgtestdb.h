#pragma once

// Each test program that uses the PostgreSQL server .ci/services starts gets a database of its
// own, created empty for each use: tests that run in parallel never drop each other's tables,
// and a table a later migration adds is gone with the database.

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace fd::test {

/// A fresh, empty database named @p name on the server of @p serverUrl (FD_TEST_PG_URL), as a
/// postgresql:// URL; empty with *error set when the server refuses.
inline QString freshPostgresDatabase(const QString &serverUrl, const QString &name, QString *error)
{
    const QUrl u(serverUrl);
    const QString connection = QStringLiteral("fd-test-admin-") + name;
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        db.setDatabaseName(u.path().mid(1));
        if (!db.open()) {
            *error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            // WITH (FORCE) ends sessions a killed earlier run left behind (PostgreSQL 13+).
            if (!q.exec(QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)").arg(name)) ||
                !q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name))) {
                *error = q.lastError().text();
            } else {
                QUrl target = u;
                target.setPath(QLatin1Char('/') + name);
                result = target.toString();
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return result;
}

} // namespace fd::test
