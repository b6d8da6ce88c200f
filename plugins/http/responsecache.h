#pragma once

#include <QByteArray>
#include <QHash>

#include <list>
#include <optional>

namespace fd::http {

/// Validators and body of one cached GET response.
struct CachedResponse
{
    QByteArray etag;
    QByteArray lastModified;
    int status = 200;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;

    qint64 cost() const;
};

/// ETag / Last-Modified cache, least recently used entries evicted first once the byte budget
/// is exceeded. Keys are built by the client from method, URL and an auth identity digest.
class ResponseCache
{
public:
    explicit ResponseCache(qint64 maxBytes = 16 * 1024 * 1024);

    std::optional<CachedResponse> find(const QByteArray &key); // refreshes recency
    void insert(const QByteArray &key, CachedResponse entry);
    void remove(const QByteArray &key);
    void clear();

    void setMaxBytes(qint64 maxBytes);
    qint64 maxBytes() const { return m_maxBytes; }
    qint64 totalBytes() const { return m_totalBytes; }
    qsizetype size() const { return m_entries.size(); }

private:
    struct Slot
    {
        CachedResponse entry;
        std::list<QByteArray>::iterator recency;
    };
    void evict();

    qint64 m_maxBytes;
    qint64 m_totalBytes = 0;
    QHash<QByteArray, Slot> m_entries;
    std::list<QByteArray> m_recency; // front = most recently used
};

} // namespace fd::http
