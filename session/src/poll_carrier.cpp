// The poll-mode carrier's protocol half (see session/poll_carrier.h).
#include "session/poll_carrier.h"

#include <algorithm>

namespace session {
namespace {

// Bytes of whole encoded frames in `frames` from `from` that fit in `max`
// (at least one frame, however long; SessionStream's batches are ~256 KiB).
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

PollCarrier::PollCarrier(std::chrono::milliseconds heartbeat) : heartbeat_(heartbeat) {}

PollCarrier::~PollCarrier() { stop(); }

void PollCarrier::stop() {
    close();
    for (auto& t : pollers_)
        if (t.joinable()) t.join();
}

long PollCarrier::wait_seconds() const {
    return std::max<long>(1, static_cast<long>((heartbeat_.count() + 999) / 1000));
}

void PollCarrier::start() {
    Answer first = poll_once(0, 0);
    {
        std::lock_guard<std::mutex> lk(mu_);
        next_seq_ = first.seq;
        poller_seq_ = {first.seq, first.seq};
        last_rx_ = Clock::now();
    }
    deliver(0, std::move(first));
    for (int i = 0; i < 2; ++i) pollers_[i] = std::thread([this, i] { run_poller(i); });
}

void PollCarrier::send(std::string frames) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (error_) throw *error_;
        if (closed_) throw CarrierError("the carrier is closed");
    }
    try {
        for (std::size_t from = 0; from < frames.size();) {
            std::size_t len = whole_frames_within(frames, from, kMaxBody);
            post_once(from == 0 && len == frames.size() ? frames : frames.substr(from, len));
            from += len;
        }
    } catch (const CarrierError& e) {
        fail(e);
        throw;
    }
}

bool PollCarrier::receive(wire::Frame& out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    auto silent_limit = std::chrono::seconds(wait_seconds()) + 3 * heartbeat_;
    cv_.wait_for(lk, timeout, [&] { return !in_.empty() || closed_ || error_; });
    if (!in_.empty()) {
        out = std::move(in_.front());
        in_.pop_front();
        return true;
    }
    if (error_) throw *error_;
    if (closed_) throw CarrierError("the carrier is closed");
    if (Clock::now() - last_rx_ > silent_limit)
        throw CarrierError("nothing came back from the relay in poll mode for " +
                           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent_limit).count()) +
                           " s: the connection is dead");
    return false;
}

void PollCarrier::close() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        closed_ = true;
        stopping_ = true;
    }
    cv_.notify_all();
    abort_requests();
}

void PollCarrier::fail(const CarrierError& e) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_ && !closed_) error_ = e;
        stopping_ = true;
    }
    cv_.notify_all();
    abort_requests();
}

void PollCarrier::run_poller(int index) {
    try {
        for (;;) {
            {
                std::lock_guard<std::mutex> lk(mu_);
                if (closed_ || error_) return;
            }
            deliver(index, poll_once(index, wait_seconds()));
        }
    } catch (const CarrierError& e) {
        fail(e);
    } catch (const std::exception& e) {
        fail(CarrierError(std::string("poll mode failed: ") + e.what()));
    }
}

// Applies answers in X-Tether-Seq order. A seq that neither poller got (an
// answer to a poll of a carrier we replaced) is skipped once both pollers are
// past it: the session stream asks for anything lost in it again.
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
        if (parser.buffered() != 0) throw CarrierError("the relay sent a truncated frame in a poll answer");
        next_seq_ = it->first + 1;
        pending_.erase(it);
    }
}

}  // namespace session
