#include "files/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace files {

struct Sha256::Ctx {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
    if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 is unavailable in this OpenSSL build");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* bytes, std::size_t len) {
    EVP_DigestUpdate(ctx_->md, bytes, len);
}

Digest Sha256::finish() {
    Digest d{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_->md, d.data(), &n);
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

void hash_fd_prefix(int fd, std::uint64_t len, Sha256& h) {
    std::vector<char> buf(1 << 20);  // 1 MiB: large reads, bounded memory
    std::uint64_t pos = 0;
    while (pos < len) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), len - pos));
        ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(pos));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(std::string("cannot read the file: ") + std::strerror(errno));
        if (n == 0) throw std::runtime_error("the file is shorter than expected");
        h.update(buf.data(), static_cast<std::size_t>(n));
        pos += static_cast<std::uint64_t>(n);
    }
}

std::string sha256_file_hex(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    Sha256 h;
    try {
        hash_fd_prefix(fd, static_cast<std::uint64_t>(st.st_size), h);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return to_hex(h.finish());
}

}  // namespace files
