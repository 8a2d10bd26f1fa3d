// proxydetect's decision -> ordered winnet::Configs (see winnet/routes.h).
#include "winnet/routes.h"

#include "http1/http1.h"

namespace winnet {
namespace {

ProxyRoute route_for(const proxydetect::Candidate& c, const proxydetect::Decision& d, const Config& base) {
    ProxyRoute r{base, c, describe(c)};
    r.cfg.allow_plain_http = d.allow_plain_http;
    if (!d.relay_key.empty()) r.cfg.relay_key = d.relay_key;
    proxydetect::use_candidate(r.cfg, c, d.auth);  // DIRECT or an HTTP proxy: "http://host:port"
    return r;
}

// "https://relay.example.com:8443/x" -> "http://relay.example.com/x" (port 80).
std::string default_plain_url(const std::string& https_url) {
    http1::Url u = http1::parse_url(https_url);
    std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    return "http://" + host + u.path + "/";
}

}  // namespace

std::optional<Config> plain_fallback(const Config& proxied, bool allow, const std::string& relay_key,
                                     const std::string& plain_relay_url) {
    if (!allow || relay_key.empty() || proxied.proxy_url.empty()) return std::nullopt;
    if (http1::parse_url(proxied.relay_url).scheme != "https") return std::nullopt;
    Config p = proxied;
    p.relay_url = plain_relay_url.empty() ? default_plain_url(proxied.relay_url) : plain_relay_url;
    p.allow_plain_http = true;
    p.relay_key = relay_key;
    return p;
}

std::string describe(const proxydetect::Candidate& c) {
    return c.pac_string() + (c.source.empty() ? "" : " (from " + c.source + ")");
}

RoutePlan plan_routes(proxydetect::Detector& detector, const Config& base) {
    proxydetect::Decision d = detector.resolve(base.relay_url);
    RoutePlan plan;
    plan.policy.mode = session::parse_transport_mode(proxydetect::to_string(d.transport));
    std::vector<std::string> unusable;
    for (const auto& c : d.candidates) {
        if (c.is_direct() || c.kind == proxydetect::ProxyKind::http) plan.routes.push_back(route_for(c, d, base));
        else unusable.push_back(describe(c));
    }
    const std::size_t tunnelled = plan.routes.size();
    for (std::size_t i = 0; i < tunnelled; ++i) {
        const ProxyRoute& r = plan.routes[i];
        if (auto p = plain_fallback(r.cfg, d.allow_plain_http, d.relay_key, d.plain_relay_url))
            plan.routes.push_back({*p, r.candidate,
                                   r.why + "; plain HTTP because that proxy refused CONNECT and proxy.conf allows it "
                                           "(allow_plain_http)",
                                   true});
    }
    std::string how = " (run tether-proxydetect explain " + base.relay_url + ")";
    if (d.blocked())
        plan.blocked = "proxy detection failed and proxy.conf says on_detection_failure = fail: " +
                       (d.failure.empty() ? std::string("no candidate") : d.failure) + how;
    else if (plan.routes.empty())
        plan.blocked = "the only ways out found are proxies the Windows client cannot use yet (SOCKS or a "
                       "TLS proxy): " + unusable.front() + "; configure an HTTP proxy" + how;
    return plan;
}

}  // namespace winnet
