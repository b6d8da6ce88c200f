#pragma once

#include <QHash>
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace fd {

/**
 * flightdeck-sandbox as a child process: started on free loopback ports, its one-line JSON
 * "ready" report read asynchronously, stopped (terminate, then kill) when we quit.
 */
class SandboxProcess : public QObject
{
    Q_OBJECT
public:
    explicit SandboxProcess(QObject *parent = nullptr);
    ~SandboxProcess() override;

    /// The sandbox next to this executable (build tree and install dir alike), or empty.
    static QString findProgram();
    void start(const QString &program, const QString &workspaceFile, int timeoutMs = 30000);
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

Q_SIGNALS:
    /// The environment values are what the workspace's env: credential references name.
    void ready(const QString &workspaceFile, const QHash<QString, QString> &environment);
    void failed(const QString &why);

private:
    void readOutput();

    QProcess m_process;
    QTimer m_timeout;
    QByteArray m_buffer;
    QString m_workspace;
    bool m_ready = false;
};

} // namespace fd
