#include "relay/session.h"

namespace relay {
namespace {

// A probe queue holds pongs only (as control frames, up to FrameQueue's
// slack): a probe pings a few times, never more than this is waiting.
constexpr std::size_t kProbeQueueBytes = 4096;

wire::Frame peer_frame(wire::PeerState s) {
    return wire::Frame{wire::FrameType::peer, std::string(1, static_cast<char>(s))};
}

wire::Frame end_frame(wire::EndReason r) {
    std::string bytes;
    wire::append_end(bytes, r, "");
    return wire::Frame{wire::FrameType::end, bytes.substr(wire::kHeaderSize)};
}

}  // namespace

const char* side_name(Side s) { return s == Side::desk ? "desk" : "client"; }

const char* state_name(SessionState s) {
    switch (s) {
    case SessionState::waiting: return "waiting";
    case SessionState::connected: return "connected";
    case SessionState::reconnecting: return "reconnecting";
    }
    return "?";
}

Session::Session(std::string short_id, std::string name, const TimeSource& time, std::size_t buffer_bytes)
    : short_id_(std::move(short_id)), name_(std::move(name)), time_(time),
      sides_{std::make_unique<SideState>(buffer_bytes), std::make_unique<SideState>(buffer_bytes)} {
    at(Side::desk).absent_since = time_.now();
}

wire::PeerState Session::peer_state_locked(Side viewer) const {
    const SideState& peer = at(other(viewer));
    if (peer.present()) return wire::PeerState::connected;
    return peer.ever_attached ? wire::PeerState::reconnecting : wire::PeerState::waiting;
}

void Session::tell_peer_state(Side viewer) {
    at(viewer).inbox.push_control(peer_frame(peer_state_locked(viewer)));
}

void Session::presence_changed(Side side, bool was_present) {
    SideState& s = at(side);
    if (s.present() == was_present) return;
    if (s.present()) s.ever_attached = true;
    else s.absent_since = time_.now();
    // The client learns about the desk only once it joined.
    if (side == Side::client || joined_) tell_peer_state(other(side));
}

std::uint64_t Session::attach_downlink(Side side) {
    std::lock_guard<std::mutex> lock(mutex_);
    SideState& s = at(side);
    const std::uint64_t gen = ++s.down_gen;
    s.inbox.wake();  // the older downlink or a waiting poll, if any, stops now
    const bool was_present = s.present();
    s.attached = true;
    s.polling = false;  // back in stream mode
    presence_changed(side, was_present);
    tell_peer_state(side);
    return gen;
}

void Session::detach_downlink(Side side, std::uint64_t generation) {
    std::lock_guard<std::mutex> lock(mutex_);
    SideState& s = at(side);
    if (s.down_gen != generation || !s.attached) return;  // a newer downlink took over
    const bool was_present = s.present();
    s.attached = false;
    presence_changed(side, was_present);
}

std::uint64_t Session::attach_poller(Side side) {
    std::lock_guard<std::mutex> lock(mutex_);
    SideState& s = at(side);
    const bool was_present = s.present();
    // A side that polls has given up its stream downlink (a session moving
    // to poll mode): one still attached, e.g. held open by a buffering
    // reverse proxy, would take frames from the inbox and lose them there.
    if (s.attached) {
        ++s.down_gen;
        s.attached = false;
        s.inbox.wake();
    }
    ++s.pollers;
    s.polling = true;
    presence_changed(side, was_present);
    return s.down_gen;
}

void Session::detach_poller(Side side) {
    std::lock_guard<std::mutex> lock(mutex_);
    SideState& s = at(side);
    const bool was_present = s.present();
    if (--s.pollers == 0) s.last_poll_end = time_.now();
    presence_changed(side, was_present);  // still present: `polling` holds until settle_polling()
}

std::uint64_t Session::poll_for(Side side, std::vector<wire::Frame>& out, std::size_t max_batch,
                                std::chrono::milliseconds wait) {
    SideState& s = at(side);
    const auto deadline = SteadyClock::now() + wait;
    auto never = [] { return false; };
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(s.poll_mutex);
            const bool last_chance = SteadyClock::now() >= deadline;
            if (s.inbox.pop(out, max_batch, std::chrono::milliseconds(0), never) == PopResult::frames ||
                last_chance || s.inbox.closed())
                return ++s.poll_seq;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
        s.inbox.wait_for_frames(std::max(left, std::chrono::milliseconds(0)));
    }
}

