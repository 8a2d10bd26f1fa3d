// HTTP Digest authentication (RFC 7616, which obsoletes RFC 2617) for our
// CONNECT: MD5 and SHA-256, qop=auth (or no qop, RFC 2069 style, for old
// proxies), never qop=auth-int (a CONNECT has no body) and never *-sess.
// The password never crosses the wire: the proxy sees a hash bound to its
// nonce, our cnonce, the method and the target. Hashes come from libgcrypt
// (SSPI's WDigest package is absent under wine 8: SEC_E_SECPKG_NOT_FOUND).
#pragma once

#include <optional>
#include <string>

namespace winnet {

struct DigestChallenge {
    std::string realm, nonce, opaque;
    std::string algorithm = "MD5";  // "MD5" or "SHA-256" (upper case)
    bool qop_auth = false;          // the proxy offered qop="auth"
    bool stale = false;             // the nonce expired; the credentials were fine
};

// The parameters of one "Digest ..." Proxy-Authenticate value (the text
// after the scheme name). nullopt when it is malformed, has no nonce or
// realm, or asks for what we do not do (another algorithm, *-sess, only
// auth-int): the caller then tries another scheme.
std::optional<DigestChallenge> parse_digest_challenge(const std::string& params);

struct DigestRequest {
    std::string user, password;
    std::string method;  // "CONNECT"
    std::string uri;     // the request target: "relay.example.com:443" for CONNECT
    std::string cnonce;  // our nonce (random, 32 hex digits in real use)
    unsigned nc = 1;     // how many times this nonce has been used, from 1
};

// The Proxy-Authorization value: `Digest username="...", realm=..., ...`.
// Throws std::invalid_argument when a value holds a control character
// (a quoted-string cannot carry it).
std::string digest_authorization(const DigestChallenge& c, const DigestRequest& r);

// 16 random bytes from libgcrypt's nonce generator as 32 hex digits.
std::string random_cnonce();

}  // namespace winnet
