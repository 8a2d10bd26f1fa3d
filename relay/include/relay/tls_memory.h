// OpenSSL's memory through a small per-thread cache of TLS record buffers.
//
// Why: with SSL_MODE_RELEASE_BUFFERS (relay_server.cpp load_tls) an idle
// connection holds no record buffers, but OpenSSL then allocates and frees
// a ~17-18 KiB buffer around every read and write: an idle heartbeat round
// trip cost 4 such malloc/free pairs, and perf showed malloc, free, chunk
// consolidation and arena locks as ~20% of the relay's idle CPU. Blocks of
// record-buffer size are now kept for reuse, a few per thread (bounded:
// 4 x 20 KiB per thread that ever used OpenSSL), so the
// release costs no malloc/free and no arena lock; any other size goes
// straight to malloc.
#pragma once

namespace relay {

// Installs the hooks (CRYPTO_set_mem_functions). Call first thing in main,
// before anything calls OpenSSL. false: OpenSSL had already allocated (or
// refused); it then keeps its own malloc, which is only slower.
bool install_tls_memory_cache();

}  // namespace relay
