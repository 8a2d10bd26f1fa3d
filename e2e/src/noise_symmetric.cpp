// Noise CipherState and SymmetricState (spec sections 5.1, 5.2, 11.3, 12.3).
#include <algorithm>
#include <cstring>
#include <limits>

#include "e2e/noise.h"

namespace e2e {
namespace {

constexpr std::uint64_t kReservedNonce = std::numeric_limits<std::uint64_t>::max();

// Section 12.3 (AESGCM): 32 bits of zeros, then the counter big-endian.
std::array<std::uint8_t, kNonceBytes> gcm_nonce(std::uint64_t n) {
    std::array<std::uint8_t, kNonceBytes> iv{};
    for (int i = 11; i >= 4; --i, n >>= 8) iv[i] = static_cast<std::uint8_t>(n);
    return iv;
}

// The 32 bytes of HKDF output `okm` from offset `at` (HKDF outputs are
// HASHLEN each; Noise takes the first 32 bytes of each as a key).
Key key_at(const Bytes& okm, std::size_t at) {
    Key k;
    std::copy(okm.begin() + static_cast<std::ptrdiff_t>(at), okm.begin() + static_cast<std::ptrdiff_t>(at + kKeyBytes),
              k.begin());
    return k;
}

}  // namespace

CipherState::CipherState() : aead_(std::make_unique<AesGcm>()) {}
CipherState::~CipherState() = default;
CipherState::CipherState(CipherState&&) noexcept = default;
CipherState& CipherState::operator=(CipherState&&) noexcept = default;

void CipherState::initialize_key(const Key& k) {
    aead_->set_key(k);
    has_key_ = true;
    n_ = 0;
}

void CipherState::seal(View ad, std::uint8_t* data, std::size_t len, std::uint8_t* tag) {
    if (n_ == kReservedNonce) throw CryptoError("Noise nonce exhausted");
    aead_->seal(gcm_nonce(n_).data(), ad, data, len, tag);
    ++n_;
}

bool CipherState::open(View ad, std::uint8_t* data, std::size_t len, const std::uint8_t* tag) {
    if (n_ == kReservedNonce) throw CryptoError("Noise nonce exhausted");
    if (!aead_->open(gcm_nonce(n_).data(), ad, data, len, tag)) return false;
    ++n_;
    return true;
}

Bytes CipherState::encrypt_with_ad(View ad, View plaintext) {
    Bytes out(plaintext.data, plaintext.data + plaintext.size);
    if (!has_key_) return out;
    out.resize(plaintext.size + kTagBytes);
    seal(ad, out.data(), plaintext.size, out.data() + plaintext.size);
    return out;
}

Bytes CipherState::decrypt_with_ad(View ad, View ciphertext) {
    Bytes out(ciphertext.data, ciphertext.data + ciphertext.size);
    if (!has_key_) return out;
    if (out.size() < kTagBytes) throw NoiseError("message shorter than its authentication tag");
    const std::size_t len = out.size() - kTagBytes;
    if (!open(ad, out.data(), len, ciphertext.data + len)) throw NoiseError("message failed authentication");
    out.resize(len);
    return out;
}

void CipherState::rekey() {
    Key k{};
    std::uint8_t tag[kTagBytes];
    aead_->seal(gcm_nonce(kReservedNonce).data(), View(), k.data(), k.size(), tag);
    aead_->set_key(k);
    wipe(k);
}

SymmetricState::SymmetricState(const std::string& protocol_name) {
    // InitializeSymmetric: a name of at most 32 bytes is h itself, zero-padded.
    if (protocol_name.size() <= kHashBytes)
        std::memcpy(h_.data(), protocol_name.data(), protocol_name.size());
    else
        h_ = sha256({View(reinterpret_cast<const std::uint8_t*>(protocol_name.data()), protocol_name.size())});
    ck_ = h_;
}

SymmetricState::~SymmetricState() { wipe(ck_); }

void SymmetricState::mix_key(View input_key_material) {
    Bytes out = hkdf_sha256(ck_, input_key_material, View(), 2 * kHashBytes);
    ck_ = key_at(out, 0);
    Key temp_k = key_at(out, kHashBytes);
    cipher_.initialize_key(temp_k);
    wipe(temp_k);
    wipe(out);
}

void SymmetricState::mix_hash(View data) { h_ = sha256({h_, data}); }

Bytes SymmetricState::encrypt_and_hash(View plaintext) {
    Bytes ciphertext = cipher_.encrypt_with_ad(h_, plaintext);
    mix_hash(ciphertext);
    return ciphertext;
}

Bytes SymmetricState::decrypt_and_hash(View ciphertext) {
    Bytes plaintext = cipher_.decrypt_with_ad(h_, ciphertext);
    mix_hash(ciphertext);
    return plaintext;
}

std::pair<CipherState, CipherState> SymmetricState::split() {
    Bytes out = hkdf_sha256(ck_, View(), View(), 2 * kHashBytes);
    Key k1 = key_at(out, 0), k2 = key_at(out, kHashBytes);
    std::pair<CipherState, CipherState> states;
    states.first.initialize_key(k1);
    states.second.initialize_key(k2);
    wipe(k1);
    wipe(k2);
    wipe(out);
    return states;
}

}  // namespace e2e
