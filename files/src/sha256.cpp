#include "files/sha256.h"

#include <gcrypt.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace files {
namespace {

// libgcrypt must be initialised once per process before its first use.
void ensure_gcrypt() {
    static std::once_flag once;
    std::call_once(once, [] {
        gcry_check_version(nullptr);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    });
}

}  // namespace

struct Sha256::Ctx {
    gcry_md_hd_t md = nullptr;
    ~Ctx() { gcry_md_close(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
    ensure_gcrypt();
    if (gcry_md_open(&ctx_->md, GCRY_MD_SHA256, 0) != 0)
        throw std::runtime_error("SHA-256 is unavailable in this libgcrypt build");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* bytes, std::size_t len) { gcry_md_write(ctx_->md, bytes, len); }

Digest Sha256::finish() {
    Digest d{};
    std::memcpy(d.data(), gcry_md_read(ctx_->md, GCRY_MD_SHA256), d.size());
    return d;
}

std::string to_hex(const Digest& d) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (auto b : d) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

}  // namespace files
