#include "cluster_directory.h"

#include <pthread.h>

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <random>

namespace relay {
namespace {

const std::string kPrefix = "tether:";
// Liveness: the key lives 3 s and is set every second: a node that stopped
// is seen dead within 3 s, a busy one survives two missed beats.
constexpr std::chrono::seconds kNodeTtl{3};
constexpr std::chrono::seconds kBeat{1};
// Session records' TTLs are refreshed this often by their home.
constexpr std::chrono::seconds kRefreshEvery{60};
// Queued writes kept while Redis is down; beyond, the oldest are dropped
// (counted as directory errors). ~100 bytes each.
constexpr std::size_t kMaxQueued = 100000;
// A refused node counts as dead this long: longer than its liveness key's life.
constexpr std::chrono::seconds kRefusedFor{5};
// A call of a request (a create's or join's write, a look-up) is retried
// this long before the answer is 503:
// long enough for a reconnect after a Redis restart (RedisLink backs off
// 500 ms after a failed connect), short for an io thread. Once Redis has
// been unreachable for kKnownOutage, it is not retried: 503 at once.
constexpr std::chrono::milliseconds kWriteWithin{1200};
constexpr std::chrono::milliseconds kRetryEvery{100};
constexpr std::chrono::seconds kKnownOutage{3};
// Edge cache entries kept (token key -> home); the oldest half goes beyond.
constexpr std::size_t kMaxCachedHomes = 100000;

std::string hex(const unsigned char* d, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[d[i] >> 4]);
        out.push_back(digits[d[i] & 15]);
    }
    return out;
}

std::string key(const std::string& kind, const std::string& k) { return kPrefix + kind + ":" + k; }

// KEYS: code, session, desk token. ARGV: id, code ttl, name, home, code key,
// desk key, desk pub, created, code_until, record ttl.
const char* kPublishScript = R"(
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  -- taken, unless by this very session: a retry of a call that timed out
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
end
redis.call('HSET', KEYS[2], 'name', ARGV[3], 'home', ARGV[4], 'joined', '0', 'code', ARGV[5], 'desk', ARGV[6],
           'client', '', 'desk_pub', ARGV[7], 'client_pub', '', 'created', ARGV[8], 'code_until', ARGV[9])
redis.call('EXPIRE', KEYS[2], ARGV[10])
redis.call('SET', KEYS[3], ARGV[1] .. ' desk', 'EX', ARGV[10])
return 1
)";

// A join by code (ClusterDirectory::join). KEYS: code. ARGV: client key,
// client pub, record ttl. Returns {1, id, name, home} if this join won, else
// {0, error id}.
const char* kJoinScript = R"(
local id = redis.call('GET', KEYS[1])
if not id then return {0, 'unknown_code'} end
if string.sub(id, 1, 2) == 'x:' then return {0, string.sub(id, 3)} end
local s = 'tether:session:' .. id
local f = redis.call('HMGET', s, 'joined', 'name', 'home')
if not f[1] then return {0, 'unknown_code'} end
if f[1] == '1' then
  -- a retry of this very join (its first call timed out) won, not another's
  if redis.call('HGET', s, 'client') ~= ARGV[1] then return {0, 'used_code'} end
  return {1, id, f[2] or '', f[3] or ''}
end
redis.call('HSET', s, 'joined', '1', 'client', ARGV[1], 'client_pub', ARGV[2])
redis.call('SET', 'tether:token:' .. ARGV[1], id .. ' client', 'EX', ARGV[3])
if f[3] and f[3] ~= '' then
  redis.call('PUBLISH', 'tether:joins:' .. f[3], id .. ' ' .. ARGV[1] .. ' ' .. ARGV[2])
end
return {1, id, f[2] or '', f[3] or ''}
)";

// The adoption's compare-and-set. KEYS: session. ARGV: expected home, new home.
// Returns {1, new} if it won, {0, current} if not, {-1, ''} if no such session.
const char* kClaimScript = R"(
local h = redis.call('HGET', KEYS[1], 'home')
if not h then return {-1, ''} end
if h == ARGV[1] then
  redis.call('HSET', KEYS[1], 'home', ARGV[2])
  return {1, ARGV[2]}
end
return {0, h}
)";

// A home's refresh of one of its sessions. KEYS: session. ARGV: ttl, home.
const char* kRefreshScript = R"(
local f = redis.call('HMGET', KEYS[1], 'home', 'desk', 'client')
if f[1] ~= ARGV[2] then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[1])
if f[2] and f[2] ~= '' then redis.call('EXPIRE', 'tether:token:' .. f[2], ARGV[1]) end
if f[3] and f[3] ~= '' then redis.call('EXPIRE', 'tether:token:' .. f[3], ARGV[1]) end
return 1
)";

