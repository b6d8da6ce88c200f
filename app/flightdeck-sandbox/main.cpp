// flightdeck-sandbox: serves the simulated estate until SIGTERM/SIGINT.

#include "core/sandbox.h"

#include <QDateTime>
#include <QFileInfo>

#include <csignal>
#include <cstdio>
#include <pthread.h>

using namespace Qt::StringLiterals;

namespace {

const char kUsage[] =
    "usage: flightdeck-sandbox [options]\n"
    "  --github-port N --jenkins-port N --gitlab-port N --argocd-port N\n"
    "  --metrics-port N --chat-port N --control-port N\n"
    "                                        loopback ports (0 = pick a free one; default 0)\n"
    "  --scenario NAME                       demo | incident | scale:N | gitlab-scale:N | empty\n"
    "                                        (default demo)\n"
    "  --seed N                              world seed (default 1)\n"
    "  --clock-speed X                       simulated seconds per real second (default 1)\n"
    "  --epoch TIME                          simulated start: ISO time or epoch ms (default now)\n"
    "  --argocd-version V                    2.14 | 3.5 (default 3.5)\n"
    "  --fault SPEC                          repeatable: github:rate-limit, argocd:5xx:20%,\n"
    "                                        jenkins:latency:2s, gitlab:malformed:5%,\n"
    "                                        all:expired-token, ...\n"
    "  --write-workspace FILE                write a flightdeck.yaml pointing at this sandbox\n"
    "  --git-dir DIR                         where to create the scenario's git repositories\n"
    "                                        (default: git/ beside the workspace file)\n"
    "  --help\n"
    "Prints one JSON line when every port listens, then serves until SIGTERM or SIGINT.\n";

int usageError(const QString &message)
{
    std::fprintf(stderr, "flightdeck-sandbox: %s\n%s", qPrintable(message), kUsage);
    return 2;
}

bool parsePort(const QString &v, int *out)
{
    bool ok = false;
    const int p = v.toInt(&ok);
    if (!ok || p < 0 || p > 65535)
        return false;
    *out = p;
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    using fd::sandbox::Options;
    Options o;
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    for (int i = 0; i < args.size(); ++i) {
        QString flag = args[i];
        QString value;
        bool inlineValue = false;
        if (flag.startsWith(u"--"_s) && flag.contains(u'=')) {
            value = flag.section(u'=', 1);
            flag = flag.section(u'=', 0, 0);
            inlineValue = true;
        }
        if (flag == u"--help"_s || flag == u"-h"_s) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (!inlineValue) {
            if (i + 1 >= args.size())
                return usageError(u"%1 needs a value"_s.arg(flag));
            value = args[++i];
        }
        bool ok = true;
        if (flag == u"--github-port"_s)
            ok = parsePort(value, &o.githubPort);
        else if (flag == u"--jenkins-port"_s)
            ok = parsePort(value, &o.jenkinsPort);
        else if (flag == u"--gitlab-port"_s)
            ok = parsePort(value, &o.gitlabPort);
        else if (flag == u"--argocd-port"_s)
            ok = parsePort(value, &o.argocdPort);
        else if (flag == u"--metrics-port"_s)
            ok = parsePort(value, &o.metricsPort);
        else if (flag == u"--chat-port"_s)
            ok = parsePort(value, &o.chatPort);
        else if (flag == u"--control-port"_s)
            ok = parsePort(value, &o.controlPort);
        else if (flag == u"--scenario"_s)
            o.scenario = value;
        else if (flag == u"--seed"_s)
            o.seed = value.toULongLong(&ok);
        else if (flag == u"--clock-speed"_s) {
            o.clockSpeed = value.toDouble(&ok);
            ok = ok && o.clockSpeed >= 0;
        } else if (flag == u"--epoch"_s) {
            o.epochMs = value.toLongLong(&ok);
            if (!ok) {
                const QDateTime t = QDateTime::fromString(value, Qt::ISODateWithMs);
                ok = t.isValid();
                o.epochMs = t.toMSecsSinceEpoch();
            }
        } else if (flag == u"--argocd-version"_s) {
            o.argocdVersion = value;
            ok = value == u"2.14"_s || value == u"3.5"_s;
        } else if (flag == u"--fault"_s) {
            fd::sandbox::Fault f;
            QString err;
            if (!fd::sandbox::parseFault(value, &f, &err))
                return usageError(err);
            o.faults.append(value);
        } else if (flag == u"--write-workspace"_s)
            o.workspaceFile = QFileInfo(value).absoluteFilePath();
        else if (flag == u"--git-dir"_s)
            o.gitDir = QFileInfo(value).absoluteFilePath();
        else
            return usageError(u"unknown option %1"_s.arg(flag));
        if (!ok)
            return usageError(u"bad value '%1' for %2"_s.arg(value, flag));
    }

    // Block the stop signals before any thread starts so every thread inherits the mask and
    // only sigwait() below sees them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    fd::sandbox::Sandbox sandbox(o);
    QString error;
    if (!sandbox.start(&error)) {
        std::fprintf(stderr, "flightdeck-sandbox: %s\n", qPrintable(error));
        return 1;
    }
    const QByteArray line = sandbox.readyLine();
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stopSignals, &sig);
    sandbox.stop();
    return 0;
}
