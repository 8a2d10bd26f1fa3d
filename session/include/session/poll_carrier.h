// The poll-mode carrier's protocol half (docs/PROTOCOL.md "Poll mode"), one
// for both platforms: send() posts on the caller's thread (one POST per
// send, in order: the Carrier contract allows one sender at a time), so a
// frame leaves without a thread hop; two pollers each hold one long poll;
// answers are applied in X-Tether-Seq order. The HTTP half is the
// platform's: a subclass makes the requests (tunnel/: libcurl, winnet/:
// Winsock and SChannel).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "session/carrier.h"
#include "wire/frame.h"

namespace session {

class PollCarrier : public Carrier {
public:
    using Clock = std::chrono::steady_clock;

    // `heartbeat`: the session's heartbeat interval; long polls are answered
    // at least this often (rounded up to seconds), and a carrier that heard
    // nothing for a poll's wait plus 3 heartbeats is dead.
    explicit PollCarrier(std::chrono::milliseconds heartbeat);
    // The subclass's destructor must call stop() first: the pollers call
    // its poll_once() until they are joined.
    ~PollCarrier() override;

    // The first poll (wait=0) on the caller's thread: it proves the path
    // (proxy, TLS, token) before the carrier counts as connected, and gives
    // the first X-Tether-Seq. Then the two pollers start. Throws CarrierError.
    void start();
    void send(std::string frames) final;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) final;
    void close() final;

protected:
    struct Answer {
        std::uint64_t seq = 0;  // X-Tether-Seq
        std::string body;       // whole encoded frames
    };

    // GET /v1/poll/down?wait=`wait_s` for poller `poller` (0 or 1; start()'s
    // first poll, wait 0, counts as poller 0's). Each poller calls it from its
    // own thread only. Throws CarrierError.
    virtual Answer poll_once(int poller, long wait_s) = 0;
    // POST /v1/poll/up with `body` (whole frames, at most kMaxBody unless one
    // frame is larger). Called by the sending thread only. Throws CarrierError.
    virtual void post_once(const std::string& body) = 0;
    // The carrier closed or failed: end the requests in flight soon (called
    // without the carrier's lock). Also see stopping().
    virtual void abort_requests() {}

    // Closes, then joins the pollers; idempotent. For the subclass's destructor.
    void stop();
    // True once closed or failed; readable from any thread without a lock
    // (libcurl's progress callback polls it).
    const std::atomic<bool>& stopping() const { return stopping_; }
    long wait_seconds() const;

private:
    // The most one POST carries (the relay accepts bodies of at most 1 MiB);
    // a larger send() goes out in several, split between frames.
    static constexpr std::size_t kMaxBody = 512 * 1024;

    void run_poller(int index);
    void deliver(int poller, Answer a);
    void drain_in_order();
    void fail(const CarrierError& e);

    const std::chrono::milliseconds heartbeat_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::atomic<bool> stopping_{false};  // closed_ or error_
    std::optional<CarrierError> error_;
    std::deque<wire::Frame> in_;
    Clock::time_point last_rx_;
    std::map<std::uint64_t, std::string> pending_;  // answers by X-Tether-Seq, not yet applied
    std::uint64_t next_seq_ = 0;
    std::array<std::uint64_t, 2> poller_seq_{};  // the last seq each poller got
    std::array<std::thread, 2> pollers_;
};

}  // namespace session
