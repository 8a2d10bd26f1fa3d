// SessionStream's receive thread: makes carriers (with backoff and an outage
// limit), reads frames and applies them to the stream state.
#include "session/session_stream.h"

#include <algorithm>
#include <sstream>

namespace session {
namespace {

using wire::FrameType;

std::string end_message(const wire::End& e) {
    std::string why;
    switch (e.reason) {
    case wire::EndReason::by_peer: why = "the other side ended the session"; break;
    case wire::EndReason::by_you: why = "we ended the session"; break;
    case wire::EndReason::peer_timeout: why = "the other side was unreachable for too long"; break;
    case wire::EndReason::expired: why = "nobody joined before the session code expired"; break;
    case wire::EndReason::relay_shutdown: why = "the relay is shutting down; start a new session"; break;
    case wire::EndReason::protocol_error: why = "the relay received malformed traffic"; break;
    default: why = "reason " + std::to_string(static_cast<int>(e.reason)); break;
    }
    std::string msg = "the relay ended the session: " + why;
    if (!e.text.empty()) msg += " (" + e.text + ")";
    return msg;
}

SessionState state_for(wire::PeerState p) {
    switch (p) {
    case wire::PeerState::connected: return SessionState::connected;
    case wire::PeerState::reconnecting: return SessionState::reconnecting;
    default: return SessionState::waiting_for_peer;
    }
}

std::string seconds(std::chrono::milliseconds d) {
    std::ostringstream out;
    out << d.count() / 1000.0 << " s";  // "60 s", "0.3 s"
    return out.str();
}

}  // namespace

void SessionStream::receive_loop() {
    int attempt = 0;  // consecutive carriers that did not work
    {
        std::lock_guard<std::mutex> lk(mu_);
        status_.detail = "connecting to the relay";
        status_queue_.push_back(status_);
    }
    flush_status();
    try {
        while (auto c = connect_with_backoff(attempt)) {
            bool worked = receive_until_broken(*c, install(c));
            attempt = worked ? 0 : attempt + 1;
            after_break();
            flush_status();
        }
    } catch (const StreamError& e) {
        std::lock_guard<std::mutex> lk(mu_);
        fail(e.what());
    } catch (const std::exception& e) {  // e.g. a factory throwing something else
        std::lock_guard<std::mutex> lk(mu_);
        fail(std::string("internal error in the session stream: ") + e.what());
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (carrier_) carrier_->close();
        set_state(SessionState::ended, closed_ ? "closed" : ended_clean_ ? "the session ended" : error_);
    }
    flush_status();
}

// Returns a new carrier, or null when the stream is stopping. Throws
// StreamError on a fatal carrier error or an outage over the limit.
std::shared_ptr<Carrier> SessionStream::connect_with_backoff(int& attempt) {
    std::string last_error = "no carrier yet";
    for (;; ++attempt) {
        if (!wait_backoff(attempt, last_error)) return nullptr;
        try {
            std::shared_ptr<Carrier> c = factory_();
            std::lock_guard<std::mutex> lk(mu_);
            ++stats_.carriers;
            return c;
        } catch (const CarrierError& e) {
            if (e.fatal) throw StreamError(e.what());
            last_error = e.what();
            std::lock_guard<std::mutex> lk(mu_);
            set_state(gen_ == 0 ? SessionState::connecting : SessionState::reconnecting, last_error);
        }
        flush_status();
    }
}

// Waits before connect attempt `attempt` (none for the first). False when
// the stream is stopping.
bool SessionStream::wait_backoff(int attempt, const std::string& last_error) {
    std::unique_lock<std::mutex> lk(mu_);
    if (attempt > 0) {
        auto delay = std::min(opts_.backoff_max, opts_.backoff_min * (1 << std::min(attempt - 1, 16)));
        recv_cv_.wait_for(lk, delay, [&] { return stopping(); });
    }
    if (stopping()) return false;
    if (Clock::now() - outage_since_ > opts_.outage_limit)
        throw StreamError("could not reach the relay for more than " + seconds(opts_.outage_limit) +
                          "; check the network or proxy (last error: " + last_error + ")");
    return true;
}

// Makes `c` the current carrier and queues hello/resend/ack on it; sending
// resumes from the peer's last ack. Returns the carrier's generation.
std::uint64_t SessionStream::install(const std::shared_ptr<Carrier>& c) {
    std::string desc = c->describe();
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping()) c->close();
    carrier_ = c;
    broken_ = false;
    send_pos_ = acked_;
    fin_sent_ = false;
    control_.clear();
    queue_recovery_frames();
    next_tick_ = Clock::now() + opts_.heartbeat;
    sent_since_tick_ = false;
    carrier_desc_ = desc;
    set_state(state_for(peer_state_), desc);
    send_cv_.notify_all();
    return ++gen_;
}

