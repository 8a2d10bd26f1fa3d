#include "cluster_splice.h"

#include <netinet/tcp.h>

#include <boost/asio/write.hpp>

#include <cstring>

#include "cluster_directory.h"
#include "cluster_secret.h"

namespace relay {
namespace {

// A node that does not answer a connect within this long counts as refused
// (dead: its process is gone, or its host).
constexpr std::chrono::seconds kConnectTimeout{2};
// Bytes moved per read each way: one TLS record.
constexpr std::size_t kSpliceBytes = 16 * 1024;

const char* const kClusterHeaders[] = {"x-tether-cluster", "x-tether-forwarded-for", "x-tether-forwarded-proto"};

bool named(boost::beast::string_view name, const char* lower) {
    if (name.size() != std::strlen(lower)) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
    return true;
}

bool cluster_header(boost::beast::string_view name) {
    for (const char* h : kClusterHeaders)
        if (named(name, h)) return true;
    return false;
}

}  // namespace

std::string forward_head(const HttpRequest& req, bool body_read, const std::string& secret, bool plain) {
    const auto method = http::to_string(req.method);
    std::string out(method.data(), method.size());
    out += " " + req.target + " HTTP/1.1\r\n";
    for (const auto& f : req.headers) {
        const auto name = f.name_string();
        if (cluster_header(name)) continue;
        // A body read whole goes on with a Content-Length of its own (it may
        // have come chunked), and its 100-continue was answered here.
        if (body_read && (named(name, "content-length") || named(name, "transfer-encoding") || named(name, "expect")))
            continue;
        out.append(name.data(), name.size()).append(": ").append(f.value().data(), f.value().size()).append("\r\n");
    }
    if (body_read) out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
    out += "X-Tether-Cluster: " + secret + "\r\n";
    out += "X-Tether-Forwarded-For: " + req.remote_addr + "\r\n";
    out += std::string("X-Tether-Forwarded-Proto: ") + (plain ? "http" : "https") + "\r\n\r\n";
    if (body_read) out += req.body;
    return out;
}

// ---- HttpConnection's cluster side ----

bool HttpConnection::admit_cluster_request() {
    const std::string secret = request_.header("X-Tether-Cluster");
    if (!cluster_.trusted) {
        if (!cx_.cluster || secret.empty() || !secret_equal(secret, cx_.cluster->secret())) {
            cx_.log.warn("cluster", "refused a request on the cluster listener from " + request_.remote_addr +
                                        ": no valid X-Tether-Cluster (a node with another --cluster-secret-file, or not a node)");
            body_unread_ = true;
            respond(json_response(403, R"({"error":"forbidden","message":"This is a relay cluster's node-to-node listener; requests need the cluster's secret."})"));
            return false;
        }
        cluster_.trusted = true;
        const std::string from = request_.header("X-Tether-Forwarded-For");
        if (!from.empty()) request_.remote_addr = from;  // read_head() keeps it for later requests
        cluster_.plain = request_.header("X-Tether-Forwarded-Proto") == "http";
    }
    request_.plain = cluster_.plain;
    request_.from_node = true;
    return true;
}

void HttpConnection::forward(std::string node, std::string addr) {
    if (responded_ || closed_) return;
    responded_ = true;  // from here on the home node answers
    disarm();
    std::make_shared<Splice>(shared_from_this(), std::move(node))->start(addr);
}

void HttpConnection::retry_after_refusal() {
    if (closed_) return;
    responded_ = false;
    // Each round counts the refusing node as dead and re-reads the
    // directory: a CAS lost to a node that is also gone costs a round.
    if (++cluster_.forwards > 3) return respond(error_response(ApiError::directory_unavailable));
    invoke_handler();
}

// ---- Splice ----

Splice::Splice(std::shared_ptr<HttpConnection> client, std::string node)
    : c_(std::move(client)), node_(std::move(node)), home_(c_->transport_.get_executor()),
      connect_deadline_(c_->transport_.get_executor()) {}

Splice::~Splice() {
    if (counted_) --c_->cx_.cluster->counters.forwarded_open;
}

void Splice::start(const std::string& where) {
    where_ = where;
    const std::string addr = where.substr(0, where.find(' '));
    const auto colon = addr.rfind(':');
    tcp::endpoint to;
    try {
        std::string host = addr.substr(0, colon);
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        to = tcp::endpoint(asio::ip::make_address(host), static_cast<unsigned short>(std::stoi(addr.substr(colon + 1))));
    } catch (const std::exception&) {
        c_->cx_.log.warn("cluster", "node " + node_ + " advertises " + addr + ", not an IP:PORT: treated as dead");
        return refused();
    }
    connect_deadline_.expires_after(kConnectTimeout);
    connect_deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (!ec) self->home_.close();  // the connect completes with an error
    });
    home_.async_connect(to, [self = shared_from_this()](const error_code& ec) {
        self->connect_deadline_.cancel();
        if (ec) return self->refused();
        self->connected();
    });
}

