// Randomness for session codes and tokens, injected so that tests can force
// collisions. Production uses OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace relay {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Fills `len` bytes; throws std::runtime_error if no randomness is available.
    virtual void fill(void* buf, std::size_t len) = 0;
};

class CsprngSource : public RandomSource {
public:
    void fill(void* buf, std::size_t len) override;  // RAND_bytes
};

// `digits` decimal digits (6 to 9, wire/session_code.h), uniform (rejection
// sampling, no modulo bias).
std::string random_code(RandomSource& rng, std::size_t digits);
// 32 random bytes as 64 lowercase hex characters.
std::string random_token(RandomSource& rng);

}  // namespace relay
