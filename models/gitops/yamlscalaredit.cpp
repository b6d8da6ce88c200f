#include "yamlscalaredit.h"
#include "compare/yamldocuments.h"

#include <yaml-cpp/yaml.h>

#include <optional>

namespace fd {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

struct Position
{
    int line = -1;
    int column = -1;
    auto operator<=>(const Position &) const = default;
};

Position positionOf(const YAML::Node &node)
{
    const YAML::Mark m = node.Mark();
    return {m.line, m.column};
}

// What navigation found: the scalar node, and whether it sits in a flow collection (which ends
// a plain scalar at `,` `]` `}` as well as at a comment or the end of the line).
struct Found
{
    YAML::Node node;
    bool inFlow = false;
    QString error;   // empty when found
    int reached = 0; // segments matched before the error: the most telling error wins
};

QString prefixText(const YamlKeyPath &path, int upTo)
{
    if (upTo == 0)
        return QStringLiteral("the top level");
    YamlKeyPath head;
    head.segments = path.segments.mid(0, upTo);
    return head.toString();
}

Found navigate(const YAML::Node &doc, const YamlKeyPath &path)
{
    Found f;
    YAML::Node cur = doc;
    Position last;
    const QString aliasError =
        QStringLiteral("%1 is reached through an alias or merge key; edit it where it is defined");
    for (int i = 0; i < path.segments.size(); ++i) {
        const YamlKeyPath::Segment &seg = path.segments.at(i);
        if (!seg.key.isEmpty()) {
            if (!cur.IsMap()) {
                f.error = QStringLiteral("%1 is not a mapping").arg(prefixText(path, i));
                return f;
            }
            std::optional<YAML::Node> value;
            YAML::Node keyNode;
            const std::string key = seg.key.toStdString();
            for (auto it = cur.begin(); it != cur.end(); ++it) {
                if (it->first.IsScalar() && it->first.Scalar() == key) {
                    keyNode = it->first;
                    value = it->second;
                    break;
                }
            }
            if (!value) {
                f.error = QStringLiteral("no key '%1' under %2").arg(seg.key, prefixText(path, i));
                return f;
            }
            if (positionOf(keyNode) < last) {
                f.error = aliasError.arg(prefixText(path, i + 1));
                return f;
            }
            last = positionOf(keyNode);
            f.inFlow = cur.Style() == YAML::EmitterStyle::Flow;
            cur = *value;
            f.reached = i + 1;
        }
        if (seg.selects()) {
            // The sequence's own name: the path so far with this segment's key, no selector.
            YamlKeyPath seqPath;
            seqPath.segments = path.segments.mid(0, i + 1);
            seqPath.segments.last().matchField.clear();
            seqPath.segments.last().index = -1;
            const QString where = seqPath.segments.last().key.isEmpty() && i == 0
                                      ? QStringLiteral("the document")
                                      : seqPath.toString();
            if (!cur.IsSequence()) {
                f.error = QStringLiteral("%1 is not a sequence").arg(where);
                return f;
            }
            std::optional<YAML::Node> element;
            if (seg.index >= 0) {
                if (std::size_t(seg.index) >= cur.size()) {
                    f.error = QStringLiteral("%1 has %2 elements, no [%3]")
                                  .arg(where)
                                  .arg(cur.size())
                                  .arg(seg.index);
                    return f;
                }
                element = cur[std::size_t(seg.index)];
            } else {
                const std::string field = seg.matchField.toStdString();
                const std::string want = seg.matchValue.toStdString();
                int matches = 0;
                for (std::size_t k = 0; k < cur.size(); ++k) {
                    const YAML::Node e = cur[k];
                    if (!e.IsMap())
                        continue;
                    const YAML::Node v = e[field];
                    if (v && v.IsScalar() && v.Scalar() == want) {
                        ++matches;
                        element = e;
                    }
                }
                if (matches == 0) {
                    f.error = QStringLiteral("no element of %1 with %2=%3")
                                  .arg(where, seg.matchField, seg.matchValue);
                    return f;
                }
                if (matches > 1) {
                    f.error = QStringLiteral("%1 elements of %2 have %3=%4; the path must name one")
                                  .arg(matches)
                                  .arg(where, seg.matchField, seg.matchValue);
                    return f;
                }
            }
            if (positionOf(*element) < last) {
                f.error = aliasError.arg(prefixText(path, i + 1));
                return f;
            }
            last = positionOf(*element);
            f.inFlow = cur.Style() == YAML::EmitterStyle::Flow;
            cur = *element;
            f.reached = i + 1;
        }
    }
    if (cur.IsNull()) {
        f.error = QStringLiteral("has no value (null); a value is never invented");
        return f;
    }
    if (!cur.IsScalar()) {
        f.error = QStringLiteral("is a %1, not a scalar")
                      .arg(cur.IsMap() ? QStringLiteral("mapping") : QStringLiteral("sequence"));
        return f;
    }
    if (positionOf(cur) < last) {
        f.error = aliasError.arg(path.toString());
        return f;
    }
    f.node = cur;
    return f;
}

enum class Style { Plain, Single, Double };

struct Span
{
    qsizetype start = 0; // first byte of the scalar itself (after any &anchor or !tag)
    qsizetype length = 0;
    Style style = Style::Plain;
    QByteArray value; // decoded, UTF-8
    QByteArray anchor;
};

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}
bool isBreak(char c)
{
    return c == '\n' || c == '\r';
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    out += QString::fromUcs4(&cp, 1).toUtf8();
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads the scalar that starts at byte @p at on one line. Multi-line and block scalars are not
// read (an image tag never spans lines; editing one would risk the bytes around it).
std::optional<Span> scanScalar(const QByteArray &b, qsizetype at, bool inFlow)
{
    const qsizetype n = b.size();
    qsizetype p = at;
    Span s;
    // Node properties: the mark of an anchored or tagged scalar points at its `&` or `!`.
    while (p < n && (b[p] == '&' || b[p] == '!')) {
        const qsizetype begin = p;
        while (p < n && !isBlank(b[p]) && !isBreak(b[p]))
            ++p;
        if (b[begin] == '&')
            s.anchor = b.mid(begin + 1, p - begin - 1);
        while (p < n && isBlank(b[p]))
            ++p;
    }
    if (p >= n)
        return std::nullopt;
    s.start = p;
    const char c = b[p];
    if (c == '"') {
        s.style = Style::Double;
        qsizetype q = p + 1;
        for (; q < n; ++q) {
            const char ch = b[q];
            if (ch == '"')
                break;
            if (isBreak(ch))
                return std::nullopt;
            if (ch != '\\') {
                s.value += ch;
                continue;
            }
            if (++q >= n)
                return std::nullopt;
            const char e = b[q];
            int digits = 0;
            switch (e) {
            case '0':
                s.value += '\0';
                break;
            case 'a':
                s.value += '\a';
                break;
            case 'b':
                s.value += '\b';
                break;
            case 't':
            case '\t':
                s.value += '\t';
                break;
            case 'n':
                s.value += '\n';
                break;
            case 'v':
                s.value += '\v';
                break;
            case 'f':
                s.value += '\f';
                break;
            case 'r':
                s.value += '\r';
                break;
            case 'e':
                s.value += '\x1b';
                break;
            case ' ':
                s.value += ' ';
                break;
            case '"':
                s.value += '"';
                break;
            case '/':
                s.value += '/';
                break;
            case '\\':
                s.value += '\\';
                break;
            case 'N':
                appendUtf8(s.value, 0x85);
                break;
            case '_':
                appendUtf8(s.value, 0xa0);
                break;
            case 'L':
                appendUtf8(s.value, 0x2028);
                break;
            case 'P':
                appendUtf8(s.value, 0x2029);
                break;
            case 'x':
                digits = 2;
                break;
            case 'u':
                digits = 4;
                break;
            case 'U':
                digits = 8;
                break;
            default:
                return std::nullopt; // an escaped line break: a multi-line scalar
            }
            if (digits > 0) {
                char32_t cp = 0;
                for (int d = 0; d < digits; ++d) {
                    const int h = ++q < n ? hexValue(b[q]) : -1;
                    if (h < 0)
                        return std::nullopt;
                    cp = cp * 16 + char32_t(h);
                }
                appendUtf8(s.value, cp);
            }
        }
        if (q >= n)
            return std::nullopt;
        s.length = q + 1 - p;
        return s;
    }
    if (c == '\'') {
        s.style = Style::Single;
        qsizetype q = p + 1;
        for (; q < n; ++q) {
            const char ch = b[q];
            if (isBreak(ch))
                return std::nullopt;
            if (ch == '\'') {
                if (q + 1 < n && b[q + 1] == '\'') {
                    s.value += '\'';
                    ++q;
                    continue;
                }
                break;
            }
            s.value += ch;
        }
        if (q >= n)
            return std::nullopt;
        s.length = q + 1 - p;
        return s;
    }
    if (c == '|' || c == '>' || c == '*')
        return std::nullopt;
    qsizetype q = p;
    for (; q < n; ++q) {
        const char ch = b[q];
        if (isBreak(ch))
            break;
        if (ch == '#' && q > p && isBlank(b[q - 1]))
            break;
        if (inFlow && (ch == ',' || ch == ']' || ch == '}'))
            break;
        if (ch == ':' && (q + 1 >= n || isBlank(b[q + 1]) || isBreak(b[q + 1]) ||
                          (inFlow && QByteArrayView(",[]{}").contains(b[q + 1]))))
            break;
    }
    while (q > p && isBlank(b[q - 1]))
        --q;
    s.length = q - p;
    s.value = b.mid(p, s.length);
    return s;
}

bool anchorIsUsed(const QByteArray &b, const QByteArray &anchor)
{
    const QByteArray alias = '*' + anchor;
    for (qsizetype i = b.indexOf(alias); i >= 0; i = b.indexOf(alias, i + 1)) {
        const qsizetype end = i + alias.size();
        if (end >= b.size() || isBlank(b[end]) || isBreak(b[end]) ||
            QByteArrayView(",]}").contains(b[end]))
            return true;
    }
    return false;
}

qsizetype utf8Skip(const QByteArray &b, qsizetype from, int codePoints)
{
    qsizetype p = from;
    for (int i = 0; i < codePoints && p < b.size(); ++i) {
        ++p;
        while (p < b.size() && (uchar(b[p]) & 0xc0) == 0x80)
            ++p;
    }
    return p;
}

struct Location
{
    Span span;
    int line = 0;
    bool inFlow = false;
    QString error;
};

Location locate(const QByteArray &bytes, const QString &file, const YamlKeyPath &path)
{
    Location loc;
    const QString where = file + QStringLiteral(": ") + path.toString() + QStringLiteral(": ");
    if (!path.isValid()) {
        loc.error = file + QStringLiteral(": empty key path");
        return loc;
    }
    std::vector<YAML::Node> docs;
    try {
        docs = loadAllDocuments(bytes.toStdString());
    } catch (const YAML::Exception &e) {
        loc.error = QStringLiteral("%1:%2:%3: not valid YAML: %4")
                        .arg(file)
                        .arg(e.mark.line + 1)
                        .arg(e.mark.column + 1)
                        .arg(qs(e.msg));
        return loc;
    }
    std::optional<Found> best;
    int foundCount = 0;
    Found hit;
    for (const YAML::Node &doc : docs) {
        Found f = navigate(doc, path);
        if (f.error.isEmpty()) {
            ++foundCount;
            hit = f;
        } else if (!best || f.reached > best->reached) {
            best = f;
        }
    }
    if (foundCount > 1) {
        loc.error =
            where + QStringLiteral("found in %1 documents; the path must name one").arg(foundCount);
        return loc;
    }
    if (foundCount == 0) {
        loc.error = where + (best ? best->error : QStringLiteral("the file has no document"));
        return loc;
    }

    // The mark gives line and column; the byte offset is found here. Lines are counted on
    // '\n' (a CRLF line ends in "\r\n"), a UTF-8 byte order mark is not part of line 0, and the
    // column is tried as bytes (yaml-cpp) and then as characters (libyaml and others count
    // characters); the span is taken only when its decoded text is the parser's value.
    const YAML::Mark mark = hit.node.Mark();
    const std::string want = hit.node.Scalar();
    qsizetype lineStart = bytes.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    for (int l = 0; l < mark.line; ++l) {
        lineStart = bytes.indexOf('\n', lineStart);
        if (lineStart < 0)
            break;
        ++lineStart;
    }
    std::optional<Span> span;
    if (lineStart >= 0) {
        for (const qsizetype at :
             {lineStart + mark.column, utf8Skip(bytes, lineStart, mark.column)}) {
            if (at >= bytes.size())
                continue;
            span = scanScalar(bytes, at, hit.inFlow);
            if (span && span->value.toStdString() == want)
                break;
            span.reset();
        }
    }
    if (!span) {
        loc.error =
            where + QStringLiteral("the value on line %1 is not a one-line scalar; it is not "
                                   "edited")
                        .arg(mark.line + 1);
        return loc;
    }
    if (!span->anchor.isEmpty() && anchorIsUsed(bytes, span->anchor)) {
        loc.error = where + QStringLiteral("the value on line %1 carries anchor &%2, which is used "
                                           "elsewhere as *%2; editing it would change those too")
                                .arg(mark.line + 1)
                                .arg(QString::fromUtf8(span->anchor));
        return loc;
    }
    loc.span = *span;
    loc.line = mark.line + 1;
    loc.inFlow = hit.inFlow;
    return loc;
}

// Would @p v, written plain, read back as this same string (not a number, boolean or null, and
// not ending or breaking the scalar early)?
bool plainKeepsString(const QString &v, bool inFlow)
{
    if (v.isEmpty() || v.front().isSpace() || v.back().isSpace())
        return false;
    if (QStringLiteral("-?:,[]{}#&*!|>'\"%@`").contains(v.front()))
        return false;
    if (v.contains(QLatin1String(": ")) || v.contains(QLatin1String(" #")) ||
        v.endsWith(QLatin1Char(':')) || v.contains(QLatin1Char('\t')))
        return false;
    if (inFlow && (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('[')) ||
                   v.contains(QLatin1Char(']')) || v.contains(QLatin1Char('{')) ||
                   v.contains(QLatin1Char('}'))))
        return false;
    static const QStringList special = {
        QStringLiteral("null"),  QStringLiteral("Null"),  QStringLiteral("NULL"),
        QStringLiteral("~"),     QStringLiteral("true"),  QStringLiteral("True"),
        QStringLiteral("TRUE"),  QStringLiteral("false"), QStringLiteral("False"),
        QStringLiteral("FALSE"), QStringLiteral("yes"),   QStringLiteral("Yes"),
        QStringLiteral("YES"),   QStringLiteral("no"),    QStringLiteral("No"),
        QStringLiteral("NO"),    QStringLiteral("on"),    QStringLiteral("On"),
        QStringLiteral("ON"),    QStringLiteral("off"),   QStringLiteral("Off"),
        QStringLiteral("OFF"),   QStringLiteral("y"),     QStringLiteral("Y"),
        QStringLiteral("n"),     QStringLiteral("N")};
    if (special.contains(v))
        return false;
    // Numbers: Helm would read `tag: 1.10` as the float 1.1.
    bool isNumber = false;
    v.toDouble(&isNumber);
    if (isNumber)
        return false;
    static const QStringList numberLike = {QStringLiteral("0x"),   QStringLiteral("0o"),
                                           QStringLiteral(".inf"), QStringLiteral("-.inf"),
                                           QStringLiteral(".nan"), QStringLiteral(".NaN")};
    for (const QString &prefix : numberLike)
        if (v.startsWith(prefix, Qt::CaseInsensitive))
            return false;
    return true;
}

