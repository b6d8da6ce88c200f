#include "responsecache.h"

namespace fd::http {

qint64 CachedResponse::cost() const
{
    qint64 total = body.size() + etag.size() + lastModified.size() + 64;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        total += it.key().size() + it.value().size();
    return total;
}

ResponseCache::ResponseCache(qint64 maxBytes)
    : m_maxBytes(maxBytes)
{}

std::optional<CachedResponse> ResponseCache::find(const QByteArray &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return std::nullopt;
    m_recency.splice(m_recency.begin(), m_recency, it->recency);
    return it->entry;
}

void ResponseCache::insert(const QByteArray &key, CachedResponse entry)
{
    remove(key);
    const qint64 cost = entry.cost() + key.size();
    if (cost > m_maxBytes)
        return; // larger than the whole budget: caching it would only evict everything else
    m_recency.push_front(key);
    m_totalBytes += cost;
    m_entries.insert(key, Slot{std::move(entry), m_recency.begin()});
    evict();
}

void ResponseCache::remove(const QByteArray &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    m_totalBytes -= it->entry.cost() + key.size();
    m_recency.erase(it->recency);
    m_entries.erase(it);
}

void ResponseCache::clear()
{
    m_entries.clear();
    m_recency.clear();
    m_totalBytes = 0;
}

void ResponseCache::setMaxBytes(qint64 maxBytes)
{
    m_maxBytes = maxBytes;
    evict();
}

void ResponseCache::evict()
{
    while (m_totalBytes > m_maxBytes && !m_recency.empty()) {
        const QByteArray oldest = m_recency.back();
        remove(oldest);
    }
}

} // namespace fd::http
