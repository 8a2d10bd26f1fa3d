// proxydetect's decision -> ordered winnet::Configs (see winnet/routes.h).
#include "winnet/routes.h"

namespace winnet {
namespace {

ProxyRoute route_for(const proxydetect::Candidate& c, const proxydetect::AuthPolicy& auth, const Config& base) {
    ProxyRoute r{base, c, describe(c)};
    proxydetect::use_candidate(r.cfg, c, auth);  // DIRECT or an HTTP proxy: "http://host:port"
    return r;
}

}  // namespace

std::string describe(const proxydetect::Candidate& c) {
    return c.pac_string() + (c.source.empty() ? "" : " (from " + c.source + ")");
}

RoutePlan plan_routes(proxydetect::Detector& detector, const Config& base) {
    proxydetect::Decision d = detector.resolve(base.relay_url);
    RoutePlan plan;
    plan.policy.mode = session::parse_transport_mode(proxydetect::to_string(d.transport));
    std::vector<std::string> unusable;
    for (const auto& c : d.candidates) {
        if (c.is_direct() || c.kind == proxydetect::ProxyKind::http) plan.routes.push_back(route_for(c, d.auth, base));
        else unusable.push_back(describe(c));
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