QByteArray doubleQuoted(const QString &v)
{
    QByteArray out = "\"";
    for (const char c : v.toUtf8()) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\t') {
            out += "\\t";
        } else if (uchar(c) < 0x20 || c == 0x7f) {
            out += "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
        } else {
            out += c;
        }
    }
    return out + '"';
}

} // namespace

QString YamlKeyPath::toString() const
{
    QStringList parts;
    for (const Segment &s : segments) {
        QString t = s.key;
        if (s.index >= 0)
            t += QStringLiteral("[%1]").arg(s.index);
        else if (!s.matchField.isEmpty())
            t += QStringLiteral("[%1=%2]").arg(s.matchField, s.matchValue);
        parts.append(t);
    }
    return parts.join(QLatin1Char('.'));
}

YamlKeyPath YamlKeyPath::parse(const QString &text, QString *error)
{
    const auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("key path '%1': %2").arg(text, why);
        return YamlKeyPath{};
    };
    QStringList parts;
    QString cur;
    int depth = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('['))
            ++depth;
        else if (c == QLatin1Char(']'))
            --depth;
        if (depth < 0 || depth > 1)
            return fail(QStringLiteral("unbalanced brackets"));
        if (c == QLatin1Char('.') && depth == 0) {
            parts.append(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (depth != 0)
        return fail(QStringLiteral("unbalanced brackets"));
    parts.append(cur);
    YamlKeyPath path;
    for (const QString &part : std::as_const(parts)) {
        Segment seg;
        const qsizetype open = part.indexOf(QLatin1Char('['));
        seg.key = open < 0 ? part : part.left(open);
        if (open >= 0) {
            if (!part.endsWith(QLatin1Char(']')))
                return fail(QStringLiteral("text after ']' in '%1'").arg(part));
            const QString inner = part.mid(open + 1, part.size() - open - 2);
            bool isIndex = false;
            const int index = inner.toInt(&isIndex);
            if (isIndex && index >= 0) {
                seg.index = index;
            } else {
                const qsizetype eq = inner.indexOf(QLatin1Char('='));
                if (eq <= 0)
                    return fail(
                        QStringLiteral("'[%1]' is neither [N] nor [field=value]").arg(inner));
                seg.matchField = inner.left(eq);
                seg.matchValue = inner.mid(eq + 1);
            }
        }
        if (seg.key.isEmpty() && !seg.selects())
            return fail(QStringLiteral("an empty segment"));
        path.segments.append(seg);
    }
    if (error)
        error->clear();
    return path;
}

YamlScalarEdit findYamlScalar(const QByteArray &bytes, const QString &file, const YamlKeyPath &path)
{
    YamlScalarEdit r;
    r.bytes = bytes;
    const Location loc = locate(bytes, file, path);
    if (!loc.error.isEmpty()) {
        r.error = loc.error;
        return r;
    }
    r.ok = true;
    r.oldValue = QString::fromUtf8(loc.span.value);
    r.line = loc.line;
    r.start = loc.span.start;
    r.length = loc.span.length;
    return r;
}

YamlScalarEdit editYamlScalar(const QByteArray &bytes,
                              const QString &file,
                              const YamlKeyPath &path,
                              const QString &newValue)
{
    YamlScalarEdit r;
    r.bytes = bytes;
    const Location loc = locate(bytes, file, path);
    if (!loc.error.isEmpty()) {
        r.error = loc.error;
        return r;
    }
    const QString where = file + QStringLiteral(": ") + path.toString() + QStringLiteral(": ");
    if (newValue.contains(QLatin1Char('\n')) || newValue.contains(QLatin1Char('\r'))) {
        r.error = where + QStringLiteral("a new value spanning lines is not written");
        return r;
    }
    const bool inFlow = loc.inFlow;
    QByteArray written;
    switch (loc.span.style) {
    case Style::Plain:
        written = plainKeepsString(newValue, inFlow) ? newValue.toUtf8() : doubleQuoted(newValue);
        break;
    case Style::Double:
        written = doubleQuoted(newValue);
        break;
    case Style::Single:
        written = '\'' + newValue.toUtf8().replace('\'', "''") + '\'';
        break;
    }
    QByteArray out = bytes;
    out.replace(loc.span.start, loc.span.length, written);
    // Read the result back: the path must now give the new value, at the same place.
    const Location check = locate(out, file, path);
    if (!check.error.isEmpty() || check.span.value != newValue.toUtf8() ||
        check.span.start != loc.span.start) {
        r.error =
            where + QStringLiteral("writing '%1' would not read back as that value; not written")
                        .arg(newValue);
        return r;
    }
    r.ok = true;
    r.bytes = out;
    r.oldValue = QString::fromUtf8(loc.span.value);
    r.line = loc.line;
    r.start = loc.span.start;
    r.length = written.size();
    return r;
}

} // namespace fd
