// The per-request state of a downlink (a side's inbox -> HTTP response) and
// an uplink (HTTP request body -> the peer's inbox), event-driven: they run
// on their connection's strand and wait for a queue through FrameQueue
// wakers posted to that strand, never by blocking. Poll mode reuses the
// uplink. Internal to relay/.
#pragma once

#include <boost/asio/defer.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "heartbeat_sweep.h"
#include "http_context.h"
#include "transport.h"
#include "wire/frame.h"

namespace relay {

// Frames per downlink write: up to this many bytes, to amortise TLS records.
constexpr std::size_t kMaxDownlinkBatch = 256 * 1024;

// Encodes frames back to wire bytes.
std::string encode_frames(const std::vector<wire::Frame>& frames);

// Runs `fn` on `executor` (a connection's strand) when `weak` still lives:
// the shape of every FrameQueue waker here (they run on the thread that
// changed the queue and must only post). Deferred: called from an io
// thread's handler (an uplink's forward, a ping's pong), Asio runs it on
// that thread after the handler instead of waking the other io thread.
template <class T, class Fn>
FrameQueue::Waker post_to(boost::asio::any_io_executor executor, std::weak_ptr<T> weak, Fn fn) {
    return [executor, weak, fn] {
        defer_to(executor, [weak, fn] {
            if (auto self = weak.lock()) fn(*self);
        });
    };
}

class DownlinkPump : public ChunkSource, public std::enable_shared_from_this<DownlinkPump> {
public:
    // Attaches a downlink of ep.side (replacing an older one).
    DownlinkPump(HttpContext& cx, Endpoint ep, boost::asio::any_io_executor strand);
    ~DownlinkPump() override;
    // Queued frames at once; else waits for frames, a heartbeat (ping(0)),
    // a newer downlink or the session's end (then the stream ends).
    void next(std::function<void(std::string)> give) override;
    // The side is now absent (unless a newer downlink took over).
    void finished() override;

private:
    void try_give();
    void give_now(std::string bytes);
    void beat();

    HttpContext& cx_;
    Endpoint ep_;
    std::uint64_t generation_;
    boost::asio::any_io_executor strand_;
    HeartbeatSweep::LastGive last_give_;     // the last piece given (frames or a ping); read by the sweep
    std::uint64_t sweep_id_ = 0;             // registered with cx_.heartbeats (0: not yet)
    std::function<void(std::string)> give_;  // set while a piece is wanted
    bool watching_ = false;                  // a waker is registered on the inbox
    bool released_ = false;
};

class UplinkPump : public BodySink, public std::enable_shared_from_this<UplinkPump> {
public:
    // Stream mode: forwarding waits while the peer's inbox is full. Poll mode
    // passes `give_up_after`: then the upload is answered 503 busy if the
    // inbox stays full that long.
    UplinkPump(HttpContext& cx, Endpoint ep, boost::asio::any_io_executor strand,
               std::optional<std::chrono::steady_clock::duration> give_up_after = std::nullopt,
               int ok_status = 200);
    ~UplinkPump() override;
    void feed(std::string_view data, std::function<void(bool more)> resume) override;
    // Poll mode: the whole body must be whole frames.
    void feed_whole(std::string_view body, std::function<void(bool more)> resume);
    Response answer(bool complete) override;

private:
    enum class Outcome { open, ended_by_frame, protocol_error, replaced, session_ended, busy };
    // Forwards parsed frames until the parser is empty (resume(true)), the
    // inbox is full (waits) or the uplink must stop (resume(false)).
    void drain();
    bool handle(wire::Frame f);
    bool forward(wire::Frame& f);
    void wait_for_room();
    void fail_protocol(const char* what);
    void finish(bool more);

    HttpContext& cx_;
    Endpoint ep_;
    std::uint64_t generation_;
    boost::asio::any_io_executor strand_;
    boost::asio::steady_timer give_up_;
    std::optional<std::chrono::steady_clock::duration> give_up_after_;
    int ok_status_;
    wire::FrameParser parser_;
    std::optional<wire::Frame> blocked_;  // parsed, waiting for room in the peer's inbox
    std::function<void(bool)> resume_;
    bool whole_ = false;     // poll mode: a partial frame at the end is an error
    bool watching_ = false;  // a waker is registered on the peer's inbox
    Outcome outcome_ = Outcome::open;
};

}  // namespace relay
