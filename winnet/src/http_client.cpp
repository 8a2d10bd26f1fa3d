// HttpClient (see http_client.h).
#include "http_client.h"

namespace winnet {

HttpClient::HttpClient(const Config& cfg, const Route& route, std::string token)
    : cfg_(cfg), route_(route), token_(std::move(token)) {}

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

Response HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                             std::chrono::milliseconds timeout, const http1::Headers& extra) {
    http1::RequestHead req{method, route_.relay.path + path,
                           {{"Host", relay_host_header(route_)}, {"User-Agent", user_agent()}}};
    if (!token_.empty()) req.headers.emplace_back("Authorization", "Bearer " + token_);
    if (method == "POST" || method == "PUT" || !body.empty())
        req.headers.emplace_back("Content-Length", std::to_string(body.size()));
    for (auto& h : extra) req.headers.push_back(h);
    std::string head = http1::write_request_head(req);
    bool reused;
    {
        std::lock_guard<std::mutex> lk(mu_);
        reused = conn_ != nullptr;
    }
    try {
        return once(head, body, method, timeout);
    } catch (const session::CarrierError&) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            conn_.reset();
            if (aborted_ || !reused) throw;
        }
        // A kept-alive connection the proxy or relay had closed meanwhile:
        // once more on a new one. (A repeated poll POST is harmless: the
        // session stream trims duplicates.)
        return once(head, body, method, timeout);
    }
}

Response HttpClient::once(const std::string& head, const std::string& body, const std::string& method,
                          std::chrono::milliseconds timeout) {
    auto conn = connection();
    auto deadline = Connection::Clock::now() + timeout;
    conn->write(head + body);
    Response r;
    conn->read_head(buf_, r.head, deadline);
    http1::BodyFraming f;
    try {
        f = http1::body_framing(r.head, method);
    } catch (const http1::ParseError& e) {
        throw session::CarrierError("the relay sent a malformed answer (" + std::string(e.what()) + ")");
    }
    r.body = conn->read_body(buf_, f, deadline, kMaxAnswerBody);
    bool close = f.kind == http1::BodyFraming::until_close ||
                 r.head.header("Connection").find("close") != std::string::npos;
    if (close) {
        std::lock_guard<std::mutex> lk(mu_);
        conn_.reset();
    }
    return r;
}

}  // namespace winnet
