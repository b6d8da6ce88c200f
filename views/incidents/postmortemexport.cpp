#include "postmortemexport.h"

#include "incidents/postmortem.h"
#include "timeline/timelinechart.h"
#include "timeline/timelinemodel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QSaveFile>

namespace fd {

QString
writePostmortem(const PostmortemData &data, const QString &markdownPath, const QPalette &palette)
{
    const QDir dir = QFileInfo(markdownPath).absoluteDir();
    if (!dir.exists() && !QDir().mkpath(dir.absolutePath()))
        return QCoreApplication::translate("fd::IncidentsPage", "%1: cannot create the directory")
            .arg(dir.absolutePath());

    if (!data.chartFile.isEmpty()) {
        TimelineModel model;
        model.setEvents(data.events);
        TimelineChart chart;
        chart.setPalette(palette);
        chart.setModel(&model);
        const QSize size(1400, 420);
        chart.resize(size);
        chart.setRange(data.windowFrom, data.windowTo);
        QList<TimelineChart::Marker> markers{
            {data.incident.detectedAt,
             QCoreApplication::translate("fd::IncidentsPage", "detected")}};
        if (data.incident.recoveredAt.isValid())
            markers << TimelineChart::Marker{
                data.incident.recoveredAt,
                QCoreApplication::translate("fd::IncidentsPage", "recovered")};
        chart.setMarkers(markers);
        const QString png = dir.filePath(data.chartFile);
        if (!chart.renderImage(size).save(png, "PNG"))
            return QCoreApplication::translate("fd::IncidentsPage", "%1: cannot write the chart")
                .arg(png);
    }

    QSaveFile md(markdownPath);
    if (!md.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: %2").arg(markdownPath, md.errorString());
    md.write(postmortemMarkdown(data).toUtf8());
    if (!md.commit())
        return QStringLiteral("%1: %2").arg(markdownPath, md.errorString());
    return {};
}

} // namespace fd
