// proxydetect's decision -> ordered EndpointConfigs (see tunnel/routes.h).
#include "tunnel/routes.h"

#include <optional>

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

Route route_for(const proxydetect::Candidate& c, const proxydetect::Decision& d, const EndpointConfig& base) {
    Route r{base, c, describe(c)};
    r.cfg.allow_plain_http = d.allow_plain_http;
    if (!d.relay_key.empty()) r.cfg.relay_key = d.relay_key;
    proxydetect::use_candidate(r.cfg, c, d.auth);
    return r;
}

// "https://relay.example.com:8443/x" -> "http://relay.example.com/x" (port 80).
std::string default_plain_url(const std::string& https_url) {
    auto host_at = https_url.find("://");
    if (host_at == std::string::npos) return {};
    host_at += 3;
    auto path_at = https_url.find('/', host_at);
    std::string authority = https_url.substr(host_at, path_at == std::string::npos ? std::string::npos : path_at - host_at);
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) authority.resize(colon);
    return "http://" + authority + (path_at == std::string::npos ? "/" : https_url.substr(path_at));
}

// The plain-HTTP fallback of a proxy route to an https:// relay: only when
// proxy.conf allows plain HTTP and pins the relay's key.
std::optional<Route> plain_fallback(const Route& r, const proxydetect::Decision& d) {
    if (!d.allow_plain_http || d.relay_key.empty() || r.candidate.is_direct() || is_plain_http(r.cfg.relay_url))
        return std::nullopt;
    Route p = r;
    p.cfg.relay_url = d.plain_relay_url.empty() ? default_plain_url(r.cfg.relay_url) : d.plain_relay_url;
    p.plain_fallback = true;
    p.why = r.why + "; plain HTTP because that proxy refused CONNECT and proxy.conf allows it (allow_plain_http)";
    return p;
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
    for (const auto& c : d.candidates) plan.routes.push_back(route_for(c, d, base));
    const std::size_t tunnelled = plan.routes.size();
    for (std::size_t i = 0; i < tunnelled; ++i)
        if (auto p = plain_fallback(plan.routes[i], d)) plan.routes.push_back(*p);
    for (std::size_t i = 0; i + 1 < plan.routes.size(); ++i) {
        auto& t = plan.routes[i].cfg.connect_timeout;
        t = std::min(t, kFailoverConnectTimeout);
    }
    return plan;
}

}  // namespace tunnel
