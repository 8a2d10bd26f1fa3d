#include "screen/recording.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

// ms:u64, length:u32, crc:u32 (recording.h)
constexpr std::size_t kRecordHead = 16;

std::uint32_t crc_of(const void* p, std::size_t n) {
    return static_cast<std::uint32_t>(::crc32(0L, static_cast<const Bytef*>(p), static_cast<uInt>(n)));
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
    unsigned char head[kRecordHead];
    put_be(head, static_cast<std::uint64_t>(ms), 8);
    put_be(head + 8, n, 4);
    put_be(head + 12, crc_of(buf, n), 4);
    std::fwrite(head, 1, sizeof head, file_);
    std::fwrite(buf, 1, n, file_);
    std::fflush(file_);  // a desk that crashes keeps what it saw
    return n;
}

namespace {

// Opens a recording and checks its first line; throws a sentence.
std::FILE* open_recording(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open the recording " + path + ": " + std::strerror(errno));
    char magic[kRecordingMagicLen];
    std::size_t got = std::fread(magic, 1, sizeof magic, f);
    static const std::string kPrefix = "TETHER-RFB-REC ";
    if (got == sizeof magic && std::memcmp(magic, kRecordingMagic, sizeof magic) == 0) return f;
    std::fclose(f);
    if (got == sizeof magic && std::memcmp(magic, kPrefix.data(), kPrefix.size()) == 0)
        throw std::runtime_error(path + " is a screen recording of another version (" +
                                 std::string(magic + kPrefix.size(), magic + sizeof magic - 1) +
                                 "); this tether-desk plays version 2: play it with the tether-desk that made it");
    throw std::runtime_error(path + " is not a Tether screen recording (made with tether-desk --record)");
}

}  // namespace

// Reads records one after the other and checks each; says where it is.
class RecordReader {
public:
    RecordReader(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}

    // The next record into `ms` and `bytes`; false at the end of the file.
    // Throws std::runtime_error naming the file, the record and the byte.
    bool next(std::uint64_t& ms, std::string& bytes) {
        unsigned char head[kRecordHead];
        std::size_t got = std::fread(head, 1, sizeof head, f_);
        if (got == 0 && std::feof(f_)) return false;
        ++number_;
        if (got != sizeof head) cut_off();
        ms = get_be(head, 8);
        std::uint32_t len = static_cast<std::uint32_t>(get_be(head + 8, 4));
        if (len == 0 || len > kMaxRecordBytes)
            damaged("its length " + std::to_string(len) + " is not 1 to " + std::to_string(kMaxRecordBytes) + " bytes");
        if (ms < last_ms_) damaged("it is timed before the record before it");
        bytes.resize(len);
        if (std::fread(&bytes[0], 1, len, f_) != len) cut_off();
        if (crc_of(bytes.data(), len) != get_be(head + 12, 4)) damaged("its bytes do not match their checksum");
        offset_ += sizeof head + len;
        last_ms_ = ms;
        return true;
    }
    std::uint64_t number() const { return number_; }

private:
    [[noreturn]] void cut_off() const {
        throw std::runtime_error("the recording " + path_ + " is cut off in record " + std::to_string(number_) +
                                 " (at byte " + std::to_string(offset_) +
                                 "): the file is incomplete (the desk stopped while writing it, or the copy is "
                                 "partial); it cannot be played");
    }
    [[noreturn]] void damaged(const std::string& why) const {
        throw std::runtime_error("the recording " + path_ + " is damaged at record " + std::to_string(number_) +
                                 " (byte " + std::to_string(offset_) + "): " + why + "; it cannot be played");
    }

    std::FILE* f_;
    std::string path_;
    std::uint64_t offset_ = kRecordingMagicLen, number_ = 0, last_ms_ = 0;
};

RecordingSummary check_recording(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(open_recording(path), &std::fclose);
    RecordReader reader(f.get(), path);
    RecordingSummary s;
    std::uint64_t ms = 0;
    std::string bytes;
    while (reader.next(ms, bytes)) {
        ++s.records;
        s.bytes += bytes.size();
        s.last_ms = ms;
    }
    if (s.records == 0)
        throw std::runtime_error("the recording " + path + " is empty: the session ended before the screen arrived");
    return s;
}

PlaybackStream::PlaybackStream(const std::string& path, std::function<void(const std::string&)> on_end)
    : path_(path), on_end_(std::move(on_end)) {
    check_recording(path);  // refused whole, before the viewer sees a byte
    file_ = open_recording(path);
    reader_ = std::make_unique<RecordReader>(file_, path);
}

PlaybackStream::~PlaybackStream() { std::fclose(file_); }

// With mu_ held (the one reader thread is the only one touching the file).
// A record that fails now (the file changed since it was checked) ends the
// replay with the reader's sentence.
bool PlaybackStream::next_record() {
    try {
        std::uint64_t ms = 0;
        if (!reader_->next(ms, pending_)) return false;
        due_ms_ = ms;
        return true;
    } catch (const std::runtime_error& e) {
        pending_.clear();
        damage_ = e.what();
        return false;
    }
}

void PlaybackStream::finish_locked() {
    eof_ = true;
    if (!on_end_) return;
    if (!damage_.empty()) return on_end_("Replay stopped: " + damage_);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", due_ms_ / 1000.0);
    on_end_(std::string("Replay finished: ") + secs + " s, as recorded");
}

std::size_t PlaybackStream::read(void* buf, std::size_t len) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!started_) {
        started_ = true;
        start_ = std::chrono::steady_clock::now();
    }
    if (pending_.empty() && !eof_ && !next_record()) finish_locked();
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
    PlaybackLink(const std::string& path, const std::string& hello, const remote::StatusFn& status)
        : rfb_(path, status), control_(hello) {}
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
    return std::make_unique<PlaybackLink>(path_, remote::encode(remote::Message::hello("client", name)), status);
}

}  // namespace screen
