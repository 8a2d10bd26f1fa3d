// OpenSSL contexts for the end-to-end session: TLS 1.3 only, no tickets, an
// ephemeral self-signed certificate on the desk, ALPN as protocol version.
#include "secure_context.h"

#include <cstring>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "session/byte_stream.h"

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)
using secure::SecureRole;
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};

// The certificate is only a carrier for the session key (nobody verifies it
// against a CA), so its validity just needs to cover any session; an hour of
// slack on notBefore tolerates a peer whose clock runs behind.
constexpr long kCertSlackSeconds = 3600;
constexpr long kCertLifetimeSeconds = 7L * 24 * 3600;

// Offered in this order by the client; AES-128-GCM is the fastest with AES-NI
// and ChaCha20 the fastest without; all three are AEAD.
constexpr const char kCipherSuites[] =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";

[[noreturn]] void fail(const char* what) {
    throw session::StreamError(std::string("cannot set up end-to-end encryption: ") + what + " (" +
                      take_openssl_reason("OpenSSL error") + ")");
}

std::unique_ptr<X509, X509Free> self_signed(EVP_PKEY* key) {
    std::unique_ptr<X509, X509Free> cert(X509_new());
    if (!cert) fail("out of memory");
    unsigned char serial[8];
    if (RAND_bytes(serial, sizeof serial) != 1) fail("no randomness");
    serial[0] &= 0x7f;  // keep the serial positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>("tether-desk");
    ok = ok && X509_set_version(cert.get(), 2) &&
         X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kCertSlackSeconds) &&
         X509_gmtime_adj(X509_getm_notAfter(cert.get()), kCertLifetimeSeconds) &&
         X509_set_pubkey(cert.get(), key) &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) &&
         X509_set_issuer_name(cert.get(), name) && X509_sign(cert.get(), key, EVP_sha256()) > 0;
    if (!ok) fail("cannot create the session certificate");
    return cert;
}

void add_ephemeral_identity(SSL_CTX* ctx) {
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key) fail("cannot generate the session key");
    auto cert = self_signed(key.get());
    if (SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        fail("cannot install the session certificate");
}

// Desk side of ALPN: accept only our protocol name; anything else (an old or
// foreign peer) fails the handshake with a no_application_protocol alert.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    static const unsigned char ours[] = {sizeof kSecureAlpn - 1, 't', 'e', 't', 'h', 'e', 'r',
                                         '-', 'e', '2', 'e', '/', '1'};
    static_assert(sizeof ours == sizeof kSecureAlpn, "ALPN wire form must match kSecureAlpn");
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, ours, sizeof ours, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

void set_alpn(SSL_CTX* ctx, SecureRole role) {
    if (role == SecureRole::desk) {
        SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
        return;
    }
    std::string wire(1, static_cast<char>(sizeof kSecureAlpn - 1));
    wire += kSecureAlpn;
    if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0)
        fail("cannot set the protocol name");
}

}  // namespace

std::string take_openssl_reason(const char* fallback) {
    unsigned long code = ERR_get_error();  // the oldest: the root cause
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    std::string out = reason ? reason : fallback;
    ERR_clear_error();
    return out;
}

SslCtxPtr make_secure_context(SecureRole role) {
    SslCtxPtr ctx(SSL_CTX_new(role == SecureRole::desk ? TLS_server_method() : TLS_client_method()));
    if (!ctx) fail("cannot create a TLS context");
    SSL_CTX* c = ctx.get();
    // TLS 1.3 only: both ends are ours, and 1.3 alone gives the exporter,
    // forward secrecy and AEAD-only suites without configuration.
    if (SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_ciphersuites(c, kCipherSuites) != 1)
        fail("TLS 1.3 is not available");
    // No resumption: every session has fresh keys, and a ticket would be a
    // post-handshake message nobody needs.
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    if (role == SecureRole::desk)
        add_ephemeral_identity(c);
    else
        SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);  // no CA: the SAS authenticates
    set_alpn(c, role);
    return ctx;
}

}  // namespace baseline_tls
