// SessionStream: reliable, ordered bytes to the peer endpoint over a sequence
// of carriers (docs/PROTOCOL.md, section 4). Any carrier may break at any
// time; the stream makes a new one through the CarrierFactory and continues
// from the peer's acknowledgement, so no byte is lost or delivered twice.
//
// How it works, in one paragraph: every byte we write gets an offset. We keep
// the bytes the peer has not acknowledged (at most `window`: write() blocks
// beyond that) and send them as data frames. The receiver trims duplicates,
// drops frames beyond a gap and answers with resend(received). It acks what
// the application consumed. After every carrier (re)connect we send
// hello/resend/ack and resume sending from the last ack. When we see the
// peer's hello (it reconnected) we answer with resend/ack, so that acks lost
// on its broken downlink cannot leave its writer waiting forever; and with
// our own hello if we did not know its epoch yet (our first hello may have
// reached the relay before the peer did), so both sides learn both epochs
// and a restarted peer is always detected.
//
// Threads: one receive thread (connects carriers, reads frames, runs the
// status callback) and one send thread (data, acks, fin, heartbeats). The
// application's read()/write() only touch buffers under one mutex.
//
// Details PROTOCOL.md section 4 leaves open, as implemented here:
// - hello answer: see above (resend + ack, plus hello if the epoch was new).
// - a resend for a gap is repeated once per heartbeat while the gap lasts.
// - the receiver acks at once when its reader reaches the peer's fin, so the
//   peer's drain() returns without waiting for a heartbeat.
// - the receiver buffers at most its own `window` of unconsumed bytes.
// - epoch: random per SessionStream (a new stream is a new peer state).
// - the outage clock runs from the last frame any carrier received; the
//   first connect counts as an outage too.
// - a malformed frame from the relay costs the carrier (reconnect), not the
//   stream; hello with another version or epoch fails the stream.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "session/byte_stream.h"
#include "session/carrier.h"
#include "session/stream_buffers.h"

namespace session {

enum class SessionState {
    connecting,        // first carrier not up yet
    waiting_for_peer,  // carrier up, the other side has not joined (yet)
    connected,         // carrier up and the peer is there
    reconnecting,      // our carrier broke, or the relay says the peer's did
    ended,             // the stream is over (detail says why); final
};

const char* to_string(SessionState s);

struct SessionStatus {
    SessionState state = SessionState::connecting;
    // For a status line: carrier->describe() (e.g. "stream mode through proxy
    // 10.0.0.1:3128"), what we wait for, or why the stream ended.
    std::string detail;
    // Last round trip endpoint -> relay -> endpoint measured by ping/pong;
    // negative until the first pong.
    std::chrono::milliseconds rtt{-1};
};

// Called on every state change and every new RTT sample, always from the
// stream's receive thread. Must return quickly, must not call read() or
// write() of the same stream (status(), stats() and close() are fine) and
// must not destroy it.
using StatusCallback = std::function<void(const SessionStatus&)>;

struct SessionOptions {
    // Bytes we keep unacknowledged at most; write() blocks beyond. 8 MiB fills
    // a 50 Mbit/s path with ~1 s RTT (proxies and relays add latency).
    std::size_t window = 8 * 1024 * 1024;
    // Ping on an idle uplink and re-ack this often: well inside the usual
    // 30-60 s proxy idle timeouts (docs/PROTOCOL.md section 3).
    std::chrono::milliseconds heartbeat{2000};
    // A carrier that received nothing for this many heartbeats is broken.
    int dead_after_heartbeats = 3;
    // Wait before reconnect attempt k >= 2: backoff_min * 2^(k-2), at most
    // backoff_max (the first attempt after a healthy carrier is immediate).
    std::chrono::milliseconds backoff_min{100};
    std::chrono::milliseconds backoff_max{2000};
    // Fail the stream when no carrier has worked for this long (the relay's
    // grace period for the peer is 60 s too, so waiting longer is pointless).
    std::chrono::milliseconds outage_limit{60000};
    // Bytes the application read are acknowledged at the latest this long
    // afterwards (a delayed ack, as in TCP): the writer's window and drain()
    // wait for acks, so they must not wait for a heartbeat, while 40 ms still
    // folds the acks of a busy stream into few frames.
    std::chrono::milliseconds ack_delay{40};
    StatusCallback on_status;
};

// The relay ended the session because nobody joined before its code
// expired (end(expired)): the desk side's cue to offer a new code, not a
// failure of anything.
class CodeExpiredError : public StreamError {
public:
    using StreamError::StreamError;
};

// Counters for tests, logs and /metrics-like output. Bytes are offsets.
struct SessionStats {
    std::uint64_t written = 0;      // bytes accepted by write()
    std::uint64_t acked = 0;        // bytes the peer consumed (its last ack)
    std::uint64_t received = 0;     // contiguous bytes received from the peer
    std::uint64_t consumed = 0;     // bytes returned by read()
    std::uint64_t max_unacked = 0;  // high-water mark of written - acked (<= window)
    std::uint64_t carriers = 0;     // carriers made by the factory
    std::uint64_t resends_sent = 0; // resend frames we sent for gaps
    std::uint64_t bad_frames = 0;   // malformed frames that cost a carrier
    std::uint64_t peer_hellos = 0;  // hello frames from the peer (its reconnects)
};

// ByteStream to the peer. Threading: as ByteStream. The constructor returns
// at once; connecting happens in the background (read/write block meanwhile).
// `factory` is called from the receive thread and may block; close() and the
// destructor wait for a factory call in progress to return.
class SessionStream : public ByteStream {
public:
    explicit SessionStream(CarrierFactory factory, SessionOptions opts = {});
    ~SessionStream() override;  // close() and join both threads

    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override;
    void close() override;

