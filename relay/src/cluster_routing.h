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

// A join whose code missed locally (unknown_code).
enum class CodeRoute { here, forwarded, error };
// here: the code's session was adopted, join it locally; forwarded: handed
// to its home (or answered 503); error: `e` says what to answer.
CodeRoute find_code_in_cluster(HttpContext& cx, Exchange& ex, const std::string& code, ApiError& e);

// The public key hex of a create's or join's "key" field ("" without one):
// kept in Redis so that an adopting node rebuilds the side's request key.
std::string side_public_hex(const std::string& body);

// /metrics lines of a cluster node.
std::string cluster_metrics(const ClusterDirectory& cluster);

}  // namespace relay
