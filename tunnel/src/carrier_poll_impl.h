// PollCarrier internals (see tunnel/carrier_poll.h). Threads: one uplink
// thread posts queued frames in order; two downlink pollers each hold one
// long poll; the caller's threads only touch the queues under mu_.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "http_easy.h"
#include "tunnel/carrier_poll.h"
#include "wire/frame.h"

namespace tunnel {

class PollCarrier : public Carrier {
public:
    using Clock = std::chrono::steady_clock;

    PollCarrier(const EndpointConfig& cfg, const std::string& token);
    ~PollCarrier() override;

    void start();  // first poll (wait=0) on the caller's thread; then the threads
    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override;

    // Stamps of the carrier's own heartbeat pings (their pongs are swallowed),
    // as in StreamCarrier.
    static constexpr std::uint64_t kOwnPingBit = std::uint64_t(1) << 63;

private:
    // Frames queued towards the relay before send() blocks, and the most one
    // POST carries (the relay accepts bodies of at most 1 MiB).
    static constexpr std::size_t kOutCap = 1 << 20;
    static constexpr std::size_t kMaxBody = 512 * 1024;

    struct Answer { std::uint64_t seq = 0; std::string body; };

    Answer poll_once(http::Easy& e, long wait_s);  // one GET; throws CarrierError
    void post_once(http::Easy& e, const std::string& body);
    std::unique_ptr<http::Easy> make_easy(const std::string& path);
    void run_poller(int index);
    void run_uplink();
    std::string take_batch(std::unique_lock<std::mutex>& lk);
    void deliver(int poller, Answer a);
    void drain_in_order();
    void fail(const CarrierError& e);
    long wait_seconds() const;

    const EndpointConfig cfg_;
    const std::string token_;  // secret; never logged

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::atomic<bool> stopping_{false};  // closed_ or error_, readable without mu_
    std::optional<CarrierError> error_;
    std::deque<std::string> out_;  // whole frames, as given to send()
    std::size_t out_bytes_ = 0;
    std::deque<wire::Frame> in_;
    Clock::time_point last_rx_;
    // Answers are applied in X-Tether-Seq order (two polls race).
    std::map<std::uint64_t, std::string> pending_;
    std::uint64_t next_seq_ = 0;
    std::array<std::uint64_t, 2> poller_seq_{};  // last seq each poller got

    std::array<std::thread, 2> pollers_;
    std::thread uplink_;
};

}  // namespace tunnel
