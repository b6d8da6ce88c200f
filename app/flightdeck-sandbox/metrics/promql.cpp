#include "promql.h"

#include <QHash>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace fd::sandbox::promql {

bool Matcher::matches(const QString &v) const
{
    switch (op) {
    case Op::Equal:
        return v == value;
    case Op::NotEqual:
        return v != value;
    case Op::Regex:
        return regex.match(v).hasMatch();
    case Op::NotRegex:
        return !regex.match(v).hasMatch();
    }
    return false;
}

bool Selector::matches(const Labels &labels) const
{
    for (const Matcher &m : matchers)
        if (!m.matches(labels.value(m.name)))
            return false;
    return true;
}

QString formatValue(double v)
{
    if (std::isnan(v))
        return u"NaN"_s;
    if (std::isinf(v))
        return v > 0 ? u"+Inf"_s : u"-Inf"_s;
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return QString::number(qint64(v));
    return QString::number(v, 'f', QLocale::FloatingPointShortest);
}

bool parseDuration(const QString &text, qint64 *ms)
{
    static const QRegularExpression re(
        u"^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?"
        "(?:(\\d+)s)?(?:(\\d+)ms)?$"_s);
    const auto m = re.match(text);
    if (text.isEmpty() || !m.hasMatch())
        return false;
    static const qint64 unit[] = {
        365LL * 86400000, 7LL * 86400000, 86400000, 3600000, 60000, 1000, 1};
    qint64 total = 0;
    for (int i = 0; i < 7; ++i)
        total += m.captured(i + 1).toLongLong() * unit[i];
    *ms = total;
    return total > 0;
}

// ---- syntax tree ----

struct Node
{
    enum class Kind { Number, Selector, Call, Aggregate, Binary, Negate };
    Kind kind = Kind::Number;
    double number = 0;
    Selector selector;
    QString name; // function or aggregation or operator
    QList<std::shared_ptr<Node>> args;
    QStringList grouping;     // by/without labels, or on/ignoring labels
    bool without = false;     // aggregation: without; binary: ignoring
    bool hasMatching = false; // binary: on/ignoring given
    bool returnBool = false;  // binary: bool modifier
};

namespace {

using NodePtr = std::shared_ptr<Node>;

const QSet<QString> kAggregations{u"sum"_s, u"avg"_s, u"min"_s, u"max"_s, u"count"_s};
const QSet<QString> kUnsupportedAggregations{u"stddev"_s,  u"stdvar"_s,   u"topk"_s,
                                             u"bottomk"_s, u"quantile"_s, u"count_values"_s,
                                             u"group"_s};
const QSet<QString> kFunctions{u"rate"_s, u"increase"_s, u"histogram_quantile"_s, u"abs"_s};
// Real PromQL functions the sandbox does not evaluate: refused as unsupported, not unknown.
const QSet<QString> kOtherFunctions{u"irate"_s,
                                    u"delta"_s,
                                    u"idelta"_s,
                                    u"deriv"_s,
                                    u"predict_linear"_s,
                                    u"resets"_s,
                                    u"changes"_s,
                                    u"avg_over_time"_s,
                                    u"sum_over_time"_s,
                                    u"max_over_time"_s,
                                    u"min_over_time"_s,
                                    u"count_over_time"_s,
                                    u"quantile_over_time"_s,
                                    u"last_over_time"_s,
                                    u"absent"_s,
                                    u"absent_over_time"_s,
                                    u"ceil"_s,
                                    u"floor"_s,
                                    u"round"_s,
                                    u"clamp"_s,
                                    u"clamp_min"_s,
                                    u"clamp_max"_s,
                                    u"exp"_s,
                                    u"ln"_s,
                                    u"log2"_s,
                                    u"log10"_s,
                                    u"sqrt"_s,
                                    u"scalar"_s,
                                    u"vector"_s,
                                    u"time"_s,
                                    u"timestamp"_s,
                                    u"label_replace"_s,
                                    u"label_join"_s,
                                    u"sort"_s,
                                    u"sort_desc"_s,
                                    u"sgn"_s,
                                    u"day_of_week"_s,
                                    u"hour"_s,
                                    u"minute"_s,
                                    u"month"_s,
                                    u"year"_s};

struct Token
{
    enum class Type { End, Ident, Number, String, Duration, Op };
    Type type = Type::End;
    QString text;
    double number = 0;
    int pos = 0;
};

class Parser
{
public:
    explicit Parser(const QString &text)
        : m_text(text)
    {}

