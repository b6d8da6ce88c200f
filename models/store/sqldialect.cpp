#include "sqldialect.h"

namespace fd {

namespace {

class SqliteDialect final : public SqlDialect
{
public:
    QString name() const override { return QStringLiteral("sqlite"); }
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QString idColumn() const override
    {
        return QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT");
    }
    QStringList connectionSetup() const override
    {
        return {QStringLiteral("PRAGMA journal_mode=WAL"),
                QStringLiteral("PRAGMA synchronous=NORMAL"),
                QStringLiteral("PRAGMA foreign_keys=ON")};
    }
    // synchronous cannot change inside a transaction, so it is switched around it.
    QStringList durableBefore() const override
    {
        return {QStringLiteral("PRAGMA synchronous=FULL")};
    }
    QStringList durableInside() const override { return {}; }
    QStringList durableAfter() const override
    {
        return {QStringLiteral("PRAGMA synchronous=NORMAL")};
    }
    QString durabilityQuery() const override { return QStringLiteral("PRAGMA synchronous"); }
};

class PostgresDialect final : public SqlDialect
{
public:
    QString name() const override { return QStringLiteral("postgresql"); }
    QString driver() const override { return QStringLiteral("QPSQL"); }
    QString idColumn() const override { return QStringLiteral("BIGSERIAL PRIMARY KEY"); }
    QStringList connectionSetup() const override
    {
        return {QStringLiteral("SET synchronous_commit = off"),
                QStringLiteral("SET client_min_messages = warning")};
    }
    QStringList durableBefore() const override { return {}; }
    QStringList durableInside() const override
    {
        return {QStringLiteral("SET LOCAL synchronous_commit = on")};
    }
    QStringList durableAfter() const override { return {}; }
    QString durabilityQuery() const override { return QStringLiteral("SHOW synchronous_commit"); }
};

} // namespace

std::unique_ptr<SqlDialect> SqlDialect::sqlite()
{
    return std::make_unique<SqliteDialect>();
}

std::unique_ptr<SqlDialect> SqlDialect::postgresql()
{
    return std::make_unique<PostgresDialect>();
}

} // namespace fd
