// Proxy from environment variables. Rules (docs/PROXYDETECT.md):
//  - http URLs: http_proxy, then HTTP_PROXY (ignored when REQUEST_METHOD is
//    set: "httpoxy", a CGI request header can set it), then all_proxy,
//    ALL_PROXY. https/wss URLs: https_proxy, HTTPS_PROXY, all_proxy,
//    ALL_PROXY. ws counts as http.
//  - lower case wins over upper case; empty values count as unset.
//  - bypass: no_proxy, else NO_PROXY, in the NoProxyList grammar.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proxydetect/candidate.h"
#include "proxydetect/url.h"
#include "proxydetect/world.h"

namespace proxydetect {

struct EnvProxy {
    std::optional<Candidate> proxy;  // nullopt: no variable applies
    std::string variable;            // which variable gave it
    std::optional<std::string> bypass_rule;  // no_proxy rule that matched
    std::string bypass_variable;     // "no_proxy" / "NO_PROXY"
    bool subtracts_implicit = false; // that variable holds <-loopback>
    std::vector<std::string> notes;  // ignored variables and why
};

EnvProxy proxy_from_environment(const Environment& env, const Url& url);

}  // namespace proxydetect
