#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace fd {

/// A path to one scalar in a YAML file: `image.tag`, `images[name=ghcr.io/acme/checkout].newTag`,
/// `items[0].value`. A `[field=value]` segment picks the one element of a sequence whose
/// mapping has that field; `[N]` picks by index.
struct YamlKeyPath
{
    struct Segment
    {
        QString key;        // mapping key; empty when the segment only selects in a sequence
        QString matchField; // [field=value]
        QString matchValue;
        int index = -1; // [N]
        bool selects() const { return !matchField.isEmpty() || index >= 0; }
        bool operator==(const Segment &) const = default;
    };
    QList<Segment> segments;

    bool isValid() const { return !segments.isEmpty(); }
    /// The path as written by parse(); used in messages.
    QString toString() const;
    /// Returns an invalid path and sets @p error for a malformed text.
    static YamlKeyPath parse(const QString &text, QString *error = nullptr);
    bool operator==(const YamlKeyPath &) const = default;
};

struct YamlScalarEdit
{
    bool ok = false;
    QByteArray bytes;    // the whole file after the edit (the input unchanged on error)
    QString oldValue;    // the scalar's value before the edit
    int line = 0;        // 1-based line of the scalar
    qsizetype start = 0; // byte span of the scalar as written (quotes included)
    qsizetype length = 0;
    QString error; // "file: path: what is wrong", when !ok
};

/// Reads the scalar at @p path: ok with oldValue and its span, or an error naming the file and
/// the path. Nothing is invented: a missing key, a null value, a block scalar, a value reached
/// through an alias are errors.
YamlScalarEdit
findYamlScalar(const QByteArray &bytes, const QString &file, const YamlKeyPath &path);

/// Replaces only the bytes of the scalar at @p path with @p newValue, written in the scalar's
/// own style (plain, 'single' or "double" quoted; a plain scalar whose new value would not read
/// back as the same string is double-quoted). Every other byte of the file stays as it was.
YamlScalarEdit editYamlScalar(const QByteArray &bytes,
                              const QString &file,
                              const YamlKeyPath &path,
                              const QString &newValue);

} // namespace fd
