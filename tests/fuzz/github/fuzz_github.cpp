// The GitHub plugin's readers over arbitrary bodies.
#include "fuzzinput.h"
#include "githubwire.h"

using namespace fd::github;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    QString error;
    switch (in.selector % 10) {
    case 0:
        parseRuns(in.body);
        break;
    case 1:
        parseRun(in.body, &error);
        break;
    case 2:
        parseJobs(in.body);
        break;
    case 3:
        parseEnvironments(in.body);
        break;
    case 4:
        parseDeployments(in.body);
        break;
    case 5:
        parseDeploymentStatuses(in.body);
        break;
    case 6:
        parsePendingDeployments(in.body);
        break;
    case 7:
        parseApprovals(in.body);
        break;
    case 8:
        parseRepositories(in.body);
        break;
    case 9: {
        const QList<QByteArray> parts = in.body.split('\n');
        mapRunStatus(QString::fromUtf8(parts.value(0)), QString::fromUtf8(parts.value(1)));
        mapDeploymentState(QString::fromUtf8(parts.value(0)));
        isTerminalDeploymentState(QString::fromUtf8(parts.value(0)));
        break;
    }
    }
    return 0;
}