    NodePtr parse(QString *error)
    {
        if (!lex())
            return fail(error);
        if (m_tokens.size() == 1) {
            m_error = u"no expression found in input"_s;
            return fail(error);
        }
        NodePtr n = expression(0);
        if (n && peek().type != Token::Type::End)
            err(u"unexpected %1"_s.arg(describe(peek())));
        if (!m_error.isEmpty())
            return fail(error);
        return n;
    }

private:
    NodePtr fail(QString *error)
    {
        if (error)
            *error = u"parse error: %1"_s.arg(m_error);
        return nullptr;
    }
    void err(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = u"%1:%2: %3"_s.arg(1).arg(peek().pos + 1).arg(message);
    }
    static QString describe(const Token &t)
    {
        return t.type == Token::Type::End ? u"end of input"_s : u"\"%1\""_s.arg(t.text);
    }

    bool lex()
    {
        int i = 0;
        const int n = int(m_text.size());
        while (i < n) {
            const QChar c = m_text.at(i);
            if (c.isSpace()) {
                ++i;
                continue;
            }
            Token t;
            t.pos = i;
            if (c == u'#') { // comment to the end of the line
                while (i < n && m_text.at(i) != u'\n')
                    ++i;
                continue;
            }
            if (c.isLetter() || c == u'_' || c == u':') {
                int j = i;
                while (j < n && (m_text.at(j).isLetterOrNumber() || m_text.at(j) == u'_' ||
                                 m_text.at(j) == u':'))
                    ++j;
                t.type = Token::Type::Ident;
                t.text = m_text.mid(i, j - i);
                if (t.text.compare(u"inf"_s, Qt::CaseInsensitive) == 0 ||
                    t.text.compare(u"nan"_s, Qt::CaseInsensitive) == 0) {
                    t.type = Token::Type::Number;
                    t.number = t.text.startsWith(u'n', Qt::CaseInsensitive)
                                   ? std::numeric_limits<double>::quiet_NaN()
                                   : std::numeric_limits<double>::infinity();
                }
                i = j;
            } else if (c.isDigit() || (c == u'.' && i + 1 < n && m_text.at(i + 1).isDigit())) {
                int j = i;
                while (j < n && (m_text.at(j).isLetterOrNumber() || m_text.at(j) == u'.' ||
                                 ((m_text.at(j) == u'+' || m_text.at(j) == u'-') &&
                                  (m_text.at(j - 1) == u'e' || m_text.at(j - 1) == u'E'))))
                    ++j;
                t.text = m_text.mid(i, j - i);
                bool ok = false;
                t.number = t.text.toDouble(&ok);
                qint64 ms = 0;
                if (ok) {
                    t.type = Token::Type::Number;
                } else if (parseDuration(t.text, &ms)) {
                    t.type = Token::Type::Duration;
                    t.number = double(ms);
                } else {
                    m_error =
                        u"1:%1: bad number or duration syntax: \"%2\""_s.arg(i + 1).arg(t.text);
                    return false;
                }
                i = j;
            } else if (c == u'"' || c == u'\'' || c == u'`') {
                int j = i + 1;
                QString value;
                while (j < n && m_text.at(j) != c) {
                    if (m_text.at(j) == u'\\' && c != u'`' && j + 1 < n) {
                        const QChar e = m_text.at(++j);
                        value += e == u'n' ? u'\n' : e == u't' ? u'\t' : e;
                    } else {
                        value += m_text.at(j);
                    }
                    ++j;
                }
                if (j >= n) {
                    m_error = u"1:%1: unterminated quoted string %2"_s.arg(i + 1).arg(c);
                    return false;
                }
                t.type = Token::Type::String;
                t.text = value;
                i = j + 1;
            } else {
                static const QStringList ops{u"=~"_s, u"!~"_s, u"!="_s, u"=="_s, u">="_s, u"<="_s};
                t.type = Token::Type::Op;
                const QString two = m_text.mid(i, 2);
                if (ops.contains(two)) {
                    t.text = two;
                    i += 2;
                } else if (QStringLiteral("(){}[],=+-*/%^<>").contains(c)) {
                    t.text = c;
                    ++i;
                } else {
                    m_error = u"1:%1: unexpected character: '%2'"_s.arg(i + 1).arg(c);
                    return false;
                }
            }
            m_tokens.append(t);
        }
        Token end;
        end.pos = n;
        m_tokens.append(end);
        return true;
    }

