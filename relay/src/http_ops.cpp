// Operator endpoints (/healthz, /metrics) and the route table (the join
// page's handlers are in http_join.cpp).
#include <array>

#include "cluster_directory.h"
#include "cluster_routing.h"
#include "e2e/request_auth.h"
#include "http_context.h"

namespace relay {

void healthz(HttpContext&, Exchange ex) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = "ok\n";
    ex.respond(std::move(res));
}

// For load balancers (HAProxy's httpchk): 200 while this node takes new
// connections, 503 `draining` once it drains (SIGTERM). In a cluster whose
// Redis is unreachable it still answers 200, with `directory_unavailable`
// as its body: the outage hits every node alike, and a balancer that took
// them all out would cut the running sessions' reconnects and answer the
// creates with its own page instead of the relay's clear 503
// (docs/RELAY.md "A cluster": a deviation from the first design, which
// answered 503).
void readyz(HttpContext& cx, Exchange ex) {
    const bool draining = cx.draining;
    const char* state = draining ? "draining" : cx.cluster && !cx.cluster->available() ? "directory_unavailable" : "ready";
    Response res{draining ? http::status::service_unavailable : http::status::ok, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(state) + "\n";
    ex.respond(std::move(res));
}

// The public request key, for admins to pin (proxy.conf relay_key). Fetch
// it over HTTPS or read it from the relay's log: over plain HTTP a proxy
// could answer with its own.
void relay_key(HttpContext& cx, Exchange ex) {
    ex.respond(json_response(200, "{\"relay_key\":\"" + e2e::to_hex(cx.relay_key.public_key) + "\"}"));
}

void metrics(HttpContext& cx, Exchange ex) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = cx.metrics.render(cx.directory.counts());
    if (cx.cluster) res.body() += cluster_metrics(*cx.cluster);
    ex.respond(std::move(res));
}

const Route* find_route(http::verb method, std::string_view path) {
    using V = http::verb;
    static const std::array<Route, 16> routes = {{
        {V::get, "/v1/poll/down", false, poll_down},
        {V::post, "/v1/poll/up", false, poll_up},
        {V::get, "/v1/stream/down", false, stream_down},
        {V::post, "/v1/stream/up", true, stream_up},
        {V::post, "/v1/sessions", false, create_session},
        {V::post, "/v1/sessions/join", false, join_session},
        {V::get, "/v1/session", false, session_state},
        {V::delete_, "/v1/session", false, end_session},
        {V::get, "/healthz", false, healthz},
        {V::get, "/readyz", false, readyz},
        {V::get, "/v1/relay-key", false, relay_key},
        {V::get, "/metrics", false, metrics},
        {V::get, "/", false, serve_join_page},
        {V::get, "/join.js", false, serve_join_script},
        {V::get, "/join.css", false, serve_join_style},
        {V::get, "/join", false, join_redirect},
    }};
    static const Route downloads{V::get, kDownloadsPrefix, false, serve_download};
    for (const Route& r : routes)
        if (r.method == method && r.path == path) return &r;
    if (method == V::get && path.substr(0, downloads.path.size()) == downloads.path) return &downloads;
    return nullptr;
}

}  // namespace relay
