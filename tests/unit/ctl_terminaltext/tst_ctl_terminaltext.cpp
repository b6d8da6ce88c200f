// Names and messages from backends and arguments reach the terminal without control sequences.
#include "terminaltext.h"

#include <QTest>

using namespace fd;

class TestCtlTerminalText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void strips_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("plain") << QByteArray("checkout  prod\t1.2.3\n") << QByteArray("checkout  prod\t1.2.3\n");
        QTest::newRow("colour") << QByteArray("\x1b[1;31mred\x1b[0m") << QByteArray("red");
        QTest::newRow("clear screen") << QByteArray("a\x1b[2Jb\x1b[Hc") << QByteArray("abc");
        QTest::newRow("title, BEL") << QByteArray("x\x1b]0;owned\x07y") << QByteArray("xy");
        QTest::newRow("title, ST") << QByteArray("x\x1b]2;owned\x1b\\y") << QByteArray("xy");
        QTest::newRow("hyperlink") << QByteArray("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\")
                                   << QByteArray("click");
        QTest::newRow("charset") << QByteArray("a\x1b(Bb") << QByteArray("ab");
        QTest::newRow("C1 CSI") << QByteArray("a\xc2\x9b" "31mb") << QByteArray("ab");
        QTest::newRow("controls") << QByteArray("a\rb\bc\x7f\x00" "d", 9) << QByteArray("abcd");
        QTest::newRow("unterminated title ends at the line")
            << QByteArray("x\x1b]0;owned\nnext\n") << QByteArray("x\nnext\n");
        QTest::newRow("UTF-8 kept") << QByteArray("배포 café ✓") << QByteArray("배포 café ✓");
    }
    void strips()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QByteArray got;
        TerminalTextFilter f;
        f.filter(in.constData(), in.size(), &got);
        QCOMPARE(got, out);
        // The same, one byte per write: a sequence split across writes is still removed.
        QByteArray split;
        TerminalTextFilter g;
        for (const char c : in)
            g.filter(&c, 1, &split);
        QCOMPARE(split, out);
    }

    void safeStrings()
    {
        QCOMPARE(terminalSafe(QStringLiteral("\x1b[31mpay\u009b2Jments\r")),
                 QStringLiteral("payments"));
    }
};

QTEST_GUILESS_MAIN(TestCtlTerminalText)
#include "tst_ctl_terminaltext.moc"
