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

    // The text of the first rule that matches `url`, or nullopt.
    std::optional<std::string> match(const Url& url) const;
    bool matches(const Url& url) const { return match(url).has_value(); }
    bool empty() const { return rules_.empty(); }
    std::size_t size() const { return rules_.size(); }

    struct Rule;  // defined in no_proxy.cpp

private:
    std::vector<std::shared_ptr<const Rule>> rules_;
};

}  // namespace proxydetect
