#include "relay/dev_cert.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "platform/dirs.h"

namespace relay {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

// Long enough for a development setup; short enough to not matter if leaked.
constexpr long kValiditySeconds = 365L * 24 * 3600;

bool is_ip(const std::string& s) {
    return s.find_first_not_of("0123456789.") == std::string::npos || s.find(':') != std::string::npos;
}

// "a,b,127.0.0.1" -> "DNS:a,DNS:b,IP:127.0.0.1"; the first name is the CN.
std::string san_list(const std::string& names, std::string& first) {
    std::stringstream in(names);
    std::string name, out;
    while (std::getline(in, name, ',')) {
        if (name.empty()) continue;
        if (first.empty()) first = name;
        out += (out.empty() ? "" : ",") + std::string(is_ip(name) ? "IP:" : "DNS:") + name;
    }
    if (out.empty()) throw std::runtime_error("--dev-names lists no name");
    return out;
}

void add_ext(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("cannot build certificate extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// True when the certificate's ECDSA signature has r and s of the curve's
// full size (32 bytes for P-256), i.e. neither starts with a zero byte.
bool full_length_signature(const X509* cert, int field_bytes) {
    const ASN1_BIT_STRING* sig = nullptr;
    X509_get0_signature(&sig, nullptr, cert);
    const unsigned char* p = sig->data;
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(d2i_ECDSA_SIG(nullptr, &p, sig->length),
                                                                 ECDSA_SIG_free);
    if (!ecdsa) return false;
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(ecdsa.get(), &r, &s);
    return BN_num_bytes(r) == field_bytes && BN_num_bytes(s) == field_bytes;
}

// Signs `cert` (SHA-256) so that wine's crypt32 can check it too. Wine 8
// drops the leading zero bytes of r or s when it turns the DER signature
// into the r||s that BCryptVerifySignature takes: a 63-byte signature,
// which fails, and tether-client.exe refuses the relay with "Windows
// rejected the certificate (0x80096004)" (TRUST_E_CERT_SIGNATURE). That
// happens when r or s is below 2^248, once in 128 signatures; it made
// e2e.winclient.* fail now and then (a fresh --dev certificate per test).
// Real Windows is not affected. ECDSA signs with a fresh random nonce, so
// signing again gives another r and s: 8 attempts all short is 2^-56.
void sign_for_wine(X509* cert, EVP_PKEY* key) {
    constexpr int kAttempts = 8;
    const int field_bytes = (EVP_PKEY_get_bits(key) + 7) / 8;
    for (int i = 0; i < kAttempts; ++i) {
        if (!X509_sign(cert, key, EVP_sha256())) throw std::runtime_error("cannot sign the dev certificate");
        if (full_length_signature(cert, field_bytes)) return;
    }
    throw std::runtime_error("cannot sign the dev certificate: every ECDSA signature was short");
}

CertPtr make_cert(EVP_PKEY* key, const std::string& names) {
    CertPtr cert(X509_new(), X509_free);
    std::string cn;
    const std::string sans = san_list(names, cn);
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("tether-relay dev"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), subject);
    X509_set_pubkey(cert.get(), key);
    // A self-signed CA:TRUE certificate is what every TLS stack accepts as a trust anchor.
    add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_ext(cert.get(), NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), NID_subject_alt_name, sans);
    sign_for_wine(cert.get(), key);
    return cert;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_pem(const std::string& path, int mode, const std::function<int(FILE*)>& writer) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + path);
    ::chmod(path.c_str(), mode);
    const int ok = writer(f);
    std::fclose(f);
    if (!ok) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string default_state_dir() {
    const char* xdg = std::getenv("XDG_STATE_HOME");
    if (xdg && *xdg) return std::string(xdg) + "/tether-relay";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/state/tether-relay";
}

DevCertificate ensure_dev_certificate(const std::string& state_dir, const std::string& names) {
    platform::make_private_dirs(state_dir);  // holds the private key
    DevCertificate dc{state_dir + "/dev-cert.pem", state_dir + "/dev-key.pem", false};
    const std::string names_file = state_dir + "/dev-names";
    if (read_all(names_file) == names && !read_all(dc.cert_file).empty() && !read_all(dc.key_file).empty())
        return dc;
    KeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    if (!key) throw std::runtime_error("cannot generate a key for the dev certificate");
    CertPtr cert = make_cert(key.get(), names);
    write_pem(dc.key_file, 0600, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    write_pem(dc.cert_file, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
    std::ofstream(names_file) << names;
    dc.created = true;
    return dc;
}

}  // namespace relay