// Reads frames until the carrier breaks or goes silent for too long.
bool SessionStream::receive_until_broken(Carrier& c, std::uint64_t gen) {
    auto last_rx = Clock::now();
    bool worked = false;
    wire::Frame f;
    for (;;) {
        bool got = receive_one(c, f, gen);
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (got) {
                last_rx = Clock::now();
                worked = true;
                take_frame(f, gen);
            } else {
                check_liveness(last_rx, gen);
            }
            if (broken_ || stopping()) break;
        }
        flush_status();
    }
    return worked;
}

// carrier->receive() without mu_ held; any failure marks the carrier broken.
bool SessionStream::receive_one(Carrier& c, wire::Frame& f, std::uint64_t gen) {
    try {
        return c.receive(f, opts_.heartbeat);
    } catch (const CarrierError& e) {
        std::lock_guard<std::mutex> lk(mu_);
        mark_broken(gen, e.what(), e.fatal, e.planned);
    } catch (const wire::ProtocolError& e) {  // the carrier's parser gave up
        std::lock_guard<std::mutex> lk(mu_);
        ++stats_.bad_frames;
        mark_broken(gen, std::string("malformed traffic from the relay: ") + e.what(), false);
    } catch (const std::exception& e) {  // a carrier bug must not end the process
        std::lock_guard<std::mutex> lk(mu_);
        mark_broken(gen, e.what(), false);
    }
    return false;
}

// Any frame proves the carrier works; a malformed one costs the carrier
// (PROTOCOL.md section 2: the endpoint reconnects).
void SessionStream::take_frame(wire::Frame& f, std::uint64_t gen) {
    outage_since_ = Clock::now();  // an outage starts when the last carrier heard anything
    try {
        handle(f);
    } catch (const wire::ProtocolError& e) {
        ++stats_.bad_frames;
        mark_broken(gen, std::string("malformed frame from the relay: ") + e.what(), false);
    }
}

void SessionStream::check_liveness(Clock::time_point last_rx, std::uint64_t gen) {
    const auto dead_after = opts_.heartbeat * opts_.dead_after_heartbeats;
    if (Clock::now() - last_rx < dead_after) return;
    mark_broken(gen, "nothing received for " + seconds(dead_after), false);
}

void SessionStream::after_break() {
    std::lock_guard<std::mutex> lk(mu_);
    if (carrier_) carrier_->close();
    if (stopping()) return;
    if (broken_fatal_) throw StreamError(broken_why_);
    if (!broken_planned_) set_state(SessionState::reconnecting, broken_why_);
}

void SessionStream::handle(wire::Frame& f) {
    switch (f.type) {
    case FrameType::data: on_data(f); break;
    case FrameType::ack: on_ack(wire::payload_u64(f)); break;
    case FrameType::resend: on_resend(wire::payload_u64(f)); break;
    case FrameType::fin:
        peer_fin_ = wire::payload_u64(f);
        peer_fin_set_ = true;
        app_cv_.notify_all();
        break;
    case FrameType::hello: on_hello(f); break;
    case FrameType::ping: break;  // the relay's idle downlink heartbeat
    case FrameType::pong: on_pong(wire::payload_u64(f)); break;
    case FrameType::peer: on_peer(wire::payload_peer(f)); break;
    case FrameType::end: on_end(f); break;
    }
}

