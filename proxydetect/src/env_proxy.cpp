#include "proxydetect/env_proxy.h"

#include "proxydetect/errors.h"
#include "proxydetect/no_proxy.h"

namespace proxydetect {

namespace {

// The variables to look at for `scheme`, in precedence order.
std::vector<std::string> proxy_variables(const std::string& scheme) {
    if (scheme == "https" || scheme == "wss")
        return {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    if (scheme == "http" || scheme == "ws")
        return {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"};
    return {"all_proxy", "ALL_PROXY"};
}

std::optional<std::string> non_empty(const Environment& env, const std::string& name) {
    auto v = env.get(name);
    if (v && v->empty()) return std::nullopt;
    return v;
}

}  // namespace

EnvProxy proxy_from_environment(const Environment& env, const Url& url) {
    EnvProxy out;
    for (const auto& name : proxy_variables(url.scheme)) {
        auto value = non_empty(env, name);
        if (!value) continue;
        if (name == "HTTP_PROXY" && non_empty(env, "REQUEST_METHOD")) {
            out.notes.push_back("HTTP_PROXY ignored: REQUEST_METHOD is set (CGI, httpoxy)");
            continue;
        }
        try {
            out.proxy = parse_proxy_url(*value, "environment " + name);
            out.variable = name;
            break;
        } catch (const UrlError& e) {
            out.notes.push_back(name + " ignored: " + e.what());
        }
    }
    if (!out.proxy) return out;
    for (const char* name : {"no_proxy", "NO_PROXY"}) {
        auto value = non_empty(env, name);
        if (!value) continue;
        std::vector<std::string> errors;
        auto list = NoProxyList::parse(*value, &errors);
        for (const auto& e : errors) out.notes.push_back(std::string(name) + ": " + e + " (ignored)");
        out.bypass_variable = name;
        out.bypass_rule = list.match(url);
        out.subtracts_implicit = list.subtracts_implicit();
        break;  // no_proxy beats NO_PROXY entirely, as in curl
    }
    return out;
}

}  // namespace proxydetect
