// The receiver's only way to create files: every file is made inside one
// folder by a single sanitised name component, never through a symbolic
// link or reparse point planted there, and never replacing a file. POSIX:
// relative to a directory descriptor (openat, O_NOFOLLOW, renameat2
// NOREPLACE) in download_dir_posix.cpp; Windows: \\?\ paths,
// FILE_FLAG_OPEN_REPARSE_POINT, MoveFileEx without REPLACE_EXISTING in
// download_dir_windows.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "file_io.h"

namespace files {

// A partial file opened for writing: `length` bytes were already there.
struct Partial {
    File file;
    std::uint64_t length = 0;
};

class DownloadDir {
public:
    // Opens the folder. Throws std::runtime_error with a sentence if it cannot.
    explicit DownloadDir(const std::string& path);
    ~DownloadDir();

    // File names of the partial data and its metadata for a transfer key.
    static std::string partial_name(const std::string& key);
    static std::string meta_name(const std::string& key);

    // Opens (or creates, owner-only) .tether-partial-<key> and writes its
    // metadata file. Refuses links and non-regular files. Throws.
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
    // False when `to` exists; throws on other failures.
    bool rename_no_replace(const std::string& from, const std::string& to);
    void unlink(const std::string& name);

    std::string path_;
    struct Native;  // the platform's handle on the folder
    std::unique_ptr<Native> native_;
};

}  // namespace files
