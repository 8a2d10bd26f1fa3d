// The per-request state of a downlink (queue -> HTTP response) and an uplink
// (HTTP request body -> peer's queue). Poll mode reuses both. Internal.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "http_context.h"
#include "wire/frame.h"

namespace relay {

// Frames per downlink write: up to this many bytes, to amortise TLS records.
constexpr std::size_t kMaxDownlinkBatch = 256 * 1024;

// Encodes frames back to wire bytes.
std::string encode_frames(const std::vector<wire::Frame>& frames);

class DownlinkPump {
public:
    // Attaches a downlink of ep.side (replacing an older one). `fd`: the
    // connection's socket for hang-up detection, -1 if unknown.
    DownlinkPump(HttpContext& cx, Endpoint ep, int fd);
    ~DownlinkPump();
    // One provider call: blocks at most one tick for frames, writes them (or
    // a ping when idle for a heartbeat). false: drop the connection.
    bool step(httplib::DataSink& sink);
    // The response is over (any reason): the side is now absent.
    void release();

private:
    bool write(httplib::DataSink& sink, const std::string& bytes);

    HttpContext& cx_;
    Endpoint ep_;
    std::uint64_t generation_;
    int fd_;
    std::chrono::milliseconds tick_;
    SteadyClock::time_point last_write_;
    bool released_ = false;
};

class UplinkPump {
public:
    // Stream mode: forwarding blocks while the peer's inbox is full. Poll
    // mode passes a deadline: then the request is answered 503 at the deadline.
    UplinkPump(HttpContext& cx, Endpoint ep, std::optional<SteadyClock::time_point> deadline = std::nullopt);
    ~UplinkPump();
    // Content receiver: false stops reading the body.
    bool feed(const char* data, std::size_t len);
    // Sets the response: `ok_status` after a clean end, else the error.
    void answer(httplib::Response& res, bool body_complete, int ok_status = 200);
    // Poll mode: the whole body must be whole frames.
    void feed_whole(const std::string& body);

private:
    enum class Outcome { open, ended_by_frame, protocol_error, replaced, session_ended, busy };
    bool handle(wire::Frame f);
    bool forward(wire::Frame f);

    HttpContext& cx_;
    Endpoint ep_;
    std::uint64_t generation_;
    std::optional<SteadyClock::time_point> deadline_;
    wire::FrameParser parser_;
    Outcome outcome_ = Outcome::open;
};

}  // namespace relay
