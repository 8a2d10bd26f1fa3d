#include "proxydetect/wpad.h"

#include <algorithm>

#include "proxydetect/url.h"

namespace proxydetect {

namespace {

bool within(const std::string& domain, const std::string& limit) {
    if (domain == limit) return true;
    return domain.size() > limit.size() &&
           domain.compare(domain.size() - limit.size(), limit.size(), limit) == 0 &&
           domain[domain.size() - limit.size() - 1] == '.';
}

void add(WpadHosts& out, const std::string& host) {
    if (std::find(out.hosts.begin(), out.hosts.end(), host) == out.hosts.end()) out.hosts.push_back(host);
}

}  // namespace

WpadHosts wpad_hosts(const std::vector<std::string>& search_domains, const std::string& raw_limit) {
    WpadHosts out;
    std::string limit = normalise_host(raw_limit);
    for (const auto& raw : search_domains) {
        std::string d = normalise_host(raw);
        if (d.empty()) continue;
        if (limit.empty()) {
            // No limit: never devolve, a parent domain may belong to someone else.
            if (d.find('.') == std::string::npos)
                out.skipped.push_back("search domain '" + d + "' is a single label; not tried");
            else
                add(out, "wpad." + d);
            continue;
        }
        if (!within(d, limit)) {
            out.skipped.push_back("search domain '" + d + "' is outside wpad_domain_limit '" + limit + "'");
            continue;
        }
        for (std::string cur = d;; cur = cur.substr(cur.find('.') + 1)) {
            add(out, "wpad." + cur);
            if (cur == limit) break;
        }
    }
    return out;
}

}  // namespace proxydetect
