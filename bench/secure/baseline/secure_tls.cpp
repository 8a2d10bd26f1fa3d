// The TLS engine of SecureStream: OpenSSL over in-memory ciphertext queues
// (secure_bio.h), driven by a blocking ByteStream.
//
// Threading. One SSL object is not safe for concurrent SSL_read/SSL_write,
// but ByteStream allows one reader and one writer thread at once. So every
// call into OpenSSL (SSL_*, and the queues behind its BIO) happens under mu_,
// and mu_ is never held while blocking on the inner stream.
// Ciphertext order: OpenSSL appends records to the output queue in the order
// it produces them, and only the writer thread (write, shutdown_write; or the
// one handshake thread) drains that queue and writes to the inner stream, one
// batch at a time. Records the reader makes (a KeyUpdate reply) wait in the
// queue and go out, in order, ahead of the writer's next batch, which is what
// RFC 8446 4.6.3 asks for. The reader thus never writes to the inner stream
// and can never block behind back-pressure of the other direction (a
// deadlock when both sides send bulk data).
#include "secure_tls.h"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "secure_bio.h"
#include "secure_context.h"

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)
using secure::SecureRole;
namespace {

// Plaintext per SSL_write call and so per inner write: four full records
// (16 KiB each, the TLS maximum) amortise the inner stream's per-call cost
// without holding mu_ for long (~25 us of AES-GCM with AES-NI).
constexpr std::size_t kWriteBatchBytes = 64 * 1024;
// Ciphertext read from the inner stream at once.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

const char kTamperedPrefix[] =
    "the end-to-end encrypted session was altered or corrupted in transit (";
const char kTamperedSuffix[] =
    "): something between desk and client (relay, proxy or network) changed the bytes, "
    "so the session was stopped before any altered data was used; reconnect";
const char kTruncated[] =
    "the end-to-end encrypted session was cut off: the connection ended without the "
    "peer's TLS close_notify (the peer aborted, or the relay, a proxy or the network cut "
    "the stream); data may be missing, reconnect";
const char kHandshakeEof[] =
    "the connection ended during the end-to-end encryption handshake: the peer left, or it "
    "is not a Tether endpoint with end-to-end encryption";

class TlsStreamImpl final : public TlsStream {
public:
    TlsStreamImpl(std::unique_ptr<session::ByteStream> inner, SslCtxPtr ctx, SecureRole role);

    void handshake();

    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override;
    void close() override;
    std::vector<unsigned char> export_secret(const std::string& label,
                                             std::size_t len) const override;
    void request_key_update() override;

private:
    // Outcome of one SSL call, decided under mu_.
    enum class Step { done, want_read, peer_finished, failed };

    Step classify_locked(int ret);
    void drain_output_locked();
    void send_output();
    bool feed_from_inner();
    [[noreturn]] void fail(std::string message);
    void throw_if_failed_locked() const;
    void check_alpn_locked();

    std::unique_ptr<session::ByteStream> inner_;
    SslCtxPtr ctx_;

    mutable std::mutex mu_;  // guards queues_, ssl_ and error_
    CipherQueues queues_;    // behind ssl_'s BIO; declared first to outlive ssl_
    SslPtr ssl_;
    std::string error_;          // first fatal error; every later call rethrows it

    std::atomic<bool> closed_{false};
    bool peer_finished_ = false;         // reader thread: close_notify received
    bool write_shut_ = false;            // writer thread: close_notify sent
    std::vector<unsigned char> out_buf_; // writer thread: ciphertext taken from queues_.out
};

TlsStreamImpl::TlsStreamImpl(std::unique_ptr<session::ByteStream> inner, SslCtxPtr ctx, SecureRole role)
    : inner_(std::move(inner)), ctx_(std::move(ctx)) {
    ssl_.reset(SSL_new(ctx_.get()));
    BIO* bio = ssl_ ? make_queue_bio(&queues_) : nullptr;
    if (!bio) throw session::StreamError("cannot set up end-to-end encryption: out of memory");
    SSL_set_bio(ssl_.get(), bio, bio);  // one BIO both ways; ssl_ owns it
    // Let OpenSSL take all queued ciphertext at once rather than a record
    // header and body at a time: fewer calls per record, same semantics.
    SSL_set_read_ahead(ssl_.get(), 1);
    if (role == SecureRole::desk)
        SSL_set_accept_state(ssl_.get());
    else
        SSL_set_connect_state(ssl_.get());
}

TlsStreamImpl::Step TlsStreamImpl::classify_locked(int ret) {
    if (ret == 1) return Step::done;
    switch (SSL_get_error(ssl_.get(), ret)) {
        case SSL_ERROR_WANT_READ: return Step::want_read;
        case SSL_ERROR_ZERO_RETURN: return Step::peer_finished;
        default: return Step::failed;
    }
}

// Takes the ciphertext OpenSSL produced; a swap, not a copy, in the usual
// case where the previous batch was sent (both buffers keep their capacity).
void TlsStreamImpl::drain_output_locked() {
    if (out_buf_.empty())
        out_buf_.swap(queues_.out);
    else
        out_buf_.insert(out_buf_.end(), queues_.out.begin(), queues_.out.end());
    queues_.out.clear();
}

// Writer thread only, without mu_: may block on back-pressure.
void TlsStreamImpl::send_output() {
    if (out_buf_.empty()) return;
    try {
        inner_->write(out_buf_.data(), out_buf_.size());
    } catch (const session::StreamError& e) {
        // After our own close() this is no failure of the session: the
        // reader must still see a clean end, so nothing is recorded.
        if (closed_) throw session::StreamError("the end-to-end encrypted session is closed");
        fail(e.what());
    }
    out_buf_.clear();
}

// Reader (or handshake) thread: reads straight into the cipher queue (see
// CipherQueues), holding mu_ only to reserve and to commit, never while
// blocked on the inner stream. False when the inner stream ended.
bool TlsStreamImpl::feed_from_inner() {
    unsigned char* dst;
    {
        std::lock_guard<std::mutex> lk(mu_);
        dst = queues_.reserve_in(kReadChunkBytes);
    }
    std::size_t n = inner_->read(dst, kReadChunkBytes);
    if (n == 0) return false;
    std::lock_guard<std::mutex> lk(mu_);
    queues_.commit_in(n);
    return true;
}

// Records the first fatal error, aborts the inner stream (waking the other
// thread and telling the peer), and throws. Must not hold mu_.
void TlsStreamImpl::fail(std::string message) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (error_.empty()) error_ = std::move(message);
        message = error_;
    }
    inner_->close();
    throw session::StreamError(message);
}

