#include "logtext.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace fd {

QString readableLog(const QString &raw)
{
    // "2024-05-01T10:00:00.1234567Z ##[group]Run actions/checkout@v4": GitHub stamps every line
    // with a 28-character UTC time; the time of day is kept (it is what one compares), the
    // date and the fraction go, and the command after it is read.
    static const QRegularExpression stamped(
        QStringLiteral(R"(^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)(\.\d+)?Z ?(.*)$)"));
    static const QRegularExpression command(QStringLiteral(R"(^##\[(\w+)\](.*)$)"));
    const QStringList lines = raw.split(QLatin1Char('\n'));
    QStringList out;
    out.reserve(lines.size());
    int depth = 0;
    for (const QString &line : lines) {
        QString stamp;
        QString body = line;
        if (const QRegularExpressionMatch t = stamped.match(line); t.hasMatch()) {
            stamp = t.captured(1) + QLatin1Char(' ');
            body = t.captured(3);
        }
        const QString indent(depth * 2, QLatin1Char(' '));
        const QRegularExpressionMatch m = command.match(body);
        if (!m.hasMatch()) {
            out << stamp + indent + body;
            continue;
        }
        const QString name = m.captured(1).toLower();
        const QString text = m.captured(2);
        if (name == QLatin1String("group")) {
            out << stamp + indent + QStringLiteral("▾ ") + text;
            ++depth;
        } else if (name == QLatin1String("endgroup")) {
            depth = std::max(0, depth - 1);
        } else if (name == QLatin1String("command")) {
            out << stamp + indent + QStringLiteral("$ ") + text;
        } else if (name == QLatin1String("error") || name == QLatin1String("warning") ||
                   name == QLatin1String("notice") || name == QLatin1String("debug")) {
            out << stamp + indent + name + QStringLiteral(": ") + text;
        } else {
            out << stamp + indent + text;
        }
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace fd
