// StreamCarrier internals, shared by carrier_stream*.cpp. Threads: one runs
// the downlink GET, one the uplink POST, each in its own TransferLoop; the
// caller's threads only touch the queues under mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "http_easy.h"
#include "http_loop.h"
#include "session/carrier.h"
#include "session/transport.h"
#include "tunnel/http_settings.h"
#include "session/stream_buffers.h"
#include "wire/frame.h"

namespace tunnel {

// What a StreamCarrier connects. `probe` (`?probe=1`, docs/PROTOCOL.md) may
// send only pings, gets only their pongs, and leaves the session's delivery
// alone, so that a session in poll mode can test stream mode while it keeps
// running (transport.cpp).
enum class StreamUse { session, probe };

class StreamCarrier : public session::ProbeCarrier {
public:
    using Clock = std::chrono::steady_clock;

    StreamCarrier(const EndpointConfig& cfg, const std::string& token, StreamUse use);
    ~StreamCarrier() override;

    void wait_ready() override;  // throws CarrierError if either direction fails to come up
    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override;

    // Marks the stamps of the carrier's own heartbeat pings; their pongs are
    // swallowed. Callers' pings (e.g. SessionStream's) never set this bit.
    static constexpr std::uint64_t kOwnPingBit = std::uint64_t(1) << 63;

    // libcurl callbacks, called on the transfer threads.
    std::size_t on_down_header(const char* line, std::size_t len);
    std::size_t on_down_data(const char* p, std::size_t len);
    std::size_t on_up_read(char* buf, std::size_t len);
    std::size_t on_up_response(const char* p, std::size_t len);

private:
    // Bytes queued towards the relay before send() blocks (back-pressure),
    // and frame bytes received but not yet taken before the downlink pauses.
    static constexpr std::size_t kOutCap = 1 << 20;
    static constexpr std::size_t kInCap = 4 << 20;
    // close() waits at most this long (or a heartbeat) to flush queued frames.
    static constexpr std::chrono::milliseconds kFlushMax{1000};

    // downlink (carrier_stream_down.cpp), on down_thread_
    void setup_down();
    void run_down();
    void down_tick();
    bool take_frames(const char* p, std::size_t len);
    // uplink (carrier_stream_up.cpp), on up_thread_
    void setup_up();
    void run_up();
    void up_tick();

    void fail(const session::CarrierError& e);  // first failure wins; stops both loops
    void finish(const http::Easy& e, CURLcode rc, long status, const std::string& body,
                const char* direction);
    std::chrono::milliseconds tick_period() const;

    const EndpointConfig cfg_;
    http::Easy down_, up_;
    http::TransferLoop down_loop_, up_loop_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false;
    std::optional<session::CarrierError> error_;
    bool down_ready_ = false, up_ready_ = false;
    // downlink state
    std::deque<wire::Frame> in_;
    std::size_t in_bytes_ = 0;
    bool down_paused_ = false;
    Clock::time_point last_rx_;
    // uplink state
    session::ChunkQueue out_;  // frames queued for the uplink, taken over from send()
    bool up_paused_ = false;
    Clock::time_point last_tx_;

    std::uint64_t up_sent_ = 0;  // uplink thread only

    // Touched only by the downlink thread.
    wire::FrameParser parser_;
    long down_status_ = 0;
    std::string down_body_, up_body_;  // error bodies, first 4 KiB

    std::thread down_thread_, up_thread_;  // last: started after everything above
};

}  // namespace tunnel
