#include "relay/tls_memory.h"

#include <malloc.h>
#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>

namespace relay {
namespace {

// Requests in [kRecordMin, kRecordMax] bytes are record buffers (OpenSSL
// 3.0: 16 KiB of plaintext + encryption overhead + header + alignment, and
// 1 KiB more while compression is allowed: 17.0-17.8 KiB); each gets a
// kRecordMax-byte block, so any cached block serves any of them. free gets
// no size: malloc_usable_size tells the class (no header per allocation,
// which would cost memory on each of OpenSSL's many small ones).
constexpr std::size_t kRecordMin = 16 * 1024;
constexpr std::size_t kRecordMax = 20 * 1024;
// A block is kept if malloc gave it at least kRecordMax and at most this
// much more (glibc rounds a request up by a few bytes).
constexpr std::size_t kSlack = 64;
// Per thread: a read buffer and a write buffer in flight, twice over.
constexpr int kCachedPerThread = 4;

// Trivially destructible: still usable when OpenSSL frees during thread
// exit, after ThreadCacheOwner's destructor ran (then `closed`).
struct ThreadCache {
    void* blocks[kCachedPerThread];
    int count;
    bool closed;
};
thread_local ThreadCache cache{};

// Gives a thread's cached blocks back when the thread ends.
struct ThreadCacheOwner {
    ~ThreadCacheOwner() {
        for (int i = 0; i < cache.count; ++i) std::free(cache.blocks[i]);
        cache.count = 0;
        cache.closed = true;
    }
};
thread_local ThreadCacheOwner owner;

bool is_record_request(std::size_t n) { return n >= kRecordMin && n <= kRecordMax; }

bool is_record_block(void* p) {
    const std::size_t usable = malloc_usable_size(p);
    return usable >= kRecordMax && usable <= kRecordMax + kSlack;
}

void* tls_malloc(std::size_t n, const char*, int) {
    if (!is_record_request(n)) return std::malloc(n);
    if (cache.count > 0) return cache.blocks[--cache.count];
    return std::malloc(kRecordMax);
}

void tls_free(void* p, const char*, int) {
    if (p && !cache.closed && cache.count < kCachedPerThread && is_record_block(p)) {
        (void)&owner;  // odr-use: constructs this thread's owner, whose destructor empties the cache
        cache.blocks[cache.count++] = p;
        return;
    }
    std::free(p);
}

void* tls_realloc(void* p, std::size_t n, const char* file, int line) {
    if (!p) return tls_malloc(n, file, line);
    if (n == 0) {
        tls_free(p, file, line);
        return nullptr;
    }
    if (!is_record_block(p)) return std::realloc(p, n);
    void* fresh = tls_malloc(n, file, line);
    if (!fresh) return nullptr;
    // All of the old contents that fit: a block malloc'd outside the cache
    // for a request just above kRecordMax also looks like a record block,
    // and may hold up to kSlack bytes more than kRecordMax.
    const std::size_t old_size = malloc_usable_size(p);
    std::memcpy(fresh, p, n < old_size ? n : old_size);
    tls_free(p, file, line);
    return fresh;
}

}  // namespace

bool install_tls_memory_cache() { return CRYPTO_set_mem_functions(tls_malloc, tls_realloc, tls_free) == 1; }

}  // namespace relay
