// Which sessions exist and who may talk to them: codes (6 digits, or more
// while the join guard is up; single use, expire unused), tokens (one per side), tombstones (expired, used and
// ended codes are remembered for tombstone_ttl so that joins get the right
// error and the code is not handed out again meanwhile).
// Thread-safe. Codes and tokens stay inside: nothing here logs them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "e2e/request_auth.h"
#include "relay/duration_histogram.h"
#include "relay/errors.h"
#include "relay/log.h"
#include "relay/random_source.h"
#include "relay/session.h"
#include "relay/time_source.h"
#include "wire/session_code.h"

namespace relay {

struct DirectoryLimits {
    std::chrono::seconds code_ttl{600};        // unused code expires (PROTOCOL.md: 10 min)
    std::chrono::seconds grace{60};            // a side may be gone this long
    std::chrono::seconds tombstone_ttl{3600};  // dead codes are remembered this long
    std::size_t max_sessions = 100000;         // live sessions; beyond: `busy`
    std::size_t buffer_bytes = 1 << 20;        // per direction, see FrameQueue
};

// Result of an operation: a value or the error to report.
template <class T>
using Result = std::variant<T, ApiError>;

// The request key of a side that authenticates each request (plain HTTP,
// e2e/request_auth.h) and the sequence numbers it used. Thread-safe.
class SideKey {
public:
    explicit SideKey(const e2e::Key& k) : key_(k) {}
    ~SideKey() { e2e::wipe(key_); }
    const e2e::Key& key() const { return key_; }
    // True once per sequence number (replays and numbers too old: false).
    bool accept(std::uint64_t seq) {
        std::lock_guard<std::mutex> lk(mu_);
        return window_.accept(seq);
    }

private:
    e2e::Key key_;
    std::mutex mu_;
    e2e::ReplayWindow window_;
};

struct Created {
    std::string code;
    std::string token;
    std::shared_ptr<Session> session;
};

struct Joined {
    std::string token;
    std::shared_ptr<Session> session;
    std::string desk_key;  // the desk's token as a key (DirectoryKeys): a cluster's session id
};

struct Endpoint {
    std::shared_ptr<Session> session;
    Side side;
    // Set for a side created or joined with a request key: its requests
    // must carry a MAC under it; its token alone authorises nothing.
    std::shared_ptr<SideKey> key;
};

// Why a session ends; each maps to the end reason each side receives.
enum class EndCause { by_desk, by_client, peer_timeout, expired, shutdown };

// How codes and tokens are kept as map keys. Empty functions (one relay):
// as they are. In a cluster: hashed, the same keys as in Redis
// (cluster_directory.h), so that a session adopted from another node can be
// rebuilt from what Redis holds, which never holds a raw code or token.
struct DirectoryKeys {
    std::function<std::string(const std::string&)> code, token;
};

// The keys of a session that ended (DirectoryKeys applied), for the
// cluster's tombstones; client empty if nobody joined.
struct EndedKeys {
    std::string code, desk, client;
    bool expired = false;  // its code expired unused (else: ended)
};

// A session rebuilt from the cluster directory on the node that adopts it
// (its home died or was drained). Keys as DirectoryKeys makes them.
struct AdoptedSession {
    std::string name, code_key, desk_key, client_key;  // client_key empty: not joined
    bool joined = false;
    std::chrono::seconds code_left{0};  // unjoined: what is left of its code's life
    std::shared_ptr<SideKey> desk_side_key, client_side_key;  // keyed sides (plain HTTP), else nullptr
};

struct DirectoryCounts {
    std::size_t waiting = 0, connected = 0, reconnecting = 0, tombstones = 0;
    DurationHistogram durations;  // joined sessions that ended: join to end
};

class SessionDirectory {
public:
    SessionDirectory(const TimeSource& time, RandomSource& rng, DirectoryLimits limits, Log& log,
                     DirectoryKeys keys = {});

