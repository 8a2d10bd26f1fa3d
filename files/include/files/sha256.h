// SHA-256, incremental, over libgcrypt (the same library on Linux and
// Windows). The file channel offers
// and verifies whole files with it (docs/FILES.md, "Integrity").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace files {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* bytes, std::size_t len);
    // Ends this hash: call once, then the object must not be updated again.
    Digest finish();

private:
    struct Ctx;
    std::unique_ptr<Ctx> ctx_;
};

std::string to_hex(const Digest& d);

// Hex SHA-256 of a whole file (for tools and tests). Throws std::runtime_error.
std::string sha256_file_hex(const std::string& path);

}  // namespace files
