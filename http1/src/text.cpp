// Base64, Basic credentials, %XX escapes and URLs (see http1/http1.h).
#include "http1/http1.h"

#include <algorithm>
#include <cctype>

#include "hex_digit.h"

namespace http1 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
    const char* p = std::find(kAlphabet, kAlphabet + 64, c);
    return p == kAlphabet + 64 ? -1 : static_cast<int>(p - kAlphabet);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

[[noreturn]] void bad_url(const std::string& url, const std::string& why) {
    throw std::invalid_argument("bad URL '" + url + "': " + why);
}

int parse_port(const std::string& url, const std::string& s) {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        bad_url(url, "the port must be a number");
    int port = std::stoi(s);
    if (port < 1 || port > 65535) bad_url(url, "the port must be 1-65535");
    return port;
}

}  // namespace

std::string base64(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
    }
    return out;
}

std::string base64_decode(std::string_view in) {
    if (in.size() % 4 != 0) throw ParseError("base64: length is not a multiple of 4");
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            char c = in[i + k];
            if (c == '=' && i + 4 == in.size() && k >= 2) { v[k] = 0; ++pad; continue; }
            if (pad || (v[k] = b64_value(c)) < 0) throw ParseError("base64: bad character");
        }
        unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        out += static_cast<char>(n >> 16);
        if (pad < 2) out += static_cast<char>((n >> 8) & 255);
        if (pad < 1) out += static_cast<char>(n & 255);
    }
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int hi = text[i] == '%' && i + 2 < text.size() ? hex_digit_value(text[i + 1]) : -1;
        int lo = hi >= 0 ? hex_digit_value(text[i + 2]) : -1;
        if (lo >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string basic_credentials(const std::string& user, const std::string& password) {
    return "Basic " + base64(user + ":" + password);
}

std::string Url::host_port() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

Url parse_url(const std::string& url) {
    Url u;
    auto sep = url.find("://");
    if (sep == std::string::npos) bad_url(url, "it needs a scheme (https://)");
    u.scheme = lower(url.substr(0, sep));
    if (u.scheme != "http" && u.scheme != "https") bad_url(url, "only http and https are supported");
    std::string rest = url.substr(sep + 3);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "" : rest.substr(slash);
    while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
    if (authority.find('@') != std::string::npos) bad_url(url, "put credentials in the settings, not in the URL");
    std::string port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string::npos) bad_url(url, "unclosed [ in the host");
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') bad_url(url, "junk after the host");
            port = authority.substr(close + 2);
            if (port.empty()) bad_url(url, "empty port");
        }
    } else {
        auto colon = authority.rfind(':');
        u.host = authority.substr(0, colon);
        if (colon != std::string::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) bad_url(url, "empty port");
        }
    }
    if (u.host.empty()) bad_url(url, "no host");
    if (u.host.find_first_of(" \t\r\n/?#") != std::string::npos) bad_url(url, "bad host");
    u.host = lower(u.host);
    u.port = port.empty() ? (u.scheme == "https" ? 443 : 80) : parse_port(url, port);
    return u;
}

}  // namespace http1
