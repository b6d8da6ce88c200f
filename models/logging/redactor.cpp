#include "redactor.h"

#include <QReadWriteLock>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace fd {

namespace {

// A pattern and how much of its match to keep: everything before capture group `keep` ends
// stays, the rest of the match is masked.
struct Rule
{
    QRegularExpression re;
    int keep; // 0: mask the whole match
};

QList<Rule> makeRules()
{
    const auto opts = QRegularExpression::CaseInsensitiveOption;
    const QString tokenChars = QStringLiteral("[A-Za-z0-9._~+/=-]");
    QList<Rule> rules;
    // Header values: "Authorization: Bearer abc", "PRIVATE-TOKEN=abc", "authorization": "x".
    rules.append(
        {QRegularExpression(QStringLiteral("((?:authorization|proxy-authorization|private-token|"
                                           "x-api-key|job-token)[\"']?\\s*[:=]\\s*[\"']?"
                                           "(?:(?:bearer|basic|token|digest)\\s+)?)[^\\s\"',;]+"),
                            opts),
         1});
    // Scheme words anywhere: "Bearer abc" always; "token x" only when x looks like a token
    // (has a digit), so "token expired" stays readable.
    rules.append(
        {QRegularExpression(QStringLiteral("(\\bbearer\\s+)") + tokenChars + u'+', opts), 1});
    rules.append(
        {QRegularExpression(QStringLiteral("(\\btoken\\s+)(?=") + tokenChars +
                                QStringLiteral("*\\d)") + tokenChars + QStringLiteral("{8,}"),
                            opts),
         1});
    // HTTP Basic credentials: "Basic dXNlcjpwYXNz" (base64 of user:password).
    rules.append(
        {QRegularExpression(QStringLiteral("(\\bbasic\\s+)[A-Za-z0-9+/]{8,}={0,2}"), opts), 1});
    // Vendor token shapes.
    rules.append({QRegularExpression(QStringLiteral("\\bgh[pousr]_[A-Za-z0-9]{16,}")), 0});
    rules.append({QRegularExpression(QStringLiteral("\\bgithub_pat_[A-Za-z0-9_]{16,}")), 0});
    rules.append({QRegularExpression(QStringLiteral("\\bglpat-[A-Za-z0-9_-]{16,}")), 0});
    // JWT: three base64url parts, the header always starts with {" = eyJ.
    rules.append({QRegularExpression(QStringLiteral(
                      "\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*")),
                  0});
    // Query parameters and form fields.
    rules.append({QRegularExpression(
                      QStringLiteral("((?:^|[?&;\\s])(?:password|passwd|pwd|token|access_token|"
                                     "private_token|refresh_token|id_token|api_key|apikey|"
                                     "client_secret|secret)=)[^&\\s\"'#]+"),
                      opts),
                  1});
    // JSON members.
    rules.append({QRegularExpression(
                      QStringLiteral("(\"(?:password|token|access_token|refresh_token|id_token|"
                                     "secret|client_secret|private_token)\"\\s*:\\s*\")[^\"]*"),
                      opts),
                  1});
    return rules;
}

} // namespace

struct Redactor::Private
{
    mutable QReadWriteLock lock;
    QStringList secrets;    // longest first, so a secret containing another is masked whole
    QStringList identities; // user names: never masked (addIdentity)
    const QList<Rule> rules = makeRules();
};

Redactor::Redactor()
    : d(std::make_unique<Private>())
{}
Redactor::~Redactor() = default;

Redactor &Redactor::instance()
{
    static Redactor r;
    return r;
}

void Redactor::addSecret(const QString &secret)
{
    if (secret.size() < 4)
        return;
    QWriteLocker locker(&d->lock);
    if (d->identities.contains(secret))
        return;
    auto add = [this](const QString &s) {
        if (!d->secrets.contains(s))
            d->secrets.append(s);
    };
    add(secret);
    // The same secret percent-encoded, as it appears in a logged URL.
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret));
    if (encoded != secret)
        add(encoded);
    std::sort(d->secrets.begin(), d->secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

void Redactor::addIdentity(const QString &name)
{
    if (name.isEmpty())
        return;
    QWriteLocker locker(&d->lock);
    if (!d->identities.contains(name))
        d->identities.append(name);
    d->secrets.removeAll(name);
    d->secrets.removeAll(QString::fromLatin1(QUrl::toPercentEncoding(name)));
}

void Redactor::clearSecrets()
{
    QWriteLocker locker(&d->lock);
    d->secrets.clear();
    d->identities.clear();
}

int Redactor::secretCount() const
{
    QReadLocker locker(&d->lock);
    return int(d->secrets.size());
}

QString Redactor::redact(const QString &text) const
{
    QString out = text;
    {
        QReadLocker locker(&d->lock);
        for (const auto &s : d->secrets)
            out.replace(s, mask());
    }
    for (const auto &rule : d->rules) {
        // Matches are replaced back to front so earlier offsets stay valid.
        QList<QRegularExpressionMatch> matches;
        auto it = rule.re.globalMatch(out);
        while (it.hasNext())
            matches.append(it.next());
        for (auto m = matches.crbegin(); m != matches.crend(); ++m) {
            const qsizetype keepEnd =
                rule.keep > 0 ? m->capturedEnd(rule.keep) : m->capturedStart(0);
            const qsizetype end = m->capturedEnd(0);
            if (end > keepEnd && out.mid(keepEnd, end - keepEnd) != mask())
                out.replace(keepEnd, end - keepEnd, mask());
        }
    }
    return out;
}

std::string Redactor::redact(std::string_view utf8) const
{
    const QString in = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
    return redact(in).toStdString();
}

} // namespace fd
