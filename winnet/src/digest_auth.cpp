// Digest proxy authentication (see digest_auth.h).
#include "digest_auth.h"

#include <gcrypt.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

namespace winnet {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// auth-param list (RFC 9110 11.2): name=token or name="quoted \" string",
// separated by commas. nullopt when malformed (an unclosed quote, no '=').
std::optional<std::map<std::string, std::string>> parse_params(const std::string& s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    auto skip = [&](const char* chars) { while (i < s.size() && std::strchr(chars, s[i])) ++i; };
    while (true) {
        skip(" \t,");
        if (i == s.size()) return out;
        std::size_t eq = s.find('=', i);
        if (eq == std::string::npos) return std::nullopt;
        std::string name = lower(s.substr(i, eq - i));
        name.erase(name.find_last_not_of(" \t") + 1);
        i = eq + 1;
        skip(" \t");
        std::string value;
        if (i < s.size() && s[i] == '"') {
            for (++i;; ++i) {
                if (i >= s.size()) return std::nullopt;
                if (s[i] == '"') break;
                if (s[i] == '\\' && ++i >= s.size()) return std::nullopt;
                value += s[i];
            }
            ++i;
        } else {
            std::size_t end = s.find(',', i);
            value = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
            value.erase(value.find_last_not_of(" \t") + 1);
            i = end == std::string::npos ? s.size() : end;
        }
        if (name.empty()) return std::nullopt;
        out[name] = value;
    }
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string hex_hash(int algo, const std::string& text) {
    unsigned char digest[32];  // SHA-256 is the longest we use
    gcry_md_hash_buffer(algo, digest, text.data(), text.size());
    return hex(digest, gcry_md_get_algo_dlen(algo));
}

// A quoted-string (RFC 9110 5.6.4): '"' and '\' escaped (a DOMAIN\user
// name needs it); control characters cannot be carried at all.
std::string quoted(const std::string& v, const char* what) {
    std::string out = "\"";
    for (unsigned char c : v) {
        if (c < 0x20 || c == 0x7f)
            throw std::invalid_argument(std::string("the ") + what + " holds a control character: Digest cannot carry it");
        if (c == '"' || c == '\\') out += '\\';
        out += static_cast<char>(c);
    }
    return out + "\"";
}

}  // namespace

std::optional<DigestChallenge> parse_digest_challenge(const std::string& text) {
    auto p = parse_params(text);
    if (!p || !p->count("nonce") || !p->count("realm")) return std::nullopt;
    DigestChallenge c;
    c.realm = (*p)["realm"];
    c.nonce = (*p)["nonce"];
    c.opaque = p->count("opaque") ? (*p)["opaque"] : "";
    std::string algo = p->count("algorithm") ? lower((*p)["algorithm"]) : "md5";
    if (algo == "md5") c.algorithm = "MD5";
    else if (algo == "sha-256") c.algorithm = "SHA-256";
    else return std::nullopt;  // *-sess, SHA-512-256: not offered by the proxies we know
    if (p->count("qop")) {
        std::string list = "," + lower((*p)["qop"]) + ",";
        list.erase(std::remove_if(list.begin(), list.end(), [](char ch) { return ch == ' ' || ch == '\t'; }),
                   list.end());
        c.qop_auth = list.find(",auth,") != std::string::npos;
        if (!c.qop_auth) return std::nullopt;  // auth-int only
    }
    c.stale = p->count("stale") && lower((*p)["stale"]) == "true";
    return c;
}

std::string digest_authorization(const DigestChallenge& c, const DigestRequest& r) {
    int algo = c.algorithm == "SHA-256" ? GCRY_MD_SHA256 : GCRY_MD_MD5;
    std::string ha1 = hex_hash(algo, r.user + ":" + c.realm + ":" + r.password);
    std::string ha2 = hex_hash(algo, r.method + ":" + r.uri);
    char nc[9];
    std::snprintf(nc, sizeof nc, "%08x", r.nc);
    std::string response = c.qop_auth ? hex_hash(algo, ha1 + ":" + c.nonce + ":" + nc + ":" + r.cnonce + ":auth:" + ha2)
                                      : hex_hash(algo, ha1 + ":" + c.nonce + ":" + ha2);
    std::string v = "Digest username=" + quoted(r.user, "proxy_user") + ", realm=" + quoted(c.realm, "proxy's realm") +
                    ", nonce=" + quoted(c.nonce, "proxy's nonce") + ", uri=" + quoted(r.uri, "target") +
                    ", algorithm=" + c.algorithm + ", response=\"" + response + "\"";
    if (c.qop_auth) v += ", qop=auth, nc=" + std::string(nc) + ", cnonce=" + quoted(r.cnonce, "cnonce");
    if (!c.opaque.empty()) v += ", opaque=" + quoted(c.opaque, "proxy's opaque value");
    return v;
}

std::string random_cnonce() {
    unsigned char bytes[16];
    gcry_create_nonce(bytes, sizeof bytes);
    return hex(bytes, sizeof bytes);
}

}  // namespace winnet
