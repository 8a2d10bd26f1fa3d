#include "proxydetect/wpad.h"

#include <algorithm>
#include <cctype>
#include <sstream>

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

namespace proxydetect {
namespace {

std::string trim_lease(std::string s) {
    while (!s.empty() && (s.back() == ';' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\0'))
        s.pop_back();
    auto b = s.find_first_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b);
}

// "68:74:74:70" -> "http"; "" when it is not colon-separated hex bytes.
std::string from_hex_bytes(const std::string& s) {
    std::string out, byte;
    std::istringstream in(s);
    while (std::getline(in, byte, ':')) {
        if (byte.empty() || byte.size() > 2 || byte.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            return "";
        out.push_back(static_cast<char>(std::stoi(byte, nullptr, 16)));
    }
    return out;
}

std::string unquote(const std::string& v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        std::string in = v.substr(1, v.size() - 2);
        if (in.size() >= 4 && in.compare(in.size() - 4, 4, "\\000") == 0) in.erase(in.size() - 4);  // dhclient's NUL
        return in;
    }
    return from_hex_bytes(v);
}

bool is_pac_url(const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; }

}  // namespace

std::optional<std::string> wpad_url_from_lease(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::optional<std::string> found;
    while (std::getline(in, line)) {
        std::string l = trim_lease(line), lower = l;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value;
        for (const char* key : {"option wpad ", "option unknown-252 "})
            if (lower.rfind(key, 0) == 0) value = trim_lease(unquote(trim_lease(l.substr(std::string(key).size()))));
        for (const char* key : {"wpad=", "option_252="})
            if (lower.rfind(key, 0) == 0) value = trim_lease(l.substr(std::string(key).size()));
        if (is_pac_url(value)) found = value;  // later leases are newer
    }
    return found;
}

const std::vector<std::string>& dhcp_lease_globs() {
    static const std::vector<std::string> globs = {
        "/var/lib/NetworkManager/*.lease", "/run/systemd/netif/leases/*", "/var/lib/dhcp/dhclient*.leases",
        "/var/lib/dhclient/*.lease*"};
    return globs;
}

}  // namespace proxydetect
