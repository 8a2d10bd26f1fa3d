#include "remote/rate_limited_stream.h"

#include <algorithm>

namespace remote {

RateLimitedStream::RateLimitedStream(session::ByteStream& inner, std::uint64_t bytes_per_second)
    : inner_(inner), seconds_per_byte_(1.0 / static_cast<double>(bytes_per_second)),
      due_(std::chrono::steady_clock::now()) {}

// Pacing, not a token bucket: an idle stream earns no burst, so the rate is
// an upper bound over any interval of more than one piece.
void RateLimitedStream::write(const void* buf, std::size_t len) {
    const char* p = static_cast<const char*>(buf);
    while (len > 0) {
        std::size_t n = std::min(len, kPiece);
        {
            std::unique_lock<std::mutex> lk(mu_);
            due_ = std::max(due_, std::chrono::steady_clock::now());
            cv_.wait_until(lk, due_, [this] { return closed_; });
            if (closed_) throw session::StreamError("the file channel was closed");
            due_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(seconds_per_byte_ * static_cast<double>(n)));
        }
        inner_.write(p, n);
        p += n;
        len -= n;
    }
}

void RateLimitedStream::close() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        closed_ = true;
    }
    cv_.notify_all();
    inner_.close();
}

}  // namespace remote
