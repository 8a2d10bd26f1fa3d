#include "session/stream_buffers.h"

#include <algorithm>
#include <cstring>

namespace session {
namespace {
constexpr std::size_t kSpare = 8;  // blocks kept for reuse (2 MiB): a steady stream allocates none
}

std::unique_ptr<char[]> SendBuffer::new_block() {
    if (spare_.empty()) return std::unique_ptr<char[]>(new char[kBlock]);  // no zero-fill
    auto b = std::move(spare_.back());
    spare_.pop_back();
    return b;
}

void SendBuffer::append(const char* p, std::size_t n) {
    while (n > 0) {
        std::size_t used = static_cast<std::size_t>((end_ - first_) % kBlock);
        if (end_ - first_ == blocks_.size() * kBlock) blocks_.push_back(new_block());  // all full
        std::size_t k = std::min(n, kBlock - used);
        std::memcpy(blocks_.back().get() + used, p, k);
        end_ += k;
        p += k;
        n -= k;
    }
}

void SendBuffer::trim_to(std::uint64_t offset) {
    if (offset <= base_) return;
    base_ = std::min(offset, end_);
    while (!blocks_.empty() && first_ + kBlock <= base_) {
        if (spare_.size() < kSpare) spare_.push_back(std::move(blocks_.front()));
        blocks_.pop_front();
        first_ += kBlock;
    }
}

std::pair<const char*, std::size_t> SendBuffer::span(std::uint64_t offset) const {
    std::uint64_t rel = offset - first_;
    std::size_t in_block = static_cast<std::size_t>(rel % kBlock);
    const char* p = blocks_[static_cast<std::size_t>(rel / kBlock)].get() + in_block;
    return {p, static_cast<std::size_t>(std::min<std::uint64_t>(kBlock - in_block, end_ - offset))};
}

void ChunkQueue::push(std::string bytes, std::size_t from, std::size_t to) {
    if (from >= to) return;
    size_ += to - from;
    chunks_.push_back({std::move(bytes), from, to});
}

std::size_t ChunkQueue::read(char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n && !chunks_.empty()) {
        Chunk& c = chunks_.front();
        std::size_t k = std::min(n - done, c.end - c.pos);
        std::memcpy(out + done, c.bytes.data() + c.pos, k);
        c.pos += k;
        done += k;
        if (c.pos == c.end) chunks_.pop_front();
    }
    size_ -= done;
    return done;
}

}  // namespace session