    const Token &peek(int ahead = 0) const
    {
        return m_tokens.at(std::min<int>(m_at + ahead, int(m_tokens.size()) - 1));
    }
    Token next() { return m_tokens.at(std::min<int>(m_at++, int(m_tokens.size()) - 1)); }
    bool isOp(const QString &op, int ahead = 0) const
    {
        return peek(ahead).type == Token::Type::Op && peek(ahead).text == op;
    }
    bool expectOp(const QString &op)
    {
        if (!isOp(op)) {
            err(u"unexpected %1, expected \"%2\""_s.arg(describe(peek()), op));
            return false;
        }
        ++m_at;
        return true;
    }

    static int precedence(const QString &op)
    {
        if (op == u"==" || op == u"!=" || op == u"<" || op == u">" || op == u"<=" || op == u">=")
            return 1;
        if (op == u"+" || op == u"-")
            return 2;
        if (op == u"*" || op == u"/" || op == u"%")
            return 3;
        if (op == u"^")
            return 4;
        return -1;
    }
    static bool isComparison(const QString &op) { return precedence(op) == 1; }

    QString binaryOperator() const
    {
        const Token &t = peek();
        if (t.type == Token::Type::Op && precedence(t.text) > 0)
            return t.text;
        if (t.type == Token::Type::Ident &&
            (t.text == u"and" || t.text == u"or" || t.text == u"unless"))
            return t.text;
        return {};
    }

    NodePtr expression(int minPrecedence)
    {
        NodePtr lhs = unary();
        while (lhs && m_error.isEmpty()) {
            const QString op = binaryOperator();
            if (op.isEmpty())
                break;
            if (op == u"and" || op == u"or" || op == u"unless") {
                m_unsupported = u"the \"%1\" operator"_s.arg(op);
                err(u"the sandbox does not evaluate %1"_s.arg(m_unsupported));
                return nullptr;
            }
            const int prec = precedence(op);
            if (prec < minPrecedence)
                break;
            ++m_at;
            auto node = std::make_shared<Node>();
            node->kind = Node::Kind::Binary;
            node->name = op;
            if (peek().type == Token::Type::Ident && peek().text == u"bool") {
                if (!isComparison(op)) {
                    err(u"bool modifier can only be used on comparison operators"_s);
                    return nullptr;
                }
                node->returnBool = true;
                ++m_at;
            }
            if (peek().type == Token::Type::Ident &&
                (peek().text == u"on" || peek().text == u"ignoring")) {
                node->hasMatching = true;
                node->without = next().text == u"ignoring";
                node->grouping = labelList();
            }
            if (peek().type == Token::Type::Ident &&
                (peek().text == u"group_left" || peek().text == u"group_right")) {
                err(u"the sandbox does not evaluate %1 matching"_s.arg(peek().text));
                return nullptr;
            }
            // ^ is right-associative; the others bind to the left.
            NodePtr rhs = expression(op == u"^" ? prec : prec + 1);
            if (!rhs)
                return nullptr;
            const bool scalars = isScalar(*lhs) && isScalar(*rhs);
            if (scalars && isComparison(op) && !node->returnBool) {
                err(u"comparisons between scalars must use BOOL modifier"_s);
                return nullptr;
            }
            node->args = {lhs, rhs};
            lhs = node;
        }
        return lhs;
    }

