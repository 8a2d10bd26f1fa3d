// How a Windows endpoint reaches the relay: relay URL, trust, proxy and its
// credentials, heartbeat. The same fields and meanings as Linux's
// tunnel::EndpointConfig (tunnel/http_settings.h), so that one proxy.conf
// and one command line serve both; kept apart only because tunnel/ links
// libcurl. No Windows type appears here.
#pragma once

#include <chrono>
#include <string>

namespace winnet {

struct Config {
    // "https://relay.example.com/"; http:// only with allow_plain_http.
    std::string relay_url;
    // PEM file with CA certificates trusted besides the Windows store (a
    // private relay CA, or a TLS-inspecting proxy's). The host name is
    // always verified.
    std::string ca_file;

    std::string proxy_url;  // "http://10.0.0.1:3128"; empty: direct
    std::string proxy_user;  // empty: the logged-on user (NTLM/Negotiate) or none
    std::string proxy_password;
    // Schemes we may answer a 407 with, comma separated: basic, ntlm,
    // negotiate, any, anysafe. "anysafe" (the default, as on Linux) never
    // sends a password in clear, so a Basic-only proxy needs "basic".
    std::string proxy_auth = "anysafe";

    // A plain http:// relay URL is refused unless this is set (proxy.conf
    // `allow_plain_http = yes`, for proxies that refuse CONNECT): then the
    // requests go as plain forward-proxy requests, poll mode only, each one
    // MACed under a key agreed with relay_key (docs/SECURITY.md "Plain
    // HTTP"). As tunnel::EndpointConfig's fields of the same names.
    bool allow_plain_http = false;
    // The relay's public request key (64 hex digits; proxy.conf relay_key);
    // without it plain HTTP is refused.
    std::string relay_key;

    // An idle uplink pings this often; a carrier that received nothing for 3
    // intervals is dead (docs/PROTOCOL.md 3). 2 s: well inside proxy idle
    // timeouts.
    std::chrono::milliseconds heartbeat{2000};
    // Bound on TCP connect + CONNECT (with its auth rounds) + TLS handshake.
    std::chrono::milliseconds connect_timeout{15000};
};

// "Tether/<version> (Windows)": on every request and CONNECT.
std::string user_agent();

}  // namespace winnet
