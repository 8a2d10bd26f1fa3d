// files/' one door to the platform's files: an open regular file read and
// written at offsets. POSIX in file_io_posix.cpp, Win32 in
// file_io_windows.cpp; the transfer logic above is the same source on both.
// The download folder, which creates files safely, is download_dir.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "files/sha256.h"

namespace files {

// Owns one open file (a POSIX descriptor or a Win32 HANDLE), closed by the
// destructor. Methods throw std::runtime_error: read_at, write_at and sync
// with just the system's reason (their callers say what was being done),
// the others with a whole sentence.
// read_at and write_at may run on different threads at once (positional I/O,
// no shared file offset).
class File {
public:
    File() = default;  // not open
    ~File() { close(); }
    File(File&& o) noexcept : h_(o.h_) { o.h_ = kNone; }
    File& operator=(File&& o) noexcept;
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    // An existing regular file, for reading: "cannot open PATH: why", or
    // "PATH is not a regular file".
    static File open_read(const std::string& path);

    bool is_open() const { return h_ != kNone; }
    std::uint64_t size() const;
    // When the content last changed, in the platform's units (POSIX: ns
    // since 1970; Windows: 100 ns since 1601). Only compared for equality:
    // with the name and size it tells one version of a file from another
    // (the resume key, docs/FILES.md "Resume").
    std::uint64_t modified() const;
    // Up to `len` bytes at `offset`; returns 0 only at the end of the file.
    std::size_t read_at(void* buf, std::size_t len, std::uint64_t offset) const;
    // All `len` bytes at `offset`.
    void write_at(const void* buf, std::size_t len, std::uint64_t offset);
    void truncate(std::uint64_t len);
    // Reserves disk space for bytes [have, size) without changing the length
    // (resuming relies on the length being what was written): a full disk is
    // a clear refusal up front ("not enough free space in the download
    // folder ..."), not a failure at 90%. Where the file system cannot
    // reserve, nothing happens.
    void reserve(std::uint64_t have, std::uint64_t size);
    // The data is on disk (before the rename that publishes the file).
    void sync();
    void close();

private:
    friend class DownloadDir;  // opens partial files inside its folder
    static constexpr std::intptr_t kNone = -1;  // also Win32's INVALID_HANDLE_VALUE
    explicit File(std::intptr_t native) : h_(native) {}
    std::intptr_t h_ = kNone;
};

// Hashes the first `len` bytes of `f` (1 MiB reads: memory stays bounded
// for files of any size) into `h`. Throws if the file is shorter or
// unreadable.
void hash_prefix(const File& f, std::uint64_t len, Sha256& h);

// The sentence for a disk that cannot take `more` bytes.
std::string no_space_text(std::uint64_t more);

}  // namespace files
