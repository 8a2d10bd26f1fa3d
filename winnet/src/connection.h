// One HTTPS connection to the relay: TCP to the relay or to the proxy, our
// own CONNECT (with proxy authentication), then SChannel TLS with the
// certificate check. For an allowed plain-HTTP route (Route::plain()) only
// the TCP connection: no CONNECT, no TLS. Every failure becomes a session::CarrierError with a
// sentence a person can act on (route.h). Threads: one reader and one writer
// at a time; abort() from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "http1/http1.h"
#include "route.h"
#include "socket.h"
#include "tls.h"

namespace winnet {

class Connection {
public:
    using Clock = std::chrono::steady_clock;

    // Blocks up to cfg.connect_timeout; throws session::CarrierError.
    Connection(const Config& cfg, const Route& route);
    ~Connection();

    void write(const std::string& bytes);  // throws CarrierError
    // Decrypted bytes appended to `out`; throws CarrierError on failures.
    Socket::Read read_some(std::string& out, std::chrono::milliseconds timeout);
    void abort() { sock_->abort(); }

    // Reads a response head into `head`; bytes after it stay in `buf`.
    // Throws CarrierError on timeout, close or a malformed head.
    void read_head(std::string& buf, http1::ResponseHead& head, Clock::time_point deadline);
    // Reads the body framed by `f` (not until_close beyond `max`); bytes
    // after it stay in `buf`.
    std::string read_body(std::string& buf, const http1::BodyFraming& f, Clock::time_point deadline,
                          std::size_t max);

    const std::string& proxy_scheme() const { return proxy_scheme_; }

private:
    void open_tunnel(Clock::time_point deadline);
    http1::ResponseHead connect_once(const std::string& authorization, std::string& buf, Clock::time_point deadline);
    bool skip_407_page(const http1::ResponseHead& head, std::string& buf, Clock::time_point deadline);
    void connect_socket(const http1::Url& to, bool proxy, Clock::time_point deadline);

    const Config& cfg_;
    const Route& route_;
    std::unique_ptr<Socket> sock_;
    std::unique_ptr<Tls> tls_;  // null on a plain-HTTP route
    std::string pending_;  // bytes after the CONNECT answer (the TLS server hello)
    std::string proxy_scheme_;
};

std::chrono::milliseconds left_until(Connection::Clock::time_point deadline);

}  // namespace winnet