    NodePtr unary()
    {
        if (isOp(u"-"_s) || isOp(u"+"_s)) {
            const bool negate = next().text == u"-";
            NodePtr inner = expression(3); // binds tighter than + -, looser than ^
            if (!inner || !negate)
                return inner;
            if (inner->kind == Node::Kind::Number) {
                inner->number = -inner->number;
                return inner;
            }
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Negate;
            n->args = {inner};
            return n;
        }
        return primary();
    }

    QStringList labelList()
    {
        QStringList out;
        if (!expectOp(u"("_s))
            return out;
        while (!isOp(u")"_s)) {
            if (peek().type != Token::Type::Ident) {
                err(u"unexpected %1 in grouping opts, expected label"_s.arg(describe(peek())));
                return out;
            }
            out << next().text;
            if (isOp(u","_s))
                ++m_at;
            else if (!isOp(u")"_s)) {
                err(u"unexpected %1 in grouping opts, expected \",\" or \")\""_s.arg(
                    describe(peek())));
                return out;
            }
        }
        ++m_at;
        return out;
    }

    NodePtr primary()
    {
        const Token t = peek();
        if (t.type == Token::Type::Number) {
            ++m_at;
            auto n = std::make_shared<Node>();
            n->number = t.number;
            return n;
        }
        if (isOp(u"("_s)) {
            ++m_at;
            NodePtr inner = expression(0);
            if (!inner || !expectOp(u")"_s))
                return nullptr;
            return postfix(inner);
        }
        if (isOp(u"{"_s))
            return selector(QString());
        if (t.type == Token::Type::Ident) {
            if (kAggregations.contains(t.text) || kUnsupportedAggregations.contains(t.text))
                return aggregate();
            if (isOp(u"("_s, 1))
                return call();
            ++m_at;
            return selector(t.text);
        }
        err(u"unexpected %1"_s.arg(describe(t)));
        return nullptr;
    }

    NodePtr postfix(NodePtr n)
    {
        if (isOp(u"["_s)) {
            err(u"the sandbox does not evaluate subqueries"_s);
            return nullptr;
        }
        if (peek().type == Token::Type::Ident &&
            (peek().text == u"offset" || peek().text == u"@")) {
            err(u"the sandbox does not evaluate offset modifiers"_s);
            return nullptr;
        }
        return n;
    }

    NodePtr selector(const QString &metric)
    {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Selector;
        n->selector.metric = metric;
        if (!metric.isEmpty())
            n->selector.matchers.append({u"__name__"_s, Matcher::Op::Equal, metric, {}});
        if (isOp(u"{"_s)) {
            ++m_at;
            while (!isOp(u"}"_s)) {
                if (peek().type != Token::Type::Ident) {
                    err(u"unexpected %1 in label matching, expected label"_s.arg(describe(peek())));
                    return nullptr;
                }
                Matcher m;
                m.name = next().text;
                const Token op = next();
                if (op.type != Token::Type::Op ||
                    !QStringList{u"="_s, u"!="_s, u"=~"_s, u"!~"_s}.contains(op.text)) {
                    err(u"unexpected %1 in label matching, expected label matching operator"_s.arg(
                        describe(op)));
                    return nullptr;
                }
                m.op = op.text == u"="    ? Matcher::Op::Equal
                       : op.text == u"!=" ? Matcher::Op::NotEqual
                       : op.text == u"=~" ? Matcher::Op::Regex
                                          : Matcher::Op::NotRegex;
                if (peek().type != Token::Type::String) {
                    err(u"unexpected %1 in label matching, expected string"_s.arg(
                        describe(peek())));
                    return nullptr;
                }
                m.value = next().text;
                if (m.op == Matcher::Op::Regex || m.op == Matcher::Op::NotRegex) {
                    m.regex = QRegularExpression(u"^(?:%1)$"_s.arg(m.value));
                    if (!m.regex.isValid()) {
                        err(u"invalid regular expression %1"_s.arg(m.value));
                        return nullptr;
                    }
                }
                n->selector.matchers.append(m);
                if (isOp(u","_s))
                    ++m_at;
                else if (!isOp(u"}"_s)) {
                    err(u"unexpected %1 in label matching, expected \",\" or \"}\""_s.arg(
                        describe(peek())));
                    return nullptr;
                }
            }
            ++m_at;
        }
        bool anyNonEmpty = false;
        for (const Matcher &m : std::as_const(n->selector.matchers))
            anyNonEmpty = anyNonEmpty || !m.matches(QString());
        if (!anyNonEmpty) {
            err(u"vector selector must contain at least one non-empty matcher"_s);
            return nullptr;
        }
        if (isOp(u"["_s)) {
            ++m_at;
            const Token d = next();
            qint64 ms = 0;
            if (d.type == Token::Type::Duration)
                ms = qint64(d.number);
            else if (d.type != Token::Type::Number || !parseDuration(d.text, &ms)) {
                err(u"unexpected %1 in range, expected duration"_s.arg(describe(d)));
                return nullptr;
            }
            if (isOp(u":"_s)) {
                err(u"the sandbox does not evaluate subqueries"_s);
                return nullptr;
            }
            if (!expectOp(u"]"_s))
                return nullptr;
            n->selector.rangeMs = ms;
        }
        return postfix(n);
    }

