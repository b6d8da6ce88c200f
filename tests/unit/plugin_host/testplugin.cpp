#include "backend/backend.h"

#include <QObject>

namespace {

class NullBackend : public fd::Backend
{
public:
    fd::Capabilities capabilities() const override { return int(fd::Capability::Pipelines); }
    void start() override {}
    void stop() override {}
    fd::ConnectionHealth health() const override { return {}; }
    fd::ActionPlan plan(const fd::ReleaseAction &action) const override
    {
        fd::ActionPlan p;
        p.action = action;
        p.feasible = false;
        p.blockedReason = QStringLiteral("test backend");
        return p;
    }
    quint64 execute(const fd::ActionPlan &) override { return 0; }
};

} // namespace

class TestFactory : public QObject, public fd::BackendFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FD_BACKEND_FACTORY_IID FILE FD_TEST_PLUGIN_JSON)
    Q_INTERFACES(fd::BackendFactory)
public:
    QString kind() const override
    {
        return QLatin1String(FD_TEST_PLUGIN_JSON).contains(QLatin1String("wrongapi"))
                   ? QStringLiteral("futurekind")
                   : QStringLiteral("testkind");
    }
    std::unique_ptr<fd::Backend> create(const fd::ConnectionConfig &, fd::BackendSink *) override
    {
        return std::make_unique<NullBackend>();
    }
};

#include "testplugin.moc"
