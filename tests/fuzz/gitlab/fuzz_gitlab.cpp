// The GitLab plugin's readers over arbitrary bodies.
#include "fuzzinput.h"
#include "gitlabwire.h"

using namespace fd::gitlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    QString error;
    switch (in.selector % 12) {
    case 0:
        parsePipelines(in.body);
        break;
    case 1:
        parsePipeline(in.body, &error);
        break;
    case 2:
        parseJobs(in.body);
        break;
    case 3:
        parseJob(in.body, &error);
        break;
    case 4:
        parseEnvironments(in.body);
        break;
    case 5:
        parseEnvironment(in.body, &error);
        break;
    case 6:
        parseDeployments(in.body);
        break;
    case 7:
        parseDeployment(in.body, &error);
        break;
    case 8:
        parseProtectedEnvironments(in.body);
        break;
    case 9:
        parseApproval(in.body, &error);
        break;
    case 10: {
        QString name;
        parseUserId(in.body, &name);
        break;
    }
    case 11: {
        const QString status = QString::fromUtf8(in.body);
        mapRunStatus(status);
        mapDeploymentStatus(status);
        isFinishedStatus(status);
        break;
    }
    }
    return 0;
}