// Accepts the part of the frame at received_ and within our window; a frame
// beyond received_ is a gap: dropped, answered with resend(received_).
void SessionStream::on_data(wire::Frame& f) {
    std::uint64_t off = wire::payload_u64(f);
    std::uint64_t end = off + wire::data_size(f);
    if (off > received_) {
        gap_open_ = true;
        queue_resend(Clock::now());
        return;
    }
    std::uint64_t limit = std::min(end, consumed_ + opts_.window);  // a peer with a bigger window
    if (limit <= received_) return;                                   // duplicate (or no room)
    // The payload is [offset (8 bytes), data...]: queue the new part of it,
    // taking the frame's string over rather than copying it.
    const std::size_t from = 8 + static_cast<std::size_t>(received_ - off);
    const std::size_t to = 8 + static_cast<std::size_t>(limit - off);
    recvbuf_.push(std::move(f.payload), from, to);
    received_ = limit;
    gap_open_ = limit < end;
    stats_.received = received_;
    app_cv_.notify_all();
}

void SessionStream::on_ack(std::uint64_t offset) {
    if (offset <= acked_ || offset > sendbuf_.end()) return;  // stale, or nonsense
    acked_ = offset;
    sendbuf_.trim_to(offset);
    send_pos_ = std::max(send_pos_, acked_);
    stats_.acked = acked_;
    app_cv_.notify_all();
}

void SessionStream::on_resend(std::uint64_t offset) {
    if (offset < acked_ || offset > sent_max_) return;  // stale (reordered) request
    send_pos_ = offset;
    fin_sent_ = false;
    send_cv_.notify_all();
}

// The peer (re)connected. Its downlink may have lost our acks and data, so
// answer with where we are; a changed epoch means it lost its state.
void SessionStream::on_hello(const wire::Frame& f) {
    wire::Hello h = wire::payload_hello(f);
    if (h.version != wire::kProtocolVersion)
        throw StreamError("the other side speaks protocol version " + std::to_string(h.version) +
                          ", we speak " + std::to_string(wire::kProtocolVersion) + "; update both programs");
    if (peer_epoch_known_ && h.epoch != peer_epoch_)
        throw StreamError("the other side restarted and lost the session; start a new session");
    if (!peer_epoch_known_) wire::append_hello(control_, epoch_);
    peer_epoch_known_ = true;
    peer_epoch_ = h.epoch;
    ++stats_.peer_hellos;
    on_peer(wire::PeerState::connected);  // its hello proves it, whatever the relay said last
    wire::append_u64_frame(control_, FrameType::resend, received_);
    ack_due_ = true;
    send_cv_.notify_all();
}

void SessionStream::on_pong(std::uint64_t stamp) {
    auto sent = Clock::time_point(std::chrono::microseconds(stamp));
    auto now = Clock::now();
    if (stamp == 0 || sent > now) return;  // not one of our pings
    status_.rtt = std::chrono::duration_cast<std::chrono::milliseconds>(now - sent);
    if (status_.state != SessionState::ended) status_queue_.push_back(status_);
}

void SessionStream::on_peer(wire::PeerState s) {
    peer_state_ = s;
    if (s == wire::PeerState::connected && !peer_seen_) {
        peer_seen_ = true;
        app_cv_.notify_all();  // wait_for_peer()
    }
    set_state(state_for(s), s == wire::PeerState::reconnecting ? "the other side is reconnecting"
                                                                : carrier_desc_);
}

void SessionStream::on_end(const wire::Frame& f) {
    wire::End e = wire::payload_end(f);
    if (e.reason != wire::EndReason::by_you) {
        code_expired_ = e.reason == wire::EndReason::expired;
        return fail(end_message(e));
    }
    ended_clean_ = true;
    set_state(SessionState::ended, "the session ended");
    app_cv_.notify_all();
    send_cv_.notify_all();
}

}  // namespace session
