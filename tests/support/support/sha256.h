// Test data: reproducible pseudo-random bytes and SHA-256 (OpenSSL EVP).
#pragma once

#include <cstdint>
#include <string>

namespace test_support {

// Writes `size` bytes from a xorshift PRNG seeded with `seed` to `path`.
void write_random_file(const std::string& path, std::uint64_t size, std::uint64_t seed);

// Lowercase hex SHA-256 of a file's contents / of a string.
std::string sha256_file(const std::string& path);
std::string sha256(const std::string& bytes);

}  // namespace test_support
