#pragma once

#include <QIODevice>
#include <QString>

#include <cstdio>

namespace fd {

/// Removes terminal control from text that is not ours: ANSI escape sequences (CSI, OSC, DCS
/// and the rest, in their 7-bit and C1 forms) and every other control character but line feed
/// and tab. Works on a byte stream, so a sequence split across two writes is still removed.
class TerminalTextFilter
{
public:
    /// Appends the safe part of `data` to `out`.
    void filter(const char *data, qint64 size, QByteArray *out);

private:
    enum class State { Text, Escape, Csi, String, StringEscape, LeadC2 };
    State m_state = State::Text;
    void c1(unsigned char code, QByteArray *out);
};

/// `text` without terminal control sequences (for one cell or one message).
QString terminalSafe(const QString &text);

/// stdout or stderr through a TerminalTextFilter: names, messages and arguments that came from
/// a backend or the command line cannot move the cursor, recolour or retitle the terminal.
/// flightdeck-ctl writes no escape sequences of its own, so everything it prints goes through.
class TerminalSafeDevice : public QIODevice
{
public:
    explicit TerminalSafeDevice(FILE *file);

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override;

private:
    FILE *m_file;
    TerminalTextFilter m_filter;
};

} // namespace fd
