// The Prometheus/Alertmanager readers: query answers, alerts and their time stamps.
#include "fuzzinput.h"
#include "prometheuswire.h"

using namespace fd::prometheus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    QString error;
    switch (in.selector % 3) {
    case 0: {
        QueryResult result;
        const bool ok = parseQueryResponse(in.body, &result, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 1: {
        QList<WireAlert> alerts;
        const bool ok = parseAlerts(in.body, &alerts, &error);
        FD_FUZZ_CHECK(ok || !error.isEmpty());
        break;
    }
    case 2:
        parseTime(QString::fromUtf8(in.body));
        break;
    }
    return 0;
}
