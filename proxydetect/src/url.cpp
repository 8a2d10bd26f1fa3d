#include "proxydetect/url.h"

#include <algorithm>
#include <cctype>

#include "proxydetect/errors.h"

namespace proxydetect {

uint16_t default_port(const std::string& scheme) {
    if (scheme == "http" || scheme == "ws") return 80;
    if (scheme == "https" || scheme == "wss") return 443;
    if (scheme == "ftp") return 21;
    if (scheme.rfind("socks", 0) == 0) return 1080;
    return 0;
}

std::string normalise_host(std::string host) {
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (host.size() > 1 && host.back() == '.') host.pop_back();
    return host;
}

std::string redact_password(const std::string& url) {
    auto sep = url.find("://");
    std::size_t start = sep == std::string::npos ? 0 : sep + 3;
    std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
    std::size_t at = url.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < start) return url;
    std::size_t colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return url;  // a user, no password
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

namespace {

[[noreturn]] void bad(const std::string& url, const std::string& why) {
    throw UrlError("cannot use URL '" + redact_password(url) + "': " + why);
}

uint16_t parse_port(const std::string& url, const std::string& text) {
    if (text.empty() || text.size() > 5 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        bad(url, "port '" + text + "' is not a number");
    unsigned long v = std::stoul(text);
    if (v == 0 || v > 65535) bad(url, "port " + text + " is out of range 1-65535");
    return static_cast<uint16_t>(v);
}

// Splits "host:port" / "[v6]:port" / "host" into url.host and url.port.
void parse_authority(const std::string& whole, std::string auth, Url& u) {
    auto at = auth.rfind('@');
    if (at != std::string::npos) auth = auth.substr(at + 1);
    std::string port;
    if (!auth.empty() && auth[0] == '[') {
        auto close = auth.find(']');
        if (close == std::string::npos) bad(whole, "missing ']' after IPv6 address");
        u.host = auth.substr(1, close - 1);
        if (close + 1 < auth.size()) {
            if (auth[close + 1] != ':') bad(whole, "unexpected text after ']'");
            port = auth.substr(close + 2);
            u.explicit_port = true;
        }
    } else {
        auto colon = auth.find(':');
        u.host = auth.substr(0, colon);
        if (colon != std::string::npos) {
            port = auth.substr(colon + 1);
            u.explicit_port = true;
        }
    }
    u.host = normalise_host(u.host);
    if (u.host.empty()) bad(whole, "no host name");
    if (u.host.find_first_of(" \t\r\n\"'\\") != std::string::npos)
        bad(whole, "the host name contains a space, quote or backslash");
    u.port = u.explicit_port ? parse_port(whole, port) : default_port(u.scheme);
}

}  // namespace

Url parse_url(const std::string& text) {
    Url u;
    auto sep = text.find("://");
    if (sep == std::string::npos || sep == 0) bad(text, "expected scheme://host[:port]/path");
    u.scheme = normalise_host(text.substr(0, sep));
    if (!std::all_of(u.scheme.begin(), u.scheme.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; }))
        bad(text, "invalid scheme '" + u.scheme + "'");
    auto rest = text.substr(sep + 3);
    auto slash = rest.find_first_of("/?#");
    parse_authority(text, rest.substr(0, slash), u);
    u.path = slash == std::string::npos ? "/" : rest.substr(slash);
    if (u.path[0] != '/') u.path = "/" + u.path;
    if (u.port == 0) bad(text, "no port given and no default port for scheme '" + u.scheme + "'");
    return u;
}

std::string Url::authority() const {
    std::string a = host_is_ipv6() ? "[" + host + "]" : host;
    if (explicit_port) a += ":" + std::to_string(port);
    return a;
}

std::string Url::str() const { return scheme + "://" + authority() + path; }

}  // namespace proxydetect
