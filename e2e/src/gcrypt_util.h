// Internal to e2e/: libgcrypt's one-time set-up and error checking.
#pragma once

#include <gcrypt.h>

namespace e2e {

// Initialises libgcrypt once per process (thread-safe; cheap after the
// first call). Every entry point of e2e/ calls it before using libgcrypt.
void ensure_gcrypt();

// Throws CryptoError naming `what` and libgcrypt's reason if `err` is set.
void check(gcry_error_t err, const char* what);

}  // namespace e2e
