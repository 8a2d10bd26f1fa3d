#include "routes_windows.h"

#include <filesystem>
#include <stdexcept>

#include "http1/http1.h"
#include "proxydetect/config.h"
#include "proxydetect/detector.h"
#include "proxydetect/explain.h"  // default_config_path
#include "remote/status.h"
#include "winnet/routes.h"

namespace client {
namespace {

winnet::Config base_config(const WinOptions& o, const proxydetect::Config& conf) {
    if (o.relay.empty()) throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    if (o.heartbeat_ms < 50) throw std::runtime_error("--heartbeat-ms must be at least 50");
    winnet::Config c;
    c.relay_url = o.relay;
    c.ca_file = o.ca;
    c.heartbeat = std::chrono::milliseconds(o.heartbeat_ms);
    c.allow_plain_http = conf.allow_plain_http;  // the flags are in conf already (proxy_conf below)
    c.relay_key = conf.relay_key;
    return c;
}

std::string relay_name(const winnet::Config& c) { return "the relay " + http1::parse_url(c.relay_url).host_port(); }

// How a plain-HTTP fallback route says why (the Linux client's words).
const char* const plain_because = "; plain HTTP because that proxy refused CONNECT and proxy.conf allows it "
                                  "(allow_plain_http)";

// --proxy and its credentials: the user's explicit choice, tried alone
// (then over plain HTTP if it refuses CONNECT and proxy.conf allows that).
std::vector<remote::WinRoute> explicit_proxy(const winnet::Config& base, const WinOptions& o,
                                             const proxydetect::Config& conf) {
    if (o.proxy.empty()) return {};
    remote::WinRoute r{base, ""};
    r.cfg.proxy_url = o.proxy;
    r.cfg.proxy_user = o.proxy_user;
    r.cfg.proxy_password = o.proxy_password;
    if (!o.proxy_auth.empty()) r.cfg.proxy_auth = o.proxy_auth;
    r.why = relay_name(base) + " through http proxy " + http1::parse_url(o.proxy).host_port() +
            " (from command line --proxy)";
    std::vector<remote::WinRoute> routes{r};
    if (auto p = winnet::plain_fallback(r.cfg, conf.allow_plain_http, conf.relay_key, conf.plain_relay_url))
        routes.push_back({*p, r.why + plain_because, true});
    return routes;
}

// What the machine says (proxydetect on Windows, docs/PROXYDETECT.md): the
// user's Internet Options (a PAC script, WPAD if switched on, a fixed
// proxy with its bypass list), then proxy.conf, then the environment; each
// candidate a route with its source in `why`. Asked again on every connect,
// so a changed setting counts at the next attempt.
std::vector<remote::WinRoute> discovered(const winnet::Config& base, const WinOptions&,
                                         const proxydetect::Config& conf) {
    auto detector = proxydetect::Detector::from_system(conf);
    winnet::RoutePlan plan = winnet::plan_routes(*detector, base);
    if (!plan.blocked.empty()) throw std::runtime_error(plan.blocked);
    std::vector<remote::WinRoute> routes;
    for (const winnet::ProxyRoute& r : plan.routes)
        routes.push_back({r.cfg,
                          remote::route_sentence(relay_name(base), r.candidate.is_direct(), r.candidate.source, r.why),
                          r.plain_fallback});
    return routes;
}

std::vector<remote::WinRoute> direct(const winnet::Config& base, const WinOptions&, const proxydetect::Config&) {
    return {remote::WinRoute{base, relay_name(base) + " directly"}};
}

// The admin's proxy.conf: --proxy-conf, else %ProgramData%\Tether\proxy.conf
// if present, else none; read at each planning, like the routes.
proxydetect::Config proxy_conf(const WinOptions& o) {
    std::string path = o.proxy_conf;
    if (path.empty()) {
        std::string admin = proxydetect::default_config_path();
        if (std::filesystem::exists(admin)) path = admin;
    }
    proxydetect::Config c = path.empty() ? proxydetect::Config{} : proxydetect::load_config_file(path);
    if (o.allow_plain_http) c.allow_plain_http = true;  // the flags beat the file, as on Linux
    if (!o.relay_key.empty()) c.relay_key = o.relay_key;
    return c;
}

// --transport, else proxy.conf's `transport` pin, else auto: Linux's order
// (tunnel/src/endpoint_options.cpp, apply_overrides). Whatever the route.
session::TransportPolicy transport_policy(const WinOptions& o, const proxydetect::Config& conf) {
    session::TransportPolicy p;
    p.mode = session::parse_transport_mode(o.transport.empty() ? proxydetect::to_string(conf.transport) : o.transport);
    return p;
}

}  // namespace

remote::WinPlan plan_routes(const WinOptions& o) {
    const proxydetect::Config conf = proxy_conf(o);
    const winnet::Config base = base_config(o, conf);
    remote::WinPlan plan{{}, transport_policy(o, conf)};
    using Source = std::vector<remote::WinRoute> (*)(const winnet::Config&, const WinOptions&,
                                                     const proxydetect::Config&);
    for (Source s : {explicit_proxy, discovered, direct}) {
        plan.routes = s(base, o, conf);
        if (!plan.routes.empty()) break;
    }
    return plan;
}

}  // namespace client
