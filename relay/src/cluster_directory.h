// The cluster's shared session directory in Redis (issue 18; docs/RELAY.md
// "A cluster"). A node's own sessions stay in its SessionDirectory (served
// from memory, so they run on while Redis is down); this is written through
// on create, join (both synchronously: nothing is handed out before Redis
// holds it) and end (queued), and read on a local miss. Keys (prefix tether:):
//   node:<node id>     -> "HOST:PORT INCARNATION": its cluster address and a
//                         random number new at each start; EX 3 s,
//                         refreshed every second: the node's liveness
//   code:<code key>    -> session id, EX code life | "x:<error id>": a
//                         tombstone (EX --tombstone-ttl)
//   token:<token key>  -> "<session id> desk|client" | "x": a tombstone
//   session:<id>       -> hash {name, home, joined, code, desk, client,
//                         desk_pub, client_pub, created, code_until}
// and the pub/sub channel joins:<node id>: "<session id> <client token
// key> <client pub>" for each join of a session homed there that another
// node answered (ClusterDirectory::join).
// code key = hex HMAC-SHA-256(cluster secret, code); token key = hex
// SHA-256(token); session id = the desk's token key. No raw code or token
// ever reaches Redis. `home` is the node id serving the session, "" once
// released by a drain. Session records and token keys live
// record_ttl(), refreshed by their home every minute.
// Thread-safe. Internal to relay/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster_redis.h"
#include "relay/log.h"
#include "relay/session.h"
#include "relay/session_directory.h"

namespace relay {

struct ClusterSettings {
    RedisUrl redis;
    std::string node_id;
    std::string advertise;  // HOST:PORT other nodes dial (the cluster listener)
    std::string secret;     // --cluster-secret-file's contents
    std::chrono::seconds code_ttl{600}, grace{60}, tombstone_ttl{3600};
    // Each Redis call waits at most this long (loopback or LAN).
    std::chrono::milliseconds timeout{300};
};

// The answer of a lookup: found, a tombstone, nothing, or Redis unreachable.
enum class Found { yes, ended, no, unavailable };

struct SessionRecord {
    std::string id, name, home, code_key, desk_key, client_key;
    std::string desk_pub, client_pub;  // hex X25519 keys of keyed sides (plain HTTP), else ""
    bool joined = false;
    long long created = 0, code_until = 0;  // unix seconds
};

struct ClusterCounters {
    std::atomic<std::uint64_t> adopted{0};
    std::atomic<std::uint64_t> forwarded_total{0};
    std::atomic<std::int64_t> forwarded_open{0};
    std::atomic<std::uint64_t> directory_errors{0};  // Redis calls that failed
};

class ClusterDirectory {
public:
    // `settings.node_id` and `advertise` may be empty until start().
    ClusterDirectory(ClusterSettings settings, Log& log);
    ~ClusterDirectory();
    // What a home does when a client joined one of its sessions through
    // another node: (session id, client token key, client public key hex).
    using JoinedHook = std::function<void(const std::string&, const std::string&, const std::string&)>;
    // Starts the background thread: liveness key (`node_id` -> `advertise`)
    // every second, queued writes, and every minute the TTLs of the
    // sessions `local_ids` names; and the listener of channel
    // tether:joins:<node id>, which calls `on_joined` for each join of a
    // session homed here answered by another node. Before any other call
    // but keys().
    void start(const std::string& node_id, const std::string& advertise,
               std::function<std::vector<std::string>()> local_ids, JoinedHook on_joined = {});
    // Stops the thread after one last flush of queued writes; `leave`:
    // deletes the liveness key (a clean stop: others adopt at once).
    void stop(bool leave);

    const std::string& node_id() const { return s_.node_id; }
    const std::string& secret() const { return s_.secret; }
    DirectoryKeys keys() const;
    std::string code_key(const std::string& code) const;
    static std::string token_key(const std::string& token);
    // The last round trip with Redis worked (/readyz).
    bool available() const { return available_; }

