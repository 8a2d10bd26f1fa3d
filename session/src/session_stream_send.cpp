// SessionStream's send thread: batches control frames, acks, data from
// send_pos_, fin and heartbeats, and hands them to the current carrier.
#include "session/session_stream.h"

#include <algorithm>

namespace session {
namespace {

using wire::FrameType;

// Bytes per carrier->send() call: big enough to amortise the call, small
// enough that an ack or resend waits at most one batch behind data.
constexpr std::size_t kBatchBytes = 256 * 1024;

std::uint64_t ping_stamp(std::chrono::steady_clock::time_point t) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    return static_cast<std::uint64_t>(std::max<long long>(us, 1));  // 0 is the relay's own ping
}

}  // namespace

void SessionStream::send_loop() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stopping()) {
        if (!carrier_ || broken_) {
            send_cv_.wait(lk, [&] { return stopping() || (carrier_ && !broken_); });
            continue;
        }
        if (!has_work(Clock::now())) {
            send_cv_.wait_until(lk, std::min(next_tick_, ack_deadline_),
                                [&] { return stopping() || broken_ || has_work(Clock::now()); });
            continue;
        }
        std::string batch = build_batch(Clock::now());
        if (batch.empty()) continue;  // a tick with data already flowing
        std::shared_ptr<Carrier> c = carrier_;
        std::uint64_t gen = gen_;
        lk.unlock();
        try {
            c->send(std::move(batch));  // may block on the carrier's buffer: never under mu_
            lk.lock();
        } catch (const CarrierError& e) {
            lk.lock();
            mark_broken(gen, e.what(), e.fatal, e.planned);
        } catch (const std::exception& e) {  // a carrier bug must not end the process
            lk.lock();
            mark_broken(gen, e.what(), false);
        }
    }
}

bool SessionStream::has_work(Clock::time_point now) const {
    return !control_.empty() || send_pos_ < sendbuf_.end() ||
           (fin_set_ && !fin_sent_) || ack_due(false) || now >= next_tick_;
}

// Acks go out when the application consumed a quarter window since the last
// one (so the sender never stalls on a full window), when the peer asked
// (hello), when our reader reached the peer's fin (so its drain() returns),
// and on every heartbeat tick if the value changed.
bool SessionStream::ack_due(bool tick) const {
    if (ack_due_) return true;
    if (consumed_ == ack_sent_) return false;
    return tick || consumed_ - ack_sent_ >= std::max<std::size_t>(opts_.window / 4, 1) ||
           finished_reading() || Clock::now() >= ack_deadline_;
}

std::string SessionStream::build_batch(Clock::time_point now) {
    std::string out;
    out.swap(control_);
    bool tick = now >= next_tick_;
    append_ack(out, tick);
    append_data(out);
    if (tick) append_tick(out, now);
    return out;
}

void SessionStream::append_ack(std::string& out, bool tick) {
    if (!ack_due(tick)) return;
    wire::append_u64_frame(out, FrameType::ack, consumed_);
    ack_sent_ = consumed_;
    ack_due_ = false;
    ack_deadline_ = Clock::time_point::max();
}

// Data frames of at most 64 KiB from send_pos_, then fin once every byte
// before it went out on this carrier (again after every rewind).
void SessionStream::append_data(std::string& out) {
    const std::uint64_t end = sendbuf_.end();
    while (send_pos_ < end && out.size() < kBatchBytes) {
        auto [bytes, contiguous] = sendbuf_.span(send_pos_);
        std::size_t n = std::min(wire::kMaxDataChunk, contiguous);
        wire::append_data(out, send_pos_, bytes, n);
        send_pos_ += n;
        sent_since_tick_ = true;
    }
    sent_max_ = std::max(sent_max_, send_pos_);
    if (fin_set_ && !fin_sent_ && send_pos_ == end) {
        wire::append_u64_frame(out, FrameType::fin, end);
        fin_sent_ = true;
    }
}

// Once per heartbeat: repeat a resend whose answer may have been lost, and
// ping if no data went out (keeps proxies from timing out the uplink, and
// measures the RTT).
void SessionStream::append_tick(std::string& out, Clock::time_point now) {
    if (gap_open_) {
        gap_open_ = false;
        queue_resend(now);
        out += control_;
        control_.clear();
    }
    if (!sent_since_tick_) wire::append_u64_frame(out, FrameType::ping, ping_stamp(now));
    sent_since_tick_ = false;
    next_tick_ = now + opts_.heartbeat;
}

// After every (re)connect: who we are, what we hold, what we consumed.
void SessionStream::queue_recovery_frames() {
    wire::append_hello(control_, epoch_);
    wire::append_u64_frame(control_, FrameType::resend, received_);
    wire::append_u64_frame(control_, FrameType::ack, consumed_);
    ack_sent_ = consumed_;
    ack_due_ = false;
    ack_deadline_ = Clock::time_point::max();
}

// resend(received_) for a gap, at most once per offset per heartbeat.
void SessionStream::queue_resend(Clock::time_point now) {
    if (received_ == last_resend_ && now - last_resend_at_ < opts_.heartbeat) return;
    wire::append_u64_frame(control_, FrameType::resend, received_);
    last_resend_ = received_;
    last_resend_at_ = now;
    ++stats_.resends_sent;
    send_cv_.notify_all();
}

}  // namespace session
