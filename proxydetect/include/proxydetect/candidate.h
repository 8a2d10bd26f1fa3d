// One way out for a connection: a proxy, or DIRECT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace proxydetect {

enum class ProxyKind {
    direct,  // no proxy
    http,    // HTTP proxy, plain connection to it (CONNECT for https targets)
    https,   // HTTP proxy reached over TLS ("HTTPS host:port" in PAC)
    socks4,  // SOCKS4a ("SOCKS"/"SOCKS4" in PAC), name resolved by the proxy
    socks5,  // SOCKS5, name resolved by the proxy
};

const char* to_string(ProxyKind kind);

struct Candidate {
    ProxyKind kind = ProxyKind::direct;
    std::string host;   // empty for direct; IPv6 without brackets
    uint16_t port = 0;  // 0 for direct
    // Where this candidate came from, for humans: "environment https_proxy",
    // "PAC (WPAD http://wpad.corp/wpad.dat)", "proxy.conf proxy = ...".
    std::string source;
    // Credentials embedded in an environment proxy URL (user:pass@host).
    // Never printed; proxy.conf credentials live in AuthPolicy instead.
    std::string username, password;

    bool is_direct() const { return kind == ProxyKind::direct; }

    // What to give to CURLOPT_PROXY: "" for direct (the caller then sets
    // CURLOPT_PROXY to "" and CURLOPT_NOPROXY "*"), else e.g.
    // "http://proxy:3128", "https://proxy:443", "socks5h://[fd00::1]:1080",
    // "socks4a://host:1080". Never contains credentials: pass those with
    // CURLOPT_PROXYUSERNAME/PASSWORD.
    std::string curl_proxy_url() const;

    // PAC-style text, "PROXY host:port", "HTTPS host:port", "DIRECT".
    // Also the identity used for failover bookkeeping.
    std::string pac_string() const;

    // Same way out (kind, host, port); source and credentials do not count.
    bool operator==(const Candidate& o) const {
        return kind == o.kind && host == o.host && port == o.port;
    }
};

// Parses a proxy given as a URL or bare "host:port", as found in
// http_proxy, proxy.conf `proxy =` and desktop settings. Accepted schemes:
// http, https, socks/socks4/socks4a, socks5/socks5h; none means http.
// A missing port defaults to 80 (http), 443 (https), 1080 (socks).
// Throws UrlError with a message saying what is wrong.
Candidate parse_proxy_url(const std::string& text, const std::string& source);

// Parses a FindProxyForURL result such as "PROXY a:8080; SOCKS5 b:1080; DIRECT".
// Keywords are case-insensitive; PROXY and HTTP mean an HTTP proxy. Entries
// that cannot be understood are described in `rejected` and skipped.
std::vector<Candidate> parse_pac_result(const std::string& result,
                                        const std::string& source,
                                        std::vector<std::string>* rejected);

}  // namespace proxydetect
