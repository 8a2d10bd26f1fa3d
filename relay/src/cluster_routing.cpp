#include "cluster_routing.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "cluster_directory.h"
#include "e2e/request_auth.h"

namespace relay {
namespace {

// Rounds of look-up, forward and claim for one request: a lost CAS moves
// on to the winner, which may itself be gone.
constexpr int kRounds = 3;

enum class Reach { here, forwarded, gone };

void unavailable(HttpContext&, Exchange& ex) {
    ex.respond(error_response(ApiError::directory_unavailable));
}

std::shared_ptr<SideKey> side_key_from(HttpContext& cx, const std::string& pub_hex) {
    if (pub_hex.empty()) return nullptr;
    auto pub = e2e::key_from_hex(pub_hex);
    if (!pub) return nullptr;
    return std::make_shared<SideKey>(e2e::relay_request_key(cx.relay_key.secret, cx.relay_key.public_key, *pub));
}

void adopt_here(HttpContext& cx, const SessionRecord& r) {
    AdoptedSession a;
    a.name = r.name;
    a.code_key = r.code_key;
    a.desk_key = r.desk_key.empty() ? r.id : r.desk_key;
    a.client_key = r.client_key;
    a.joined = r.joined;
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    a.code_left = std::chrono::seconds(std::max(0LL, r.code_until - now));
    a.desk_side_key = side_key_from(cx, r.desk_pub);
    a.client_side_key = side_key_from(cx, r.client_pub);
    // Already here: a join answered by another node whose message did not
    // arrive (yet); Redis, which decided it, says who joined.
    if (!cx.directory.adopt(a)) {
        if (r.joined && !r.client_key.empty()) cx.directory.apply_join(a.desk_key, r.client_key, a.client_side_key);
        return;
    }
    ++cx.cluster->counters.adopted;
    cx.log.info(session_prefix(a.desk_key.substr(0, 8)),
                "adopted: its home " + (r.home.empty() ? std::string("released it (drain)") : r.home + " is gone"));
}

// A draining node adopts nothing: the request goes to another live node.
Reach hand_to_other(HttpContext& cx, Exchange& ex) {
    std::string node, where;
    const Found f = cx.cluster->other_live_node(node, where);
    if (f != Found::yes) {
        unavailable(cx, ex);
        return Reach::forwarded;
    }
    ex.forward(node, where);
    return Reach::forwarded;
}

// Session `id` is not here: forward to its live home, or adopt it. `token_key`
// (may be empty) is cached with the home for reconnects during an outage.
Reach reach(HttpContext& cx, Exchange& ex, const std::string& id, const std::string& token_key) {
    ClusterDirectory& cl = *cx.cluster;
    for (int round = 0; round < kRounds; ++round) {
        SessionRecord rec;
        const Found f = cl.session(id, rec);
        if (f == Found::unavailable) {
            unavailable(cx, ex);
            return Reach::forwarded;
        }
        if (f != Found::yes) return Reach::gone;
        if (!rec.home.empty() && rec.home != cl.node_id()) {
            std::string where;
            const Found n = cl.node_address(rec.home, where);
            if (n == Found::unavailable) {
                unavailable(cx, ex);
                return Reach::forwarded;
            }
            if (n == Found::yes && !cl.refused_recently(rec.home, where)) {
                if (!token_key.empty()) cl.remember_home(token_key, rec.home, where);
                ex.forward(rec.home, where);
                return Reach::forwarded;
            }
            // No key right after an outage: its home may not have beaten
            // again yet. The endpoint retries a 503 a moment later.
            if (n == Found::no && !cl.liveness_settled()) {
                unavailable(cx, ex);
                return Reach::forwarded;
            }
        }
        // Its home is gone (no liveness key, or this run of it refused us),
        // released it, or is this node under the same id after a restart:
        // take it over.
        if (cx.draining) return hand_to_other(cx, ex);
        std::string home;
        const Found c = cl.claim(id, rec.home, cl.node_id(), home);
        if (c == Found::unavailable) {
            unavailable(cx, ex);
            return Reach::forwarded;
        }
        if (c == Found::no) return Reach::gone;
        if (home == cl.node_id()) {
            adopt_here(cx, rec);
            return Reach::here;
        }
        // Lost the race: the next round forwards to the winner.
    }
    unavailable(cx, ex);
    return Reach::forwarded;
}

}  // namespace

std::optional<Result<Endpoint>> find_token_in_cluster(HttpContext& cx, Exchange& ex, const std::string& token) {
    ClusterDirectory& cl = *cx.cluster;
    const std::string key = ClusterDirectory::token_key(token);
    // A token this node forwarded before goes to the same home without a
    // look-up (poll mode asks often; Redis may be down). Should the home
    // have changed, that node looks it up in Redis, which is the truth: a
    // request forwarded by a node never takes the cache, so none loops.
    auto cached = ex.request().from_node ? std::nullopt : cl.cached_home(key);
    if (cached && !cl.refused_recently(cached->first, cached->second)) {
        ex.forward(cached->first, cached->second);
        return std::nullopt;
    }
    std::string id;
    Side side{};
    const Found f = cl.find_token(key, id, side);
    if (f == Found::unavailable) {
        unavailable(cx, ex);
        return std::nullopt;
    }
    if (f == Found::ended) return Result<Endpoint>(ApiError::ended_session);
    if (f == Found::no) return Result<Endpoint>(ApiError::bad_token);
    switch (reach(cx, ex, id, key)) {
    case Reach::forwarded: return std::nullopt;
    case Reach::gone: return Result<Endpoint>(ApiError::bad_token);
    case Reach::here: break;
    }
    return cx.directory.authenticate(token);
}

static ApiError join_error(const std::string& id) {
    if (id == "used_code") return ApiError::used_code;
    if (id == "expired_code") return ApiError::expired_code;
    if (id == "ended_session") return ApiError::ended_session;
    return ApiError::unknown_code;
}

Result<ClusterJoin> join_in_cluster(HttpContext& cx, const std::string& code, const std::shared_ptr<SideKey>& key,
                                    const std::string& client_pub) {
    ClusterDirectory& cl = *cx.cluster;
    ClusterJoin j{cx.directory.fresh_token(), ""};
    const std::string client_key = ClusterDirectory::token_key(j.token);
    ClusterDirectory::JoinedRecord rec;
    switch (cl.join(cl.code_key(code), client_key, client_pub, rec)) {
    case Found::unavailable: return ApiError::directory_unavailable;
    case Found::no: return ApiError::unknown_code;
    case Found::ended: return join_error(rec.error);
    case Found::yes: break;
    }
    // Homed here: at once (the message to this node is then a no-op).
    if (rec.home == cl.node_id()) cx.directory.apply_join(rec.id, client_key, key);
    j.name = rec.name;
    return j;
}

void apply_remote_join(HttpContext& cx, const std::string& id, const std::string& client_key,
                       const std::string& client_pub) {
    cx.directory.apply_join(id, client_key, side_key_from(cx, client_pub));
}

std::string side_public_hex(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) return "";
    return j["key"].get<std::string>();
}