    // ---- synchronous: bounded by kWriteWithin (1.2 s; at once during an
    // outage older than 3 s) ----
    enum class Publish { ok, code_taken, unavailable };
    // A new session homed here; code_taken: another node holds the code.
    // Retried for up to kWriteWithin (a Redis restart's reconnect).
    Publish publish(const SessionRecord& r);
    // A join by code, decided in Redis (any node answers a join, so Redis is
    // the one place that says which join won): if the code's session is
    // there and not joined yet, marks it joined by `client_key`, writes the
    // client's token key and publishes the join to the session's home, all
    // in one script. yes: this join won, `out` has id, name and home;
    // ended: `error` is the tombstone's error id (expired_code,
    // ended_session) or used_code; no: no such code; unavailable: Redis did
    // not take it within kWriteWithin (answer 503, hand out no token).
    struct JoinedRecord {
        std::string id, name, home, error;
    };
    Found join(const std::string& code_key, const std::string& client_key, const std::string& client_pub,
               JoinedRecord& out);
    // yes: `id` set; ended: `id` = the tombstone's error id.
    Found find_code(const std::string& code_key, std::string& id);
    Found find_token(const std::string& token_key, std::string& id, Side& side);
    Found session(const std::string& id, SessionRecord& out);
    // yes while the node's liveness key exists: `where` = its value,
    // "HOST:PORT INCARNATION" (what Exchange::forward takes).
    Found node_address(const std::string& node, std::string& where);
    // Compare-and-set of the session's home (a Lua script): to `to` only if
    // it is still `expected`. yes: `home` = its home afterwards (== `to` if
    // this call won); no: the session is gone.
    Found claim(const std::string& id, const std::string& expected, const std::string& to, std::string& home);
    // A live node other than this one, for a draining node's misses.
    Found other_live_node(std::string& node, std::string& addr);

    // ---- queued: written in order by the background thread, retried
    // while Redis is down (bounded); never blocks (called under the
    // session directory's lock) ----
    void ended(const EndedKeys& k);

    // Redis has been reachable for a liveness key's life (3 s): a missing
    // key now means a dead node. Right after an outage (during which every
    // key expired) it may only mean a node that has not beaten again yet,
    // whose sessions must not be adopted (they would be split).
    bool liveness_settled() const;
    // A node that refused a cluster connection counts as dead for a while
    // (its liveness key may outlive it by up to 3 s), but only that run of
    // it (`where` holds its incarnation): once restarted it lives again, and
    // adopting the sessions it holds then would split them.
    void refused(const std::string& node, const std::string& where);
    bool refused_recently(const std::string& node, const std::string& where) const;
    // The edge's cache token key -> home node and address, so that reconnects
    // of forwarded sessions keep working while Redis is down. Bounded.
    void remember_home(const std::string& token_key, const std::string& node, const std::string& addr);
    std::optional<std::pair<std::string, std::string>> cached_home(const std::string& token_key) const;

    ClusterCounters counters;

private:
    using Command = std::vector<std::string>;
    std::optional<std::vector<RedisReply>> call(RedisLink& link, const std::vector<Command>& cmds);
    std::optional<RedisReply> call1(RedisLink& link, const Command& cmd);
    void queue(std::vector<Command> cmds);
    void background();
    void listen_for_joins();
    std::vector<std::string> beat_command() const;  // SET this node's liveness key
    // `call1` again until it gets an answer or `kWriteWithin` passed.
    std::optional<RedisReply> call1_within(const Command& cmd);
    void flush_queue();
    void refresh_sessions();
    std::chrono::seconds record_ttl() const;

    ClusterSettings s_;  // node_id and advertise set by start()
    Log& log_;
    RedisLink fg_;  // callers' (io threads')
    RedisLink bg_;  // the background thread's
    RedisLink sub_;  // the join listener's (pub/sub ties up a connection)
    JoinedHook on_joined_;
    std::thread listener_;
    std::atomic<bool> listening_{false};
    std::atomic<bool> available_{false};
    std::atomic<std::chrono::steady_clock::rep> down_since_{0};
    std::atomic<std::chrono::steady_clock::rep> up_since_{0};  // when available_ last rose  // when available_ last fell
    std::function<std::vector<std::string>()> local_ids_;

    std::mutex mutex_;  // guards the queue and stop_
    std::condition_variable cv_;
    std::deque<Command> queue_;
    bool stop_ = false;
    std::thread thread_;

    mutable std::mutex cache_mutex_;
    std::string incarnation_;  // random, this run's: in the liveness key
    struct Refusal {
        std::string where;
        std::chrono::steady_clock::time_point until;
    };
    std::map<std::string, Refusal> refused_;
    std::map<std::string, std::pair<std::string, std::string>> homes_;
};

}  // namespace relay
