#include "relay/random_source.h"

#include <openssl/rand.h>

#include <limits>
#include <stdexcept>

namespace relay {

void CsprngSource::fill(void* buf, std::size_t len) {
    if (RAND_bytes(static_cast<unsigned char*>(buf), static_cast<int>(len)) != 1)
        throw std::runtime_error("no randomness available (RAND_bytes failed)");
}

std::string random_code(RandomSource& rng) {
    // The largest multiple of 10^6 that fits in 32 bits: values at or above
    // it are redrawn, so every code is equally likely.
    constexpr std::uint32_t kLimit = 4294u * 1000000u;
    std::uint32_t v = 0;
    do {
        rng.fill(&v, sizeof v);
    } while (v >= kLimit);
    std::string code = std::to_string(v % 1000000u);
    return std::string(6 - code.size(), '0') + code;
}

std::string random_token(RandomSource& rng) {
    unsigned char bytes[32];
    rng.fill(bytes, sizeof bytes);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    return out;
}

}  // namespace relay
