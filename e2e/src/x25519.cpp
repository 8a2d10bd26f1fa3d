// X25519 through libgcrypt's gcry_ecc_mul_point (Curve25519, RFC 7748 byte
// order and clamping).
#include "e2e/crypto.h"

#include "gcrypt_util.h"

namespace e2e {

Key x25519(const Key& scalar, const Key& point) {
    ensure_gcrypt();
    Key out;
    check(gcry_ecc_mul_point(GCRY_ECC_CURVE25519, out.data(), scalar.data(), point.data()), "X25519");
    // All zeros: the peer sent a low-order point (RFC 7748 section 6.1 says
    // to check); the shared secret would be known to anyone.
    static const Key zero{};
    if (equal_ct(out.data(), zero.data(), out.size())) throw CryptoError("X25519 gave the all-zero value");
    return out;
}

Key x25519_public(const Key& scalar) {
    static const Key base{9};  // u = 9, little-endian
    return x25519(scalar, base);
}

}  // namespace e2e
