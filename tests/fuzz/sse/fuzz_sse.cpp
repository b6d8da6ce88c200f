// The stream parsers: whatever the bytes, feeding them in pieces gives exactly what feeding them
// at once gives (a frame, a CRLF or a UTF-8 sequence split across reads changes nothing).
#include "fuzzinput.h"
#include "http/streamparsers.h"

using namespace fd::http;

namespace {
template <typename Parser>
auto feedInPieces(Parser &parser, const QByteArray &bytes, qsizetype piece)
{
    decltype(parser.feed(QByteArrayView())) out;
    for (qsizetype at = 0; at < bytes.size(); at += piece)
        out += parser.feed(QByteArrayView(bytes).sliced(at, std::min(piece, bytes.size() - at)));
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    const qsizetype piece = qsizetype(in.selector % 17) + 1;
    if (in.selector & 0x80) {
        NdjsonParser whole;
        NdjsonParser pieces;
        QList<QByteArray> a = whole.feed(in.body);
        QList<QByteArray> b = feedInPieces(pieces, in.body, piece);
        a.append(whole.finish());
        b.append(pieces.finish());
        FD_FUZZ_CHECK(a == b);
        for (const QByteArray &line : a)
            FD_FUZZ_CHECK(!line.contains('\n'));
    } else {
        SseParser whole;
        SseParser pieces;
        const QList<SseEvent> a = whole.feed(in.body);
        const QList<SseEvent> b = feedInPieces(pieces, in.body, piece);
        FD_FUZZ_CHECK(a == b);
        FD_FUZZ_CHECK(whole.bufferedBytes() == pieces.bufferedBytes());
        // A small buffer limit drops an oversized event but never crashes or grows past it.
        SseParser small(64);
        small.feed(in.body);
        FD_FUZZ_CHECK(small.bufferedBytes() <= 64 + 1);
    }
    return 0;
}
