#pragma once

#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace fd {

/// One leaf of a YAML file flattened to key paths
/// ("spec.template.spec.containers[name=api].image").
struct YamlLeaf
{
    QString value;       // scalar text; "null", "{}" or "[]" for empty values
    int line = 0;        // 1-based line of the key
    bool marked = false; // the key's line carries the per-environment marker comment
};

/// A YAML file (every document of it) as key path → leaf. Aliases are expanded and
/// `<<` merge keys applied, so two files that say the same thing differently compare equal.
struct FlatYaml
{
    QMap<QString, YamlLeaf> leaves;
    QString error; // "line:col: message" when the file does not parse; leaves are then empty
};

/// Comment that marks a key as expected to differ per environment (replica counts, say):
/// `replicaCount: 4  # flightdeck:per-environment`.
inline constexpr char kPerEnvironmentMarker[] = "flightdeck:per-environment";

FlatYaml flattenYaml(const QByteArray &text);
/// A JSON value (a parsed manifest) flattened with the same key paths as flattenYaml, so a
/// manifest from an API compares with the same rules as one from a file.
FlatYaml flattenJson(const QJsonValue &value);

/// What counts as expected per-environment noise.
struct NoiseRules
{
    bool namespaces = true;       // any "namespace" key
    bool environmentNames = true; // values that differ only by the environment's own name
    /// Key paths (or trailing segments, e.g. "replicaCount", "spec.replicas") that differ per
    /// environment by design; keys marked in the file with kPerEnvironmentMarker count too.
    QStringList perEnvironmentKeys;
};

struct ConfigChange
{
    enum class Kind { Added, Removed, Changed, Normalized };
    Kind kind = Kind::Changed;
    QString file; // file label with "<env>" for the environment's part:
                  // "overlays/<env>/kustomization.yaml"
    QString path; // key path; empty for the whole file
    QString a;    // value in environment A (empty when absent)
    QString b;    // value in environment B
    QString note; // why a change was normalized away

    bool operator==(const ConfigChange &) const = default;
};
QString toString(ConfigChange::Kind kind);

/// One container image as each environment is told to run it.
struct ImagePair
{
    QString name;   // repository: ghcr.io/acme/checkout
    QString source; // file label it came from
    QString a;      // full reference in A (repository:tag or @digest); empty when absent
    QString b;

    bool differs() const { return a != b; }
    bool operator==(const ImagePair &) const = default;
};

struct ConfigDiff
{
    QStringList filesA; // labels of the files found for A
    QStringList filesB;
    QList<ConfigChange> changes; // file then path order
    QList<ImagePair> images;
    QStringList problems; // "file: message" per file that could not be read or parsed

    bool hasSource() const { return !filesA.isEmpty() || !filesB.isEmpty() || !problems.isEmpty(); }
    /// Changes that are not normalized noise.
    int realChanges() const;
};

/// Compares two flattened files; @p file is the label put on every change.
QList<ConfigChange> diffFlat(const FlatYaml &a,
                             const FlatYaml &b,
                             const QString &file,
                             const QString &envA,
                             const QString &envB,
                             const NoiseRules &rules);
/// Images named by a flattened file: kustomize `images:`, Helm `image.repository/tag`, and
/// container `image:` fields of manifests.
QMap<QString, QString> imagesOf(const FlatYaml &flat);
/// @p value with the environment's name as a whole word replaced by "<env>".
QString environmentNeutral(const QString &value, const QString &environment);
/// The repository of an image reference: "ghcr.io/acme/web:v1" → "ghcr.io/acme/web".
QString imageRepository(const QString &reference);

/**
 * The config layer for one service from a GitOps repository: every file of
 * `apps/<service>/overlays/<env>/` and `apps/<service>/values-<env>.yaml`, for A and B.
 * A file that cannot be read or parsed becomes a problem; the other files are still compared.
 */
ConfigDiff diffServiceConfig(const QString &gitopsRoot,
                             const QString &service,
                             const QString &envA,
                             const QString &envB,
                             const NoiseRules &rules);

} // namespace fd
