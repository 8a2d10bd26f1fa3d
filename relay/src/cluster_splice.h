// Forwarding between the nodes of a cluster (docs/RELAY.md "A cluster"):
// a node that got a request for a session homed on another node hands the
// whole client connection to that node's cluster listener (plain TCP on a
// private address). The request goes first, its head rewritten to carry
//   X-Tether-Cluster: <the cluster secret>
//   X-Tether-Forwarded-For: <the source address this node saw>
//   X-Tether-Forwarded-Proto: https | http  (how it reached this node)
// (any such headers from the client are dropped), with its body if it was
// already read; then every byte both ways, raw (TLS ends on this node). The
// home node serves it with its usual handlers; further requests on the
// connection go there too. Internal to relay/.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

#include "http_connection.h"

namespace relay {

// The head of `req` as the home node must see it (see above). `body_read`:
// its body was read whole (it is in req.body and follows the head, with a
// Content-Length); otherwise the body, if any, follows raw.
std::string forward_head(const HttpRequest& req, bool body_read, const std::string& secret, bool plain);

// One forwarded connection: owns the socket to the home node and keeps the
// client connection alive until both directions ended. On the client
// connection's strand.
class Splice : public std::enable_shared_from_this<Splice> {
public:
    Splice(std::shared_ptr<HttpConnection> client, std::string node);
    ~Splice();
    // `where`: the home's liveness value, "HOST:PORT INCARNATION".
    void start(const std::string& where);

private:
    void connected();
    void refused();
    // One direction, `from` -> `to` (the client's Transport and the home's
    // socket, either way round): waits for readability holding no buffer,
    // keeps `buf` only while bulk flows; a read error or EOF calls
    // `read_ended(ec)`, a write error finish().
    template <class From, class To, class ReadEnded>
    void pump(From& from, To& to, std::vector<char>& buf, ReadEnded read_ended);
    template <class From, class To, class ReadEnded>
    void read(From& from, To& to, std::vector<char>& buf, ReadEnded read_ended);
    void pump_up();
    void pump_down();
    void finish();

    std::shared_ptr<HttpConnection> c_;
    std::string node_, where_;
    tcp::socket home_;
    asio::steady_timer connect_deadline_;
    std::string prefix_;
    std::vector<char> up_, down_;  // empty while waiting for readability
    bool up_open_ = true, down_open_ = true, done_ = false, counted_ = false;
};

}  // namespace relay
