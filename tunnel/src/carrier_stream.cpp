// StreamCarrier: lifecycle and the caller-facing side (send/receive/close).
#include "carrier_stream_impl.h"

#include "tunnel/carrier_stream.h"

namespace tunnel {

StreamCarrier::StreamCarrier(const EndpointConfig& cfg, const std::string& token, StreamUse use)
    : cfg_(cfg),
      down_(cfg, use == StreamUse::probe ? "/v1/stream/down?probe=1" : "/v1/stream/down", token),
      up_(cfg, use == StreamUse::probe ? "/v1/stream/up?probe=1" : "/v1/stream/up", token),
      down_loop_(down_.get()),
      up_loop_(up_.get()) {
    setup_down();
    setup_up();
    last_rx_ = last_tx_ = Clock::now();
    down_thread_ = std::thread([this] { run_down(); });
    up_thread_ = std::thread([this] { run_up(); });
}

StreamCarrier::~StreamCarrier() {
    close();
    down_thread_.join();
    up_thread_.join();
}

void StreamCarrier::wait_ready() {
    // Connect, CONNECT and TLS are each bounded by connect_timeout; allow for
    // the HTTP answer on top.
    auto deadline = Clock::now() + 2 * cfg_.connect_timeout;
    std::unique_lock<std::mutex> lk(mu_);
    bool done = cv_.wait_until(lk, deadline, [&] { return (down_ready_ && up_ready_) || error_; });
    if (error_) throw *error_;
    if (!done)
        throw session::CarrierError("the relay " + relay_host_port(cfg_) + " did not answer in time");
}

void StreamCarrier::send(std::string frames) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return closed_ || error_ || out_.size() < kOutCap; });
    if (error_) throw *error_;
    if (closed_) throw session::CarrierError("the carrier is closed");
    const std::size_t n = frames.size();
    out_.push(std::move(frames), 0, n);
    bool wake = up_paused_;
    lk.unlock();
    if (wake) up_loop_.wakeup();
}

bool StreamCarrier::receive(wire::Frame& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return !in_.empty() || error_ || closed_; });
    if (!in_.empty()) {
        out = std::move(in_.front());
        in_.pop_front();
        in_bytes_ -= out.payload.size() + wire::kHeaderSize;
        bool wake = down_paused_ && in_bytes_ < kInCap / 2;
        lk.unlock();
        if (wake) down_loop_.wakeup();
        return true;
    }
    if (error_) throw *error_;
    if (closed_) throw session::CarrierError("the carrier is closed");
    return false;
}

// A healthy carrier first hands what is queued to the network (the last
// ack of a finished session often is), bounded; a broken one stops at once.
void StreamCarrier::close() {
    {
        std::unique_lock<std::mutex> lk(mu_);
        auto bound = std::min<std::chrono::milliseconds>(cfg_.heartbeat, kFlushMax);
        // Paused with nothing queued: curl asked for more, so it sent the rest.
        cv_.wait_for(lk, bound, [&] {
            return closed_ || error_ || !up_ready_ || (out_.empty() && up_paused_);
        });
        closed_ = true;
    }
    cv_.notify_all();
    down_loop_.stop();
    up_loop_.stop();
}

std::string StreamCarrier::describe() const {
    if (cfg_.proxy_url.empty()) return "stream mode, direct to " + relay_host_port(cfg_);
    return "stream mode through proxy " + proxy_host_port(cfg_);
}

void StreamCarrier::fail(const session::CarrierError& e) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_ && !closed_) error_ = e;
    }
    cv_.notify_all();
    down_loop_.stop();
    up_loop_.stop();
}

// A direction ended: say why, unless we closed it ourselves.
void StreamCarrier::finish(const http::Easy& e, CURLcode rc, long status,
                           const std::string& body, const char* direction) {
    if (rc == CURLE_ABORTED_BY_CALLBACK) return;  // stop(): close() or fail() already spoke
    if (rc != CURLE_OK) return fail(http::describe_failure(e, rc, cfg_));
    if (status != 200 && status != 204) return fail(http::describe_status(status, body));
    fail(session::CarrierError(std::string("the relay ended the ") + direction));
}

std::chrono::milliseconds StreamCarrier::tick_period() const {
    // Ticks check heartbeats and liveness: a quarter interval keeps both
    // within 25% of their target; 20 ms floor for tiny test heartbeats.
    return std::max(std::chrono::milliseconds(20), cfg_.heartbeat / 4);
}

std::unique_ptr<session::Carrier> connect_stream_carrier(const EndpointConfig& cfg,
                                                const std::string& token) {
    auto c = std::make_unique<StreamCarrier>(cfg, token, StreamUse::session);
    c->wait_ready();  // on throw, the destructor stops and joins both threads
    return c;
}

session::CarrierFactory stream_carrier_factory(EndpointConfig cfg, std::string token) {
    return [cfg = std::move(cfg), token = std::move(token)] {
        return connect_stream_carrier(cfg, token);
    };
}

}  // namespace tunnel
