#include "download_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "files/names.h"

namespace files {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Collision suffixes tried before giving up: far more than any folder needs.
constexpr unsigned kMaxSuffix = 9999;

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        reset();
        fd_ = o.release();
    }
    return *this;
}

int Fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

DownloadDir::DownloadDir(const std::string& path) : path_(path) {
    dir_ = Fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_.get() < 0) fail("cannot open the download folder " + path);
}

std::string DownloadDir::partial_name(const std::string& key) { return ".tether-partial-" + key; }
std::string DownloadDir::meta_name(const std::string& key) { return partial_name(key) + ".json"; }

Partial DownloadDir::open_partial(const std::string& key, const std::string& meta_json) {
    Partial p;
    p.fd = Fd(::openat(dir_.get(), partial_name(key).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (p.fd.get() < 0) fail("cannot create a temporary file in " + path_);
    struct stat st {};
    if (::fstat(p.fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw std::runtime_error("the temporary file in " + path_ + " is not a regular file");
    p.length = static_cast<std::uint64_t>(st.st_size);
    Fd meta(::openat(dir_.get(), meta_name(key).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (meta.get() < 0 || ::write(meta.get(), meta_json.data(), meta_json.size()) != static_cast<ssize_t>(meta_json.size()))
        fail("cannot write the transfer metadata in " + path_);
    return p;
}

std::uint64_t DownloadDir::partial_length(const std::string& key) const {
    struct stat st {};
    if (::fstatat(dir_.get(), partial_name(key).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return 0;
    return static_cast<std::uint64_t>(st.st_size);
}

// renameat2(RENAME_NOREPLACE) is atomic; file systems without it get
// link + unlink, which also fails with EEXIST instead of replacing.
bool DownloadDir::rename_no_replace(const std::string& from, const std::string& to) {
    if (::renameat2(dir_.get(), from.c_str(), dir_.get(), to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) fail("cannot move the received file into place");
    if (::linkat(dir_.get(), from.c_str(), dir_.get(), to.c_str(), 0) != 0) {
        if (errno == EEXIST) return false;
        fail("cannot move the received file into place");
    }
    ::unlinkat(dir_.get(), from.c_str(), 0);
    return true;
}

std::string DownloadDir::commit(const std::string& key, const std::string& name) {
    for (unsigned n = 0; n <= kMaxSuffix; ++n) {
        std::string candidate = n == 0 ? name : with_collision_suffix(name, n);
        if (rename_no_replace(partial_name(key), candidate)) {
            ::unlinkat(dir_.get(), meta_name(key).c_str(), 0);
            return candidate;
        }
    }
    throw std::runtime_error("too many files named like " + name + " in " + path_);
}

void DownloadDir::remove(const std::string& key) {
    ::unlinkat(dir_.get(), partial_name(key).c_str(), 0);
    ::unlinkat(dir_.get(), meta_name(key).c_str(), 0);
}

}  // namespace files