long long unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ClusterDirectory::ClusterDirectory(ClusterSettings settings, Log& log)
    : s_(std::move(settings)), log_(log), fg_(s_.redis, s_.timeout), bg_(s_.redis, s_.timeout), sub_(s_.redis, s_.timeout) {
    std::random_device rd;
    incarnation_ = std::to_string(rd()) + std::to_string(rd());
}

ClusterDirectory::~ClusterDirectory() { stop(false); }

std::chrono::seconds ClusterDirectory::record_ttl() const {
    // Long enough to outlive a minute of missed refreshes by far; a session
    // whose home vanished for good is forgotten after it.
    return std::max<std::chrono::seconds>(std::chrono::minutes(10), 2 * (s_.code_ttl + s_.grace));
}

DirectoryKeys ClusterDirectory::keys() const {
    return DirectoryKeys{[this](const std::string& c) { return code_key(c); }, &ClusterDirectory::token_key};
}

std::string ClusterDirectory::code_key(const std::string& code) const {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), s_.secret.data(), static_cast<int>(s_.secret.size()),
         reinterpret_cast<const unsigned char*>(code.data()), code.size(), mac, &len);
    return hex(mac, len);
}

std::string ClusterDirectory::token_key(const std::string& token) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
    return hex(digest, sizeof digest);
}

std::optional<std::vector<RedisReply>> ClusterDirectory::call(RedisLink& link, const std::vector<Command>& cmds) {
    auto r = link.run(cmds);
    if (r) {
        for (const auto& reply : *r)
            if (reply.type == RedisReply::Type::error) {
                ++counters.directory_errors;
                log_.warn("cluster", "Redis refused a command: " + reply.str);
            }
    } else {
        ++counters.directory_errors;
    }
    const bool was = available_.exchange(r.has_value());
    if (was && !r) down_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
    if (was && !r) log_.warn("cluster", "Redis " + s_.redis.text + " unreachable: new sessions get 503 until it is back");
    if (!was && r) {
        log_.info("cluster", "Redis reachable at " + link.where());
        up_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
        // This node's liveness key may have expired during the outage: at
        // once, not at the next beat (others must not take it for dead).
        if (!s_.node_id.empty()) link.run(beat_command());
        fg_.retry_now();  // requests need not wait out a back-off
        bg_.retry_now();
    }
    return r;
}

std::optional<RedisReply> ClusterDirectory::call1(RedisLink& link, const Command& cmd) {
    auto r = call(link, {cmd});
    if (!r) return std::nullopt;
    return std::move(r->front());
}

ClusterDirectory::Publish ClusterDirectory::publish(const SessionRecord& r) {
    const std::string ttl = std::to_string(record_ttl().count());
    auto reply = call1_within({"EVAL", kPublishScript, "3", key("code", r.code_key), key("session", r.id),
                             key("token", r.desk_key), r.id, std::to_string(s_.code_ttl.count()), r.name, s_.node_id,
                             r.code_key, r.desk_key, r.desk_pub, std::to_string(unix_now()),
                             std::to_string(unix_now() + s_.code_ttl.count()), ttl});
    if (!reply || reply->type != RedisReply::Type::integer) return Publish::unavailable;
    return reply->integer == 1 ? Publish::ok : Publish::code_taken;
}

std::optional<RedisReply> ClusterDirectory::call1_within(const Command& cmd) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + kWriteWithin;
    for (;;) {
        auto r = call1(fg_, cmd);
        if (r) return r;
        const auto down_for = Clock::now().time_since_epoch() - Clock::duration(down_since_.load());
        // A known outage fails fast (io threads have sessions to serve)
        // unless the background beat just saw Redis back.
        if ((down_for > kKnownOutage && !available_) || Clock::now() + kRetryEvery > deadline) return std::nullopt;
        std::this_thread::sleep_for(kRetryEvery);
    }
}

Found ClusterDirectory::join(const std::string& code_key, const std::string& client_key,
                             const std::string& client_pub, JoinedRecord& out) {
    auto r = call1_within({"EVAL", kJoinScript, "1", key("code", code_key), client_key, client_pub,
                           std::to_string(record_ttl().count())});
    if (!r || r->type != RedisReply::Type::array || r->elements.size() < 2) return Found::unavailable;
    if (r->elements[0].integer != 1) {
        out.error = r->elements[1].str;
        return out.error == "unknown_code" ? Found::no : Found::ended;
    }
    if (r->elements.size() != 4) return Found::unavailable;
    out.id = r->elements[1].str;
    out.name = r->elements[2].str;
    out.home = r->elements[3].str;
    return Found::yes;
}

