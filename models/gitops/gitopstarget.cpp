#include "gitopstarget.h"
#include "compare/yamldocuments.h"

#include "git/commitrange.h"
#include "workspace/workspace.h"

#include <yaml-cpp/yaml.h>

namespace fd {

namespace {

QString kustomization(const QString &service, const QString &environment)
{
    return QStringLiteral("apps/%1/overlays/%2/kustomization.yaml").arg(service, environment);
}

QString helmValues(const QString &service, const QString &environment)
{
    return QStringLiteral("apps/%1/values-%2.yaml").arg(service, environment);
}

QString imageField(const QString &version)
{
    return version.startsWith(QLatin1String("sha256:")) ? QStringLiteral("digest")
                                                        : QStringLiteral("newTag");
}

// The `images` entry of a kustomization named after the service: exactly one must match.
GitOpsTarget kustomizeImage(const QString &file,
                            const QByteArray &bytes,
                            const QString &service,
                            const QString &version,
                            const QString &mappingPath)
{
    GitOpsTarget t;
    t.file = file;
    QStringList names;
    try {
        for (const YAML::Node &doc : loadAllDocuments(bytes.toStdString())) {
            const YAML::Node images = doc.IsMap() ? doc["images"] : YAML::Node();
            if (!images || !images.IsSequence())
                continue;
            for (const YAML::Node &entry : images) {
                if (!entry.IsMap() || !entry["name"] || !entry["name"].IsScalar())
                    continue;
                const QString name = QString::fromStdString(entry["name"].Scalar());
                if (name == service || name.endsWith(QLatin1Char('/') + service))
                    names.append(name);
            }
        }
    } catch (const YAML::Exception &e) {
        t.error = QStringLiteral("%1: not valid YAML: %2").arg(file, QString::fromStdString(e.msg));
        return t;
    }
    if (names.size() != 1) {
        t.error = QStringLiteral("%1: %2 images entry is named %3 or …/%3; name the key with %4")
                      .arg(file,
                           names.isEmpty() ? QStringLiteral("no")
                                           : QStringLiteral("more than one (%1)")
                                                 .arg(names.join(QStringLiteral(", "))),
                           service, mappingPath);
        return t;
    }
    t.key = YamlKeyPath::parse(
        QStringLiteral("images[name=%1].%2").arg(names.first(), imageField(version)));
    return t;
}

} // namespace

GitOpsTarget gitOpsTarget(const Workspace &workspace,
                          const QString &service,
                          const QString &environment,
                          const QString &version,
                          const GitOpsFileReader &read)
{
    const QString mappingPath =
        QStringLiteral("services.%1.environments.%2.gitops").arg(service, environment);
    QVariantMap mapping;
    if (const ServiceDef *s = workspace.service(service))
        if (const ServiceBinding *b = s->binding(environment))
            mapping = b->options.value(QStringLiteral("gitops")).toMap();
    const QString file = mapping.value(QStringLiteral("file")).toString();
    const QString key = mapping.value(QStringLiteral("key")).toString();

    GitOpsTarget t;
    if (!key.isEmpty()) {
        QString error;
        t.key = YamlKeyPath::parse(key, &error);
        if (!t.key.isValid()) {
            t.error = QStringLiteral("%1.key: %2").arg(mappingPath, error);
            return t;
        }
        t.file = !file.isEmpty()                           ? file
                 : key.startsWith(QLatin1String("images")) ? kustomization(service, environment)
                                                           : helmValues(service, environment);
        return t;
    }
    if (!file.isEmpty()) {
        const std::optional<QByteArray> bytes = read(file);
        if (!bytes) {
            t.error = QStringLiteral("%1.file: %2 is not in the GitOps repository")
                          .arg(mappingPath, file);
            return t;
        }
        if (file.endsWith(QLatin1String("kustomization.yaml")) ||
            file.endsWith(QLatin1String("kustomization.yml")))
            return kustomizeImage(file, *bytes, service, version,
                                  mappingPath + QStringLiteral(".key"));
        t.file = file;
        t.key = YamlKeyPath::parse(QStringLiteral("image.tag"));
        return t;
    }
    const QString overlay = kustomization(service, environment);
    if (const std::optional<QByteArray> bytes = read(overlay))
        return kustomizeImage(overlay, *bytes, service, version,
                              mappingPath + QStringLiteral(".key"));
    const QString values = helmValues(service, environment);
    if (read(values)) {
        t.file = values;
        t.key = YamlKeyPath::parse(QStringLiteral("image.tag"));
        return t;
    }
    t.error = QStringLiteral("neither %1 nor %2 is in the GitOps repository; name the file and "
                             "key with %3: {file, key}")
                  .arg(overlay, values, mappingPath);
    return t;
}

QString gitOpsCommitMessage(const Workspace &workspace,
                            const QString &service,
                            const QString &environment,
                            const QString &fromVersion,
                            const QString &version,
                            const QList<CommitRecord> &commits,
                            int maxCommits)
{
    QString subject = workspace.gitops.message.isEmpty()
                          ? QStringLiteral("promote {service} to {version} in {env}")
                          : workspace.gitops.message;
    subject.replace(QLatin1String("{service}"), service)
        .replace(QLatin1String("{env}"), environment)
        .replace(QLatin1String("{version}"), version)
        .replace(QLatin1String("{from}"), fromVersion);
    QString text = subject.trimmed();
    if (commits.isEmpty())
        return text;
    text += QStringLiteral("\n\n%1 → %2 brings %3 commit(s):\n")
                .arg(fromVersion, version)
                .arg(commits.size());
    for (int i = 0; i < commits.size() && i < maxCommits; ++i)
        text += QStringLiteral("%1 %2\n").arg(commits.at(i).shortSha(), commits.at(i).subject);
    if (commits.size() > maxCommits)
        text += QStringLiteral("… and %1 more\n").arg(commits.size() - maxCommits);
    return text;
}

} // namespace fd
