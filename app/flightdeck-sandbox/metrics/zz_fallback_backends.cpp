// Weak stand-ins for the backends other folders define, so fdsandbox links while one of them
// is not written yet; the real (strong) factory replaces its stand-in at link time.
//
// Why this file lives in metrics/ and is named zz_: fdsandbox is a static archive, and the
// linker takes the FIRST archive member that defines a still-undefined symbol. The CMake glob
// puts core/, github/, jenkins/, gitlab/, argocd/ before metrics/, so a strong definition is
// always met before its weak stand-in here. In core/ the stand-ins would win instead.

#include "core/backends.h"

#include <httplib.h>

using namespace Qt::StringLiterals;

namespace fd::sandbox {

namespace {

/// Answers 501 naming the backend: the sandbox runs, this API is simply not simulated.
class MissingBackend final : public BackendServer
{
public:
    using BackendServer::BackendServer;

    void installRoutes(httplib::Server &server) override
    {
        const auto answer = [this](const httplib::Request &, httplib::Response &res) {
            writeError(res, 501, u"the %1 simulation is not built into this sandbox"_s.arg(name()));
        };
        server.Get(".*", answer);
        server.Post(".*", answer);
        server.Put(".*", answer);
        server.Delete(".*", answer);
        server.Patch(".*", answer);
    }

    void writeError(httplib::Response &res, int status, const QString &message) override
    {
        sendJson(res, status, QJsonDocument(QJsonObject{{u"backend"_s, name()},
                                                        {u"message"_s, message}}));
    }

    QJsonObject credentials() const override
    {
        const QString token = stableHex(u"fallback/"_s + name(), 32);
        return {{u"user"_s, u"admin"_s}, {u"username"_s, u"admin"_s}, {u"password"_s, token},
                {u"token"_s, token}};
    }
};

} // namespace

__attribute__((weak)) std::unique_ptr<BackendServer> makeJenkinsServer(Sandbox &sandbox)
{
    return std::make_unique<MissingBackend>(u"jenkins"_s, sandbox);
}

__attribute__((weak)) std::unique_ptr<BackendServer> makeGitLabServer(Sandbox &sandbox)
{
    return std::make_unique<MissingBackend>(u"gitlab"_s, sandbox);
}

__attribute__((weak)) std::unique_ptr<BackendServer> makeArgoCdServer(Sandbox &sandbox)
{
    return std::make_unique<MissingBackend>(u"argocd"_s, sandbox);
}

__attribute__((weak)) std::unique_ptr<BackendServer> makeGitHubServer(Sandbox &sandbox)
{
    return std::make_unique<MissingBackend>(u"github"_s, sandbox);
}

} // namespace fd::sandbox
