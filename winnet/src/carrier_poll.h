// The Windows poll-mode carrier (docs/PROTOCOL.md 3), the same design as
// Linux's tunnel::PollCarrier: send() posts on the caller's thread (one
// POST per send, in order), two pollers each hold one long poll, answers
// are applied in X-Tether-Seq order. Each request path has its own
// kept-alive HttpClient; close() aborts them all.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "http_client.h"
#include "session/carrier.h"
#include "wire/frame.h"

namespace winnet {

class PollCarrier : public session::Carrier {
public:
    using Clock = std::chrono::steady_clock;

    PollCarrier(const Config& cfg, const std::string& token);
    ~PollCarrier() override;

    void start();  // first poll (wait=0) on the caller's thread; then the pollers
    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override;

private:
    // The most one POST carries (the relay accepts at most 1 MiB); a larger
    // send() goes out in several, split between frames.
    static constexpr std::size_t kMaxBody = 512 * 1024;

    struct Answer { std::uint64_t seq = 0; std::string body; };

    Answer poll_once(HttpClient& client, long wait_s);
    void post_once(const std::string& body);
    void run_poller(int index);
    void deliver(int poller, Answer a);
    void drain_in_order();
    void fail(const session::CarrierError& e);
    long wait_seconds() const;

    const Config cfg_;
    const Route route_;
    const std::string token_;  // secret; never logged

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::optional<session::CarrierError> error_;
    std::deque<wire::Frame> in_;
    Clock::time_point last_rx_;
    std::map<std::uint64_t, std::string> pending_;  // answers by X-Tether-Seq
    std::uint64_t next_seq_ = 0;
    std::array<std::uint64_t, 2> poller_seq_{};

    std::unique_ptr<HttpClient> up_;
    std::array<std::unique_ptr<HttpClient>, 2> polls_;
    std::array<std::thread, 2> pollers_;
};

}  // namespace winnet
