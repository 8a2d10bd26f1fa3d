#include "screen/recording.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "remote/control_protocol.h"

namespace screen {
namespace {

void put_be(unsigned char* p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xff);
}

std::uint64_t get_be(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    return v;
}

// Mode 0600 whatever the umask, also for a file that existed before.
std::FILE* create_private(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot write the recording " + path + ": " + why);
    }
    std::FILE* f = ::fdopen(fd, "wb");
    if (!f) {
        ::close(fd);
        throw std::runtime_error("cannot write the recording " + path);
    }
    return f;
}

}  // namespace

RecordingStream::RecordingStream(session::ByteStream& inner, const std::string& path)
    : inner_(inner), file_(create_private(path)) {
    std::fwrite(kRecordingMagic, 1, kRecordingMagicLen, file_);
    std::fflush(file_);
}

RecordingStream::~RecordingStream() { std::fclose(file_); }

// One reader thread (ByteStream's contract): no lock needed for the file.
std::size_t RecordingStream::read(void* buf, std::size_t len) {
    std::size_t n = inner_.read(buf, len);
    if (n == 0) return 0;
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(steady_clock::now() - start_).count();
    unsigned char head[12];
    put_be(head, static_cast<std::uint64_t>(ms), 8);
    put_be(head + 8, n, 4);
    std::fwrite(head, 1, sizeof head, file_);
    std::fwrite(buf, 1, n, file_);
    std::fflush(file_);  // a desk that crashes keeps what it saw
    return n;
}

PlaybackStream::PlaybackStream(const std::string& path) : file_(std::fopen(path.c_str(), "rb")) {
    if (!file_) throw std::runtime_error("cannot open the recording " + path + ": " + std::strerror(errno));
    char magic[kRecordingMagicLen];
    if (std::fread(magic, 1, sizeof magic, file_) != sizeof magic ||
        std::memcmp(magic, kRecordingMagic, sizeof magic) != 0) {
        std::fclose(file_);
        throw std::runtime_error(path + " is not a Tether screen recording (made with tether-desk --record)");
    }
}

PlaybackStream::~PlaybackStream() { std::fclose(file_); }

// With mu_ held (the one reader thread is the only one touching the file).
bool PlaybackStream::next_record() {
    unsigned char head[12];
    if (std::fread(head, 1, sizeof head, file_) != sizeof head) return false;
    std::uint64_t ms = get_be(head, 8);
    std::uint32_t len = static_cast<std::uint32_t>(get_be(head + 8, 4));
    if (len == 0 || len > kMaxRecordBytes) return false;
    pending_.resize(len);
    if (std::fread(&pending_[0], 1, len, file_) != len) {
        pending_.clear();
        return false;
    }
    due_ms_ = ms;
    return true;
}

std::size_t PlaybackStream::read(void* buf, std::size_t len) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!started_) {
        started_ = true;
        start_ = std::chrono::steady_clock::now();
    }
    if (pending_.empty() && !eof_ && !next_record()) eof_ = true;
    if (eof_) {  // the last frame stays on the screen until the window closes
        cv_.wait(lk, [this] { return closed_; });
        return 0;
    }
    cv_.wait_until(lk, start_ + std::chrono::milliseconds(due_ms_), [this] { return closed_; });
    if (closed_) return 0;
    std::size_t n = std::min(len, pending_.size());
    std::memcpy(buf, pending_.data(), n);
    pending_.erase(0, n);
    return n;
}

void PlaybackStream::close() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        closed_ = true;
    }
    cv_.notify_all();
}

bool PlaybackStream::finished() const {
    std::lock_guard<std::mutex> lk(mu_);
    return eof_;
}

namespace {

// The control channel of a playback: one hello naming the recording, then
// nothing until close(); what the desk writes (pings, bye) is dropped.
class SilentControl : public session::ByteStream {
public:
    explicit SilentControl(std::string hello) : hello_(std::move(hello) + "\n") {}
    std::size_t read(void* buf, std::size_t len) override {
        std::unique_lock<std::mutex> lk(mu_);
        if (!hello_.empty()) {
            std::size_t n = std::min(len, hello_.size());
            std::memcpy(buf, hello_.data(), n);
            hello_.erase(0, n);
            return n;
        }
        cv_.wait(lk, [this] { return closed_; });
        return 0;
    }
    void write(const void*, std::size_t) override {}
    void shutdown_write() override {}
    void close() override {
        {
            std::lock_guard<std::mutex> lk(mu_);
            closed_ = true;
        }
        cv_.notify_all();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::string hello_;
    bool closed_ = false;
};

class PlaybackLink : public remote::SessionLink {
public:
    PlaybackLink(const std::string& path, const std::string& hello) : rfb_(path), control_(hello) {}
    remote::Channels channels() override { return {control_, rfb_, nullptr}; }
    void close() override {
        rfb_.close();
        control_.close();
    }

private:
    PlaybackStream rfb_;
    SilentControl control_;
};

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::unique_ptr<remote::SessionLink> PlaybackConnector::open(const remote::CodeFn&, const remote::StatusFn& status) {
    if (used_) return nullptr;
    used_ = true;
    status("Playing back " + path_ + "...");
    std::string name = "Recording " + base_name(path_);
    return std::make_unique<PlaybackLink>(path_, remote::encode(remote::Message::hello("client", name)));
}

}  // namespace screen
