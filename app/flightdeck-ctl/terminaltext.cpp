#include "terminaltext.h"

namespace fd {

void TerminalTextFilter::c1(unsigned char code, QByteArray *out)
{
    Q_UNUSED(out)
    if (code == 0x9B)
        m_state = State::Csi;
    else if (code == 0x90 || code == 0x9D || code == 0x9E || code == 0x9F || code == 0x98)
        m_state = State::String;
    else
        m_state = State::Text; // any other C1 control: dropped
}

void TerminalTextFilter::filter(const char *data, qint64 size, QByteArray *out)
{
    for (qint64 i = 0; i < size; ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        switch (m_state) {
        case State::Text:
            if (b == 0x1B)
                m_state = State::Escape;
            else if (b == 0xC2)
                m_state = State::LeadC2;
            else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F)
                ; // dropped
            else
                out->append(char(b));
            break;
        case State::LeadC2:
            if (b >= 0x80 && b <= 0x9F) {
                c1(b, out);
            } else {
                out->append(char(0xC2));
                m_state = State::Text;
                --i; // read this byte again as text
            }
            break;
        case State::Escape:
            if (b == '[')
                m_state = State::Csi;
            else if (b == ']' || b == 'P' || b == '^' || b == '_' || b == 'X')
                m_state = State::String;
            else if (b >= 0x20 && b <= 0x2F)
                ; // an intermediate byte: the sequence goes on
            else
                m_state = State::Text; // the final byte of a short sequence
            break;
        case State::Csi:
            if (b >= 0x40 && b <= 0x7E)
                m_state = State::Text;
            else if (b < 0x20 || b > 0x7E)
                m_state = State::Text; // malformed: end it here, drop the byte
            break;
        case State::String:
            if (b == 0x07) {
                m_state = State::Text;
            } else if (b == 0x1B) {
                m_state = State::StringEscape;
            } else if (b == '\n') {
                // An unterminated title string must not swallow the rest of the output.
                out->append('\n');
                m_state = State::Text;
            }
            break;
        case State::StringEscape:
            m_state = b == '\\' ? State::Text : State::String;
            break;
        }
    }
}

QString terminalSafe(const QString &text)
{
    const QByteArray in = text.toUtf8();
    QByteArray out;
    out.reserve(in.size());
    TerminalTextFilter f;
    f.filter(in.constData(), in.size(), &out);
    return QString::fromUtf8(out);
}

TerminalSafeDevice::TerminalSafeDevice(FILE *file)
    : m_file(file)
{
    open(QIODevice::WriteOnly | QIODevice::Unbuffered);
}

qint64 TerminalSafeDevice::writeData(const char *data, qint64 size)
{
    QByteArray safe;
    safe.reserve(size);
    m_filter.filter(data, size, &safe);
    if (!safe.isEmpty() && std::fwrite(safe.constData(), 1, size_t(safe.size()), m_file) !=
                               size_t(safe.size()))
        return -1;
    std::fflush(m_file);
    return size;
}

} // namespace fd
