// proxydetect's decision -> ordered EndpointConfigs (see tunnel/routes.h).
#include "tunnel/routes.h"

namespace tunnel {
namespace {

// Connect + CONNECT + TLS bound of a route that has another behind it. A
// proxy that accepts and never answers would otherwise hold the failover
// for the whole connect_timeout (15 s); a working proxy answers within a
// second or two even when loaded. The last route keeps the full bound.
constexpr std::chrono::milliseconds kFailoverConnectTimeout{5000};

TransportMode mode_of(proxydetect::Transport t) {
    switch (t) {
    case proxydetect::Transport::stream: return TransportMode::stream;
    case proxydetect::Transport::poll: return TransportMode::poll;
    default: return TransportMode::automatic;
    }
}

std::string describe(const proxydetect::Candidate& c) {
    std::string what = c.is_direct() ? "DIRECT" : std::string(proxydetect::to_string(c.kind)) +
                                                      " proxy " + c.host + ":" + std::to_string(c.port);
    return what + (c.source.empty() ? "" : " (from " + c.source + ")");
}

Route route_for(const proxydetect::Candidate& c, const proxydetect::AuthPolicy& auth,
                const EndpointConfig& base, bool allow_plain_http) {
    Route r{base, c, describe(c)};
    r.cfg.allow_plain_http = allow_plain_http;
    proxydetect::use_candidate(r.cfg, c, auth);
    return r;
}

}  // namespace

std::string auth_list(const std::vector<proxydetect::AuthScheme>& schemes) { return proxydetect::scheme_list(schemes); }

RoutePlan plan_routes(proxydetect::Detector& detector, const EndpointConfig& base) {
    proxydetect::Decision d = detector.resolve(base.relay_url);
    RoutePlan plan;
    plan.policy.mode = mode_of(d.transport);
    if (d.blocked())
        plan.blocked = "proxy detection failed and proxy.conf says on_detection_failure = fail: " +
                       (d.failure.empty() ? std::string("no candidate") : d.failure) +
                       " (run tether-proxydetect explain " + base.relay_url + ")";
    for (const auto& c : d.candidates) plan.routes.push_back(route_for(c, d.auth, base, d.allow_plain_http));
    for (std::size_t i = 0; i + 1 < plan.routes.size(); ++i) {
        auto& t = plan.routes[i].cfg.connect_timeout;
        t = std::min(t, kFailoverConnectTimeout);
    }
    return plan;
}

}  // namespace tunnel
