// Big-endian (network order) integers: the byte order of every length and
// number Tether puts on a wire (frames here, end-to-end records in tunnel/).
// One codec, so that no layer writes its own shifts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wire {

// The unsigned integer stored in the `bytes` (1-8) bytes at `p`.
inline std::uint64_t get_be(const void* p, int bytes) {
    const auto* b = static_cast<const unsigned char*>(p);
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | b[i];
    return v;
}

// Writes the low `bytes` (1-8) bytes of `v` to `p`, most significant first.
inline void put_be(void* p, std::uint64_t v, int bytes) {
    auto* b = static_cast<unsigned char*>(p);
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) b[i] = static_cast<unsigned char>(v);
}

// Appends the low `bytes` (1-8) bytes of `v` to `out`, most significant first.
inline void append_be(std::string& out, std::uint64_t v, int bytes) {
    unsigned char b[8];
    put_be(b, v, bytes);
    out.append(reinterpret_cast<const char*>(b), static_cast<std::size_t>(bytes));
}

}  // namespace wire
