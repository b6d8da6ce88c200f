#include "workspace.h"

namespace fd {

QString WorkspaceIssue::toString() const
{
    QString out = file;
    if (line > 0)
        out += QStringLiteral(":%1:%2").arg(line).arg(column);
    out += QLatin1String(": ");
    if (!keyPath.isEmpty())
        out += keyPath + QLatin1String(": ");
    return out + message;
}

bool FreezeWindow::contains(const QDateTime &time) const
{
    const QDateTime t = time.toUTC();
    if (kind == Kind::Absolute)
        return start.isValid() && end.isValid() && t >= start && t < end;
    if (!from.isValid() || !to.isValid())
        return false;
    const int day = t.date().dayOfWeek();
    const int previousDay = day == 1 ? 7 : day - 1;
    const int now = t.time().msecsSinceStartOfDay();
    const int begin = from.msecsSinceStartOfDay();
    const int finish = to.msecsSinceStartOfDay() + 60 * 1000; // "23:59" covers the whole minute
    if (begin <= to.msecsSinceStartOfDay())
        return days.contains(day) && now >= begin && now < finish;
    // Overnight window: the evening part on a listed day, the morning part on the next day.
    return (days.contains(day) && now >= begin) || (days.contains(previousDay) && now < finish);
}

const ServiceBinding *ServiceDef::binding(const QString &environment) const
{
    for (const auto &b : bindings)
        if (b.environment == environment)
            return &b;
    return nullptr;
}

QString ServiceDef::connectionOf(const ServiceBinding &binding)
{
    return binding.options.value(QStringLiteral("connection")).toString();
}

const EnvironmentDef *Workspace::environment(const QString &name) const
{
    for (const auto &e : environments)
        if (e.name == name)
            return &e;
    return nullptr;
}

const ConnectionDef *Workspace::connection(const QString &id) const
{
    for (const auto &c : connections)
        if (c.id == id)
            return &c;
    return nullptr;
}

const ServiceDef *Workspace::service(const QString &name) const
{
    for (const auto &s : services)
        if (s.name == name)
            return &s;
    return nullptr;
}

QStringList Workspace::environmentNames() const
{
    QStringList out;
    for (const auto &e : environments)
        out.append(e.name);
    return out;
}

bool Workspace::isProtected(const QString &name) const
{
    const auto *e = environment(name);
    return e && e->isProtected;
}

bool Workspace::isFrozen(const QString &name, const QDateTime &time, QString *reason) const
{
    const auto *e = environment(name);
    if (!e)
        return false;
    for (const auto &w : e->freeze) {
        if (w.contains(time)) {
            if (reason)
                *reason = w.reason;
            return true;
        }
    }
    return false;
}

QList<ServiceBinding> Workspace::bindingsFor(const QString &connectionId) const
{
    QList<ServiceBinding> out;
    for (const auto &s : services) {
        for (const auto &b : s.pipelines)
            if (ServiceDef::connectionOf(b) == connectionId)
                out.append(b);
        for (const auto &b : s.bindings)
            if (ServiceDef::connectionOf(b) == connectionId)
                out.append(b);
    }
    return out;
}

} // namespace fd