void Splice::refused() {
    c_->cx_.log.info("cluster", "node " + node_ + " refused a forwarded connection: counted as dead");
    c_->cx_.cluster->refused(node_, where_);
    c_->retry_after_refusal();
}

void Splice::connected() {
    auto& cx = c_->cx_;
    error_code ignored;
    home_.set_option(tcp::no_delay(true), ignored);
    unsigned user_timeout_ms = static_cast<unsigned>(std::max<long>(10000, 4 * cx.config.heartbeat.count()));
    ::setsockopt(home_.native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
    ++cx.cluster->counters.forwarded_total;
    ++cx.cluster->counters.forwarded_open;
    counted_ = true;
    const bool body_read = c_->whole_parser_.has_value();
    prefix_ = forward_head(c_->request_, body_read, cx.cluster->secret(), c_->request_.plain);
    // What the client sent after this head (and body): a streamed body's
    // first bytes, a pipelined request.
    const auto pending = c_->buffer_.data();
    prefix_.append(static_cast<const char*>(pending.data()), pending.size());
    c_->buffer_.consume(c_->buffer_.size());
    c_->buffer_.shrink_to_fit();
    asio::async_write(home_, asio::buffer(prefix_), [self = shared_from_this()](const error_code& ec, std::size_t) {
        self->prefix_ = std::string();
        if (ec) return self->finish();
        self->pump_up();
        self->pump_down();
    });
}

namespace {

template <class Handler>
void wait_readable(Transport& t, Handler&& h) {
    t.async_wait_readable(std::forward<Handler>(h));
}

template <class Handler>
void wait_readable(tcp::socket& s, Handler&& h) {
    s.async_wait(tcp::socket::wait_read, std::forward<Handler>(h));
}

}  // namespace

// Most forwarded connections are idle carriers that ping every heartbeat:
// each direction waits for readability holding no buffer, and keeps its
// buffer only while bulk flows (a read of at least half of it).
template <class From, class To, class ReadEnded>
void Splice::pump(From& from, To& to, std::vector<char>& buf, ReadEnded read_ended) {
    if (buf.size() < kSpliceBytes / 2) buf = std::vector<char>();
    if (buf.empty()) {
        wait_readable(from, [self = shared_from_this(), &from, &to, &buf, read_ended](const error_code& ec) {
            if (ec) return self->finish();
            buf.resize(kSpliceBytes);
            self->read(from, to, buf, read_ended);
        });
        return;
    }
    buf.resize(kSpliceBytes);
    read(from, to, buf, read_ended);
}

template <class From, class To, class ReadEnded>
void Splice::read(From& from, To& to, std::vector<char>& buf, ReadEnded read_ended) {
    from.async_read_some(asio::buffer(buf), [self = shared_from_this(), &from, &to, &buf, read_ended](
                                                const error_code& ec, std::size_t n) {
        if (ec) return read_ended(*self, ec);
        buf.resize(n);
        asio::async_write(to, asio::buffer(buf.data(), n), [self, &from, &to, &buf, read_ended](const error_code& ec2, std::size_t) {
            if (ec2) return self->finish();
            self->pump(from, to, buf, read_ended);
        });
    });
}

// Client -> home. The client's end (EOF, close_notify) half-closes toward
// home; the connection stays while the home still answers.
void Splice::pump_up() {
    pump(c_->transport_, home_, up_, [](Splice& s, const error_code& ec) {
        s.up_open_ = false;
        error_code ignored;
        s.home_.shutdown(tcp::socket::shutdown_send, ignored);
        if (ec != asio::error::eof || !s.down_open_) s.finish();
    });
}

// Home -> client. The home closed: so does the client connection.
void Splice::pump_down() {
    pump(home_, c_->transport_, down_, [](Splice& s, const error_code&) {
        s.down_open_ = false;
        s.finish();
    });
}

void Splice::finish() {
    if (done_) return;
    done_ = true;
    error_code ignored;
    home_.close(ignored);
    c_->close();
}

}  // namespace relay
