// The workspace loader over any text: it never throws, never crashes, and an input it refuses
// always says where and why.
#include "fuzzinput.h"
#include "workspace/workspaceloader.h"

using namespace fd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz::Input in = fuzz::split(data, size);
    LoadOptions options;
    options.overridesFile = QString(); // read no user file
    options.environment = QProcessEnvironment();
    options.environment.insert(QStringLiteral("GITHUB_TOKEN"), QStringLiteral("t0ken"));
    options.checkEnvironment = (in.selector & 1) != 0;
    const LoadResult r = WorkspaceLoader::loadFromString(
        in.body, QStringLiteral("/nonexistent-fuzz/flightdeck.yaml"), options);
    FD_FUZZ_CHECK(r.ok() == r.errors().isEmpty());
    for (const WorkspaceIssue &issue : r.issues)
        FD_FUZZ_CHECK(!issue.message.isEmpty());
    return 0;
}
