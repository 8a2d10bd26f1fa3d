#include "session/byte_stream.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <atomic>
#include <thread>

#include <cerrno>

namespace session {

bool read_exact(ByteStream& s, void* buf, std::size_t len) {
    auto* p = static_cast<char*>(buf);
    std::size_t got = 0;
    while (got < len) {
        std::size_t n = s.read(p + got, len - got);
        if (n == 0) {
            if (got == 0) return false;
            throw StreamError("the stream ended in the middle of a message");
        }
        got += n;
    }
    return true;
}

namespace {

// One direction of an in-memory pair: a bounded byte queue.
struct Pipe {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<char> bytes;
    std::size_t capacity;
    bool eof = false;      // writer called shutdown_write()
    bool aborted = false;  // either side called close()
    explicit Pipe(std::size_t cap) : capacity(cap) {}
};

class PairEnd : public ByteStream {
public:
    PairEnd(std::shared_ptr<Pipe> in, std::shared_ptr<Pipe> out)
        : in_(std::move(in)), out_(std::move(out)) {}
    ~PairEnd() override { close(); }

    std::size_t read(void* buf, std::size_t len) override {
        std::unique_lock<std::mutex> lk(in_->mu);
        in_->cv.wait(lk, [&] { return !in_->bytes.empty() || in_->eof || in_->aborted; });
        if (in_->aborted && in_->bytes.empty()) return 0;
        std::size_t n = std::min(len, in_->bytes.size());
        std::copy_n(in_->bytes.begin(), n, static_cast<char*>(buf));
        in_->bytes.erase(in_->bytes.begin(), in_->bytes.begin() + static_cast<long>(n));
        in_->cv.notify_all();
        return n;
    }

    void write(const void* buf, std::size_t len) override {
        const char* p = static_cast<const char*>(buf);
        std::unique_lock<std::mutex> lk(out_->mu);
        while (len > 0) {
            out_->cv.wait(lk, [&] { return out_->bytes.size() < out_->capacity || out_->aborted; });
            if (out_->aborted || out_->eof) throw StreamError("the stream is closed");
            std::size_t n = std::min(len, out_->capacity - out_->bytes.size());
            out_->bytes.insert(out_->bytes.end(), p, p + n);
            p += n;
            len -= n;
            out_->cv.notify_all();
        }
    }

    void shutdown_write() override {
        std::lock_guard<std::mutex> lk(out_->mu);
        out_->eof = true;
        out_->cv.notify_all();
    }

    void close() override {
        for (auto* pipe : {in_.get(), out_.get()}) {
            std::lock_guard<std::mutex> lk(pipe->mu);
            pipe->aborted = true;
            pipe->cv.notify_all();
        }
    }

private:
    std::shared_ptr<Pipe> in_, out_;
};

class Borrowed : public ByteStream {
public:
    explicit Borrowed(ByteStream& t) : t_(t) {}
    std::size_t read(void* buf, std::size_t len) override { return t_.read(buf, len); }
    void write(const void* buf, std::size_t len) override { t_.write(buf, len); }
    void shutdown_write() override { t_.shutdown_write(); }
    void close() override { t_.close(); }

private:
    ByteStream& t_;
};

// Copies src to dst until src ends; returns "" or the error message.
std::string copy_until_end(ByteStream& src, ByteStream& dst) {
    char buf[64 * 1024];
    try {
        for (;;) {
            std::size_t n = src.read(buf, sizeof buf);
            if (n == 0) break;
            dst.write(buf, n);
        }
        dst.shutdown_write();
        return "";
    } catch (const std::exception& e) {
        src.close();
        dst.close();
        return e.what();
    }
}

}  // namespace

std::pair<std::unique_ptr<ByteStream>, std::unique_ptr<ByteStream>>
make_stream_pair(std::size_t capacity) {
    auto ab = std::make_shared<Pipe>(capacity);
    auto ba = std::make_shared<Pipe>(capacity);
    return {std::make_unique<PairEnd>(ba, ab), std::make_unique<PairEnd>(ab, ba)};
}

std::unique_ptr<ByteStream> borrow(ByteStream& target) { return std::make_unique<Borrowed>(target); }

namespace {

class Shared : public Borrowed {
public:
    explicit Shared(std::shared_ptr<ByteStream> t) : Borrowed(*t), owner_(std::move(t)) {}

private:
    std::shared_ptr<ByteStream> owner_;
};

}  // namespace

std::unique_ptr<ByteStream> share(std::shared_ptr<ByteStream> target) {
    return std::make_unique<Shared>(std::move(target));
}

std::string pump(ByteStream& a, ByteStream& b) {
    std::string err_ba;
    std::thread back([&] { err_ba = copy_until_end(b, a); });
    std::string err_ab = copy_until_end(a, b);
    back.join();
    return !err_ab.empty() ? err_ab : err_ba;
}

}  // namespace session
