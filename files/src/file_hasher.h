// SHA-256 of one file's bytes [0, size) on a thread of its own, read back
// from the file with positional reads (what was just written comes from the
// page cache). Neither side of a transfer waits for SHA-256: the sender
// offers at once and sends its hash when done; the receiver hashes what it
// has written and compares at the end (docs/FILES.md, "Integrity").
//
// The sender makes all bytes available at once; the receiver calls
// available() as it writes. Lifetime: `file` must stay open until stop()
// (or the destructor) returned. stop() may be called from any thread,
// including from inside `on_done` (the thread is then left to end itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "file_io.h"

namespace files {

class FileHasher {
public:
    // Called once on the hasher's thread when done: (hex digest, "") or
    // ("", why the file could not be read). Not called after stop().
    using Done = std::function<void(const std::string& hex, const std::string& error)>;

    // Starts hashing bytes [0, available) now; `on_done` may be empty.
    FileHasher(const File& file, std::uint64_t size, std::uint64_t available, Done on_done = {});
    ~FileHasher() { stop(); }
    FileHasher(const FileHasher&) = delete;
    FileHasher& operator=(const FileHasher&) = delete;

    // Bytes [0, upto) are in the file and may be read (only grows).
    void available(std::uint64_t upto);
    // Blocks until the whole file is hashed; the digest as hex. Throws
    // std::runtime_error when the file could not be read, or after stop().
    std::string wait();
    // Abandons the work; joins the thread unless called on it.
    void stop();

private:
    void run();
    bool next_range(std::uint64_t& from, std::uint64_t& to);  // false: stopped

    const File& file_;
    const std::uint64_t size_;
    Done on_done_;
    std::mutex mu_;               // guards the fields below
    std::condition_variable cv_;  // available_, finished_ or stopping_ changed
    std::uint64_t available_ = 0;
    bool stopping_ = false, finished_ = false;
    std::string hex_, error_;
    std::thread thread_;
};

}  // namespace files
