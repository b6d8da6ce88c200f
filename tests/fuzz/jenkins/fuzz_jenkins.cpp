// The Jenkins plugin's readers over arbitrary bodies.
#include "fuzzinput.h"
#include "jenkinswire.h"

using namespace fd::jenkins;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    QString error;
    switch (in.selector % 8) {
    case 0: {
        QList<WireJob> jobs;
        const bool ok =
            parseListing(in.body, JobPath::fromKey(QStringLiteral("catalog")), &jobs, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty()); // a refusal always says why
        break;
    }
    case 1: {
        WireJob job;
        const bool ok =
            parseJobSignature(in.body, JobPath::fromKey(QStringLiteral("a/b")), &job, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 2: {
        WireJobDetail detail;
        const bool ok = parseJobDetail(in.body, &detail, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 3: {
        WireRunDescribe run;
        const bool ok = parseRunDescribe(in.body, &run, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 4: {
        QList<WireInput> inputs;
        const bool ok = parsePendingInputs(in.body, &inputs, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 5: {
        WireQueueItem item;
        const bool ok = parseQueueItem(in.body, &item, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 6: {
        WireCrumb crumb;
        const bool ok = parseCrumb(in.body, &crumb, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 7:
        FD_FUZZ_CHECK(queueIdFromLocation(in.body) >= 0);
        JobPath::fromKey(QString::fromUtf8(in.body)).urlPath();
        break;
    }
    return 0;
}
