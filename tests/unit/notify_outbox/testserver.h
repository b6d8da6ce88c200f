#pragma once

// A loopback HTTP server for the client tests: cpp-httplib on 127.0.0.1, port 0, in a thread.

#include <httplib.h>

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace fd::test {

class TestServer
{
public:
    TestServer()
    {
        // More workers than any cap under test, so the server never hides a client bug.
        server.new_task_queue = [] { return new httplib::ThreadPool(32); };
        server.set_keep_alive_timeout(1);
    }

    ~TestServer() { stop(); }

    bool start()
    {
        port = server.bind_to_any_port("127.0.0.1");
        if (port <= 0)
            return false;
        thread = std::thread([this] { server.listen_after_bind(); });
        for (int i = 0; i < 500 && !server.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return server.is_running();
    }

    void stop()
    {
        release = true;
        if (thread.joinable()) {
            server.stop();
            thread.join();
        }
    }

    QUrl url(const QString &path = {}) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
    }

    /// Sleeps in small steps until released or `ms` passed, so teardown never hangs.
    void stall(int ms)
    {
        for (int waited = 0; waited < ms && !release; waited += 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    httplib::Server server;
    int port = 0;
    std::thread thread;
    std::atomic<bool> release{false};
};

} // namespace fd::test
