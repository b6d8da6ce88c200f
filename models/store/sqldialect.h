#pragma once

#include <QString>
#include <QStringList>

#include <memory>

namespace fd {

/// Everything that differs between the SQL databases the store runs on. The statements in
/// store.cpp stay portable (ON CONFLICT, RETURNING, epoch-millisecond BIGINTs); anything
/// specific to one engine lives here.
class SqlDialect
{
public:
    virtual ~SqlDialect() = default;
    virtual QString name() const = 0;   // "sqlite" | "postgresql"
    virtual QString driver() const = 0; // the QtSql driver
    /// Column definition of an auto-numbered primary key.
    virtual QString idColumn() const = 0;
    /// Run once on every new connection.
    virtual QStringList connectionSetup() const = 0;
    /// Run before/after a write that must reach the disk before it returns (audit entries).
    /// `inside` statements run inside the transaction, `before`/`after` outside it.
    virtual QStringList durableBefore() const = 0;
    virtual QStringList durableInside() const = 0;
    virtual QStringList durableAfter() const = 0;
    /// A query returning the current durability setting (for tests and diagnostics).
    virtual QString durabilityQuery() const = 0;

    static std::unique_ptr<SqlDialect> sqlite();
    static std::unique_ptr<SqlDialect> postgresql();
};

} // namespace fd
