// The two byte buffers behind SessionStream, built so that no byte is ever
// moved once stored: a profile of bulk transfers showed the old contiguous
// strings spending ~20% of an endpoint's copying in compaction (erase from
// the front), and up to window/256 KiB extra copies per byte when the reader
// lagged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace session {

// Stream bytes [base, end) kept until the peer acknowledges them, in fixed
// blocks; trimming frees whole blocks (kept for reuse). Not thread-safe.
class SendBuffer {
public:
    static constexpr std::size_t kBlock = 256 * 1024;  // bytes per block

    std::uint64_t end() const { return end_; }
    void append(const char* p, std::size_t n);
    void trim_to(std::uint64_t offset);  // forget bytes below offset (<= end)
    // The bytes from `offset` (base <= offset < end) that lie contiguously in
    // memory: a pointer and their count (up to the end of a block).
    std::pair<const char*, std::size_t> span(std::uint64_t offset) const;

private:
    std::unique_ptr<char[]> new_block();

    std::deque<std::unique_ptr<char[]>> blocks_;
    std::vector<std::unique_ptr<char[]>> spare_;  // freed blocks kept for reuse (a few)
    std::uint64_t first_ = 0;  // stream offset of blocks_[0][0]
    std::uint64_t base_ = 0;   // first byte kept
    std::uint64_t end_ = 0;    // one past the last byte appended
};

// Bytes waiting to be read, as a queue of chunks: each a string taken over
// without copying (a received data frame's payload; a batch of frames to
// send) plus the range still unread. SessionStream's receive buffer and the
// stream carrier's outgoing queue.
class ChunkQueue {
public:
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Takes over `bytes` and queues its range [from, to).
    void push(std::string bytes, std::size_t from, std::size_t to);
    // Copies up to n bytes to out and drops them; returns how many.
    std::size_t read(char* out, std::size_t n);

private:
    struct Chunk {
        std::string bytes;
        std::size_t pos, end;
    };
    std::deque<Chunk> chunks_;
    std::size_t size_ = 0;
};

}  // namespace session
