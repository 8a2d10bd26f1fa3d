// What a node of a cluster does with a request for a session it does not
// hold (docs/RELAY.md "A cluster"): it looks the session up in Redis and
// forwards the connection to the session's home node if that node lives;
// if the home died (no liveness key, or it refused the connection) or was
// drained, it adopts the session (a compare-and-set of its home in Redis)
// and serves it. Internal to relay/.
#pragma once

#include <optional>
#include <string>

#include "http_context.h"

namespace relay {

// `token` missed locally with `local` (bad_token). The session's endpoint if
// it was adopted here; else an error to answer as usual (bad_token,
// ended_session); nullopt once the request was forwarded or answered (503).
std::optional<Result<Endpoint>> find_token_in_cluster(HttpContext& cx, Exchange& ex, const std::string& token);

// A join by code in a cluster, answered by whichever node receives it (no
// forward: only carriers go to the session's home). Redis decides it
// (ClusterDirectory::join) and holds the client's token before this returns,
// so the client's next request finds it on any node. The home applies the
// join when Redis tells it (apply_remote_join) or, should that message be
// lost, when the client's first request reaches it. directory_unavailable:
// Redis did not take it in time (no token was handed out).
struct ClusterJoin {
    std::string token, name;
};
Result<ClusterJoin> join_in_cluster(HttpContext& cx, const std::string& code, const std::shared_ptr<SideKey>& key,
                                    const std::string& client_pub);

// A join of session `id` (homed here) answered by another node.
void apply_remote_join(HttpContext& cx, const std::string& id, const std::string& client_key,
                       const std::string& client_pub);

// The public key hex of a create's or join's "key" field ("" without one):
// kept in Redis so that an adopting node rebuilds the side's request key.
std::string side_public_hex(const std::string& body);

// /metrics lines of a cluster node.
std::string cluster_metrics(const ClusterDirectory& cluster);

}  // namespace relay
