// The relay's one Redis connection kind (issue 18, docs/RELAY.md "A cluster"):
// hiredis, synchronous, every call bounded by a short timeout, so that a
// caller on an io thread waits at most that long (and not at all during a
// back-off after a failure). redis://HOST:PORT[/DB] connects directly;
// sentinel://HOST:PORT[,HOST:PORT...]/MASTER asks the Sentinels for the
// master (SENTINEL get-master-addr-by-name) on every (re)connect, and checks
// with ROLE that it is the master, so a failover is followed at the next
// call after the old master fails. Thread-safe (one mutex per link: use one
// link per thread that talks a lot). Internal to relay/.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct redisContext;

namespace relay {

struct RedisUrl {
    bool sentinel = false;
    std::vector<std::pair<std::string, int>> hosts;  // redis://: one; sentinel://: one or more
    int db = 0;
    std::string master;  // sentinel:// only
    std::string text;    // as given, for messages
};

// Throws std::invalid_argument("use redis://HOST:PORT[/DB] or ...") for a bad URL.
RedisUrl parse_redis_url(const std::string& url);

// One reply, copied out of hiredis.
struct RedisReply {
    enum class Type { nil, string, integer, array, status, error } type = Type::nil;
    std::string str;  // string, status, error
    long long integer = 0;
    std::vector<RedisReply> elements;
    bool is_nil() const { return type == Type::nil; }
};

class RedisLink {
public:
    // `timeout`: connect and each command (milliseconds on a LAN; the
    // caller's wait is bounded by it).
    RedisLink(RedisUrl url, std::chrono::milliseconds timeout);
    ~RedisLink();
    RedisLink(const RedisLink&) = delete;
    RedisLink& operator=(const RedisLink&) = delete;

    // Runs the commands in one round trip; nullopt if Redis cannot be
    // reached or the connection broke (the next call reconnects, after a
    // back-off). An error reply is a reply (Type::error), not a failure.
    std::optional<std::vector<RedisReply>> run(const std::vector<std::vector<std::string>>& commands);
    std::optional<RedisReply> run(const std::vector<std::string>& command);
    // The address connected to last ("" before the first connect), for logs.
    std::string where() const;
    // Subscribes to `channel` and hands each message's payload to `on`
    // until the connection breaks or interrupt() is called; false if it
    // could not subscribe. Blocks with no read timeout: for a link of its
    // own on a thread of its own (pub/sub ties up the connection).
    bool listen(const std::string& channel, const std::function<void(const std::string&)>& on);
    // The next call connects at once, even during a back-off (another link
    // just reached Redis).
    void retry_now();
    // Ends a listen() from another thread (shuts its socket down).
    void interrupt();

private:
    bool connect_locked();
    std::optional<std::vector<RedisReply>> run_locked(const std::vector<std::vector<std::string>>& commands);
    bool connect_to(const std::string& host, int port);
    std::optional<std::pair<std::string, int>> ask_sentinels();
    void drop_locked();

    const RedisUrl url_;
    const std::chrono::milliseconds timeout_;
    mutable std::mutex mutex_;
    redisContext* ctx_ = nullptr;
    std::atomic<int> listen_fd_{-1};  // listen()'s socket, for interrupt()
    std::string where_;
    std::chrono::steady_clock::time_point retry_after_{};  // back-off after a failed connect
};

}  // namespace relay
