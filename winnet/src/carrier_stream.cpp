// StreamCarrier (see carrier_stream.h).
#include "carrier_stream.h"

#include <exception>

#include "e2e/request_auth.h"
#include "winnet/carriers.h"

namespace winnet {
namespace {

// An error answer's JSON is short; more is not worth reading.
constexpr std::size_t kErrorBodyMax = 4096;

// The answer to the carrier's own heartbeat (see kOwnPingBit).
bool is_own_pong(const wire::Frame& f) {
    return f.type == wire::FrameType::pong && f.payload.size() == 8 &&
           (wire::payload_u64(f) & StreamCarrier::kOwnPingBit);
}

std::uint64_t ping_stamp() {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now().time_since_epoch()).count();
    return static_cast<std::uint64_t>(us) | StreamCarrier::kOwnPingBit;
}

}  // namespace

StreamCarrier::StreamCarrier(const Config& cfg, const std::string& token, bool probe)
    : cfg_(cfg), route_(route_of(cfg_)), token_(token), query_(probe ? "?probe=1" : "") {
    // A keyed side (plain HTTP) has no bearer token to send, and the relay
    // offers it no streams: its token must never go out with its key.
    if (route_.plain() || e2e::parse_side_credential(token_).key)
        throw session::CarrierError("stream mode is not offered over plain HTTP: use --transport auto or poll", true);
}

StreamCarrier::~StreamCarrier() {
    close();
    if (down_thread_.joinable()) down_thread_.join();
    if (up_thread_.joinable()) up_thread_.join();
}

http1::Headers StreamCarrier::common_headers() const {
    return {{"Host", relay_host_header(route_)}, {"User-Agent", user_agent()},
            {"Authorization", "Bearer " + token_}};
}

std::chrono::milliseconds StreamCarrier::tick() const {
    // Ticks check heartbeats and liveness: a quarter interval keeps both
    // within 25% of their target; 20 ms floor for tiny test heartbeats.
    return std::max(std::chrono::milliseconds(20), cfg_.heartbeat / 4);
}

// The downlink is up once the relay answered 200; an error answer's JSON
// goes into the message.
void StreamCarrier::open_down() {
    auto c = std::make_unique<Connection>(cfg_, route_);
    {
        std::lock_guard<std::mutex> lk(mu_);
        down_ = std::move(c);
        if (closed_) throw session::CarrierError("the carrier is closed");
    }
    http1::RequestHead req{"GET", route_.relay.path + "/v1/stream/down" + query_, common_headers()};
    req.headers.emplace_back("Accept", "application/octet-stream");
    down_->write(http1::write_request_head(req));
    http1::ResponseHead head;
    auto deadline = Clock::now() + cfg_.connect_timeout;
    down_->read_head(down_buf_, head, deadline);
    if (head.status != 200) {
        std::string body;
        try {
            body = down_->read_body(down_buf_, http1::body_framing(head, "GET"), deadline, kErrorBodyMax);
        } catch (const std::exception&) {
        }
        throw relay_status(head.status, body);
    }
    if (http1::body_framing(head, "GET").kind != http1::BodyFraming::chunked)
        throw session::CarrierError("the relay's downlink is not chunked (is something on the path rewriting it?)");
}

// The uplink's head goes out now; the relay answers only when it ends.
void StreamCarrier::open_up() {
    auto c = std::make_unique<Connection>(cfg_, route_);
    {
        std::lock_guard<std::mutex> lk(mu_);
        up_ = std::move(c);
        if (closed_) throw session::CarrierError("the carrier is closed");
    }
    http1::RequestHead req{"POST", route_.relay.path + "/v1/stream/up" + query_, common_headers()};
    req.headers.emplace_back("Content-Type", "application/octet-stream");
    req.headers.emplace_back("Transfer-Encoding", "chunked");
    up_->write(http1::write_request_head(req));
}

void StreamCarrier::start() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (closed_) throw session::CarrierError("the carrier is closed");
    }
    // Both at once, as Linux's carrier opens them (one curl multi loop): one
    // connection time (TCP, CONNECT, TLS, the downlink's answer) instead of
    // two. The join is bounded by the connect budget (cfg_.connect_timeout).
    std::exception_ptr up_failed, down_failed;
    std::thread up([&] {
        try {
            open_up();
        } catch (...) {
            up_failed = std::current_exception();
        }
    });
    try {
        open_down();
    } catch (...) {
        down_failed = std::current_exception();
    }
    up.join();
    if (down_failed) std::rethrow_exception(down_failed);  // the relay's answer says more than the uplink's
    if (up_failed) std::rethrow_exception(up_failed);
    last_rx_ = last_tx_ = Clock::now();
    down_thread_ = std::thread([this] { run_down(); });
    up_thread_ = std::thread([this] { run_up(); });
}

