// WPAD DNS discovery: wpad.<domain>/wpad.dat for the DNS search domains.
// Devolution (trying parent domains) is where WPAD gets hijacked
// (wpad.co.uk), so it is bounded by the admin: with no wpad_domain_limit
// only wpad.<search domain> itself is tried; with a limit, parents are
// tried down to the limit and never past it, and search domains outside
// the limit are skipped.
#pragma once

#include <string>
#include <vector>

namespace proxydetect {

struct WpadHosts {
    std::vector<std::string> hosts;    // "wpad.corp.example.com", in order
    std::vector<std::string> skipped;  // human notes on skipped domains
};

WpadHosts wpad_hosts(const std::vector<std::string>& search_domains,
                     const std::string& domain_limit);

}  // namespace proxydetect
