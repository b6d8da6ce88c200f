#pragma once

// Drives flightdeck-ctl the way a person or a script does, against a flightdeck-sandbox process
// that wrote its own workspace: each command is a separate process with the sandbox's
// credentials in its environment and a private data, state and config directory.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace fd::test {

class CtlHarness
{
public:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };

    CtlHarness(QString ctl, QString sandbox)
        : m_ctl(std::move(ctl))
        , m_sandboxProgram(std::move(sandbox))
    {}
    ~CtlHarness() { stop(); }

    /// Starts the sandbox (scenario demo unless @p args name another) and waits until it is
    /// ready; false with *error when it does not start.
    bool start(const QStringList &args, QString *error)
    {
        if (!m_dir.isValid()) {
            *error = QStringLiteral("no temporary directory");
            return false;
        }
        m_workspace = m_dir.filePath(QStringLiteral("flightdeck.yaml"));
        m_sandbox.setProgram(m_sandboxProgram);
        m_sandbox.setArguments(args +
                               QStringList{QStringLiteral("--write-workspace"), m_workspace});
        m_sandbox.start();
        if (!m_sandbox.waitForStarted()) {
            *error = QStringLiteral("%1 did not start").arg(m_sandboxProgram);
            return false;
        }
        if (!QTest::qWaitFor([this] { return m_sandbox.canReadLine(); }, 60000)) {
            *error = QStringLiteral("the sandbox printed no ready line in 60 s");
            return false;
        }
        const QByteArray line = m_sandbox.readLine();
        m_ready = QJsonDocument::fromJson(line).object();
        if (!m_ready.value(QLatin1String("ready")).toBool()) {
            *error = QString::fromUtf8(line);
            return false;
        }
        return true;
    }

    /// Stops the sandbox; its exit code (0 when it stopped cleanly).
    int stop()
    {
        if (m_sandbox.state() == QProcess::NotRunning)
            return m_sandbox.exitCode();
        m_sandbox.terminate();
        if (!m_sandbox.waitForFinished(15000)) {
            m_sandbox.kill();
            m_sandbox.waitForFinished(5000);
            return -1;
        }
        return m_sandbox.exitStatus() == QProcess::NormalExit ? m_sandbox.exitCode() : -1;
    }

    QString workspace() const { return m_workspace; }
    int port(const QString &name) const
    {
        return m_ready.value(QLatin1String("ports")).toObject().value(name).toInt();
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QJsonObject vars = m_ready.value(QLatin1String("env")).toObject();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            env.insert(it.key(), it.value().toString());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_dir.filePath(QStringLiteral("state")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        return env;
    }

    /// Starts one flightdeck-ctl on the sandbox's workspace without waiting for it.
    std::unique_ptr<QProcess> spawn(const QStringList &args) const
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(environment());
        p->start(m_ctl, QStringList{QStringLiteral("--workspace"), m_workspace} + args);
        p->closeWriteChannel();
        return p;
    }

    static Result finish(QProcess &p, int timeoutMs = 120000)
    {
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    Result run(const QStringList &args, int timeoutMs = 120000) const
    {
        auto p = spawn(args);
        return finish(*p, timeoutMs);
    }

    /// Replaces the sandbox's fault switches ("argocd:latency:300ms", …); true when it took them.
    bool setFaults(const QStringList &faults) const
    {
        const QByteArray body = QJsonDocument(QJsonArray::fromStringList(faults)).toJson();
        return curl({QStringLiteral("-sf"), QStringLiteral("-X"), QStringLiteral("PUT"),
                     QStringLiteral("--data"), QString::fromUtf8(body),
                     control(QStringLiteral("/_sandbox/faults"))})
            .has_value();
    }

    /// How many mutating requests (POST, PUT, PATCH, DELETE) the sandbox received in all;
    /// -1 when the control API did not answer.
    int mutatingRequests() const
    {
        const auto body =
            curl({QStringLiteral("-sf"), control(QStringLiteral("/_sandbox/requests?mutating=1"))});
        if (!body)
            return -1;
        const QJsonDocument d = QJsonDocument::fromJson(*body);
        if (d.isArray())
            return int(d.array().size());
        return int(d.object().value(QLatin1String("requests")).toArray().size());
    }

private:
    QString control(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2")
            .arg(QString::number(port(QStringLiteral("control"))), path);
    }

    static std::optional<QByteArray> curl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("curl"), args);
        if (!p.waitForFinished(15000) || p.exitStatus() != QProcess::NormalExit || p.exitCode())
            return std::nullopt;
        return p.readAllStandardOutput();
    }

    QString m_ctl;
    QString m_sandboxProgram;
    QTemporaryDir m_dir;
    QProcess m_sandbox;
    QJsonObject m_ready;
    QString m_workspace;
};

} // namespace fd::test
