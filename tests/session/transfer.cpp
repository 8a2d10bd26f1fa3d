#include "session/transfer.h"

#include <algorithm>
#include <random>
#include <vector>

namespace fake {

std::string write_pattern(session::ByteStream& s, std::uint64_t seed, std::uint64_t total,
                          std::size_t max_chunk, bool fin,
                          const std::function<void(std::uint64_t)>& progress) {
    std::mt19937 rng(static_cast<std::uint32_t>(seed));
    std::vector<char> buf(max_chunk);
    try {
        for (std::uint64_t off = 0; off < total;) {
            auto n = static_cast<std::size_t>(std::min<std::uint64_t>(1 + rng() % max_chunk, total - off));
            for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(pattern_byte(seed, off + i));
            s.write(buf.data(), n);
            off += n;
            if (progress) progress(off);
        }
        if (fin) s.shutdown_write();
        return "";
    } catch (const std::exception& e) {
        return e.what();
    }
}

ReadResult read_pattern(session::ByteStream& s, std::uint64_t seed) {
    ReadResult r;
    std::vector<char> buf(64 * 1024);
    try {
        for (;;) {
            std::size_t n = s.read(buf.data(), buf.size());
            if (n == 0) break;
            for (std::size_t i = 0; i < n && r.first_bad == UINT64_MAX; ++i)
                if (static_cast<unsigned char>(buf[i]) != pattern_byte(seed, r.bytes + i)) r.first_bad = r.bytes + i;
            r.bytes += n;
        }
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

}  // namespace fake