    NodePtr aggregate()
    {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Aggregate;
        n->name = next().text;
        if (kUnsupportedAggregations.contains(n->name)) {
            err(u"the sandbox does not evaluate the %1 aggregation"_s.arg(n->name));
            return nullptr;
        }
        const auto modifier = [&] {
            if (peek().type == Token::Type::Ident &&
                (peek().text == u"by" || peek().text == u"without")) {
                n->without = next().text == u"without";
                n->grouping = labelList();
            }
        };
        modifier();
        if (!expectOp(u"("_s))
            return nullptr;
        NodePtr inner = expression(0);
        if (!inner)
            return nullptr;
        if (isOp(u","_s)) {
            err(u"wrong number of arguments for aggregate expression provided, expected 1, got 2"_s);
            return nullptr;
        }
        if (!expectOp(u")"_s))
            return nullptr;
        modifier();
        if (inner->kind == Node::Kind::Selector && inner->selector.rangeMs > 0) {
            err(u"expected type instant vector in aggregation expression, got range vector"_s);
            return nullptr;
        }
        n->args = {inner};
        return postfix(n);
    }

    NodePtr call()
    {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Call;
        n->name = next().text;
        if (!kFunctions.contains(n->name)) {
            err(kOtherFunctions.contains(n->name)
                    ? u"the sandbox does not evaluate the function %1()"_s.arg(n->name)
                    : u"unknown function with name \"%1\""_s.arg(n->name));
            return nullptr;
        }
        ++m_at; // (
        while (!isOp(u")"_s)) {
            NodePtr a = expression(0);
            if (!a)
                return nullptr;
            n->args.append(a);
            if (isOp(u","_s))
                ++m_at;
            else if (!isOp(u")"_s)) {
                err(u"unexpected %1 in function call, expected \",\" or \")\""_s.arg(
                    describe(peek())));
                return nullptr;
            }
        }
        ++m_at;
        const bool rangeFn = n->name == u"rate" || n->name == u"increase";
        const int want = n->name == u"histogram_quantile" ? 2 : 1;
        if (n->args.size() != want) {
            err(u"expected %1 argument(s) in call to \"%2\", got %3"_s.arg(want).arg(n->name).arg(
                n->args.size()));
            return nullptr;
        }
        const Node &last = *n->args.last();
        const bool isRange = last.kind == Node::Kind::Selector && last.selector.rangeMs > 0;
        if (rangeFn != isRange) {
            err(rangeFn
                    ? u"expected type range vector in call to function \"%1\", got instant vector"_s
                          .arg(n->name)
                    : u"expected type instant vector in call to function \"%1\", got range vector"_s
                          .arg(n->name));
            return nullptr;
        }
        if (n->name == u"histogram_quantile" && !isScalar(*n->args.first())) {
            err(u"expected type scalar in call to function \"histogram_quantile\""_s);
            return nullptr;
        }
        return postfix(n);
    }

public:
    static bool isScalar(const Node &n)
    {
        switch (n.kind) {
        case Node::Kind::Number:
            return true;
        case Node::Kind::Negate:
            return isScalar(*n.args[0]);
        case Node::Kind::Binary:
            return isScalar(*n.args[0]) && isScalar(*n.args[1]);
        default:
            return false;
        }
    }

private:
    QString m_text;
    QList<Token> m_tokens;
    int m_at = 0;
    QString m_error;
    QString m_unsupported;
};

// ---- evaluation ----

struct Value
{
    bool scalar = false;
    double number = 0;
    QList<Sample> vector;
};

Labels withoutName(Labels l)
{
    l.remove(u"__name__"_s);
    return l;
}

QString signature(const Labels &l)
{
    QString s;
    for (auto it = l.cbegin(); it != l.cend(); ++it)
        s += it.key() + u'\x1f' + it.value() + u'\x1e';
    return s;
}

double arithmetic(const QString &op, double a, double b)
{
    if (op == u"+")
        return a + b;
    if (op == u"-")
        return a - b;
    if (op == u"*")
        return a * b;
    if (op == u"/")
        return a / b;
    if (op == u"%")
        return std::fmod(a, b);
    if (op == u"^")
        return std::pow(a, b);
    return std::numeric_limits<double>::quiet_NaN();
}

bool compare(const QString &op, double a, double b)
{
    if (op == u"==")
        return a == b;
    if (op == u"!=")
        return a != b;
    if (op == u"<")
        return a < b;
    if (op == u">")
        return a > b;
    if (op == u"<=")
        return a <= b;
    if (op == u">=")
        return a >= b;
    return false;
}

bool isComparisonOp(const QString &op)
{
    return op == u"==" || op == u"!=" || op == u"<" || op == u">" || op == u"<=" || op == u">=";
}

double bucketBound(const QString &le)
{
    if (le == u"+Inf" || le == u"Inf" || le == u"inf")
        return std::numeric_limits<double>::infinity();
    bool ok = false;
    const double v = le.toDouble(&ok);
    return ok ? v : std::numeric_limits<double>::quiet_NaN();
}

double quantile(double q, QList<QPair<double, double>> buckets)
{
    if (q < 0)
        return -std::numeric_limits<double>::infinity();
    if (q > 1)
        return std::numeric_limits<double>::infinity();
    std::sort(buckets.begin(), buckets.end());
    if (buckets.size() < 2 || !std::isinf(buckets.last().first))
        return std::numeric_limits<double>::quiet_NaN();
    for (int i = 1; i < buckets.size(); ++i) // counts never fall as le grows
        buckets[i].second = std::max(buckets[i].second, buckets[i - 1].second);
    const double total = buckets.last().second;
    if (total == 0)
        return std::numeric_limits<double>::quiet_NaN();
    const double rank = q * total;
    int b = 0;
    while (b < buckets.size() - 1 && buckets[b].second < rank)
        ++b;
    if (b == buckets.size() - 1)
        return buckets[buckets.size() - 2].first;
    if (b == 0 && buckets[0].first <= 0)
        return buckets[0].first;
    const double lower = b == 0 ? 0 : buckets[b - 1].first;
    const double below = b == 0 ? 0 : buckets[b - 1].second;
    const double inBucket = buckets[b].second - below;
    return lower + (buckets[b].first - lower) * (inBucket > 0 ? (rank - below) / inBucket : 0);
}

class Evaluator
{
public:
    Evaluator(const SeriesSource &source, qint64 at)
        : m_source(source)
        , m_at(at)
    {}

