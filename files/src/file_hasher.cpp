#include "file_hasher.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace files {
namespace {
// Bytes per read: large enough that a read costs little beside hashing it,
// small enough that stop() is noticed within a millisecond.
constexpr std::size_t kRead = 1 << 20;
}  // namespace

FileHasher::FileHasher(const File& file, std::uint64_t size, std::uint64_t available, Done on_done)
    : file_(file), size_(size), on_done_(std::move(on_done)), available_(std::min(available, size)) {
    thread_ = std::thread([this] { run(); });
}

void FileHasher::available(std::uint64_t upto) {
    std::lock_guard<std::mutex> lk(mu_);
    available_ = std::max(available_, std::min(upto, size_));
    cv_.notify_all();
}

std::string FileHasher::wait() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return finished_ || stopping_; });
    if (!finished_) throw std::runtime_error("the check of the file was stopped");
    if (!error_.empty()) throw std::runtime_error(error_);
    return hex_;
}

void FileHasher::stop() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stopping_ = true;
        cv_.notify_all();
    }
    if (!thread_.joinable()) return;
    if (thread_.get_id() == std::this_thread::get_id()) thread_.detach();  // from on_done: run() touches nothing after it
    else thread_.join();
}

// Waits for bytes beyond `from`; false once stopped.
bool FileHasher::next_range(std::uint64_t& from, std::uint64_t& to) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return stopping_ || available_ > from; });
    if (stopping_) return false;
    to = std::min<std::uint64_t>(available_, from + kRead);
    return true;
}

void FileHasher::run() {
    Sha256 h;
    std::vector<char> buf(kRead);
    std::string error;
    for (std::uint64_t pos = 0, end = 0; pos < size_ && error.empty(); pos = end) {
        if (!next_range(pos, end)) return;
        try {
            std::size_t n = file_.read_at(buf.data(), static_cast<std::size_t>(end - pos), pos);
            if (n == 0) error = "it became shorter";
            end = pos + n;
            h.update(buf.data(), n);
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
    std::string hex = error.empty() ? to_hex(h.finish()) : "";
    Done done;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (stopping_) return;
        finished_ = true;
        hex_ = hex;
        error_ = error;
        done = on_done_;  // a copy: on_done may destroy this object (stop() detaches)
        cv_.notify_all();
    }
    if (done) done(hex, error);
}

}  // namespace files
