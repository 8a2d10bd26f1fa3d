// Connection: TCP, CONNECT with proxy auth, TLS (see connection.h).
#include "connection.h"

#include "proxy_auth.h"

namespace winnet {
namespace {

// CONNECT answers (a 407 page) are small; more is a broken proxy.
constexpr std::size_t kMaxProxyBody = 64 * 1024;

// Reads from a raw socket (before TLS) or the TLS layer alike.
template <class Stream>
Socket::Read read_from(Stream& s, std::string& buf, Connection::Clock::time_point deadline) {
    return s.read_some(buf, left_until(deadline));
}

// Skips a 407 page on the raw socket so that the next CONNECT can follow.
void skip_body(Socket& s, std::string& buf, const http1::BodyFraming& f, Connection::Clock::time_point deadline) {
    http1::ChunkedDecoder chunked;
    std::string sink;
    for (;;) {
        if (f.kind == http1::BodyFraming::none) return;
        if (f.kind == http1::BodyFraming::sized && buf.size() >= f.length) return buf.erase(0, f.length), void();
        if (f.kind == http1::BodyFraming::chunked) {
            buf.erase(0, chunked.feed(buf.data(), buf.size(), sink));
            if (chunked.finished()) return;
        }
        if (buf.size() + sink.size() > kMaxProxyBody) throw std::runtime_error("407 page too long");
        if (read_from(s, buf, deadline) != Socket::Read::data) throw std::runtime_error("407 page cut");
    }
}

}  // namespace

std::chrono::milliseconds left_until(Connection::Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Connection::Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
}

Connection::Connection(const Config& cfg, const Route& route) : cfg_(cfg), route_(route) {
    auto deadline = Clock::now() + cfg.connect_timeout;
    if (route.plain()) {  // allowed plain HTTP: the proxy (or relay) gets our requests as they are
        connect_socket(route.proxy ? *route.proxy : route.relay, route.proxy.has_value(), deadline);
        return;
    }
    if (route.proxy) open_tunnel(deadline);
    else connect_socket(route.relay, false, deadline);
    tls_ = std::make_unique<Tls>(*sock_, route.relay.host, std::move(pending_));
    try {
        tls_->handshake(cfg.ca_file, left_until(deadline));
    } catch (const TrustError& e) {
        if (e.reason.rfind("cannot read the CA file", 0) == 0) throw session::CarrierError(e.reason, true);
        throw untrusted(route, e.reason);
    } catch (const TlsError& e) {
        throw session::CarrierError("the TLS handshake with the relay " + route.relay_name() + " broke off (" +
                                    e.what + ")");
    } catch (const SocketError& e) {
        throw session::CarrierError("the TLS handshake with the relay " + route.relay_name() + " broke off (" +
                                    winsock_text(e.code) + ")");
    }
}

Connection::~Connection() = default;

void Connection::connect_socket(const http1::Url& to, bool proxy, Clock::time_point deadline) {
    sock_ = std::make_unique<Socket>();
    try {
        sock_->connect(to.host, to.port, left_until(deadline));
    } catch (const SocketError& e) {
        throw unreachable(route_, proxy, e.what.rfind("cannot resolve", 0) == 0 ? "its name does not resolve"
                                                                              : winsock_text(e.code));
    }
}

// CONNECT host:port, answering 407s (proxy_auth.h: answer_407s, the same
// rounds as a plain request's through the proxy). squid keeps the
// connection open across 407s; a proxy that closes it gets a new one.
void Connection::open_tunnel(Clock::time_point deadline) {
    ProxyAuth auth(cfg_, route_.proxy->host, route_.relay.host_port());
    std::string buf;  // after the last answer's head: its 407 page, or the TLS server hello
    auto send_connect = [&](const std::string& authorization) {
        if (!sock_ || sock_->aborted()) connect_socket(*route_.proxy, true, deadline);
        http1::ResponseHead head = connect_once(authorization, buf, deadline);
        if (head.status == 407 && !skip_407_page(head, buf, deadline)) sock_.reset();
        return head;
    };
    http1::ResponseHead head = answer_407s(auth, cfg_, route_, send_connect(""), send_connect);
    if (head.status / 100 != 2) throw connect_refused(head.status, cfg_, route_);
    pending_ = std::move(buf);
    proxy_scheme_ = auth.scheme();
}

// One CONNECT on the socket and the head of its answer; `buf` then holds
// what followed the head.
http1::ResponseHead Connection::connect_once(const std::string& authorization, std::string& buf,
                                             Clock::time_point deadline) {
    http1::RequestHead req{"CONNECT", route_.relay.host_port(),
                           {{"Host", route_.relay.host_port()}, {"User-Agent", user_agent()},
                            {"Proxy-Connection", "keep-alive"}}};
    if (!authorization.empty()) req.headers.emplace_back("Proxy-Authorization", authorization);
    std::string head_bytes = http1::write_request_head(req);
    try {
        sock_->send_all(head_bytes.data(), head_bytes.size());
    } catch (const SocketError& e) {
        throw unreachable(route_, true, winsock_text(e.code));
    }
    buf.clear();
    http1::ResponseHead head;
    std::size_t used = 0;
    try {
        while ((used = http1::parse_response_head(buf, head)) == 0) {
            auto r = read_from(*sock_, buf, deadline);
            if (r == Socket::Read::closed) throw unreachable(route_, true, "it closed the connection during CONNECT");
            if (r == Socket::Read::timeout) throw unreachable(route_, true, "no answer to CONNECT in time");
        }
    } catch (const http1::ParseError& e) {
        throw session::CarrierError("the proxy " + route_.proxy_name() + " sent a malformed answer to CONNECT (" +
                                    e.what() + ")");
    } catch (const SocketError& e) {
        throw unreachable(route_, true, winsock_text(e.code));
    }
    buf.erase(0, used);
    return head;
}

// Skips a 407 page so that the next CONNECT can reuse the connection;
// false when it cannot be reused (the proxy closes it, or does not say how
// long the page is).
bool Connection::skip_407_page(const http1::ResponseHead& head, std::string& buf, Clock::time_point deadline) {
    try {
        auto f = http1::body_framing(head, "CONNECT");
        std::string close = head.header("Connection") + head.header("Proxy-Connection");
        if (f.kind == http1::BodyFraming::until_close || close.find("close") != std::string::npos) return false;
        skip_body(*sock_, buf, f, deadline);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void Connection::write(const std::string& bytes) {
    try {
        if (tls_) tls_->write(bytes.data(), bytes.size());
        else sock_->send_all(bytes.data(), bytes.size());
    } catch (const SocketError& e) {
        throw session::CarrierError("the connection to the relay " + route_.relay_name() + " broke (" +
                                    winsock_text(e.code) + ")");
    } catch (const TlsError& e) {
        throw session::CarrierError("the connection to the relay " + route_.relay_name() + " broke (" + e.what + ")");
    }
}

Socket::Read Connection::read_some(std::string& out, std::chrono::milliseconds timeout) {
    try {
        return tls_ ? tls_->read_some(out, timeout) : sock_->read_some(out, timeout);
    } catch (const SocketError& e) {
        throw session::CarrierError("the connection to the relay " + route_.relay_name() + " broke (" +
                                    winsock_text(e.code) + ")");
    } catch (const TlsError& e) {
        throw session::CarrierError("the connection to the relay " + route_.relay_name() + " broke (" + e.what + ")");
    }
}

void Connection::read_head(std::string& buf, http1::ResponseHead& head, Clock::time_point deadline) {
    std::size_t used = 0;
    try {
        while ((used = http1::parse_response_head(buf, head)) == 0) {
            auto r = read_some(buf, left_until(deadline));
            if (r == Socket::Read::closed && http1::parse_response_head(buf, head) == 0)
                throw session::CarrierError("the relay " + route_.relay_name() + " closed the connection without an answer");
            if (r == Socket::Read::timeout)
                throw session::CarrierError("no answer from the relay " + route_.relay_name() + " in time");
        }
    } catch (const http1::ParseError& e) {
        throw session::CarrierError("the relay " + route_.relay_name() + " sent a malformed answer (" + e.what() + ")");
    }
    buf.erase(0, used);
}

std::string Connection::read_body(std::string& buf, const http1::BodyFraming& f, Clock::time_point deadline,
                                  std::size_t max) {
    std::string body;
    http1::ChunkedDecoder chunked;
    auto more = [&] {
        auto r = read_some(buf, left_until(deadline));
        if (r == Socket::Read::timeout)
            throw session::CarrierError("the relay " + route_.relay_name() + " stopped answering mid-response");
        return r == Socket::Read::data;
    };
    try {
        switch (f.kind) {
        case http1::BodyFraming::none:
            return body;
        case http1::BodyFraming::sized:
            if (f.length > max) throw session::CarrierError("the relay's answer is too long");
            while (buf.size() < f.length)
                if (!more()) throw session::CarrierError("the relay closed the connection mid-answer");
            body = buf.substr(0, f.length);
            buf.erase(0, f.length);
            return body;
        case http1::BodyFraming::chunked:
            for (;;) {
                buf.erase(0, chunked.feed(buf.data(), buf.size(), body));
                if (chunked.finished()) return body;
                if (body.size() > max) throw session::CarrierError("the relay's answer is too long");
                if (!more()) throw session::CarrierError("the relay closed the connection mid-answer");
            }
        case http1::BodyFraming::until_close:
            while (more())
                if (buf.size() > max) throw session::CarrierError("the relay's answer is too long");
            body.swap(buf);
            return body;
        }
    } catch (const http1::ParseError& e) {
        throw session::CarrierError("the relay sent a malformed answer (" + std::string(e.what()) + ")");
    }
    return body;
}

}  // namespace winnet
