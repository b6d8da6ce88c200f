#include "logging.h"

#include "redactor.h"

#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QtGlobal>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <vector>

namespace fd {

namespace {

// Every sink sits behind this one, so no message reaches a file or a terminal unredacted,
// whichever logger produced it.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit RedactingSink(std::vector<spdlog::sink_ptr> children)
        : m_children(std::move(children))
    {}

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        const std::string clean =
            Redactor::instance().redact(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy(msg);
        copy.payload = spdlog::string_view_t(clean.data(), clean.size());
        for (auto &sink : m_children)
            if (sink->should_log(copy.level))
                sink->log(copy);
    }

    void flush_() override
    {
        for (auto &sink : m_children)
            sink->flush();
    }

    void set_pattern_(const std::string &pattern) override
    {
        for (auto &sink : m_children)
            sink->set_pattern(pattern);
    }

    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override
    {
        for (auto &sink : m_children)
            sink->set_formatter(formatter->clone());
    }

private:
    std::vector<spdlog::sink_ptr> m_children;
};

const char *const kPattern = "%Y-%m-%dT%H:%M:%S.%e%z [%l] %n: %v";
const char *const kNamedLoggers[] = {"flightdeck", "net", "ui", "db", "ops", "plugin"};

struct State
{
    QMutex mutex;
    std::shared_ptr<RedactingSink> sink;
    spdlog::level::level_enum level = spdlog::level::info;
    QString filePath;
    QtMessageHandler previousHandler = nullptr;
    bool bridged = false;
};

State &state()
{
    static State s;
    return s;
}

std::shared_ptr<RedactingSink> stderrOnlySink()
{
    auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto sink = std::make_shared<RedactingSink>(std::vector<spdlog::sink_ptr>{err});
    sink->set_pattern(kPattern);
    return sink;
}

// Callers hold state().mutex.
std::shared_ptr<spdlog::logger> makeLogger(State &s, const std::string &name)
{
    if (!s.sink)
        s.sink = stderrOnlySink();
    auto l = std::make_shared<spdlog::logger>(name, s.sink);
    l->set_level(s.level);
    l->flush_on(spdlog::level::critical);
    spdlog::register_logger(l);
    return l;
}

spdlog::level::level_enum fromQtType(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return spdlog::level::debug;
    case QtInfoMsg:
        return spdlog::level::info;
    case QtWarningMsg:
        return spdlog::level::warn;
    case QtCriticalMsg:
        return spdlog::level::err;
    case QtFatalMsg:
        return spdlog::level::critical;
    }
    return spdlog::level::info;
}

void qtMessageBridge(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    // The Qt category becomes the logger name, so "qt.network.ssl" or "fd.ops" stays visible.
    const char *category = context.category ? context.category : "default";
    auto l = logger(std::string_view(category));
    const QByteArray text = message.toUtf8();
    l->log(fromQtType(type), std::string_view(text.constData(), std::size_t(text.size())));
    if (type == QtCriticalMsg || type == QtFatalMsg)
        l->flush();
}

QString xdgStateHome()
{
    const QByteArray env = qgetenv("XDG_STATE_HOME");
    if (!env.isEmpty() && QDir::isAbsolutePath(QString::fromLocal8Bit(env)))
        return QString::fromLocal8Bit(env);
    return QDir::homePath() + QLatin1String("/.local/state");
}

} // namespace

bool parseLogLevel(const QString &name, spdlog::level::level_enum *out)
{
    const QString n = name.trimmed().toLower();
    static const std::pair<const char *, spdlog::level::level_enum> names[] = {
        {"trace", spdlog::level::trace},  {"debug", spdlog::level::debug},
        {"info", spdlog::level::info},    {"warn", spdlog::level::warn},
        {"warning", spdlog::level::warn}, {"error", spdlog::level::err},
        {"err", spdlog::level::err},      {"critical", spdlog::level::critical},
        {"off", spdlog::level::off},
    };
    for (const auto &[text, level] : names) {
        if (n == QLatin1String(text)) {
            *out = level;
            return true;
        }
    }
    return false;
}

QString defaultLogFilePath()
{
    return xdgStateHome() + QLatin1String("/flightdeck/logs/flightdeck.log");
}

QString installLogging(const LogOptions &options)
{
    State &s = state();
    QString problem;
    {
        QMutexLocker locker(&s.mutex);
        spdlog::level::level_enum level = spdlog::level::info;
        const QString fromEnv = qEnvironmentVariable("FLIGHTDECK_LOG_LEVEL");
        const QString requested = !options.level.isEmpty() ? options.level : fromEnv;
        if (!requested.isEmpty() && !parseLogLevel(requested, &level))
            problem = QStringLiteral("unknown log level \"%1\"; using info").arg(requested);

        std::vector<spdlog::sink_ptr> children;
        s.filePath.clear();
        if (options.toFile) {
            const QString path =
                options.filePath.isEmpty() ? defaultLogFilePath() : options.filePath;
            if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
                problem = QStringLiteral("cannot create the log directory %1")
                              .arg(QFileInfo(path).absolutePath());
            } else {
                try {
                    children.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                        QFile::encodeName(path).toStdString(), options.maxFileBytes,
                        options.maxFiles));
                    s.filePath = path;
                } catch (const std::exception &e) {
                    problem = QStringLiteral("cannot open the log file %1: %2")
                                  .arg(path, QString::fromLocal8Bit(e.what()));
                }
            }
        }
        if (options.toStderr)
            children.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());

        spdlog::drop_all();
        s.level = level;
        s.sink = std::make_shared<RedactingSink>(std::move(children));
        s.sink->set_pattern(kPattern);
        for (const char *name : kNamedLoggers)
            makeLogger(s, name);
        spdlog::set_default_logger(spdlog::get("flightdeck"));
        spdlog::flush_every(std::chrono::seconds(2));

        if (options.bridgeQtMessages && !s.bridged) {
            s.previousHandler = qInstallMessageHandler(qtMessageBridge);
            s.bridged = true;
        }
    }
    if (!problem.isEmpty())
        logger("flightdeck")->warn("{}", problem.toStdString());
    return problem;
}

void shutdownLogging()
{
    State &s = state();
    QMutexLocker locker(&s.mutex);
    if (s.bridged) {
        qInstallMessageHandler(s.previousHandler);
        s.bridged = false;
        s.previousHandler = nullptr;
    }
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger> &l) { l->flush(); });
    spdlog::drop_all();
    s.sink.reset();
    s.filePath.clear();
}

void flushLogs()
{
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger> &l) { l->flush(); });
}

QString logFilePath()
{
    QMutexLocker locker(&state().mutex);
    return state().filePath;
}

std::shared_ptr<spdlog::logger> logger(std::string_view name)
{
    const std::string key(name);
    if (auto existing = spdlog::get(key))
        return existing;
    State &s = state();
    QMutexLocker locker(&s.mutex);
    // Another thread may have created it while this one waited.
    if (auto existing = spdlog::get(key))
        return existing;
    return makeLogger(s, key);
}

} // namespace fd
