#include "logtext.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace fd {

QString readableLog(const QString &raw)
{
    // "2024-05-01T10:00:00.1234567Z ##[group]Run actions/checkout@v4": the timestamp GitHub
    // puts before every line is kept, the command after it is read.
    static const QRegularExpression command(
        QStringLiteral(R"(^(\d{4}-\d\d-\d\dT[0-9:.]+Z )?##\[(\w+)\](.*)$)"));
    const QStringList lines = raw.split(QLatin1Char('\n'));
    QStringList out;
    out.reserve(lines.size());
    int depth = 0;
    for (const QString &line : lines) {
        const QRegularExpressionMatch m = command.match(line);
        if (!m.hasMatch()) {
            out << QString(depth * 2, QLatin1Char(' ')) + line;
            continue;
        }
        const QString stamp = m.captured(1);
        const QString name = m.captured(2).toLower();
        const QString text = m.captured(3);
        const QString indent(depth * 2, QLatin1Char(' '));
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
