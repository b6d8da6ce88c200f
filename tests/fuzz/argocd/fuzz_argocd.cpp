// The Argo CD plugin's readers over arbitrary bodies: list, watch events, resource envelopes,
// sync windows, resource tree, Rollouts, actions, managed resources, version and error bodies.
#include "argocdparsers.h"
#include "fuzzinput.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace fd::argocd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fd::fuzz::Input in = fd::fuzz::split(data, size);
    QString error;
    switch (in.selector % 11) {
    case 0: {
        // Both overloads read the same list: the moving one only frees the body sooner.
        const AppList copied = parseApplicationList(in.body);
        QByteArray moved = in.body;
        const AppList taken = parseApplicationList(std::move(moved));
        FD_FUZZ_CHECK(copied.apps.size() == taken.apps.size());
        FD_FUZZ_CHECK(copied.error == taken.error);
        FD_FUZZ_CHECK(copied.error.isEmpty() || copied.apps.isEmpty());
        break;
    }
    case 1: {
        const StreamEvent event = parseStreamEvent(in.body);
        if (event.type == StreamEvent::Type::Malformed)
            FD_FUZZ_CHECK(!event.error.isEmpty()); // a dropped event always says why
        break;
    }
    case 2:
        parseResourceEnvelope(in.body, &error);
        break;
    case 3:
        parseSyncWindows(in.body, &error);
        break;
    case 4: {
        const QList<ProjectWindow> windows = parseProjectSyncWindows(in.body, &error);
        const AppList apps = parseApplicationList(in.body);
        for (const ProjectWindow &w : windows)
            for (const AppState &app : apps.apps)
                windowApplies(w, app);
        break;
    }
    case 5:
        parseResourceTree(in.body, &error);
        break;
    case 6:
        parseRolloutResource(in.body, {{QStringLiteral("6d4b8c"), QStringLiteral("app:v1")}});
        parseRolloutManifest(QJsonDocument::fromJson(in.body).object(), {});
        break;
    case 7:
        parseResourceActions(in.body, &error);
        break;
    case 8:
        parseManagedResources(in.body, QStringLiteral("checkout-prod"), &error);
        break;
    case 9: {
        int major = 0;
        int minor = 0;
        QString text;
        parseServerVersion(in.body, &major, &minor, &text);
        errorMessage(in.body);
        break;
    }
    case 10: {
        const QStringList images = QString::fromUtf8(in.body).split(QLatin1Char('\n'));
        for (const QString &image : images) {
            imageTag(image);
            imageName(image);
        }
        versionFromImages(images, QStringLiteral("checkout"));
        break;
    }
    }
    return 0;
}