void StreamCarrier::send(std::string frames) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return closed_ || error_ || out_.size() < kOutCap; });
    if (error_) throw *error_;
    if (closed_) throw session::CarrierError("the carrier is closed");
    const std::size_t n = frames.size();
    out_.push(std::move(frames), 0, n);
    lk.unlock();
    cv_.notify_all();
}

bool StreamCarrier::receive(wire::Frame& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return !in_.empty() || error_ || closed_; });
    if (!in_.empty()) {
        out = std::move(in_.front());
        in_.pop_front();
        in_bytes_ -= out.payload.size() + wire::kHeaderSize;
        lk.unlock();
        cv_.notify_all();  // the downlink may read again
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
        cv_.wait_for(lk, bound, [&] { return closed_ || error_ || !up_thread_.joinable() || (out_.empty() && !writing_); });
        closed_ = true;
    }
    cv_.notify_all();
    std::lock_guard<std::mutex> lk(mu_);  // against open_down/open_up on another thread
    if (down_) down_->abort();
    if (up_) up_->abort();
}

std::string StreamCarrier::describe() const {
    if (!route_.proxy) return "stream mode, direct to " + route_.relay_name();
    return "stream mode through proxy " + route_.proxy_name();
}

void StreamCarrier::fail(const session::CarrierError& e) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_ && !closed_) error_ = e;
    }
    cv_.notify_all();
    if (down_) down_->abort();
    if (up_) up_->abort();
}

// --- downlink thread ---------------------------------------------------------

void StreamCarrier::run_down() {
    wire::FrameParser parser;
    http1::ChunkedDecoder chunked;
    try {
        for (;;) {
            {
                std::unique_lock<std::mutex> lk(mu_);
                if (closed_ || error_) return;
                if (in_bytes_ >= kInCap) {  // the reader lags: stop reading, TCP pushes back
                    cv_.wait(lk, [&] { return closed_ || error_ || in_bytes_ < kInCap / 2; });
                    last_rx_ = Clock::now();  // the pause was ours, not the network's
                    continue;
                }
            }
            down_step(parser, chunked);
        }
    } catch (const session::CarrierError& e) {
        fail(e);
    } catch (const std::exception& e) {
        fail(session::CarrierError(std::string("the downlink failed: ") + e.what()));
    }
}

// Decodes what is buffered, then reads once (bounded by a tick).
void StreamCarrier::down_step(wire::FrameParser& parser, http1::ChunkedDecoder& chunked) {
    if (!down_buf_.empty()) {
        std::string bytes;
        try {
            down_buf_.erase(0, chunked.feed(down_buf_.data(), down_buf_.size(), bytes));
        } catch (const http1::ParseError& e) {
            throw session::CarrierError(std::string("the relay's downlink is malformed (") + e.what() + ")");
        }
        take_frames(parser, bytes);
        if (chunked.finished()) throw session::CarrierError("the relay ended the downlink");
    }
    auto r = down_->read_some(down_buf_, tick());
    if (r == Socket::Read::closed) {
        std::string bytes;
        chunked.feed(down_buf_.data(), down_buf_.size(), bytes);
        take_frames(parser, bytes);
        throw session::CarrierError("the relay " + route_.relay_name() + " closed the downlink");
    }
    std::lock_guard<std::mutex> lk(mu_);
    if (r == Socket::Read::data) {
        last_rx_ = Clock::now();
    } else if (Clock::now() - last_rx_ > 3 * cfg_.heartbeat) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(3 * cfg_.heartbeat).count();
        throw session::CarrierError("nothing arrived from the relay for " + std::to_string(ms) +
                                    " ms (3 heartbeats): the connection is dead, reconnecting");
    }
}

// Parses and queues whole frames; a malformed one costs the carrier.
void StreamCarrier::take_frames(wire::FrameParser& parser, const std::string& bytes) {
    if (bytes.empty()) return;
    std::vector<wire::Frame> frames;
    try {
        parser.feed(bytes.data(), bytes.size());
        wire::Frame f;
        while (parser.next(f))
            if (!is_own_pong(f)) frames.push_back(std::move(f));
    } catch (const wire::ProtocolError& e) {
        throw session::CarrierError(std::string("the relay sent a malformed frame (") + e.what() + ")");
    }
    if (frames.empty()) return;
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (auto& f : frames) {
            in_bytes_ += f.payload.size() + wire::kHeaderSize;
            in_.push_back(std::move(f));
        }
    }
    cv_.notify_all();
}

// --- uplink thread -----------------------------------------------------------

