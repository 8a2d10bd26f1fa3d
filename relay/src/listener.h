// The public listening socket: accepts connections onto their own strands,
// admits them through the ConnectionRegistry caps and hands them to
// HttpConnection. Accept errors (out of descriptors: EMFILE, ENFILE) pause
// accepting for a moment instead of spinning or stopping. Internal.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <memory>

#include "connection_registry.h"
#include "http_context.h"
#include "transport.h"

namespace relay {

class Listener {
public:
    // The TLS context of each new connection (nullptr: plain TCP); asked per
    // accept, so that a reloaded certificate serves the next connection.
    using TlsContext = std::function<std::shared_ptr<asio::ssl::context>()>;

    // `cluster`: a cluster listener (node-to-node, cluster_splice.h).
    Listener(asio::io_context& ioc, HttpContext& cx, ConnectionRegistry& registry, TlsContext tls,
             bool cluster = false);
    // Binds and listens; returns the port. Throws std::runtime_error.
    int bind(const std::string& host, int port);
    void start();
    // Stops accepting (from any thread); open connections stay.
    void close();

private:
    void accept();
    void admit(tcp::socket socket);
    void pause_after_error();

    asio::io_context& ioc_;
    HttpContext& cx_;
    ConnectionRegistry& registry_;
    TlsContext tls_;
    const bool cluster_;
    asio::strand<asio::io_context::executor_type> strand_;  // the acceptor's operations
    tcp::acceptor acceptor_;
    asio::steady_timer pause_;
};

}  // namespace relay
