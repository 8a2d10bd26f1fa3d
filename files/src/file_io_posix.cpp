// file_io.h on POSIX: pread/pwrite on a descriptor.
#include "file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace files {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }
// For reads and writes, whose callers say what they were doing.
[[noreturn]] void fail_bare() { throw std::runtime_error(std::strerror(errno)); }

int fd(std::intptr_t h) { return static_cast<int>(h); }

}  // namespace

File File::open_read(const std::string& path) {
    File f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!f.is_open()) fail("cannot open " + path);
    struct stat st {};
    if (::fstat(fd(f.h_), &st) != 0 || !S_ISREG(st.st_mode)) throw std::runtime_error(path + " is not a regular file");
    return f;
}

std::uint64_t File::size() const {
    struct stat st {};
    if (::fstat(fd(h_), &st) != 0) fail("cannot read the file's size");
    return static_cast<std::uint64_t>(st.st_size);
}

std::uint64_t File::modified() const {
    struct stat st {};
    if (::fstat(fd(h_), &st) != 0) fail("cannot read the file's modification time");
    return static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000u + static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
}

std::size_t File::read_at(void* buf, std::size_t len, std::uint64_t offset) const {
    for (;;) {
        ssize_t n = ::pread(fd(h_), buf, len, static_cast<off_t>(offset));
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) fail_bare();
    }
}

void File::write_at(const void* buf, std::size_t len, std::uint64_t offset) {
    const char* p = static_cast<const char*>(buf);
    while (len > 0) {
        ssize_t n = ::pwrite(fd(h_), p, len, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail_bare();
        p += n;
        len -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

void File::truncate(std::uint64_t len) {
    if (::ftruncate(fd(h_), static_cast<off_t>(len)) != 0) fail("cannot reset the temporary file");
}

// fallocate(KEEP_SIZE) also lets the file system allocate in one go (fewer,
// larger extents); file systems without it skip the reservation.
void File::reserve(std::uint64_t have, std::uint64_t size) {
#ifdef FALLOC_FL_KEEP_SIZE
    if (size <= have) return;
    if (::fallocate(fd(h_), FALLOC_FL_KEEP_SIZE, static_cast<off_t>(have), static_cast<off_t>(size - have)) == 0) return;
    if (errno == ENOSPC || errno == EDQUOT) throw std::runtime_error(no_space_text(size - have));
#else
    (void)have, (void)size;
#endif
}

void File::sync() {
    if (::fdatasync(fd(h_)) != 0) fail_bare();
}

void File::close() {
    if (is_open()) ::close(fd(h_));
    h_ = kNone;
}

}  // namespace files