Found ClusterDirectory::find_code(const std::string& code_key, std::string& id) {
    auto r = call1_within({"GET", key("code", code_key)});
    if (!r) return Found::unavailable;
    if (r->is_nil()) return Found::no;
    if (r->str.rfind("x:", 0) == 0) {
        id = r->str.substr(2);
        return Found::ended;
    }
    id = r->str;
    return Found::yes;
}

Found ClusterDirectory::find_token(const std::string& token_key, std::string& id, Side& side) {
    auto r = call1_within({"GET", key("token", token_key)});
    if (!r) return Found::unavailable;
    if (r->is_nil()) return Found::no;
    const auto space = r->str.find(' ');
    if (space == std::string::npos) return Found::ended;
    id = r->str.substr(0, space);
    side = r->str.substr(space + 1) == "client" ? Side::client : Side::desk;
    return Found::yes;
}

Found ClusterDirectory::session(const std::string& id, SessionRecord& out) {
    auto r = call1_within({"HGETALL", key("session", id)});
    if (!r) return Found::unavailable;
    if (r->type != RedisReply::Type::array || r->elements.empty()) return Found::no;
    std::map<std::string, std::string> f;
    for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) f[r->elements[i].str] = r->elements[i + 1].str;
    out = SessionRecord{};
    out.id = id;
    out.name = f["name"];
    out.home = f["home"];
    out.code_key = f["code"];
    out.desk_key = f["desk"];
    out.client_key = f["client"];
    out.desk_pub = f["desk_pub"];
    out.client_pub = f["client_pub"];
    out.joined = f["joined"] == "1";
    try {
        out.created = std::stoll(f["created"]);
        out.code_until = std::stoll(f["code_until"]);
    } catch (const std::exception&) {
    }
    return Found::yes;
}

Found ClusterDirectory::node_address(const std::string& node, std::string& where) {
    auto r = call1_within({"GET", key("node", node)});
    if (!r) return Found::unavailable;
    if (r->is_nil()) return Found::no;
    where = r->str;
    return Found::yes;
}

Found ClusterDirectory::claim(const std::string& id, const std::string& expected, const std::string& to,
                              std::string& home) {
    auto r = call1(fg_, {"EVAL", kClaimScript, "1", key("session", id), expected, to});
    if (!r || r->type != RedisReply::Type::array || r->elements.size() != 2) return Found::unavailable;
    if (r->elements[0].integer < 0) return Found::no;
    home = r->elements[1].str;
    return Found::yes;
}

Found ClusterDirectory::other_live_node(std::string& node, std::string& where) {
    std::vector<std::string> nodes;
    std::string cursor = "0";
    for (int round = 0; round < 10; ++round) {  // bounded: a few hundred nodes at most
        auto r = call1(fg_, {"SCAN", cursor, "MATCH", kPrefix + "node:*", "COUNT", "1000"});
        if (!r || r->elements.size() != 2) return Found::unavailable;
        for (const auto& k : r->elements[1].elements) {
            std::string n = k.str.substr(kPrefix.size() + 5);
            if (n != s_.node_id) nodes.push_back(n);
        }
        cursor = r->elements[0].str;
        if (cursor == "0") break;
    }
    static thread_local std::minstd_rand pick{std::random_device{}()};
    std::shuffle(nodes.begin(), nodes.end(), pick);
    for (std::size_t i = 0; i < nodes.size() && i < 5; ++i) {
        const Found f = node_address(nodes[i], where);
        if (f == Found::unavailable) return f;
        if (f == Found::yes && !refused_recently(nodes[i], where)) {
            node = nodes[i];
            return Found::yes;
        }
    }
    return Found::no;
}

void ClusterDirectory::queue(std::vector<Command> cmds) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& c : cmds) queue_.push_back(std::move(c));
    while (queue_.size() > kMaxQueued) {
        queue_.pop_front();
        ++counters.directory_errors;
    }
    cv_.notify_all();
}

void ClusterDirectory::ended(const EndedKeys& k) {
    const std::string ttl = std::to_string(s_.tombstone_ttl.count());
    std::vector<Command> cmds;
    if (!k.code.empty())
        cmds.push_back({"SET", key("code", k.code), k.expired ? "x:expired_code" : "x:ended_session", "EX", ttl});
    cmds.push_back({"SET", key("token", k.desk), "x", "EX", ttl});
    if (!k.client.empty()) cmds.push_back({"SET", key("token", k.client), "x", "EX", ttl});
    cmds.push_back({"DEL", key("session", k.desk)});
    queue(std::move(cmds));
}

std::vector<std::string> ClusterDirectory::beat_command() const {
    return {"SET", key("node", s_.node_id), s_.advertise + " " + incarnation_, "EX", std::to_string(kNodeTtl.count())};
}

