// The ways to reach the relay, in order: what proxydetect decided for the
// relay URL (proxy.conf, environment, desktop settings, PAC/WPAD), each turned
// into an EndpointConfig with its proxy, credentials and auth schemes. A route
// that cannot connect is marked failed (skipped for a few minutes) and the
// next one is tried. Programs call this instead of using a fixed proxy.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "proxydetect/detector.h"
#include "tunnel/http_settings.h"
#include "tunnel/transport.h"

namespace tunnel {

struct Route {
    EndpointConfig cfg;               // base settings + this route's proxy
    proxydetect::Candidate candidate;  // DIRECT or the proxy, with its source
    std::string why;                   // "PAC (WPAD http://wpad.corp/wpad.dat)": for status lines
    // A plain-HTTP route to an https:// relay, tried only after a proxy
    // refused CONNECT, and only when proxy.conf allows it (allow_plain_http
    // = yes with relay_key): poll mode, every request MACed (docs/SECURITY.md).
    bool plain_fallback = false;
};

// Everything a program knows about how to get out, before detection.
struct RoutePlan {
    std::vector<Route> routes;  // in order; never empty unless blocked
    TransportPolicy policy;     // from proxy.conf (transport, allow_plain_http)
    std::string blocked;        // why nothing may be tried (fail-closed), or ""
};

// Asks `detector` about base.relay_url. The base's proxy fields are ignored
// (the detector decides; an explicit --proxy belongs in its Config::proxy).
// Throws proxydetect::UrlError for a bad relay URL.
RoutePlan plan_routes(proxydetect::Detector& detector, const EndpointConfig& base);

// Runs `attempt` on each route in order until one succeeds. A route whose
// attempt throws a non-fatal CarrierError (proxy down, no answer) is marked
// failed in `detector` and the next is tried; a fatal error (proxy refused
// CONNECT, bad credentials) is rethrown at once, since another route would
// hide a problem the admin must see. The last error is rethrown when all fail.
// The one exception: when a proxy refused CONNECT and the plan has
// plain-HTTP fallback routes (the admin allowed them), those are tried next.
template <typename T>
T first_working_route(proxydetect::Detector& detector, const RoutePlan& plan,
                      const std::function<T(const Route&)>& attempt);

// libcurl-ready auth list ("negotiate,ntlm") for proxy.conf's schemes.
std::string auth_list(const std::vector<proxydetect::AuthScheme>& schemes);

}  // namespace tunnel

#include "tunnel/routes_impl.h"
