#include "stream_pumps.h"

#include <algorithm>

#include "connection_fd.h"

namespace relay {
namespace {

// Hang-up checks happen at least this often on an idle downlink, so a peer
// that closed its connection is noticed within about a second.
constexpr std::chrono::milliseconds kMaxTick{1000};

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

DownlinkPump::DownlinkPump(HttpContext& cx, Endpoint ep, int fd)
    : cx_(cx), ep_(std::move(ep)), generation_(ep_.session->attach_downlink(ep_.side)), fd_(fd),
      tick_(std::min(kMaxTick, std::max(std::chrono::milliseconds(50), cx.config.heartbeat / 2))),
      last_write_(SteadyClock::now()) {
    ++cx_.metrics.open_downlinks;
    cx_.log.info(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " downlink open");
}

DownlinkPump::~DownlinkPump() { release(); }

bool DownlinkPump::write(httplib::DataSink& sink, const std::string& bytes) {
    last_write_ = SteadyClock::now();
    return sink.write(bytes.data(), bytes.size());
}

bool DownlinkPump::step(httplib::DataSink& sink) {
    std::vector<wire::Frame> frames;
    switch (ep_.session->next_for(ep_.side, generation_, frames, kMaxDownlinkBatch, tick_)) {
    case PopResult::frames:
        return write(sink, encode_frames(frames));
    case PopResult::timeout:
        if (peer_hung_up(fd_)) return false;
        if (SteadyClock::now() - last_write_ >= cx_.config.heartbeat) return write(sink, ping_zero());
        return true;
    case PopResult::cancelled:  // a newer downlink of this side took over
    case PopResult::closed:     // the session ended; its end frame went out
        break;
    }
    sink.done();
    return true;
}

void DownlinkPump::release() {
    if (released_) return;
    released_ = true;
    ep_.session->detach_downlink(ep_.side, generation_);
    --cx_.metrics.open_downlinks;
    cx_.log.info(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " downlink closed");
}

UplinkPump::UplinkPump(HttpContext& cx, Endpoint ep, std::optional<SteadyClock::time_point> deadline)
    : cx_(cx), ep_(std::move(ep)), generation_(ep_.session->attach_uplink(ep_.side)), deadline_(deadline) {
    ++cx_.metrics.open_uplinks;
    cx_.log.debug(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " uplink open");
}

UplinkPump::~UplinkPump() {
    --cx_.metrics.open_uplinks;
    cx_.log.debug(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " uplink closed");
}

bool UplinkPump::feed(const char* data, std::size_t len) {
    // An ended session also stops an uplink that only pings (no frame to forward
    // would tell it), so that stop() never waits for a chatty endpoint.
    if (outcome_ == Outcome::open && ep_.session->ended()) outcome_ = Outcome::session_ended;
    if (outcome_ != Outcome::open) return false;
    try {
        parser_.feed(data, len);
        wire::Frame f;
        while (parser_.next(f))
            if (!handle(std::move(f))) return false;
        return true;
    } catch (const wire::ProtocolError& e) {
        outcome_ = Outcome::protocol_error;
        ++cx_.metrics.protocol_errors;
        cx_.log.warn(session_prefix(ep_.session->short_id()),
                     std::string(side_name(ep_.side)) + " uplink: " + e.what());
        return false;
    }
}

bool UplinkPump::forward(wire::Frame f) {
    const std::size_t bytes = frame_bytes(f);
    cx_.capture.tamper(ep_.session->short_id(), ep_.side, f);
    cx_.capture.record(ep_.session->short_id(), ep_.side, f);
    const PushResult r = deadline_ ? ep_.session->forward_until(ep_.side, generation_, std::move(f), *deadline_)
                                   : ep_.session->forward(ep_.side, generation_, std::move(f));
    switch (r) {
    case PushResult::ok:
        ++cx_.metrics.frames_forwarded[static_cast<int>(ep_.side)];
        cx_.metrics.bytes_forwarded[static_cast<int>(ep_.side)] += bytes;
        return true;
    case PushResult::cancelled: outcome_ = Outcome::replaced; break;
    case PushResult::closed: outcome_ = Outcome::session_ended; break;
    case PushResult::timeout: outcome_ = Outcome::busy; break;
    }
    return false;
}

bool UplinkPump::handle(wire::Frame f) {
    if (wire::is_end_to_end(f.type)) return forward(std::move(f));
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

void UplinkPump::feed_whole(const std::string& body) {
    if (!feed(body.data(), body.size()) || parser_.buffered() == 0) return;
    outcome_ = Outcome::protocol_error;
    ++cx_.metrics.protocol_errors;
    cx_.log.warn(session_prefix(ep_.session->short_id()), std::string(side_name(ep_.side)) + " poll: partial frame");
}

void UplinkPump::answer(httplib::Response& res, bool body_complete, int ok_status) {
    switch (outcome_) {
    case Outcome::open:
        if (body_complete) {
            res.status = ok_status;
            return;
        }
        res.status = 400;  // the body broke off (timeout, reset): nobody reads this answer
        break;
    case Outcome::ended_by_frame: res.status = ok_status; break;
    case Outcome::busy:
        res.set_header("Retry-After", "1");
        send_error(res, ApiError::busy);
        break;
    case Outcome::protocol_error: send_error(res, ApiError::protocol_error); break;
    case Outcome::replaced: send_error(res, ApiError::replaced); break;
    case Outcome::session_ended: send_error(res, ApiError::ended_session); break;
    }
    res.set_header("Connection", "close");
}

}  // namespace relay
