// Where a Windows endpoint's requests go, parsed once from Config, and the
// sentences for what failed on the way (the same as Linux's
// tunnel/src/http_errors.cpp, so both platforms tell people the same).
#pragma once

#include <optional>
#include <string>

#include "http1/http1.h"
#include "session/carrier.h"
#include "winnet/config.h"

namespace winnet {

struct Route {
    http1::Url relay;
    std::optional<http1::Url> proxy;
    std::string relay_name() const { return relay.host_port(); }
    std::string proxy_name() const { return proxy ? proxy->host_port() : ""; }
    // An http:// relay (allowed plain HTTP): no CONNECT and no TLS; through a
    // proxy, forward-proxy requests (absolute-form targets).
    bool plain() const { return relay.scheme == "http"; }
};

// Throws session::CarrierError (fatal) for a URL we cannot use, and for an
// http:// relay URL unless cfg.allow_plain_http.
Route route_of(const Config& cfg);

// What the 407 rounds showed (ProxyAuth::seen()), for the sentence.
struct AuthSeen {
    bool credentials_sent = false;    // we answered a 407 and got another
    bool only_basic_offered = false;  // the last 407 offered Basic and nothing else
};

// The proxy's refusal of CONNECT. A 407 (to CONNECT or to a plain request
// through the proxy: the login is the same, proxy_auth.h) is worded by
// session::proxy_auth_refused_text, as on Linux: it names the proxy, and
// says "rejected the credentials" only when `seen.credentials_sent`.
session::CarrierError connect_refused(int status, const Config& cfg, const Route& route, const AuthSeen& seen = {});
session::CarrierError untrusted(const Route& route, const std::string& reason);
session::CarrierError unreachable(const Route& route, bool proxy, const std::string& detail);
// A relay answer other than success: the relay's JSON message included.
session::CarrierError relay_status(int status, const std::string& body);

// "Bearer ..." header lines and the common ones (Host, User-Agent).
std::string relay_host_header(const Route& route);

}  // namespace winnet
