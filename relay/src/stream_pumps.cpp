#include "stream_pumps.h"

namespace relay {
namespace {

std::string ping_zero() {
    std::string bytes;
    wire::append_u64_frame(bytes, wire::FrameType::ping, 0);
    return bytes;
}

}  // namespace

std::string encode_frames(const std::vector<wire::Frame>& frames) {
    std::string out;
    for (const wire::Frame& f : frames) wire::append_frame(out, f.type, f.payload.data(), f.payload.size());
    return out;
}

DownlinkPump::DownlinkPump(HttpContext& cx, Endpoint ep, boost::asio::any_io_executor strand)
    : cx_(cx), ep_(std::move(ep)), generation_(ep_.session->attach_downlink(ep_.side)), strand_(strand),
      last_give_(HeartbeatSweep::stamp(SteadyClock::now())) {
    ++cx_.metrics.open_downlinks;
    cx_.log.info(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " downlink open");
}

DownlinkPump::~DownlinkPump() { finished(); }

void DownlinkPump::next(std::function<void(std::string)> give) {
    give_ = std::move(give);
    try_give();
    // Registered at the first call: the sweep's waker needs weak_from_this().
    if (sweep_id_ == 0 && !released_)
        sweep_id_ = cx_.heartbeats.add(&last_give_, post_to(strand_, weak_from_this(), [](DownlinkPump& p) { p.beat(); }));
}

// Takes what the inbox has for this downlink. Tries once more after
// registering a waker, so that frames queued in between are not left waiting.
void DownlinkPump::try_give() {
    if (!give_ || released_) return;
    std::vector<wire::Frame> frames;
    PopResult r = ep_.session->try_next_for(ep_.side, generation_, frames, kMaxDownlinkBatch);
    if (r == PopResult::empty && !watching_) {
        watching_ = true;
        ep_.session->watch_inbox(ep_.side, post_to(strand_, weak_from_this(), [](DownlinkPump& p) {
                                     p.watching_ = false;
                                     p.try_give();
                                 }));
        r = ep_.session->try_next_for(ep_.side, generation_, frames, kMaxDownlinkBatch);
    }
    if (r == PopResult::empty) return;
    // cancelled: a newer downlink of this side took over; closed: the
    // session ended and its end frame went out. Either ends this stream.
    give_now(r == PopResult::frames ? encode_frames(frames) : std::string());
}

void DownlinkPump::give_now(std::string bytes) {
    last_give_.store(HeartbeatSweep::stamp(SteadyClock::now()), std::memory_order_relaxed);
    auto give = std::move(give_);
    give_ = nullptr;
    give(std::move(bytes));
}

// The sweep found this downlink silent for a heartbeat (on the
// strand, so the state may have changed since): a downlink still waiting
// for frames gets ping(0); one in the middle of a write does not need it.
void DownlinkPump::beat() {
    if (released_ || !give_) return;
    const auto idle = SteadyClock::now() - SteadyClock::time_point(SteadyClock::duration(last_give_.load()));
    if (idle < cx_.heartbeats.silence()) return;  // frames went out meanwhile
    give_now(ping_zero());
}

void DownlinkPump::finished() {
    if (released_) return;
    released_ = true;
    give_ = nullptr;
    if (sweep_id_) cx_.heartbeats.remove(sweep_id_);
    ep_.session->detach_downlink(ep_.side, generation_);
    --cx_.metrics.open_downlinks;
    cx_.log.info(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " downlink closed");
}

UplinkPump::UplinkPump(HttpContext& cx, Endpoint ep, boost::asio::any_io_executor strand,
                       std::optional<std::chrono::steady_clock::duration> give_up_after, int ok_status)
    : cx_(cx), ep_(std::move(ep)), generation_(ep_.session->attach_uplink(ep_.side)), strand_(strand),
      give_up_(strand), give_up_after_(give_up_after), ok_status_(ok_status) {
    ++cx_.metrics.open_uplinks;
    cx_.log.debug(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " uplink open");
}

UplinkPump::~UplinkPump() {
    --cx_.metrics.open_uplinks;
    cx_.log.debug(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " uplink closed");
}

void UplinkPump::feed(std::string_view data, std::function<void(bool more)> resume) {
    resume_ = std::move(resume);
    // An ended session also stops an uplink that only pings (no frame to
    // forward would tell it).
    if (outcome_ == Outcome::open && ep_.session->ended()) outcome_ = Outcome::session_ended;
    if (outcome_ != Outcome::open) return finish(false);
    try {
        parser_.feed(data.data(), data.size());
    } catch (const wire::ProtocolError& e) {
        fail_protocol(e.what());
        return finish(false);
    }
    drain();
}

void UplinkPump::feed_whole(std::string_view body, std::function<void(bool more)> resume) {
    whole_ = true;
    if (give_up_after_) {
        give_up_.expires_after(*give_up_after_);
        give_up_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || !self->resume_ || !self->blocked_) return;
            self->outcome_ = Outcome::busy;
            self->finish(false);
        });
    }
    feed(body, std::move(resume));
}

