#pragma once

// A zip archive of stored (uncompressed) entries: what GitHub's run-log download is, and all a
// client needs to list and read it (gh run view --log opens "<job>/<n>_<step>.txt" entries).

#include <QByteArray>
#include <QList>
#include <QString>

namespace fd::sandbox {

struct ZipEntry
{
    QString name; // forward slashes, no leading slash
    QByteArray data;
};

/// The archive's bytes; every entry carries @p timeMs (UTC) as its DOS modification time.
QByteArray zipArchive(const QList<ZipEntry> &entries, qint64 timeMs);

} // namespace fd::sandbox
