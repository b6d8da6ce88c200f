// The GitOps edit changes only the bytes of one scalar. Each folder under cases/ holds an input,
// the expected output written by hand, and the edit (key path, new value); the refusals below
// name the file and the path and leave the bytes alone.
#include "gitops/yamlscalaredit.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace fd;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Lines split on '\n' only, so a CRLF line keeps its '\r' and a changed ending would show.
QList<QByteArray> linesOf(const QByteArray &b)
{
    return b.split('\n');
}

} // namespace

class TestGitOpsEdit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void corpus_data()
    {
        QTest::addColumn<QString>("dir");
        const QDir root(QStringLiteral(FD_SOURCE_DIR "/tests/unit/gitops_edit/cases"));
        const QStringList cases = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(cases.size() >= 18);
        for (const QString &c : cases)
            QTest::newRow(qPrintable(c)) << root.filePath(c);
    }
    void corpus()
    {
        QFETCH(QString, dir);
        const QByteArray input = readAll(dir + QStringLiteral("/input.yaml"));
        const QByteArray expected = readAll(dir + QStringLiteral("/expected.yaml"));
        const QList<QByteArray> edit = readAll(dir + QStringLiteral("/edit.txt")).split('\n');
        QVERIFY(!input.isEmpty() && !expected.isEmpty() && edit.size() >= 2);
        QString pathError;
        const YamlKeyPath path = YamlKeyPath::parse(QString::fromUtf8(edit.at(0)), &pathError);
        QVERIFY2(path.isValid(), qPrintable(pathError));
        const QString value = QString::fromUtf8(edit.at(1));

        const YamlScalarEdit r = editYamlScalar(input, QStringLiteral("input.yaml"), path, value);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.bytes, expected);

        // Exactly one line differs, and it is the line the edit names.
        const QList<QByteArray> before = linesOf(input), after = linesOf(r.bytes);
        QCOMPARE(after.size(), before.size());
        QList<int> changed;
        for (int i = 0; i < before.size(); ++i)
            if (before.at(i) != after.at(i))
                changed.append(i + 1);
        QCOMPARE(changed, QList<int>{r.line});

        // The edit reads back; editing back to the old value restores the input byte for byte
        // unless the old plain value had to be quoted.
        const YamlScalarEdit now = findYamlScalar(r.bytes, QStringLiteral("input.yaml"), path);
        QVERIFY2(now.ok, qPrintable(now.error));
        QCOMPARE(now.oldValue, value);
        const YamlScalarEdit back =
            editYamlScalar(r.bytes, QStringLiteral("input.yaml"), path, r.oldValue);
        QVERIFY2(back.ok, qPrintable(back.error));
        if (!QDir(dir).dirName().contains(QLatin1String("quoted")))
            QCOMPARE(back.bytes, input);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        const QByteArray kustomize = "images:\n"
                                     "  - name: ghcr.io/acme/checkout\n"
                                     "    digest: sha256:aa\n";
        QTest::newRow("missing key is not invented")
            << kustomize << QStringLiteral("images[name=ghcr.io/acme/checkout].newTag")
            << QStringLiteral("v1")
            << QStringLiteral("f.yaml: images[name=ghcr.io/acme/checkout].newTag: no key 'newTag' "
                              "under images[name=ghcr.io/acme/checkout]");
        QTest::newRow("missing image")
            << kustomize << QStringLiteral("images[name=ghcr.io/acme/payments].newTag")
            << QStringLiteral("v1")
            << QStringLiteral("f.yaml: images[name=ghcr.io/acme/payments].newTag: no element of "
                              "images with name=ghcr.io/acme/payments");
        QTest::newRow("missing top key")
            << QByteArray("image:\n  tag: v1\n") << QStringLiteral("app.image.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: app.image.tag: no key 'app' under the top level");
        QTest::newRow("null value")
            << QByteArray("image:\n  tag:\n") << QStringLiteral("image.tag") << QStringLiteral("v2")
            << QStringLiteral("f.yaml: image.tag: has no value (null); a value is never invented");
        QTest::newRow("mapping, not scalar")
            << QByteArray("image:\n  tag: {a: 1}\n") << QStringLiteral("image")
            << QStringLiteral("v2") << QStringLiteral("f.yaml: image: is a mapping, not a scalar");
        QTest::newRow("block scalar")
            << QByteArray("image:\n  tag: |\n    v1\n") << QStringLiteral("image.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: image.tag: the value on line 2 is not a one-line scalar; it "
                              "is not edited");
        QTest::newRow("multi-line plain")
            << QByteArray("image:\n  tag: v1\n    continued\n") << QStringLiteral("image.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: image.tag: the value on line 2 is not a one-line scalar; it "
                              "is not edited");
        QTest::newRow("value is an alias")
            << QByteArray("base: &t v1\nimage:\n  tag: *t\n") << QStringLiteral("image.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: image.tag: image.tag is reached through an alias or merge "
                              "key; edit it where it is defined");
        QTest::newRow("parent is an alias")
            << QByteArray("base: &b\n  tag: v1\nprod: *b\n") << QStringLiteral("prod.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: prod.tag: prod.tag is reached through an alias or merge "
                              "key; edit it where it is defined");
        QTest::newRow("anchor used elsewhere")
            << QByteArray("image:\n  tag: &t v1\nother: *t\n") << QStringLiteral("image.tag")
            << QStringLiteral("v2")
            << QStringLiteral("f.yaml: image.tag: the value on line 2 carries anchor &t, which is "
                              "used elsewhere as *t; editing it would change those too");
        QTest::newRow("two entries with the name")
            << QByteArray("images:\n- {name: a, newTag: v1}\n- {name: a, newTag: v2}\n")
            << QStringLiteral("images[name=a].newTag") << QStringLiteral("v3")
            << QStringLiteral("f.yaml: images[name=a].newTag: 2 elements of images have name=a; "
                              "the path must name one");
        QTest::newRow("two documents have it")
            << QByteArray("tag: v1\n---\ntag: v2\n") << QStringLiteral("tag")
            << QStringLiteral("v3")
            << QStringLiteral("f.yaml: tag: found in 2 documents; the path must name one");
        QTest::newRow("value spanning lines")
            << QByteArray("tag: v1\n") << QStringLiteral("tag") << QStringLiteral("v2\nx: 1")
            << QStringLiteral("f.yaml: tag: a new value spanning lines is not written");
        QTest::newRow("not yaml") << QByteArray("image: {tag: v1\n") << QStringLiteral("image.tag")
                                  << QStringLiteral("v2")
                                  << QStringLiteral(
                                         "f.yaml:2:1: not valid YAML: end of map flow not found");
    }
    void refusals()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(QString, message);
        QString pathError;
        const YamlKeyPath p = YamlKeyPath::parse(path, &pathError);
        QVERIFY2(p.isValid(), qPrintable(pathError));
        const YamlScalarEdit r = editYamlScalar(input, QStringLiteral("f.yaml"), p, value);
        QVERIFY(!r.ok);
        QCOMPARE(r.error, message);
        QCOMPARE(r.bytes, input);
    }

    void keyPath_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("segments");
        QTest::newRow("helm") << QStringLiteral("image.tag") << true << 2;
        QTest::newRow("kustomize, dots in the name")
            << QStringLiteral("images[name=registry.example.com:5000/acme/checkout].newTag") << true
            << 2;
        QTest::newRow("index") << QStringLiteral("items[2].value") << true << 2;
        QTest::newRow("unbalanced") << QStringLiteral("images[name=a.newTag") << false << 0;
        QTest::newRow("empty segment") << QStringLiteral("image..tag") << false << 0;
        QTest::newRow("bad selector") << QStringLiteral("images[abc].tag") << false << 0;
    }
    void keyPath()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(int, segments);
        QString error;
        const YamlKeyPath p = YamlKeyPath::parse(text, &error);
        QCOMPARE(p.isValid(), valid);
        QCOMPARE(error.isEmpty(), valid);
        QCOMPARE(p.segments.size(), segments);
        if (valid)
            QCOMPARE(p.toString(), text);
    }
};

QTEST_GUILESS_MAIN(TestGitOpsEdit)
#include "tst_gitopsedit.moc"
