// What the HTTP handlers share: the core objects they adapt, and the route
// table that maps a request to one of them. Internal to relay/.
#pragma once

#include <atomic>
#include <optional>
#include <string_view>

#include "heartbeat_sweep.h"
#include "http_exchange.h"
#include "refusal_log.h"
#include "relay/capture.h"
#include "relay/config.h"
#include "relay/errors.h"
#include "relay/join_guard.h"
#include "relay/log.h"
#include "relay/metrics.h"
#include "relay/rate_limiter.h"
#include "relay/relay_key.h"
#include "relay/session_directory.h"

namespace relay {

class ClusterDirectory;

struct HttpContext {
    const Config& config;
    Log& log;
    Metrics& metrics;
    SessionDirectory& directory;
    JoinGuard& guard;             // join attempts
    RateLimiter& create_limiter;  // session creations
    Capture& capture;
    RefusalLog& refusals;
    HeartbeatSweep& heartbeats;  // the relay's ping(0) on idle downlinks
    const RelayKey& relay_key;    // plain-HTTP request keys (e2e/request_auth.h)
    // A cluster (--redis): the shared directory; nullptr for one relay.
    ClusterDirectory* cluster = nullptr;
    // SIGTERM seen: /readyz answers 503 draining (and a draining node of a
    // cluster adopts nothing).
    std::atomic<bool> draining{false};
};

// The endpoint of this request, or nullopt after answering 401/410 on `ex`.
// A side with a request key must send `X-Tether-Auth` (a fresh sequence
// number and a MAC over the request; its answers are then signed); other
// sides send `Authorization: Bearer <token>`, refused over plain HTTP.
std::optional<Endpoint> authenticate(HttpContext& cx, Exchange& ex);

using Handler = void (*)(HttpContext&, Exchange);
struct Route {
    http::verb method;
    std::string_view path;
    bool streamed_body;  // the handler consume()s the body; otherwise it is read whole first
    Handler handle;
};
// Paths under this prefix are the files of --downloads-dir (serve_download).
constexpr const char* kDownloadsPrefix = "/downloads/";
// The route of a request, nullptr if none (404).
const Route* find_route(http::verb method, std::string_view path);

// Handlers (http_api.cpp, http_stream.cpp, http_poll.cpp, http_ops.cpp).
void create_session(HttpContext& cx, Exchange ex);
void join_session(HttpContext& cx, Exchange ex);
void end_session(HttpContext& cx, Exchange ex);
void session_state(HttpContext& cx, Exchange ex);
void stream_down(HttpContext& cx, Exchange ex);
void stream_up(HttpContext& cx, Exchange ex);
void poll_down(HttpContext& cx, Exchange ex);
void poll_up(HttpContext& cx, Exchange ex);
void healthz(HttpContext& cx, Exchange ex);
void readyz(HttpContext& cx, Exchange ex);
void relay_key(HttpContext& cx, Exchange ex);
void metrics(HttpContext& cx, Exchange ex);
// The join page (http_join.cpp).
void serve_join_page(HttpContext& cx, Exchange ex);
void serve_join_script(HttpContext& cx, Exchange ex);
void serve_join_style(HttpContext& cx, Exchange ex);
void join_redirect(HttpContext& cx, Exchange ex);
void serve_download(HttpContext& cx, Exchange ex);

}  // namespace relay
