#include "jenkinstree.h"

namespace fd::sandbox {

namespace {

class TreeParser
{
public:
    explicit TreeParser(const QString &text)
        : m_text(text)
    {}

    bool parseList(QList<TreeField> *out, QString *error)
    {
        for (;;) {
            TreeField f;
            if (!parseField(&f, error))
                return false;
            out->append(std::move(f));
            if (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char(',')) {
                ++m_pos;
                continue;
            }
            return true;
        }
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    int pos() const { return m_pos; }

private:
    static bool isNameChar(QChar c)
    {
        return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$') ||
               c == QLatin1Char('.') || c == QLatin1Char('-') || c == QLatin1Char('*');
    }

    bool fail(QString *error, const QString &what)
    {
        if (error)
            *error = QStringLiteral("tree: %1 at offset %2").arg(what).arg(m_pos);
        return false;
    }

    bool parseNumber(int *value)
    {
        const int start = m_pos;
        while (m_pos < m_text.size() && m_text.at(m_pos).isDigit())
            ++m_pos;
        if (m_pos == start)
            return false;
        bool ok = false;
        *value = m_text.mid(start, m_pos - start).toInt(&ok);
        return ok;
    }

    bool parseField(TreeField *f, QString *error)
    {
        const int start = m_pos;
        while (m_pos < m_text.size() && isNameChar(m_text.at(m_pos)))
            ++m_pos;
        if (m_pos == start)
            return fail(error, QStringLiteral("expected a field name"));
        f->name = m_text.mid(start, m_pos - start);
        if (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char('[')) {
            ++m_pos;
            if (!parseList(&f->children, error))
                return false;
            if (m_pos >= m_text.size() || m_text.at(m_pos) != QLatin1Char(']'))
                return fail(error, QStringLiteral("expected ']'"));
            ++m_pos;
        }
        if (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char('{')) {
            ++m_pos;
            f->hasRange = true;
            int first = 0;
            const bool hasFirst = parseNumber(&first);
            if (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char(',')) {
                ++m_pos;
                int last = 0;
                f->from = hasFirst ? first : 0;
                f->to = parseNumber(&last) ? last : INT_MAX;
            } else if (hasFirst) {
                f->from = first; // {N} is the single element N
                f->to = first + 1;
            } else {
                return fail(error, QStringLiteral("empty range"));
            }
            if (m_pos >= m_text.size() || m_text.at(m_pos) != QLatin1Char('}'))
                return fail(error, QStringLiteral("expected '}'"));
            ++m_pos;
            if (f->to < f->from)
                return fail(error, QStringLiteral("range end before start"));
        }
        return true;
    }

    const QString &m_text;
    int m_pos = 0;
};

} // namespace

bool parseTree(const QString &text, QList<TreeField> *out, QString *error)
{
    out->clear();
    TreeParser parser(text);
    if (!parser.parseList(out, error))
        return false;
    if (!parser.atEnd()) {
        if (error)
            *error = QStringLiteral("tree: unexpected character at offset %1").arg(parser.pos());
        return false;
    }
    return true;
}

const TreeField *JenkinsSelection::field(const QString &name) const
{
    if (!m_fields)
        return nullptr;
    for (const TreeField &f : *m_fields) {
        if (f.name == name || f.name == QLatin1String("*"))
            return &f;
    }
    return nullptr;
}

bool JenkinsSelection::wants(const QString &name, const QStringList &shallowFields) const
{
    switch (m_mode) {
    case Mode::All:
        return true;
    case Mode::Shallow:
        return shallowFields.contains(name);
    case Mode::Tree:
        return field(name) != nullptr;
    }
    return false;
}

JenkinsSelection JenkinsSelection::model(const QString &name) const
{
    switch (m_mode) {
    case Mode::All:
        return m_depth > 0 ? all(m_depth - 1) : shallow();
    case Mode::Shallow:
        return shallow();
    case Mode::Tree:
        if (const TreeField *f = field(name))
            return tree(&f->children);
        return tree(nullptr);
    }
    return shallow();
}

JenkinsSelection JenkinsSelection::data(const QString &name) const
{
    if (m_mode == Mode::Tree)
        return model(name);
    return all(m_depth);
}

void JenkinsSelection::range(const QString &name, int count, int *from, int *to) const
{
    *from = 0;
    *to = count;
    if (m_mode != Mode::Tree)
        return;
    if (const TreeField *f = field(name); f && f->hasRange) {
        *from = qBound(0, f->from, count);
        *to = qBound(*from, f->to, count);
    }
}

} // namespace fd::sandbox
