#pragma once

// Shared by the fuzz targets: the first byte of an input picks what to call, the rest is the
// body; a broken invariant aborts, which libFuzzer and the replay test both report.

#include <QByteArray>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace fd::fuzz {

struct Input
{
    unsigned selector = 0;
    QByteArray body;
};

inline Input split(const uint8_t *data, size_t size)
{
    Input in;
    if (size == 0)
        return in;
    in.selector = data[0];
    in.body = QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    return in;
}

[[noreturn]] inline void broken(const char *what, const char *file, int line)
{
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    std::abort();
}

} // namespace fd::fuzz

#define FD_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::fd::fuzz::broken(#cond, __FILE__, __LINE__);                                         \
    } while (false)
