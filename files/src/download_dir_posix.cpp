// DownloadDir on POSIX: everything relative to one directory descriptor.
#include "download_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace files {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

}  // namespace

struct DownloadDir::Native {
    int dir = -1;
    ~Native() {
        if (dir >= 0) ::close(dir);
    }
};

DownloadDir::DownloadDir(const std::string& path) : path_(path), native_(std::make_unique<Native>()) {
    native_->dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (native_->dir < 0) fail("cannot open the download folder " + path);
}

DownloadDir::~DownloadDir() = default;

Partial DownloadDir::open_partial(const std::string& key, const std::string& meta_json) {
    const int dir = native_->dir;
    Partial p;
    p.file = File(::openat(dir, partial_name(key).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!p.file.is_open()) fail("cannot create a temporary file in " + path_);
    struct stat st {};
    if (::fstat(static_cast<int>(p.file.h_), &st) != 0 || !S_ISREG(st.st_mode))
        throw std::runtime_error("the temporary file in " + path_ + " is not a regular file");
    p.length = static_cast<std::uint64_t>(st.st_size);
    File meta(::openat(dir, meta_name(key).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!meta.is_open()) fail("cannot write the transfer metadata in " + path_);
    meta.write_at(meta_json.data(), meta_json.size(), 0);
    return p;
}

std::uint64_t DownloadDir::partial_length(const std::string& key) const {
    struct stat st {};
    if (::fstatat(native_->dir, partial_name(key).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return 0;
    return static_cast<std::uint64_t>(st.st_size);
}

// renameat2(RENAME_NOREPLACE) is atomic; file systems without it get
// link + unlink, which also fails with EEXIST instead of replacing.
bool DownloadDir::rename_no_replace(const std::string& from, const std::string& to) {
    const int dir = native_->dir;
    if (::renameat2(dir, from.c_str(), dir, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) fail("cannot move the received file into place");
    if (::linkat(dir, from.c_str(), dir, to.c_str(), 0) != 0) {
        if (errno == EEXIST) return false;
        fail("cannot move the received file into place");
    }
    ::unlinkat(dir, from.c_str(), 0);
    return true;
}

void DownloadDir::unlink(const std::string& name) { ::unlinkat(native_->dir, name.c_str(), 0); }

}  // namespace files
