// The GitOps/config YAML reader behind Compare: any text flattens without a crash, the same
// text flattens the same way twice, and a file compared with itself shows no change.
#include "compare/configdiff.h"
#include "fuzzinput.h"

using namespace fd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz::Input in = fuzz::split(data, size);
    const FlatYaml a = flattenYaml(in.body);
    const FlatYaml again = flattenYaml(in.body);
    FD_FUZZ_CHECK(a.error == again.error);
    FD_FUZZ_CHECK(a.leaves.keys() == again.leaves.keys());
    FD_FUZZ_CHECK(a.error.isEmpty() || a.leaves.isEmpty());
    NoiseRules rules;
    rules.perEnvironmentKeys = {QStringLiteral("replicaCount")};
    const QList<ConfigChange> changes =
        diffFlat(a, again, QStringLiteral("values-<env>.yaml"), QStringLiteral("staging"),
                 QStringLiteral("prod"), rules);
    for (const ConfigChange &c : changes)
        FD_FUZZ_CHECK(c.kind == ConfigChange::Kind::Normalized);
    const QMap<QString, QString> images = imagesOf(a);
    for (auto it = images.cbegin(); it != images.cend(); ++it)
        imageRepository(it.value());
    if (in.selector & 1)
        environmentNeutral(QString::fromUtf8(in.body.left(256)), QStringLiteral("prod"));
    return 0;
}
