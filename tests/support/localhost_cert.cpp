#include "support/localhost_cert.h"

#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "support/process.h"

namespace test_support {
namespace {

// True when the certificate in `cert_file` has an ECDSA signature whose r
// and s are 32 bytes each (P-256).
bool full_length_signature(const std::string& cert_file) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(cert_file.c_str(), "r"), std::fclose);
    if (!f) return false;
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), X509_free);
    if (!cert) return false;
    const ASN1_BIT_STRING* sig = nullptr;
    X509_get0_signature(&sig, nullptr, cert.get());
    const unsigned char* p = sig->data;
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(d2i_ECDSA_SIG(nullptr, &p, sig->length),
                                                                 ECDSA_SIG_free);
    if (!ecdsa) return false;
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(ecdsa.get(), &r, &s);
    return BN_num_bytes(r) == 32 && BN_num_bytes(s) == 32;
}

}  // namespace

void make_localhost_certificate(const std::string& cert_file, const std::string& key_file) {
    constexpr int kAttempts = 8;  // one signature in 128 is short: 8 in a row, 2^-56
    for (int i = 0; i < kAttempts; ++i) {
        auto made = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", key_file, "-out", cert_file, "-days", "2", "-subj", "/CN=localhost", "-addext",
                         "subjectAltName=DNS:localhost"});
        if (made.code != 0) throw std::runtime_error("openssl could not make a certificate: " + made.output);
        if (full_length_signature(cert_file)) return;
    }
    throw std::runtime_error("openssl gave " + std::to_string(kAttempts) + " short ECDSA signatures in a row");
}

}  // namespace test_support
