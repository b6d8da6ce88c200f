#include "streamparsers.h"

namespace fd::http {

SseParser::SseParser(qsizetype maxBufferBytes)
    : m_maxBufferBytes(maxBufferBytes)
{}

void SseParser::reset()
{
    m_line.clear();
    m_skipLf = false;
    m_overflowed = false;
    m_hasData = false;
    m_pending = {};
}

qsizetype SseParser::bufferedBytes() const
{
    return m_line.size() + m_pending.data.size() + m_pending.event.size() + m_pending.id.size();
}

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (m_skipLf) {
            m_skipLf = false;
            if (c == '\n') {
                start = i + 1;
                continue;
            }
        }
        if (c != '\n' && c != '\r')
            continue;
        m_line.append(bytes.sliced(start, i - start));
        start = i + 1;
        m_skipLf = (c == '\r'); // a CRLF may be split between two chunks
        processLine(m_line, out);
        m_line.clear();
    }
    m_line.append(bytes.sliced(start));
    if (bufferedBytes() > m_maxBufferBytes) {
        // A frame that never ends must not eat memory: drop it and say so.
        m_overflowed = true;
        m_line.clear();
        m_pending = {};
        m_hasData = false;
    }
    return out;
}

void SseParser::processLine(const QByteArray &line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        // Dispatch. Per the spec an event without data lines is not dispatched.
        if (m_hasData) {
            m_pending.kind = SseEvent::Kind::Message;
            out.append(std::move(m_pending));
        }
        m_pending = {};
        m_hasData = false;
        return;
    }
    if (line.startsWith(':')) {
        SseEvent keepAlive;
        keepAlive.kind = SseEvent::Kind::KeepAlive;
        keepAlive.comment = line.mid(1).trimmed();
        out.append(keepAlive);
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);

    if (field == "data") {
        if (m_hasData)
            m_pending.data.append('\n');
        m_pending.data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_pending.event = value;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_pending.id = value;
    } else if (field == "retry") {
        bool isNumber = false;
        const int ms = value.toInt(&isNumber);
        if (isNumber && ms >= 0)
            m_pending.retryMs = ms;
    }
    // Unknown fields are ignored, as the spec says.
}

NdjsonParser::NdjsonParser(qsizetype maxBufferBytes)
    : m_maxBufferBytes(maxBufferBytes)
{}

QList<QByteArray> NdjsonParser::feed(QByteArrayView bytes)
{
    QList<QByteArray> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] != '\n')
            continue;
        if (!m_discarding) {
            m_buffer.append(bytes.sliced(start, i - start));
            const QByteArray line = m_buffer.trimmed();
            if (!line.isEmpty())
                out.append(line);
        }
        m_buffer.clear();
        m_discarding = false;
        start = i + 1;
    }
    if (!m_discarding)
        m_buffer.append(bytes.sliced(start));
    if (m_buffer.size() > m_maxBufferBytes) {
        m_overflowed = true;
        m_discarding = true; // skip the rest of this oversized line
        m_buffer.clear();
    }
    return out;
}

QByteArray NdjsonParser::finish()
{
    const QByteArray rest = m_discarding ? QByteArray() : m_buffer.trimmed();
    m_buffer.clear();
    m_discarding = false;
    return rest;
}

} // namespace fd::http
