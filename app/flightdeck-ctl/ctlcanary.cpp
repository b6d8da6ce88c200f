#include "ctlcanary.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <tuple>

namespace fd {

namespace {

QString rightTrimmed(QString text)
{
    static const QRegularExpression trailing(QStringLiteral("\\s+$"));
    return text.remove(trailing);
}

// The official tool's header layout: a 17-column label, then the value.
QString line(const QString &label, const QString &value)
{
    return rightTrimmed(label.leftJustified(17, QLatin1Char(' ')) + value) + QLatin1Char('\n');
}

QString number(int value, const Rollout &r, const QString &field)
{
    if (value >= 0)
        return QString::number(value);
    const QString why = r.unknown.value(field);
    return why.isEmpty() ? QStringLiteral("unknown") : QStringLiteral("unknown (%1)").arg(why);
}

QString itemSymbol(const RolloutRevisionItem &i)
{
    static const QHash<QString, QString> symbols{
        {QStringLiteral("Healthy"), QStringLiteral("✔")},
        {QStringLiteral("Successful"), QStringLiteral("✔")},
        {QStringLiteral("Progressing"), QStringLiteral("◌")},
        {QStringLiteral("Running"), QStringLiteral("◌")},
        {QStringLiteral("Pending"), QStringLiteral("◷")},
        {QStringLiteral("ScaledDown"), QStringLiteral("•")},
        {QStringLiteral("ReplicaFailure"), QStringLiteral("✖")},
        {QStringLiteral("Failed"), QStringLiteral("✖")},
        {QStringLiteral("Error"), QStringLiteral("⚠")},
        {QStringLiteral("Inconclusive"), QStringLiteral("?")}};
    return symbols.value(i.status, QStringLiteral(" "));
}

QString itemInfo(const RolloutRevisionItem &i)
{
    QStringList info = i.roles;
    if (i.kind == QLatin1String("ReplicaSet") && i.podsTotal > 0)
        info << QStringLiteral("pods ready:%1/%2").arg(i.podsReady).arg(i.podsTotal);
    if (i.successful > 0)
        info << QStringLiteral("✔ %1").arg(i.successful);
    if (i.failed > 0)
        info << QStringLiteral("✖ %1").arg(i.failed);
    if (i.inconclusive > 0)
        info << QStringLiteral("? %1").arg(i.inconclusive);
    if (i.errors > 0)
        info << QStringLiteral("⚠ %1").arg(i.errors);
    return info.join(QLatin1Char(','));
}

QString tree(const Rollout &r)
{
    struct Row
    {
        QString name, kind, status, info;
    };
    QList<Row> rows{{QStringLiteral("⟳ ") + r.name, QStringLiteral("Rollout"),
                     rolloutPhaseSymbol(r.phase) + QLatin1Char(' ') + toString(r.phase), {}}};
    for (int v = 0; v < r.revisions.size(); ++v) {
        const RolloutRevision &rev = r.revisions.at(v);
        const bool lastRev = v == r.revisions.size() - 1;
        rows.append({(lastRev ? QStringLiteral("└──") : QStringLiteral("├──")) +
                         QStringLiteral("# revision:%1").arg(rev.revision),
                     {}, {}, {}});
        const QString pad = lastRev ? QStringLiteral("   ") : QStringLiteral("│  ");
        for (int k = 0; k < rev.items.size(); ++k) {
            const RolloutRevisionItem &i = rev.items.at(k);
            const QString icon = i.kind == QLatin1String("ReplicaSet")   ? QStringLiteral("⧉")
                                 : i.kind == QLatin1String("Experiment") ? QStringLiteral("Σ")
                                                                          : QStringLiteral("α");
            rows.append({pad +
                             (k == rev.items.size() - 1 ? QStringLiteral("└──")
                                                        : QStringLiteral("├──")) +
                             icon + QLatin1Char(' ') + i.name,
                         i.kind, itemSymbol(i) + QLatin1Char(' ') + i.status, itemInfo(i)});
        }
    }
    int w0 = 4, w1 = 4, w2 = 6;
    for (const Row &row : rows) {
        w0 = std::max<int>(w0, int(row.name.size()));
        w1 = std::max<int>(w1, int(row.kind.size()));
        w2 = std::max<int>(w2, int(row.status.size()));
    }
    const auto fmt = [&](const Row &row) {
        return rightTrimmed(row.name.leftJustified(w0 + 2) + row.kind.leftJustified(w1 + 2) +
                            row.status.leftJustified(w2 + 2) + row.info) +
               QLatin1Char('\n');
    };
    QString out = fmt({QStringLiteral("NAME"), QStringLiteral("KIND"), QStringLiteral("STATUS"),
                       QStringLiteral("INFO")});
    for (const Row &row : rows)
        out += fmt(row);
    if (r.unknown.contains(QStringLiteral("revisions")))
        out += QStringLiteral("(revisions unknown: %1)\n").arg(r.unknown.value(QStringLiteral("revisions")));
    return out;
}

} // namespace

QString canaryReport(const Rollout &r)
{
    QString out;
    out += line(QStringLiteral("Name:"), r.name);
    out += line(QStringLiteral("Namespace:"), r.nameSpace);
    out += line(QStringLiteral("Status:"),
                rolloutPhaseSymbol(r.phase) + QLatin1Char(' ') + toString(r.phase));
    if (!r.message.isEmpty())
        out += line(QStringLiteral("Message:"), r.message);
    if (r.unknown.contains(QStringLiteral("status")))
        out += line(QStringLiteral("Message:"), r.unknown.value(QStringLiteral("status")));
    const bool canary = r.strategy == QLatin1String("canary");
    out += line(QStringLiteral("Strategy:"),
                canary ? QStringLiteral("Canary")
                       : (r.strategy == QLatin1String("blueGreen") ? QStringLiteral("BlueGreen")
                                                                   : r.strategy));
    if (canary) {
        out += line(QStringLiteral("  Step:"), r.step);
        out += line(QStringLiteral("  SetWeight:"),
                    number(r.setWeight, r, QStringLiteral("setWeight")));
        out += line(QStringLiteral("  ActualWeight:"),
                    number(r.actualWeight, r, QStringLiteral("actualWeight")));
    }
    if (r.unknown.contains(QStringLiteral("images")))
        out += line(QStringLiteral("Images:"),
                    QStringLiteral("unknown (%1)").arg(r.unknown.value(QStringLiteral("images"))));
    for (int i = 0; i < r.images.size(); ++i) {
        const RolloutImage &img = r.images.at(i);
        out += line(i == 0 ? QStringLiteral("Images:") : QString(),
                    img.roles.isEmpty() ? img.image
                                        : QStringLiteral("%1 (%2)").arg(
                                              img.image, img.roles.join(QStringLiteral(", "))));
    }
    out += QStringLiteral("Replicas:\n");
    const RolloutReplicas &n = r.replicas;
    out += line(QStringLiteral("  Desired:"), number(n.desired, r, QStringLiteral("replicas.desired")));
    for (const auto &[label, value, key] :
         {std::tuple{"  Current:", n.current, "replicas.replicas"},
          std::tuple{"  Updated:", n.updated, "replicas.updatedReplicas"},
          std::tuple{"  Ready:", n.ready, "replicas.readyReplicas"},
          std::tuple{"  Available:", n.available, "replicas.availableReplicas"}}) {
        const QString field = r.unknown.contains(QStringLiteral("replicas"))
                                  ? QStringLiteral("replicas")
                                  : QString::fromLatin1(key);
        out += line(QString::fromLatin1(label), number(value, r, field));
    }
    out += QLatin1Char('\n') + tree(r);
    return out;
}

} // namespace fd
