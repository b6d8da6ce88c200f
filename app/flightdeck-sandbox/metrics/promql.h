#pragma once

// A small PromQL evaluator for the sandbox's own simulated series: enough for the SLI queries
// a workspace names and the alerting rules shipped in resources/signals (selectors with
// matchers, rate/increase over a range, sum/avg/min/max/count by|without, histogram_quantile,
// arithmetic and comparisons with on/ignoring and bool). Anything else is refused with a
// message, which the HTTP layer turns into Prometheus's 400 bad_data answer.

#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QString>

#include <memory>

namespace fd::sandbox::promql {

using Labels = QMap<QString, QString>; // includes __name__ for raw series

struct Matcher
{
    enum class Op { Equal, NotEqual, Regex, NotRegex };
    QString name;
    Op op = Op::Equal;
    QString value;
    QRegularExpression regex; // anchored, for Regex and NotRegex

    bool matches(const QString &labelValue) const;
};

struct Selector
{
    QString metric;          // may be empty when matchers name __name__
    QList<Matcher> matchers; // includes one for __name__ when metric is set
    qint64 rangeMs = 0;      // > 0 for a range selector [5m]

    bool matches(const Labels &labels) const;
};

struct Sample
{
    Labels labels;
    double value = 0;
};

/// One series' samples in a window, as rate() needs them.
struct RangeSample
{
    Labels labels;
    double first = 0;     // counter value at the window's start (or the series' start)
    double last = 0;      // at its end
    double coveredMs = 0; // how much of the window the series covered
};

/// Where raw series come from: the simulated traffic.
class SeriesSource
{
public:
    virtual ~SeriesSource() = default;
    /// Series alive at @p atMs matching @p selector, with their values then.
    virtual QList<Sample> instant(const Selector &selector, qint64 atMs) const = 0;
    /// Series alive at @p atMs matching @p selector, over (atMs - windowMs, atMs].
    virtual QList<RangeSample>
    range(const Selector &selector, qint64 atMs, qint64 windowMs) const = 0;
};

struct Node;

/// A parsed expression; evaluate it at any number of times.
class Expression
{
public:
    Expression();
    ~Expression();
    Expression(Expression &&) noexcept;
    Expression &operator=(Expression &&) noexcept;

    /// Parses @p text; on failure returns false with "parse error: ..." in *error.
    bool parse(const QString &text, QString *error);
    /// True when the result is a scalar (a number literal or arithmetic of them).
    bool isScalar() const;

    struct Result
    {
        bool scalar = false;
        double scalarValue = 0;
        QList<Sample> vector;
    };
    /// Evaluates at @p atMs; false with *error when the expression needs what this evaluator lacks.
    bool evaluate(const SeriesSource &source, qint64 atMs, Result *out, QString *error) const;

private:
    std::unique_ptr<Node> m_root;
};

/// Go's strconv.FormatFloat(v, 'f', -1, 64), as Prometheus writes sample values: "0.05",
/// "1234", "NaN", "+Inf".
QString formatValue(double value);
/// Prometheus durations: 5m, 1h30m, 15s, 250ms. False when malformed.
bool parseDuration(const QString &text, qint64 *ms);

} // namespace fd::sandbox::promql
