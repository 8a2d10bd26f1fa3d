// The few parts of a URL that proxy selection needs. Deliberately small:
// scheme, host, port and the rest; no percent-decoding, no IDNA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace proxydetect {

struct Url {
    std::string scheme;  // lower case, e.g. "https"
    std::string host;    // lower case, no trailing dot, IPv6 without brackets
    uint16_t port = 0;   // explicit port, or the scheme's default
    bool explicit_port = false;
    std::string path;    // from the first '/' on (includes query), "/" if none

    bool host_is_ipv6() const { return host.find(':') != std::string::npos; }
    // "host" or "[v6]", plus ":port" when explicit_port.
    std::string authority() const;
    // scheme://authority/path, normalised.
    std::string str() const;
};

// Default port for a scheme: http/ws 80, https/wss 443, ftp 21, socks* 1080;
// 0 when unknown.
uint16_t default_port(const std::string& scheme);

// Parses "scheme://[user[:pass]@]host[:port][/path]". Throws UrlError with a
// message naming the URL and the problem. User info is accepted and dropped.
Url parse_url(const std::string& text);

// `url` with the password of its user info replaced by "***"
// ("http://alice:***@proxy:3128"), for messages: a proxy URL may come with
// credentials. Also for "user:pass@host:port" without a scheme.
std::string redact_password(const std::string& url);

// The host as DNS and PAC scripts see it, like Chromium: ASCII, with
// international names in punycode (IDNA2008 with UTS #46 mapping,
// "Bücher.example" -> "xn--bcher-kva.example"); nullopt when it is not a
// valid international name. Linux: libidn2. Windows: the host unchanged,
// since WinHTTP converts it itself.
std::optional<std::string> ascii_host(const std::string& host);

// Lower-cases and strips one trailing dot ("Example.COM." -> "example.com").
std::string normalise_host(std::string host);

}  // namespace proxydetect
