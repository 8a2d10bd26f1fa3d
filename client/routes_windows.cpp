#include "routes_windows.h"

#include <stdexcept>

#include "http1/http1.h"

namespace client {
namespace {

winnet::Config base_config(const WinOptions& o) {
    if (o.relay.empty()) throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    if (o.heartbeat_ms < 50) throw std::runtime_error("--heartbeat-ms must be at least 50");
    winnet::Config c;
    c.relay_url = o.relay;
    c.ca_file = o.ca;
    c.heartbeat = std::chrono::milliseconds(o.heartbeat_ms);
    return c;
}

std::string relay_name(const winnet::Config& c) { return "the relay " + http1::parse_url(c.relay_url).host_port(); }

// --proxy and its credentials: the user's explicit choice, tried alone.
std::vector<remote::WinRoute> explicit_proxy(const winnet::Config& base, const WinOptions& o) {
    if (o.proxy.empty()) return {};
    remote::WinRoute r{base, ""};
    r.cfg.proxy_url = o.proxy;
    r.cfg.proxy_user = o.proxy_user;
    r.cfg.proxy_password = o.proxy_password;
    if (!o.proxy_auth.empty()) r.cfg.proxy_auth = o.proxy_auth;
    r.why = relay_name(base) + " through http proxy " + http1::parse_url(o.proxy).host_port() +
            " (from command line --proxy)";
    return {r};
}

// Proxy discovery plugs in here (issue 14 item 2): the user's Windows proxy
// settings, WPAD and PAC (WinHttpGetIEProxyConfigForCurrentUser,
// WinHttpGetProxyForUrl), proxy.conf and the environment, each a route with
// its source in `why`, before DIRECT. Until then only --proxy-conf is
// refused, so that nobody believes it was read.
std::vector<remote::WinRoute> discovered(const winnet::Config&, const WinOptions& o) {
    if (!o.proxy_conf.empty())
        throw std::runtime_error("--proxy-conf " + o.proxy_conf +
                                 ": proxy.conf is not read on Windows yet; give the proxy with --proxy URL");
    return {};
}

std::vector<remote::WinRoute> direct(const winnet::Config& base, const WinOptions&) {
    return {remote::WinRoute{base, relay_name(base) + " directly"}};
}

}  // namespace

std::vector<remote::WinRoute> plan_routes(const WinOptions& o) {
    const winnet::Config base = base_config(o);
    using Source = std::vector<remote::WinRoute> (*)(const winnet::Config&, const WinOptions&);
    for (Source s : {explicit_proxy, discovered, direct}) {
        auto routes = s(base, o);
        if (!routes.empty()) return routes;
    }
    return {};
}

}  // namespace client