    bool eval(const Node &n, Value *out, QString *error)
    {
        switch (n.kind) {
        case Node::Kind::Number:
            out->scalar = true;
            out->number = n.number;
            return true;
        case Node::Kind::Selector:
            out->vector = m_source.instant(n.selector, m_at);
            return true;
        case Node::Kind::Negate: {
            if (!eval(*n.args[0], out, error))
                return false;
            out->number = -out->number;
            for (Sample &s : out->vector) {
                s.value = -s.value;
                s.labels = withoutName(s.labels);
            }
            return true;
        }
        case Node::Kind::Call:
            return call(n, out, error);
        case Node::Kind::Aggregate:
            return aggregate(n, out, error);
        case Node::Kind::Binary:
            return binary(n, out, error);
        }
        return false;
    }

private:
    bool call(const Node &n, Value *out, QString *error)
    {
        if (n.name == u"rate" || n.name == u"increase") {
            const Selector &sel = n.args[0]->selector;
            const bool rate = n.name == u"rate";
            for (const RangeSample &r : m_source.range(sel, m_at, sel.rangeMs)) {
                if (r.coveredMs <= 0)
                    continue;
                // Like Prometheus: the increase seen, extrapolated to the whole window.
                const double increase =
                    std::max(0.0, r.last - r.first) * double(sel.rangeMs) / r.coveredMs;
                out->vector.append({withoutName(r.labels),
                                    rate ? increase / (double(sel.rangeMs) / 1000.0) : increase});
            }
            return true;
        }
        if (n.name == u"abs") {
            if (!eval(*n.args[0], out, error))
                return false;
            for (Sample &s : out->vector) {
                s.value = std::fabs(s.value);
                s.labels = withoutName(s.labels);
            }
            return true;
        }
        // histogram_quantile(φ, buckets)
        Value q, v;
        if (!eval(*n.args[0], &q, error) || !eval(*n.args[1], &v, error))
            return false;
        QMap<QString, QPair<Labels, QList<QPair<double, double>>>> groups;
        for (const Sample &s : std::as_const(v.vector)) {
            if (!s.labels.contains(u"le"_s))
                continue;
            Labels key = withoutName(s.labels);
            const double le = bucketBound(key.take(u"le"_s));
            if (std::isnan(le))
                continue;
            auto &g = groups[signature(key)];
            g.first = key;
            g.second.append({le, s.value});
        }
        for (const auto &g : std::as_const(groups))
            out->vector.append({g.first, quantile(q.number, g.second)});
        return true;
    }

