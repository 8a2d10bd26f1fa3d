// Library set-up, hashing, HMAC, HKDF, compare and wipe (randomness: random_*.cpp).
#include "e2e/crypto.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>

#include "gcrypt_util.h"

namespace e2e {

// libgcrypt 1.9 added gcry_ecc_mul_point (X25519); Debian 12 and its mingw
// build ship 1.10.1.
constexpr const char kMinimumVersion[] = "1.9.0";

namespace {

// libgcrypt's own notes (on Windows its entropy gatherer prints "NOTE: you
// should run 'diskperf -y'...") would land in the middle of a program's
// console output: only warnings and worse are passed on, to stderr.
void log_handler(void*, int level, const char* fmt, va_list args) {
    if (level < GCRY_LOG_WARN) return;
    std::fputs("libgcrypt: ", stderr);
    std::vfprintf(stderr, fmt, args);
}

}  // namespace

void ensure_gcrypt() {
    static std::once_flag once;
    std::call_once(once, [] {
        gcry_set_log_handler(log_handler, nullptr);
        if (!gcry_check_version(kMinimumVersion))
            throw CryptoError(std::string("libgcrypt ") + kMinimumVersion + " or newer is needed, found " +
                              gcry_check_version(nullptr));
        // No secure-memory pool: it needs mlock rights a desktop user lacks,
        // and keys we hold are wiped explicitly (wipe(), libgcrypt's close).
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    });
}

void check(gcry_error_t err, const char* what) {
    if (err) throw CryptoError(std::string(what) + " failed in libgcrypt: " + gcry_strerror(err));
}

void wipe(void* p, std::size_t len) {
    volatile auto* b = static_cast<volatile std::uint8_t*>(p);
    for (std::size_t i = 0; i < len; ++i) b[i] = 0;
}

bool equal_ct(const std::uint8_t* a, const std::uint8_t* b, std::size_t len) {
    std::uint8_t diff = 0;
    for (std::size_t i = 0; i < len; ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
    return diff == 0;
}

Hash sha256(std::initializer_list<View> parts) {
    ensure_gcrypt();
    gcry_md_hd_t md;
    check(gcry_md_open(&md, GCRY_MD_SHA256, 0), "SHA-256");
    for (const View& p : parts) gcry_md_write(md, p.data, p.size);
    Hash out;
    const unsigned char* digest = gcry_md_read(md, GCRY_MD_SHA256);
    std::copy(digest, digest + kHashBytes, out.begin());
    gcry_md_close(md);  // wipes the context
    return out;
}

Hash hmac_sha256(View key, std::initializer_list<View> parts) {
    ensure_gcrypt();
    gcry_mac_hd_t mac;
    check(gcry_mac_open(&mac, GCRY_MAC_HMAC_SHA256, 0, nullptr), "HMAC-SHA-256");
    Hash out;
    std::size_t len = out.size();
    gcry_error_t err = gcry_mac_setkey(mac, key.data, key.size);
    for (const View& p : parts)
        if (!err) err = gcry_mac_write(mac, p.data, p.size);
    if (!err) err = gcry_mac_read(mac, out.data(), &len);
    gcry_mac_close(mac);  // wipes the keyed context
    check(err, "HMAC-SHA-256");
    return out;
}

// RFC 5869 section 2: PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i-1) | info | i).
Bytes hkdf_sha256(View salt, View ikm, View info, std::size_t length) {
    if (length > 255 * kHashBytes) throw CryptoError("HKDF output too long");
    // "If not provided, [salt] is set to a string of HashLen zeros" (2.2); the
    // same HMAC key as an empty one, which libgcrypt does not accept.
    static const Hash zeros{};
    Hash prk = hmac_sha256(salt.size ? salt : View(zeros), {ikm});
    Bytes okm;
    Hash t{};
    for (std::uint8_t i = 1; okm.size() < length; ++i) {
        View previous(t.data(), i == 1 ? 0 : t.size());
        t = hmac_sha256(prk, {previous, info, View(&i, 1)});
        okm.insert(okm.end(), t.begin(), t.end());
    }
    okm.resize(length);
    wipe(prk);
    wipe(t);
    return okm;
}

}  // namespace e2e