std::string cluster_metrics(const ClusterDirectory& cl) {
    std::ostringstream o;
    auto header = [&o](const char* name, const char* type, const char* help) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    };
    header("tether_relay_node_info", "gauge", "This node's id in the cluster.");
    o << "tether_relay_node_info{node=\"" << cl.node_id() << "\"} 1\n";
    header("tether_relay_sessions_adopted_total", "counter", "Sessions taken over from a node that died or drained.");
    o << "tether_relay_sessions_adopted_total " << cl.counters.adopted << '\n';
    header("tether_relay_forwarded_connections", "gauge", "Client connections forwarded to their session's home node, open.");
    o << "tether_relay_forwarded_connections " << cl.counters.forwarded_open << '\n';
    header("tether_relay_forwarded_connections_total", "counter", "Client connections forwarded to their session's home node.");
    o << "tether_relay_forwarded_connections_total " << cl.counters.forwarded_total << '\n';
    header("tether_relay_directory_errors_total", "counter", "Redis calls that failed (unreachable, timed out, refused).");
    o << "tether_relay_directory_errors_total " << cl.counters.directory_errors << '\n';
    header("tether_relay_directory_up", "gauge", "1 while Redis answers.");
    o << "tether_relay_directory_up " << (cl.available() ? 1 : 0) << '\n';
    return o.str();
}

}  // namespace relay
