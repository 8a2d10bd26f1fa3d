#include "listener.h"

#include <netinet/tcp.h>

#include <boost/asio/post.hpp>

#include "http_connection.h"

namespace relay {
namespace {

// Connections waiting in the kernel for accept(): bursts of clients would
// otherwise wait a second for SYN retries.
constexpr int kListenBacklog = 4096;
// After a failed accept (descriptors exhausted), wait this long before the
// next: the condition passes when connections close, and a tight retry loop
// would burn a core meanwhile.
constexpr std::chrono::milliseconds kAcceptPause{100};

// Unacknowledged data older than this fails the connection: a peer that
// vanished (no FIN) is noticed within a few heartbeats of pings.
void tune(tcp::socket& s, std::chrono::milliseconds heartbeat) {
    boost::system::error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
    unsigned user_timeout_ms = static_cast<unsigned>(std::max<long>(10000, 4 * heartbeat.count()));
    ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

}  // namespace

Listener::Listener(asio::io_context& ioc, HttpContext& cx, ConnectionRegistry& registry, TlsContext tls, bool cluster)
    : ioc_(ioc), cx_(cx), registry_(registry), tls_(std::move(tls)), cluster_(cluster), strand_(asio::make_strand(ioc)),
      acceptor_(strand_), pause_(strand_) {}

int Listener::bind(const std::string& host, int port) {
    try {
        const tcp::endpoint ep(asio::ip::make_address(host), static_cast<unsigned short>(port));
        acceptor_.open(ep.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(kListenBacklog);
        return acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error&) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                                 " (in use, or not an address of this host?)");
    }
}

void Listener::start() { asio::post(strand_, [this] { accept(); }); }

void Listener::close() {
    asio::post(strand_, [this] {
        boost::system::error_code ignored;
        pause_.cancel();
        acceptor_.close(ignored);
    });
}

void Listener::accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) return pause_after_error();
        admit(std::move(socket));
        accept();
    });
}

void Listener::admit(tcp::socket socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    const std::string addr = remote.address().to_string();
    Refusal why{};
    auto slot = registry_.admit(addr, why);
    if (!slot) return cx_.refusals.note(why, addr);  // the socket closes as it goes out of scope
    tune(socket, cx_.config.heartbeat);
    auto c = std::make_shared<HttpConnection>(std::move(socket), std::move(*slot), addr, cx_, tls_());
    if (cluster_) c->serve_cluster();
    c->start();
}

void Listener::pause_after_error() {
    cx_.refusals.note(Refusal::accept_failed, "(accept)");
    pause_.expires_after(kAcceptPause);
    pause_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && acceptor_.is_open()) accept();
    });
}

}  // namespace relay
