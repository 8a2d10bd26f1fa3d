// Internal to secure/: the short authentication string (SAS) exchange that
// runs inside a fresh Noise session, before any application byte.
#pragma once

#include <array>
#include <string>

#include "e2e/crypto.h"
#include "secure_noise.h"

namespace secure {

// Size of each SAS message: one byte of message type (which also versions
// the exchange) and 32 bytes of payload. Each travels in its own record.
inline constexpr std::size_t kSasMessageBytes = 33;
inline constexpr std::size_t kSasNonceBytes = 32;

// Message types, in the order they travel.
enum class SasMessage : unsigned char {
    commit = 0x01,  // client -> desk: SHA-256(commit label || client nonce)
    nonce = 0x02,   // desk -> client: desk nonce
    reveal = 0x03,  // client -> desk: client nonce
};

using SasNonce = std::array<unsigned char, kSasNonceBytes>;

// The commitment the client sends for `nonce`.
SasNonce sas_commitment(const SasNonce& nonce);

// "123 456": six decimal digits from SHA-256 over the channel binding (the
// Noise handshake hash) and both nonces. Same inputs, same string; any
// differing input, a fresh one.
std::string sas_digits(const e2e::Hash& binding, const SasNonce& client_nonce, const SasNonce& desk_nonce);

// Runs the exchange for `role` over `channel` and returns the SAS. Throws
// StreamError if the peer deviates (wrong type, a reveal that does not match
// its commitment, the stream ends).
std::string exchange_sas(NoiseStream& channel, SecureRole role);

}  // namespace secure
