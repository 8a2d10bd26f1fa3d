// The bridge between the two sides of one session: each side has an inbox
// (the frames for its downlink) and generation counters, so that a newer
// downlink or uplink of a side replaces the older one at once. Also tracks
// which sides are present, for peer() frames and the grace period.
// Thread-safe. Knows nothing about HTTP or about codes and tokens.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "relay/frame_queue.h"
#include "relay/time_source.h"
#include "wire/frame.h"

namespace relay {

enum class Side { desk = 0, client = 1 };
inline Side other(Side s) { return s == Side::desk ? Side::client : Side::desk; }
const char* side_name(Side s);

// Session state as /metrics and GET /v1/session report it.
enum class SessionState { waiting, connected, reconnecting };
const char* state_name(SessionState s);

class Session {
public:
    Session(std::string short_id, std::string name, const TimeSource& time, std::size_t buffer_bytes);

    const std::string& short_id() const { return short_id_; }
    const std::string& name() const { return name_; }

    // Downlink: attach returns this downlink's generation; a later attach of
    // the same side makes next_for() of the older one return `cancelled`.
    std::uint64_t attach_downlink(Side side);
    void detach_downlink(Side side, std::uint64_t generation);
    PopResult next_for(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                       std::size_t max_batch, std::chrono::milliseconds timeout);

    // Poll mode: a side with a poll outstanding is present. poll_for() waits
    // up to `wait` for frames and numbers the answer (X-Tether-Seq): frames
    // are taken and numbered under one lock, so a higher number never holds
    // earlier frames. Empty `out` after `wait`: nothing came (or ended).
    // attach_poller returns the poll's generation for try_poll: a stream
    // downlink of the side attaching later ends it (see try_poll).
    std::uint64_t attach_poller(Side side);
    void detach_poller(Side side);
    std::uint64_t poll_for(Side side, std::vector<wire::Frame>& out, std::size_t max_batch,
                           std::chrono::milliseconds wait);

    // Uplink: forward() blocks while the peer's inbox is full (back-pressure);
    // it returns `cancelled` as soon as a newer uplink of `from` attached.
    std::uint64_t attach_uplink(Side side);
    PushResult forward(Side from, std::uint64_t generation, wire::Frame f);
    // Same, giving up at `deadline` (poll mode).
    PushResult forward_until(Side from, std::uint64_t generation, wire::Frame f, SteadyClock::time_point deadline);
    // Event-driven forms of next_for, forward and poll_for: they never block.
    // try_forward leaves `f` untouched when it answers `full`.
    PopResult try_next_for(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                           std::size_t max_batch);
    PushResult try_forward(Side from, std::uint64_t generation, wire::Frame& f);
    // The number of a poll answer if one is due now (frames taken, the inbox
    // closed, or `last_chance`); nullopt: keep waiting. A poll whose side
    // attached a stream downlink since `generation` (attach_poller) is due at
    // once and takes no frame: its side left poll mode, so nobody reads its
    // answer (a poll carrier's polls still waiting after it retired), and
    // frames it took would be lost: the new carrier's first pong, or data
    // that then waits for a resend.
    std::optional<std::uint64_t> try_poll(Side side, std::uint64_t generation, std::vector<wire::Frame>& out,
                                          std::size_t max_batch, bool last_chance);
    // Runs `w` once at the next change of `side`'s inbox: frames or room, its
    // end, or a newer downlink (of `side`) or uplink (of its peer) attaching.
    // A downlink watches its own side, an uplink waiting for room its peer's.
    void watch_inbox(Side side, FrameQueue::Waker w);
    // Relay-generated frames to `to` (pong, ...): never blocks, may drop.
    void reply(Side to, wire::Frame f);

    // Stream-mode probe of a side in poll mode (docs/PROTOCOL.md, "Moving
    // back to stream mode"): a separate queue that only the probe's pongs
    // reach. It attaches nothing, so the side's presence and its poll-mode
    // delivery are untouched. open_probe() replaces an older probe's queue.
    std::shared_ptr<FrameQueue> open_probe(Side side);
    void probe_reply(Side side, wire::Frame pong);  // to the current probe; dropped if none

    // The client joined: its absence now counts toward the grace period.
    void mark_joined();
    // Ends both directions: each side gets its end frame after what is queued.
    // Idempotent: false if the session had already ended.
    bool end(wire::EndReason to_desk, wire::EndReason to_client);
    bool ended() const;

    // The other side as `viewer` sees it (waiting: never attached a downlink).
    wire::PeerState peer_state(Side viewer) const;
    SessionState state() const;
    // A side that must be present (desk; client once joined) has had no
    // downlink for longer than `grace`.
    std::optional<Side> absent_longer_than(TimePoint now, SteadyClock::duration grace) const;
    // A poll-mode side stays present for kPollHold after its last poll
    // answer (its next poll is on the way); once that passed with no poll,
    // it is absent from the end of that last poll. Called by the sweep.
    void settle_polling(TimePoint now);

private:
    struct SideState {
        explicit SideState(std::size_t buffer_bytes) : inbox(buffer_bytes) {}
        FrameQueue inbox;  // frames for this side's downlink
        std::atomic<std::uint64_t> down_gen{0};
        std::atomic<std::uint64_t> up_gen{0};
        bool attached = false;       // a stream downlink is open
        int pollers = 0;             // poll-mode downlink requests outstanding
        bool polling = false;        // in poll mode: present between polls too (kPollHold)
        TimePoint last_poll_end;     // when the last outstanding poll was answered
        bool ever_attached = false;  // for peer(waiting)
        TimePoint absent_since;      // valid while !present()
        std::mutex poll_mutex;       // takes frames and numbers poll answers together
        std::uint64_t poll_seq = 0;  // X-Tether-Seq of the last poll answer
        std::shared_ptr<FrameQueue> probe;  // guarded by Session::mutex_
        bool present() const { return attached || pollers > 0 || polling; }
    };
    SideState& at(Side s) { return *sides_[static_cast<int>(s)]; }
    const SideState& at(Side s) const { return *sides_[static_cast<int>(s)]; }
    wire::PeerState peer_state_locked(Side viewer) const;
    void tell_peer_state(Side viewer);
    // After a presence change of `side`: absence clock and peer() frames.
    void presence_changed(Side side, bool was_present);

    const std::string short_id_;
    const std::string name_;
    const TimeSource& time_;
    mutable std::mutex mutex_;  // guards attached/ever_attached/absent_since/joined_/ended_
    std::array<std::unique_ptr<SideState>, 2> sides_;
    bool joined_ = false;
    std::atomic<bool> ended_{false};
};

}  // namespace relay