    bool aggregate(const Node &n, Value *out, QString *error)
    {
        Value in;
        if (!eval(*n.args[0], &in, error))
            return false;
        if (in.scalar) {
            *error = u"expected type instant vector in aggregation expression, got scalar"_s;
            return false;
        }
        struct Group
        {
            Labels labels;
            double value = 0;
            int count = 0;
        };
        QMap<QString, Group> groups;
        for (const Sample &s : std::as_const(in.vector)) {
            Labels key;
            if (n.without) {
                key = withoutName(s.labels);
                for (const QString &l : n.grouping)
                    key.remove(l);
            } else {
                for (const QString &l : n.grouping)
                    if (s.labels.contains(l) && !s.labels.value(l).isEmpty())
                        key.insert(l, s.labels.value(l));
            }
            Group &g = groups[signature(key)];
            g.labels = key;
            if (g.count == 0)
                g.value = n.name == u"count" ? 1 : s.value;
            else if (n.name == u"sum" || n.name == u"avg")
                g.value += s.value;
            else if (n.name == u"min")
                g.value = std::min(g.value, s.value);
            else if (n.name == u"max")
                g.value = std::max(g.value, s.value);
            else if (n.name == u"count")
                g.value += 1;
            ++g.count;
        }
        for (const Group &g : std::as_const(groups))
            out->vector.append({g.labels, n.name == u"avg" ? g.value / g.count : g.value});
        return true;
    }

