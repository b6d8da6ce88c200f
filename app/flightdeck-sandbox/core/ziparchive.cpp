#include "ziparchive.h"

#include <QDateTime>

#include <array>

namespace fd::sandbox {

namespace {

quint32 crc32(const QByteArray &data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 c = 0xFFFFFFFFu;
    for (const char byte : data)
        c = table[(c ^ quint8(byte)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void put16(QByteArray &out, quint32 v)
{
    out.append(char(v & 0xFF));
    out.append(char((v >> 8) & 0xFF));
}

void put32(QByteArray &out, quint32 v)
{
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

} // namespace

QByteArray zipArchive(const QList<ZipEntry> &entries, qint64 timeMs)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC);
    const quint32 dosTime =
        quint32(t.time().hour() << 11 | t.time().minute() << 5 | t.time().second() / 2);
    const quint32 dosDate =
        quint32(std::max(0, t.date().year() - 1980) << 9 | t.date().month() << 5 | t.date().day());
    QByteArray out;
    QByteArray central;
    for (const ZipEntry &e : entries) {
        const QByteArray name = e.name.toUtf8();
        const quint32 crc = crc32(e.data);
        const auto offset = quint32(out.size());
        const auto size = quint32(e.data.size());
        put32(out, 0x04034b50); // local file header
        put16(out, 20);         // version needed: 2.0
        put16(out, 0x0800);     // names are UTF-8
        put16(out, 0);          // stored
        put16(out, dosTime);
        put16(out, dosDate);
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, quint32(name.size()));
        put16(out, 0);
        out.append(name);
        out.append(e.data);

        put32(central, 0x02014b50); // central directory header
        put16(central, 20);
        put16(central, 20);
        put16(central, 0x0800);
        put16(central, 0);
        put16(central, dosTime);
        put16(central, dosDate);
        put32(central, crc);
        put32(central, size);
        put32(central, size);
        put16(central, quint32(name.size()));
        put16(central, 0); // extra
        put16(central, 0); // comment
        put16(central, 0); // disk
        put16(central, 0); // internal attributes
        put32(central, 0); // external attributes
        put32(central, offset);
        central.append(name);
    }
    const auto centralOffset = quint32(out.size());
    out.append(central);
    put32(out, 0x06054b50); // end of central directory
    put16(out, 0);
    put16(out, 0);
    put16(out, quint32(entries.size()));
    put16(out, quint32(entries.size()));
    put32(out, quint32(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

} // namespace fd::sandbox
