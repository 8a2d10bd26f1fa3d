// The receiver's only way to touch the file system: every file is created
// relative to one directory fd (openat and friends), with O_NOFOLLOW, so a
// name can never reach outside the download folder, even through a symlink
// planted inside it. Names given here are already sanitised single components.
#pragma once

#include <cstdint>
#include <string>

namespace files {

// A file descriptor closed by the destructor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    int get() const { return fd_; }
    int release();
    void reset();

private:
    int fd_ = -1;
};

// A partial file opened for writing: `length` bytes were already there.
struct Partial {
    Fd fd;
    std::uint64_t length = 0;
};

class DownloadDir {
public:
    // Opens the folder. Throws std::runtime_error with a sentence if it cannot.
    explicit DownloadDir(const std::string& path);

    // File names of the partial data and its metadata for a transfer key.
    static std::string partial_name(const std::string& key);
    static std::string meta_name(const std::string& key);

    // Opens (or creates, mode 0600) .tether-partial-<key> and writes its
    // metadata file. Refuses symlinks and non-regular files. Throws.
    Partial open_partial(const std::string& key, const std::string& meta_json);

    // Bytes already in .tether-partial-<key> (0 if none): what a resume keeps.
    std::uint64_t partial_length(const std::string& key) const;

    // Renames the partial to `name`, or to "name (n).ext" for the first n
    // that exists nowhere: never replaces a file. Returns the name used. Throws.
    std::string commit(const std::string& key, const std::string& name);

    // Deletes the partial and its metadata (ignores missing files).
    void remove(const std::string& key);

    const std::string& path() const { return path_; }

private:
    bool rename_no_replace(const std::string& from, const std::string& to);
    std::string path_;
    Fd dir_;
};

}  // namespace files
