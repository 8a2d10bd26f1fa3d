#include "proxydetect/no_proxy.h"

#include <algorithm>
#include <cctype>

#include "ip.h"

namespace proxydetect {

// One parsed entry. Exactly one of the match kinds is used.
struct NoProxyList::Rule {
    enum class Kind { everything, local, subtract_implicit, domain, glob, cidr };
    Kind kind = Kind::domain;
    std::string text;    // the entry as written, for explain
    std::string scheme;  // "" = any scheme
    uint16_t port = 0;   // 0 = any port
    std::string name;    // domain (no leading dot) or glob pattern
    ip::Address net;
    int prefix = 0;
};

namespace {

using Rule = NoProxyList::Rule;

bool is_digits(const std::string& s) {
    return !s.empty() && s.size() <= 5 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Glob with '*' only (host names are already lower case). On a mismatch
// only the last '*' takes one more character: O(pattern x host) steps,
// never the exponential backtracking of the recursive form.
bool glob_match(const char* p, const char* s) {
    const char* star = nullptr;  // the last '*' seen in the pattern
    const char* resume = s;      // where that '*' stopped swallowing
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            ++p;
            ++s;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*') ++p;
    return *p == 0;
}

// Splits a trailing ":port" off `e` (not the colons of a bare IPv6 address).
bool split_port(std::string& e, uint16_t& port, std::string* err) {
    auto colon = e.rfind(':');
    if (colon == std::string::npos) return true;
    bool bracketed = e[0] == '[' && e.find(']') < colon;
    bool single_colon = e.find(':') == colon;
    if (!bracketed && !single_colon) return true;  // bare IPv6 (maybe with /len)
    auto p = e.substr(colon + 1);
    if (!is_digits(p) || std::stoul(p) == 0 || std::stoul(p) > 65535) {
        *err = "port '" + p + "' is not a number in 1-65535";
        return false;
    }
    port = static_cast<uint16_t>(std::stoul(p));
    e = e.substr(0, colon);
    return true;
}

// "10.0.0.0/8", "fd00::/8", "[::1]", "1.2.3.4": fills a cidr rule.
bool parse_cidr(std::string e, Rule& r, std::string* err) {
    e.erase(std::remove(e.begin(), e.end(), '['), e.end());
    e.erase(std::remove(e.begin(), e.end(), ']'), e.end());
    auto slash = e.find('/');
    auto addr = ip::parse(e.substr(0, slash));
    if (!addr) return false;  // not an address: caller treats it as a name
    r.kind = Rule::Kind::cidr;
    r.net = *addr;
    r.prefix = r.net.bits();
    if (slash != std::string::npos) {
        auto len = e.substr(slash + 1);
        if (!is_digits(len) || std::stoi(len) > r.net.bits()) {
            *err = "prefix length '/" + len + "' is invalid for this address";
            return false;
        }
        r.prefix = std::stoi(len);
    }
    return true;
}

std::optional<Rule> parse_rule(const std::string& entry, std::string* err) {
    Rule r;
    r.text = entry;
    std::string e = entry;
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    if (e == "*") { r.kind = Rule::Kind::everything; return r; }
    if (e == "<local>") { r.kind = Rule::Kind::local; return r; }
    if (e == "<-loopback>") { r.kind = Rule::Kind::subtract_implicit; return r; }
    auto sep = e.find("://");
    if (sep != std::string::npos) {
        r.scheme = e.substr(0, sep);
        e = e.substr(sep + 3);
    }
    if (std::count(e.begin(), e.end(), '[') != std::count(e.begin(), e.end(), ']')) {
        *err = "unbalanced '[' ']'; write IPv6 as [::1] or [::1]:443";
        return std::nullopt;
    }
    if (!split_port(e, r.port, err)) return std::nullopt;
    if (parse_cidr(e, r, err)) return r;
    if (!err->empty()) return std::nullopt;
    if (e.find('/') != std::string::npos || e.find(':') != std::string::npos ||
        e.find_first_of("[]") != std::string::npos) {
        *err = "not a host name, IP address or CIDR block";
        return std::nullopt;
    }
    e = normalise_host(e);
    if (e.find('*') != std::string::npos) {
        r.kind = Rule::Kind::glob;
        r.name = e;
        return r;
    }
    while (!e.empty() && e[0] == '.') e.erase(0, 1);  // ".example.com" == "example.com"
    if (e.empty()) { *err = "empty domain"; return std::nullopt; }
    r.kind = Rule::Kind::domain;
    r.name = e;
    return r;
}

bool host_matches(const Rule& r, const Url& url) {
    switch (r.kind) {
    case Rule::Kind::everything: return true;
    case Rule::Kind::local:
        return url.host.find('.') == std::string::npos && !url.host_is_ipv6();
    case Rule::Kind::subtract_implicit: return false;  // NoProxyList::match handles it
    case Rule::Kind::glob: return glob_match(r.name.c_str(), url.host.c_str());
    case Rule::Kind::domain: {
        const auto& h = url.host;
        if (h == r.name) return true;
        return h.size() > r.name.size() && h.compare(h.size() - r.name.size(), r.name.size(), r.name) == 0 &&
               h[h.size() - r.name.size() - 1] == '.';
    }
    case Rule::Kind::cidr: {
        auto a = ip::parse(url.host);
        return a && ip::in_prefix(*a, r.net, r.prefix);
    }
    }
    return false;
}

}  // namespace

NoProxyList NoProxyList::parse(const std::string& text, std::vector<std::string>* errors) {
    NoProxyList list;
    std::string entry;
    auto flush = [&] {
        if (entry.empty()) return;
        std::string err;
        if (auto r = parse_rule(entry, &err))
            list.rules_.push_back(std::make_shared<const Rule>(*r));
        else if (errors)
            errors->push_back("no_proxy entry '" + entry + "': " + err);
        entry.clear();
    };
    for (char c : text) {
        if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) flush();
        else entry += c;
    }
    flush();
    return list;
}

std::optional<std::string> NoProxyList::match(const Url& url) const {
    for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
        const auto& r = *it;
        if (r->kind == Rule::Kind::subtract_implicit) {
            if (implicit_bypass_rule(url)) return std::nullopt;
            continue;
        }
        if (!r->scheme.empty() && r->scheme != url.scheme) continue;
        if (r->port != 0 && r->port != url.port) continue;
        if (host_matches(*r, url)) return r->text;
    }
    return std::nullopt;
}

bool NoProxyList::subtracts_implicit() const {
    return std::any_of(rules_.begin(), rules_.end(),
                       [](const auto& r) { return r->kind == Rule::Kind::subtract_implicit; });
}

std::optional<std::string> implicit_bypass_rule(const Url& url) {
    // "*.localhost" before "localhost", whose domain rule would also take
    // the subdomains: explain names the rule that really matched.
    static const std::vector<Rule> rules = [] {
        std::vector<Rule> out;
        for (const char* text : {"*.localhost", "localhost", "127.0.0.0/8", "[::1]", "169.254.0.0/16", "[fe80::]/10"}) {
            std::string err;
            out.push_back(*parse_rule(text, &err));
        }
        return out;
    }();
    for (const auto& r : rules)
        if (host_matches(r, url)) return r.text;
    return std::nullopt;
}

}  // namespace proxydetect
