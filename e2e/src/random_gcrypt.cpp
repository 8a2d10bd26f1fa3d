// random_bytes on Linux: libgcrypt's CSPRNG (see crypto.h).
#include "e2e/crypto.h"
#include "gcrypt_util.h"

namespace e2e {

void random_bytes(std::uint8_t* out, std::size_t len) {
    ensure_gcrypt();
    gcry_randomize(out, len, GCRY_STRONG_RANDOM);
}

}  // namespace e2e
