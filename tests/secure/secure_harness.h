// Test harness: desk and client joined through a tap that forwards, records
// and may alter every byte crossing the inner stream, as a relay or proxy
// could. Header-only, for tests/secure only.
#pragma once

#include <atomic>
#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "session/byte_stream.h"
#include "secure/secure_stream.h"

namespace secure_test {

using session::ByteStream;

// One direction of the tap: copies src to dst, recording every byte, flipping
// one byte or cutting the stream (a clean inner EOF) at an armed offset.
class TapDirection {
public:
    TapDirection(ByteStream& src, ByteStream& dst) : src_(src), dst_(dst) {}

    // Offsets count from the moment of arming, within this direction.
    void arm_flip(std::size_t after, unsigned char mask) {
        std::lock_guard<std::mutex> lk(mu_);
        flip_at_ = static_cast<long long>(forwarded_ + after);
        flip_mask_ = mask;
    }
    void arm_cut(std::size_t after) {
        std::lock_guard<std::mutex> lk(mu_);
        cut_at_ = static_cast<long long>(forwarded_ + after);
    }
    std::string seen() const {
        std::lock_guard<std::mutex> lk(mu_);
        return seen_;
    }

    void run() {
        char buf[4096];
        try {
            for (;;) {
                std::size_t n = src_.read(buf, sizeof buf);
                if (n == 0) break;
                if (!process(buf, n)) break;
            }
            dst_.shutdown_write();
        } catch (const std::exception&) {
            src_.close();
            dst_.close();
        }
    }

private:
    // Applies the armed alteration to buf[0..n) and forwards what is due;
    // false once the cut point is reached (the rest is swallowed).
    bool process(char* buf, std::size_t& n) {
        bool keep_going = true;
        {
            std::lock_guard<std::mutex> lk(mu_);
            long long base = static_cast<long long>(forwarded_);
            if (flip_at_ >= base && flip_at_ < base + static_cast<long long>(n))
                buf[flip_at_ - base] = static_cast<char>(buf[flip_at_ - base] ^ flip_mask_);
            if (cut_at_ >= base && cut_at_ < base + static_cast<long long>(n)) {
                n = static_cast<std::size_t>(cut_at_ - base);
                keep_going = false;
            }
            forwarded_ += n;
            seen_.append(buf, n);
        }
        if (n > 0) dst_.write(buf, n);
        return keep_going;
    }

    ByteStream& src_;
    ByteStream& dst_;
    mutable std::mutex mu_;
    std::size_t forwarded_ = 0;
    long long flip_at_ = -1;
    unsigned char flip_mask_ = 0;
    long long cut_at_ = -1;
    std::string seen_;
};

// desk_end <-> [tap] <-> client_end, each hop a bounded in-memory pair.
class TappedWire {
public:
    explicit TappedWire(std::size_t capacity = 64 * 1024) {
        auto [d, dt] = session::make_stream_pair(capacity);
        auto [ct, c] = session::make_stream_pair(capacity);
        desk_end = std::move(d);
        client_end = std::move(c);
        desk_side_ = std::move(dt);
        client_side_ = std::move(ct);
        to_client = std::make_unique<TapDirection>(*desk_side_, *client_side_);
        to_desk = std::make_unique<TapDirection>(*client_side_, *desk_side_);
        threads_[0] = std::thread([this] { to_client->run(); });
        threads_[1] = std::thread([this] { to_desk->run(); });
    }
    ~TappedWire() {
        desk_side_->close();
        client_side_->close();
        for (auto& t : threads_) t.join();
    }

    std::unique_ptr<ByteStream> desk_end, client_end;  // handed to secure_handshake
    std::unique_ptr<TapDirection> to_client, to_desk;

private:
    std::unique_ptr<ByteStream> desk_side_, client_side_;
    std::thread threads_[2];
};

using Secure = std::unique_ptr<secure::SecureStream>;

// Handshakes both ends concurrently (each blocks until the other answers).
inline std::pair<Secure, Secure> connect(std::unique_ptr<ByteStream> desk_inner,
                                         std::unique_ptr<ByteStream> client_inner) {
    auto client = std::async(std::launch::async, [&] {
        return secure::secure_handshake(std::move(client_inner), secure::SecureRole::client);
    });
    Secure desk = secure::secure_handshake(std::move(desk_inner), secure::SecureRole::desk);
    return {std::move(desk), client.get()};
}

// Reads until a clean end; the error message, if the stream failed, goes to
// *error (the bytes read before it stay in the result).
inline std::string read_all(ByteStream& s, std::string* error = nullptr) {
    std::string got;
    char buf[3000];
    try {
        while (std::size_t n = s.read(buf, sizeof buf)) got.append(buf, n);
    } catch (const session::StreamError& e) {
        if (!error) throw;
        *error = e.what();
    }
    return got;
}

// Deterministic, non-repeating test data (no 16-byte window repeats).
inline std::string pattern(std::size_t len, unsigned seed = 1) {
    std::string s(len, '\0');
    unsigned long long x = 0x9E3779B97F4A7C15ULL * seed + 1;
    for (auto& c : s) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;  // xorshift64
        c = static_cast<char>('A' + (x >> 40) % 58);  // printable, like a secret in a log
    }
    return s;
}

}  // namespace secure_test
