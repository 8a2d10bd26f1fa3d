#include "proxydetect/candidate.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "http1/http1.h"
#include "proxydetect/errors.h"
#include "proxydetect/url.h"

namespace proxydetect {

const char* to_string(ProxyKind kind) {
    switch (kind) {
    case ProxyKind::direct: return "direct";
    case ProxyKind::http: return "http";
    case ProxyKind::https: return "https";
    case ProxyKind::socks4: return "socks4";
    case ProxyKind::socks5: return "socks5";
    }
    return "?";
}

namespace {

std::string host_port(const Candidate& c) {
    std::string h = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
    return h + ":" + std::to_string(c.port);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Scheme of a proxy URL -> kind; nullopt when not a proxy scheme we speak.
std::optional<ProxyKind> kind_of_scheme(const std::string& scheme) {
    if (scheme == "http") return ProxyKind::http;
    if (scheme == "https") return ProxyKind::https;
    if (scheme == "socks" || scheme == "socks4" || scheme == "socks4a") return ProxyKind::socks4;
    if (scheme == "socks5" || scheme == "socks5h") return ProxyKind::socks5;
    return std::nullopt;
}

// Credentials "user:pass@" of a proxy URL, if any, percent-decoded as curl
// does (a Windows login "CORP\\bob" is written CORP%5Cbob in a URL).
void take_credentials(const std::string& authority, Candidate& c) {
    auto at = authority.rfind('@');
    if (at == std::string::npos) return;
    auto userinfo = authority.substr(0, at);
    auto colon = userinfo.find(':');
    c.username = http1::percent_decode(userinfo.substr(0, colon));
    if (colon != std::string::npos) c.password = http1::percent_decode(userinfo.substr(colon + 1));
}

// PAC keyword -> kind. "PROXY" and "HTTP" (Chromium) are both HTTP proxies.
std::optional<ProxyKind> kind_of_keyword(const std::string& word) {
    auto w = upper(word);
    if (w == "PROXY" || w == "HTTP") return ProxyKind::http;
    if (w == "HTTPS") return ProxyKind::https;
    if (w == "SOCKS" || w == "SOCKS4") return ProxyKind::socks4;
    if (w == "SOCKS5") return ProxyKind::socks5;
    return std::nullopt;
}

// The port of a PAC entry without one, as Chromium: PROXY and HTTP 80,
// HTTPS 443, SOCKS 1080.
uint16_t pac_default_port(ProxyKind kind) {
    if (kind == ProxyKind::https) return 443;
    if (kind == ProxyKind::socks4 || kind == ProxyKind::socks5) return 1080;
    return 80;
}

}  // namespace

std::string Candidate::curl_proxy_url() const {
    switch (kind) {
    case ProxyKind::direct: return "";
    case ProxyKind::http: return "http://" + host_port(*this);
    case ProxyKind::https: return "https://" + host_port(*this);
    case ProxyKind::socks4: return "socks4a://" + host_port(*this);
    case ProxyKind::socks5: return "socks5h://" + host_port(*this);
    }
    return "";
}

std::string Candidate::pac_string() const {
    switch (kind) {
    case ProxyKind::direct: return "DIRECT";
    case ProxyKind::http: return "PROXY " + host_port(*this);
    case ProxyKind::https: return "HTTPS " + host_port(*this);
    case ProxyKind::socks4: return "SOCKS4 " + host_port(*this);
    case ProxyKind::socks5: return "SOCKS5 " + host_port(*this);
    }
    return "";
}

Candidate parse_proxy_url(const std::string& raw, const std::string& source) {
    std::string text = trim(raw);
    if (text.empty()) throw UrlError("empty proxy address");
    if (text.find("://") == std::string::npos) text = "http://" + text;
    Url u = parse_url(text);
    auto kind = kind_of_scheme(u.scheme);
    if (!kind)
        throw UrlError("proxy '" + redact_password(raw) + "' has scheme '" + u.scheme +
                       "'; use http://, https://, socks4:// or socks5://");
    if (u.path != "/")
        throw UrlError("proxy '" + redact_password(raw) + "' has a path; give only scheme://host:port");
    Candidate c;
    c.kind = *kind;
    c.host = u.host;
    c.port = u.port;
    c.source = source;
    auto after = text.substr(text.find("://") + 3);
    take_credentials(after.substr(0, after.find_first_of("/?#")), c);
    return c;
}

std::vector<Candidate> parse_pac_result(const std::string& result, const std::string& source,
                                        std::vector<std::string>* rejected) {
    std::vector<Candidate> out;
    std::stringstream entries(result);
    std::string entry;
    while (std::getline(entries, entry, ';')) {
        std::istringstream words(entry);
        std::string keyword, address, extra;
        words >> keyword >> address >> extra;
        if (keyword.empty()) continue;  // "PROXY a:1;" has an empty last entry
        auto note = [&](const std::string& why) {
            if (rejected) rejected->push_back("'" + trim(entry) + "': " + why);
        };
        if (upper(keyword) == "DIRECT" && address.empty()) {
            Candidate d;
            d.source = source;
            out.push_back(d);
            continue;
        }
        auto kind = kind_of_keyword(keyword);
        if (!kind) { note("unknown keyword"); continue; }
        if (address.empty() || !extra.empty()) { note("expected one host:port"); continue; }
        try {
            Candidate c = parse_proxy_url(address, source);
            c.kind = *kind;
            bool no_port = address.find(':') == std::string::npos || address.back() == ']';
            if (no_port) c.port = pac_default_port(c.kind);
            out.push_back(c);
        } catch (const UrlError& e) {
            note(e.what());
        }
    }
    return out;
}

}  // namespace proxydetect
