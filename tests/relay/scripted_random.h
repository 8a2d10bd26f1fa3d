// A RandomSource for tests: codes come from a script (to force collisions),
// everything else from a seeded PRNG (reproducible tokens).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <random>

#include "relay/random_source.h"

namespace relay_test {

class ScriptedRandom : public relay::RandomSource {
public:
    // Each value becomes one code draw (v % 1000000 when v < 4294000000).
    std::deque<std::uint32_t> code_draws;

    void fill(void* buf, std::size_t len) override {
        if (len == sizeof(std::uint32_t) && !code_draws.empty()) {
            std::uint32_t v = code_draws.front();
            code_draws.pop_front();
            std::memcpy(buf, &v, sizeof v);
            return;
        }
        auto* p = static_cast<unsigned char*>(buf);
        for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<unsigned char>(prng_());
    }

private:
    std::mt19937_64 prng_{42};
};

}  // namespace relay_test
