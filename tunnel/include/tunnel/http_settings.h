// How an endpoint reaches the relay over HTTP(S): relay URL, trust, proxy and
// proxy credentials, heartbeat. One value is shared by every HTTP user in
// tunnel/ (StreamCarrier, SessionClient, the probe) so they all take the same
// way. No curl type appears here: the libcurl adapters live in tunnel/src/.
#pragma once

#include <chrono>
#include <string>

namespace tunnel {

struct EndpointConfig {
    // Base URL of the relay, e.g. "https://relay.example.com/" (a trailing
    // slash is optional). An https:// URL goes through a proxy with CONNECT;
    // an allowed http:// one as forward-proxy requests (allow_plain_http).
    std::string relay_url;

    // PEM file with the CA(s) that signed the relay's certificate; empty means
    // the system store. The host name is always verified.
    std::string ca_file;

    // Explicit HTTP proxy, e.g. "http://10.0.0.1:3128"; empty means DIRECT
    // (the *_proxy environment variables are deliberately ignored here: the
    // caller, e.g. proxydetect, decides).
    std::string proxy_url;
    std::string proxy_user;      // empty: no credentials (Negotiate may still do SSO)
    std::string proxy_password;

    // Proxy authentication schemes we may use, comma separated: basic,
    // digest, ntlm, negotiate, any, anysafe. "anysafe" (the default) never
    // sends a password in clear, so a Basic-only proxy needs "basic" here.
    std::string proxy_auth = "anysafe";

    // A plain http:// relay URL is refused unless this is set (proxy.conf
    // `allow_plain_http = yes`, for proxies that refuse CONNECT). Through a
    // proxy such a URL goes as ordinary forward-proxy requests, only poll
    // mode is used, and each request is MACed (relay_key below). The session
    // stays end-to-end encrypted (docs/SECURITY.md "Plain HTTP").
    bool allow_plain_http = false;
    // The relay's public request key (64 hex digits; proxy.conf relay_key).
    // Over plain HTTP the session is created with a key agreed with it, and
    // every request carries a MAC instead of a bearer token
    // (e2e/request_auth.h); without it plain HTTP is refused.
    std::string relay_key;

    // Heartbeat interval: an idle uplink sends a ping this often, and a
    // carrier that received nothing for 3 intervals is declared dead
    // (docs/PROTOCOL.md 3). 2 s stays well inside proxy idle timeouts.
    std::chrono::milliseconds heartbeat{2000};

    // The session fails when no carrier has reached the relay for this long
    // (session::SessionOptions::outage_limit; the relay keeps a session for
    // a missing peer 60 s too). Tests shorten it.
    std::chrono::milliseconds outage_limit{60000};

    // Bound on TCP connect + proxy CONNECT + TLS handshake of one request.
    std::chrono::milliseconds connect_timeout{15000};
};

// "host:port" of the relay and of the proxy (empty when DIRECT), as shown to
// people in messages. Default ports: 443 (https), 80 (http), 1080 (proxy).
std::string relay_host_port(const EndpointConfig& cfg);

// True for an http:// URL (scheme compared case-insensitively).
bool is_plain_http(const std::string& url);
std::string proxy_host_port(const EndpointConfig& cfg);

// Parses a proxy_auth list ("basic,ntlm"); throws std::invalid_argument on an
// unknown name. The result is opaque to callers (a libcurl bitmask).
unsigned long parse_proxy_auth(const std::string& list);

}  // namespace tunnel
