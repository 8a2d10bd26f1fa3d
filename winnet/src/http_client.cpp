// HttpClient (see http_client.h).
#include "http_client.h"

#include "session/plain_http_text.h"

namespace winnet {

HttpClient::HttpClient(const Config& cfg, const Route& route, std::string token)
    : cfg_(cfg), route_(route), cred_(e2e::parse_side_credential(token)) {}

std::shared_ptr<Connection> HttpClient::connection() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (aborted_) throw session::CarrierError("the carrier is closed");
        if (conn_) return conn_;
    }
    auto c = std::make_shared<Connection>(cfg_, route_);  // blocking: outside the lock
    std::lock_guard<std::mutex> lk(mu_);
    if (aborted_) throw session::CarrierError("the carrier is closed");
    buf_.clear();
    return conn_ = c;
}

void HttpClient::abort() {
    std::lock_guard<std::mutex> lk(mu_);
    aborted_ = true;
    if (conn_) conn_->abort();
}

// `target`: path and query as the relay sees them (what the MAC covers).
// Through a proxy on a plain-HTTP route the request line names the whole
// URL (a forward-proxy request); the proxy passes the origin form on.
http1::RequestHead HttpClient::head_of(const std::string& method, const std::string& target, const std::string& body,
                                       const http1::Headers& extra, std::uint64_t seq) const {
    const bool absolute = route_.plain() && route_.proxy;
    http1::RequestHead req{method, absolute ? "http://" + route_.relay.host_port() + target : target,
                           {{"Host", relay_host_header(route_)}, {"User-Agent", user_agent()}}};
    if (cred_.key) {
        e2e::RequestAuth a{cred_.token, seq, e2e::request_mac(*cred_.key, method, target, cred_.token, seq, body)};
        req.headers.emplace_back("X-Tether-Auth", e2e::format_request_auth(a));
    } else if (!cred_.token.empty()) {
        req.headers.emplace_back("Authorization", "Bearer " + cred_.token);
    }
    if (method == "POST" || method == "PUT" || !body.empty())
        req.headers.emplace_back("Content-Length", std::to_string(body.size()));
    for (auto& h : extra) req.headers.push_back(h);
    return req;
}

// Only successes are checked (as on Linux): the relay cannot sign
// refusals that come before it knows the key, and a forged refusal only
// stops this request, which anyone on the path can do anyway.
void HttpClient::check_signed(const Response& r, const std::string& target, std::uint64_t seq) const {
    if (!cred_.key || r.status() < 200 || r.status() >= 300) return;
    auto mac = e2e::parse_response_auth(r.head.header("X-Tether-Auth"));
    if (!mac || !e2e::mac_equal(*mac, e2e::response_mac(*cred_.key, seq, r.status(), r.body)))
        throw session::CarrierError(session::unsigned_answer_text(r.status(), target), false);
}

Response HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                             std::chrono::milliseconds timeout, const http1::Headers& extra) {
    const std::string target = route_.relay.path + path;
    bool reused;
    {
        std::lock_guard<std::mutex> lk(mu_);
        reused = conn_ != nullptr;
    }
    // Each attempt its own sequence number: the relay accepts each once.
    auto attempt = [&] {
        const std::uint64_t seq = cred_.key ? e2e::next_request_seq() : 0;
        Response r = once(head_of(method, target, body, extra, seq), body, timeout);
        check_signed(r, target, seq);
        return r;
    };
    try {
        return attempt();
    } catch (const session::CarrierError& e) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            conn_.reset();
            if (aborted_ || !reused || e.fatal) throw;
        }
        // A kept-alive connection the proxy or relay had closed meanwhile:
        // once more on a new one. (A repeated poll POST is harmless: the
        // session stream trims duplicates.)
        return attempt();
    }
}

// A plain request through the proxy answers its 407s (the relay never saw
// a refused try, so each try keeps the request's sequence number); over
// HTTPS the proxy saw only our CONNECT, which answered them already.
Response HttpClient::once(const http1::RequestHead& req, const std::string& body, std::chrono::milliseconds timeout) {
    const bool login = route_.plain() && route_.proxy;
    Response r = exchange(req, body, login && login_ ? login_->again(req.method, req.target) : "", timeout);
    if (!login || r.status() != 407) return r;
    auto auth = std::make_unique<ProxyAuth>(cfg_, route_.proxy->host, req.target, req.method);
    answer_407s(*auth, cfg_, route_, r.head, [&](const std::string& authorization) {
        r = exchange(req, body, authorization, timeout);
        return r.head;
    });
    login_ = std::move(auth);
    return r;
}

// One request and its whole answer on the kept-alive connection (a new
// one if there is none), with `authorization` as Proxy-Authorization;
// `timeout` counts once the connection is up.
Response HttpClient::exchange(const http1::RequestHead& req, const std::string& body, const std::string& authorization,
                              std::chrono::milliseconds timeout) {
    http1::RequestHead sent = req;
    if (!authorization.empty()) sent.headers.emplace_back("Proxy-Authorization", authorization);
    auto conn = connection();
    const auto deadline = Connection::Clock::now() + timeout;
    conn->write(http1::write_request_head(sent) + body);
    Response r;
    conn->read_head(buf_, r.head, deadline);
    http1::BodyFraming f;
    try {
        f = http1::body_framing(r.head, req.method);
    } catch (const http1::ParseError& e) {
        throw session::CarrierError("the relay sent a malformed answer (" + std::string(e.what()) + ")");
    }
    r.body = conn->read_body(buf_, f, deadline, kMaxAnswerBody);
    bool close = f.kind == http1::BodyFraming::until_close ||
                 r.head.header("Connection").find("close") != std::string::npos ||
                 r.head.header("Proxy-Connection").find("close") != std::string::npos;
    if (close) {
        std::lock_guard<std::mutex> lk(mu_);
        conn_.reset();
    }
    return r;
}

}  // namespace winnet
