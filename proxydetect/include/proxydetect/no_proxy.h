// The one no_proxy grammar of Tether: a superset of what curl, libproxy and
// Chromium accept (docs/PROXYDETECT.md has the full table). Entries are
// separated by commas, semicolons or whitespace:
//
//   *                 everything
//   example.com       example.com and every subdomain (curl, libproxy)
//   .example.com      same as example.com (curl drops the leading dot)
//   *.example.com     subdomains only, not example.com itself (Chromium)
//   *corp*            any other '*' glob, matched against the whole host
//   10.0.0.0/8        IPv4 CIDR; a bare IPv4 address matches only itself
//   fd00::/8, [::1]   IPv6 CIDR or address, brackets optional
//   host:8080, [::1]:443, 10.0.0.0/8:443  only that (effective) port
//   http://host       only URLs of that scheme (Chromium)
//   <local>           host names without a dot (Windows, Chromium)
//   <-loopback>       subtracts the implicit rules (below) from the list:
//                     loopback and link-local hosts may then use a proxy
//                     (Chromium, Windows)
//
// Later entries win over earlier ones, as in Chromium's ProxyBypassRules:
// "localhost, <-loopback>" sends localhost to the proxy, "<-loopback>,
// localhost" does not.
//
// Host names and patterns are case-insensitive; one trailing dot is ignored
// on both sides. CIDR rules match only IP-literal hosts: no DNS lookup is
// ever made to match a rule (as in curl and Chromium).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/url.h"

namespace proxydetect {

class NoProxyList {
public:
    // Parses `text`. Entries that cannot be understood are skipped and
    // described in `errors` (one message each, quoting the entry) when it
    // is non-null; proxy.conf turns those into ConfigErrors.
    static NoProxyList parse(const std::string& text,
                             std::vector<std::string>* errors = nullptr);

    // The text of the rule that makes `url` bypass the proxy (the last
    // matching entry decides), or nullopt. <-loopback> never bypasses: when
    // it is the last entry matching a loopback or link-local host, nullopt.
    std::optional<std::string> match(const Url& url) const;
    // The list holds <-loopback>: the implicit rules do not apply to it.
    bool subtracts_implicit() const;
    bool matches(const Url& url) const { return match(url).has_value(); }
    bool empty() const { return rules_.empty(); }
    std::size_t size() const { return rules_.size(); }

    struct Rule;  // defined in no_proxy.cpp

private:
    std::vector<std::shared_ptr<const Rule>> rules_;
};

// Chromium's implicit bypass rules (net/docs/proxy.md): the rule that makes
// `url`'s host a loopback or link-local host, in the no_proxy grammar
// ("localhost", "*.localhost", "127.0.0.0/8", "[::1]", "169.254.0.0/16",
// "[fe80::]/10"; IPv4-mapped IPv6 counts as IPv4), or nullopt. Such hosts go
// DIRECT whatever proxy a source names unless the bypass list that applies
// holds <-loopback> (docs/PROXYDETECT.md "Implicit bypass").
std::optional<std::string> implicit_bypass_rule(const Url& url);

}  // namespace proxydetect
