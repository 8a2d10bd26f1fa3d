// PollCarrier internals (see tunnel/carrier_poll.h). Threads: send() posts
// on the caller's thread (one POST per send, in order: the Carrier contract
// allows one sender at a time), so a frame leaves without a thread hop; two
// downlink pollers each hold one long poll.
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

class PollCarrier : public session::Carrier {
public:
    using Clock = std::chrono::steady_clock;

    PollCarrier(const EndpointConfig& cfg, const std::string& token);
    ~PollCarrier() override;

    void start();  // first poll (wait=0) on the caller's thread; then the threads
    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override;

private:
    // The most one POST carries (the relay accepts bodies of at most 1 MiB);
    // a larger send() goes out in several, split between frames.
    static constexpr std::size_t kMaxBody = 512 * 1024;

    struct Answer { std::uint64_t seq = 0; std::string body; };

    Answer poll_once(http::Easy& e, long wait_s);  // one GET; throws CarrierError
    void post_once(http::Easy& e, const std::string& body);
    std::unique_ptr<http::Easy> make_easy(const std::string& path);
    void run_poller(int index);
    void deliver(int poller, Answer a);
    void drain_in_order();
    void fail(const session::CarrierError& e);
    long wait_seconds() const;

    const EndpointConfig cfg_;
    const std::string token_;  // secret; never logged

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::atomic<bool> stopping_{false};  // closed_ or error_, readable without mu_
    std::optional<session::CarrierError> error_;
    std::deque<wire::Frame> in_;
    Clock::time_point last_rx_;
    // Answers are applied in X-Tether-Seq order (two polls race).
    std::map<std::uint64_t, std::string> pending_;
    std::uint64_t next_seq_ = 0;
    std::array<std::uint64_t, 2> poller_seq_{};  // last seq each poller got

    std::unique_ptr<http::Easy> up_;  // POST /v1/poll/up; used by the one sending thread
    std::array<std::thread, 2> pollers_;
};

}  // namespace tunnel
