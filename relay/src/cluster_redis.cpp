#include "cluster_redis.h"

#include <hiredis/hiredis.h>

#include <sys/socket.h>

#include <stdexcept>

namespace relay {
namespace {

// After a failed connect, calls fail at once for this long: during an outage
// every miss on every io thread would otherwise wait for the connect timeout.
constexpr std::chrono::milliseconds kConnectBackoff{500};

constexpr const char* kUrlHelp =
    "use redis://HOST:PORT[/DB] or sentinel://HOST:PORT[,HOST:PORT...]/MASTER_NAME";

std::pair<std::string, int> parse_host_port(const std::string& s) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument(kUrlHelp);
    std::string host = s.substr(0, colon);
    const std::string port = s.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument(kUrlHelp);
    const int p = std::stoi(port);
    if (p < 1 || p > 65535) throw std::invalid_argument(kUrlHelp);
    return {host, p};
}

timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

RedisReply copy(const redisReply* r) {
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; out.integer = r->integer; break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::array;
        for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy(r->element[i]));
        break;
    default: break;  // nil
    }
    return out;
}

void append(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data());
}

}  // namespace

RedisUrl parse_redis_url(const std::string& url) {
    RedisUrl u;
    u.text = url;
    std::string rest;
    if (url.rfind("redis://", 0) == 0) {
        rest = url.substr(8);
    } else if (url.rfind("sentinel://", 0) == 0) {
        u.sentinel = true;
        rest = url.substr(11);
    } else {
        throw std::invalid_argument(kUrlHelp);
    }
    const auto slash = rest.find('/');
    const std::string hosts = rest.substr(0, slash);
    const std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (u.sentinel) {
        if (tail.empty() || tail.find_first_of("/ ") != std::string::npos) throw std::invalid_argument(kUrlHelp);
        u.master = tail;
        std::size_t at = 0;
        while (at <= hosts.size()) {
            const auto comma = hosts.find(',', at);
            u.hosts.push_back(parse_host_port(hosts.substr(at, comma == std::string::npos ? std::string::npos : comma - at)));
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
    } else {
        u.hosts.push_back(parse_host_port(hosts));
        if (!tail.empty()) {
            if (tail.size() > 2 || tail.find_first_not_of("0123456789") != std::string::npos)
                throw std::invalid_argument(kUrlHelp);
            u.db = std::stoi(tail);
        }
    }
    return u;
}

RedisLink::RedisLink(RedisUrl url, std::chrono::milliseconds timeout) : url_(std::move(url)), timeout_(timeout) {}

RedisLink::~RedisLink() { drop_locked(); }

void RedisLink::drop_locked() {
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
}

bool RedisLink::connect_to(const std::string& host, int port) {
    redisContext* c = redisConnectWithTimeout(host.c_str(), port, to_timeval(timeout_));
    if (!c || c->err) {
        if (c) redisFree(c);
        return false;
    }
    redisSetTimeout(c, to_timeval(timeout_));
    drop_locked();
    ctx_ = c;
    where_ = host + ":" + std::to_string(port);
    return true;
}

// The master's address as the first Sentinel that answers knows it.
std::optional<std::pair<std::string, int>> RedisLink::ask_sentinels() {
    for (const auto& [host, port] : url_.hosts) {
        if (!connect_to(host, port)) continue;
        append(ctx_, {"SENTINEL", "get-master-addr-by-name", url_.master});
        void* raw = nullptr;
        if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) continue;
        const RedisReply r = copy(static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        if (r.type == RedisReply::Type::array && r.elements.size() == 2) {
            try {
                return std::make_pair(r.elements[0].str, std::stoi(r.elements[1].str));
            } catch (const std::exception&) {
            }
        }
    }
    drop_locked();
    return std::nullopt;
}

bool RedisLink::connect_locked() {
    if (ctx_) return true;
    if (std::chrono::steady_clock::now() < retry_after_) return false;
    bool ok = false;
    if (url_.sentinel) {
        auto master = ask_sentinels();
        ok = master && connect_to(master->first, master->second);
        if (ok) {  // after a failover the old master may be back as a replica
            append(ctx_, {"ROLE"});
            void* raw = nullptr;
            ok = redisGetReply(ctx_, &raw) == REDIS_OK && raw;
            if (ok) {
                const RedisReply r = copy(static_cast<redisReply*>(raw));
                ok = r.type == RedisReply::Type::array && !r.elements.empty() && r.elements[0].str == "master";
                freeReplyObject(raw);
            }
        }
    } else {
        ok = connect_to(url_.hosts[0].first, url_.hosts[0].second);
    }
    if (ok && url_.db != 0) {
        append(ctx_, {"SELECT", std::to_string(url_.db)});
        void* raw = nullptr;
        ok = redisGetReply(ctx_, &raw) == REDIS_OK && raw && static_cast<redisReply*>(raw)->type != REDIS_REPLY_ERROR;
        if (raw) freeReplyObject(raw);
    }
    if (!ok) {
        drop_locked();
        retry_after_ = std::chrono::steady_clock::now() + kConnectBackoff;
    }
    return ok;
}

std::optional<std::vector<RedisReply>> RedisLink::run(const std::vector<std::vector<std::string>>& commands) {
    std::lock_guard<std::mutex> lock(mutex_);
    // A connection kept from earlier may have died with a Redis restart
    // (nothing was sent on it meanwhile): it fails once, then a fresh one
    // is tried at once rather than failing this call.
    const bool reused = ctx_ != nullptr;
    auto out = run_locked(commands);
    if (!out && reused) out = run_locked(commands);
    return out;
}

std::optional<std::vector<RedisReply>> RedisLink::run_locked(const std::vector<std::vector<std::string>>& commands) {
    if (!connect_locked()) return std::nullopt;
    for (const auto& c : commands) append(ctx_, c);
    std::vector<RedisReply> out;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
            drop_locked();  // broken or timed out: the stream is out of step; reconnect next time
            return std::nullopt;
        }
        out.push_back(copy(static_cast<redisReply*>(raw)));
        freeReplyObject(raw);
    }
    // A failed-over master answers writes with READONLY: follow the failover.
    for (const auto& r : out)
        if (r.type == RedisReply::Type::error && r.str.rfind("READONLY", 0) == 0) {
            drop_locked();
            return std::nullopt;
        }
    return out;
}

std::optional<RedisReply> RedisLink::run(const std::vector<std::string>& command) {
    auto r = run(std::vector<std::vector<std::string>>{command});
    if (!r) return std::nullopt;
    return std::move(r->front());
}

bool RedisLink::listen(const std::string& channel, const std::function<void(const std::string&)>& on) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!connect_locked()) return false;
    redisSetTimeout(ctx_, timeval{0, 0});  // messages come when they come
    listen_fd_ = ctx_->fd;
    append(ctx_, {"SUBSCRIBE", channel});
    bool subscribed = false;
    for (;;) {
        void* raw = nullptr;
        if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) break;
        const RedisReply r = copy(static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        // ["subscribe", channel, n] once, then ["message", channel, payload].
        if (r.type != RedisReply::Type::array || r.elements.size() != 3) continue;
        if (r.elements[0].str == "subscribe") subscribed = true;
        else if (r.elements[0].str == "message") on(r.elements[2].str);
    }
    listen_fd_ = -1;
    drop_locked();
    return subscribed;
}

void RedisLink::retry_now() {
    std::lock_guard<std::mutex> lock(mutex_);
    retry_after_ = {};
}

void RedisLink::interrupt() {
    const int fd = listen_fd_;
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

std::string RedisLink::where() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return where_;
}

}  // namespace relay
