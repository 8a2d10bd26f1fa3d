// PollCarrier (see carrier_poll.h).
#include "carrier_poll.h"

#include <algorithm>

#include "winnet/carriers.h"

namespace winnet {
namespace {

// Whole-request bound beyond the long-poll wait: a proxy that holds an
// answer longer than this is treated as a broken path (as on Linux).
constexpr std::chrono::milliseconds kSlack{10000};

// Bytes of whole encoded frames in `frames` from `from` that fit in `max`
// (at least one frame, however long).
std::size_t whole_frames_within(const std::string& frames, std::size_t from, std::size_t max) {
    std::size_t end = from;
    while (end + wire::kHeaderSize <= frames.size()) {
        std::size_t len = wire::encoded_size(frames.data() + end);
        if (end > from && end - from + len > max) break;
        end = std::min(frames.size(), end + len);
    }
    return end > from ? end - from : frames.size() - from;
}

}  // namespace

PollCarrier::PollCarrier(const Config& cfg, const std::string& token)
    : cfg_(cfg), route_(route_of(cfg_)), token_(token) {
    up_ = std::make_unique<HttpClient>(cfg_, route_, token_);
    for (auto& p : polls_) p = std::make_unique<HttpClient>(cfg_, route_, token_);
}

PollCarrier::~PollCarrier() {
    close();
    for (auto& t : pollers_)
        if (t.joinable()) t.join();
}

// Long polls are answered at least this often: the heartbeat, rounded up
// to seconds, so that a silent path is found as fast as in stream mode.
long PollCarrier::wait_seconds() const {
    return std::max<long>(1, static_cast<long>((cfg_.heartbeat.count() + 999) / 1000));
}

void PollCarrier::start() {
    // The first poll asks for an immediate answer: it proves the path (proxy,
    // TLS, token) before we report success, and gives the first X-Tether-Seq.
    Answer first = poll_once(*polls_[0], 0);
    {
        std::lock_guard<std::mutex> lk(mu_);
        next_seq_ = first.seq;
        poller_seq_ = {first.seq, first.seq};
        last_rx_ = Clock::now();
    }
    deliver(0, std::move(first));
    for (int i = 0; i < 2; ++i) pollers_[i] = std::thread([this, i] { run_poller(i); });
}

PollCarrier::Answer PollCarrier::poll_once(HttpClient& client, long wait_s) {
    auto timeout = std::chrono::seconds(wait_s) + kSlack;
    Response r = client.request("GET", "/v1/poll/down?wait=" + std::to_string(wait_s), "", timeout);
    if (r.status() != 200) throw relay_status(r.status(), r.body);
    std::string seq = r.head.header("X-Tether-Seq");
    if (seq.empty() || seq.find_first_not_of("0123456789") != std::string::npos || seq.size() > 19)
        throw session::CarrierError("the relay's poll answer had no X-Tether-Seq header "
                                    "(is something between us rewriting answers?)");
    return {std::stoull(seq), std::move(r.body)};
}

void PollCarrier::post_once(const std::string& body) {
    Response r = up_->request("POST", "/v1/poll/up", body, cfg_.connect_timeout + kSlack,
                              {{"Content-Type", "application/octet-stream"}});
    if (r.status() != 200 && r.status() != 204) throw relay_status(r.status(), r.body);
}

void PollCarrier::send(std::string frames) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (error_) throw *error_;
        if (closed_) throw session::CarrierError("the carrier is closed");
    }
    try {
        for (std::size_t from = 0; from < frames.size();) {
            std::size_t len = whole_frames_within(frames, from, kMaxBody);
            post_once(from == 0 && len == frames.size() ? frames : frames.substr(from, len));
            from += len;
        }
    } catch (const session::CarrierError& e) {
        fail(e);
        throw;
    }
}

bool PollCarrier::receive(wire::Frame& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    auto silent_limit = std::chrono::seconds(wait_seconds()) + 3 * cfg_.heartbeat;
    cv_.wait_for(lk, timeout, [&] { return !in_.empty() || closed_ || error_; });
    if (!in_.empty()) {
        out = std::move(in_.front());
        in_.pop_front();
        return true;
    }
    if (error_) throw *error_;
    if (closed_) throw session::CarrierError("the carrier is closed");
    if (Clock::now() - last_rx_ > silent_limit)
        throw session::CarrierError(
            "nothing came back from the relay in poll mode for " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent_limit).count()) +
            " s: the connection is dead");
    return false;
}

void PollCarrier::close() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        closed_ = true;
    }
    cv_.notify_all();
    up_->abort();
    for (auto& p : polls_) p->abort();
}

void PollCarrier::fail(const session::CarrierError& e) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_ && !closed_) error_ = e;
    }
    cv_.notify_all();
    for (auto& p : polls_) p->abort();
}

std::string PollCarrier::describe() const {
    return "poll mode " + (route_.proxy ? "through proxy " + route_.proxy_name() : std::string("directly")) +
           (route_.plain() ? " (plain HTTP)" : "");
}

void PollCarrier::run_poller(int index) {
    try {
        for (;;) {
            {
                std::lock_guard<std::mutex> lk(mu_);
                if (closed_ || error_) return;
            }
            deliver(index, poll_once(*polls_[index], wait_seconds()));
        }
    } catch (const session::CarrierError& e) {
        fail(e);
    } catch (const std::exception& e) {
        fail(session::CarrierError(std::string("poll mode failed: ") + e.what()));
    }
}

// Applies answers in X-Tether-Seq order (see Linux's carrier_poll.cpp).
void PollCarrier::deliver(int poller, Answer a) {
    std::lock_guard<std::mutex> lk(mu_);
    last_rx_ = Clock::now();
    poller_seq_[poller] = a.seq;
    if (a.seq >= next_seq_) pending_[a.seq] = std::move(a.body);
    drain_in_order();
    cv_.notify_all();
}

void PollCarrier::drain_in_order() {
    for (;;) {
        auto it = pending_.find(next_seq_);
        if (it == pending_.end()) {
            bool both_past = std::min(poller_seq_[0], poller_seq_[1]) > next_seq_;
            if (!both_past || pending_.empty()) return;
            it = pending_.begin();  // the missing answer went to a carrier we replaced
        }
        wire::FrameParser parser;
        parser.feed(it->second.data(), it->second.size());
        wire::Frame f;
        while (parser.next(f)) in_.push_back(std::move(f));
        if (parser.buffered() != 0)
            throw session::CarrierError("the relay sent a truncated frame in a poll answer");
        next_seq_ = it->first + 1;
        pending_.erase(it);
    }
}

std::unique_ptr<session::Carrier> connect_poll_carrier(const Config& cfg, const std::string& token) {
    auto c = std::make_unique<PollCarrier>(cfg, token);
    c->start();
    return c;
}

session::CarrierFactory poll_carrier_factory(Config cfg, std::string token) {
    return [cfg = std::move(cfg), token = std::move(token)] { return connect_poll_carrier(cfg, token); };
}

}  // namespace winnet