    // Waits until the peer acknowledged every byte we wrote (so that closing
    // now loses nothing), the stream failed, or `timeout` passed. True when
    // all was acknowledged. Acks come at least every heartbeat.
    bool drain(std::chrono::milliseconds timeout);

    // Blocks until the relay reports the peer present (it joined, or its
    // hello arrived), however long that takes: a customer may need minutes
    // to hear the code, start the program and type it, and the relay keeps
    // the code for its whole lifetime. Returns at once if the peer was
    // seen before. Throws CodeExpiredError when the relay ended the session
    // because nobody joined in time, StreamError when the stream failed or
    // was closed first (close() from another thread aborts the wait).
    void wait_for_peer();

    SessionStatus status() const;
    SessionStats stats() const;

private:
    using Clock = std::chrono::steady_clock;


    // --- receive thread (session_stream_recv.cpp) ---
    void receive_loop();
    std::shared_ptr<Carrier> connect_with_backoff(int& attempt);
    std::uint64_t install(const std::shared_ptr<Carrier>& c);
    bool receive_until_broken(Carrier& c, std::uint64_t gen);  // true: it worked
    bool receive_one(Carrier& c, wire::Frame& f, std::uint64_t gen);
    void take_frame(wire::Frame& f, std::uint64_t gen);  // may take f's payload
    void check_liveness(Clock::time_point last_rx, std::uint64_t gen);
    void after_break();
    void handle(wire::Frame& f);
    void on_data(wire::Frame& f);
    void on_ack(std::uint64_t offset);
    void on_resend(std::uint64_t offset);
    void on_hello(const wire::Frame& f);
    void on_pong(std::uint64_t stamp);
    void on_peer(wire::PeerState s);
    void on_end(const wire::Frame& f);
    bool wait_backoff(int attempt, const std::string& last_error);

    // --- send thread (session_stream_send.cpp) ---
    void send_loop();
    bool has_work(Clock::time_point now) const;
    bool ack_due(bool tick) const;
    std::string build_batch(Clock::time_point now);
    void append_ack(std::string& out, bool tick);
    void append_data(std::string& out);
    void append_tick(std::string& out, Clock::time_point now);
    void queue_recovery_frames();
    void queue_resend(Clock::time_point now);

    // --- shared (session_stream.cpp); callers hold mu_ unless noted ---
    void mark_broken(std::uint64_t gen, const std::string& why, bool fatal, bool planned = false);
    void fail(const std::string& why);
    void set_state(SessionState s, const std::string& detail);
    void flush_status();  // without mu_ held; receive thread only
    bool finished_reading() const;
    bool stopping() const { return closed_ || failed_ || ended_clean_; }

    CarrierFactory factory_;
    const SessionOptions opts_;
    const std::uint64_t epoch_;  // random per stream (PROTOCOL.md: per process)

    mutable std::mutex mu_;
    std::condition_variable app_cv_;   // readers, writers, drain()
    std::condition_variable send_cv_;  // send thread
    std::condition_variable recv_cv_;  // receive thread's backoff waits

    // Carrier: replaced by the receive thread; `gen_` counts installs so a
    // thread holding an old carrier cannot report the new one broken.
    std::shared_ptr<Carrier> carrier_;
    std::uint64_t gen_ = 0;
    bool broken_ = false;        // current carrier must be replaced
    std::string broken_why_;
    bool broken_fatal_ = false;
    bool broken_planned_ = false;  // the carrier retired on purpose: no "reconnecting"

    // Sending side.
    SendBuffer sendbuf_;
    std::uint64_t acked_ = 0;     // peer consumed everything below
    std::uint64_t send_pos_ = 0;  // next offset to put in a data frame
    std::uint64_t sent_max_ = 0;  // highest offset ever sent
    bool fin_set_ = false;
    bool fin_sent_ = false;       // on the current carrier, since the last rewind
    std::string control_;         // frames queued for the send thread (hello, resend...)

    // Receiving side.
    ChunkQueue recvbuf_;           // received, not yet consumed
    std::uint64_t received_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint64_t ack_sent_ = 0;  // last ack value we sent
    bool ack_due_ = false;        // send an ack even if unchanged (peer hello)
    // When the oldest unacknowledged consumption must be acked (delayed
    // ack); max() while everything consumed was acked.
    Clock::time_point ack_deadline_ = Clock::time_point::max();
    bool peer_fin_set_ = false;
    std::uint64_t peer_fin_ = 0;
    bool gap_open_ = false;       // we dropped data beyond received_
    std::uint64_t last_resend_ = UINT64_MAX;
    Clock::time_point last_resend_at_{};
    bool peer_seen_ = false;      // the peer was present at least once (wait_for_peer)
    bool peer_epoch_known_ = false;
    std::uint64_t peer_epoch_ = 0;

    // Heartbeat (send thread).
    Clock::time_point next_tick_{};
    bool sent_since_tick_ = false;

    // Lifecycle.
    bool closed_ = false;        // close(): stop, reads return 0
    bool failed_ = false;        // error_ is thrown by read/write
    bool ended_clean_ = false;   // end(by_you): reads return 0 after the data
    bool code_expired_ = false;  // failed with end(expired): nobody joined in time
    std::string error_;
    Clock::time_point outage_since_{};
    bool in_outage_ = true;

    SessionStatus status_;
    std::vector<SessionStatus> status_queue_;  // for flush_status()
    wire::PeerState peer_state_ = wire::PeerState::waiting;
    std::string carrier_desc_;
    SessionStats stats_;

    std::thread recv_thread_;
    std::thread send_thread_;
};

}  // namespace session
