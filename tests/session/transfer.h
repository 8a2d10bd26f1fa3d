// Test helpers: a deterministic byte pattern, and writer/reader jobs over a
// ByteStream that check every byte against it (exact, in order, no more).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <string>

#include "session/byte_stream.h"

namespace fake {

// Byte `offset` of a stream identified by `seed`.
inline unsigned char pattern_byte(std::uint64_t seed, std::uint64_t offset) {
    std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (offset >> 3) + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<unsigned char>(z >> ((offset & 7) * 8));
}

struct ReadResult {
    std::uint64_t bytes = 0;                 // bytes read before the end
    std::uint64_t first_bad = UINT64_MAX;    // offset of the first wrong byte
    std::string error;                       // StreamError text, "" on a clean end
};

// Writes `total` pattern bytes in chunks of varying size (1..max_chunk),
// calling progress(bytes written so far) after each, then shutdown_write()
// if `fin`. Returns the error text or "".
std::string write_pattern(session::ByteStream& s, std::uint64_t seed, std::uint64_t total,
                          std::size_t max_chunk = 100 * 1024, bool fin = true,
                          const std::function<void(std::uint64_t)>& progress = nullptr);

// Reads until the end of the stream, checking bytes against the pattern.
ReadResult read_pattern(session::ByteStream& s, std::uint64_t seed);

// Waits for `f` at most `limit`; on timeout runs `abort` (which must unblock
// the job, e.g. by closing its streams) and then waits for it. True when the
// job finished in time.
template <class T>
bool finish_within(std::future<T>& f, std::chrono::seconds limit, const std::function<void()>& abort) {
    if (f.wait_for(limit) == std::future_status::ready) return true;
    abort();
    f.wait();
    return false;
}

}  // namespace fake