    bool binary(const Node &n, Value *out, QString *error)
    {
        Value l, r;
        if (!eval(*n.args[0], &l, error) || !eval(*n.args[1], &r, error))
            return false;
        const QString &op = n.name;
        const bool cmp = isComparisonOp(op);
        if (l.scalar && r.scalar) {
            out->scalar = true;
            out->number = cmp ? (compare(op, l.number, r.number) ? 1 : 0)
                              : arithmetic(op, l.number, r.number);
            return true;
        }
        if (l.scalar || r.scalar) {
            const bool scalarLeft = l.scalar;
            const Value &vec = scalarLeft ? r : l;
            const double k = scalarLeft ? l.number : r.number;
            for (const Sample &s : vec.vector) {
                const double a = scalarLeft ? k : s.value;
                const double b = scalarLeft ? s.value : k;
                if (!cmp) {
                    out->vector.append({withoutName(s.labels), arithmetic(op, a, b)});
                } else if (n.returnBool) {
                    out->vector.append({withoutName(s.labels), compare(op, a, b) ? 1.0 : 0.0});
                } else if (compare(op, a, b)) {
                    out->vector.append(s);
                }
            }
            return true;
        }
        const auto matchKey = [&](const Labels &labels) {
            Labels k;
            if (n.hasMatching && !n.without) {
                for (const QString &name : n.grouping)
                    if (labels.contains(name))
                        k.insert(name, labels.value(name));
            } else {
                k = withoutName(labels);
                for (const QString &name : n.grouping)
                    k.remove(name);
            }
            return signature(k);
        };
        QHash<QString, const Sample *> right;
        for (const Sample &s : std::as_const(r.vector)) {
            const QString key = matchKey(s.labels);
            if (right.contains(key)) {
                *error = u"found duplicate series for the match group on the right hand-side of "
                         "the operation: many-to-many matching not allowed: matching labels must "
                         "be unique on one side"_s;
                return false;
            }
            right.insert(key, &s);
        }
        QSet<QString> leftSeen;
        for (const Sample &s : std::as_const(l.vector)) {
            const QString key = matchKey(s.labels);
            const Sample *m = right.value(key);
            if (!m)
                continue;
            if (leftSeen.contains(key)) {
                *error = u"multiple matches for labels: many-to-one matching must be explicit "
                         "(group_left/group_right)"_s;
                return false;
            }
            leftSeen.insert(key);
            Labels labels = s.labels;
            if (!cmp || n.returnBool) {
                labels = withoutName(labels);
                if (n.hasMatching && !n.without) {
                    Labels kept;
                    for (const QString &name : n.grouping)
                        if (labels.contains(name))
                            kept.insert(name, labels.value(name));
                    labels = kept;
                } else {
                    for (const QString &name : n.grouping)
                        labels.remove(name);
                }
            }
            if (!cmp)
                out->vector.append({labels, arithmetic(op, s.value, m->value)});
            else if (n.returnBool)
                out->vector.append({labels, compare(op, s.value, m->value) ? 1.0 : 0.0});
            else if (compare(op, s.value, m->value))
                out->vector.append({labels, s.value});
        }
        return true;
    }

    const SeriesSource &m_source;
    qint64 m_at;
};

} // namespace

Expression::Expression() = default;
Expression::~Expression() = default;
Expression::Expression(Expression &&) noexcept = default;
Expression &Expression::operator=(Expression &&) noexcept = default;

bool Expression::parse(const QString &text, QString *error)
{
    Parser p(text);
    NodePtr root = p.parse(error);
    if (!root)
        return false;
    if (root->kind == Node::Kind::Selector && root->selector.rangeMs > 0) {
        // A bare range selector is a matrix the range API refuses; keep one error path.
        if (error)
            *error = u"the sandbox does not return range vectors from an instant query"_s;
        return false;
    }
    m_root = std::make_unique<Node>(*root);
    return true;
}

bool Expression::isScalar() const
{
    return m_root && Parser::isScalar(*m_root);
}

bool Expression::evaluate(const SeriesSource &source,
                          qint64 atMs,
                          Result *out,
                          QString *error) const
{
    if (!m_root) {
        *error = u"no expression parsed"_s;
        return false;
    }
    Evaluator ev(source, atMs);
    Value v;
    if (!ev.eval(*m_root, &v, error))
        return false;
    out->scalar = v.scalar;
    out->scalarValue = v.number;
    out->vector = v.vector;
    return true;
}

} // namespace fd::sandbox::promql
