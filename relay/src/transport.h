// One accepted connection's byte stream: TLS over TCP, or plain TCP with
// --plain-http. A single concrete type (not a template parameter) so that the
// HTTP connection code exists once; it meets Asio's AsyncReadStream and
// AsyncWriteStream requirements for plain completion handlers, which is all
// Beast and asio::async_write need. Every operation runs on the socket's
// strand; at most one read and one write are pending at a time.
//
// TLS is OpenSSL on the non-blocking socket itself (SSL_set_fd), waiting for
// readiness through Asio, rather than asio::ssl::stream: that one keeps two
// 17 KiB engine buffers and a 34 KiB BIO pair per connection for its whole
// life (~68 KiB; 4 connections per session), where OpenSSL with
// SSL_MODE_RELEASE_BUFFERS holds record buffers only while data moves.
// Internal to relay/.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <climits>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace relay {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// The concrete type of every connection's strand (Listener: make_strand of
// the io_context).
using Strand = asio::strand<asio::io_context::executor_type>;

// asio::defer(ex, f), through the strand's concrete type when `ex` holds
// one (it always does for a connection): deferring through the type-erased
// any_io_executor costs a virtual require/prefer and an executor copy per
// property (~5 % of the relay's idle CPU, several hops per heartbeat).
template <class F>
void defer_to(const asio::any_io_executor& ex, F&& f) {
    if (const Strand* s = ex.target<Strand>()) return asio::defer(*s, std::forward<F>(f));
    asio::defer(ex, std::forward<F>(f));
}

class Transport {
public:
    using executor_type = tcp::socket::executor_type;

