// AES-256-GCM through one libgcrypt cipher handle per key holder.
#include "e2e/crypto.h"

#include "gcrypt_util.h"

namespace e2e {

struct AesGcm::Handle {
    gcry_cipher_hd_t hd = nullptr;
    ~Handle() { gcry_cipher_close(hd); }  // libgcrypt wipes the key schedule
};

AesGcm::AesGcm() : h_(std::make_unique<Handle>()) {
    ensure_gcrypt();
    check(gcry_cipher_open(&h_->hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0), "AES-256-GCM");
}

AesGcm::~AesGcm() = default;

void AesGcm::set_key(const Key& key) { check(gcry_cipher_setkey(h_->hd, key.data(), key.size()), "AES-256-GCM key"); }

// setiv starts a fresh GCM message (it resets the tag and length state).
void AesGcm::seal(const std::uint8_t* nonce, View ad, std::uint8_t* data, std::size_t len, std::uint8_t* tag) {
    check(gcry_cipher_setiv(h_->hd, nonce, kNonceBytes), "AES-256-GCM nonce");
    if (ad.size) check(gcry_cipher_authenticate(h_->hd, ad.data, ad.size), "AES-256-GCM");
    if (len) check(gcry_cipher_encrypt(h_->hd, data, len, nullptr, 0), "AES-256-GCM encryption");
    check(gcry_cipher_gettag(h_->hd, tag, kTagBytes), "AES-256-GCM tag");
}

bool AesGcm::open(const std::uint8_t* nonce, View ad, std::uint8_t* data, std::size_t len, const std::uint8_t* tag) {
    check(gcry_cipher_setiv(h_->hd, nonce, kNonceBytes), "AES-256-GCM nonce");
    if (ad.size) check(gcry_cipher_authenticate(h_->hd, ad.data, ad.size), "AES-256-GCM");
    if (len) check(gcry_cipher_decrypt(h_->hd, data, len, nullptr, 0), "AES-256-GCM decryption");
    gcry_error_t err = gcry_cipher_checktag(h_->hd, tag, kTagBytes);
    if (gcry_err_code(err) == GPG_ERR_CHECKSUM) return false;
    check(err, "AES-256-GCM tag check");
    return true;
}

}  // namespace e2e
