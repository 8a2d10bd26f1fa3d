// The ways to reach the relay from Windows, in order: what proxydetect
// decided for the relay URL (Internet Options, WPAD, PAC, proxy.conf, the
// environment), each turned into a winnet::Config with its proxy,
// credentials and auth schemes, exactly as tunnel/routes.h does on Linux.
// A route that cannot connect is marked failed (moved to the end for a few
// minutes) and the next one is tried (session/first_working_route.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proxydetect/detector.h"
#include "session/first_working_route.h"
#include "session/transport.h"
#include "winnet/config.h"

namespace winnet {

struct ProxyRoute {
    Config cfg;                        // base settings + this route's proxy
    proxydetect::Candidate candidate;  // DIRECT or the proxy, with its source
    std::string why;                   // "PROXY 10.0.0.1:3128 (from PAC (...))": for status lines
    // A plain-HTTP route to an https:// relay, tried only after a proxy
    // refused CONNECT (plain_fallback() below).
    bool plain_fallback = false;
};

struct RoutePlan {
    std::vector<ProxyRoute> routes;  // in order; never empty unless blocked
    session::TransportPolicy policy;  // proxy.conf transport
    std::string blocked;              // why nothing may be tried, or ""
};

// Asks `detector` about base.relay_url; the base's proxy fields are
// replaced per route, and its allow_plain_http and relay_key set from
// proxy.conf. After the routes through proxies come their plain-HTTP
// fallbacks where proxy.conf allows them (tunnel/routes.h's rule). Candidates winnet cannot use (SOCKS, a TLS proxy)
// are left out, and if none is left the plan is blocked with a sentence
// that says so. Throws proxydetect::UrlError for a bad relay URL.
RoutePlan plan_routes(proxydetect::Detector& detector, const Config& base);

// The plain-HTTP fallback of a route through a proxy to an https:// relay
// (docs/SECURITY.md "Plain HTTP through proxies that refuse CONNECT"): the
// same proxy, the relay's plain URL (`plain_relay_url`, else the relay's
// host on port 80), poll mode only. Only where proxy.conf allows plain HTTP
// and pins the relay's key (`allow`, `relay_key`); nullopt otherwise, and
// for DIRECT or an already plain route.
std::optional<Config> plain_fallback(const Config& proxied, bool allow, const std::string& relay_key,
                                     const std::string& plain_relay_url);

// "Tether/<v> (Windows)"'s way of saying which route: "DIRECT" or
// "PROXY host:port", and where it came from.
std::string describe(const proxydetect::Candidate& c);

}  // namespace winnet
