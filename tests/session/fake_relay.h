// FakeRelay: two endpoints' carriers joined in memory, forwarding end-to-end
// frames like tether-relay (docs/PROTOCOL.md sections 2-3), plus the faults a
// real path has: carriers killed at chosen points, and frames dropped,
// duplicated or reordered before such a kill (the relay may lose anything in
// flight when a connection breaks; the endpoints must recover).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "session/carrier.h"
#include "wire/frame.h"

namespace fake {

class FakeRelay;

// One endpoint's connection. Frames from the relay wait in an inbox bounded
// in bytes, so a slow endpoint slows the relay like a real downlink.
class FakeCarrier : public session::Carrier {
public:
    FakeCarrier(FakeRelay& relay, int side, int id) : relay_(relay), side_(side), id_(id) {}

    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override { return "fake carrier #" + std::to_string(id_); }

    // Relay side. deliver() blocks while the inbox is full; push() never does.
    void deliver(const wire::Frame& f);
    void push(const wire::Frame& f);
    // From now on nothing reaches this endpoint, yet nothing fails: a
    // connection silently stalled by a proxy.
    void mute();

private:
    FakeRelay& relay_;
    const int side_;
    const int id_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<wire::Frame> inbox_;
    std::size_t inbox_bytes_ = 0;
    bool closed_ = false;
    bool muted_ = false;
};

// What the relay does to the traffic. All off by default.
struct Faults {
    // After this many new data bytes (random in [min, max], both directions
    // together) the relay breaks a connection; 0 = never.
    std::uint64_t kill_every_min = 0, kill_every_max = 0;
    // Probability that a kill is preceded by a burst of 4-16 frames toward
    // that side being dropped, duplicated or swapped.
    double chaos = 0;
    std::uint32_t seed = 1;
};

class FakeRelay {
public:
    explicit FakeRelay(Faults f = {}) : faults_(f), rng_(f.seed) { schedule_kill(); }

    // Carriers for side 0 or 1. Each call replaces that side's carrier.
    session::CarrierFactory factory(int side);

    // Breaks the current carrier of `side` (its endpoint must reconnect).
    void kill(int side);
    // Makes the next factory calls of `side` throw CarrierError.
    void refuse(int side, const std::string& why, bool fatal);
    // Puts a frame straight into the inbox of `side`'s current carrier, as
    // the relay would send it (peer, end, or malformed frames).
    void inject(int side, const wire::Frame& f);
    // Silences the current carrier of `side` (see FakeCarrier::mute).
    void mute(int side);
    // Drops the next `n` data frames sent toward `side`, without a kill.
    void drop_data_toward(int side, int n);

    // Called by FakeCarrier::send for each frame.
    void from_endpoint(FakeCarrier* c, int side, const wire::Frame& f);

    // Observations.
    int kills() const;
    int connects(int side) const;
    bool has_carrier(int side) const;
    // Highest (data end - last ack delivered back) seen from `side`: the
    // relay's view of that sender's unacknowledged bytes.
    std::uint64_t max_unacked_seen(int side) const;
    std::uint64_t data_end_seen(int side) const;

private:
    struct Dir {  // traffic from one side
        std::uint64_t data_end = 0;     // highest data offset+len forwarded
        std::uint64_t ack_back = 0;     // highest ack delivered to this side
        std::uint64_t max_unacked = 0;
    };
    void schedule_kill();
    void end_chaos_soon();
    void kill_locked(int side);
    void note(int from, const wire::Frame& f);
    std::vector<wire::Frame> apply_chaos(int to, const wire::Frame& f);
    static wire::Frame peer_frame(wire::PeerState s);

    Faults faults_;
    mutable std::mutex mu_;
    std::mt19937 rng_;
    std::shared_ptr<FakeCarrier> current_[2];
    Dir dir_[2];
    int connects_[2] = {0, 0};
    int kills_ = 0;
    int next_id_ = 1;
    std::string refuse_why_[2];
    bool refuse_fatal_[2] = {false, false};
    std::uint64_t progress_ = 0;      // new data bytes since the last kill
    std::uint64_t next_kill_ = 0;     // 0 = none scheduled
    int chaos_left_ = 0;              // frames toward chaos_side_ still to mangle
    int chaos_side_ = 0;
    std::vector<wire::Frame> held_;   // a frame kept back to swap with the next
    int drop_data_[2] = {0, 0};
};

// A bounded wait for a condition that another thread makes true (tests only).
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit);

}  // namespace fake
