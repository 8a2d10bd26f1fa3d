// NoiseStream: transport records over the inner stream (see secure_noise.h).
#include <algorithm>
#include <cstring>

#include "secure_noise.h"
#include "wire/big_endian.h"

namespace secure {
namespace {

// Plaintext per inner write: four full records amortise the inner stream's
// per-call cost (a lock or a syscall) without a large buffer.
constexpr std::size_t kWriteBatchBytes = 4 * kMaxRecordPlaintext;
// Ciphertext read from the inner stream at once.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

const char kTampered[] =
    "the end-to-end encrypted session was altered or corrupted in transit (a record failed its "
    "integrity check): something between desk and client (relay, proxy or network) changed the bytes, "
    "so the session was stopped before any altered data was used; reconnect";
const char kTruncated[] =
    "the end-to-end encrypted session was cut off: the connection ended without the peer's "
    "close record (the peer aborted, or the relay, a proxy or the network cut the stream); "
    "data may be missing, reconnect";
const char kClosed[] = "the end-to-end encrypted session is closed";

}  // namespace

NoiseStream::NoiseStream(std::unique_ptr<session::ByteStream> inner, e2e::NoiseTransport transport,
                         std::uint64_t rekey_interval)
    : inner_(std::move(inner)),
      handshake_hash_(transport.handshake_hash),
      opener_(std::move(transport.receive), rekey_interval),
      sealer_(std::move(transport.send), rekey_interval) {}

std::size_t NoiseStream::read(void* buf, std::size_t len) {
    if (len == 0) return 0;
    for (;;) {
        throw_if_failed();
        if (plain_pos_ < plain_end_) {
            std::size_t n = std::min(len, plain_end_ - plain_pos_);
            std::memcpy(buf, in_.data() + plain_pos_, n);
            plain_pos_ += n;
            return n;
        }
        if (peer_finished_) return 0;
        if (next_record()) continue;
        if (!fill()) return 0;  // only after our own close()
    }
}

// Opens the next whole record in the buffer, if there is one. Sets the
// plaintext window (data) or peer_finished_ (close); fails the session if
// the record is malformed or does not authenticate.
bool NoiseStream::next_record() {
    const std::size_t have = in_end_ - in_pos_;
    if (have < kRecordHeaderBytes) return false;
    const auto len = static_cast<std::size_t>(wire::get_be(in_.data() + in_pos_, kRecordHeaderBytes));
    if (len > kMaxRecordPlaintext + kRecordOverhead) fail(kTampered);
    if (have < kRecordHeaderBytes + len) return false;
    std::uint8_t* body = in_.data() + in_pos_ + kRecordHeaderBytes;
    std::uint8_t type = 0;
    std::size_t plain = 0;
    if (!opener_.open(body, len, &type, &plain)) fail(kTampered);
    const std::size_t start = in_pos_ + kRecordHeaderBytes;
    in_pos_ += kRecordHeaderBytes + len;
    if (type == static_cast<std::uint8_t>(RecordType::data)) {
        plain_pos_ = start;
        plain_end_ = start + plain;
    } else if (type == static_cast<std::uint8_t>(RecordType::close) && plain == 0) {
        peer_finished_ = true;
    } else {  // authentic, so the peer's own doing: a newer protocol
        fail("the peer sent an end-to-end record this program does not know (type " + std::to_string(type) +
             "): it speaks a newer Tether version; update both programs");
    }
    return true;
}

// Reads more ciphertext straight into the buffer (reader thread only, so no
// lock). False after our own close(); fails the session on a cut.
bool NoiseStream::fill() {
    if (in_pos_ == in_end_) {
        in_pos_ = in_end_ = 0;
    } else if (in_pos_ > 0) {  // a partial record: move it to the front
        std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
        in_end_ -= in_pos_;
        in_pos_ = 0;
    }
    plain_pos_ = plain_end_ = 0;
    if (in_.size() < in_end_ + kReadChunkBytes) in_.resize(in_end_ + kReadChunkBytes);
    std::size_t n;
    try {
        n = inner_->read(in_.data() + in_end_, kReadChunkBytes);
    } catch (const session::StreamError&) {
        if (closed_) return false;
        throw;
    }
    if (n == 0) {
        if (closed_) return false;
        fail(kTruncated);
    }
    in_end_ += n;
    return true;
}

void NoiseStream::write(const void* buf, std::size_t len) {
    const auto* p = static_cast<const std::uint8_t*>(buf);
    while (len > 0) {
        throw_if_failed();
        if (closed_) throw session::StreamError(kClosed);
        if (write_shut_) throw session::StreamError("write after shutdown_write on the end-to-end session");
        const std::size_t batch = std::min(len, kWriteBatchBytes);
        out_.clear();
        for (std::size_t done = 0; done < batch; done += kMaxRecordPlaintext)
            sealer_.seal(out_, RecordType::data, p + done, std::min(kMaxRecordPlaintext, batch - done));
        send();
        p += batch;
        len -= batch;
    }
}

void NoiseStream::shutdown_write() {
    if (write_shut_) return;
    write_shut_ = true;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_.empty() || closed_) return;  // nothing left to end cleanly
    }
    out_.clear();
    sealer_.seal(out_, RecordType::close, nullptr, 0);
    send();
    inner_->shutdown_write();
}

void NoiseStream::close() {
    closed_ = true;
    inner_->close();
}

// Writer thread: sends out_, blocking on back-pressure.
void NoiseStream::send() {
    try {
        inner_->write(out_.data(), out_.size());
    } catch (const session::StreamError& e) {
        // After our own close() this is no failure of the session: the
        // reader must still see a clean end, so nothing is recorded.
        if (closed_) throw session::StreamError(kClosed);
        fail(e.what());
    }
}

// Records the first fatal error, aborts the inner stream (waking the other
// thread and telling the peer), and throws.
void NoiseStream::fail(std::string message) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (error_.empty()) error_ = std::move(message);
        message = error_;
        failed_ = true;
    }
    inner_->close();
    throw session::StreamError(message);
}

void NoiseStream::throw_if_failed() const {
    if (!failed_) return;
    std::lock_guard<std::mutex> lk(mu_);
    if (!error_.empty()) throw session::StreamError(error_);
}

}  // namespace secure
