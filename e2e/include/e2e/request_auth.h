// Per-request authentication between an endpoint and the relay, for plain
// HTTP (docs/SECURITY.md "Plain HTTP through proxies that refuse CONNECT").
// A proxy that forwards plain requests sees every header, so a bearer token
// would let it act as the endpoint. Instead:
//
//   request key  K = HKDF-SHA-256(salt "tether-request-v1",
//                                 ikm  X25519(e, R) = X25519(r, E),
//                                 info E || R)            (32 bytes)
//
// e/E: the endpoint's fresh X25519 key pair for this session side (E goes in
// the create/join body); r/R: the relay's long-term key pair (R is pinned in
// the endpoint's proxy.conf, `relay_key`). The proxy sees E and R only.
// Every later request carries
//
//   X-Tether-Auth: v1 token=<token> seq=<n> mac=<64 hex>
//   mac = HMAC-SHA-256(K, "tether-request-v1\n" method "\n" target "\n"
//                         token "\n" n "\n" hex(SHA-256(body)))
//
// (target: path and query as sent; token: the side's public session id),
// and every answer the relay gives to a keyed request carries
//
//   X-Tether-Auth: v1 mac=<64 hex>
//   mac = HMAC-SHA-256(K, "tether-response-v1\n" n "\n" status "\n" hex(SHA-256(body)))
//
// binding it to that request's n, so an old answer cannot be replayed to a
// later request. The create/join answer is bound to n = 0: it proves that
// the relay got our E, not a proxy's.
//
// n is strictly increasing per side at the sender; the relay keeps a sliding
// window (ReplayWindow) because an endpoint has a few requests in flight on
// separate connections (two polls and one upload) which may arrive out of
// order. No I/O, no threads; libgcrypt through e2e/crypto.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "e2e/crypto.h"

namespace e2e {

// "0123abcd..." (lower case) and back; nullopt on a bad digit or length.
std::string to_hex(View bytes);
std::optional<Key> key_from_hex(const std::string& hex);

// The endpoint's side of the key agreement: a fresh key pair, and K with the
// relay's public key. Throws CryptoError on a low-order relay key.
struct EndpointKeyAgreement {
    Key secret{}, public_key{};
    EndpointKeyAgreement();  // a fresh random key pair
    ~EndpointKeyAgreement() { wipe(secret); }
    Key request_key(const Key& relay_public) const;
};
// The relay's side: K from its private key and the endpoint's public key.
Key relay_request_key(const Key& relay_secret, const Key& relay_public, const Key& endpoint_public);

// The request MAC (hex) as defined above.
std::string request_mac(const Key& k, const std::string& method, const std::string& target, const std::string& token,
                        std::uint64_t seq, const std::string& body);
// The response MAC (hex) as defined above.
std::string response_mac(const Key& k, std::uint64_t seq, int status, const std::string& body);

// "v1 token=<token> seq=<n> mac=<hex>" and back.
struct RequestAuth {
    std::string token;  // the side's session id (not a secret over plain HTTP)
    std::uint64_t seq = 0;
    std::string mac;  // 64 lower-case hex digits
};
std::string format_request_auth(const RequestAuth& a);
std::optional<RequestAuth> parse_request_auth(const std::string& header);
std::string format_response_auth(const std::string& mac);
std::optional<std::string> parse_response_auth(const std::string& header);  // the mac

// A side's credential as an endpoint passes it around (the "token" of its
// session API answers and carriers, on Linux and Windows alike): the
// relay's token, or, for a side keyed over plain HTTP, "<token>~<request
// key hex>". Secret either way; never logged.
struct SideCredential {
    std::string token;
    std::optional<Key> key;  // set: every request is MACed, no bearer token
};
SideCredential parse_side_credential(const std::string& credential);
std::string keyed_credential(const std::string& token, const Key& key);

// A new side's key over plain HTTP: its public half (hex) for the
// create/join body, and K agreed with the relay's pinned key. nullopt when
// `relay_key_hex` is not 64 hex digits; throws CryptoError for a low-order
// relay key.
struct SideKey {
    std::string public_hex;
    Key request_key{};
};
std::optional<SideKey> new_side_key(const std::string& relay_key_hex);

// The next request sequence number: strictly increasing in this process,
// so for each side (a side lives in one process). Thread-safe.
std::uint64_t next_request_seq();

// Hex MACs compared in constant time (false when lengths differ).
bool mac_equal(const std::string& a, const std::string& b);

// Which sequence numbers a side has used: accepts each n once, and only
// within kWindow of the highest accepted (older ones cannot be told apart
// from replays). Not thread-safe: the owner locks.
class ReplayWindow {
public:
    // Why 256: an endpoint has at most a handful of requests in flight; a
    // request overtaken by 256 later ones has timed out at the endpoint anyway.
    static constexpr std::uint64_t kWindow = 256;
    // True (and n is now used) if n > 0, unused and inside the window.
    bool accept(std::uint64_t n);
    std::uint64_t highest() const { return highest_; }

private:
    std::uint64_t highest_ = 0;
    std::uint64_t seen_[kWindow / 64] = {};  // bit (n % kWindow) for n in (highest - kWindow, highest]
};

}  // namespace e2e
