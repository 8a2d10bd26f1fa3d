// random_bytes on Windows: the system's CSPRNG (see crypto.h), what
// Microsoft documents for keys and nonces. libgcrypt's Windows gatherer
// (rndw32) would first walk process, heap and network statistics: ~1.1 s
// of CPU under wine at the first call, on the Noise handshake's path.
#include "e2e/crypto.h"

#include <windows.h>
#include <bcrypt.h>

#include <algorithm>
#include <climits>

namespace e2e {

void random_bytes(std::uint8_t* out, std::size_t len) {
    while (len > 0) {
        const ULONG n = static_cast<ULONG>(std::min<std::size_t>(len, ULONG_MAX));
        if (!BCRYPT_SUCCESS(BCryptGenRandom(nullptr, out, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            throw CryptoError("the system's random number generator failed (BCryptGenRandom)");
        out += n;
        len -= n;
    }
}

}  // namespace e2e
