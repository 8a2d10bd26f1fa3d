// One accepted connection's byte stream: TLS over TCP, or plain TCP with
// --plain-http. A single concrete type (not a template parameter) so that the
// HTTP connection code exists once; it meets Asio's AsyncReadStream and
// AsyncWriteStream requirements for plain completion handlers, which is all
// Beast and asio::async_write need. Every operation runs on the socket's
// strand. Internal to relay/.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <memory>
#include <utility>

namespace relay {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Transport {
public:
    using executor_type = tcp::socket::executor_type;

    // `tls`: the server's context, nullptr for plain TCP. Outlives this.
    Transport(tcp::socket socket, asio::ssl::context* tls)
        : tls_(tls ? std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket), *tls) : nullptr),
          plain_(tls ? tcp::socket(tls_->get_executor()) : std::move(socket)) {}

    executor_type get_executor() { return socket().get_executor(); }
    tcp::socket& socket() { return tls_ ? tls_->next_layer() : plain_; }
    bool tls() const { return tls_ != nullptr; }

    // Calls `h(error_code)` once the TLS handshake is done (at once for plain TCP).
    template <class Handler>
    void async_handshake(Handler&& h) {
        if (tls_) return tls_->async_handshake(asio::ssl::stream_base::server, std::forward<Handler>(h));
        asio::post(get_executor(), [h = std::forward<Handler>(h)]() mutable { h(boost::system::error_code()); });
    }

    template <class Buffers, class Handler>
    void async_read_some(const Buffers& b, Handler&& h) {
        if (tls_) tls_->async_read_some(b, std::forward<Handler>(h));
        else plain_.async_read_some(b, std::forward<Handler>(h));
    }

    template <class Buffers, class Handler>
    void async_write_some(const Buffers& b, Handler&& h) {
        if (tls_) tls_->async_write_some(b, std::forward<Handler>(h));
        else plain_.async_write_some(b, std::forward<Handler>(h));
    }

    // Cancels every pending operation (they complete with an error) and
    // releases the descriptor. Idempotent.
    void close() {
        boost::system::error_code ignored;
        socket().close(ignored);
    }

private:
    std::unique_ptr<asio::ssl::stream<tcp::socket>> tls_;
    tcp::socket plain_;  // unused (never opened) with TLS
};

}  // namespace relay