    // A new session whose code has `digits` digits (wire/session_code.h).
    // `key`: the side's request key (plain HTTP), or nullptr (bearer token).
    Result<Created> create(const std::string& name, std::size_t digits = wire::kShortCodeDigits,
                           std::shared_ptr<SideKey> key = nullptr);
    Result<Joined> join(const std::string& code, std::shared_ptr<SideKey> key = nullptr);
    // ended_session for a token of an ended session, bad_token otherwise.
    Result<Endpoint> authenticate(const std::string& token) const;
    // false if it had already ended.
    bool end(const Session& session, EndCause cause);
    // Expires unused codes, ends sessions whose side is gone past the grace
    // period, forgets old tombstones. Call about once a second.
    void sweep();
    void end_all(EndCause cause);
    // Draining (SIGTERM): create() answers busy from now on; joins and
    // running sessions go on.
    void refuse_new_sessions();
    DirectoryCounts counts() const;

    // ---- a cluster (issue 18; unused by one relay) ----
    // Called under the directory's lock for every session that ends: must
    // only queue work (ClusterDirectory queues its Redis writes).
    void set_end_hook(std::function<void(const EndedKeys&)> hook);
    // Adds a session taken over from another node; false if its desk key is
    // already here (adopted meanwhile by another request).
    bool adopt(const AdoptedSession& a);
    // A client joined session `desk_key` (homed here) through another node,
    // which decided the join in Redis: records its token key and marks it
    // joined, so that its grace and code expiry run as for a local join.
    // false if no such session, or it already has another client.
    // A new token from this directory's random source (a cluster's join at
    // an edge node, whose session lives elsewhere).
    std::string fresh_token();
    bool apply_join(const std::string& desk_key, const std::string& client_key, std::shared_ptr<SideKey> key);
    // Removes a session without ending it: no end frames, no tombstone, no
    // end hook (its code collided in the cluster, or it moves to another
    // node). Its carriers stay attached until they close.
    void forget(const Session& session);
    // Drain: forgets every session; returns their desk keys (their cluster ids).
    std::vector<std::string> release_all();
    // The desk keys of the live sessions (their cluster ids).
    std::vector<std::string> desk_keys() const;
    std::string code_key(const std::string& code) const { return keys_.code ? keys_.code(code) : code; }
    std::string token_key(const std::string& token) const { return keys_.token ? keys_.token(token) : token; }

private:
    struct Entry {
        std::shared_ptr<Session> session;
        std::string code, desk_token, client_token;  // as keys (DirectoryKeys)
        TimePoint code_expires;
        bool joined = false;
        TimePoint joined_at{};  // for the duration histogram
    };
    struct Tombstone {
        ApiError error;
        TimePoint until;
    };
    using Entries = std::unordered_map<const Session*, Entry>;

    std::string fresh_code_locked(std::size_t digits);
    ApiError join_error_locked(const std::string& code) const;
    // The client (its token's key `client_key`) joined `e`, here or, per
    // `how`, through another node.
    void mark_joined_locked(Entry& e, const std::string& client_key, std::shared_ptr<SideKey> key,
                            const std::string& how);
    void end_locked(Entries::iterator it, EndCause cause);
    void expire_locked(TimePoint now);
    void drop_old_tombstones_locked(TimePoint now);
    void forget_locked(Entries::iterator it);

    const TimeSource& time_;
    RandomSource& rng_;
    const DirectoryLimits limits_;
    Log& log_;
    const DirectoryKeys keys_;
    std::function<void(const EndedKeys&)> end_hook_;  // a cluster's tombstones, or empty
    mutable std::mutex mutex_;
    bool refusing_ = false;                                   // draining: no new sessions
    Entries entries_;                                         // live sessions
    // Codes and tokens as keys (DirectoryKeys: themselves, or hashed).
    std::unordered_map<std::string, const Session*> codes_;   // live code -> session
    std::unordered_map<std::string, Endpoint> tokens_;        // live token -> side
    std::unordered_map<std::string, Tombstone> tombstones_;   // dead code -> why
    std::unordered_map<std::string, TimePoint> dead_tokens_;  // token of an ended session -> until
    DurationHistogram durations_;                             // sessions that ended after a join
};

}  // namespace relay
