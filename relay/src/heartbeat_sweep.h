// The relay's own heartbeats (ping(0) on a downlink idle for a heartbeat,
// PROTOCOL.md "Stream mode") for every downlink, looked at by one periodic
// sweep instead of one timer per downlink. At 4,500 idle sessions the
// per-downlink timers were 9,000 timers rescheduled after every pong (each
// a timerfd wake-up, a strand post and a heap insert: ~4,500-9,000 a
// second); the sweep wakes 4 times a heartbeat and, while the endpoints'
// pings keep every downlink busy with pongs, posts (almost) nothing.
// Thread-safe: downlinks register and leave from any io thread. Internal to relay/.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "relay/time_source.h"

namespace relay {

class HeartbeatSweep {
public:
    // A downlink's last piece given (frames or a ping), as
    // SteadyClock::time_point::time_since_epoch().count(); written by its
    // strand, read by the sweep.
    using LastGive = std::atomic<SteadyClock::rep>;

    explicit HeartbeatSweep(std::chrono::milliseconds heartbeat);

    // How often tick() should run: a quarter heartbeat, so that a ping(0)
    // goes out after 1 to 1 1/4 heartbeats of silence.
    //
    // Why not earlier (it was 3/4 to 1 heartbeat): endpoints ping their
    // uplink every heartbeat, so a downlink carrying their pongs is silent
    // for just about one heartbeat between two pongs. Any threshold below a
    // heartbeat then sent a needless ping(0) between every two pongs: a
    // second TLS write per heartbeat on every idle downlink, about a third
    // of the relay's CPU at idle. The endpoint drops a carrier only after 3
    // silent heartbeats, and proxies' idle timeouts are tens of seconds.
    SteadyClock::duration period() const { return period_; }

    // A downlink silent this long gets its ping(0) (one heartbeat).
    SteadyClock::duration silence() const { return silence_; }

    // `last` must stay valid until remove(id). `due` runs inside tick(), with
    // the sweep's lock held: it must only post (to the downlink's strand).
    std::uint64_t add(const LastGive* last, std::function<void()> due);
    void remove(std::uint64_t id);

    // Calls `due` of every downlink silent for at least silence().
    void tick(SteadyClock::time_point now);

    static SteadyClock::rep stamp(SteadyClock::time_point t) { return t.time_since_epoch().count(); }

private:
    struct Entry {
        const LastGive* last;
        std::function<void()> due;
    };
    const SteadyClock::duration period_;
    const SteadyClock::duration silence_;  // the heartbeat
    std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, Entry> entries_;
};

}  // namespace relay