void TlsStreamImpl::throw_if_failed_locked() const {
    if (!error_.empty()) throw session::StreamError(error_);
}

void TlsStreamImpl::check_alpn_locked() {
    const unsigned char* name = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl_.get(), &name, &len);
    if (std::string(reinterpret_cast<const char*>(name), name ? len : 0) != kSecureAlpn)
        throw session::StreamError("the peer is not a compatible Tether endpoint (it did not agree on the "
                          "end-to-end protocol " + std::string(kSecureAlpn) + ")");
}

void TlsStreamImpl::handshake() {
    for (;;) {
        Step step;
        std::string reason;
        {
            std::lock_guard<std::mutex> lk(mu_);
            ERR_clear_error();
            step = classify_locked(SSL_do_handshake(ssl_.get()));
            if (step == Step::failed || step == Step::peer_finished)
                reason = take_openssl_reason("protocol error");
            drain_output_locked();  // our next flight, or the alert on failure
        }
        if (!reason.empty()) {
            try { send_output(); } catch (const session::StreamError&) {}  // best effort: tell the peer
            fail("the end-to-end encryption handshake failed (" + reason +
                 "): the peer is not a compatible Tether endpoint, or the relay, a proxy or the "
                 "network altered the data");
        }
        send_output();
        if (step == Step::done) break;
        if (!feed_from_inner()) fail(kHandshakeEof);
    }
    std::lock_guard<std::mutex> lk(mu_);
    check_alpn_locked();
}

std::size_t TlsStreamImpl::read(void* buf, std::size_t len) {
    if (len == 0) return 0;
    for (;;) {
        std::string reason;
        {
            std::lock_guard<std::mutex> lk(mu_);
            throw_if_failed_locked();
            if (peer_finished_) return 0;
            ERR_clear_error();
            std::size_t got = 0;
            Step step = classify_locked(SSL_read_ex(ssl_.get(), buf, len, &got));
            if (step == Step::done) return got;
            if (step == Step::peer_finished) {
                peer_finished_ = true;
                return 0;
            }
            if (step == Step::failed) reason = take_openssl_reason("integrity check failed");
        }
        if (!reason.empty()) fail(kTamperedPrefix + reason + kTamperedSuffix);
        bool more;
        try {
            more = feed_from_inner();
        } catch (const session::StreamError&) {
            if (closed_) return 0;
            throw;
        }
        if (!more) {
            if (closed_) return 0;
            fail(kTruncated);
        }
    }
}

void TlsStreamImpl::write(const void* buf, std::size_t len) {
    const auto* p = static_cast<const unsigned char*>(buf);
    while (len > 0) {
        std::size_t n = std::min(len, kWriteBatchBytes);
        std::string reason;
        {
            std::lock_guard<std::mutex> lk(mu_);
            throw_if_failed_locked();
            if (closed_) throw session::StreamError("the end-to-end encrypted session is closed");
            if (write_shut_) throw session::StreamError("write after shutdown_write on the end-to-end session");
            ERR_clear_error();
            std::size_t written = 0;  // all of n: the queue never pushes back
            if (classify_locked(SSL_write_ex(ssl_.get(), p, n, &written)) != Step::done)
                reason = take_openssl_reason("encryption failed");
            drain_output_locked();
        }
        if (!reason.empty()) fail("end-to-end encryption failed (" + reason + ")");
        send_output();
        p += n;
        len -= n;
    }
}

void TlsStreamImpl::shutdown_write() {
    if (write_shut_) return;
    write_shut_ = true;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_.empty() || closed_) return;  // nothing left to end cleanly
        ERR_clear_error();
        SSL_shutdown(ssl_.get());  // queues close_notify; we do not wait for the peer's
        ERR_clear_error();
        drain_output_locked();
    }
    send_output();
    inner_->shutdown_write();
}

void TlsStreamImpl::close() {
    closed_ = true;
    inner_->close();
}

std::vector<unsigned char> TlsStreamImpl::export_secret(const std::string& label,
                                                        std::size_t len) const {
    std::vector<unsigned char> out(len);
    std::lock_guard<std::mutex> lk(mu_);
    if (SSL_export_keying_material(ssl_.get(), out.data(), len, label.data(), label.size(),
                                   nullptr, 0, 0) != 1)
        throw session::StreamError("cannot derive the authentication string from the TLS session");
    return out;
}

void TlsStreamImpl::request_key_update() {
    std::lock_guard<std::mutex> lk(mu_);
    throw_if_failed_locked();
    if (SSL_key_update(ssl_.get(), SSL_KEY_UPDATE_REQUESTED) != 1)
        throw session::StreamError("cannot schedule an end-to-end key update");
}

}  // namespace

std::unique_ptr<TlsStream> tls_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role) {
    auto stream = std::make_unique<TlsStreamImpl>(std::move(inner), make_secure_context(role), role);
    stream->handshake();
    return stream;
}

}  // namespace baseline_tls
