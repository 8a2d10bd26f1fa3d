// Benchmark baseline (was internal to tunnel/ until the Noise channel): OpenSSL objects for the end-to-end TLS session.
#pragma once

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "secure/secure_stream.h"

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)
using secure::SecureRole;

struct SslCtxFree {
    void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
    void operator()(SSL* p) const { SSL_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

// ALPN name of our end-to-end protocol; bump it when the layer above the TLS
// handshake (the SAS exchange) changes, so old and new endpoints fail the
// handshake with "no application protocol" instead of misreading each other.
inline constexpr const char kSecureAlpn[] = "tether-e2e/1";

// A TLS 1.3-only context for `role`, tickets off. For the desk it holds a
// fresh P-256 key and a self-signed certificate (one context per session).
// Throws StreamError if OpenSSL cannot build it.
SslCtxPtr make_secure_context(SecureRole role);

// The reason of the oldest error on this thread's OpenSSL error queue (e.g.
// "decryption failed or bad record mac"), or `fallback`. Clears the queue.
std::string take_openssl_reason(const char* fallback);

}  // namespace baseline_tls