void UplinkPump::drain() {
    try {
        for (;;) {
            if (blocked_) {
                if (!forward(*blocked_)) return finish(false);
                if (blocked_) {
                    if (watching_) return;  // woken at the next change of the peer's inbox
                    wait_for_room();
                    continue;  // once more: room may have come before the waker was registered
                }
            }
            wire::Frame f;
            if (!parser_.next(f)) break;
            if (!handle(std::move(f))) return finish(false);
        }
    } catch (const wire::ProtocolError& e) {
        fail_protocol(e.what());
        return finish(false);
    }
    if (whole_ && parser_.buffered() != 0) {
        fail_protocol("poll: partial frame");
        return finish(false);
    }
    finish(true);
}

void UplinkPump::wait_for_room() {
    watching_ = true;
    ep_.session->watch_inbox(other(ep_.side), post_to(strand_, weak_from_this(), [](UplinkPump& p) {
                                 p.watching_ = false;
                                 if (p.resume_) p.drain();
                             }));
}

// Tries to queue *blocked_ for the peer. false: stop (outcome_ says why);
// true with blocked_ still set: the inbox is full.
bool UplinkPump::forward(wire::Frame& f) {
    const std::size_t bytes = frame_bytes(f);
    switch (ep_.session->try_forward(ep_.side, generation_, f)) {
    case PushResult::ok:
        ++cx_.metrics.frames_forwarded[static_cast<int>(ep_.side)];
        cx_.metrics.bytes_forwarded[static_cast<int>(ep_.side)] += bytes;
        blocked_.reset();
        return true;
    case PushResult::full: return true;
    case PushResult::cancelled: outcome_ = Outcome::replaced; break;
    case PushResult::closed: outcome_ = Outcome::session_ended; break;
    case PushResult::timeout: outcome_ = Outcome::busy; break;
    }
    return false;
}

// One parsed frame. false: stop reading (outcome_ says why).
bool UplinkPump::handle(wire::Frame f) {
    if (wire::is_end_to_end(f.type)) {
        cx_.capture.tamper(ep_.session->short_id(), ep_.side, f);
        cx_.capture.record(ep_.session->short_id(), ep_.side, f);
        blocked_ = std::move(f);
        return forward(*blocked_);
    }
    switch (f.type) {
    case wire::FrameType::ping:
        wire::payload_u64(f);  // validates the length (throws ProtocolError)
        ep_.session->reply(ep_.side, wire::Frame{wire::FrameType::pong, std::move(f.payload)});
        return true;
    case wire::FrameType::end:
        cx_.directory.end(*ep_.session, ep_.side == Side::desk ? EndCause::by_desk : EndCause::by_client);
        outcome_ = Outcome::ended_by_frame;
        return false;
    default:  // pong, peer: relay-to-endpoint frames; an endpoint has no reason to send them
        throw wire::ProtocolError("unexpected frame type from an endpoint");
    }
}

void UplinkPump::fail_protocol(const char* what) {
    outcome_ = Outcome::protocol_error;
    ++cx_.metrics.protocol_errors;
    cx_.log.warn(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " uplink: " + what);
}

void UplinkPump::finish(bool more) {
    give_up_.cancel();
    auto resume = std::move(resume_);
    resume_ = nullptr;
    if (resume) resume(more);
}

Response UplinkPump::answer(bool complete) {
    Response res{http::status::ok, 11};
    switch (outcome_) {
    case Outcome::open:
        // Not complete: the body broke off (timeout, reset); nobody reads this answer.
        res.result(complete ? ok_status_ : 400);
        if (complete) return res;
        break;
    case Outcome::ended_by_frame: res.result(ok_status_); break;
    case Outcome::busy:
        res = error_response(ApiError::busy);
        res.set(http::field::retry_after, "1");
        break;
    case Outcome::protocol_error: res = error_response(ApiError::protocol_error); break;
    case Outcome::replaced: res = error_response(ApiError::replaced); break;
    case Outcome::session_ended: res = error_response(ApiError::ended_session); break;
    }
    res.keep_alive(false);
    return res;
}

}  // namespace relay
