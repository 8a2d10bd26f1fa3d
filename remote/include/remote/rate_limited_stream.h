// A ByteStream whose writes are paced to a byte rate (--file-rate-limit):
// keeps a big file transfer from filling a slow proxy path that the screen
// shares. Reads, shutdown_write and close pass through; close() also wakes a
// writer that is waiting for its turn.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "session/byte_stream.h"

namespace remote {

class RateLimitedStream : public session::ByteStream {
public:
    // `inner` is borrowed and must outlive this object; `bytes_per_second` > 0.
    RateLimitedStream(session::ByteStream& inner, std::uint64_t bytes_per_second);

    std::size_t read(void* buf, std::size_t len) override { return inner_.read(buf, len); }
    // Blocks until the rate allows each piece (at most kPiece bytes), then writes it.
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override { inner_.shutdown_write(); }
    void close() override;

    static constexpr std::size_t kPiece = 16 * 1024;  // bytes paced at a time

private:
    session::ByteStream& inner_;
    const double seconds_per_byte_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::chrono::steady_clock::time_point due_;  // when the next byte may go
};

}  // namespace remote
