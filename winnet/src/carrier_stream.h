// The Windows stream-mode carrier (docs/PROTOCOL.md 3): GET /v1/stream/down
// answered with a chunked body of frames, and POST /v1/stream/up whose
// chunked body lasts as long as the carrier. Each on its own Connection and
// thread (down_thread_ reads, up_thread_ writes and watches for the
// uplink's answer); the caller's threads only touch the queues under mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "connection.h"
#include "session/carrier.h"
#include "session/transport.h"
#include "session/stream_buffers.h"
#include "wire/frame.h"

namespace winnet {

class StreamCarrier : public session::ProbeCarrier {
public:
    using Clock = std::chrono::steady_clock;

    // `probe` (`?probe=1`, docs/PROTOCOL.md 3): the relay lets it carry only
    // pings, sends it only their pongs and keeps it apart from the session,
    // so that a session in poll mode can test stream mode beside it.
    StreamCarrier(const Config& cfg, const std::string& token, bool probe = false);
    ~StreamCarrier() override;

    void start();  // opens both requests at once, returns when both are up; throws CarrierError
    // The same, for a probe made ahead (session/transport.h). A close()
    // meanwhile stops it once the connection in progress is up (bounded by
    // the connect budget).
    void wait_ready() override { start(); }
    void send(std::string frames) override;
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override;
    void close() override;
    std::string describe() const override;

    // Marks the carrier's own heartbeat pings; their pongs are swallowed
    // (the same bit as Linux's tunnel::StreamCarrier).
    static constexpr std::uint64_t kOwnPingBit = std::uint64_t(1) << 63;

private:
    // Bytes queued towards the relay before send() blocks (back-pressure),
    // and frame bytes received but not yet taken before the downlink stops
    // reading (TCP then pushes back on the relay).
    static constexpr std::size_t kOutCap = 1 << 20;
    static constexpr std::size_t kInCap = 4 << 20;
    // One uplink chunk at most: SessionStream's batches are ~256 KiB.
    static constexpr std::size_t kUpChunk = 256 * 1024;
    // close() waits at most this long (or a heartbeat) to flush queued frames.
    static constexpr std::chrono::milliseconds kFlushMax{1000};

    void open_down();
    void open_up();
    void run_down();
    void down_step(wire::FrameParser& parser, http1::ChunkedDecoder& chunked);
    void take_frames(wire::FrameParser& parser, const std::string& bytes);
    void run_up();
    std::string next_batch();
    void check_up_answer();
    void fail(const session::CarrierError& e);
    std::chrono::milliseconds tick() const;
    http1::Headers common_headers() const;

    const Config cfg_;
    const Route route_;
    const std::string token_;  // secret; never in a message
    const std::string query_;  // "" or "?probe=1"
    std::unique_ptr<Connection> down_, up_;
    std::string down_buf_, up_buf_;  // bytes read, not yet parsed

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool closed_ = false, writing_ = false;
    std::optional<session::CarrierError> error_;
    std::deque<wire::Frame> in_;
    std::size_t in_bytes_ = 0;
    Clock::time_point last_rx_, last_tx_;
    session::ChunkQueue out_;

    std::thread down_thread_, up_thread_;
};

}  // namespace winnet
