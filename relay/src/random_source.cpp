#include "relay/random_source.h"

#include <openssl/rand.h>

#include <limits>
#include <stdexcept>

#include "wire/session_code.h"

namespace relay {

void CsprngSource::fill(void* buf, std::size_t len) {
    if (RAND_bytes(static_cast<unsigned char*>(buf), static_cast<int>(len)) != 1)
        throw std::runtime_error("no randomness available (RAND_bytes failed)");
}

std::string random_code(RandomSource& rng, std::size_t digits) {
    if (digits < wire::kShortCodeDigits || digits > wire::kMaxCodeDigits)
        throw std::invalid_argument("a session code has 6 to 9 digits");
    std::uint32_t space = 1;
    for (std::size_t i = 0; i < digits; ++i) space *= 10;
    // The largest multiple of the code space that fits in 32 bits: values at
    // or above it are redrawn, so every code is equally likely.
    const std::uint32_t limit = (std::numeric_limits<std::uint32_t>::max() / space) * space;
    std::uint32_t v = 0;
    do {
        rng.fill(&v, sizeof v);
    } while (v >= limit);
    std::string code = std::to_string(v % space);
    return std::string(digits - code.size(), '0') + code;
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
