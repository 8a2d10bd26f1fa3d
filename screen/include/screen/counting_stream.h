// A ByteStream decorator that counts bytes each way (stats, benchmarks).
#pragma once

#include <atomic>
#include <cstdint>

#include "session/byte_stream.h"

namespace screen {

class CountingStream : public session::ByteStream {
public:
    explicit CountingStream(session::ByteStream& inner) : inner_(inner) {}  // borrowed
    std::size_t read(void* buf, std::size_t len) override {
        std::size_t n = inner_.read(buf, len);
        read_ += n;
        return n;
    }
    void write(const void* buf, std::size_t len) override {
        inner_.write(buf, len);
        written_ += len;
    }
    void shutdown_write() override { inner_.shutdown_write(); }
    void close() override { inner_.close(); }

    std::uint64_t bytes_read() const { return read_; }
    std::uint64_t bytes_written() const { return written_; }

private:
    session::ByteStream& inner_;
    std::atomic<std::uint64_t> read_{0}, written_{0};
};

}  // namespace screen
