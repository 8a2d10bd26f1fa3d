// The primitives of the end-to-end channel, on libgcrypt. Nothing here is
// hand-rolled cryptography: every function is a thin call into libgcrypt
// (SHA-256, HMAC-SHA-256, X25519, AES-256-GCM, its CSPRNG) except HKDF,
// which is RFC 5869's two-line composition of HMAC (libgcrypt 1.10 has no
// HKDF), and the constant-time compare and wipe, which are not primitives.
// No libgcrypt type appears in this header.
//
// Every function throws CryptoError if libgcrypt fails (it does not, short
// of memory exhaustion or a broken installation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <vector>

namespace e2e {

class CryptoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kHashBytes = 32;    // SHA-256
constexpr std::size_t kKeyBytes = 32;     // AES-256 key, X25519 scalar and point
constexpr std::size_t kTagBytes = 16;     // AES-GCM tag
constexpr std::size_t kNonceBytes = 12;   // AES-GCM IV
using Hash = std::array<std::uint8_t, kHashBytes>;
using Key = std::array<std::uint8_t, kKeyBytes>;

// A read-only view of bytes (C++17 has no std::span).
struct View {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    View() = default;
    View(const std::uint8_t* d, std::size_t n) : data(d), size(n) {}
    View(const Bytes& b) : data(b.data()), size(b.size()) {}
    template <std::size_t N>
    View(const std::array<std::uint8_t, N>& a) : data(a.data()), size(N) {}
};

// Overwrites `len` bytes with zeros in a way the compiler may not drop.
void wipe(void* p, std::size_t len);
template <std::size_t N>
void wipe(std::array<std::uint8_t, N>& a) { wipe(a.data(), N); }
inline void wipe(Bytes& b) { wipe(b.data(), b.size()); }

// Equality whose running time does not depend on where the inputs differ.
bool equal_ct(const std::uint8_t* a, const std::uint8_t* b, std::size_t len);

// Cryptographically strong random bytes from the platform's CSPRNG:
// libgcrypt's (GCRY_STRONG_RANDOM, fed by getrandom) on Linux, the system's
// (BCryptGenRandom) on Windows, where libgcrypt's own entropy gatherer
// spends ~1.1 s at the first call (measured under wine). Throws CryptoError.
void random_bytes(std::uint8_t* out, std::size_t len);

// SHA-256 of the concatenation of `parts`.
Hash sha256(std::initializer_list<View> parts);

// HMAC-SHA-256 (RFC 2104) of the concatenation of `parts` under `key`.
Hash hmac_sha256(View key, std::initializer_list<View> parts);

// HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to
// `length` bytes (at most 255 * 32). The Noise spec's HKDF(ck, ikm, n) is
// this with salt = ck, info empty and length = 32 * n.
Bytes hkdf_sha256(View salt, View ikm, View info, std::size_t length);

// X25519 (RFC 7748): `scalar` times the point with u-coordinate `point`.
// The scalar is clamped as RFC 7748 says. Throws CryptoError if the result
// is all zeros (a low-order point: the peer's key contributes nothing).
Key x25519(const Key& scalar, const Key& point);
// The public key of `scalar`: scalar times the base point (u = 9).
Key x25519_public(const Key& scalar);

// AES-256-GCM with one key, for many messages. Not thread-safe: one
// instance per direction. The key schedule lives inside libgcrypt's handle,
// which libgcrypt wipes when it is closed (the destructor).
class AesGcm {
public:
    AesGcm();
    ~AesGcm();
    AesGcm(const AesGcm&) = delete;
    AesGcm& operator=(const AesGcm&) = delete;

    void set_key(const Key& key);
    // Encrypts data[0, len) in place; writes the kTagBytes tag to `tag`.
    void seal(const std::uint8_t* nonce, View ad, std::uint8_t* data, std::size_t len, std::uint8_t* tag);
    // Decrypts data[0, len) in place and checks `tag` (in constant time).
    // False if the check failed: data[0, len) is then garbage to discard.
    bool open(const std::uint8_t* nonce, View ad, std::uint8_t* data, std::size_t len, const std::uint8_t* tag);

private:
    struct Handle;
    std::unique_ptr<Handle> h_;
};

}  // namespace e2e
