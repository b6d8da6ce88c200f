#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace fd::http {

/// One item out of a server-sent-events stream.
struct SseEvent
{
    enum class Kind { Message, KeepAlive };
    Kind kind = Kind::Message;
    QByteArray event; // the "event:" field; empty means "message"
    QByteArray data;  // "data:" lines joined by '\n'; trailing spaces kept (Argo CD sends one)
    QByteArray id;
    std::optional<int> retryMs;
    QByteArray comment; // for KeepAlive: the text after ':'

    bool operator==(const SseEvent &) const = default;
};

/// Incremental text/event-stream parser (WHATWG HTML "server-sent events"): feed bytes as they
/// arrive, get back the complete events. Partial lines and frames stay buffered; LF, CRLF and
/// CR line ends are all accepted, including a CRLF split across two chunks.
class SseParser
{
public:
    explicit SseParser(qsizetype maxBufferBytes = 32 * 1024 * 1024);

    QList<SseEvent> feed(QByteArrayView bytes);
    void reset();

    /// Bytes of an unfinished line or event held back.
    qsizetype bufferedBytes() const;
    /// Set once an event grew past the buffer limit; that event was dropped.
    bool overflowed() const { return m_overflowed; }

private:
    void processLine(const QByteArray &line, QList<SseEvent> &out);

    qsizetype m_maxBufferBytes;
    QByteArray m_line;
    bool m_skipLf = false;
    bool m_overflowed = false;
    bool m_hasData = false;
    SseEvent m_pending;
};

/// Incremental newline-delimited JSON splitter: complete, non-blank lines out, the rest held.
class NdjsonParser
{
public:
    explicit NdjsonParser(qsizetype maxBufferBytes = 32 * 1024 * 1024);

    QList<QByteArray> feed(QByteArrayView bytes);
    /// The last line when the stream ended without a newline (empty when none).
    QByteArray finish();
    qsizetype bufferedBytes() const { return m_buffer.size(); }
    bool overflowed() const { return m_overflowed; }

private:
    qsizetype m_maxBufferBytes;
    QByteArray m_buffer;
    bool m_overflowed = false;
    bool m_discarding = false;
};

} // namespace fd::http