    // `tls`: the server's context (nullptr: plain TCP); the SSL object takes
    // its own reference to it.
    Transport(tcp::socket socket, asio::ssl::context* tls) : socket_(std::move(socket)) {
        error_code ignored;
        socket_.non_blocking(true, ignored);
        if (!tls) return;
        ssl_ = SSL_new(tls->native_handle());
        SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle()));
        SSL_set_accept_state(ssl_);
        // asio::async_write retries with the rest of the same buffers.
        SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
    ~Transport() {
        if (ssl_) SSL_free(ssl_);
    }
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Called on the strand after every write that moved bytes (deadlines
    // that measure progress, not whole writes). Set once, before any write.
    void on_write_progress(std::function<void()> f) { progress_ = std::move(f); }

    executor_type get_executor() { return socket_.get_executor(); }
    tcp::socket& socket() { return socket_; }
    bool tls() const { return ssl_ != nullptr; }

    // Calls `h(error_code)` once the TLS handshake is done (at once for plain TCP).
    template <class Handler>
    void async_handshake(Handler&& h) {
        if (!ssl_) return post(std::forward<Handler>(h), error_code());
        run_ssl([this] { return SSL_do_handshake(ssl_); },
                [h = std::forward<Handler>(h)](const error_code& ec, int) mutable { h(ec); });
    }

    template <class Buffers, class Handler>
    void async_read_some(const Buffers& buffers, Handler&& h) {
        const asio::mutable_buffer b = first<asio::mutable_buffer>(buffers);
        if (!ssl_) return socket_.async_read_some(buffers, std::forward<Handler>(h));
        if (b.size() == 0) return post(std::forward<Handler>(h), error_code(), std::size_t(0));
        run_ssl([this, b] { return SSL_read(ssl_, b.data(), clamp(b.size())); },
                [h = std::forward<Handler>(h)](const error_code& ec, int n) mutable {
                    h(ec, ec ? std::size_t(0) : static_cast<std::size_t>(n));
                });
    }

    // Calls `h(error_code)` once a read would find bytes (or the peer's
    // close): at once when OpenSSL holds some (read ahead or not yet taken).
    // Lets an idle connection wait without a read buffer (most connections
    // are idle). Bytes already in the socket complete the wait in the next
    // round of the reactor (re-arming the descriptor reports them).
    template <class Handler>
    void async_wait_readable(Handler&& h) {
        if (ssl_ && SSL_has_pending(ssl_)) return post(std::forward<Handler>(h), error_code());
        socket_.async_wait(tcp::socket::wait_read, std::forward<Handler>(h));
    }

    template <class Buffers, class Handler>
    void async_write_some(const Buffers& buffers, Handler&& h) {
        if (!ssl_)
            return socket_.async_write_some(buffers, [this, h = std::forward<Handler>(h)](const error_code& ec,
                                                                                          std::size_t n) mutable {
                if (!ec && n && progress_) progress_();
                h(ec, n);
            });
        // Beast hands over a chunk as size line + data + CRLF, a response as
        // head + body: written one by one they would become tiny TLS records
        // (and packets). Several buffers are gathered into one record's worth.
        asio::const_buffer b = first<asio::const_buffer>(buffers);
        std::shared_ptr<std::string> gathered;
        if (b.size() < kRecordBytes && b.size() < asio::buffer_size(buffers)) {
            gathered = gather(buffers);
            b = asio::buffer(*gathered);
        }
        if (b.size() == 0) return post(std::forward<Handler>(h), error_code(), std::size_t(0));
        run_ssl([this, b, gathered] { return SSL_write(ssl_, b.data(), clamp(b.size())); },
                [this, h = std::forward<Handler>(h)](const error_code& ec, int n) mutable {
                    if (!ec && progress_) progress_();
                    h(ec, ec ? std::size_t(0) : static_cast<std::size_t>(n));
                });
    }

    // Cancels every pending operation (they complete with an error) and
    // releases the descriptor. Idempotent.
    void close() {
        error_code ignored;
        socket_.close(ignored);
    }

private:
    // The largest TLS record's payload (RFC 8446 5.1): one SSL_write at most.
    static constexpr std::size_t kRecordBytes = 16 * 1024;

    template <class Buffers>
    static std::shared_ptr<std::string> gather(const Buffers& buffers) {
        auto out = std::make_shared<std::string>();
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            const asio::const_buffer b(*it);
            const std::size_t take = std::min(b.size(), kRecordBytes - out->size());
            out->append(static_cast<const char*>(b.data()), take);
            if (out->size() == kRecordBytes) break;
        }
        return out;
    }

    static int clamp(std::size_t n) { return static_cast<int>(std::min<std::size_t>(n, INT_MAX)); }

    // The first non-empty buffer of a sequence (B: mutable_buffer or const_buffer).
    template <class B, class Buffers>
    static B first(const Buffers& buffers) {
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it)
            if (B b(*it); b.size() > 0) return b;
        return B();
    }

    // Completions never run inside the call that started the operation.
    // Deferred, not posted: a completion continues the handler that started
    // the operation, so Asio queues it on this thread (a post from a handler
    // goes to the shared queue and wakes another io thread for it).
    template <class Handler, class... Args>
    void post(Handler&& h, Args... args) {
        defer_to(socket_.get_executor(), [h = std::forward<Handler>(h), args...]() mutable { h(args...); });
    }

    // Runs `op` (an SSL call) until it succeeds or fails, waiting for the
    // socket's readiness whenever OpenSSL asks to; then `done(ec, result)`.
    template <class Op, class Done>
    void run_ssl(Op op, Done done) {
        ERR_clear_error();
        const int r = op();
        if (r > 0) return post(std::move(done), error_code(), r);
        const int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            const auto wait = e == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write;
            socket_.async_wait(wait, [this, op, done = std::move(done)](const error_code& ec) mutable {
                if (ec) return done(ec, 0);
                run_ssl(std::move(op), std::move(done));
            });
            return;
        }
        // A clean close_notify, a close without one (EOF) and every failure
        // end the stream alike for our purposes.
        const error_code ec = e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
                                  ? error_code(asio::error::eof)
                                  : error_code(asio::error::connection_reset);
        post(std::move(done), ec, 0);
    }

    tcp::socket socket_;
    SSL* ssl_ = nullptr;  // owned; nullptr for plain TCP
    std::function<void()> progress_;
};

}  // namespace relay
