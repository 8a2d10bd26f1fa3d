// EndpointConfig helpers: host:port for messages, proxy_auth lists.
#include "tunnel/http_settings.h"

#include <algorithm>
#include <cctype>

#include <curl/curl.h>

#include <memory>
#include <sstream>
#include <stdexcept>

namespace tunnel {
namespace {

struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string url_part(CURLU* u, CURLUPart part) {
    char* s = nullptr;
    if (curl_url_get(u, part, &s, 0) != CURLUE_OK || !s) return "";
    std::string out = s;
    curl_free(s);
    return out;
}

// "host:port" of `url`; without a port: `default_port`, or by scheme if null.
std::string host_port(const std::string& url, const char* default_port) {
    if (url.empty()) return "";
    std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
    unsigned flags = CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME;
    if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), flags) != CURLUE_OK) return url;
    std::string host = url_part(u.get(), CURLUPART_HOST);
    std::string port = url_part(u.get(), CURLUPART_PORT);
    if (port.empty()) {
        std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
        port = default_port ? default_port : (scheme == "http" ? "80" : "443");
    }
    return host + ":" + port;
}

unsigned long auth_bit(const std::string& name) {
    if (name == "basic") return CURLAUTH_BASIC;
    if (name == "digest") return CURLAUTH_DIGEST;
    if (name == "ntlm") return CURLAUTH_NTLM;
    if (name == "negotiate") return CURLAUTH_NEGOTIATE;
    if (name == "any") return CURLAUTH_ANY;
    if (name == "anysafe") return CURLAUTH_ANYSAFE;
    throw std::invalid_argument("unknown proxy_auth scheme '" + name +
                                "' (use basic, digest, ntlm, negotiate, any or anysafe)");
}

}  // namespace

std::string relay_host_port(const EndpointConfig& cfg) { return host_port(cfg.relay_url, nullptr); }

// libcurl's default proxy port is 1080.
std::string proxy_host_port(const EndpointConfig& cfg) { return host_port(cfg.proxy_url, "1080"); }

unsigned long parse_proxy_auth(const std::string& list) {
    unsigned long bits = 0;
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        if (!name.empty()) bits |= auth_bit(name);
    }
    return bits ? bits : CURLAUTH_ANYSAFE;
}

bool is_plain_http(const std::string& url) {
    std::string head = url.substr(0, 7);
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    return head == "http://";
}

}  // namespace tunnel
