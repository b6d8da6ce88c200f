#include "sandboxprocess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <sys/prctl.h>

namespace fd {

SandboxProcess::SandboxProcess(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_ready)
            return;
        Q_EMIT failed(tr("the demo sandbox did not report ready in time"));
        stop();
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &SandboxProcess::readOutput);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            Q_EMIT failed(
                tr("could not start %1: %2").arg(m_process.program(), m_process.errorString()));
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        m_timeout.stop();
        if (!m_ready)
            Q_EMIT failed(tr("the demo sandbox exited (code %1): %2")
                              .arg(code)
                              .arg(QString::fromLocal8Bit(m_process.readAllStandardError())
                                       .trimmed()
                                       .right(400)));
    });
    // Its diagnostics are not ours to show, but must not fill a pipe and stall it.
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // If this program dies without running its destructors, the kernel stops the sandbox too.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

SandboxProcess::~SandboxProcess()
{
    stop();
}

QString SandboxProcess::findProgram()
{
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &candidate : {dir + QStringLiteral("/flightdeck-sandbox"),
                                     dir + QStringLiteral("/../bin/flightdeck-sandbox")}) {
        const QFileInfo fi(candidate);
        if (fi.isExecutable())
            return fi.absoluteFilePath();
    }
    return {};
}

void SandboxProcess::start(const QString &program, const QString &workspaceFile, int timeoutMs)
{
    m_workspace = workspaceFile;
    m_ready = false;
    m_buffer.clear();
    const QStringList args{QStringLiteral("--scenario"),        QStringLiteral("demo"),
                           QStringLiteral("--write-workspace"), workspaceFile,
                           QStringLiteral("--github-port"),     QStringLiteral("0"),
                           QStringLiteral("--jenkins-port"),    QStringLiteral("0"),
                           QStringLiteral("--gitlab-port"),     QStringLiteral("0"),
                           QStringLiteral("--argocd-port"),     QStringLiteral("0"),
                           QStringLiteral("--metrics-port"),    QStringLiteral("0"),
                           QStringLiteral("--control-port"),    QStringLiteral("0")};
    m_timeout.start(timeoutMs);
    m_process.start(program, args);
}

void SandboxProcess::readOutput()
{
    m_buffer += m_process.readAllStandardOutput();
    if (m_ready) {
        m_buffer.clear();
        return;
    }
    int nl;
    while ((nl = int(m_buffer.indexOf('\n'))) >= 0) {
        const QByteArray line = m_buffer.left(nl).trimmed();
        m_buffer.remove(0, nl + 1);
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (!o.value(QLatin1String("ready")).toBool())
            continue;
        m_ready = true;
        m_timeout.stop();
        QHash<QString, QString> env;
        const QJsonObject e = o.value(QLatin1String("env")).toObject();
        for (auto it = e.begin(); it != e.end(); ++it)
            env.insert(it.key(), it.value().toString());
        const QString ws = o.value(QLatin1String("workspace")).toString(m_workspace);
        Q_EMIT ready(ws.isEmpty() ? m_workspace : ws, env);
        m_buffer.clear();
        return;
    }
}

void SandboxProcess::stop()
{
    m_timeout.stop();
    if (m_process.state() == QProcess::NotRunning)
        return;
    // Only at shutdown: a short wait is better than leaving servers behind.
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(1000);
    }
}

} // namespace fd