PopResult Session::next_for(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                            std::size_t max_batch, std::chrono::milliseconds timeout) {
    SideState& s = at(side);
    return s.inbox.pop(out, max_batch, timeout, [&] { return s.down_gen != generation; });
}

PopResult Session::try_next_for(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                                std::size_t max_batch) {
    SideState& s = at(side);
    if (s.down_gen != generation) return PopResult::cancelled;
    return s.inbox.try_pop(out, max_batch);
}

PushResult Session::try_forward(Side from, std::uint64_t generation, wire::Frame& f) {
    if (at(from).up_gen != generation) return PushResult::cancelled;
    return at(other(from)).inbox.try_push(f);
}

std::optional<std::uint64_t> Session::try_poll(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                                               std::size_t max_batch, bool last_chance) {
    SideState& s = at(side);
    std::lock_guard<std::mutex> lock(s.poll_mutex);
    if (s.down_gen != generation) return ++s.poll_seq;  // a stream downlink took over: answer without frames
    const PopResult r = s.inbox.try_pop(out, max_batch);
    if (r == PopResult::frames || r == PopResult::closed || last_chance) return ++s.poll_seq;
    return std::nullopt;
}

void Session::watch_inbox(Side side, FrameQueue::Waker w) { at(side).inbox.on_change(std::move(w)); }

std::shared_ptr<FrameQueue> Session::open_probe(Side side) {
    auto q = std::make_shared<FrameQueue>(kProbeQueueBytes);
    std::lock_guard<std::mutex> lock(mutex_);
    at(side).probe = q;
    return q;
}

void Session::probe_reply(Side side, wire::Frame pong) {
    std::shared_ptr<FrameQueue> q;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        q = at(side).probe;
    }
    if (q) q->push_control(std::move(pong));
}

std::uint64_t Session::attach_uplink(Side side) {
    const std::uint64_t gen = ++at(side).up_gen;
    at(other(side)).inbox.wake();  // the older uplink, if blocked in forward(), stops now
    return gen;
}

PushResult Session::forward(Side from, std::uint64_t generation, wire::Frame f) {
    const SideState& sender = at(from);
    return at(other(from)).inbox.push(std::move(f), [&] { return sender.up_gen != generation; });
}

PushResult Session::forward_until(Side from, std::uint64_t generation, wire::Frame f,
                                  SteadyClock::time_point deadline) {
    const SideState& sender = at(from);
    return at(other(from)).inbox.push_until(std::move(f), [&] { return sender.up_gen != generation; }, deadline);
}

void Session::reply(Side to, wire::Frame f) { at(to).inbox.push_control(std::move(f)); }

void Session::mark_joined() {
    std::lock_guard<std::mutex> lock(mutex_);
    joined_ = true;
    at(Side::client).absent_since = time_.now();
}

bool Session::end(wire::EndReason to_desk, wire::EndReason to_client) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ended_.exchange(true)) return false;
    at(Side::desk).inbox.close_with(end_frame(to_desk));
    at(Side::client).inbox.close_with(end_frame(to_client));
    return true;
}

bool Session::ended() const { return ended_; }

wire::PeerState Session::peer_state(Side viewer) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peer_state_locked(viewer);
}

SessionState Session::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!joined_) return SessionState::waiting;
    const bool both = at(Side::desk).present() && at(Side::client).present();
    return both ? SessionState::connected : SessionState::reconnecting;
}

// An endpoint in poll mode asks again right after every answer and keeps two
// polls outstanding: when none arrived for this long (well above a round
// trip through slow proxies), it is gone. Without the hold, the peer would
// see "reconnecting" flicker whenever both polls were answered at once.
constexpr std::chrono::seconds kPollHold{5};

void Session::settle_polling(TimePoint now) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Side side : {Side::desk, Side::client}) {
        SideState& s = at(side);
        if (!s.polling || s.pollers > 0 || now - s.last_poll_end < kPollHold) continue;
        s.polling = false;
        presence_changed(side, /*was_present=*/true);
        if (!s.present()) s.absent_since = s.last_poll_end;  // gone since its last poll, not since now
    }
}

std::optional<Side> Session::absent_longer_than(TimePoint now, SteadyClock::duration grace) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Side side : {Side::desk, Side::client}) {
        if (side == Side::client && !joined_) continue;
        const SideState& s = at(side);
        if (!s.present() && now - s.absent_since > grace) return side;
    }
    return std::nullopt;
}

}  // namespace relay