bool ClusterDirectory::liveness_settled() const {
    using Clock = std::chrono::steady_clock;
    return available_ && Clock::now().time_since_epoch() - Clock::duration(up_since_.load()) >= kNodeTtl;
}

void ClusterDirectory::refused(const std::string& node, const std::string& where) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    refused_[node] = Refusal{where, std::chrono::steady_clock::now() + kRefusedFor};
}

bool ClusterDirectory::refused_recently(const std::string& node, const std::string& where) const {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = refused_.find(node);
    return it != refused_.end() && it->second.where == where && std::chrono::steady_clock::now() < it->second.until;
}

void ClusterDirectory::remember_home(const std::string& token_key, const std::string& node, const std::string& addr) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (homes_.size() >= kMaxCachedHomes) homes_.erase(homes_.begin(), std::next(homes_.begin(), kMaxCachedHomes / 2));
    homes_[token_key] = {node, addr};
}

std::optional<std::pair<std::string, std::string>> ClusterDirectory::cached_home(const std::string& token_key) const {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = homes_.find(token_key);
    if (it == homes_.end()) return std::nullopt;
    return it->second;
}

void ClusterDirectory::start(const std::string& node_id, const std::string& advertise,
                             std::function<std::vector<std::string>()> local_ids, JoinedHook on_joined) {
    s_.node_id = node_id;
    s_.advertise = advertise;
    local_ids_ = std::move(local_ids);
    on_joined_ = std::move(on_joined);
    // The first beat before serving: /readyz is right from the start.
    call1(bg_, beat_command());
    thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "cluster-beat");  // top -H, perf, bench_cluster
        background();
    });
    if (on_joined_) {
        listening_ = true;
        listener_ = std::thread([this] {
            ::pthread_setname_np(::pthread_self(), "cluster-joins");
            listen_for_joins();
        });
    }
}

// A join another node answered for a session homed here. Messages sent
// while this is not subscribed (Redis restarting) are lost: the home then
// learns of the join from Redis when the client's first request reaches
// it (cluster_routing.cpp), so they are a matter of promptness only.
void ClusterDirectory::listen_for_joins() {
    const std::string channel = kPrefix + "joins:" + s_.node_id;
    while (listening_) {
        sub_.listen(channel, [this](const std::string& m) {
            const auto a = m.find(' ');
            const auto b = a == std::string::npos ? a : m.find(' ', a + 1);
            if (b == std::string::npos) return;
            on_joined_(m.substr(0, a), m.substr(a + 1, b - a - 1), m.substr(b + 1));
        });
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, kRetryEvery * 5, [this] { return !listening_; });
    }
}

void ClusterDirectory::stop(bool leave) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_ || !thread_.joinable()) return;
        stop_ = true;
        cv_.notify_all();
    }
    thread_.join();
    if (listener_.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            listening_ = false;
            cv_.notify_all();
        }
        // Its socket may be opened just after an interrupt: again until it ends.
        std::atomic<bool> done{false};
        std::thread waiter([this, &done] { listener_.join(); done = true; });
        while (!done) {
            sub_.interrupt();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        waiter.join();
    }
    flush_queue();
    if (leave) call1(bg_, {"DEL", key("node", s_.node_id)});
}

void ClusterDirectory::flush_queue() {
    std::vector<Command> batch;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batch.assign(queue_.begin(), queue_.end());
    }
    if (batch.empty()) return;
    if (!call(bg_, batch)) return;  // kept for the next round
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(std::min(batch.size(), queue_.size())));
}

void ClusterDirectory::refresh_sessions() {
    if (!local_ids_) return;
    const std::string ttl = std::to_string(record_ttl().count());
    std::vector<Command> cmds;
    for (const auto& id : local_ids_()) cmds.push_back({"EVAL", kRefreshScript, "1", key("session", id), ttl, s_.node_id});
    if (!cmds.empty()) call(bg_, cmds);
}

// Liveness every second; queued writes as they come (in order, retried
// until Redis takes them); session TTLs every minute.
void ClusterDirectory::background() {
    using Clock = std::chrono::steady_clock;
    auto next_beat = Clock::now();
    auto next_refresh = Clock::now() + kRefreshEvery;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        cv_.wait_until(lock, next_beat, [this] { return stop_ || !queue_.empty(); });
        if (stop_) break;
        lock.unlock();
        flush_queue();
        if (Clock::now() >= next_beat) {
            next_beat = Clock::now() + kBeat;
            call1(bg_, beat_command());
        }
        if (Clock::now() >= next_refresh) {
            next_refresh = Clock::now() + kRefreshEvery;
            refresh_sessions();
        }
        lock.lock();
        // While Redis is down queued writes wait for the next beat, not spin.
        if (!available_) cv_.wait_until(lock, next_beat, [this] { return stop_; });
    }
}

}  // namespace relay