void StreamCarrier::run_up() {
    try {
        for (;;) {
            std::string batch = next_batch();
            if (batch.empty()) {
                std::lock_guard<std::mutex> lk(mu_);
                if (closed_ || error_) return;
            } else {
                std::string chunk;
                http1::append_chunk(chunk, batch);
                up_->write(chunk);
                {
                    std::lock_guard<std::mutex> lk(mu_);
                    writing_ = false;
                }
                cv_.notify_all();  // "flushed" for close()
            }
            check_up_answer();
        }
    } catch (const session::CarrierError& e) {
        fail(e);
    } catch (const std::exception& e) {
        fail(session::CarrierError(std::string("the uplink failed: ") + e.what()));
    }
}

// Waits up to a tick for frames; adds a heartbeat ping to an idle uplink.
std::string StreamCarrier::next_batch() {
    std::string batch;
    {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait_for(lk, tick(), [&] { return !out_.empty() || closed_ || error_; });
        if (error_ || (closed_ && out_.empty())) return batch;
        if (out_.empty() && Clock::now() - last_tx_ >= cfg_.heartbeat) {
            std::string ping;
            wire::append_u64_frame(ping, wire::FrameType::ping, ping_stamp());
            out_.push(std::move(ping), 0, wire::kHeaderSize + 8);
        }
        if (out_.empty()) return batch;
        batch.resize(std::min(out_.size(), kUpChunk));
        out_.read(&batch[0], batch.size());
        last_tx_ = Clock::now();
        writing_ = true;
    }
    cv_.notify_all();  // room for send()
    return batch;
}

// The relay answers the uplink only when it ends it (409 replaced, 401...,
// or 200 after our last chunk): any answer ends this carrier.
void StreamCarrier::check_up_answer() {
    auto r = up_->read_some(up_buf_, std::chrono::milliseconds(0));
    if (r == Socket::Read::timeout) return;
    http1::ResponseHead head;
    if (http1::parse_response_head(up_buf_, head) == 0) {
        if (r == Socket::Read::closed)
            throw session::CarrierError("the relay " + route_.relay_name() + " closed the uplink");
        return;  // the rest of the head comes with the next check
    }
    std::string body;
    try {
        std::string buf = up_buf_;
        up_->read_head(buf, head, Clock::now());
        body = up_->read_body(buf, http1::body_framing(head, "POST"), Clock::now() + tick(), kErrorBodyMax);
    } catch (const std::exception&) {
    }
    if (head.status != 200 && head.status != 204) throw relay_status(head.status, body);
    throw session::CarrierError("the relay ended the uplink");
}

std::unique_ptr<session::Carrier> connect_stream_carrier(const Config& cfg, const std::string& token) {
    auto c = std::make_unique<StreamCarrier>(cfg, token);
    c->start();
    return c;
}

std::unique_ptr<session::Carrier> connect_stream_probe(const Config& cfg, const std::string& token) {
    auto c = std::make_unique<StreamCarrier>(cfg, token, true);
    c->start();
    return c;
}

namespace {

Config within(const Config& cfg, std::chrono::milliseconds budget) {
    Config c = cfg;
    if (budget > std::chrono::milliseconds(0)) c.connect_timeout = std::min(c.connect_timeout, budget);
    return c;
}

}  // namespace

session::CarrierMaker carrier_maker(const Config& cfg, const std::string& token) {
    session::CarrierMaker m;
    m.stream = [cfg, token](std::chrono::milliseconds budget) { return connect_stream_carrier(within(cfg, budget), token); };
    m.poll = [cfg, token] { return connect_poll_carrier(cfg, token); };
    m.probe = [cfg, token](std::chrono::milliseconds budget) -> std::shared_ptr<session::ProbeCarrier> {
        return std::make_shared<StreamCarrier>(within(cfg, budget), token, true);
    };
    // The same key as Linux's (tunnel/src/transport.cpp): one memory file serves both.
    m.path_key = (cfg.proxy_url.empty() ? std::string("DIRECT") : cfg.proxy_url) + "|" + cfg.relay_url;
    // Plain HTTP: poll mode only (a stream uplink's body would come after
    // the MAC was checked; docs/SECURITY.md "Plain HTTP").
    m.poll_only = route_of(cfg).plain();
    return m;
}

session::CarrierFactory transport_factory(Config cfg, std::string token, session::TransportPolicy policy,
                                          session::TransportLog log) {
    return session::transport_factory(carrier_maker(cfg, token), std::move(policy), std::move(log));
}

session::CarrierFactory stream_carrier_factory(Config cfg, std::string token) {
    return [cfg = std::move(cfg), token = std::move(token)] { return connect_stream_carrier(cfg, token); };
}

}  // namespace winnet
